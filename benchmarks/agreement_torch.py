"""Agreement of celearn's framework options with PyTorch, over random inputs.

For each function, draws random float64 inputs and random options (class
weights, ignore_index, label smoothing, pos_weight, focal gamma and alpha, every
reduction, integer labels and probability targets), computes the same number with
celearn and with torch, and prints one table: the largest relative error seen,

    max |celearn - torch| / max(|torch|, tiny)        (losses, elementwise)
    max |celearn - torch| / max |torch|               (gradients, per array)

The gradient rows compare with torch's autograd of the ``reduction="sum"`` loss.
``sigmoid_focal_loss`` is compared with ``torchvision.ops.sigmoid_focal_loss``
when torchvision is installed, otherwise with its published code transcribed in
torch (the table says which). Softmax focal loss has no torch function; its
reference is the formula -alpha_y (1 - p_y)^gamma log p_y written in torch.

torch is optional: without it the script says so and exits. It prints figures
and asserts nothing (the tests in tests/test_framework_options.py do).

    python benchmarks/agreement_torch.py             # 300 random cases per function
    python benchmarks/agreement_torch.py --cases 50  # quick
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import celearn as cl

REDUCTIONS = ["mean", "sum", "none"]


def rel_err(ours, ref):
    ours, ref = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    return float(np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300)))


def grad_err(ours, ref):
    return float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: nothing to compare (it is an optional oracle).")
        return 0
    F = torch.nn.functional
    try:
        from torchvision.ops import sigmoid_focal_loss as tv_focal
        focal_ref = f"torchvision {__import__('torchvision').__version__}"
    except ImportError:
        tv_focal = None
        focal_ref = "torchvision's code, transcribed"

    def sigmoid_focal_ref(z, t, alpha, gamma, reduction):
        if tv_focal is not None:
            return tv_focal(z, t, alpha=alpha, gamma=gamma, reduction=reduction)
        p = torch.sigmoid(z)
        ce = F.binary_cross_entropy_with_logits(z, t, reduction="none")
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * (1 - p_t) ** gamma
        if alpha >= 0:
            loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
        return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]

    def softmax_focal_ref(z, rows, gamma, alpha):
        lp = torch.log_softmax(z, dim=-1)
        a = torch.ones(z.shape[-1], dtype=z.dtype) if alpha is None else torch.tensor(alpha)
        return -(rows * a * (1 - lp.exp()) ** gamma * lp).sum(-1)

    rng = np.random.default_rng(args.seed)
    worst = {}

    def record(name, err, ref):
        worst[name] = (max(worst.get(name, (0.0, ""))[0], err), ref)

    for _ in range(args.cases):
        n, k = int(rng.integers(1, 40)), int(rng.integers(2, 12))
        z = rng.normal(size=(n, k)) * rng.uniform(0.1, 4)
        y = rng.integers(0, k, n)
        soft = rng.dirichlet(np.ones(k), size=n)
        w = rng.uniform(0.1, 3, k) if rng.random() < 0.5 else None
        ls = float(rng.choice([0.0, rng.uniform(0, 1)]))
        red = str(rng.choice(REDUCTIONS))
        probs = rng.random() < 0.3
        ii = None
        if not probs and rng.random() < 0.5:
            ii = -100
            y = np.where(rng.random(n) < 0.3, -100, y)
            if (y == -100).all():
                y[0] = 0
        t = soft if probs else y
        tt = torch.tensor(t) if probs else torch.tensor(t, dtype=torch.long)
        kw = {"reduction": red, "label_smoothing": ls}
        if w is not None:
            kw["weight"] = torch.tensor(w)
        if ii is not None:
            kw["ignore_index"] = ii
        opts = dict(weight=w, ignore_index=ii, label_smoothing=ls)
        ref = F.cross_entropy(torch.tensor(z), tt, **kw).numpy()
        record("softmax_cross_entropy", rel_err(cl.softmax_cross_entropy(
            t, z, reduction=red, **opts), ref), "F.cross_entropy")
        p = cl.softmax(z)
        ref = F.cross_entropy(torch.log(torch.tensor(p)), tt, **kw).numpy()
        record("categorical_cross_entropy", rel_err(cl.categorical_cross_entropy(
            t, p, reduction=red, **opts), ref), "F.cross_entropy(log p)")
        zt = torch.tensor(z, requires_grad=True)
        F.cross_entropy(zt, tt, **{**kw, "reduction": "sum"}).backward()
        record("cce_grad_logits", grad_err(cl.cce_grad_logits(t, z, **opts), zt.grad.numpy()),
               "autograd")

        # binary losses: multi-label (n, c)
        c = k
        zb = rng.normal(size=(n, c)) * rng.uniform(0.1, 3)
        tb = rng.uniform(0, 1, (n, c)) if rng.random() < 0.5 else rng.integers(0, 2, (n, c)) * 1.0
        wb = [None, rng.uniform(0, 2, c), rng.uniform(0, 2, (n, c)), rng.uniform(0, 2, (n, 1))][
            int(rng.integers(0, 4))]
        pw = [None, rng.uniform(0.2, 6, c), np.float64(rng.uniform(0.2, 6))][int(rng.integers(0, 3))]
        lsb = float(rng.choice([0.0, rng.uniform(0, 1)]))
        ts = torch.tensor(tb * (1 - lsb) + lsb / 2)
        tw = None if wb is None else torch.tensor(wb)
        tpw = None if pw is None else torch.as_tensor(pw)
        ref = F.binary_cross_entropy_with_logits(torch.tensor(zb), ts, reduction=red, weight=tw,
                                                 pos_weight=tpw).numpy()
        record("binary_cross_entropy_with_logits", rel_err(cl.binary_cross_entropy_with_logits(
            tb, zb, reduction=red, weight=wb, pos_weight=pw, label_smoothing=lsb), ref),
            "F.binary_cross_entropy_with_logits")
        zt = torch.tensor(zb, requires_grad=True)
        F.binary_cross_entropy_with_logits(zt, ts, reduction="sum", weight=tw,
                                           pos_weight=tpw).backward()
        record("bce_grad_logits", grad_err(cl.bce_grad_logits(
            tb, zb, weight=wb, pos_weight=pw, label_smoothing=lsb), zt.grad.numpy()), "autograd")
        pb = cl.sigmoid(np.clip(zb, -4, 4))  # torch clamps log(p) at -100: stay away from 0, 1
        ref = F.binary_cross_entropy(torch.tensor(pb), ts, reduction=red, weight=tw).numpy()
        record("binary_cross_entropy", rel_err(cl.binary_cross_entropy(
            tb, pb, reduction=red, weight=wb, label_smoothing=lsb), ref),
            "F.binary_cross_entropy")

        # focal losses
        gamma = float(rng.choice([0.0, 1.0, 2.0, rng.uniform(0, 5)]))
        alpha = None if rng.random() < 0.3 else float(rng.uniform(0, 1))
        ref = sigmoid_focal_ref(torch.tensor(zb), torch.tensor(tb), -1 if alpha is None else alpha,
                                gamma, red).numpy()
        record("sigmoid_focal_loss", rel_err(cl.sigmoid_focal_loss(
            tb, zb, gamma=gamma, alpha=alpha, reduction=red), ref), focal_ref)
        zt = torch.tensor(zb, requires_grad=True)
        sigmoid_focal_ref(zt, torch.tensor(tb), -1 if alpha is None else alpha, gamma,
                          "sum").backward()
        record("sigmoid_focal_grad_logits", grad_err(cl.sigmoid_focal_grad_logits(
            tb, zb, gamma=gamma, alpha=alpha), zt.grad.numpy()), "autograd")
        alpha_k = None if rng.random() < 0.3 else rng.uniform(0, 1, k)
        yk = rng.integers(0, k, n)
        tk = soft if probs else yk
        rows = torch.tensor(soft if probs else cl.one_hot(yk, k))
        per = softmax_focal_ref(torch.tensor(z), rows, gamma, alpha_k)
        ref = {"none": per, "mean": per.mean(), "sum": per.sum()}[red].numpy()
        record("softmax_focal_loss", rel_err(cl.softmax_focal_loss(
            tk, z, gamma=gamma, alpha=alpha_k, reduction=red), ref), "formula in torch")
        zt = torch.tensor(z, requires_grad=True)
        softmax_focal_ref(zt, rows, gamma, alpha_k).sum().backward()
        record("softmax_focal_grad_logits", grad_err(cl.softmax_focal_grad_logits(
            tk, z, gamma=gamma, alpha=alpha_k), zt.grad.numpy()), "autograd")

    print(f"celearn {cl.__version__} vs torch {torch.__version__}, float64, "
          f"{args.cases} random cases per function (seed {args.seed})\n")
    print(f"| {'function':<34} | {'reference':<36} | max rel. error |")
    print(f"|{'-' * 36}|{'-' * 38}|---------------:|")
    for name, (err, ref) in worst.items():
        print(f"| {name:<34} | {ref:<36} | {err:14.1e} |")
    print("\nErrors above ~1e-13 come from torch's side: its formulas subtract nearly equal\n"
          "numbers ((1 - t) z + ..., 1 - p_t, 1 - p) where celearn's do not; against mpmath\n"
          "at 40 digits celearn's losses are within ~1e-14 relative (tests/test_framework_options.py).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
