"""The bundled MNIST data: ``load_mnist()`` reads ``data/mnist.npz`` and checks it.

Nothing is ever downloaded: a missing or damaged file raises an error that says how to
restore it. Tested by ``tests/test_mnist_helpers.py``.
"""

import hashlib
import zipfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DATA_FILE = REPO_ROOT / "data" / "mnist.npz"

# What the bundled file holds: key -> (shape, SHA-256 of the array's bytes).
# The values come from tools/idx_to_npz.py run on the canonical IDX files.
EXPECTED = {
    "x_train": ((60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ((60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ((10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ((10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}

RESTORE_HINT = (
    "Restore it with `git checkout -- data/mnist.npz` (or clone the repository again), "
    "or rebuild it from the raw IDX files with `python -m tools.idx_to_npz` (see data/README.md)."
)


class MnistDataError(ValueError):
    """The MNIST data file exists but does not hold the expected data."""



def load_mnist(path=None, verify=True):
    """Load MNIST as ``(train_images, train_labels), (test_images, test_labels)``.

    The result is identical to ``keras.datasets.mnist.load_data()``: uint8
    images of shape (n, 28, 28) with values 0-255 and uint8 labels 0-9. It is
    read from the bundled ``data/mnist.npz``, so nothing is downloaded.

    Parameters
    ----------
    path : str or Path, optional
        The npz file to read; by default the bundled ``data/mnist.npz``.
    verify : bool
        When True (the default), also check that each array has MNIST's exact
        shape and SHA-256 checksum. Structure (keys, dtypes, 28x28 images,
        labels 0-9, matching lengths) is always checked.

    Raises
    ------
    FileNotFoundError
        The file does not exist (with instructions to restore it).
    MnistDataError
        The file is corrupt, truncated, or holds the wrong keys, dtypes,
        shapes, values or checksums. The message names the file.
    """
    path = Path(DATA_FILE if path is None else path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file. {RESTORE_HINT}")

    arrays = _read_npz(path)
    _check_structure(path, arrays)
    if verify:
        _check_checksums(path, arrays)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_npz(path):
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = sorted(npz.files)
            if keys != sorted(EXPECTED):
                raise MnistDataError(
                    f"{path}: holds the keys {keys}, but an MNIST file must hold exactly "
                    f"{sorted(EXPECTED)}. {RESTORE_HINT}"
                )
            return {key: npz[key] for key in EXPECTED}
    except MnistDataError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise MnistDataError(
            f"{path}: cannot be read as an npz file; it is corrupt or truncated ({error}). {RESTORE_HINT}"
        ) from error


def _check_structure(path, arrays):
    for key, array in arrays.items():
        if array.dtype != np.uint8:
            raise MnistDataError(f"{path}: {key} has dtype {array.dtype}, expected uint8. {RESTORE_HINT}")
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise MnistDataError(
                f"{path}: x_{split} has shape {images.shape}, expected (n, 28, 28). {RESTORE_HINT}"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise MnistDataError(
                f"{path}: y_{split} has shape {labels.shape}, expected ({len(images)},) "
                f"to match x_{split}. {RESTORE_HINT}"
            )
        if labels.size and labels.max() > 9:
            raise MnistDataError(f"{path}: y_{split} holds the label {labels.max()}; labels must be 0-9.")


def _check_checksums(path, arrays):
    for key, (shape, sha256) in EXPECTED.items():
        if arrays[key].shape != shape:
            raise MnistDataError(
                f"{path}: {key} has shape {arrays[key].shape}, but MNIST's is {shape}. {RESTORE_HINT}"
            )
        actual = hashlib.sha256(arrays[key].tobytes()).hexdigest()
        if actual != sha256:
            raise MnistDataError(
                f"{path}: {key} has SHA-256 {actual[:12]}..., expected {sha256[:12]}...; "
                f"the data was changed. {RESTORE_HINT}"
            )
