"""End to end: in JupyterLab in headless Chromium, Playwright draws digits on notebook 11's pad.

The test serves a cleared copy of notebooks/11_draw_a_digit.ipynb from a scratch JupyterLab
(tests/_jupyterlab.py, as the other browser tests), runs all its cells, and then does what a
student does: presses *Clear*, draws a 1 with the mouse and waits for the convnet's answer on
the page, clears it, draws a 7, and uploads a shipped sample photo with the *Upload a photo*
button (answering the browser's file chooser). After each step it checks the answer shown next
to the pad; at the end, that no cell shows an error or stderr output and that the page raised
no JavaScript error. A screenshot of the pad with its answer lands in artifacts/drawing-pad.png.
About 30 s on 2 cores.

Needs /usr/bin/chromium and playwright, like tests/test_jupyterlab_e2e.py; without them it is
skipped with the reason, unless MNIST_REQUIRE_ALL_CHECKS=1 (CI), where it fails.
"""

import _jupyterlab as lab
import pytest

NOTEBOOK = "11_draw_a_digit.ipynb"
SAMPLE = lab.ROOT / "data" / "my_digits" / "4_font_dkg_blue_pen_photo.jpg"
PAD_SIZE = 280  # drawing_pad.PAD_SIZE: the canvas's size in CSS pixels
TIMEOUT_MS = 30_000

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

            draw(page, canvas, [(70, 58), (140, 50), (212, 52), (180, 110), (150, 175), (128, 240)])
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
