"""Make data/real_digits/optdigits_64px.npz: 1,797 real handwritten digits, dark ink on white.

The digits are the test set of UCI's "Optical Recognition of Handwritten Digits" (optdigits;
E. Alpaydin and C. Kaynak, 1998; CC BY 4.0), written on paper forms by 13 people and scanned.
scikit-learn carries it in its wheel (``sklearn/datasets/data/digits.csv.gz``, what
``sklearn.datasets.load_digits()`` reads), so nothing is downloaded. Each digit is stored there
as 8x8 counts, 0-16: NIST's programs cut the digit from the scanned form and normalised it to a
32x32 black-and-white bitmap, and each count is the number of ink pixels in one 4x4 block of it.

The conversion into what a student would give ``prepare_digit()``, fixed before any
measurement and applied to every digit alike (``render``):

1. coverage = count / 16, the share of ink in each block (0 = paper, 1 = all ink);
2. upsampled 8x to 64x64 pixels by bilinear interpolation between the block centres (Pillow's
   BILINEAR): a smooth reconstruction that adds no detail, no sharpening and no overshoot;
3. brightness = 255 x (1 - coverage), rounded: white paper, black ink, grey where a block was
   partly inked, as a scanned and rescaled digit has grey, soft stroke edges.

No margin is added (the frame is the one NIST's programs cut, so many digits touch its edge, as
in a tightly cropped scan), and there is no noise, threshold, rotation or other change.
64 pixels is twice the resolution of NIST's bitmaps, about what a digit 8-10 mm tall on a form
measures when scanned at 150-200 dpi.

Run from the repository root:

    python -m tools.make_real_digits                     # with scikit-learn installed
    python -m tools.make_real_digits --csv digits.csv.gz # the file taken out of the wheel:
    #   pip download --no-deps --only-binary :all: scikit-learn
    #   unzip scikit_learn-*.whl sklearn/datasets/data/digits.csv.gz

The input's SHA-256 is checked; the output is byte-for-byte reproducible for a given Pillow and
NumPy, and its SHA-256 is printed (data/real_digits/README.md records it).
"""

import argparse
import gzip
import hashlib
import importlib.util
import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "real_digits" / "optdigits_64px.npz"
SOURCE_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"  # digits.csv.gz
SIZE = 64


def sklearn_csv():
    """The path of scikit-learn's bundled digits.csv.gz, or None when scikit-learn is not installed."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"


def read_counts(csv_gz):
    """``(counts, labels)`` from digits.csv.gz: uint8 arrays of shape (1797, 8, 8) and (1797,)."""
    raw = Path(csv_gz).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{csv_gz}: SHA-256 {digest}, expected {SOURCE_SHA256}")
    rows = np.loadtxt(io.StringIO(gzip.decompress(raw).decode("ascii")), delimiter=",", dtype=np.int64)
    counts, labels = rows[:, :64].reshape(-1, 8, 8), rows[:, 64]
    assert counts.shape == (1797, 8, 8) and counts.min() == 0 and counts.max() == 16
    assert sorted(set(labels.tolist())) == list(range(10))
    return counts.astype(np.uint8), labels.astype(np.uint8)


def render(counts, size=SIZE):
    """One digit's 8x8 counts (0-16) -> a ``size`` x ``size`` uint8 picture, dark ink on white."""
    coverage = Image.fromarray(np.asarray(counts, dtype=np.float32) / 16.0)
    smooth = np.asarray(coverage.resize((size, size), Image.Resampling.BILINEAR), dtype=np.float64)
    return np.round(255.0 * (1.0 - np.clip(smooth, 0.0, 1.0))).astype(np.uint8)


def save_npz(path, arrays):
    """Like ``np.savez_compressed``, but with fixed timestamps so the file's bytes are reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, help="scikit-learn's digits.csv.gz (default: the installed one)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    source = args.csv or sklearn_csv()
    if source is None or not source.exists():
        raise SystemExit("scikit-learn is not installed: pass --csv with its digits.csv.gz (see the docstring)")
    counts, labels = read_counts(source)
    images = np.stack([render(c) for c in counts])
    save_npz(args.output, {"images": images, "labels": labels, "counts": counts})
    print(f"{args.output}: images {images.dtype} {images.shape}, labels {labels.dtype} {labels.shape}, "
          f"counts {counts.dtype} {counts.shape}; digits 0-9: {np.bincount(labels).tolist()}")
    print(f"SHA-256 {hashlib.sha256(args.output.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
