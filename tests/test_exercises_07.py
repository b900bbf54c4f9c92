"""The checkers of notebook 07's exercises: a right answer passes, typical wrong answers get their
own message, the blank says "not attempted". Exercises 1 to 3 take the notebook's probabilities:
here those of the course's shipped dense network, as the notebook has them when no network of the
student's is saved.
"""

import numpy as np
import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from _exercises import assert_not_attempted, assert_right, assert_wrong  # noqa: E402

from exercises.checks import mnist  # noqa: E402
from exercises.core import ____  # noqa: E402
from exercises.notebook_07 import exercise_1, exercise_2, exercise_3, exercise_4  # noqa: E402
from mnist_helpers.networks import shipped_network  # noqa: E402


@pytest.fixture(scope="module")
def notebook():
    """What notebook 07 computes before its exercises: probabilities, predictions, confidence, correct,
    errors and the confusion matrix."""
    _, (test_images, test_labels) = mnist()
    probabilities = shipped_network("dense").predict(test_images, verbose=0)
    predictions, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
    correct = predictions == test_labels
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (test_labels, predictions), 1)
    return dict(probabilities=probabilities, confidence=confidence, correct=correct,
                errors=np.flatnonzero(~correct), confusion=confusion)


def test_exercise_1(notebook):
    p, confidence, correct = notebook["probabilities"], notebook["confidence"], notebook["correct"]
    _, (_, labels) = mnist()
    eights = np.flatnonzero(labels == 8)
    wrong_eights = np.flatnonzero((labels == 8) & ~correct)
    position = np.argmin(confidence[wrong_eights])
    assert "test image 7921: an 8 that the network takes for a 6" in assert_right(exercise_1, wrong_eights[position], p)
    # the methods that answered the old question give other images now
    errors = notebook["errors"]
    assert_wrong(exercise_1, np.argmin(confidence), p, says="least confident mistake of all, but it is a 0")
    assert_wrong(exercise_1, errors[np.argmin(confidence[errors])], p, says="look only at the images labelled 8")
    assert_wrong(exercise_1, eights[np.argmin(confidence[eights])], p, says="least confident 8 of all, but")
    assert_wrong(exercise_1, position, p, says="position of the answer within your list")
    assert_wrong(exercise_1, wrong_eights[np.argmax(confidence[wrong_eights])], p, says="most confident mistake")
    predicted_eights = np.flatnonzero((p.argmax(axis=1) == 8) & ~correct)
    assert_wrong(exercise_1, predicted_eights[0], p, says="not predicted 8")
    assert_wrong(exercise_1, eights[correct[eights]][0], p, says="an 8 the network gets right")
    assert_wrong(exercise_1, np.flatnonzero(correct & (labels != 8))[0], p, says="and the network gets it right")
    assert_wrong(exercise_1, wrong_eights[0], p, says="another mistake on an 8 has a lower confidence")
    assert_wrong(exercise_1, 10000, p, says="run from 0 to 9,999")
    assert_wrong(exercise_1, wrong_eights, p, says="array of shape")
    assert_wrong(exercise_1, wrong_eights[position], p[:100], says="pass the probabilities")
    assert_not_attempted(exercise_1, ____, p)


def test_exercise_2(notebook):
    p, confidence, correct = notebook["probabilities"], notebook["confidence"], notebook["correct"]
    unsure = confidence < 0.6
    text = assert_right(exercise_2, 50, (correct & unsure).sum(), p)
    assert text == "✓ Correct: 52 test images are right with less than 60 % confidence (your guess was 50, 2 too few)"
    assert "exactly your guess" in assert_right(exercise_2, 52, 52, p)
    assert_wrong(exercise_2, 50, unsure.sum(), p, says="includes the mistakes")
    assert_wrong(exercise_2, 50, (~correct & unsure).sum(), p, says="counts the mistakes")
    assert_wrong(exercise_2, 50, (correct & ~unsure).sum(), p, says="at least 60 %")
    assert_wrong(exercise_2, 50, 7, p, says="combine correct")
    assert_wrong(exercise_2, "many", 52, p, says="your guess")
    assert_not_attempted(exercise_2, ____, ____, p)
    assert_not_attempted(exercise_2, 50, ____, p)


def test_exercise_3(notebook):
    p, confusion = notebook["probabilities"], notebook["confusion"]
    precision = np.diag(confusion) / confusion.sum(axis=0)
    assert "(digit 9)" in assert_right(exercise_3, precision, p)
    assert_right(exercise_3, list(precision), p)
    assert_wrong(exercise_3, np.diag(confusion) / confusion.sum(axis=1), p, says="the column sums")
    assert_wrong(exercise_3, 100 * precision, p, says="percentages")
    assert_wrong(exercise_3, np.diag(confusion), p, says="counts of correct answers")
    assert_wrong(exercise_3, precision[:9], p, says="shape (9,)")
    assert_wrong(exercise_3, 0.98, p, says="should be an array")
    assert_wrong(exercise_3, np.roll(precision, 1), p, says="digit 0:")
    assert_not_attempted(exercise_3, ____, p)


def test_exercise_4():
    assert_right(exercise_4, range(8, 16))
    assert_right(exercise_4, list(range(8, 16)))
    assert_wrong(exercise_4, range(8), says="units 0 to 7")
    assert_wrong(exercise_4, range(8, 15), says="stops before its end")
    assert_wrong(exercise_4, range(9, 17), says="numbered from 0")
    assert_wrong(exercise_4, 8, says="give the unit numbers")
    assert_wrong(exercise_4, [8, 9], says="the eight units")
    assert_not_attempted(exercise_4, ____)
