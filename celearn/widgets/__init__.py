"""Interactive explorers, one per idea of the course (one anywidget each).

Show one in a notebook with a single line, e.g. ``cl.widgets.LogExplorer()``.
Every explorer is drivable from Python: set ``explorer.p.value`` (each control is a
small proxy of the explorer's ``state`` trait) and its readout
(``explorer.readout_text``, ``explorer.key_value``) updates synchronously.  In the
browser, the moving parts are drawn without waiting for the kernel (see
``celearn/widgets/_base.py``).

Predict, then reveal: any explorer can first ask for a guess, and show the truth only
once the learner has committed it (``celearn/widgets/prediction.py``)::

    cl.widgets.LogExplorer(p=0.05).predict(
        "Where will the loss be at p = 0.05?",
        cl.widgets.GuessNumber(x=0.05, unit="nats"))      # drag a mark to a height

    cl.widgets.TriangleExplorer().predict(
        "Which corner costs most?",
        cl.widgets.GuessChoice(["seal", "duck", "the same"], answer="the same"))

From Python: ``ex.guess = 2.0``, ``ex.commit()`` (returns the feedback, e.g. "Your guess:
2.000 nats; the truth: 2.996 nats: you were 0.996 nats low."), ``ex.revealed``,
``ex.truth``, ``ex.feedback``, ``ex.try_again()``.
"""
import importlib

from ._base import Explorer
from .frontend import frontend_check
# predict, then reveal: any explorer can ask for a guess before it shows the truth
from .prediction import GuessChoice, GuessNumber, gap_words, predict

#: each explorer's module, imported when the explorer is first named (PEP 562): a
#: notebook uses one to three of them, and importing all of them with their helpers
#: (training, practice, ...) added some 1.5 MB to every kernel
_EXPLORERS = {
    "LogExplorer": "logs",                                      # notebook 01
    "BCEExplorer": "bce", "BCEExampleExplorer": "bce",          # 02
    "TriangleExplorer": "cce",                                  # 03
    "JacobianExplorer": "jacobian",                             # 04
    "SlopesExplorer": "slopes", "RaceExplorer": "slopes",       # 05
    "DistributionExplorer": "information",                      # 06
    "StabilityExplorer": "stability",                           # 07
    "CoinLikelihoodExplorer": "likelihood", "ProperScoreExplorer": "likelihood",   # 08
    "TemperatureExplorer": "calibration",                       # 09, 12
    "FocalExplorer": "practice", "SmoothingExplorer": "practice",   # 10, 11
    "TrainingExplorer": "training",                             # 12
}

__all__ = ["Explorer", "frontend_check", *_EXPLORERS,
           "predict", "GuessNumber", "GuessChoice", "gap_words"]


def __getattr__(name):
    if name in _EXPLORERS:
        value = getattr(importlib.import_module(f".{_EXPLORERS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPLORERS))
