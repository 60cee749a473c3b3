"""Tests for celearn.datasets.load_digits: the bundled UCI digits equal scikit-learn's."""
import gzip
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from celearn import datasets

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def test_digits_equal_scikit_learns_arrays():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits()
    ref = sklearn_datasets.load_digits()
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.shape == (1797, 64) and y.shape == (1797,)
    np.testing.assert_array_equal(X, ref.data)
    np.testing.assert_array_equal(y, ref.target)
    np.testing.assert_array_equal(X.reshape(-1, 8, 8), ref.images)


def test_digits_file_is_scikit_learns_file_byte_for_byte():
    sklearn = pytest.importorskip("sklearn")
    ours = (resources.files("celearn") / "data" / "digits.csv.gz").read_bytes()
    theirs = (resources.files(sklearn) / "datasets" / "data" / "digits.csv.gz").read_bytes()
    assert gzip.decompress(ours) == gzip.decompress(theirs)


def test_digits_values_are_pixel_counts_and_labels():
    X, y = datasets.load_digits()
    assert np.all(X == np.round(X)) and X.min() == 0 and X.max() == 16
    assert sorted(set(y.tolist())) == list(range(10))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_returns_fresh_arrays():
    X1, y1 = datasets.load_digits()
    X1[0, 0], y1[0] = -1, -1
    X2, y2 = datasets.load_digits()
    assert X2[0, 0] == 0 and y2[0] == 0


def test_digits_load_without_scikit_learn_or_network():
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['socket'] = None\n"
            "from celearn.datasets import load_digits\n"
            "X, y = load_digits(); print(X.shape, int(y.sum()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    _, y = datasets.load_digits()
    assert out.stdout.strip() == f"(1797, 64) {int(y.sum())}"


def test_digits_documented_with_licence():
    readme = (resources.files("celearn") / "data" / "README.md").read_text(encoding="utf-8")
    assert "digits.csv.gz" in readme and "CC BY 4.0" in readme
