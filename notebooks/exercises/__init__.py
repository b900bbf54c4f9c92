"""Checked exercises for the course's notebooks: each has ``check()``, ``hint()`` and ``solution()``.

A notebook's exercises live in a module of their own, ``exercises.notebook_NN``, imported in one
line at the start of its Exercises section::

    from exercises.notebook_02 import ____, exercise_1, exercise_2

* ``core``: the blank ``____`` and the ``Exercise`` class (how check, hint and solution print);
* ``checks``: what the checkers share (the data, loaded once; plain-words type checks);
* ``notebook_NN``: one checker, its hints and a solution per exercise of notebook NN.

The tests (tests/test_exercises_NN.py, tests/test_exercise_solutions.py) give every checker
a right answer, typical wrong answers and the untouched template, and run every notebook with all
solutions filled in. docs/maintaining.md, "Exercises that answer back" (under "Notebook rules"),
says how to add one.
"""

from .core import Exercise, NotAttempted, ____, answer_of, correct, is_blank, wrong

__all__ = ["____", "Exercise", "NotAttempted", "answer_of", "correct", "is_blank", "wrong"]
