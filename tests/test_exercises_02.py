"""The checkers of notebook 02's exercises (exercises.notebook_02): for each, a right answer
passes, typical wrong answers get their own message, and the blank says "not attempted"."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from _exercises import assert_not_attempted, assert_right, assert_wrong  # noqa: E402

from exercises.checks import mnist  # noqa: E402
from exercises.notebook_02 import ____, exercise_1, exercise_2, exercise_3, exercise_4  # noqa: E402
from mnist_helpers import show_digits  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return mnist()


def test_exercise_1_sevens(data):
    (_, train_labels), (_, test_labels) = data
    assert "1,028 of the 10,000" in assert_right(exercise_1, (test_labels == 7).sum())
    assert_right(exercise_1, 1028)
    assert_wrong(exercise_1, (train_labels == 7).sum(), says="training set, not the test set")
    assert_wrong(exercise_1, 7, says="7 is the digit")
    assert_wrong(exercise_1, int(test_labels[7]), says="label of test image 7")
    assert_wrong(exercise_1, (test_labels == 7).mean(), says="is a share, not a count")
    assert_wrong(exercise_1, test_labels == 7, says="an array of shape (10000,)")
    assert_wrong(exercise_1, "1028", says="(str)")
    assert_wrong(exercise_1, 1000, says="not the number of test images labelled 7")
    assert_not_attempted(exercise_1, ____)


@pytest.fixture
def figures():
    yield
    plt.close("all")


def test_exercise_2_the_first_20_test_images(data, figures):
    (train_images, train_labels), (test_images, test_labels) = data
    assert_right(exercise_2, show_digits(test_images[:20], test_labels[:20], ncols=10, title="x"))
    assert_right(exercise_2, show_digits(test_images[:20], test_labels[:20]))  # 10 a row is the default
    assert_wrong(exercise_2, show_digits(train_images[:20], train_labels[:20]), says="training images, not test images")
    assert_wrong(exercise_2, show_digits(test_images[:20], test_labels[:20], ncols=5), says="4 rows of 5")
    assert_wrong(exercise_2, show_digits(test_images[:25], test_labels[:25]), says="shows 25 images")
    assert_wrong(exercise_2, show_digits(test_images[:20]), says="no titles")
    assert_wrong(exercise_2, show_digits(test_images[:20], train_labels[:20]), says="training labels, not test labels")
    assert_wrong(exercise_2, show_digits(test_images[20:40], test_labels[20:40]), says="not the first 20")
    assert_wrong(exercise_2, show_digits(test_images[:20], test_labels[:20][::-1]), says="not the labels of these")
    assert_wrong(exercise_2, None, says="figure is None")
    assert_wrong(exercise_2, "figure", says="not str")
    assert_not_attempted(exercise_2, ____)


def test_exercise_3_image_7(data):
    (train_images, train_labels), _ = data
    rows, columns = np.nonzero(train_images[7])
    said = assert_right(exercise_3, train_labels[7], (rows.min(), rows.max()), (columns.min(), columns.max()))
    assert "a 3, with ink in rows 5 to 24 and columns 5 to 22" in said
    assert_right(exercise_3, 3, [5, 24], (5, 22))
    assert_wrong(exercise_3, 5, (5, 24), (4, 23), says="5 is image 0")
    assert_wrong(exercise_3, 8, (5, 24), (5, 22), says="image 7 is not an 8")
    assert_wrong(exercise_3, 3, (5, 22), (5, 24), says="swapped")
    assert_wrong(exercise_3, 3, (5, 24), (4, 23), says="image 0's ink")
    assert_wrong(exercise_3, 3, (0, 27), (0, 27), says="np.nonzero(digit)")
    assert_wrong(exercise_3, 3, 5, (5, 22), says="ink_rows should be a pair")
    assert_wrong(exercise_3, "3", (5, 24), (5, 22), says="(str)")
    assert_not_attempted(exercise_3, ____, ____, ____)
    assert_not_attempted(exercise_3, 3, ____, ____)
    assert_not_attempted(exercise_3, 3, (5, ____), (5, 22))   # partly filled in


def test_exercise_4_predict_the_background(data):
    (train_images, _), _ = data
    text = assert_right(exercise_4, 0.8)
    assert "80.9 % of all training pixels are 0" in text
    assert "share of the training pixels that are 0: 0.809" in text   # the truth, shown under the verdict
    assert_right(exercise_4, 0.9)   # the solution's "from 0.71 to 0.90"
    assert_right(exercise_4, 0.71)
    assert "0.809" in assert_wrong(exercise_4, 0.91, says="less than your 0.91")
    assert_right(exercise_4, (train_images == 0).mean())
    assert_right(exercise_4, 0.75)
    assert_wrong(exercise_4, 0.5, says="more than your 0.5")
    assert_wrong(exercise_4, 0.95, says="less than your 0.95")
    assert_wrong(exercise_4, 81, says="81 % is 0.81")
    assert_wrong(exercise_4, -0.2, says="between 0 and 1")
    assert_wrong(exercise_4, train_images == 0, says="an array of shape (60000, 28, 28)")
    assert_wrong(exercise_4, "most", says="(str)")
    assert_not_attempted(exercise_4, ____)
