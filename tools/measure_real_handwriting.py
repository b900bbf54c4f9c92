"""Measure prepare_digit() and the shipped models on real handwriting that is not MNIST.

The digits are data/real_digits/optdigits_64px.npz: 1,797 digits written on paper forms by 13
people and scanned (UCI optdigits, see data/real_digits/README.md), dark ink on white, 64x64
pixels. Each goes through ``prepare_digit()`` as a student's picture would, then to both shipped
networks (models/dense.weights.h5, models/convnet.weights.h5). Prints each model's accuracy and its
accuracy on each digit, 0-9.

Run from the repository root; ``mnist_helpers`` is imported as installed (``make setup``
installs notebooks/ in editable mode), or put notebooks/ first on the path:

    python -m tools.measure_real_handwriting
    PYTHONPATH=notebooks python -m tools.measure_real_handwriting   # this checkout's notebooks/
    python -m tools.measure_real_handwriting --rev bde2677 --rev HEAD   # earlier pipelines too

``--rev`` takes prepare_digit from a git revision's notebooks/mnist_helpers (the single file of
older revisions or the package of newer ones), with the models of this checkout. Preparing the
1,797 digits takes about 15 s per pipeline on one core.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "real_digits" / "optdigits_64px.npz"
MODELS = ("dense", "convnet")


def load_real_digits(path=DATA):
    """``(images, labels)``: uint8 (1797, 64, 64) pictures, dark ink on white, and their digits."""
    with np.load(path) as data:
        return data["images"], data["labels"]


def load_models(names=MODELS):
    """The shipped networks by name: their layers built in code, their weights from models/."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from mnist_helpers.networks import shipped_network

    return {name: shipped_network(name, ROOT / "models") for name in names}


def prepare_all(prepare, images):
    """``prepare`` applied to each picture: uint8 (n, 28, 28), 0-255 as MNIST stores digits, which
    the networks take as they are. A picture it rejects stays blank.

    The pipelines of revisions before 37ccaa7 returned floats in [0, 1]: they are turned into
    0-255 here, so that ``--rev`` compares pipelines, not scales.
    """
    prepared = np.zeros((len(images), 28, 28), dtype=np.uint8)
    for index, image in enumerate(images):
        try:
            digit = np.asarray(prepare(image))
        except ValueError:
            continue  # a blank frame: counted as a mistake unless the model happens to say the digit
        prepared[index] = np.round(digit * 255) if digit.dtype.kind == "f" else digit
    return prepared


def predictions(model, prepared):
    """The digit ``model`` picks for each prepared 28x28 image (given as it is, 0-255)."""
    batch = prepared.reshape((len(prepared),) + tuple(model.input_shape[1:]))
    return np.argmax(model.predict(batch, batch_size=256, verbose=0), axis=1)


def per_digit(predicted, labels):
    """Accuracy on each digit 0-9."""
    return np.array([np.mean(predicted[labels == digit] == digit) for digit in range(10)])


def prepare_digit_at(rev):
    """``prepare_digit`` as it was at git revision ``rev`` (the module, or the package, of notebooks/)."""
    kind = subprocess.run(["git", "cat-file", "-t", f"{rev}:notebooks/mnist_helpers"], cwd=ROOT,
                          capture_output=True, text=True)
    folder = Path(tempfile.mkdtemp(prefix="mnist_helpers_"))
    name = f"mnist_helpers_at_{rev.replace('~', '_').replace('^', '_')}"
    if kind.returncode == 0 and kind.stdout.strip() == "tree":
        archive = subprocess.run(["git", "archive", rev, "notebooks/mnist_helpers"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "x", "-C", str(folder)], input=archive, check=True)
        package = folder / "notebooks" / "mnist_helpers"
        spec = importlib.util.spec_from_file_location(name, package / "__init__.py",
                                                      submodule_search_locations=[str(package)])
    else:
        source = subprocess.run(["git", "show", f"{rev}:notebooks/mnist_helpers.py"], cwd=ROOT,
                                capture_output=True, check=True).stdout
        (folder / f"{name}.py").write_bytes(source)
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a package's relative imports look itself up here
    spec.loader.exec_module(module)
    return module.prepare_digit


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rev", action="append",
                        help="measure prepare_digit at this git revision (repeatable); default: the imported one")
    args = parser.parse_args(argv)

    images, labels = load_real_digits()
    models = load_models()
    if args.rev:
        pipelines = {rev: prepare_digit_at(rev) for rev in args.rev}
    else:
        import mnist_helpers

        pipelines = {f"mnist_helpers ({Path(mnist_helpers.__file__).parent})": mnist_helpers.prepare_digit}
    print(f"{len(labels)} real handwritten digits (UCI optdigits, 64x64, dark ink on white)")
    for title, prepare in pipelines.items():
        start = time.perf_counter()
        prepared = prepare_all(prepare, images)
        seconds = time.perf_counter() - start
        print(f"\nprepare_digit from {title}: {seconds:.0f} s")
        print(f"{'model':8s} {'accuracy':>8s}   % right for each digit: "
              + " ".join(f"{digit:>5d}" for digit in range(10)))
        for name, model in models.items():
            predicted = predictions(model, prepared)
            accuracy = np.mean(predicted == labels)
            print(f"{name:8s} {accuracy:8.1%}   {'':24s}"
                  + " ".join(f"{100 * a:5.1f}" for a in per_digit(predicted, labels)))


if __name__ == "__main__":
    main()
