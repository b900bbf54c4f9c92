"""The checkers of notebook 08's exercises: a right answer ticks, typical mistakes get their own
message, the untouched template says "not attempted".

No test trains a network: exercise 1's ``train()`` is stood in for by functions that return an
untrained model with the training steps it would have taken (and, for the tick, a stand-in for
the measured accuracy); the real training runs in tests/test_exercise_solutions.py.
"""

import numpy as np
import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong

keras = pytest.importorskip("keras")

from keras import layers  # noqa: E402

from exercises import checks, notebook_08  # noqa: E402
from exercises.notebook_08 import ____, exercise_1, exercise_2, exercise_3  # noqa: E402


def convnet(first_filters=16, kernel=5, steps=469):
    """Notebook 08's convnet (untrained), compiled, as if it had taken ``steps`` training steps."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.Rescaling(1 / 255),
        layers.Conv2D(first_filters, kernel, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, kernel, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(steps)
    return model


# ---------------------------------------------------------------------------
# Exercise 1 · 32 filters
# ---------------------------------------------------------------------------

def test_the_counts_are_keras_counts():
    assert convnet(32).count_params() == notebook_08.PARAMETERS_32 == 31_594
    assert convnet(16).count_params() == notebook_08.PARAMETERS_16


def test_exercise_1_right(monkeypatch):
    monkeypatch.setattr(notebook_08, "_accuracy", lambda model, images, labels: (0.975, None))
    text = assert_right(exercise_1, 31_594, lambda: convnet(32))
    assert "31,594 parameters" in text
    assert " s " not in text and "seconds" not in text, "the tick says the same for the same answer: no time"
    assert exercise_1.measured["test accuracy"] == 0.975
    assert "training seconds" in exercise_1.measured


def test_exercise_1_still_16_filters():
    assert_wrong(exercise_1, 31_594, lambda: convnet(16), says="still has 16 filters")


def test_exercise_1_wrong_count():
    model = convnet(32)
    assert_wrong(exercise_1, 18_378, lambda: model, says="the count with 16 filters")
    assert_wrong(exercise_1, 18_794, lambda: model, says="each of the second layer's 32 filters")
    assert_wrong(exercise_1, 31_520, lambda: model, says="left out the biases")
    assert_wrong(exercise_1, 40_000, lambda: model, says="your model has 31,594 parameters, not 40,000")


def test_exercise_1_training():
    assert_wrong(exercise_1, 31_594, lambda: convnet(32, steps=0), says="not trained")
    assert_wrong(exercise_1, 31_594, lambda: convnet(32, steps=5 * 469), says="trained 5 epochs")
    assert_wrong(exercise_1, 31_594, lambda: convnet(32, steps=1875), says="batch_size=128")
    # trained as asked, but its accuracy is that of an untrained network
    assert_wrong(exercise_1, 31_594, lambda: convnet(32), says="test accuracy")


def test_exercise_1_strange_answers():
    assert_wrong(exercise_1, "31594", lambda: convnet(32), says="the number of parameters")
    assert_wrong(exercise_1, 31_594, 42, says="def train()")
    assert_wrong(exercise_1, 31_594, lambda: "model", says="return model")
    assert_wrong(exercise_1, 31_594, lambda: convnet(32, kernel=3), says="5 × 5 filters")


def test_exercise_1_not_attempted():
    assert_not_attempted(exercise_1, ____, lambda: convnet(32))
    assert_not_attempted(exercise_1, 31_594, lambda: ____)
    assert_not_attempted(exercise_1, 31_594, ____)


def test_exercise_1_a_model_instead_of_the_function():
    assert_wrong(exercise_1, 31_594, convnet(32), says="pass the function itself")


def untouched():
    """train() as the template gives it: the check must not call it."""
    raise AssertionError("the check called an untouched template")
    return ____


def test_exercise_1_untouched_template_trains_nothing():
    assert_not_attempted(exercise_1, 31_594, untouched)


# ---------------------------------------------------------------------------
# Exercise 2 · wrong for the convnet only (a trained and an untrained network stand in for the two)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def networks():
    from mnist_helpers.networks import shipped_network

    keras.utils.set_random_seed(0)
    trained = shipped_network("dense")
    guessing = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])
    _, (images, labels) = checks.mnist()
    wrong = {name: model.predict(images, verbose=0).argmax(axis=1) != labels
             for name, model in (("convnet", trained), ("dense", guessing))}
    return trained, guessing, wrong


def test_exercise_2_right(networks):
    convnet_model, dense_model, wrong = networks
    wanted = np.flatnonzero(wrong["convnet"] & ~wrong["dense"])
    assert len(wanted) > 0
    assert_right(exercise_2, wanted, convnet_model, dense_model)
    assert_right(exercise_2, list(wanted[::-1]), convnet_model, dense_model)       # any order
    assert_right(exercise_2, wrong["convnet"] & ~wrong["dense"], convnet_model, dense_model)  # a mask


def test_exercise_2_typical_mistakes(networks):
    convnet_model, dense_model, wrong = networks
    models = (convnet_model, dense_model)
    assert_wrong(exercise_2, np.flatnonzero(wrong["convnet"]), *models, says="all the convnet's errors")
    assert_wrong(exercise_2, np.flatnonzero(wrong["dense"] & ~wrong["convnet"]), *models, says="the other way round")
    assert_wrong(exercise_2, np.flatnonzero(wrong["dense"] & wrong["convnet"]), *models, says="both networks")
    some = np.flatnonzero(wrong["convnet"] & ~wrong["dense"])[:-1]
    assert_wrong(exercise_2, some, *models, says="1 of the")


def test_exercise_2_strange_answers(networks):
    convnet_model, dense_model, _ = networks
    models = (convnet_model, dense_model)
    assert_wrong(exercise_2, 7, *models, says="indices of the test digits")
    assert_wrong(exercise_2, np.zeros(10_000, int), *models, says="one per test digit")
    assert_wrong(exercise_2, np.array([0.5, 2.0]), *models, says="whole numbers")
    assert_wrong(exercise_2, [3, 10_000], *models, says="between 0 and 9999")
    assert_wrong(exercise_2, np.zeros((2, 3), int), *models, says="flat array")
    assert_wrong(exercise_2, [1, 2], "convnet", dense_model, says="the notebook's two networks")


def test_exercise_2_not_attempted(networks):
    assert_not_attempted(exercise_2, ____, *networks[:2])


# ---------------------------------------------------------------------------
# Exercise 3 · predict, then run: 3 × 3 filters
# ---------------------------------------------------------------------------

def test_exercise_3_truth_is_what_keras_says():
    model = convnet(kernel=3)
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers
              if isinstance(layer, (layers.Conv2D, layers.MaxPooling2D))]
    assert shapes == notebook_08.SHAPES_3
    assert model.count_params() == notebook_08.PARAMETERS_3 == 12_810
    five = [tuple(layer.output.shape[1:]) for layer in convnet().layers
            if isinstance(layer, (layers.Conv2D, layers.MaxPooling2D))]
    assert five == notebook_08.SHAPES_5


def test_exercise_3_right():
    right = [(26, 26, 16), (13, 13, 16), (11, 11, 32), (5, 5, 32)]
    assert "12,810" in assert_right(exercise_3, right, 12_810)
    assert_right(exercise_3, [[None, *shape] for shape in right], 12_810.0)


def test_exercise_3_shows_the_summary_once_guessed():
    """The untouched cell shows nothing of the truth; a guess, right or wrong, reveals the summary under the
    verdict, the same table in every run."""
    summary = notebook_08.small_filters_summary()
    assert "(None, 26, 26, 16)" in summary and "Total params: 12,810" in summary
    assert summary == notebook_08.small_filters_summary()
    assert assert_right(exercise_3, notebook_08.SHAPES_3, 12_810).endswith(summary)
    assert assert_wrong(exercise_3, notebook_08.SHAPES_5, 12_810, says="5 × 5 filters").endswith(summary)
    assert "Total params" not in assert_not_attempted(exercise_3, ____, 12_810)


def test_exercise_3_shape_mistakes():
    right = [(26, 26, 16), (13, 13, 16), (11, 11, 32), (5, 5, 32)]
    assert_wrong(exercise_3, notebook_08.SHAPES_5, 12_810, says="shapes with 5 × 5 filters")
    assert_wrong(exercise_3, [(25, 25, 16)] + right[1:], 12_810, says="26 positions")
    assert_wrong(exercise_3, right[:3] + [(6, 6, 32)], 12_810, says="drops the odd last row")
    assert_wrong(exercise_3, [(26, 26, 1)] + right[1:], 12_810,
                 says="one map per filter of the convolution before it, the first Conv2D: 16")
    assert_wrong(exercise_3, right[:1] + [(13, 13, 32)] + right[2:], 12_810,
                 says="one map per filter of the convolution before it, the first Conv2D: 16")
    assert_wrong(exercise_3, right[:2] + [(12, 12, 32)] + right[3:], 12_810, says="the shape is (11, 11, 32)")


def test_exercise_3_parameter_mistakes():
    right = notebook_08.SHAPES_3
    assert_wrong(exercise_3, right, 12_752, says="left out the biases")
    assert_wrong(exercise_3, right, 18_378, says="5 × 5 filters")
    assert_wrong(exercise_3, right, 8_490, says="looks at all 16 maps")
    assert_wrong(exercise_3, right, 9_930, says="800 × 10 + 10")
    assert_wrong(exercise_3, right, 12_000, says="12,810 parameters, not 12,000")


def test_exercise_3_strange_answers():
    assert_wrong(exercise_3, (26, 26, 16), 12_810, says="a list of four shapes")
    assert_wrong(exercise_3, [1, 2, 3, 4], 12_810, says="is not a shape")
    assert_wrong(exercise_3, [(26, 26)] * 4, 12_810, says="three whole numbers")
    assert_wrong(exercise_3, notebook_08.SHAPES_3, "12,810", says="the number of parameters")


def test_exercise_3_not_attempted():
    assert_not_attempted(exercise_3, ____, 12_810)
    assert_not_attempted(exercise_3, notebook_08.SHAPES_3, ____)

