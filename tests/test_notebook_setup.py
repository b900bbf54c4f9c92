"""mnist_helpers.start_notebook(), the one set-up call of every notebook (issue 17, item 3).

Each check runs in a fresh Python process: the call's effects (environment variables read when
TensorFlow is imported, the global seed) cannot be undone inside the test process.
"""

import os
import subprocess
import sys

import pytest

pytest.importorskip("keras")


def run(code, **environment):
    """Run ``code`` in a fresh Python with the test environment minus TensorFlow's log settings."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    env.update(environment)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_a_student_sees_no_tensorflow_start_up_messages():
    result = run("from mnist_helpers import start_notebook\nstart_notebook()\nimport keras\n"
                 "keras.layers.Dense(2)(keras.ops.ones((1, 3)))\nprint('ready')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ready"
    assert result.stderr == "", f"start_notebook() let TensorFlow print:\n{result.stderr[:1000]}"


def test_the_seed_argument_is_the_seed():
    draw = ("from mnist_helpers import start_notebook\nstart_notebook(seed={seed})\nimport keras\n"
            "print(keras.ops.convert_to_numpy(keras.random.uniform((4,))).tolist())")
    first, again, other = (run(draw.format(seed=seed)).stdout for seed in (0, 0, 1))
    assert first and first == again, "the same seed should give the same random numbers"
    assert first != other, "another seed should give other random numbers"


@pytest.mark.parametrize(("fast", "expected"), [(False, "0"), (True, "1")])
def test_the_oneDNN_choice_is_set_before_tensorflow_starts(fast, expected):
    result = run("import os\nfrom mnist_helpers import start_notebook\n"
                 f"start_notebook(fast_convolutions={fast})\nprint(os.environ['TF_ENABLE_ONEDNN_OPTS'])")
    assert result.stdout.strip() == expected, result.stderr


def test_calling_it_after_importing_tensorflow_says_to_restart():
    late = "import tensorflow\nfrom mnist_helpers import start_notebook\nstart_notebook()"
    result = run(late)
    assert result.returncode != 0 and "RuntimeError" in result.stderr and "Restart the kernel" in result.stderr
    # a maintainer who chose oneDNN in the environment may import TensorFlow first
    assert run(late, TF_ENABLE_ONEDNN_OPTS="0").returncode == 0
