"""Interactive explorers, one per idea of the course (ipywidgets + ipympl).

Show one in a notebook with a single line, e.g. ``cl.widgets.LogExplorer()``.
Every explorer is drivable from Python: set ``explorer.controls[i].value`` and
its readout (``explorer.readout_text``) and artists update synchronously.
"""
from ._base import Explorer
from .logs import LogExplorer
from .bce import BCEExampleExplorer, BCEExplorer
from .cce import TriangleExplorer
from .jacobian import JacobianExplorer
from .slopes import RaceExplorer, SlopesExplorer
from .information import DistributionExplorer
from .stability import StabilityExplorer

__all__ = ["Explorer", "LogExplorer", "BCEExplorer", "BCEExampleExplorer", "TriangleExplorer", "JacobianExplorer", "SlopesExplorer", "RaceExplorer", "DistributionExplorer", "StabilityExplorer"]
