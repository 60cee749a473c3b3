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

import numpy as np
import pytest
import scipy.special as sp

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
