"""Explorers of notebook 08: a coin's likelihood, and proper scoring rules."""
from __future__ import annotations

import numbers

import numpy as np

from ..likelihood import best_report, coin_log_likelihood, expected_score
from ..plotting import COLORS, SCORE_COLORS, SCORE_NAMES
from . import _controls as ui
from ._base import Explorer, check_value, fmt

#: the q grid of the curves drawn by the browser: linspace(lo, hi, n)
_COIN_GRID = (0.005, 0.995, 199)
_SCORE_GRID = (0.0025, 0.9975, 200)


def _grid(spec):
    lo, hi, n = spec
    return np.linspace(lo, hi, n)


def _clipped(y, top):
    """Curve values above the axes' top as NaN (the browser skips them)."""
    y = np.asarray(y, dtype=float)
    return [float(v) if v <= top else float("nan") for v in y]


class CoinLikelihoodExplorer(Explorer):
    r"""Drag a coin's P(heads) q over a set of tosses: likelihood and NLL, optimum at h/n.

    Left: the likelihood :math:`L(q) = q^h(1-q)^m` relative to its maximum; right:
    the negative log-likelihood :math:`-\ln L(q)`, the summed BCE of the tosses.
    Both curves follow the number of heads; their optimum (green) is the observed
    frequency h/n.

    Parameters
    ----------
    q : float
        Starting P(heads), in [0.01, 0.99].
    heads : int
        Starting number of heads, 0 ... tosses.
    tosses : int
        Number of tosses n, 1 ... 50.

    Examples
    --------
    >>> from celearn.widgets import CoinLikelihoodExplorer
    >>> ex = CoinLikelihoodExplorer(q=0.5, heads=7, tosses=10)
    >>> round(ex.key_value, 4)
    6.9315
    """

    name = "coin"
    trend = "any"

    def __init__(self, q=0.5, heads=7, tosses=10):
        if isinstance(tosses, (bool, np.bool_)) or not isinstance(tosses, numbers.Integral) \
                or not 1 <= tosses <= 50:
            raise ValueError(f"tosses must be a whole number from 1 to 50; got {tosses!r}")
        if isinstance(heads, (bool, np.bool_)) or not isinstance(heads, numbers.Integral) \
                or not 0 <= heads <= tosses:
            raise ValueError(f"heads must be a whole number from 0 to tosses = {tosses}; "
                             f"got {heads!r}")
        q = check_value("q", q, 0.01, 0.99, what="P(heads)")
        self.tosses = int(tosses)
        self.ymax = 1.25 * self.tosses * np.log(2) + 2
        self.q = ui.FloatSlider(value=q, min=0.01, max=0.99, step=0.01, description="q",
                                     readout_format=".2f", continuous_update=True)
        self.heads = ui.IntSlider(value=int(heads), min=0, max=self.tosses, step=1,
                                       description="heads", continuous_update=True)
        super().__init__({"q": self.q, "heads": self.heads}, figsize=(9.0, 3.2))

    def params_for_browser(self):
        return {"tosses": self.tosses, "grid": list(_COIN_GRID), "ymax": float(self.ymax)}

    def build(self, fig):
        left, right = fig.subplots(1, 2)
        left.set_xlim(0, 1)
        left.set_ylim(0, 1.12)
        left.set_xlabel("the coin's P(heads), $q$")
        left.set_ylabel(r"likelihood $L(q)\, /\, \max L$")
        left.set_title(f"likelihood of the {self.tosses} tosses")
        right.set_xlim(0, 1)
        right.set_ylim(0, self.ymax)
        right.set_xlabel("the coin's P(heads), $q$")
        right.set_ylabel(r"$-\ln L(q)$ = summed BCE (nats)")
        right.set_title("negative log-likelihood")

    def scene(self, state):
        q, h = float(state["q"]), int(state["heads"])
        n = self.tosses
        m = n - h
        best = h / n
        grid = _grid(_COIN_GRID)
        ll = coin_log_likelihood(grid, h, m)
        ll_best = float(coin_log_likelihood(best, h, m))
        nll_q = float(-coin_log_likelihood(q, h, m))
        nll_best = -ll_best
        rel_q = float(np.exp(-nll_q - ll_best))
        lik_q = float(np.exp(-nll_q))
        green, black = COLORS["true"], COLORS["marker"]
        marks = [
            {"kind": "line", "x": grid.tolist(), "y": np.exp(ll - ll_best).tolist(),
             "color": COLORS["p"], "lw": 2},
            {"kind": "line", "ax": 1, "x": grid.tolist(), "y": _clipped(-ll, self.ymax),
             "color": COLORS["ce"], "lw": 2},
            {"kind": "line", "x": [best, best], "y": [0.0, 1.0], "color": green, "lw": 1,
             "dash": "2 2"},
            {"kind": "line", "ax": 1, "x": [best, best], "y": [0.0, min(nll_best, self.ymax)],
             "color": green, "lw": 1, "dash": "2 2"},
            {"kind": "dot", "x": best, "y": 1.0, "r": 5, "color": green},
            {"kind": "dot", "ax": 1, "x": best, "y": nll_best, "r": 5, "color": green},
            {"kind": "text", "x": best, "y": 1.0, "text": f"max at h/n = {best:.2f}",
             "dx": 0, "dy": 7, "ha": "center", "color": green, "role": "value"},
            {"kind": "dot", "key": "q-left", "x": q, "y": rel_q, "r": 5, "color": black},
            {"kind": "text", "ax": 1, "x": q, "y": min(nll_q, self.ymax),
             "text": f"{fmt(nll_q)} nats", "dx": 8, "dy": 6,
             "ha": "left" if q < 0.7 else "right", "role": "label"},
            {"kind": "dot", "key": "marker", "ax": 1, "x": q, "y": min(nll_q, self.ymax), "r": 6,
             "color": black, "drag": "q", "label": "q on the NLL curve",
             "valuetext": f"q = {q:.2f}"},
        ]
        readout = (f"{h} heads, {m} tails; q = {q:.2f}: likelihood {fmt(lik_q)}, NLL = "
                   + self.key(nll_q, f"{fmt(nll_q)} nats")
                   + f"; the maximum is at q = h/n = {best:.2f} (NLL {fmt(nll_best)} nats)")
        return {"marks": marks, "readout": readout, "value": nll_q}

    def drag(self, mark, x, y, state):
        return {"q": x}


class ProperScoreExplorer(Explorer):
    r"""A true probability p* and a report q: the expected log, Brier and absolute penalties.

    The three curves are :func:`celearn.likelihood.expected_score` over q for the
    current p*; each minimum is marked. Drag the black handle (the report q) and
    the green one (the truth p*). The log loss and Brier curves bottom out at
    q = p*; the absolute error at 0 or 1.

    Parameters
    ----------
    q : float
        Starting report, in [0.01, 0.99].
    p_star : float
        Starting truth, in [0.01, 0.99].

    Examples
    --------
    >>> from celearn.widgets import ProperScoreExplorer
    >>> ex = ProperScoreExplorer(q=0.9, p_star=0.7)
    >>> round(ex.key_value, 4)
    0.7645
    """

    name = "scores"
    trend = "any"
    YMAX = 1.5

    def __init__(self, q=0.9, p_star=0.7):
        q = check_value("q", q, 0.01, 0.99, what="the reported probability")
        p_star = check_value("p_star", p_star, 0.01, 0.99, what="the true probability")
        self.q = ui.FloatSlider(value=q, min=0.01, max=0.99, step=0.01, description="q",
                                     readout_format=".2f", continuous_update=True)
        self.p_star = ui.FloatSlider(value=p_star, min=0.01, max=0.99, step=0.01,
                                          description="p*", readout_format=".2f",
                                          continuous_update=True)
        super().__init__({"q": self.q, "p_star": self.p_star}, figsize=(6.5, 3.6))

    def params_for_browser(self):
        return {"grid": list(_SCORE_GRID), "ymax": self.YMAX,
                "score_colors": dict(SCORE_COLORS)}

    def build(self, fig):
        ax = fig.add_subplot()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, self.YMAX)
        for i, rule in enumerate(("log", "brier", "absolute")):
            ax.text(0.42, 0.97 - 0.08 * i, SCORE_NAMES[rule], transform=ax.transAxes,
                    ha="center", va="top", color=SCORE_COLORS[rule], fontsize=10,
                    fontweight="bold")
        ax.set_xlabel("reported probability $q$ of $t = 1$ (black handle)")
        ax.set_ylabel("expected penalty")
        ax.set_title("expected score when the truth is $p^*$ (green handle)")

    def scene(self, state):
        q, p = float(state["q"]), float(state["p_star"])
        grid = _grid(_SCORE_GRID)
        colors = SCORE_COLORS
        marks = []
        for rule in ("log", "brier", "absolute"):
            marks.append({"kind": "line", "x": grid.tolist(),
                          "y": _clipped(expected_score(p, grid, rule=rule), self.YMAX),
                          "color": colors[rule], "lw": 2})
        marks.append({"kind": "line", "x": [p, p], "y": [0.0, self.YMAX], "color": COLORS["true"],
                      "lw": 1, "dash": "2 2"})
        marks.append({"kind": "line", "x": [q, q], "y": [0.0, self.YMAX],
                      "role": "guide"})
        values = {}
        for rule in ("log", "brier", "absolute"):
            best = best_report(p, rule=rule)
            values[rule] = (float(expected_score(p, q, rule=rule)),
                            float(expected_score(p, best, rule=rule)), best)
            marks.append({"kind": "dot", "x": best, "y": values[rule][1], "r": 5,
                          "color": colors[rule]})
            marks.append({"kind": "dot", "x": q, "y": min(values[rule][0], self.YMAX), "r": 3.5,
                          "color": COLORS["marker"]})
        top = 0.92 * self.YMAX
        marks.append({"kind": "dot", "key": "p-star", "x": p, "y": top, "r": 6,
                      "color": COLORS["true"], "drag": "p_star", "label": "the truth p*",
                      "valuetext": f"p* = {p:.2f}"})
        marks.append({"kind": "text", "x": p, "y": top, "text": "p*", "dx": 9, "dy": 0,
                      "ha": "left", "va": "center", "color": COLORS["true"], "size": 10})
        marks.append({"kind": "dot", "key": "marker", "x": q, "y": 0.0, "role": "marker",
                      "drag": "q", "label": "the report q",
                      "valuetext": f"q = {q:.2f}"})
        log_q, log_best, _ = values["log"]
        br_q, br_best, _ = values["brier"]
        ab_q, ab_best, ab_at = values["absolute"]
        readout = (f"truth p* = {p:.2f}, report q = {q:.2f}: expected log loss "
                   + self.key(log_q, fmt(log_q))
                   + f" (honest q = p*: {fmt(log_best)}), Brier {fmt(br_q)} ({fmt(br_best)}), "
                   f"absolute {fmt(ab_q)} (best at q = {ab_at:g}: {fmt(ab_best)})")
        return {"marks": marks, "readout": readout, "value": log_q}

    def drag(self, mark, x, y, state):
        if mark == "p_star":
            return {"p_star": x}
        return {"q": x}
