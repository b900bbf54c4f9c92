"""Tests of the ``# NBVAL_APPROX`` plugin (tests/nbval_approx.py)."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4
from nbval_approx import (
    MarkerError,
    Tolerance,
    align_outputs,
    compare_text,
    parse_marker,
    split_numbers,
)

# ---------------------------------------------------------------------------
# Reading the marker
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("print(1)", None),
        ("# NBVAL_APPROX abs=0.003\nprint(1)", Tolerance(abs=0.003)),
        ("x = 1\n  #  NBVAL_APPROX rel=0.2", Tolerance(rel=0.2)),
        ("# NBVAL_APPROX abs=1 rel=0.05", Tolerance(abs=1, rel=0.05)),
        ("# NBVAL_APPROX ulp=30", Tolerance(ulp=30)),
        ("# NBVAL_APPROX_OTHER abs=1", None),
        ("s = '# NBVAL_APPROX abs=1'", None),  # not a comment line
    ],
)
def test_parse_marker(source, expected):
    assert parse_marker(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# NBVAL_APPROX", "give a tolerance"),
        ("# NBVAL_APPROX tol=0.1", "expected 'abs=NUMBER'"),
        ("# NBVAL_APPROX ulp=", "is not a number"),
        ("# NBVAL_APPROX abs 0.1", "expected 'abs=NUMBER'"),
        ("# NBVAL_APPROX abs=lots", "is not a number"),
        ("# NBVAL_APPROX rel=-0.1", "finite number >= 0"),
        ("# NBVAL_APPROX abs=nan", "finite number >= 0"),
        ("# NBVAL_APPROX abs=1\n# NBVAL_APPROX abs=2", "two NBVAL_APPROX lines"),
    ],
)
def test_bad_markers_are_errors(source, message):
    with pytest.raises(MarkerError, match=message):
        parse_marker(source)


# ---------------------------------------------------------------------------
# Comparing texts
# ---------------------------------------------------------------------------


def test_split_numbers_reads_python_formats():
    text, numbers = split_numbers("gap -4.18%, +1.33 and 407,050 params; 1e-05 (60000,) [2059  183]")
    assert numbers == [-4.18, 1.33, 407050, 1e-05, 60000, 2059, 183]
    assert text == ["gap ", "%, ", " and ", " params; ", " (", ",) [", " ", "]"]


def test_tolerance_is_the_larger_of_abs_and_rel():
    assert Tolerance(abs=0.5).allows(10, 10.5)
    assert not Tolerance(abs=0.5).allows(10, 10.51)
    assert Tolerance(rel=0.1).allows(200, 220)
    assert not Tolerance(rel=0.1).allows(200, 221)
    assert Tolerance(abs=5, rel=0.1).allows(10, 15)  # abs wins for small numbers
    assert Tolerance(abs=5, rel=0.1).allows(200, 219)  # rel wins for large ones
    assert Tolerance().allows(3, 3) and not Tolerance().allows(3, 3.0001)


def test_numbers_within_tolerance_match():
    assert compare_text("accuracy: 99.0%\n", "accuracy: 99.1%\n", Tolerance(abs=0.2)) == []


def test_a_number_beyond_tolerance_is_named():
    problems = compare_text("errors 49 of 10000\n", "errors 60 of 10000\n", Tolerance(abs=10))
    assert problems == ["number 1: 60 is not within ±10 of the stored 49"]


def test_ulp_counts_units_of_the_last_printed_digit():
    table = "test accuracy  97.93%  99.51%\nerrors  207  49\n"
    moved = "test accuracy  98.20%  99.40%\nerrors  180  60\n"
    assert compare_text(table, moved, Tolerance(ulp=30)) == []
    too_far = "test accuracy  98.24%  99.51%\nerrors  207  49\n"
    assert compare_text(table, too_far, Tolerance(ulp=30)) == [
        "number 1: 98.24 is not within ±0.3 of the stored 97.93"
    ]
    assert compare_text("loss 1.5e-03", "loss 1.7e-03", Tolerance(ulp=2)) == []
    assert compare_text("loss 1.5e-03", "loss 1.8e-03", Tolerance(ulp=2)) != []


def test_the_text_around_numbers_must_be_identical():
    problems = compare_text("test accuracy: 97.9%\n", "train accuracy: 97.9%\n", Tolerance(abs=1))
    assert problems == ["the text around the numbers differs"]


def test_a_different_count_of_numbers_fails():
    problems = compare_text("[1 2 3]", "[1 2 3 4]", Tolerance(abs=100))
    assert problems == ["the output holds 4 numbers, the stored one 3"]


def test_alignment_spaces_may_change_width():
    stored = "true 4 predicted as 9:   9 times\n"
    new = "true 4 predicted as 9:  10 times\n"
    assert compare_text(stored, new, Tolerance(abs=2)) == []


def test_a_sign_change_is_a_numeric_difference():
    assert compare_text("gap +0.02%", "gap -0.01%", Tolerance(abs=0.05)) == []
    assert compare_text("gap +0.02%", "gap -0.10%", Tolerance(abs=0.05)) != []


def test_align_outputs_replaces_only_matching_texts():
    stored = [
        v4.new_output("stream", name="stdout", text="acc 0.980\n"),
        v4.new_output("display_data", data={"text/plain": "<Figure with 40 Axes>", "image/png": "AAAA"}),
    ]
    new = [
        v4.new_output("stream", name="stdout", text="acc 0.981\n"),
        v4.new_output("display_data", data={"text/plain": "<Figure with 60 Axes>", "image/png": "BBBB"}),
    ]
    aligned, problems = align_outputs(new, stored, Tolerance(abs=0.002))
    assert aligned[0]["text"] == "acc 0.980\n"  # within tolerance: the stored text
    assert aligned[1]["data"]["text/plain"] == "<Figure with 60 Axes>"  # beyond it: left for nbval
    assert aligned[1]["data"]["image/png"] == "BBBB"  # images are not touched
    assert problems == ["text/plain: number 1: 60 is not within ±0.002 of the stored 40"]
    assert new[0]["text"] == "acc 0.981\n"  # the new outputs themselves are not changed


def test_align_outputs_uses_the_sanitizer():
    stored = [v4.new_output("stream", name="stdout", text="3s - acc 0.50\n")]
    new = [v4.new_output("stream", name="stdout", text="12s - acc 0.51\n")]
    strip_time = lambda s: s.replace("12s", "T").replace("3s", "T")  # noqa: E731
    assert align_outputs(new, stored, Tolerance(abs=0.02), strip_time)[1] == []
    assert align_outputs(new, stored, Tolerance(abs=0.02))[1] != []


# ---------------------------------------------------------------------------
# The plugin inside a real nbval run
# ---------------------------------------------------------------------------


def _notebook(path, cells):
    """Write a notebook whose cells print `new` but store `stored` as their output."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for count, (source, stored) in enumerate(cells, start=1):
        cell = v4.new_code_cell(source, execution_count=count)
        cell.outputs = [v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nbformat.write(nb, path)


def _run_nbval(tmp_path):
    """Run nbval with the plugin on tmp_path, isolated from this repository's configuration."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "nbval_approx",
         "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"), "-q", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )


def test_plugin_in_a_real_nbval_run(tmp_path):
    _notebook(
        tmp_path / "demo.ipynb",
        [
            ("# NBVAL_APPROX abs=0.01\nprint('accuracy 0.985')", "accuracy 0.980\n"),  # passes
            ("# NBVAL_APPROX abs=0.001\nprint('accuracy 0.985')", "accuracy 0.980\n"),  # too far
            ("print('accuracy 0.985')", "accuracy 0.980\n"),  # no marker: exact, fails
            ("# NBVAL_APPROX abs=1\nprint('errors: 5')", "mistakes: 5\n"),  # other text, fails
            ("# NBVAL_APPROX\nprint(1)", "1\n"),  # unreadable marker, fails
        ],
    )
    result = _run_nbval(tmp_path)
    report = result.stdout + result.stderr
    assert "4 failed, 1 passed" in report, report
    assert "number 1: 0.985 is not within ±0.001 of the stored 0.980" in report
    assert "give a tolerance" in report
    for failed in ("Cell 1", "Cell 2", "Cell 3", "Cell 4"):
        assert f"demo.ipynb::{failed}" in report
    assert "demo.ipynb::Cell 0" not in report.split("short test summary")[-1]
