"""The machinery of a checked exercise: the blank ``____``, and ``check()``, ``hint()``, ``solution()``.

An exercise's code cell holds a template with a blank and a check call::

    sevens = ____   # how many test images are labelled 7?

    exercise_1.check(sevens)

``check`` prints one of three kinds of line (and, under a verdict, what a "predict, then run"
exercise reveals), so the same answer always prints the same text:

* ``✓ Correct: ...`` with one line of why;
* ``✗ Not yet: ...`` saying in plain words what is wrong (wrong shape, forgot to scale, ...);
* ``Not attempted yet: ...`` while the blank is still there.

A template only ever puts the blank where a whole value goes (``name = ____`` or
``return ____``), so an untouched template runs without an error and its check says "not
attempted yet". Each checker is a function that returns ``correct(why)`` or ``wrong(what)``;
it may raise ``NotAttempted`` when it finds the blank deeper inside an answer.
"""

import textwrap


class Blank:
    """The blank of a template: whatever is still ``____`` has not been answered yet."""

    def __repr__(self):
        return "____"


____ = Blank()


class NotAttempted(Exception):
    """Raised by a checker that finds the blank inside an answer (a function that returns ``____``)."""


class Verdict:
    """What a checker decided: ``correct`` True or False, the sentence that says why, and for a
    training exercise the numbers it measured ({"test accuracy": 0.97}, for tools/measure_exercises.py).
    ``shown``: text printed under the verdict line, such as the truth a "predict, then run" exercise
    reveals once the student has guessed (a table, an array)."""

    def __init__(self, correct, message, measured=None, shown=""):
        self.correct = correct
        self.message = message
        self.measured = dict(measured or {})
        self.shown = shown

    def __repr__(self):
        return f"Verdict({self.correct!r}, {self.message!r})"


def correct(why, measured=None, shown=""):
    return Verdict(True, why, measured, shown)


def wrong(what, measured=None, shown=""):
    return Verdict(False, what, measured, shown)


def is_blank(value):
    return isinstance(value, Blank)


def holds_blank(answer):
    """Whether ``answer`` is the blank or a tuple or list with the blank in it, such as (5, ____)."""
    return is_blank(answer) or (isinstance(answer, (tuple, list)) and any(is_blank(part) for part in answer))


def answer_of(function, *arguments):
    """Call the student's ``function``; raise NotAttempted if it still returns the blank."""
    if is_blank(function):
        raise NotAttempted
    if not callable(function):
        raise TypeError(f"expected a function (a def), got {type(function).__name__}")
    answer = function(*arguments)
    if is_blank(answer):
        raise NotAttempted
    return answer


class Exercise:
    """One exercise of a notebook.

    ``number``: its number in the notebook; ``checker(*answers) -> Verdict``; ``hints``: one or
    more hints, the gentlest first; ``solution``: the code of a solution, which replaces
    everything above the check call in the exercise's cell; ``explanation``: a few sentences
    printed after the solution's code. A training exercise also has ``bounds``, {quantity: (low,
    high)}: the range a correct answer reaches over seeds and computers, measured by
    tools/measure_exercises.py (docs/measured-exercises.md); its checker judges with them and
    reports what it measured, which ``measured`` keeps after the check.
    """

    def __init__(self, number, checker, hints, solution, explanation="", bounds=None):
        if not hints:
            raise ValueError(f"exercise {number} needs at least one hint")
        self.number = number
        self.checker = checker
        self.hints = list(hints)
        self.solution_code = textwrap.dedent(solution).strip("\n")
        self.explanation = textwrap.dedent(explanation).strip()
        self.bounds = dict(bounds or {})
        self.outcome = None       # "correct", "wrong" or "not attempted" after check()
        self.measured = {}

    @property
    def name(self):
        return f"exercise_{self.number}"

    def check(self, *answers):
        """Print whether the answer is right (✓), what is wrong with it (✗), or that it is not attempted."""
        self.measured = {}
        try:
            if any(holds_blank(answer) for answer in answers):
                raise NotAttempted
            verdict = self.checker(*answers)
        except NotAttempted:
            self.outcome = "not attempted"
            print(f"Not attempted yet: replace ____ with your answer, then run this cell again. "
                  f"{self.name}.hint() gives a hint.")
            return
        if not isinstance(verdict, Verdict):
            raise TypeError(f"the checker of {self.name} returned {verdict!r}, not correct(...) or wrong(...)")
        self.outcome = "correct" if verdict.correct else "wrong"
        self.measured = verdict.measured
        if verdict.correct:
            print(f"✓ Correct: {verdict.message}")
        else:
            print(f"✗ Not yet: {verdict.message}")
        if verdict.shown:
            print(verdict.shown)

    def hint(self, level=1):
        """Print hint number ``level`` (1 is the gentlest)."""
        count = len(self.hints)
        if not isinstance(level, int) or not 1 <= level <= count:
            print(f"{self.name} has {_hints(count)}: ask for {_levels(count)}.")
            return
        if count == 1:
            print(f"Hint: {self.hints[0]}")
            return
        more = f" {self.name}.hint({level + 1}) gives the next one." if level < count else ""
        print(f"Hint {level} of {count}: {self.hints[level - 1]}{more}")

    def solution(self):
        """Print a solution's code, and why it works."""
        print(f"Solution to exercise {self.number}:\n")
        print(textwrap.indent(self.solution_code, "    "))
        if self.explanation:
            print()
            print(self.explanation)


def _hints(count):
    return "one hint" if count == 1 else f"{count} hints"


def _levels(count):
    return f"{'hint()' if count == 1 else f'hint(1) to hint({count})'}"
