"""ruff passes on the code, and (through nbqa) on the code cells of every notebook."""

import subprocess
from pathlib import Path

import pytest
from _require import dev_tool

# Files, settings and other programs, no TensorFlow numbers: make test-portable leaves this out.
pytestmark = pytest.mark.no_numbers

ROOT = Path(__file__).resolve().parent.parent


def run(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_on_code():
    run([dev_tool("ruff"), "check", "notebooks", "tests", "tools", "conftest.py"])


def test_ruff_on_notebooks():
    run([dev_tool("nbqa"), "ruff", "notebooks"])
