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


# ---------------------------------------------------------------------------
# make_gaussian_classes: data whose true probabilities are known
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("K", [2, 3, 7])
@pytest.mark.parametrize("separation", [0.5, 2.0, 5.0])
def test_gaussian_classes_posterior_is_bayes_rule(K, separation):
    from scipy.stats import multivariate_normal

    X, y, p_true = datasets.make_gaussian_classes(400, num_classes=K, separation=separation, seed=K)
    means = datasets._gaussian_means(K, separation)
    # Bayes' rule with equal priors and the densities from scipy
    dens = np.column_stack([multivariate_normal(m, np.eye(2)).logpdf(X) for m in means])
    np.testing.assert_allclose(p_true, sp.softmax(dens, axis=1), rtol=1e-9, atol=1e-300)
    # neighbouring means are `separation` apart
    assert np.linalg.norm(means[0] - means[1]) == pytest.approx(separation, rel=1e-12)


def test_gaussian_classes_shapes_dtypes_and_seed():
    a = datasets.make_gaussian_classes(1000, num_classes=4, seed=3)
    b = datasets.make_gaussian_classes(1000, num_classes=4, seed=3)
    c = datasets.make_gaussian_classes(1000, num_classes=4, seed=4)
    assert a.X.shape == (1000, 2) and a.y.shape == (1000,) and a.p_true.shape == (1000, 4)
    assert a.X.dtype == np.float64 and a.y.dtype == np.int64
    assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)
    assert set(np.unique(a.y)) == {0, 1, 2, 3}


def test_gaussian_classes_labels_follow_the_posterior():
    # the labels are drawn from the classes whose posterior p_true reports:
    # mean of p_true(y) over samples ~ mean of max posterior agreement
    X, y, p_true = datasets.make_gaussian_classes(40_000, separation=1.5, seed=0)
    bayes_acc = np.mean(p_true.argmax(1) == y)
    assert bayes_acc == pytest.approx(np.mean(p_true.max(1)), abs=0.01)
    # the floor H(Y|X) estimated two ways agrees
    nll = cl.categorical_cross_entropy(y, p_true)
    assert nll == pytest.approx(np.mean(cl.entropy(p_true)), abs=0.02)


def test_more_separation_means_a_lower_floor():
    floors = [np.mean(cl.entropy(datasets.make_gaussian_classes(5000, separation=s).p_true))
              for s in (0.5, 1.5, 3.0, 6.0)]
    assert np.all(np.diff(floors) < 0) and floors[0] < np.log(3)


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 0}, "n must be an integer >= 1"),
    ({"n": 2.5}, "n must be an integer >= 1"),
    ({"n": 10, "num_classes": 1}, "at least 2"),
    ({"n": 10, "num_classes": 2.0}, "num_classes must be an integer"),
    ({"n": 10, "separation": 0}, "separation must be a finite number > 0"),
    ({"n": 10, "separation": np.inf}, "separation must be"),
])
def test_gaussian_classes_bad_arguments(kwargs, match):
    n = kwargs.pop("n")
    with pytest.raises(ValueError, match=match):
        datasets.make_gaussian_classes(n, **kwargs)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, [1, 2], 1e3])
def test_a_bad_seed_raises_a_value_error_naming_seed(seed):
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0"):
        datasets.make_gaussian_classes(10, seed=seed)


@pytest.mark.parametrize("seed", [0, np.int64(7), 2**70, None])
def test_a_good_seed_gives_numpys_draws(seed):
    X, y, _ = datasets.make_gaussian_classes(10, seed=seed)
    if seed is not None:
        rng = np.random.default_rng(seed)  # the reference: numpy's generator itself
        np.testing.assert_array_equal(y, rng.integers(3, size=10))
    assert X.shape == (10, 2)


def test_a_huge_sample_count_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"n = 1,000,000,000,000 samples .* the limit is 2 GiB"):
        datasets.make_gaussian_classes(10**12)


def test_train_and_track_names_a_bad_seed():
    X = np.array([[-1.0], [1.0]])
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0"):
        cl.calibration.train_and_track(X, [0, 1], X, [0, 1], epochs=1, seed=-3)


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 10**400}, r"n = a 401-digit number samples"),
    ({"n": 10, "num_classes": 10**30}, r"K = a 31-digit number classes"),
    ({"n": 10, "separation": 10**400}, r"at most 1e\+06"),
    ({"n": 10, "separation": 1e308}, r"at most 1e\+06"),
])
def test_absurd_sizes_raise_value_errors_that_state_the_limit(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.make_gaussian_classes(**kwargs)


def test_separation_float16_is_accepted_without_a_warning():
    X, _, _ = datasets.make_gaussian_classes(5, separation=np.float16(2.0))
    assert np.isfinite(X).all()
