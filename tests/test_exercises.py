"""A student who follows an exercise meets no error in the cells after it (issue 17, item 3).

Each notebook's "## Exercises" markdown cell says in its metadata which code each exercise changes:

    "exercises": [
      {"exercise": 1, "changes": [{"cell": "<code cell id>", "replace": "epochs=5", "with": "epochs=10"}]},
      {"exercise": 2, "changes": []}
    ]

(``changes: []``: the exercise is a question, or its code goes into a new cell; the hygiene test
checks the form, that each cell id exists and that each ``replace`` text occurs exactly once.)

For every exercise that changes code, the changes are applied to an in-memory copy of the
notebook and the whole changed notebook runs in a fresh kernel (tools/notebook_runner.py, as the
tools run notebooks): it must finish without an error, whether an assert fires, a later cell
no longer fits the change, or the change itself is wrong. An exercise whose ``changes`` is empty
(a question, or code in a new cell) has nothing to run.

Runs of notebooks that train (a ``.fit(`` call, or more than SLOW_SECONDS of expected runtime)
carry the marker ``slow_exercise`` (pytest.ini): `make test` runs them; ``-m "not slow_exercise"``
leaves them out.
"""

import copy
import re

import pytest
from nbclient.exceptions import CellExecutionError

from tools import notebook_runner

SLOW_SECONDS = 10
RUNTIME = re.compile(r"\*\*Expected runtime:\*\* about (\d+(?:\.\d+)?) (seconds?|minutes?)")


def exercises(notebook):
    """The "exercises" entries of the notebook's "## Exercises" cells."""
    entries = [entry for cell in notebook.cells if cell.cell_type == "markdown" and "## Exercises" in cell.source
               for entry in cell.metadata.get("exercises", [])]
    # malformed entries are the hygiene test's to report; here they would only stop the collection
    return [entry for entry in entries if isinstance(entry, dict) and "exercise" in entry]


def apply_changes(notebook, changes):
    """(a changed copy of ``notebook``, the index of the first changed cell or None). Each change
    replaces its exactly-once ``replace`` text in the code cell with id ``cell``."""
    changed = copy.deepcopy(notebook)
    cells = {cell.get("id"): (index, cell) for index, cell in enumerate(changed.cells) if cell.cell_type == "code"}
    first = None
    for change in changes:
        if change["cell"] not in cells:
            raise ValueError(f"no code cell has the id {change['cell']!r}")
        index, cell = cells[change["cell"]]
        times = cell.source.count(change["replace"])
        if times != 1:
            raise ValueError(f"{change['replace']!r} occurs {times} times in cell {change['cell']!r}, not once")
        cell.source = cell.source.replace(change["replace"], change["with"])
        first = index if first is None else min(first, index)
    return changed, first


def trains(notebook):
    """Whether running the notebook takes more than a few seconds: it calls .fit( or says so."""
    if any(cell.cell_type == "code" and ".fit(" in cell.source for cell in notebook.cells):
        return True
    runtime = RUNTIME.search(notebook.cells[0].source) if notebook.cells else None
    return bool(runtime) and float(runtime[1]) * (60 if runtime[2].startswith("minute") else 1) > SLOW_SECONDS


def cases():
    for path in notebook_runner.course_notebooks():
        notebook = notebook_runner.read(path)
        marks = [pytest.mark.slow_exercise] if trains(notebook) else []
        for entry in exercises(notebook):
            yield pytest.param(path.name, entry["exercise"], id=f"{path.stem}-exercise-{entry['exercise']}",
                               marks=marks)


@pytest.mark.parametrize(("name", "exercise"), list(cases()))
def test_the_rest_of_the_notebook_runs_after_the_exercise(name, exercise):
    """Apply the exercise's changes and run the whole changed notebook in a fresh kernel: no error."""
    notebook = notebook_runner.read(notebook_runner.NOTEBOOKS / name)
    entry = next(entry for entry in exercises(notebook) if entry["exercise"] == exercise)
    error = run_with_changes(notebook, entry["changes"])
    assert error is None, f"{name}, exercise {exercise} ({entry['changes']}): a later cell fails:\n{error}"


def run_with_changes(notebook, changes):
    """Apply ``changes`` and run the changed notebook. The error a cell raised, as nbclient
    describes it, or None (also when there was nothing to change)."""
    changed, first = apply_changes(notebook, changes)
    if first is None:
        return None
    for cell in changed.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    try:
        notebook_runner.run(changed, timeout=1800)
    except CellExecutionError as error:
        return str(error)
    return None


# ---------------------------------------------------------------------------
# The pieces, on made-up notebooks
# ---------------------------------------------------------------------------

def made_up(*sources):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    for index, source in enumerate(sources):
        make = nbformat.v4.new_markdown_cell if source.startswith("#") else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = f"c{index}"
        notebook.cells.append(cell)
    return notebook


def test_changes_are_applied_to_a_copy():
    notebook = made_up("# 01 · X", "history = model.fit(x, y, epochs=5)", 'assert ok, "it is fine"')
    changed, first = apply_changes(notebook, [{"cell": "c1", "replace": "epochs=5", "with": "epochs=10"}])
    assert changed.cells[1].source == "history = model.fit(x, y, epochs=10)" and first == 1
    assert notebook.cells[1].source == "history = model.fit(x, y, epochs=5)"
    with pytest.raises(ValueError, match="occurs 0 times"):
        apply_changes(notebook, [{"cell": "c1", "replace": "epochs=3", "with": "epochs=10"}])
    with pytest.raises(ValueError, match="no code cell"):
        apply_changes(notebook, [{"cell": "c0", "replace": "X", "with": "Y"}])


def test_notebooks_that_train_are_slow():
    assert trains(made_up("# 01 · X", "model.fit(x, y)"))
    assert trains(made_up("# 01 · X\n\n**Expected runtime:** about 2 minutes", "print(1)"))
    assert not trains(made_up("# 01 · X\n\n**Expected runtime:** about 5 seconds", "print(1)"))


def test_a_change_that_breaks_a_later_assert_is_caught_in_a_kernel():
    notebook = made_up("# 01 · X", "epochs = 5", 'assert epochs <= 5, "five passes are enough here"')
    assert run_with_changes(notebook, [{"cell": "c1", "replace": "5", "with": "6"}]) is not None
    assert run_with_changes(notebook, [{"cell": "c1", "replace": "5", "with": "4"}]) is None


def test_a_change_that_breaks_a_later_cell_without_an_assert_is_caught_too():
    notebook = made_up("# 01 · X", "units = range(8)", "values = [10 * unit for unit in units]\nprint(values[7])")
    assert run_with_changes(notebook, [{"cell": "c1", "replace": "range(8)", "with": "range(3)"}]) is not None
