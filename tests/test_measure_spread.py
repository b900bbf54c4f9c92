"""Fast checks of tools/measure_spread.py's pieces (the measurement itself takes an hour)."""


from tools import measure_spread


def test_onednn_choice_is_read_from_the_notebooks_code():
    # 07 switches oneDNN on; the others switch it off: "onednn-flip" must flip each of them
    assert measure_spread.onednn_choice("07_convnet.ipynb") == "1"
    for name in ("04_the_model.ipynb", "05_training.ipynb", "06_evaluation.ipynb", "09_your_own_digits.ipynb"):
        assert measure_spread.onednn_choice(name) == "0", name


def test_label_shows_the_text_around_the_number_on_its_line():
    text = "epoch 1: training accuracy 91.63%, validation accuracy 95.84%\nnext line 7\n"
    assert measure_spread.label_for(text, 1) == ": training accuracy ▢%, validation accuracy"
    assert measure_spread.label_for(text, 3) == "next line ▢"
