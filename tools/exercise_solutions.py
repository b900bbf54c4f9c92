"""A notebook with every exercise's solution filled in, and what its checks printed.

Each exercise's code cell ends with its check call, ``exercise_N.check(...)`` at the start of a
line; the exercise's module, ``exercises.notebook_NN``, holds ``exercise_N.solution_code``.
``with_solutions`` replaces everything above the first check call of each such cell with that
code (the cell's check call stays), in a copy of the notebook. ``verdicts`` reads, after a run,
the line each check printed. tests/test_exercise_solutions.py runs every notebook this way and
requires a ✓ from every check; tools/measure_exercises.py measures the training exercises so.
"""

import copy
import importlib
import re

CHECK_CALL = re.compile(r"^exercise_(\d+)\.check\(", re.MULTILINE)
VERDICT = re.compile(r"^(✓ Correct|✗ Not yet|Not attempted yet)", re.MULTILINE)


def module_for(path):
    """The exercises module of notebook ``path`` (``NN_name.ipynb`` -> exercises.notebook_NN), or None."""
    name = f"exercises.notebook_{path.name[:2]}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise


def exercise_cells(notebook):
    """[(cell index, exercise number)] for the code cells that call ``exercise_N.check(`` at the start of a line."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            numbers = {int(number) for number in CHECK_CALL.findall(cell.source)}
            if len(numbers) > 1:
                raise ValueError(f"cell {index} checks exercises {sorted(numbers)}: one exercise per cell")
            found += [(index, number) for number in numbers]
    return found


def exercises_of(module):
    """{number: Exercise} of an exercises module (its names exercise_1, exercise_2, ...)."""
    return {value.number: value for name, value in vars(module).items()
            if re.fullmatch(r"exercise_\d+", name) and hasattr(value, "solution_code")}


def solved(source, exercise):
    """The cell ``source`` with everything above its first check call replaced by the solution."""
    start = CHECK_CALL.search(source).start()
    return exercise.solution_code + "\n\n" + source[start:]


def with_solutions(notebook, module):
    """A copy of ``notebook`` with every exercise cell solved, its outputs cleared."""
    solved_notebook = copy.deepcopy(notebook)
    exercises = exercises_of(module)
    for index, number in exercise_cells(solved_notebook):
        if number not in exercises:
            raise ValueError(f"cell {index} checks exercise_{number}, which {module.__name__} does not define")
        cell = solved_notebook.cells[index]
        cell.source = solved(cell.source, exercises[number])
    for cell in solved_notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return solved_notebook


def printed(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")


def verdicts(notebook):
    """{exercise number: the line its check printed, or "" if it printed none} after a run."""
    found = {}
    for index, number in exercise_cells(notebook):
        text = printed(notebook.cells[index])
        match = VERDICT.search(text)
        found[number] = text[match.start():].splitlines()[0] if match else ""
    return found
