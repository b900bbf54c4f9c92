"""Notebook set-up: keep TensorFlow's start-up notices out of the notebook."""

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_stderr():
    """Silence everything written to the process's standard error inside the block.

    TensorFlow's C++ start-up notices bypass Python and its log-level settings
    and go straight to file descriptor 2, which Jupyter shows in red. Use this
    only around ``import tensorflow`` / ``import keras``: errors raised inside
    the block still propagate as usual.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
