"""Tests for celearn.practice: the experiments of notebooks 10 and 11, against scipy,
scikit-learn and closed forms. The frameworks themselves are run in tests/test_frameworks.py."""
import numpy as np
import pytest
import scipy.optimize
from sklearn.metrics import log_loss

import celearn as cl
from celearn import practice as pr

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def _row(call_start):
    table = pr.ConventionTable()
    for row, value in zip(table.rows, table.values):
        if row.call.startswith(call_start):
            return table.example, value
    raise AssertionError(call_start)


def test_sklearn_row_is_log_loss():
    ex, value = _row("log_loss")
    assert value == pytest.approx(log_loss(ex.y, ex.p, labels=[0, 1, 2]), rel=1e-12)


def test_table_renders_every_row():
    md = pr.ConventionTable()._repr_markdown_()
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == len(pr.conventions()) + 2  # header, rule, one per convention
    assert md.rstrip().endswith(pr.ConventionTable.footnote)
    for fw in ("PyTorch", "Keras 3", "scikit-learn", "optax"):
        assert fw in md


def test_double_softmax_floor_is_the_minimum_over_probabilities():
    # minimise softmax_cross_entropy(0, p) over p on the simplex (p = softmax(u))
    f = lambda u: float(pr.double_softmax_loss_and_grad([0], u[None, :])[0][0])
    res = scipy.optimize.minimize(f, np.array([3.0, 0.0, 0.0]), method="Nelder-Mead")
    assert res.fun >= pr.double_softmax_floor(3) - 1e-12
    assert res.fun == pytest.approx(pr.double_softmax_floor(3), abs=1e-3)


def test_double_softmax_gradient_is_the_chain_rule():
    z = np.random.default_rng(0).normal(0, 2, (4, 3))
    y = np.array([0, 2, 1, 1])
    err = cl.gradient_check(lambda x: pr.double_softmax_loss_and_grad(y, x)[0].sum(),
                            lambda x: pr.double_softmax_loss_and_grad(y, x)[1], z)
    assert err < 1e-8


def test_padding_dilution_is_the_share_of_real_tokens():
    y, z = pr.padded_batch()
    losses = pr.padding_losses(y, z)
    share = (y != -100).mean()
    assert losses["zeroed, ÷ all"] == pytest.approx(losses["ignore_index"] * share, rel=1e-12)


def test_balanced_weights_and_pos_weight_have_the_same_minimiser():
    study = pr.imbalance_study(epochs=300)
    pw = [k for k in study if k.startswith("pos_weight =")][0]
    np.testing.assert_array_equal(study["class weights (balanced)"]["recall"], study[pw]["recall"])
    assert study["plain BCE"]["recall"][1] < study[pw]["recall"][1]


def test_smoothing_curve_minimum_is_the_entropy_at_the_optimal_gap():
    for eps, k in [(0.1, 10), (0.3, 3), (0.05, 20)]:
        res = scipy.optimize.minimize_scalar(lambda g: float(pr.smoothing_loss_curve([g], eps, k)[0]),
                                             bounds=(0, 30), method="bounded",
                                             options={"xatol": 1e-10})
        assert res.x == pytest.approx(pr.optimal_logit_gap(eps, k), abs=1e-5)
        assert res.fun == pytest.approx(float(cl.entropy(pr.smoothed_target(0, k, eps))), rel=1e-9)


def test_focal_curve_is_the_closed_form():
    p = np.linspace(0.01, 0.99, 50)
    for g in (0.0, 0.5, 2.0):
        np.testing.assert_allclose(pr.focal_curve(p, g), -(1 - p) ** g * np.log(p), rtol=1e-12)


def test_multilabel_softmax_cannot_say_yes_twice():
    fit = pr.multilabel_vs_multiclass()
    assert fit["softmax"][:2].max() <= 0.5 and fit["softmax_loss"] >= np.log(2)
    assert fit["sigmoid"][:2].min() > 0.99


def test_confidence_race_step_300_is_iris_race():
    """The fast numpy loop of confidence_race against iris_race's celearn calls."""
    race, long = pr.iris_race(), pr.confidence_race(checkpoints=(300, 1000))
    assert long["ce_right"][0] == pytest.approx(race["right"].loss[-1], rel=1e-12)
    assert long["ce_double"][0] == pytest.approx(race["right_on_double"], rel=1e-12)
    assert long["accuracy_double"][0] == race["double softmax"].accuracy[-1]
    # the right model's steps to match: its loss curve crosses the double model's CE there
    m = long["right_steps_to_match"][0]
    assert race["right"].loss[m] <= long["ce_double"][0] < race["right"].loss[m - 1]


def test_threshold_moving_gives_the_weighted_recalls():
    study = pr.imbalance_study()  # converged: 300 epochs leave the plain model short of its optimum
    pw = [k for k in study if k.startswith("pos_weight =")][0]
    moved = study["plain BCE, threshold 1/(1 + pos_weight)"]
    assert moved["threshold"] == pytest.approx(1 / (1 + study["pos_weight"]))
    assert np.max(np.abs(moved["recall"] - study[pw]["recall"])) < 0.01
    assert study["plain BCE"]["recall"][1] < 0.5 < moved["recall"][1]
    assert study["plain BCE"]["ece"] < study[pw]["ece"]
    assert study["plain BCE"]["test_bce"] < study[pw]["test_bce"]


def test_positive_class_ece_against_sklearn_bins():
    from sklearn.calibration import calibration_curve
    rng = np.random.default_rng(3)
    p = rng.random(500)
    t = (rng.random(500) < p ** 2).astype(int)
    frac, mean_p = calibration_curve(t, p, n_bins=10)
    counts = np.histogram(p, bins=np.linspace(0, 1, 11))[0]
    counts = counts[counts > 0]
    want = float(np.sum(counts * np.abs(frac - mean_p)) / counts.sum())
    assert pr.positive_class_ece(t, p) == pytest.approx(want, rel=1e-12)


def test_multi_hot_loss_is_the_sum_of_the_true_classes_surprisals():
    z = np.array([1.0, -0.5, 2.0])
    want = -np.log(cl.softmax(z)[0]) - np.log(cl.softmax(z)[2])
    assert pr.multi_hot_cross_entropy([1, 0, 1], z) == pytest.approx(want, rel=1e-12)
    fit = pr.multilabel_vs_multiclass()
    assert fit["multi_hot_loss"] == pytest.approx(2 * fit["softmax_loss"], rel=1e-12)
    assert fit["multi_hot_floor"] == pytest.approx(2 * np.log(2), rel=1e-15)


def test_keras_on_logits_clips_silently():
    assert pr.keras_bce_on_logits([1.0], [5.0]) == pytest.approx(-np.log1p(-1e-7), rel=1e-9)
    assert pr.keras_bce_on_logits([1.0], [-5.0]) == pytest.approx(-np.log(1e-7), rel=1e-12)


def test_call_and_catch_returns_the_warnings_as_text():
    import warnings

    def noisy(x):
        warnings.warn("first", UserWarning)
        warnings.warn("second", cl.ProbableMistakeWarning)
        return 2 * x

    assert pr.call_and_catch(noisy, 3) == (6, ["UserWarning: first", "ProbableMistakeWarning: second"])
    assert pr.call_and_catch(lambda: 1) == (1, [])
