"""Tests for celearn.datasets: the worked examples and the shipped Iris CSV."""
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest
import scipy.special as sp
from sklearn.metrics import log_loss

import celearn as cl
from celearn import datasets

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

BCE_SUM = 4.460303459760249
CCE_SUM = 2.214574215671332


def test_bce_example_values_and_sum():
    t, p = datasets.bce_example()
    assert t.tolist() == [0, 1, 1, 0, 0, 1, 1]
    assert p.tolist() == [0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94]
    ours = cl.binary_cross_entropy(t, p, reduction="sum")
    assert ours == pytest.approx(BCE_SUM, rel=1e-12)
    # independent computations of the same number
    assert ours == pytest.approx(log_loss(t, p, normalize=False), rel=1e-12)
    assert ours == pytest.approx(-np.sum(sp.xlogy(t, p) + sp.xlogy(1 - t, 1 - p)), rel=1e-12)
    assert cl.binary_cross_entropy(t, p) == pytest.approx(BCE_SUM / 7, rel=1e-12)


def test_cce_example_values_and_sum():
    t, p = datasets.cce_example()
    assert t.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert p.tolist() == [[0.91, 0.04, 0.05], [0.11, 0.8, 0.09], [0.3, 0.1, 0.6], [0.25, 0.4, 0.35]]
    ours = cl.categorical_cross_entropy(t, p, reduction="sum")
    assert ours == pytest.approx(CCE_SUM, rel=1e-12)
    labels = t.argmax(axis=1)
    assert cl.categorical_cross_entropy(labels, p, reduction="sum") == pytest.approx(CCE_SUM, rel=1e-12)
    assert ours == pytest.approx(log_loss(labels, p, normalize=False), rel=1e-12)
    assert ours == pytest.approx(-np.sum(sp.xlogy(t, p)), rel=1e-12)
    # the same loss from logits log(p): softmax(log p) = p
    assert cl.softmax_cross_entropy(labels, np.log(p), reduction="sum") == pytest.approx(CCE_SUM, rel=1e-12)


def test_examples_are_fresh_arrays():
    for make in (datasets.bce_example, datasets.cce_example):
        first = make()
        first.t[...] = 0
        first.p[...] = 0
        second = make()
        assert second.p.sum() > 0 and second.t.sum() > 0
        assert second._fields == ("t", "p")


def test_load_iris_matches_scikit_learn():
    from sklearn.datasets import load_iris as sklearn_iris

    sk = sklearn_iris()
    iris = datasets.load_iris()
    X, y, feature_names, target_names = iris
    assert X.dtype == np.float64 and X.shape == (150, 4)
    assert np.issubdtype(y.dtype, np.integer) and y.shape == (150,)
    np.testing.assert_array_equal(X, sk.data)
    np.testing.assert_array_equal(y, sk.target)
    assert list(feature_names) == list(sk.feature_names)
    assert list(target_names) == list(sk.target_names)
    assert iris.X is X and iris.target_names[iris.y[-1]] == "virginica"


def test_load_iris_returns_fresh_arrays():
    a = datasets.load_iris()
    a.X[...] = 0
    assert datasets.load_iris().X.sum() > 0


def test_shipped_data_is_cited():
    readme = (resources.files("celearn") / "data" / "README.md").read_text(encoding="utf-8")
    for needle in ("Fisher", "1936", "UCI", "CC BY 4.0", "scikit-learn", "BSD-3-Clause"):
        assert needle in readme


def test_load_iris_needs_no_scikit_learn():
    code = ("import sys, celearn.datasets as d; d.load_iris(); "
            "assert 'sklearn' not in sys.modules, 'sklearn was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
