"""Tests for celearn.softmax_regression and notebook 12's exercises (celearn.exercises.nb12).

References: finite differences (cl.gradient_check), scikit-learn's log_loss and
LogisticRegression, loops written out per sample, and PyTorch where installed.
"""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

import celearn as cl
from celearn import softmax_regression as sr
from celearn.exercises import nb12

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

NOTEBOOK = dict(lr=1.0, lam=1e-4, batch_size=32, epochs=100, seed=0)


@pytest.fixture(scope="module")
def data():
    X, y = cl.datasets.load_digits()
    return sr.split(X / 16, y, seed=0)


@pytest.fixture(scope="module")
def run(data):
    return sr.train(data, **NOTEBOOK)


def _problem(seed=0, N=7, D=5, K=4, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, D)), rng.integers(0, K, N), rng.normal(0, scale, (D, K)),
            rng.normal(0, scale, K))


# --------------------------------------------------------------------------- split

def test_split_is_stratified_disjoint_and_complete(data):
    X, y = cl.datasets.load_digits()
    parts = sr.split(X, y, seed=0)
    sizes = [len(parts.y_train), len(parts.y_val), len(parts.y_test)]
    assert sum(sizes) == 1797 and sizes == [1078, 359, 360]
    for yy, f in [(parts.y_train, 0.6), (parts.y_val, 0.2), (parts.y_test, 0.2)]:
        assert np.all(np.abs(np.bincount(yy, minlength=10) - f * np.bincount(y)) <= 1)
    rows = np.concatenate([parts.X_train, parts.X_val, parts.X_test])
    labels = np.concatenate([parts.y_train, parts.y_val, parts.y_test])
    # the same multiset of (image, label) rows as the data
    key = lambda A, b: sorted(map(tuple, np.column_stack([A, b]).tolist()))
    assert key(rows, labels) == key(X, y)


def test_split_is_fixed_by_its_seed():
    X, y = cl.datasets.load_digits()
    a, b, c = sr.split(X, y, seed=0), sr.split(X, y, seed=0), sr.split(X, y, seed=1)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a.y_train, c.y_train)


@pytest.mark.parametrize("kwargs, word", [({"fractions": (0.5, 0.5)}, "fractions"),
                                          ({"fractions": (0.6, 0.3, 0.2)}, "fractions"),
                                          ({"seed": -1}, "seed"), ({"seed": 0.5}, "seed")])
def test_split_refuses_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        sr.split(np.zeros((10, 2)), [0, 1] * 5, **kwargs)


def test_split_refuses_mismatched_labels():
    with pytest.raises(ValueError, match="y has shape"):
        sr.split(np.zeros((10, 2)), [0, 1] * 4)


# --------------------------------------------------------------------------- loss and gradient

def test_loss_is_scikit_learns_log_loss_plus_the_penalty():
    X, y, W, b = _problem()
    p = cl.softmax(X @ W + b)
    for lam in (0.0, 0.3):
        want = log_loss(y, p, labels=range(4)) + 0.5 * lam * np.sum(W ** 2)
        assert sr.loss(X, y, W, b, lam=lam) == pytest.approx(want, rel=1e-12)


def test_loss_starts_at_ln_k(data):
    W, b = sr.init_params(64, 10)
    assert sr.loss(data.X_train, data.y_train, W, b, lam=0.5) == pytest.approx(np.log(10), rel=1e-15)


def test_loss_is_finite_and_exact_for_logits_of_1000():
    X = np.array([[10.0, 0.0], [0.0, 10.0], [5.0, 5.0]])
    W = np.array([[100.0, -100.0, 0.0], [0.0, 100.0, -100.0]])
    # row losses: ln(1 + e^-1000 + e^-2000) ~ 0, then 2000 and 500 exactly (logsumexp by hand)
    assert sr.loss(X, [0, 2, 1], W, np.zeros(3)) == pytest.approx(2500 / 3, rel=1e-15)


def test_gradients_pass_finite_differences():
    X, y, W, b = _problem(1)
    lam = 0.2
    err_W = cl.gradient_check(lambda W_: sr.loss(X, y, W_, b, lam=lam),
                              lambda W_: sr.gradients(X, y, W_, b, lam=lam)[0], W)
    err_b = cl.gradient_check(lambda b_: sr.loss(X, y, W, b_, lam=lam),
                              lambda b_: sr.gradients(X, y, W, b_, lam=lam)[1], b)
    assert err_W < 1e-8 and err_b < 1e-8


def test_gradients_equal_a_per_sample_loop():
    X, y, W, b = _problem(2)
    lam = 0.1
    dW, db = lam * W, np.zeros_like(b)
    for x_n, y_n in zip(X, y):                   # the textbook sum, one sample at a time
        g = np.exp(x_n @ W + b) / np.exp(x_n @ W + b).sum()
        g[y_n] -= 1
        dW += np.outer(x_n, g) / len(X)
        db += g / len(X)
    got_W, got_b = sr.gradients(X, y, W, b, lam=lam)
    np.testing.assert_allclose(got_W, dW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_b, db, rtol=1e-12, atol=1e-15)


def test_the_inner_loops_gradient_is_the_validated_one():
    X, y, W, b = _problem(3, scale=50.0)         # large logits too
    for got, want in zip(sr._fast_gradients(X, y, W, b, 0.3), sr.gradients(X, y, W, b, lam=0.3)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_sgd_step_moves_against_the_gradient_and_keeps_its_inputs():
    X, y, W, b = _problem(4)
    W0, b0 = W.copy(), b.copy()
    dW, db = sr.gradients(X, y, W, b, lam=0.1)
    W1, b1 = sr.sgd_step(X, y, W, b, lr=0.5, lam=0.1)
    np.testing.assert_array_equal(W1, W0 - 0.5 * dW)
    np.testing.assert_array_equal(b1, b0 - 0.5 * db)
    np.testing.assert_array_equal(W, W0)
    assert sr.loss(X, y, W1, b1, lam=0.1) < sr.loss(X, y, W, b, lam=0.1)


@pytest.mark.parametrize("call, word", [
    (lambda: sr.loss(np.zeros((3, 2)), [0, 1, 2], np.zeros((3, 3)), np.zeros(3)), "features"),
    (lambda: sr.loss(np.zeros((3, 2)), [0, 1, 2], np.zeros((2, 3)), np.zeros(2)), "b has shape"),
    (lambda: sr.loss(np.zeros((3, 2)), [0, 1, 3], np.zeros((2, 3)), np.zeros(3)), "y"),
    (lambda: sr.loss(np.zeros((3, 2)), [0, 1, 2], np.zeros((2, 3)), np.zeros(3), lam=-1), "lam"),
    (lambda: sr.sgd_step(np.zeros((3, 2)), [0, 1, 2], np.zeros((2, 3)), np.zeros(3), lr=0), "lr"),
    (lambda: sr.fit(np.zeros((3, 2)), [0, 1, 2], np.zeros((2, 3)), np.zeros(3), lr=1,
                    batch_size=0), "batch_size"),
])
def test_errors_name_the_argument(call, word):
    with pytest.raises(ValueError, match=word):
        call()


# --------------------------------------------------------------------------- the loop

def test_fit_follows_the_stated_shuffling_protocol():
    X, y, W, b = _problem(5, N=11, D=3, K=3, scale=0.1)
    args = dict(lr=0.7, lam=0.01, batch_size=4, epochs=3, seed=7)
    got = sr.fit(X, y, W, b, **args)
    want = nb12.my_fit(X, y, W, b, *args.values())   # written out independently, with loops
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


def test_full_batch_fit_is_gradient_descent():
    X, y, W, b = _problem(6)
    W_gd, b_gd = W, b
    for _ in range(5):
        dW, db = sr.gradients(X, y, W_gd, b_gd, lam=0.1)
        W_gd, b_gd = W_gd - 0.3 * dW, b_gd - 0.3 * db
    W_fit, b_fit = sr.fit(X, y, W, b, lr=0.3, lam=0.1, batch_size=len(X), epochs=5, seed=0)
    # one batch holds every sample, in shuffled order: the same sums up to rounding
    np.testing.assert_allclose(W_fit, W_gd, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b_fit, b_gd, rtol=1e-12, atol=1e-14)


def test_reference_loop_reaches_095_on_the_fixed_split(data, run):
    assert run.train_loss[0] == pytest.approx(np.log(10), rel=1e-15)
    assert sr.accuracy(data.X_test, data.y_test, run.W, run.b) >= 0.95
    assert len(run.val_loss) == NOTEBOOK["epochs"] + 1
    assert run.steps == NOTEBOOK["epochs"] * int(np.ceil(len(data.X_train) / 32))


def test_evaluate_matches_scikit_learn_and_celearn(data, run):
    ev = sr.evaluate(data.X_val, data.y_val, run.W, run.b)
    p = cl.softmax(data.X_val @ run.W + run.b)
    assert ev["nll"] == pytest.approx(log_loss(data.y_val, p, labels=range(10)), rel=1e-10)
    assert ev["ece"] == pytest.approx(cl.calibration.expected_calibration_error(data.y_val, p))
    assert ev["accuracy"] == sr.accuracy(data.X_val, data.y_val, run.W, run.b)


# --------------------------------------------------------------------------- scikit-learn

def test_sklearn_C_gives_the_same_minimiser(data):
    lam = 1e-4
    N = len(data.X_train)
    C = sr.sklearn_C(N, lam)
    assert C == pytest.approx(1 / (N * lam))
    clf = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(data.X_train, data.y_train)
    W, b = clf.coef_.T, clf.intercept_
    dW, db = sr.gradients(data.X_train, data.y_train, W, b, lam=lam)
    assert np.abs(dW).max() < 1e-6 and np.abs(db).max() < 1e-6    # stationary for OUR loss
    # and a wrong mapping (C = 1/lam, forgetting N) is not
    clf2 = LogisticRegression(C=1 / lam, max_iter=5000, tol=1e-10).fit(data.X_train, data.y_train)
    assert np.abs(sr.gradients(data.X_train, data.y_train, clf2.coef_.T, clf2.intercept_,
                               lam=lam)[0]).max() > 1e-3


def test_reference_loop_is_close_to_scikit_learn(data, run):
    N = len(data.X_train)
    clf = LogisticRegression(C=sr.sklearn_C(N, NOTEBOOK["lam"]), max_iter=2000)
    clf.fit(data.X_train, data.y_train)
    ours = sr.evaluate(data.X_test, data.y_test, run.W, run.b)
    theirs = sr.evaluate(data.X_test, data.y_test, clf.coef_.T, clf.intercept_)
    assert abs(ours["accuracy"] - theirs["accuracy"]) <= 0.01
    assert abs(ours["nll"] - theirs["nll"]) <= 0.01
    np.testing.assert_allclose(clf.predict_proba(data.X_test),
                               cl.softmax(data.X_test @ clf.coef_.T + clf.intercept_), rtol=1e-10)


# --------------------------------------------------------------------------- PyTorch

@pytest.mark.frameworks
def test_torch_linear_and_cross_entropy_give_the_same_loss_and_gradient(data, run):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    layer = torch.nn.Linear(64, 10, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(run.W.T))
        layer.bias.copy_(torch.from_numpy(run.b))
    X, y = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)
    loss = F.cross_entropy(layer(X), y)
    assert loss.item() == pytest.approx(sr.evaluate(data.X_test, data.y_test, run.W, run.b)["nll"],
                                        abs=1e-6)
    lam = 0.01
    (loss + 0.5 * lam * (layer.weight ** 2).sum()).backward()
    dW, db = sr.gradients(data.X_test, data.y_test, run.W, run.b, lam=lam)
    np.testing.assert_allclose(layer.weight.grad.numpy().T, dW, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(layer.bias.grad.numpy(), db, rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------- hinge

def test_hinge_equals_its_definition_loop():
    rng = np.random.default_rng(8)
    z, y = rng.normal(0, 2, (9, 4)), rng.integers(0, 4, 9)
    want = np.array([sum(max(0.0, z[n, j] - z[n, y[n]] + 1.0) for j in range(4) if j != y[n])
                     for n in range(9)])
    np.testing.assert_allclose(sr.hinge_loss(y, z, reduction="none"), want, rtol=1e-14)
    assert sr.hinge_loss(y, z) == pytest.approx(want.mean())
    assert sr.hinge_loss(y, z, reduction="sum") == pytest.approx(want.sum())


def test_hinge_gradient_passes_finite_differences():
    rng = np.random.default_rng(9)
    z, y = rng.normal(0, 2, (6, 4)), rng.integers(0, 4, 6)
    f = lambda zz: float(sr.hinge_loss(y, zz, reduction="sum"))
    assert cl.gradient_check(f, lambda zz: sr.hinge_grad_logits(y, zz), z, h=1e-7) < 1e-7


def test_hinge_stops_at_the_margin_cross_entropy_never_does():
    z = np.array([[3.0, 1.0, 0.0], [1.5, 1.0, 0.0]])
    y = np.array([0, 0])
    assert sr.hinge_loss(y, z, reduction="none").tolist() == [0.0, 0.5]
    assert np.all(sr.hinge_grad_logits(y, z)[0] == 0)
    assert np.all(cl.softmax_cross_entropy(y, z, reduction="none") > 0)
    assert np.all(np.abs(cl.cce_grad_logits(y, z)[0]) > 0)


# --------------------------------------------------------------------------- exercises

@pytest.mark.parametrize("exercise_id, func", [
    ("12.logits", nb12.my_logits), ("12.loss", nb12.my_loss), ("12.grad", nb12.my_gradients),
    ("12.step", nb12.my_sgd_step), ("12.fit", nb12.my_fit)])
def test_reference_solutions_pass(exercise_id, func):
    assert cl.exercises.check(exercise_id, func).right


def _loss_from(log_p_of, penalty=lambda lam, W: 0.5 * lam * np.sum(W * W)):
    def f(X, y, W, b, lam):
        return log_p_of(X @ W + b, y) + penalty(lam, W)
    return f


def _stable_log_p(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))


def _grads(transform):
    def f(X, y, W, b, lam):
        P = cl.softmax(X @ W + b)
        return transform(X, y, W, P, lam)
    return f


_T = lambda y, W: np.eye(W.shape[1])[y]

SLIPS = [
    ("12.loss", _loss_from(lambda Z, y: -np.sum(_stable_log_p(Z)[np.arange(len(y)), y])),
     "sum_for_mean"),
    ("12.loss", _loss_from(lambda Z, y: -np.mean(np.log(
        np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))[np.arange(len(y)), y])), "nan"),
    ("12.loss", _loss_from(lambda Z, y: -np.mean(np.sum(y * _stable_log_p(Z), axis=1))),
     "forgot_one_hot"),
    ("12.loss", _loss_from(lambda Z, y: -np.mean(_stable_log_p(Z)[np.arange(len(y)), y]),
                           penalty=lambda lam, W: lam * np.sum(W * W)), "l2_factor"),
    ("12.grad", _grads(lambda X, y, W, P, lam: (X.T @ (P - _T(y, W)) / len(X) + 2 * lam * W,
                                                ((P - _T(y, W)) / len(X)).sum(0))), "l2_twice"),
    ("12.grad", _grads(lambda X, y, W, P, lam: (X.T @ (P - _T(y, W)) / len(X),
                                                ((P - _T(y, W)) / len(X)).sum(0))), "l2_missing"),
    ("12.grad", _grads(lambda X, y, W, P, lam: ((P - _T(y, W)).T @ X / len(X) + lam * W.T,
                                                ((P - _T(y, W)) / len(X)).sum(0))), "transposed"),
    ("12.grad", _grads(lambda X, y, W, P, lam: (X.T @ (P - y[:, None]) / len(X) + lam * W,
                                                ((P - y[:, None]) / len(X)).sum(0))),
     "forgot_one_hot"),
    ("12.grad", _grads(lambda X, y, W, P, lam: (X.T @ (P - _T(y, W)) + lam * W,
                                                (P - _T(y, W)).sum(0))), "sum_for_mean"),
    ("12.step", lambda X, y, W, b, lr, lam: tuple(
        p + lr * g for p, g in zip((W, b), nb12.my_gradients(X, y, W, b, lam))), "ascent"),
]


@pytest.mark.parametrize("exercise_id, func, key", SLIPS,
                         ids=[f"{e}-{k}" for e, _, k in SLIPS])
def test_slips_are_named(exercise_id, func, key):
    cl.exercises.reset_attempts()
    fb = cl.exercises.check(exercise_id, func)
    assert not fb.right and fb.diagnosis == key, fb.message


def test_the_transposition_x_at_g_is_explained():
    def f(X, y, W, b, lam):
        G = (cl.softmax(X @ W + b) - _T(y, W)) / len(X)
        return X @ G + lam * W, G.sum(0)
    fb = cl.exercises.check("12.grad", f)
    assert not fb.right and fb.diagnosis == "exception" and "X.T @ G" in fb.message


def _loop_variant(fresh_rng_each_epoch=False, shuffle=True):
    def fit(X, y, W, b, lr, lam, batch_size, epochs, seed):
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            if fresh_rng_each_epoch:
                rng = np.random.default_rng(seed)
            order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
            for i in range(0, len(X), batch_size):
                idx = order[i:i + batch_size]
                W, b = nb12.my_sgd_step(X[idx], y[idx], W, b, lr, lam)
        return W, b
    return fit


@pytest.mark.parametrize("func, key", [(_loop_variant(fresh_rng_each_epoch=True),
                                        "same_order_every_epoch"),
                                       (_loop_variant(shuffle=False), "no_shuffle")])
def test_loop_slips_are_named(func, key):
    fb = cl.exercises.check("12.fit", func)
    assert not fb.right and fb.diagnosis == key, fb.message


def test_a_single_array_where_a_pair_is_wanted():
    fb = cl.exercises.check("12.grad", lambda X, y, W, b, lam: nb12.my_gradients(X, y, W, b, lam)[0])
    assert fb.diagnosis == "not_a_pair" and "(dW, db)" in fb.message


def test_answers_and_their_slips():
    assert cl.exercises.check("12.start", np.log(10)).right
    assert cl.exercises.check("12.start", np.log2(10)).diagnosis == "bits_for_nats"
    assert cl.exercises.check("12.C", 1 / (1078 * 1e-4)).right
    assert cl.exercises.check("12.C", 1 / 1e-4).diagnosis == "forgot_N"


def test_the_c_exercise_uses_the_notebooks_training_size(data):
    assert len(data.X_train) == nb12._N_TRAIN


def test_references_take_the_exercises_arguments():
    X, y, W, b = _problem(10)
    assert sr.loss(X, y, W, b, 0.1) == pytest.approx(nb12.my_loss(X, y, W, b, 0.1), rel=1e-12)
    pairs = [(sr.gradients(X, y, W, b, 0.1), nb12.my_gradients(X, y, W, b, 0.1)),
             (sr.sgd_step(X, y, W, b, 0.5, 0.1), nb12.my_sgd_step(X, y, W, b, 0.5, 0.1)),
             (sr.fit(X, y, W, b, 0.5, 0.1, 3, 2, 0), nb12.my_fit(X, y, W, b, 0.5, 0.1, 3, 2, 0))]
    for got, want in pairs:
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


def test_compare_rows(data, run):
    torch = pytest.importorskip("torch")
    cmp = sr.compare(data, run.W, run.b, lam=NOTEBOOK["lam"])
    names = [r[0] for r in cmp.rows]
    assert len(names) == 3 and "scikit-learn" in names[1] and "PyTorch" in names[2]
    ours, sk, th = cmp.rows
    assert th[2] == pytest.approx(ours[2], abs=1e-6) and th[1] == ours[1]
    assert abs(sk[1] - ours[1]) <= 0.01 and abs(sk[2] - ours[2]) <= 0.01
    assert cmp.objective["scikit-learn's"] <= cmp.objective["yours"]
    assert cmp.missing == [] and "test accuracy" in repr(cmp)
    assert torch.__name__ == "torch"


def test_compare_without_the_frameworks(data, run):
    import subprocess
    import sys
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['torch'] = None\n"
            "import numpy as np, celearn as cl\n"
            "sr = cl.softmax_regression\n"
            "X, y = cl.datasets.load_digits(); d = sr.split(X / 16, y)\n"
            "W, b = sr.fit(d.X_train, d.y_train, *sr.init_params(64, 10), 1.0, 1e-4, 32, 5, 0)\n"
            "print(sr.compare(d, W, b, lam=1e-4))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "scikit-learn is not installed" in out and "torch is not installed" in out
    assert "your loop" in out
