"""requirements.txt, environment.yml and binder/ must agree on every pinned version.

For Python 3.11 (the version environment.yml and binder/runtime.txt choose), each of the three
must pin the same packages at the same versions. Binder may use tensorflow-cpu in place of
tensorflow (Binder has no GPU); the version must still match.
"""

import re
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LINUX_311 = {"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux",
             "platform_machine": "x86_64", "platform_system": "Linux", "os_name": "posix",
             "implementation_name": "cpython", "platform_python_implementation": "CPython"}
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")


def parse(lines, environment=LINUX_311):
    """Map package name -> pinned version for the given environment, skipping other markers."""
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line!r} is not pinned with =="
        name = requirement.name.lower().replace("_", "-")
        assert name not in pins, f"{name} is pinned twice for {environment['python_version']}"
        pins[name] = specifier.version
    return pins


def same_tensorflow(pins):
    """tensorflow-cpu and tensorflow are the same library for this comparison."""
    pins = dict(pins)
    if "tensorflow-cpu" in pins:
        pins["tensorflow"] = pins.pop("tensorflow-cpu")
    return pins


def requirements_txt(environment=LINUX_311):
    return parse((ROOT / "requirements.txt").read_text().splitlines(), environment)


def environment_yml_pip_lines():
    text = (ROOT / "environment.yml").read_text()
    pip_block = text.split("- pip:", 1)[1]
    return [re.sub(r"^\s*-\s*", "", line) for line in pip_block.splitlines() if line.strip().startswith("-")]


def test_requirements_pin_the_stack():
    pins = requirements_txt()
    assert pins["tensorflow-cpu"] == "2.21.0"
    assert pins["nbval"] == "0.11.0"
    assert pins["keras"].startswith("3.")
    for package in ("numpy", "matplotlib", "jupyterlab", "ipykernel", "pytest", "pillow"):
        assert package in pins


def test_every_supported_python_gets_one_pin_per_package():
    reference = set(requirements_txt())
    for version in SUPPORTED:
        for platform, machine in (("linux", "x86_64"), ("darwin", "arm64"), ("linux", "aarch64")):
            environment = dict(LINUX_311, python_version=version, python_full_version=version + ".0",
                               sys_platform=platform, platform_machine=machine)
            pins = same_tensorflow(requirements_txt(environment))
            assert set(pins) == set(same_tensorflow(dict.fromkeys(reference))), (version, platform)
            assert pins["tensorflow"] == "2.21.0"


def test_environment_yml_matches_requirements():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.MULTILINE)
    assert parse(environment_yml_pip_lines()) == requirements_txt()


def test_binder_matches_requirements():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    binder = parse((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    assert same_tensorflow(binder) == same_tensorflow(requirements_txt())
    assert "tensorflow-cpu" in binder, "Binder has no GPU: use the smaller tensorflow-cpu"
    assert not (ROOT / "binder" / "environment.yml").exists(), "it would take precedence over requirements.txt"


def test_dev_requirements_include_runtime_ones():
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements.txt" in lines
    parse(lines)  # every extra tool is pinned too
