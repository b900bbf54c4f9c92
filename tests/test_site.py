"""The course website (`make site`, tools/site_build.py, site/): built once per session, then checked.

* the build: `sphinx-build -W` passes (a broken link between pages fails it), every page is there,
  the drawing pad's networks are exported into it;
* launch buttons: none while the course's address is unset (the repository as it is); with an
  address, Binder and Colab buttons on every notebook page with the URLs tools/set_repository.py
  writes (a quick build of a copy of the repository);
* every page, served on 127.0.0.1 and opened in headless Chromium, requests nothing elsewhere and
  nothing that is missing, and an axe-core audit finds no serious or critical violation;
* the drawing pad: Playwright draws a 1 and a 7 on the built page; the prepared image and the two
  networks' ten probabilities equal Keras's for the same strokes (within 1e-4), and the answer is
  on the page within 50 ms of the pen lifting; random drawings give Pillow's pixels exactly.

Marked `site`: `make test` runs them, `make test-portable` leaves them out (nothing here depends on
the processor). Without Chromium or Playwright they skip (in CI, fail: tests/run_guards.py).
"""

import functools
import http.server
import importlib.util
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from _jupyterlab import CHROMIUM, CHROMIUM_ARGS, require_browser
from _require import require

from tools import set_repository, site_build

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PAGES = ["index", "README", *(f"notebooks/{name}" for name in NOTEBOOKS), "site/draw",
         "docs/teachers-guide", "docs/teachers-guide-exercises", "docs/jupyterhub", "docs/maintaining"]
ONE = [[140.0, 40.0], [140.0, 240.0]]   # strokes in pad pixels, as the pad records them
SEVEN = [[70.0, 50.0], [210.0, 50.0], [120.0, 240.0]]
# notebook 11's 1 whose flag is neither short nor long: the networks hesitate, so every part of the
# forward pass shows in the probabilities (a confident digit would hide a small slip)
HALFWAY_ONE = [[100.0, 79.0], [150.0, 40.0], [150.0, 240.0]]
TOLERANCE = 1e-4                        # the ten probabilities, browser against Keras
ANSWER_MS = 50                          # from the pen lifting to the answer on the page
LABELS = {"dense": "dense network", "convnet": "convnet"}   # as the pad names them


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site, built once per session with `sphinx-build -W` into a scratch folder."""
    require(importlib.util.find_spec("sphinx") and importlib.util.find_spec("myst_nb"),
            "Sphinx and myst-nb are not installed (they need Python 3.11 or newer): install requirements-dev.txt")
    output = tmp_path_factory.mktemp("site") / "site"
    started = time.perf_counter()
    result = subprocess.run(site_build.sphinx_command(output), cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, f"sphinx-build -W failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    return output, seconds


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served by Python's http.server on 127.0.0.1 (a random port)."""
    handler = functools.partial(QuietHandler, directory=str(built_site[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A page opened in a fresh browser context that records every request it makes elsewhere."""

    def __init__(self, browser, site_url, path, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.elsewhere, self.missing = [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("response", lambda response: response.status >= 400 and self.missing.append(
            f"{response.status} {response.url}"))
        self.page.goto(f"{site_url}/{path}", wait_until="load")
        self.site_url = site_url

    def _route(self, route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            route.continue_()
        else:  # recorded, and never sent
            self.elsewhere.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    opened = []

    def open_page(path, **size):
        opened.append(Visit(browser, site_url, path, **size))
        return opened[-1]

    yield open_page
    for each in opened:
        each.close()


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------

def test_the_site_builds_with_every_page(built_site):
    output, seconds = built_site
    missing = [page for page in PAGES if not (output / f"{page}.html").is_file()]
    assert not missing, f"pages missing from the built site: {missing}"
    weights = sorted(path.name for path in (output / "_static" / "pad" / "weights").iterdir())
    assert weights == ["convnet.bin", "convnet.json", "dense.bin", "dense.json"]
    pad_notebook = (output / "notebooks" / "11_draw_a_digit.html").read_text()
    assert 'href="../site/draw.html">draw on the pad that runs in your browser' in pad_notebook, \
        "notebook 11's page should link the website's pad where its widget would be"
    for name in NOTEBOOKS[1:]:  # 02-11 end with exercises: their pages say where the checks run
        html = (output / "notebooks" / f"{name}.html").read_text()
        assert html.count(site_build.EXERCISES_NOTE) == 1, f"{name}: the exercises note is missing or repeated"
    print(f"site built in {seconds:.0f} s")


def test_no_launch_buttons_while_the_address_is_unset(built_site):
    require(set_repository.current()["README.md: links"][0] is None,
            "this checkout has the course's address set; the test of an unset address needs it unset")
    for name in NOTEBOOKS:
        html = (built_site[0] / "notebooks" / f"{name}.html").read_text()
        assert "mybinder.org" not in html and "colab.research.google.com" not in html, name


def test_launch_buttons_from_the_course_address(built_site, tmp_path):
    """A copy of the repository's pages with an address set, built quickly (no weights, warnings allowed)."""
    copy = tmp_path / "course"
    copy.mkdir()
    for part in ("README.md", "site", "tools", "notebooks"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "static"))
        else:
            shutil.copy(source, copy / part)
    for notebook in (copy / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        if notebook.stem != NOTEBOOKS[0]:
            notebook.unlink()
    notebooks = sorted((copy / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    set_repository.set_repository("https://github.com/example-school/mnist-course", "v1.0", notebooks,
                                  copy / "README.md")
    command = [part for part in site_build.sphinx_command(copy / "out", copy, "-D", "pad_weights=0") if part != "-W"]
    command[command.index("-c") + 1] = str(copy / "site")
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    for notebook in notebooks:
        html = (copy / "out" / "notebooks" / f"{notebook.stem}.html").read_text()
        for label, url in set_repository.links("https://github.com/example-school/mnist-course", "v1.0",
                                               f"notebooks/{notebook.name}").items():
            assert f'href="{url}"' in html, f"{notebook.stem}: no {label} link to {url}"
        # the theme's own launch buttons (the notebook's line of links, above, holds the same addresses)
        assert 'title="Launch on Binder"' in html and 'title="Launch on Colab"' in html, \
            f"{notebook.stem}: the theme's launch buttons are missing"
    readme = (copy / "out" / "index.html").read_text()
    assert 'href="https://example-school.github.io/mnist-course/"' in readme
    assert "colab-badge.svg" not in readme, "a badge image on the site would be loaded from elsewhere"


# ---------------------------------------------------------------------------
# Every page in Chromium
# ---------------------------------------------------------------------------

def all_pages(output):
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*.html")
                  if not path.relative_to(output).as_posix().startswith(("_static", "_sources")))


@pytest.fixture(scope="module")
def page_audits(built_site, browser, site_url):
    """{page: (requests elsewhere, missing files, serious or critical axe violations)}, each page opened once."""
    require(importlib.util.find_spec("axe_playwright_python"), "axe-playwright-python is missing: "
            "install requirements-dev.txt")
    from axe_playwright_python.sync_playwright import Axe

    axe, audits = Axe(), {}
    opened = Visit(browser, site_url, "index.html")
    for path in all_pages(built_site[0]):
        opened.elsewhere.clear()
        opened.missing.clear()
        opened.page.goto(f"{site_url}/{path}", wait_until="load")
        if path == "notebooks/05_how_a_network_learns.html":  # its formulas, as MathML
            assert opened.page.locator("math").count() >= 9, "notebook 05's formulas are missing"
        requests = (list(opened.elsewhere), list(opened.missing))  # before axe, which fetches stylesheets again
        violations = [f"{violation['impact']} {violation['id']} ({violation['help']}) at "
                      f"{[' '.join(map(str, node['target'])) for node in violation['nodes'][:3]]}"
                      for violation in axe.run(opened.page).response["violations"]
                      if violation["impact"] in ("serious", "critical")]
        audits[path] = (*requests, violations)
    opened.close()
    return audits


def test_every_page_loads_only_from_the_site(page_audits):
    problems = [f"{path}: requested {url}" for path, (elsewhere, _, _) in page_audits.items() for url in elsewhere]
    problems += [f"{path}: {failure}" for path, (_, missing, _) in page_audits.items() for failure in missing]
    assert not problems, "\n".join(problems)
    assert len(page_audits) >= len(PAGES), sorted(page_audits)


def test_axe_finds_no_serious_or_critical_violation(page_audits):
    problems = [f"{path}: {violation}" for path, (_, _, violations) in page_audits.items() for violation in violations]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# The drawing pad, against Keras
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keras_networks():
    from mnist_helpers.networks import shipped_network

    return {name: shipped_network(name) for name in ("dense", "convnet")}


def draw(page, strokes):
    """Draw ``strokes`` (pad pixels) with the mouse on the pad's canvas; return the pad's reading."""
    box = page.locator("[data-testid=pad-canvas]").bounding_box()
    before = int(page.locator("#mnist-pad").get_attribute("data-readings") or 0)
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            for t in np.linspace(0, 1, 12)[1:]:
                page.mouse.move(box["x"] + x0 + t * (x1 - x0), box["y"] + y0 + t * (y1 - y0))
        page.mouse.up()
        before += 1
        page.wait_for_function(f"Number(document.querySelector('#mnist-pad').dataset.readings) >= {before}")
    return page.evaluate("window.mnistPad.last")


@pytest.mark.parametrize("digit, strokes", [(1, [ONE]), (7, [SEVEN]), (None, [HALFWAY_ONE])],
                         ids=["a 1", "a 7", "a 1 or a 7"])
def test_the_pad_reads_a_drawing_as_keras_does(visit, keras_networks, digit, strokes):
    import drawing_pad

    opened = visit("site/draw.html")
    opened.page.wait_for_selector("#mnist-pad[data-ready=true]", timeout=60_000)
    reading = draw(opened.page, strokes)
    drawn = reading["strokes"]  # the points the pad recorded from the mouse, as notebook 11's pad sends them
    assert reading["problem"] is None, reading["problem"]
    prepared = drawing_pad.prepare_digit(drawing_pad.rasterise(drawn))
    assert np.array_equal(np.array(reading["prepared"]).reshape(28, 28), prepared), \
        "the pad's 28 x 28 image differs from prepare_digit's for the same strokes"
    for name, model in keras_networks.items():
        keras_reading = drawing_pad.read_drawing(model, drawn, model_name=LABELS[name])
        browser = np.array(reading["probabilities"][name])
        difference = np.abs(browser - keras_reading.probabilities).max()
        assert difference <= TOLERANCE, f"{name}: probabilities differ by up to {difference:.2e} from Keras's"
        assert int(browser.argmax()) == int(keras_reading.probabilities.argmax()), (name, keras_reading.message)
        assert digit is None or keras_reading.digit == digit, (name, keras_reading.message)
        answer = opened.page.locator(f"[data-testid=answer-{name}]").inner_text()
        assert answer == keras_reading.message, (answer, keras_reading.message)
        print(f"{name}: {digit} read, largest difference from Keras {difference:.1e}")
    print(f"answer on the page {reading['milliseconds']:.1f} ms after pen-up ({reading['steps']})")
    assert reading["milliseconds"] <= ANSWER_MS, (
        f"the answer took {reading['milliseconds']:.0f} ms after pen-up (ms since pen-up: {reading['steps']})")
    opened.page.screenshot(path=str(ROOT / "artifacts" / f"site-pad-{digit}.png"))


def test_the_pads_pixels_are_pillows_for_random_drawings(visit):
    """Random scribbles (fixed seed) through the page's own modules: the image and the 28 x 28 input."""
    import drawing_pad

    opened = visit("site/draw.html")
    opened.page.wait_for_selector("#mnist-pad[data-ready=true]", timeout=60_000)
    rng = np.random.default_rng(20)
    drawings = []
    for _ in range(12):
        strokes = []
        for _ in range(rng.integers(1, 4)):
            start = rng.uniform(40, 240, 2)
            walk = start + rng.normal(0, rng.uniform(2, 10), (rng.integers(2, 60), 2)).cumsum(axis=0)
            strokes.append((np.clip(np.round(walk * 10) / 10, 0, 280)).tolist())
        drawings.append(strokes)
    results = opened.page.evaluate("""async (drawings) => {
        const { rasterise } = await import('../_static/pad/rasterise.js');
        const { prepareDigit } = await import('../_static/pad/prepare.js');
        return drawings.map((strokes) => {
            const image = rasterise(strokes);
            let prepared;
            try { prepared = Array.from(prepareDigit(image, 280, 280)); } catch (error) { prepared = error.message; }
            return { image: Array.from(image), prepared };
        });
    }""", drawings)
    for number, (strokes, result) in enumerate(zip(drawings, results)):
        image = drawing_pad.rasterise(strokes)
        differing = int((np.array(result["image"]).reshape(280, 280) != image).sum())
        assert differing == 0, f"drawing {number}: {differing} pixels differ from Pillow's"
        try:
            prepared = drawing_pad.prepare_digit(image)
        except ValueError:
            assert isinstance(result["prepared"], str), f"drawing {number}: Python refused it, the pad did not"
            continue
        assert np.array_equal(np.array(result["prepared"]).reshape(28, 28), prepared), f"drawing {number}"


def test_the_pad_says_what_is_wrong_with_an_empty_pad_or_a_dot(visit):
    import drawing_pad

    opened = visit("site/draw.html")
    opened.page.wait_for_selector("#mnist-pad[data-ready=true]", timeout=60_000)
    reading = draw(opened.page, [[[140.0, 140.0], [141.0, 141.0]]])
    assert reading["problem"] == drawing_pad.drawing_problem(reading["strokes"])
    opened.page.locator("[data-testid=pad-clear]").click()
    opened.page.wait_for_function("window.mnistPad.last.strokes.length === 0")
    assert opened.page.evaluate("window.mnistPad.last.problem").startswith("The pad is empty")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
