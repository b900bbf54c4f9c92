"""Every notebook is clean, follows the shared template and links correctly.

These checks run on the stored notebooks (no kernel needed), so they are fast and cover every
notebook in notebooks/, including ones added later.
"""

import getpass
import json
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from nbval_approx import parse_marker, split_numbers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [path.name for path in NOTEBOOKS]

ALLOWED_NOTEBOOK_METADATA = {"kernelspec", "language_info"}
# "compare": per-cell tolerances, e.g. {"figure": {"rms": 6, "why": "..."}} (tests/nbval_figures.py)
ALLOWED_CELL_METADATA = {"tags", "compare"}
MACHINE_PATH = re.compile(r"(/(home|root|tmp|work|Users|private|var/folders)/|[A-Za-z]:\\\\Users)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
HTML_SOURCE = re.compile(r"""<img[^>]+src=["']([^"']+)["']""")


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


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
    for index, cell in enumerate(notebook.cells):
        assert set(cell.metadata) <= ALLOWED_CELL_METADATA, (index, dict(cell.metadata))


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
    first = load(path).cells[0]
    assert first.cell_type == "markdown"
    assert re.match(rf"# {path.name[:2]} · \S", first.source), "title: '# NN · Title'"
    for heading in ("**What you'll learn**", "**What you need:**", "**Expected runtime:**"):
        assert heading in first.source, f"the first cell lacks {heading}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_template_body_and_end(path):
    notebook = load(path)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "## Setup" in markdown
    assert "## Summary" in markdown
    assert "## Exercises" in markdown
    assert markdown.count("<details>") >= 1 and "<summary>" in markdown, "collapsed solutions"
    exercises = markdown.split("## Exercises", 1)[1].split("<details>", 1)[0]
    assert len(re.findall(r"^\d+\. ", exercises, re.MULTILINE)) >= 2, "at least two exercises"

    last = notebook.cells[-1].source
    position = NOTEBOOKS.index(path)
    following = NOTEBOOKS[(position + 1) % len(NOTEBOOKS)].name
    assert "**Next:**" in last or "**Back to the start:**" in last
    assert f"({following})" in last, f"the last cell must link to {following}"


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
        or "NBVAL_IGNORE_OUTPUT" in cell.source
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
# How each cell's output is compared: exact, numeric (with a tolerance) or ignored
# ---------------------------------------------------------------------------

KNOWN_MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_APPROX", "NBVAL_CHECK_OUTPUT", "NBVAL_SKIP",
                 "NBVAL_RAISES_EXCEPTION"}


def comparison_kind(cell):
    """'exact', 'numeric' or 'ignored': how the tests compare a code cell's stored outputs."""
    if parse_marker(cell.source) is not None:
        return "numeric"
    if "# NBVAL_IGNORE_OUTPUT" in cell.source.splitlines() or "# NBVAL_SKIP" in cell.source.splitlines():
        return "ignored"
    return "exact"


def comparison_counts():
    counts = {"exact": 0, "numeric": 0, "ignored": 0}
    for path in NOTEBOOKS:
        for cell in code_cells(load(path)):
            counts[comparison_kind(cell)] += 1
    return counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_markers_are_known_and_readable(path):
    for index, cell in enumerate(code_cells(load(path))):
        for line in cell.source.splitlines():
            words = line.strip().lstrip("#").split()
            if line.strip().startswith("#") and words and words[0].startswith("NBVAL"):
                assert words[0] in KNOWN_MARKERS, f"code cell {index + 1}: unknown marker {words[0]}"
                if words[0] != "NBVAL_APPROX":
                    assert len(words) == 1, f"code cell {index + 1}: nbval ignores {line.strip()!r}"
        parse_marker(cell.source)  # raises MarkerError, saying why, for a marker it cannot read


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_ignored_cell_is_followed_by_a_check(path):
    cells = code_cells(load(path))
    for index, cell in enumerate(cells):
        if comparison_kind(cell) == "ignored":
            checks = [line for line in cell.source.splitlines() + (cells[index + 1].source.splitlines()
                      if index + 1 < len(cells) else []) if line.startswith("assert ")]
            assert checks, f"code cell {index + 1} is ignored but neither it nor the next cell asserts anything"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_numeric_cells_print_numbers(path):
    for index, cell in enumerate(code_cells(load(path))):
        if comparison_kind(cell) == "numeric":
            texts = [o.get("text", "") for o in cell.outputs] + [
                o.get("data", {}).get("text/plain", "") for o in cell.outputs]
            assert any(split_numbers(text)[1] for text in texts), (
                f"code cell {index + 1} has NBVAL_APPROX but its stored output holds no number"
            )


def test_readme_states_how_many_cells_are_exact_numeric_and_ignored():
    counts = comparison_counts()
    total = sum(counts.values())
    sentence = (f"Of the notebooks' {total} code cells, {counts['exact']} are compared exactly, "
                f"{counts['numeric']} with a tolerance and {counts['ignored']} not at all")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert sentence in readme, f"README.md should say: {sentence!r}"


def _seconds(amount, unit):
    return float(amount) * (60 if unit.startswith("minute") else 1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_expected_runtime_agrees_with_the_readme(path):
    runtime = re.compile(r"\*\*Expected runtime:\*\* about (\d+(?:\.\d+)?) (seconds?|minutes?)")
    header = runtime.search(load(path).cells[0].source)
    assert header, "the first cell should say '**Expected runtime:** about N seconds' (or minutes)"
    row = re.search(rf"^\| \[[^\]]+\]\(notebooks/{re.escape(path.name)}\) \|[^|]*\| (\d+) s \|",
                    (ROOT / "README.md").read_text(), re.MULTILINE)
    assert row, f"README.md's notebook table has no runtime for {path.name}"
    stated, measured = _seconds(*header.groups()), float(row.group(1))
    assert abs(stated - measured) <= max(5, 0.25 * measured), (
        f"the notebook says about {stated:.0f} s, the README's measured table {measured:.0f} s"
    )
