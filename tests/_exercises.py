"""What the checker tests share: run a check and read what it printed.

    from _exercises import assert_right, assert_wrong, assert_not_attempted
    assert_right(exercise_1, 1028)
    assert_wrong(exercise_1, 6265, says="training set")
"""

import contextlib
import io


def verdict(exercise, *answers):
    """(outcome, printed text) of ``exercise.check(*answers)``."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exercise.check(*answers)
    return exercise.outcome, printed.getvalue().strip()


def assert_right(exercise, *answers):
    outcome, text = verdict(exercise, *answers)
    assert outcome == "correct" and text.startswith("✓ Correct: "), text
    return text


def assert_wrong(exercise, *answers, says):
    """The check prints a cross whose sentence contains ``says`` (the mistake's own message)."""
    outcome, text = verdict(exercise, *answers)
    assert outcome == "wrong" and text.startswith("✗ Not yet: "), text
    assert says in text, f"expected {says!r} in {text!r}"
    return text


def assert_not_attempted(exercise, *answers):
    outcome, text = verdict(exercise, *answers)
    assert outcome == "not attempted" and text.startswith("Not attempted yet"), text
    return text
