"""The trained networks shipped in models/ load, have the taught architecture, and score as stated.

models/ holds weights only; the layers come from mnist_helpers.architectures. Also: the notebooks
that build notebook 01's network or show the full convnet recipe (09) build exactly those layers,
and the steps of tools/measure_improvements.py (notebook 09's table) each add the one change they
name. Every network takes MNIST images as they come, uint8 arrays (n, 28, 28) with values 0-255,
and scales them in its first layers. (tests/test_keras_matrix.py loads the same files in each
Keras version the course supports.)
"""

import ast
import json
from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")  # TensorFlow's logs are silenced by conftest.py

from mnist_helpers import load_mnist  # noqa: E402
from mnist_helpers.architectures import BUILDERS, build_network, convnet_network, dense_network  # noqa: E402
from mnist_helpers.networks import shipped_file, shipped_network  # noqa: E402
from tools import measure_improvements, train_models  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


@pytest.fixture(scope="module")
def test_set():
    _, (images, labels) = load_mnist()
    return images, labels   # as they come: uint8, (10000, 28, 28)


def accuracy(model, images, labels):
    return (model.predict(images, verbose=0, batch_size=1000).argmax(axis=1) == labels).mean()


def test_dense_model(test_set):
    model = shipped_network("dense")
    assert model.input_shape == (None, 28, 28) and model.count_params() == 407_050
    assert [type(layer).__name__ for layer in model.layers][:2] == ["Flatten", "Rescaling"]
    low, high = train_models.EXPECTED["dense"]
    assert low <= accuracy(model, *test_set) <= high


def test_convnet_model(test_set):
    model = shipped_network("convnet")
    assert model.input_shape == (None, 28, 28) and model.count_params() == 318_026
    assert [type(layer).__name__ for layer in model.layers][:2] == ["Reshape", "Rescaling"]
    low, high = train_models.EXPECTED["convnet"]
    assert low <= accuracy(model, *test_set) <= high


def stored_arrays(path):
    """Every array a weights file holds, by its place in the file."""
    import h5py

    arrays = {}
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: arrays.update({name: item[()]}) if isinstance(item, h5py.Dataset) else None)
    return arrays


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_weights_file_fills_its_architecture_exactly(name):
    """Keras loads a file with arrays to spare without a word: here every stored array is used once."""
    arrays = stored_arrays(shipped_file(name))
    weights = shipped_network(name).get_weights()
    assert len(arrays) == len(weights), (
        f"{shipped_file(name).name} holds {len(arrays)} arrays, the network {len(weights)}")
    assert sorted(array.tobytes() for array in arrays.values()) == sorted(weight.tobytes() for weight in weights)


def test_models_holds_the_two_weights_files_and_nothing_else():
    assert sorted(path.name for path in MODELS.iterdir()) == ["convnet.weights.h5", "dense.weights.h5"]
    for path in MODELS.iterdir():
        assert path.stat().st_size < 5_000_000, path.name


def test_saving_and_loading_keeps_predictions_identical(tmp_path, test_set):
    """What save_network and notebook 09's saving-and-loading section rely on: a whole .keras file."""
    model = shipped_network("convnet")
    model.save(tmp_path / "copy.keras")
    again = keras.models.load_model(tmp_path / "copy.keras")
    images = test_set[0][:500]
    np.testing.assert_array_equal(model.predict(images, verbose=0), again.predict(images, verbose=0))


def _layers(model):
    """Each layer's class and the settings that define it (not its generated name)."""
    described = []
    for layer in model.layers:
        config = {key: value for key, value in layer.get_config().items() if key not in ("name", "seed")}
        described.append((type(layer).__name__, config))
    return described


def test_build_network_names_the_two_architectures():
    assert _layers(build_network("dense")) == _layers(dense_network())
    assert _layers(build_network("convnet")) == _layers(convnet_network())
    with pytest.raises(ValueError, match=r"Unknown network 'mlp': use one of 'dense', 'convnet'\."):
        build_network("mlp")


# ---------------------------------------------------------------------------
# One dense network: notebook 01 builds it (04, 05, 06 and 08 too), models/dense.weights.h5 holds its
# weights, mnist_helpers.architectures.dense_network() builds it for them. Each notebook's
# keras.Sequential([...]) expression is evaluated here and compared layer by layer.
# ---------------------------------------------------------------------------

NOTEBOOKS = ROOT / "notebooks"
BUILD_THE_DENSE_NETWORK = ("01_first_network.ipynb", "04_the_model.ipynb", "05_how_a_network_learns.ipynb",
                           "06_training.ipynb", "08_convnet.ipynb")


def sequentials_in(notebook):
    """Every network a ``keras.Sequential([...])`` expression in the notebook's code builds (from a
    list of layers written out, not from another network's layers)."""
    cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
    built = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Sequential"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "keras"
                    and node.args and isinstance(node.args[0], ast.List)):
                expression = compile(ast.Expression(node), notebook, "eval")
                built.append(eval(expression, {"keras": keras, "layers": keras.layers}))  # noqa: S307
    return built


@pytest.mark.parametrize("notebook", BUILD_THE_DENSE_NETWORK)
def test_the_notebooks_build_the_shipped_dense_network(notebook):
    dense = [model for model in sequentials_in(notebook)
             if any(getattr(layer, "units", None) == 512 for layer in model.layers)]
    assert len(dense) == 1, f"{notebook}: expected one keras.Sequential with a Dense(512) layer, found {len(dense)}"
    assert _layers(dense[0]) == _layers(dense_network()), (
        f"{notebook} builds another dense network than mnist_helpers.architectures.dense_network(), whose "
        "layers models/dense.weights.h5 fills: change both together, then retrain (python -m tools.train_models)")


def test_the_schedule_warms_up_for_one_epoch_then_decays_to_zero():
    schedule = train_models.recipe_schedule(keras)
    assert abs(float(schedule(0)) - 0.0005) < 1e-9
    assert abs(float(schedule(469)) - 0.005) < 1e-7
    assert float(schedule(10 * 469)) < 1e-9
    on_the_split = train_models.recipe_schedule(keras, train_size=50_000)  # 391 steps per epoch
    assert abs(float(on_the_split(391)) - 0.005) < 1e-7 and float(on_the_split(10 * 391)) < 1e-9


def test_each_improvement_step_adds_the_change_it_names():
    steps = {name: measure_improvements.build(name, keras)
             for name in {**measure_improvements.STEPS, **measure_improvements.FINAL}}
    kinds = {name: [type(layer).__name__ for layer in model.layers] for name, (model, _, _) in steps.items()}
    assert steps["plain"][0].count_params() == 18_378   # notebook 08's convnet
    assert steps["dense"][0].count_params() == 407_050
    assert "RandomRotation" not in kinds["wider"] and "RandomRotation" in kinds["augment"]
    assert "BatchNormalization" not in kinds["augment"] and kinds["batchnorm"].count("BatchNormalization") == 2
    assert "Dropout" not in kinds["batchnorm"] and "Dropout" in kinds["dropout"]
    assert kinds["dropout"] == kinds["adam"] == kinds["recipe"] == kinds["recipe15"] == kinds["final"]
    rmsprop_steps = ("dense", "plain", "wider", "augment", "batchnorm", "dropout")
    assert [steps[name][1] for name in rmsprop_steps] == ["rmsprop"] * 6
    assert [steps[name][2] for name in steps] == [5, 5, 5, 5, 5, 5, 5, 10, 15, 10]
    # every model takes raw uint8 images (n, 28, 28) and scales them itself
    assert {model.input_shape for model, _, _ in steps.values()} == {(None, 28, 28)}
    assert all(kind[1] == "Rescaling" for kind in kinds.values())


def test_improvement_steps_are_chosen_on_the_last_10000_training_images():
    images, labels = np.arange(60_000), np.arange(60_000) % 10
    (train, train_labels), (held_out, held_out_labels) = measure_improvements.split(images, labels)
    assert measure_improvements.VALIDATION_SIZE == 10_000
    assert list(train) == list(range(50_000)) and list(held_out) == list(range(50_000, 60_000))
    assert len(train_labels) == 50_000 and len(held_out_labels) == 10_000
    optimizer = measure_improvements.build("recipe", keras)[1]  # trained on 50,000: 391 steps per epoch
    assert optimizer.get_config()["learning_rate"]["config"]["warmup_steps"] == 391


# ---------------------------------------------------------------------------
# One recipe: notebook 09 shows it, mnist_helpers.architectures.convnet_network() builds its layers,
# tools/train_models.py trains it, tools/measure_improvements.py builds it step by step. The
# notebook's own cells are run here and compared layer by layer.
# ---------------------------------------------------------------------------

NOTEBOOK_09 = ROOT / "notebooks" / "09_improving_the_convnet.ipynb"
CELLS_09 = {"wider": "c0800008", "augmentation": "c0800010", "block": "c0800014",
            "schedule": "c0800019", "recipe": "c0800021"}


@pytest.fixture(scope="module")
def notebook_09():
    """The variables notebook 09's model cells define (plots and pictures replaced by stand-ins)."""
    import json
    from unittest import mock

    cells = {cell.get("id"): "".join(cell["source"]) for cell in json.loads(NOTEBOOK_09.read_text())["cells"]}
    missing = sorted(set(CELLS_09.values()) - set(cells))
    assert not missing, f"notebook 09 no longer has the cells {missing}: update CELLS_09"
    namespace = {"keras": keras, "layers": keras.layers, "np": np, "plt": mock.MagicMock(),
                 "show_digits": mock.MagicMock(), "sample_images": np.zeros((8, 28, 28), "uint8"),
                 "train_labels": np.zeros(8, "uint8")}
    for cell_id in CELLS_09.values():
        exec(cells[cell_id], namespace)
    return namespace


def test_notebook_09_shows_the_recipe_the_tools_train(notebook_09):
    assert _layers(notebook_09["recipe"]) == _layers(convnet_network())
    # the wider network of step 1 takes the images as the recipe does: raw, reshaped and scaled inside
    assert notebook_09["wider"].input_shape == notebook_09["recipe"].input_shape == (None, 28, 28)
    assert _layers(notebook_09["wider"])[:2] == _layers(notebook_09["recipe"])[:2]
    assert (notebook_09["epochs"], notebook_09["batch_size"]) == (train_models.EPOCHS, train_models.BATCH_SIZE)
    assert notebook_09["schedule"].get_config() == train_models.recipe_schedule(keras).get_config()
    optimizer, tools_optimizer = notebook_09["optimizer"], train_models.recipe_optimizer(keras)
    assert type(optimizer) is type(tools_optimizer)
    assert notebook_09["recipe"].optimizer is optimizer, "09 compiles the recipe with another optimizer"
    assert notebook_09["recipe"].loss == "sparse_categorical_crossentropy"
    ignore = ("name", "learning_rate")
    assert ({k: v for k, v in optimizer.get_config().items() if k not in ignore}
            == {k: v for k, v in tools_optimizer.get_config().items() if k not in ignore})


def test_notebook_09_steps_are_the_measured_steps(notebook_09):
    recipe = _layers(convnet_network())
    steps = {name: _layers(measure_improvements.build(name, keras)[0]) for name in measure_improvements.STEPS}
    assert _layers(notebook_09["wider"]) == steps["wider"]
    assert _layers(notebook_09["augmentation"]) == recipe[2:5] == steps["augment"][2:5]  # after the front
    assert _layers(notebook_09["block"]) == recipe[7:10] == steps["batchnorm"][7:10]
    assert steps["dropout"] == steps["adam"] == steps["recipe"] == recipe
