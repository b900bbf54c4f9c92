"""The harness is wired as docs/maintaining.md says: its plugins are loaded, every notebook cell
is collected, pytest's own environment (which every notebook kernel inherits) differs from the
one it was started with only by the kernel settings of tools/notebook_runner.py, and each notebook
under nbval starts with an empty MNIST_MY_MODELS folder outside the repository."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from run_guards import SET_BY_PYTEST, SET_BY_TENSORFLOW

from tools.notebook_runner import KERNEL_ENV, course_notebooks

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("plugin", ["nbval", "nbval_approx", "nbval_figures", "run_guards"])
def test_the_harness_plugins_are_loaded(pytestconfig, plugin):
    assert pytestconfig.pluginmanager.has_plugin(plugin), f"{plugin} is not loaded: see conftest.py"


def test_pytest_collects_every_code_cell_of_every_notebook():
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    collected = {}
    for line in result.stdout.splitlines():
        path, sep, _ = line.partition("::Cell ")
        if sep:
            collected[path] = collected.get(path, 0) + 1
    expected = {f"notebooks/{path.name}": sum(cell.cell_type == "code" for cell in nbformat.read(path, 4).cells)
                for path in course_notebooks()}
    assert collected == expected, result.stdout[-2000:] + result.stderr[-2000:]


def test_pytest_changes_no_environment_variable_but_the_kernel_settings():
    """/proc/self/environ holds the environment this process was started with (Linux)."""
    initial = Path("/proc/self/environ")
    if not initial.exists():
        pytest.skip("needs Linux's /proc")
    started = dict(item.split("=", 1) for item in initial.read_bytes().decode().split("\0") if "=" in item)
    allowed = set(KERNEL_ENV) | SET_BY_TENSORFLOW | SET_BY_PYTEST | {"PYTEST_VERSION"}
    changed = sorted(key for key in set(started) | set(os.environ)
                     if started.get(key) != os.environ.get(key) and key not in allowed)
    assert not changed, f"the notebook kernels would inherit changed variables: {changed}"


def _notebook(*sources):
    """A made-up notebook whose code cells print what they are expected to print (stored as outputs)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, (source, printed) in enumerate(sources, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=number)
        cell.id = f"c{number}"
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        notebook.cells.append(cell)
    return notebook


def test_each_notebook_under_nbval_starts_with_an_empty_my_models_folder_outside_the_repository():
    """Two notebooks run by nbval in one pytest, as the course's are: the first saves a network
    file where save_network would, the second must find that folder empty, and the repository's
    own my_models/ is never touched (stored outputs always come from the shipped networks)."""
    folder = ROOT / "artifacts" / "my-models-check"  # under the repository, so conftest.py applies
    folder.mkdir(parents=True, exist_ok=True)
    where = "from mnist_helpers import networks\nfolder = networks.my_models_folder()\n"
    nbformat.write(_notebook(
        (where + 'print(folder != networks.ROOT / "my_models", folder.name.startswith("mnist-my-models-"))',
         "True True\n"),
        ('folder.mkdir(parents=True, exist_ok=True)\n(folder / "dense.keras").write_text("a network")\n'
         'print(sorted(path.name for path in folder.iterdir()))', "['dense.keras']\n")),
        folder / "a_saves.ipynb")
    nbformat.write(_notebook((where + "print(sorted(path.name for path in folder.glob('*')))", "[]\n")),
                   folder / "b_finds_it_empty.ipynb")
    repository_folder = ROOT / "my_models"
    before = sorted(repository_folder.rglob("*")) if repository_folder.exists() else None
    env = {key: value for key, value in os.environ.items() if key != "MNIST_MY_MODELS"}  # its own, as `make test`
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", "-q",
                             str(folder / "a_saves.ipynb"), str(folder / "b_finds_it_empty.ipynb")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-2000:]
    after = sorted(repository_folder.rglob("*")) if repository_folder.exists() else None
    assert after == before, "a notebook run by the tests wrote into the repository's my_models/"
