"""Trained networks: the course's shipped ones in ``models/``, and the student's own.

``save_network(model, name)`` keeps a network a notebook trained in ``my_models/NAME.keras``
(next to ``models/``; git ignores the folder). ``load_network(name)`` returns the student's
network when that file exists and the course's otherwise, and prints which it loaded, so a
student sees at once whose network answers.

The course's networks are shipped as weights only, ``models/NAME.weights.h5``: ``shipped_network``
builds the layers from ``architectures.py`` and loads the weights into them, which works in every
Keras 3 the course supports (3.12 to 3.15). The student's own network is a whole-model ``.keras``
file, saved and loaded by the same Keras.

Every network of the course takes MNIST images as they come: arrays of shape (n, 28, 28) with
pixel values from 0 to 255. Its first layers flatten (dense) or add a channel axis (convnet)
and scale the values to 0-1.

The environment variable ``MNIST_MY_MODELS`` moves the student's folder elsewhere: the test
suite points it at an empty temporary folder for each notebook, so that stored outputs come
from the shipped networks. Messages always name the folder ``my_models/``.
"""

import os
from pathlib import Path

from .architectures import build_network

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = ROOT / "models"
MY_MODELS_SHOWN = "my_models"
LABELS = {"dense": "dense network", "convnet": "convnet"}  # the names load/save_network accept
NAMES = tuple(LABELS)
WHERE_TRAINED = {"dense": "notebooks 01 and 06 train and save one", "convnet": "no notebook saves one yet"}


def my_models_folder():
    """Where ``save_network`` writes: ``my_models/`` or ``$MNIST_MY_MODELS``."""
    return Path(os.environ.get("MNIST_MY_MODELS") or ROOT / MY_MODELS_SHOWN)


def _check_name(name):
    if name not in NAMES:
        raise ValueError(f"Unknown network {name!r}: use one of {', '.join(map(repr, NAMES))}.")


def save_network(model, name):
    """Save ``model`` as the student's ``name`` network ("dense" or "convnet"); print where."""
    _check_name(name)
    folder = my_models_folder()
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / f"{name}.keras")
    print(f"Saved your network as {MY_MODELS_SHOWN}/{name}.keras: later notebooks will use it.")


def shipped_file(name, folder=SHIPPED):
    """The weights file of the course's ``name`` network: ``models/NAME.weights.h5``."""
    return Path(folder) / f"{name}.weights.h5"


def shipped_network(name, folder=SHIPPED):
    """The course's trained ``name`` network: its layers built in code, its weights from ``folder``."""
    _check_name(name)
    path = shipped_file(name, folder)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: it holds the course's trained {LABELS[name]}. Restore it with "
            f"`git checkout -- models/`, or retrain it with `python -m tools.train_models`.")
    model = build_network(name)
    model.load_weights(path)
    return model


def load_network(name):
    """The student's ``name`` network if ``my_models/NAME.keras`` exists, else the course's."""
    import keras

    _check_name(name)
    mine = my_models_folder() / f"{name}.keras"
    if mine.exists():
        model = keras.models.load_model(mine)
        print(f"Using your {LABELS[name]} ({MY_MODELS_SHOWN}/{name}.keras).")
    else:
        model = shipped_network(name)
        print(f"Using the course's trained {LABELS[name]} (models/{shipped_file(name).name}); "
              f"yours will be used once you have one ({WHERE_TRAINED[name]}).")
    return model
