"""A drawing pad for notebook 11: draw a digit, and a trained model reads it as you write.

The pad is a small `anywidget <https://anywidget.dev>`_ widget: a square canvas you draw on
with a mouse, a pen or a finger, a *Clear* button and a brush-width slider. Its JavaScript is
the string ``PAD_JS`` below (no CDN, no build step, works offline). When a stroke ends, the
browser sends the strokes, each a list of (x, y) points on the canvas, to Python. Python
decides everything else, so the tests can do exactly what the pad does without a browser:

* ``rasterise(strokes)`` draws the strokes as the canvas shows them: black, round brush
  strokes on a white square;
* ``read_drawing(model, strokes)`` checks the drawing (empty? a dot? a scribble?), prepares
  it with ``mnist_helpers.prepare_digit`` (as notebook 10 prepares photos) and asks the model;
* ``read_image(model, image)`` and ``read_upload(model, name, content)`` do the same for a
  photo or an uploaded file;
* ``DigitPad(model)`` puts the pad with an upload button below it, and the result beside
  them: the 28 x 28 image the model sees, the predicted digit and its ten probabilities; where
  the notebook is too narrow for both side by side (a projector, a laptop with the file browser
  open), the result goes below the pad instead, so nothing covers the canvas;
* ``uploaded_files(upload)`` and ``clear_upload(upload)`` read and empty the upload button in
  ipywidgets 8.1 (the course's environment) and 7.7 (Google Colab's), which hold the files differently.

Rules for drawings that are not a digit (a message instead of a guess):

* no points at all: the pad is empty;
* all points within a fifth of the pad's width (``MIN_EXTENT``) in both directions: a dot or
  a short dash, too small to read;
* ink covering more than 40 % of the pad (``MAX_INK``): a scribble, not one digit;
* a top probability below 50 % (``UNSURE``): the digit is shown, but flagged as a guess.

Tested by ``tests/test_drawing_pad.py`` (Python only), which ``tests/test_widget_versions.py`` also
runs under ipywidgets 7.7.1 and anywidget 0.9.21 (Colab's), and by ``tests/test_drawing_pad_browser.py``
(JupyterLab with ipywidgets 8 in headless Chromium, where Playwright draws with the mouse). Colab's own
front end is not tested: see docs/maintaining.md, "The drawing pad in Google Colab".
"""

import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import anywidget
import ipywidgets
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mnist_helpers import model_probabilities, plot_probabilities, prepare_digit

PAD_SIZE = 280     # the canvas is PAD_SIZE x PAD_SIZE CSS pixels: ten times MNIST's 28
BRUSH = 20         # brush width in pad pixels; about MNIST's stroke width once a digit fills the pad
BRUSH_RANGE = (4, 48)
MIN_EXTENT = 0.2   # a drawing smaller than this share of the pad, both ways, is a dot or a dash
MAX_INK = 0.4      # more ink than this share of the pad is a scribble, not one digit
UNSURE = 0.5       # below this top probability, the answer is flagged as a guess
FIGURE_SIZE, FIGURE_DPI = (6.6, 2.9), 90   # the picture of a reading: 594 x 261 pixels
BESIDE = 480       # the result area goes beside the pad if it gets this many pixels there (the picture at 80 %)


# ---------------------------------------------------------------------------
# Strokes -> image -> answer (pure Python: the widget and the tests share it)
# ---------------------------------------------------------------------------

def check_strokes(strokes):
    """Return ``strokes`` as a list of float arrays of shape (n, 2); raise a clear error if malformed.

    ``strokes`` is a list of strokes; each stroke is a list of (x, y) points in pad pixels,
    x to the right and y downwards from the pad's top-left corner, as the browser sends them.
    """
    shape_hint = "strokes must be a list of strokes, each a list of (x, y) points, e.g. [[(140, 40), (140, 240)]]"
    if isinstance(strokes, (str, bytes, dict)) or not hasattr(strokes, "__iter__"):
        raise TypeError(f"{shape_hint}; got {type(strokes).__name__}")
    checked = []
    for number, stroke in enumerate(strokes, start=1):
        if isinstance(stroke, (str, bytes, dict)) or not hasattr(stroke, "__len__"):
            raise TypeError(f"stroke {number} is a {type(stroke).__name__}; {shape_hint}")
        try:
            points = np.asarray(stroke, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"stroke {number} is not a list of (x, y) number pairs ({error}); {shape_hint}") from None
        if points.size == 0:
            continue  # an empty stroke adds nothing
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"stroke {number} has shape {points.shape}, expected (points, 2); {shape_hint}")
        if not np.isfinite(points).all():
            raise ValueError(f"stroke {number} holds NaN or infinite coordinates")
        checked.append(points)
    return checked


def rasterise(strokes, size=PAD_SIZE, brush=BRUSH):
    """Draw ``strokes`` as the pad shows them: a (size, size) uint8 array, black ink (0) on white (255).

    Each stroke is a line ``brush`` pixels wide with round ends and joints, and a stroke of one
    point is a round dot, as on the canvas.
    """
    from PIL import Image, ImageDraw

    _check_size_and_brush(size, brush)
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    radius = brush / 2
    for points in check_strokes(strokes):
        if len(points) > 1:
            draw.line([tuple(point) for point in points], fill=0, width=int(round(brush)), joint="curve")
        for x, y in points:  # round caps and joints, and single-point dots
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    return np.asarray(image)


def drawing_problem(strokes, size=PAD_SIZE, brush=BRUSH):
    """Why this drawing cannot be read as one digit (a sentence), or None if it can.

    The rules are listed in the module's docstring: empty, too small (a dot or a dash), or
    too much ink (a scribble).
    """
    checked = check_strokes(strokes)
    if not checked:
        return "The pad is empty: draw a digit (or upload a photo of one)."
    points = np.concatenate(checked)
    extent = (points.max(axis=0) - points.min(axis=0)).max()
    if extent < MIN_EXTENT * size:
        return ("That is too small to read (a dot or a short dash): "
                "draw one digit large, filling most of the pad.")
    ink = (rasterise(checked, size, brush) < 128).mean()
    if ink > MAX_INK:
        return (f"That is too much ink for one digit (it covers {ink:.0%} of the pad): "
                "press Clear and draw a single digit.")
    return None


@dataclass
class Reading:
    """What the model made of one drawing or image."""

    digit: object            # the predicted digit (int), or None when nothing could be read
    probabilities: object    # the ten probabilities (numpy array), or None
    prepared: object         # the 28 x 28 image the model saw (numpy array), or None
    message: str             # one sentence for the student

    @property
    def sure(self):
        """True when the model gave its answer at least ``UNSURE`` probability."""
        return self.digit is not None and float(self.probabilities.max()) >= UNSURE


def classify(model, prepared, model_name="model"):
    """Ask ``model`` about one prepared 28 x 28 image; returns a ``Reading``.

    The image, pixel values 0-255 as MNIST stores them, goes to the model as it is, reshaped to
    the model's input shape by ``mnist_helpers.model_probabilities``, as ``predict_digit`` does.
    """
    probabilities = model_probabilities(model, prepared)
    digit = int(np.argmax(probabilities))
    top = float(probabilities[digit])
    if top >= UNSURE:
        message = f"The {model_name} reads {digit} ({top:.0%} sure)."
    else:
        message = (f"The {model_name} guesses {digit}, but is unsure ({top:.0%}): "
                   "this does not look like any digit it knows well.")
    return Reading(digit, probabilities, np.asarray(prepared), message)


def read_image(model, image, model_name="model"):
    """Prepare any image ``prepare_digit`` accepts and ask ``model``; bad images give a message.

    ``TypeError`` (an input that is not an image at all) is raised, not turned into a message.
    """
    try:
        prepared = prepare_digit(image)
    except ValueError as error:
        return Reading(None, None, None, f"This image cannot be read: {error}")
    return classify(model, prepared, model_name)


def read_drawing(model, strokes, size=PAD_SIZE, brush=BRUSH, model_name="model"):
    """What ``model`` reads in ``strokes`` drawn on the pad: a ``Reading``.

    Exactly what the pad does when a stroke ends: check the drawing, rasterise it, prepare
    it with ``prepare_digit`` and classify it.
    """
    problem = drawing_problem(strokes, size, brush)
    if problem:
        return Reading(None, None, None, problem)
    return read_image(model, rasterise(strokes, size, brush), model_name)


def read_upload(model, name, content, model_name="model"):
    """Read an uploaded file (its name and bytes) through the same path as a file on disk.

    The bytes are written to a temporary file under the upload's name and prepared from
    there, so every format and correction ``prepare_digit`` applies to files applies here too.
    """
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"content must be the file's bytes, not {type(content).__name__}")
    safe_name = Path(str(name)).name or "upload"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name
        path.write_bytes(bytes(content))
        reading = read_image(model, path, model_name)
        reading.message = reading.message.replace(str(path), safe_name)
    return reading


def plot_reading(reading, title=None):
    """A figure of a ``Reading``: the 28 x 28 image the model saw and its ten probabilities.

    The image is drawn with ``cmap="gray_r"``, ink dark on light, like every MNIST image in
    the notebooks (the stored values are MNIST's: 0 background, 255 the strongest ink). Made with
    matplotlib's object interface, so it is never shown by accident; the pad turns it into a PNG.
    """
    figure = Figure(figsize=FIGURE_SIZE, dpi=FIGURE_DPI)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    left.imshow(reading.prepared, cmap="gray_r", vmin=0, vmax=255)
    left.set_title("what the model sees", fontsize=12)
    left.set_xticks([0, 27])
    left.set_yticks([0, 27])
    plot_probabilities(right, reading.probabilities, title=title or f"it reads {reading.digit}")
    for ax in (left, right):
        ax.title.set_fontsize(12)
        ax.xaxis.label.set_fontsize(12)
        ax.yaxis.label.set_fontsize(12)
        ax.tick_params(labelsize=11)
    figure.tight_layout()
    return figure


def figure_png(figure):
    """The PNG bytes of a matplotlib figure."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _check_size_and_brush(size, brush):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 100 <= size <= 1000:
        raise ValueError(f"size must be a whole number of pixels from 100 to 1000, not {size!r}")
    if isinstance(brush, bool) or not isinstance(brush, (int, float, np.number)) or not (
            math.isfinite(brush) and 1 <= brush <= size / 4):
        raise ValueError(f"brush must be a width in pixels from 1 to a quarter of the pad, not {brush!r}")


# ---------------------------------------------------------------------------
# The upload button: ipywidgets 8 and 7 hold its files differently
# ---------------------------------------------------------------------------

UPLOAD_FORMATS = ("ipywidgets 8 holds a tuple of files, each a dict with 'name' and 'content' (the bytes); "
                  "ipywidgets 7 a dict {name: {'metadata': {...}, 'content': bytes}}")
UPLOAD_FIX = "install ipywidgets 8.1 (requirements.txt) or 7.7"


def uploaded_files(upload):
    """The files an ``ipywidgets.FileUpload`` holds, as a list of (name, bytes), in ipywidgets 8 or 7.

    ipywidgets 8 (the course's environment) holds a tuple of dicts with "name" and "content" (a
    memoryview); ipywidgets 7 (Google Colab) a dict {name: {"metadata": {...}, "content": bytes}}.
    """
    value = upload.value
    if isinstance(value, dict):  # ipywidgets 7
        files = [(name, entry.get("content") if isinstance(entry, dict) else None) for name, entry in value.items()]
    elif isinstance(value, (tuple, list)):  # ipywidgets 8
        files = [(entry.get("name"), entry.get("content")) if isinstance(entry, dict) else (None, None)
                 for entry in value]
    else:
        raise TypeError(f"the upload button's value is a {type(value).__name__}, which the pad cannot read: "
                        f"{UPLOAD_FORMATS}; {UPLOAD_FIX}")
    for name, content in files:
        if not isinstance(name, str) or not isinstance(content, (bytes, bytearray, memoryview)):
            raise TypeError(f"the upload button holds a file in a form the pad does not know (name {name!r}, "
                            f"content a {type(content).__name__}): {UPLOAD_FORMATS}; {UPLOAD_FIX}")
    return [(name, bytes(content)) for name, content in files]


def clear_upload(upload):
    """Empty an ``ipywidgets.FileUpload``, so that uploading the same file again is noticed.

    Without this, a second upload of the same file leaves ``value`` equal to what it was, and
    nothing observing it hears of the upload. In ipywidgets 8 the empty value also goes to the
    browser, whose button then counts 0 files; in ipywidgets 7 ``value`` is read-only and kept in
    Python only (``set_trait`` empties it), and the button goes on counting uploads.
    """
    if isinstance(upload.value, dict):  # ipywidgets 7
        upload.set_trait("value", {})
    else:
        upload.value = ()


# ---------------------------------------------------------------------------
# The widget
# ---------------------------------------------------------------------------

PAD_JS = r"""
function render({ model, el }) {
  const size = model.get("size");
  const root = document.createElement("div");
  root.className = "mnist-pad";

  const canvas = document.createElement("canvas");
  canvas.className = "mnist-pad-canvas";
  canvas.dataset.testid = "pad-canvas";
  canvas.setAttribute("aria-label", "drawing pad: draw one digit");
  canvas.style.width = canvas.style.height = `${size}px`;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.height = Math.round(size * ratio);
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);

  const controls = document.createElement("div");
  controls.className = "mnist-pad-controls";
  const clear = document.createElement("button");
  clear.className = "mnist-pad-clear jupyter-button";
  clear.dataset.testid = "pad-clear";
  clear.textContent = "Clear";
  const brushLabel = document.createElement("label");
  brushLabel.textContent = "brush ";
  const brush = document.createElement("input");
  brush.type = "range";
  brush.className = "mnist-pad-brush";
  brush.dataset.testid = "pad-brush";
  brush.min = model.get("brush_min");
  brush.max = model.get("brush_max");
  brush.value = model.get("brush");
  const brushValue = document.createElement("span");
  brushValue.className = "mnist-pad-brush-value";
  brushValue.textContent = `${brush.value} px`;
  brushLabel.append(brush, brushValue);
  controls.append(clear, brushLabel);
  root.append(canvas, controls);
  el.append(root);

  let strokes = model.get("strokes");
  let current = null;  // the stroke being drawn: a list of [x, y]

  function drawStroke(points) {
    const [x0, y0] = points[0];
    if (points.length === 1) {
      context.beginPath();
      context.arc(x0, y0, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(x0, y0);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    context.stroke();
  }

  function paint() {
    context.fillStyle = "white";
    context.fillRect(0, 0, size, size);
    context.fillStyle = context.strokeStyle = "black";
    context.lineWidth = model.get("brush");
    context.lineCap = context.lineJoin = "round";
    for (const points of strokes) if (points.length) drawStroke(points);
    if (current) drawStroke(current);
  }

  function position(event) {
    const box = canvas.getBoundingClientRect();
    const clamp = (value) => Math.min(size, Math.max(0, Math.round(value * 10) / 10));
    return [clamp((event.clientX - box.left) * size / box.width),
            clamp((event.clientY - box.top) * size / box.height)];
  }

  function send() {
    model.set("strokes", strokes);
    model.save_changes();
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [position(event)];
    paint();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const each of events.length ? events : [event]) {
      const point = position(each);
      const last = current[current.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) >= 1) current.push(point);
    }
    paint();
  });
  const finish = () => {
    if (!current) return;
    strokes = [...strokes, current];
    current = null;
    paint();
    send();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("lostpointercapture", finish);

  clear.addEventListener("click", () => {
    strokes = [];
    current = null;
    paint();
    send();
  });
  brush.addEventListener("input", () => {  // while dragging: repaint here only
    brushValue.textContent = `${brush.value} px`;
    model.set("brush", Number(brush.value));
    paint();
  });
  brush.addEventListener("change", () => model.save_changes());  // on release: Python reads again

  const onStrokes = () => { strokes = model.get("strokes"); paint(); };
  const onBrush = () => {
    brush.value = model.get("brush");
    brushValue.textContent = `${brush.value} px`;
    paint();
  };
  model.on("change:strokes", onStrokes);
  model.on("change:brush", onBrush);
  paint();
  return () => {
    model.off("change:strokes", onStrokes);
    model.off("change:brush", onBrush);
  };
}
export default { render };
"""

PAD_CSS = """
.mnist-pad { display: inline-flex; flex-direction: column; gap: 6px; }
.mnist-pad-canvas { border: 2px solid #555; border-radius: 4px; background: white;
                    touch-action: none; cursor: crosshair; }
.mnist-pad-controls { display: flex; align-items: center; gap: 12px; }
"""


class DrawingPad(anywidget.AnyWidget):
    """The canvas alone: ``strokes`` is what has been drawn, updated when a stroke ends.

    Setting ``strokes`` (or ``brush``) from Python redraws the canvas, so a notebook can
    put a drawing on the pad. The front end needs ipywidgets and anywidget (JupyterLab 4,
    Notebook 7, Binder); without one, the widget is only a line of text.
    """

    _esm = PAD_JS
    _css = PAD_CSS
    strokes = traitlets.List(traitlets.List()).tag(sync=True)
    size = traitlets.Int(PAD_SIZE).tag(sync=True)
    brush = traitlets.Int(BRUSH).tag(sync=True)
    brush_min = traitlets.Int(BRUSH_RANGE[0]).tag(sync=True)
    brush_max = traitlets.Int(BRUSH_RANGE[1]).tag(sync=True)

    @traitlets.validate("brush")
    def _valid_brush(self, proposal):
        brush = proposal["value"]
        if not BRUSH_RANGE[0] <= brush <= BRUSH_RANGE[1]:
            raise traitlets.TraitError(f"brush must be {BRUSH_RANGE[0]} to {BRUSH_RANGE[1]} pixels, not {brush}")
        return brush

    @traitlets.validate("size")
    def _valid_size(self, proposal):
        _check_size_and_brush(proposal["value"], BRUSH_RANGE[0])
        return proposal["value"]


NO_FRONT_END = ("Drawing pad: it appears only in a live notebook with widgets "
                "(JupyterLab, Notebook 7, Binder).")


class DigitPad(ipywidgets.HBox):
    """The drawing pad with an upload button below it, and the model's answer beside them (or below, if narrow).

    ``DigitPad(model, model_name="convnet")``. Draw on the pad or upload a photo: the result
    area shows the answer (``.result``, an HTML line) and a picture of the 28 x 28 image the
    model sees with its ten probabilities (``.picture``). ``.reading`` holds the last
    ``Reading``. ``.canvas`` is the ``DrawingPad``; ``draw(strokes)`` puts a drawing on it from
    Python, which does what drawing by hand does.
    """

    def __init__(self, model, model_name="model", size=PAD_SIZE, brush=BRUSH):
        if not hasattr(model, "predict") or not hasattr(model, "input_shape"):
            raise TypeError(f"model must be a trained Keras model, not {type(model).__name__}")
        self.model, self.model_name = model, model_name
        self.canvas = DrawingPad(size=size, brush=brush)
        self.upload = ipywidgets.FileUpload(accept="image/*", multiple=False, description="Upload a photo",
                                            layout=ipywidgets.Layout(width="auto"))
        self.upload.add_class("mnist-pad-upload")
        self.result = ipywidgets.HTML()
        self.result.add_class("mnist-pad-result")
        # shrinks with the space it has (keeping its shape), if the notebook is narrower than the picture
        self.picture = ipywidgets.Image(format="png", layout=ipywidgets.Layout(display="none", max_width="100%",
                                                                               height="auto"))
        self.picture.add_class("mnist-pad-picture")
        self.reading = None
        # The layout (CSS flexbox, as ipywidgets 8 and 7 draw a box): the pad and its controls never shrink,
        # so the canvas keeps its size; the result area goes beside them when the notebook leaves it at
        # least BESIDE pixels there, and wraps below them when not (up to the picture's width, or less).
        pad = ipywidgets.VBox([self.canvas, self.upload],
                              layout=ipywidgets.Layout(flex="0 0 auto", overflow="visible", margin="0 24px 12px 0"))
        results = ipywidgets.VBox([self.result, self.picture], layout=ipywidgets.Layout(
            flex=f"1 1 {BESIDE}px", min_width="0", max_width=f"{round(FIGURE_SIZE[0] * FIGURE_DPI)}px"))
        super().__init__([pad, results], layout=ipywidgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.canvas.observe(self._on_drawing, names=["strokes", "brush"])
        self.upload.observe(self._on_upload, names="value")
        self.show(read_drawing(model, [], size, brush, model_name))

    def __repr__(self):
        # the text a notebook shows without a widget front end: ipywidgets 8 puts it in the
        # bundle of _repr_mimebundle_, ipywidgets 7 in the one _ipython_display_ publishes
        return NO_FRONT_END

    def _on_drawing(self, change=None):
        self.show(read_drawing(self.model, self.canvas.strokes, self.canvas.size, self.canvas.brush, self.model_name))

    def draw(self, strokes):
        """Put ``strokes`` on the pad, replacing what is there, as if drawn by hand; return the ``Reading``."""
        self.canvas.strokes = [points.tolist() for points in check_strokes(strokes)]
        return self.reading

    def clear(self):
        """Empty the pad, as its *Clear* button does."""
        self.canvas.strokes = []

    def _on_upload(self, change):
        try:
            files = uploaded_files(self.upload)
        except TypeError as error:  # shown on the pad: a callback's error would reach only the kernel's log
            self.show(Reading(None, None, None, f"The upload cannot be read: {error}."))
            return
        if not files:
            return  # the reset below
        name, content = files[0]
        self.show(read_upload(self.model, name, content, self.model_name), source=f"{Path(name).name}: ")
        clear_upload(self.upload)  # so that uploading the same file again reads it again

    def show(self, reading, source=""):
        """Show a ``Reading`` in the result area (and keep it as ``.reading``)."""
        self.reading = reading
        kind = "pad-message" if reading.digit is None else "pad-prediction"
        digit = "" if reading.digit is None else f' data-digit="{reading.digit}"'
        self.result.value = (f'<div data-testid="{kind}"{digit} style="font-size: 16px; max-width: 560px">'
                             f"{_escape(source + reading.message)}</div>")
        if reading.digit is None:
            self.picture.layout.display = "none"
        else:
            self.picture.value = figure_png(plot_reading(reading, f"{self.model_name}: {reading.digit}"))
            self.picture.layout.display = None


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
