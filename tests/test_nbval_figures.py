"""The figure comparison (tests/nbval_figures.py, tools/figure_compare.py) catches real changes.

* Mutation tests: figures are drawn with the real plotting helpers from the data behind a
  notebook's stored figure (notebook 06's confusion matrix, transcribed from its stored figure;
  notebook 05's training history, as its fit() printed it; the first MNIST training images) and
  compared with that stored PNG under the tolerance the plugin uses for that cell. The same
  figure passes (06's and 02's byte for byte); a transposed matrix, a swapped colour map, a
  missing curve and a wrong title each exceed the tolerance. No TensorFlow, about a second.
* The pure functions: tolerances from cell metadata, image counts and sizes, the report.
* End to end: pytest --nbval on a copy of notebook 01 whose stored PNGs were altered fails those
  cells, with the message and the images a maintainer needs, while an unaltered figure and an
  number-rule cell in the same notebook pass; a wrong figure tolerance fails its cell
  (a few seconds: one small kernel).
"""

import base64
import functools
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from PIL import Image, ImageOps

matplotlib.use("Agg")
import matplotlib.axes  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from mnist_helpers import load_mnist, plot_confusion_matrix, plot_history, show_digits  # noqa: E402
from tools import set_repository  # noqa: E402
from tools.figure_compare import (  # noqa: E402
    DEFAULT_RMS,
    SizeMismatch,
    Tolerance,
    ToleranceError,
    cell_tolerance,
    colour_shift,
    compare_cell,
    compare_cell_across_versions,
    figure_rms,
    ordinal,
    png_images,
    render_png,
    write_images,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_RC = {"font.size": 13}  # what every notebook's first cell sets

# Notebook 07's confusion matrix of models/dense.weights.h5 on the test set, read off its stored figure
# (drawn again from it, the figure is byte for byte the stored one: test_same_figure_passes).
CONFUSION_06 = np.array([
    [968, 1, 1, 1, 1, 1, 4, 1, 1, 1],
    [0, 1129, 2, 1, 0, 1, 2, 0, 0, 0],
    [3, 3, 1004, 5, 2, 0, 3, 8, 4, 0],
    [0, 0, 1, 988, 0, 7, 0, 6, 1, 7],
    [1, 0, 2, 0, 955, 0, 7, 3, 0, 14],
    [3, 0, 0, 5, 2, 876, 5, 0, 0, 1],
    [3, 3, 0, 1, 2, 4, 945, 0, 0, 0],
    [1, 2, 6, 1, 0, 0, 0, 1016, 0, 2],
    [3, 0, 3, 11, 4, 7, 6, 5, 924, 11],
    [3, 2, 0, 4, 4, 2, 2, 4, 0, 988],
])
TITLE_06 = "Confusion matrix of the dense network on the test set"
TITLE_05_REFERENCE = "Notebook 01's network: 5 epochs on 60,000 images"
TITLE_05_EXTRA = "50,000 training and 10,000 validation images"
TITLE_07 = "Convnet training"
TITLE_02 = "The first 25 training images and their labels"


@functools.cache
def _code_cells(notebook):
    return [c for c in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells if c.cell_type == "code"]


def stored_cell(notebook, number):
    """Code cell `number` (as nbval counts them: 'Cell 9') of a notebook in notebooks/."""
    return _code_cells(notebook)[number]


def stored_png(notebook, number):
    (png,) = png_images(stored_cell(notebook, number).outputs)
    return png


def draw(plot, *args, **kwargs):
    """A helper's figure as the notebook's inline backend stores it (with the notebooks' font size)."""
    with matplotlib.rc_context(NOTEBOOK_RC):
        figure = plot(*args, **kwargs)
        try:
            return render_png(figure)
        finally:
            plt.close(figure)


def printed_history(notebook, number):
    """A training history as fit(verbose=2) printed it (4 decimals) in a stored code cell."""
    text = "".join(o.get("text", "") for o in stored_cell(notebook, number).outputs)
    history = {}
    for key, value in re.findall(r"\b(accuracy|loss|val_accuracy|val_loss): ([\d.]+)", text):
        history.setdefault(key, []).append(float(value))
    assert history and len({len(values) for values in history.values()}) == 1, history
    return history


HISTORY_05_REFERENCE = ("06_training.ipynb", 5)
HISTORY_05_EXTRA = ("06_training.ipynb", 8)
HISTORY_07 = ("08_convnet.ipynb", 7)


def validation_curves(history, title=TITLE_05_EXTRA, best_epoch=None):
    """Notebook 06's validation run as its cell draws it: the curves and a dotted line at the
    epoch of the lowest validation loss."""
    figure = plot_history(history, title=title)
    best_epoch = best_epoch or int(np.argmin(history["val_loss"])) + 1
    for ax in figure.axes:
        ax.axvline(best_epoch, color="grey", linestyle=":", label="lowest validation loss")
        ax.legend()
    return figure


def swap_colormap(monkeypatch, old, new):
    """Make every imshow(cmap=old) in the helpers draw with `new` instead."""
    imshow = matplotlib.axes.Axes.imshow

    def swapped(self, *args, **kwargs):
        if kwargs.get("cmap") == old:
            kwargs["cmap"] = new
        return imshow(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "imshow", swapped)


def drop_curve(monkeypatch, label):
    """Make the helpers forget to draw the curve labelled `label` (a plot_history bug)."""
    plot = matplotlib.axes.Axes.plot

    def plot_but_one(self, *args, **kwargs):
        if kwargs.get("label") == label:
            return []
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "plot", plot_but_one)


def red_and_blue_swapped(png):
    """The stored PNG with its red and blue channels swapped: bwr drawn as bwr_r, viridis as another map."""
    with Image.open(io.BytesIO(png)) as image:
        red, green, blue, *alpha = image.split()
        buffer = io.BytesIO()
        Image.merge(image.mode, (blue, green, red, *alpha)).save(buffer, format="png")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def digits_25():
    (images, labels), _ = load_mnist()
    return images[:25], labels[:25]


def digit_grid(images, labels, title=TITLE_02):
    return draw(show_digits, images, labels, ncols=5, cell_size=1.6, title=title)


# name: (notebook, code cell, draw(monkeypatch, first 25 training digits) -> PNG), each drawn as the
# notebook draws it, from the data behind its stored figure
SAME = {
    "06 confusion matrix": ("07_evaluation.ipynb", 6, lambda m, d: draw(plot_confusion_matrix, CONFUSION_06, TITLE_06)),
    "02 digit grid": ("02_data.ipynb", 6, lambda m, d: digit_grid(*d)),
    # drawn from the 4 decimals fit() printed, so a pixel off here and there
    "05 reference training curves": (
        "06_training.ipynb", 7, lambda m, d: draw(plot_history, printed_history(*HISTORY_05_REFERENCE),
                                                  TITLE_05_REFERENCE)),
    "05 extra run's training and validation curves": (
        "06_training.ipynb", 9, lambda m, d: draw(validation_curves, printed_history(*HISTORY_05_EXTRA))),
    "07 convnet training curves": (
        "08_convnet.ipynb", 8, lambda m, d: draw(plot_history, printed_history(*HISTORY_07), TITLE_07)),
}
EXACT = {"06 confusion matrix", "02 digit grid"}


def _drawn_with(mutate, notebook, number):
    """draw(monkeypatch, digits) of SAME's figure for (notebook, number), after mutate(monkeypatch)."""
    drawing = next(d for nb, n, d in SAME.values() if (nb, n) == (notebook, number))

    def mutated(monkeypatch, digits):
        mutate(monkeypatch)
        return drawing(monkeypatch, digits)

    return notebook, number, mutated


def _history_without_validation(monkeypatch, digits):
    history = printed_history(*HISTORY_05_EXTRA)
    without = {k: v for k, v in history.items() if not k.startswith("val_")}
    return draw(validation_curves, without, TITLE_05_EXTRA, int(np.argmin(history["val_loss"])) + 1)


MUTATIONS = {
    # the bug of issue 16: plot_confusion_matrix drawing the matrix transposed
    "06 confusion matrix transposed": (
        "07_evaluation.ipynb", 6, lambda m, d: draw(plot_confusion_matrix, CONFUSION_06.T, TITLE_06)),
    # a swapped colour map
    "06 confusion matrix in Greens, not Blues": _drawn_with(lambda m: swap_colormap(m, "Blues", "Greens"),
                                                            "07_evaluation.ipynb", 6),
    "06 confusion matrix in Blues_r, not Blues": _drawn_with(lambda m: swap_colormap(m, "Blues", "Blues_r"),
                                                             "07_evaluation.ipynb", 6),
    "02 digits in gray, not gray_r": _drawn_with(lambda m: swap_colormap(m, "gray_r", "gray"),
                                                 "02_data.ipynb", 6),
    "07 learned filters in bwr_r (red and blue swapped)": (
        "08_convnet.ipynb", 13, lambda m, d: red_and_blue_swapped(stored_png("08_convnet.ipynb", 13))),
    "07 feature maps in another map (red and blue swapped)": (
        "08_convnet.ipynb", 14, lambda m, d: red_and_blue_swapped(stored_png("08_convnet.ipynb", 14))),
    # a missing curve
    "05 extra run without its validation curves": ("06_training.ipynb", 9, _history_without_validation),
    "05 extra run without its training loss curve": _drawn_with(lambda m: drop_curve(m, "training loss"),
                                                                "06_training.ipynb", 9),
    "05 reference run without its accuracy curve": _drawn_with(lambda m: drop_curve(m, "training accuracy"),
                                                               "06_training.ipynb", 7),
    "07 convnet without its loss curve": _drawn_with(lambda m: drop_curve(m, "training loss"),
                                                     "08_convnet.ipynb", 8),
    # a wrong title
    "06 confusion matrix titled 'training set'": (
        "07_evaluation.ipynb", 6,
        lambda m, d: draw(plot_confusion_matrix, CONFUSION_06, TITLE_06.replace("test set", "training set"))),
    "02 digit grid titled 'test images'": (
        "02_data.ipynb", 6, lambda m, d: digit_grid(*d, title=TITLE_02.replace("training", "test"))),
    "05 extra run titled as the reference run": (
        "06_training.ipynb", 9, lambda m, d: draw(validation_curves, printed_history(*HISTORY_05_EXTRA),
                                                  TITLE_05_REFERENCE)),
}


def measured(notebook, number, new):
    """(RMS or a size problem, the cell's Tolerance) of a new PNG against the cell's stored one,
    measured as the plugin measures it."""
    tolerance = cell_tolerance(stored_cell(notebook, number).metadata)
    try:
        return figure_rms(stored_png(notebook, number), new, tolerance.blur), tolerance
    except SizeMismatch as error:
        return f"different size: {error}", tolerance


@pytest.mark.parametrize("name", SAME)
def test_same_figure_passes(name, monkeypatch, digits_25):
    notebook, number, drawing = SAME[name]
    rms, tolerance = measured(notebook, number, drawing(monkeypatch, digits_25))
    assert isinstance(rms, float) and rms <= tolerance.rms, (rms, tolerance)
    if name in EXACT:
        assert rms == 0.0  # byte for byte the stored figure


@pytest.mark.filterwarnings("ignore:No artists with labels found to put in legend")  # a dropped curve
@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_fails_the_cell(name, monkeypatch, digits_25):
    """Each mutation exceeds the cell's tolerance, or changes the image's size (which fails the
    cell whatever the RMS). docs/measured-figures.md lists each RMS next to its tolerance."""
    notebook, number, drawing = MUTATIONS[name]
    rms, tolerance = measured(notebook, number, drawing(monkeypatch, digits_25))
    if isinstance(rms, str):
        assert rms.startswith("different size"), rms
        return
    assert rms > tolerance.rms, f"{name}: RMS {rms:.3f} is within the tolerance {tolerance.rms}"


# ---------------------------------------------------------------------------
# The pure functions
# ---------------------------------------------------------------------------

def _png(array):
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(buffer, format="png")
    return buffer.getvalue()


def _output(png):
    return {"output_type": "display_data", "data": {"image/png": base64.b64encode(png).decode(),
                                                    "text/plain": "<Figure>"}, "metadata": {}}


WHITE = np.full((40, 60, 3), 255)
BLOCK = WHITE.copy()
BLOCK[10:30, 20:40] = 0


def test_identical_images_measure_zero_and_differences_grow_with_the_change():
    assert figure_rms(_png(WHITE), _png(WHITE)) == 0.0
    small, large = BLOCK.copy(), BLOCK.copy()
    small[10:30, 20:22] = 255
    large[10:30, 20:40] = 255
    assert 0 < figure_rms(_png(BLOCK), _png(small)) < figure_rms(_png(BLOCK), _png(large))


def test_an_opaque_rgba_image_equals_its_rgb_twin():
    rgba = np.dstack([BLOCK, np.full(BLOCK.shape[:2], 255)])
    assert figure_rms(_png(BLOCK), _png(rgba)) == 0.0


def test_images_of_different_size_fail_with_a_message_saying_so():
    with pytest.raises(SizeMismatch, match="the new image is 60 x 41 pixels, the stored one 60 x 40 pixels"):
        figure_rms(_png(WHITE), _png(np.full((41, 60, 3), 255)))
    problems, mismatches = compare_cell([_output(_png(WHITE))], [_output(_png(WHITE[:39]))], Tolerance(1.0))
    assert problems == ["1st image: different size: the new image is 60 x 39 pixels, the stored one 60 x 40 pixels"]
    assert len(mismatches) == 1


def test_compare_cell_names_the_image_the_rms_and_the_tolerance():
    stored = [_output(_png(WHITE)), _output(_png(BLOCK))]
    new = [_output(_png(WHITE)), _output(_png(WHITE))]
    problems, mismatches = compare_cell(stored, new, Tolerance(2.0, "training curves"))
    assert len(problems) == 1
    assert re.fullmatch(r"2nd image: RMS [\d.]+ exceeds the tolerance 2 \(this cell: training curves\)", problems[0])
    assert [m.index for m in mismatches] == [2]
    assert compare_cell(stored, stored, Tolerance(0.0)) == ([], [])
    problems, _ = compare_cell(stored, new, Tolerance(2.0, "curves", blur=4))
    assert re.fullmatch(r"2nd image: RMS [\d.]+ after a 4-pixel blur exceeds the tolerance 2 \(this cell: curves\)",
                        problems[0])


def test_a_blur_forgives_a_line_moved_by_a_pixel_more_than_a_missing_one():
    moved = WHITE.copy()
    moved[:, 31] = 0
    line = WHITE.copy()
    line[:, 30] = 0
    for blur in (2, 4):
        shift, gone = figure_rms(_png(line), _png(moved), blur), figure_rms(_png(line), _png(WHITE), blur)
        assert shift < 0.5 * figure_rms(_png(line), _png(moved))
        assert gone > 2 * shift


def test_compare_cell_fails_when_the_number_of_images_differs():
    problems, _ = compare_cell([_output(_png(WHITE))], [], Tolerance(1.0))
    assert problems == ["the cell drew 0 images, the stored outputs hold 1"]


def test_write_images_writes_stored_new_and_diff(tmp_path):
    paths = write_images(tmp_path / "figs", "cell03-1st", _png(BLOCK), _png(WHITE))
    assert [p.name for p in paths] == ["cell03-1st-stored.png", "cell03-1st-new.png", "cell03-1st-diff.png"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert len(write_images(tmp_path / "figs", "size", _png(BLOCK), _png(WHITE[:30]))) == 2  # no diff


@pytest.mark.parametrize("number, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                          (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd")])
def test_ordinal(number, text):
    assert ordinal(number) == text


def test_cell_tolerance_reads_the_metadata():
    assert cell_tolerance({}) == Tolerance(DEFAULT_RMS)
    assert cell_tolerance({"compare": {"numbers": {"abs": 1}}}) == Tolerance(DEFAULT_RMS)  # the sibling key
    assert cell_tolerance({"compare": {"figure": {"rms": 6, "why": " curves "}}}) == Tolerance(6.0, "curves")
    assert cell_tolerance({"compare": {"figure": {"rms": 3, "blur": 4, "why": "c"}}}) == Tolerance(3.0, "c", 4.0)


@pytest.mark.parametrize("metadata, message", [
    ({"compare": []}, "must be a mapping"),
    ({"compare": {"figure": 3}}, "must be"),
    ({"compare": {"figure": {"rms": 3}}}, "must be"),
    ({"compare": {"figure": {"rms": 3, "why": "x", "extra": 1}}}, "must be"),
    ({"compare": {"figure": {"rms": -1, "why": "x"}}}, "finite number >= 0"),
    ({"compare": {"figure": {"rms": "3", "why": "x"}}}, "finite number >= 0"),
    ({"compare": {"figure": {"rms": True, "why": "x"}}}, "finite number >= 0"),
    ({"compare": {"figure": {"rms": float("nan"), "why": "x"}}}, "finite number >= 0"),
    ({"compare": {"figure": {"rms": 3, "why": " "}}}, "'why' must say why"),
    ({"compare": {"figure": {"rms": 3, "why": "x", "blur": -1}}}, "'blur' must be a number of pixels"),
    ({"compare": {"figure": {"rms": 3, "why": "x", "blur": 50}}}, "'blur' must be a number of pixels"),
])
def test_cell_tolerance_rejects_what_it_cannot_read(metadata, message):
    with pytest.raises(ToleranceError, match=message):
        cell_tolerance(metadata)


NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[p.name for p in NOTEBOOK_PATHS])
def test_every_stored_figure_is_compared_and_every_tolerance_is_readable(path):
    """No figure is exempt: a cell that stores a PNG has its output compared (no
    nbval-ignore-output or nbval-skip tag), and a figure tolerance sits only on such a cell, with its reason."""
    for number, cell in enumerate(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"):
        tolerance = cell_tolerance(cell.metadata)
        has_figure = bool(png_images(cell.outputs))
        if tolerance.why:
            assert has_figure, f"cell {number}: a figure tolerance on a cell without a figure"
        if has_figure:
            tags = set(cell.metadata.get("tags", []))
            assert not tags & {"nbval-ignore-output", "nbval-skip"} and "NBVAL_" not in cell.source, (
                f"cell {number}: its figure would not be compared")


# ---------------------------------------------------------------------------
# End to end: pytest --nbval on a notebook whose stored figures were altered
# ---------------------------------------------------------------------------

def _altered_copy_of_notebook_02(folder):
    """Notebook 02 up to its first figure cell, with that cell three times more (stored PNG mirrored /
    cropped / as is), a cell with a number rule whose stored number is off by less than its tolerance,
    and two figure cells whose tolerance is wrong (unreadable; on a cell whose output is ignored)."""
    notebook = nbformat.read(NOTEBOOKS / "02_data.ipynb", as_version=4)
    course_files = set_repository.course_files_cell(notebook)  # in tmp_path it would fetch the course
    code = [c for c in notebook.cells if c.cell_type == "code" and c is not course_files]
    first = next(number for number, c in enumerate(code) if png_images(c.outputs))
    figure = code[first]
    cells = code[:first + 1]
    for index, change in enumerate((ImageOps.mirror, lambda im: im.crop((0, 0, im.width, im.height - 4)), None)):
        cell = nbformat.from_dict(dict(figure, id=f"figure-{index}"))
        cell.outputs = nbformat.from_dict([dict(o, data=dict(o.get("data", {}))) for o in figure.outputs])
        if change:
            for output in cell.outputs:
                if "image/png" in output.get("data", {}):
                    with Image.open(io.BytesIO(png_images([output])[0])) as image:
                        buffer = io.BytesIO()
                        change(image).save(buffer, format="png")
                    output["data"]["image/png"] = base64.b64encode(buffer.getvalue()).decode()
        cells.append(cell)
    approx = nbformat.v4.new_code_cell("print(round(2 / 3, 3))", id="approx", metadata={
        "compare": {"numbers": [{"before": "$", "abs": 0.01, "why": "a number rule beside the figures"}]}})
    approx.execution_count = len(code) + 1
    approx.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.669\n")]
    # two cells whose figure tolerance is wrong: unreadable, and on a cell whose output is ignored
    unreadable = nbformat.from_dict(dict(figure, id="unreadable", metadata={"compare": {"figure": {"rms": "big"}}}))
    ignored = nbformat.from_dict(dict(figure, id="ignored", metadata={
        "tags": ["nbval-ignore-output"], "compare": {"figure": {"rms": 5, "why": "no reason"}}}))
    # the original figure cell stays first (later cells use what it defines): then mirrored, cropped, as is
    notebook.cells = cells + [approx, unreadable, ignored]   # not its later figures: 4 are compared
    path = folder / "01_altered.ipynb"
    nbformat.write(notebook, path)
    return path, first + 1, len(notebook.cells)  # the mirrored figure's code-cell number, the cell count


def _run_plugins(tmp_path, path, *options):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYTHONPATH=os.pathsep.join(str(p) for p in (ROOT, ROOT / "tests", ROOT / "notebooks")))
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "-p", "nbval_approx", "-p", "nbval_figures", "--nbval",
         "--nbval-current-env", "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), "-rA", *options],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_across_versions_the_plugin_lets_a_mirrored_and_a_cropped_figure_pass(tmp_path):
    """With --nbval-figures-across-versions (make test-colab), the mirrored figure (same colours) and
    the one cropped by 4 pixels (0.9 % of its height) pass; the wrong tolerances still fail."""
    path, first, count = _altered_copy_of_notebook_02(tmp_path)
    out = _run_plugins(tmp_path, path, "--nbval-figures-across-versions").stdout
    failed = sorted(int(n) for n in re.findall(r"FAILED 01_altered.ipynb::Cell (\d+)", out))
    assert failed == [count - 2, count - 1], out
    assert "Figures differ" not in out
    assert re.search(r"across package versions: sizes at most 0\.9% apart, at most [\d.]+% of pixels in other "
                     r"colours \(4 images\)", out), out


def test_the_plugin_fails_a_real_notebook_cell_whose_figure_changed(tmp_path):
    path, first, count = _altered_copy_of_notebook_02(tmp_path)
    result = _run_plugins(tmp_path, path)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    # the mirrored and the cropped PNG fail; everything else passes, the number-rule cell included
    failed = sorted(int(n) for n in re.findall(r"FAILED 01_altered.ipynb::Cell (\d+)", out))
    passed = sorted(int(n) for n in re.findall(r"PASSED 01_altered.ipynb::Cell (\d+)", out))
    assert failed == [first, first + 1, count - 2, count - 1], out
    assert passed == [n for n in range(count) if n not in failed], out
    assert re.search(rf"Figures differ in 01_altered.ipynb, cell {first}:\n\s+1st image: RMS [\d.]+ exceeds the "
                     rf"tolerance {DEFAULT_RMS:g} \(the default\)", out), out
    assert f"Figures differ in 01_altered.ipynb, cell {first + 1}:" in out
    assert "1st image: different size: the new image is 556 x 469 pixels, the stored one 556 x 465 pixels" in out
    assert f"Cell {count - 2}: cell metadata 'compare' -> 'figure' must be" in out
    assert f"Cell {count - 1}: a figure tolerance on a cell whose output is not compared" in out
    assert re.search(r"nbval_figures: 4 stored figure images compared in [\d.]+ s", out), out
    assert "nbval_figures: stored, new and diff images of the figures that differ are in artifacts/figures/" in out
    written = sorted(p.name for p in (tmp_path / "artifacts" / "figures" / "01_altered").iterdir())
    assert written == [f"cell{first:02d}-1st-diff.png", f"cell{first:02d}-1st-new.png",
                       f"cell{first:02d}-1st-stored.png", f"cell{first + 1:02d}-1st-new.png",
                       f"cell{first + 1:02d}-1st-stored.png"]


def test_the_default_tolerance_is_the_one_measured_and_documented():
    documented = re.search(r"\*\*Default: RMS ([\d.]+)\*\*", (ROOT / "docs" / "measured-figures.md").read_text())
    assert documented and float(documented.group(1)) == DEFAULT_RMS, (
        "tools/figure_compare.py's DEFAULT_RMS and docs/measured-figures.md disagree: measure again "
        "(python -m tools.measure_figures) before changing either")


# ---------------------------------------------------------------------------
# Figures drawn by other package versions (make test-colab): number, size and colours only
# ---------------------------------------------------------------------------

# What the across-versions comparison sees of each mutation above: a changed colour map (a share
# of the pixels changes colour), not a transposed matrix, a title or a missing thin curve, which
# keep the colours; make test, at the stored versions, catches those (docs/measured-figures.md).
ACROSS_VERSIONS_CATCHES = {
    "06 confusion matrix in Greens, not Blues", "06 confusion matrix in Blues_r, not Blues",
    "02 digits in gray, not gray_r", "07 learned filters in bwr_r (red and blue swapped)",
    "07 feature maps in another map (red and blue swapped)",
}


@pytest.mark.filterwarnings("ignore:No artists with labels found to put in legend")
@pytest.mark.parametrize("name", MUTATIONS)
def test_across_versions_a_changed_colour_map_fails_and_the_rest_is_left_to_make_test(name, monkeypatch,
                                                                                       digits_25):
    notebook, number, drawing = MUTATIONS[name]
    cell = stored_cell(notebook, number)
    problems, _ = compare_cell_across_versions(cell.outputs, [_output(drawing(monkeypatch, digits_25))])
    assert bool(problems) == (name in ACROSS_VERSIONS_CATCHES), (name, problems)


@pytest.mark.parametrize("name", SAME)
def test_across_versions_the_same_figure_passes(name, monkeypatch, digits_25):
    notebook, number, drawing = SAME[name]
    cell = stored_cell(notebook, number)
    assert compare_cell_across_versions(cell.outputs, [_output(drawing(monkeypatch, digits_25))]) == ([], [])


def test_across_versions_a_few_pixels_of_size_pass_and_more_fail():
    wider = np.full((40, 61, 3), 255)
    wider[10:30, 20:40] = 0
    assert compare_cell_across_versions([_output(_png(BLOCK))], [_output(_png(wider))]) == ([], [])
    much_wider = np.full((40, 66, 3), 255)
    problems, mismatches = compare_cell_across_versions([_output(_png(BLOCK))], [_output(_png(much_wider))])
    assert problems == ["1st image: 66 x 40 pixels, the stored one 60 x 40: more than 2% apart"]
    assert len(mismatches) == 1


def test_across_versions_height_counts_and_every_image_is_compared():
    taller = np.full((44, 60, 3), 255)
    problems, _ = compare_cell_across_versions([_output(_png(BLOCK))], [_output(_png(taller))])
    assert problems == ["1st image: 60 x 44 pixels, the stored one 60 x 40: more than 2% apart"]
    red = BLOCK.copy()
    red[10:30, 20:40] = (255, 0, 0)
    problems, mismatches = compare_cell_across_versions([_output(_png(BLOCK))] * 2,
                                                        [_output(_png(BLOCK)), _output(_png(red))])
    assert len(problems) == 1 and problems[0].startswith("2nd image: 16.7% of its pixels")
    assert [mismatch.index for mismatch in mismatches] == [2]


def test_across_versions_the_number_of_images_and_their_colours_count():
    problems, _ = compare_cell_across_versions([_output(_png(BLOCK))] * 2, [_output(_png(BLOCK))])
    assert problems == ["the cell drew 1 images, the stored outputs hold 2"]
    red = BLOCK.copy()
    red[10:30, 20:40] = (255, 0, 0)
    assert colour_shift(_png(BLOCK), _png(red)) == pytest.approx(400 / 2400)
    problems, _ = compare_cell_across_versions([_output(_png(BLOCK))], [_output(_png(red))])
    assert problems == ["1st image: 16.7% of its pixels are in other colours than the stored one's "
                        "(allowed across package versions: 3%)"]
