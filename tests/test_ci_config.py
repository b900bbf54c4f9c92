"""CI runs every check: MNIST_REQUIRE_ALL_CHECKS=1 (a skip fails, tests/run_guards.py), Chromium
installed for the browser tests, and the suite offline so that tests/test_offline.py runs.

Read as text: PyYAML is not among the pinned packages. The workflow is written in the plain
block style these checks expect (`jobs:`, two-space indentation, `run:` steps).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


def jobs(text):
    """{job name: its lines} for the jobs of a GitHub workflow."""
    lines = text.split("\njobs:\n", 1)[1].splitlines()
    found, name = {}, None
    for line in lines:
        match = re.match(r"^  ([\w-]+):\s*$", line)
        if match:
            name = match.group(1)
            found[name] = []
        elif name and line.strip():
            found[name].append(line)
    return found


def steps(job_lines):
    """The job's steps, each as the text of its lines (comments removed)."""
    found = []
    for line in job_lines:
        line = re.sub(r"\s+#.*$", "", line) if not line.lstrip().startswith("#") else ""
        if re.match(r"^      - ", line):
            found.append(line)
        elif found and line:
            found[-1] += "\n" + line
    return found


def test_the_full_suite_job_requires_every_check():
    job = jobs(WORKFLOW.read_text())["full-suite"]
    job_env = re.search(r"^    env:\n((?:      .*\n)+)", "\n".join(job) + "\n", re.MULTILINE)
    assert job_env and re.search(r'^      MNIST_REQUIRE_ALL_CHECKS: "1"(\s+#.*)?$', job_env.group(1), re.MULTILINE), (
        "the full-suite job must set MNIST_REQUIRE_ALL_CHECKS: \"1\" for the whole job, so that a skip fails it")


def test_the_full_suite_job_installs_chromium_then_runs_make_test_offline():
    job_steps = steps(jobs(WORKFLOW.read_text())["full-suite"])
    chromium = [i for i, step in enumerate(job_steps)
                if re.search(r"(apt-get install|playwright install)[^\n]*chromium", step)]
    make_test = [i for i, step in enumerate(job_steps) if re.search(r"\bmake test\b", step)]
    assert chromium, "no step of full-suite installs Chromium"
    assert "/usr/bin/chromium --version" in job_steps[chromium[0]], (
        "the Chromium step must check /usr/bin/chromium, where tests/_jupyterlab.py looks for it")
    assert len(make_test) == 1 and chromium[0] < make_test[0], "Chromium must be installed before make test"
    assert re.search(r"tools/offline make test\b", job_steps[make_test[0]]), (
        "make test must run under tools/offline, or tests/test_offline.py skips (and the job fails)")


def test_ci_run_requires_every_check_and_installs_chromium():
    text = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^export MNIST_REQUIRE_ALL_CHECKS=1\b", text, re.MULTILINE)
    assert re.search(r"apt-get install .*\bchromium\b", text)


def test_the_pages_workflow_builds_the_site_offline_and_publishes_it():
    text = (ROOT / ".github" / "workflows" / "site.yml").read_text()
    build, publish = (steps(jobs(text)[name]) for name in ("build", "publish"))
    assert any(re.search(r"tools/offline make site\b", step) for step in build), "make site must run offline"
    upload = [step for step in build if "actions/upload-pages-artifact" in step]
    assert upload and "path: artifacts/site" in upload[0], "the pages artifact must be the built site"
    assert any("actions/deploy-pages" in step for step in publish)
    assert re.search(r"^  pages: write$", text, re.MULTILINE) and re.search(r"^  id-token: write$", text, re.MULTILINE)


def test_make_test_builds_and_checks_the_site_and_make_test_portable_leaves_it_out():
    makefile = (ROOT / "Makefile").read_text()
    portable = makefile.split("\ntest-portable:", 1)[1].split("\n\n", 1)[0]
    assert "not site" in portable, "make test-portable must leave out the website's tests (marker site)"
    assert "not browser" in portable, "make test-portable must leave out JupyterLab's page in Chromium (marker browser)"
    assert "not slow_exercise" in portable, "make test-portable must leave out the all-solutions runs (slow_exercise)"
    assert "--strict-markers" in (ROOT / "pytest.ini").read_text(), "an unregistered marker must be an error"
    solutions = (ROOT / "tests" / "test_exercise_solutions.py").read_text()
    assert "@pytest.mark.slow_exercise\n@pytest.mark.parametrize(\"path\", NOTEBOOKS, ids=IDS)\n" \
           "def test_with_every_solution_filled_in_every_check_ticks" in solutions, \
        "the all-solutions runs must carry the marker slow_exercise"
    assert "site:" in (ROOT / "pytest.ini").read_text(), "pytest.ini must register the marker site"
