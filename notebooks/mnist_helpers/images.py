"""Reading a picture of a digit: any supported input -> a small, upright greyscale array.

Accepts a file path, the bytes of an image file, an open binary file, a Pillow image or a numpy
array. Photos are turned upright by their EXIF tag and shrunk early; HEIC photos are read with
pillow-heif when it is installed. An image larger than Pillow will open (more than about
179 megapixels) is refused from its header, before any pixel is decoded, with its size and what to
do. Pillow is imported only when an image arrives.
Tested by ``tests/test_prepare_digit.py``.
"""

import os
import warnings
from pathlib import Path

import numpy as np

EARLY_SIZE = 1024    # photos are shrunk to this (long side) as they are opened, before any per-pixel work
WORKING_SIZE = 256   # ... and then to this, before the preparation steps


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
        # Pillow reads the header first and refuses an image of more than 2 x Image.MAX_IMAGE_PIXELS
        # pixels (about 179 megapixels) before decoding any pixel. Below that, it only warns about
        # more than Image.MAX_IMAGE_PIXELS; such an image is read and shrunk at once, so the warning
        # (which speaks of a "decompression bomb DOS attack") is not passed on.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if max(opened.size) > EARLY_SIZE:  # decode JPEGs at 1/2, 1/4 or 1/8 size (others ignore this)
                    opened.draft(None, _size_for_long_side(opened.size, EARLY_SIZE))
                opened.load()
                return opened.copy()
    except Image.DecompressionBombError:
        raise ValueError(_too_large_message(name, path)) from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(
            f"{name}: not an image file Pillow can read ({error}). "
            "Save or export the picture as PNG or JPEG and try again."
        ) from error


def _too_large_message(name, path):
    """What to say about an image Pillow refused as too large: its size, the limit, what to do."""
    from PIL import Image

    limit = 2 * Image.MAX_IMAGE_PIXELS  # the size above which Image.open raises DecompressionBombError
    if hasattr(path, "seek"):
        path.seek(0)
    # Its width and height, from the header only: Image.open reads no pixels, and the limit is
    # lifted just for this one call (the image has been refused already).
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as opened:
            width, height = opened.size
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    return (
        f"{name}: the image is too large to open: {width:,} x {height:,} pixels "
        f"({_megapixels(width * height)} megapixels), more than the {_megapixels(limit)} megapixels Pillow "
        "will open. Resize or crop it and try again: one digit needs far fewer, about 1000 x 1000 pixels "
        "is plenty."
    )


def _megapixels(pixels):
    return f"{pixels / 1e6:,.0f}" if pixels >= 1e7 else f"{pixels / 1e6:.2g}"


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
