"""prepare_digit() and both shipped networks on real handwriting that is not MNIST.

data/real_digits/optdigits_64px.npz holds 1,797 digits written on paper forms by 13 people and
scanned (UCI optdigits, CC BY 4.0; see data/real_digits/README.md), dark ink on white. The
floors are a few points under what the pipeline and the shipped models reach today (dense
85.5 %, convnet 94.8 %, with the models retrained in 37ccaa7 that take 0-255 pixels and scale
inside); `python -m tools.measure_real_handwriting` prints the same figures with a per-digit
breakdown. About 20 s.
"""

import hashlib

import numpy as np

from mnist_helpers import prepare_digit
from tools import make_real_digits
from tools.measure_real_handwriting import DATA, load_models, load_real_digits, per_digit, predictions, prepare_all

FLOORS = {"dense": 0.81, "convnet": 0.92}  # measured 0.855 and 0.948 (the models of 37ccaa7)
README = DATA.parent / "README.md"


def test_the_bundled_digits_are_the_documented_file():
    digest = hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert digest in README.read_text(), "data/real_digits/README.md states the file's SHA-256"
    with np.load(DATA) as data:
        images, labels, counts = data["images"], data["labels"], data["counts"]
    assert images.shape == (1797, 64, 64) and images.dtype == np.uint8
    assert counts.shape == (1797, 8, 8) and counts.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # each picture is exactly the documented conversion of the data set's own 8x8 counts
    rendered = np.stack([make_real_digits.render(c) for c in counts[:200]])
    assert np.abs(rendered.astype(int) - images[:200]).max() <= 1
    assert images.max() == 255, "white paper"


def test_the_shipped_networks_read_real_handwriting():
    images, labels = load_real_digits()
    prepared = prepare_all(prepare_digit, images)
    assert prepared.reshape(len(prepared), -1).max(axis=1).min() > 0, "every digit was prepared"
    results = {}
    for name, model in load_models().items():
        predicted = predictions(model, prepared)
        results[name] = np.mean(predicted == labels)
        digits = " ".join(f"{digit}:{accuracy:.0%}" for digit, accuracy in enumerate(per_digit(predicted, labels)))
        print(f"{name}: {results[name]:.1%} of {len(labels)} real handwritten digits ({digits})")
    for name, floor in FLOORS.items():
        assert results[name] >= floor, f"{name}: {results[name]:.1%} < {floor:.0%} on real handwriting"

