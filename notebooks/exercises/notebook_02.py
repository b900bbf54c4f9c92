"""The exercises of notebook 02 · The data: count a digit, draw test images, look at image 7,
and predict how much of an image is background.

Each checker recomputes what it needs from the data (``checks.mnist()``), so a student's answer
is judged against MNIST itself, not against variables the notebook may have changed.
"""

import numpy as np

from .checks import mnist, number_problem, thousands, whole_number_problem
from .core import Exercise, ____, correct, wrong

__all__ = ["____", "exercise_1", "exercise_2", "exercise_3", "exercise_4"]


# --- Exercise 1 · How many 7s? ------------------------------------------------------------------

def check_sevens(sevens):
    problem = whole_number_problem(sevens, "how many test images are labelled 7 (a whole number)")
    if problem:
        if isinstance(sevens, float) and 0 < sevens < 1:
            return wrong(f"{sevens} is a share, not a count: count the test labels equal to 7 with .sum()")
        return wrong(problem)
    (_, train_labels), (_, test_labels) = mnist()
    sevens, right = int(sevens), int((test_labels == 7).sum())
    if sevens == right:
        return correct(f"{thousands(right)} of the 10,000 test images are labelled 7, as test_counts[7] says.")
    if sevens == int((train_labels == 7).sum()):
        return wrong(f"{thousands(sevens)} is the number of 7s in the training set, not the test set: "
                     "count in test_labels")
    if sevens == 7:
        return wrong("7 is the digit; the question asks how many test labels equal it")
    if sevens == int(test_labels[7]):
        return wrong(f"{sevens} is the label of test image 7, test_labels[7]; the question asks how many "
                     "test labels equal 7")
    return wrong(f"{thousands(sevens)} is not the number of test images labelled 7: compare test_labels "
                 "with 7 and count the Trues")


exercise_1 = Exercise(
    1, check_sevens,
    hints=["Comparing an array with a number, test_labels == 7, gives an array of True and False, one per "
           "image.",
           "Summing an array of True and False counts the Trues: (test_labels == 7).sum()."],
    solution="sevens = (test_labels == 7).sum()",
    explanation="Comparing an array with a number gives an array of `True`/`False`; summing it counts "
                "the `True`s: 1,028, the same as `test_counts[7]` above.",
)


# --- Exercise 2 · The first 20 test images ------------------------------------------------------

def drawn_images(figure):
    """The axes of ``figure`` that show an image, in order."""
    return [ax for ax in figure.axes if ax.images]


def check_test_grid(figure):
    from matplotlib.figure import Figure

    if figure is None:
        return wrong("figure is None: keep what show_digits(...) returns, figure = show_digits(...)")
    if not isinstance(figure, Figure):
        return wrong(f"figure should be the figure show_digits(...) returns, not {type(figure).__name__}")
    (train_images, train_labels), (test_images, test_labels) = mnist()
    axes = drawn_images(figure)
    if len(axes) != 20:
        return wrong(f"the figure shows {len(axes)} images; the exercise asks for the first 20 test images, "
                     "test_images[:20]")
    rows, columns = axes[0].get_subplotspec().get_geometry()[:2]
    if (rows, columns) != (2, 10):
        return wrong(f"the images are in {rows} rows of {columns}; ncols=10 gives 2 rows of 10")
    shown = [np.asarray(ax.images[0].get_array()).reshape(-1) for ax in axes]
    if all(np.array_equal(image, train_images[i].reshape(-1)) for i, image in enumerate(shown)):
        return wrong("those are the first 20 training images, not test images: draw test_images[:20]")
    if not all(np.array_equal(image, test_images[i].reshape(-1)) for i, image in enumerate(shown)):
        return wrong("these are not the first 20 test images, in order: draw test_images[:20]")
    titles = [ax.get_title() for ax in axes]
    if not any(titles):
        return wrong("the images have no titles: give show_digits the labels too, test_labels[:20]")
    if titles == [str(label) for label in train_labels[:20]]:
        return wrong("the titles are the first 20 training labels, not test labels: give test_labels[:20]")
    if titles != [str(label) for label in test_labels[:20]]:
        return wrong("the titles are not the labels of these images: give test_labels[:20]")
    return correct("the first 20 test images in 2 rows of 10, each titled with its label.")


exercise_2 = Exercise(
    2, check_test_grid,
    hints=["show_digits works as under \"Many digits at once\": images, their labels, and ncols, the "
           "number of images per row.",
           "figure = show_digits(test_images[:20], test_labels[:20], ncols=10)"],
    solution="""
        figure = show_digits(test_images[:20], test_labels[:20], ncols=10, title="The first 20 test images")
        plt.show()
    """,
    explanation="`show_digits` returns the figure it draws; `ncols=10` puts 10 images in a row, so 20 "
                "images fill 2 rows.",
)


# --- Exercise 3 · Image 7 -----------------------------------------------------------------------

def pair_problem(value, what):
    """None if ``value`` is a pair of whole numbers, else a sentence."""
    if not isinstance(value, (tuple, list, np.ndarray)) or len(value) != 2:
        return f"{what} should be a pair (first, last), such as (3, 20), not {value!r}"
    for number in value:
        problem = whole_number_problem(number, f"whole numbers in {what}")
        if problem:
            return problem
    return None


def _a(digit):
    """ "a 3", "an 8": the digit with its article."""
    return f"{'an' if digit == 8 else 'a'} {digit}"


def ink(image):
    rows, columns = np.nonzero(image)
    return (int(rows.min()), int(rows.max())), (int(columns.min()), int(columns.max()))


def check_image_7(shows, ink_rows, ink_columns):
    (train_images, train_labels), _ = mnist()
    problem = (whole_number_problem(shows, "the digit image 7 shows (a whole number)")
               or pair_problem(ink_rows, "ink_rows") or pair_problem(ink_columns, "ink_columns"))
    if problem:
        return wrong(problem)
    shows, ink_rows, ink_columns = int(shows), tuple(map(int, ink_rows)), tuple(map(int, ink_columns))
    rows, columns = ink(train_images[7])
    if shows != train_labels[7]:
        if shows == train_labels[0]:
            return wrong(f"{shows} is image 0; with index = 7 the cell draws training image 7")
        return wrong(f"image 7 is not {_a(shows)}: look at the picture (its title gives the label)")
    if (ink_rows, ink_columns) == (rows, columns):
        return correct(f"training image 7 is {_a(shows)}, with ink in rows {rows[0]} to {rows[1]} and columns "
                       f"{columns[0]} to {columns[1]}.")
    if (ink_rows, ink_columns) == (columns, rows):
        return wrong("rows and columns are swapped: rows go down the picture, columns across")
    if (ink_rows, ink_columns) == ink(train_images[0]):
        return wrong("those are the rows and columns of image 0's ink: find the ink of image 7")
    return wrong(f"image 7's ink does not lie in rows {ink_rows} and columns {ink_columns}: "
                 "rows, columns = np.nonzero(digit) finds the pixels that are not 0")


exercise_3 = Exercise(
    3, check_image_7,
    hints=["Copy the cell under \"A first look at one image\" above the blanks and set index = 7; its title "
           "names the digit.",
           "rows, columns = np.nonzero(digit) gives the positions of the ink, as under \"The same image as "
           "numbers\"; rows.min() and rows.max() are the first and last row."],
    solution="""
        index = 7
        digit, label = train_images[index], train_labels[index]
        plt.imshow(digit, cmap="gray_r")
        plt.title(f"Training image {index}, labelled {label}")
        plt.show()

        rows, columns = np.nonzero(digit)
        shows = 3
        ink_rows = (rows.min(), rows.max())
        ink_columns = (columns.min(), columns.max())
    """,
    explanation="Training image 7 is a 3. Its ink lies in rows 5 to 24, the same rows as image 0's, "
                "and in columns 5 to 22, one column narrower on each side than image 0's.",
)


# --- Exercise 4 · Predict, then run: background ---------------------------------------------------

NEAR = 0.1  # a guess within 0.1 of the true share counts as a good prediction


def check_background_guess(guess):
    problem = number_problem(guess, "your guess, a share between 0 and 1")
    if problem:
        return wrong(problem)
    (train_images, _), _ = mnist()
    guess, share = float(guess), float((train_images == 0).mean())
    if 1 < guess <= 100:
        return wrong(f"write the share as a fraction between 0 and 1: {guess:g} % is {guess / 100:g}")
    if not 0 <= guess <= 1:
        return wrong(f"a share lies between 0 and 1, not {guess:g}")
    shown = f"share of the training pixels that are 0: {share:.3f}"
    if abs(guess - share) <= NEAR:
        return correct(f"{share * 100:.1f} % of all training pixels are 0: most of every image is background.",
                       shown=shown)
    if guess < share:
        return wrong(f"the truth is {share:.3f}, more than your {guess:g}: a digit's strokes cover only a "
                     "small part of its 28 × 28 frame", shown=shown)
    return wrong(f"the truth is {share:.3f}, less than your {guess:g}: besides the ink, the soft edges are "
                 "not 0 either", shown=shown)


exercise_4 = Exercise(
    4, check_background_guess,
    hints=["Look again at image 0 under \"The same image as numbers\": how much of its 28 × 28 frame holds "
           "no number?",
           "The ink of image 0 lies in rows 5 to 24 and columns 4 to 23, and even there most pixels are 0."],
    solution="""
        guess = 0.8   # most of a 28 × 28 frame holds no ink

        share = (train_images == 0).mean()   # the truth, which the check shows
    """,
    explanation="0.809: about four pixels in five are pure background. `(train_images == 0).mean()` is "
                "the mean of an array of `True`/`False`, which counts `True` as 1. Any guess within "
                "0.1 of it, from 0.71 to 0.90, counts as right.",
)
