"""Binder (repo2docker) builds from binder/, with a supported Python and the pinned TensorFlow.

`repo2docker --no-build --debug .` prints the Dockerfile it would build, offline and without
Docker. The test reads that Dockerfile rather than trusting our own reading of repo2docker's rules.

binder/postBuild installs binder/overrides.json as JupyterLab's default settings (closing a
notebook's tab shuts down its kernel; no "Jupyter news" question on a fresh start, no request for
news or updates); `make lab` installs the same file into .venv. The tests
run postBuild against a scratch prefix and check the file against JupyterLab's own schema.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _require import dev_tool, require

# Files, settings and other programs, no TensorFlow numbers: make test-portable leaves this out.
pytestmark = pytest.mark.no_numbers

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_PYTHONS = {"3.10", "3.11", "3.12", "3.13"}
PLUGIN = "@jupyterlab/notebook-extension:tracker"
# each setting binder/overrides.json changes, with JupyterLab's default for it
CHANGED = {
    ("@jupyterlab/notebook-extension:tracker", "kernelShutdown"): (False, True),
    # "Would you like to get notified about official Jupyter news?" appears while fetchNews is "none" (Ask)
    ("@jupyterlab/apputils-extension:notification", "fetchNews"): ("none", "false"),
    ("@jupyterlab/apputils-extension:notification", "checkForUpdates"): (True, False),
}
SETTINGS_FILE = Path("share", "jupyter", "lab", "settings", "overrides.json")


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


def test_runs_post_build_after_installing_requirements(dockerfile):
    lines = dockerfile.splitlines()
    assert "RUN ./binder/postBuild" in lines, "repo2docker did not pick up binder/postBuild"
    install = next(i for i, line in enumerate(lines) if re.search(r"pip install .*binder/requirements\.txt", line))
    assert lines.index("RUN ./binder/postBuild") > install, "postBuild must run after JupyterLab is installed"
    assert re.search(r"^ENV NB_PYTHON_PREFIX=", dockerfile, re.MULTILINE), "postBuild relies on NB_PYTHON_PREFIX"


def test_post_build_writes_kernel_shutdown_setting(tmp_path):
    post_build = ROOT / "binder" / "postBuild"
    require(shutil.which("bash"), "bash is missing")
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable (git update-index --chmod=+x)"
    prefix = tmp_path / "prefix"
    # repo2docker runs it from the repository root, as its Dockerfile shows: RUN ./binder/postBuild
    result = subprocess.run(["./binder/postBuild"], cwd=ROOT, env=dict(os.environ, NB_PYTHON_PREFIX=str(prefix)),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    settings = json.loads((prefix / SETTINGS_FILE).read_text())
    assert settings == {PLUGIN: {"kernelShutdown": True},
                        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                                         "checkForUpdates": False}}
    assert settings == json.loads((ROOT / "binder" / "overrides.json").read_text())


def test_post_build_fails_clearly_without_prefix():
    require(shutil.which("bash"), "bash is missing")
    environment = {key: value for key, value in os.environ.items() if key != "NB_PYTHON_PREFIX"}
    result = subprocess.run(["./binder/postBuild"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "NB_PYTHON_PREFIX" in result.stderr


def test_overrides_are_real_jupyterlab_settings():
    """Each plugin id and key exists in the installed JupyterLab, with the default we change and our value allowed."""
    from jupyterlab.commands import get_app_dir

    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    assert {(plugin_id, key): value for plugin_id, values in overrides.items() for key, value in values.items()} \
        == {setting: new for setting, (_, new) in CHANGED.items()}
    for (plugin_id, key), (default, new) in CHANGED.items():
        plugin, _, name = plugin_id.partition(":")
        schema = json.loads((Path(get_app_dir()) / "schemas" / plugin / f"{name}.json").read_text())
        assert schema["properties"][key]["default"] == default, (plugin_id, key)
        allowed = schema["properties"][key].get("oneOf")
        if allowed:
            assert new in [choice["const"] for choice in allowed], (plugin_id, key)
        else:
            assert type(new).__name__ == {"boolean": "bool"}[schema["properties"][key]["type"]], (plugin_id, key)


def test_make_installs_the_same_settings_where_jupyterlab_reads_them(tmp_path):
    """`make setup` copies binder/overrides.json into <venv>/share/jupyter/lab/settings/."""
    from jupyterlab.commands import get_app_dir

    make = shutil.which("make")
    require(make, "make is missing")
    if not os.environ.get("JUPYTERLAB_DIR"):
        # JupyterLab in a virtual environment reads its settings from <prefix>/share/jupyter/lab/settings
        assert Path(get_app_dir()) == Path(sys.prefix, "share", "jupyter", "lab")
    venv = tmp_path / "venv"
    # a clean environment, so that flags of an outer `make test` do not reach this dry run
    environment = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run([make, "--dry-run", f"VENV={venv}", "setup"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"cp binder/overrides.json {venv / SETTINGS_FILE}" in result.stdout.splitlines()
