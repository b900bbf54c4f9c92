"""What notebooks 06 (training) and 07 (evaluation) say about their results holds.

The notebooks' prose states facts about their outputs ("about 99 % training accuracy", "the
validation loss stops falling after about seven epochs", "about 200 mistakes"). nbval keeps a new
run's outputs within the cells' number rules of the stored ones; these tests check that the
stored outputs (06, whose training is too slow to repeat here) and the shipped network (07,
recomputed) still bear the sentences out. They replace the asserts that used to sit in the
notebooks for that purpose.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EPOCH_LINE = re.compile(r"(?P<steps>\d+)/\d+ - .*?- accuracy: (?P<accuracy>[\d.]+) - loss: (?P<loss>[\d.]+)"
                        r"(?: - val_accuracy: (?P<val_accuracy>[\d.]+) - val_loss: (?P<val_loss>[\d.]+))?")


def stored_text(notebook, cell_id):
    """The stored stream output of one code cell."""
    cells = {cell.get("id"): cell for cell in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells}
    assert cell_id in cells, f"{notebook} has no cell {cell_id} any more: update this test"
    return "".join(output.get("text", "") for output in cells[cell_id].outputs if output.output_type == "stream")


def fit_log(notebook, cell_id):
    """One dict per epoch of a stored `fit(verbose=2)` log: the numbers it printed."""
    epochs = []
    for match in EPOCH_LINE.finditer(stored_text(notebook, cell_id)):
        epochs.append({key: float(value) for key, value in match.groupdict().items() if value is not None})
    assert epochs, f"no epoch lines in {notebook} cell {cell_id}"
    return epochs


# ---------------------------------------------------------------------------
# 06 · Training (stored outputs)
# ---------------------------------------------------------------------------

def test_06_trains_notebook_01s_network_to_the_same_numbers():
    """06 says its training is notebook 01's, with the same numbers."""
    ours, first = fit_log("06_training.ipynb", "050a32f9"), fit_log("01_first_network.ipynb", "c0100008")
    assert ours == first


def test_06_reference_run_ends_near_99_percent():
    """'reports about 98.9 % ... this run ends close to that'; 'about 99 % training accuracy'."""
    epochs = fit_log("06_training.ipynb", "050a32f9")
    assert len(epochs) == 5 and epochs[0]["steps"] == 469
    assert 0.985 <= epochs[-1]["accuracy"] <= 0.993
    assert epochs[-1]["loss"] < epochs[0]["loss"] / 3
    # "the loss drops most between epochs 1 and 2"
    drops = [a["loss"] - b["loss"] for a, b in zip(epochs, epochs[1:])]
    assert drops[0] == max(drops)


def test_06_validation_run_shows_overfitting_and_early_stopping():
    epochs = fit_log("06_training.ipynb", "22c99ebf")
    val_loss = [epoch["val_loss"] for epoch in epochs]
    best = int(np.argmin(val_loss)) + 1
    # "the validation loss stops falling after about seven epochs ... then creeps back up"
    assert 6 <= best <= 8, best
    assert val_loss[-1] > val_loss[best - 1]
    # "early stopping ... stops once that has not improved for 3 epochs in a row"
    assert len(epochs) == best + 3
    # "the training loss keeps falling and the training accuracy heads for 100 %"
    assert all(a["loss"] > b["loss"] for a, b in zip(epochs, epochs[1:]))
    assert epochs[-1]["accuracy"] > 0.995
    # "the validation accuracy stalls near 98 %"
    assert all(0.975 <= epoch["val_accuracy"] <= 0.985 for epoch in epochs[4:])
    # "a widening gap"; "in epoch 1 the validation accuracy is higher than the training accuracy"
    gaps = [epoch["accuracy"] - epoch["val_accuracy"] for epoch in epochs]
    assert gaps[0] < 0 < gaps[4] < gaps[best - 1] < gaps[-1]
    # the stable summary cell agrees with the log
    summary = stored_text("06_training.ipynb", "1afe9364")
    assert f"lowest validation loss after epoch {best}: {val_loss[best - 1]:.4f}" in summary
    assert f"training stopped after epoch {len(epochs)} of 20 (patience=3: no new lowest since epoch {best})" in summary
    assert f"weights of epoch {best}: validation accuracy {epochs[best - 1]['val_accuracy']:.2%}" in summary
    # "Notebook 01's five epochs are close to that choice"
    assert abs(best - 5) <= 3


# ---------------------------------------------------------------------------
# 07 · Evaluation (the shipped network, recomputed)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def evaluation():
    pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py
    from mnist_helpers import load_mnist
    from mnist_helpers.networks import shipped_network

    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    model = shipped_network("dense")
    test_predictions = model.predict(test_images, verbose=0, batch_size=1000).argmax(axis=1)
    seen_predictions = model.predict(train_images[:10000], verbose=0, batch_size=1000).argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (test_labels, test_predictions), 1)
    return {
        "model": model, "train_images": train_images, "confusion": confusion,
        "test_accuracy": (test_predictions == test_labels).mean(),
        "seen_accuracy": (seen_predictions == train_labels[:10000]).mean(),
    }


def test_07_test_accuracy_is_about_98_percent_one_point_below_training(evaluation):
    test_accuracy, seen_accuracy = evaluation["test_accuracy"], evaluation["seen_accuracy"]
    assert 0.975 <= test_accuracy <= 0.985, test_accuracy
    assert 0.005 <= seen_accuracy - test_accuracy <= 0.015, seen_accuracy - test_accuracy
    # "higher than the last epoch's in notebook 06"
    assert seen_accuracy > fit_log("06_training.ipynb", "050a32f9")[-1]["accuracy"]


def test_07_about_200_mistakes_led_by_digits_that_share_strokes(evaluation):
    confusion = evaluation["confusion"]
    mistakes = confusion - np.diag(np.diag(confusion))
    assert 150 <= mistakes.sum() <= 250
    assert mistakes.max() <= 30
    # "Digits that share strokes lead, such as 4 and 9, or 3, 5 and 8"
    top = {tuple(pair) for pair in zip(*np.unravel_index(np.argsort(-mistakes, axis=None, kind="stable")[:3],
                                                        mistakes.shape))}
    assert top <= {(4, 9), (9, 4), (3, 5), (5, 3), (3, 8), (8, 3), (5, 8), (8, 5), (8, 9), (9, 8), (7, 2), (2, 7)}


def test_07_per_digit_accuracy_between_95_and_99_5_percent(evaluation):
    confusion = evaluation["confusion"]
    per_digit = np.diag(confusion) / confusion.sum(axis=1)
    assert 0.94 < per_digit.min() and per_digit.max() <= 0.996
    assert per_digit.max() - per_digit.min() > 0.01


def test_07_corner_pixels_keep_their_starting_weights(evaluation):
    """'The pixels in the corners are blank in every training image, so training never changed
    their weights': they stay inside Glorot's uniform starting range, as nowhere else."""
    weights = evaluation["model"].layers[2].get_weights()[0]
    blank = evaluation["train_images"].reshape(60000, -1).max(axis=0) == 0
    assert blank[0] and blank[27] and blank[-1] and blank[-28]  # the four corners
    limit = np.sqrt(6 / (784 + 512))
    assert np.abs(weights[blank]).max() <= limit
    assert np.abs(weights[~blank]).max() > 3 * limit
