"""Re-create the trained networks shipped in models/, or check that their recipes still hold.

    python -m tools.train_models          # retrain both and overwrite models/*.weights.h5
    python -m tools.train_models --check    # retrain both into a scratch folder and check them
                                            # (what `make reproduce-models` and CI run)

models/ holds the two networks' trained weights only; their layers are written once, in
notebooks/mnist_helpers/architectures.py (`dense_network()`, `convnet_network()`), and
`mnist_helpers.networks.shipped_network(name)` builds them and loads the weights. Weights load in
every Keras the course supports (3.12.4, 3.13.2 and 3.15.1 are tested: tests/test_keras_matrix.py),
where a whole-model .keras file saved by Keras 3.15 does not load in 3.14 or older.

    models/dense.weights.h5    the reference Dense(512) network: notebook 01 (your first network)
                               is executed in a fresh kernel, exactly as a student runs it, and the
                               weights of its variable `model` (5 epochs of batch size 128 on all
                               60,000 images) are saved. Notebook 06 trains the same recipe;
                               notebook 07 evaluates this network when the student has not saved
                               one of their own.
    models/convnet.weights.h5  the full-recipe convnet that notebook 09 loads and explains: the
                               layers of `convnet_network()` (augmentation, batch normalisation,
                               dropout), Adam with a one-epoch warm-up and a cosine decay, 10 epochs
                               of batch size 128, seed 0, op determinism and TensorFlow's oneDNN
                               kernels on (unless TF_ENABLE_ONEDNN_OPTS says otherwise). Training it
                               takes about 3 minutes on 2 cores, which is why no notebook does.

Both take MNIST images as they come, (n, 28, 28) with pixel values 0-255, and scale them in
their first layers. Only the weights are saved (no optimizer state), which keeps them small. On
the machine that made them (a 2-core AMD EPYC) the same recipe gives bit-identical weights; on
another computer, floating-point sums in another order give a network within the measured ranges
(docs/convnet-improvements.md, docs/measured-spread.md).

`--check` retrains both into a scratch folder (models/ is not touched), then asserts the test
accuracy that README.md and the notebooks state (dense 97.5-98.5 %, convnet 99.4-99.7 %), and
reports whether the retrained networks predict exactly like the shipped ones (expected on the
machine that made them, not required elsewhere). Exit status 1 if an accuracy is out of range.
tests/test_models.py checks that the shipped weights load and score as stated.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mnist_helpers.networks import shipped_file

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MODELS = ROOT / "models"

# The test accuracy README.md and the notebooks state, by network (tests/test_models.py and
# tests/test_keras_matrix.py check the shipped weights against it).
EXPECTED = {"dense": (0.975, 0.985), "convnet": (0.994, 0.997)}

EPOCHS, BATCH_SIZE = 10, 128
# Appended to notebook 01: its trained `model`'s weights, through the shipped architecture (which
# fails here, loudly, if notebook 01's network no longer has the same layers).
SAVE = """
from mnist_helpers.architectures import build_network as _build_network
_clean = _build_network("dense")  # the same layers, not compiled: no optimizer state is saved
_clean.set_weights({variable}.get_weights())
_clean.save_weights({path!r})
"""


# ---------------------------------------------------------------------------
# The convnet recipe's training (its layers: mnist_helpers.architectures.convnet_network)
# ---------------------------------------------------------------------------

def recipe_schedule(keras, epochs=EPOCHS, batch_size=BATCH_SIZE, train_size=60000):
    """The learning rate: a linear warm-up over the first epoch to 0.005, then a cosine decay to zero.

    `train_size` is the number of training images, which sets the steps per epoch: 469 for all
    60,000 (the shipped model), 391 for the 50,000 that tools/measure_improvements.py trains on.
    """
    steps_per_epoch = -(-train_size // batch_size)  # the last batch is partial
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0005,
        warmup_target=0.005,
        warmup_steps=steps_per_epoch,
        decay_steps=(epochs - 1) * steps_per_epoch,
    )


def recipe_optimizer(keras, epochs=EPOCHS, batch_size=BATCH_SIZE, train_size=60000):
    """Adam with the recipe's learning-rate schedule (for `train_size` training images)."""
    return keras.optimizers.Adam(recipe_schedule(keras, epochs, batch_size, train_size))


def start_tensorflow(seed=0):
    """Import Keras and TensorFlow as the convnet notebooks do: quiet, oneDNN on, seeded."""
    from mnist_helpers import start_notebook

    start_notebook(seed=seed, fast_convolutions=True)
    import keras
    import tensorflow as tf

    return keras, tf


def train_recipe_convnet(output, seed=0):
    """Train the full recipe (in this process: call it in a fresh one); save its weights to `output`."""
    keras, tf = start_tensorflow(seed)
    from mnist_helpers import load_mnist
    from mnist_helpers.architectures import convnet_network

    (train_images, train_labels), _ = load_mnist()
    convnet = convnet_network()
    convnet.compile(optimizer=recipe_optimizer(keras), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    start = time.perf_counter()
    convnet.fit(train_images, train_labels, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
    seconds = time.perf_counter() - start
    clean = convnet_network()  # the same layers, not compiled: no optimizer state is saved
    clean.set_weights(convnet.get_weights())
    clean.save_weights(output)
    return seconds


# ---------------------------------------------------------------------------
# Running the jobs
# ---------------------------------------------------------------------------

def train_dense(output):
    """Run notebook 01 in a fresh kernel and save the weights of the network it trained (`model`)."""
    import nbformat

    from tools import notebook_runner

    notebook = notebook_runner.read(NOTEBOOKS / "01_first_network.ipynb")
    notebook.cells.append(nbformat.v4.new_code_cell(SAVE.format(variable="model", path=str(output))))
    notebook_runner.run(notebook, timeout=900)


def train_convnet(output):
    """Train the convnet recipe in a fresh Python process (so the oneDNN setting applies)."""
    result = subprocess.run([sys.executable, "-m", "tools.train_models", "--train-convnet", str(output)],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def score(paths):
    """Test accuracy of each weights file (NAME.weights.h5), and whether two files of the same name
    predict identically (in a fresh process)."""
    result = subprocess.run([sys.executable, "-m", "tools.train_models", "--score", *map(str, paths)],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def network_name(path):
    """"dense" for .../dense.weights.h5."""
    return Path(path).name.removesuffix(".weights.h5")


def _score_here(paths):
    start_tensorflow()
    import numpy as np

    from mnist_helpers import load_mnist
    from mnist_helpers.networks import shipped_network

    _, (test_images, test_labels) = load_mnist()
    results = {}
    for path in paths:
        model = shipped_network(network_name(path), Path(path).parent)
        probabilities = model.predict(test_images, verbose=0, batch_size=1000)
        results[path] = {"accuracy": float((probabilities.argmax(axis=1) == test_labels).mean()),
                         "probabilities": probabilities}
    out = {path: {"accuracy": value["accuracy"]} for path, value in results.items()}
    for path, value in results.items():
        twin = next((other for other in results if other != path and Path(other).name == Path(path).name), None)
        if twin:
            out[path]["identical_to_other"] = bool(np.array_equal(value["probabilities"],
                                                                  results[twin]["probabilities"]))
    print(json.dumps(out))


def build(folder):
    """Train both networks and save their weights into `folder`; return {network: seconds}."""
    folder.mkdir(parents=True, exist_ok=True)
    seconds = {}
    start = time.perf_counter()
    train_dense(shipped_file("dense", folder))
    seconds["dense"] = time.perf_counter() - start
    print(f"dense.weights.h5: notebook 01 ran and its network's weights were saved in {seconds['dense']:.0f} s",
          flush=True)
    start = time.perf_counter()
    fit_seconds = train_convnet(shipped_file("convnet", folder))
    seconds["convnet"] = time.perf_counter() - start
    print(f"convnet.weights.h5: trained ({fit_seconds:.0f} s of training) and saved in "
          f"{seconds['convnet']:.0f} s", flush=True)
    return seconds


def check(scratch):
    build(scratch)
    names = list(EXPECTED)
    scores = score([shipped_file(name, scratch) for name in names] + [shipped_file(name, MODELS) for name in names])
    failures = []
    for name in names:
        low, high = EXPECTED[name]
        new, shipped = scores[str(shipped_file(name, scratch))], scores[str(shipped_file(name, MODELS))]
        verdict = "ok" if low <= new["accuracy"] <= high else "OUT OF RANGE"
        same = ("identical predictions to the shipped file" if new.get("identical_to_other")
                else "predictions differ from the shipped file (expected on another computer)")
        print(f"{name}.weights.h5: retrained {new['accuracy']:.2%} (expected {low:.1%}-{high:.1%}: {verdict}); "
              f"shipped {shipped['accuracy']:.2%}; {same}")
        if verdict != "ok":
            failures.append(name)
    if failures:
        print("FAILED: " + ", ".join(failures), file=sys.stderr)
        return 1
    print("The recipes reproduce the stated accuracy.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="retrain into a scratch folder and check the stated accuracy; models/ is not touched")
    parser.add_argument("--scratch", type=Path, help="where --check trains (default: a temporary folder)")
    parser.add_argument("--train-convnet", metavar="OUTPUT", help=argparse.SUPPRESS)
    parser.add_argument("--score", nargs="+", metavar="WEIGHTS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.train_convnet:
        print(json.dumps({"seconds": train_recipe_convnet(args.train_convnet)}))
        return 0
    if args.score:
        _score_here(args.score)
        return 0
    if args.check:
        if args.scratch:
            return check(args.scratch)
        with tempfile.TemporaryDirectory(prefix="reproduce-models-") as folder:
            return check(Path(folder))
    build(MODELS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
