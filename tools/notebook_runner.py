"""How every tool runs a notebook: as a student's kernel runs it, and as the tests do.

* a fresh ``python3`` kernel of this Python (the environment with the course's packages);
* working directory ``notebooks/``, so ``../data``, ``../models`` and the helper package resolve;
* the kernel inherits this process's environment plus ``KERNEL_ENV`` (the same values
  conftest.py gives the tests' kernels): TensorFlow's C++ log lines silenced and Matplotlib's
  inline backend, so figures are stored as PNG; and ``MNIST_MY_MODELS``, the folder where
  notebooks save and look for the student's own trained networks, moved to a temporary folder
  that is emptied before every notebook (``clear_my_models``), so that each notebook runs as in
  a fresh clone and evaluates the shipped networks. Anything else, such as
  ``TF_ENABLE_ONEDNN_OPTS``, is left to the notebook's ``start_notebook(...)`` call or to whoever
  runs the tool.

Used by tools/record_notebooks.py, tools/measure_spread.py, tools/train_models.py and
tools/benchmark_notebooks.py.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "MNIST_MY_MODELS": str(Path(tempfile.gettempdir()) / f"mnist-my-models-{os.getpid()}"),
}


def clear_my_models():
    """Empty the kernels' ``MNIST_MY_MODELS`` folder: no student network is left from before."""
    shutil.rmtree(os.environ.get("MNIST_MY_MODELS", KERNEL_ENV["MNIST_MY_MODELS"]), ignore_errors=True)


def course_notebooks():
    """The course's notebooks, in order: notebooks/NN_*.ipynb."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


def client(notebook, timeout=1800, **options):
    """An nbclient client for `notebook` (a NotebookNode), set up as described above."""
    for key, value in KERNEL_ENV.items():
        os.environ.setdefault(key, value)
    clear_my_models()
    return NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                          resources={"metadata": {"path": str(NOTEBOOKS)}}, **options)


def run(notebook, timeout=1800, **options):
    """Execute every cell of `notebook` in place; return the seconds it took.

    Raises nbclient's CellExecutionError, naming the cell, if a cell fails. The kernel's own
    start-up chatter on its stderr is dropped; what cells write to stderr still reaches the outputs.
    """
    start = time.perf_counter()
    client(notebook, timeout, **options).execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
