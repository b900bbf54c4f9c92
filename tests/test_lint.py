"""ruff passes on the code, and (through nbqa) on the code cells of every notebook."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name):
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed: install requirements-dev.txt (make test does)")
    return str(path)


def run(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_on_code():
    run([tool("ruff"), "check", "notebooks", "tests", "tools", "conftest.py"])


def test_ruff_on_notebooks():
    run([tool("nbqa"), "ruff", "notebooks"])
