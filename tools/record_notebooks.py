"""Re-execute notebooks in place and store their outputs: what `make record` runs.

    python -m tools.record_notebooks                      # every notebook
    python -m tools.record_notebooks 06_training.ipynb    # just one (or several)

After you edit a notebook (in JupyterLab or a text editor), this refreshes its stored outputs
the way the tests expect them: each notebook runs top to bottom in its own fresh kernel, in
notebooks/, with the environment the tests use, and is written back as canonical notebook JSON
(execution counts 1, 2, 3, ..., no timing or widget metadata, the same cell ids as before). Of a
cell's metadata it keeps what the tests read, "tags" and "compare", and the figures' alt text for
the website, "mystnb" (tools/outputs.py); it drops the rest (JupyterLab's "collapsed",
"scrolled", "jupyter", ...), which the hygiene test rejects.
`make record` runs it offline, as the tests run.

Outputs that differ from the stored ones only where the tests' sanitize file says they may
(Keras timings, memory addresses) keep their stored text, so recording twice on one machine
leaves no diff and a diff shows only what really changed. `--fresh` stores every output as this
run printed it, new timings included (use it on an otherwise idle machine). The script stops with an error if a
cell raises or writes to stderr: fix the cause, because the tests would fail on it.
"""

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from tools import notebook_runner, set_repository
from tools.notebook_runner import NOTEBOOKS
from tools.outputs import (
    CELL_METADATA_KEYS,
    RuleError,
    cell_texts,
    check_rules,
    read_rules,
    sanitizer,
    text_fields,
)

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class RecordError(RuntimeError):
    """A notebook that cannot be recorded as the tests need it."""


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def keep_equivalent_text(new_outputs, old_outputs, sanitize):
    """Where a new output's text equals the stored one after sanitizing, keep the stored text.

    A widget's output (notebook 11's drawing pad) also keeps its stored model id, which is
    random and new on every run.
    """
    if len(new_outputs) != len(old_outputs):
        return
    for new, old in zip(new_outputs, old_outputs):
        if new.get("output_type") != old.get("output_type") or new.get("name") != old.get("name"):
            continue
        new_fields, old_fields = text_fields([new]), text_fields([old])  # the texts nbval compares
        if new_fields.keys() != old_fields.keys():
            continue
        pairs = [pair for key in new_fields for pair in zip(new_fields[key], old_fields[key])]
        if all(sanitize(box[field]) == sanitize(old_box[old_field]) for (box, field), (old_box, old_field) in pairs):
            for (box, field), (old_box, old_field) in pairs:
                box[field] = old_box[old_field]
            if WIDGET_VIEW in new.get("data", {}) and WIDGET_VIEW in old.get("data", {}):
                new["data"][WIDGET_VIEW] = old["data"][WIDGET_VIEW]


def record(path, sanitize, fresh=False):
    notebook = notebook_runner.read(path)
    stored = {cell.get("id"): cell.get("outputs", []) for cell in notebook.cells if cell.cell_type == "code"}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    seconds = notebook_runner.run(notebook, record_timing=False)  # raises if a cell fails

    count = 0
    course_files = set_repository.course_files_cell(notebook)
    for index, cell in enumerate(notebook.cells):
        cell.metadata = nbformat.NotebookNode(
            {key: value for key, value in cell.metadata.items() if key in CELL_METADATA_KEYS})
        if cell is course_files:  # collapsed in JupyterLab, a form in Colab (tools/set_repository.py)
            cell.metadata.update(copy.deepcopy(set_repository.COURSE_FILES_METADATA))
        if cell.cell_type != "code":
            continue
        if not cell.source.strip():
            cell.execution_count, cell.outputs = None, []
            continue
        count += 1
        cell.execution_count = count
        for output in cell.outputs:
            if "execution_count" in output:
                output["execution_count"] = count
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                raise RecordError(f"{path.name}, cell {index}: writes to stderr:\n{output['text']}")
            output.get("metadata", {}).pop("execution", None)
        if not fresh:
            keep_equivalent_text(cell.outputs, stored.get(cell.get("id"), []), sanitize)
    notebook.metadata = nbformat.NotebookNode(kernelspec=KERNELSPEC, language_info={"name": "python"})
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return seconds


def rule_problems(path, sanitize):
    """What the tests will say about the number rules of a recorded notebook: rules that cover no
    number of the new outputs, or cannot be read. [] = none."""
    problems, number = [], 0
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            found = check_rules(read_rules(cell.metadata.get("compare")), cell_texts(cell.outputs, sanitize))
        except RuleError as error:
            found = [str(error)]
        problems += [f"{path.name} Cell {number}: {problem}" for problem in found]
        number += 1
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("--fresh", action="store_true",
                        help="store new timings too, instead of keeping the stored text where only they changed")
    args = parser.parse_args(argv)
    paths = [NOTEBOOKS / Path(name).name for name in args.notebooks] or notebook_runner.course_notebooks()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)}")
    sanitize = sanitizer()
    for path in paths:
        print(f"{path.name}: recording ...", end=" ", flush=True)
        try:
            seconds = record(path, sanitize, args.fresh)
        except Exception as error:
            print("FAILED")
            sys.exit(f"{path.name} was not changed: {error}")
        print(f"done in {seconds:.0f} s", flush=True)
        for problem in rule_problems(path, sanitize):
            print(f"  check the cell's \"compare\" metadata: {problem}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
