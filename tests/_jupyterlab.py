"""Shared by the browser tests: a scratch JupyterLab server, and headless Chromium driving it.

Used by tests/test_jupyterlab_e2e.py (one notebook), tests/test_drawing_pad_browser.py (the
drawing pad) and tests/test_course_e2e.py (the whole course under a 2 GB memory limit).
Everything happens in a scratch folder, so the repository is never modified:

* ``make_scratch_folder`` puts cleared copies of notebooks into ``<folder>/notebooks`` and
  links the helpers (the ``mnist_helpers`` package, ``drawing_pad.py``), ``data`` and
  ``models``, so every path and import a notebook uses (``../data``, ``../models``, the
  loader's own ``data/``) resolves as in the repository.
* ``jupyterlab_server`` starts JupyterLab on 127.0.0.1 with a random port and token and the
  course's settings (the repository's ``binder/overrides.json``: closing a notebook's tab
  shuts its kernel down, and no "Jupyter news" question pops up), and stops it afterwards.
* ``serve_notebooks`` does both for one test: skip without a browser, copy the notebooks,
  serve the folder.
* ``chromium_page`` opens a page in Debian's /usr/bin/chromium, driven by Playwright.
* ``open_notebook``, ``run_all_cells`` and ``wait_until_all_cells_ran`` do what a student does;
  ``notifications`` lists the pop-ups (toasts, dialogs) JupyterLab shows.
"""

import contextlib
import importlib.util
import json
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
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Settings for the scratch server, besides binder/overrides.json.
SETTINGS = {
    # render every cell (no virtual scrolling), so the page shows all outputs
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

# The state of one open notebook, read from JupyterLab's own model of it: how many code cells
# have an execution count, the kernel's status, and any error or stderr output.
NOTEBOOK_STATE_JS = """(path) => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.context?.path === path);
    if (!panel) return null;
    const cells = [...panel.content.model.cells].filter(cell => cell.type === 'code');
    const problems = [];
    for (const cell of cells) {
        for (let i = 0; i < cell.outputs.length; i++) {
            const output = cell.outputs.get(i).toJSON();
            if (output.output_type === 'error') problems.push(`${output.ename}: ${output.evalue}`);
            if (output.output_type === 'stream' && output.name === 'stderr') problems.push(`stderr: ${output.text}`);
        }
    }
    return {
        current: window.jupyterapp.shell.currentWidget === panel,
        codeCells: cells.length,
        ran: cells.filter(cell => cell.executionCount !== null).length,
        kernel: panel.sessionContext.session?.kernel?.status ?? 'none',
        problems,
    };
}"""

# What JupyterLab shows of its notifications: the toasts and dialogs on the page (their texts), and the
# number on the status bar's bell, which counts notifications not yet read, shown or not.
NOTIFICATIONS_JS = """() => ({
    shown: [...document.querySelectorAll('.Toastify__toast, .jp-Dialog')].map(element => element.innerText.trim()),
    unread: Number(document.querySelector('.jp-Notification-Status-Text')?.innerText.trim() || 0),
})"""


def require_browser():
    """Skip (in CI: fail) unless Chromium and Playwright are installed."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    require(importlib.util.find_spec("playwright"), "playwright is not installed: install requirements-dev.txt")


def make_scratch_folder(folder, notebooks):
    """Cleared copies of ``notebooks`` (file names) in folder/notebooks, with links to the rest."""
    (folder / "notebooks").mkdir()
    for name in notebooks:
        # outputs cleared, so every result on screen comes from this run
        notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, folder / "notebooks" / name)
    # links, so ../data and ../models work, the helpers (the mnist_helpers package, drawing_pad.py)
    # import, and the loader (which follows the link of mnist_helpers/) finds data/
    for module in sorted((ROOT / "notebooks").glob("[!0-9]*.py")):  # not nbqa's temporary notebook copies
        (folder / "notebooks" / module.name).symlink_to(module)
    (folder / "notebooks" / "mnist_helpers").symlink_to(ROOT / "notebooks" / "mnist_helpers")
    (folder / "data").symlink_to(ROOT / "data")
    (folder / "models").symlink_to(ROOT / "models")


def write_user_settings(settings_dir):
    """JupyterLab user settings: binder/overrides.json (what Binder and `make lab` use) plus SETTINGS."""
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    for plugin_id in sorted(set(overrides) | set(SETTINGS)):
        values = {**overrides.get(plugin_id, {}), **SETTINGS.get(plugin_id, {})}
        package, plugin = plugin_id.split(":")
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """A running scratch server: its address, token, process and log."""

    def __init__(self, base, token, process, log_path):
        self.base, self.token, self.process, self.log_path = base, token, process, log_path

    def url(self, path):
        return f"{self.base}/{path}?token={self.token}"

    def api(self, path):
        """GET a REST endpoint (e.g. "api/kernels") and return its JSON."""
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            return json.load(response)

    def log(self):
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def serve_notebooks(folder, notebooks):
    """Skip without a browser; else copy ``notebooks`` into ``folder`` and serve it with JupyterLab."""
    require_browser()
    make_scratch_folder(folder, notebooks)
    with jupyterlab_server(folder) as server:
        yield server


@contextlib.contextmanager
def jupyterlab_server(folder, command_prefix=()):
    """Run JupyterLab serving ``folder`` until the block ends.

    ``command_prefix`` is put before the server's command line (the course test uses it to
    start the server inside a memory cgroup).
    """
    write_user_settings(folder / "settings")
    port, token = free_port(), secrets.token_hex(16)
    # No TF_ENABLE_ONEDNN_OPTS here: each notebook chooses it (08 and 09 switch oneDNN on), as on
    # Binder, unless the environment pytest was started with sets it (make test-portable).
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "config"), JUPYTER_DATA_DIR=str(folder / "data-dir"),
               TF_CPP_MIN_LOG_LEVEL="3")
    log_path = folder / "jupyterlab.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command_prefix, sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={folder}", f"--LabApp.workspaces_dir={folder / 'workspaces'}",
             f"--LabApp.user_settings_dir={folder / 'settings'}", "--ServerApp.allow_root=True",
             "--LabApp.expose_app_in_browser=True"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        server = JupyterLab(f"http://127.0.0.1:{port}", token, process, log_path)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    server.api("api/status")
                    break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + server.log()[-3000:])
                time.sleep(0.5)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def chromium_page(width=1400, height=1000):
    """A page in headless Chromium (outside any cgroup the server runs in), ``width`` x ``height`` CSS pixels."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def wait_for_notebook(page, path, timeout_ms=90_000):
    """Wait until the notebook at ``path`` (relative to the server's root) is open, current and idle."""
    page.wait_for_function(
        """(path) => {
            const panel = window.jupyterapp?.shell.currentWidget;
            return panel?.context?.path === path && panel.content.widgets.length > 0
                && panel.sessionContext.session?.kernel?.status === 'idle';
        }""",
        arg=path, timeout=timeout_ms,
    )


def open_notebook(page, server, path):
    """Open the notebook at ``path`` by its URL, as a student opening a link to it would."""
    page.goto(server.url(f"lab/tree/{path}"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    wait_for_notebook(page, path)


def notifications(page):
    """JupyterLab's notifications now: ``{"shown": [texts of toasts and dialogs], "unread": count}``."""
    return page.evaluate(NOTIFICATIONS_JS)


def run_all_cells(page):
    """Run ▸ Run All Cells, in the current notebook."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-content").get_by_text("Run All Cells", exact=True).click()


def notebook_state(page, path):
    """The state of the open notebook at ``path`` (see NOTEBOOK_STATE_JS), or None if it is not open."""
    return page.evaluate(NOTEBOOK_STATE_JS, path)


def wait_until_all_cells_ran(page, path, timeout_s, check=None):
    """Wait until every code cell of the notebook at ``path`` has an execution count and its kernel is idle.

    Fails at once when a cell shows an error or stderr output. ``check``, if given, is called
    about once a second while waiting (the course test watches memory and kernels with it).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        state = notebook_state(page, path)
        assert state is not None, f"{path} is no longer open in JupyterLab"
        assert not state["problems"], f"{path} shows an error or stderr output:\n" + "\n".join(state["problems"])
        if state["ran"] == state["codeCells"] and state["kernel"] == "idle":
            return state
        if check is not None:
            check()
        assert time.monotonic() < deadline, (
            f"{path}: after {timeout_s} s only {state['ran']} of {state['codeCells']} code cells have run "
            f"(kernel {state['kernel']})")
        time.sleep(1)
