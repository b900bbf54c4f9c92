"""Tests of the per-number comparison: the rules in a cell's "compare" metadata (tools/outputs.py)
and the nbval plugin that applies them (tests/nbval_approx.py)."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from tools.outputs import (
    Rule,
    RuleError,
    Tolerance,
    align_outputs,
    cell_texts,
    check_rules,
    compare_text,
    numbers_in,
    read_rules,
)

ROOT = Path(__file__).resolve().parent.parent


def rules(*specs):
    """Rules from short specs: rules({"after": "loss: ", "abs": 0.1}, ...); 'why' filled in."""
    return read_rules({"numbers": [dict(spec, why=spec.get("why", "measured")) for spec in specs]})


# ---------------------------------------------------------------------------
# Reading the rules
# ---------------------------------------------------------------------------


def test_read_rules():
    assert read_rules(None) == []
    assert read_rules({"figure": {"anything": "is not read here"}}) == []
    assert rules({"after": "loss: ", "abs": 0.003}, {"before": " errors", "ulp": 3, "rel": 0.1}) == [
        Rule("loss: ", None, Tolerance(abs=0.003), "measured"),
        Rule(None, " errors", Tolerance(rel=0.1, ulp=3), "measured"),
    ]


@pytest.mark.parametrize(
    ("compare", "message"),
    [
        ([], "must be an object"),
        ({"number": []}, r"unknown key\(s\) \['number'\]"),
        ({"numbers": []}, "non-empty list of rules"),
        ({"numbers": {"after": "x"}}, "non-empty list of rules"),
        ({"numbers": ["loss: "]}, "rule 1 .* a rule must be an object"),
        ({"numbers": [{"after": "a", "abs": 1, "why": "w", "tol": 1}]}, r"unknown key\(s\) \['tol'\]"),
        ({"numbers": [{"abs": 1, "why": "w"}]}, "say which numbers it covers"),
        ({"numbers": [{"after": "", "abs": 1, "why": "w"}]}, "'after' must be a non-empty regular expression"),
        ({"numbers": [{"before": "loss(", "abs": 1, "why": "w"}]}, "'before' is not a valid regular expression"),
        ({"numbers": [{"after": "a", "why": "w"}]}, "give a tolerance"),
        ({"numbers": [{"after": "a", "abs": -1, "why": "w"}]}, "'abs' must be a finite number >= 0"),
        ({"numbers": [{"after": "a", "ulp": "3", "why": "w"}]}, "'ulp' must be a finite number >= 0"),
        ({"numbers": [{"after": "a", "rel": float("nan"), "why": "w"}]}, "'rel' must be a finite number >= 0"),
        ({"numbers": [{"after": "a", "abs": True, "why": "w"}]}, "'abs' must be a finite number >= 0"),
        ({"numbers": [{"after": "a", "abs": 1}]}, "say in 'why'"),
        ({"numbers": [{"after": "a", "abs": 1, "why": "w"}, {"after": "b", "abs": 1}]}, "rule 2 .* say in 'why'"),
    ],
)
def test_unreadable_rules_are_errors(compare, message):
    with pytest.raises(RuleError, match=message):
        read_rules(compare)


# ---------------------------------------------------------------------------
# Numbers in a text, and which rule covers them
# ---------------------------------------------------------------------------


def test_numbers_in_reads_python_formats_with_their_place():
    numbers = numbers_in("gap -4.18%, +1.33 and 407,050 params\n1e-05 (60000,) [2059  183]")
    assert [n.token for n in numbers] == ["-4.18", "+1.33", "407,050", "1e-05", "60000", "2059", "183"]
    assert [n.value for n in numbers][:3] == [-4.18, 1.33, 407050]
    assert [n.line for n in numbers] == [1, 1, 1, 2, 2, 2, 2]
    assert numbers[-1].before == "1e-05 (60000,) [2059 " and numbers[-1].after == "]"  # spaces collapsed
    assert numbers[0].unit == pytest.approx(0.01) and numbers[2].unit == 1


def test_a_number_is_named_by_the_words_before_it_or_else_by_its_line():
    text = "loss: 0.07 - val_loss: 0.09\nparameters   407,050   18,378\n"
    assert [n.label() for n in numbers_in(text)] == [
        "'loss: '", "'val_loss: '", "'parameters '", "'parameters 407,050 ▢'"]


def test_after_and_before_select_numbers_on_their_line():
    text = "accuracy: 0.98 - loss: 0.07 - val_accuracy: 0.97 - val_loss: 0.09\nerrors out of 10,000  206  118\n"
    numbers = numbers_in(text)

    def covered(rule):
        return [n.token for n in numbers if rule.covers(n)]

    [accuracy, val_loss, table, dense, convnet, tail] = rules(
        {"after": "^accuracy: ", "abs": 1}, {"after": "val_loss: ", "abs": 1},
        {"after": "^errors out of 10,000 .*", "abs": 1}, {"after": "^errors out of 10,000 ", "abs": 1},
        {"after": r"^errors out of 10,000 \d+ ", "abs": 1}, {"before": " - val_loss", "abs": 1})
    assert covered(accuracy) == ["0.98"]  # not val_accuracy's 0.97
    assert covered(val_loss) == ["0.09"]
    assert covered(table) == ["206", "118"]  # "10,000" is in the label, not after it
    assert covered(dense) == ["206"] and covered(convnet) == ["118"]
    assert covered(tail) == ["0.97"]


def test_tolerance_is_the_largest_of_abs_rel_and_ulp():
    assert Tolerance(abs=0.5).allows(10, 10.5)
    assert not Tolerance(abs=0.5).allows(10, 10.51)
    assert Tolerance(rel=0.1).allows(200, 220) and not Tolerance(rel=0.1).allows(200, 221)
    assert Tolerance(abs=5, rel=0.1).allows(200, 219)
    assert Tolerance(ulp=30).allows(97.93, 98.23, 0.01) and not Tolerance(ulp=30).allows(97.93, 98.24, 0.01)


# ---------------------------------------------------------------------------
# Comparing texts: covered numbers within their bound, every other number exactly
# ---------------------------------------------------------------------------

TABLE = ("                               dense     convnet\n"
         "parameters                   407,050      18,378\n"
         "test accuracy                 97.94%      98.82%\n"
         "errors out of 10,000             206         118\n")
TABLE_RULES = rules({"after": "^test accuracy .*", "abs": 0.25}, {"after": "^errors out of 10,000 .*", "abs": 25})


def test_numbers_within_their_rules_match():
    moved = TABLE.replace("97.94%", "97.80%").replace("206", "190").replace("118", "130")
    assert compare_text(TABLE, moved, TABLE_RULES, "stdout") == []


def test_an_uncovered_parameter_count_is_compared_exactly():
    problems = compare_text(TABLE, TABLE.replace("407,050", "407,040"), TABLE_RULES, "stdout")
    assert problems == ["'parameters ' on stdout line 2: new 407,040, stored 407,050, "
                        "compared exactly (no rule covers it)"]


def test_an_uncovered_shape_is_compared_exactly():
    stored = "gradient shapes: [(784, 512), (512,), (512, 10), (10,)]\nloss before the step: 2.343\n"
    new = stored.replace("(784, 512)", "(784, 510)").replace("2.343", "2.344")
    problems = compare_text(stored, new, rules({"after": "step: ", "ulp": 3}), "stdout")
    assert problems == ["'gradient shapes: [(784, ▢), (512,), (512, 10), (10,)]' on stdout line 1: "
                        "new 510, stored 512, compared exactly (no rule covers it)"]


def test_an_error_count_without_a_rule_is_exact_even_next_to_an_accuracy_with_one():
    stored = "convnet test accuracy: 98.82% (118 errors out of 10,000)\n"
    accuracy_only = rules({"after": "test accuracy: ", "abs": 0.25})
    assert compare_text(stored, stored.replace("98.82", "98.60"), accuracy_only) == []
    problems = compare_text(stored, stored.replace("118", "143"), accuracy_only, "stdout")
    assert problems == ["'convnet test accuracy: 98.82% (▢ errors out of 10,000)' on stdout line 1: "
                        "new 143, stored 118, compared exactly (no rule covers it)"]


def test_each_rule_has_its_own_bound_and_the_message_names_the_number():
    stored = "".join(f"Epoch {e}/10\n391/391 - accuracy: 0.99{e}0 - val_accuracy: 0.97{e}0\n" for e in range(1, 8))
    fit_rules = rules({"after": " - accuracy: ", "abs": 0.001}, {"after": " - val_accuracy: ", "abs": 0.003})
    new = stored.replace("val_accuracy: 0.9770", "val_accuracy: 0.9712").replace("accuracy: 0.9920", "accuracy: 0.9925")
    problems = compare_text(stored, new, fit_rules, "stdout")
    assert problems == ["'val_accuracy: ' on stdout line 14: new 0.9712, stored 0.9770, allowed ±0.003"]
    within = stored.replace("val_accuracy: 0.9770", "val_accuracy: 0.9741")
    assert compare_text(stored, within, fit_rules) == []
    epochs = stored.replace("Epoch 7/10", "Epoch 7/11")  # an uncovered number: exact
    assert compare_text(stored, epochs, fit_rules, "stdout") == [
        "'Epoch 7/▢' on stdout line 13: new 11, stored 10, compared exactly (no rule covers it)"]


def test_ulp_counts_units_of_the_stored_numbers_last_digit():
    stored = "accuracy 97.93%, errors 207\n"
    ulp = rules({"after": "accuracy ", "ulp": 30}, {"after": "errors ", "ulp": 30})
    assert compare_text(stored, "accuracy 98.20%, errors 180\n", ulp) == []
    assert compare_text(stored, "accuracy 98.24%, errors 207\n", ulp) == [
        "'accuracy ' on output line 1: new 98.24, stored 97.93, allowed ±0.3"]


def test_a_covered_number_may_change_its_printed_form():
    gap = rules({"after": "gap ", "abs": 0.05})
    assert compare_text("gap +0.02%", "gap -0.01%", gap) == []
    assert compare_text("loss 0.10", "loss 0.1", rules({"after": "loss ", "ulp": 1})) == []
    assert compare_text("loss 0.10", "loss 0.1") != []  # uncovered: as printed


def test_the_text_around_numbers_must_be_identical_but_spaces_may_shift():
    assert compare_text("true 4 as 9:   9 times\n", "true 4 as 9:  10 times\n", rules({"after": ": ", "abs": 2})) == []
    problems = compare_text("test accuracy: 97.9%\n", "train accuracy: 97.9%\n", rules({"after": ": ", "abs": 1}))
    assert problems == ["output: the text around the numbers differs"]


def test_a_different_count_of_numbers_fails():
    assert compare_text("[1 2 3]", "[1 2 3 4]", rules({"after": r"\[.*", "abs": 100})) == [
        "output: the output holds 4 numbers, the stored one 3"]


# ---------------------------------------------------------------------------
# Rules that do not fit the stored output
# ---------------------------------------------------------------------------


def test_a_rule_that_covers_no_stored_number_is_stale():
    texts = [("stdout", "accuracy: 0.98\n")]
    assert check_rules(rules({"after": "accuracy: ", "abs": 1}), texts) == []
    problems = check_rules(rules({"after": "accuracy: ", "abs": 1}, {"after": "val_loss: ", "abs": 1}), texts)
    assert problems == ["number rule 2 (after 'val_loss: ') covers no number of the stored output: fix or remove it"]


def test_a_number_covered_by_two_rules_is_an_error():
    problems = check_rules(rules({"after": "loss: ", "abs": 1}, {"before": "$", "abs": 2}), [("stdout", "loss: 0.07")])
    assert problems == ["'loss: ' on stdout line 1 is covered by rules 1 and 2: make them cover one number each"]


def test_cell_texts_joins_streams_as_nbval_does():
    outputs = [v4.new_output("stream", name="stdout", text="Epoch 1/5\n"),
               v4.new_output("display_data", data={"text/plain": "<Figure>", "image/png": "AAAA"}),
               v4.new_output("stream", name="stdout", text="loss: 0.1\n")]
    assert cell_texts(outputs) == [("stdout", "Epoch 1/5\nloss: 0.1\n"), ("text/plain", "<Figure>")]


def test_align_outputs_replaces_only_matching_texts():
    stored = [v4.new_output("stream", name="stdout", text="acc 0.980\n"),
              v4.new_output("display_data", data={"text/plain": "<Figure with 40 Axes>", "image/png": "AAAA"})]
    new = [v4.new_output("stream", name="stdout", text="acc 0.981\n"),
           v4.new_output("display_data", data={"text/plain": "<Figure with 60 Axes>", "image/png": "BBBB"})]
    aligned, problems = align_outputs(new, stored, rules({"after": "acc ", "abs": 0.002}))
    assert aligned[0]["text"] == "acc 0.980\n"  # within its bound: the stored text
    assert aligned[1]["data"]["text/plain"] == "<Figure with 60 Axes>"  # left for nbval to report
    assert aligned[1]["data"]["image/png"] == "BBBB"  # images are not touched
    assert problems == ["'Figure with ' on text/plain line 1: new 60, stored 40, "
                        "compared exactly (no rule covers it)"]
    assert new[0]["text"] == "acc 0.981\n"  # the new outputs themselves are not changed


def test_align_outputs_uses_the_sanitizer():
    stored = [v4.new_output("stream", name="stdout", text="3s - acc 0.50\n")]
    new = [v4.new_output("stream", name="stdout", text="12s - acc 0.51\n")]
    strip_time = lambda s: s.replace("12s", "T").replace("3s", "T")  # noqa: E731
    acc = rules({"after": "acc ", "abs": 0.02})
    assert align_outputs(new, stored, acc, strip_time)[1] == []
    assert align_outputs(new, stored, acc)[1] != []


# ---------------------------------------------------------------------------
# The plugin inside a real nbval run
# ---------------------------------------------------------------------------


def write_notebook(path, cells):
    """A notebook whose cells print what their source prints but store `stored` as their output.
    cells: (source, stored, metadata) triples."""
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for count, (source, stored, metadata) in enumerate(cells, start=1):
        cell = v4.new_code_cell(source, execution_count=count, metadata=metadata)
        cell.outputs = [v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nbformat.write(nb, path)


def run_nbval(*paths, cwd):
    """Run nbval with the plugin and the repository's sanitize file, isolated from its pytest.ini."""
    (cwd / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(ROOT / "notebooks")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "nbval_approx",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         "-p", "no:cacheprovider", "-c", str(cwd / "pytest.ini"), "-q", *map(str, paths)],
        capture_output=True, text=True, timeout=900, cwd=cwd, env=env,
    )
    return result.stdout + result.stderr


def compare(*specs):
    return {"compare": {"numbers": [dict(spec, why="test") for spec in specs]}}


def test_plugin_in_a_real_nbval_run(tmp_path):
    accuracy = compare({"after": "accuracy ", "abs": 0.01})
    write_notebook(tmp_path / "demo.ipynb", [
        ("print('accuracy 0.985')", "accuracy 0.980\n", accuracy),  # 0: within its bound, passes
        ("print('accuracy 0.985')", "accuracy 0.980\n", compare({"after": "accuracy ", "abs": 0.001})),  # 1
        ("print('accuracy 0.985')", "accuracy 0.980\n", {}),  # 2: no rule: exact, fails
        ("print('accuracy 0.985 on 9999 images')", "accuracy 0.980 on 10000 images\n", accuracy),  # 3: exact count
        ("x = 5\nprint('accuracy 0.98')", "accuracy 0.98\n", compare({"after": "loss ", "abs": 1})),  # 4: stale
        ("print(x, 'accuracy 0.98')", "5 accuracy 0.98\n", {"compare": {"numbers": [{"after": "a"}]}}),  # 5
        ("# NBVAL_APPROX abs=1\nprint(x)", "5\n", {}),  # 6: the old marker
        ("print('accuracy 0.5')", "accuracy 0.9\n", dict(accuracy, tags=["nbval-ignore-output"])),  # 7
        ("print('anything')", "something else\n", {"tags": ["nbval-ignore-output"]}),  # 8: ignored, passes
        ("print(x + 1)", "6\n", {"compare": {"figure": {"not": "read here"}}}),  # 9: passes, x defined
        ("print('accuracy  0.98')", "accuracy 0.98\n", {}),  # 10: no rule: even spacing is exact
        ("print('accuracy 0.98'); print('extra')", "accuracy 0.98\n", accuracy),  # 11: an extra line fails
    ])
    report = run_nbval(tmp_path / "demo.ipynb", cwd=tmp_path)
    summary = report.split("short test summary")[-1]
    assert "9 failed, 3 passed" in report, report
    for passed in ("Cell 0", "Cell 8", "Cell 9"):
        assert f"demo.ipynb::{passed} " not in summary, report
    assert "demo.ipynb Cell 1: 'accuracy ' on stdout line 1: new 0.985, stored 0.980, allowed ±0.001" in report
    assert "demo.ipynb Cell 2: 'accuracy ' on stdout line 1: new 0.985, stored 0.980, compared exactly" in report
    assert "demo.ipynb Cell 3: 'on ' on stdout line 1: new 9999, stored 10000, compared exactly" in report
    assert "demo.ipynb Cell 4: number rule 1 (after 'loss ') covers no number of the stored output" in report
    assert "demo.ipynb Cell 5: number rule 1 {'after': 'a'}: give a tolerance" in report
    assert "demo.ipynb Cell 6: '# NBVAL_APPROX abs=1': NBVAL_APPROX comments are no longer read" in report
    assert "demo.ipynb Cell 7: the cell has number rules but its output is not compared" in report
