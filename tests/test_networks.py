"""Both paths of mnist_helpers.networks (issue 17, item 4): the student's own network in
my_models/ when it exists, the course's shipped one otherwise, and which one is used said aloud.

The notebooks' stored outputs only ever show the shipped path (the tests give every notebook an
empty ``MNIST_MY_MODELS`` folder), so the student's path is tested here, with ``MNIST_MY_MODELS``
pointing at a temporary folder (``monkeypatch.setenv``: undone after each test, as
tests/run_guards.py requires).
"""

import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from mnist_helpers import networks  # noqa: E402
from mnist_helpers.networks import load_network, save_network  # noqa: E402


def tiny_network():
    """A network of the course's form (raw 28 x 28 images in), far too small to be a shipped one."""
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Rescaling(1 / 255), keras.layers.Dense(10, activation="softmax")])


@pytest.fixture
def my_models(tmp_path, monkeypatch):
    folder = tmp_path / "my_models"
    monkeypatch.setenv("MNIST_MY_MODELS", str(folder))
    return folder


def test_save_network_writes_into_the_students_folder(my_models, capsys):
    save_network(tiny_network(), "dense")
    assert (my_models / "dense.keras").is_file()  # the folder is made if it is missing
    assert capsys.readouterr().out == "Saved your network as my_models/dense.keras: later notebooks will use it.\n"


def test_load_network_prefers_the_students_own(my_models, capsys):
    my_models.mkdir()
    tiny_network().save(my_models / "dense.keras")
    model = load_network("dense")
    assert model.count_params() == 7_850  # the tiny one, not the shipped 407,050
    out = capsys.readouterr().out
    assert out == "Using your dense network (my_models/dense.keras).\n"
    assert "your" in out and "course" not in out


@pytest.mark.parametrize(("name", "parameters"), [("dense", 407_050), ("convnet", None)])
def test_load_network_falls_back_to_the_shipped_one(my_models, capsys, name, parameters):
    tiny_network().save(my_models.parent / "dense.keras")  # not in the folder: must not be used
    model = load_network(name)
    assert model.input_shape == (None, 28, 28), "every network takes raw 28 x 28 images"
    assert parameters is None or model.count_params() == parameters
    out = capsys.readouterr().out
    assert out.startswith(f"Using the course's trained {networks.LABELS[name]} (models/{name}.keras); "
                          "yours will be used once you have one (")
    assert not (my_models / f"{name}.keras").exists()


def test_without_the_variable_the_folder_is_my_models_next_to_models(monkeypatch):
    monkeypatch.delenv("MNIST_MY_MODELS", raising=False)
    assert networks.my_models_folder() == networks.ROOT / "my_models"
    assert (networks.ROOT / "models" / "dense.keras").is_file()


@pytest.mark.parametrize("call", [lambda: load_network("mlp"), lambda: save_network(tiny_network(), "Dense")])
def test_unknown_names_raise_a_clear_error(my_models, call):
    with pytest.raises(ValueError, match=r"Unknown network '(mlp|Dense)': use one of 'dense', 'convnet'\."):
        call()
    assert not my_models.exists()
