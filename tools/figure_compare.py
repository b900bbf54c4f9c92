"""Compare a notebook cell's stored figures with freshly drawn ones: the pure functions.

nbval 0.11 leaves ``image/png`` out of its comparison, so a figure would only be checked as its
text, ``<Figure size 850x750 with 2 Axes>``. The pytest plugin ``tests/nbval_figures.py`` and the
measuring script ``tools/measure_figures.py`` both use what is here: decode the PNGs, measure how
far apart two renderings are, read a cell's tolerance and write the images a maintainer looks at.

The measure is matplotlib's own image-comparison RMS, the number ``compare_images`` reports and
its tolerance means: the root mean square of the per-channel differences of the two images, on the
0-255 scale (``matplotlib.testing.compare.calculate_rms``). A maintainer can repeat it on the
images the plugin writes with ``compare_images(stored, new, tol)``.

A cell whose figure legitimately moves a little between computers (training curves) may also
ask for a Gaussian blur of both images before the RMS is taken (``"blur": 6``, in pixels): a
line or tick label that moved by a pixel or two then counts for little, while a missing curve
or a changed title still counts, so its tolerance can stay well below what such changes measure.
"""

import base64
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.testing.compare import calculate_rms
from PIL import Image, ImageFilter

#: The tolerance of a figure cell without its own (docs/measured-figures.md says why).
DEFAULT_RMS = 2.0
#: Where a cell's own tolerance lives in its metadata:
#: {"compare": {"figure": {"rms": X, "why": "...", "blur": R (optional, pixels)}}}.
METADATA_KEY = "compare"
FIGURE_KEY = "figure"
PNG = "image/png"


class ToleranceError(ValueError):
    """A cell's figure tolerance in its metadata that cannot be read."""


class SizeMismatch(ValueError):
    """Two renderings of different size: no RMS can be taken."""


MAX_BLUR = 10.0


@dataclass(frozen=True)
class Tolerance:
    rms: float
    why: str = ""  # empty: the default
    blur: float = 0.0  # Gaussian blur radius in pixels applied to both images first; 0: none

    def describe(self):
        return f"{self.rms:g} ({'this cell: ' + self.why if self.why else 'the default'})"

    def measure(self):
        """What the RMS is taken of, for messages."""
        return f" after a {self.blur:g}-pixel blur" if self.blur else ""


def cell_tolerance(metadata, default=DEFAULT_RMS):
    """The figure Tolerance of a cell's metadata, or the default one.

    Raises ToleranceError for anything but ``{"rms": <number >= 0>, "why": "<non-empty text>"}``
    with, optionally, ``"blur": <number from 0 to 10>``.
    """
    compare = metadata.get(METADATA_KEY, {})
    if not isinstance(compare, dict):
        raise ToleranceError(f"cell metadata '{METADATA_KEY}' must be a mapping, not {compare!r}")
    if FIGURE_KEY not in compare:
        return Tolerance(default)
    entry = compare[FIGURE_KEY]
    where = f"cell metadata '{METADATA_KEY}' -> '{FIGURE_KEY}'"
    if not isinstance(entry, dict) or not {"rms", "why"} <= set(entry) <= {"rms", "why", "blur"}:
        raise ToleranceError(f'{where} must be {{"rms": NUMBER, "why": "TEXT"}} (and optionally "blur": '
                             f'PIXELS), not {entry!r}')
    rms, why, blur = entry["rms"], entry["why"], entry.get("blur", 0)
    if not _is_number(rms) or rms < 0:
        raise ToleranceError(f"{where}: 'rms' must be a finite number >= 0, not {rms!r}")
    if not _is_number(blur) or not 0 <= blur <= MAX_BLUR:
        raise ToleranceError(f"{where}: 'blur' must be a number of pixels from 0 to {MAX_BLUR:g}, not {blur!r}")
    if not isinstance(why, str) or not why.strip():
        raise ToleranceError(f"{where}: 'why' must say why this figure needs its own tolerance")
    return Tolerance(float(rms), why.strip(), float(blur))


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def png_images(outputs):
    """The PNGs of a list of notebook outputs, in order, as bytes."""
    images = []
    for output in outputs:
        value = output.get("data", {}).get(PNG)
        if value is not None:
            images.append(to_bytes(value))
    return images


def to_bytes(value):
    """A PNG as bytes, from the base64 text a notebook stores (possibly split into lines) or bytes."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, list):
        value = "".join(value)
    return base64.b64decode(value)


def decode(png):
    """A PNG as a Pillow image the way matplotlib's compare_images loads one: RGB if opaque, else RGBA."""
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
            image = image.convert("RGB")
        return image


def figure_rms(stored, new, blur=0.0):
    """The RMS (0-255) between two PNGs (bytes), as matplotlib's compare_images measures it;
    with `blur`, of both images blurred by a Gaussian of that radius (pixels) first.

    Raises SizeMismatch if they differ in size (or one has transparency and the other not).
    """
    if stored == new:
        return 0.0  # the usual case on the machine that recorded the notebook: no decoding needed
    a, b = decode(stored), decode(new)
    if a.size != b.size or a.mode != b.mode:
        raise SizeMismatch(f"the new image is {describe_size(b)}, the stored one {describe_size(a)}")
    if a.tobytes() == b.tobytes():
        return 0.0
    if blur:
        a, b = a.filter(ImageFilter.GaussianBlur(blur)), b.filter(ImageFilter.GaussianBlur(blur))
    # as signed integers: calculate_rms subtracts before it converts, and uint8 would wrap around
    return float(calculate_rms(np.asarray(a, dtype=np.int16), np.asarray(b, dtype=np.int16)))


def describe_size(image):
    return f"{image.size[0]} x {image.size[1]} pixels" + (" with transparency" if image.mode == "RGBA" else "")


def ordinal(number):
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True)
class Mismatch:
    """One image of a cell that does not match its stored twin."""

    index: int  # 1 for the cell's first image
    message: str  # what differs, without the file names
    stored: bytes
    new: bytes


def compare_cell(stored_outputs, new_outputs, tolerance):
    """Compare the PNGs of a cell's stored and new outputs, in order.

    Returns (a list of problems as text, a list of Mismatch for images that could be saved).
    """
    stored_images, new_images = png_images(stored_outputs), png_images(new_outputs)
    problems, mismatches = [], []
    if len(stored_images) != len(new_images):
        problems.append(f"the cell drew {len(new_images)} images, the stored outputs hold {len(stored_images)}")
    for index, (stored, new) in enumerate(zip(stored_images, new_images), start=1):
        which = f"{ordinal(index)} image"
        try:
            rms = figure_rms(stored, new, tolerance.blur)
        except SizeMismatch as error:
            message = f"{which}: different size: {error}"
        else:
            if rms <= tolerance.rms:
                continue
            message = f"{which}: RMS {rms:.3g}{tolerance.measure()} exceeds the tolerance {tolerance.describe()}"
        problems.append(message)
        mismatches.append(Mismatch(index, message, stored, new))
    return problems, mismatches


#: Figures drawn by other package versions (make test-colab: Colab's Matplotlib 3.10 against the
#: stored 3.11 ones) are laid out a few pixels differently: titles, labels and subplots move, so no
#: pixel-by-pixel measure holds (RMS 2-24 even after a 4-pixel blur). What must hold instead: the same
#: number of images, each within SIZE_SLACK of the stored size in width and height, and at most
#: COLOUR_SLACK of its pixels in other colours (the share of pixels that would have to change colour
#: bin, 4 bins per channel). Measured over the 23 figures of 01-11 (docs/measured-figures.md,
#: "Other package versions"): sizes within 8 pixels (0.7 %), colours within 1.0 %.
SIZE_SLACK = 0.02
COLOUR_SLACK = 0.03


def colour_shift(stored, new):
    """The share of pixels (0-1) that differ in colour between two PNGs, whatever their layout:
    half the L1 distance between their histograms of 64 colour bins (4 levels per channel)."""
    def histogram(png):
        levels = np.asarray(decode(png).convert("RGB")) // 64
        bins = np.bincount((levels[..., 0] * 16 + levels[..., 1] * 4 + levels[..., 2]).ravel(), minlength=64)
        return bins / bins.sum()

    return float(np.abs(histogram(stored) - histogram(new)).sum() / 2)


def compare_cell_across_versions(stored_outputs, new_outputs, measured=None):
    """compare_cell for figures drawn by other package versions (see SIZE_SLACK and COLOUR_SLACK).

    ``measured``, a list, receives (size difference as a share of the stored size, colour shift)
    for every pair of images, so that a run can report the largest of each.
    """
    stored_images, new_images = png_images(stored_outputs), png_images(new_outputs)
    problems, mismatches = [], []
    if len(stored_images) != len(new_images):
        problems.append(f"the cell drew {len(new_images)} images, the stored outputs hold {len(stored_images)}")
    for index, (stored, new) in enumerate(zip(stored_images, new_images), start=1):
        a, b = decode(stored).size, decode(new).size
        if measured is not None:
            measured.append((max(abs(x - y) / x for x, y in zip(a, b)), colour_shift(stored, new)))
        if any(abs(x - y) > SIZE_SLACK * x for x, y in zip(a, b)):
            message = (f"{ordinal(index)} image: {b[0]} x {b[1]} pixels, the stored one {a[0]} x {a[1]}: more "
                       f"than {SIZE_SLACK:.0%} apart")
        else:
            shift = colour_shift(stored, new)
            if shift <= COLOUR_SLACK:
                continue
            message = (f"{ordinal(index)} image: {shift:.1%} of its pixels are in other colours than the stored "
                       f"one's (allowed across package versions: {COLOUR_SLACK:.0%})")
        problems.append(message)
        mismatches.append(Mismatch(index, message, stored, new))
    return problems, mismatches


def write_images(folder, stem, stored, new):
    """Write stem-stored.png, stem-new.png and (same size only) stem-diff.png into folder.

    The diff image is matplotlib's (``save_diff_image``): the absolute difference, 10 x brighter.
    Returns the paths written.
    """
    from matplotlib.testing.compare import save_diff_image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-stored.png", folder / f"{stem}-new.png"]
    paths[0].write_bytes(stored)
    paths[1].write_bytes(new)
    a, b = decode(stored), decode(new)
    if a.size == b.size and a.mode == b.mode:
        diff = folder / f"{stem}-diff.png"
        save_diff_image(str(paths[0]), str(paths[1]), str(diff))
        paths.append(diff)
    return paths


def render_png(figure):
    """A matplotlib figure as the notebooks' inline backend stores it: PNG at the figure's dpi,
    cropped to its content (``bbox_inches="tight"``), on the figure's face colour."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight",
                   facecolor=figure.get_facecolor(), edgecolor=figure.get_edgecolor())
    return buffer.getvalue()
