"""Tests of tools/record_notebooks.py (`make record`) on small scratch notebooks."""


import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat import v4

from tools import record_notebooks, set_repository


def _write(path, sources):
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [v4.new_markdown_cell("# A title")] + [v4.new_code_cell(s) for s in sources]
    nbformat.write(notebook, path)
    return notebook


def test_record_writes_canonical_outputs_and_keeps_ids(tmp_path):
    path = tmp_path / "demo.ipynb"
    written = _write(path, ["x = 6 * 7", "print(x)", "", "x"])
    record_notebooks.record(path, record_notebooks.sanitizer())
    notebook = nbformat.read(path, as_version=4)
    assert [cell.id for cell in notebook.cells] == [cell.id for cell in written.cells]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == [1, 2, None, 3]
    assert code[1].outputs[0].text == "42\n"
    assert code[3].outputs[0].data["text/plain"] == "42"
    assert code[3].outputs[0].execution_count == 3
    assert dict(notebook.metadata) == {"kernelspec": record_notebooks.KERNELSPEC,
                                       "language_info": {"name": "python"}}
    assert all("execution" not in cell.metadata for cell in notebook.cells)


def test_recording_twice_leaves_no_diff_when_only_timings_change(tmp_path):
    path = tmp_path / "demo.ipynb"
    # prints a different Keras-style timing on every run, which the sanitize file replaces
    _write(path, ["import random\nprint(f'469/469 - {random.randint(2, 9)}s - {random.randint(10, 99)}ms/step')"])
    sanitize = record_notebooks.sanitizer()
    record_notebooks.record(path, sanitize)
    first = path.read_text()
    for _ in range(3):
        record_notebooks.record(path, sanitize)
        assert path.read_text() == first


def test_recording_twice_keeps_a_widgets_model_id(tmp_path):
    path = tmp_path / "demo.ipynb"
    _write(path, ["import ipywidgets\nipywidgets.IntSlider()"])  # a new random model id on every run
    sanitize = record_notebooks.sanitizer()
    record_notebooks.record(path, sanitize)
    first = path.read_text()
    assert "application/vnd.jupyter.widget-view+json" in first
    record_notebooks.record(path, sanitize)
    assert path.read_text() == first


def test_a_real_change_is_recorded(tmp_path):
    path = tmp_path / "demo.ipynb"
    _write(path, ["print(1)"])
    record_notebooks.record(path, record_notebooks.sanitizer())
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source = "print(2)"
    nbformat.write(notebook, path)
    record_notebooks.record(path, record_notebooks.sanitizer())
    assert nbformat.read(path, as_version=4).cells[1].outputs[0].text == "2\n"


def test_stderr_is_refused_and_the_file_left_alone(tmp_path):
    path = tmp_path / "demo.ipynb"
    _write(path, ["import sys\nprint('careful', file=sys.stderr)"])
    before = path.read_text()
    with pytest.raises(record_notebooks.RecordError, match="writes to stderr"):
        record_notebooks.record(path, record_notebooks.sanitizer())
    assert path.read_text() == before


def test_a_failing_cell_stops_the_recording(tmp_path):
    path = tmp_path / "demo.ipynb"
    _write(path, ["1 / 0"])
    before = path.read_text()
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        record_notebooks.record(path, record_notebooks.sanitizer())
    assert path.read_text() == before


def test_record_keeps_the_metadata_the_tests_read_and_drops_the_rest(tmp_path):
    path = tmp_path / "demo.ipynb"
    notebook = _write(path, ["print('accuracy 0.98')", "print('anything')"])
    rules = {"numbers": [{"after": "accuracy ", "abs": 0.01, "why": "measured"}], "figure": {"kept": True}}
    notebook.cells[1].metadata.update(compare=rules, scrolled=True, jupyter={"outputs_hidden": False})
    notebook.cells[2].metadata.update(tags=["nbval-ignore-output"], collapsed=False, editable=True)
    notebook.cells[0].metadata.update(jupyter={"source_hidden": True})
    nbformat.write(notebook, path)
    record_notebooks.record(path, record_notebooks.sanitizer())
    cells = nbformat.read(path, as_version=4).cells
    assert [dict(cell.metadata) for cell in cells] == [{}, {"compare": rules}, {"tags": ["nbval-ignore-output"]}]


def test_record_names_the_rules_that_no_longer_fit(tmp_path):
    path = tmp_path / "demo.ipynb"
    notebook = _write(path, ["print('accuracy 0.98')"])
    notebook.cells[1].metadata["compare"] = {"numbers": [{"after": "loss ", "abs": 0.01, "why": "measured"}]}
    nbformat.write(notebook, path)
    record_notebooks.record(path, record_notebooks.sanitizer())
    assert record_notebooks.rule_problems(path, record_notebooks.sanitizer()) == [
        "demo.ipynb Cell 0: number rule 1 (after 'loss ') covers no number of the stored output: fix or remove it"]


def test_record_keeps_the_course_files_cell_hidden_and_drops_the_rest(tmp_path):
    """The course-files cell (tools/set_repository.py) keeps exactly its hiding metadata; any other
    cell's "jupyter" metadata goes, as before."""
    path = tmp_path / "demo.ipynb"
    notebook = _write(path, [set_repository.render_cell(None, None), "print(1)"])
    notebook.cells[1].metadata.update(collapsed=True, jupyter={"source_hidden": False, "outputs_hidden": True})
    notebook.cells[2].metadata.update(jupyter={"source_hidden": True})
    nbformat.write(notebook, path)
    record_notebooks.record(path, record_notebooks.sanitizer())  # runs in notebooks/: the cell does nothing
    cells = nbformat.read(path, as_version=4).cells
    assert dict(cells[1].metadata) == set_repository.COURSE_FILES_METADATA
    assert cells[1].outputs == [] and cells[1].execution_count == 1
    assert dict(cells[2].metadata) == {}
