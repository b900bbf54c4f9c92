"""The checkers of 04 · The model: a right answer ticks, typical mistakes get their own message,
the untouched template says "not attempted" (notebooks/exercises/notebook_04.py)."""

import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from _exercises import assert_not_attempted, assert_right, assert_wrong  # noqa: E402
from keras import layers  # noqa: E402

from exercises.notebook_04 import ____, exercise_1, exercise_2, exercise_3, exercise_4  # noqa: E402


def network(*dense, rescaling=True):
    """The notebook's dense network with Dense layers of ``dense`` = (units, activation), ..."""
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + ([layers.Rescaling(1 / 255)] if rescaling else [])
        + [layers.Dense(units, activation=activation) for units, activation in dense])


SMALLER = [(128, "relu"), (10, "softmax")]
MODEL = [(512, "relu"), (10, "softmax")]
DEEPER = [(512, "relu"), (256, "relu"), (10, "softmax")]


@pytest.fixture(scope="module")
def smaller():
    return network(*SMALLER)


@pytest.fixture(scope="module")
def deeper():
    return network(*DEEPER)


# Exercise 1 · Predict, then run: 128 units

def test_exercise_1_right(smaller):
    assert "101,770" in assert_right(exercise_1, 101_770, smaller)
    assert_right(exercise_1, 101770.0, smaller)


def test_exercise_1_wrong(smaller):
    assert_wrong(exercise_1, 407_050, smaller, says="the count with 512 units")
    assert_wrong(exercise_1, 100_480, smaller, says="first Dense layer alone")
    assert_wrong(exercise_1, 1_290, smaller, says="second Dense layer alone")
    assert_wrong(exercise_1, 784 * 128 + 128 * 10, smaller, says="left out the biases")
    assert_wrong(exercise_1, 100_480 + 5_130, smaller, says="128 inputs, not 512")
    assert_wrong(exercise_1, 12345, smaller, says="count layer by layer")
    assert_wrong(exercise_1, "101,770", smaller, says="the question asks for a number of parameters")
    assert_wrong(exercise_1, 101_770, network(*MODEL), says="as it was given")


def test_exercise_1_not_attempted(smaller):
    assert_not_attempted(exercise_1, ____, smaller)


# Exercise 2 · A second hidden layer

def test_exercise_2_right(deeper):
    assert "128,768" in assert_right(exercise_2, deeper, 128_768)


def test_exercise_2_wrong(deeper):
    assert_wrong(exercise_2, deeper, 131_328, says="the new layer's own count")
    assert_wrong(exercise_2, deeper, 535_818, says="deeper's total")
    assert_wrong(exercise_2, deeper, 512 * 256, says="biases")
    assert_wrong(exercise_2, deeper, 1000, says="not the difference")
    assert_wrong(exercise_2, network(*MODEL), 128_768, says="it should have Dense(512, relu), Dense(256, relu)")
    assert_wrong(exercise_2, network((256, "relu"), (512, "relu"), (10, "softmax")), 128_768,
                 says="deeper has Dense(256, relu), Dense(512, relu)")
    assert_wrong(exercise_2, network((512, "relu"), (256, None), (10, "softmax")), 128_768,
                 says="Dense(256, linear)")
    assert_wrong(exercise_2, network(*DEEPER, rescaling=False), 128_768, says="has the layers Flatten, Dense")
    assert_wrong(exercise_2, "deeper", 128_768, says="not a Keras network")
    assert_wrong(exercise_2, deeper, [128_768], says="a number of parameters")


def test_exercise_2_not_attempted(deeper):
    assert_not_attempted(exercise_2, ____, ____)
    assert_not_attempted(exercise_2, deeper, ____)


# Exercise 3 · Ten output units

def test_exercise_3_right():
    assert_right(exercise_3, "b")
    assert_right(exercise_3, " B ")


def test_exercise_3_wrong():
    assert_wrong(exercise_3, "a", says="26 units")
    assert_wrong(exercise_3, "c", says="any number of units can follow 512")
    assert_wrong(exercise_3, 10, says="one letter in quotes")
    assert_wrong(exercise_3, "d", says="one letter in quotes")


def test_exercise_3_not_attempted():
    assert_not_attempted(exercise_3, ____)


# Exercise 4 · Another seed

def seeded(seed):
    keras.utils.set_random_seed(seed)
    return network(*MODEL)


def test_exercise_4_right():
    text = assert_right(exercise_4, seeded)
    assert "of the test digits right instead of" in text and "407,050 parameters" in text


def test_exercise_4_wrong():
    model = seeded(0)
    assert_wrong(exercise_4, lambda seed: model, says="the same network for every seed")
    assert_wrong(exercise_4, lambda seed: network(*MODEL), says="start from different weights")
    assert_wrong(exercise_4, lambda seed: seeded(1), says="the seeds 0 and 1 give the same weights")
    assert_wrong(exercise_4, lambda seed: network(*MODEL, rescaling=False), says="has the layers Flatten, Dense")
    assert_wrong(exercise_4, lambda seed: "network", says="not a Keras network")


def test_exercise_4_not_attempted():
    def untouched(seed):
        keras.utils.set_random_seed(seed)
        return ____

    assert_not_attempted(exercise_4, untouched)
    assert_not_attempted(exercise_4, ____)
