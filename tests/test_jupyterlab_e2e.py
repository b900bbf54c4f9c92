"""End to end: a real JupyterLab in a real (headless) Chromium runs a notebook with no error.

The test starts JupyterLab on 127.0.0.1 with a random port and token, in a scratch folder that
holds a copy of the notebook (so the repository is never modified), opens it in Debian's
Chromium driven by Playwright, runs all cells through the Run menu, waits until every code
cell has finished, checks that no pop-up (toast, dialog) greeted the notebook and that no cell
shows an error or stderr output, and saves a
screenshot to artifacts/. Set MNIST_E2E_NOTEBOOK to try another notebook. The server and
browser set-up is shared with tests/test_course_e2e.py (tests/_jupyterlab.py).

Needs /usr/bin/chromium (Debian/Ubuntu: apt-get install chromium) and playwright (from
requirements-dev.txt); without them it is skipped, unless MNIST_REQUIRE_ALL_CHECKS=1 (CI).
"""

import os
from pathlib import Path

import _jupyterlab as lab
import pytest

# JupyterLab's page in Chromium: the same on every computer, so make test-portable leaves it out.
pytestmark = pytest.mark.browser
NOTEBOOK = os.environ.get("MNIST_E2E_NOTEBOOK", "04_the_model.ipynb")


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a random port with a random token, serving a scratch copy."""
    with lab.serve_notebooks(tmp_path, [NOTEBOOK]) as server:
        yield server


def test_notebook_runs_in_jupyterlab_without_errors(jupyterlab):
    lab.ARTIFACTS.mkdir(exist_ok=True)
    screenshot = lab.ARTIFACTS / f"jupyterlab-{Path(NOTEBOOK).stem}.png"
    path = f"notebooks/{NOTEBOOK}"

    with lab.chromium_page() as page:
        asked = []  # JupyterLab's news and update checks: the course's settings switch both off
        page.on("request", lambda request: asked.append(request.url)
                if "/lab/api/news" in request.url or "/lab/api/update" in request.url else None)
        try:
            lab.open_notebook(page, jupyterlab, path)
            # a fresh JupyterLab with the course's settings asks nothing (no "Jupyter news" question)
            assert lab.notifications(page) == {"shown": [], "unread": 0}
            lab.run_all_cells(page)
            # The notebook's own model says which code cells have run (an execution count).
            state = lab.wait_until_all_cells_ran(page, path, timeout_s=300)
            assert state["codeCells"] > 5, f"{NOTEBOOK} should have more than 5 code cells"

            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            images = page.locator(".jp-OutputArea-output img")
            assert errors.count() == 0, errors.first.inner_text()
            assert stderr.count() == 0, stderr.first.inner_text()
            assert images.count() >= 1, "the notebook's plots should be rendered"
        finally:
            page.screenshot(path=str(screenshot), full_page=False)
    assert screenshot.stat().st_size > 10_000
    assert asked == [], f"JupyterLab asked the internet for news or updates: {asked}"
