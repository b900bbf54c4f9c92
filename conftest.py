"""Project-wide pytest set-up.

* TensorFlow's C++ logs are silenced before anything imports TensorFlow; with
  ``--nbval-current-env`` the notebook kernels inherit this environment.
* nbval skips comparing stderr: TensorFlow writes C++ log lines there in
  Jupyter but not under nbval, so they can never match. Notebooks must not
  store stderr at all; tests/test_notebook_hygiene.py checks that.
"""

import os

# `# NBVAL_APPROX abs=… rel=…` cells: numbers compared with a tolerance (tests/nbval_approx.py).
# Every stored figure (image/png) compared with the new one within a measured RMS (tests/nbval_figures.py).
pytest_plugins = ["nbval_approx", "nbval_figures"]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
