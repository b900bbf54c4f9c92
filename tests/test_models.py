"""The trained models shipped in models/ load, have the taught architecture, and score as stated.

Also: the recipe in tools/train_models.py (which made models/convnet.keras and which notebook 08
shows) builds exactly the shipped architecture, and the steps of tools/measure_improvements.py
(notebook 08's table) each add the one change they name.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from mnist_helpers import load_mnist  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
sys.path.insert(0, str(ROOT / "tools"))
import measure_improvements  # noqa: E402
import train_models  # noqa: E402


@pytest.fixture(scope="module")
def test_set():
    _, (images, labels) = load_mnist()
    return images.astype("float32") / 255, labels


def accuracy(model, images, labels):
    inputs = images.reshape((len(images),) + tuple(model.input_shape[1:]))
    return (model.predict(inputs, verbose=0, batch_size=1000).argmax(axis=1) == labels).mean()


def test_dense_model(test_set):
    model = keras.models.load_model(MODELS / "dense.keras")
    assert model.input_shape == (None, 784) and model.count_params() == 407_050
    low, high = train_models.EXPECTED["dense.keras"]
    assert low <= accuracy(model, *test_set) <= high


def test_convnet_model(test_set):
    model = keras.models.load_model(MODELS / "convnet.keras")
    assert model.input_shape == (None, 28, 28, 1) and model.count_params() == 318_026
    low, high = train_models.EXPECTED["convnet.keras"]
    assert low <= accuracy(model, *test_set) <= high


def test_saving_and_loading_keeps_predictions_identical(tmp_path, test_set):
    model = keras.models.load_model(MODELS / "convnet.keras")
    model.save(tmp_path / "copy.keras")
    again = keras.models.load_model(tmp_path / "copy.keras")
    images = test_set[0][:500, ..., None]
    np.testing.assert_array_equal(model.predict(images, verbose=0), again.predict(images, verbose=0))


def test_models_are_small_enough_to_ship():
    for path in MODELS.glob("*.keras"):
        assert path.stat().st_size < 5_000_000, path.name


def _layers(model):
    """Each layer's class and the settings that define it (not its generated name)."""
    described = []
    for layer in model.layers:
        config = {key: value for key, value in layer.get_config().items() if key not in ("name", "seed")}
        described.append((type(layer).__name__, config))
    return described


def test_the_recipe_builds_the_shipped_convnet():
    shipped = keras.models.load_model(MODELS / "convnet.keras")
    assert _layers(train_models.recipe_convnet(keras)) == _layers(shipped)


def test_the_schedule_warms_up_for_one_epoch_then_decays_to_zero():
    schedule = train_models.recipe_schedule(keras)
    assert abs(float(schedule(0)) - 0.0005) < 1e-9
    assert abs(float(schedule(469)) - 0.005) < 1e-7
    assert float(schedule(10 * 469)) < 1e-9


def test_each_improvement_step_adds_the_change_it_names():
    steps = {name: measure_improvements.build(name, keras) for name in measure_improvements.STEPS}
    kinds = {name: [type(layer).__name__ for layer in model.layers] for name, (model, _, _) in steps.items()}
    assert steps["plain"][0].count_params() == 18_378   # notebook 07's convnet, without Rescaling
    assert steps["dense"][0].count_params() == 407_050
    assert "RandomRotation" not in kinds["wider"] and "RandomRotation" in kinds["augment"]
    assert "BatchNormalization" not in kinds["augment"] and kinds["batchnorm"].count("BatchNormalization") == 2
    assert "Dropout" not in kinds["batchnorm"] and "Dropout" in kinds["dropout"]
    assert kinds["dropout"] == kinds["adam"] == kinds["recipe"]
    rmsprop_steps = ("dense", "plain", "wider", "augment", "batchnorm", "dropout")
    assert [steps[name][1] for name in rmsprop_steps] == ["rmsprop"] * 6
    assert [steps[name][2] for name in steps] == [5, 5, 5, 5, 5, 5, 5, 10]
