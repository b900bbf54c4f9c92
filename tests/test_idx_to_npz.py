"""tools/idx_to_npz.py: raw IDX files (plain or .gz) -> an npz with Keras's keys, refusing damaged input."""

import gzip
import hashlib

import numpy as np
import pytest

from mnist_helpers import load_mnist
from tools import idx_to_npz


def idx_bytes(array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def small_idx(tmp_path, monkeypatch):
    """Four small IDX files, two of them gzipped, with their MD5s accepted as canonical."""
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (5, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 5),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (3, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 3),
    }
    md5 = {}
    for index, (name, array) in enumerate(arrays.items()):
        raw = idx_bytes(array)
        md5[name] = hashlib.md5(raw).hexdigest()
        if index % 2:
            (tmp_path / (name + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (tmp_path / name).write_bytes(raw)
    monkeypatch.setattr(idx_to_npz, "CANONICAL_MD5", md5)
    return tmp_path, arrays


def test_converts_plain_and_gzipped_files(small_idx):
    folder, arrays = small_idx
    output = folder / "out" / "mnist.npz"
    idx_to_npz.convert(folder, output)
    (x_train, y_train), (x_test, y_test) = load_mnist(output, verify=False)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])
    assert x_train.dtype == np.uint8 and y_train.shape == (5,)


def test_refuses_a_file_with_the_wrong_md5(small_idx):
    folder, _ = small_idx
    path = folder / "train-images-idx3-ubyte"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="train-images-idx3-ubyte: MD5 .* differs from the canonical"):
        idx_to_npz.convert(folder, folder / "mnist.npz")
    assert not (folder / "mnist.npz").exists(), "nothing is written from damaged input"


def test_missing_file(small_idx):
    folder, _ = small_idx
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        idx_to_npz.convert(folder, folder / "mnist.npz")


def test_parse_idx_checks_magic_and_length():
    good = idx_bytes(np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(idx_to_npz.parse_idx(good, "x"), np.arange(6).reshape(2, 3))
    with pytest.raises(ValueError, match="bad magic number"):
        idx_to_npz.parse_idx(b"\x00\x00\x0d\x01" + good[4:], "x")
    with pytest.raises(ValueError, match=r"header says shape \(2, 3\)"):
        idx_to_npz.parse_idx(good[:-1], "x")


def test_command_line_reports_errors_without_a_traceback(tmp_path):
    with pytest.raises(SystemExit, match="error: neither"):
        idx_to_npz.main([str(tmp_path), str(tmp_path / "mnist.npz")])
