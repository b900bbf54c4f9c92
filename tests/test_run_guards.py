"""The run guards of tests/run_guards.py, each in a small pytest run of its own (pytester).

* MNIST_REQUIRE_ALL_CHECKS=1: every kind of skip, and an xfail, fails the run with its reason;
  without the variable they stay skips.
* A test module that changes os.environ while it is imported is a collection error naming the
  variable, and a notebook's kernel never starts in an environment a test left changed.
* The variables that importing TensorFlow sets itself (the only ones the guard lets through) are
  exactly those.
"""

import json
import os
import subprocess
import sys

import nbformat
import pytest
import run_guards

pytest_plugins = ["pytester"]

PROBE = "MNIST_RUN_GUARDS_PROBE"  # a variable nothing else uses

SKIPS = '''
import sys
import pytest

def test_skip():
    pytest.skip("no browser here")

@pytest.mark.skipif(True, reason="not offline")
def test_skipif():
    pass

def test_importorskip():
    pytest.importorskip("a_module_that_is_not_installed")

@pytest.fixture
def needs_a_tool():
    pytest.skip("a tool is missing")

def test_skip_in_a_fixture(needs_a_tool):
    pass

@pytest.mark.xfail(reason="known to fail")
def test_xfail():
    assert False

@pytest.mark.xfail(reason="was known to fail")
def test_xpass():
    pass

def test_passes():
    pass
'''


@pytest.fixture
def guarded(pytester, monkeypatch):
    """A scratch pytest project whose conftest loads the guards, as the repository's does."""
    pytester.makeconftest('pytest_plugins = ["run_guards"]')
    monkeypatch.delenv(run_guards.REQUIRE_ALL_CHECKS, raising=False)
    return pytester


def test_every_skip_and_xfail_fails_with_require_all_checks(guarded, monkeypatch):
    guarded.makepyfile(test_skips=SKIPS)
    monkeypatch.setenv(run_guards.REQUIRE_ALL_CHECKS, "1")
    result = guarded.runpytest("-rA")
    # skips in a test's body fail it; skips while setting it up (skipif, a fixture) are errors
    result.assert_outcomes(failed=3, errors=2, passed=1, xpassed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    for reason in ("no browser here", "not offline", "could not import 'a_module_that_is_not_installed'",
                   "a tool is missing", "xfailed (an expected failure): known to fail"):
        result.stdout.fnmatch_lines([f"*{reason}*"])
    result.stdout.fnmatch_lines(["*MNIST_REQUIRE_ALL_CHECKS=1: every check must run*"])
    result.stdout.fnmatch_lines(["*(*test_skips.py:*)*"])  # where it was skipped
    assert "XPASS" in result.stdout.str(), "an xfail test that passes is reported as before"


def test_without_the_variable_skips_stay_skips(guarded):
    guarded.makepyfile(test_skips=SKIPS)
    result = guarded.runpytest()
    result.assert_outcomes(skipped=4, xfailed=1, xpassed=1, passed=1)
    assert result.ret == pytest.ExitCode.OK


def test_a_module_skipped_at_collection_fails_with_require_all_checks(guarded, monkeypatch):
    guarded.makepyfile(test_needs_keras='''
        import pytest
        keras = pytest.importorskip("a_module_that_is_not_installed")

        def test_uses_it():
            pass
    ''')
    assert guarded.runpytest().parseoutcomes() == {"skipped": 1}
    monkeypatch.setenv(run_guards.REQUIRE_ALL_CHECKS, "1")
    result = guarded.runpytest()
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting test_needs_keras.py*",
                                 "*could not import 'a_module_that_is_not_installed'*"])


def test_only_the_value_1_requires_every_check(guarded, monkeypatch):
    guarded.makepyfile(test_skips=SKIPS)
    monkeypatch.setenv(run_guards.REQUIRE_ALL_CHECKS, "0")
    guarded.runpytest().assert_outcomes(skipped=4, xfailed=1, xpassed=1, passed=1)


# --- os.environ ----------------------------------------------------------------------------

@pytest.fixture
def no_probe(monkeypatch):
    """PROBE unset, and unset again after the test whatever the scratch run did."""
    monkeypatch.setenv(PROBE, "placeholder")
    monkeypatch.delenv(PROBE)  # recorded as unset: monkeypatch removes it again at the end


def test_a_module_that_sets_a_variable_at_import_is_a_collection_error(guarded, no_probe):
    # what tests/test_drawing_pad.py did with TF_ENABLE_ONEDNN_OPTS
    guarded.makepyfile(test_sets_it=f'''
        import os
        os.environ.setdefault("{PROBE}", "0")

        def test_something():
            pass
    ''')
    result = guarded.runpytest()
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting test_sets_it.py*",
                                 "*collecting test_sets_it.py changed os.environ, which every notebook kernel*",
                                 f"*{PROBE}: unset -> '0'*"])
    assert PROBE not in os.environ, "the change was undone"


def test_setting_a_variable_with_monkeypatch_is_fine(guarded, no_probe):
    guarded.makepyfile(test_monkeypatch=f'''
        import os

        def test_something(monkeypatch):
            monkeypatch.setenv("{PROBE}", "1")
            assert os.environ["{PROBE}"] == "1"
    ''')
    guarded.runpytest().assert_outcomes(passed=1)


def test_variables_set_by_importing_tensorflow_are_allowed(guarded):
    guarded.makepyfile(test_imports_tensorflow='''
        import os
        os.environ["TF2_BEHAVIOR"] = "1"   # as `import tensorflow` does

        def test_something():
            pass
    ''')
    guarded.runpytest().assert_outcomes(passed=1)


def test_a_notebook_kernel_never_starts_in_a_changed_environment(guarded, no_probe):
    guarded.makepyfile(test_leaks=f'''
        import os

        def test_sets_a_variable_and_never_undoes_it():
            os.environ["{PROBE}"] = "leaked"
    ''')
    notebook = nbformat.v4.new_notebook()
    for count, (source, output) in enumerate(
            [("print(1 + 1)", "2\n"), (f"import os\nprint(os.environ.get({PROBE!r}))", "None\n")], start=1):
        notebook.cells.append(nbformat.v4.new_code_cell(source, execution_count=count, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=output)]))
    nbformat.write(notebook, guarded.path / "probe.ipynb")
    result = guarded.runpytest("--nbval", "--nbval-current-env", "test_leaks.py", "probe.ipynb")
    # The first cell errors before the kernel starts, naming the variable; the environment is
    # put back, so the kernel that the second cell starts does not see the variable.
    result.assert_outcomes(errors=1, passed=2)
    result.stdout.fnmatch_lines(["*probe.ipynb's kernel would inherit it*", f"*{PROBE}: unset -> 'leaked'*"])


def test_the_allowed_variables_are_the_ones_importing_tensorflow_sets():
    code = ("import json, os; before = dict(os.environ); import keras; "
            "print(json.dumps(sorted(k for k in os.environ if os.environ[k] != before.get(k))))")
    env = {key: value for key, value in os.environ.items() if key not in run_guards.SET_BY_TENSORFLOW}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert set(json.loads(result.stdout.splitlines()[-1])) == run_guards.SET_BY_TENSORFLOW
