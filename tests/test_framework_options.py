"""Tests for the frameworks' options: class weights, ignore_index, label smoothing,
pos_weight and focal losses (celearn.framework_options and the losses that use it).

Two kinds of test:

* PyTorch as an oracle (optional: skipped when torch is absent): every combination
  of the options must give torch's number to 1e-12 relative in float64;
  torchvision's sigmoid_focal_loss is used when installed, else its published
  formula transcribed in torch.
* torch-independent: hand-written references (per-sample Python loops with
  math.log, scipy.special), gradient_check of every gradient, reductions to the
  plain losses, extreme logits and float32.
"""
import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import celearn as cl

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

RTOL = 1e-12
REDUCTIONS = ["mean", "sum", "none"]
N, K = 24, 5


def rng(seed=0):
    return np.random.default_rng(seed)


def class_data(seed=0, n=N, k=K, scale=3.0):
    r = rng(seed)
    z = r.normal(size=(n, k)) * scale
    y = r.integers(0, k, n)
    soft = r.dirichlet(np.ones(k), size=n)
    w = r.uniform(0.2, 3.0, k)
    return z, y, soft, w


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def close(ours, ref, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), ref, rtol=rtol, atol=0)


# =========================================================== torch oracle: softmax CE
CLASS_CASES = [
    (w, ii, ls, targets, red)
    for w, ii, ls, targets, red in itertools.product(
        [False, True], [None, -100, 1], [0.0, 0.1, 1.0], ["labels", "probs"], REDUCTIONS
    )
    if not (ii is not None and targets == "probs")  # refused: tested below
]


def _class_case(seed, use_w, ii, targets):
    z, y, soft, w = class_data(seed)
    if ii == -100:
        y = y.copy()
        y[::4] = -100  # padding positions
    t = y if targets == "labels" else soft
    return z, t, (w if use_w else None)


def _torch_kwargs(torch, w, ii, ls, red):
    kw = {"reduction": red, "label_smoothing": ls}
    if w is not None:
        kw["weight"] = torch.tensor(w)
    if ii is not None:
        kw["ignore_index"] = ii
    return kw


def _torch_target(torch, t):
    return torch.tensor(t) if t.dtype.kind == "f" else torch.tensor(t, dtype=torch.long)


@pytest.mark.parametrize("use_w, ii, ls, targets, red", CLASS_CASES)
def test_softmax_cross_entropy_matches_torch(torch, use_w, ii, ls, targets, red):
    F = torch.nn.functional
    z, t, w = _class_case(1, use_w, ii, targets)
    ours = cl.softmax_cross_entropy(t, z, reduction=red, weight=w, ignore_index=ii,
                                    label_smoothing=ls)
    ref = F.cross_entropy(torch.tensor(z), _torch_target(torch, t),
                          **_torch_kwargs(torch, w, ii, ls, red)).numpy()
    close(ours, ref)


@pytest.mark.parametrize("use_w, ii, ls, targets, red", CLASS_CASES)
def test_categorical_cross_entropy_matches_torch(torch, use_w, ii, ls, targets, red):
    F = torch.nn.functional
    z, t, w = _class_case(2, use_w, ii, targets)
    p = cl.softmax(z)
    ours = cl.categorical_cross_entropy(t, p, reduction=red, weight=w, ignore_index=ii,
                                        label_smoothing=ls)
    # log p are logits whose softmax is p: torch's cross_entropy applies to them
    ref = F.cross_entropy(torch.log(torch.tensor(p)), _torch_target(torch, t),
                          **_torch_kwargs(torch, w, ii, ls, red)).numpy()
    close(ours, ref)


@pytest.mark.parametrize("use_w, ii, ls", list(itertools.product([False, True], [None, -100, 1],
                                                            [0.0, 0.2])))
def test_cce_grad_logits_matches_torch_autograd(torch, use_w, ii, ls):
    F = torch.nn.functional
    z, t, w = _class_case(3, use_w, ii, "labels")
    zt = torch.tensor(z, requires_grad=True)
    F.cross_entropy(zt, _torch_target(torch, t), **_torch_kwargs(torch, w, ii, ls, "sum")).backward()
    ours = cl.cce_grad_logits(t, z, weight=w, ignore_index=ii, label_smoothing=ls)
    ref = zt.grad.numpy()
    assert np.max(np.abs(ours - ref)) <= 1e-14 * np.max(np.abs(ref))


def test_single_sample_and_scalar_label_match_torch(torch):
    F = torch.nn.functional
    z, _, _, w = class_data(4)
    z1 = z[0]
    for red in REDUCTIONS:
        ours = cl.softmax_cross_entropy(2, z1, reduction=red, weight=w, label_smoothing=0.3)
        ref = F.cross_entropy(torch.tensor(z1), torch.tensor(2), weight=torch.tensor(w),
                              label_smoothing=0.3, reduction=red).numpy()
        close(ours, ref)


# =========================================================== torch oracle: binary losses
N_ROWS, C = 16, 4


def binary_data(seed=0, soft=False, scale=2.0):
    r = rng(seed)
    z = r.normal(size=(N_ROWS, C)) * scale
    t = r.uniform(0, 1, (N_ROWS, C)) if soft else r.integers(0, 2, (N_ROWS, C)).astype(float)
    return z, t


WEIGHT_SHAPES = [None, (C,), (N_ROWS, C), (N_ROWS, 1)]
POS_WEIGHTS = [None, "vector", "scalar"]


def _weights(seed, shape, pw_kind):
    r = rng(seed + 100)
    w = None if shape is None else r.uniform(0, 2, shape)
    pw = {None: None, "vector": r.uniform(0.5, 5, C), "scalar": np.float64(3.0)}[pw_kind]
    return w, pw


@pytest.mark.parametrize("wshape, pw_kind, ls, soft, red",
                         list(itertools.product(WEIGHT_SHAPES, POS_WEIGHTS, [0.0, 0.2], [False, True],
                                           REDUCTIONS)))
def test_bce_with_logits_matches_torch(torch, wshape, pw_kind, ls, soft, red):
    F = torch.nn.functional
    z, t = binary_data(5, soft)
    w, pw = _weights(5, wshape, pw_kind)
    ours = cl.binary_cross_entropy_with_logits(t, z, reduction=red, weight=w, pos_weight=pw,
                                               label_smoothing=ls)
    t_smooth = t * (1 - ls) + ls / 2  # Keras's rule, applied before torch's loss
    ref = F.binary_cross_entropy_with_logits(
        torch.tensor(z), torch.tensor(t_smooth), reduction=red,
        weight=None if w is None else torch.tensor(w),
        pos_weight=None if pw is None else torch.as_tensor(pw)).numpy()
    close(ours, ref, rtol=1e-12)


@pytest.mark.parametrize("wshape, pw_kind, ls", list(itertools.product(WEIGHT_SHAPES, POS_WEIGHTS,
                                                                  [0.0, 0.2])))
def test_bce_grad_logits_matches_torch_autograd(torch, wshape, pw_kind, ls):
    F = torch.nn.functional
    z, t = binary_data(6, soft=True)
    w, pw = _weights(6, wshape, pw_kind)
    zt = torch.tensor(z, requires_grad=True)
    F.binary_cross_entropy_with_logits(
        zt, torch.tensor(t * (1 - ls) + ls / 2), reduction="sum",
        weight=None if w is None else torch.tensor(w),
        pos_weight=None if pw is None else torch.as_tensor(pw)).backward()
    ours = cl.bce_grad_logits(t, z, weight=w, pos_weight=pw, label_smoothing=ls)
    ref = zt.grad.numpy()
    assert np.max(np.abs(ours - ref)) <= 1e-14 * np.max(np.abs(ref))


@pytest.mark.parametrize("wshape, ls, soft, red",
                         list(itertools.product(WEIGHT_SHAPES, [0.0, 0.2], [False, True], REDUCTIONS)))
def test_bce_matches_torch(torch, wshape, ls, soft, red):
    F = torch.nn.functional
    z, t = binary_data(7, soft)
    p = cl.sigmoid(z / 2)  # within (0.01, 0.99): torch clamps log at -100, never reached
    w, _ = _weights(7, wshape, None)
    ours = cl.binary_cross_entropy(t, p, reduction=red, weight=w, label_smoothing=ls)
    ref = F.binary_cross_entropy(torch.tensor(p), torch.tensor(t * (1 - ls) + ls / 2),
                                 reduction=red,
                                 weight=None if w is None else torch.tensor(w)).numpy()
    close(ours, ref)


# =========================================================== torch oracle: focal losses
def torchvision_sigmoid_focal_loss(torch, inputs, targets, alpha, gamma, reduction):
    """torchvision.ops.sigmoid_focal_loss if installed, else its code (v0.2x) transcribed."""
    try:
        from torchvision.ops import sigmoid_focal_loss
    except ImportError:
        F = torch.nn.functional
        p = torch.sigmoid(inputs)
        ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
        p_t = p * targets + (1 - p) * (1 - targets)
        loss = ce_loss * ((1 - p_t) ** gamma)
        if alpha >= 0:
            alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
            loss = alpha_t * loss
        return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]
    return sigmoid_focal_loss(inputs, targets, alpha=alpha, gamma=gamma, reduction=reduction)


GAMMAS = [0.0, 0.5, 2.0, 3.7]


@pytest.mark.parametrize("gamma, alpha, soft, red",
                         list(itertools.product(GAMMAS, [None, 0.0, 0.25, 1.0], [False, True],
                                           REDUCTIONS)))
def test_sigmoid_focal_loss_matches_torchvision(torch, gamma, alpha, soft, red):
    z, t = binary_data(8, soft)
    ours = cl.sigmoid_focal_loss(t, z, gamma=gamma, alpha=alpha, reduction=red)
    ref = torchvision_sigmoid_focal_loss(torch, torch.tensor(z), torch.tensor(t),
                                         -1 if alpha is None else alpha, gamma, red).numpy()
    close(ours, ref, rtol=1e-11 if gamma else RTOL)  # torch's 1 - p_t cancels a little


@pytest.mark.parametrize("gamma, alpha", list(itertools.product(GAMMAS, [None, 0.25])))
def test_sigmoid_focal_grad_matches_torch_autograd(torch, gamma, alpha):
    z, t = binary_data(9, soft=True)
    zt = torch.tensor(z, requires_grad=True)
    torchvision_sigmoid_focal_loss(torch, zt, torch.tensor(t), -1 if alpha is None else alpha,
                                   gamma, "sum").backward()
    ours = cl.sigmoid_focal_grad_logits(t, z, gamma=gamma, alpha=alpha)
    ref = zt.grad.numpy()
    assert np.max(np.abs(ours - ref)) <= 1e-12 * np.max(np.abs(ref))


def torch_softmax_focal(torch, z, t_rows, gamma, alpha):
    lp = torch.log_softmax(z, dim=-1)
    a = torch.ones(z.shape[-1], dtype=z.dtype) if alpha is None else torch.tensor(alpha)
    return -(t_rows * a * (1 - lp.exp()) ** gamma * lp).sum(-1)


@pytest.mark.parametrize("gamma, use_alpha, targets, red",
                         list(itertools.product(GAMMAS, [False, True], ["labels", "probs"], REDUCTIONS)))
def test_softmax_focal_loss_matches_torch(torch, gamma, use_alpha, targets, red):
    z, y, soft, w = class_data(10)
    alpha = w / w.max() if use_alpha else None
    t = y if targets == "labels" else soft
    rows = cl.one_hot(y, K) if targets == "labels" else soft
    ours = cl.softmax_focal_loss(t, z, gamma=gamma, alpha=alpha, reduction=red)
    per = torch_softmax_focal(torch, torch.tensor(z), torch.tensor(rows), gamma, alpha)
    ref = {"none": per, "mean": per.mean(), "sum": per.sum()}[red].numpy()
    close(ours, ref, rtol=1e-11)


@pytest.mark.parametrize("gamma, use_alpha", list(itertools.product(GAMMAS, [False, True])))
def test_softmax_focal_grad_matches_torch_autograd(torch, gamma, use_alpha):
    z, y, _, w = class_data(11)
    alpha = w / w.max() if use_alpha else None
    zt = torch.tensor(z, requires_grad=True)
    torch_softmax_focal(torch, zt, torch.tensor(cl.one_hot(y, K)), gamma, alpha).sum().backward()
    ours = cl.softmax_focal_grad_logits(y, z, gamma=gamma, alpha=alpha)
    ref = zt.grad.numpy()
    assert np.max(np.abs(ours - ref)) <= 1e-12 * np.max(np.abs(ref))


# =========================================================== hand-written references
def ce_reference(y, z, w=None, ignore=None, eps=0.0):
    """Per-sample Python loop with math.log: torch's definition, written out."""
    n, k = z.shape
    w = [1.0] * k if w is None else list(w)
    total, denominator, per = 0.0, 0.0, []
    for i in range(n):
        if ignore is not None and y[i] == ignore:
            per.append(0.0)
            continue
        m = max(z[i])
        lse = m + math.log(sum(math.exp(v - m) for v in z[i]))
        nll = w[y[i]] * (lse - z[i][y[i]])
        smooth = sum(w[j] * (lse - z[i][j]) for j in range(k)) / k
        per.append((1 - eps) * nll + eps * smooth)
        denominator += w[y[i]]
    total = sum(per)
    return np.array(per), total, total / denominator


@pytest.mark.parametrize("use_w, ii, ls", list(itertools.product([False, True], [None, -100, 3],
                                                            [0.0, 0.25])))
def test_softmax_cross_entropy_matches_hand_loop(use_w, ii, ls):
    z, y, _, w = class_data(12)
    y = y.copy()
    if ii == -100:
        y[1::3] = -100
    w = w if use_w else None
    per, total, mean = ce_reference(y, z, w, ii, ls)
    kw = dict(weight=w, ignore_index=ii, label_smoothing=ls)
    close(cl.softmax_cross_entropy(y, z, reduction="none", **kw), per, 1e-13)
    close(cl.softmax_cross_entropy(y, z, reduction="sum", **kw), total, 1e-13)
    close(cl.softmax_cross_entropy(y, z, **kw), mean, 1e-13)
    close(cl.categorical_cross_entropy(y, sp.softmax(z, axis=1), **kw), mean, 1e-12)


def test_weighted_probability_targets_mean_divides_by_n():
    z, _, soft, w = class_data(13)
    per = -(soft * w * sp.log_softmax(z, axis=1)).sum(axis=1)
    close(cl.softmax_cross_entropy(soft, z, weight=w), per.sum() / N, 1e-13)


def test_bce_with_logits_pos_weight_matches_scipy_reference():
    z, t = binary_data(14, soft=True)
    pw = rng(15).uniform(0.5, 5, C)
    ref = -(pw * t * np.log(sp.expit(z)) + (1 - t) * np.log(sp.expit(-z)))
    close(cl.binary_cross_entropy_with_logits(t, z, pos_weight=pw, reduction="none"), ref, 1e-13)


def test_sigmoid_focal_matches_scipy_reference():
    z, t = binary_data(16, soft=True)
    p = sp.expit(z)
    p_t = p * t + (1 - p) * (1 - t)
    a_t = 0.25 * t + 0.75 * (1 - t)
    ce = -(t * np.log(p) + (1 - t) * np.log1p(-p))
    ref = a_t * (1 - p_t) ** 1.5 * ce
    close(cl.sigmoid_focal_loss(t, z, gamma=1.5, alpha=0.25, reduction="none"), ref, 1e-10)


def test_softmax_focal_matches_hand_loop():
    z, y, _, w = class_data(17)
    alpha = w / w.max()
    ref = []
    for i in range(N):
        p = math.exp(z[i][y[i]]) / sum(math.exp(v) for v in z[i])
        ref.append(-alpha[y[i]] * (1 - p) ** 2 * math.log(p))
    close(cl.softmax_focal_loss(y, z, alpha=alpha, reduction="none"), ref, 1e-11)


# =========================================================== identities and reductions
def test_defaults_and_neutral_options_give_the_plain_losses():
    z, y, soft, _ = class_data(18)
    plain = cl.softmax_cross_entropy(y, z)
    close(cl.softmax_cross_entropy(y, z, weight=np.ones(K)), plain, 1e-14)
    close(cl.softmax_cross_entropy(y, z, ignore_index=-100), plain, 1e-14)  # nothing to ignore
    zb, tb = binary_data(18)
    close(cl.binary_cross_entropy_with_logits(tb, zb, pos_weight=np.ones(C)),
          cl.binary_cross_entropy_with_logits(tb, zb), 1e-14)


@pytest.mark.parametrize("soft", [False, True])
def test_focal_with_gamma_0_and_no_alpha_is_the_plain_loss(soft):
    zb, tb = binary_data(19, soft)
    assert np.array_equal(cl.sigmoid_focal_loss(tb, zb, gamma=0, reduction="none"),
                          cl.binary_cross_entropy_with_logits(tb, zb, reduction="none"))
    np.testing.assert_array_equal(cl.sigmoid_focal_grad_logits(tb, zb, gamma=0),
                                  cl.bce_grad_logits(tb, zb))
    z, y, rows, _ = class_data(19)
    t = rows if soft else y
    close(cl.softmax_focal_loss(t, z, gamma=0, reduction="none"),
          cl.softmax_cross_entropy(t, z, reduction="none"), 1e-14)
    np.testing.assert_allclose(cl.softmax_focal_grad_logits(t, z, gamma=0),
                               cl.cce_grad_logits(t, z), rtol=0, atol=1e-15)


def test_label_smoothing_floor_is_the_entropy_of_the_smoothed_target():
    # The best logits are log t_smooth; the loss there is H(t_smooth) > 0.
    eps = 0.1
    t_smooth = np.full(K, eps / K)
    t_smooth[2] += 1 - eps
    z_best = np.log(t_smooth)
    close(cl.softmax_cross_entropy(2, z_best, label_smoothing=eps), cl.entropy(t_smooth), 1e-14)
    # and its gradient vanishes there; the optimal gap is ln((1 - eps + eps/K) / (eps/K))
    assert np.max(np.abs(cl.cce_grad_logits(2, z_best, label_smoothing=eps))) < 1e-15
    close(z_best[2] - z_best[0], math.log((1 - eps + eps / K) / (eps / K)), 1e-14)


# =========================================================== gradient_check
def _mean_denominator(y, w, ii):
    keep = y != ii if ii is not None else np.ones(y.size, bool)
    return (w[y[keep]] if w is not None else np.ones(keep.sum())).sum()


@pytest.mark.parametrize("use_w, ii, ls", list(itertools.product([False, True], [None, -100],
                                                            [0.0, 0.3])))
def test_gradient_check_cce_options(use_w, ii, ls):
    z, y, _, w = class_data(20, n=6, scale=1.5)
    y = y.copy()
    if ii is not None:
        y[0] = ii
    w = w if use_w else None
    kw = dict(weight=w, ignore_index=ii, label_smoothing=ls)
    d = _mean_denominator(y, w, ii)
    err = cl.gradient_check(lambda x: cl.softmax_cross_entropy(y, x, **kw),
                            lambda x: cl.cce_grad_logits(y, x, **kw) / d, z)
    assert err < 1e-8


@pytest.mark.parametrize("wshape, pw_kind, ls", [(None, "vector", 0.0), ((C,), None, 0.2),
                                                 ((N_ROWS, 1), "scalar", 0.1)])
def test_gradient_check_bce_options(wshape, pw_kind, ls):
    z, t = binary_data(21, soft=True)
    w, pw = _weights(21, wshape, pw_kind)
    kw = dict(weight=w, pos_weight=pw, label_smoothing=ls)
    err = cl.gradient_check(
        lambda x: cl.binary_cross_entropy_with_logits(t, x, reduction="sum", **kw),
        lambda x: cl.bce_grad_logits(t, x, **kw), z)
    assert err < 1e-8


@pytest.mark.parametrize("gamma, alpha", list(itertools.product([0.0, 0.5, 2.0, 3.7], [None, 0.25])))
def test_gradient_check_sigmoid_focal(gamma, alpha):
    z, t = binary_data(22, soft=True)
    err = cl.gradient_check(
        lambda x: cl.sigmoid_focal_loss(t, x, gamma=gamma, alpha=alpha, reduction="sum"),
        lambda x: cl.sigmoid_focal_grad_logits(t, x, gamma=gamma, alpha=alpha), z)
    assert err < 1e-8


@pytest.mark.parametrize("gamma, use_alpha, soft",
                         list(itertools.product([0.0, 0.5, 2.0, 3.7], [False, True], [False, True])))
def test_gradient_check_softmax_focal(gamma, use_alpha, soft):
    z, y, rows, w = class_data(23, n=6, scale=1.5)
    alpha = w / w.max() if use_alpha else None
    t = rows if soft else y
    err = cl.gradient_check(
        lambda x: cl.softmax_focal_loss(t, x, gamma=gamma, alpha=alpha),
        lambda x: cl.softmax_focal_grad_logits(t, x, gamma=gamma, alpha=alpha) / len(y), z)
    assert err < 1e-8


# =========================================================== extremes and float32
def test_focal_losses_at_logits_1e4_are_exact_and_finite():
    t = np.array([1.0, 1.0, 0.0, 0.0])
    z = np.array([1e4, -1e4, 1e4, -1e4])
    for gamma in (0.0, 0.5, 2.0):
        loss = cl.sigmoid_focal_loss(t, z, gamma=gamma, alpha=0.25, reduction="none")
        np.testing.assert_array_equal(loss, [0.0, 0.25e4, 0.75e4, 0.0])
        g = cl.sigmoid_focal_grad_logits(t, z, gamma=gamma, alpha=0.25)
        np.testing.assert_array_equal(g, [0.0, -0.25, 0.75, 0.0])
    zz = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0]])
    for gamma in (0.0, 0.5, 2.0):
        loss = cl.softmax_focal_loss([0, 1], zz, gamma=gamma, reduction="none")
        np.testing.assert_array_equal(loss, [0.0, 2e4])
        g = cl.softmax_focal_grad_logits([0, 1], zz, gamma=gamma)
        assert np.isfinite(g).all()
        np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(g[1], [1.0, -1.0, 0.0])


def test_options_at_logits_1e4_are_finite():
    zz = np.array([[1e4, -1e4, 0.0]])
    out = cl.softmax_cross_entropy([1], zz, weight=[1.0, 2.0, 1.0], label_smoothing=0.1)
    # (1 - 0.1) * 2 * 2e4 + 0.1 / 3 * (0 + 2 * 2e4 + 1e4), over the weight sum 2
    close(out, (0.9 * 2 * 2e4 + 0.1 / 3 * (2 * 2e4 + 1e4)) / 2, 1e-14)
    out = cl.binary_cross_entropy_with_logits([1.0, 0.0], [-1e4, 1e4], pos_weight=3.0,
                                              reduction="none")
    np.testing.assert_array_equal(out, [3e4, 1e4])


def test_float32_in_float32_out_and_close_to_float64():
    z, y, soft, w = class_data(24)
    zb, tb = binary_data(24, soft=True)
    cases = [
        lambda d: cl.softmax_cross_entropy(y, z.astype(d), weight=w.astype(d),
                                           label_smoothing=0.1),
        lambda d: cl.softmax_cross_entropy(soft.astype(d), z.astype(d), weight=w.astype(d)),
        lambda d: cl.binary_cross_entropy_with_logits(tb.astype(d), zb.astype(d),
                                                      pos_weight=np.float64(2.0)),
        lambda d: cl.sigmoid_focal_loss(tb.astype(d), zb.astype(d), alpha=0.25),
        lambda d: cl.softmax_focal_loss(y, z.astype(d)),
        lambda d: cl.cce_grad_logits(y, z.astype(d), label_smoothing=0.1),
        lambda d: cl.sigmoid_focal_grad_logits(tb.astype(d), zb.astype(d)),
        lambda d: cl.softmax_focal_grad_logits(y, z.astype(d)),
    ]
    for f in cases:
        lo, hi = f(np.float32), f(np.float64)
        assert lo.dtype == np.float32
        np.testing.assert_allclose(lo, hi, rtol=1e-5, atol=1e-6)


# =========================================================== bad input
def test_every_sample_ignored_raises_for_the_mean():
    z, _, _, _ = class_data(25, n=3)
    y = np.array([-100, -100, -100])
    with pytest.raises(ValueError, match=r"every label equals ignore_index=-100.*torch|PyTorch"):
        cl.softmax_cross_entropy(y, z, ignore_index=-100)
    assert cl.softmax_cross_entropy(y, z, ignore_index=-100, reduction="sum") == 0


BAD = [
    (dict(weight=[1.0, -1.0, 1.0, 1.0, 1.0]), r"weight has a negative value -1\.0"),
    (dict(weight=[1.0, 1.0]), r"weight has shape \(2,\); it must have shape \(5,\)"),
    (dict(label_smoothing=1.5), r"label_smoothing must be in \[0, 1\]"),
    (dict(label_smoothing=-0.1), r"label_smoothing must be in \[0, 1\]"),
    (dict(ignore_index=1.5), r"ignore_index must be None or an integer"),
    (dict(weight=[0.0, 0.0, 0.0, 0.0, 0.0]), r"weight: the classes .* all have weight 0"),
]


@pytest.mark.parametrize("kw, msg", BAD)
def test_bad_class_options_raise_clear_errors(kw, msg):
    z, y, _, _ = class_data(26)
    with pytest.raises(ValueError, match=msg):
        cl.softmax_cross_entropy(y, z, **kw)


def test_ignore_index_with_probability_targets_raises():
    z, _, soft, _ = class_data(27)
    with pytest.raises(ValueError, match=r"ignore_index=-100 applies to integer labels only"):
        cl.softmax_cross_entropy(soft, z, ignore_index=-100)
    with pytest.raises(ValueError, match=r"ignore_index=-100 applies to integer labels only"):
        cl.categorical_cross_entropy(soft, sp.softmax(z, axis=1), ignore_index=-100)


def test_labels_other_than_ignore_index_are_still_checked():
    z, _, _, _ = class_data(28, n=3)
    with pytest.raises(ValueError, match=r"t has label -1 at index \(1,\), outside \[0, 5\)"):
        cl.softmax_cross_entropy([0, -1, -100], z, ignore_index=-100)


@pytest.mark.parametrize("f, kw, msg", [
    (cl.sigmoid_focal_loss, dict(gamma=-1), r"gamma must be a finite number >= 0"),
    (cl.sigmoid_focal_loss, dict(alpha=1.5), r"alpha must be None or a number in \[0, 1\]"),
    (cl.sigmoid_focal_loss, dict(alpha=-1), r"alpha must be None or a number in \[0, 1\]"),
    (cl.binary_cross_entropy_with_logits, dict(pos_weight=[1.0, 2.0]),
     r"pos_weight has shape \(2,\); it must have shape \(\) or \(4,\)"),
    (cl.binary_cross_entropy_with_logits, dict(pos_weight=-1.0), r"pos_weight has a negative"),
    (cl.binary_cross_entropy_with_logits, dict(weight=np.ones((3, 4))),
     r"weight has shape \(3, 4\); it must have shape that broadcasts to \(16, 4\)"),
    (cl.binary_cross_entropy_with_logits, dict(label_smoothing=2),
     r"label_smoothing must be in \[0, 1\]"),
])
def test_bad_binary_options_raise_clear_errors(f, kw, msg):
    z, t = binary_data(29)
    with pytest.raises(ValueError, match=msg):
        f(t, z, **kw)


@pytest.mark.parametrize("kw, msg", [
    (dict(gamma=-0.5), r"gamma must be a finite number >= 0"),
    (dict(alpha=[0.5, 0.5]), r"alpha has shape \(2,\); it must be None or one weight per class"),
    (dict(alpha=[0.5, 0.5, 1.2, 0.5, 0.5]), r"alpha has a value 1\.2 at index \(2,\)"),
])
def test_bad_softmax_focal_options_raise_clear_errors(kw, msg):
    z, y, _, _ = class_data(30)
    with pytest.raises(ValueError, match=msg):
        cl.softmax_focal_loss(y, z, **kw)


# =========================================================== mpmath at 40 digits
def test_options_and_focal_losses_match_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    r = rng(31)
    z = r.normal(size=(8, 4)) * 3
    t = r.uniform(0, 1, (8, 4))
    pw = r.uniform(0.2, 6, 4)
    y = r.integers(0, 4, 8)
    w = r.uniform(0.2, 3, 4)
    bce = cl.binary_cross_entropy_with_logits(t, z, pos_weight=pw, reduction="none")
    foc = cl.sigmoid_focal_loss(t, z, gamma=2.0, alpha=0.25, reduction="none")
    sce = cl.softmax_cross_entropy(y, z, weight=w, label_smoothing=0.2, reduction="none")
    sfl = cl.softmax_focal_loss(y, z, gamma=1.5, reduction="none")
    for i in range(8):
        zs = [mpmath.mpf(v) for v in z[i]]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        lp = [v - lse for v in zs]
        ref = 0.8 * w[y[i]] * -lp[y[i]] + 0.2 / 4 * mpmath.fsum(-wk * v for wk, v in zip(w, lp))
        assert abs(sce[i] - ref) <= 1e-14 * ref
        p_y = mpmath.exp(lp[y[i]])
        ref = -(1 - p_y) ** 1.5 * lp[y[i]]
        assert abs(sfl[i] - ref) <= 1e-14 * ref
        for j in range(4):
            zi, ti = zs[j], mpmath.mpf(t[i, j])
            ref = pw[j] * ti * mpmath.log1p(mpmath.exp(-zi)) + (1 - ti) * mpmath.log1p(mpmath.exp(zi))
            assert abs(bce[i, j] - ref) <= 1e-14 * ref
            s = 1 / (1 + mpmath.exp(-zi))
            ce = -(ti * mpmath.log(s) + (1 - ti) * mpmath.log(1 - s))
            q = ti * (1 - s) + (1 - ti) * s
            ref = (0.25 * ti + 0.75 * (1 - ti)) * q**2 * ce
            assert abs(foc[i, j] - ref) <= 1e-13 * ref


# =========================================================== probable mistakes still warned
@pytest.mark.parametrize("call", [
    lambda y, p, tb, pb: cl.softmax_cross_entropy(y, p, label_smoothing=0.1),
    lambda y, p, tb, pb: cl.softmax_cross_entropy(y, p, weight=np.ones(3)),
    lambda y, p, tb, pb: cl.softmax_focal_loss(y, p),
    lambda y, p, tb, pb: cl.binary_cross_entropy_with_logits(tb, pb, pos_weight=2.0),
    lambda y, p, tb, pb: cl.binary_cross_entropy_with_logits(tb, pb, label_smoothing=0.1),
    lambda y, p, tb, pb: cl.binary_cross_entropy_with_logits(tb, pb, weight=np.ones(6)),
    lambda y, p, tb, pb: cl.binary_cross_entropy(pb, tb, weight=np.ones(6)),  # swapped
])
def test_options_keep_the_probable_mistake_warnings(call):
    from celearn._validation import ProbableMistakeWarning

    p = cl.softmax(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]))
    pb = np.array([0.1, 0.9, 0.3, 0.7, 0.2, 0.8])
    tb = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    with pytest.warns(ProbableMistakeWarning):
        call([0, 1], p, tb, pb)


# =========================================================== a zero weight zeroes its term
def test_zero_weight_in_bce_matches_torch_not_nan(torch):
    # p = 0 for a positive costs inf; weight 0 switches the term off exactly (torch
    # clamps the log at -100 first, so its 0 * 100 is 0 too): torch gives 0.3466
    F = torch.nn.functional
    ours = cl.binary_cross_entropy([1, 0], [0, 0.5], weight=[0, 1])
    ref = F.binary_cross_entropy(torch.tensor([0.0, 0.5], dtype=torch.float64),
                                 torch.tensor([1.0, 0.0], dtype=torch.float64),
                                 weight=torch.tensor([0.0, 1.0], dtype=torch.float64)).item()
    assert ours == ref == pytest.approx(math.log(2) / 2)


ZERO_WEIGHT_CALLS = {
    # name: (call with weights that zero the inf/nan-prone term, same call on the kept part)
    "bce": (lambda: cl.binary_cross_entropy([1, 0, 1], [0, 0.5, 0.3], weight=[0, 1, 2],
                                            reduction="sum"),
            lambda: cl.binary_cross_entropy([0, 1], [0.5, 0.3], weight=[1, 2], reduction="sum")),
    "bce eps=0 t=0 p=1": (lambda: cl.binary_cross_entropy([0, 1], [1.0, 0.3], weight=[0.0, 2.0],
                                                          reduction="none")[1:],
                          lambda: cl.binary_cross_entropy([1], [0.3], weight=[2.0],
                                                          reduction="none")),
    "bce logits pos_weight huge": (
        lambda: cl.binary_cross_entropy_with_logits([1, 0], [-1e308, 3.0], pos_weight=[1e10, 1],
                                                    weight=[0, 1], reduction="sum"),
        lambda: cl.binary_cross_entropy_with_logits([0], [3.0], reduction="sum")),
    "cce labels": (lambda: cl.categorical_cross_entropy([1, 0], [[1.0, 0.0], [0.5, 0.5]],
                                                        weight=[1.0, 0.0], reduction="sum"),
                   lambda: cl.categorical_cross_entropy([0], [[0.5, 0.5]], reduction="sum")),
    "cce rows": (lambda: cl.categorical_cross_entropy([[0, 1], [1, 0]], [[1.0, 0.0], [0.5, 0.5]],
                                                      weight=[1.0, 0.0], reduction="sum"),
                 lambda: cl.categorical_cross_entropy([[1, 0]], [[0.5, 0.5]], reduction="sum")),
    "softmax labels": (lambda: cl.softmax_cross_entropy([1, 0], [[1e308, -1e308], [0.0, 0.0]],
                                                        weight=[1.0, 0.0], reduction="sum"),
                       lambda: cl.softmax_cross_entropy([0], [[0.0, 0.0]], reduction="sum")),
    "softmax rows": (lambda: cl.softmax_cross_entropy([[0, 1], [1, 0]],
                                                      [[1e308, -1e308], [0.0, 0.0]],
                                                      weight=[1.0, 0.0], reduction="sum"),
                     lambda: cl.softmax_cross_entropy([0], [[0.0, 0.0]], reduction="sum")),
    "softmax focal alpha": (lambda: cl.softmax_focal_loss([[0, 1], [1, 0]],
                                                          [[1e308, -1e308], [0.0, 0.0]],
                                                          alpha=[1.0, 0.0], reduction="sum"),
                            lambda: cl.softmax_focal_loss([0], [[0.0, 0.0]], reduction="sum")),
    "ignore_index p=0": (lambda: cl.categorical_cross_entropy([-100, 0], [[0.0, 1.0], [0.5, 0.5]],
                                                              ignore_index=-100),
                         lambda: cl.categorical_cross_entropy([0], [[0.5, 0.5]])),
}


@pytest.mark.parametrize("name", list(ZERO_WEIGHT_CALLS))
def test_zero_weight_removes_the_term_exactly(name):
    # No RuntimeWarning (errors here), no nan: the same number as the call without the term.
    weighted, kept = ZERO_WEIGHT_CALLS[name]
    ours, ref = weighted(), kept()
    assert np.all(np.isfinite(ours))
    np.testing.assert_array_equal(ours, ref)


def test_zero_weight_gradients_are_exactly_zero():
    g = cl.bce_grad_logits([1.0, 0.0], [-1e308, 1e308], weight=[0.0, 0.0], pos_weight=1e300)
    assert np.array_equal(g, [0.0, 0.0]) and not np.signbit(g).any()
    g = cl.cce_grad_logits([1, 0], [[1e308, -1e308], [0.0, 0.0]], weight=[1.0, 0.0])
    assert np.array_equal(g[0], [0.0, 0.0])
    g = cl.sigmoid_focal_grad_logits([1.0, 0.0], [-50.0, 50.0], alpha=1.0)
    assert g[1] == 0 and g[0] < 0  # alpha = 1: negatives weigh 0
    g = cl.softmax_focal_grad_logits([[0, 1]], [[1e308, -1e308]], alpha=[1.0, 0.0])
    assert np.array_equal(g, [[0.0, 0.0]])


# =========================================================== one formula: plain = neutral options
_T_BIN = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))
_P_BIN = st.one_of(st.sampled_from([0.0, 1.0, 5e-324, 1 - 2**-53]), st.floats(0, 1))
_Z_ANY = st.one_of(st.sampled_from([0.0, -0.0, 1000.0, -1000.0, 1e308, -1e308]),
                   st.floats(-1e4, 1e4))


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), (a, b)  # bit for bit, including the sign of 0


@st.composite
def _binary_pairs(draw, x_elements):
    shape = draw(st.tuples(st.integers(1, 4), st.integers(1, 3)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    t = draw(hnp.arrays(np.float64, shape, elements=_T_BIN)).astype(dtype)
    x = draw(hnp.arrays(np.float64, shape, elements=x_elements))
    if dtype == np.float32:
        x = np.clip(x, -3e38, 3e38)  # the largest logits of float32
    x = x.astype(dtype)
    return t, x


@settings(max_examples=150, deadline=None)
@given(_binary_pairs(_P_BIN), st.sampled_from(REDUCTIONS), st.sampled_from([0.0, 1e-7]))
def test_bce_plain_is_neutral_options_bit_for_bit(tp, red, eps):
    t, p = tp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # swapped-looking inputs: still computed
        plain = cl.binary_cross_entropy(t, p, reduction=red, eps=eps)
        _same_bits(plain, cl.binary_cross_entropy(t, p, reduction=red, eps=eps,
                                                  weight=np.ones(p.shape), label_smoothing=0.0))


@settings(max_examples=150, deadline=None)
@given(_binary_pairs(_Z_ANY), st.sampled_from(REDUCTIONS))
def test_bce_logits_plain_is_neutral_options_bit_for_bit(tz, red):
    t, z = tz
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        plain = cl.binary_cross_entropy_with_logits(t, z, reduction=red)
        for kw in ({"weight": np.ones(z.shape)}, {"pos_weight": np.ones(z.shape[-1])},
                   {"pos_weight": 1.0, "weight": 1.0, "label_smoothing": 0}):
            _same_bits(plain, cl.binary_cross_entropy_with_logits(t, z, reduction=red, **kw))
        plain_g = cl.bce_grad_logits(t, z)
        _same_bits(plain_g, cl.bce_grad_logits(t, z, weight=np.ones(z.shape),
                                               pos_weight=np.ones(z.shape[-1])))


@st.composite
def _class_pairs(draw, probabilities):
    n, k = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    z = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-1e3, 1e3)))
    x = cl.softmax(z).astype(dtype) if probabilities else z.astype(dtype)
    if draw(st.booleans()):
        t = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    else:
        t = cl.softmax(draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-5, 5))))
        t = t.astype(dtype)
    return t, x


@settings(max_examples=150, deadline=None)
@given(_class_pairs(False), st.sampled_from(REDUCTIONS))
def test_softmax_ce_plain_is_neutral_options_bit_for_bit(tz, red):
    t, z = tz
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        plain = cl.softmax_cross_entropy(t, z, reduction=red)
        kws = [{"weight": np.ones(z.shape[-1])}, {"label_smoothing": 0.0}]
        if t.dtype.kind == "i":
            kws.append({"ignore_index": -100, "weight": np.ones(z.shape[-1])})
        for kw in kws:
            _same_bits(plain, cl.softmax_cross_entropy(t, z, reduction=red, **kw))
            _same_bits(cl.cce_grad_logits(t, z), cl.cce_grad_logits(t, z, **kw))


@settings(max_examples=150, deadline=None)
@given(_class_pairs(True), st.sampled_from(REDUCTIONS))
def test_cce_plain_is_neutral_options_bit_for_bit(tp, red):
    t, p = tp
    plain = cl.categorical_cross_entropy(t, p, reduction=red)
    kws = [{"weight": np.ones(p.shape[-1])}, {"label_smoothing": 0.0}]
    if t.dtype.kind == "i":
        kws.append({"ignore_index": -100})
    for kw in kws:
        _same_bits(plain, cl.categorical_cross_entropy(t, p, reduction=red, **kw))


def test_weight_all_ones_gives_plus_zero_like_the_plain_path():
    for kw in ({}, {"weight": [1.0, 1.0]}):
        assert not np.signbit(cl.binary_cross_entropy([1.0, 0.0], [1.0, 0.0], **kw))
        assert not np.signbit(cl.categorical_cross_entropy([[1.0, 0.0]], [[1.0, 0.0]],
                                                           reduction="none", **kw)).any()


# =========================================================== differential fuzz against torch
# Extreme inputs (logits +-1000, p = 0 and 1, zero weights, float32) against
# F.binary_cross_entropy(_with_logits), F.cross_entropy and torchvision's focal
# loss, elementwise. Tolerances: rounding of the inputs' dtype, and absolute
# eps * |z| where torch's formulas cancel; where torch clamps log at -100 the
# exact celearn term is larger; where torch's 1 - p_t cancels (q < 1e-4) the
# focal terms are compared with mpmath above instead.
EXTREME_Z = st.one_of(st.sampled_from([0.0, -0.0, 1000.0, -1000.0, 40.0, -40.0, 1e-300, 745.0, -745.0]),
                      st.floats(-1000, 1000))
PROB = st.one_of(st.sampled_from([0.0, 1.0, 1e-300, 5e-324, 1 - 2**-53, 0.5]), st.floats(0, 1))
WEIGHT = st.one_of(st.just(0.0), st.floats(0, 10))

def shape_st():
    return st.tuples(st.integers(1, 5), st.integers(1, 4))

@st.composite
def binary_case(draw, probs=False):
    n, c = draw(shape_st())
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    x = draw(hnp.arrays(np.float64, (n, c), elements=PROB if probs else EXTREME_Z)).astype(dtype)
    t = draw(hnp.arrays(np.float64, (n, c), elements=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1)))).astype(dtype)
    wk = draw(st.sampled_from(["none", "full", "col"]))
    w = None if wk == "none" else draw(hnp.arrays(np.float64, (n, c) if wk == "full" else (c,), elements=WEIGHT))
    pk = draw(st.sampled_from(["none", "scalar", "vec"]))
    pw = None if pk == "none" else (np.float64(draw(WEIGHT)) if pk == "scalar" else draw(hnp.arrays(np.float64, (c,), elements=WEIGHT)))
    ls = draw(st.sampled_from([0.0, 0.0, 0.1, 1.0]))
    red = draw(st.sampled_from(["none", "sum", "mean"]))
    if w is not None: w = w.astype(dtype)
    if pw is not None: pw = np.asarray(pw).astype(dtype)
    return x, t, w, pw, ls, red

def tt(a):
    import torch
    return None if a is None else torch.as_tensor(np.asarray(a, dtype=np.float64))

def close_where(ours, ref, rtol, atol):
    ours = np.asarray(ours, dtype=np.float64); ref = np.asarray(ref, dtype=np.float64)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: equal infs pass below
        bad = ~(np.abs(ours - ref) <= atol + rtol * np.abs(ref))
    bad &= ~((ours == ref))
    assert not bad.any(), (ours[bad], ref[bad])

@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(binary_case())
def test_fuzz_bce_with_logits_and_grad_against_torch(case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z, t, w, pw, ls, red = case
    ours = cl.binary_cross_entropy_with_logits(t, z, weight=w, pos_weight=pw, label_smoothing=ls, reduction="none")
    assert ours.dtype == z.dtype
    ts = t.astype(np.float64) * (1 - ls) + ls / 2
    ref = F.binary_cross_entropy_with_logits(tt(z), tt(ts), weight=tt(w), pos_weight=tt(pw), reduction="none").numpy()
    scale = (np.abs(z.astype(float)) + 1) * np.maximum(1, 0 if pw is None else np.max(pw)) * (1 if w is None else np.maximum(w, 1))
    f32 = z.dtype == np.float32
    close_where(ours, ref, 2e-6 if f32 else 1e-12, (3e-7 if f32 else 4e-16) * scale)
    g = cl.bce_grad_logits(t, z, weight=w, pos_weight=pw, label_smoothing=ls)
    zt = tt(z).requires_grad_(True)
    F.binary_cross_entropy_with_logits(zt, tt(ts), weight=tt(w), pos_weight=tt(pw), reduction="sum").backward()
    gs = np.maximum(1, 0 if pw is None else np.max(pw)) * (1 if w is None else np.maximum(w, 1))
    close_where(g, zt.grad.numpy(), 2e-6 if f32 else 1e-12, (3e-7 if f32 else 4e-16) * gs)
    r = cl.binary_cross_entropy_with_logits(t, z, weight=w, pos_weight=pw, label_smoothing=ls, reduction=red)
    refr = F.binary_cross_entropy_with_logits(tt(z), tt(ts), weight=tt(w), pos_weight=tt(pw), reduction=red).numpy()
    close_where(r, refr, 2e-6 if f32 else 1e-12, (3e-7 if f32 else 4e-16) * np.max(scale))

@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(binary_case(probs=True))
def test_fuzz_bce_against_torch(case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    p, t, w, _, ls, red = case
    ours = cl.binary_cross_entropy(t, p, weight=w, label_smoothing=ls, reduction="none")
    assert ours.dtype == p.dtype
    ts = t.astype(np.float64) * (1 - ls) + ls / 2
    ref = F.binary_cross_entropy(tt(p), tt(ts), weight=tt(w), reduction="none").numpy()
    p64 = p.astype(np.float64)
    clamped = ((ts > 0) & (p64 < np.exp(-100))) | ((ts < 1) & (1 - p64 < np.exp(-100)))
    wz = np.zeros(p.shape, bool) if w is None else np.broadcast_to(w == 0, p.shape)
    f32 = p.dtype == np.float32
    ok = ~clamped | wz
    close_where(ours[ok], ref[ok], 2e-6 if f32 else 1e-12, float(np.finfo(p.dtype).smallest_subnormal))
    # where torch clamps log at -100, celearn's exact term is larger (inf at p = 0)
    assert np.all(ours[clamped & ~wz] >= ref[clamped & ~wz] * (1 - 1e-6))

CLASS_Z = st.one_of(st.sampled_from([0.0, 1000.0, -1000.0, 30.0, -30.0]), st.floats(-1000, 1000))

@st.composite
def class_case(draw):
    n = draw(st.integers(1, 5)); k = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    z = draw(hnp.arrays(np.float64, (n, k), elements=CLASS_Z)).astype(dtype)
    labels = draw(st.booleans())
    ii = draw(st.sampled_from([None, -100, 0]))
    if labels:
        t = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
        if ii == -100:
            t = np.where(draw(hnp.arrays(bool, (n,))), -100, t)
    else:
        ii = None
        raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0, 1)))
        raw[:, 0] += 1e-3
        t = (raw / raw.sum(1, keepdims=True)).astype(dtype)
    w = draw(st.one_of(st.none(), hnp.arrays(np.float64, (k,), elements=WEIGHT)))
    if w is not None: w = w.astype(dtype)
    ls = draw(st.sampled_from([0.0, 0.0, 0.1, 1.0]))
    red = draw(st.sampled_from(["none", "sum", "mean"]))
    return z, t, w, ii, ls, red

@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(class_case())
def test_fuzz_softmax_cross_entropy_and_grad_against_torch(case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z, t, w, ii, ls, red = case
    kw = dict(weight=tt(w), label_smoothing=ls, reduction=red)
    if ii is not None: kw["ignore_index"] = ii
    tgt = torch.as_tensor(t) if t.dtype.kind == "i" else tt(t)
    ref = F.cross_entropy(tt(z), tgt, **kw).numpy()
    try:
        ours = cl.softmax_cross_entropy(t, z, weight=w, ignore_index=ii, label_smoothing=ls, reduction=red)
    except ValueError as e:
        assert red == "mean" and (np.isnan(ref) or np.isinf(ref)), (e, ref)
        return
    f32 = z.dtype == np.float32
    scale = (np.max(np.abs(z.astype(float))) + 1) * (1 if w is None else max(1, w.max()))
    if red == "mean" and t.dtype.kind == "i" and (w is not None or ii is not None):
        # torch's z - logsumexp cancels by eps |z|; a weighted mean divides that by sum w_y
        kept = t != -100 if ii == -100 else np.ones(t.shape, bool)
        wy = (np.ones(z.shape[1]) if w is None else w.astype(float))[np.where(kept, t, 0)][kept]
        with np.errstate(over="ignore"):
            scale = scale * (z.shape[0] / wy.sum()) if wy.sum() > 1e-250 else np.inf
    close_where(ours, ref, 2e-6 if f32 else 1e-12, (3e-7 if f32 else 1e-15) * scale * z.shape[1])
    if red == "sum":
        g = cl.cce_grad_logits(t, z, weight=w, ignore_index=ii, label_smoothing=ls)
        zt = tt(z).requires_grad_(True)
        F.cross_entropy(zt, tgt, **kw).backward()
        close_where(g, zt.grad.numpy(), 2e-6 if f32 else 1e-12, (3e-7 if f32 else 1e-15) * (1 if w is None else max(1, w.max())) * z.shape[1])

@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(binary_case())
def test_fuzz_sigmoid_focal_loss_against_torchvision(case):
    torch = pytest.importorskip("torch")
    ops = pytest.importorskip("torchvision.ops")
    sigmoid_focal_loss = ops.sigmoid_focal_loss
    z, t, _, _, _, red = case
    z = z.astype(np.float64); t = t.astype(np.float64)
    for gamma in [0.0, 2.0, 0.5]:
        for alpha in [None, 0.0, 0.25, 1.0]:
            ours = cl.sigmoid_focal_loss(t, z, gamma=gamma, alpha=alpha, reduction="none")
            ref = sigmoid_focal_loss(tt(z), tt(t), alpha=-1 if alpha is None else alpha, gamma=gamma, reduction="none").numpy()
            q = t * cl.sigmoid(-z) + (1 - t) * cl.sigmoid(z)
            ok = q > 1e-4  # torchvision's 1 - p_t cancels below
            close_where(ours[ok], ref[ok], 1e-10, 1e-15 * (np.abs(z[ok]) + 1))


# =========================================================== messages name the learner's call
@pytest.mark.parametrize("call, name", [
    (lambda: cl.sigmoid_focal_loss([1.0, 0.0], [0.9, 0.1]), "sigmoid_focal_loss"),
    (lambda: cl.sigmoid_focal_grad_logits([1.0, 0.0], [0.9, 0.1]), "sigmoid_focal_grad_logits"),
    (lambda: cl.binary_cross_entropy_with_logits([1.0, 0.0], [0.9, 0.1], pos_weight=2.0),
     "binary_cross_entropy_with_logits"),
])
def test_double_sigmoid_warning_names_the_function_called_and_this_line(call, name):
    from celearn._validation import ProbableMistakeWarning

    with pytest.warns(ProbableMistakeWarning) as record:
        call()
    message = str(record[0].message)
    assert f"{name} applies sigmoid" in message
    others = {"sigmoid_focal_loss", "sigmoid_focal_grad_logits",
              "binary_cross_entropy_with_logits"} - {name}
    assert not any(f"{o} applies" in message for o in others)
    assert record[0].filename == __file__  # points at the learner's line, not celearn's


@pytest.mark.parametrize("call", [
    lambda: cl.binary_cross_entropy([1], [0.5], eps=10**400),
    lambda: cl.sigmoid_focal_loss([1.0], [1.0], gamma=10**400),
    lambda: cl.softmax_cross_entropy([0], [[1.0, 2.0]], label_smoothing=10**400),
    lambda: cl.one_hot([0, 1], 10**400),
])
def test_errors_do_not_echo_a_huge_argument_whole(call):
    with pytest.raises(ValueError) as info:
        call()
    assert len(str(info.value)) < 400 and "0" * 100 not in str(info.value)
