"""The shipped networks load and score as stated in every Keras version the course supports.

tools/keras_matrix.py lists the versions; `make setup-dev` installs each in .venv/keras-matrix/VERSION.
Each version runs in a fresh Python process with that folder first on its PYTHONPATH, loads
models/*.weights.h5 into the layers of mnist_helpers.architectures and scores them on the test set
(about 15 s per version on 2 cores).
"""

import re
from pathlib import Path

import pytest
from _require import require

from tools import keras_matrix, train_models

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("version", list(keras_matrix.VERSIONS))
def test_the_shipped_networks_load_and_score_as_stated_in_keras(version, capsys):
    oldest = ".".join(map(str, keras_matrix.VERSIONS[version]))
    require(keras_matrix.runs_here(version), f"Keras {version} needs Python {oldest} or newer")
    folder = keras_matrix.version_folder(version)
    if not keras_matrix.installed(version):
        pytest.fail(f"Keras {version} is not installed in {folder}: {keras_matrix.INSTALL_HINT}.")
    result = keras_matrix.score(version)
    assert result["keras"] == version, f"{folder} holds Keras {result['keras']}"
    assert Path(result["keras_file"]).is_relative_to(folder), (
        f"Keras came from {result['keras_file']}, not {folder}")
    for name, (low, high) in train_models.EXPECTED.items():
        accuracy, errors = result[name]["accuracy"], result[name]["errors"]
        assert low <= accuracy <= high, (
            f"Keras {version}: {name} {accuracy:.2%} ({errors} errors), not {low:.1%}-{high:.1%}")
    counts = ", ".join(f"{name} {result[name]['errors']} errors" for name in train_models.EXPECTED)
    with capsys.disabled():  # the counts, for the record, in the run's output
        print(f"\nKeras {version}: {counts}")


def test_a_missing_version_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Keras 3\.15\.1 is not in .*`make setup-dev` installs it"):
        keras_matrix.score("3.15.1", folder=tmp_path)


def test_make_setup_dev_installs_the_versions_the_tool_lists():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^setup-dev:.*\bkeras-matrix\b", makefile, re.MULTILINE), (
        "setup-dev should depend on keras-matrix")
    assert "python -m tools.keras_matrix --install $(KERAS_MATRIX)" in makefile
    assert re.search(r"^KERAS_MATRIX := \$\(VENV\)/keras-matrix$", makefile, re.MULTILINE), (
        "the versions belong inside .venv, which make clean removes")
    # the versions are written in tools/keras_matrix.py only
    assert not any(version in makefile for version in keras_matrix.VERSIONS)
