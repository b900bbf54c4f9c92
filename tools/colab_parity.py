"""Run every notebook as Colab would: opened on its own, in Colab's package versions (make test-colab).

    python -m tools.colab_parity                     # every notebook
    python -m tools.colab_parity 02_data.ipynb ...   # some of them

A student who clicks "Open in Colab" gets the notebook file alone, in an empty folder, with
Colab's own TensorFlow, Keras and widgets. This tool reproduces that here, offline:

1. **The repository, served locally.** The files of this checkout (what git tracks, plus new
   files it does not ignore) are committed to a scratch repository whose address
   ``tools/set_repository.py`` sets to ``git://127.0.0.1:PORT/mnist-course.git`` at the tag
   ``colab-parity``; ``git daemon`` serves it on 127.0.0.1 only.
2. **Each notebook alone.** Every notebook of that repository is copied into an empty folder of
   its own under ``artifacts/colab/``, so its course-files cell has to fetch the course.
3. **Colab's versions.** The kernel is ``.venv/colab`` (``requirements-colab.txt``: Colab's
   TensorFlow, Keras, NumPy, Matplotlib, Pillow, ipykernel, ipywidgets and anywidget on this
   machine's Python), with a stand-in ``google.colab`` (``tests/colab_stub``) loaded at start-up as
   in a Colab kernel, where anywidget looks for it. Before anything runs, that Python is asked for
   its versions: any that differ from the pins, or a missing stand-in, stop the run.
4. **The same comparison as make test, but for figures.** pytest and nbval, with the repository's
   number rules (conftest.py), compare every cell with its stored output. The course-files cell is
   expected to print one line, ``Fetched the course files (colab-parity) into FOLDER in N s.``;
   every other cell as stored, numbers within the rules of make test (``COLAB_RULES`` below would
   add Colab-specific ranges: none is needed today). Figures are compared by number, size and
   colours only (``--nbval-figures-across-versions``: tools/figure_compare.py says why).

Exit status: pytest's. The scratch files stay in ``artifacts/colab/`` for a look afterwards.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from tools import set_repository

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements-colab.txt"
WORK = ROOT / "artifacts" / "colab"
COLAB_PYTHON = ROOT / ".venv" / "colab" / "bin" / "python"
STUB = ROOT / "tests" / "colab_stub"
KERNEL = "colab-parity"
TAG = "colab-parity"
FETCHED = "Fetched the course files ({ref}) into FOLDER in N s.\n"
SANITIZE_FETCHED = (r"regex: Fetched the course files \((.*)\) into .* in \d+(\.\d+)? s\." "\n"
                    r"replace: Fetched the course files (\1) into FOLDER in N s.")

# Cells whose numbers Colab's versions would print differently from the stored ones, beyond the
# tolerances of make test: {notebook: {cell id: [extra rules in tools/outputs.py's format]}}, each
# bound measured in .venv/colab and stated in docs/maintaining.md ("Colab"). Empty: with Colab's
# versions of 2026-08-19 every number stays within the rules of make test.
COLAB_RULES = {}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def checkout_files():
    """The paths (relative to ROOT) of this checkout that a clone would hold, new files included."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [path for path in listed.split("\0") if path and (ROOT / path).is_file()]


def make_repository(work, url):
    """A bare repository at ``work/server/mnist-course.git``: this checkout, pointing at ``url``."""
    source = work / "source"
    for path in checkout_files():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, source / path)
    set_repository.set_repository(url, TAG, notebooks=sorted((source / "notebooks").glob("[0-9][0-9]_*.ipynb")),
                                  readme=source / "README.md")
    git("init", "--quiet", cwd=source)
    git("add", "--all", cwd=source)
    git("-c", "user.name=colab parity", "-c", "user.email=colab@parity.invalid", "commit", "--quiet",
        "--message", "the course as this checkout holds it", cwd=source)
    git("tag", TAG, cwd=source)
    server = work / "server"
    server.mkdir()
    git("clone", "--quiet", "--bare", str(source), str(server / "mnist-course.git"), cwd=work)
    return source, server


def serve(server, port):
    """``git daemon`` serving ``server`` on 127.0.0.1:port; returns the process once it listens."""
    daemon = subprocess.Popen(["git", "daemon", f"--base-path={server}", "--export-all", "--reuseaddr",
                               "--listen=127.0.0.1", f"--port={port}", str(server)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return daemon
        time.sleep(0.1)
    daemon.kill()
    raise RuntimeError(f"git daemon did not start listening on 127.0.0.1:{port}")


def colab_pins(path=REQUIREMENTS):
    """{package: version} pinned in requirements-colab.txt (lines "name==version"; # comments)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, separator, version = line.partition("==")
            if not separator or not version.strip():
                raise ValueError(f"{path.name}: {line!r} is not of the form name==version")
            pins[name.strip().lower()] = version.strip()
    return pins


PROBE = """
import importlib.metadata, json, sys
names = json.loads(sys.argv[1])
print(json.dumps({"versions": {name: importlib.metadata.version(name) for name in names},
                  "google.colab": "google.colab.output" in sys.modules}))
"""


def version_problems(pins, found):
    """What differs between the pins and what the kernel's Python has, in words ([] if nothing)."""
    problems = [f"{name} {found['versions'].get(name)} instead of {version}"
                for name, version in pins.items() if found["versions"].get(name) != version]
    if not found["google.colab"]:
        problems.append("the stand-in google.colab is not loaded at start-up (tests/colab_stub/sitecustomize.py)")
    return problems


def check_kernel_python():
    """Fail unless the kernel's Python has exactly Colab's pinned versions and the stand-in loaded."""
    pins = colab_pins()
    probe = subprocess.run([str(COLAB_PYTHON), "-c", PROBE, json.dumps(sorted(pins))], capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(STUB)))
    if probe.returncode != 0:
        raise SystemExit(f"{COLAB_PYTHON.relative_to(ROOT)} cannot report its packages:\n{probe.stderr}"
                         "\n`make setup-colab` installs them")
    problems = version_problems(pins, json.loads(probe.stdout))
    if problems:
        raise SystemExit(f"{COLAB_PYTHON.relative_to(ROOT)} is not Colab's environment: " + "; ".join(problems)
                         + ". `make setup-colab` installs requirements-colab.txt")


def kernelspec(work):
    """A Jupyter data folder with the kernel ``colab-parity``: .venv/colab's Python and the stand-in."""
    folder = work / "jupyter" / "kernels" / KERNEL
    folder.mkdir(parents=True)
    spec = {"argv": [str(COLAB_PYTHON), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (Colab's versions)", "language": "python",
            "env": {"PYTHONPATH": str(STUB)}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return work / "jupyter"


def alone(source, work, names):
    """Copy each notebook into an empty folder of its own; expect the course-files line in its output."""
    paths = []
    for path in sorted((source / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if names and path.name not in names:
            continue
        notebook = nbformat.read(path, as_version=4)
        cell = set_repository.course_files_cell(notebook)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=FETCHED.format(ref=TAG))]
        cell.execution_count = cell.execution_count or 1
        for cell_id, rules in COLAB_RULES.get(path.name, {}).items():
            target = next(each for each in notebook.cells if each.get("id") == cell_id)
            compare = target.metadata.setdefault("compare", {})
            compare["numbers"] = compare.get("numbers", []) + rules
        folder = work / "notebooks" / path.stem
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / path.name)
        paths.append(folder / path.name)
    unknown = set(names) - {path.name for path in paths}
    if unknown:
        raise SystemExit(f"no such notebook: {', '.join(sorted(unknown))}")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all)")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: more pytest options")
    args = parser.parse_args(argv)
    if not COLAB_PYTHON.exists():
        raise SystemExit(f"{COLAB_PYTHON.relative_to(ROOT)} is missing: `make setup-colab` (or make test-colab) "
                         "installs Colab's versions there")
    check_kernel_python()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    port = free_port()
    url = f"git://127.0.0.1:{port}/mnist-course.git"
    source, server = make_repository(WORK, url)
    paths = alone(source, WORK, args.notebooks)
    sanitize = WORK / "sanitize.cfg"
    sanitize.write_text((ROOT / "tests" / "nbval_sanitize.cfg").read_text() + "\n" + SANITIZE_FETCHED + "\n")
    env = dict(os.environ, JUPYTER_PATH=str(kernelspec(WORK)))
    daemon = serve(server, port)
    try:
        command = [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-ra",
                   "--nbval", f"--nbval-kernel-name={KERNEL}", f"--nbval-sanitize-with={sanitize}",
                   "--nbval-cell-timeout=1800", "--nbval-figures-across-versions", *map(str, paths), *args.pytest_args]
        print(f"Serving the course at {url} (tag {TAG}); running {len(paths)} notebooks alone in Colab's versions",
              flush=True)
        return subprocess.run(command, cwd=ROOT, env=env).returncode
    finally:
        daemon.terminate()
        daemon.wait()


if __name__ == "__main__":
    sys.exit(main())
