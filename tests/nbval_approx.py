"""nbval with a numeric tolerance: the pytest plugin behind ``# NBVAL_APPROX``.

nbval compares a cell's stored and new outputs as text, exactly. That is right
for data, shapes and parameter counts, but not for numbers that training
decides: another CPU, thread count or oneDNN build changes their last digits.
A code cell that prints such numbers carries a comment line

    # NBVAL_APPROX abs=0.003
    # NBVAL_APPROX rel=0.2
    # NBVAL_APPROX ulp=30

and its text outputs (stdout, ``text/plain``, ``text/html``; after the sanitize
file) are then compared like this:

* the text around the numbers must be identical (runs of spaces count as one
  space, so a number that gains a digit in an aligned table still matches);
* both outputs must hold the same count of numbers, and every new number must
  lie within the tolerance of the stored one at the same place:
  ``|new - stored| <= max(abs, rel * |stored|, ulp * unit)``, where ``unit`` is
  the place of the stored number's last printed digit (0.01 for ``97.93``, 1 for
  ``207``). ``ulp`` suits tables: with ``ulp=30`` an accuracy printed as
  ``97.93`` % may move by 0.30 points and an error count of ``207`` by 30, the
  same thing on 10,000 test images. Keys left out count as 0.

Numbers are written as Python prints them: an optional sign, digits with or
without thousands commas, an optional fraction and exponent (``-4.18``,
``407,050``, ``1e-05``). A marker that cannot be read fails the cell with a
message that says why; it is never silently ignored.

The plugin is loaded by the repository's ``conftest.py``; its unit tests are in
``tests/test_nbval_approx.py``.
"""

import copy
import math
import re
from dataclasses import dataclass
from pathlib import Path

MARKER = "NBVAL_APPROX"
SANITIZE_FILE = Path(__file__).with_name("nbval_sanitize.cfg")
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
SPACES = re.compile(r"[ \t]+")


def sanitizer(path=SANITIZE_FILE):
    """The sanitize file as a function that applies its regex/replace pairs the way nbval does.

    For the tools that read outputs as the tests see them (tools/record_notebooks.py,
    tools/measure_spread.py).
    """
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", Path(path).read_text(), flags=re.MULTILINE)

    def sanitize(value):
        if not isinstance(value, str):
            return value
        for regex, replace in pairs:
            value = re.sub(regex, replace, value)
        return value

    return sanitize


class MarkerError(ValueError):
    """A ``# NBVAL_APPROX`` line that cannot be read."""


@dataclass(frozen=True)
class Tolerance:
    abs: float = 0.0
    rel: float = 0.0
    ulp: float = 0.0

    def margin(self, stored, unit=0.0):
        """How far a new number may lie from `stored`, whose last printed digit is worth `unit`."""
        return max(self.abs, self.rel * abs(stored), self.ulp * unit)

    def allows(self, stored, new, unit=0.0):
        # a hair of slack so that 0.1 + 0.2 style float noise never decides
        return abs(new - stored) <= self.margin(stored, unit) * (1 + 1e-9)

    def describe(self, stored, unit=0.0):
        return f"±{self.margin(stored, unit):g}"


def last_digit_unit(token):
    """The value of the last printed digit of a number token: '97.93' -> 0.01, '207' -> 1."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def parse_marker(source):
    """The Tolerance of a cell's source, or None if it has no NBVAL_APPROX line.

    Raises MarkerError for a marker that names no tolerance, an unknown key,
    a value that is not a non-negative number, or two markers in one cell.
    """
    found = None
    for line in source.splitlines():
        text = line.strip()
        if not text.startswith("#"):
            continue
        words = text.lstrip("#").split()
        if not words or words[0] != MARKER:
            continue
        if found is not None:
            raise MarkerError(f"two {MARKER} lines in one cell; keep one")
        values = {}
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep or key not in ("abs", "rel", "ulp"):
                raise MarkerError(
                    f"{text!r}: expected 'abs=NUMBER', 'rel=NUMBER' and/or 'ulp=NUMBER', not {word!r}"
                )
            try:
                number = float(value)
            except ValueError:
                raise MarkerError(f"{text!r}: {value!r} is not a number") from None
            if not math.isfinite(number) or number < 0:
                raise MarkerError(f"{text!r}: a tolerance must be a finite number >= 0, not {value}")
            values[key] = number
        if not values:
            raise MarkerError(f"{text!r}: give a tolerance, e.g. '# {MARKER} abs=0.003', 'rel=0.05' or 'ulp=30'")
        found = Tolerance(**values)
    return found


def split_numbers(text):
    """Split text into (the text between numbers, the numbers as floats)."""
    pieces, tokens = split_tokens(text)
    return pieces, [float(token.replace(",", "")) for token in tokens]


def split_tokens(text):
    """Split text into (the text between numbers, the number tokens as printed)."""
    pieces = NUMBER.split(text)
    return [SPACES.sub(" ", piece) for piece in pieces], NUMBER.findall(text)


def compare_text(stored, new, tolerance):
    """Compare two outputs with a tolerance. Returns a list of problems ([] = they match)."""
    stored_text, stored_tokens = split_tokens(stored)
    new_text, new_tokens = split_tokens(new)
    if len(stored_tokens) != len(new_tokens):
        return [f"the output holds {len(new_tokens)} numbers, the stored one {len(stored_tokens)}"]
    problems = []
    if stored_text != new_text:
        problems.append("the text around the numbers differs")
    for index, (old_token, new_token) in enumerate(zip(stored_tokens, new_tokens), start=1):
        old, value = float(old_token.replace(",", "")), float(new_token.replace(",", ""))
        unit = last_digit_unit(old_token)
        if not tolerance.allows(old, value, unit):
            problems.append(
                f"number {index}: {new_token} is not within {tolerance.describe(old, unit)} "
                f"of the stored {old_token}"
            )
    return problems


def _text_fields(outputs):
    """Every comparable text in a list of outputs: {key: [(container, field), ...]}."""
    fields = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            fields.setdefault(output["name"], []).append((output, "text"))
        for mime, value in output.get("data", {}).items():
            if isinstance(value, str) and not mime.startswith("image/"):
                fields.setdefault(mime, []).append((output["data"], mime))
    return fields


def align_outputs(new_outputs, stored_outputs, tolerance, sanitize=lambda s: s):
    """Copy of the new outputs in which every text that matches its stored twin within the
    tolerance is replaced by the stored text, plus a list of problems for those that do not.
    Texts without a twin are left as they are for nbval to report."""
    aligned = copy.deepcopy(new_outputs)
    new_fields = _text_fields(aligned)
    stored_fields = _text_fields(stored_outputs)
    problems = []
    for key, stored_list in stored_fields.items():
        for (new_box, new_key), (stored_box, stored_key) in zip(new_fields.get(key, []), stored_list):
            stored_text = stored_box[stored_key]
            found = compare_text(sanitize(stored_text), sanitize(new_box[new_key]), tolerance)
            if found:
                problems.extend(f"{key}: {problem}" for problem in found)
            else:
                new_box[new_key] = stored_text
    return aligned, problems


def _install(item, tolerance):
    original = item.compare_outputs

    def compare_outputs(test, ref, skip_compare=None):
        aligned, problems = align_outputs(test, ref, tolerance, item.sanitize)
        matches = original(aligned, ref, skip_compare)
        if not matches:
            item.comparison_traceback.append(f"{MARKER} {tolerance}: " + "; ".join(problems))
        return matches

    item.compare_outputs = compare_outputs


def _fail_with(item, message):
    def runtest():
        raise MarkerError(f"{item.nodeid}: {message}")

    item.runtest = runtest


def pytest_collection_modifyitems(items):
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or not hasattr(item, "compare_outputs"):
            continue  # not an nbval cell
        try:
            tolerance = parse_marker(cell.source)
        except MarkerError as error:
            _fail_with(item, str(error))
            continue
        if tolerance is None:
            continue
        if not item.options["check"]:
            _fail_with(item, f"{MARKER} in a cell whose output is not compared (NBVAL_IGNORE_OUTPUT?)")
            continue
        _install(item, tolerance)
