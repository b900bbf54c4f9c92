"""Shared by the checks that need an extra tool: skip when it is missing, except in CI.

With MNIST_REQUIRE_ALL_CHECKS=1 (set by .ci/run) a missing tool fails the test instead, so CI
can never pass by quietly skipping a check.
"""

import os
import shutil
import sys
from pathlib import Path

import pytest


def require(condition, reason):
    """Skip (or, in CI, fail) with ``reason`` unless ``condition`` holds."""
    if not condition:
        if os.environ.get("MNIST_REQUIRE_ALL_CHECKS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def dev_tool(name):
    """Path of a command-line tool from requirements-dev.txt: next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / name
    path = str(beside) if beside.exists() else shutil.which(name)
    require(path, f"{name} is not installed: install requirements-dev.txt (make test does)")
    return path
