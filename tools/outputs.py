"""Notebook outputs as the notebook tests compare them: the numbers in their text, and the rules
in a code cell's metadata that say how closely each number must match.

nbval compares a cell's stored and new outputs as text, exactly. That is right for data, shapes
and parameter counts, but not for numbers that training decides: another CPU, thread count or
oneDNN build changes their last digits. Such a cell names those numbers in its metadata:

    "compare": {
      "numbers": [
        {"after": "val_accuracy: ", "abs": 0.0048,
         "why": "3 x 0.0016, its largest deviation over the four settings (docs/measured-spread.md)"}
      ]
    }

Each rule covers the numbers of the cell's stored output that it selects:

* ``after``: a regular expression that the text before the number, on its line, must end with;
* ``before``: a regular expression that the text after the number, on its line, must start with;

one of them or both (then both must hold). Runs of spaces count as one space, in the output and
for the rules. A rule allows ``|new - stored| <= max(abs, rel * |stored|, ulp * unit)``, where
``unit`` is the place of the stored number's last printed digit (0.01 for ``97.93``, 1 for
``207``); keys left out count as 0, and at least one must be given. ``why`` says where the bound
comes from, usually the measured spread.

**Every number that no rule covers is compared exactly**, as printed: parameter counts, shapes,
image counts, epoch numbers. The text around the numbers must be identical. A rule that covers no
number of the stored output is an error (a stale rule), and so is a number covered by two rules.
``"compare"`` may also hold ``"figure"``, which is read elsewhere.

Used by the pytest plugin tests/nbval_approx.py and by tools/record_notebooks.py and
tools/measure_spread.py; tested in tests/test_nbval_approx.py.
"""

import copy
import math
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
SPACES = re.compile(r"[ \t]+")

# The cell metadata the notebooks may hold (tests/test_notebook_hygiene.py; tools/record_notebooks.py
# drops the rest, such as JupyterLab's "collapsed" or "scrolled"): nbval's tags, the comparison
# rules read here, and the alt text of a cell's figures, which the course website shows (myst-nb's
# {"mystnb": {"image": {"alt": ...}}}).
CELL_METADATA_KEYS = ("tags", "compare", "mystnb")
COMPARE_KEYS = ("numbers", "figure")  # "figure" is another comparison's, not read here
RULE_KEYS = ("after", "before", "abs", "rel", "ulp", "why")


def sanitizer(path=SANITIZE_FILE):
    """The tests' sanitize file as a function that applies its regex/replace pairs as nbval does."""
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", Path(path).read_text(), flags=re.MULTILINE)

    def sanitize(value):
        if not isinstance(value, str):
            return value
        for regex, replace in pairs:
            value = re.sub(regex, replace, value)
        return value

    return sanitize


# ---------------------------------------------------------------------------
# Numbers in a text
# ---------------------------------------------------------------------------


def last_digit_unit(token):
    """The value of the last printed digit of a number token: '97.93' -> 0.01, '207' -> 1."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


@dataclass(frozen=True)
class Number:
    """One number in an output's text, with where it stands (spaces collapsed)."""

    token: str  # as printed: '407,050', '-4.21', '1e-05'
    line: int  # 1-based line of the text
    before: str  # the text before it on its line
    after: str  # the text after it on its line

    @property
    def value(self):
        return float(self.token.replace(",", ""))

    @property
    def unit(self):
        return last_digit_unit(self.token)

    def label(self):
        """How a message names it: the words just before it, else its line with the number as ▢."""
        lead = re.sub(r"^\W+", "", NUMBER.split(self.before)[-1])  # the text since the previous number
        if any(character.isalpha() for character in lead):
            return repr(lead)
        line = (self.before + "▢" + self.after).strip()
        return repr(line if len(line) <= 70 else line[:67] + "...")


def numbers_in(text):
    """Every number in `text`, in order, as Number."""
    found = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        line = SPACES.sub(" ", line)
        for match in NUMBER.finditer(line):
            found.append(Number(match.group(), line_number, line[: match.start()], line[match.end():]))
    return found


def text_around_numbers(text):
    """The text with every number taken out and runs of spaces as one: what must match exactly."""
    return [SPACES.sub(" ", piece) for piece in NUMBER.split(text)]


# ---------------------------------------------------------------------------
# Tolerances and rules
# ---------------------------------------------------------------------------


class RuleError(ValueError):
    """A cell's "compare" metadata that cannot be read, or that does not fit its stored output."""


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


@dataclass(frozen=True)
class Rule:
    after: str | None
    before: str | None
    tolerance: Tolerance
    why: str

    def covers(self, number):
        return ((self.after is None or re.search(f"(?:{self.after})\\Z", number.before) is not None)
                and (self.before is None or re.match(self.before, number.after) is not None))

    def describe(self):
        return " and ".join(f"{key} '{getattr(self, key)}'" for key in ("after", "before")
                            if getattr(self, key) is not None)


def read_rules(compare):
    """The Rules of a cell's "compare" metadata ([] if it has none). Raises RuleError, saying why,
    for anything it cannot read."""
    if compare is None:
        return []
    if not isinstance(compare, dict):
        raise RuleError(f'"compare" must be an object such as {{"numbers": [...]}}, not {compare!r}')
    unknown = sorted(set(compare) - set(COMPARE_KEYS))
    if unknown:
        raise RuleError(f'"compare" has unknown key(s) {unknown}: expected "numbers" (or "figure")')
    if "numbers" not in compare:
        return []
    rules = compare["numbers"]
    if not isinstance(rules, list) or not rules:
        raise RuleError('"compare" -> "numbers" must be a non-empty list of rules')
    return [_read_rule(index, rule) for index, rule in enumerate(rules, start=1)]


def _read_rule(index, rule):
    def fail(message):
        raise RuleError(f"number rule {index} {rule!r}: {message}")

    if not isinstance(rule, dict):
        fail("a rule must be an object with 'after' and/or 'before', a tolerance and 'why'")
    unknown = sorted(set(rule) - set(RULE_KEYS))
    if unknown:
        fail(f"unknown key(s) {unknown}; a rule may have {', '.join(RULE_KEYS)}")
    selectors = {key: rule[key] for key in ("after", "before") if key in rule}
    if not selectors:
        fail("say which numbers it covers with 'after' (the text before the number on its line "
             "ends with this regex) and/or 'before' (the text after it starts with this regex)")
    for key, pattern in selectors.items():
        if not isinstance(pattern, str) or not pattern:
            fail(f"'{key}' must be a non-empty regular expression")
        try:
            re.compile(pattern)
        except re.error as error:
            fail(f"'{key}' is not a valid regular expression: {error}")
    limits = {key: rule[key] for key in ("abs", "rel", "ulp") if key in rule}
    if not limits:
        fail("give a tolerance: 'abs', 'rel' and/or 'ulp' (a number without a rule is compared exactly)")
    for key, value in limits.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            fail(f"'{key}' must be a finite number >= 0, not {value!r}")
    why = rule.get("why")
    if not isinstance(why, str) or not why.strip():
        fail("say in 'why' where the bound comes from (the measured spread)")
    return Rule(selectors.get("after"), selectors.get("before"), Tolerance(**limits), why)


def rule_for(rules, number):
    """The first rule that covers `number`, or None: then it is compared exactly."""
    return next((rule for rule in rules if rule.covers(number)), None)


def check_rules(rules, texts):
    """Problems with `rules` on a cell's stored texts [(key, text), ...]: a rule that covers no
    number (stale) and a number covered by two rules. [] = fine."""
    problems, used = [], set()
    for key, text in texts:
        for number in numbers_in(text):
            covering = [index for index, rule in enumerate(rules, start=1) if rule.covers(number)]
            used.update(covering)
            if len(covering) > 1:
                problems.append(f"{number.label()} on {key} line {number.line} is covered by rules "
                                f"{' and '.join(map(str, covering))}: make them cover one number each")
    for index, rule in enumerate(rules, start=1):
        if index not in used:
            problems.append(f"number rule {index} ({rule.describe()}) covers no number of the stored "
                            "output: fix or remove it")
    return problems


# ---------------------------------------------------------------------------
# Comparing outputs
# ---------------------------------------------------------------------------


def compare_text(stored, new, rules=(), key="output"):
    """Compare a new text with the stored one, number by number. Returns problems ([] = match)."""
    stored_numbers, new_numbers = numbers_in(stored), numbers_in(new)
    if len(stored_numbers) != len(new_numbers):
        return [f"{key}: the output holds {len(new_numbers)} numbers, the stored one {len(stored_numbers)}"]
    problems = []
    if text_around_numbers(stored) != text_around_numbers(new):
        problems.append(f"{key}: the text around the numbers differs")
    for old, now in zip(stored_numbers, new_numbers):
        rule = rule_for(rules, old)
        where = f"{old.label()} on {key} line {old.line}: new {now.token}, stored {old.token}"
        if rule is None:
            if now.token != old.token:
                problems.append(f"{where}, compared exactly (no rule covers it)")
        elif not rule.tolerance.allows(old.value, now.value, old.unit):
            problems.append(f"{where}, allowed {rule.tolerance.describe(old.value, old.unit)}")
    return problems


def text_fields(outputs):
    """Every comparable text of a list of outputs: {key: [(container, field), ...]} in order, the
    key being the stream's name ('stdout') or the MIME type ('text/plain'); images are left out."""
    fields = {}
    for output in outputs:
        if output.get("output_type") == "stream":
            fields.setdefault(output["name"], []).append((output, "text"))
        for mime, value in output.get("data", {}).items():
            if isinstance(value, str) and not mime.startswith("image/"):
                fields.setdefault(mime, []).append((output["data"], mime))
    return fields


def _joined(value):
    return value if isinstance(value, str) else "".join(value)  # notebook JSON may store lines


def cell_texts(outputs, sanitize=lambda text: text):
    """A cell's stored outputs as the plugin compares them: [(key, text), ...], each stream's parts
    joined into one text (as nbval joins them), then every other text output in order."""
    texts, streams = [], {}
    for output in outputs:
        if output.get("output_type") == "stream":
            if output["name"] not in streams:
                streams[output["name"]] = len(texts)
                texts.append([output["name"], ""])
            texts[streams[output["name"]]][1] += _joined(output.get("text", ""))
        for mime, value in output.get("data", {}).items():
            if isinstance(value, (str, list)) and not mime.startswith("image/"):
                texts.append([mime, _joined(value)])
    return [(key, sanitize(text)) for key, text in texts]


def align_outputs(new_outputs, stored_outputs, rules, sanitize=lambda text: text):
    """A copy of the new outputs in which every text that matches its stored twin under the rules
    is replaced by the stored text, and the problems of those that do not. Texts without a twin
    are left as they are, for nbval to report."""
    aligned = copy.deepcopy(new_outputs)
    new_fields = text_fields(aligned)
    problems = []
    for key, stored_list in text_fields(stored_outputs).items():
        for (new_box, new_key), (stored_box, stored_key) in zip(new_fields.get(key, []), stored_list):
            stored_text = stored_box[stored_key]
            found = compare_text(sanitize(stored_text), sanitize(new_box[new_key]), rules, key)
            if found:
                problems.extend(found)
            else:
                new_box[new_key] = stored_text
    return aligned, problems
