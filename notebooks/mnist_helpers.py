"""Plumbing shared by the MNIST tutorial notebooks.

The lessons themselves live in the notebooks; this module holds only what
would otherwise be copied from notebook to notebook, so that each notebook can
show the code that matters:

* ``load_mnist()``: the bundled MNIST data, checked for integrity, returned
  exactly as ``keras.datasets.mnist.load_data()`` returns it.
* Plotting helpers: a grid of digits, training curves, a confusion matrix and a
  probability bar chart, all titled and labelled.
* ``prepare_digit()``, ``predict_digit()`` and ``model_probabilities()``: turn any image of one
  handwritten digit into MNIST's 28x28 format and ask a model what it is.
* ``quiet_stderr()``: hide the one-line notice TensorFlow prints when its
  faster oneDNN kernels are switched on (notebook 07).

The module imports numpy and matplotlib only; Pillow is imported when an image
is prepared, pillow-heif only when a HEIC photo arrives, and Keras only as a
fallback when the bundled data file is missing. It is tested by ``tests/test_mnist_helpers.py``
and ``tests/test_prepare_digit.py``.
"""

import contextlib
import hashlib
import os
import sys
import warnings
import zipfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = REPO_ROOT / "data" / "mnist.npz"

# What the bundled file holds: key -> (shape, SHA-256 of the array's bytes).
# The values come from tools/idx_to_npz.py run on the canonical IDX files.
EXPECTED = {
    "x_train": ((60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ((60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ((10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ((10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}

RESTORE_HINT = (
    "Restore it with `git checkout -- data/mnist.npz` (or clone the repository again), "
    "or rebuild it from the raw IDX files with `python tools/idx_to_npz.py` (see data/README.md)."
)


class MnistDataError(ValueError):
    """The MNIST data file exists but does not hold the expected data."""


@contextlib.contextmanager
def quiet_stderr():
    """Silence everything written to the process's standard error inside the block.

    TensorFlow's C++ start-up notices bypass Python and its log-level settings
    and go straight to file descriptor 2, which Jupyter shows in red. Use this
    only around ``import tensorflow`` / ``import keras``: errors raised inside
    the block still propagate as usual.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


# ---------------------------------------------------------------------------
# Loading the data
# ---------------------------------------------------------------------------

def load_mnist(path=None, verify=True):
    """Load MNIST as ``(train_images, train_labels), (test_images, test_labels)``.

    The result is identical to ``keras.datasets.mnist.load_data()``: uint8
    images of shape (n, 28, 28) with values 0-255 and uint8 labels 0-9. It is
    read from the bundled ``data/mnist.npz``, so nothing is downloaded.

    Parameters
    ----------
    path : str or Path, optional
        The npz file to read; by default the bundled ``data/mnist.npz``.
    verify : bool
        When True (the default), also check that each array has MNIST's exact
        shape and SHA-256 checksum. Structure (keys, dtypes, 28x28 images,
        labels 0-9, matching lengths) is always checked.

    Raises
    ------
    FileNotFoundError
        The file does not exist (with instructions to restore it).
    MnistDataError
        The file is corrupt, truncated, or holds the wrong keys, dtypes,
        shapes, values or checksums. The message names the file.
    """
    default = path is None
    path = Path(DATA_FILE if default else path)
    if not path.exists():
        if default:
            return _download_fallback(path)
        raise FileNotFoundError(f"{path}: no such file. {RESTORE_HINT}")

    arrays = _read_npz(path)
    _check_structure(path, arrays)
    if verify:
        _check_checksums(path, arrays)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download_fallback(path):
    """Used only when the bundled file is absent: try Keras's own download."""
    warnings.warn(
        f"{path} is missing, so MNIST is being downloaded with keras.datasets.mnist.load_data(). "
        + RESTORE_HINT,
        stacklevel=3,
    )
    try:
        import keras

        return keras.datasets.mnist.load_data()
    except Exception as error:  # no network, no keras, ...: say what to do
        raise FileNotFoundError(
            f"{path} is missing and downloading MNIST failed ({error}). {RESTORE_HINT}"
        ) from error


def _read_npz(path):
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = sorted(npz.files)
            if keys != sorted(EXPECTED):
                raise MnistDataError(
                    f"{path}: holds the keys {keys}, but an MNIST file must hold exactly "
                    f"{sorted(EXPECTED)}. {RESTORE_HINT}"
                )
            return {key: npz[key] for key in EXPECTED}
    except MnistDataError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise MnistDataError(
            f"{path}: cannot be read as an npz file; it is corrupt or truncated ({error}). {RESTORE_HINT}"
        ) from error


def _check_structure(path, arrays):
    for key, array in arrays.items():
        if array.dtype != np.uint8:
            raise MnistDataError(f"{path}: {key} has dtype {array.dtype}, expected uint8. {RESTORE_HINT}")
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise MnistDataError(
                f"{path}: x_{split} has shape {images.shape}, expected (n, 28, 28). {RESTORE_HINT}"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise MnistDataError(
                f"{path}: y_{split} has shape {labels.shape}, expected ({len(images)},) "
                f"to match x_{split}. {RESTORE_HINT}"
            )
        if labels.size and labels.max() > 9:
            raise MnistDataError(f"{path}: y_{split} holds the label {labels.max()}; labels must be 0-9.")


def _check_checksums(path, arrays):
    for key, (shape, sha256) in EXPECTED.items():
        if arrays[key].shape != shape:
            raise MnistDataError(
                f"{path}: {key} has shape {arrays[key].shape}, but MNIST's is {shape}. {RESTORE_HINT}"
            )
        actual = hashlib.sha256(arrays[key].tobytes()).hexdigest()
        if actual != sha256:
            raise MnistDataError(
                f"{path}: {key} has SHA-256 {actual[:12]}..., expected {sha256[:12]}...; "
                f"the data was changed. {RESTORE_HINT}"
            )


# ---------------------------------------------------------------------------
# Plotting
# ---------------------------------------------------------------------------

def show_digits(images, labels=None, predictions=None, confidences=None, ncols=10, title=None,
                cell_size=1.3):
    """Show images in a grid, each titled with its label.

    With ``predictions`` each title reads "true 7 / pred 7" (plus the
    confidence, e.g. "87%", when ``confidences`` is given); wrong predictions
    are written in red. ``images`` may be (n, 28, 28) or flattened (n, 784).
    Returns the matplotlib figure.
    """
    images = np.asarray(images)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    row_height = cell_size + (0.35 if predictions is not None else 0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, row_height * nrows + 0.6),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= n:
            continue
        ax.imshow(images[index].reshape(28, 28), cmap="gray_r")
        if predictions is not None:
            correct = labels[index] == predictions[index]
            text = f"true {labels[index]}\npred {predictions[index]}"
            if confidences is not None:
                text += f" ({confidences[index]:.0%})"
            ax.set_title(text, color="black" if correct else "red", fontsize=12)
        elif labels is not None:
            ax.set_title(str(labels[index]), fontsize=12)
    if title:
        fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig


def plot_history(history, title="Training history"):
    """Plot loss and accuracy per epoch from ``model.fit(...).history``.

    Validation curves are drawn too when the history has them.
    """
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label=f"training {metric}")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s--", label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.set_title(f"{metric.capitalize()} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix, title="Confusion matrix", percent=False):
    """Draw a 10x10 confusion matrix (rows: true digit, columns: predicted).

    ``matrix`` holds counts of test images; with ``percent=True`` it holds percentages
    (for example each row divided by its total), printed with one decimal, and cells that
    are exactly 0 are left blank so the mistakes stand out.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (10, 10):
        raise ValueError(f"expected a 10x10 matrix (true digit x predicted digit), got shape {matrix.shape}")
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    image = ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2
    for i in range(10):
        for j in range(10):
            value = matrix[i, j]
            if percent:
                text = "" if value == 0 else f"{value:.1f}"
            else:
                text = str(value)
            ax.text(j, i, text, ha="center", va="center", fontsize=11,
                    color="white" if value > threshold else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.tick_params(labelsize=12)
    ax.set_xlabel("predicted digit", fontsize=13)
    ax.set_ylabel("true digit", fontsize=13)
    ax.set_title(title, fontsize=14)
    label = "% of the true digit's test images" if percent else "number of test images"
    fig.colorbar(image, ax=ax, label=label)
    fig.tight_layout()
    return fig


def plot_probabilities(ax, probabilities, title="Predicted probabilities"):
    """Draw ten class probabilities as a bar chart on ``ax``; the top class in orange."""
    probabilities = np.asarray(probabilities)
    colors = ["tab:blue"] * 10
    colors[int(np.argmax(probabilities))] = "tab:orange"
    ax.bar(range(10), probabilities, color=colors)
    ax.set_xticks(range(10))
    ax.set_ylim(0, 1)
    ax.set_xlabel("digit")
    ax.set_ylabel("probability")
    ax.set_title(title)


# ---------------------------------------------------------------------------
# Your own digits: any image -> MNIST's 28x28 format
# ---------------------------------------------------------------------------

EARLY_SIZE = 1024    # photos are shrunk to this (long side) as they are opened, before any per-pixel work
WORKING_SIZE = 256   # ... and then to this, before the preparation steps
BOX = 20             # MNIST scales each digit to fit a 20x20 box ...
FRAME = 28           # ... and centres it by centre of mass in a 28x28 frame
MNIST_STROKE = 2.0   # typical stroke width of an MNIST digit, in pixels of the 20x20 box


def prepare_digit(image):
    """Turn an image of one handwritten digit into MNIST's format.

    Accepts a file path (PNG, JPEG, HEIC, anything Pillow opens), the bytes of such a file or
    an open binary file (for example from an upload widget), a Pillow image, or a numpy array of
    shape (h, w), (h, w, 3) or (h, w, 4) with uint8 values 0-255 or float values in [0, 1].
    Returns a float32 array of shape (28, 28) with values in [0, 1], as MNIST stores digits:
    0 is background, 1 is ink.

    The steps follow how MNIST itself was made:

    1. turn a photo upright by its EXIF orientation tag, shrink it (at most 1,024 pixels as it
       is opened, then 256), and make it greyscale (a transparent background counts as
       background);
    2. detect the polarity from the background's brightness (the border's, or the whole
       picture's median when a table edge or a shadow shows at the border) and turn the values
       into ink: 0 for the background, 1 for the strongest ink;
    3. separate ink from background with Otsu's threshold, which adapts to each image; drop ink
       regions that touch the picture's edge (a table, a shadow) when the digit is elsewhere, and
       specks much smaller than the digit's main strokes;
    4. crop to the digit and thicken strokes that would be thinner than MNIST's once scaled;
    5. scale so the digit fits a 20x20 box, keeping its aspect ratio;
    6. place it in a 28x28 frame with its centre of mass at the centre.

    Raises ``FileNotFoundError`` for a path that does not exist, ``IsADirectoryError`` for a
    folder, ``TypeError`` for an unsupported input type, and ``ValueError`` for a file that is
    empty or not an image (or a HEIC photo without pillow-heif), an empty image, NaN values,
    wrong dimensions, a blank image (no ink) or one that is mostly ink. Each message says what
    to do.
    """
    grey = to_grey(image)
    ink = normalise_polarity(grey)
    ink = remove_background(ink)
    digit = crop_and_thicken(ink)
    return fit_in_frame(digit)


def predict_digit(model, image):
    """Prepare ``image`` and return ``(digit, probabilities)`` from ``model``.

    Works with any Keras model whose input is one MNIST image, flattened
    (784,) or not (28, 28) or (28, 28, 1): the prepared image is reshaped to
    the model's input shape. ``probabilities`` is a numpy array of ten values.
    """
    probabilities = model_probabilities(model, prepare_digit(image))
    return int(np.argmax(probabilities)), probabilities


def model_probabilities(model, prepared):
    """The ten probabilities ``model`` gives one prepared 28x28 image (a batch of one).

    The image is reshaped to the model's input shape, flat (784,) or (28, 28) or (28, 28, 1).
    """
    batch = np.asarray(prepared, dtype=np.float32).reshape((1,) + tuple(model.input_shape[1:]))
    return np.asarray(model.predict(batch, verbose=0))[0]


def to_grey(image):
    """Any supported input -> float64 greyscale array in [0, 1] (1 = white), upright and small.

    A file (path, bytes or open file) is read with ``_open_image``; a Pillow image is turned
    upright by its EXIF orientation tag and shrunk to at most ``EARLY_SIZE`` pixels (long side)
    before it becomes an array; a large numpy array is shrunk the same way. The result has at
    most ``WORKING_SIZE`` pixels on its long side.
    """
    if isinstance(image, (str, os.PathLike, bytes, bytearray, memoryview)) or hasattr(image, "read"):
        image = _open_image(image)
    if _is_pil_image(image):
        image = _pil_to_array(_upright_and_small(image))
    if not isinstance(image, np.ndarray):
        raise TypeError(
            "prepare_digit() takes a file path, the bytes of an image file, an open file, a Pillow image "
            f"or a numpy array, not {type(image).__name__}"
        )
    array = image
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3, 4)):
        raise ValueError(
            f"image array has shape {array.shape}; expected (height, width) for greyscale "
            "or (height, width, 3 or 4) for RGB(A)"
        )
    if array.shape[0] < 8 or array.shape[1] < 8:
        raise ValueError(f"image is {array.shape[1]}x{array.shape[0]} pixels; it must be at least 8x8")
    if array.dtype == bool:
        top = 1.0
    elif np.issubdtype(array.dtype, np.integer):
        if array.min() < 0 or array.max() > 255:
            raise ValueError("integer image values must lie in 0-255")
        top = 255.0
    elif np.issubdtype(array.dtype, np.floating):
        if np.isnan(array).any():
            raise ValueError("image contains NaN values; replace them (for example with np.nan_to_num) first")
        if array.min() < 0 or array.max() > 1:
            raise ValueError(
                f"float image values must lie in [0, 1], found {array.min():g} to {array.max():g}; "
                "divide 0-255 values by 255 first"
            )
        top = 1.0
    else:
        raise TypeError(f"image array has dtype {array.dtype}; expected integers 0-255 or floats in [0, 1]")
    array = np.clip(_shrink_array(array, EARLY_SIZE) / top, 0.0, 1.0)

    if array.ndim == 3:
        if array.shape[2] == 4:
            alpha = array[..., 3]
            if alpha.min() < 1.0:  # a transparent background: the opaque part is the ink
                return _shrink(alpha)
            array = array[..., :3]
        if array.shape[2] == 3:
            array = array @ np.array([0.299, 0.587, 0.114])
        else:
            array = array[..., 0]
    return _shrink(array)


HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
HEIF_HELP = (
    "Install pillow-heif (`pip install pillow-heif`, it is in requirements.txt), or convert the photo "
    "to JPEG: on an iPhone choose Settings > Camera > Formats > Most Compatible, or share or export "
    "the photo as JPEG (on a Mac: open it in Preview, File > Export...)."
)


def _open_image(source):
    """Open an image file given as a path, its bytes or an open binary file; return a Pillow image.

    JPEG photos larger than ``EARLY_SIZE`` are decoded at a reduced size (Pillow's ``draft``),
    which is much faster than decoding all their pixels. HEIC/HEIF photos (iPhones) are read
    with pillow-heif, imported only when such a file arrives.
    """
    import io

    from PIL import Image, UnidentifiedImageError

    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise FileNotFoundError(
                f"{name}: no such image file. Check the name and the folder; a relative path starts "
                "from the current folder, which in a notebook is the notebook's own folder."
            )
        if path.is_dir():
            raise IsADirectoryError(f"{name}: is a folder, not an image file; give the path of one image file")
        with open(path, "rb") as file:
            header = file.read(16)
        suffix = path.suffix.lower()
    else:
        if hasattr(source, "read"):
            name = getattr(source, "name", None)
            name = name if isinstance(name, str) else "the file object"
            if hasattr(source, "seek"):
                source.seek(0)  # as Image.open does: read the whole file, wherever it was left
            data = source.read()
            if isinstance(data, str):
                raise TypeError(f"{name}: was opened as text; open an image file with open(path, 'rb')")
        else:
            data = bytes(source)
            name = "the image bytes"
        header, suffix = bytes(data[:16]), ""
        path = io.BytesIO(data)
    if not header:
        raise ValueError(
            f"{name}: is empty (0 bytes), so it holds no image; copy or upload the image file again"
        )

    if suffix in (".heic", ".heif") or (header[4:8] == b"ftyp" and header[8:12] in HEIF_BRANDS):
        try:
            import pillow_heif
        except ImportError:
            raise ValueError(
                f"{name}: is a HEIC/HEIF photo (the format of iPhones), and reading it needs the "
                f"pillow-heif package, which is not installed. {HEIF_HELP}"
            ) from None
        pillow_heif.register_heif_opener()

    try:
        with Image.open(path) as opened:
            if max(opened.size) > EARLY_SIZE:  # decode JPEGs at 1/2, 1/4 or 1/8 size (others ignore this)
                opened.draft(None, _size_for_long_side(opened.size, EARLY_SIZE))
            opened.load()
            return opened.copy()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(
            f"{name}: not an image file Pillow can read ({error}). "
            "Save or export the picture as PNG or JPEG and try again."
        ) from error


def _upright_and_small(image):
    """Turn a Pillow image upright by its EXIF orientation tag and shrink it to ``EARLY_SIZE``.

    Phones store a portrait photo sideways plus a tag that tells viewers to rotate it; a program
    that ignores the tag sees the digit lying on its side.
    """
    from PIL import Image, ImageOps

    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert(_pil_mode(image))
    if max(image.size) > EARLY_SIZE:
        image = image.resize(_size_for_long_side(image.size, EARLY_SIZE), Image.Resampling.LANCZOS,
                             reducing_gap=2.0)
    return ImageOps.exif_transpose(image)


def _is_pil_image(obj):
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(obj, Image.Image)


def _pil_mode(image):
    """The mode a Pillow image is converted to: L (grey), RGB, or RGBA when it is transparent."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return "RGBA"
    if image.mode in ("1", "L", "I", "I;16", "F"):
        return "L"
    return "RGB"


def _pil_to_array(image):
    return np.asarray(image if image.mode == _pil_mode(image) else image.convert(_pil_mode(image)))


def _shrink(grey):
    """Shrink large images so every later step works on at most 256 px."""
    from PIL import Image

    if max(grey.shape) <= WORKING_SIZE:
        return grey
    return _resize_long_side(grey, WORKING_SIZE, Image.Resampling.BOX)


def _shrink_array(array, long_side):
    """A numpy image (2-D, or 3-D with channels last) as float64, shrunk to ``long_side`` if larger."""
    from PIL import Image

    if max(array.shape[:2]) <= long_side:
        return array.astype(np.float64)
    if array.ndim == 2:
        return _resize_long_side(array, long_side, Image.Resampling.LANCZOS, reducing_gap=2.0)
    channels = [_resize_long_side(array[..., c], long_side, Image.Resampling.LANCZOS, reducing_gap=2.0)
                for c in range(array.shape[2])]
    return np.stack(channels, axis=-1)


def _size_for_long_side(size, long_side):
    """(width, height) scaled so the longer side is ``long_side`` pixels, keeping the aspect ratio."""
    width, height = size
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resize_long_side(array, long_side, resample, reducing_gap=None):
    """Resize a 2-D float array so its longer side is ``long_side`` pixels, keeping the aspect ratio.

    With ``reducing_gap`` a large reduction starts with a fast box average (see Pillow's
    ``Image.resize``).
    """
    from PIL import Image

    size = _size_for_long_side(array.shape[::-1], long_side)
    resized = Image.fromarray(array.astype(np.float32)).resize(size, resample, reducing_gap=reducing_gap)
    return np.asarray(resized, dtype=np.float64)


def normalise_polarity(grey):
    """Turn brightness (1 = white) into ink (1 = ink, 0 = background), stretched to [0, 1].

    Dark ink on light paper is inverted; light chalk on a dark board is not.

    The background's brightness is read from the picture's border when the border is plain (a
    sheet fills the picture). When it is not, because a table edge or a shadow shows there as in
    many photos, it is the median of the whole picture instead: a digit covers well under half.
    """
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = np.median(border)
    if np.mean(np.abs(border - background) < 0.1) < 0.9:  # not a plain border
        background = np.median(grey)
    # Ink is whatever stands out most from the background, darker or brighter. The extreme
    # 0.05 % of pixels are ignored, so a few noisy pixels cannot decide; a digit covers more.
    darker = background - np.percentile(grey, 0.05)
    brighter = np.percentile(grey, 99.95) - background
    if darker > brighter:  # dark ink on light paper: invert
        grey = 1.0 - grey
        background = 1.0 - background
    ink = np.percentile(grey, 99.95)
    if ink - background < 0.15:
        raise ValueError(
            "image looks blank: no ink stands out from the background "
            f"(contrast {ink - background:.2f} on a 0-1 scale); is the digit there and dark or bright enough?"
        )
    return np.clip((grey - background) / (ink - background), 0.0, 1.0)


def _otsu_threshold(values):
    """Otsu's method: the threshold that best splits values in [0, 1] into two groups."""
    counts, edges = np.histogram(values, bins=64, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    mass_low = np.cumsum(counts * centres)
    mean_low = mass_low / np.maximum(weight_low, 1)
    mean_high = (mass_low[-1] - mass_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    return edges[1:][int(np.argmax(between))]


def remove_background(ink):
    """Zero everything that is not part of the digit's strokes.

    Otsu's threshold splits the pixels into ink and background. Of the ink regions, those that
    touch the edge of the picture are dropped when any other region is left: in a photo they are
    a table, a shadow or the edge of the sheet, not the digit. Specks much smaller than the
    digit's main strokes are dropped too.
    """
    threshold = _otsu_threshold(ink.ravel())
    labels, sizes = _label_regions(ink > threshold)
    at_edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    inside = sizes.copy()
    inside[at_edge] = 0
    if inside.max() > 0:
        sizes = inside
    keep = sizes >= 0.1 * sizes.max()
    keep[0] = False
    mask = keep[labels]
    fraction = mask.mean()
    if fraction > 0.5:
        raise ValueError(
            f"ink covers {fraction:.0%} of the image; expected one digit on a plain background. "
            "Crop the image to a single digit with some empty margin."
        )
    mask = _grow(mask, 2)  # keep the soft, anti-aliased edges of the strokes
    return np.where(mask, ink, 0.0)


def _grow(mask, steps):
    """Widen a boolean mask by ``steps`` pixels in every direction."""
    for _ in range(steps):
        padded = np.pad(mask, 1)
        mask = (padded[1:-1, 1:-1] | padded[:-2, 1:-1] | padded[2:, 1:-1]
                | padded[1:-1, :-2] | padded[1:-1, 2:])
    return mask


def _label_regions(mask):
    """Number the connected regions of a boolean mask (8-neighbours): ``(labels, sizes)``.

    ``labels`` has the mask's shape, 0 outside the mask and 1, 2, ... for the regions;
    ``sizes[k]`` is the number of pixels of region k (``sizes[0]`` is 0).
    """
    labels = np.zeros(mask.shape, dtype=np.int32)
    sizes = [0]
    height, width = mask.shape
    for start in zip(*np.nonzero(mask)):
        if labels[start]:
            continue
        label = len(sizes)
        labels[start] = label
        stack, size = [start], 0
        while stack:
            y, x = stack.pop()
            size += 1
            for ny in (y - 1, y, y + 1):
                for nx in (x - 1, x, x + 1):
                    if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not labels[ny, nx]:
                        labels[ny, nx] = label
                        stack.append((ny, nx))
        sizes.append(size)
    return labels, np.array(sizes)


def crop_and_thicken(ink):
    """Crop to the digit; widen strokes that would be thinner than MNIST's after scaling."""
    from PIL import Image, ImageFilter

    rows = np.nonzero(ink.any(axis=1))[0]
    cols = np.nonzero(ink.any(axis=0))[0]
    digit = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]

    mask = digit > 0
    area = mask.sum()
    padded = np.pad(mask, 1)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    edge = (mask & ~interior).sum()
    stroke = 2.0 * area / max(edge, 1)               # width of a band: area / (perimeter / 2)
    scale = BOX / max(digit.shape)
    if stroke * scale < MNIST_STROKE * 0.75:
        grow = int(np.ceil((MNIST_STROKE / scale - stroke) / 2))
        digit = np.pad(digit, grow)
        image = Image.fromarray(digit.astype(np.float32))
        digit = np.asarray(image.filter(ImageFilter.MaxFilter(2 * grow + 1)), dtype=np.float64)
    return digit


def fit_in_frame(digit):
    """Scale to fit a 20x20 box (keeping the aspect ratio) and centre by mass in 28x28."""
    from PIL import Image

    small = np.clip(_resize_long_side(digit, BOX, Image.Resampling.LANCZOS), 0.0, None)
    height, width = small.shape

    frame = np.zeros((FRAME, FRAME))
    top, left = (FRAME - height) // 2, (FRAME - width) // 2
    frame[top:top + height, left:left + width] = small

    total = frame.sum()
    ys, xs = np.indices(frame.shape)
    centre = FRAME / 2  # MNIST's digits have their centre of mass at pixel (14, 14)
    shift_y = int(round(centre - (ys * frame).sum() / total))
    shift_x = int(round(centre - (xs * frame).sum() / total))
    # never push the digit out of the frame
    shift_y = int(np.clip(shift_y, -top, FRAME - (top + height)))
    shift_x = int(np.clip(shift_x, -left, FRAME - (left + width)))
    frame = np.roll(frame, (shift_y, shift_x), axis=(0, 1))
    return (frame / frame.max()).astype(np.float32)
