"""Notebook set-up: one call at the top of every notebook, before Keras is imported.

``start_notebook()`` keeps TensorFlow's start-up notices out of the notebook, makes training
repeatable (the same numbers every time the notebook runs from the top on the same computer)
and makes figures readable on a projector. ``quiet_stderr()`` is the piece that hides the
notices, for code that imports TensorFlow itself.
"""

import contextlib
import os
import sys

FONT_SIZE = 13  # figures readable on a projector


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


def start_notebook(seed=0, fast_convolutions=False):
    """Set TensorFlow up for a notebook of the course; call it before ``import keras``.

    * TensorFlow's log messages and C++ start-up notices are hidden.
    * ``keras.utils.set_random_seed(seed)`` and TensorFlow's op determinism: a notebook run
      from the top (after restarting the kernel) trains to the same numbers every time on the
      same computer. Another computer adds floating-point sums in another order, so its
      numbers differ a little.
    * ``fast_convolutions=True`` switches on TensorFlow's oneDNN kernels, several times faster
      for convolutions (the convnet notebooks); otherwise they are off, which keeps dense
      networks' numbers the same on every kind of x86 processor. A value already in the
      environment variable ``TF_ENABLE_ONEDNN_OPTS`` wins, so a maintainer can test either way.
    * Matplotlib's font size becomes 13 points.

    The oneDNN choice only takes effect if TensorFlow is not imported yet: call this first.
    """
    if "tensorflow" in sys.modules and "TF_ENABLE_ONEDNN_OPTS" not in os.environ:
        raise RuntimeError(
            "start_notebook() must run before Keras or TensorFlow is imported. "
            "Restart the kernel (Kernel > Restart Kernel) and run the notebook from the top."
        )
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1" if fast_convolutions else "0")
    with quiet_stderr():
        import keras
        import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    import matplotlib.pyplot as plt

    plt.rcParams["font.size"] = FONT_SIZE
