"""Notebook 07 runs with the oneDNN setting it chooses under `make test`, and flipped under
`make test-portable`, as docs/maintaining.md says.

07's first cell does ``os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")``: oneDNN on, unless
the environment already says otherwise. `make test` passes no such variable, so 07's kernel must
see "1"; `make test-portable` passes TF_ENABLE_ONEDNN_OPTS=0 (see the Makefile), so it must see
"0". The kernel here is started exactly as nbval starts a notebook's kernel under
``--nbval-current-env`` (nbval.kernel.RunningKernel: the kernel of this Python, in notebooks/,
with a copy of os.environ), runs 07's first code cell as stored, and reports the variable and
whether TensorFlow itself has oneDNN on. No training: a few seconds per kernel.

The case that matches how this pytest was started leaves os.environ as it is, which is what
07's own kernel gets in this run: a test module that changed the variable while being collected
(as tests/test_drawing_pad.py once did) makes it fail. The other case sets the variable the way
the other make target does.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
VARIABLE = "TF_ENABLE_ONEDNN_OPTS"
# what each make target puts into the environment pytest starts with (Makefile)
MAKE_TARGETS = {"make test": None, "make test-portable": "0"}

# Run in the kernel after 07's first cell: the variable, and what TensorFlow decided from it
# (IsMklEnabled: whether TensorFlow's oneDNN optimisations are on in this process).
PROBE = """
import json as _json, os as _os
from tensorflow.python.util import _pywrap_util_port as _port
print(_json.dumps([_os.environ.get("TF_ENABLE_ONEDNN_OPTS"), bool(_port.IsMklEnabled())]))
"""


def first_code_cell(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


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


@pytest.mark.parametrize("name", ["08_convnet.ipynb", "09_improving_the_convnet.ipynb"])
def test_notebooks_07_and_08_choose_onednn_on(name):
    assert re.search(rf'^os\.environ\.setdefault\("{VARIABLE}", "1"\)$', first_code_cell(name), re.MULTILINE)


@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_notebook_07s_kernel_sees_the_setting_for_the_make_target(target, environ_at_start, monkeypatch):
    outer = MAKE_TARGETS[target]
    if environ_at_start.get(VARIABLE) != outer:  # not how this run was started: set it as `target` does
        if outer is None:
            monkeypatch.delenv(VARIABLE, raising=False)
        else:
            monkeypatch.setenv(VARIABLE, outer)
    expected = outer or "1"  # 07's own choice, unless the environment says otherwise

    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(NOTEBOOKS), startup_timeout=60)  # as nbval does
    try:
        run_in_kernel(kernel, first_code_cell("08_convnet.ipynb"))
        seen, onednn_on = json.loads(run_in_kernel(kernel, PROBE).splitlines()[-1])
    finally:
        kernel.stop()
    assert seen == expected, (
        f"under {target}, notebook 07's kernel sees {VARIABLE}={seen!r}, not {expected!r}: something put the "
        "variable into the environment the notebook kernels inherit")
    assert onednn_on == (expected == "1"), (
        f"TensorFlow's oneDNN is {'on' if onednn_on else 'off'} with {VARIABLE}={seen}")
