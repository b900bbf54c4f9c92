"""The exercises of notebook 10, Your own digits: a turned 3, a digit drawn with Pillow, the sample
the dense network finds hardest, and twelve samples in one batch.

The answers depend on the networks the notebook loaded (the student's own, if saved), so each
check takes the network as an argument and works out the truth from it, from the twelve samples
in data/my_digits/.
"""

import functools
from pathlib import Path

import numpy as np

from .checks import array_problem, whole_number_problem
from .core import Exercise, ____, correct, wrong  # noqa: F401 (the notebook imports the blank from here)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "my_digits"
THREE = SAMPLES / "3_black_pen_on_white.png"
ANGLES = range(0, 91, 15)


def _a(digit):
    """'a 3', 'an 8'."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def _percent(share, digits=1):
    """0.773 -> '77.3 %'."""
    return f"{share * 100:.{digits}f} %"


def sample_files():
    """The twelve samples, sorted as the notebook's ``files``; each name starts with its true digit."""
    return sorted(SAMPLES.glob("[0-9]_*"))


# --- Exercise 1: up to what angle does the convnet read the turned 3? -------------------------------

@functools.lru_cache(maxsize=4)
def turned_readings(model):
    """{angle: the digit ``model`` reads in the 3 turned anticlockwise by angle} for 0, 15, ..., 90."""
    from PIL import Image

    from mnist_helpers import predict_digit

    with Image.open(THREE) as three:
        return {angle: predict_digit(model, three.rotate(angle, expand=True, fillcolor="white"))[0]
                for angle in ANGLES}


def check_last_angle(last_angle, convnet):
    readings = turned_readings(convnet)
    misses = [angle for angle in ANGLES if readings[angle] != 3]
    first_miss = misses[0] if misses else None
    truth = ANGLES[-1] if first_miss is None else first_miss - 15
    if first_miss == 0:
        if last_angle is None:
            return correct(f"this convnet reads the upright 3 as {_a(readings[0])}, so there is no such angle")
        return wrong(f"this convnet reads even the upright 3 as {_a(readings[0])}: no angle works, answer None")
    problem = whole_number_problem(last_angle, "an angle in degrees, one of 0, 15, 30, …, 90")
    if problem:
        return wrong(problem)
    angle = int(last_angle)
    if angle not in ANGLES:
        return wrong(f"{angle}° is not one of the angles to try: 0, 15, 30, 45, 60, 75 and 90")
    if angle == truth:
        after = (f"at {first_miss}° it reads {_a(readings[first_miss])}" if first_miss is not None
                 else "all the way to 90°")
        return correct(f"the convnet reads the 3 turned by up to {truth}°; {after}")
    if angle == first_miss:
        return wrong(f"at {angle}° the convnet reads {_a(readings[angle])}, not a 3: the question asks for the "
                     "last angle before that")
    if angle > truth:
        return wrong(f"the convnet stops reading the 3 before {angle}° (there it reads {_a(readings[angle])}): "
                     "try the smaller angles one by one")
    return wrong(f"the convnet still reads a 3 at {angle + 15}°: turn it further")


exercise_1 = Exercise(
    1, check_last_angle,
    hints=["Try the angles one at a time: turn the 3 with three.rotate(angle, expand=True, fillcolor=\"white\") "
           "and ask predict_digit(convnet, ...) what it reads.",
           "A loop does it: for angle in range(0, 91, 15): print(angle, predict_digit(convnet, "
           "three.rotate(angle, expand=True, fillcolor=\"white\"))[0]). The answer is the last angle before the "
           "first wrong digit."],
    solution="""
        three = Image.open(Path("..") / "data" / "my_digits" / "3_black_pen_on_white.png")
        last_angle = None
        for angle in range(0, 91, 15):
            digit = predict_digit(convnet, three.rotate(angle, expand=True, fillcolor="white"))[0]
            print(angle, digit)
            if digit != 3:
                break
            last_angle = angle
        """,
    explanation="""
        Notebook 09's augmentation turned digits by at most about 14°, yet the course's convnet still
        reads this 3 at 60° and fails at 75° (it answers 7). Other digits and networks break down at
        other angles: try a few. (fillcolor="white" paints the corners that turning uncovers like the
        paper; left black, they would look like ink to prepare_digit.)
        """)


# --- Exercise 2: draw a digit with Pillow -----------------------------------------------------------

def check_drawing(image, meant, convnet):
    from PIL import Image, ImageDraw

    from mnist_helpers import predict_digit

    if image is None:
        return wrong("image is None: ImageDraw's line() draws on the image and returns nothing; "
                     "keep the image that Image.new made and pass that")
    if isinstance(image, ImageDraw.ImageDraw):
        return wrong("that is the pen, ImageDraw.Draw(image), not the picture: pass the image it draws on")
    if isinstance(image, np.ndarray):
        return wrong("that is an array: pass the Pillow image itself, the one Image.new made")
    if not isinstance(image, Image.Image):
        return wrong(f"image should be a Pillow image (made by Image.new), not {type(image).__name__}")
    problem = whole_number_problem(meant, "the digit you drew, 0 to 9")
    if problem:
        return wrong(problem)
    if not 0 <= meant <= 9:
        return wrong(f"meant is {meant}: the digit you drew is one of 0 to 9")
    width, height = image.size
    if min(width, height) < 28 or max(width, height) > 4096:
        return wrong(f"the image is {width} × {height} pixels; draw on something between 28 and 4,096 pixels "
                     "each way (200 × 200 is comfortable)")
    low, high = image.convert("L").getextrema()
    if low == high:
        return wrong("the image is one plain colour: nothing shows on it. Draw in a colour unlike the "
                     "background (fill=\"black\" on a white image)")
    try:
        digit, probabilities = predict_digit(convnet, image)
    except (ValueError, TypeError, OSError) as error:
        return wrong(f"prepare_digit cannot read it: {error}")
    sure = float(probabilities[digit])
    if digit != int(meant):
        return wrong(f"the convnet reads {_a(digit)} ({_percent(sure, 0)} sure), not the {int(meant)} you drew: "
                     "look at prepare_digit(image) to see what it sees, and change the drawing (larger? thicker "
                     "lines?)")
    return correct(f"the convnet reads your {image.width} × {image.height} drawing as {_a(digit)} "
                   f"({_percent(sure, 0)} sure)")


exercise_2 = Exercise(
    2, check_drawing,
    hints=["pen.line(points, fill=\"black\", width=12) draws a line through the points on the white image, "
           "each point (x, y) in pixels from the top-left corner.",
           "line() takes a list of (x, y) points, x to the right and y downwards from the top-left corner: "
           "[(60, 40), (140, 40), (90, 170)] is a 7. Keep image (not what line() returns) and set meant to the "
           "digit you drew."],
    solution="""
        from PIL import ImageDraw

        image = Image.new("L", (200, 200), "white")
        ImageDraw.Draw(image).line([(60, 40), (140, 40), (90, 170)], fill="black", width=12)
        meant = 7
        print(predict_digit(convnet, image)[0])
        """,
    explanation="""
        ImageDraw.Draw(image) is a pen for that image: line() draws on it and returns nothing. The
        course's convnet reads this 7. A very thin line, or a digit that fills only a corner, is
        prepared like any photo: prepare_digit thickens thin strokes and centres the digit.
        """)


# --- Exercise 3: the sample the dense network finds hardest ------------------------------------------

@functools.lru_cache(maxsize=4)
def sample_probabilities(model):
    """{file name: (true digit, the ten probabilities ``model`` gives it)} for the twelve samples."""
    from mnist_helpers import predict_digit

    return {path.name: (int(path.name[0]), predict_digit(model, path)[1]) for path in sample_files()}


def check_hardest(hardest, dense):
    names = [path.name for path in sample_files()]
    results = sample_probabilities(dense)
    true_probability = {key: float(probabilities[truth]) for key, (truth, probabilities) in results.items()}
    top_probability = {key: float(probabilities.max()) for key, (_, probabilities) in results.items()}
    truth = min(true_probability, key=true_probability.get)
    if isinstance(hardest, (int, np.integer)) and not isinstance(hardest, bool):
        number = int(hardest)
        if 0 <= number < len(names) and names[number] == truth:
            return wrong(f"files[{number}] is the right sample, but {number} is only its place in files (counting "
                         f"from 0; the table counts from 1): give the sample itself, hardest = files[{number}]")
        return wrong(f"hardest is the number {number}: give the sample itself, a path from files such as files[0], "
                     "or its file name")
    if isinstance(hardest, (str, Path)):
        name = Path(hardest).name
    else:
        return wrong(f"hardest should be a sample's file name, such as {names[0]!r}, "
                     f"not {type(hardest).__name__}")
    if name not in names:
        return wrong(f"no sample is called {name!r}: the twelve are the names in files (data/my_digits/)")
    if name == truth:
        return correct(f"the dense network gives the true digit of {name} only {_percent(true_probability[name])}")
    if name == min(top_probability, key=top_probability.get):
        return wrong(f"on {name} the dense network is least sure of its own answer "
                     f"({_percent(top_probability[name])}); the question is about the probability it gives the "
                     "true digit, probabilities[truth]")
    if name == max(true_probability, key=true_probability.get):
        return wrong(f"{name} is the sample the dense network finds easiest ({_percent(true_probability[name])} for "
                     "the true digit): look for the smallest probability, not the largest")
    return wrong(f"the dense network gives the true digit of {name} {_percent(true_probability[name])}; "
                 "another sample gets less")


exercise_3 = Exercise(
    3, check_hardest,
    hints=["predict_digit(dense, path)[1] gives the ten probabilities for one sample; [truth] picks the one "
           "for its true digit. Print it for every sample.",
           "A loop over zip(files, true_digits) prints them; the hardest sample has the smallest. "
           "min(files, key=...) finds it in one line."],
    solution="""
        for path, truth in zip(files, true_digits):
            probabilities = predict_digit(dense, path)[1]
            print(f"{path.name:40} {probabilities[truth]:.1%}")
        hardest = min(files, key=lambda path: predict_digit(dense, path)[1][int(path.name[0])])
        """,
    explanation="""
        The hollow 5: the course's dense network gives the true digit about 1 %. Of the samples it
        reads correctly, the red 2 is the hardest (77 %, as in the table). The probability of the
        network's own answer, probabilities.max(), says how sure it is, not whether it is right.
        """)


# --- Exercise 4: twelve samples in one batch ----------------------------------------------------------

@functools.lru_cache(maxsize=1)
def prepared_samples():
    """The twelve samples prepared by prepare_digit, stacked in the order of the notebook's files."""
    from mnist_helpers import prepare_digit

    return np.stack([prepare_digit(path) for path in sample_files()])


def check_batch(batch, answers, convnet):
    prepared = prepared_samples()
    count = len(prepared)
    if isinstance(batch, (list, tuple)):
        return wrong(f"batch is a {type(batch).__name__} of {len(batch)} images: np.stack(...) makes them one "
                     "array, the images along a new first axis")
    if hasattr(batch, "shape") and tuple(batch.shape) == (28, 28, count):
        return wrong(f"batch has shape {tuple(batch.shape)}: the images are stacked along the last axis; "
                     "np.stack puts them on a new first axis, where the batch goes")
    problem = array_problem(batch, prepared.shape, "batch")
    if problem:
        return wrong(problem)
    try:
        values = np.asarray(batch, dtype=np.float64)
    except (TypeError, ValueError):
        return wrong("batch should hold numbers, the pixel values of the prepared samples")
    if values.max() <= 1:
        return wrong("batch holds values from 0 to 1: the networks take 0–255, as prepare_digit returns them")
    if not np.array_equal(values, prepared):
        return wrong("batch does not hold the twelve prepared samples in the order of files: "
                     "prepare_digit(path) for each path in files")
    if isinstance(answers, (list, tuple)):
        return wrong(f"answers is a {type(answers).__name__}: one predict call on the whole batch gives one array")
    if hasattr(answers, "shape") and tuple(answers.shape) == (count,):
        return wrong(f"answers has shape ({count},): the digits (argmax). Keep what predict returns, "
                     "one row of ten probabilities per image")
    problem = array_problem(answers, (count, 10), "answers")
    if problem:
        return wrong(problem)
    expected = np.asarray(convnet.predict(prepared, verbose=0))
    try:
        same = np.allclose(np.asarray(answers, dtype=np.float64), expected, atol=1e-4)
    except (TypeError, ValueError):
        same = False
    if not same:
        return wrong("answers are not the convnet's probabilities for batch: answers = convnet.predict(batch, "
                     "verbose=0)")
    right = int((expected.argmax(axis=1) == [int(path.name[0]) for path in sample_files()]).sum())
    return correct(f"one predict call: a batch of shape {prepared.shape} in, answers of shape {expected.shape} "
                   f"out, one row of ten probabilities per image ({right} of {count} read correctly)")


exercise_4 = Exercise(
    4, check_batch,
    hints=["[prepare_digit(path) for path in files] is a list of twelve (28, 28) images; np.stack turns a list "
           "into one array with a new first axis.",
           "convnet.predict(batch, verbose=0) answers for the whole batch at once: keep its result as it is."],
    solution="""
        batch = np.stack([prepare_digit(path) for path in files])
        answers = convnet.predict(batch, verbose=0)
        print(batch.shape, answers.shape)   # (12, 28, 28) (12, 10)
        print(answers.argmax(axis=1))       # one digit per image
        """,
    explanation="""
        np.stack puts the twelve images on a new first axis: that axis is the batch. The answer
        has one row of ten probabilities per image.
        """)
