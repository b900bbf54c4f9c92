"""The exercise of notebook 01 · Your first neural network: one prediction before the test."""

from .checks import number_problem, thousands
from .core import Exercise, ____, correct, wrong  # noqa: F401  (``____`` is imported from here)

TEST_DIGITS = 10_000


def _check_guess(guess, test_accuracy):
    problem = number_problem(guess, "a number of digits, such as 500")
    if problem:
        return wrong(problem)
    guess = float(guess)
    wrong_digits = round((1 - float(test_accuracy)) * TEST_DIGITS)
    truth = f"it got {thousands(wrong_digits)} of the {thousands(TEST_DIGITS)} test digits wrong"
    if 0 < guess < 1:
        return wrong(f"{guess:g} looks like a share; the question asks how many digits out of "
                     f"{thousands(TEST_DIGITS)}. (In fact {truth}.)")
    if not 0 <= guess <= TEST_DIGITS:
        return wrong(f"a guess between 0 and {thousands(TEST_DIGITS)}, please: there are "
                     f"{thousands(TEST_DIGITS)} test digits.")
    if wrong_digits / 2 <= guess <= wrong_digits * 2:
        return correct(f"you guessed {guess:,g} and {truth}: within a factor of two. Good intuition.")
    if guess < wrong_digits:
        return wrong(f"you guessed {guess:,g}, but {truth}. Digits it has never seen are harder than "
                     "the ones it trained on: its training accuracy promises too much.")
    return wrong(f"you guessed {guess:,g}, but {truth}: far fewer. What it learned from the training "
                 "digits carries over to new ones surprisingly well.")


exercise_1 = Exercise(
    1,
    _check_guess,
    hints=["After 5 epochs, fit printed a training accuracy of about 99 %: that would be about 100 "
           "wrong out of 10,000. New digits are a little harder.",
           "Guess a number between 150 and 300."],
    solution="""
        my_guess = 200   # a guess: a bit worse than on the training images

        test_loss, test_accuracy = model.evaluate(test_images, test_targets, verbose=0)
        print(f"test accuracy: {test_accuracy:.2%}")
        print(f"wrong: {round((1 - test_accuracy) * len(test_images))} of {len(test_images):,} test digits")
    """,
    explanation="""\
Any guess between half and twice the true number counts. The network gets about 2 test digits
in 100 wrong, a little more than on its training images, where it gets about 1 in 100 wrong.""",
)
