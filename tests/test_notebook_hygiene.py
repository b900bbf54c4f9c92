"""Every notebook is clean, follows the shared template and links correctly.

These checks run on the stored notebooks (no kernel needed), so they are fast and cover every
notebook in notebooks/, including ones added later. Besides the template, they hold the rules of
issue 17 (docs/maintaining.md, "Notebook rules"):

* **no test talk** in the student's sight: markdown and code comments never mention nbval,
  tolerances, stored or recorded outputs, other processors, oneDNN, the tests or CI, or
  regression tests (``TEST_TALK``);
* **no prose-guarding asserts**: no assert cell whose comments or neighbouring markdown say it
  guards the text ("guard", "the check below"), and every assert has a plain-words message;
* **one set-up call**: no ``os.environ`` in any code cell, no font size set by hand, and the first
  code cell calls ``start_notebook(...)`` before Keras or TensorFlow is imported;
* **the header line and word budgets**: ``**Core notebook** · about N minutes of reading ·
  **Expected runtime:** about N seconds`` (or ``**Optional deep dive** · ...``), N = words / 200;
  core notebooks at most 1,200 words of markdown, 01 at most 600, and the course's first
  ``.fit(`` after at most 600 words;
* **the README table** agrees with the headers (track, reading minutes, runtime);
* **checked exercises**: the "## Exercises" cell is followed by one import from the notebook's
  module ``exercises.notebook_NN``, then per exercise a "### Exercise N" cell and a code cell whose
  check call ``exercise_N.check(...)`` starts a line, then the collapsed solutions; every core
  notebook has a "predict, then run" exercise (tests/test_exercise_solutions.py runs them).
  Collapsed solutions (``<details>``) are not counted in the word budgets: they are read on demand.

The rules that are more than a lookup are also tested on small made-up notebooks at the end.
"""

import ast
import getpass
import io
import json
import re
import tokenize
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from tools import set_repository
from tools.outputs import CELL_METADATA_KEYS, RuleError, cell_texts, check_rules, read_rules, sanitizer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [path.name for path in NOTEBOOKS]

ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
ALLOWED_CELL_METADATA = set(CELL_METADATA_KEYS)  # what tools/record_notebooks.py keeps
MACHINE_PATH = re.compile(r"(/(home|root|tmp|work|Users|private|var/folders)/|[A-Za-z]:\\\\Users)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
HTML_SOURCE = re.compile(r"""<img[^>]+src=["']([^"']+)["']""")

# The core track (issue 17, item 2): the one-page notebook, data, preprocessing, the model,
# training, evaluation. Every other notebook is an optional deep dive.
CORE = {"01", "02", "03", "04", "06", "07"}
FIRST = "01"  # the one-page notebook: no Summary, Exercises or "What you'll learn"
# The convnet notebooks switch oneDNN's fast convolutions on (tests/test_notebook_environment.py
# checks that the choice really reaches TensorFlow).
FAST_CONVOLUTIONS = {"08", "09"}
WORDS_PER_MINUTE = 200
CORE_MAX_WORDS = 1200
FIRST_MAX_WORDS = 600
WORDS_BEFORE_FIRST_FIT = 600


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def number(path):
    return Path(path).name[:2]


# ---------------------------------------------------------------------------
# The rules of issue 17 as small functions (tested on made-up notebooks at the end)
# ---------------------------------------------------------------------------

# What a student must not read: the machinery that keeps the course honest. Case-insensitive,
# whole words; "CI" only in capitals (the letters "ci" are no word of their own in prose), and
# "linear/logistic regression" is a model, not a regression test.
TEST_TALK = {
    "nbval": re.compile(r"\bnbval", re.IGNORECASE),  # also NBVAL_IGNORE_OUTPUT and the like
    "tolerance": re.compile(r"\btoleran(?:ce|ces|t)\b", re.IGNORECASE),
    "stored output": re.compile(r"\bstored outputs?\b", re.IGNORECASE),
    "recorded": re.compile(r"\brecorded\b", re.IGNORECASE),
    "other processor": re.compile(r"\b(?:an)?other (?:kinds? of )?processors?\b", re.IGNORECASE),
    "oneDNN": re.compile(r"\bonednn\b", re.IGNORECASE),
    "the tests": re.compile(r"\bthe tests\b", re.IGNORECASE),
    "the test suite": re.compile(r"\bthe test suite\b", re.IGNORECASE),
    "CI": re.compile(r"\bCI\b"),
    "regression": re.compile(r"(?<!linear )(?<!logistic )\bregressions?(?:[- ]tests?)?\b", re.IGNORECASE),
    "automated / unit tests": re.compile(r"\b(?:automated|automatic|unit|our) tests?\b", re.IGNORECASE),
    "test bounds / runs": re.compile(r"\btests? (?:bounds?|runs?|suite|harness|machinery)\b", re.IGNORECASE),
}
# Words that say an assert is there to keep the prose true, not to teach.
GUARD_TALK = {
    "guard": re.compile(r"\bguard(?:s|ed|ing)?\b", re.IGNORECASE),
    "the check below": re.compile(r"\bthe checks? below\b", re.IGNORECASE),
    "the check(s) / the assert(s)": re.compile(r"\bthe (?:checks?|asserts?|assertions?)\b", re.IGNORECASE),
    "checks the result": re.compile(
        r"\bchecks? (?:the|these|this|that) (?:results?|numbers?|sentences?|claims?|text)\b", re.IGNORECASE),
    "this assert keeps the text true": re.compile(
        r"\b(?:this|that|these|those) (?:asserts?|assertions?|checks?) (?:keeps?|makes?|holds?|ensures?)\b",
        re.IGNORECASE),
}
ENVIRONMENT_LINES = {
    "os.environ": re.compile(
        r"\benviron\b|\b(?:putenv|unsetenv)\s*\(|^\s*%(?:set_)?env\b|^\s*!\s*export\b", re.MULTILINE),
    "a font size set by hand": re.compile(
        r"rcParams\s*\[\s*['\"]font\.size|rcParams\.update\([^)]*font\.size|\.rc\(\s*['\"]font['\"]"),
}
KERAS_IMPORT = re.compile(r"^\s*(?:import|from)\s+(?:keras|tensorflow)\b", re.MULTILINE)
START_CALL = re.compile(r"^\s*start_notebook\((.*)\)\s*$", re.MULTILINE)
SETUP_LEFTOVERS = ("set_random_seed", "enable_op_determinism")
HEADER = re.compile(
    r"^\*\*(?P<track>Core notebook|Optional deep dive)\*\* · about (?P<minutes>\d+) minutes? of reading · "
    r"\*\*Expected runtime:\*\* about (?P<runtime>\d+(?:\.\d+)?) (?P<unit>seconds?|minutes?)$",
    re.MULTILINE)
TRACKS = {"Core notebook": "core", "Optional deep dive": "optional"}


def phrases(patterns, text):
    """The names of the patterns found in ``text``, each with the words it matched."""
    return [f"{name} ({match.group(0)!r})" for name, pattern in patterns.items()
            for match in [pattern.search(text)] if match]


def comments(source):
    """The comments of a code cell (whole lines and after code), as one text."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python_source(source)).readline))
    except (tokenize.TokenError, SyntaxError):  # not Python: take the lines that start with "#"
        return "\n".join(line for line in source.splitlines() if line.lstrip().startswith("#"))
    return "\n".join(token.string.lstrip("#") for token in tokens if token.type == tokenize.COMMENT)


def find_test_talk(notebook):
    """["cell N (markdown): phrase ('words')", ...] for test talk in markdown or code comments."""
    found = []
    for index, cell in enumerate(notebook.cells):
        text = cell.source if cell.cell_type == "markdown" else comments(cell.source)
        found += [f"cell {index} ({cell.cell_type}): {phrase}" for phrase in phrases(TEST_TALK, text)]
    return found


def python_source(source):
    """A code cell's source as plain Python (IPython's %magics and !commands translated)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def asserts(source):
    """The assert statements of a cell's code (none if it is not valid Python)."""
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]


def plain_words(message):
    """Whether an assert's message is a sentence: a string (or f-string) with at least three words."""
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        text = message.value
    elif isinstance(message, ast.JoinedStr):
        text = " ".join(part.value for part in message.values if isinstance(part, ast.Constant))
    else:
        return False
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 3


def assert_problems(notebook):
    """Asserts that guard prose or say nothing: ["cell N: ...", ...]."""
    problems, cells = [], notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        found = asserts(cell.source)
        for node in found:
            if not plain_words(node.msg):
                line = python_source(cell.source).splitlines()[node.lineno - 1].strip()
                problems.append(f"cell {index}: `{line[:80]}` needs a message in plain words (or move the "
                                f"check into tests/ if it only keeps a sentence true)")
        if not found and not re.search(r"^\s*raise\b", cell.source, re.MULTILINE):
            continue
        neighbours = [(index, comments(cell.source))] + [
            (other, cells[other].source) for other in (index - 1, index + 1)
            if 0 <= other < len(cells) and cells[other].cell_type == "markdown"]
        for where, text in neighbours:
            for phrase in phrases(GUARD_TALK, text):
                problems.append(f"cell {index}: its check is described as guarding the text (cell {where}: "
                                f"{phrase}): move the check into tests/ and the words out of the notebook")
    return problems


def setup_problems(notebook, fast_convolutions=False):
    """What is wrong with the one set-up call: [] if the first code cell calls ``start_notebook``
    (with ``fast_convolutions=True`` exactly when asked) before Keras or TensorFlow is imported,
    and no code cell sets the environment or the font size itself."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            problems += [f"cell {index}: {phrase}" for phrase in phrases(ENVIRONMENT_LINES, cell.source)]
    course_files = set_repository.course_files_cell(notebook)
    code = [(index, cell) for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and cell is not course_files]
    if not code:
        return problems + ["no code cell"]
    index, setup = code[0]
    call = START_CALL.search(setup.source)
    if not call:
        return problems + [f"cell {index}, the first code cell after the course-files cell, does not call "
                           "start_notebook(...) on a line of its own"]
    keras = KERAS_IMPORT.search(setup.source)
    if keras and keras.start() < call.start():
        problems.append(f"cell {index}: {keras.group(0).strip()!r} comes before start_notebook(...)")
    arguments = call.group(1).replace(" ", "")
    if ("fast_convolutions=True" in arguments) != fast_convolutions:
        wanted = "start_notebook(fast_convolutions=True)" if fast_convolutions else "no fast_convolutions=True"
        problems.append(f"cell {index}: start_notebook({call.group(1)}): this notebook needs {wanted}")
    problems += [f"cell {index}: the set-up cell calls {name}: start_notebook does it"
                 for name in SETUP_LEFTOVERS if name in setup.source]
    return problems


COLLAPSED = re.compile(r"<details>.*?</details>", re.DOTALL)


def markdown_words(cells):
    """Words of prose: whitespace-separated tokens of the markdown cells, without the line of links
    under the title (tools/set_repository.py writes it; it is not prose) and without collapsed
    solutions (``<details>``: read only by whoever opens them)."""
    return sum(len(COLLAPSED.sub("", set_repository.LINKS.sub("", cell.source)).split())
               for cell in cells if cell.cell_type == "markdown")


def reading_minutes(words):
    return max(1, round(words / WORDS_PER_MINUTE))


def header(notebook):
    """(track "core"/"optional", reading minutes, runtime in seconds) from the first cell, or None."""
    match = HEADER.search(notebook.cells[0].source) if notebook.cells else None
    if not match:
        return None
    return TRACKS[match["track"]], int(match["minutes"]), _seconds(match["runtime"], match["unit"])


def words_before_first_fit(notebook):
    """Markdown words before the first code cell that calls ``.fit(``, or None if none does."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and ".fit(" in cell.source:
            return markdown_words(notebook.cells[:index])
    return None


EXERCISE_HEADING = re.compile(r"^### Exercise (\d+) · ", re.MULTILINE)
PREDICT = "predict, then run"


def exercise_problems(notebook, name):
    """What is wrong with the Exercises section of notebook ``name`` (NN_*.ipynb): the "## Exercises"
    cell, then the import of ``exercises.notebook_NN``, then per exercise a "### Exercise N · title"
    cell followed by a code cell with a line starting ``exercise_N.check(``, then the collapsed
    solutions; exercises numbered 1, 2, ...; core notebooks need a "predict, then run" exercise."""
    cells = notebook.cells
    starts = [index for index, cell in enumerate(cells)
              if cell.cell_type == "markdown" and "## Exercises" in cell.source]
    if len(starts) != 1:
        return [f"{len(starts)} cells hold '## Exercises'; want one"]
    start = starts[0]
    problems = []
    importing = cells[start + 1] if start + 1 < len(cells) else None
    module = f"exercises.notebook_{name[:2]}"
    if importing is None or importing.cell_type != "code" or not importing.source.startswith(f"from {module} import "):
        problems.append(f"the cell after '## Exercises' must import from {module}")
    numbers, titles = [], []
    for index in range(start + 1, len(cells)):
        match = EXERCISE_HEADING.search(cells[index].source) if cells[index].cell_type == "markdown" else None
        if not match:
            continue
        number = int(match[1])
        numbers.append(number)
        titles.append(cells[index].source[match.end():].splitlines()[0].lower())
        following = cells[index + 1] if index + 1 < len(cells) else None
        if following is None or following.cell_type != "code" or not re.search(
                rf"^exercise_{number}\.check\(", following.source, re.MULTILINE):
            problems.append(f"cell {index} (Exercise {number}) must be followed by a code cell calling "
                            f"exercise_{number}.check(...) at the start of a line")
    if len(numbers) < 2 or numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"exercises numbered {numbers}: want at least two, numbered 1, 2, ...")
    if not any("<details>" in cell.source and "<summary>" in cell.source for cell in cells[start:]
               if cell.cell_type == "markdown"):
        problems.append("no collapsed solutions (<details><summary>) after '## Exercises'")
    if name[:2] in CORE and not any(title.startswith(PREDICT) for title in titles):
        problems.append(f"a core notebook needs an exercise titled '### Exercise N · {PREDICT.capitalize()}: ...'")
    return problems


README_COLUMNS = ["notebook", "track", "what you do", "reading", "runtime", "peak memory"]
README_ROW = re.compile(r"^\|.*\]\(notebooks/(\d\d_[^)]+\.ipynb)\).*\|\s*$", re.MULTILINE)


def readme_table(text):
    """(columns of the notebook table's header, {notebook file: {column: value}}, repeated files)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"^\|\s*notebook\s*\|", line, re.IGNORECASE)]
    if not starts:
        return None, {}, []
    columns = [cell.strip().rstrip("*").strip().lower() for cell in lines[starts[0]].strip().strip("|").split("|")]
    rows, repeated = {}, []
    for line in lines[starts[0] + 2:]:
        if not line.startswith("|"):
            break
        match = README_ROW.match(line)
        if not match:
            continue
        values = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = match.group(1)
        if name in rows:
            repeated.append(name)
        rows[name] = dict(zip(columns, values))
    return columns, rows, repeated


def readme_row_problems(row, track, minutes, runtime):
    """What is wrong with one notebook's README row, given its header's track, minutes and runtime."""
    problems = []
    if row.get("track") != track:
        problems.append(f"track {row.get('track')!r}, the notebook says {track!r}")
    if row.get("reading") != f"{minutes} min":
        problems.append(f"reading {row.get('reading')!r}, the notebook says '{minutes} min'")
    measured = re.fullmatch(r"(\d+(?:\.\d+)?) (s|min)", row.get("runtime", ""))
    if not measured:
        problems.append(f"runtime {row.get('runtime')!r}: write 'N s' or 'N min'")
    else:
        seconds = _seconds(measured.group(1), "minutes" if measured.group(2) == "min" else "s")
        if abs(runtime - seconds) > max(5, 0.25 * seconds):
            problems.append(f"runtime {row['runtime']}: the notebook says about {runtime:.0f} s "
                            f"(allowed: within max(5 s, 25 %) of the README's measured time)")
    if not re.fullmatch(r"\d+(?:\.\d+)? (?:MB|GB)", row.get("peak memory", "")):
        problems.append(f"peak memory {row.get('peak memory')!r}: write 'N MB' or 'N.NN GB'")
    return problems


def _seconds(amount, unit):
    return float(amount) * (60 if unit.startswith("min") else 1)


# ---------------------------------------------------------------------------
# The rules, per notebook
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_test_talk(path):
    """Nothing about the course's tests in the student's sight (issue 17, item 3)."""
    found = find_test_talk(load(path))
    assert not found, (f"{path.name} talks about the tests where students read it; say it in "
                       "docs/maintaining.md instead:\n" + "\n".join(found))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_asserts_teach_and_guard_no_prose(path):
    problems = assert_problems(load(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_set_up_call(path):
    problems = setup_problems(load(path), fast_convolutions=number(path) in FAST_CONVOLUTIONS)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_core_track_is_the_one_of_issue_17():
    found = {number(path) for path in NOTEBOOKS if (header(load(path)) or ("",))[0] == "core"}
    assert found == CORE, f"core notebooks by their headers: {sorted(found)}, the course's: {sorted(CORE)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_header_line_and_word_budget(path):
    notebook = load(path)
    found = header(notebook)
    assert found, ("the first cell needs a line like '**Core notebook** · about 6 minutes of reading · "
                   "**Expected runtime:** about 40 seconds' (or '**Optional deep dive** · ...')")
    track, minutes, _ = found
    words = markdown_words(notebook.cells)
    assert minutes == reading_minutes(words), (
        f"{words} words of markdown: 'about {reading_minutes(words)} minutes of reading', not {minutes}")
    expected_track = "core" if number(path) in CORE else "optional"
    assert track == expected_track, f"{path.name} is {expected_track} in the course, its header says {track}"
    budget = FIRST_MAX_WORDS if number(path) == FIRST else CORE_MAX_WORDS if track == "core" else None
    assert budget is None or words <= budget, f"{path.name} has {words} words of markdown; its budget is {budget}"


def test_first_fit_of_the_course_comes_after_at_most_600_words():
    for path in NOTEBOOKS:
        words = words_before_first_fit(load(path))
        if words is not None:
            assert number(path) == FIRST, f"the course's first .fit( is in {path.name}, not in notebook {FIRST}"
            assert words <= WORDS_BEFORE_FIRST_FIT, f"{words} words of markdown come before the first .fit("
            return
    pytest.fail("no notebook calls .fit(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exercises_section(path):
    if number(path) == FIRST:
        return
    problems = exercise_problems(load(path), path.name)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_readme_table_has_one_row_per_notebook_with_the_header_columns():
    columns, rows, repeated = readme_table((ROOT / "README.md").read_text())
    assert columns == README_COLUMNS, f"README.md's notebook table has columns {columns}, want {README_COLUMNS}"
    assert not repeated, f"README.md's notebook table repeats {repeated}"
    assert sorted(rows) == IDS, f"README.md's notebook table lists {sorted(rows)}, the course {IDS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_readme_row_agrees_with_the_header(path):
    """Track and reading minutes as the header says, and the header's runtime within max(5 s, 25 %)
    of the README's measured runtime (`make bench`)."""
    found = header(load(path))
    assert found, "no header line: see test_header_line_and_word_budget"
    row = readme_table((ROOT / "README.md").read_text())[1].get(path.name)
    assert row, f"README.md's notebook table has no row for {path.name}"
    problems = readme_row_problems(row, *found)
    assert not problems, f"README.md's row for {path.name}: " + "; ".join(problems)


def test_there_are_notebooks_numbered_without_gaps():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), IDS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_nbformat_4_with_cell_ids(path):
    notebook = load(path)
    assert notebook.nbformat == 4 and notebook.nbformat_minor >= 5
    nbformat.validate(notebook)
    ids = [cell.get("id") for cell in notebook.cells]
    assert all(ids) and len(set(ids)) == len(ids), "every cell needs a unique id"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_and_metadata(path):
    notebook = load(path)
    assert notebook.metadata.kernelspec.name == "python3"
    assert set(notebook.metadata) <= ALLOWED_NOTEBOOK_METADATA, set(notebook.metadata)
    course_files = set_repository.course_files_cell(notebook)  # hidden: tests/test_set_repository.py
    for index, cell in enumerate(notebook.cells):
        if cell is not course_files:
            assert set(cell.metadata) <= ALLOWED_CELL_METADATA, (index, dict(cell.metadata))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_alt_text(path):
    """The course website shows a figure with the alt text in its cell's metadata (myst-nb's
    mystnb.image.alt): every code cell that stores a figure says in words what it shows."""
    for index, cell in enumerate(code_cells(load(path))):
        if any("image/png" in output.get("data", {}) for output in cell.outputs):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert isinstance(alt, str) and len(alt.split()) >= 5, (
                f"code cell {index + 1} stores a figure without alt text (metadata mystnb.image.alt)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order(path):
    counts = [cell.execution_count for cell in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts}: re-run the notebook top to bottom in a fresh kernel"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_errors_stderr_machine_paths_or_user_names(path):
    user = getpass.getuser()
    for index, cell in enumerate(code_cells(load(path))):
        for output in cell.outputs:
            assert output.output_type != "error", f"code cell {index + 1} stores an error"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"code cell {index + 1} stores stderr: silence or fix the cause"
            )
            text = json.dumps({key: value for key, value in output.items() if key != "data"})
            text += json.dumps({key: value for key, value in output.get("data", {}).items()
                                if not key.startswith("image/")})
            assert not MACHINE_PATH.search(text), f"code cell {index + 1} shows a machine path"
            if len(user) > 3:  # "root" is too common a word to search for
                assert user not in text, f"code cell {index + 1} shows the user name {user!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_template_start(path):
    """Title, and (except on the one-page notebook 01) what the notebook teaches and needs; the
    header line is test_header_line_and_word_budget's."""
    first = load(path).cells[0]
    assert first.cell_type == "markdown"
    assert re.match(rf"# {path.name[:2]} · \S", first.source), "title: '# NN · Title'"
    headings = ("**Expected runtime:**",) if number(path) == FIRST else (
        "**What you'll learn**", "**What you need:**", "**Expected runtime:**")
    for heading in headings:
        assert heading in first.source, f"the first cell lacks {heading}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_template_body_and_end(path):
    """Setup, Summary, at least two Exercises with collapsed solutions, and a last cell linking the
    next notebook; the one-page notebook 01 needs only the Setup and the link."""
    notebook = load(path)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "## Setup" in markdown
    last = notebook.cells[-1].source
    position = NOTEBOOKS.index(path)
    following = NOTEBOOKS[(position + 1) % len(NOTEBOOKS)].name
    assert "**Next:**" in last or "**Back to the start:**" in last
    assert f"({following})" in last, f"the last cell must link to {following}"
    if number(path) == FIRST:
        return
    assert "## Summary" in markdown
    assert "## Exercises" in markdown  # its form: test_exercises_section


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_is_explained(path):
    cells = load(path).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and index > 0:
            previous = cells[index - 1]
            assert previous.cell_type == "markdown" or _is_check_cell(cell) or _is_check_cell(previous), (
                f"cell {index} has no explanation before it:\n{cell.source[:200]}"
            )


def _is_check_cell(cell):
    """A cell that only checks or shows (follows an ignored cell or a plot) needs no new text."""
    lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
    return cell.cell_type == "code" and (
        all(line.startswith(("assert ", "    ")) for line in lines)
        or comparison_kind(cell) == "ignored"
        or len(lines) <= 2
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_relative_links_and_images_resolve(path):
    for cell in load(path).cells:
        if cell.cell_type != "markdown":
            continue
        for target in MARKDOWN_LINK.findall(cell.source) + HTML_SOURCE.findall(cell.source):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # web links and anchors
            local = unquote(target.split("#", 1)[0])
            assert (path.parent / local).exists(), f"broken link {target!r} in {path.name}"


# ---------------------------------------------------------------------------
# How each cell's output is compared: exact, numeric (rules in its metadata) or ignored
# ---------------------------------------------------------------------------

# nbval's own tags (nbval 0.11, plugin.metadata_tags); the notebooks use only the first.
NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "nbval-check-output", "nbval-raises-exception",
              "raises-exception"}
IGNORED_TAGS = {"nbval-ignore-output", "nbval-skip"}


def comparison_kind(cell):
    """'exact', 'numeric' or 'ignored': how the tests compare a code cell's stored outputs."""
    if IGNORED_TAGS & set(cell.metadata.get("tags", [])):
        return "ignored"
    if read_rules(cell.metadata.get("compare")):
        return "numeric"
    return "exact"


def comparison_counts():
    counts = {"exact": 0, "numeric": 0, "ignored": 0}
    for path in NOTEBOOKS:
        for cell in code_cells(load(path)):
            counts[comparison_kind(cell)] += 1
    return counts


def nbval_cells(notebook):
    """(name, cell) for every code cell, named as pytest names it: 'Cell 0', 'Cell 1', ..."""
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [(f"Cell {number}", cell) for number, cell in enumerate(cells)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_nbval_comments_in_code(path):
    """How a cell is compared lives in its metadata, out of the students' sight."""
    for name, cell in nbval_cells(load(path)):
        for line in cell.source.splitlines():
            assert not (line.strip().startswith("#") and "NBVAL" in line), (
                f"{name}: {line.strip()!r}: use the tag 'nbval-ignore-output' or \"compare\" -> \"numbers\" "
                "rules in the cell's metadata instead"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_tags_are_known(path):
    for name, cell in nbval_cells(load(path)):
        tags = cell.metadata.get("tags", [])
        assert isinstance(tags, list) and all(isinstance(tag, str) for tag in tags), f"{name}: tags {tags!r}"
        for tag in tags:
            assert not tag.startswith("nbval") or tag in NBVAL_TAGS, f"{name}: nbval knows no tag {tag!r}"
        assert not (cell.cell_type != "code" and set(tags) & NBVAL_TAGS), f"{name}: nbval tags on a markdown cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_number_rules_are_readable_and_fit_the_stored_output(path):
    """Every rule can be read, covers at least one stored number (no stale rule) and no number is
    covered twice; rules only in compared cells."""
    sanitize = sanitizer()
    notebook = load(path)
    assert not [cell.id for cell in notebook.cells if cell.cell_type != "code" and "compare" in cell.metadata]
    for name, cell in nbval_cells(notebook):
        try:
            rules = read_rules(cell.metadata.get("compare"))
        except RuleError as error:
            pytest.fail(f"{name}: {error}")
        if rules:
            assert comparison_kind(cell) == "numeric", f"{name} has number rules but its output is ignored"
        problems = check_rules(rules, cell_texts(cell.outputs, sanitize))
        assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_ignored_cell_is_followed_by_a_check(path):
    """An output nbval does not compare must still be checked: the next code cell uses what the
    ignored cell made (a name it assigns) and its own output is compared, or one of the two
    asserts something about it."""
    cells = code_cells(load(path))
    for index, cell in enumerate(cells):
        if comparison_kind(cell) != "ignored":
            continue
        following = cells[index + 1] if index + 1 < len(cells) else None
        asserts = [line for line in cell.source.splitlines() + (following.source.splitlines() if following else [])
                   if line.startswith("assert ")]
        assigned = set(re.findall(r"^(\w+)\s*=", cell.source, re.MULTILINE))
        code = re.sub(r"(\"[^\"\n]*\"|'[^'\n]*')", '""', following.source) if following else ""  # names, not text
        uses = following is not None and comparison_kind(following) != "ignored" and following.outputs and any(
            re.search(rf"\b{re.escape(name)}\b", code) for name in assigned)
        assert asserts or uses, (
            f"code cell {index + 1} is ignored, and the next cell neither uses what it made in a compared "
            "output nor asserts anything about it")


def test_readme_states_how_many_cells_are_exact_numeric_and_ignored():
    counts = comparison_counts()
    total = sum(counts.values())
    sentence = (f"Of the notebooks' {total} code cells, {counts['exact']} are compared exactly, "
                f"{counts['numeric']} with a tolerance and {counts['ignored']} not at all")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert sentence in readme, f"README.md should say: {sentence!r}"


# ---------------------------------------------------------------------------
# The rules themselves, on small made-up notebooks
# ---------------------------------------------------------------------------

def made_up(*cells):
    """A notebook from ("md" | "code", source[, metadata[, id]]) tuples."""
    notebook = nbformat.v4.new_notebook()
    for index, (kind, source, *rest) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(source, metadata=rest[0] if rest else {})
        cell.id = rest[1] if len(rest) > 1 else f"c{index}"
        notebook.cells.append(cell)
    return notebook


@pytest.mark.parametrize("text", [
    "The numbers may differ on another processor.", "nbval compares them", "# NBVAL_IGNORE_OUTPUT",
    "within a tolerance of 0.3", "as the stored outputs show", "the recorded run", "oneDNN switches",
    "The tests check this.", "the test suite runs", "runs in CI every night", "a regression test",
    "no regressions here", "compared by our automated tests", "within the test bounds", "unit tests cover it"])
def test_test_talk_is_found(text):
    assert find_test_talk(made_up(("md", text)))
    assert find_test_talk(made_up(("code", f"x = 1  # {text}")))


@pytest.mark.parametrize("text", [
    "The test images are new to it.", "a test set of 10,000 digits", "the test accuracy", "Pixels record ink.",
    "a record of 99 %", "a linear regression draws a line", "the circle",
    "The processor adds up numbers.", "tolerable", "electricity"])
def test_ordinary_prose_is_not_test_talk(text):
    assert not find_test_talk(made_up(("md", text))), text


def test_test_talk_names_the_cell_and_phrase():
    found = find_test_talk(made_up(("md", "fine"), ("md", "Results on Another Processor differ.")))
    assert found == ["cell 1 (markdown): other processor ('Another Processor')"]


def test_asserts_need_a_message_in_plain_words():
    notebook = made_up(("md", "Shapes:"), ("code", 'assert x.shape == (3,)\nassert y, "y"\n'
                                                   'assert z, f"z holds {n} items, not three"\n%time f()'))
    problems = assert_problems(notebook)
    assert len(problems) == 2 and "`assert x.shape == (3,)`" in problems[0] and "`assert y, \"y\"`" in problems[1]


def test_asserts_that_guard_prose_are_rejected():
    said_in_markdown = made_up(("md", "The check below guards these sentences."),
                               ("code", 'assert acc > 0.97, "the network reads most digits"'))
    said_in_a_comment = made_up(("md", "Look."), ("code", '# guard the sentence above\n'
                                                          'assert acc > 0.97, "the network reads most digits"'))
    said_after = made_up(("code", 'if acc < 0.9:\n    raise ValueError("too low for the text")'),
                         ("md", "This guards the number in the summary."))
    keeps_it_true = made_up(("code", 'assert acc > 0.97, "the network reads most digits"'),
                            ("md", "This assert keeps the sentence above true."))
    for notebook in (said_in_markdown, said_in_a_comment, said_after, keeps_it_true):
        assert any("guarding the text" in problem for problem in assert_problems(notebook))
    said_plainly = made_up(("md", "The next cell checks the result."), ("code", 'assert ok, "it is fine now"'))
    assert any("checks the result" in problem for problem in assert_problems(said_plainly))
    teaching = made_up(("md", "Let us check it: the probabilities of each image add up to 1."),
                       ("code", 'assert np.allclose(p.sum(axis=1), 1), "each row of probabilities sums to 1"'))
    assert assert_problems(teaching) == []
    no_check = made_up(("md", "The check below is gone; a guard rail."), ("code", "print(1)"))
    assert assert_problems(no_check) == []


SETUP = "from mnist_helpers import start_notebook\n\nstart_notebook()\n\nimport keras\n"


def test_setup_call_before_keras_and_no_environment_lines():
    assert setup_problems(made_up(("md", "## Setup"), ("code", SETUP))) == []
    late = made_up(("code", "import keras\nfrom mnist_helpers import start_notebook\nstart_notebook()\n"))
    assert "'import keras' comes before start_notebook(...)" in setup_problems(late)[0]
    missing = made_up(("code", "import numpy as np\n"), ("code", SETUP))
    assert "does not call start_notebook" in setup_problems(missing)[0]
    environ = made_up(("code", SETUP), ("code", 'import os\nos.environ["X"] = "1"\nplt.rcParams["font.size"] = 13'))
    assert [problem.split(" (")[0] for problem in setup_problems(environ)] == [
        "cell 1: os.environ", "cell 1: a font size set by hand"]
    leftovers = made_up(("code", SETUP + "keras.utils.set_random_seed(0)\n"))
    assert "set_random_seed" in setup_problems(leftovers)[0]
    for sneaky in ('import os as o\no.environ["X"] = "1"', 'import os\nos.putenv("X", "1")', "%env X=1",
                   "%set_env X=1", "from os import environ"):
        assert setup_problems(made_up(("code", SETUP), ("code", sneaky))), sneaky


def test_fast_convolutions_where_asked_and_only_there():
    fast = made_up(("code", SETUP.replace("start_notebook()", "start_notebook(fast_convolutions=True)")))
    assert setup_problems(fast, fast_convolutions=True) == []
    assert setup_problems(fast) and setup_problems(made_up(("code", SETUP)), fast_convolutions=True)


def test_header_words_and_reading_minutes():
    first = ("# 05 · X\n\n**Optional deep dive** · about 1 minute of reading · "
             "**Expected runtime:** about 2 minutes\n\nMore words here.")
    assert header(made_up(("md", first))) == ("optional", 1, 120.0)
    assert header(made_up(("md", "# 05 · X\n\n**Core notebook** · about 3 minutes of reading"))) is None
    assert markdown_words(made_up(("md", "one two\nthree"), ("code", "four five"), ("md", "six")).cells) == 4
    assert [reading_minutes(words) for words in (0, 99, 299, 301, 1200)] == [1, 1, 1, 2, 6]


def test_words_before_the_first_fit():
    notebook = made_up(("md", "a b c"), ("code", "x = 1"), ("md", "d e"), ("code", "model.fit(x, y)"), ("md", "f"))
    assert words_before_first_fit(notebook) == 5
    assert words_before_first_fit(made_up(("md", "a"))) is None


def exercises_section(*exercise_cells, solutions="<details>\n<summary>Solutions</summary>\n\n1. x\n</details>",
                      module="exercises.notebook_02"):
    return made_up(("md", "## Exercises\n\nEach ends with a check."),
                   ("code", f"from {module} import ____, exercise_1, exercise_2"),
                   *exercise_cells, ("md", solutions))


PREDICTED = (("md", "### Exercise 1 · Predict, then run: sevens\n\nHow many?"),
             ("code", "guess = ____\n\nexercise_1.check(guess)"),
             ("md", "### Exercise 2 · Draw\n\nDraw them."),
             ("code", "figure = ____\nexercise_2.check(figure)"))


def test_the_exercises_section_is_checked():
    assert exercise_problems(exercises_section(*PREDICTED), "02_data.ipynb") == []
    no_predict = (("md", "### Exercise 1 · Count\n\nHow many?"), *PREDICTED[1:])
    assert "needs an exercise titled" in exercise_problems(exercises_section(*no_predict), "02_data.ipynb")[0]
    assert exercise_problems(exercises_section(*no_predict, module="exercises.notebook_05"),
                             "05_how_a_network_learns.ipynb") == []
    assert "import from exercises.notebook_03" in exercise_problems(exercises_section(*PREDICTED), "03_x.ipynb")[0]
    unchecked = (*PREDICTED[:3], ("code", "figure = ____\n# exercise_2.check(figure)"))
    assert "calling exercise_2.check" in exercise_problems(exercises_section(*unchecked), "02_data.ipynb")[0]
    assert "want at least two" in exercise_problems(exercises_section(*PREDICTED[:2]), "02_data.ipynb")[0]
    assert "no collapsed solutions" in exercise_problems(exercises_section(*PREDICTED, solutions="1. x"),
                                                         "02_data.ipynb")[0]


def test_collapsed_solutions_are_not_counted_as_words():
    text = "one two\n<details>\n<summary>three</summary>\nfour\n</details>\nfive"
    assert markdown_words(made_up(("md", text)).cells) == 3


README = """Text.

| notebook | track | what you do | reading | runtime* | peak memory* |
|---|---|---|---|---|---|
| [01 · First](notebooks/01_first_network.ipynb) | core | train it | 3 min | 30 s | 0.80 GB |
| [05 · Learn](notebooks/05_how_a_network_learns.ipynb) | optional | by hand | 4 min | 1.5 min | 700 MB |

After.
"""


def test_readme_table_is_read_by_column():
    columns, rows, repeated = readme_table(README)
    assert columns == README_COLUMNS and not repeated
    assert rows["01_first_network.ipynb"]["reading"] == "3 min"
    assert readme_row_problems(rows["01_first_network.ipynb"], "core", 3, 36) == []
    assert readme_row_problems(rows["05_how_a_network_learns.ipynb"], "optional", 4, 100) == []
    problems = readme_row_problems(rows["01_first_network.ipynb"], "optional", 2, 40)
    assert [problem.split(" ")[0] for problem in problems] == ["track", "reading", "runtime"]
    row = README.splitlines()[4]
    assert readme_table(README.replace(row, row + "\n" + row))[2] == ["01_first_network.ipynb"]
