"""Fast checks of tools/measure_figures.py's pieces (the measurement itself takes about 45 minutes)."""

import json

from tools import measure_figures


def test_each_setting_sets_what_it_names_and_nothing_else(monkeypatch):
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")  # from the caller's shell: must not leak into a run
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE")
    prefix, env = measure_figures.environment("plain")
    assert prefix == [] and "TF_ENABLE_ONEDNN_OPTS" not in env and "ONEDNN_MAX_CPU_ISA" not in env
    assert env["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"  # as conftest.py gives the tests
    prefix, env = measure_figures.environment("portable")
    assert prefix == ["taskset", "-c", "0"]
    assert env["ONEDNN_MAX_CPU_ISA"] == "AVX2" and env["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert measure_figures.environment("onednn-1")[1]["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert measure_figures.environment("one-core")[0] == ["taskset", "-c", "0"]


def test_figure_cells_are_numbered_as_nbval_numbers_code_cells():
    notebook = json.loads((measure_figures.NOTEBOOKS / "07_evaluation.ipynb").read_text())
    numbers = [number for number, _ in measure_figures.figure_cells(notebook)]
    assert numbers == [5, 7, 8, 10]


def test_the_report_replaces_only_the_text_between_the_markers():
    begin, end = measure_figures.BEGIN, measure_figures.END
    document = f"# Title\n\nby hand\n\n{begin}\nold table\n{end}\n\nmore by hand\n"
    new = measure_figures.replace_between_markers(document, "new table\n")
    assert new == f"# Title\n\nby hand\n\n{begin}\nnew table\n{end}\n\nmore by hand\n"
    assert measure_figures.replace_between_markers("", "table") == f"{begin}\ntable\n{end}\n"
