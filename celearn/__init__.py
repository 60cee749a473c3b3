"""celearn — the helper package behind the cross-entropy course.

Pure functions for activations, losses, information theory and gradients,
plus a shipped plotting style and interactive explorers::

    import celearn as cl
    cl.binary_cross_entropy([1, 0], [0.9, 0.2])

``celearn.widgets`` (ipywidgets + anywidget) is imported lazily, on first use,
so ``import celearn`` stays light and never touches matplotlib's backend.
"""
from .activations import log_softmax, logsumexp, sigmoid, softmax, softmax_jacobian
from .gradients import (
    bce_grad_logits,
    bce_grad_p,
    cce_grad_logits,
    gradient_check,
    mse_grad_logits,
    mse_grad_p,
    numerical_gradient,
)
from .framework_options import (
    sigmoid_focal_grad_logits,
    sigmoid_focal_loss,
    softmax_focal_grad_logits,
    softmax_focal_loss,
)
from .information import cross_entropy, entropy, kl_divergence, surprisal
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    mean_squared_error,
    softmax_cross_entropy,
)
from .utils import one_hot
from ._validation import ProbableMistakeWarning
from .claims import check_claim
from . import calibration, datasets, likelihood
from .plotting import use_style

__version__ = "0.1.0"


def progress(*, reset=False):
    """The learner's progress record as a table: solved or not, attempts, first and last time.

    Every checked answer (``cl.exercises.check``) is recorded in a JSON file in the
    Jupyter data directory (``$CELEARN_PROGRESS_FILE`` names another file); nothing
    leaves the computer. ``cl.progress(reset=True)`` forgets it all.
    """
    from .exercises.progress import progress as _progress

    return _progress(reset=reset)

__all__ = [
    "sigmoid", "softmax", "log_softmax", "logsumexp", "softmax_jacobian",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "categorical_cross_entropy", "softmax_cross_entropy", "mean_squared_error",
    "entropy", "cross_entropy", "kl_divergence",
    "bce_grad_p", "bce_grad_logits", "cce_grad_logits", "mse_grad_p",
    "mse_grad_logits", "numerical_gradient", "gradient_check",
    "sigmoid_focal_loss", "softmax_focal_loss", "sigmoid_focal_grad_logits",
    "softmax_focal_grad_logits",
    "one_hot", "surprisal", "ProbableMistakeWarning", "check_claim", "progress", "calibration", "datasets", "likelihood", "use_style", "plotting", "widgets", "exercises",
    "training", "naive", "practice", "softmax_regression",
]


def __getattr__(name):
    # Lazy submodules: ``cl.widgets`` imports ipywidgets/anywidget only when used.
    if name in ("widgets", "plotting", "exercises", "training", "naive", "practice",
                "softmax_regression"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'celearn' has no attribute {name!r}")
