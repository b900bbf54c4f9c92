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


@pytest.mark.parametrize("path", PYTHON_FILES, ids=relative)
def test_no_module_edits_sys_path(path):
    tree = ast.parse(path.read_text())
    edits = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "path"
             and isinstance(node.value, ast.Name) and node.value.id == "sys"]
    assert not edits, f"{relative(path)} uses sys.path on line(s) {edits}; import installed packages instead"


@pytest.mark.parametrize("path", TOOLS, ids=relative)
def test_tools_never_import_from_tests(path):
    found = sorted({name for name in imported_modules(ast.parse(path.read_text()))
                    if name.split(".")[0] in TEST_MODULES | {"tests", "conftest"}})
    assert not found, f"{relative(path)} imports {found} from tests/; move shared code into tools/"


def test_only_the_notebook_runner_builds_an_nbclient():
    builders = [relative(path) for path in [*TOOLS, *TESTS]
                if "NotebookClient(" in path.read_text() and path.name != "test_code_layout.py"]
    assert builders == ["tools/notebook_runner.py"], builders


@pytest.mark.parametrize("path", HELPERS, ids=relative)
def test_helper_modules_stay_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= HELPER_MODULE_MAX_LINES, f"{relative(path)} has {lines} lines; split it by job"


def test_readme_is_for_users():
    lines = len((ROOT / "README.md").read_text().splitlines())
    assert lines <= 160, f"README.md has {lines} lines; maintainer detail belongs in docs/maintaining.md"
