"""Project-wide pytest set-up.

* TensorFlow's C++ logs are silenced before anything imports TensorFlow; with
  ``--nbval-current-env`` the notebook kernels inherit this environment.
* nbval skips comparing stderr: TensorFlow writes C++ log lines there in
  Jupyter but not under nbval, so they can never match. Notebooks must not
  store stderr at all; tests/test_notebook_hygiene.py checks that.
* Every notebook kernel gets tools/notebook_runner.py's KERNEL_ENV, including MNIST_MY_MODELS,
  a temporary folder for the student's own networks (mnist_helpers.networks) that is emptied
  before each notebook's first cell: each notebook runs as in a fresh clone, with the shipped
  networks, and never writes into the repository's my_models/ (tests/test_harness_wiring.py).
* tests/run_guards.py: no test module may change os.environ (the notebook
  kernels inherit it), and with MNIST_REQUIRE_ALL_CHECKS=1 (CI) any skip or
  xfail fails the run.
"""

import os

from tools.notebook_runner import KERNEL_ENV, clear_my_models

# Code cells with "compare" -> "numbers" rules in their metadata: those numbers compared with a
# tolerance, every other number exactly (tests/nbval_approx.py, tools/outputs.py); every stored
# figure (image/png) compared with the new one within a measured RMS (tests/nbval_figures.py,
# tools/figure_compare.py); and the environment and skip guards (tests/run_guards.py).
pytest_plugins = ["nbval_approx", "nbval_figures", "run_guards"]

# what every notebook kernel gets, the same for the tests as for the tools (tools/notebook_runner.py)
for _key, _value in KERNEL_ENV.items():
    os.environ.setdefault(_key, _value)


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_runtest_setup(item):
    # Each notebook starts without a student network saved by an earlier one (MNIST_MY_MODELS).
    if getattr(item, "cell_num", None) == 0 and item.fspath.ext == ".ipynb":
        clear_my_models()
