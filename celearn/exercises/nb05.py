"""Exercises of notebook 05-ce-vs-mse-slopes."""
import numpy as np

from ..activations import sigmoid
from ..gradients import bce_grad_logits, bce_grad_p, mse_grad_logits, mse_grad_p
from ..plotting import probability_grid
from ..training import train_softmax_regression
from . import Case, Exercise, Implement, register

register(Exercise(
    id="05.slope",
    prompt=lambda p: f"What is the slope of -ln p at p = {p:g}?",
    first_step=lambda p: f'd/dp (-ln p) = -1/p; put in p = {p:g}.',
    question=lambda p: (f"At p = {p:g} (t = 1) the slope of -ln p is -1/p = "
                        f"{float(bce_grad_p(1, p)):g}."),
    expected=lambda p: float(bce_grad_p(1, p)),
    hint="d/dp (-ln p) = -1/p.",
    solution=lambda p: f"-1/{p:g} = {float(bce_grad_p(1, p)):g}; or cl.bce_grad_p(1, {p:g}).",
    mistakes=lambda p: [
        (float(bce_grad_p(0, p)), "that is 1/(1 - p), the slope of the t = 0 branch "
         "-ln(1 - p); here t = 1, so the slope is -1/p.", "wrong_branch"),
        (float(mse_grad_p(1, p)), "that is the slope of the squared error 2(p - t); "
         "the question asks for the slope of -ln p.", "mse_not_ce"),
    ],
    # p with a short -1/p; not 1/2, where 1/(1 - p) is -1/p with the sign flipped
    params=lambda rng: {"p": float(rng.choice(
        [0.01, 0.02, 0.04, 0.05, 0.08, 0.1, 0.125, 0.2, 0.25, 0.4, 0.625, 0.8]))},
    defaults={"p": 0.05},
))
register(Exercise(
    id="05.min_ratio",
    first_step='The ratio is 1 / (2p(1 - p)): it is smallest where p(1 - p) is largest.',
    question="The slope ratio (1/p) / (2(1 - p)) = 1 / (2p(1 - p)) is smallest at p = 1/2, "
             "where it is 2: cross-entropy is always at least twice as steep.",
    expected=lambda: _smallest_slope_ratio(),
    hint="p(1 - p) is largest at p = 1/2, where it is 1/4.",
    solution="1 / (2 · 1/2 · 1/2) = 2.",
    slips=("reciprocal", "factor_2"),
    rtol=1e-4,
    mistakes=lambda: [
        (_where_smallest(), "that is WHERE the ratio is smallest (p = 1/2); the question "
         "asks for the ratio there.", "where_not_value"),
    ],
))


def _ratio(z):
    return float(bce_grad_logits(1, z) / mse_grad_logits(1, z))


register(Exercise(
    id="05.ratio5",
    prompt=lambda z: (f"At logit z = {z:g} with t = 1, how many times larger is "
                      "cross-entropy's gradient with respect to z than squared error's?"),
    first_step=lambda z: (f'σ({z:g}) ≈ {float(sigmoid(z)):.3g}; the ratio of the z-gradients '
                          'is 1 / (2σ(z)(1 - σ(z))).'),
    question=lambda z: (f"At z = {z:g} with t = 1 the cross-entropy gradient is "
                        f"1 / (2σ(z)(1 - σ(z))) ≈ {_ratio(z):.1f} times the squared-error "
                        "one."),
    expected=_ratio,
    hint="Divide σ(z) - t by 2(σ(z) - t)σ(z)(1 - σ(z)): what is left is 1 / (2σ(z)(1 - σ(z))).",
    solution=lambda z: (f"σ({z:g}) = {float(sigmoid(z)):.3g}, so the ratio is "
                        f"1 / (2 · {float(sigmoid(z)):.3g} · {1 - float(sigmoid(z)):.5f}) = "
                        f"{_ratio(z):.1f}; or cl.bce_grad_logits(1, {z:g}) / "
                        f"cl.mse_grad_logits(1, {z:g})."),
    slips=("reciprocal", "factor_2"),
    mistakes=lambda z: [
        (float(-np.log(sigmoid(z)) / (1 - sigmoid(z)) ** 2),
         "that is the ratio of the losses, −ln σ(z) / (1 − σ(z))²; the question asks for the "
         "ratio of their gradients with respect to z, σ(z) − 1 and 2(σ(z) − 1)σ(z)(1 − σ(z)).",
         "loss_ratio"),
    ],
    # a confidently wrong logit: z = -1.5 ... -8 in steps of 0.5
    params=lambda rng: {"z": -float(rng.integers(3, 17)) / 2},
    defaults={"z": -5.0},
))
register(Exercise(
    id="05.race",
    first_step=('Run the race with initial-weight scale 4 and seed 3 and read both accuracies at '
                'epoch 50.'),
    question="With initial-weight scale 4 and seed 3, the cross-entropy model is ahead after "
             "50 epochs: its accuracy is far higher.",
    expected=lambda: _race_leader(),
    hint="Use the explorer (or cl.training.train_softmax_regression) and compare the "
         "accuracies at epoch 50. Answer 'ce' or 'mse'.",
    choices=("ce", "mse"),
    synonyms={"ce": ("cross entropy", "crossentropy", "cross entropy loss", "log loss",
                     "the cross entropy model", "ce model"),
              "mse": ("squared error", "square error", "mean squared error", "l2",
                      "the squared error model", "mse model")},
    why_not=lambda: {"mse": "Squared error's gradient through the sigmoid carries the "
                            "factor p(1 - p), close to 0 when the model is confidently "
                            "wrong, so it barely moves at first; run the race and compare "
                            "the accuracies at epoch 50."},
    solution="Cross-entropy ('ce'): its gradient p - t stays large while the model is "
             "confidently wrong; squared error's gradient is multiplied by p(1 - p) ≈ 0.",
))


def _where_smallest():
    p = probability_grid(100_001)
    t = np.ones_like(p)
    return float(p[np.argmin(bce_grad_p(t, p) / mse_grad_p(t, p))])


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


def my_mse_grad_logits(t, z):
    """d/dz of (σ(z) - t)², elementwise (a reference implementation)."""
    t, z = np.asarray(t), np.asarray(z)
    # a stable sigmoid: exp of a non-positive number only, never overflows
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return 2 * (p - t) * p * (1 - p)


def _labels(rng, shape):
    return rng.integers(0, 2, shape).astype(np.float64)


def _mse_cases(rng):
    return [
        Case("random t and z, shape (6,)", {"t": _labels(rng, 6), "z": rng.normal(0, 3, 6)}),
        Case("random t and z, shape (2, 3)",
             {"t": _labels(rng, (2, 3)), "z": rng.normal(0, 3, (2, 3))},
             why="the gradient is elementwise: keep the input's shape, no sum or mean."),
        Case("confidently wrong z = ±10",
             {"t": np.array([1.0, 0.0]), "z": np.array([-10.0, 10.0])},
             why="the slope is tiny (≈ ±9e-5) but not 0, and its sign pushes z the right "
                 "way: 2(σ - t)·σ(1 - σ)."),
        Case("logits ±1000", {"t": np.array([1.0, 0.0, 1.0, 0.0]),
                              "z": np.array([1000.0, 1000.0, -1000.0, -1000.0])},
             why="σ(±1000) is 1 or 0 and the gradient is 0 (finite, never nan). A sigmoid "
                 "written 1/(1 + exp(-z)) overflows in exp(1000) (a warning, but the value "
                 "is still right); exp(z)/(1 + exp(z)) gives inf/inf = nan: use the stable "
                 "form (cl.sigmoid, or exp(-|z|))."),
        Case("float32 t and z", {"t": np.array([1, 0, 1], dtype=np.float32),
                                 "z": np.array([-2.0, 0.5, 3.0], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
    ]


def _mse_mistakes(t, z):
    p = sigmoid(z)
    return [
        (mse_grad_logits(t, z) / 2, "a factor 2 is missing: d/dp (p - t)² = 2(p - t).",
         "missing_2"),
        (mse_grad_p(t, p), "that is d/dp = 2(σ(z) - t): the chain rule factor "
         "dσ/dz = σ(z)(1 - σ(z)) is missing.", "missing_chain"),
        (bce_grad_logits(t, z), "that is σ(z) - t, the gradient of cross-entropy; squared "
         "error's gradient carries the extra factor 2σ(1 - σ).", "ce_not_mse"),
        (2 * (z - t) * p * (1 - p), "you used the logit z where the probability σ(z) "
         "belongs: 2(σ(z) - t)·σ(z)(1 - σ(z)).", "logit_for_probability"),
        (2 * (p - t) * p, "the factor (1 - σ) of σ'(z) = σ(1 - σ) is missing.",
         "partial_chain"),
    ]


register(Implement(
    id="05.mse_grad_logits",
    question="Write f(t, z) returning d/dz (σ(z) - t)² elementwise, i.e. "
             "2(σ(z) - t)·σ(z)(1 - σ(z)), for t and z of the same shape. Required: random "
             "inputs of shape (6,) and (2, 3), confidently wrong z = ±10, logits ±1000 "
             "(0, not nan), float32 kept. An overflow warning from a naive sigmoid is "
             "only a note.",
    signature="f(t, z)",
    reference=lambda t, z: mse_grad_logits(t, z),
    cases=_mse_cases,
    solution=my_mse_grad_logits,
    mistakes=_mse_mistakes,
    unit=None,
    hint="p = σ(z); then 2(p - t)·p(1 - p).",
    input_slips=lambda t, z: [
        ({"t": t, "z": sigmoid(z)}, "your function treats z as a probability: it "
         "receives logits, so compute p = σ(z) first.", "logit_as_probability"),
        ({"t": z, "z": t}, "your function reads its arguments the other way round: the "
         "order is f(t, z), target first.", "arguments_swapped"),
    ],
))
