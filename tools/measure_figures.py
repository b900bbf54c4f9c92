"""Measure how far each notebook figure drifts from its stored PNG on "another computer".

    python -m tools.measure_figures                                 # every notebook, every setting
    python -m tools.measure_figures 06_training.ipynb --settings plain one-core
    python -m tools.measure_figures --output docs/measured-figures.md
    python -m tools.measure_figures --reuse --output docs/measured-figures.md   # report only

With --output, the report replaces what stands between the file's two `<!-- measure_figures -->`
marker lines; the hand-written text around them stays.

Not part of `make test` (about 45 minutes on 2 shared cores for everything): it is how the figure
tolerances of tests/nbval_figures.py were chosen. Each run executes a notebook top to bottom in a
fresh kernel (the notebook file is not changed), with the environment the tests give it, under
one of these settings, each a cheap stand-in for another computer:

    plain       as `make test` runs it
    one-core    the kernel pinned to one CPU core (`taskset -c 0`): other thread splits
    avx2        `ONEDNN_MAX_CPU_ISA=AVX2`: oneDNN's kernels for an older instruction set
    onednn-0    `TF_ENABLE_ONEDNN_OPTS=0` set explicitly (flips notebooks 08 and 09, whose
                `start_notebook(fast_convolutions=True)` switches oneDNN on)
    onednn-1    `TF_ENABLE_ONEDNN_OPTS=1` set explicitly (flips every other notebook)
    portable    all three at once with oneDNN off, as `make test-portable` runs the suite
    portable-1  all three at once with oneDNN on

Every PNG a run draws is written to --scratch (artifacts/figure-spread/SETTING/NOTEBOOK/) and
compared with the stored one by the tests' own measure (tools/figure_compare.py: matplotlib's
image-comparison RMS). The report gives, per figure, the RMS under each setting, the largest, and
the tolerance the tests use for that cell with `ok` or `TOO TIGHT`. For a cell whose tolerance
asks for a blur, the RMS is taken after it, as the test does; "plain RMS max" is the largest RMS
without it, for comparison. The exit
status is 1 if a tolerance is too tight, an image count or size differs, or a run failed.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from tools import notebook_runner
from tools.figure_compare import (
    DEFAULT_RMS,
    SizeMismatch,
    cell_tolerance,
    figure_rms,
    ordinal,
    png_images,
)
from tools.measure_spread import cpu_name
from tools.notebook_runner import KERNEL_ENV, NOTEBOOKS, ROOT

#: setting -> (pinned to core 0, ONEDNN_MAX_CPU_ISA, TF_ENABLE_ONEDNN_OPTS); None: not set
SETTINGS = {
    "plain": (False, None, None),
    "one-core": (True, None, None),
    "avx2": (False, "AVX2", None),
    "onednn-0": (False, None, "0"),
    "onednn-1": (False, None, "1"),
    "portable": (True, "AVX2", "0"),
    "portable-1": (True, "AVX2", "1"),
}


def figure_cells(notebook):
    """[(code-cell number as nbval counts them, cell)] for the code cells that store a PNG."""
    cells, number = [], 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        if png_images(cell.get("outputs", [])):
            cells.append((number, cell))
        number += 1
    return cells


def environment(setting):
    """(command prefix, environment) of a child run under `setting`."""
    pinned, isa, onednn = SETTINGS[setting]
    env = dict(os.environ, **KERNEL_ENV)  # what the test kernels get
    for name, value in (("ONEDNN_MAX_CPU_ISA", isa), ("TF_ENABLE_ONEDNN_OPTS", onednn)):
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return (["taskset", "-c", "0"] if pinned else []), env


# ---------------------------------------------------------------------------
# One run, in a child process (so that taskset and the environment apply to its kernel)
# ---------------------------------------------------------------------------

def run_one(name, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = notebook_runner.read(NOTEBOOKS / name)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    start = time.perf_counter()
    error = None
    try:
        notebook_runner.run(notebook)
    except Exception as exc:  # an assert cell failed, for example: record it, keep the outputs
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    counts = {}
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        images = png_images(cell.outputs)
        counts[str(number)] = len(images)
        for index, png in enumerate(images, start=1):
            (folder / f"cell{number:02d}-{index}.png").write_bytes(png)
    (folder / "run.json").write_text(json.dumps({"seconds": time.perf_counter() - start, "error": error,
                                                 "images": counts}))


def launch(name, setting, scratch, reuse=False):
    folder = scratch / setting / Path(name).stem
    if not (reuse and (folder / "run.json").exists()):
        prefix, env = environment(setting)
        subprocess.run([*prefix, sys.executable, "-m", "tools.measure_figures", "--run-one", name, str(folder)],
                       cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
    return folder, json.loads((folder / "run.json").read_text())


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

def measure(number, cell, runs, blur):
    """Rows for each stored image of one cell: (image number, {setting: RMS or a problem}, the
    largest plain RMS). The RMS is taken as the test takes it: after the cell's blur, if any."""
    rows = []
    for index, stored in enumerate(png_images(cell["outputs"]), start=1):
        values, plain = {}, 0.0
        for setting, (folder, run) in runs.items():
            new = folder / f"cell{number:02d}-{index}.png"
            if run["images"].get(str(number)) != len(png_images(cell["outputs"])) or not new.exists():
                values[setting] = f"{run['images'].get(str(number), 0)} images"
                continue
            try:
                values[setting] = figure_rms(stored, new.read_bytes(), blur)
                plain = max(plain, figure_rms(stored, new.read_bytes()) if blur else values[setting])
            except SizeMismatch as error:
                values[setting] = f"size: {error}"
        rows.append((index, values, plain))
    return rows


def first_line(cell):
    """What a figure shows, for the table: its title, or the cell's first code line."""
    source = "".join(cell["source"])
    for key in ("title=", "suptitle(", "set_title(", "plt.title("):
        at = source.find(key)
        if at >= 0:
            return source[at + len(key):].split("\n")[0].strip(' "f)(,')[:60].replace("|", "/")
    return source.strip().splitlines()[0][:60].replace("|", "/")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--output", type=Path, help="also write the report to this Markdown file")
    parser.add_argument("--scratch", type=Path, default=ROOT / "artifacts" / "figure-spread")
    parser.add_argument("--reuse", action="store_true",
                        help="use the runs already in --scratch instead of running again")
    parser.add_argument("--run-one", nargs=2, metavar=("NOTEBOOK", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        run_one(*args.run_one)
        return 0

    names = args.notebooks or [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    settings = args.settings
    lines = [
        f"| notebook | cell | image | figure | {' | '.join(settings)} | max | plain RMS max | tolerance | blur "
        "| verdict |",
        "|---|---|---|---|" + "---|" * len(settings) + "---|---|---|---|---|",
    ]
    problems, timings = [], []
    for name in names:
        notebook = json.loads((NOTEBOOKS / name).read_text())
        cells = figure_cells(notebook)
        if not cells:
            continue
        runs, times = {}, []
        for setting in settings:
            runs[setting] = launch(name, setting, args.scratch, args.reuse)
            run = runs[setting][1]
            times.append(f"{setting} {run['seconds']:.0f} s" + (f" ({run['error']})" if run["error"] else ""))
            print(f"{name} {times[-1]}", flush=True)
            if run["error"]:
                problems.append(f"{name} {times[-1]}")
        timings.append(f"{name}: " + ", ".join(times))
        for number, cell in cells:
            tolerance = cell_tolerance(cell.get("metadata", {}))
            for index, values, plain in measure(number, cell, runs, tolerance.blur):
                numbers = [v for v in values.values() if isinstance(v, float)]
                worst = max(numbers) if len(numbers) == len(values) else None
                verdict = "ok" if worst is not None and worst <= tolerance.rms else "TOO TIGHT"
                shown = [f"{v:.2f}" if isinstance(v, float) else v for v in values.values()]
                lines.append(f"| {name[:2]} | {number} | {ordinal(index)} | {first_line(cell)} | {' | '.join(shown)} | "
                             f"{'—' if worst is None else f'{worst:.2f}'} | {plain:.2f} | "
                             f"{tolerance.rms:g}{'' if tolerance.why else ' (default)'} | "
                             f"{f'{tolerance.blur:g} px' if tolerance.blur else '—'} | {verdict} |")
                if verdict != "ok":
                    problems.append(lines[-1])
    header = [
        f"Measured {time.strftime('%Y-%m-%d')} by `tools/measure_figures.py` on {platform.machine()} "
        f"({cpu_name()}), {os.cpu_count()} CPUs. Measure: the RMS (0-255) between the stored and the new "
        f"PNG, as matplotlib's compare_images takes it (tools/figure_compare.py); default tolerance {DEFAULT_RMS:g}.",
        "",
    ]
    text = "\n".join(header + lines + ["", "Runs (time to run all cells; a failed run says why):", ""]
                     + [f"- {t}" for t in timings]) + "\n"
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        old = args.output.read_text() if args.output.exists() else ""
        args.output.write_text(replace_between_markers(old, text))
    if problems:
        print("PROBLEMS:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


BEGIN, END = "<!-- measure_figures: begin -->", "<!-- measure_figures: end -->"


def replace_between_markers(document, report):
    """The document with the text between its BEGIN and END lines replaced by the report (the
    hand-written text around it stays), or just the report between the two lines."""
    block = f"{BEGIN}\n{report.rstrip()}\n{END}"
    if BEGIN in document and END in document:
        before, rest = document.split(BEGIN, 1)
        return before + block + rest.split(END, 1)[1]
    return block + "\n"



if __name__ == "__main__":
    sys.exit(main())
