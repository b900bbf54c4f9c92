"""The pieces of make test-colab (tools/colab_parity.py) that run without Colab's environment.

make test-colab itself runs every notebook in .venv/colab (CI runs it); here: Colab's pins and what
the documents say about them agree, the kernel-version check names what differs, each notebook is
copied alone with the line its course-files cell must print, and the scratch repository holds this
checkout with the local address set.
"""

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools import colab_parity, set_repository

# Files, settings and other programs, no TensorFlow numbers: make test-portable leaves this out.
pytestmark = pytest.mark.no_numbers

ROOT = Path(__file__).resolve().parent.parent


def test_the_pins_are_colabs_versions_as_the_documents_state_them():
    pins = colab_parity.colab_pins()
    assert set(pins) == {"tensorflow", "keras", "numpy", "matplotlib", "pillow", "ipykernel", "ipywidgets",
                         "anywidget"}
    minor = {name: ".".join(version.split(".")[:2]) for name, version in pins.items()}
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"Colab's TensorFlow {minor['tensorflow']} and Keras {minor['keras']}" in readme
    maintaining = " ".join((ROOT / "docs" / "maintaining.md").read_text().split())
    for name, label in (("tensorflow", "TensorFlow"), ("keras", "Keras"), ("numpy", "NumPy"),
                        ("matplotlib", "Matplotlib"), ("pillow", "Pillow"), ("ipykernel", "ipykernel"),
                        ("ipywidgets", "ipywidgets"), ("anywidget", "anywidget")):
        assert f"{label} {pins[name]}" in maintaining, f"docs/maintaining.md should name {label} {pins[name]}"


def test_a_malformed_pin_is_named(tmp_path):
    path = tmp_path / "requirements-colab.txt"
    path.write_text("# Colab\ntensorflow>=2.20\n")
    with pytest.raises(ValueError, match=r"'tensorflow>=2.20' is not of the form name==version"):
        colab_parity.colab_pins(path)


def test_the_kernel_check_names_every_difference():
    pins = {"tensorflow": "2.20.0", "keras": "3.13.2"}
    assert colab_parity.version_problems(pins, {"versions": dict(pins), "google.colab": True}) == []
    problems = colab_parity.version_problems(
        pins, {"versions": {"tensorflow": "2.21.0", "keras": "3.13.2"}, "google.colab": False})
    assert problems == ["tensorflow 2.21.0 instead of 2.20.0",
                        "the stand-in google.colab is not loaded at start-up (tests/colab_stub/sitecustomize.py)"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    work = tmp_path_factory.mktemp("colab")
    url = "git://127.0.0.1:9/mnist-course.git"
    source, server = colab_parity.make_repository(work, url)
    return work, url, source, server


def test_the_scratch_repository_is_this_checkout_pointing_at_the_local_server(scratch):
    work, url, source, server = scratch
    tracked = set(subprocess.run(["git", "ls-files"], cwd=source, check=True, capture_output=True,
                                 text=True).stdout.split())
    assert set(colab_parity.checkout_files()) == tracked
    places = set_repository.current(sorted((source / "notebooks").glob("[0-9][0-9]_*.ipynb")), source / "README.md")
    assert set(places.values()) == {(url, colab_parity.TAG)}
    tags = subprocess.run(["git", "tag"], cwd=server / "mnist-course.git", check=True, capture_output=True,
                          text=True).stdout.split()
    assert tags == [colab_parity.TAG]


def test_each_notebook_is_copied_alone_expecting_the_fetch_line(scratch):
    work, _, source, _ = scratch
    paths = colab_parity.alone(source, work, ["02_data.ipynb"])
    assert [path.relative_to(work) for path in paths] == [Path("notebooks/02_data/02_data.ipynb")]
    assert sorted(path.name for path in paths[0].parent.iterdir()) == ["02_data.ipynb"]
    cell = set_repository.course_files_cell(nbformat.read(paths[0], as_version=4))
    assert [output.text for output in cell.outputs] == [
        f"Fetched the course files ({colab_parity.TAG}) into FOLDER in N s.\n"]
    with pytest.raises(SystemExit, match="no such notebook: 99_nothing.ipynb"):
        colab_parity.alone(source, work / "again", ["99_nothing.ipynb"])


def test_the_fetch_line_is_sanitized_to_what_the_copy_expects():
    regex, replace = re.findall(r"^regex: (.*)$\n^replace: (.*)$", colab_parity.SANITIZE_FETCHED, re.MULTILINE)[0]
    printed = "Fetched the course files (colab-parity) into /tmp/x/mnist-course in 0.4 s."
    assert re.sub(regex, replace.replace(r"\1", r"\g<1>"), printed) + "\n" == colab_parity.FETCHED.format(
        ref=colab_parity.TAG)
