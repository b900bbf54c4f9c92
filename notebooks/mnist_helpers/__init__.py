"""Helpers for the MNIST course notebooks, one module per job.

The lessons live in the notebooks; these modules hold what several notebooks share, so
that each notebook can show the code that matters. Import from the package itself, in one
line: ``from mnist_helpers import load_mnist, show_digits``.

* ``data``: ``load_mnist()`` reads the bundled ``data/mnist.npz`` and checks it; it never
  downloads anything.
* ``plots``: a grid of digits, training curves, a confusion matrix and a probability bar
  chart, all titled and labelled.
* ``images``: any picture (file, bytes, Pillow image, array) -> an upright greyscale array.
* ``digits``: ``prepare_digit()`` turns a picture of one handwritten digit into MNIST's
  28x28 format; ``predict_digit()`` and ``model_probabilities()`` ask a model about it.
* ``networks``: ``load_network()`` and ``save_network()``: the student's trained network in
  ``my_models/`` when there is one, the course's in ``models/`` otherwise.
* ``architectures``: the layers of the course's two networks, written once; ``models/`` holds
  only their trained weights.
* ``notebook_setup``: ``start_notebook()``, the one call at the top of every notebook
  (quiet TensorFlow, repeatable training, figures readable on a projector).

The package imports NumPy and Matplotlib; Pillow is imported when an image is prepared and
pillow-heif only when a HEIC photo arrives.
"""

from .data import DATA_FILE, EXPECTED, MnistDataError, load_mnist
from .digits import (
    crop_and_thicken,
    fit_in_frame,
    model_probabilities,
    normalise_polarity,
    predict_digit,
    prepare_digit,
    remove_background,
)
from .images import to_grey
from .networks import load_network, save_network
from .notebook_setup import quiet_stderr, start_notebook
from .plots import plot_confusion_matrix, plot_history, plot_probabilities, show_digits

__all__ = [
    "DATA_FILE",
    "EXPECTED",
    "MnistDataError",
    "crop_and_thicken",
    "fit_in_frame",
    "load_mnist",
    "load_network",
    "model_probabilities",
    "normalise_polarity",
    "plot_confusion_matrix",
    "plot_history",
    "plot_probabilities",
    "predict_digit",
    "prepare_digit",
    "quiet_stderr",
    "remove_background",
    "save_network",
    "show_digits",
    "start_notebook",
    "to_grey",
]
