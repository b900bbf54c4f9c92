"""The checkers of notebook 11's exercises (exercises.notebook_11): for each, a right answer ticks,
typical wrong answers get their own message, and the blank says "not attempted". They judge with
the course's shipped networks, as the notebook does when no network of the student's is saved."""

import numpy as np
import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong

from drawing_pad import DigitPad, read_drawing
from exercises.notebook_11 import ____, exercise_1, exercise_2, exercise_3


@pytest.fixture(scope="module")
def networks():
    from mnist_helpers.networks import shipped_network

    return {name: shipped_network(name) for name in ("dense", "convnet")}


def ellipse(cx, cy, rx, ry, start=0, end=360, points=30):
    """As notebook 11's ellipse()."""
    angles = np.radians(np.linspace(start, end, points))
    return [(round(cx + rx * np.cos(a), 1), round(cy + ry * np.sin(a), 1)) for a in angles]


# notebook 11's small_three: its 3 at 30 % of its size, about the pad's centre
THREE = [ellipse(135, 90, 60, 50, 200, 450) + ellipse(135, 190, 65, 55, 270, 520)]
SMALL_THREE = [[(round(140 + 0.3 * (x - 140), 1), round(140 + 0.3 * (y - 140), 1)) for x, y in stroke]
               for stroke in THREE]
HALFWAY_ONE = [[(100, 79), (150, 40), (150, 240)]]


def test_exercise_1_a_pad_for_the_dense_network(networks):
    dense, convnet = networks["dense"], networks["convnet"]
    assert "'dense network'" in assert_right(exercise_1, DigitPad(dense, model_name="dense network"), dense)
    assert_wrong(exercise_1, DigitPad(convnet, model_name="convnet"), dense, says="reads with the convnet")
    assert_wrong(exercise_1, DigitPad(dense), dense, says="\"The model reads …\": name it")
    assert_wrong(exercise_1, DigitPad(dense, model_name="convnet"), dense, says="its name says 'convnet'")
    assert_wrong(exercise_1, DigitPad, dense, says="DigitPad itself")
    assert_wrong(exercise_1, read_drawing(dense, HALFWAY_ONE), dense, says="that is a reading")
    assert_wrong(exercise_1, "dense", dense, says="not str")
    assert_not_attempted(exercise_1, ____, dense)


def test_exercise_2_the_brush_that_turns_the_small_three_into_an_8(networks):
    dense, convnet = networks["dense"], networks["convnet"]
    assert "with brush 25 the convnet first" in assert_right(exercise_2, 25, SMALL_THREE, convnet, dense)
    assert_wrong(exercise_2, 24, SMALL_THREE, convnet, dense, says="still reads a 3: try wider brushes")
    assert_wrong(exercise_2, 26, SMALL_THREE, convnet, dense, says="the dense network first reads an 8")
    assert_wrong(exercise_2, 36, SMALL_THREE, convnet, dense, says="an 8 already with narrower brushes")
    assert_wrong(exercise_2, 60, SMALL_THREE, convnet, dense, says="slider runs from 4 to 48")
    assert_wrong(exercise_2, 25.5, SMALL_THREE, convnet, dense, says="a whole number")
    assert_not_attempted(exercise_2, ____, SMALL_THREE, convnet, dense)


def test_exercise_3_a_drawing_the_convnet_can_only_guess_at(networks):
    convnet = networks["convnet"]
    assert "the pad says it is unsure" in assert_right(exercise_3, HALFWAY_ONE, convnet)
    assert_wrong(exercise_3, [[(86, 79), (150, 40), (150, 240)]], convnet, says="not a guess")
    assert_wrong(exercise_3, HALFWAY_ONE[0], convnet, says="that is one stroke")
    assert_wrong(exercise_3, [[(140, 140)]], convnet, says="the pad refuses it")
    assert_wrong(exercise_3, read_drawing(convnet, HALFWAY_ONE), convnet, says="pass the strokes themselves")
    assert_wrong(exercise_3, "a 1", convnet, says="the pad cannot draw that")
    assert_not_attempted(exercise_3, ____, convnet)
