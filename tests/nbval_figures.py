"""nbval with figures: the pytest plugin that compares each cell's stored PNGs with fresh ones.

nbval 0.11 leaves ``image/png`` out of its comparison (unless run with ``--nbdime``), so a cell
whose only output is a figure would be checked only as ``<Figure size 850x750 with 2 Axes>``:
a transposed confusion matrix or a missing curve would pass. This plugin wraps every compared
nbval cell's ``compare_outputs`` (after any other wrapper, such as the number rules' one:
nbval still compares the text, this adds the figures) and fails the cell if

* it draws another number of images than it stores, or an image of another size, or
* an image's RMS from its stored twin exceeds the cell's tolerance. The measure is matplotlib's
  image-comparison RMS (0-255), the number ``matplotlib.testing.compare.compare_images`` reports
  (tools/figure_compare.py, which tools/measure_figures.py uses too).

The tolerance is ``DEFAULT_RMS`` unless the cell's metadata gives its own, with the reason:

    "metadata": {"compare": {"figure": {"rms": 6, "why": "training curves: ..."}}}

Every value comes from the spread measured in docs/measured-figures.md. A tolerance that cannot
be read, or one on a cell that stores no figure or whose output is not compared, fails the cell.

On a failure the message names the notebook, the cell, which image (1st, 2nd, ...), the RMS and
the tolerance, and the stored, new and difference images are written to ``artifacts/figures/``
(``--nbval-figures-dir``) for a maintainer to look at; the terminal summary repeats where.
"""

import shutil
import time
from pathlib import Path

import pytest

from tools.figure_compare import (
    PNG,
    ToleranceError,
    cell_tolerance,
    compare_cell,
    compare_cell_across_versions,
    ordinal,
    png_images,
    write_images,
)


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-figures-dir", default=None,
        help="where the stored, new and diff images of figures that differ go (default: artifacts/figures)")
    parser.getgroup("nbval").addoption(
        "--nbval-figures-across-versions", action="store_true", default=False,
        help="the figures come from other package versions (make test-colab): compare their number, size and "
             "colours, not their pixels (tools/figure_compare.compare_cell_across_versions)")


class FigureComparison:
    """The plugin's state for one pytest session."""

    def __init__(self, config):
        option = config.getoption("nbval_figures_dir")
        self.folder = Path(option) if option else config.rootpath / "artifacts" / "figures"
        self.rootpath = config.rootpath
        self.across_versions = config.getoption("nbval_figures_across_versions")
        self.measured = []  # across versions: (size difference, colour shift) of every image pair
        self.cleared = set()
        self.images = 0
        self.seconds = 0.0
        self.written = []

    def notebook_folder(self, item):
        """The notebook's folder under self.folder; the first time, emptied of an earlier session's images."""
        folder = self.folder / Path(str(item.parent.fspath)).stem
        if folder not in self.cleared:
            self.cleared.add(folder)
            shutil.rmtree(folder, ignore_errors=True)
        return folder

    def install(self, item, tolerance):
        original = item.compare_outputs

        def compare_outputs(test, ref, skip_compare=None):
            matches = original(test, ref, skip_compare)
            start = time.perf_counter()
            folder = self.notebook_folder(item)
            if self.across_versions:
                problems, mismatches = compare_cell_across_versions(ref, test, self.measured)
            else:
                problems, mismatches = compare_cell(ref, test, tolerance)
            self.images += sum(PNG in output.get("data", {}) for output in ref)
            if problems:
                lines = self.report(item, folder, problems, mismatches)
                traceback = getattr(item, "comparison_traceback", None)
                if traceback is None:
                    item.comparison_traceback = traceback = []
                traceback.extend(lines)
            self.seconds += time.perf_counter() - start
            return matches and not problems

        item.compare_outputs = compare_outputs

    def report(self, item, folder, problems, mismatches):
        notebook = self.relative(Path(str(item.parent.fspath)))
        lines = [f"Figures differ in {notebook}, cell {item.cell_num}:"]
        lines += [f"  {problem}" for problem in problems]
        for mismatch in mismatches:
            stem = f"cell{item.cell_num:02d}-{ordinal(mismatch.index)}"
            paths = write_images(folder, stem, mismatch.stored, mismatch.new)
            self.written += paths
            names = ", ".join(self.relative(path) for path in paths)
            lines.append(f"  {ordinal(mismatch.index)} image, stored / new / diff: {names}")
        return lines

    def relative(self, path):
        try:
            return str(Path(path).resolve().relative_to(self.rootpath.resolve()))
        except ValueError:
            return str(path)

    @pytest.hookimpl(trylast=True)  # wrap outside every other wrapper of compare_outputs
    def pytest_collection_modifyitems(self, items):
        for item in items:
            cell = getattr(item, "cell", None)
            if cell is None or not hasattr(item, "compare_outputs"):
                continue  # not an nbval cell
            try:
                tolerance = cell_tolerance(cell.metadata)
            except ToleranceError as error:
                _fail_with(item, str(error))
                continue
            has_own = bool(tolerance.why)
            if has_own and not png_images(cell.outputs):
                _fail_with(item, "a figure tolerance in the metadata of a cell that stores no figure")
                continue
            if not item.options["check"]:
                if has_own:
                    _fail_with(item, "a figure tolerance on a cell whose output is not compared "
                                     "(tagged nbval-ignore-output?)")
                continue
            self.install(item, tolerance)

    def pytest_terminal_summary(self, terminalreporter):
        if not self.images:
            return
        terminalreporter.write_line(
            f"nbval_figures: {self.images} stored figure images compared in {self.seconds:.2f} s")
        if self.measured:
            terminalreporter.write_line(
                f"nbval_figures, across package versions: sizes at most {max(m[0] for m in self.measured):.1%} "
                f"apart, at most {max(m[1] for m in self.measured):.1%} of pixels in other colours "
                f"({len(self.measured)} images)")
        if self.written:
            terminalreporter.write_line(
                f"nbval_figures: stored, new and diff images of the figures that differ are in "
                f"{self.relative(self.folder)}/", red=True)


def _fail_with(item, message):
    original = item.runtest

    def runtest():
        item.options["check"] = False  # run the cell all the same, as nbval_approx does: later cells need it
        original()
        raise ToleranceError(f"{item.nodeid}: {message}")

    item.runtest = runtest


def pytest_configure(config):
    config.pluginmanager.register(FigureComparison(config), "nbval_figures_state")
