"""celearn.training: the softmax-regression trainer behind notebook 05's race."""
import numpy as np
import pytest

import celearn as cl
from celearn.training import loss_and_grad, standardize, train_softmax_regression


@pytest.fixture(scope="module")
def iris():
    data = cl.datasets.load_iris()
    return standardize(data.X), data.y


def flat_objective(W_shape, X, y, loss):
    D, K = W_shape

    def f(theta):
        return loss_and_grad(theta[: D * K].reshape(D, K), theta[D * K:], X, y, loss=loss)[0]

    return f


@pytest.mark.parametrize("loss", ["ce", "mse"])
@pytest.mark.parametrize("scale", [0.1, 1.0, 4.0])
def test_gradient_matches_finite_differences(iris, loss, scale):
    X, y = iris
    X, y = X[::7], y[::7]  # 22 flowers of all three species
    rng = np.random.default_rng(1)
    W, b = scale * rng.standard_normal((4, 3)), rng.standard_normal(3)
    _, dW, db = loss_and_grad(W, b, X, y, loss=loss)
    numeric = cl.numerical_gradient(flat_objective(W.shape, X, y, loss),
                                    np.concatenate([W.ravel(), b]))
    analytic = np.concatenate([dW.ravel(), db])
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_ce_gradient_is_p_minus_t_and_mse_uses_the_jacobian():
    X = np.array([[1.0, -2.0], [0.5, 0.3]])
    y = np.array([2, 0])
    W = np.array([[0.2, -0.1, 0.4], [0.3, 0.0, -0.5]])
    b = np.array([0.1, -0.2, 0.0])
    z = X @ W + b
    p, t = cl.softmax(z), cl.one_hot(y, 3)
    _, dW, db = loss_and_grad(W, b, X, y, loss="ce")
    assert np.allclose(db, (p - t).mean(axis=0))
    _, dW, db = loss_and_grad(W, b, X, y, loss="mse")
    per_sample = np.stack([cl.softmax_jacobian(z[n]).T @ (2 * (p[n] - t[n])) for n in range(2)])
    assert np.allclose(db, per_sample.mean(axis=0))
    assert np.allclose(dW, X.T @ per_sample / 2)


def test_loss_values_are_the_celearn_losses(iris):
    X, y = iris
    run_ce = train_softmax_regression(X, y, loss="ce", epochs=1, init_scale=0.5, seed=2)
    run_se = train_softmax_regression(X, y, loss="mse", epochs=1, init_scale=0.5, seed=2)
    W0 = 0.5 * np.random.default_rng(2).standard_normal((4, 3))
    p = cl.softmax(X @ W0)
    assert run_ce.loss[0] == pytest.approx(cl.categorical_cross_entropy(y, p))
    assert run_se.loss[0] == pytest.approx(
        3 * cl.mean_squared_error(cl.one_hot(y, 3), p))  # summed over the 3 classes
    assert run_ce.accuracy[0] == run_se.accuracy[0] == np.mean(p.argmax(axis=1) == y)


def test_history_shapes_and_determinism(iris):
    X, y = iris
    a = train_softmax_regression(X, y, loss="mse", lr=0.3, epochs=40, init_scale=2.0, seed=5)
    b = train_softmax_regression(X, y, loss="mse", lr=0.3, epochs=40, init_scale=2.0, seed=5)
    assert a.loss.shape == a.accuracy.shape == (41,)
    assert a.W.shape == (4, 3) and a.b.shape == (3,)
    assert np.array_equal(a.loss, b.loss) and np.array_equal(a.W, b.W)
    assert "epochs=40" in repr(a)


def test_cross_entropy_learns_iris(iris):
    X, y = iris
    run = train_softmax_regression(X, y, loss="ce", lr=0.5, epochs=300, init_scale=0.01)
    assert np.all(np.diff(run.loss) < 0)  # small steps on a convex loss: always downhill
    assert run.accuracy[-1] > 0.95


def test_confidently_wrong_start_stalls_squared_error_only(iris):
    X, y = iris
    runs = {loss: train_softmax_regression(X, y, loss=loss, lr=0.5, epochs=300,
                                           init_scale=4.0, seed=3) for loss in ("ce", "mse")}
    assert runs["ce"].accuracy[0] < 0.2  # the start is confidently wrong
    assert runs["ce"].accuracy[-1] > 0.95
    assert runs["mse"].accuracy[-1] < 0.5
    # the squared-error model barely moved its loss: the gradient vanished
    assert runs["mse"].loss[-1] > 0.8 * runs["mse"].loss[0]


def test_zero_scale_starts_uniform(iris):
    X, y = iris
    run = train_softmax_regression(X, y, loss="ce", epochs=1, init_scale=0.0)
    assert run.loss[0] == pytest.approx(np.log(3))


def test_standardize():
    Z = standardize([[1.0, 5.0], [2.0, 7.0], [3.0, 9.0]])
    assert np.allclose(Z.mean(axis=0), 0) and np.allclose(Z.std(axis=0), 1)
    with pytest.raises(ValueError, match="column 1 is constant"):
        standardize([[1.0, 2.0], [3.0, 2.0]])


@pytest.mark.parametrize("kwargs, match", [
    (dict(loss="hinge"), "loss must be 'ce'"),
    (dict(lr=0), "lr must be a finite number > 0"),
    (dict(lr=float("nan")), "lr must be"),
    (dict(epochs=2.5), "epochs must be an integer"),
    (dict(epochs=0), "epochs must be"),
    (dict(init_scale=-1.0), "init_scale must be a finite number >= 0"),
])
def test_bad_options_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_softmax_regression([[0.0], [1.0]], [0, 1], **kwargs)


def test_bad_data_raise():
    with pytest.raises(ValueError, match="y has shape"):
        train_softmax_regression([[0.0], [1.0]], [0, 1, 1])
    with pytest.raises(ValueError, match="X must have shape"):
        train_softmax_regression([0.0, 1.0], [0, 1])
    with pytest.raises(ValueError, match="integer dtype"):
        train_softmax_regression([[0.0], [1.0]], [0.0, 1.5])
    with pytest.raises(ValueError, match="outside"):
        train_softmax_regression([[0.0], [1.0]], [0, 3], num_classes=2)


@pytest.mark.parametrize("loss", ["ce", "mse"])
def test_the_loops_fast_gradient_is_the_checked_one(loss):
    # the training loop skips validation, stacks its runs and uses J^T d = p (d - p.d);
    # it must agree with the public, validated gradient (softmax_jacobian, einsum)
    # everywhere, logits of +-1000 included, in either slot of the stack
    from celearn.training import _grad_logits, _grad_logits_stacked

    rng = np.random.default_rng(7)
    for scale in (0.1, 3.0, 30.0, 1000.0):
        z = scale * rng.standard_normal((40, 4))
        t = cl.one_hot(rng.integers(0, 4, 40), 4)
        other = "ce" if loss == "mse" else "mse"
        for losses, i in (((loss,), 0), ((other, loss), 1), ((loss, other), 0)):
            stacked = np.stack([z] * len(losses))
            fast = _grad_logits_stacked(losses, t, stacked)[i]
            checked = _grad_logits(loss, t, z)
            assert np.all(np.isfinite(fast))
            np.testing.assert_allclose(fast, checked, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", ["ce", "mse"])
def test_training_is_gradient_descent_on_loss_and_grad(iris, loss):
    # an independent loop over the public loss_and_grad gives the same weights and losses
    X, y = iris
    run = train_softmax_regression(X, y, loss=loss, lr=0.7, epochs=25, init_scale=2.0, seed=5)
    W = 2.0 * np.random.default_rng(5).standard_normal((4, 3))
    b = np.zeros(3)
    values = []
    for _ in range(25):
        value, dW, db = loss_and_grad(W, b, X, y, loss=loss)
        values.append(value)
        W, b = W - 0.7 * dW, b - 0.7 * db
    values.append(loss_and_grad(W, b, X, y, loss=loss)[0])
    np.testing.assert_allclose(run.W, W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(run.b, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(run.loss, values, rtol=1e-10)


def test_runs_trained_together_are_the_runs_trained_alone(iris):
    # notebook 05's race trains both losses in one stacked loop; each run must be the one
    # train_softmax_regression gives for its loss alone (same start, same steps)
    from celearn.training import _train

    X, y = iris
    both = _train(("ce", "mse"), X, y, lr=0.5, epochs=60, init_scale=4.0, seed=3)
    assert set(both) == {"ce", "mse"}
    for loss, run in both.items():
        alone = train_softmax_regression(X, y, loss=loss, lr=0.5, epochs=60, init_scale=4.0,
                                         seed=3)
        assert run.loss_name == loss
        np.testing.assert_allclose(run.loss, alone.loss, rtol=1e-12)
        np.testing.assert_array_equal(run.accuracy, alone.accuracy)
        np.testing.assert_allclose(run.W, alone.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(run.b, alone.b, rtol=1e-12, atol=1e-14)
    assert not np.allclose(both["ce"].W, both["mse"].W)   # two different runs, not one twice
