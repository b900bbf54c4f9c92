"""The checkers of 05 · How a network learns: a right answer ticks, typical mistakes get their own
message, the untouched template says "not attempted" (notebooks/exercises/notebook_05.py).

Exercise 3 trains the linear model for 10 epochs; here the answers are linear models trained for
a few seconds (about 91 % right) and made to report 10 epochs of steps, judged with bounds around
their accuracy. The all-solutions run (tests/test_exercise_solutions.py) trains it for real and
judges it with the measured bounds."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from _exercises import assert_not_attempted, assert_right, assert_wrong  # noqa: E402
from keras import layers  # noqa: E402

from exercises import checks, notebook_05  # noqa: E402
from exercises.notebook_05 import ____, exercise_1, exercise_2, exercise_3, exercise_4  # noqa: E402

# Exercise 1 · Logits far apart

LOGITS = np.array([20.0, 10.0, 1.0])


def test_exercise_1_right():
    assert "22,000" in assert_right(exercise_1, np.exp(LOGITS) / np.exp(LOGITS).sum())
    assert_right(exercise_1, np.asarray(keras.activations.softmax(LOGITS)))
    assert_right(exercise_1, [0.999954597, 4.53978684e-05, 5.60254205e-09])


def test_exercise_1_wrong():
    small = LOGITS / 10
    assert_wrong(exercise_1, np.exp(small) / np.exp(small).sum(), says="the logits [2.0, 1.0, 0.1]")
    assert_wrong(exercise_1, np.exp(LOGITS), says="divide them by their sum")
    assert_wrong(exercise_1, LOGITS / LOGITS.sum(), says="softmax takes exp of each first")
    assert_wrong(exercise_1, np.array([0.5, 0.3, 0.1]), says="add up to 0.9")
    assert_wrong(exercise_1, np.array([0.9, 0.05, 0.05]), says="not the softmax")
    assert_wrong(exercise_1, np.ones((1, 3)) / 3, says="shape (1, 3)")
    assert_wrong(exercise_1, 0.99995, says="three probabilities")


def test_exercise_1_not_attempted():
    assert_not_attempted(exercise_1, ____)


# Exercise 2 · Predict, then run: learning rates 0.5 and 1.0

HALF = np.array([0.0, 3.0, 3.0, 3.0, 3.0])
ONE = np.array([0.0, 6.0, 0.0, 6.0, 0.0])


def test_exercise_2_right():
    assert_right(exercise_2, 3, 0, HALF, ONE)
    assert_right(exercise_2, 3.0, np.float64(0.0), HALF, ONE)


def test_exercise_2_wrong():
    assert_wrong(exercise_2, 2.5, 0, HALF, ONE, says="the first step lands exactly on the minimum")
    assert_wrong(exercise_2, 3, 6, HALF, ONE, says="after an even number of steps it is at 0")
    assert_wrong(exercise_2, 3, 3, HALF, ONE, says="the walk never reaches 3")
    assert_wrong(exercise_2, 3, 1e6, HALF, ONE, says="neither converges nor diverges")
    assert_wrong(exercise_2, "3", 0, HALF, ONE, says="at_half: your answer is '3'")
    assert_wrong(exercise_2, 3, 0, HALF, HALF, says="run the notebook's cell that defines gradient_descent")


def test_exercise_2_not_attempted():
    assert_not_attempted(exercise_2, ____, ____, HALF, ONE)
    assert_not_attempted(exercise_2, 3, ____, HALF, ONE)


# Exercise 3 · The linear model, 10 epochs

def linear(steps=None, rate=0.01):
    """The linear model, trained for two quick epochs (about 91 % right); ``steps`` then sets the
    number of training steps it reports."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Rescaling(1 / 255),
                              layers.Dense(10, activation="softmax")])
    if steps is None:
        return model
    (train_images, train_labels), _ = checks.mnist()
    model.compile(optimizer=keras.optimizers.RMSprop(rate), loss="categorical_crossentropy")
    model.fit(train_images, keras.utils.to_categorical(train_labels), epochs=2, batch_size=1024, verbose=0)
    model.optimizer.iterations.assign(steps)
    return model


@pytest.fixture(scope="module")
def trained():
    return linear(steps=4690)


def test_exercise_3_right(trained, monkeypatch):
    monkeypatch.setitem(notebook_05.BOUNDS, "test accuracy", (0.9, 0.95))
    text = assert_right(exercise_3, lambda: trained)
    assert "does not catch up" in text
    assert 0.9 < exercise_3.measured["test accuracy"] < 0.95


def test_exercise_3_wrong(trained):
    steps = trained.optimizer.iterations.numpy()
    try:
        trained.optimizer.iterations.assign(2345)
        assert_wrong(exercise_3, lambda: trained, says="it trained for 5 epochs")
        trained.optimizer.iterations.assign(100)
        assert_wrong(exercise_3, lambda: trained, says="it took 100 training steps")
    finally:
        trained.optimizer.iterations.assign(steps)
    assert_wrong(exercise_3, lambda: linear(), says="the model is untrained")
    hidden = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(512), layers.Dense(10)])
    assert_wrong(exercise_3, lambda: hidden, says="that network has the hidden layer")
    assert_wrong(exercise_3, lambda: keras.Sequential([layers.Dense(10)]), says="yours has 0")
    assert_wrong(exercise_3, lambda: "linear", says="train_linear returned str")
    assert_wrong(exercise_3, lambda: linear(steps=4690, rate=1e-6), says="below the")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(notebook_05.BOUNDS, "test accuracy", (0.85, 0.9))
        assert_wrong(exercise_3, lambda: trained, says="above the")


def test_exercise_3_bounds_are_an_interval_around_the_course_numbers():
    low, high = exercise_3.bounds["test accuracy"]
    assert 0.9 < low < 0.9225 < 0.9275 < high < 0.94  # 5 epochs give about 92.3 %, 10 about 92.6 %


def test_exercise_3_not_attempted():
    def untouched():
        return ____

    assert_not_attempted(exercise_3, untouched)
    assert_not_attempted(exercise_3, ____)


# Exercise 4 · Predict, then run: a large nudge

BEFORE = (2.34288, 7 / 128)
AFTER = (2.46222, 6 / 128)


def test_exercise_4_right():
    assert "1 right answer fewer of the 128" in assert_right(exercise_4, True, BEFORE, AFTER)
    assert "crossed no step" in assert_right(exercise_4, False, BEFORE, (2.34362, 7 / 128))


def test_exercise_4_wrong():
    assert_wrong(exercise_4, False, BEFORE, AFTER, says="large enough to cross a step")
    assert_wrong(exercise_4, True, BEFORE, (2.34362, 7 / 128), says="the accuracy stayed")
    assert_wrong(exercise_4, "yes", BEFORE, AFTER, says="predict True")
    assert_wrong(exercise_4, True, BEFORE, BEFORE, says="score exactly as w2")
    assert_wrong(exercise_4, True, BEFORE, [2.4, 0.05], says="should be what loss_and_accuracy(...) returns")


def test_exercise_4_not_attempted():
    assert_not_attempted(exercise_4, ____, BEFORE, AFTER)
