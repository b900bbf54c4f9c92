"""The exercises of notebook 03 · Preprocessing: standardise, predict a one-hot array, scale to
−1 to 1 by layer and by NumPy, and train the networks of "Why 0 to 1?" for one epoch.

The checkers recompute the notebook's ``batch`` (the first 1,000 training images, flattened) from
the data. Exercise 4 trains: its checker calls the student's function and judges the losses with
``BOUNDS``, the range a correct answer reaches (docs/measured-exercises.md).
"""

import numpy as np

from .checks import array_problem, mnist, number_problem
from .core import Exercise, NotAttempted, ____, answer_of, correct, wrong

__all__ = ["____", "exercise_1", "exercise_2", "exercise_3", "exercise_4"]


def first_batch():
    """The notebook's ``batch``: the first 1,000 training images, flattened, as uint8."""
    (train_images, _), _ = mnist()
    return train_images[:1000].reshape((1000, 784))


# --- Exercise 1 · Standardise -------------------------------------------------------------------

def check_standardised(standardised):
    problem = array_problem(standardised, (1000, 784), "standardised")
    if problem:
        return wrong(problem)
    values = np.asarray(standardised, dtype="float64")
    if np.isnan(values).any():
        return wrong("standardised holds NaN (not a number): some pixels are 0 in every image, so their "
                     "standard deviation is 0. Use the mean and standard deviation of all pixels together "
                     "(no axis=)")
    mean, std = values.mean(), values.std()
    if abs(std - 1) > 1e-3:
        if abs(mean) <= 1e-3:
            return wrong(f"the mean is 0 but the standard deviation is {std:.2f}, not 1: divide by "
                         "batch_scaled.std() too")
        return wrong(f"the standard deviation is {std:.2f}, not 1: divide by batch_scaled.std()")
    if abs(mean) > 1e-3:
        return wrong(f"the mean is {mean:.2f}, not 0: subtract batch_scaled.mean() before dividing")
    scaled = first_batch().astype("float64") / 255
    expected = (scaled - scaled.mean()) / scaled.std()
    if not np.allclose(values, expected, atol=1e-4):
        return wrong("the mean is 0 and the standard deviation 1, but these are not batch_scaled's pixels, "
                     "standardised: start from batch_scaled")
    return correct("the mean is now 0 and the standard deviation 1 (to 3 decimals); background pixels "
                   f"became {expected.min():.2f}, full ink {expected.max():.2f}.".replace("-", "−"))


exercise_1 = Exercise(
    1, check_standardised,
    hints=["batch_scaled.mean() and batch_scaled.std() give one number each, over all pixels.",
           "Subtract the mean from every pixel, then divide by the standard deviation."],
    solution="standardised = (batch_scaled - batch_scaled.mean()) / batch_scaled.std()",
    explanation="The mean and standard deviation are taken over all pixels of the 1,000 images. Use the "
                "training mean and standard deviation for the test images too: they must be transformed "
                "exactly like the data the network learned from.",
)


# --- Exercise 2 · Predict, then run: np.eye(10)[[3, 0, 9]] --------------------------------------

def check_eye_guess(shape, ones_at):
    if not isinstance(shape, (tuple, list)) or not all(isinstance(n, (int, np.integer)) for n in shape):
        return wrong(f"write the shape as a tuple of whole numbers, such as (5, 2), not {shape!r}")
    if not isinstance(ones_at, (tuple, list, np.ndarray)) or any(number_problem(n) for n in ones_at):
        return wrong(f"write ones_at as a list of positions, one per row, such as [1, 2], not {ones_at!r}")
    shape, ones_at = tuple(int(n) for n in shape), [int(n) for n in ones_at]
    result = np.eye(10)[[3, 0, 9]]
    verdict = _eye_verdict(shape, ones_at, result)
    verdict.shown = f"np.eye(10)[[3, 0, 9]] is\n{result}"
    return verdict


def _eye_verdict(shape, ones_at, result):
    if shape == (10, 3):
        return wrong("(10, 3) is the other way round: indexing picks one row of np.eye(10) per label, and "
                     "each row is 10 long")
    if shape in ((3,), (10,), (10, 10)):
        return wrong(f"the shape is not {shape}: indexing with a list of 3 labels picks 3 whole rows of the "
                     "10 × 10 identity, each 10 long")
    if shape != result.shape:
        return wrong(f"the shape is not {shape}: look at the array printed below, its rows and their length")
    if ones_at == [0, 1, 2]:
        return wrong("row d of np.eye(10) has its 1 at position d, and the rows picked are rows 3, 0 and 9")
    if ones_at != [int(p) for p in result.argmax(axis=1)]:
        return wrong(f"the 1s are not at {ones_at}: in the array printed below, count the position of the 1 in "
                     "each row, from 0")
    return correct("3 rows of 10, one per label, each with its single 1 at the label's position: "
                   "the one-hot rows of 3, 0 and 9.")


exercise_2 = Exercise(
    2, check_eye_guess,
    hints=["What is np.eye(10)[3]? Try it in a new cell.",
           "np.eye(10)[d] is row d of the 10 × 10 identity matrix; with a list, [3, 0, 9], you get one row "
           "per number in the list.",
           "Row d of the identity has its 1 at position d."],
    solution="""
        shape = (3, 10)
        ones_at = [3, 0, 9]   # the check prints np.eye(10)[[3, 0, 9]]
    """,
    explanation="A 3 × 10 array: row 0 has its 1 at position 3, row 1 at position 0, row 2 at position 9: "
                "the one-hot rows of the labels 3, 0 and 9.",
)


# --- Exercise 3 · Scale to −1 to 1 --------------------------------------------------------------

def _number(x):
    """A number as the course writes it: 0.5, −1 (with a true minus sign)."""
    return f"{float(x):g}".replace("-", "−")


def check_minus_one_to_one(model, centred):
    import keras

    if not isinstance(model, keras.Model):
        return wrong(f"prepare_centred should be a Keras model, keras.Sequential([...]), "
                     f"not {type(model).__name__}")
    (train_images, _), _ = mnist()
    pixels = first_batch().astype("float32")
    expected = pixels * (1 / 127.5) - 1
    try:
        by_layers = np.asarray(model.predict(train_images[:1000], verbose=0))
    except Exception as error:  # a model built for other inputs
        return wrong(f"your model cannot take the 28 × 28 images ({type(error).__name__}): start it with "
                     "keras.Input(shape=(28, 28)), layers.Flatten(), as prepare does")
    problem = array_problem(by_layers, (1000, 784), "what your model returns")
    if problem:
        return wrong(problem + ": keep layers.Flatten() before the Rescaling layer")
    if not np.allclose(by_layers, expected, atol=1e-6):
        return wrong(f"your model's numbers run from {_number(by_layers.min())} to {_number(by_layers.max())}, "
                     "not −1 to 1: use layers.Rescaling(1 / 127.5, offset=-1)")
    problem = array_problem(centred, (1000, 784), "centred")
    if problem:
        return wrong(problem + ": start from batch, the flattened images")
    centred = np.asarray(centred)
    low, high = float(centred.min()), float(centred.max())
    if np.allclose(centred, (pixels / 255) * (1 / 127.5) - 1, atol=1e-6):
        return wrong(f"your NumPy numbers run from {_number(low)} to {_number(high)}: you started from "
                     "batch_scaled, the 0–1 pixels. Start from batch, the 0–255 pixels, as the layer does")
    if abs(low - -1) > 1e-6 or abs(high - 1) > 1e-6:
        return wrong(f"your NumPy numbers run from {_number(low)} to {_number(high)}, not −1 to 1: "
                     "start from batch as float32, multiply by 1 / 127.5, then subtract 1 (the offset)")
    if not np.allclose(centred, expected, atol=1e-6):
        return wrong("your NumPy numbers run from −1 to 1 but are not the pixels of batch, scaled: "
                     "start from batch")
    if centred.dtype != np.float32:
        return wrong(f"centred is {centred.dtype}; the layer computes float32: batch.astype(\"float32\")")
    # The layer computes pixel × scale + offset. Some computers (a GPU, for example) round that once,
    # with one fused multiply-add, where NumPy rounds twice: the two may then differ in the last bit
    # (one ulp of the product or of the result, whichever is larger). That much is accepted.
    last_bit = np.maximum(np.spacing(np.abs(pixels * np.float32(1 / 127.5))), np.spacing(np.abs(expected)))
    if not np.all(np.abs(centred.astype("float64") - by_layers) <= last_bit):
        return wrong("close, but not exactly the same numbers: compute as the layer does, from batch as "
                     "float32: × (1 / 127.5), then − 1")
    if np.array_equal(centred, by_layers):
        return correct("the layer and NumPy give exactly the same numbers, from −1 to 1: "
                       "np.array_equal is True.")
    return correct("the layer and NumPy agree to the last binary digit, from −1 to 1; np.array_equal says "
                   "False only because the two round differently (dividing by 127.5, for example, or a "
                   "layer that multiplies and adds in one step).")


exercise_3 = Exercise(
    3, check_minus_one_to_one,
    hints=["For the model, copy prepare's line from \"The two layers compute the same numbers\" and swap "
           "its Rescaling layer.",
           "Rescaling(scale, offset) computes pixel * scale + offset, in float32.",
           "centred = batch.astype(\"float32\") * (1 / 127.5) - 1"],
    solution="""
        prepare_centred = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                                            layers.Rescaling(1 / 127.5, offset=-1)])
        centred = batch.astype("float32") * (1 / 127.5) - 1

        by_layers = prepare_centred.predict(train_images[:1000], verbose=0)
        print("exactly the same numbers:", np.array_equal(by_layers, centred))
    """,
    explanation="The layer multiplies by its first number, then adds offset: 0 becomes −1, 255 becomes 1. "
                "Here NumPy gives exactly the same numbers. The check also accepts numbers that differ "
                "in the last binary digit, because on some computers (with a GPU, for example) the layer "
                "rounds once, not twice: it multiplies and adds in one step. So dividing by 127.5 "
                "instead of multiplying by 1 / 127.5, which changes that last digit in some numbers, "
                "passes too.",
)


# --- Exercise 4 · One epoch, with and without Rescaling -----------------------------------------

# The loss after one epoch on the first 30,000 training images (half of them, so that the check
# trains both networks in about a minute at most), for dense_network(True) and dense_network(False)
# trained as notebook 01 trains (rmsprop, categorical cross-entropy, batch_size=128): measured by
# tools/measure_exercises.py (docs/measured-exercises.md), with a margin.
BOUNDS = {"loss with Rescaling": (0.32, 0.40), "loss without Rescaling": (6.5, 13.0)}
IMAGES = 30_000
STEPS = 235  # batches of 128 in one epoch of 30,000 images


def first_problem(history):
    """None if ``history`` is what model.fit returns, for one epoch of 30,000 images in batches of 128;
    else a sentence."""
    if not hasattr(history, "history") or not isinstance(history.history, dict):
        what = "a model" if hasattr(history, "fit") else type(history).__name__
        return f"your function returns {what}: return what model.fit(...) returns, its history"
    epochs = len(history.history.get("loss", []))
    if epochs != 1:
        return f"that trained {epochs} epochs; the exercise asks for one, epochs=1"
    steps = getattr(history, "params", {}).get("steps")
    if steps == 469:
        return ("that trained on all 60,000 training images: the exercise takes the first 30,000, "
                "train_images[:30000] (and their labels), to keep the check short")
    if steps is not None and steps != STEPS:
        return (f"that trained in {steps} batches, not 235: fit the first 30,000 images with "
                "batch_size=128 (Keras's default is 32)")
    return None


def check_one_epoch(train_one_epoch):
    histories = {}
    for scale in (True, False):
        try:
            histories[scale] = answer_of(train_one_epoch, scale)
        except NotAttempted:
            raise
        except TypeError as error:
            if not callable(train_one_epoch):
                return wrong(f"train_one_epoch should be your function (a def), "
                             f"not {type(train_one_epoch).__name__}")
            return wrong(f"train_one_epoch({scale}) stopped with an error: {_first_line(error)}")
        except Exception as error:  # the student's code raised: say so in one line
            return wrong(f"train_one_epoch({scale}) stopped with an error ({type(error).__name__}: "
                         f"{_first_line(error)}): call it in a cell of its own to see where")
        problem = first_problem(histories[scale])
        if problem:
            return wrong(problem)
    losses = {"loss with Rescaling": float(histories[True].history["loss"][0]),
              "loss without Rescaling": float(histories[False].history["loss"][0])}
    scaled, unscaled = losses.values()
    (low, high), (low_raw, high_raw) = BOUNDS.values()
    said = f"after one epoch the loss is {scaled:.2f} with Rescaling and {unscaled:.2f} without"
    if low_raw <= scaled <= high_raw and low <= unscaled <= high:
        return wrong(f"{said}, the other way round: build dense_network(scale), not dense_network(not scale)",
                     losses)
    if unscaled < low_raw:
        return wrong(f"{said}: without Rescaling it should end far higher. Build dense_network(scale) with "
                     "the scale you are given, and train on train_images as they come (not divided by 255)",
                     losses)
    if not (low <= scaled <= high and low_raw <= unscaled <= high_raw):
        return wrong(f"{said}; a correct run ends between {low} and {high} with Rescaling and between "
                     f"{low_raw:g} and {high_raw:g} without: compile as notebook 01 does (rmsprop, "
                     "categorical_crossentropy, one-hot labels) and train on train_images as they come",
                     losses)
    return correct(f"{said}: the unscaled network learns, but far more slowly.", losses)


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0][:160] if text else "no message"


exercise_4 = Exercise(
    4, check_one_epoch,
    hints=["Inside the function: model = dense_network(scale), then compile and fit as notebook 01 does.",
           "model.compile(optimizer=\"rmsprop\", loss=\"categorical_crossentropy\", metrics=[\"accuracy\"]); "
           "the targets are keras.utils.to_categorical(train_labels[:30000]).",
           "return model.fit(train_images[:30000], targets, epochs=1, batch_size=128, verbose=0)"],
    solution="""
        def train_one_epoch(scale):
            model = dense_network(scale)   # sets the random seed to 0 first
            model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
            images, targets = train_images[:30000], keras.utils.to_categorical(train_labels[:30000])
            return model.fit(images, targets, epochs=1, batch_size=128, verbose=0)
    """,
    explanation="The check trains both networks: allow up to about a minute. After the epoch the loss is about "
                "0.35 with `Rescaling` and about 9 without: the unscaled network learns, but more slowly.",
    bounds=BOUNDS,
)
