"""nbval with per-number tolerances: the pytest plugin behind the code cells' "compare" metadata.

nbval compares a cell's stored and new outputs as text, exactly. A code cell whose metadata holds
``"compare": {"numbers": [rules]}`` is compared number by number instead (the rules' format and
the comparison are in tools/outputs.py): every number a rule covers must lie within the rule's
bound of the stored one, every other number must be printed exactly as stored, and the text around
the numbers must be identical. Where all of that holds, nbval is handed the stored text; where it
does not, nbval's diff is preceded by one line per number that differs, for example

    06_training.ipynb Cell 7: 'val_accuracy: ' on stdout line 14: new 0.9712, stored 0.9796, allowed ±0.0048

(cells without rules get the same lines in front of nbval's diff). A cell fails, with a message
that says why, if its rules cannot be read, if a rule covers no number of the stored output
(stale) or a number is covered by two rules, if a cell with rules is tagged nbval-ignore-output,
or if a code line still holds the old ``# NBVAL_APPROX`` comment. The cell still runs, so the
cells after it are tested as usual.

Loaded by the repository's conftest.py; tested in tests/test_nbval_approx.py.
"""

from pathlib import Path

from tools.outputs import RuleError, align_outputs, cell_texts, check_rules, read_rules

OLD_MARKER = "NBVAL_APPROX"
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")


def cell_problem(cell):
    """Why a cell's comparison settings cannot be used, or None. Also returns its rules."""
    try:
        rules = read_rules(cell.metadata.get("compare"))
    except RuleError as error:
        return str(error), []
    for line in cell.source.splitlines():
        if line.strip().startswith("#") and line.strip().lstrip("#").strip().startswith(OLD_MARKER):
            return (f"{line.strip()!r}: {OLD_MARKER} comments are no longer read; put per-number rules "
                    'in the cell\'s metadata, "compare" -> "numbers" (see tools/outputs.py)'), rules
    if rules and set(cell.metadata.get("tags", [])) & set(IGNORE_TAGS):
        return "the cell has number rules but its output is not compared (nbval-ignore-output): drop one", rules
    return None, rules


def _install(item):
    problem, rules = cell_problem(item.cell)
    original_runtest, original_compare = item.runtest, item.compare_outputs
    name = f"{Path(str(item.fspath)).name} Cell {item.cell_num}"

    def runtest():
        problems = [problem] if problem else []
        if not problems and item.options["check"]:
            # sanitized as nbval compares it; the sanitize patterns are read in the notebook's set-up
            problems = check_rules(rules, cell_texts(item.cell.outputs, item.sanitize))
        if problems:
            item.options["check"] = False  # run the cell all the same: the cells after it need it
            original_runtest()
            raise RuleError(f"{name}: " + f"\n{name}: ".join(problems))
        original_runtest()

    def compare_outputs(test, ref, skip_compare=None):
        aligned, problems = align_outputs(test, ref, rules, item.sanitize)
        matches = original_compare(aligned if rules else test, ref, skip_compare)
        if not matches:
            item.comparison_traceback[:0] = [f"{name}: {line}" for line in problems] + [""]
        return matches

    item.runtest = runtest
    item.compare_outputs = compare_outputs


def pytest_collection_modifyitems(items):
    for item in items:
        if getattr(item, "cell", None) is not None and hasattr(item, "compare_outputs"):
            _install(item)  # an nbval cell
