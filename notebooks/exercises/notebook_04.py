"""The exercises of 04 · The model: count parameters, add a layer, the ten output units, another seed.

Exercise 1 is the notebook's "predict, then run": the student predicts the parameter count of a
network with 128 hidden units, the cell builds that network, and the check compares the guess
with Keras's count. Exercise 4 hands the check a function that builds the untrained network after
a seed, so the check can build it for the seeds 0 and 1 and show what changes.
"""

import numpy as np

from .checks import mnist, thousands, whole_number_problem
from .core import Exercise, ____, answer_of, correct, wrong

__all__ = ["____", "exercise_1", "exercise_2", "exercise_3", "exercise_4"]

# The network of "Building the network": its layers, and each Dense layer's units and activation.
LAYERS = ["Flatten", "Rescaling", "Dense", "Dense"]
DENSE = [(512, "relu"), (10, "softmax")]
PARAMETERS = 407_050


def network_problem(network, name, layers, dense, parameters):
    """None if ``network`` is a built Keras model with these layers (class names), these
    (units, activation) Dense layers and this many parameters, else a sentence saying what differs."""
    import keras

    if not isinstance(network, keras.Model):
        return (f"{name} is {type(network).__name__}, not a Keras network: build it with "
                "keras.Sequential([...]) as in \"Building the network\"")
    if not network.built or network.input_shape != (None, 28, 28):
        return f"{name} should start with keras.Input(shape=(28, 28)), as the notebook's network does"
    found = [type(layer).__name__ for layer in network.layers]
    units = [(layer.units, layer.activation.__name__) for layer in network.layers if hasattr(layer, "units")]
    if [kind for kind in found if kind != "Dense"] != [kind for kind in layers if kind != "Dense"]:
        return f"{name} has the layers {', '.join(found)}; it should have {', '.join(layers)}"
    if units != dense:
        def say(pairs):
            return ", ".join(f"Dense({count}, {activation})" for count, activation in pairs)
        return f"{name} has {say(units)}; it should have {say(dense)}"
    if found != layers:
        return f"{name} has the layers {', '.join(found)}; it should have {', '.join(layers)}"
    if network.count_params() != parameters:
        return f"{name} has {thousands(network.count_params())} parameters, not {thousands(parameters)}"
    return None


# ---------------------------------------------------------------------------
# Exercise 1 · Predict, then run: 128 units
# ---------------------------------------------------------------------------

SMALLER = 784 * 128 + 128 + 128 * 10 + 10   # 101,770


def check_smaller(guess, smaller):
    problem = network_problem(smaller, "smaller", LAYERS, [(128, "relu"), (10, "softmax")], SMALLER)
    if problem:
        return wrong(f"{problem}: run the cell with smaller as it was given")
    problem = whole_number_problem(guess, "a number of parameters")
    if problem:
        return wrong(problem)
    truth = f"Keras counts {thousands(SMALLER)}"
    if guess == SMALLER:
        return correct(f"{truth} too: 784 × 128 + 128 = 100,480 in the first Dense layer, "
                       "128 × 10 + 10 = 1,290 in the second.")
    mistakes = {
        PARAMETERS: "407,050 is the count with 512 units: with 128, the first Dense layer is 784 × 128 + 128",
        784 * 128 + 128: "100,480 is the first Dense layer alone: add the second's 128 × 10 + 10",
        128 * 10 + 10: "1,290 is the second Dense layer alone: add the first's 784 × 128 + 128",
        784 * 128 + 128 * 10: "you left out the biases, one per unit: + 128 and + 10",
        784 * 128: "100,352 is the first layer's weights alone: add its 128 biases and the second layer",
        784 * 128 + 128 + 512 * 10 + 10: "the second Dense layer now gets 128 inputs, not 512: 128 × 10 + 10",
    }
    return wrong(f"{truth}, you predicted {thousands(int(guess))}: "
                 + mistakes.get(int(guess), "count layer by layer: inputs × units + one bias per unit"))


exercise_1 = Exercise(
    1, check_smaller,
    hints=["A Dense layer has one weight for every (input, unit) pair, plus one bias per unit.",
           "The first Dense layer has 784 inputs and 128 units; the second has 128 inputs and 10 units."],
    solution="""
        guess = 101_770   # 784 × 128 + 128 = 100,480, plus 128 × 10 + 10 = 1,290

        smaller = keras.Sequential(
            [
                keras.Input(shape=(28, 28)),
                layers.Flatten(),
                layers.Rescaling(1 / 255),
                layers.Dense(128, activation="relu"),   # 128 units instead of 512
                layers.Dense(10, activation="softmax"),
            ]
        )
    """,
    explanation="""
        784 × 128 + 128 = 100,480 and 128 × 10 + 10 = 1,290: 101,770 in total, about a quarter of the
        407,050. Both Dense layers shrink, because the second one now gets 128 inputs instead of
        512. `smaller.summary()` shows the same count, layer by layer.
    """,
)


# ---------------------------------------------------------------------------
# Exercise 2 · A second hidden layer
# ---------------------------------------------------------------------------

DEEPER = PARAMETERS + 512 * 256 + 256 - (512 - 256) * 10   # 535,818
ADDED = DEEPER - PARAMETERS                                 # 128,768


def check_deeper(deeper, added):
    problem = network_problem(deeper, "deeper", ["Flatten", "Rescaling", "Dense", "Dense", "Dense"],
                              [(512, "relu"), (256, "relu"), (10, "softmax")], DEEPER)
    if problem:
        return wrong(problem)
    problem = whole_number_problem(added, "a number of parameters")
    if problem:
        return wrong(problem)
    if added == ADDED:
        return correct(f"{thousands(ADDED)} more: the new layer has 512 × 256 + 256 = 131,328, and the last "
                       "layer, now with 256 inputs, 2,560 fewer than before.")
    if added == 512 * 256 + 256:
        return wrong("131,328 is the new layer's own count; the last Dense layer now gets 256 inputs instead "
                     "of 512, so it changes too")
    if added == DEEPER:
        return wrong(f"{thousands(DEEPER)} is deeper's total; the question asks how many more than "
                     "model's 407,050")
    if added in (512 * 256, 512 * 256 - (512 - 256) * 10):
        return wrong("you left out the new layer's biases: one per unit, 256")
    return wrong(f"deeper has {thousands(DEEPER)} parameters and model 407,050: {thousands(int(added))} is "
                 "not the difference (deeper.summary() counts layer by layer)")


exercise_2 = Exercise(
    2, check_deeper,
    hints=["Copy the cell of \"Building the network\" and add the new layer between the two Dense layers.",
           "The new layer has 512 inputs and 256 units. Then look at the last layer: how many inputs "
           "does it get now?",
           "deeper.count_params() - model.count_params() gives the difference; work it out by hand too."],
    solution="""
        deeper = keras.Sequential(
            [
                keras.Input(shape=(28, 28)),
                layers.Flatten(),
                layers.Rescaling(1 / 255),
                layers.Dense(512, activation="relu"),
                layers.Dense(256, activation="relu"),   # the second hidden layer
                layers.Dense(10, activation="softmax"),
            ]
        )
        added = (512 * 256 + 256) - (512 - 256) * 10   # the new layer, minus what the last layer loses
    """,
    explanation="""
        The new layer has 512 × 256 + 256 = 131,328 parameters. The output layer shrinks from
        512 × 10 + 10 = 5,130 to 256 × 10 + 10 = 2,570, so the total grows from 407,050 to 535,818:
        128,768 more.
    """,
)


# ---------------------------------------------------------------------------
# Exercise 3 · Why ten output units?
# ---------------------------------------------------------------------------

REASONS = {
    "a": wrong("the last layer's size is not about speed or accuracy: a network that tells 26 letters "
               "apart needs 26 units there"),
    "b": correct("one unit per digit: softmax turns the ten outputs into ten probabilities, which the loss "
                 "compares with the ten values of a one-hot label."),
    "c": wrong("a Dense layer connects every input to every unit, so any number of units can follow 512 "
               "(exercise 1 used 128); it is the ten digits that fix this one"),
}


def check_reason(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in REASONS:
        return wrong(f"your answer is {answer!r}: answer with one letter in quotes, \"a\", \"b\" or \"c\"")
    return REASONS[answer.strip().lower()]


exercise_3 = Exercise(
    3, check_reason,
    hints=["What does each of the ten outputs stand for, and what is it compared with during training?"],
    solution="""
        answer = "b"
    """,
    explanation="""
        One probability per digit, to compare with the ten values of a one-hot label. Any other
        number of outputs could not be compared with the labels: Keras stops with an error about
        the shapes when it computes the loss. A network for the 26 capital letters would end with
        `Dense(26, activation="softmax")`.
    """,
)


# ---------------------------------------------------------------------------
# Exercise 4 · Another seed
# ---------------------------------------------------------------------------


def answers(network, images, labels):
    """(accuracy, most often predicted digit) of ``network`` on ``images``."""
    predictions = network.predict(images, verbose=0).argmax(axis=1)
    return (predictions == labels).mean(), np.bincount(predictions, minlength=10).argmax()


def same_weights(first, second):
    return all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))


def check_seed(untrained_network):
    first, again, seed_1 = (answer_of(untrained_network, seed) for seed in (0, 0, 1))
    for seed, network in ((0, first), (0, again), (1, seed_1)):
        problem = network_problem(network, f"untrained_network({seed})", LAYERS, DENSE, PARAMETERS)
        if problem:
            return wrong(problem)
    if first is seed_1:
        return wrong("your function returns the same network for every seed: build a new one inside it, "
                     "after the seed")
    if not same_weights(first, again):
        return wrong("two networks built with seed 0 start from different weights: call "
                     "keras.utils.set_random_seed(seed) first, then build the network")
    if same_weights(first, seed_1):
        return wrong("the seeds 0 and 1 give the same weights: pass the function's seed to set_random_seed")
    _, (test_images, test_labels) = mnist()
    accuracy_0, favourite_0 = answers(first, test_images, test_labels)
    accuracy_1, favourite_1 = answers(seed_1, test_images, test_labels)
    return correct(f"seed 1 gives other weights: {accuracy_1 * 100:.2f} % of the test digits right instead of "
                   f"{accuracy_0 * 100:.2f} % with seed 0, and it favours {favourite_1} instead of {favourite_0}; "
                   "the 407,050 parameters and the shapes stay.")


exercise_4 = Exercise(
    4, check_seed,
    hints=["Copy the keras.Sequential(...) of \"Building the network\" after the return.",
           "Build the network inside the function, after keras.utils.set_random_seed(seed): the seed "
           "decides the random weights a new network starts from."],
    solution="""
        def untrained_network(seed):
            keras.utils.set_random_seed(seed)
            return keras.Sequential(
                [
                    keras.Input(shape=(28, 28)),
                    layers.Flatten(),
                    layers.Rescaling(1 / 255),
                    layers.Dense(512, activation="relu"),
                    layers.Dense(10, activation="softmax"),
                ]
            )
    """,
    explanation="""
        Other random weights favour other digits, so the counts and the accuracy change, but the
        accuracy stays near chance (over the seeds 1 to 10 we measured about 6 % to 13 %). The
        shapes and the parameter count stay. With seed 0 the function builds `model` again, with
        the same starting weights: the notebook's setup fixed the seed 0.
    """,
)
