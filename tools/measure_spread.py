"""Measure how much each notebook's training-dependent numbers vary between computers.

    python -m tools.measure_spread                              # all notebooks, all settings
    python -m tools.measure_spread 05_training.ipynb --seeds 0 1 2
    python -m tools.measure_spread --settings default one-thread --output docs/measured-spread.md

Slow (about an hour for everything on 2 cores) and not part of `make test`: it is how the
tolerances of the `# NBVAL_APPROX` cells and the ranges of the assert cells were chosen.

Each run executes a notebook top to bottom in a fresh kernel (the notebook file is not
changed) under one of these settings, each a cheap stand-in for "another computer":

    default      as the tests run it
    one-thread   the kernel pinned to one CPU core (`taskset -c 0`): other thread splits
    avx2         `ONEDNN_MAX_CPU_ISA=AVX2`: oneDNN's kernels for an older instruction set
    onednn-flip  `TF_ENABLE_ONEDNN_OPTS` the other way round from the notebook's own choice
    portable     all at once, as `make test-portable` runs the suite: one core, AVX2, and
                 oneDNN off (which flips it for notebook 07, the one that switches it on)

and, for the notebooks that train (they call `keras.utils.set_random_seed(0)`), with other
seeds: the script rewrites that call in its in-memory copy. Seeds go with the default setting;
the perturbed settings run seed 0, the seed readers use.

For every `# NBVAL_APPROX` cell it then reads every number in the outputs and reports, per
number: the value stored in the notebook, min / median / max over the runs, and whether the
cell's tolerance covers every run (`ok`) or not (`TOO TIGHT`). The exit status is 1 if any
tolerance is too tight or any run failed (an assert cell, for example).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tools import notebook_runner
from tools.notebook_runner import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tests"))

from nbval_approx import last_digit_unit, parse_marker, sanitizer, split_numbers, split_tokens  # noqa: E402

SEED_CALL = "keras.utils.set_random_seed(0)"
ONEDNN = re.compile(r"""os\.environ\.setdefault\("TF_ENABLE_ONEDNN_OPTS", "([01])"\)""")
SETTINGS = ("default", "one-thread", "avx2", "onednn-flip", "portable")


def _joined(value):
    return value if isinstance(value, str) else "".join(value)  # notebook JSON may store lines


def cell_texts(cell, sanitize):
    """All comparable text of a code cell's outputs, the way nbval groups it."""
    texts = []
    streams = "".join(_joined(o.get("text", "")) for o in cell.get("outputs", [])
                      if o.get("output_type") == "stream" and o.get("name") == "stdout")
    if streams:
        texts.append(streams)
    for output in cell.get("outputs", []):
        for mime, value in output.get("data", {}).items():
            if mime in ("text/plain", "text/html"):
                texts.append(_joined(value))
    return [sanitize(text) for text in texts]


def approx_cells(notebook):
    """{code-cell number (as nbval counts them): cell} for the cells with an NBVAL_APPROX marker."""
    cells, number = {}, 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if parse_marker(source) is not None:
            cells[number] = cell
        number += 1
    return cells


# ---------------------------------------------------------------------------
# One run, in a child process (so that taskset and the environment apply to its kernel)
# ---------------------------------------------------------------------------

def run_one(name, seed, output):
    notebook = notebook_runner.read(NOTEBOOKS / name)
    if seed != 0:
        for cell in notebook.cells:
            cell.source = cell.source.replace(SEED_CALL, SEED_CALL.replace("(0)", f"({seed})"))
    start = time.perf_counter()
    error = None
    try:
        notebook_runner.run(notebook)
    except Exception as exc:  # an assert cell failed, for example: record it, keep the outputs
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    result = {"seconds": time.perf_counter() - start, "error": error,
              "cells_by_id": {c.get("id"): c.get("outputs", []) for c in approx_cells(notebook).values()}}
    Path(output).write_text(json.dumps(result))


def onednn_choice(name):
    """The notebook's own TF_ENABLE_ONEDNN_OPTS default, "0" or "1", read from its code cells."""
    notebook = json.loads((NOTEBOOKS / name).read_text())
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    match = ONEDNN.search(code)  # not the raw JSON, where the quotes are escaped
    return match.group(1) if match else "0"


def launch(name, setting, seed, scratch, reuse=False):
    output = scratch / f"{name}-{setting}-{seed}.json"
    if reuse and output.exists():
        return json.loads(output.read_text())
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    prefix = []
    if setting in ("one-thread", "portable"):
        prefix = ["taskset", "-c", "0"]
    if setting in ("avx2", "portable"):
        env["ONEDNN_MAX_CPU_ISA"] = "AVX2"
    if setting == "portable":
        env["TF_ENABLE_ONEDNN_OPTS"] = "0"
    elif setting == "onednn-flip":
        env["TF_ENABLE_ONEDNN_OPTS"] = "0" if onednn_choice(name) == "1" else "1"
    subprocess.run([*prefix, sys.executable, "-m", "tools.measure_spread", "--run-one", name, str(seed), str(output)],
                   cwd=ROOT,
                   env=env, check=True, stderr=subprocess.DEVNULL)
    return json.loads(output.read_text())


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

def label_for(text, index):
    """A short label for number `index` of `text`: the rest of its line, the number shown as ▢."""
    pieces, _ = split_numbers(text)
    before = pieces[index].split("\n")[-1]
    after = pieces[index + 1].split("\n")[0]
    return (before + "▢" + after).strip().replace("|", "/")[:70]


def report(name, notebook, runs, sanitize):
    rows, too_tight = [], []
    for number, cell in approx_cells(notebook).items():
        tolerance = parse_marker("".join(cell["source"]))
        stored_texts = cell_texts(cell, sanitize)
        for text_index, stored_text in enumerate(stored_texts):
            _, stored_tokens = split_tokens(stored_text)
            stored_numbers = [float(t.replace(",", "")) for t in stored_tokens]
            values = [[] for _ in stored_numbers]
            for run in runs:
                outputs = run["cells_by_id"].get(cell.get("id"))  # by id: numbers shift when cells are added
                if outputs is None:
                    continue
                texts = cell_texts({"outputs": outputs}, sanitize)
                if text_index < len(texts):
                    _, numbers = split_numbers(texts[text_index])
                    if len(numbers) == len(stored_numbers):
                        for index, value in enumerate(numbers):
                            values[index].append((value, run["seed"]))
            for index, stored in enumerate(stored_numbers):
                seen = [value for value, _ in values[index]]
                settings = [value for value, seed in values[index] if seed == 0]
                if not seen or min(seen) == max(seen) == stored:
                    continue  # the same in every run: nothing to report
                unit = last_digit_unit(stored_tokens[index])
                # The tolerance must cover every setting at seed 0 (what readers run); other seeds
                # show how far training alone moves the number (informative for trained values).
                ok = all(tolerance.allows(stored, v, unit) for v in settings) and len(seen) == len(runs)
                seeds_ok = all(tolerance.allows(stored, v, unit) for v in seen)
                label = label_for(stored_text, index)
                worst = max(abs(v - stored) for v in settings)
                rows.append(f"| {name} | {number} | {label} | {stored:g} | {min(settings):g} – {max(settings):g} | "
                            f"{worst:.3g} | {min(seen):g} | {statistics.median(seen):g} | {max(seen):g} | "
                            f"{tolerance.describe(stored, unit)} | {'ok' if ok else 'TOO TIGHT'} | "
                            f"{'yes' if seeds_ok else 'no'} |")
                if not ok:
                    too_tight.append(rows[-1])
    return rows, too_tight


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--settings", nargs="+", choices=SETTINGS, default=list(SETTINGS))
    parser.add_argument("--output", type=Path, help="also write the report to this Markdown file")
    parser.add_argument("--scratch", type=Path, default=ROOT / "artifacts" / "spread")
    parser.add_argument("--reuse", action="store_true",
                        help="use the results already in --scratch instead of running again")
    parser.add_argument("--run-one", nargs=3, metavar=("NOTEBOOK", "SEED", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        name, seed, output = args.run_one
        run_one(name, int(seed), output)
        return 0

    names = args.notebooks or [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    args.scratch.mkdir(parents=True, exist_ok=True)
    sanitize = sanitizer()
    header = [
        f"Measured {time.strftime('%Y-%m-%d')} by `tools/measure_spread.py` on {platform.machine()} "
        f"({cpu_name()}), {os.cpu_count()} CPUs.",
        "",
        "Per number that varied: the stored value; its range over the settings at seed 0 (what a",
        "reader runs on another computer) and the largest deviation from the stored value there;",
        "min / median / max over every run (seeds included); the cell's tolerance around the stored",
        "value (chosen as about 3 x the largest deviation over the settings, rounded up); whether it",
        "covers the settings (must) and every seed too (informative only: another seed is another",
        "experiment, not another computer).",
        "",
        "| notebook | cell | number | stored | seed 0, settings | worst deviation | min | median | max "
        "| tolerance | covers settings | covers seeds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines, problems, timings, steady = list(header), [], [], []
    for name in names:
        notebook = json.loads((NOTEBOOKS / name).read_text())
        trains = SEED_CALL in (NOTEBOOKS / name).read_text()
        plan = [("default", seed) for seed in (args.seeds if trains else [0]) if "default" in args.settings]
        plan += [(setting, 0) for setting in args.settings if setting != "default"]
        runs = []
        for setting, seed in plan:
            run = launch(name, setting, seed, args.scratch, args.reuse)
            run["setting"], run["seed"] = setting, seed
            runs.append(run)
            status = run["error"] or "ok"
            timings.append(f"{name} {setting} seed {seed}: {run['seconds']:.0f} s, {status}")
            print(timings[-1], flush=True)
            if run["error"]:
                problems.append(timings[-1])
        rows, too_tight = report(name, notebook, runs, sanitize)
        lines += rows
        if not rows:
            steady.append(name)
        problems += too_tight
    if steady:
        lines += ["", "Every compared number was the same in every run in: " + ", ".join(steady) + "."]
    lines += ["", "Runs:", ""] + [f"- {t}" for t in timings]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
    if problems:
        print("PROBLEMS:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


def cpu_name():
    """The processor's model name (Linux: /proc/cpuinfo), for the reports' headers."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
