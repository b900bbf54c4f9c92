"""Measure how much each notebook's training-dependent numbers vary between computers.

    python -m tools.measure_spread                              # all notebooks, all settings
    python -m tools.measure_spread 06_training.ipynb --seeds 0 1 2
    python -m tools.measure_spread --settings default one-thread --output docs/measured-spread.md

Slow (about an hour for everything on 2 cores) and not part of `make test`: it is how the
bounds of the notebooks' number rules (a code cell's "compare" -> "numbers" metadata, see
tools/outputs.py) and the ranges of the assert cells were chosen.

Each run executes a notebook top to bottom in a fresh kernel (the notebook file is not
changed) under one of these settings, each a cheap stand-in for "another computer":

    default      as the tests run it
    one-thread   the kernel pinned to one CPU core (`taskset -c 0`): other thread splits
    avx2         `ONEDNN_MAX_CPU_ISA=AVX2`: oneDNN's kernels for an older instruction set
    onednn-flip  `TF_ENABLE_ONEDNN_OPTS` the other way round from the notebook's own choice
                 (`start_notebook(fast_convolutions=True)` switches oneDNN on: 08 and 09)
    portable     all at once, as `make test-portable` runs the suite: one core, AVX2, and
                 oneDNN off (which flips it for the notebooks that switch it on)

and, for the notebooks whose numbers depend on the random seed (they build or train a network),
with other seeds: the script gives the set-up call `start_notebook(...)` the argument `seed=N`,
and turns every later `keras.utils.set_random_seed(0)` into `(N)`, in its in-memory copy. Seeds go
with the default setting; the perturbed settings run seed 0, the seed readers use. Another seed is
another experiment, not another computer: seeds inform the assert ranges, never the bounds.

It then reads every number of every compared code cell and reports each number that varied:
the value stored in the notebook, its range over the settings at seed 0 and the largest
deviation from the stored value there, min / median / max over every run, the rule that covers
it (or "exact" if none does), that rule's bound, and a suggested bound: 3 x the largest
deviation over the settings, and never less than 3 units of the last printed digit. A second
table gives, per rule, one suggestion for all the numbers it covers: 3 x their largest
deviation, at least 3 units of the finest last digit among them. The exit status is 1 if a rule's bound does not cover
every setting, a number without a rule varied between settings, or a run failed (an assert
cell, for example).
"""

import argparse
import json
import math
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
from tools.outputs import cell_texts, numbers_in, read_rules, rule_for, sanitizer

SEED_CALL = "keras.utils.set_random_seed(0)"  # a later cell's restart from the same seed
START_CALL = re.compile(r"\bstart_notebook\(([^)]*)\)")
SEED_ARGUMENT = re.compile(r"\bseed\s*=\s*[^,)]+")
FAST_CONVOLUTIONS = re.compile(r"\bfast_convolutions\s*=\s*True\b")
# What makes a notebook's numbers depend on the seed: it builds, trains or steps a network.
SEED_DEPENDENT = re.compile(r"\.fit\(|set_random_seed\(|keras\.(?:Sequential|Model)\(|GradientTape")
SETTINGS = ("default", "one-thread", "avx2", "onednn-flip", "portable")
IGNORED = ("nbval-ignore-output", "nbval-skip")


def compared_cells(notebook):
    """{code-cell number (as nbval counts them): cell} for the code cells whose output is compared."""
    cells, number = {}, 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        if not set(cell.get("metadata", {}).get("tags", [])) & set(IGNORED):
            cells[number] = cell
        number += 1
    return cells


def text_only(outputs):
    """Outputs without their images (what a run keeps: the numbers are in the text)."""
    kept = []
    for output in outputs:
        output = dict(output)
        if "data" in output:
            output["data"] = {mime: value for mime, value in output["data"].items() if not mime.startswith("image/")}
        kept.append(output)
    return kept


# ---------------------------------------------------------------------------
# One run, in a child process (so that taskset and the environment apply to its kernel)
# ---------------------------------------------------------------------------

def run_one(name, seed, output):
    notebook = notebook_runner.read(NOTEBOOKS / name)
    if seed != 0:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.source = with_seed(cell.source, seed)
    start = time.perf_counter()
    error = None
    try:
        notebook_runner.run(notebook)
    except Exception as exc:  # an assert cell failed, for example: record it, keep the outputs
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    result = {"seconds": time.perf_counter() - start, "error": error,
              "cells_by_id": {c.get("id"): text_only(c.get("outputs", []))
                              for c in notebook.cells if c.cell_type == "code"}}
    Path(output).write_text(json.dumps(result))


def with_seed(source, seed):
    """A code cell's source run with another seed: ``start_notebook(...)`` gets ``seed=SEED`` (in
    place of any seed it had), and ``keras.utils.set_random_seed(0)`` becomes ``(SEED)``."""
    def reseed(call):
        arguments = call.group(1).strip()
        if SEED_ARGUMENT.search(arguments):
            arguments = SEED_ARGUMENT.sub(f"seed={seed}", arguments)
        else:
            arguments = f"seed={seed}" + (f", {arguments}" if arguments else "")
        return f"start_notebook({arguments})"

    source = START_CALL.sub(reseed, source)
    return source.replace(SEED_CALL, SEED_CALL.replace("(0)", f"({seed})"))


def code_of(name):
    """The code cells of notebook ``name``, as one text (not the raw JSON, where quotes are escaped)."""
    notebook = json.loads((NOTEBOOKS / name).read_text())
    return "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")


def onednn_choice(name):
    """The notebook's own oneDNN choice, "1" if its set-up call says ``fast_convolutions=True``,
    else "0" (what ``start_notebook`` puts into TF_ENABLE_ONEDNN_OPTS unless it is set already)."""
    calls = [call.group(1) for call in START_CALL.finditer(code_of(name))]
    return "1" if any(FAST_CONVOLUTIONS.search(arguments) for arguments in calls) else "0"


def seed_dependent(name):
    """Whether the notebook's numbers depend on the seed: it builds, trains or steps a network."""
    return bool(SEED_DEPENDENT.search(code_of(name)))


def launch(name, setting, seed, scratch, reuse=False):
    output = scratch / f"{name}-{setting}-{seed}.json"
    if reuse and output.exists():
        return json.loads(output.read_text())
    prefix, env = setting_command(name, setting)
    subprocess.run([*prefix, sys.executable, "-m", "tools.measure_spread", "--run-one", name, str(seed), str(output)],
                   cwd=ROOT,
                   env=env, check=True, stderr=subprocess.DEVNULL)
    return json.loads(output.read_text())


def setting_command(name, setting):
    """(command prefix, environment) that run a child process for notebook ``name`` as ``setting`` does."""
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
    return prefix, env


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

def line_label(number):
    """A short label for a number: the rest of its line, the number shown as ▢."""
    return (number.before + "▢" + number.after).strip().replace("|", "\\|")[:70]


def suggest_bound(deviation, unit):
    """3 x the largest deviation over the settings, never less than 3 units of the last printed
    digit, in whole units of that digit."""
    units = max(3, math.ceil(round(3 * deviation / unit, 6)))
    return round(units * unit, 12)


def number_values(cell, key, ordinal, count, runs, sanitize):
    """For each of `count` stored numbers of the `ordinal`-th text of kind `key` ('stdout',
    'text/plain', ...) of `cell`: [(value, seed), ...] over the runs that printed the same count
    of numbers there. (A run may also hold stderr, which the tests do not compare.)"""
    values = [[] for _ in range(count)]
    for run in runs:
        outputs = run["cells_by_id"].get(cell.get("id"))  # by id: numbers shift when cells are added
        if outputs is None:
            continue
        texts = [text for kind, text in cell_texts(outputs, sanitize) if kind == key]
        if ordinal < len(texts):
            numbers = numbers_in(texts[ordinal])
            if len(numbers) == count:
                for index, number in enumerate(numbers):
                    values[index].append((number.value, run["seed"]))
    return values


def report(name, notebook, runs, sanitize):
    """Markdown rows per number that varied and per rule, and the problems found."""
    rows, rule_rows, problems = [], [], []
    for cell_number, cell in compared_cells(notebook).items():
        rules = read_rules(cell.get("metadata", {}).get("compare"))
        per_rule = {index: [] for index in range(len(rules))}  # (worst, unit, ok) per covered number
        stored_texts = cell_texts(cell.get("outputs", []), sanitize)
        for position, (key, stored_text) in enumerate(stored_texts):
            ordinal = [kind for kind, _ in stored_texts[:position]].count(key)
            stored_numbers = numbers_in(stored_text)
            values = number_values(cell, key, ordinal, len(stored_numbers), runs, sanitize)
            for number, seen_by_seed in zip(stored_numbers, values):
                rule = rule_for(rules, number)
                seen = [value for value, _ in seen_by_seed]
                if not seen:
                    problems.append(f"{name} cell {cell_number}: no run printed {key} {number.line} "
                                    f"({line_label(number)}) with as many numbers as stored")
                    continue
                settings = [value for value, seed in seen_by_seed if seed == 0] or [number.value]
                worst = max(abs(value - number.value) for value in settings)
                suggested = suggest_bound(worst, number.unit)
                complete = len(seen) == len(runs)
                ok = complete and (worst == 0 if rule is None else
                                   all(rule.tolerance.allows(number.value, v, number.unit) for v in settings))
                if rule is not None:
                    per_rule[rules.index(rule)].append((worst, number.unit, ok))
                if complete and min(seen) == max(seen) == number.value:
                    continue  # the same in every run: nothing to report
                bound = "exact" if rule is None else rule.tolerance.describe(number.value, number.unit)
                verdict = "ok" if ok else ("NEEDS A RULE" if rule is None else "TOO TIGHT")
                rows.append(f"| {name} | {cell_number} | {key} {number.line}: {line_label(number)} | {number.token} "
                            f"| {min(settings):g} – {max(settings):g} | {worst:.3g} | {min(seen):g} "
                            f"| {statistics.median(seen):g} | {max(seen):g} | {bound} | ±{suggested:g} | {verdict} |")
                if not ok:
                    problems.append(rows[-1])
        for index, rule in enumerate(rules):
            covered = per_rule[index]
            if not covered:
                problems.append(f"{name} cell {cell_number}: rule {index + 1} ({rule.describe()}) covers no number")
                continue
            worst = max(w for w, _, _ in covered)
            suggested = suggest_bound(worst, min(unit for _, unit, _ in covered))  # in the finest printed digit
            selector = rule.describe().replace("|", "\\|")
            rule_rows.append(f"| {name} | {cell_number} | {selector} | {len(covered)} "
                             f"| {worst:.3g} | ±{suggested:g} | {_bound(rule)} "
                             f"| {'ok' if all(ok for _, _, ok in covered) else 'TOO TIGHT'} |")
    return rows, rule_rows, problems


def _bound(rule):
    return ", ".join(f"{key}={getattr(rule.tolerance, key):g}" for key in ("abs", "rel", "ulp")
                     if getattr(rule.tolerance, key))


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
        f"({cpu_name()}), {os.cpu_count()} CPUs, settings {', '.join(args.settings)}, seeds "
        f"{' '.join(map(str, args.seeds))}.",
        "",
        "Per number that varied: the stored value; its range over the settings at seed 0 (what a",
        "reader runs on another computer) and the largest deviation from the stored value there;",
        "min / median / max over every run (seeds included); the bound of the rule that covers it",
        "(\"exact\" if no rule does); the suggested bound (3 x the largest deviation over the settings,",
        "at least 3 units of the last printed digit); whether the bound covers every setting.",
        "Another seed is another experiment, not another computer: seeds do not set bounds.",
        "",
        "| notebook | cell | number (output line: the line, the number as ▢) | stored | seed 0, settings "
        "| worst deviation | min | median | max | bound | suggested | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines, rule_lines, problems, timings, steady = list(header), [], [], [], []
    for name in names:
        notebook = json.loads((NOTEBOOKS / name).read_text())
        plan = [("default", seed) for seed in (args.seeds if seed_dependent(name) else [0])
                if "default" in args.settings]
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
        rows, rule_rows, found = report(name, notebook, runs, sanitize)
        lines += rows
        rule_lines += rule_rows
        if not rows:
            steady.append(name)
        problems += found
    if steady:
        lines += ["", "Every compared number was the same in every run in: " + ", ".join(steady) + "."]
    lines += ["", "Per rule (a code cell's \"compare\" -> \"numbers\"): the numbers it covers, their largest "
              "deviation over the settings, the suggested bound for all of them and the rule's bound.", "",
              "| notebook | cell | rule | numbers | worst deviation | suggested | bound | verdict |",
              "|---|---|---|---|---|---|---|---|"] + rule_lines
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
