"""The checkers of notebook 10's exercises (exercises.notebook_10): for each, a right answer ticks,
typical wrong answers get their own message, and the blank says "not attempted". They judge with
the course's shipped networks, as the notebook does when no network of the student's is saved."""

import numpy as np
import pytest
from _exercises import assert_not_attempted, assert_right, assert_wrong
from PIL import Image, ImageDraw

from exercises.notebook_10 import ____, exercise_1, exercise_2, exercise_3, exercise_4, sample_files


@pytest.fixture(scope="module")
def networks():
    from mnist_helpers.networks import shipped_network

    return {name: shipped_network(name) for name in ("dense", "convnet")}


def seven(fill="black", size=(200, 200)):
    image = Image.new("L", size, "white")
    ImageDraw.Draw(image).line([(60, 40), (140, 40), (90, 170)], fill=fill, width=12)
    return image


def test_exercise_1_the_last_angle_at_which_the_convnet_reads_the_turned_three(networks):
    convnet = networks["convnet"]
    assert "up to 60°" in assert_right(exercise_1, 60, convnet)
    assert_wrong(exercise_1, 75, convnet, says="the question asks for the last angle before that")
    assert_wrong(exercise_1, 45, convnet, says="still reads a 3 at 60°: turn it further")
    assert_wrong(exercise_1, 90, convnet, says="stops reading the 3 before 90°")
    assert_wrong(exercise_1, 14, convnet, says="not one of the angles to try")
    assert_wrong(exercise_1, "60", convnet, says="(str)")
    assert_not_attempted(exercise_1, ____, convnet)


def test_exercise_2_a_digit_drawn_with_pillow(networks):
    convnet = networks["convnet"]
    assert "as a 7" in assert_right(exercise_2, seven(), 7, convnet)
    assert_wrong(exercise_2, seven(), 1, convnet, says="not the 1 you drew")
    assert_wrong(exercise_2, ImageDraw.Draw(seven()), 7, convnet, says="that is the pen")
    assert_wrong(exercise_2, None, 7, convnet, says="returns nothing")
    assert_wrong(exercise_2, seven(fill="white"), 7, convnet, says="one plain colour")
    assert_wrong(exercise_2, seven(size=(20, 20)), 7, convnet, says="20 × 20 pixels")
    assert_wrong(exercise_2, np.asarray(seven()), 7, convnet, says="that is an array")
    assert_wrong(exercise_2, seven(), 12, convnet, says="one of 0 to 9")
    assert_not_attempted(exercise_2, ____, ____, convnet)
    assert_not_attempted(exercise_2, seven(), ____, convnet)


def test_exercise_3_the_sample_the_dense_network_finds_hardest(networks):
    dense = networks["dense"]
    files = sample_files()
    hollow_five = "5_font_femkeklaver_off_centre.png"
    for answer in (hollow_five, files[7]):  # a name, a path
        assert hollow_five in assert_right(exercise_3, answer, dense)
    assert_wrong(exercise_3, 7, dense, says="files[7] is the right sample, but 7 is only its place")
    assert_wrong(exercise_3, 8, dense, says="hardest is the number 8")
    assert_wrong(exercise_3, "2_font_breip_red_marker.png", dense, says="least sure of its own answer")
    assert_wrong(exercise_3, "1_pencil_thin_large.png", dense, says="finds easiest")
    assert_wrong(exercise_3, "3_font_dkg_on_lined_paper_photo.jpg", dense, says="another sample gets less")
    assert_wrong(exercise_3, "my_digit.jpg", dense, says="no sample is called")
    assert_wrong(exercise_3, 2.5, dense, says="not float")
    assert_not_attempted(exercise_3, ____, dense)


def test_exercise_4_twelve_samples_in_one_batch(networks):
    from mnist_helpers import prepare_digit

    convnet = networks["convnet"]
    batch = np.stack([prepare_digit(path) for path in sample_files()])
    answers = convnet.predict(batch, verbose=0)
    assert "(12, 28, 28)" in assert_right(exercise_4, batch, answers, convnet)
    assert_wrong(exercise_4, list(batch), answers, convnet, says="np.stack(...) makes them one array")
    assert_wrong(exercise_4, np.dstack(list(batch)), answers, convnet, says="stacked along the last axis")
    assert_wrong(exercise_4, batch / 255, answers, convnet, says="values from 0 to 1")
    assert_wrong(exercise_4, np.full(batch.shape, "ink"), answers, convnet, says="should hold numbers")
    assert_wrong(exercise_4, batch[::-1], answers, convnet, says="in the order of files")
    assert_wrong(exercise_4, batch.reshape(12, 784), answers, convnet, says="has shape (12, 784)")
    assert_wrong(exercise_4, batch, answers.argmax(axis=1), convnet, says="the digits (argmax)")
    assert_wrong(exercise_4, batch, answers[:1], convnet, says="answers has shape (1, 10)")
    assert_wrong(exercise_4, batch, networks["dense"].predict(batch, verbose=0), convnet,
                 says="not the convnet's probabilities")
    assert_not_attempted(exercise_4, ____, ____, convnet)
    assert_not_attempted(exercise_4, batch, ____, convnet)
