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
    assert out.startswith(f"Using the course's trained {networks.LABELS[name]} (models/{name}.weights.h5); "
                          "yours will be used once you have one (")
    assert not (my_models / f"{name}.keras").exists()


def test_without_the_variable_the_folder_is_my_models_next_to_models(monkeypatch):
    monkeypatch.delenv("MNIST_MY_MODELS", raising=False)
    assert networks.my_models_folder() == networks.ROOT / "my_models"
    assert (networks.ROOT / "models" / "dense.weights.h5").is_file()


def test_a_missing_weights_file_says_how_to_get_it_back(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"dense\.weights\.h5 is missing: .*git checkout -- models/"):
        networks.shipped_network("dense", tmp_path)


@pytest.mark.parametrize("call", [lambda: load_network("mlp"), lambda: save_network(tiny_network(), "Dense")])
def test_unknown_names_raise_a_clear_error(my_models, call):
    with pytest.raises(ValueError, match=r"Unknown network '(mlp|Dense)': use one of 'dense', 'convnet'\."):
        call()
    assert not my_models.exists()


# ---------------------------------------------------------------------------
# The notebooks: who saves the student's network, who uses it
# ---------------------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402

from tools import notebook_runner  # noqa: E402

SAVES = {"01_first_network.ipynb", "06_training.ipynb"}  # each saves the dense network it trained
USES = {"05_how_a_network_learns.ipynb": ["dense"], "07_evaluation.ipynb": ["dense"],
        "09_improving_the_convnet.ipynb": ["convnet"], "10_your_own_digits.ipynb": ["dense", "convnet"],
        "11_draw_a_digit.ipynb": ["dense", "convnet"]}


def code_of(name):
    cells = json.loads((notebook_runner.NOTEBOOKS / name).read_text())["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


@pytest.mark.parametrize("name", sorted(SAVES))
def test_the_training_notebooks_save_the_students_network(name):
    assert re.search(r'^save_network\(model, "dense"\)$', code_of(name), re.MULTILINE), (
        f"{name} should end its training by saving the network: save_network(model, \"dense\")")


@pytest.mark.parametrize("name", sorted(USES))
def test_the_notebooks_that_use_a_trained_network_load_it_through_load_network(name):
    code = code_of(name)
    for network in USES[name]:
        assert f'load_network("{network}")' in code, f"{name} should load the {network} with load_network"
    # load_model only for a file the notebook itself saved (09's saving-and-loading section)
    loaded = re.findall(r"load_model\(([^)]*)\)", code)
    assert all("models/" not in argument for argument in loaded), f"{name} loads a shipped file directly: {loaded}"


def test_notebook_07_evaluates_the_students_network_when_there_is_one(tmp_path, monkeypatch):
    """Notebook 07 run as a student runs it after notebook 01: with a network in my_models/ (here a
    copy of the shipped one, so that every later cell still holds) it says that it uses theirs."""
    import nbformat

    monkeypatch.setenv("MNIST_MY_MODELS", str(tmp_path / "my_models"))
    notebook = notebook_runner.read(notebook_runner.NOTEBOOKS / "07_evaluation.ipynb")
    # the runner empties the folder before the kernel starts; the first cell puts "your" network there
    # (start_notebook first, as before any Keras import; the notebook's own call then does nothing new)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(
        "import os, pathlib\n"
        "from mnist_helpers import start_notebook\n"
        "start_notebook()\n"
        "from mnist_helpers.networks import shipped_network\n"
        "folder = pathlib.Path(os.environ['MNIST_MY_MODELS']); folder.mkdir(parents=True, exist_ok=True)\n"
        "shipped_network('dense').save(folder / 'dense.keras')"))
    notebook_runner.run(notebook, timeout=600)
    printed = [output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs if output.get("name") == "stdout"]
    assert any("Using your dense network (my_models/dense.keras)." in text for text in printed), printed[:3]
    assert not any("course's trained" in text for text in printed)


def test_the_runner_empties_the_students_folder_before_every_notebook(tmp_path, monkeypatch):
    folder = tmp_path / "my_models"
    folder.mkdir()
    (folder / "dense.keras").write_text("left over from an earlier notebook")
    monkeypatch.setenv("MNIST_MY_MODELS", str(folder))
    notebook_runner.client(notebook_runner.read(notebook_runner.NOTEBOOKS / "01_first_network.ipynb"))
    assert not folder.exists() or not any(folder.iterdir())
