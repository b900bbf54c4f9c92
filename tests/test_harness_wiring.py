"""The harness is wired as docs/maintaining.md says: its plugins are loaded, every notebook cell
is collected, and pytest's own environment (which every notebook kernel inherits) differs from the
one it was started with only by the kernel settings of tools/notebook_runner.py."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from run_guards import SET_BY_PYTEST, SET_BY_TENSORFLOW

from tools.notebook_runner import KERNEL_ENV, course_notebooks

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("plugin", ["nbval", "nbval_approx", "nbval_figures", "run_guards"])
def test_the_harness_plugins_are_loaded(pytestconfig, plugin):
    assert pytestconfig.pluginmanager.has_plugin(plugin), f"{plugin} is not loaded: see conftest.py"


def test_pytest_collects_every_code_cell_of_every_notebook():
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    collected = {}
    for line in result.stdout.splitlines():
        path, sep, _ = line.partition("::Cell ")
        if sep:
            collected[path] = collected.get(path, 0) + 1
    expected = {f"notebooks/{path.name}": sum(cell.cell_type == "code" for cell in nbformat.read(path, 4).cells)
                for path in course_notebooks()}
    assert collected == expected, result.stdout[-2000:] + result.stderr[-2000:]


def test_pytest_changes_no_environment_variable_but_the_kernel_settings():
    """/proc/self/environ holds the environment this process was started with (Linux)."""
    initial = Path("/proc/self/environ")
    if not initial.exists():
        pytest.skip("needs Linux's /proc")
    started = dict(item.split("=", 1) for item in initial.read_bytes().decode().split("\0") if "=" in item)
    allowed = set(KERNEL_ENV) | SET_BY_TENSORFLOW | SET_BY_PYTEST | {"PYTEST_VERSION"}
    changed = sorted(key for key in set(started) | set(os.environ)
                     if started.get(key) != os.environ.get(key) and key not in allowed)
    assert not changed, f"the notebook kernels would inherit changed variables: {changed}"
