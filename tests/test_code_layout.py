"""The layout a newcomer can hold (docs/maintaining.md, "Code layout"), checked.

* no module edits ``sys.path``: the helpers are an installed package, tools/ is a package run as
  ``python -m tools.NAME``, and pytest.ini's ``pythonpath`` serves the tests;
* tools never import from tests/ (tests may import tools);
* one notebook runner: only tools/notebook_runner.py builds an nbclient ``NotebookClient``;
* the helper package keeps one job per module, each small.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = sorted((ROOT / "tools").glob("*.py"))
TESTS = sorted((ROOT / "tests").glob("*.py"))
HELPERS = sorted((ROOT / "notebooks" / "mnist_helpers").glob("*.py"))
PYTHON_FILES = [*TOOLS, *TESTS, *HELPERS, ROOT / "conftest.py", ROOT / "notebooks" / "drawing_pad.py"]
TEST_MODULES = {path.stem for path in TESTS}
HELPER_MODULE_MAX_LINES = 300


def relative(path):
    return path.relative_to(ROOT).as_posix()


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def sys_path_uses(tree):
    """Lines that touch sys.path, however sys is imported (import sys as s; from sys import path)."""
    names = {"sys"} | {alias.asname for node in ast.walk(tree) if isinstance(node, ast.Import)
                       for alias in node.names if alias.name == "sys" and alias.asname}
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "sys"
             and any(alias.name == "path" for alias in node.names)]
    lines += [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr == "path"
              and isinstance(node.value, ast.Name) and node.value.id in names]
    return sorted(lines)


@pytest.mark.parametrize("path", PYTHON_FILES, ids=relative)
def test_no_module_edits_sys_path(path):
    edits = sys_path_uses(ast.parse(path.read_text()))
    assert not edits, f"{relative(path)} uses sys.path on line(s) {edits}; import installed packages instead"


@pytest.mark.parametrize("path", TOOLS, ids=relative)
def test_tools_never_import_from_tests(path):
    found = sorted({name for name in imported_modules(ast.parse(path.read_text()))
                    if name.split(".")[0] in TEST_MODULES | {"tests", "conftest"}})
    assert not found, f"{relative(path)} imports {found} from tests/; move shared code into tools/"


def test_only_the_notebook_runner_runs_notebooks():
    users = [relative(path) for path in TOOLS
             if any(name.split(".")[0] == "nbclient" for name in imported_modules(ast.parse(path.read_text())))]
    assert users == ["tools/notebook_runner.py"], f"only tools/notebook_runner.py may use nbclient: {users}"


@pytest.mark.parametrize("path", HELPERS, ids=relative)
def test_helper_modules_stay_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= HELPER_MODULE_MAX_LINES, f"{relative(path)} has {lines} lines; split it by job"


def test_readme_is_for_users():
    lines = len((ROOT / "README.md").read_text().splitlines())
    assert lines <= 160, f"README.md has {lines} lines; maintainer detail belongs in docs/maintaining.md"
