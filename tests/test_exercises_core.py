"""The exercises framework itself: what check, hint and solution print, and the errors they raise
(notebooks/exercises/core.py and checks.py), and the all-solutions runner and the measurement
report on made-up notebooks and runs (tools/exercise_solutions.py, tools/measure_exercises.py)."""

import contextlib
import io
import math
import types

import nbformat
import numpy as np
import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong

from exercises import Exercise, NotAttempted, ____, answer_of, correct, wrong
from exercises.checks import whole_number_problem
from tools import exercise_solutions, measure_exercises


def printed(call, *arguments):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        call(*arguments)
    return out.getvalue()


def made_exercise(**options):
    def checker(answer):
        if answer == 3:
            return correct("three it is.", measured={"value": 3.0}, shown="[3]")
        return wrong(f"{answer} is not three.")

    values = {"number": 2, "checker": checker, "hints": ["Count.", "One, two, three."],
              "solution": "\n    answer = 3\n", "explanation": "Three is three."}
    return Exercise(**{**values, **options})


def test_check_prints_one_verdict_and_what_it_shows():
    exercise = made_exercise()
    assert printed(exercise.check, 3) == "✓ Correct: three it is.\n[3]\n"
    assert exercise.outcome == "correct" and exercise.measured == {"value": 3.0}
    assert printed(exercise.check, 4) == "✗ Not yet: 4 is not three.\n"
    assert exercise.outcome == "wrong" and exercise.measured == {}
    assert printed(exercise.check, ____) == ("Not attempted yet: replace ____ with your answer, then run this cell "
                                             "again. exercise_2.hint() gives a hint.\n")
    assert exercise.outcome == "not attempted" and exercise.measured == {}
    assert_not_attempted(exercise, (5, ____))
    assert_not_attempted(exercise, [____])


def test_hints_and_solution_print_exactly_this():
    exercise = made_exercise()
    assert printed(exercise.hint) == "Hint 1 of 2: Count. exercise_2.hint(2) gives the next one.\n"
    assert printed(exercise.hint, 2) == "Hint 2 of 2: One, two, three.\n"
    assert printed(exercise.hint, 3) == "exercise_2 has 2 hints: ask for hint(1) to hint(2).\n"
    assert printed(exercise.hint, 0) == "exercise_2 has 2 hints: ask for hint(1) to hint(2).\n"
    assert printed(made_exercise(hints=["Only this."]).hint) == "Hint: Only this.\n"
    assert printed(exercise.solution) == "Solution to exercise 2:\n\n    answer = 3\n\nThree is three.\n"


def test_mistakes_in_an_exercise_or_a_checker_are_errors():
    with pytest.raises(ValueError, match="at least one hint"):
        made_exercise(hints=[])
    with pytest.raises(TypeError, match="not correct"):
        made_exercise(checker=lambda answer: True).check(3)


def test_answer_of_calls_the_students_function():
    assert answer_of(lambda x: x + 1, 2) == 3
    with pytest.raises(NotAttempted):
        answer_of(lambda: ____)
    with pytest.raises(NotAttempted):
        answer_of(____)
    with pytest.raises(TypeError, match="expected a function"):
        answer_of(3)


def test_true_or_false_is_no_whole_number():
    assert "True or False" in whole_number_problem(True)
    assert "True or False" in whole_number_problem(np.bool_(False))
    assert whole_number_problem(np.int64(3)) is None and whole_number_problem(3.0) is None
    assert "array of shape (2,)" in whole_number_problem(np.array([1, 2]))
    assert_wrong(made_exercise(checker=lambda a: wrong(whole_number_problem(a) or "no")), True,
                 says="True or False")
    assert_right(made_exercise(), 3)


# ---------------------------------------------------------------------------
# The all-solutions runner
# ---------------------------------------------------------------------------

def notebook(*sources):
    made = nbformat.v4.new_notebook()
    made.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return made


def module(**exercises):
    return types.SimpleNamespace(__name__="exercises.notebook_99", **exercises)


def test_exercise_cells_are_those_whose_line_starts_with_a_check():
    made = notebook("x = 1", "answer = ____\n\nexercise_1.check(answer)", "# exercise_2.check(answer)",
                    "print(1); exercise_3.check(x)")
    assert exercise_solutions.exercise_cells(made) == [(1, 1)]
    with pytest.raises(ValueError, match="one exercise per cell"):
        exercise_solutions.exercise_cells(notebook("exercise_1.check(a)\nexercise_2.check(b)"))


def test_with_solutions_fills_in_each_solution_above_its_check_and_clears_outputs():
    made = notebook("answer = ____  # guess\n\nexercise_2.check(answer)")
    made.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Not attempted yet\n")]
    made.cells[0].execution_count = 4
    solved = exercise_solutions.with_solutions(made, module(exercise_2=made_exercise()))
    assert solved.cells[0].source == "answer = 3\n\nexercise_2.check(answer)"
    assert solved.cells[0].outputs == [] and solved.cells[0].execution_count is None
    assert made.cells[0].source.startswith("answer = ____"), "the notebook itself is left alone"
    with pytest.raises(ValueError, match="does not define"):
        exercise_solutions.with_solutions(made, module())


def test_verdicts_read_the_first_verdict_line_of_stdout():
    made = notebook("exercise_1.check(a)", "exercise_2.check(b)", "exercise_3.check(c)", "exercise_4.check(d)")
    texts = [("stdout", "training...\n✓ Correct: yes.\n[3]\n"), ("stdout", "✗ Not yet: no.\n✓ Correct: x\n"),
             ("stderr", "✓ Correct: from stderr\n"), ("stdout", "Not attempted yet: replace ____\n")]
    for cell, (name, text) in zip(made.cells, texts):
        cell.outputs = [nbformat.v4.new_output("stream", name=name, text=text)]
    assert exercise_solutions.verdicts(made) == {1: "✓ Correct: yes.", 2: "✗ Not yet: no.", 3: "",
                                                 4: "Not attempted yet: replace ____"}


# ---------------------------------------------------------------------------
# The measurement report
# ---------------------------------------------------------------------------

def run(setting, seed, value, seconds, line="✓ Correct: fine.", error=None):
    return {"setting": setting, "seed": seed, "seconds": 90.0, "error": error,
            "exercises": {"1": {"line": line, "measured": {"accuracy": value}, "seconds": seconds}}}


def test_the_report_takes_the_slowest_default_run_and_reports_every_problem():
    exercise = made_exercise(number=1, bounds={"accuracy": (0.9, 0.95)})
    runs = [run("default", 0, 0.91, 20.0), run("default", 1, 0.94, 30.0), run("portable", 0, 0.92, 200.0)]
    text, problems = measure_exercises.section("99_x.ipynb", {1: exercise}, runs)
    assert problems == []
    row = measure_exercises.read_rows(text)[("99_x.ipynb", 1, "accuracy")]
    assert row[:5] == (0.91, 0.94, (0.9, 0.95), True, 30.0), "the slowest check of the 2-core (default) runs"
    _, problems = measure_exercises.section("99_x.ipynb", {1: exercise}, runs + [run("default", 2, 0.96, 10.0)])
    assert any("outside the bounds" in problem for problem in problems)
    _, problems = measure_exercises.section("99_x.ipynb", {1: exercise}, runs + [run("default", 2, 0.92, 61.0)])
    assert any("over 60 s" in problem for problem in problems)
    _, problems = measure_exercises.section("99_x.ipynb", {1: exercise},
                                            runs + [run("default", 2, 0.92, 10.0, line="✗ Not yet: slow.")])
    assert any("✗ Not yet: slow." in problem for problem in problems)
    text, _ = measure_exercises.section("99_x.ipynb", {1: exercise}, runs + [run("default", 2, 0.89, 10.0)])
    lowest, _, _, holds, _, _ = measure_exercises.read_rows(text)[("99_x.ipynb", 1, "accuracy")]
    assert lowest == 0.89 and holds is False and not math.isnan(lowest)
