"""prepare_digit(): any image of one digit -> MNIST's 28x28 format; clear errors for bad input."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mnist_helpers import load_mnist, predict_digit, prepare_digit


def draw_digit(size=(200, 160), box=(30, 20, 70, 100), width=8, ink=0, paper=255, mode="L"):
    """A hand-drawn-looking '7' inside ``box`` on a canvas of ``size`` (width, height)."""
    image = Image.new(mode, size, paper)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = box
    draw.line([(left, top), (right, top), (left + (right - left) // 3, bottom)], fill=ink, width=width)
    return image


def centre_of_mass(image):
    ys, xs = np.indices(image.shape)
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def ink_box(image):
    rows = np.flatnonzero(image.max(axis=1) > 0.05)
    cols = np.flatnonzero(image.max(axis=0) > 0.05)
    return rows[0], rows[-1], cols[0], cols[-1]


# --- what comes out ------------------------------------------------------------

def test_output_format():
    prepared = prepare_digit(draw_digit())
    assert prepared.shape == (28, 28) and prepared.dtype == np.float32
    assert prepared.min() >= 0 and prepared.max() == pytest.approx(1.0)


def test_small_off_centre_digit_comes_out_centred_and_20_pixels_tall():
    # a small 7 (40 x 80 px) in the top-left corner of a large 400 x 300 canvas
    image = draw_digit(size=(400, 300), box=(10, 10, 50, 90), width=6)
    prepared = prepare_digit(image)
    cy, cx = centre_of_mass(prepared)
    assert abs(cy - 14) <= 0.75 and abs(cx - 14) <= 0.75, "centre of mass at MNIST's (14, 14)"
    top, bottom, left, right = ink_box(prepared)
    assert 19 <= bottom - top + 1 <= 21, "the taller side fills the 20-pixel box"
    assert right - left + 1 < bottom - top + 1, "the aspect ratio is kept"
    assert top >= 1 and left >= 1 and bottom <= 26 and right <= 26, "nothing is cut off at the frame"


def test_wide_digit_fits_the_box_by_its_width():
    image = Image.new("L", (300, 120), 255)
    ImageDraw.Draw(image).line([(20, 60), (280, 60)], fill=0, width=30)  # a long horizontal bar
    top, bottom, left, right = ink_box(prepare_digit(image))
    assert 19 <= right - left + 1 <= 21 and bottom - top + 1 < 8


@pytest.mark.parametrize(
    "make",
    [
        lambda: draw_digit(),                                                # black on white, greyscale
        lambda: draw_digit(ink=255, paper=0),                               # white on black
        lambda: draw_digit(ink=(20, 40, 160), paper=(250, 245, 230), mode="RGB"),  # blue pen, cream paper
        lambda: draw_digit(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA"),   # strokes on transparency
        lambda: draw_digit(ink=(30, 30, 30, 255), paper=(255, 255, 255, 255), mode="RGBA"),  # opaque RGBA
    ],
    ids=["grey-dark-on-light", "light-on-dark", "rgb-colours", "rgba-transparent", "rgba-opaque"],
)
def test_polarity_and_colour_are_normalised(make):
    reference = prepare_digit(draw_digit())
    prepared = prepare_digit(make())
    assert prepared[0].max() < 0.05 and prepared[:, 0].max() < 0.05, "background is black"
    assert np.abs(prepared - reference).mean() < 0.05, "same digit, same result"


def test_file_path_and_numpy_inputs_agree(tmp_path):
    image = draw_digit()
    png, jpeg = tmp_path / "seven.png", tmp_path / "seven.jpg"
    image.save(png)
    image.save(jpeg, quality=90)
    from_pil = prepare_digit(image)
    np.testing.assert_allclose(prepare_digit(png), from_pil, atol=1e-6)
    np.testing.assert_allclose(prepare_digit(str(png)), from_pil, atol=1e-6)
    np.testing.assert_allclose(prepare_digit(np.asarray(image)), from_pil, atol=1e-6)
    np.testing.assert_allclose(prepare_digit(np.asarray(image) / 255.0), from_pil, atol=1e-5)
    assert np.abs(prepare_digit(jpeg) - from_pil).mean() < 0.05, "JPEG artefacts change little"


def test_thin_strokes_on_a_large_image_are_thickened():
    image = draw_digit(size=(1200, 1000), box=(300, 200, 700, 900), width=3)
    prepared = prepare_digit(image)
    assert (prepared > 0.5).sum() >= 40, "a 3-pixel line on a 1200-pixel image must stay visible"


def test_noise_specks_do_not_move_the_digit():
    clean = draw_digit(size=(300, 300), box=(100, 100, 160, 220), width=10)
    specked = clean.copy()
    draw = ImageDraw.Draw(specked)
    for x, y in [(10, 10), (280, 20), (15, 285), (290, 290)]:
        draw.ellipse([x, y, x + 3, y + 3], fill=0)
    assert np.abs(prepare_digit(specked) - prepare_digit(clean)).max() < 0.05


def test_an_mnist_digit_passes_through_nearly_unchanged():
    (images, _), _ = load_mnist()
    original = images[0] / 255.0
    prepared = prepare_digit(images[0])
    assert np.abs(prepared - original).mean() < 0.01, "MNIST's own digits are already in MNIST's format"


def test_predict_digit_works_with_flat_and_image_models():
    class FakeModel:
        def __init__(self, input_shape):
            self.input_shape = input_shape
            self.seen = None

        def predict(self, batch, verbose=0):
            self.seen = batch.shape
            return np.eye(10)[[7]]

    for shape in [(None, 784), (None, 28, 28, 1), (None, 28, 28)]:
        model = FakeModel(shape)
        digit, probabilities = predict_digit(model, draw_digit())
        assert digit == 7 and probabilities.shape == (10,)
        assert model.seen == (1,) + shape[1:]


# --- bad input -----------------------------------------------------------------

def test_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is text, not a picture")
    with pytest.raises(ValueError, match="notes.png: not an image file"):
        prepare_digit(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such image file"):
        prepare_digit(tmp_path / "absent.png")


def test_blank_images():
    for value in (0, 255, 128):
        with pytest.raises(ValueError, match="looks blank: no ink"):
            prepare_digit(np.full((50, 50), value, dtype=np.uint8))


def test_image_that_is_all_ink():
    image = np.full((100, 100), 255, dtype=np.uint8)
    image[20:95, 5:95] = 0  # a dark blob covering most of a white image
    with pytest.raises(ValueError, match=r"ink covers \d+% of the image"):
        prepare_digit(image)


def test_empty_image():
    with pytest.raises(ValueError, match="at least 8x8"):
        prepare_digit(np.zeros((0, 0)))


@pytest.mark.parametrize("shape", [(784,), (28, 28, 2), (28, 28, 5), (2, 28, 28, 1)])
def test_wrong_dimensions(shape):
    with pytest.raises(ValueError, match="has shape"):
        prepare_digit(np.zeros(shape, dtype=np.uint8))


def test_too_small():
    with pytest.raises(ValueError, match="must be at least 8x8"):
        prepare_digit(np.zeros((5, 40), dtype=np.uint8))


def test_nan_values():
    image = np.asarray(draw_digit(), dtype=np.float64) / 255
    image[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        prepare_digit(image)


def test_out_of_range_values():
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        prepare_digit(np.full((28, 28), 3.5))
    with pytest.raises(ValueError, match="0-255"):
        prepare_digit(np.full((28, 28), 300, dtype=np.int32))


@pytest.mark.parametrize("value", [None, 42, [[0, 1], [1, 0]], b"PNG"])
def test_unsupported_types(value):
    with pytest.raises(TypeError, match="takes a file path, a Pillow image or a numpy array"):
        prepare_digit(value)


def test_complex_dtype():
    with pytest.raises(TypeError, match="dtype complex"):
        prepare_digit(np.zeros((28, 28), dtype=complex))
