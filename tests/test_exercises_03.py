"""The checkers of notebook 03's exercises (exercises.notebook_03): for each, a right answer
passes, typical wrong answers get their own message, and the blank says "not attempted".

Exercise 4 trains two networks; here its checker gets small fake functions that return a history
at once (the real training runs in tests/test_exercise_solutions.py)."""

import numpy as np
import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong

from exercises.checks import mnist
from exercises.notebook_03 import BOUNDS, ____, exercise_1, exercise_2, exercise_3, exercise_4

keras = pytest.importorskip("keras")

from keras import layers  # noqa: E402


@pytest.fixture(scope="module")
def images():
    (train_images, _), _ = mnist()
    return train_images


@pytest.fixture(scope="module")
def batch(images):
    return images[:1000].reshape((1000, 784))


def test_exercise_1_standardise(batch):
    scaled = batch.astype("float32") * (1 / 255)
    said = assert_right(exercise_1, (scaled - scaled.mean()) / scaled.std())
    assert "background pixels became −0.42, full ink 2.86" in said
    assert_right(exercise_1, (batch - batch.mean()) / batch.std())   # the same, from 0-255
    assert_wrong(exercise_1, (scaled - scaled.mean()) / scaled.std() * 1.01, says="standard deviation")
    assert_wrong(exercise_1, scaled - scaled.mean(), says="the mean is 0 but the standard deviation is 0.31")
    assert_wrong(exercise_1, scaled / scaled.std(), says="the mean is 0.42, not 0")
    with np.errstate(invalid="ignore", divide="ignore"):
        per_pixel = (scaled - scaled.mean(axis=0)) / scaled.std(axis=0)
    assert_wrong(exercise_1, per_pixel, says="NaN")
    other = batch[::-1][:, ::-1].astype("float32")   # other pixels than batch_scaled's
    other = (other - other.mean()) / other.std()
    assert_wrong(exercise_1, other, says="not batch_scaled's pixels")
    assert_wrong(exercise_1, scaled.reshape((1000, 28, 28)), says="shape (1000, 28, 28)")
    assert_wrong(exercise_1, float(scaled.mean()), says="not float")
    assert_not_attempted(exercise_1, ____)


def test_exercise_2_predict_the_one_hot_rows():
    text = assert_right(exercise_2, (3, 10), [3, 0, 9])
    assert "3 rows of 10" in text
    assert str(np.eye(10)[[3, 0, 9]]) in text   # the array, shown only with the verdict
    assert_right(exercise_2, np.eye(10)[[3, 0, 9]].shape, np.array([3, 0, 9]))
    assert_wrong(exercise_2, (10, 3), [3, 0, 9], says="the other way round")
    assert_wrong(exercise_2, (3,), [3, 0, 9], says="3 whole rows")
    assert_wrong(exercise_2, (3, 10), [0, 1, 2], says="rows 3, 0 and 9")
    assert_wrong(exercise_2, (3, 10), [9, 0, 3], says="the 1s are not at [9, 0, 3]")
    assert_wrong(exercise_2, (3, 3), [3, 0, 9], says="the shape is not (3, 3)")
    assert_wrong(exercise_2, "3 x 10", [3, 0, 9], says="a tuple of whole numbers")
    assert_wrong(exercise_2, (3, 10), np.eye(10)[[3, 0, 9]], says="a list of positions")
    assert_not_attempted(exercise_2, ____, ____)
    assert_not_attempted(exercise_2, (3, 10), ____)


def prepare(*rescaling, shape=(28, 28), flatten=True):
    return keras.Sequential([keras.Input(shape=shape), *([layers.Flatten()] if flatten else []), *rescaling])


def test_exercise_3_from_minus_one_to_one(batch):
    model = prepare(layers.Rescaling(1 / 127.5, offset=-1))
    centred = batch.astype("float32") * (1 / 127.5) - 1
    assert "exactly the same numbers" in assert_right(exercise_3, model, centred)
    assert_wrong(exercise_3, prepare(layers.Rescaling(1 / 255)), centred, says="run from 0 to 1, not −1 to 1")
    # at most one unit in the last place: dividing by 127.5, or a layer that rounds its multiply-add once
    assert "last binary digit" in assert_right(exercise_3, model, batch.astype("float32") / 127.5 - 1)
    fused = (batch.astype("float64") * np.float32(1 / 127.5) - 1).astype("float32")
    assert_right(exercise_3, model, fused)
    assert_wrong(exercise_3, model, centred + np.float32(5e-7), says="not exactly the same numbers")
    batch_scaled = batch.astype("float32") * (1 / 255)
    assert_wrong(exercise_3, model, batch_scaled * (1 / 127.5) - 1, says="you started from batch_scaled")
    assert_wrong(exercise_3, model, batch.astype("float32") * (1 / 127.5), says="from 0 to 2")
    assert_wrong(exercise_3, model, (batch - 127.5) / 127.5, says="float64")
    assert_wrong(exercise_3, model, centred.reshape((1000, 28, 28)), says="start from batch")
    assert_wrong(exercise_3, model, centred[::-1], says="not the pixels of batch, scaled")
    assert_wrong(exercise_3, prepare(layers.Rescaling(1 / 127.5, offset=-1), flatten=False), centred,
                 says="keep layers.Flatten()")
    assert_wrong(exercise_3, prepare(layers.Rescaling(1 / 127.5, offset=-1), shape=(784,)), centred,
                 says="cannot take the 28 × 28 images")
    assert_wrong(exercise_3, layers.Rescaling(1 / 127.5, offset=-1), centred, says="should be a Keras model")
    assert_not_attempted(exercise_3, ____, ____)
    assert_not_attempted(exercise_3, model, ____)


class FakeHistory:
    """What model.fit returns, as far as the checker reads it (one epoch of 30,000 images: 235 steps)."""

    def __init__(self, loss, epochs=1, steps=235):
        self.history = {"loss": [loss] * epochs, "accuracy": [0.9] * epochs}
        self.params = {"verbose": 0, "epochs": epochs, "steps": steps}


def trains(with_rescaling, without, **fit):
    return lambda scale: FakeHistory(with_rescaling if scale else without, **fit)


def test_exercise_4_one_epoch_with_and_without_rescaling():
    said = assert_right(exercise_4, trains(0.35, 9.18))
    assert said == ("✓ Correct: after one epoch the loss is 0.35 with Rescaling and 9.18 without: "
                    "the unscaled network learns, but far more slowly.")
    assert exercise_4.measured == {"loss with Rescaling": 0.35, "loss without Rescaling": 9.18}
    assert_wrong(exercise_4, trains(9.18, 0.35), says="the other way round")
    assert_wrong(exercise_4, trains(0.35, 0.35), says="without Rescaling it should end far higher")
    assert_wrong(exercise_4, trains(0.7, 0.35), says="not divided by 255")
    assert_wrong(exercise_4, trains(0.35, 9.18, epochs=3), says="trained 3 epochs")
    assert_wrong(exercise_4, trains(0.26, 5.33, steps=469), says="all 60,000 training images")
    assert_wrong(exercise_4, trains(0.35, 9.18, steps=938), says="batch_size=128")
    low, high = BOUNDS["loss with Rescaling"]
    low_raw, high_raw = BOUNDS["loss without Rescaling"]
    assert_wrong(exercise_4, trains(1.09, 72.1),   # sgd instead of rmsprop
                 says=f"a correct run ends between {low} and {high} with Rescaling and between {low_raw:g} "
                      f"and {high_raw:g} without")
    assert_wrong(exercise_4, lambda scale: prepare(layers.Dense(10)), says="returns a model")
    assert_wrong(exercise_4, lambda scale: 0.35, says="returns float")

    def fails(scale):
        raise ValueError("Arguments `target` and `output` must have the same rank.\nmore")

    assert_wrong(exercise_4, fails, says="stopped with an error (ValueError: Arguments `target`")
    assert_wrong(exercise_4, 0.35, says="should be your function")
    assert_not_attempted(exercise_4, ____)
    assert_not_attempted(exercise_4, lambda scale: ____)


def test_exercise_4_bounds_separate_the_two_networks():
    (low, high), (low_raw, high_raw) = BOUNDS["loss with Rescaling"], BOUNDS["loss without Rescaling"]
    assert low < high < low_raw < high_raw
