"""The checker of notebook 01's prediction: how many test digits will the network get wrong?"""

from _exercises import assert_not_attempted, assert_right, assert_wrong

from exercises.notebook_01 import ____, exercise_1

ACCURACY = 0.9793  # 207 of 10,000 wrong


def test_a_guess_within_a_factor_of_two_is_right():
    assert "207 of the 10,000" in assert_right(exercise_1, 200, ACCURACY)
    assert_right(exercise_1, 110, ACCURACY)
    assert_right(exercise_1, 400.0, ACCURACY)


def test_typical_wrong_guesses_each_get_their_own_message():
    assert_wrong(exercise_1, 5, ACCURACY, says="training accuracy promises too much")
    assert_wrong(exercise_1, 100, ACCURACY, says="training accuracy promises too much")  # below half of 207
    assert_wrong(exercise_1, 420, ACCURACY, says="far fewer")                            # above twice 207
    assert_wrong(exercise_1, 5000, ACCURACY, says="far fewer")
    assert_wrong(exercise_1, 0.02, ACCURACY, says="looks like a share")
    assert_wrong(exercise_1, 20_000, ACCURACY, says="between 0 and 10,000")
    assert_wrong(exercise_1, "lots", ACCURACY, says="asks for a number of digits")


def test_the_template_is_not_attempted():
    assert_not_attempted(exercise_1, ____, ACCURACY)
