"""The training explorer of notebook 12: softmax regression on the digits, trained on release."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D

from .. import softmax_regression as sr
from ..datasets import load_digits
from ..plotting import COLORS
from . import _controls as ui
from ._base import Explorer, Replaying, check_value, fmt
from .jacobian import COLOR_TABLE, cell_color

#: the split of notebook 12: pixels / 16, 60 / 20 / 20 %, seed 0
SPLIT_SEED = 0
#: learning rates 10^-2 ... 10^2 in quarter decades; L2 strengths 0 and 10^-5 ... 10^-2 in
#: half decades. lr * lam <= 1 everywhere, so the penalty's part of a step,
#: W <- (1 - lr * lam) W, never grows W: every run the sliders can make stays finite.
LR_EXP, LAM_EXP = (-2.0, 2.0, 0.25), (-5.0, -2.0, 0.5)
EPOCHS = (5, 100, 5)
BATCHES = (8, 32, 128)
#: log e of the largest float64: exp(z) overflows to inf above it
EXP_OVERFLOW = math.log(np.finfo(np.float64).max)


@lru_cache(maxsize=1)
def digits_split():
    """Notebook 12's fixed split of the digits (pixels divided by 16)."""
    X, y = load_digits()
    return sr.split(X / 16, y, seed=SPLIT_SEED)


class ZeroLogSlider(ui.FloatLogSlider):
    """A log slider whose first position is 0 ("none"), then ``base ** e`` for e = min ... max.

    The browser's slider (``kind="log"``) holds 0 at position 0 (``values[0] == 0``).
    """

    @property
    def positions(self):
        return int(round((self.max - self.min) / self.step)) + 1

    @property
    def values(self):
        return [0.0] + [float(self.base ** (self.min + k * self.step))
                        for k in range(self.positions)]

    def check(self, value):
        value = ui._plain(value)
        hi = self.base ** self.max
        if not ui._is_number(value) or not math.isfinite(float(value)):
            raise ValueError(f"{self.name or self.description} must be 0 or a finite number in "
                             f"[{self.base ** self.min:g}, {hi:g}]; got {value!r}")
        return min(hi, max(0.0, float(value)))                 # clamped, as a slider does

    def snap(self, value):
        v = self.check(value)
        if v <= 0:
            return 0.0
        e = math.log(v) / math.log(self.base)
        k = 1 + round((min(self.max, max(self.min, e)) - self.min) / self.step)
        return self.values[int(min(self.positions, max(1, k)))]


def _percent(v):
    return f"{v:.1%}"


class TrainingExplorer(Replaying, Explorer):
    r"""Train softmax regression on the digits: learning rate, batch size, L2 strength, epochs.

    When a slider is released, the kernel trains :func:`celearn.softmax_regression.train`
    from zero weights on notebook 12's split (the same function, the same numbers as
    calling it yourself) and sends the curves and the weights as numbers (the ``live``
    trait); the browser draws the training and validation loss and accuracy per epoch
    and the ten class weight images (8 × 8, blue lowers the class's logit, red raises
    it), and replays the curves from epoch 0 on its own.  The key number is the final
    validation loss; epoch 0 is :math:`\ln 10` (W = 0).  Every run trained is kept, so
    a revisited setting costs nothing.

    Parameters
    ----------
    lr : float
        Learning rate, in [0.01, 100].
    batch_size : int
        Images per SGD step: 8, 32, 128 or all the training images (1078).
    lam : float
        L2 strength λ: 0 or in [1e-5, 1e-2].
    epochs : int
        Passes over the training images, 5 to 100.
    seed : int
        Seed of the shuffling (:func:`celearn.softmax_regression.fit`).

    Examples
    --------
    >>> from celearn.widgets import TrainingExplorer
    >>> ex = TrainingExplorer(epochs=20)
    >>> print(f"{ex.run.val_loss[0]:.4f}", ex.run.val_accuracy[-1] > 0.9)   # ln 10 at W = 0
    2.3026 True
    """

    name = "training"
    trend = "any"        # the final loss falls with the learning rate, then rises (too high)
    draggable = False
    kernel_scene = True
    static_controls = ("epochs",)  # the epoch axes are rescaled
    #: the loss axis (log): a value outside is drawn at its edge, and a note says so
    LOSS_LIM = (1e-3, 1e3)

    def __init__(self, lr=1.0, batch_size=32, lam=1e-4, epochs=100, *, seed=0):
        data = digits_split()
        n_train = len(data.X_train)
        lr = check_value("lr", lr, 10 ** LR_EXP[0], 10 ** LR_EXP[1], what="the learning rate")
        batches = BATCHES + (n_train,)
        if isinstance(batch_size, (bool, np.bool_)) or batch_size not in batches:
            raise ValueError(f"batch_size must be one of {list(batches)} (the last is every "
                             f"training image: full batch); got {batch_size!r}")
        if isinstance(lam, (bool, np.bool_)) or not isinstance(
                lam, (int, float, np.integer, np.floating)) or not (
                lam == 0 or 10 ** LAM_EXP[0] <= lam <= 10 ** LAM_EXP[1]):
            raise ValueError(f"lam (the L2 strength) must be 0 or a number in "
                             f"[{10 ** LAM_EXP[0]:g}, {10 ** LAM_EXP[1]:g}]; got {lam!r}")
        if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)) \
                or not EPOCHS[0] <= epochs <= EPOCHS[1]:
            raise ValueError(f"epochs must be a whole number in [{EPOCHS[0]}, {EPOCHS[1]}], got "
                             f"{epochs!r}; pass e.g. epochs=100")
        self.data, self.seed, self.n_train = data, int(seed), n_train
        self._cache = {}
        # each change trains a model: the page sends a slider's value when it is released,
        # not at every step of a drag (continuous_update=False)
        self.lr = ui.FloatLogSlider(lr, min=LR_EXP[0], max=LR_EXP[1], step=LR_EXP[2],
                                    description="learning rate", continuous_update=False)
        self.batch_size = ui.ToggleButtons(
            options=[(str(b), b) for b in BATCHES] + [(f"all {n_train}", n_train)],
            value=int(batch_size), description="batch size", continuous_update=False)
        self.lam = ZeroLogSlider(float(lam), min=LAM_EXP[0], max=LAM_EXP[1], step=LAM_EXP[2],
                                 description="L2 strength λ", continuous_update=False)
        self.epochs = ui.IntSlider(int(epochs), min=EPOCHS[0], max=EPOCHS[1], step=EPOCHS[2],
                                   description="epochs", continuous_update=False)
        super().__init__({"lr": self.lr, "batch_size": self.batch_size, "lam": self.lam,
                          "epochs": self.epochs}, figsize=(9.2, 5.6))

    # -- the static figure ----------------------------------------------------------------
    def build(self, fig):
        # a fixed layout (figure fractions of 920 x 560 px): twelve axes laid out by
        # matplotlib's constrained layout take a second to draw, and epochs redraw it
        W_, H_ = 920.0, 560.0

        def box(x, y, w, h):
            return [x / W_, y / H_, w / W_, h / H_]

        fig.set_layout_engine("none")
        self.ax_loss = fig.add_axes(box(72, 235, 370, 295))
        self.ax_acc = fig.add_axes(box(545, 235, 355, 295))
        n = self.epochs.value
        ax = self.ax_loss
        ax.set_yscale("log")
        ax.set_ylim(*self.LOSS_LIM)
        ax.axhline(np.log(10), color=COLORS["neutral"], lw=1, ls=":")
        ax.annotate("ln 10: the start (W = 0)", (0.02, np.log(10)),
                    xycoords=("axes fraction", "data"), xytext=(0, 3),
                    textcoords="offset points", va="bottom", fontsize=9)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean cross-entropy (nats, log scale)")
        ax.set_title("Loss")
        ax.legend(handles=[
            Line2D([], [], color=COLORS["ce"], lw=2, label="training"),
            Line2D([], [], color=COLORS["marker"], lw=2, ls=(0, (2.5, 2)),
                   label="validation")], loc="lower left", fontsize=9)
        ax = self.ax_acc
        ax.axhline(0.1, color=COLORS["neutral"], lw=1, ls=":")
        ax.annotate("chance (1 in 10)", (0.02, 0.1), xycoords=("axes fraction", "data"),
                    xytext=(0, 3), textcoords="offset points", va="bottom", fontsize=9)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("fraction classified right")
        ax.set_title("Accuracy")
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, n * 1.02)
        fig.text(0.5, 160 / H_, "Weights of each class after the last epoch (8 × 8 pixels; "
                 "red raises the class's logit, blue lowers it)", ha="center", va="bottom",
                 fontsize=10)
        self.ax_weights = []
        for k in range(10):
            ax = fig.add_axes(box(14 + 83 * k, 42, 74, 74))
            ax.set_xlim(0, 8)
            ax.set_ylim(8, 0)                                 # row 0 of the image on top
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for side in ax.spines.values():
                side.set_visible(True)
                side.set_linewidth(0.8)
            ax.set_title(f"digit {k}", fontsize=10, loc="center")
            self.ax_weights.append(ax)
        cmap = LinearSegmentedColormap.from_list(
            "celearn-weights", [[c / 255 for c in rgb] for rgb in COLOR_TABLE], N=256)
        self.colorbar = fig.colorbar(ScalarMappable(norm=Normalize(-1, 1), cmap=cmap),
                                     cax=fig.add_axes(box(850, 42, 12, 74), label="<colorbar>"),
                                     ticks=[-1, 0, 1])
        self.colorbar.ax.set_yticklabels(["", "", ""])
        self.colorbar.outline.set_visible(False)
        # its tick labels (± the largest |weight|) are drawn live, in an empty axes beside it
        # (a text mark is kept inside its axes: the bar is too narrow to hold them)
        self.ax_ticks = fig.add_axes(box(866, 42, 52, 74), label="<colorbar>")
        self.ax_ticks.set_xlim(0, 1)
        self.ax_ticks.set_ylim(-1, 1)
        self.ax_ticks.set_axis_off()

    def axes_for_marks(self):
        """Loss, accuracy, the ten weight images, the colour bar's live tick labels."""
        return [self.ax_loss, self.ax_acc, *self.ax_weights, self.ax_ticks]

    def params_for_browser(self):
        return {"table": COLOR_TABLE, "loss_lim": list(self.LOSS_LIM),
                "exp_overflow": EXP_OVERFLOW}

    # -- training -------------------------------------------------------------------------
    def settings(self, state=None):
        """The keyword arguments of :func:`celearn.softmax_regression.train` for ``state``."""
        state = self.state if state is None else state
        return dict(lr=float(state["lr"]), lam=float(state["lam"]),
                    batch_size=int(state["batch_size"]), epochs=int(state["epochs"]),
                    seed=self.seed)

    def train(self, state=None):
        """The training run for ``state`` (default: the controls) and the numbers it shows.

        Training is deterministic, so every run is kept: a revisited setting is instant.
        """
        settings = self.settings(state)
        key = tuple(sorted(settings.items()))
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
            run = sr.train(self.data, **settings)
            val = sr.evaluate(self.data.X_val, self.data.y_val, run.W, run.b)
            numbers = {
                "train_loss": run.train_loss.tolist(), "val_loss": run.val_loss.tolist(),
                "train_accuracy": run.train_accuracy.tolist(),
                "val_accuracy": run.val_accuracy.tolist(),
                # column k of W is class k's image, row-major 8 x 8
                "weights": run.W.T.tolist(),
                "limit": float(np.abs(run.W).max()) or 1.0,
                "steps": int(run.steps), "batch_size": settings["batch_size"],
                "n_train": self.n_train, "confidence": val["confidence"], "ece": val["ece"],
                "largest_logit": float(np.abs(sr.logits(self.data.X_train, run.W,
                                                        run.b)).max()),
            }
            if not (np.all(np.isfinite(run.W)) and np.all(np.isfinite(run.train_loss))
                    and np.all(np.isfinite(run.val_loss))):     # pragma: no cover - ranges
                raise ArithmeticError(f"training overflowed to inf/nan at {settings}")
            self._cache[key] = (run, numbers)
        return self._cache[key]

    @property
    def run(self):
        """The training run of the current setting (a :class:`celearn.softmax_regression.Run`)."""
        return self.train()[0]

    def live_numbers(self):
        """The curves and weights of the current setting, as numbers: what the browser draws."""
        state = dict(self.state)
        return {"state": state, "run": self.train(state)[1]}

    # -- the scene --------------------------------------------------------------------------
    def scene(self, state, upto=None):
        """Curves of epochs 0..upto (default: all), weight images, and the readout."""
        nums = self.train(state)[1]
        n = int(state["epochs"])
        upto = n if upto is None else int(upto)
        epochs = list(range(upto + 1))
        lo, hi = self.LOSS_LIM
        marks, off_scale = [], False
        for ax, kind in ((0, "loss"), (1, "accuracy")):
            for part, color in (("train", COLORS["ce"]), ("val", COLORS["marker"])):
                values = nums[f"{part}_{kind}"][: upto + 1]
                if kind == "loss":
                    off_scale = off_scale or any(v < lo or v > hi for v in values)
                    values = [min(hi, max(lo, v)) for v in values]
                mark = {"kind": "line", "ax": ax, "key": f"{part}-{kind}", "x": epochs,
                        "y": values, "color": color, "lw": 2}
                if part == "val":
                    mark["dash"] = "5 4"
                marks.append(mark)
        if off_scale:
            marks.append({"kind": "text", "ax": 0, "key": "off-scale", "x": 0.98, "y": 0.97,
                          "coords": "axes", "text": "beyond the axis: drawn at its edge",
                          "ha": "right", "va": "top", "role": "value"})
        limit = nums["limit"]
        for k, image in enumerate(nums["weights"]):
            for i, w in enumerate(image):
                r, c = divmod(i, 8)
                color = cell_color(w, limit)         # edged in its own colour: no seams
                marks.append({"kind": "rect", "ax": 2 + k, "key": f"w{k}-{i}", "x0": c,
                              "x1": c + 1, "y0": r, "y1": r + 1, "color": color,
                              "edge": color, "fixed": True})
        for y, text in ((1, "+" + format(limit, ".3g")), (0, "0"),
                        (-1, "−" + format(limit, ".3g"))):
            marks.append({"kind": "text", "ax": 12, "key": f"cbar{y}", "x": 0, "y": y,
                          "text": text, "dx": 0, "ha": "left", "va": "center", "role": "value"})
        return {"marks": marks, "readout": self.readout(nums, n), "value": nums["val_loss"][-1]}

    def readout(self, nums, n):
        """What the readout says about a run (the browser's ``readout`` says the same)."""
        tl, vl, va = nums["train_loss"], nums["val_loss"], nums["val_accuracy"]
        text = (f"After {n} epochs ({nums['steps']} steps of {nums['batch_size']} images): "
                "validation loss " + self.key(vl[-1], fmt(vl[-1])) + " nats, accuracy "
                f"{_percent(va[-1])}; training loss {fmt(tl[-1])}. At epoch 0 (W = 0) the loss "
                f"was {fmt(vl[0])} = ln 10.")
        peak = max(tl[1:])
        if peak > tl[0]:
            big = nums["largest_logit"]
            text += (f" The training loss rose above its start, to {fmt(peak)} at epoch "
                     f"{tl.index(peak)}: the learning rate is too high, each step overshoots. "
                     f"It is still a finite number: the stable loss (log-sum-exp) never takes "
                     f"exp of a logit alone (the largest is now {big:.0f}"
                     + (", where exp overflows to inf)." if big > EXP_OVERFLOW else ")."))
        conf, acc = nums["confidence"], va[-1]
        gap = abs(conf - acc) * 100
        how = ("overconfident" if conf > acc else "underconfident") + f" by {gap:.1f} points"
        text += (f" Validation: mean confidence {_percent(conf)} against accuracy "
                 f"{_percent(acc)} ({how if conf != acc else 'calibrated on average'}), "
                 f"ECE {nums['ece']:.3f}.")
        return text
