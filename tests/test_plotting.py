"""Every plot_* function: takes ax=None, returns the Axes, labels what it shows; no global changes."""
import inspect

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import celearn as cl
from celearn import datasets, plotting

ARGS = {
    "plot_bce_example": lambda: datasets.bce_example(),
    "plot_cce_example": lambda: datasets.cce_example(),
    "plot_distribution": lambda: ([0.5, 0.3, 0.2],),
    "plot_jacobian": lambda: ([2.0, 1.0, 0.1],),
    "plot_softmax_temperature": lambda: ([2.0, 1.0, 0.1],),
    "plot_loss_vs_baseline": lambda: ([("1000 balanced classes", np.full(1000, 1e-3), 0.6),
                                       ("binary, 90/10", [0.9, 0.1], 0.6)],),
}
PLOTS = [name for name, _ in inspect.getmembers(plotting, inspect.isfunction)
         if name.startswith("plot_")]


def args_for(name):
    return tuple(ARGS.get(name, lambda: ())())


@pytest.mark.parametrize("name", PLOTS)
def test_plot_returns_labelled_axes(name):
    args = args_for(name)
    fig, ax = plt.subplots()
    try:
        out = getattr(plotting, name)(*args, ax=ax)
        assert out is ax
        assert ax.get_title() or ax.get_title(loc="left"), f"{name}: no title"
        assert ax.get_xlabel(), f"{name}: no x label"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", PLOTS)
def test_plot_makes_its_own_axes(name):
    args = args_for(name)
    ax = getattr(plotting, name)(*args)
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
    finally:
        plt.close(ax.figure)


def test_import_changes_no_global_style():
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import celearn; "
            "import celearn.widgets; changed = [k for k in before if before[k] != mpl.rcParams[k]]; "
            "print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_use_style_applies_the_shipped_style():
    with matplotlib.rc_context():
        cl.use_style()
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["xtick.direction"] == "out"
        assert matplotlib.rcParams["lines.linewidth"] == 2


def test_colour_meanings_are_distinct():
    assert len(set(plotting.COLORS.values())) == len(plotting.COLORS)


def test_probability_grid_is_in_the_open_interval_and_sorted():
    g = plotting.probability_grid()
    assert np.all((g > 0) & (g < 1)) and np.all(np.diff(g) > 0)
    assert plotting.probability_grid(lo=1e-3, hi=1.0)[-1] == 1.0
