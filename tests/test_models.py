"""The trained models shipped in models/ load, have the taught architecture, and score as stated."""

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from mnist_helpers import load_mnist  # noqa: E402

MODELS = Path(__file__).resolve().parent.parent / "models"


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
    assert 0.975 <= accuracy(model, *test_set) <= 0.985


def test_convnet_model(test_set):
    model = keras.models.load_model(MODELS / "convnet.keras")
    assert model.input_shape == (None, 28, 28, 1) and model.count_params() == 318_026
    assert 0.994 <= accuracy(model, *test_set) <= 0.998


def test_saving_and_loading_keeps_predictions_identical(tmp_path, test_set):
    model = keras.models.load_model(MODELS / "convnet.keras")
    model.save(tmp_path / "copy.keras")
    again = keras.models.load_model(tmp_path / "copy.keras")
    images = test_set[0][:500, ..., None]
    np.testing.assert_array_equal(model.predict(images, verbose=0), again.predict(images, verbose=0))


def test_models_are_small_enough_to_ship():
    for path in MODELS.glob("*.keras"):
        assert path.stat().st_size < 5_000_000, path.name
