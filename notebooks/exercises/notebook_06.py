"""Checked exercises of notebook 06 · Training: batches of 32, two epochs, patience 1, and a network of your own.

Every exercise trains, so the student completes a function and the checker calls it (an untouched
template trains nothing). The checkers judge with measured bounds (``BOUNDS_N``: what the solution
reaches over seeds and computers, docs/measured-exercises.md) and report what they measured.
"""

import inspect
import io
import re
import time
import tokenize

import numpy as np

from .checks import mnist, thousands, whole_number_problem
from .core import Exercise, ____, answer_of, correct, wrong  # noqa: F401 (____: the notebook imports the blank from here)

STEPS_32 = 1875    # 60,000 / 32: no partial last batch
STEPS_128 = 469    # notebook 06's batches of 128
STEPS_10000 = 79   # exercise 3: the first 10,000 images in batches of 128
# The solutions' measured ranges, over seeds and settings, are in docs/measured-exercises.md.
BOUNDS_1 = {"training accuracy": (0.935, 0.947)}
BOUNDS_2 = {"training accuracy": (0.963, 0.973)}
BOUNDS_3 = {"kept epoch": (2, 20), "validation accuracy": (0.94, 0.97)}
LOWEST_ACCURACY = 0.95  # exercise 4: the check ticks at this test accuracy or more
TIME_LIMIT = 240        # seconds: exercise 4 asks for about a minute, but a slow computer takes longer


def _percent(share, digits=2):
    """0.9409 -> '94.09 %'."""
    return f"{share * 100:.{digits}f} %"


def _range(low, high):
    """(0.935, 0.947) -> '93.5–94.7 %'."""
    return f"{low * 100:.1f}–{high * 100:.1f} %"


def _history_problem(history, what):
    """None if ``history`` is what ``fit`` returns, else a sentence saying what it is."""
    import keras

    if isinstance(history, keras.Model):
        return (f"your function returns the network; return what fit returns instead "
                f"(history = network.fit(...), then return history): it holds {what}")
    if not isinstance(history, keras.callbacks.History) or not getattr(history, "history", None):
        return f"your function returns {type(history).__name__}; return the History that network.fit(...) returns"
    return None


def _steps_problem(steps, expected, images):
    if steps == expected:
        return None
    if steps == STEPS_128 and expected != STEPS_128:
        return f"fit made {steps} steps per epoch: those are batches of 128; pass batch_size=32"
    if steps == STEPS_32 and expected != STEPS_32:
        return "fit made 1,875 steps per epoch: those are batches of 32; pass batch_size=128 as above"
    return (f"fit made {thousands(steps)} steps per epoch, not {thousands(expected)}: "
            f"train on {images} in batches of {32 if expected == STEPS_32 else 128}")


# Exercise 1 · Predict, then run: batches of 32

def check_batches_of_32(guess, train):
    problem = whole_number_problem(guess, "a whole number of steps")
    if problem:
        return wrong(problem)
    history = answer_of(train)
    problem = _history_problem(history, "the steps and the accuracy")
    if problem:
        return wrong(problem)
    steps, epochs = history.params.get("steps"), len(history.history.get("accuracy", []))
    problem = _steps_problem(steps, STEPS_32, "all 60,000 training images")
    if problem:
        return wrong(problem)
    if epochs != 1:
        return wrong(f"your function trains for {epochs} epochs: one is enough here (epochs=1)")
    accuracy = history.history["accuracy"][-1]
    measured = {"training accuracy": accuracy}
    low, high = BOUNDS_1["training accuracy"]
    if not low <= accuracy <= high:
        return wrong(f"training accuracy {_percent(accuracy)} after one epoch; a fresh network reaches "
                     f"{_range(low, high)}: start from new_network() after keras.utils.set_random_seed(0)", measured)
    if guess != STEPS_32:
        return wrong(f"fit made 1,875 steps per epoch, not {thousands(int(guess))}: 60,000 images / 32 = 1,875 "
                     "batches (all full this time). Now write 1,875", measured)
    return correct("1,875 steps per epoch, as you predicted: four times as many batches as with 128 (60,000 / 128 "
                   f"= 468.75, so 469 steps). One epoch reaches {_percent(accuracy)} "
                   "training accuracy (about 92 % with batches of 128: Epoch 1/5 above) and takes longer", measured)


exercise_1 = Exercise(
    1, check_batches_of_32,
    hints=["A step is one batch. How many batches of 32 make 60,000 images?",
           "60,000 / 32 = 1,875. In the function: fresh = new_network(), then "
           "history = fresh.fit(train_images, train_targets, epochs=1, batch_size=32, verbose=2).",
           "Return history, the value fit returns."],
    solution="""
        steps_guess = 1875  # 60,000 / 32


        def train_batches_of_32():
            keras.utils.set_random_seed(0)
            fresh = new_network()
            history = fresh.fit(train_images, train_targets, epochs=1, batch_size=32, verbose=2)
            return history
    """,
    explanation="""
        fit prints 1875/1875: 60,000 / 32 = 1,875 steps, four times as many as with batches of 128.
        After one epoch the training accuracy is about 94 %, against about 92 % with batches of 128:
        more, smaller steps. The epoch takes longer, though: each step has less work to share
        between the processor's cores.
    """,
    bounds=BOUNDS_1,
)


# Exercise 2 · Two epochs

def check_two_epochs(train, notebook_history=None):
    history = answer_of(train)
    problem = _history_problem(history, "the accuracy of each epoch")
    if problem:
        return wrong(problem)
    problem = _steps_problem(history.params.get("steps"), STEPS_128, "all 60,000 training images")
    if problem:
        return wrong(problem)
    accuracies = history.history.get("accuracy", [])
    if len(accuracies) != 2:
        return wrong(f"your function trains for {len(accuracies)} epochs; the exercise asks for 2 (epochs=2)")
    accuracy = accuracies[-1]
    measured = {"training accuracy": accuracy}
    low, high = BOUNDS_2["training accuracy"]
    if accuracy > high and accuracies[0] > 0.97:
        return wrong(f"training accuracy {_percent(accuracies[0])} already in epoch 1: you went on training a network "
                     "that was trained before (model); start from a fresh one, new_network()", measured)
    if not low <= accuracy <= high:
        return wrong(f"training accuracy {_percent(accuracy)} after 2 epochs; notebook 01's training reaches "
                     f"{_range(low, high)}: start from new_network() after keras.utils.set_random_seed(0)", measured)
    above = ""
    five = getattr(notebook_history, "history", {}).get("accuracy", []) if notebook_history is not None else []
    if len(five) == 5:
        above = (f" (Epoch 2/5 above: {_percent(five[1])}): the same training, cut short; epochs 3 to 5 take it "
                 f"to {_percent(five[4])}")
    return correct(f"{_percent(accuracy)} training accuracy after 2 epochs{above}", measured)


exercise_2 = Exercise(
    2, check_two_epochs,
    hints=["Copy the training cell's fit call into the function, for a fresh network, and change one number.",
           "history = fresh.fit(train_images, train_targets, epochs=2, batch_size=128, verbose=2), then "
           "return history."],
    solution="""
        def train_two_epochs():
            keras.utils.set_random_seed(0)
            fresh = new_network()
            history = fresh.fit(train_images, train_targets, epochs=2, batch_size=128, verbose=2)
            return history
    """,
    explanation="""
        About 97 % training accuracy (96.85 % in our run; yours may differ a little): the accuracy
        printed under "Epoch 2/5" in the training above, since it is the same training, cut short.
        Three more epochs add about 2 points.
    """,
    bounds=BOUNDS_2,
)


# Exercise 3 · Patience 1

def check_patience_1(train):
    import keras

    stopping = answer_of(train)
    if not isinstance(stopping, keras.callbacks.EarlyStopping):
        return wrong(f"your function returns {type(stopping).__name__}; return the EarlyStopping "
                     "callback, after fit has used it")
    if stopping.patience != 1:
        return wrong(f"the callback has patience={stopping.patience}; the exercise asks for patience=1")
    if stopping.monitor != "val_loss":
        return wrong(f'the callback watches {stopping.monitor!r}; watch the validation loss, monitor="val_loss"')
    if not stopping.restore_best_weights:
        return wrong("without restore_best_weights=True the network keeps its last epoch's weights, not the best")
    network = getattr(stopping, "_model", None)
    if network is None or not stopping.params:
        return wrong("the callback was not used: pass callbacks=[early_stopping] to fit, then return it")
    if stopping.best is None or not np.isfinite(stopping.best):
        return wrong("fit had no validation data, so the callback saw no val_loss: pass "
                     "validation_data=(train_images[50000:], train_targets[50000:])")
    problem = _steps_problem(stopping.params.get("steps"), STEPS_10000, "the first 10,000 training images")
    if problem:
        return wrong(problem)
    kept, stopped = stopping.best_epoch + 1, stopping.stopped_epoch + 1
    (images, labels), _ = mnist()
    predictions = network.predict(images[50000:], batch_size=1000, verbose=0).argmax(axis=1)
    accuracy = float(np.mean(predictions == labels[50000:]))
    measured = {"kept epoch": kept, "validation accuracy": accuracy}
    low, high = BOUNDS_3["validation accuracy"]
    if not low <= accuracy <= high:
        return wrong(f"the network you kept gets {_percent(accuracy)} of the validation images right; this training "
                     f"reaches {_range(low, high)}: start from new_network() after keras.utils.set_random_seed(0)",
                     measured)
    if stopping.stopped_epoch == 0:
        return correct(f"training ran all {stopping.params.get('epochs')} epochs and kept epoch {kept} "
                       f"(validation accuracy {_percent(accuracy)})", measured)
    return correct(f"patience=1 stopped after epoch {stopped}, the first without a new lowest validation loss, "
                   f"and kept epoch {kept} (validation accuracy {_percent(accuracy)})", measured)


exercise_3 = Exercise(
    3, check_patience_1,
    hints=["Copy the early-stopping cell into the function; change the patience and the training images.",
           "early_stopping = keras.callbacks.EarlyStopping(monitor=\"val_loss\", patience=1, "
           "restore_best_weights=True); fit on train_images[:10000], train_targets[:10000] with "
           "callbacks=[early_stopping]; return early_stopping."],
    solution="""
        def train_patience_1():
            keras.utils.set_random_seed(0)
            fresh = new_network()
            early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
            fresh.fit(
                train_images[:10000], train_targets[:10000],
                validation_data=(train_images[50000:], train_targets[50000:]),
                epochs=20, batch_size=128, callbacks=[early_stopping], verbose=2,
            )
            return early_stopping
    """,
    explanation="""
        patience=1 stops at the first epoch that brings no new lowest validation loss and keeps the
        one before. In our run the loss fell until epoch 12 (yours may differ a little): training
        stopped after epoch 13 and kept epoch 12, about 96 % validation accuracy. The risk: the
        validation loss wobbles from epoch to epoch, so one slightly worse epoch ends training,
        though later epochs would have been better. Try keras.utils.set_random_seed(1): there
        training stopped after epoch 8 and kept epoch 7, about 95 %. A patience of a few epochs
        waits out such wobbles.
    """,
    bounds=BOUNDS_3,
)


# Exercise 4 · Your own network

SCALING_LAYERS = ("Rescaling", "Normalization", "BatchNormalization", "LayerNormalization")
TEST_NAMES = re.compile(r"^test_(images|labels|targets)$")


def _uses_the_test_set(function):
    """True if the code of ``function`` names the test images, labels or targets (comments aside)."""
    try:
        source = inspect.getsource(function)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (OSError, TypeError, tokenize.TokenError, IndentationError):
        return False
    return any(token.type == tokenize.NAME and TEST_NAMES.match(token.string) for token in tokens)


def _layers(network):
    for layer in getattr(network, "layers", []):
        yield layer
        yield from _layers(layer)


def _scales(network):
    return any(type(layer).__name__ in SCALING_LAYERS for layer in _layers(network))


def _probabilities(network, images):
    """The network's outputs for ``images``, as 28 × 28 or 28 × 28 × 1 inputs; None if it takes neither."""
    for shaped in (images, images[..., None]):
        try:
            return np.asarray(network.predict(shaped, batch_size=1000, verbose=0))
        except Exception:  # noqa: BLE001 - any failure means: it does not take these images
            continue
    return None


def check_own_network(build_and_train):
    import keras

    started = time.perf_counter()
    network = answer_of(build_and_train)
    seconds = time.perf_counter() - started
    if not isinstance(network, keras.Model):
        return wrong(f"your function returns {type(network).__name__}; return the trained network")
    if _uses_the_test_set(build_and_train):
        return wrong("your function uses the test images: train (and validate) on the training images "
                     "only; the check scores your network on the test set, which it must not have seen")
    (train_images, train_labels), (test_images, test_labels) = mnist()
    outputs = _probabilities(network, test_images)
    if outputs is None:
        return wrong("your network cannot take the test images (28 × 28 pixels, 0–255): "
                     "start it with keras.Input(shape=(28, 28))")
    if outputs.ndim != 2 or outputs.shape[1] != 10:
        return wrong(f"your network gives {outputs.shape[1:]} numbers per image; its last layer needs 10 units, "
                     "one per digit")
    if outputs.min() < 0 or not np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
        return wrong('its outputs are not probabilities (they do not add up to 1): give the last Dense layer '
                     'activation="softmax"')
    accuracy = float(np.mean(outputs.argmax(axis=1) == test_labels))
    measured = {"test accuracy": accuracy, "seconds": seconds}
    if not _scales(network):
        return wrong("no layer of your network scales the pixels, so they go in as 0–255: put "
                     "layers.Rescaling(1 / 255) after Flatten (notebook 04) rather than dividing the images "
                     "outside it", measured)
    if accuracy < 0.3:
        return wrong(f"your network gets {_percent(accuracy, 1)} of the test images right, about what guessing does: "
                     "compile it and train it with fit before returning it", measured)
    seen = float(np.mean(_probabilities(network, train_images[:10000]).argmax(axis=1) == train_labels[:10000]))
    if accuracy > seen + 0.01:
        return wrong(f"{_percent(accuracy)} right on the test images but only {_percent(seen)} on training images: "
                     "it has learned the test set; train on the training images only", measured)
    if accuracy < LOWEST_ACCURACY:
        return wrong(f"your network gets {_percent(accuracy)} of the test images right; the check ticks at "
                     f"{_percent(LOWEST_ACCURACY, 0)} or more: train more epochs or give it more units", measured)
    if seconds > TIME_LIMIT:
        return wrong(f"{_percent(accuracy)} right, but training took {seconds:.0f} s, more than {TIME_LIMIT} s; the "
                     "exercise asks for about a minute. How long training takes depends on the computer: on this "
                     "one, try fewer epochs, fewer units or a subset of the images", measured)
    return correct(f"your network gets {_percent(accuracy)} of the 10,000 test images right, which it never saw "
                   "in training", measured)


exercise_4 = Exercise(
    4, check_own_network,
    hints=["Start from new_network() above: the input and Flatten, a Rescaling layer, hidden Dense layers "
           "of your choice, and Dense(10, activation=\"softmax\") last. Then compile, fit and return it.",
           "Try two hidden layers (say 256 and 128 units, relu), the \"adam\" optimizer, and 3 epochs. "
           "With train_labels (digits, not one-hot) as targets, use loss=\"sparse_categorical_crossentropy\"."],
    solution="""
        def build_and_train():
            keras.utils.set_random_seed(0)
            network = keras.Sequential(
                [
                    keras.Input(shape=(28, 28)),
                    layers.Flatten(),
                    layers.Rescaling(1 / 255),
                    layers.Dense(128, activation="relu"),
                    layers.Dropout(0.2),
                    layers.Dense(10, activation="softmax"),
                ]
            )
            network.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            network.fit(train_images, train_labels, epochs=3, batch_size=128, verbose=2)
            return network
    """,
    explanation="""
        Any network that scales the pixels itself, ends in 10 softmax units and trains on the
        training images only gets the tick once it gets at least 95 % of the test images right.
        This one (128 units; Dropout, which switches a random fifth of them off at each training
        step; the adam optimizer) gets about 97 % after 3 epochs, in under a minute in our runs.
    """,
    bounds={"test accuracy": (LOWEST_ACCURACY, 1.0)},
)
