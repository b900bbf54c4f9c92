"""Unit tests for the data loader and plotting helpers in notebooks/mnist_helpers/."""

import time

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import mnist_helpers
from mnist_helpers import MnistDataError, load_mnist

matplotlib.use("Agg")


# --- the bundled data -------------------------------------------------------

@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_bundled_data_has_keras_shapes_and_dtypes(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert x_train.min() == 0 and x_train.max() == 255


def test_bundled_data_is_canonical_mnist(mnist):
    (_, y_train), (_, y_test) = mnist
    assert list(y_train[:3]) == [5, 0, 4] and list(y_train[-3:]) == [5, 6, 8]
    assert list(y_test[:3]) == [7, 2, 1] and list(y_test[-3:]) == [4, 5, 6]
    assert list(np.bincount(y_train)) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert list(np.bincount(y_test)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_loading_with_checksums_is_fast():
    start = time.perf_counter()
    load_mnist()
    # generous for a slow classroom laptop; typically about 0.4 s here
    assert time.perf_counter() - start < 3.0


# --- bad files, each made small in a temporary directory ----------------------

def small_arrays(n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write(tmp_path, arrays, name="mnist.npz"):
    path = tmp_path / name
    np.savez_compressed(path, **arrays)
    return path


def test_small_well_formed_file_loads_without_verification(tmp_path):
    arrays = small_arrays()
    (x_train, y_train), (x_test, y_test) = load_mnist(write(tmp_path, arrays), verify=False)
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


def test_small_file_fails_verification_naming_the_file(tmp_path):
    path = write(tmp_path, small_arrays())
    with pytest.raises(MnistDataError, match=r"mnist\.npz: x_train has shape \(6, 28, 28\), but MNIST's"):
        load_mnist(path)


def test_changed_pixel_fails_checksum(tmp_path, mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    x_test = x_test.copy()
    x_test[0, 0, 0] = 1
    path = write(tmp_path, dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test))
    with pytest.raises(MnistDataError, match="x_test has SHA-256 .* the data was changed"):
        load_mnist(path)


def test_missing_custom_file_says_how_to_restore(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file.*git checkout -- data/mnist.npz"):
        load_mnist(tmp_path / "absent.npz")


def test_missing_bundled_file_never_downloads(tmp_path, monkeypatch):
    """A missing data/mnist.npz is an error that says how to restore it, never a download."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("load_mnist() tried to open a network connection")

    monkeypatch.setattr(mnist_helpers.data, "DATA_FILE", tmp_path / "absent.npz")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(FileNotFoundError, match=r"absent\.npz: no such file.*git checkout -- data/mnist\.npz"):
        load_mnist()


def test_corrupt_file(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(MnistDataError, match=r"mnist\.npz: cannot be read as an npz file"):
        load_mnist(path)


def test_truncated_file(tmp_path):
    path = write(tmp_path, small_arrays(600, 100))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(MnistDataError, match="corrupt or truncated"):
        load_mnist(path, verify=False)


def test_wrong_keys(tmp_path):
    arrays = small_arrays()
    arrays["images"] = arrays.pop("x_train")
    with pytest.raises(MnistDataError, match=r"holds the keys \['images', .*must hold exactly"):
        load_mnist(write(tmp_path, arrays), verify=False)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("x_train", np.zeros((6, 28, 27), np.uint8), r"x_train has shape \(6, 28, 27\), expected \(n, 28, 28\)"),
        ("x_test", np.zeros((4, 784), np.uint8), r"x_test has shape \(4, 784\)"),
        ("y_train", np.zeros(5, np.uint8), r"y_train has shape \(5,\), expected \(6,\)"),
        ("y_test", np.zeros((4, 10), np.uint8), r"y_test has shape \(4, 10\)"),
        ("x_train", np.zeros((6, 28, 28), np.float32), "x_train has dtype float32, expected uint8"),
        ("y_test", np.full(4, 10, np.uint8), "labels must be 0-9"),
    ],
)
def test_wrong_shapes_dtypes_and_values(tmp_path, key, value, message):
    arrays = small_arrays()
    arrays[key] = value
    with pytest.raises(MnistDataError, match=message):
        load_mnist(write(tmp_path, arrays), verify=False)


def test_pickled_objects_are_refused(tmp_path):
    arrays = small_arrays()
    arrays["y_train"] = np.array([object()] * 6, dtype=object)
    with pytest.raises(MnistDataError, match="cannot be read"):
        load_mnist(write(tmp_path, arrays), verify=False)


def test_error_is_also_a_value_error():
    assert issubclass(MnistDataError, ValueError)


# --- plotting helpers ----------------------------------------------------------

def test_plots_have_titles_and_axis_labels(mnist):
    (x_train, y_train), _ = mnist
    fig = mnist_helpers.show_digits(x_train[:12], y_train[:12], predictions=y_train[:12], title="Digits")
    assert fig._suptitle.get_text() == "Digits"
    assert fig.axes[0].get_title() == f"true {y_train[0]}\npred {y_train[0]}"

    history = {"loss": [0.3, 0.1], "accuracy": [0.9, 0.97], "val_loss": [0.2, 0.1], "val_accuracy": [0.9, 0.95]}
    fig = mnist_helpers.plot_history(history)
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() == "epoch" and ax.get_ylabel()
        assert len(ax.get_lines()) == 2

    fig = mnist_helpers.plot_confusion_matrix(np.eye(10, dtype=int) * 5)
    assert fig.axes[0].get_xlabel() == "predicted digit" and fig.axes[0].get_ylabel() == "true digit"

    fig, ax = matplotlib.pyplot.subplots()
    mnist_helpers.plot_probabilities(ax, np.full(10, 0.1))
    assert ax.get_title() and ax.get_xlabel() == "digit" and ax.get_ylabel() == "probability"
    matplotlib.pyplot.close("all")


def test_quiet_stderr_hides_only_what_is_inside(capfd):
    import os

    os.write(2, b"before\n")
    with mnist_helpers.quiet_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_quiet_stderr_lets_errors_through():
    with pytest.raises(ZeroDivisionError), mnist_helpers.quiet_stderr():
        raise ZeroDivisionError("raised inside the block")


def test_confusion_matrix_in_percent_leaves_zeros_blank_and_rejects_other_shapes():
    mistakes = np.zeros((10, 10))
    mistakes[4, 9] = 1.25
    fig = mnist_helpers.plot_confusion_matrix(mistakes, title="Mistakes only", percent=True)
    texts = {text.get_text() for text in fig.axes[0].texts}
    assert texts == {"", "1.2"}  # one decimal; the 99 zero cells stay blank
    assert fig.axes[1].get_ylabel() == "% of the true digit's test images"
    with pytest.raises(ValueError, match="10x10"):
        mnist_helpers.plot_confusion_matrix(np.zeros((9, 10)))
    matplotlib.pyplot.close("all")


# What the figures say, artist by artist: the changes a pixel comparison is too coarse to see
# (one count in a matrix, one label in a grid, a line style, an axis label).

def test_confusion_matrix_writes_each_count_in_its_own_cell():
    matrix = np.arange(100).reshape(10, 10)
    fig = mnist_helpers.plot_confusion_matrix(matrix)
    ax = fig.axes[0]
    written = {(round(text.get_position()[1]), round(text.get_position()[0])): text.get_text() for text in ax.texts}
    assert written == {(i, j): str(matrix[i, j]) for i in range(10) for j in range(10)}
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted digit", "true digit")
    assert np.array_equal(ax.images[0].get_array(), matrix), "rows must be the true digit, columns the prediction"
    plt.close(fig)


def test_digit_grid_titles_each_image_with_its_own_label():
    images, labels = np.zeros((12, 28, 28)), np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8])
    fig = mnist_helpers.show_digits(images, labels)
    assert [ax.get_title() for ax in fig.axes[:12]] == [str(label) for label in labels]
    predictions = labels.copy()
    predictions[2] = 7
    fig2 = mnist_helpers.show_digits(images, labels, predictions=predictions)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig2.axes[:3]]
    assert titles == [("true 3\npred 3", "black"), ("true 1\npred 1", "black"), ("true 4\npred 7", "red")]
    plt.close(fig)
    plt.close(fig2)


def test_training_curves_label_their_axes_and_tell_the_two_curves_apart():
    history = {"loss": [0.3, 0.2], "accuracy": [0.9, 0.95], "val_loss": [0.25, 0.22], "val_accuracy": [0.92, 0.94]}
    fig = mnist_helpers.plot_history(history)
    for ax, metric in zip(fig.axes, ("loss", "accuracy")):
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", metric)
        training, validation = ax.get_lines()
        assert list(training.get_ydata()) == history[metric]
        assert list(validation.get_ydata()) == history[f"val_{metric}"]
        assert (training.get_linestyle(), training.get_marker()) != (validation.get_linestyle(),
                                                                     validation.get_marker())
        assert [text.get_text() for text in ax.get_legend().get_texts()] == [f"training {metric}",
                                                                             f"validation {metric}"]
    plt.close(fig)
