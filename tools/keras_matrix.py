"""The Keras versions the shipped networks must load in, each installed in a folder inside .venv.

    python -m tools.keras_matrix --install FOLDER   # what `make setup-dev` runs (FOLDER: .venv/keras-matrix)
    python -m tools.keras_matrix                    # load and score both shipped networks in each version

VERSIONS is the one list: `make setup-dev` installs each version this Python can run with
`pip install --target FOLDER/VERSION --no-deps keras==VERSION` (the rest of Keras's dependencies,
TensorFlow included, are the environment's own), and tests/test_keras_matrix.py loads
models/*.weights.h5 into the layers of mnist_helpers.architectures under each one, in a fresh
Python process whose PYTHONPATH puts that folder first, and checks the test accuracy.

    3.12.4  what requirements.txt installs on Python 3.10
    3.13.2  an older Keras, of the kind Colab provides (issue 19): a .keras file saved by 3.15.1
            does not load in it ("GlorotUniform.__init__() got an unexpected keyword argument
            'input_axes'")
    3.15.1  what requirements.txt installs on Python 3.11-3.13: the notebooks' own

Keras 3.13 and newer need Python 3.11 (their `Requires-Python`, as pip reports it); on Python 3.10
only 3.12.4 is installed and the tests of the others skip, saying why.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# version: the oldest of the course's Pythons (3.10-3.13) that it installs on
VERSIONS = {"3.12.4": (3, 10), "3.13.2": (3, 11), "3.15.1": (3, 11)}
FOLDER = Path(sys.prefix) / "keras-matrix"  # the environment's .venv/keras-matrix (`make clean` removes it)
INSTALL_HINT = "`make setup-dev` installs it (python -m tools.keras_matrix --install .venv/keras-matrix)"


def runs_here(version):
    """Whether this Python is new enough for Keras ``version``."""
    return sys.version_info[:2] >= VERSIONS[version]


def version_folder(version, folder=FOLDER):
    return Path(folder) / version


def installed(version, folder=FOLDER):
    return (version_folder(version, folder) / "keras" / "__init__.py").is_file()


def install(folder):
    """Install each version this Python can run that is not in ``folder`` yet; a failed install
    leaves nothing behind (each goes into a temporary folder, renamed when complete)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for version in VERSIONS:
        if not runs_here(version):
            print(f"Keras {version}: not installed, it needs Python {'.'.join(map(str, VERSIONS[version]))} or newer")
            continue
        if installed(version, folder):
            continue
        partial = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=folder))
        partial.chmod(0o755)  # readable by all, like the rest of the environment
        try:
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(partial),
                            f"keras=={version}"], check=True)
            partial.rename(version_folder(version, folder))
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        print(f"Keras {version}: installed in {version_folder(version, folder)}")


def score(version, folder=FOLDER):
    """Load both shipped networks under Keras ``version`` in a fresh process and score them on the
    test set: {"keras": version seen, "keras_file": where it came from, NAME: {"accuracy", "errors"}}."""
    if not installed(version, folder):
        raise FileNotFoundError(f"Keras {version} is not in {version_folder(version, folder)}: {INSTALL_HINT}.")
    # that Keras first, then this checkout's helpers (not another checkout's editable install)
    path = os.pathsep.join([str(version_folder(version, folder)), str(ROOT / "notebooks")])
    result = subprocess.run([sys.executable, "-m", "tools.keras_matrix", "--score-here"], cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=path), capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"scoring under Keras {version} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _score_here():
    from tools.train_models import EXPECTED, start_tensorflow

    keras, _ = start_tensorflow()
    from mnist_helpers import load_mnist
    from mnist_helpers.networks import shipped_network

    _, (test_images, test_labels) = load_mnist()
    out = {"keras": keras.__version__, "keras_file": keras.__file__}
    for name in EXPECTED:
        predicted = shipped_network(name).predict(test_images, verbose=0, batch_size=1000).argmax(axis=1)
        out[name] = {"accuracy": float((predicted == test_labels).mean()),
                     "errors": int((predicted != test_labels).sum())}
    print(json.dumps(out))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", metavar="FOLDER", type=Path, help="install the versions missing from FOLDER")
    parser.add_argument("--score-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.score_here:
        _score_here()
    elif args.install:
        install(args.install)
    else:
        from tools.train_models import EXPECTED

        for version in VERSIONS:
            if runs_here(version):
                result = score(version)
                print(f"Keras {result['keras']}: " + "; ".join(
                    f"{name} {value['accuracy']:.2%} ({value['errors']} errors)"
                    for name, value in result.items() if name in EXPECTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
