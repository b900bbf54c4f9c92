"""The drawing pad's Python side (notebooks/drawing_pad.py), without a browser.

Strokes are what the browser sends when a stroke ends: a list of strokes, each a list of (x, y)
points on the 280 x 280 pad. Here they are written by hand and go through exactly the functions
the widget calls, so "rasterised as the pad does" holds by construction. The real browser, where
Playwright draws with the mouse, is tests/test_drawing_pad_browser.py.
"""

import datetime
from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

import drawing_pad as dp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "my_digits"


def ellipse(cx, cy, rx, ry, start=0, end=360, n=40):
    """Points along an ellipse, angles in degrees (clockwise on screen: y points down)."""
    angles = np.radians(np.linspace(start, end, n))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


ONE = [[(150, 40), (130, 240)]]
SEVEN = [[(70, 50), (210, 50), (120, 240)]]
ZERO = [ellipse(140, 140, 70, 100)]
EMPTY = []
DOT = [[(140, 140)]]
SCRIBBLE = [[(x, y) for y in range(10, 280, 20) for x in ((10, 270) if y % 40 == 10 else (270, 10))]]


@pytest.fixture(scope="module")
def models():
    return {name: keras.models.load_model(ROOT / "models" / f"{name}.keras") for name in ("dense", "convnet")}


def upload_value(path):
    """What ipywidgets.FileUpload holds after the browser uploads ``path``."""
    content = path.read_bytes()
    return ({"name": path.name, "type": "image/png", "size": len(content), "content": memoryview(content),
             "last_modified": datetime.datetime.now(datetime.timezone.utc)},)


# --- rasterising ------------------------------------------------------------------

def test_rasterise_draws_black_round_strokes_on_white():
    image = dp.rasterise(ONE)
    assert image.shape == (dp.PAD_SIZE, dp.PAD_SIZE) and image.dtype == np.uint8
    assert image[0, 0] == 255 and image[140, 140] == 0
    rows = np.flatnonzero((image < 128).any(axis=1))
    assert rows[0] == pytest.approx(40 - dp.BRUSH / 2, abs=1) and rows[-1] == pytest.approx(240 + dp.BRUSH / 2, abs=1)
    width = (image[140] < 128).sum()
    assert dp.BRUSH - 1 <= width <= dp.BRUSH + 2, "a stroke is about one brush wide"


def test_a_one_point_stroke_is_a_round_dot_of_the_brush_width():
    ink = dp.rasterise(DOT, brush=30) < 128
    assert ink.sum() == pytest.approx(np.pi * 15**2, rel=0.1)
    rows, cols = np.nonzero(ink)
    assert rows.mean() == pytest.approx(140, abs=0.5) and cols.mean() == pytest.approx(140, abs=0.5)


def test_numpy_strokes_and_lists_rasterise_alike():
    assert np.array_equal(dp.rasterise([np.array(SEVEN[0], dtype=float)]), dp.rasterise(SEVEN))


# --- reading drawings -------------------------------------------------------------

@pytest.mark.parametrize("name", ["dense", "convnet"])
@pytest.mark.parametrize(("strokes", "digit"), [(ONE, 1), (SEVEN, 7), (ZERO, 0)], ids=["1", "7", "0"])
def test_drawn_digits_are_read_correctly_by_both_models(models, name, strokes, digit):
    reading = dp.read_drawing(models[name], strokes, model_name=name)
    assert reading.digit == digit and reading.sure, reading.message
    assert reading.prepared.shape == (28, 28) and reading.probabilities.shape == (10,)
    assert reading.prepared.dtype == np.uint8 and reading.prepared.max() == 255, "MNIST's format, 0-255"
    assert reading.message == f"The {name} reads {digit} ({reading.probabilities.max():.0%} sure)."


def test_a_small_off_centre_digit_is_read_like_a_centred_one(models):
    corner = [[(20 + x * 0.4, 20 + y * 0.4) for x, y in stroke] for stroke in SEVEN]
    reading = dp.read_drawing(models["convnet"], corner)
    assert reading.digit == 7
    ys, xs = np.indices((28, 28))
    assert (ys * reading.prepared).sum() / reading.prepared.sum() == pytest.approx(14, abs=0.75)


@pytest.mark.parametrize(("strokes", "words"), [
    (EMPTY, "The pad is empty"),
    ([[], []], "The pad is empty"),
    (DOT, "too small to read"),
    ([[(100, 100), (130, 110)]], "too small to read"),
    (SCRIBBLE, "too much ink for one digit"),
], ids=["empty", "empty-strokes", "dot", "dash", "scribble"])
def test_not_a_digit_gives_a_message_not_a_guess(models, strokes, words):
    for name, model in models.items():
        reading = dp.read_drawing(model, strokes, model_name=name)
        assert reading.digit is None and reading.probabilities is None and not reading.sure
        assert words in reading.message


def test_an_unsure_model_is_flagged():
    class Undecided:  # a stand-in model that spreads its probability evenly
        input_shape = (None, 784)

        def predict(self, batch, verbose=0):
            assert batch.shape == (1, 784) and batch.max() == 255, "the pixels as MNIST stores them"
            return np.full((1, 10), 0.1)

    reading = dp.read_drawing(Undecided(), SEVEN, model_name="stand-in")
    assert reading.digit == 0 and not reading.sure
    assert reading.message.startswith("The stand-in guesses 0, but is unsure (10%)")


def test_images_and_uploads_go_through_prepare_digit(models):
    sample = SAMPLES / "3_black_pen_on_white.png"
    assert dp.read_image(models["convnet"], sample).digit == 3
    reading = dp.read_upload(models["convnet"], sample.name, sample.read_bytes())
    assert reading.digit == 3
    np.testing.assert_array_equal(reading.prepared, dp.prepare_digit(sample))


def test_an_upload_that_is_not_an_image_gives_a_message_naming_the_file(models):
    reading = dp.read_upload(models["dense"], "notes.png", b"these are not pixels")
    assert reading.digit is None
    assert reading.message.startswith("This image cannot be read: notes.png: not an image file")
    assert "tmp" not in reading.message, "the temporary path stays hidden"


# --- bad input: a clear error -------------------------------------------------------

@pytest.mark.parametrize(("strokes", "error", "words"), [
    ("7", TypeError, "strokes must be a list of strokes"),
    (None, TypeError, "got NoneType"),
    (42, TypeError, "got int"),
    ([7], TypeError, "stroke 1 is a int"),
    ([[(1, 2)], "ab"], TypeError, "stroke 2 is a str"),
    ([[1, 2, 3]], ValueError, "stroke 1 has shape (3,)"),
    ([[(1, 2, 3)]], ValueError, "stroke 1 has shape (1, 3)"),
    ([[(1, "x")]], TypeError, "not a list of (x, y) number pairs"),
    ([[(1, float("nan"))]], ValueError, "NaN or infinite"),
], ids=["str", "none", "int", "number-stroke", "str-stroke", "flat", "triples", "text", "nan"])
def test_malformed_strokes_raise_a_clear_error(models, strokes, error, words):
    with pytest.raises(error, match=None) as raised:
        dp.read_drawing(models["dense"], strokes)
    assert words in str(raised.value)


@pytest.mark.parametrize(("size", "brush", "words"), [
    (50, 20, "size must be"), (280.0, 20, "size must be"), (True, 20, "size must be"),
    (280, 0, "brush must be"), (280, 100, "brush must be"), (280, float("nan"), "brush must be"),
    (280, "thick", "brush must be"),
])
def test_bad_size_or_brush_raise_a_clear_error(size, brush, words):
    with pytest.raises(ValueError, match=words):
        dp.rasterise(SEVEN, size=size, brush=brush)


def test_bad_model_and_upload_content_raise_a_clear_error(models):
    with pytest.raises(TypeError, match="model must be a trained Keras model, not str"):
        dp.DigitPad("convnet.keras")
    with pytest.raises(TypeError, match="content must be the file's bytes, not str"):
        dp.read_upload(models["dense"], "seven.png", "seven")
    with pytest.raises(TypeError, match="prepare_digit\\(\\) takes a file path"):
        dp.read_image(models["dense"], 7)


# --- the widget, driven from Python as the browser drives it --------------------------

def test_the_widget_reads_what_is_drawn_and_clear_empties_it(models):
    pad = dp.DigitPad(models["convnet"], model_name="convnet")
    assert pad.reading.digit is None and "The pad is empty" in pad.result.value
    assert pad.picture.layout.display == "none"

    pad.canvas.strokes = [list(map(list, stroke)) for stroke in SEVEN]  # as the browser sends them
    assert pad.reading.digit == 7
    assert 'data-testid="pad-prediction" data-digit="7"' in pad.result.value
    assert "The convnet reads 7" in pad.result.value
    assert bytes(pad.picture.value).startswith(b"\x89PNG") and pad.picture.layout.display is None

    pad.canvas.brush = 30  # the brush slider: the same strokes, read again
    assert pad.reading.digit == 7 and pad.reading.prepared.sum() > dp.read_drawing(
        models["convnet"], SEVEN).prepared.sum()

    pad.canvas.strokes = []  # the Clear button
    assert pad.reading.digit is None and 'data-testid="pad-message"' in pad.result.value
    assert pad.picture.layout.display == "none"


def test_draw_and_clear_from_python(models):
    pad = dp.DigitPad(models["dense"], model_name="dense network")
    assert pad.draw(ONE).digit == 1 and pad.canvas.strokes == [[[150.0, 40.0], [130.0, 240.0]]]
    assert pad.draw(SEVEN).digit == 7, "draw() replaces the drawing"
    pad.clear()
    assert pad.canvas.strokes == [] and pad.reading.digit is None
    with pytest.raises(TypeError, match="strokes must be a list of strokes"):
        pad.draw("7")


def test_the_widget_shows_a_message_for_a_scribble(models):
    pad = dp.DigitPad(models["dense"], model_name="dense network")
    pad.canvas.strokes = SCRIBBLE
    assert pad.reading.digit is None and "too much ink" in pad.result.value


def test_the_upload_button_reads_a_sample_and_resets(models):
    pad = dp.DigitPad(models["dense"], model_name="dense network")
    pad.upload.value = upload_value(SAMPLES / "7_chalk_on_blackboard_small.png")
    assert pad.reading.digit == 7
    assert "7_chalk_on_blackboard_small.png: The dense network reads 7" in pad.result.value
    assert pad.upload.value == (), "reset, so the same file can be uploaded again"


def test_the_brush_is_limited_to_the_slider_range(models):
    pad = dp.DigitPad(models["dense"])
    with pytest.raises(Exception, match="brush must be 4 to 48 pixels"):
        pad.canvas.brush = 60


def test_without_a_front_end_the_widget_says_so(models):
    bundle = dp.DigitPad(models["dense"])._repr_mimebundle_()
    assert bundle["text/plain"] == dp.NO_FRONT_END
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_javascript_is_self_contained_and_has_the_test_hooks():
    assert "export default" in dp.PAD_JS
    assert "http" not in dp.PAD_JS and "import " not in dp.PAD_JS, "no CDN, no imports: works offline"
    for hook in ("pad-canvas", "pad-clear", "pad-brush", "pointerdown", "pointermove", "pointerup", "touch-action"):
        assert hook in dp.PAD_JS + dp.PAD_CSS, hook
