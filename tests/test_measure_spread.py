"""Fast checks of tools/measure_spread.py's pieces (the measurement itself takes an hour)."""


from tools import measure_spread
from tools.outputs import numbers_in  # noqa: E402


def test_onednn_choice_is_read_from_the_set_up_call():
    # 08 and 09 call start_notebook(fast_convolutions=True); the others leave oneDNN off:
    # "onednn-flip" must flip each of them
    for name in ("08_convnet.ipynb", "09_improving_the_convnet.ipynb"):
        assert measure_spread.onednn_choice(name) == "1", name
    for name in ("01_first_network.ipynb", "04_the_model.ipynb", "06_training.ipynb", "07_evaluation.ipynb",
                 "10_your_own_digits.ipynb"):
        assert measure_spread.onednn_choice(name) == "0", name


def test_other_seeds_reach_the_set_up_call_and_later_restarts():
    assert measure_spread.with_seed("start_notebook()\nimport keras", 2) == "start_notebook(seed=2)\nimport keras"
    assert measure_spread.with_seed("start_notebook(fast_convolutions=True)", 1) == (
        "start_notebook(seed=1, fast_convolutions=True)")
    assert measure_spread.with_seed("start_notebook(seed=0, fast_convolutions=True)", 3) == (
        "start_notebook(seed=3, fast_convolutions=True)")
    assert measure_spread.with_seed("from mnist_helpers import start_notebook\n", 1) == (
        "from mnist_helpers import start_notebook\n")
    assert measure_spread.with_seed("keras.utils.set_random_seed(0)\nmodel = build()", 2) == (
        "keras.utils.set_random_seed(2)\nmodel = build()")


def test_notebooks_that_build_or_train_a_network_are_run_with_other_seeds():
    assert measure_spread.seed_dependent("01_first_network.ipynb")
    assert measure_spread.SEED_DEPENDENT.search("model = keras.Sequential([")
    assert not measure_spread.SEED_DEPENDENT.search("images = load_mnist()\nshow_digits(images)")


def test_label_shows_the_number_on_its_line():
    numbers = numbers_in("epoch  1: training accuracy 91.63%, validation accuracy 95.84%\nnext line 7\n")
    assert measure_spread.line_label(numbers[1]) == "epoch 1: training accuracy ▢%, validation accuracy 95.84%"
    assert measure_spread.line_label(numbers[3]) == "next line ▢"


def test_suggested_bound_is_three_times_the_deviation_and_at_least_three_units():
    assert measure_spread.suggest_bound(0.0016, 0.0001) == 0.0048
    assert measure_spread.suggest_bound(0.0003, 0.0001) == 0.0009  # not 0.00090000000000000002
    assert measure_spread.suggest_bound(7, 1) == 21
    assert measure_spread.suggest_bound(0, 0.01) == 0.03  # never varied: 3 units of the last digit
    assert measure_spread.suggest_bound(0.00004, 0.0001) == 0.0003


def _cell(text, rules=None, cell_id="c1", tags=None):
    metadata = {"compare": {"numbers": rules}} if rules else {}
    if tags:
        metadata["tags"] = tags
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "source": "",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def _run(setting, seed, text, cell_id="c1"):
    return {"setting": setting, "seed": seed, "error": None,
            "cells_by_id": {cell_id: [{"output_type": "stream", "name": "stdout", "text": text}]}}


def test_report_checks_each_number_against_its_rule():
    rules = [{"after": "accuracy: ", "abs": 0.0002, "why": "w"}, {"after": "loss: ", "abs": 0.01, "why": "w"}]
    notebook = {"cells": [_cell("epoch 1/5 accuracy: 0.9797 loss: 0.0703\n", rules),
                          _cell("shown anyway\n", cell_id="c2", tags=["nbval-ignore-output"])]}
    runs = [_run("default", 0, "epoch 1/5 accuracy: 0.9797 loss: 0.0703\n"),
            _run("portable", 0, "epoch 1/5 accuracy: 0.9800 loss: 0.0704\n"),
            _run("default", 1, "epoch 1/5 accuracy: 0.9700 loss: 0.0800\n")]
    rows, rule_rows, problems = measure_spread.report("nb.ipynb", notebook, runs, lambda text: text)
    assert len(rows) == 2  # epoch 1/5 never varied
    assert "| 0.9797 | 0.9797 – 0.98 | 0.0003 |" in rows[0] and rows[0].endswith("| ±0.0002 | ±0.0009 | TOO TIGHT |")
    assert rows[1].endswith("| ±0.01 | ±0.0003 | ok |")  # seeds do not count against a bound
    assert rule_rows[0] == "| nb.ipynb | 0 | after 'accuracy: ' | 1 | 0.0003 | ±0.0009 | abs=0.0002 | TOO TIGHT |"
    assert problems == [rows[0]]


def test_report_flags_a_number_without_a_rule_that_varies_between_settings():
    notebook = {"cells": [_cell("errors: 118\n")]}
    runs = [_run("default", 0, "errors: 118\n"), _run("avx2", 0, "errors: 119\n")]
    rows, _, problems = measure_spread.report("nb.ipynb", notebook, runs, lambda text: text)
    assert rows[0].endswith("| exact | ±3 | NEEDS A RULE |") and problems == rows
