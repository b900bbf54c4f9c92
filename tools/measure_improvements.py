"""Measure what each improvement of notebook 08 does to the convnet: accuracy, errors, time.

    python -m tools.measure_improvements                      # every step, seeds 0 1 2
    python -m tools.measure_improvements --seeds 0            # one seed only
    python -m tools.measure_improvements --output docs/convnet-improvements.md

Slow (about 10 minutes per seed on 2 quiet cores) and not part of `make test`: it is where the
table of notebook 08 comes from. The steps build on each other, one change at a time, from the
plain convnet of notebook 07 to the full recipe of the shipped models/convnet.keras
(tools/train_models.py):

    dense       the reference Dense(512) network of notebooks 04-06 (for comparison)
    plain       notebook 07's convnet: Conv2D(16, 5), pooling, Conv2D(32, 5), pooling, softmax
    wider       the recipe's layers: Conv2D(32, 5), Conv2D(64, 5) and a Dense(256) layer
    augment     + data augmentation (random rotation, shift and zoom)
    batchnorm   + batch normalisation after the second convolution and the Dense(256) layer
    dropout     + Dropout(0.4) before the output layer                (= the recipe's layers)
    adam        + Adam with a one-epoch warm-up and a cosine decay, still 5 epochs
    recipe      + 10 epochs instead of 5: the full recipe, exactly as tools/train_models.py

Up to `dropout`, every step is trained like the dense network: rmsprop with its default
settings, 5 epochs, batch size 128. Each run is a fresh Python process with the recipe's
settings (seeded, op determinism, oneDNN on unless TF_ENABLE_ONEDNN_OPTS says otherwise), so
seed 0 of `recipe` is the shipped model on the machine that made it. Results are kept in
--scratch (one JSON file per run; --reuse skips runs already there) and the report, with the
range over the seeds of each step, is printed and optionally written as Markdown.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tools import train_models
from tools.measure_spread import cpu_name

ROOT = Path(__file__).resolve().parent.parent

STEPS = {
    "dense": "Dense(512) network of notebooks 04-06",
    "plain": "plain convnet of notebook 07 (16 and 32 filters)",
    "wider": "wider: 32 and 64 filters, a Dense(256) layer",
    "augment": "+ data augmentation",
    "batchnorm": "+ batch normalisation",
    "dropout": "+ dropout (0.4)",
    "adam": "+ Adam, warm-up and cosine decay (5 epochs)",
    "recipe": "+ 10 epochs: the full recipe (models/convnet.keras)",
}


def build(step, keras):
    """The model of one step, untrained, and how to train it: (model, optimizer, epochs)."""
    layers = keras.layers
    if step == "dense":
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(512, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        return model, "rmsprop", 5
    if step == "plain":
        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, 5, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 5, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ])
        return model, "rmsprop", 5
    if step == "recipe":
        return train_models.recipe_convnet(keras), train_models.recipe_optimizer(keras), 10
    if step == "adam":
        return train_models.recipe_convnet(keras), train_models.recipe_optimizer(keras, epochs=5), 5
    # wider, augment, batchnorm, dropout: the recipe's layers, switched on step by step
    order = ["wider", "augment", "batchnorm", "dropout"]
    has = {name: order.index(step) >= order.index(name) for name in order}
    stack = [keras.Input(shape=(28, 28, 1))]
    if has["augment"]:
        stack += [layers.RandomRotation(0.04, fill_mode="constant"),
                  layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
                  layers.RandomZoom(0.08, fill_mode="constant")]
    stack += [layers.Conv2D(32, 5, activation="relu"), layers.MaxPooling2D()]
    if has["batchnorm"]:
        stack += [layers.Conv2D(64, 5, use_bias=False), layers.BatchNormalization(), layers.Activation("relu")]
    else:
        stack += [layers.Conv2D(64, 5, activation="relu")]
    stack += [layers.MaxPooling2D(), layers.Flatten()]
    if has["batchnorm"]:
        stack += [layers.Dense(256, use_bias=False), layers.BatchNormalization(), layers.Activation("relu")]
    else:
        stack += [layers.Dense(256, activation="relu")]
    if has["dropout"]:
        stack += [layers.Dropout(0.4)]
    stack += [layers.Dense(10, activation="softmax")]
    return keras.Sequential(stack), "rmsprop", 5


def run_one(step, seed, output):
    keras, tf = train_models.start_tensorflow(seed)
    from mnist_helpers import load_mnist

    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    model, optimizer, epochs = build(step, keras)
    if step == "dense":
        train_inputs = tf.reshape(train_models.float_inputs(tf, train_images), (60000, 784))
        test_inputs = test_images.reshape((10000, 784)).astype("float32") / 255
    else:
        train_inputs = train_models.float_inputs(tf, train_images)
        test_inputs = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start, cpu_start = time.perf_counter(), time.process_time()
    model.fit(train_inputs, train_labels, epochs=epochs, batch_size=train_models.BATCH_SIZE, verbose=0)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    predictions = model.predict(test_inputs, verbose=0, batch_size=1000).argmax(axis=1)
    errors = int((predictions != test_labels).sum())
    result = {"step": step, "seed": seed, "seconds": seconds, "cpu_seconds": cpu_seconds, "errors": errors,
              "accuracy": 1 - errors / len(test_labels), "parameters": model.count_params(),
              "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}
    Path(output).write_text(json.dumps(result))


def launch(step, seed, scratch, reuse):
    output = scratch / f"{step}-{seed}.json"
    if not (reuse and output.exists()):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        subprocess.run([sys.executable, "-m", "tools.measure_improvements", "--run-one", step, str(seed), str(output)],
                       cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
    return json.loads(output.read_text())


def _range(values, fmt):
    low, high = min(values), max(values)
    return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"


def report(results, seeds):
    lines = [
        f"Measured {datetime.date.today().isoformat()} by `tools/measure_improvements.py` on "
        f"{platform.machine()} ({cpu_name()}), {os.cpu_count()} CPUs, seeds {', '.join(map(str, seeds))}.",
        "",
        "| step | parameters | test accuracy | errors / 10,000 | median errors | training time (s) | CPU time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for step, label in STEPS.items():
        runs = [r for r in results if r["step"] == step]
        if not runs:
            continue
        cpu = [r["cpu_seconds"] for r in runs if "cpu_seconds" in r]
        lines.append(
            f"| {label} | {runs[0]['parameters']:,} | {_range([r['accuracy'] for r in runs], lambda v: f'{v:.2%}')} "
            f"| {_range([r['errors'] for r in runs], str)} | {statistics.median(r['errors'] for r in runs):g} "
            f"| {_range([r['seconds'] for r in runs], lambda v: f'{v:.0f}')} "
            f"| {_range(cpu, lambda v: f'{v:.0f}') if cpu else '–'} |")
    lines += ["", "Runs (step, seed, errors, seconds):", ""]
    lines += [f"- {r['step']} seed {r['seed']}: {r['errors']} errors, {r['seconds']:.0f} s"
              + (f" ({r['cpu_seconds']:.0f} s of CPU time)" if "cpu_seconds" in r else "") for r in results]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="*", help=f"steps to run (default: all): {', '.join(STEPS)}")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--scratch", type=Path, default=ROOT / "artifacts" / "improvements")
    parser.add_argument("--reuse", action="store_true", help="keep the runs already in --scratch")
    parser.add_argument("--output", type=Path, help="also write the report to this Markdown file")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: report every run already in --scratch")
    parser.add_argument("--run-one", nargs=3, metavar=("STEP", "SEED", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        step, seed, output = args.run_one
        run_one(step, int(seed), output)
        return 0
    unknown = [step for step in args.steps if step not in STEPS]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}: choose from {', '.join(STEPS)}")
    args.scratch.mkdir(parents=True, exist_ok=True)
    results = []
    if args.report_only:
        found = [json.loads(path.read_text()) for path in args.scratch.glob("*.json")]
        order = list(STEPS)
        results = sorted(found, key=lambda r: (r["seed"], order.index(r["step"])))
        args.seeds = sorted({r["seed"] for r in results})
    for seed in [] if args.report_only else args.seeds:
        for step in args.steps or STEPS:
            results.append(launch(step, seed, args.scratch, args.reuse))
            r = results[-1]
            print(f"{step} seed {seed}: {r['accuracy']:.2%}, {r['errors']} errors, {r['seconds']:.0f} s", flush=True)
    text = report(results, args.seeds)
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
