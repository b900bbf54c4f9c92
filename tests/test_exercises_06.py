"""The checkers of notebook 06's exercises: a right answer passes, typical wrong answers get their
own message, the blank says "not attempted".

Nothing trains here: the student's functions are stood in for by tiny fakes that return what fit
would (a History, a used EarlyStopping callback) or the course's shipped dense network. The real
training runs in tests/test_exercise_solutions.py (every solution filled in).
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from _exercises import assert_not_attempted, assert_right, assert_wrong  # noqa: E402

from exercises import notebook_06  # noqa: E402
from exercises.checks import mnist  # noqa: E402
from exercises.core import ____  # noqa: E402
from exercises.notebook_06 import exercise_1, exercise_2, exercise_3, exercise_4  # noqa: E402
from mnist_helpers.networks import shipped_network  # noqa: E402


def history(accuracies, steps):
    made = keras.callbacks.History()
    made.history = {"accuracy": list(accuracies), "loss": [0.1] * len(accuracies)}
    made.params = {"verbose": 2, "epochs": len(accuracies), "steps": steps}
    return made


def returning(value):
    def train():
        return value
    return train


# Exercise 1 · Predict, then run: batches of 32

ONE_EPOCH_OF_32 = returning(history([0.9409], 1875))


def test_exercise_1_right():
    text = assert_right(exercise_1, 1875, ONE_EPOCH_OF_32)
    assert "94.09 %" in text and "four times as many batches as with 128 (60,000 / 128 = 468.75" in text


def test_exercise_1_wrong():
    assert_wrong(exercise_1, 469, ONE_EPOCH_OF_32, says="not 469")
    assert_wrong(exercise_1, 1875, returning(history([0.9236], 469)), says="batches of 128")
    assert_wrong(exercise_1, 1875, returning(history([0.9409, 0.97], 1875)), says="trains for 2 epochs")
    assert_wrong(exercise_1, 1875, returning(keras.Sequential()), says="returns the network")
    assert_wrong(exercise_1, 1875, returning(history([0.5], 1875)), says="set_random_seed")
    assert_wrong(exercise_1, "1875", ONE_EPOCH_OF_32, says="whole number")


def test_exercise_1_not_attempted():
    assert_not_attempted(exercise_1, ____, ONE_EPOCH_OF_32)
    assert_not_attempted(exercise_1, 1875, returning(____))


# Exercise 2 · Two epochs

NOTEBOOK_HISTORY = history([0.9236, 0.9685, 0.9798, 0.9860, 0.9903], 469)


def test_exercise_2_right():
    text = assert_right(exercise_2, returning(history([0.9236, 0.9685], 469)), NOTEBOOK_HISTORY)
    assert "96.85 % training accuracy" in text and "Epoch 2/5 above: 96.85 %" in text


def test_exercise_2_wrong():
    assert_wrong(exercise_2, returning(NOTEBOOK_HISTORY), NOTEBOOK_HISTORY, says="asks for 2")
    assert_wrong(exercise_2, returning(history([0.9921, 0.9935], 469)), NOTEBOOK_HISTORY, says="fresh one")
    assert_wrong(exercise_2, returning(history([0.94, 0.972], 1875)), NOTEBOOK_HISTORY, says="batch_size=128")
    assert_wrong(exercise_2, returning(None), NOTEBOOK_HISTORY, says="returns NoneType")


def test_exercise_2_not_attempted():
    assert_not_attempted(exercise_2, returning(____), NOTEBOOK_HISTORY)


# Exercise 3 · Patience 1

class FakeNetwork:
    """Stands in for the kept network: right on a share ``accuracy`` of the validation images."""

    def __init__(self, accuracy):
        (_, labels), _ = mnist()
        self.predictions = labels[50000:].copy()
        wrong = int(round((1 - accuracy) * len(self.predictions)))
        self.predictions[:wrong] = (self.predictions[:wrong] + 1) % 10

    def predict(self, images, batch_size=None, verbose=0):
        return np.eye(10)[self.predictions]


def used_callback(patience=1, restore=True, steps=79, best=0.1472, accuracy=0.96, used=True, monitor="val_loss"):
    callback = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=restore)
    if used:
        callback._model = FakeNetwork(accuracy)
        callback.params = {"verbose": 2, "epochs": 20, "steps": steps}
        callback.best, callback.best_epoch, callback.stopped_epoch = best, 11, 12
    return callback


def test_exercise_3_right():
    text = assert_right(exercise_3, returning(used_callback()))
    assert "stopped after epoch 13" in text and "kept epoch 12" in text


def test_exercise_3_wrong():
    assert_wrong(exercise_3, returning(used_callback(patience=3)), says="patience=3")
    assert_wrong(exercise_3, returning(used_callback(monitor="val_accuracy")), says='monitor="val_loss"')
    assert_wrong(exercise_3, returning(used_callback(restore=False)), says="restore_best_weights=True")
    assert_wrong(exercise_3, returning(used_callback(steps=391)), says="the first 10,000")
    assert_wrong(exercise_3, returning(used_callback(best=None)), says="no validation data")
    assert_wrong(exercise_3, returning(used_callback(used=False)), says="was not used")
    assert_wrong(exercise_3, returning(used_callback(accuracy=0.99)), says="set_random_seed")
    assert_wrong(exercise_3, returning(history([0.9], 79)), says="return the EarlyStopping")


def test_exercise_3_not_attempted():
    assert_not_attempted(exercise_3, returning(____))


# Exercise 4 · Your own network

@pytest.fixture(scope="module")
def dense():
    return shipped_network("dense")


def like_dense(dense, scale=True, last_activation="softmax"):
    """The shipped dense network's layers and weights, without the Rescaling layer or the softmax."""
    network = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                *([keras.layers.Rescaling(1 / 255)] if scale else []),
                                keras.layers.Dense(512, activation="relu"),
                                keras.layers.Dense(10, activation=last_activation)])
    network.set_weights(dense.get_weights())
    return network


def test_exercise_4_right(dense):
    def build_and_train():
        return dense

    assert "97.93 %" in assert_right(exercise_4, build_and_train)


def test_exercise_4_wrong(dense, monkeypatch):
    def uses_the_test_set():
        (test_images, test_labels) = mnist()[1]  # validation_data=(test_images, ...) in a real mistake
        return dense

    assert_wrong(exercise_4, uses_the_test_set, says="uses the test images")
    assert_wrong(exercise_4, returning(like_dense(dense, scale=False)), says="no layer of your network scales")
    lambda_scaled = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                      keras.layers.Lambda(lambda pixels: pixels / 255),
                                      keras.layers.Dense(512, activation="relu"),
                                      keras.layers.Dense(10, activation="softmax")])
    lambda_scaled.set_weights(dense.get_weights())
    assert_wrong(exercise_4, returning(lambda_scaled), says="no layer of your network scales")
    assert_wrong(exercise_4, returning(like_dense(dense, last_activation=None)), says='activation="softmax"')
    five = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(5)])
    assert_wrong(exercise_4, returning(five), says="needs 10 units")
    flat = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
    assert_wrong(exercise_4, returning(flat), says="cannot take the test images")
    keras.utils.set_random_seed(0)
    untrained = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Rescaling(1 / 255), keras.layers.Dense(10, activation="softmax")])
    assert_wrong(exercise_4, returning(untrained), says="about what guessing does")
    assert_wrong(exercise_4, returning("network"), says="returns str")
    monkeypatch.setattr(notebook_06, "LOWEST_ACCURACY", 0.99)
    assert_wrong(exercise_4, returning(dense), says="the check ticks at 99 % or more")
    monkeypatch.setattr(notebook_06, "LOWEST_ACCURACY", 0.95)
    monkeypatch.setattr(notebook_06, "TIME_LIMIT", -1)
    assert_wrong(exercise_4, returning(dense), says="depends on the computer")


def test_exercise_4_not_attempted():
    assert_not_attempted(exercise_4, returning(____))
    assert_not_attempted(exercise_4, ____)
