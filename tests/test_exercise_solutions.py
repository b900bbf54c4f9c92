"""Every exercise answers back (issue 18): the notebooks and their exercises modules agree, an
untouched notebook's checks say "not attempted", and with every solution filled in every check
prints a tick.

The checkers themselves (a right answer, typical wrong answers, the blank) are tested in
tests/test_exercises_NN.py, one file per notebook. The runs with every solution filled in carry the
marker ``slow_exercise`` (pytest.ini): `make test` runs them; `make test-portable` leaves them out (a
check's verdict depends on the computer only through a training exercise's bounds, and those are
measured under the portable settings: tools/measure_exercises.py).
"""


import ast
import re
from pathlib import Path

import pytest

from tools import exercise_solutions, measure_exercises, notebook_runner

NOTEBOOKS = [path for path in notebook_runner.course_notebooks() if exercise_solutions.module_for(path)]
IDS = [path.name for path in NOTEBOOKS]


def exercises(path):
    return exercise_solutions.exercises_of(exercise_solutions.module_for(path))


def collapsed(notebook):
    return "\n".join(cell.source for cell in notebook.cells
                     if cell.cell_type == "markdown" and "<details>" in cell.source)


def normalised(text):
    return " ".join(text.split())


def test_every_notebook_with_exercises_has_a_module():
    missing = [path.name for path in notebook_runner.course_notebooks()
               if "## Exercises" in "".join(cell.source for cell in notebook_runner.read(path).cells)
               and path not in NOTEBOOKS]
    assert not missing, f"no exercises.notebook_NN module for {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_and_module_have_the_same_exercises(path):
    notebook = notebook_runner.read(path)
    in_cells = [number for _, number in exercise_solutions.exercise_cells(notebook)]
    assert in_cells == sorted(exercises(path)), f"cells check {in_cells}, the module defines {sorted(exercises(path))}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_has_hints_and_its_collapsed_solution_is_the_modules(path):
    text = normalised(collapsed(notebook_runner.read(path)))
    for number, exercise in exercises(path).items():
        assert exercise.hints and all(hint.strip() for hint in exercise.hints), f"exercise {number}: no hint"
        assert exercise.solution_code.strip(), f"exercise {number}: no solution"
        assert normalised(exercise.solution_code) in text, (
            f"exercise {number}: the collapsed solutions do not show the code solution() prints")
        assert normalised(exercise.explanation) in text, (
            f"exercise {number}: the collapsed solutions do not show the explanation solution() prints")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_an_untouched_notebook_says_not_attempted(path):
    """The stored outputs (which nbval compares with a fresh run) say "not attempted" for every
    exercise, and no exercise cell stores an error."""
    notebook = notebook_runner.read(path)
    said = exercise_solutions.verdicts(notebook)
    assert said and all(line.startswith("Not attempted yet") for line in said.values()), said


@pytest.mark.slow_exercise
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_with_every_solution_filled_in_every_check_ticks(path):
    notebook = exercise_solutions.with_solutions(notebook_runner.read(path), exercise_solutions.module_for(path))
    notebook_runner.run(notebook)
    said = exercise_solutions.verdicts(notebook)
    not_ticked = {number: line for number, line in said.items() if not line.startswith("✓ Correct")}
    assert not not_ticked, f"{path.name}: with the solutions filled in, these checks print no tick: {not_ticked}"


# ---------------------------------------------------------------------------
# Training exercises: bounds measured over seeds and computers (tools/measure_exercises.py)
# ---------------------------------------------------------------------------

def training_cases():
    for path in NOTEBOOKS:
        for number, exercise in exercises(path).items():
            for quantity, bounds in exercise.bounds.items():
                yield pytest.param(path.name, number, quantity, tuple(bounds), id=f"{path.stem}-{number}-{quantity}")


@pytest.mark.parametrize(("name", "number", "quantity", "bounds"), list(training_cases()))
def test_training_bounds_hold_every_measured_run(name, number, quantity, bounds):
    """docs/measured-exercises.md has the exercise's measurement, made against its current bounds,
    over seeds and the portable settings; the bounds held every run; the check took at most 60 s."""
    report = measure_exercises.REPORT
    rows = measure_exercises.read_rows(report.read_text()) if report.exists() else {}
    key = (name, number, quantity)
    assert key in rows, (f"no measurement of {quantity!r} for {name} exercise {number}: "
                         f"python -m tools.measure_exercises {name}")
    lowest, highest, measured_bounds, holds, slowest, runs = rows[key]
    assert runs.startswith("default, portable; seeds 0 1 2"), f"measured over {runs}: want both settings, seeds 0-2"
    assert measured_bounds == bounds, f"measured against {measured_bounds}, the bounds are now {bounds}: measure again"
    assert holds and bounds[0] <= lowest <= highest <= bounds[1], (lowest, highest, bounds)
    assert slowest <= measure_exercises.MAX_SECONDS, f"the check took {slowest} s"


def test_the_measurement_report_is_read_back():
    text = measure_exercises.INTRO
    new, problems = measure_exercises.section("06_x.ipynb", {}, [])
    text = measure_exercises.replace_section(text, "06_x.ipynb", new)
    row = "| 2 | test accuracy | default, portable; seeds 0 1 2 | 0.961 | 0.9702 | [0.95, 0.985] | yes | 41.5 |"
    text = text.replace(measure_exercises.HEADER, measure_exercises.HEADER + "\n" + row)
    text = measure_exercises.replace_section(text, "03_y.ipynb", "## 03_y.ipynb\n\nnothing\n")
    assert text.index("## 03_y") < text.index("## 06_x") and not problems
    assert measure_exercises.read_rows(text) == {
        ("06_x.ipynb", 2, "test accuracy"): (0.961, 0.9702, (0.95, 0.985), True, 41.5,
                                             "default, portable; seeds 0 1 2")}


# ---------------------------------------------------------------------------
# Every checker is tested: a right answer, two typical wrong ones with their own messages, the blank
# ---------------------------------------------------------------------------

ASSERTIONS = ("assert_right", "assert_wrong", "assert_not_attempted")


def assertions_in(test_file):
    """{exercise number: {"assert_right": n, "assert_not_attempted": n, "says": {messages}}} from the
    direct calls ``assert_…(exercise_N, …)`` (or ``module.exercise_N``) in ``test_file``."""
    found = {}
    for node in ast.walk(ast.parse(test_file.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ASSERTIONS
                and node.args):
            continue
        target = node.args[0]
        name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
        if not re.fullmatch(r"exercise_\d+", name):
            continue
        entry = found.setdefault(int(name.split("_")[1]), {"assert_right": 0, "assert_not_attempted": 0, "says": set()})
        if node.func.id == "assert_wrong":
            says = [keyword.value for keyword in node.keywords if keyword.arg == "says"]
            entry["says"].add(ast.unparse(says[0]) if says else "")
        else:
            entry[node.func.id] += 1
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_checker_has_its_right_wrong_and_blank_tests(path):
    test_file = Path(__file__).with_name(f"test_exercises_{path.name[:2]}.py")
    assert test_file.exists(), f"no {test_file.name} for the checkers of {path.name}"
    found = assertions_in(test_file)
    for number in exercises(path):
        entry = found.get(number, {"assert_right": 0, "assert_not_attempted": 0, "says": set()})
        assert entry["assert_right"] >= 1, f"{test_file.name}: no assert_right(exercise_{number}, ...)"
        assert len(entry["says"]) >= 2, (
            f"{test_file.name}: exercise_{number} needs two typical wrong answers with their own messages "
            f"(assert_wrong(..., says=...)), has {sorted(entry['says'])}")
        assert entry["assert_not_attempted"] >= 1, f"{test_file.name}: no assert_not_attempted(exercise_{number}, ...)"
