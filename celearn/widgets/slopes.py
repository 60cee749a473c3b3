"""The explorers of notebook 05: loss slopes (CE vs squared error) and a training race."""
from __future__ import annotations

import numpy as np

from ..gradients import bce_grad_p, mse_grad_p
from ..information import surprisal
from ..losses import mean_squared_error
from ..plotting import COLORS, label_line, probability_grid
from ..training import _train, standardize
from . import _controls as ui
from ._base import Explorer, Replaying, check_value, fmt

class SlopesExplorer(Explorer):
    r"""Pick p (the probability of the true class, t = 1); compare the tangent slopes.

    Cross-entropy :math:`-\ln p` has slope :math:`-1/p`; the squared error
    :math:`(1 - p)^2` has slope :math:`-2(1 - p)`.  The readout states both and
    their ratio, :math:`\frac{1/p}{2(1 - p)}`; the key number is the cross-entropy
    slope.  The markers on the curves can be dragged (or focused and moved with
    the arrow keys): their x is p.

    Parameters
    ----------
    p : float
        Starting probability, in [0.01, 0.99].

    Examples
    --------
    >>> from celearn.widgets import SlopesExplorer
    >>> ex = SlopesExplorer(p=0.1)
    >>> ex.key_value
    -10.0
    >>> ex.drag_to("p", 0.5, 1.0)
    >>> ex.readout_text
    'At p = 0.50: slope of −ln p = −2.00, slope of (1 − p)² = −1.00; cross-entropy is 2.00 times as steep.'
    """

    name = "slopes"
    trend = "up"  # -1/p rises towards 0 as p grows

    #: top of the loss axis: -ln 0.01 = 4.6 fits, so the markers never leave the axes
    YMAX = 5.0

    def __init__(self, p=0.2):
        p = check_value("p", p, 0.01, 0.99, what="the probability of the true class")
        self.p = ui.FloatSlider(p, min=0.01, max=0.99, step=0.01, readout_format=".2f",
                                description="p (true class)")
        super().__init__({"p": self.p}, figsize=(6.0, 3.4))

    def build(self, fig):
        ax = self.ax = fig.add_subplot()
        grid = probability_grid(lo=0.005, hi=0.999)
        ce = surprisal(grid)
        se = mean_squared_error(np.ones_like(grid), grid, reduction="none")
        ax.plot(grid, ce, color=COLORS["ce"], alpha=0.6)
        ax.plot(grid, se, color=COLORS["mse"], alpha=0.6)
        i = np.searchsorted(grid, 0.04)
        label_line(ax, grid[i], ce[i], r"cross-entropy $-\ln p$", color=COLORS["ce"], dx=8)
        label_line(ax, 0.01, 0.42, r"squared error $(1-p)^2$", color=COLORS["mse"],
                   dx=0, va="top")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, self.YMAX)
        ax.set_xlabel("probability given to the true class, $p$  (t = 1)")
        ax.set_ylabel("loss")
        ax.set_title("Tangent slopes: cross-entropy vs squared error")

    def tangent(self, p, value, slope):
        """The tangent segment at (p, value): fixed length on screen, inside the axes."""
        # the axes are 1 wide and YMAX tall: a segment of 0.44 axes widths, cut where
        # it leaves the axes (both slopes are negative)
        half = 0.22 / float(np.hypot(1.0, slope / self.YMAX))
        x0 = max(p - half, p + (self.YMAX - value) / slope)
        x1 = min(p + half, p - value / slope)
        return [x0, x1], [value + slope * (x0 - p), value + slope * (x1 - p)]

    def scene(self, state):
        p = float(state["p"])
        ce, se = float(surprisal(p)), float(mean_squared_error(1.0, p, reduction="none"))
        s_ce, s_se = float(bce_grad_p(1.0, p)), float(mse_grad_p(1.0, p))
        ratio = s_ce / s_se
        dash = "5 2"
        marks = [{"kind": "line", "key": "guide", "x": [p, p], "y": [0.0, self.YMAX],
                  "color": COLORS["neutral"], "lw": 1, "dash": "1 2"}]
        for key, value, slope in (("ce", ce, s_ce), ("mse", se, s_se)):
            x, y = self.tangent(p, value, slope)
            marks.append({"kind": "line", "key": f"tangent-{key}", "x": x, "y": y,
                          "color": COLORS[key], "lw": 2.2, "dash": dash})
        for key, value, what in (("ce", ce, "cross-entropy"), ("mse", se, "squared error")):
            marks.append({"kind": "dot", "key": f"marker-{key}", "x": p, "y": value, "r": 4,
                          "color": COLORS["marker"], "drag": "p",
                          "label": f"p on the {what} curve", "valuetext": f"p = {p:.2f}"})
        for key, y, text in (("ce", 0.96, f"slope of −ln p: {fmt(s_ce, 2)}"),
                             ("mse", 0.87, f"slope of (1 − p)²: {fmt(s_se, 2)}"),
                             ("marker", 0.78, f"ratio: {fmt(ratio, 2)}")):
            marks.append({"kind": "text", "key": f"note-{key}", "x": 0.98, "y": y,
                          "coords": "axes", "text": text, "dx": 0, "dy": 0, "ha": "right",
                          "va": "top", "size": 10, "color": COLORS[key]})
        readout = (f"At p = {p:.2f}: slope of −ln p = " + self.key(s_ce, fmt(s_ce, 2))
                   + f", slope of (1 − p)² = {fmt(s_se, 2)}; cross-entropy is "
                   f"{fmt(ratio, 2)} times as steep.")
        return {"marks": marks, "readout": readout, "value": s_ce}

    def drag(self, mark, x, y, state):
        if mark != "p":
            raise ValueError(f"SlopesExplorer has no draggable mark {mark!r}; use 'p'")
        return {"p": x}           # the markers move along the curves: their x is p


def iris_standardized():
    """The Iris features standardised column by column, and the labels 0, 1, 2."""
    from ..datasets import load_iris

    iris = load_iris()
    return standardize(iris.X), iris.y


class RaceExplorer(Replaying, Explorer):
    """A race on Iris: softmax regression trained with cross-entropy vs squared error.

    Both runs start from the same random weights (``seed``) and take the same
    gradient-descent steps; only the loss differs.  Loss and accuracy per epoch
    are drawn side by side.  The key number is the final cross-entropy loss.

    The training runs in the kernel (numbers the browser cannot compute): when a
    slider is released the kernel trains both runs and sends their curves as numbers
    (the ``live`` trait); the browser draws them, and replays the race from epoch 0
    on its own.  Every run trained is kept, so a revisited setting costs nothing.

    Parameters
    ----------
    lr : float
        Learning rate, in [0.05, 2].
    init_scale : float
        Scale of the initial weights, in [0, 8]; large values make the start
        confidently wrong (with the default seed).
    epochs : int
        Number of epochs, 50 to 1000.
    seed : int
        Seed of the shared initial weights.
    X, y : array_like, optional
        Features and labels to train on (default: Iris, standardised).

    Examples
    --------
    >>> from celearn.widgets import RaceExplorer
    >>> ex = RaceExplorer(init_scale=0.0, epochs=100)
    >>> bool(ex.runs["ce"].accuracy[-1] > 0.8)
    True
    """

    name = "race"
    trend = "down"  # a larger step size reaches a lower cross-entropy in the same epochs
    draggable = False
    kernel_scene = True
    static_controls = ("epochs",)  # the epoch axes are rescaled
    #: fixed limits of the loss axis (log): every setting of the sliders fits
    LOSS_LIM = (1e-2, 1e2)

    def __init__(self, lr=0.5, init_scale=4.0, epochs=300, *, seed=3, X=None, y=None):
        lr = check_value("lr", lr, 0.05, 2.0, what="the learning rate")
        init_scale = check_value("init_scale", init_scale, 0.0, 8.0,
                                 what="the scale of the initial weights")
        if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)) \
                or not 50 <= epochs <= 1000:
            raise ValueError(f"epochs must be a whole number in [50, 1000], got {epochs!r}; "
                             "pass e.g. epochs=300")
        if (X is None) != (y is None):
            raise ValueError("pass both X and y (features and labels), or neither for Iris")
        if X is None:
            X, y = iris_standardized()
        self.X, self.y, self.seed = X, y, seed
        self._cache = {}
        # each change retrains two models: the page sends a slider's value when it is
        # released, not at every step of a drag (continuous_update=False)
        self.lr = ui.FloatSlider(lr, min=0.05, max=2.0, step=0.05, readout_format=".2f",
                                 description="learning rate", continuous_update=False)
        self.init_scale = ui.FloatSlider(init_scale, min=0.0, max=8.0, step=0.5,
                                         readout_format=".1f", description="initial-weight scale",
                                         continuous_update=False)
        self.epochs = ui.IntSlider(int(epochs), min=50, max=1000, step=50, description="epochs",
                                   continuous_update=False)
        super().__init__({"lr": self.lr, "init_scale": self.init_scale, "epochs": self.epochs},
                         figsize=(8.4, 3.3))

    def build(self, fig):
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        n = self.epochs.value
        ax = self.ax_loss
        ax.set_yscale("log")
        ax.set_ylim(*self.LOSS_LIM)
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (log scale)")
        ax.set_title("Each model's own loss")
        ax = self.ax_acc
        ax.axhline(1 / 3, color=COLORS["neutral"], lw=1, ls="--")
        ax.annotate("chance", (0.45, 1 / 3), xycoords=("axes fraction", "data"),
                    xytext=(0, 3), textcoords="offset points", va="bottom", fontsize=9,
                    color=COLORS["neutral"])
        ax.set_ylim(-0.05, 1.1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("training accuracy")
        ax.set_title("Accuracy on Iris")
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, n * 1.02)

    # -- training ---------------------------------------------------------------------
    def race(self, state=None):
        """Both trainings for ``state`` (default: the controls); returns {loss: history}.

        Training is deterministic, so every run is kept: a revisited setting is instant.
        """
        state = self.state if state is None else state
        settings = dict(lr=float(state["lr"]), epochs=int(state["epochs"]),
                        init_scale=float(state["init_scale"]), seed=self.seed)
        key = tuple(sorted(settings.items()))
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = _train(("ce", "mse"), self.X, self.y, **settings)
        return self._cache[key]

    def live_numbers(self):
        """The curves of the current setting, as numbers: what the browser draws."""
        state = dict(self.state)
        runs = self.race(state)
        return {"state": state,
                "runs": {loss: {"loss": [float(v) for v in run.loss],
                                "accuracy": [float(v) for v in run.accuracy]}
                         for loss, run in runs.items()}}

    # -- scene --------------------------------------------------------------------------
    def scene(self, state, upto=None):
        """The curves of epochs 0..upto (default: all) as line marks, and the readout."""
        runs = self.race(state)
        n = int(state["epochs"])
        upto = n if upto is None else int(upto)
        epochs = list(range(upto + 1))
        marks = []
        for ax, kind in ((0, "loss"), (1, "accuracy")):
            ends = {loss: float(getattr(run, kind)[upto]) for loss, run in runs.items()}
            for loss in ("ce", "mse"):
                values = getattr(runs[loss], kind)
                marks.append({"kind": "line", "ax": ax, "key": f"{loss}-{kind}", "x": epochs,
                              "y": [float(v) for v in values[: upto + 1]],
                              "color": COLORS[loss], "lw": 2})
            for loss, text in (("ce", "cross-entropy"), ("mse", "squared error")):
                values = getattr(runs[loss], kind)
                # the label of the lower line goes below the line's last stretch,
                # the other one above it
                below = ends[loss] < max(ends.values()) or (
                    ends["ce"] == ends["mse"] and loss == "mse")
                tail = values[int(0.6 * upto): upto + 1]
                marks.append({"kind": "text", "ax": ax, "key": f"{loss}-{kind}-label",
                              "x": upto, "y": float(tail.min() if below else tail.max()),
                              "text": text, "dx": -4, "dy": -5 if below else 5, "ha": "right",
                              "va": "top" if below else "bottom", "size": 10,
                              "color": COLORS[loss], "weight": "bold"})
        ce, se = runs["ce"], runs["mse"]
        readout = ("After " + f"{n} epochs, the cross-entropy model has loss "
                   + self.key(ce.loss[-1], fmt(ce.loss[-1]))
                   + f" and accuracy {ce.accuracy[-1]:.1%}; the squared-error model has loss "
                   f"{fmt(se.loss[-1])} and accuracy {se.accuracy[-1]:.1%} "
                   f"(both started at accuracy {ce.accuracy[0]:.1%}).")
        return {"marks": marks, "readout": readout, "value": float(ce.loss[-1])}

    @property
    def runs(self):
        """The two trainings of the current setting: ``{"ce": history, "mse": history}``."""
        return self.race()
