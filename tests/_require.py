"""Shared by the checks that need an extra tool: skip, with the reason, when it is missing.

With MNIST_REQUIRE_ALL_CHECKS=1 (set by .ci/run and the GitHub workflow) every skip fails the run
instead (tests/run_guards.py, for every skip in the suite), so CI can never pass by quietly
skipping a check.
"""

import shutil
import sys
from pathlib import Path

import pytest


def require(condition, reason):
    """Skip with ``reason`` unless ``condition`` holds (in CI, the skip fails: see above)."""
    if not condition:
        pytest.skip(reason)


def dev_tool(name):
    """Path of a command-line tool from requirements-dev.txt: next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / name
    path = str(beside) if beside.exists() else shutil.which(name)
    require(path, f"{name} is not installed: install requirements-dev.txt (make test does)")
    return path
