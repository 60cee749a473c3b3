"""The explorers of notebook 05: loss slopes (CE vs squared error) and a training race."""
from __future__ import annotations

import asyncio

import ipywidgets as widgets
import numpy as np

from ..gradients import bce_grad_p, mse_grad_p
from ..information import surprisal
from ..losses import mean_squared_error
from ..plotting import COLORS, label_line, probability_grid
from ..training import standardize, train_softmax_regression
from ._base import Explorer, fmt

_SLIDER = dict(continuous_update=True, style={"description_width": "initial"})


class SlopesExplorer(Explorer):
    r"""Pick p (the probability of the true class, t = 1); compare the tangent slopes.

    Cross-entropy :math:`-\ln p` has slope :math:`-1/p`; the squared error
    :math:`(1 - p)^2` has slope :math:`-2(1 - p)`.  The readout states both and
    their ratio; the key number is the cross-entropy slope.

    Parameters
    ----------
    p : float
        Starting probability, in [0.01, 0.99] on a 0.01 grid.

    Examples
    --------
    >>> from celearn.widgets import SlopesExplorer
    >>> ex = SlopesExplorer(p=0.1)
    >>> ex.key_value
    -10.0
    """

    name = "slopes"
    trend = "up"  # -1/p rises towards 0 as p grows

    def __init__(self, p=0.2):
        self.p = widgets.FloatSlider(value=p, min=0.01, max=0.99, step=0.01,
                                     readout_format=".2f", description="p (true class)",
                                     layout=widgets.Layout(width="420px"), **_SLIDER)
        super().__init__([self.p], figsize=(6.0, 3.4))

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
        style = dict(lw=2.2, ls=(0, (5, 2)))
        self.tangent_ce, = ax.plot([], [], color=COLORS["ce"], **style)
        self.tangent_se, = ax.plot([], [], color=COLORS["mse"], **style)
        self.points, = ax.plot([], [], "o", color=COLORS["marker"], ms=6, zorder=5)
        self.guide, = ax.plot([], [], ls=":", lw=1, color=COLORS["neutral"])
        # the numbers, in the empty upper right corner
        box = dict(transform=ax.transAxes, ha="right", va="top", fontsize=10)
        self.note_ce = ax.text(0.98, 0.96, "", color=COLORS["ce"], **box)
        self.note_se = ax.text(0.98, 0.87, "", color=COLORS["mse"], **box)
        self.note_ratio = ax.text(0.98, 0.78, "", color=COLORS["marker"], **box)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 4.0)
        ax.set_xlabel("probability given to the true class, $p$  (t = 1)")
        ax.set_ylabel("loss")
        ax.set_title("Tangent slopes: cross-entropy vs squared error")
        # what update() moves: redraws blit just these over the cached background
        self.dynamic_artists = (self.guide, self.tangent_ce, self.tangent_se, self.points,
                                self.note_ce, self.note_se, self.note_ratio)

    def _tangent(self, line, p, value, slope):
        # a segment of fixed length on screen (axes are 1 wide and 4 tall)
        half = 0.22 / np.hypot(1.0, slope / 4.0)
        x = np.array([p - half, p + half])
        line.set_data(x, value + slope * (x - p))

    def update(self):
        p = self.p.value
        ce, se = float(surprisal(p)), float(mean_squared_error(1.0, p, reduction="none"))
        s_ce, s_se = float(bce_grad_p(1.0, p)), float(mse_grad_p(1.0, p))
        self._tangent(self.tangent_ce, p, ce, s_ce)
        self._tangent(self.tangent_se, p, se, s_se)
        self.points.set_data([p, p], [ce, se])
        self.guide.set_data([p, p], [0, 4.0])
        self.note_ce.set_text(f"slope of $-\\ln p$: {fmt(s_ce, 2)}")
        self.note_se.set_text(f"slope of $(1-p)^2$: {fmt(s_se, 2)}")
        self.note_ratio.set_text(f"ratio: {fmt(s_ce / s_se, 2)}")
        return (f"At p = {p:.2f}: slope of −ln p = " + self.key(s_ce, fmt(s_ce, 2))
                + f", slope of (1 − p)² = {fmt(s_se, 2)}; cross-entropy is "
                f"{fmt(s_ce / s_se, 2)} times as steep.")


def iris_standardized():
    """The Iris features standardised column by column, and the labels 0, 1, 2."""
    from ..datasets import load_iris

    iris = load_iris()
    return standardize(iris.X), iris.y


class RaceExplorer(Explorer):
    """A race on Iris: softmax regression trained with cross-entropy vs squared error.

    Both runs start from the same random weights (``seed``) and take the same
    gradient-descent steps; only the loss differs.  Loss and accuracy per epoch
    are drawn side by side.  The key number is the final cross-entropy loss.

    Parameters
    ----------
    lr : float
        Learning rate, in [0.05, 2] on a 0.05 grid.
    init_scale : float
        Scale of the initial weights, in [0, 8] on a 0.5 grid; large values make
        the start confidently wrong (with the default seed).
    epochs : int
        Number of epochs, 50 to 1000 in steps of 50.
    seed : int
        Seed of the shared initial weights.
    """

    name = "race"
    trend = "down"  # a larger step size reaches a lower cross-entropy in the same epochs

    def __init__(self, lr=0.5, init_scale=4.0, epochs=300, seed=3, X=None, y=None):
        if X is None:
            X, y = iris_standardized()
        self.X, self.y, self.seed = X, y, seed
        self._cache = {}
        # each change retrains two models (~0.1 s): train when a drag ends, not at every
        # step of it, so the kernel never lags behind the mouse (keys still act at once)
        race_slider = dict(_SLIDER, continuous_update=False)
        self.lr = widgets.FloatSlider(value=lr, min=0.05, max=2.0, step=0.05,
                                      readout_format=".2f", description="learning rate",
                                      layout=widgets.Layout(width="360px"), **race_slider)
        self.init_scale = widgets.FloatSlider(value=init_scale, min=0.0, max=8.0, step=0.5,
                                              readout_format=".1f",
                                              description="initial-weight scale",
                                              layout=widgets.Layout(width="360px"), **race_slider)
        self.epochs = widgets.IntSlider(value=epochs, min=50, max=1000, step=50,
                                        description="epochs",
                                        layout=widgets.Layout(width="360px"), **race_slider)
        self.replay_button = widgets.Button(description="▶ replay the race",
                                            tooltip="Animate the race from epoch 0")
        self.replay_button.on_click(self.replay)
        self._task = None
        self.frames_drawn = 0
        super().__init__([self.lr, self.init_scale, self.epochs, self.replay_button],
                         figsize=(8.4, 3.3))

    def build(self, fig):
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        self.lines = {}
        self.labels = {}
        for loss, text in (("ce", "cross-entropy"), ("mse", "squared error")):
            for ax, kind in ((self.ax_loss, "loss"), (self.ax_acc, "accuracy")):
                self.lines[loss, kind], = ax.plot([], [], color=COLORS[loss])
                self.labels[loss, kind] = label_line(ax, 0, 0, text, color=COLORS[loss],
                                                     dx=-4, dy=7, ha="right", va="bottom")
        ax = self.ax_loss
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (log scale)")
        ax.set_title("Each model's own loss")
        ax = self.ax_acc
        self.chance = ax.axhline(1 / 3, color=COLORS["neutral"], lw=1, ls="--")
        ax.annotate("chance", (0.45, 1 / 3), xycoords=("axes fraction", "data"),
                    xytext=(0, 3), textcoords="offset points", va="bottom", fontsize=9,
                    color=COLORS["neutral"])
        ax.set_ylim(-0.05, 1.1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("training accuracy")
        ax.set_title("Accuracy on Iris")

    def race(self):
        """Run (or re-run) both trainings with the current controls; returns {loss: history}."""
        settings = dict(lr=self.lr.value, epochs=self.epochs.value,
                        init_scale=self.init_scale.value, seed=self.seed)
        key = tuple(sorted(settings.items()))
        if key not in self._cache:  # deterministic, so a revisited setting is instant
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = {loss: train_softmax_regression(self.X, self.y, loss=loss,
                                                               **settings)
                                for loss in ("ce", "mse")}
        return self._cache[key]

    def _show(self, upto):
        """Draw epochs 0..upto of the current race."""
        epochs = np.arange(upto + 1)
        for kind in ("loss", "accuracy"):
            ends = {loss: getattr(run, kind)[upto] for loss, run in self.runs.items()}
            for loss, run in self.runs.items():
                values = getattr(run, kind)
                self.lines[loss, kind].set_data(epochs, values[: upto + 1])
                # the label of the lower line goes below the line's last stretch,
                # the other one above it
                below = ends[loss] < max(ends.values()) or (
                    ends["ce"] == ends["mse"] and loss == "mse")
                tail = values[int(0.6 * upto): upto + 1]
                label = self.labels[loss, kind]
                label.xy = (upto, tail.min() if below else tail.max())
                label.set_position((-4, -5 if below else 5))
                label.set_va("top" if below else "bottom")
        self.frames_drawn += 1

    def _set_limits(self):
        n = self.epochs.value
        losses = np.concatenate([run.loss for run in self.runs.values()])
        # room for the line labels above and below (log scale)
        self.ax_loss.set_ylim(losses.min() / 3, losses.max() * 3)
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, n * 1.02)

    def update(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.runs = self.race()
        self._set_limits()
        self._show(self.epochs.value)
        ce, se = self.runs["ce"], self.runs["mse"]
        n = self.epochs.value
        return ("After " + f"{n} epochs, the cross-entropy model has loss "
                + self.key(ce.loss[-1], fmt(ce.loss[-1]))
                + f" and accuracy {ce.accuracy[-1]:.1%}; the squared-error model has loss "
                f"{fmt(se.loss[-1])} and accuracy {se.accuracy[-1]:.1%} "
                f"(both started at accuracy {ce.accuracy[0]:.1%}).")

    # -- replay ---------------------------------------------------------------
    def replay(self, *_, frames=25, pause=0.02):
        """Animate the race from epoch 0 (in a running kernel), else draw it at once."""
        if self._task is not None:
            self._task.cancel()
        steps = np.unique(np.linspace(0, self.epochs.value, frames).astype(int))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not self.live:
            for upto in steps:
                self._show(upto)
            self._draw()
            return
        self._task = loop.create_task(self._animate(steps, pause))

    async def _animate(self, steps, pause):
        try:
            for upto in steps:
                self._show(upto)
                self._draw()
                await asyncio.sleep(pause)
        finally:
            if self._task is asyncio.current_task():
                self._task = None

    def _draw(self):
        if self.live:
            self.redraw()
