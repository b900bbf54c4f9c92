"""End to end: in JupyterLab in headless Chromium, Playwright draws digits on notebook 11's pad.

The test serves a cleared copy of notebooks/11_draw_a_digit.ipynb from a scratch JupyterLab
(tests/_jupyterlab.py, as the other browser tests), checks that no pop-up (toast, dialog) greets
the notebook, runs all its cells, and then does what a
student does: presses *Clear*, draws a 1 with the mouse and waits for the convnet's answer on
the page, clears it, draws a 7, and uploads a shipped sample photo with the *Upload a photo*
button (answering the browser's file chooser). After each step it checks the answer shown next
to the pad; at the end, that no cell shows an error or stderr output and that the page raised
no JavaScript error. A screenshot of the pad with its answer lands in artifacts/drawing-pad.png.
About 30 s on 2 cores.

A second test opens the notebook at a projector's 1024 x 768 and at a laptop's 1366 x 768, with the
file browser open (the notebook's output area 592 and 934 pixels wide): no pop-up greets it; after *Run All Cells*
the canvas keeps its 280 x 280 pixels, and the canvas and its controls (brush slider, *Clear*, the
upload button) neither overlap the answer nor are cut off or covered, with the answer below the pad
at 1024 and beside it at 1366; a 7 drawn with the mouse is read; and the same holds as the window is
narrowed and widened so that the output area is 500 to 1500 pixels wide. About 35 s per size.

Needs /usr/bin/chromium and playwright, like tests/test_jupyterlab_e2e.py; without them it is
skipped with the reason, unless MNIST_REQUIRE_ALL_CHECKS=1 (CI), where it fails.
"""

import _jupyterlab as lab
import pytest

# JupyterLab's page in Chromium: the same on every computer, so make test-portable leaves it out.
pytestmark = pytest.mark.browser
NOTEBOOK = "11_draw_a_digit.ipynb"
SAMPLE = lab.ROOT / "data" / "my_digits" / "4_font_dkg_blue_pen_photo.jpg"
PAD_SIZE = 280  # drawing_pad.PAD_SIZE: the canvas's size in CSS pixels
TIMEOUT_MS = 30_000

SEVEN = [(70, 58), (140, 50), (212, 52), (180, 110), (150, 175), (128, 240)]

# Dark pixels on the canvas: proof that the browser painted the strokes (or, after Clear, that it did not).
DARK_PIXELS_JS = """(canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++;
    return dark;
}"""


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a random port with a random token, serving a scratch copy of notebook 11."""
    with lab.serve_notebooks(tmp_path, [NOTEBOOK]) as server:
        yield server


def draw(page, canvas, *strokes):
    """Draw strokes with the mouse: each a list of (x, y) points in pad pixels, joined by straight drags."""
    box = canvas.bounding_box()
    scale = box["width"] / PAD_SIZE

    def on_screen(point):
        return box["x"] + point[0] * scale, box["y"] + point[1] * scale

    for stroke in strokes:
        page.mouse.move(*on_screen(stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*on_screen(point), steps=12)
        page.mouse.up()


def test_a_student_draws_a_1_and_a_7_and_uploads_a_photo(jupyterlab):
    from playwright.sync_api import expect

    lab.ARTIFACTS.mkdir(exist_ok=True)
    screenshot = lab.ARTIFACTS / "drawing-pad.png"
    path = f"notebooks/{NOTEBOOK}"

    with lab.chromium_page() as page:
        page_errors = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        try:
            lab.open_notebook(page, jupyterlab, path)
            assert lab.notifications(page) == {"shown": [], "unread": 0}, "no pop-up greets the student"
            lab.run_all_cells(page)
            lab.wait_until_all_cells_ran(page, path, timeout_s=180)

            canvas = page.locator("[data-testid=pad-canvas]")
            expect(canvas).to_have_count(1, timeout=TIMEOUT_MS)
            canvas.scroll_into_view_if_needed()
            result = page.locator(".mnist-pad-result")
            prediction = result.locator("[data-testid=pad-prediction]")
            picture = page.locator(".mnist-pad-picture")

            # The notebook itself put a 7 on the pad (the cell after the pad's).
            expect(prediction).to_have_attribute("data-digit", "7", timeout=TIMEOUT_MS)
            assert canvas.evaluate(DARK_PIXELS_JS) > 1000, "the 7 set from Python is painted on the canvas"

            page.locator("[data-testid=pad-clear]").click()
            expect(result).to_contain_text("The pad is empty", timeout=TIMEOUT_MS)
            expect(prediction).to_have_count(0)
            expect(picture).to_be_hidden()
            assert canvas.evaluate(DARK_PIXELS_JS) == 0, "Clear empties the canvas"

            draw(page, canvas, [(150, 40), (130, 240)])
            expect(prediction).to_have_attribute("data-digit", "1", timeout=TIMEOUT_MS)
            expect(result).to_contain_text("The convnet reads 1")
            expect(picture).to_be_visible()

            page.locator("[data-testid=pad-clear]").click()
            expect(result).to_contain_text("The pad is empty", timeout=TIMEOUT_MS)

            draw(page, canvas, SEVEN)
            expect(prediction).to_have_attribute("data-digit", "7", timeout=TIMEOUT_MS)
            expect(result).to_contain_text("The convnet reads 7")
            expect(picture).to_be_visible()
            page.wait_for_function(  # the picture of the answer has loaded
                "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=TIMEOUT_MS)
            pad_output = page.locator(".jp-OutputArea-output", has=canvas)
            pad_output.screenshot(path=str(screenshot))

            # ipywidgets' upload button opens the browser's file chooser from an <input type=file> it keeps
            # out of the page; Playwright answers the chooser with the file (set_input_files on that input).
            with page.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
                page.locator(".mnist-pad-upload").click()
            chooser.value.set_files(str(SAMPLE))
            expect(result).to_contain_text(f"{SAMPLE.name}: The convnet reads 4", timeout=TIMEOUT_MS)
            expect(prediction).to_have_attribute("data-digit", "4")

            state = lab.notebook_state(page, path)
            assert not state["problems"], "\n".join(state["problems"])
            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.first.inner_text()
            assert stderr.count() == 0, stderr.first.inner_text()
            assert not page_errors, "JavaScript errors on the page:\n" + "\n".join(page_errors)
        finally:
            if not screenshot.exists():
                page.screenshot(path=str(screenshot), full_page=False)
    assert screenshot.stat().st_size > 10_000


# Where the pad's parts are, those shown (CSS pixels), and what is on top at the four corners of the canvas and
# of the brush slider and in the middle of the others: the part itself, unless something covers or clips it.
LAYOUT_JS = """() => {
    const parts = {canvas: "[data-testid=pad-canvas]", brush: "[data-testid=pad-brush]",
                   clear: "[data-testid=pad-clear]", upload: ".mnist-pad-upload",
                   result: ".mnist-pad-result", picture: ".mnist-pad-picture"};
    const elements = {}, boxes = {}, hidden = [];
    for (const [name, selector] of Object.entries(parts)) {
        const element = document.querySelector(selector);
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // not shown (the picture, while there is no answer)
        elements[name] = element;
        boxes[name] = {left: box.left, top: box.top, right: box.right, bottom: box.bottom};
    }
    const output = document.querySelector(".jp-OutputArea-output:has([data-testid=pad-canvas])")
        .getBoundingClientRect();
    for (const [name, element] of Object.entries(elements)) {
        element.scrollIntoView({block: "nearest"});  // elementFromPoint sees only the window's part of the page
        const box = element.getBoundingClientRect();
        const inset = Math.min(4, box.width / 3, box.height / 3);
        const points = name === "canvas" || name === "brush"
            ? [[box.left + inset, box.top + inset], [box.right - inset, box.top + inset],
               [box.left + inset, box.bottom - inset], [box.right - inset, box.bottom - inset]]
            : [[(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
        for (const [x, y] of points) {
            const top = document.elementFromPoint(x, y);
            const at = `${Math.round(x)}, ${Math.round(y)}`;
            if (!element.contains(top)) hidden.push(`${name} at (${at}) is under ${top?.className}`);
        }
    }
    return {boxes, hidden, output: {left: output.left, right: output.right}};
}"""


def overlap(a, b):
    """Whether two boxes share any area (touching edges do not count)."""
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and \
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5


def check_layout(page):
    """Nothing of the pad overlaps the answer or is cut off or covered; returns "beside" or "below" and the width."""
    canvas = page.locator("[data-testid=pad-canvas]")
    canvas.scroll_into_view_if_needed()
    layout = page.evaluate(LAYOUT_JS)
    canvas.scroll_into_view_if_needed()  # for drawing next
    boxes, width = layout["boxes"], round(layout["output"]["right"] - layout["output"]["left"])
    where = f"in a notebook {width} px wide"
    canvas = boxes["canvas"]
    # 280 x 280 pixels inside a 2-pixel border, whatever the width
    assert abs(canvas["right"] - canvas["left"] - (PAD_SIZE + 4)) < 0.5, f"the canvas keeps its size {where}"
    assert abs(canvas["bottom"] - canvas["top"] - (PAD_SIZE + 4)) < 0.5, f"the canvas keeps its size {where}"
    for pad_part in ("canvas", "brush", "clear", "upload"):
        for answer_part in {"result", "picture"} & set(boxes):
            assert not overlap(boxes[pad_part], boxes[answer_part]), f"{pad_part} and {answer_part} overlap {where}"
    for name, box in boxes.items():
        assert layout["output"]["left"] - 0.5 <= box["left"] and box["right"] <= layout["output"]["right"] + 0.5, \
            f"{name} sticks out of the output area {where}: {box}, {layout['output']}"
    assert not layout["hidden"], f"{where}: " + "; ".join(layout["hidden"])
    if boxes["result"]["left"] >= canvas["right"]:
        return "beside", width
    assert boxes["result"]["top"] >= boxes["upload"]["bottom"], f"the answer is neither beside nor below {where}"
    return "below", width


@pytest.mark.parametrize("width, height, expected", [(1024, 768, "below"), (1366, 768, "beside")],
                         ids=["projector-1024x768", "laptop-1366x768"])
def test_at_projector_and_laptop_sizes_nothing_overlaps_and_a_drawn_7_is_read(jupyterlab, width, height, expected):
    from playwright.sync_api import expect

    path = f"notebooks/{NOTEBOOK}"
    screenshot = lab.ARTIFACTS / f"drawing-pad-{width}x{height}.png"
    lab.ARTIFACTS.mkdir(exist_ok=True)
    with lab.chromium_page(width, height) as page:
        lab.open_notebook(page, jupyterlab, path)
        assert lab.notifications(page) == {"shown": [], "unread": 0}, "no pop-up greets the student"
        page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
        expect(page.locator("#filebrowser")).to_be_visible()
        lab.run_all_cells(page)
        lab.wait_until_all_cells_ran(page, path, timeout_s=180)

        canvas = page.locator("[data-testid=pad-canvas]")
        prediction = page.locator(".mnist-pad-result [data-testid=pad-prediction]")
        picture = page.locator(".mnist-pad-picture")
        page.locator("[data-testid=pad-clear]").click()
        expect(page.locator(".mnist-pad-result")).to_contain_text("The pad is empty", timeout=TIMEOUT_MS)
        check_layout(page)
        draw(page, canvas, SEVEN)
        expect(prediction).to_have_attribute("data-digit", "7", timeout=TIMEOUT_MS)
        expect(page.locator(".mnist-pad-result")).to_contain_text("The convnet reads 7")
        page.wait_for_function(  # the picture of the answer has loaded
            "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=TIMEOUT_MS)
        assert check_layout(page)[0] == expected
        page.screenshot(path=str(screenshot))
        assert lab.notifications(page) == {"shown": [], "unread": 0}

        # narrower and wider windows, the file browser still open: output areas about 500 to 1500 pixels wide
        seen = {}
        for window in (932, 1100, 1200, 1300, 1500, 1932):
            page.set_viewport_size({"width": window, "height": height})
            page.wait_for_timeout(300)  # JupyterLab lays its panels out again on the next animation frames
            layout, notebook = check_layout(page)
            seen[notebook] = layout
        assert min(seen) <= 510 and max(seen) >= 1400, seen
        assert set(seen.values()) == {"beside", "below"}, seen
