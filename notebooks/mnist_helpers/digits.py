"""Your own digits: turn a picture of one handwritten digit into MNIST's 28x28 format, and ask
a model what it is. The steps follow how MNIST itself was made (see ``prepare_digit``).

Tested by ``tests/test_prepare_digit.py``.
"""

import numpy as np

from .images import _resize_long_side, to_grey

BOX = 20             # MNIST scales each digit to fit a 20x20 box ...
FRAME = 28           # ... and centres it by centre of mass in a 28x28 frame
MNIST_STROKE = 2.0   # typical stroke width of an MNIST digit, in pixels of the 20x20 box


def prepare_digit(image):
    """Turn an image of one handwritten digit into MNIST's format.

    Accepts a file path (PNG, JPEG, HEIC, anything Pillow opens), the bytes of such a file or
    an open binary file (for example from an upload widget), a Pillow image, or a numpy array of
    shape (h, w), (h, w, 3) or (h, w, 4) with uint8 values 0-255 or float values in [0, 1].
    Returns a uint8 array of shape (28, 28), as MNIST stores digits: 0 is background, 255 the
    strongest ink. The course's networks take exactly this (they scale it themselves).

    The steps follow how MNIST itself was made:

    1. turn a photo upright by its EXIF orientation tag, shrink it (at most 1,024 pixels as it
       is opened, then 256), and make it greyscale (a transparent background counts as
       background);
    2. detect the polarity from the background's brightness (the border's, or the whole
       picture's median when a table edge or a shadow covers much of the border) and turn the
       values into ink: 0 for the background, 1 for the strongest ink;
    3. separate ink from background with Otsu's threshold, which adapts to each image; drop ink
       regions that the picture's edge cuts off (a table, a shadow) when the digit is elsewhere,
       and specks much smaller than the digit's main strokes;
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

    The prepared image, uint8 0-255 as MNIST stores digits, goes to the model as it is (the
    course's networks scale it themselves), reshaped to the model's input shape: (28, 28), or
    (784,) or (28, 28, 1) for a model that wants it flat or with a channel axis.
    ``probabilities`` is a numpy array of ten values.
    """
    probabilities = model_probabilities(model, prepare_digit(image))
    return int(np.argmax(probabilities)), probabilities


def model_probabilities(model, prepared):
    """The ten probabilities ``model`` gives one prepared 28x28 image (a batch of one).

    ``prepared`` holds pixel values 0-255, as ``prepare_digit`` returns them and MNIST stores
    them; it goes to the model as it is, reshaped to the model's input shape, (28, 28) or flat
    (784,) or (28, 28, 1). An image already scaled to 0-1 is refused: the course's networks
    scale inside, and would scale it a second time.
    """
    image = np.asarray(prepared)
    if image.dtype.kind == "f" and 0 < image.max() <= 1:
        raise ValueError(
            "this image's values lie between 0 and 1, but the course's networks take pixel values "
            "0-255, as MNIST stores them, and scale them themselves; pass the image as prepare_digit "
            "returns it (or multiply by 255)"
        )
    batch = image.reshape((1,) + tuple(model.input_shape[1:]))
    return np.asarray(model.predict(batch, verbose=0))[0]


def normalise_polarity(grey):
    """Turn brightness (1 = white) into ink (1 = ink, 0 = background), stretched to [0, 1].

    Dark ink on light paper is inverted; light chalk on a dark board is not.

    The background's brightness is the median of the picture's border: the paper, when a sheet
    fills the picture, also where the digit touches the edge (a tight crop, as scanned digits
    often are). In many photos, though, a table edge or a shadow covers much of the border, and
    its median is the table's or the shadow's brightness, with the ink darker and the paper
    brighter. When the border is not plain and the picture holds both, parts clearly darker
    and parts clearly brighter than the border's median, the background is the median of the
    whole picture instead: a digit covers well under half of a photo.
    """
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = np.median(border)
    plain = np.mean(np.abs(border - background) < 0.1) >= 0.9
    if not plain and _between_two_things(grey, background):
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


def _between_two_things(grey, level):
    """Whether ``level`` lies between two things, so that it cannot be the background: more
    than 0.1 % of the picture is clearly (by 0.1) darker than it, and more than 0.1 % clearly
    brighter.

    Paper is the brightest thing around dark ink (and a board the darkest around chalk), so the
    paper's level has ink on one side only, however much of the border the ink touches. A
    table's or a shadow's level has the ink on one side and the paper on the other. With the
    0.1 %, a few noisy pixels cannot decide.
    """
    darker = np.mean(grey < level - 0.1)
    brighter = np.mean(grey > level + 0.1)
    return min(darker, brighter) > 0.001


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
    the picture's edge cuts off are dropped when any other region is left: in a photo they are
    a table, a shadow or the edge of the sheet, which go on beyond the picture, not the digit.
    A digit that only touches the edge (a tight crop, as scanned digits often are) is kept.
    Specks much smaller than the digit's main strokes are dropped too.
    """
    threshold = _otsu_threshold(ink.ravel())
    labels, sizes = _label_regions(ink > threshold)
    inside = sizes.copy()
    for label in np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])):
        if label and _cut_off_by_the_edge(labels == label):
            inside[label] = 0
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


def _cut_off_by_the_edge(region):
    """Whether the picture's edge cuts ``region`` (a boolean mask) off along a long stretch.

    Something that goes on beyond the picture (a table, a shadow, a sheet's edge) meets the
    edge along whole sides of its bounding box: for a band along one side or a patch in a
    corner, about half of the box's perimeter lies on the picture's edge (0.49-0.6 for the desks
    and shadows of data/my_digits/ and tests/test_prepare_digit.py). A digit's strokes meet the
    edge at a few points, or along one stroke such as the bar of a tightly cropped 7: about a
    quarter of the perimeter or less (at most 0.36 for the 1,797 scanned digits of
    data/real_digits/). The line is drawn at 0.4.
    """
    on_edge = region[0].sum() + region[-1].sum() + region[1:-1, 0].sum() + region[1:-1, -1].sum()
    rows = np.flatnonzero(region.any(axis=1))
    cols = np.flatnonzero(region.any(axis=0))
    perimeter = 2 * ((rows[-1] - rows[0] + 1) + (cols[-1] - cols[0] + 1))
    return on_edge >= 0.4 * perimeter


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
    return np.round(frame / frame.max() * 255).astype(np.uint8)
