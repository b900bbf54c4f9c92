"""Two guards for the whole run, loaded by conftest.py (as ``pytest_plugins``).

**The notebooks' environment.** With ``--nbval-current-env``, nbval starts each notebook's kernel
with a copy of this process's ``os.environ`` (jupyter_client copies it when the kernel starts).
A variable that a test module sets while it is imported therefore reaches every notebook after
it: ``os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")`` in one test module once switched
oneDNN off for notebooks 08 and 09, whose own ``setdefault(..., "1")`` then did nothing. So:

* ``os.environ`` is recorded when pytest starts (after conftest.py's own settings), and the
  ``environ_at_start`` fixture returns that copy;
* collecting a file (importing a test module or conftest) that changes ``os.environ`` is a
  collection error naming the file and the variable, and the change is undone;
* before a notebook's kernel starts, ``os.environ`` must be what it was when pytest started;
  otherwise that notebook's first cell errors, naming the variables, and the environment is
  put back, so later notebooks start clean. Tests change the environment with ``monkeypatch``,
  which undoes the change when the test ends.

Importing TensorFlow sets a few variables of its own (SET_BY_TENSORFLOW); they are not counted,
because every notebook kernel that imports TensorFlow sets the same values itself. Nor is
PYTEST_CURRENT_TEST, which pytest sets while each test runs.

**No quiet skips in CI.** With ``MNIST_REQUIRE_ALL_CHECKS=1`` in the environment pytest starts
with (``.ci/run`` and the GitHub workflow set it), every skip fails: ``pytest.skip``,
``skipif``, ``importorskip``, a skipped module at collection, nbval's ``NBVAL_SKIP``, and
also every xfail (``xfail`` marks and ``pytest.xfail()``): an expected failure is a check that
does not pass, and the suite has none. The failure keeps the skip's reason and location. An
``xfail`` test that passes is reported as before (XPASS; with ``strict=True``, a failure).
Without the variable, skips and xfails are reported as usual (``-ra`` lists them).
"""

import os

import pytest

REQUIRE_ALL_CHECKS = "MNIST_REQUIRE_ALL_CHECKS"

# Set by `import tensorflow` itself, in every process that imports it: tensorflow/__init__.py
# (ENABLE_RUNTIME_UPTIME_TELEMETRY, TF2_BEHAVIOR), tensorflow/python/tpu/__init__.py
# (TPU_ML_PLATFORM, TPU_ML_PLATFORM_VERSION) and tensorflow/python/keras (HDF5_PLUGIN_PATH).
SET_BY_TENSORFLOW = frozenset({"ENABLE_RUNTIME_UPTIME_TELEMETRY", "TF2_BEHAVIOR", "TPU_ML_PLATFORM",
                               "TPU_ML_PLATFORM_VERSION", "HDF5_PLUGIN_PATH"})

# Set by pytest itself while a test runs (the test's id), and removed after it.
SET_BY_PYTEST = frozenset({"PYTEST_CURRENT_TEST"})

ENVIRON_AT_START = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[ENVIRON_AT_START] = dict(os.environ)


@pytest.fixture(scope="session")
def environ_at_start(pytestconfig):
    """A copy of ``os.environ`` as it was when pytest started: what the make target passed."""
    return dict(pytestconfig.stash[ENVIRON_AT_START])


def environ_changes(before):
    """The variables whose value in ``os.environ`` differs from ``before`` (SET_BY_TENSORFLOW aside)."""
    return sorted(name for name in set(before) | set(os.environ)
                  if name not in SET_BY_TENSORFLOW | SET_BY_PYTEST and before.get(name) != os.environ.get(name))


def describe_changes(before, names):
    def value(environ, name):
        return repr(environ[name]) if name in environ else "unset"
    return "\n".join(f"  {name}: {value(before, name)} -> {value(os.environ, name)}" for name in names)


def put_back(before, names):
    for name in names:
        if name in before:
            os.environ[name] = before[name]
        else:
            os.environ.pop(name, None)


def undo_environ_changes(before):
    """Put back every variable changed since ``before``; return what had changed ("" if nothing)."""
    changed = environ_changes(before)
    described = describe_changes(before, changed)
    put_back(before, changed)
    return described


def require_all_checks(config):
    return config.stash[ENVIRON_AT_START].get(REQUIRE_ALL_CHECKS) == "1"


def fail_instead_of_skip(report):
    """Turn a skipped (or xfailed) report into a failure that keeps the reason and location."""
    if hasattr(report, "wasxfail"):
        what = f"xfailed (an expected failure): {report.wasxfail or 'no reason given'}"
        del report.wasxfail
    elif isinstance(report.longrepr, tuple):  # (path, line, "Skipped: reason"), as -ra lists it
        path, line, message = report.longrepr
        what = f"{message} ({path}:{line})"
    else:
        what = f"skipped: {report.longrepr}"
    report.outcome = "failed"
    report.longrepr = (f"{what}\n\n{REQUIRE_ALL_CHECKS}=1: every check must run, so a skip or an xfail fails "
                       f"the run. Install what the reason names, or run without {REQUIRE_ALL_CHECKS}.")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_make_collect_report(collector):
    before = dict(os.environ)
    report = yield
    changes = undo_environ_changes(before)
    if changes:
        message = (f"collecting {collector.nodeid or collector.path} changed os.environ, which every notebook "
                   f"kernel inherits (nbval --nbval-current-env):\n{changes}\n"
                   "Set variables in a fixture with monkeypatch.setenv instead; the change has been undone.")
        report.outcome, report.longrepr = "failed", message
    elif report.skipped and require_all_checks(collector.config):
        fail_instead_of_skip(report)
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and require_all_checks(item.config):
        fail_instead_of_skip(report)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a notebook's kernel starts (nbval starts it when the first cell is set up)."""
    if item.path.suffix != ".ipynb" or getattr(item.parent, "kernel", None) is not None:
        return
    changes = undo_environ_changes(item.config.stash[ENVIRON_AT_START])
    if changes:
        message = (f"os.environ is not what it was when pytest started, and {item.path.name}'s kernel would "
                   f"inherit it:\n{changes}\nA test, fixture or conftest changed it "
                   "without undoing it (use monkeypatch.setenv). Put back for the notebooks after this one.")
        pytest.fail(message, pytrace=False)
