"""What notebooks 02 (the data) and 03 (preprocessing) say in prose and solutions, recomputed.

The notebooks show most of their numbers in outputs, which nbval compares. These are the
statements no output shows, or that an output only shows for one case: the label balance's
wording, the values quoted from image 0, the memory of a scaled copy, that the untrained
networks with and without Rescaling guess alike, and the numbers in the solutions.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from mnist_helpers import load_mnist

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from keras import layers  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def cell_source(notebook, cell_id):
    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    return next(cell.source for cell in cells if cell.get("id") == cell_id)


def exercises(notebook):
    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    return next(cell.metadata["exercises"] for cell in cells if "exercises" in cell.metadata)


def dense_network():
    """The notebook's own dense_network(scale), from its cell under "Why 0 to 1?"."""
    source = cell_source("03_preprocessing.ipynb", "c0300023").split("\n\n\nfor scale")[0]
    namespace = {"keras": keras, "layers": layers}
    exec(source, namespace)
    return namespace["dense_network"]


# --- 02 · The data ---------------------------------------------------------------------------

def test_02_every_digit_is_about_9_to_11_percent_the_1_most_common_the_5_rarest(mnist):
    (_, train_labels), (_, test_labels) = mnist
    for labels in (train_labels, test_labels):
        shares = 100 * np.bincount(labels, minlength=10) / len(labels)
        assert 8.5 <= shares.min() and shares.max() < 11.5, shares
        assert shares.argmax() == 1 and shares.argmin() == 5


def test_02_image_0_has_the_soft_edge_values_the_text_quotes(mnist):
    (train_images, train_labels), _ = mnist
    digit = train_images[0]
    assert train_labels[0] == 5
    assert {18, 94} <= set(digit.ravel().tolist())
    assert digit.max() == 255 and (digit == 253).sum() > 50   # "not only 0 and about 250"


def test_02_solutions(mnist):
    (train_images, train_labels), (_, test_labels) = mnist
    assert (test_labels == 7).sum() == 1028   # exercise 1
    assert train_labels[7] == 3               # exercise 3: index = 7 is a 3
    change = exercises("02_data.ipynb")[2]["changes"][0]
    assert change["with"] == "index = 7"


# --- 03 · Preprocessing ----------------------------------------------------------------------

def test_03_a_scaled_copy_of_the_training_set_takes_188_instead_of_47_mb(mnist):
    (train_images, _), _ = mnist
    assert round(train_images.nbytes / 1e6) == 47
    assert round(train_images.size * np.dtype("float32").itemsize / 1e6) == 188


def test_03_rescaling_with_an_offset_matches_the_numpy_line_of_exercise_3(mnist):
    (train_images, _), _ = mnist
    change = {c["cell"]: c for c in exercises("03_preprocessing.ipynb")[2]["changes"]}
    assert change["3cdbb31f"]["with"] == 'batch.astype("float32") * (1 / 127.5) - 1'
    batch = train_images[:1000].reshape((1000, 784))
    by_numpy = batch.astype("float32") * (1 / 127.5) - 1
    prepare = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                                layers.Rescaling(1 / 127.5, offset=-1)])
    assert np.array_equal(prepare.predict(train_images[:1000], verbose=0), by_numpy)


def test_03_untrained_networks_with_and_without_rescaling_guess_the_same_digits(mnist):
    (train_images, _), _ = mnist
    build = dense_network()
    scaled, unscaled = build(True), build(False)
    for model in (scaled, unscaled):   # "its starting biases are 0"
        assert all(not np.any(layer.bias.numpy()) for layer in model.layers if hasattr(layer, "bias"))
    images = train_images[:1000]
    with_scaling = scaled.predict(images, verbose=0)
    without = unscaled.predict(images, verbose=0)
    assert (with_scaling.argmax(axis=1) == without.argmax(axis=1)).all()
    assert with_scaling.max(axis=1).mean() < 0.3 and without.max(axis=1).mean() > 0.95


def test_03_sparse_loss_is_the_categorical_loss_on_the_digits(mnist):
    (_, train_labels), _ = mnist
    labels = train_labels[:100]
    probabilities = keras.random.uniform((100, 10), 0.01, 1.0, seed=0)
    probabilities = probabilities / keras.ops.sum(probabilities, axis=1, keepdims=True)
    sparse = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
    categorical = keras.losses.categorical_crossentropy(keras.utils.to_categorical(labels, 10), probabilities)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(sparse), keras.ops.convert_to_numpy(categorical),
                               rtol=1e-6)


def test_03_exercise_4_one_epoch_without_rescaling_ends_with_a_far_higher_loss(mnist):
    """The solution quotes about 0.26 with Rescaling and about 5.3 without, after one epoch."""
    (train_images, train_labels), _ = mnist
    build = dense_network()
    targets = keras.utils.to_categorical(train_labels)
    losses = {}
    for scale in (True, False):
        model = build(scale)
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(train_images, targets, epochs=1, batch_size=128, verbose=0)
        losses[scale] = history.history["loss"][0]
    assert 0.24 <= losses[True] <= 0.28, losses
    assert 4.5 <= losses[False] <= 6.5, losses
