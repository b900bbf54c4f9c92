"""End to end: a real JupyterLab in a real (headless) Chromium runs a notebook with no error.

The test starts JupyterLab on 127.0.0.1 with a random port and token, in a scratch folder that
holds a copy of the notebook (so the repository is never modified), opens it in Debian's
Chromium driven by Playwright, runs all cells through the Run menu, waits until every code
cell has finished, checks that no cell shows an error or stderr output, and saves a
screenshot to artifacts/. Set MNIST_E2E_NOTEBOOK to try another notebook.

Needs /usr/bin/chromium (Debian/Ubuntu: apt-get install chromium) and playwright (from
requirements-dev.txt); without them it is skipped, unless MNIST_REQUIRE_ALL_CHECKS=1 (CI).
"""

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from _require import require

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = os.environ.get("MNIST_E2E_NOTEBOOK", "04_the_model.ipynb")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a random port with a random token, serving a scratch copy."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    (tmp_path / "notebooks").mkdir()
    # a copy with outputs cleared, so every result on screen comes from this run
    notebook = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, tmp_path / "notebooks" / NOTEBOOK)
    # render every cell (no virtual scrolling), so the page shows all outputs
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    # no "Jupyter news" pop-up, and no attempt to fetch news from the internet
    notifications = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True)
    (notifications / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # a link, so the helper module still finds the repository's data/ folder
    (tmp_path / "notebooks" / "mnist_helpers.py").symlink_to(ROOT / "notebooks" / "mnist_helpers.py")

    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    log = open(tmp_path / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={tmp_path}", f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
         f"--LabApp.user_settings_dir={tmp_path / 'settings'}", "--ServerApp.allow_root=True",
         "--LabApp.expose_app_in_browser=True"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_notebook_runs_in_jupyterlab_without_errors(jupyterlab):
    require(importlib.util.find_spec("playwright"), "playwright is not installed: install requirements-dev.txt")
    from playwright.sync_api import sync_playwright
    base, token = jupyterlab
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / f"jupyterlab-{Path(NOTEBOOK).stem}.png"

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)

            page.wait_for_function("window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel",
                                   timeout=90_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-content").get_by_text("Run All Cells", exact=True).click()

            # The notebook's own model says which code cells have run (an execution count).
            page.wait_for_function(
                """() => {
                    const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells]
                        .filter(cell => cell.type === 'code');
                    return cells.length > 5 && cells.every(cell => cell.executionCount !== null);
                }""",
                timeout=300_000,
            )
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)

            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            images = page.locator(".jp-OutputArea-output img")
            assert errors.count() == 0, errors.first.inner_text()
            assert stderr.count() == 0, stderr.first.inner_text()
            assert images.count() >= 1, "the notebook's plots should be rendered"
        finally:
            page.screenshot(path=str(screenshot), full_page=False)
            browser.close()
    assert screenshot.stat().st_size > 10_000
