"""The drawing pad under Google Colab's widget libraries, and under the course's own.

Colab runs ipywidgets 7.7.1 and anywidget 0.9.21; requirements.txt installs ipywidgets 8.1.9 and
anywidget 0.11.0. `make setup-dev` installs Colab's two into .venv/widgets-matrix/ipywidgets-7.7.1
(the Makefile's block "Google Colab's widget libraries"). Here:

* tests/test_drawing_pad.py, which pytest also runs in this process under the course's versions,
  runs in a subprocess with that folder first on PYTHONPATH, where every test must pass (none skipped);
* with tests/colab_stub on PYTHONPATH (a stand-in google.colab, imported at start-up as Colab's kernel
  imports the real one), creating the pad switches on Colab's custom widget manager, once, under
  anywidget 0.9.21 and 0.11.0 alike.

Nothing here runs Colab's front end: see docs/maintaining.md, "The drawing pad in Google Colab".
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import anywidget
import ipywidgets
import pytest

# Files, settings and other programs, no TensorFlow numbers: make test-portable leaves this out.
pytestmark = pytest.mark.no_numbers

ROOT = Path(__file__).resolve().parent.parent
COLAB = {"ipywidgets": "7.7.1", "anywidget": "0.9.21"}
MATRIX = ROOT / ".venv" / "widgets-matrix" / f"ipywidgets-{COLAB['ipywidgets']}"  # the Makefile's $(VENV)
STUB = ROOT / "tests" / "colab_stub"


def course_pins():
    """ipywidgets and anywidget as requirements.txt pins them."""
    text = (ROOT / "requirements.txt").read_text()
    return {name: re.search(rf"^{name}==(\S+)$", text, re.MULTILINE).group(1) for name in COLAB}


def colab_widgets():
    """The folder holding Colab's versions; the test fails, not skips, when it is missing."""
    if not (MATRIX / ".installed").exists():
        pytest.fail(f"{MATRIX} is missing or incomplete: `make setup-dev` installs Colab's ipywidgets "
                    f"{COLAB['ipywidgets']} and anywidget {COLAB['anywidget']} there")
    return MATRIX


def run(command, *folders, **extra_environment):
    """Run ``command`` from the repository's root with ``folders`` first on PYTHONPATH."""
    environment = dict(os.environ, **extra_environment)
    path = [str(folder) for folder in folders] + [part for part in environment.get("PYTHONPATH", "").split(
        os.pathsep) if part]
    environment["PYTHONPATH"] = os.pathsep.join(path)
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=540)


def test_the_makefile_installs_the_versions_named_here():
    makefile = (ROOT / "Makefile").read_text()
    assert f"WIDGETS_MATRIX := $(VENV)/widgets-matrix/{MATRIX.name}\n" in makefile
    assert f"ipywidgets=={COLAB['ipywidgets']} anywidget=={COLAB['anywidget']} " in makefile
    assert "setup-dev: $(WIDGETS_MATRIX)/.installed\n" in makefile


def test_this_process_runs_the_versions_requirements_txt_pins():
    assert {"ipywidgets": ipywidgets.__version__, "anywidget": anywidget.__version__} == course_pins()


def test_the_drawing_pad_tests_pass_under_colabs_widget_libraries():
    folder = colab_widgets()
    versions = run([sys.executable, "-c", "import anywidget, ipywidgets, json; print(json.dumps("
                    "{'ipywidgets': ipywidgets.__version__, 'anywidget': anywidget.__version__, "
                    "'files': [ipywidgets.__file__, anywidget.__file__]}))"], folder)
    assert versions.returncode == 0, versions.stderr
    found = json.loads(versions.stdout)
    assert {name: found[name] for name in COLAB} == COLAB
    assert all(Path(file).is_relative_to(folder) for file in found["files"]), found["files"]

    # MNIST_REQUIRE_ALL_CHECKS=1: a skipped test fails the run (tests/run_guards.py)
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_drawing_pad.py"],
                 folder, MNIST_REQUIRE_ALL_CHECKS="1")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert re.fullmatch(r"\d+ passed(, \d+ warnings?)? in .+", summary), summary


# Run with the stand-in google.colab imported at start-up (tests/colab_stub/sitecustomize.py): create two
# pads (a stand-in model: an empty pad asks it nothing) and report what anywidget did.
CREATE_PADS = """
import json, sys
imported_at_start = "google.colab.output" in sys.modules
import anywidget, ipywidgets
from google.colab.output import _widgets
from drawing_pad import DigitPad

class StandIn:
    input_shape = (None, 28, 28)
    def predict(self, batch, verbose=0):
        raise AssertionError("an empty pad asks the model nothing")

calls_before = list(_widgets.calls)
pads = [DigitPad(StandIn()) for _ in range(2)]
_, metadata = pads[0].canvas._repr_mimebundle_()
print(json.dumps({"ipywidgets": ipywidgets.__version__, "anywidget": anywidget.__version__,
                  "imported_at_start": imported_at_start, "calls_before": calls_before,
                  "calls": _widgets.calls, "metadata": metadata, "url": _widgets.STUB_URL}))
"""


@pytest.mark.parametrize("where", ["colab", "course"])
def test_creating_the_pad_switches_on_colabs_custom_widget_manager(where):
    folders = [colab_widgets()] if where == "colab" else []
    result = run([sys.executable, "-c", CREATE_PADS], *folders, STUB, ROOT / "notebooks")
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert {name: found[name] for name in COLAB} == (COLAB if where == "colab" else course_pins())
    assert found["imported_at_start"], "tests/colab_stub/sitecustomize.py imports google.colab at start-up"
    assert found["calls_before"] == [], "importing the pad switches nothing on"
    assert found["calls"] == [["enable", "5.0.0a"]], "once, for the first pad, with Colab's default version"
    assert found["metadata"] == {"application/vnd.jupyter.widget-view+json": {
        "colab": {"custom_widget_manager": {"url": found["url"]}}}}, "the canvas's display names the manager"

