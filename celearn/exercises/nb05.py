"""Exercises of notebook 05-ce-vs-mse-slopes."""
import numpy as np

from ..gradients import bce_grad_logits, bce_grad_p, mse_grad_logits, mse_grad_p
from ..plotting import probability_grid
from ..training import train_softmax_regression
from . import Exercise, register

register(Exercise(
    id="05.slope",
    question="At p = 0.05 (t = 1) the slope of -ln p is -1/p = -20.",
    expected=lambda: float(bce_grad_p(1, 0.05)),
    hint="d/dp (-ln p) = -1/p.",
    solution="-1/0.05 = -20; or cl.bce_grad_p(1, 0.05).",
))
register(Exercise(
    id="05.min_ratio",
    question="The slope ratio (1/p) / (2(1 - p)) = 1 / (2p(1 - p)) is smallest at p = 1/2, "
             "where it is 2: cross-entropy is always at least twice as steep.",
    expected=lambda: _smallest_slope_ratio(),
    hint="p(1 - p) is largest at p = 1/2, where it is 1/4.",
    solution="1 / (2 · 1/2 · 1/2) = 2.",
    rtol=1e-4,
))
register(Exercise(
    id="05.ratio5",
    question="At z = -5 with t = 1 the cross-entropy gradient is 1 / (2σ(z)(1 - σ(z))) ≈ 75.2 "
             "times the squared-error one.",
    expected=lambda: float(bce_grad_logits(1, -5.0) / mse_grad_logits(1, -5.0)),
    hint="Divide σ(z) - t by 2(σ(z) - t)σ(z)(1 - σ(z)): what is left is 1 / (2σ(z)(1 - σ(z))).",
    solution="σ(-5) = 0.00669, so the ratio is 1 / (2 · 0.00669 · 0.99331) = 75.2; "
             "or cl.bce_grad_logits(1, -5) / cl.mse_grad_logits(1, -5).",
))
register(Exercise(
    id="05.race",
    question="With initial-weight scale 4 and seed 3, the cross-entropy model is ahead after "
             "50 epochs: its accuracy is far higher.",
    expected=lambda: _race_leader(),
    hint="Use the explorer (or cl.training.train_softmax_regression) and compare the "
         "accuracies at epoch 50. Answer 'ce' or 'mse'.",
    solution="Cross-entropy ('ce'): its gradient p - t stays large while the model is "
             "confidently wrong; squared error's gradient is multiplied by p(1 - p) ≈ 0.",
))


def _smallest_slope_ratio():
    p = probability_grid(100_001)
    t = np.ones_like(p)
    return float(np.min(bce_grad_p(t, p) / mse_grad_p(t, p)))


def _race_leader(epochs=50):
    from ..datasets import load_iris
    from ..training import standardize

    iris = load_iris()
    X = standardize(iris.X)
    acc = {loss: train_softmax_regression(X, iris.y, loss=loss, lr=0.5, epochs=epochs,
                                          init_scale=4.0, seed=3).accuracy[-1]
           for loss in ("ce", "mse")}
    return max(acc, key=acc.get)
