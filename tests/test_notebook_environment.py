"""The oneDNN choice of a notebook's set-up call reaches TensorFlow under `make test`, and is
overridden under `make test-portable`, as docs/maintaining.md says.

``start_notebook(fast_convolutions=True)`` (notebooks 08 and 09) switches TensorFlow's oneDNN
kernels on, ``start_notebook()`` (every other notebook) leaves them off, in both cases unless
``TF_ENABLE_ONEDNN_OPTS`` is already in the environment. `make test` passes no such variable, so
08's kernel must see "1" and 01's "0"; `make test-portable` passes TF_ENABLE_ONEDNN_OPTS=0 (see
the Makefile), so both must see "0". The kernel here is started exactly as nbval starts a
notebook's kernel under ``--nbval-current-env`` (nbval.kernel.RunningKernel: the kernel of this
Python, in notebooks/, with a copy of os.environ), runs the notebook's set-up cell as stored,
and reports the variable and whether TensorFlow itself has oneDNN on. No training: a few seconds
per kernel.

The case that matches how this pytest was started leaves os.environ as it is, which is what the
notebooks' own kernels get in this run: a test module that changed the variable while being
collected (as tests/test_drawing_pad.py once did) makes it fail. The other case sets the variable
the way the other make target does.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel

from tools import set_repository

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
VARIABLE = "TF_ENABLE_ONEDNN_OPTS"
# what each make target puts into the environment pytest starts with (Makefile)
MAKE_TARGETS = {"make test": None, "make test-portable": "0"}

# Run in the kernel after the notebook's first cell: the variable, and what TensorFlow decided
# from it (IsMklEnabled: whether TensorFlow's oneDNN optimisations are on in this process).
PROBE = """
import json as _json, os as _os
from tensorflow.python.util import _pywrap_util_port as _port
print(_json.dumps([_os.environ.get("TF_ENABLE_ONEDNN_OPTS"), bool(_port.IsMklEnabled())]))
"""
# A notebook that switches oneDNN on, and one that leaves it off: the value each one's kernel must
# see when the environment says nothing.
OWN_CHOICE = {"08_convnet.ipynb": "1", "01_first_network.ipynb": "0"}
FAST_CONVOLUTIONS = ("08_convnet.ipynb", "09_improving_the_convnet.ipynb")


def first_code_cell(name):
    """The set-up cell: the first code cell after the course-files cell (tools/set_repository.py)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    course_files = set_repository.course_files_cell(notebook)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code" and cell is not course_files)


def run_in_kernel(kernel, code):
    """Run ``code`` in the kernel; return its stdout, or fail with the error it raised."""
    stdout, errors = [], []

    def collect(message):
        if message["msg_type"] == "stream" and message["content"]["name"] == "stdout":
            stdout.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            errors.append("\n".join(message["content"]["traceback"]))

    reply = kernel.kc.execute_interactive(code, timeout=120, output_hook=collect)
    assert reply["content"]["status"] == "ok" and not errors, f"the kernel raised:\n{''.join(errors)}"
    return "".join(stdout)


def onednn_seen(code):
    """(TF_ENABLE_ONEDNN_OPTS, whether TensorFlow has oneDNN on) in a kernel started as nbval starts
    one, after it ran ``code``."""
    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(NOTEBOOKS), startup_timeout=60)  # as nbval does
    try:
        run_in_kernel(kernel, code)
        return tuple(json.loads(run_in_kernel(kernel, PROBE).splitlines()[-1]))
    finally:
        kernel.stop()


@pytest.mark.parametrize("name", FAST_CONVOLUTIONS)
def test_the_convnet_notebooks_ask_for_fast_convolutions(name):
    assert re.search(r"^start_notebook\(fast_convolutions=True\)$", first_code_cell(name), re.MULTILINE)


def set_as(target, environ_at_start, monkeypatch):
    """Make os.environ's TF_ENABLE_ONEDNN_OPTS what `target` passes; return that value (None: unset)."""
    outer = MAKE_TARGETS[target]
    if environ_at_start.get(VARIABLE) != outer:  # not how this run was started: set it as `target` does
        if outer is None:
            monkeypatch.delenv(VARIABLE, raising=False)
        else:
            monkeypatch.setenv(VARIABLE, outer)
    return outer


@pytest.mark.parametrize("name", OWN_CHOICE)
@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_the_notebooks_kernel_sees_the_setting_for_the_make_target(name, target, environ_at_start, monkeypatch):
    expected = set_as(target, environ_at_start, monkeypatch) or OWN_CHOICE[name]  # the environment wins
    seen, onednn_on = onednn_seen(first_code_cell(name))
    assert seen == expected, (
        f"under {target}, {name}'s kernel sees {VARIABLE}={seen!r}, not {expected!r}: something put the "
        "variable into the environment the notebook kernels inherit, or the set-up call chose wrongly")
    assert onednn_on == (expected == "1"), (
        f"TensorFlow's oneDNN is {'on' if onednn_on else 'off'} with {VARIABLE}={seen}")


@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_start_notebook_itself_applies_the_choice(target, environ_at_start, monkeypatch):
    """The set-up call alone, independent of how a notebook's first cell looks today."""
    outer = set_as(target, environ_at_start, monkeypatch)
    code = "from mnist_helpers import start_notebook\nstart_notebook(fast_convolutions=True)\nimport keras\n"
    assert onednn_seen(code) == (outer or "1", (outer or "1") == "1")
