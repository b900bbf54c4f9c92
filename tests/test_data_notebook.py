"""What notebooks 02 (the data) and 03 (preprocessing) say in prose and solutions, recomputed.

The notebooks show most of their numbers in outputs, which nbval compares. These are the
statements no output shows, or that an output only shows for one case: the label balance's
wording, the values quoted from image 0, the memory of a scaled copy, that the untrained
networks with and without Rescaling guess alike, and the numbers in the exercises' solutions
(exercises.notebook_02 and notebook_03; their checkers are tested in tests/test_exercises_02.py
and test_exercises_03.py).
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from exercises import notebook_02, notebook_03
from mnist_helpers import load_mnist
from tools import measure_exercises

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from keras import layers  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def cell_source(notebook, cell_id):
    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    return next(cell.source for cell in cells if cell.get("id") == cell_id)


def exercise_task(notebook, number):
    cells = nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
    return next(cell.source for cell in cells if cell.source.startswith(f"### Exercise {number} · "))


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
    assert "1,028" in notebook_02.exercise_1.explanation
    # exercise 3: index = 7 is a 3, its ink in rows 5 to 24 (as image 0's) and columns 5 to 22 (image 0: 4 to 23)
    assert "`index = 7`" in exercise_task("02_data.ipynb", 3) and "index = 7" in notebook_02.exercise_3.solution_code
    assert train_labels[7] == 3
    ink = [(lines.min(), lines.max()) for index in (7, 0) for lines in np.nonzero(train_images[index])]
    assert ink == [(5, 24), (5, 22), (5, 24), (4, 23)]
    assert "rows 5 to 24" in notebook_02.exercise_3.explanation
    assert "columns 5 to 22, one column narrower on each side" in notebook_02.exercise_3.explanation
    # exercise 4: 0.809 of the training pixels are 0, about four in five; right guesses 0.71 to 0.90
    share = (train_images == 0).mean()
    assert round(share, 3) == 0.809 and abs(share - 4 / 5) < 0.01
    assert "0.809" in notebook_02.exercise_4.explanation
    near = notebook_02.NEAR  # the check ticks a guess within NEAR of the share
    stated = re.search(r"from (0\.\d+) to (0\.\d+)", notebook_02.exercise_4.explanation)
    low, high = float(stated[1]), float(stated[2])
    assert share - near <= low < share - near + 0.01 and share + near - 0.01 < high <= share + near, (
        f"the explanation says {low} to {high}; the check ticks {share - near:.4f} to {share + near:.4f}")


# --- 03 · Preprocessing ----------------------------------------------------------------------

def test_03_a_scaled_copy_of_the_training_set_takes_188_instead_of_47_mb(mnist):
    (train_images, _), _ = mnist
    assert round(train_images.nbytes / 1e6) == 47
    assert round(train_images.size * np.dtype("float32").itemsize / 1e6) == 188


def test_03_rescaling_with_an_offset_matches_the_numpy_line_of_exercise_3(mnist):
    """The NumPy line of the solution gives exactly the layer's numbers; dividing instead does not."""
    (train_images, _), _ = mnist
    assert 'centred = batch.astype("float32") * (1 / 127.5) - 1' in notebook_03.exercise_3.solution_code
    batch = train_images[:1000].reshape((1000, 784))
    by_numpy = batch.astype("float32") * (1 / 127.5) - 1
    prepare = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                                layers.Rescaling(1 / 127.5, offset=-1)])
    assert np.array_equal(prepare.predict(train_images[:1000], verbose=0), by_numpy)
    assert by_numpy.min() == -1 and by_numpy.max() == 1
    assert not np.array_equal(batch.astype("float32") / 127.5 - 1, by_numpy)   # "differ in their last digit"


def test_03_exercise_1_standardised_values_quoted_by_the_check(mnist):
    (train_images, _), _ = mnist
    scaled = train_images[:1000].reshape((1000, 784)).astype("float32") * (1 / 255)
    standardised = (scaled - scaled.mean()) / scaled.std()
    assert f"{standardised.min():.2f}" == "-0.42" and f"{standardised.max():.2f}" == "2.86"


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


def test_03_exercise_4_the_losses_its_solution_quotes_are_the_measured_ones():
    """The solution quotes a loss of about 0.35 with Rescaling and about 9 without, after one epoch
    on the first 30,000 training images: the range tools/measure_exercises.py measured
    (docs/measured-exercises.md) over seeds and computers. (The all-solutions run in
    tests/test_exercise_solutions.py trains both networks and checks them against the bounds.)"""
    rows = measure_exercises.read_rows(measure_exercises.REPORT.read_text())
    scaled = rows[("03_preprocessing.ipynb", 4, "loss with Rescaling")]
    unscaled = rows[("03_preprocessing.ipynb", 4, "loss without Rescaling")]
    assert 0.34 <= scaled[0] <= scaled[1] <= 0.36, scaled
    assert 8.5 <= unscaled[0] <= unscaled[1] <= 9.5, unscaled
    explanation = notebook_03.exercise_4.explanation
    assert "about 0.35 with `Rescaling` and about 9 without" in explanation
