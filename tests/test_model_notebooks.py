"""What the prose of 04 · The model and 05 · How a network learns says about their outputs.

The notebooks keep only the checks a student learns from (by-hand results against Keras's). The
claims their prose makes about the stored outputs ("near chance", "about 36 %", "a little above
ln 10", "about 92 % against about 98 %", "the loss moved, the accuracy did not") are checked
here, on the stored outputs; the notebook tests (nbval) make sure a fresh run reproduces those
outputs. The parabola's gradient descent is re-run from the notebook's own code.
"""

import math
import re
from pathlib import Path

import nbformat
import numpy as np

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MODEL = "04_the_model.ipynb"
LEARNS = "05_how_a_network_learns.ipynb"


def cells(name):
    return {cell.id: cell for cell in nbformat.read(NOTEBOOKS / name, as_version=4).cells}


def text(name, cell_id):
    """The stdout a code cell stored."""
    cell = cells(name)[cell_id]
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


def number(pattern, output):
    match = re.search(pattern, output)
    assert match, f"{pattern!r} not in {output!r}"
    return float(match.group(1).replace(",", ""))


def numbers(pattern, output):
    match = re.search(pattern, output)
    assert match, f"{pattern!r} not in {output!r}"
    return np.array([float(value) for value in match.group(1).split()])


# ---------------------------------------------------------------------------
# 04 · The model
# ---------------------------------------------------------------------------


def test_the_parameters_add_up_to_407050():
    assert text(MODEL, "b5580d3f").strip() == "401,920 + 5,130 = 407,050"
    summary = "".join(str(output.get("data", {}).get("text/plain", "")) for output in cells(MODEL)["6a5415a6"].outputs)
    assert "407,050" in summary


def test_softmax_example_matches_the_prose():
    # "2.0 against 1.0 becomes 0.659 against 0.242"
    assert "gives [0.659 0.242 0.099]" in text(MODEL, "c0400002")


def test_the_untrained_network_is_near_chance_and_favours_5():
    output = text(MODEL, "498e02a4")
    accuracy = number(r"on the test set: ([\d.]+)%", output)
    assert 3 < accuracy < 20, "the prose says the untrained accuracy is near chance"
    counts = numbers(r"each digit: \[([\d ]+)\]", output)
    assert counts.sum() == 10_000
    assert counts.argmax() == 5, "the prose says the favourite digit is 5"
    assert 0.35 <= counts[5] / 10_000 <= 0.37, "the prose says 'about 36 %' of the answers are 5"


def test_the_untrained_probabilities_of_the_correct_digit_match_the_prose():
    output = text(MODEL, "c0400004")
    assert 0.095 <= number(r"average ([\d.]+)", output) <= 0.105, "'about 0.10 on average'"
    assert 0.025 <= number(r"smallest ([\d.]+)", output) <= 0.035, "'from about 0.03'"
    assert 0.255 <= number(r"largest ([\d.]+)", output) <= 0.265, "'to about 0.26'"
    # 05 rebuilds the same untrained network from the same seed: the same first five
    first_five = numbers(r"first five test images: \[([\d. ]+)\]", output)
    assert np.array_equal(first_five, numbers(r"p\(correct digit\): +\[([\d. ]+)\]", text(LEARNS, "8b519d8e")))


# ---------------------------------------------------------------------------
# 05 · How a network learns
# ---------------------------------------------------------------------------


def test_the_hidden_layer_cuts_the_mistakes_to_about_a_quarter():
    output = text(LEARNS, "c0500010")
    linear = number(r"7,850 parameters: ([\d.]+)%", output)
    hidden = number(r"407,050: ([\d.]+)%", output)
    assert 91.5 <= linear <= 92.5, "'about 92 %', 'misses almost 8 test digits in 100'"
    assert 97.5 <= hidden <= 98.5, "'about 98 %', 'misses about 2'"
    assert 0.2 <= (100 - hidden) / (100 - linear) <= 0.3, "'cuts the mistakes to about a quarter'"


def test_the_untrained_loss_is_a_little_above_ln_10():
    loss = number(r"mean loss on the batch: ([\d.]+)", text(LEARNS, "e9168767"))
    assert math.log(10) < loss < math.log(10) + 0.3


def test_a_small_change_of_one_weight_moves_the_loss_but_not_the_accuracy():
    lines = text(LEARNS, "c0500020").strip().splitlines()
    (loss, accuracy), (nudged_loss, nudged_accuracy) = [
        (number(r"loss ([\d.]+)", line), number(r"accuracy ([\d.]+)%", line)) for line in lines]
    assert nudged_loss != loss
    assert nudged_accuracy == accuracy
    assert abs(loss - number(r"mean loss on the batch: ([\d.]+)", text(LEARNS, "e9168767"))) < 0.001, (
        "the loss by hand should be the network's loss on the same batch")


def test_gradient_descent_on_the_parabola_converges_and_diverges():
    namespace = {"np": np}
    exec(cells(LEARNS)["7df0573d"].source, namespace)  # noqa: S102 (the notebook's own code)
    small_rate, large_rate = namespace["small_rate"], namespace["large_rate"]
    assert np.all(np.diff((small_rate - 3) ** 2) < 0)       # rate 0.1: the loss falls at every step ...
    assert (small_rate[-1] - 3) ** 2 < 0.01                  # ... to nearly 0: it converges
    assert abs(large_rate[-1] - 3) > abs(large_rate[0] - 3)  # rate 1.05: ends farther from 3 than it started


def test_one_step_by_hand_lowers_the_loss_from_about_2_3_to_about_1_5():
    output = text(LEARNS, "e0fef56a")
    before = number(r"before the step: ([\d.]+)", output)
    after = number(r"after the step: +([\d.]+)", output)
    assert round(before, 1) == 2.3 and round(after, 1) == 1.5
    assert after < before - 0.3


def test_fit_takes_the_same_step_of_at_most_0_0032():
    output = text(LEARNS, "80cde08f")
    assert "largest change of a weight in our step: 0.0032" in output
    assert "within a millionth: True" in output


def test_the_numbers_in_05s_solutions():
    source = cells(LEARNS)["c05ex900"].source   # the collapsed solutions
    logits = np.array([20.0, 10.0, 1.0])
    softmax = np.exp(logits) / np.exp(logits).sum()
    assert np.array2string(softmax) in source  # [9.99954597e-01 4.53978684e-05 5.60254205e-09]
    assert "about 0.99995, 0.000045 and 0.0000000056" in source
    assert np.allclose(softmax, [0.99995, 0.000045, 0.0000000056], rtol=0.01)
    assert round(math.exp(10), -3) == 22_000  # "e¹⁰ ≈ 22,000"
    namespace = {"np": np}
    exec(cells(LEARNS)["7df0573d"].source, namespace)  # noqa: S102 (the notebook's own code)
    walk = namespace["gradient_descent"]
    assert str(walk(0.5, steps=4)) in source and str(walk(0.5, steps=4)) == "[0. 3. 3. 3. 3.]"
    assert str(walk(1.0, steps=4)) in source and str(walk(1.0, steps=4)) == "[0. 6. 0. 6. 0.]"
