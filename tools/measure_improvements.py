"""Measure what each improvement of notebook 09 does to the convnet, on a validation split.

    python -m tools.measure_improvements                      # every step, seeds 0 1 2
    python -m tools.measure_improvements --seeds 0            # one seed only
    python -m tools.measure_improvements --output docs/convnet-improvements.md

Slow (about 1,300-1,400 s of CPU time per seed for all steps and the final run) and not part of
`make test`: it is where the table of notebook 09 comes from. The choices the table supports
(which improvement to keep, how many epochs) are made on a validation split, never on the test
set: every step trains on the
first 50,000 training images and is scored on the last VALIDATION_SIZE = 10,000 training images.
The steps build on each other, one change at a time, from the plain convnet of notebook 08 to the
full recipe of the shipped models/convnet.weights.h5 (tools/train_models.py):

    dense       the reference Dense(512) network of notebook 01 (for comparison): dense_network()
    plain       notebook 08's convnet: Conv2D(16, 5), pooling, Conv2D(32, 5), pooling, softmax
    wider       the recipe's layers: Conv2D(32, 5), Conv2D(64, 5) and a Dense(256) layer
    augment     + data augmentation (random rotation, shift and zoom)
    batchnorm   + batch normalisation after the second convolution and the Dense(256) layer
    dropout     + Dropout(0.4) before the output layer  (= the recipe's layers, convnet_network())
    adam        + Adam with a one-epoch warm-up and a cosine decay, 5 epochs
    recipe      the same with 10 epochs: the full recipe, exactly as tools/train_models.py
    recipe15    the same with 15 epochs (the schedule stretched over 15), to show the epoch choice

and, separately, the one use of the test set:

    final       the full recipe trained on all 60,000 training images and scored once on the
                10,000 test images: the shipped model (at seed 0, on the machine that made it)

Every model takes raw MNIST images, uint8 of shape (n, 28, 28) with values 0-255, straight from
load_mnist(), and scales them itself: the convnets start Input((28, 28)), Reshape((28, 28, 1)),
Rescaling(1 / 255); the dense network Input((28, 28)), Flatten(), Rescaling(1 / 255). Up to
`dropout`, every step is trained like the dense network: rmsprop with its default settings,
5 epochs, batch size 128. The Adam steps use train_models.recipe_optimizer with the steps per
epoch of the images they train on (391 for 50,000, 469 for 60,000). After every epoch of the
split steps the validation accuracy is recorded (the time this takes is not counted in the
training time); the `final` step looks at the test set once, after training. Each run is a
fresh Python process with the recipe's settings (seeded, op determinism, oneDNN on unless
TF_ENABLE_ONEDNN_OPTS says otherwise). Results are kept in --scratch (one JSON file per run;
--reuse skips runs already there) and the report, with the range over the seeds of each step,
is printed and optionally written as Markdown.
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

from mnist_helpers.architectures import convnet_network, dense_network
from tools import train_models
from tools.measure_spread import cpu_name

ROOT = Path(__file__).resolve().parent.parent

VALIDATION_SIZE = 10_000  # the last 10,000 training images; the first 50,000 are trained on

STEPS = {
    "dense": "Dense(512) network of notebook 01",
    "plain": "plain convnet of notebook 08 (16 and 32 filters)",
    "wider": "wider: 32 and 64 filters, a Dense(256) layer",
    "augment": "+ data augmentation",
    "batchnorm": "+ batch normalisation",
    "dropout": "+ dropout (0.4)",
    "adam": "+ Adam, warm-up and cosine decay (5 epochs)",
    "recipe": "the same, 10 epochs: the full recipe",
    "recipe15": "the same, 15 epochs",
}
# The one run that sees the test set: the full recipe on all 60,000 training images.
FINAL = {"final": "the full recipe, trained on all 60,000, tested on the test set"}
RECIPE_EPOCHS = {"adam": 5, "recipe": train_models.EPOCHS, "recipe15": 15, "final": train_models.EPOCHS}


def front(keras):
    """The layers every convnet starts with: raw uint8 images (n, 28, 28) in, scaled to 0-1 inside."""
    layers = keras.layers
    return [keras.Input(shape=(28, 28)), layers.Reshape((28, 28, 1)), layers.Rescaling(1 / 255)]


def build(step, keras, train_size=60000 - VALIDATION_SIZE):
    """The model of one step, untrained, and how to train it: (model, optimizer, epochs).

    `train_size` (the number of training images) sets the steps per epoch of the Adam schedule.
    """
    layers = keras.layers
    if step == "dense":
        return dense_network(), "rmsprop", 5
    if step == "plain":
        model = keras.Sequential(front(keras) + [
            layers.Conv2D(16, 5, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 5, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ])
        return model, "rmsprop", 5
    if step in RECIPE_EPOCHS:
        epochs = RECIPE_EPOCHS[step]
        return (convnet_network(),
                train_models.recipe_optimizer(keras, epochs=epochs, train_size=train_size), epochs)
    # wider, augment, batchnorm, dropout: the recipe's layers, switched on step by step
    order = ["wider", "augment", "batchnorm", "dropout"]
    has = {name: order.index(step) >= order.index(name) for name in order}
    stack = front(keras)
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


def split(images, labels):
    """(training images, labels), (validation images, labels): the last VALIDATION_SIZE are held out."""
    cut = len(images) - VALIDATION_SIZE
    return (images[:cut], labels[:cut]), (images[cut:], labels[cut:])


def run_one(step, seed, output):
    keras, _ = train_models.start_tensorflow(seed)
    from mnist_helpers import load_mnist

    (train_images, train_labels), (test_images, test_labels) = load_mnist()  # uint8, (n, 28, 28)
    if step in FINAL:  # all 60,000 for training; the test set, once, at the end
        score_images, score_labels, scored_on = test_images, test_labels, "test"
    else:
        (train_images, train_labels), (score_images, score_labels) = split(train_images, train_labels)
        scored_on = "validation"
    model, optimizer, epochs = build(step, keras, train_size=len(train_images))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    def accuracy():
        predictions = model.predict(score_images, verbose=0, batch_size=1000).argmax(axis=1)
        return float((predictions == score_labels).mean())

    per_epoch, excluded = [], [0.0, 0.0]  # validation accuracy after each epoch; seconds it took

    class ValidationPerEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            wall, cpu = time.perf_counter(), time.process_time()
            per_epoch.append(accuracy())
            excluded[0] += time.perf_counter() - wall
            excluded[1] += time.process_time() - cpu

    callbacks = [] if step in FINAL else [ValidationPerEpoch()]
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(train_images, train_labels, epochs=epochs, batch_size=train_models.BATCH_SIZE,
                        verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start - excluded[0]
    cpu_seconds = time.process_time() - cpu_start - excluded[1]
    predictions = model.predict(score_images, verbose=0, batch_size=1000).argmax(axis=1)
    errors = int((predictions != score_labels).sum())
    result = {"step": step, "seed": seed, "scored_on": scored_on, "train_size": len(train_images),
              "scored_size": len(score_labels), "epochs": epochs, "seconds": seconds, "cpu_seconds": cpu_seconds,
              "errors": errors, "accuracy": 1 - errors / len(score_labels), "parameters": model.count_params(),
              "training_accuracy_per_epoch": [float(v) for v in history.history["accuracy"]],
              "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}
    if per_epoch:
        result["validation_accuracy_per_epoch"] = per_epoch
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


def _row(label, runs):
    cpu = [r["cpu_seconds"] for r in runs if "cpu_seconds" in r]
    return (f"| {label} | {runs[0]['parameters']:,} | {runs[0]['epochs']} "
            f"| {', '.join(str(r['seed']) for r in sorted(runs, key=lambda r: r['seed']))} "
            f"| {_range([r['accuracy'] for r in runs], lambda v: f'{v:.2%}')} "
            f"| {_range([r['errors'] for r in runs], str)} | {statistics.median(r['errors'] for r in runs):g} "
            f"| {_range([r['seconds'] for r in runs], lambda v: f'{v:.0f}')} "
            f"| {_range(cpu, lambda v: f'{v:.0f}') if cpu else '–'} |")


def report(results, seeds):
    def runs_of(step):
        return [r for r in results if r["step"] == step]

    def seeds_of(steps):
        found = sorted({r["seed"] for r in results if r["step"] in steps})
        return ", ".join(map(str, found)) or "none"

    header = ["| step | parameters | epochs | seeds | {} accuracy | errors / 10,000 | median errors "
              "| training time (s) | CPU time (s) |", "|---|---|---|---|---|---|---|---|---|"]
    lines = [
        f"Measured {datetime.date.today().isoformat()} by `tools/measure_improvements.py` on "
        f"{platform.machine()} ({cpu_name()}), {os.cpu_count()} CPUs.",
        "",
        f"Validation: trained on the first {60000 - VALIDATION_SIZE:,} training images, scored on the "
        f"last {VALIDATION_SIZE:,}; seeds {seeds_of(STEPS)}.",
        "",
        header[0].format("validation"), header[1],
    ]
    lines += [_row(label, runs_of(step)) for step, label in STEPS.items() if runs_of(step)]
    curves = [r for r in results if r.get("validation_accuracy_per_epoch")]
    if curves:
        longest = max(len(r["validation_accuracy_per_epoch"]) for r in curves)
        lines += ["", "Validation accuracy after each epoch (the Adam steps' schedules each decay to zero "
                  "at their own last epoch):", "",
                  "| step | seed | " + " | ".join(str(e) for e in range(1, longest + 1)) + " |",
                  "|---|---|" + "---|" * longest]
        for r in sorted(curves, key=lambda r: (list(STEPS).index(r["step"]), r["seed"])):
            values = [f"{v:.2%}" for v in r["validation_accuracy_per_epoch"]]
            lines.append(f"| {r['step']} | {r['seed']} | " + " | ".join(values + [""] * (longest - len(values))) + " |")
    final = runs_of("final")
    if final:
        lines += ["", f"Test set, used once: the full recipe trained on all 60,000 training images; "
                  f"seeds {seeds_of(FINAL)}.", "", header[0].format("test"), header[1],
                  _row(FINAL["final"], final)]
    lines += ["", "Runs (step, seed, errors, seconds):", ""]
    lines += [f"- {r['step']} seed {r['seed']}: {r['errors']} {r.get('scored_on', 'test')} errors, "
              f"{r['seconds']:.0f} s" + (f" ({r['cpu_seconds']:.0f} s of CPU time)" if "cpu_seconds" in r else "")
              for r in results]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="*", help=f"steps to run (default: all): {', '.join({**STEPS, **FINAL})}")
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
    every = {**STEPS, **FINAL}
    unknown = [step for step in args.steps if step not in every]
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}: choose from {', '.join(every)}")
    args.scratch.mkdir(parents=True, exist_ok=True)
    results = []
    if args.report_only:
        found = [json.loads(path.read_text()) for path in args.scratch.glob("*.json")]
        order = list(every)
        results = sorted(found, key=lambda r: (r["seed"], order.index(r["step"])))
        args.seeds = sorted({r["seed"] for r in results})
    for seed in [] if args.report_only else args.seeds:
        for step in args.steps or every:
            results.append(launch(step, seed, args.scratch, args.reuse))
            r = results[-1]
            print(f"{step} seed {seed}: {r['accuracy']:.2%} on {r['scored_on']}, {r['errors']} errors, "
                  f"{r['seconds']:.0f} s", flush=True)
    text = report(results, args.seeds)
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
