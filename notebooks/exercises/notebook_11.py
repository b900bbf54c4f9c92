"""The exercises of notebook 11, Draw a digit: a pad for the dense network, the brush width that
turns the small 3 into an 8, and a drawing the convnet can only guess at.

What the networks read depends on the networks the notebook loaded (the student's own, if saved),
so each check takes them as arguments and works out the truth from them with the pad's own
functions (drawing_pad.read_drawing).
"""

import functools
import numbers

from .checks import whole_number_problem
from .core import Exercise, ____, correct, wrong  # noqa: F401 (the notebook imports the blank from here)


def _a(digit):
    """'a 3', 'an 8'."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def _is_convnet(model):
    return any("Conv" in type(layer).__name__ for layer in getattr(model, "layers", []))


# --- Exercise 1: a pad for the dense network ------------------------------------------------------

def check_dense_pad(dense_pad, dense):
    from drawing_pad import DigitPad, Reading

    if dense_pad is DigitPad:
        return wrong("that is DigitPad itself, the recipe for a pad: call it with a network, "
                     "DigitPad(dense, model_name=...)")
    if isinstance(dense_pad, Reading):
        return wrong("that is a reading (what pad.draw returns), not a pad: make one with DigitPad(...)")
    if not isinstance(dense_pad, DigitPad):
        return wrong(f"dense_pad should be a drawing pad, made by DigitPad(...), not {type(dense_pad).__name__}")
    model, name = dense_pad.model, dense_pad.model_name
    if model is not dense and _is_convnet(model):
        return wrong("this pad reads with the convnet, like the pad above: give DigitPad the dense network")
    if name == "model":
        return wrong("this pad reads with the dense network, but its answers say \"The model reads …\": name it, "
                     "DigitPad(dense, model_name=\"dense network\"), to tell the two pads apart")
    if "conv" in str(name).lower():
        return wrong(f"this pad reads with the dense network, but its name says {name!r}: "
                     "model_name=\"dense network\"")
    return correct(f"dense_pad reads with the dense network and says so ({name!r}): display(dense_pad) shows "
                   "it. Draw each digit on it and on the convnet's pad above, and compare")


exercise_1 = Exercise(
    1, check_dense_pad,
    hints=["The convnet's pad above was made by DigitPad(convnet, model_name=\"convnet\"): do the same with the "
           "dense network.",
           "dense_pad = DigitPad(dense, model_name=\"dense network\"); display(dense_pad) shows it."],
    solution="""
        dense_pad = DigitPad(dense, model_name="dense network")
        display(dense_pad)
        """,
    explanation="""
        Answers differ from person to person. The usual suspects are those this notebook showed: ones
        with a long flag, small digits with a thick pen, and, for the dense network, very flat digits.
        """)


# --- Exercise 2: the brush width that turns the small 3 into an 8 ----------------------------------

BRUSHES = range(4, 49)  # the brush slider's range


@functools.lru_cache(maxsize=512)
def _reading(model, strokes, brush):
    from drawing_pad import read_drawing

    return read_drawing(model, [list(stroke) for stroke in strokes], brush=brush).digit


def first_eight(model, strokes):
    """The smallest brush width at which ``model`` reads ``strokes`` as an 8, or None."""
    return next((brush for brush in BRUSHES if _reading(model, strokes, brush) == 8), None)


def _frozen(strokes):
    return tuple(tuple(tuple(point) for point in stroke) for stroke in strokes)


def check_turning_brush(turning_brush, small_three, convnet, dense):
    strokes = _frozen(small_three)
    truth = first_eight(convnet, strokes)
    if truth is None:
        if turning_brush is None:
            return correct("this convnet reads the small 3 as an 8 with no brush from 4 to 48")
        return wrong("this convnet reads no 8 with any brush from 4 to 48: answer None")
    problem = whole_number_problem(turning_brush, "a brush width in pixels, a whole number")
    if problem:
        return wrong(problem)
    brush = int(turning_brush)
    if brush not in BRUSHES:
        return wrong(f"{brush} is not a brush width the pad has: its slider runs from 4 to 48")
    if brush == truth:
        dense_first = first_eight(dense, strokes)
        dense_says = (f"the dense network first reads an 8 with brush {dense_first}" if dense_first is not None
                      else "the dense network reads no 8 with any brush")
        return correct(f"with brush {truth} the convnet first reads the small 3 as an 8 ({dense_says})")
    if brush < truth:
        return wrong(f"with brush {brush} the convnet still reads {_a(_reading(convnet, strokes, brush))}: "
                     "try wider brushes")
    if brush == first_eight(dense, strokes):
        return wrong(f"with brush {brush} the dense network first reads an 8; the question asks about "
                     "the convnet")
    return wrong(f"the convnet reads {_a(_reading(convnet, strokes, brush))} with brush {brush}, and an 8 already "
                 "with narrower brushes: find the smallest width")


exercise_2 = Exercise(
    2, check_turning_brush,
    hints=["read_drawing(convnet, small_three, brush=...).digit says what the convnet reads with that brush. "
           "Try widths between the 20 and the 36 of the figure.",
           "for brush in range(4, 49): print(brush, read_drawing(convnet, small_three, brush=brush).digit) — the "
           "answer is the first width that gives 8."],
    solution="""
        turning_brush = None
        for brush in range(4, 49):
            convnet_digit = read_drawing(convnet, small_three, brush=brush).digit
            print(brush, convnet_digit, read_drawing(dense, small_three, brush=brush).digit)
            if convnet_digit == 8:
                turning_brush = brush
                break
        """,
    explanation="""
        The course's convnet turns at 25 pixels. The course's dense network wavers first, 8 at 26
        and 3 again at 27, a near tie, before it settles on 8 from 28 on. By the titles' estimate,
        that is a stroke about 6 pixels wide in the 20-pixel box.
        """)


# --- Exercise 3: a drawing the convnet can only guess at ---------------------------------------------

def _is_point(value):
    return (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(number, numbers.Real) for number in value))


def check_guessing(drawing, convnet):
    from drawing_pad import UNSURE, Reading, read_drawing

    if isinstance(drawing, Reading):
        return wrong("that is a reading, what pad.draw returns: pass the strokes themselves")
    if isinstance(drawing, (list, tuple)) and drawing and all(_is_point(point) for point in drawing):
        return wrong("that is one stroke, a list of points: a drawing is a list of strokes, so put it in "
                     "brackets, [[(x, y), ...]]")
    try:
        reading = read_drawing(convnet, drawing, model_name="convnet")
    except (TypeError, ValueError) as error:
        return wrong(f"the pad cannot draw that: {error}")
    if reading.digit is None:
        return wrong(f"the pad refuses it, so the convnet never answers. The pad says: {reading.message}")
    top = float(reading.probabilities.max())
    if top >= UNSURE:
        return wrong(f"the convnet reads {reading.digit}, {top * 100:.0f} % sure: not a guess. Try a drawing halfway "
                     "between two digits")
    second = int(reading.probabilities.argsort()[-2])
    return correct(f"the convnet guesses {reading.digit} at only {top * 100:.0f} % (then {second} at "
                   f"{float(reading.probabilities[second]) * 100:.0f} %), and the pad says it is unsure")


exercise_3 = Exercise(
    3, check_guessing,
    hints=["A drawing halfway between two digits splits the convnet's probability between them. This notebook "
           "showed a 1 that turns into a 7.",
           "A 1 with a long flag reads as 7, with a short flag as 1: try flags in between, "
           "[[(x, 79), (150, 40), (150, 240)]] for x between 86 and 112, and print read_drawing(convnet, ...)."
           "probabilities.max()."],
    solution="""
        drawing = [[(100, 79), (150, 40), (150, 240)]]  # a 1 whose flag is neither short nor long
        reading = pad.draw(drawing)
        print(reading.message, reading.probabilities.round(2))
        """,
    explanation="""
        A drawing halfway between two digits, for example a 1 whose flag is neither short nor long.
        The course's convnet gives 1 and 7 between 40 and 50 % each, and the pad says it is guessing.
        Near this point a few pixels decide: move the start of the flag a little and the answer may
        change. Start it much further left (x = 86) and the course's convnet is sure of a 7; much
        further right (x = 112), sure of a 1. Another network may need another flag.
        """)
