"""Measure the training exercises: what a correct solution reaches over seeds and computers.

    python -m tools.measure_exercises 06_training.ipynb                 # its training exercises
    python -m tools.measure_exercises 06_training.ipynb --exercise 4    # one of them
    python -m tools.measure_exercises 06_training.ipynb --seeds 0 1 2 --settings default portable

A training exercise is one whose ``Exercise`` has ``bounds`` ({quantity: (low, high)}): its
checker trains the student's network and judges what it measured against them. Each run executes
the notebook in a fresh kernel with the chosen exercises' solutions filled in
(tools/exercise_solutions.py; the other exercises stay untouched and say "not attempted"), as
tools/measure_spread.py runs notebooks: another seed (``start_notebook(seed=N)`` and every
``keras.utils.set_random_seed(0)`` in the notebook and the solutions becomes ``(N)``), or another
computer's settings (``portable``: one core, oneDNN limited to AVX2 and switched off, as `make
test-portable` runs). Every seed runs under every setting: a correct answer must pass on any
computer with any seed, so both shape the bounds.

The results replace the notebook's section of docs/measured-exercises.md: per exercise and
quantity, the runs, the lowest and highest value, the exercise's bounds, whether they hold every
run, and the slowest check cell of the default runs (the limit: 60 s on 2 cores; the portable runs
use one core). Measure on an otherwise idle machine: the times are wall-clock times.
tests/test_exercise_solutions.py checks that every exercise with bounds has rows there, that its
bounds are the ones measured against and hold every run, and that no cell took over 60 s. The exit
status is 1 if a run failed, a check printed no tick, or the bounds miss a run.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat

from tools import exercise_solutions, notebook_runner
from tools.measure_spread import cpu_name, setting_command, with_seed
from tools.notebook_runner import NOTEBOOKS, ROOT

REPORT = ROOT / "docs" / "measured-exercises.md"
SETTINGS = ("default", "portable")
MAX_SECONDS = 60
ANSI = re.compile(r"\x1b\[[0-9;]*m")
INTRO = """# Measured training exercises

What a correct solution of each training exercise reaches, over seeds and the settings of
`make test-portable` (another computer on this one), written by `python -m tools.measure_exercises
NOTEBOOK` (see its docstring). The checkers' bounds (each exercise's `bounds` in
`notebooks/exercises/notebook_NN.py`) must hold every run; "slowest" is the longest a check cell
took in the default runs, training included (at most 60 s on 2 cores; the portable runs use one).
The runs listed under each table took longer: each starts a kernel and runs the whole notebook, and
their times grow when other work shares the computer. tests/test_exercise_solutions.py reads this file.
"""
HEADER = ("| exercise | quantity | runs | lowest | highest | bounds | holds | slowest (s) |\n"
          "|---|---|---|---|---|---|---|---|")
ROW = re.compile(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \| ([-\d.e]+) \| ([-\d.e]+) \| \[([-\d.e]+), ([-\d.e]+)\] "
                 r"\| (yes|no) \| ([\d.]+) \|$", re.MULTILINE)


def training_exercises(module):
    return {number: exercise for number, exercise in exercise_solutions.exercises_of(module).items() if exercise.bounds}


def run_one(name, numbers, seed, output):
    """In this (child) process: run notebook ``name`` with the solutions of ``numbers`` and ``seed``;
    write {"seconds", "error", "exercises": {N: {"outcome", "line", "measured", "seconds"}}} to ``output``."""
    path = NOTEBOOKS / name
    module = exercise_solutions.module_for(path)
    chosen = {number: exercise for number, exercise in exercise_solutions.exercises_of(module).items()
              if number in numbers}

    class Only:  # with_solutions needs a module-like object holding only the chosen exercises
        pass

    only = Only()
    only.__name__ = module.__name__
    for number, exercise in chosen.items():
        setattr(only, f"exercise_{number}", exercise)
    notebook = notebook_runner.read(path)
    for index, number in exercise_solutions.exercise_cells(notebook):
        if number not in chosen:
            continue
        cell = notebook.cells[index]
        cell.source = exercise_solutions.solved(cell.source, chosen[number])
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = with_seed(cell.source, seed)
            cell.outputs, cell.execution_count = [], None
    report = nbformat.v4.new_code_cell(
        "import json as _json\n"
        f"print(_json.dumps({{n: globals()['exercise_%d' % n].measured for n in {sorted(chosen)!r}}}))")
    notebook.cells.append(report)
    start = time.perf_counter()
    error = None
    try:
        notebook_runner.run(notebook)
    except Exception as exc:  # a failing cell: record it
        last = ANSI.sub("", str(exc)).strip().splitlines()
        error = f"{type(exc).__name__}: {last[-1] if last else ''}"
    measured = json.loads(exercise_solutions.printed(report) or "{}") if error is None else {}
    lines = exercise_solutions.verdicts(notebook)
    cells = dict((number, index) for index, number in exercise_solutions.exercise_cells(notebook))
    result = {"seconds": time.perf_counter() - start, "error": error, "exercises": {}}
    for number in chosen:
        result["exercises"][str(number)] = {
            "line": lines.get(number, ""), "measured": measured.get(str(number), {}),
            "seconds": cell_seconds(notebook.cells[cells[number]]) if number in cells else None}
    Path(output).write_text(json.dumps(result))


def cell_seconds(cell):
    """How long a cell ran, from the timing nbclient records in its metadata, or None."""
    timing = cell.get("metadata", {}).get("execution", {})
    started, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (started and ended):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(ended) - parse(started)).total_seconds()


def launch(name, numbers, setting, seed, scratch):
    output = scratch / f"{name}-{setting}-{seed}.json"
    prefix, env = setting_command(name, setting)
    subprocess.run([*prefix, sys.executable, "-m", "tools.measure_exercises", "--run-one", name,
                    ",".join(map(str, numbers)), str(seed), str(output)],
                   cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
    return json.loads(output.read_text())


def section(name, exercises, runs):
    """The Markdown section of notebook ``name``, and the problems found."""
    lines, problems = [f"## {name}", "", HEADER], []
    slowest = {}
    for run in runs:
        label = f"{run['setting']} seed {run['seed']}"
        if run["error"]:
            problems.append(f"{name} {label}: {run['error']}")
        for number, result in run["exercises"].items():
            if not result["line"].startswith("✓"):
                problems.append(f"{name} exercise {number}, {label}: {result['line'] or 'no verdict'}")
            if result["seconds"] is not None and run["setting"] == "default":  # the limit is for 2 cores
                slowest[number] = max(slowest.get(number, 0.0), result["seconds"])
    for number, exercise in sorted(exercises.items()):
        for quantity, (low, high) in exercise.bounds.items():
            values = [run["exercises"][str(number)]["measured"].get(quantity) for run in runs]
            values = [value for value in values if value is not None]
            if not values:
                problems.append(f"{name} exercise {number}: no run measured {quantity!r}")
                continue
            holds = low <= min(values) and max(values) <= high
            if not holds:
                problems.append(f"{name} exercise {number}: {quantity} ranged {min(values):.4g}–{max(values):.4g}, "
                                f"outside the bounds [{low}, {high}]")
            seconds = slowest.get(str(number), float("nan"))
            if seconds > MAX_SECONDS:
                problems.append(f"{name} exercise {number}: its check took {seconds:.0f} s, over {MAX_SECONDS} s")
            runs_text = ", ".join(sorted({run["setting"] for run in runs})) + \
                f"; seeds {' '.join(sorted({str(run['seed']) for run in runs}))}"
            lines.append(f"| {number} | {quantity} | {runs_text} | {min(values):.4g} | {max(values):.4g} "
                         f"| [{low}, {high}] | {'yes' if holds else 'no'} | {seconds:.1f} |")
    lines += ["", f"Measured {time.strftime('%Y-%m-%d')} on {cpu_name()}, {os.cpu_count()} CPUs. Runs:", ""]
    lines += [f"- {run['setting']} seed {run['seed']}: {run['seconds']:.0f} s, {run['error'] or 'ok'}" for run in runs]
    return "\n".join(lines) + "\n", problems


def replace_section(text, name, new):
    """``text`` (the report) with notebook ``name``'s section replaced by ``new`` (or added, in order)."""
    parts = re.split(r"(?m)^(?=## )", text or INTRO)
    head, sections = parts[0], {part.split("\n", 1)[0][3:].strip(): part for part in parts[1:]}
    sections[name] = new
    return head.rstrip("\n") + "\n\n" + "\n".join(sections[key].rstrip("\n") + "\n" for key in sorted(sections))


def read_rows(text):
    """{(notebook, exercise, quantity): (lowest, highest, (low, high), holds, slowest, runs)} from the report."""
    rows = {}
    for part in re.split(r"(?m)^(?=## )", text)[1:]:
        name = part.split("\n", 1)[0][3:].strip()
        for match in ROW.finditer(part):
            rows[(name, int(match[1]), match[2])] = (float(match[4]), float(match[5]),
                                                    (float(match[6]), float(match[7])), match[8] == "yes",
                                                    float(match[9]), match[3])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", help="a notebook file name, such as 06_training.ipynb")
    parser.add_argument("--exercise", type=int, nargs="+", help="exercise numbers (default: every one with bounds)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--settings", nargs="+", choices=SETTINGS, default=list(SETTINGS))
    parser.add_argument("--scratch", type=Path, default=ROOT / "artifacts" / "exercises")
    parser.add_argument("--run-one", nargs=4, metavar=("NOTEBOOK", "EXERCISES", "SEED", "OUTPUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        name, numbers, seed, output = args.run_one
        run_one(name, {int(number) for number in numbers.split(",")}, int(seed), output)
        return 0
    if not args.notebook:
        parser.error("name a notebook, such as 06_training.ipynb")
    module = exercise_solutions.module_for(NOTEBOOKS / args.notebook)
    exercises = training_exercises(module) if module else {}
    if args.exercise:
        exercises = {number: exercise for number, exercise in exercises.items() if number in args.exercise}
    if not exercises:
        print(f"{args.notebook}: no training exercise (an Exercise with bounds) to measure", file=sys.stderr)
        return 1
    args.scratch.mkdir(parents=True, exist_ok=True)
    runs = []
    for setting in args.settings:
        for seed in args.seeds:
            run = launch(args.notebook, sorted(exercises), setting, seed, args.scratch)
            run["setting"], run["seed"] = setting, seed
            runs.append(run)
            print(f"{setting} seed {seed}: {run['seconds']:.0f} s, {run['error'] or 'ok'}, "
                  + "; ".join(f"{n}: {r['measured']} {r['seconds'] and round(r['seconds'])} s"
                              for n, r in run["exercises"].items()), flush=True)
    text, problems = section(args.notebook, exercises, runs)
    if args.exercise:  # keep the rows of the exercises not measured this time
        old = REPORT.read_text() if REPORT.exists() else ""
        kept = [line for line in _section_rows(old, args.notebook) if int(line.split("|")[1]) not in args.exercise]
        rows = sorted(kept + [line for line in text.splitlines() if ROW.match(line)],
                      key=lambda line: int(line.split("|")[1]))
        head, rest = text.split(HEADER + "\n", 1)
        rest = "\n".join(line for line in rest.splitlines() if not ROW.match(line)) + "\n"
        text = head + HEADER + "\n" + "".join(f"{line}\n" for line in rows) + rest
    REPORT.write_text(replace_section(REPORT.read_text() if REPORT.exists() else "", args.notebook, text))
    print(text)
    if problems:
        print("PROBLEMS:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


def _section_rows(text, name):
    for part in re.split(r"(?m)^(?=## )", text)[1:]:
        if part.split("\n", 1)[0][3:].strip() == name:
            return [line for line in part.splitlines() if ROW.match(line)]
    return []


if __name__ == "__main__":
    sys.exit(main())
