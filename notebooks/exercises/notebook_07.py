"""Checked exercises of notebook 07 · Evaluation: the least confident mistake on an 8, right but unsure,
precision per digit, and more units of the first layer.

Which images the network gets wrong depends on the network (notebook 07 loads the student's own
if one was saved), so exercises 1 to 3 take the notebook's ``probabilities`` (``model.predict`` of
the 10,000 test images) as a second argument and recompute the answer from them.
"""

import numbers

import numpy as np

from .checks import array_problem, mnist, thousands, whole_number_problem
from .core import Exercise, ____, correct, wrong  # noqa: F401 (____: the notebook imports the blank from here)

UNSURE = 0.6  # exercise 2: "less than 60 % confidence"


def _a(digit):
    """'a 3', 'an 8'."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def _percent(share):
    """0.273 -> '27.3 %'."""
    return f"{share * 100:.1f} %"


def _outcome(probabilities):
    """(predictions, confidence, correct, None), or four Nones and a sentence if ``probabilities`` is no
    10,000 × 10 array."""
    problem = array_problem(probabilities, (10000, 10), "the second argument, probabilities,")
    if problem:
        return None, None, None, problem + " (pass the probabilities that model.predict gave above)"
    probabilities = np.asarray(probabilities)
    _, (_, test_labels) = mnist()
    predictions = probabilities.argmax(axis=1)
    return predictions, probabilities.max(axis=1), predictions == test_labels, None


# Exercise 1 · The least confident mistake on an 8

DIGIT = 8  # exercise 1 looks at the images labelled 8, the digit with the lowest accuracy


def check_least_confident_mistake(index, probabilities):
    predictions, confidence, right, problem = _outcome(probabilities)
    problem = problem or whole_number_problem(index, "the index of one test image")
    if problem:
        return wrong(problem)
    index = int(index)
    if not 0 <= index < len(confidence):
        return wrong(f"{index} is no test image's index: they run from 0 to 9,999")
    _, (_, labels) = mnist()
    eights = np.flatnonzero(labels == DIGIT)
    errors = np.flatnonzero(~right & (labels == DIGIT))
    if len(errors) == 0:
        return wrong(f"this network gets every {DIGIT} right, so there is no such mistake: try another digit")
    position = int(np.argmin(confidence[errors]))
    answer = int(errors[position])
    if index == answer:
        return correct(f"test image {answer}: an {DIGIT} that the network takes for {_a(predictions[answer])} "
                       f"with only {_percent(confidence[answer])} confidence")
    if index == position:
        return wrong(f"{index} is the position of the answer within your list of mistakes on {DIGIT}s, not the "
                     "image's index: look up the list at that position")
    if labels[index] != DIGIT:
        if right[index]:
            return wrong(f"test image {index} is {_a(labels[index])}, and the network gets it right: look only "
                         f"at the mistakes on images labelled {DIGIT}")
        if index == int(np.argmin(confidence)) or index == int(np.flatnonzero(~right)[np.argmin(confidence[~right])]):
            return wrong(f"test image {index} is the least confident mistake of all, but it is {_a(labels[index])}: "
                         f"look only at the images labelled {DIGIT} (test_labels == {DIGIT})")
        if predictions[index] == DIGIT:
            return wrong(f"test image {index} is {_a(labels[index])} that the network takes for an {DIGIT}: the "
                         f"question is about images labelled {DIGIT}, test_labels == {DIGIT}, not predicted {DIGIT}")
        return wrong(f"test image {index} is {_a(labels[index])}; the question is about images labelled {DIGIT}")
    if right[index]:
        if index == int(eights[np.argmin(confidence[eights])]):
            what = f"the least confident {DIGIT} of all, but the network gets it right"
        else:
            what = f"an {DIGIT} the network gets right"
        return wrong(f"test image {index} is {what}: look only at its mistakes (combine test_labels == {DIGIT} "
                     "with ~correct)")
    if index == int(errors[np.argmax(confidence[errors])]):
        return wrong(f"test image {index} is the most confident mistake on an {DIGIT} ({_percent(confidence[index])}): "
                     "you want the lowest confidence (argmin)")
    return wrong(f"test image {index} is a mistake on an {DIGIT} made with {_percent(confidence[index])} confidence; "
                 f"another mistake on an {DIGIT} has a lower confidence")


exercise_1 = Exercise(
    1, check_least_confident_mistake,
    hints=["test_labels == 8 is True for the images labelled 8, ~correct for the mistakes; & combines them.",
           "wrong_eights = np.flatnonzero((test_labels == 8) & ~correct) gives their indices. "
           "np.argmin(confidence[wrong_eights]) is a position within wrong_eights; wrong_eights[that position] "
           "is the image."],
    solution="""
        from mnist_helpers import plot_probabilities

        wrong_eights = np.flatnonzero((test_labels == 8) & ~correct)
        index = wrong_eights[np.argmin(confidence[wrong_eights])]
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        left.imshow(test_images[index], cmap="gray_r")
        left.set_title(f"true {test_labels[index]}, predicted {predictions[index]}")
        plot_probabilities(right, probabilities[index])
        plt.show()
    """,
    explanation="""
        With the course's network it is test image 7921, an 8 taken for a 6 with only 46 %
        confidence (your own network may pick another image). Its probabilities go mostly
        to 6 and 2: the network was unsure, and its first choice was wrong. The least
        confident mistake of all, test image 6651, is a 0, and the least confident 8, test image
        4419, is read correctly.
    """,
)


# Exercise 2 · Predict, then run: right, but unsure

def check_right_but_unsure(guess, count, probabilities):
    _, confidence, right, problem = _outcome(probabilities)
    problem = (problem or whole_number_problem(guess, "a whole number (your guess)")
               or whole_number_problem(count, "a whole number of images"))
    if problem:
        return wrong(problem)
    unsure = confidence < UNSURE
    answer = int((right & unsure).sum())
    count = int(count)
    if count != answer:
        if count == int(unsure.sum()):
            return wrong(f"{count} images have less than 60 % confidence, but that includes the mistakes: "
                         "keep only the correct ones (correct & ...)")
        if count == int((~right & unsure).sum()):
            return wrong(f"{count} counts the mistakes under 60 %; the question asks for the correct answers")
        if count == int((right & ~unsure).sum()):
            return wrong(f"{thousands(count)} are right with at least 60 % confidence; the question asks for "
                         "less than 60 %")
        return wrong(f"{thousands(count)} is not the number of correct images with confidence under 0.6: "
                     "combine correct and confidence < 0.6 with &, then .sum()")
    guess = int(guess)
    if guess == answer:
        how = "exactly your guess"
    else:
        how = f"your guess was {thousands(guess)}, {abs(guess - answer)} too {'many' if guess > answer else 'few'}"
    return correct(f"{answer} test images are right with less than 60 % confidence ({how})")


exercise_2 = Exercise(
    2, check_right_but_unsure,
    hints=["correct is True for every image the network gets right; confidence < 0.6 is True where it is unsure.",
           "(correct & (confidence < 0.6)).sum() counts the images where both are True."],
    solution="""
        guess = 50  # any guess will do
        right_but_unsure = (correct & (confidence < 0.6)).sum()
    """,
    explanation="""
        & keeps the images that are both correct and under 60 % confidence; .sum() counts the
        Trues. With the course's network: 52 images, of 112 under 60 %; the other 60 are mistakes.
        Nearly all correct answers are confident, and the unsure ones are wrong about half the time.
    """,
)


# Exercise 3 · Precision for each digit

def check_precision(precision, probabilities):
    predictions, _, _, problem = _outcome(probabilities)
    if problem:
        return wrong(problem)
    if isinstance(precision, (list, tuple)) and all(isinstance(value, numbers.Real) for value in precision):
        precision = np.asarray(precision, dtype=float)
    problem = array_problem(precision, (10,), "your precision")
    if problem:
        return wrong(problem + ", one share per digit")
    precision = np.asarray(precision, dtype=float)
    _, (_, labels) = mnist()
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (labels, predictions), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        answer = np.diag(confusion) / confusion.sum(axis=0)
        recall = np.diag(confusion) / confusion.sum(axis=1)

    def same(values):
        return np.allclose(precision, values, atol=5e-4, equal_nan=True)

    if same(answer):
        low, high = int(np.nanargmin(answer)), int(np.nanargmax(answer))
        return correct(f"precision from {_percent(answer[low])} (digit {low}) to {_percent(answer[high])} "
                       f"(digit {high})")
    if same(100 * answer):
        return wrong("those are percentages; give shares from 0 to 1 (no * 100)")
    if same(recall):
        return wrong("that is the share of each true digit recognised (rows, like per_digit above); precision "
                     "divides by the column sums: the images predicted as d")
    if same(np.diag(confusion)):
        return wrong("those are the counts of correct answers; divide them by the column sums")
    digit = int(np.flatnonzero(~np.isclose(precision, answer, atol=5e-4, equal_nan=True))[0])
    return wrong(f"digit {digit}: you have {precision[digit]:.4f}; of the images predicted as {digit}, "
                 f"a share of {answer[digit]:.4f} really are {digit}")


exercise_3 = Exercise(
    3, check_precision,
    hints=["The images predicted as digit d are column d of the confusion matrix; the correct ones are on its "
           "diagonal.",
           "np.diag(confusion) / confusion.sum(axis=0)"],
    solution="""
        precision = np.diag(confusion) / confusion.sum(axis=0)
        for digit in range(10):
            print(digit, f"{precision[digit]:.1%}")
    """,
    explanation="""
        Column d holds every image predicted as d; its diagonal entry, the ones that really are d.
        With the course's network precision lies between about 96 % (digit 9) and 99 % (digit 8). A
        digit's precision and its accuracy (per_digit, the rows) can differ: 8 has the lowest
        accuracy, but when the network says 8, it is almost always right.
    """,
)


# Exercise 4 · Units 8 to 15

def check_units(units):
    try:
        chosen = [int(unit) for unit in units]
    except (TypeError, ValueError):
        return wrong(f"your units are {units!r}; give the unit numbers, for example as a range(...)")
    if chosen == list(range(8, 16)):
        return correct("units 8 to 15: range(8, 16) stops just before 16")
    if chosen == list(range(8)):
        return wrong("those are units 0 to 7, drawn above; the exercise asks for the next eight")
    if chosen == list(range(8, 15)):
        return wrong("that is units 8 to 14: range stops before its end, so write range(8, 16)")
    if chosen == list(range(9, 17)):
        return wrong("that is units 9 to 16: units are numbered from 0, so the ninth is unit 8")
    return wrong(f"your units are {chosen}; the exercise asks for the eight units 8, 9, …, 15")


exercise_4 = Exercise(
    4, check_units,
    hints=["The cell above draws range(8), units 0 to 7.",
           "units = range(8, 16); then copy the drawing lines (from limit = ... to plt.show()) under it."],
    solution="""
        units = range(8, 16)
        limit = np.abs(weights[:, units]).max()
        fig, axes = plt.subplots(2, 4, figsize=(11, 6))
        for unit, ax in zip(units, axes.flat):
            image = ax.imshow(weights[:, unit].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"unit {unit}")
            ax.axis("off")
        fig.colorbar(image, ax=axes, label="weight (0 is white)")
        plt.show()
    """,
    explanation="""
        They look like units 0 to 7: blotches and strokes near the middle, small random weights in
        the blank corners. No unit stands for one digit; the output layer combines all 512.
    """,
)
