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
from ._base import Explorer
from .frontend import frontend_check
from .logs import LogExplorer
from .likelihood import CoinLikelihoodExplorer, ProperScoreExplorer
from .calibration import TemperatureExplorer
from .bce import BCEExampleExplorer, BCEExplorer
from .cce import TriangleExplorer

__all__ = ["Explorer", "frontend_check", "LogExplorer", "BCEExplorer", "BCEExampleExplorer", "TriangleExplorer"]

__all__ += ["CoinLikelihoodExplorer", "ProperScoreExplorer", "TemperatureExplorer"]

from .practice import FocalExplorer, SmoothingExplorer  # noqa: E402  (notebook 10)
__all__ += ["FocalExplorer", "SmoothingExplorer"]

from .jacobian import JacobianExplorer  # noqa: E402  (notebook 04)
__all__ += ["JacobianExplorer"]

from .stability import StabilityExplorer  # noqa: E402  (notebook 07)
__all__ += ["StabilityExplorer"]

from .information import DistributionExplorer  # noqa: E402  (notebook 06)
from .slopes import RaceExplorer, SlopesExplorer  # noqa: E402  (notebook 05)
__all__ += ["DistributionExplorer", "SlopesExplorer", "RaceExplorer"]

from .training import TrainingExplorer  # noqa: E402  (notebook 12)
__all__ += ["TrainingExplorer"]

# predict, then reveal: any explorer can ask for a guess before it shows the truth
from .prediction import GuessChoice, GuessNumber, gap_words, predict  # noqa: E402
__all__ += ["predict", "GuessNumber", "GuessChoice", "gap_words"]
