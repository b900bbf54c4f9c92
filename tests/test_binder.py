"""Binder (repo2docker) builds from binder/, with a supported Python and the pinned TensorFlow.

`repo2docker --no-build --debug .` prints the Dockerfile it would build, offline and without
Docker. The test reads that Dockerfile rather than trusting our own reading of repo2docker's rules.
"""

import re
import subprocess
from pathlib import Path

import pytest
from _require import dev_tool

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_PYTHONS = {"3.10", "3.11", "3.12", "3.13"}


@pytest.fixture(scope="module")
def dockerfile():
    executable = dev_tool("repo2docker")
    result = subprocess.run([str(executable), "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def test_supported_python(dockerfile):
    match = re.search(r"Building conda environment for python=(\d+\.\d+)", dockerfile)
    assert match, "repo2docker did not say which Python it picks"
    assert match.group(1) in SUPPORTED_PYTHONS
    assert match.group(1) == (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")


def test_installs_from_binder_folder_only(dockerfile):
    installs = re.findall(r"pip install[^\n]*-r \"?([\w/.-]+)\"?", dockerfile)
    assert installs == ["binder/requirements.txt"], installs
    assert "environment.yml" not in dockerfile.split("FROM", 1)[1].replace("environment.lock", "")


def test_binder_installs_pinned_tensorflow_cpu():
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert "tensorflow-cpu==2.21.0" in lines
