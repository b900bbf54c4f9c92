"""The checkers of notebook 09's exercises: a right answer ticks, typical mistakes get their own
message, the untouched template says "not attempted".

No test trains a network: exercise 1's ``train()`` is stood in for by functions that return an
untrained model with the training steps it would have taken (and, for the tick, a stand-in for
the measured accuracy); the real training runs in tests/test_exercise_solutions.py.
"""

import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong

keras = pytest.importorskip("keras")

from keras import layers  # noqa: E402

from exercises import notebook_09  # noqa: E402
from exercises.notebook_09 import ____, exercise_1, exercise_2, exercise_3  # noqa: E402

AUGMENTATION = ("rotation", "translation", "zoom")


def augmented(parts=AUGMENTATION, steps=391, first_filters=16, where="front"):
    """Notebook 08's convnet with the augmentation layers named in ``parts`` (untrained), as if it
    had taken ``steps`` training steps."""
    makers = {"rotation": lambda: layers.RandomRotation(0.04, fill_mode="constant"),
              "translation": lambda: layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
              "zoom": lambda: layers.RandomZoom(0.08, fill_mode="constant")}
    augmentation = [makers[part]() for part in parts]
    first = [layers.Conv2D(first_filters, 5, activation="relu"), layers.MaxPooling2D()]
    rest = [layers.Conv2D(32, 5, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
            layers.Dense(10, activation="softmax")]
    front = [keras.Input(shape=(28, 28)), layers.Reshape((28, 28, 1)), layers.Rescaling(1 / 255)]
    middle = augmentation + first if where == "front" else first + augmentation
    model = keras.Sequential(front + middle + rest)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(steps)
    return model


# ---------------------------------------------------------------------------
# Exercise 1 · augmentation
# ---------------------------------------------------------------------------

def test_exercise_1_right(monkeypatch):
    monkeypatch.setattr(notebook_09, "_accuracy", lambda model, images, labels: (0.965, None))
    text = assert_right(exercise_1, lambda: augmented())
    assert "350 validation errors" in text
    assert " s " not in text and "seconds" not in text, "the tick says the same for the same answer: no time"
    assert "training seconds" in exercise_1.measured
    assert exercise_1.measured["validation errors"] == 350


def test_exercise_1_augmentation_mistakes():
    assert_wrong(exercise_1, lambda: augmented(parts=()), says="no augmentation layers")
    assert_wrong(exercise_1, lambda: augmented(parts=("rotation", "zoom")), says="lacks RandomTranslation")
    assert_wrong(exercise_1, lambda: augmented(where="after"), says="before the first Conv2D")
    assert_wrong(exercise_1, lambda: augmented(first_filters=32), says="keep its other layers")


def test_exercise_1_training_mistakes():
    assert_wrong(exercise_1, lambda: augmented(steps=0), says="not trained")
    assert_wrong(exercise_1, lambda: augmented(steps=469), says="validation set")
    assert_wrong(exercise_1, lambda: augmented(steps=5 * 391), says="trained 5 epochs")
    assert_wrong(exercise_1, lambda: augmented(steps=1563), says="batch_size=128")
    # trained as asked, but it guesses like an untrained network
    assert_wrong(exercise_1, lambda: augmented(), says="validation errors")


def test_exercise_1_strange_answers():
    assert_wrong(exercise_1, "train", says="def train()")
    assert_wrong(exercise_1, lambda: None, says="return model")


def test_exercise_1_not_attempted():
    assert_not_attempted(exercise_1, ____)
    assert_not_attempted(exercise_1, lambda: ____)


def test_exercise_1_a_model_instead_of_the_function():
    assert_wrong(exercise_1, augmented(), says="pass the function itself")


def untouched():
    """train() as the template gives it: the check must not call it."""
    raise AssertionError("the check called an untouched template")
    return ____


def test_exercise_1_untouched_template_trains_nothing():
    assert_not_attempted(exercise_1, untouched)


# ---------------------------------------------------------------------------
# Exercise 2 · predict, then run: batch normalisation's parameters
# ---------------------------------------------------------------------------

def test_exercise_2_truth_is_what_keras_says():
    from mnist_helpers.architectures import convnet_network

    first, second = [layer for layer in convnet_network().layers if isinstance(layer, layers.BatchNormalization)]
    assert second.count_params() == 4 * notebook_09.UNITS == 1_024
    assert sum(int(w.numpy().size) for w in second.trainable_weights) == 512
    assert sum(int(w.numpy().size) for w in first.non_trainable_weights) == 128


@pytest.fixture(scope="module")
def recipe():
    from mnist_helpers.architectures import convnet_network

    return convnet_network()


COUNTS = "after Conv2D(64): 256 parameters, 128 trainable\nafter Dense(256): 1,024 parameters, 512 trainable"


def test_exercise_2_right(recipe):
    text = assert_right(exercise_2, 1_024, 512, 128, recipe)
    assert "640" in text
    assert text.endswith(COUNTS), "a guess reveals what Keras counts, under the verdict"


def test_exercise_2_typical_mistakes(recipe):
    assert_wrong(exercise_2, 512, 512, 128, recipe, says="running mean and variance are parameters too")
    assert_wrong(exercise_2, 256, 256, 128, recipe, says="one number per unit is too few")
    assert_wrong(exercise_2, 1_024, 1_024, 128, recipe, says="not all of them are trained")
    assert_wrong(exercise_2, 1_024, 256, 128, recipe, says="the scale and the offset")
    assert_wrong(exercise_2, 1_024, 512, 256, recipe, says="only the running mean and variance")
    assert_wrong(exercise_2, 1_024, 512, 64, recipe, says="each of its 64 channels")
    text = assert_wrong(exercise_2, 1_000, 512, 128, recipe, says="four numbers per unit")
    assert text.endswith(COUNTS)


def test_exercise_2_strange_answers(recipe):
    assert_wrong(exercise_2, "1024", 512, 128, recipe, says="the number of parameters")
    assert_wrong(exercise_2, 1_024, 0.5, 128, recipe, says="trainable parameters")
    assert_wrong(exercise_2, 1_024, 512, 128, "recipe", says="give the check the notebook's recipe")


def test_exercise_2_not_attempted(recipe):
    assert "parameters, " not in assert_not_attempted(exercise_2, ____, ____, ____, recipe)
    assert_not_attempted(exercise_2, 1_024, 512, ____, recipe)


# ---------------------------------------------------------------------------
# Exercise 3 · the schedule for 5 epochs
# ---------------------------------------------------------------------------

def cosine(warmup_steps=391, decay_steps=4 * 391, initial=0.0005, target=0.005):
    return keras.optimizers.schedules.CosineDecay(initial_learning_rate=initial, warmup_target=target,
                                                  warmup_steps=warmup_steps, decay_steps=decay_steps)


def test_exercise_3_right():
    assert_right(exercise_3, cosine())


def test_exercise_3_typical_mistakes():
    assert_wrong(exercise_3, cosine(469, 4 * 469), says="469 steps per epoch")
    assert_wrong(exercise_3, cosine(decay_steps=5 * 391), says="lasts 4 × 391 steps")
    assert_wrong(exercise_3, cosine(decay_steps=9 * 391), says="over 9 epochs")
    assert_wrong(exercise_3, cosine(target=0.001), says="at step 391")
    assert_wrong(exercise_3, cosine(warmup_steps=782, decay_steps=3 * 391), says="one epoch, 391 steps")


def test_exercise_3_strange_answers():
    assert_wrong(exercise_3, keras.optimizers.Adam(cosine()), says="that is an optimizer")
    assert_wrong(exercise_3, 0.005, says="it should be a schedule")


def test_exercise_3_not_attempted():
    assert_not_attempted(exercise_3, ____)

