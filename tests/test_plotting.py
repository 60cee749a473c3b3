"""Every plot_* function: takes ax=None, returns the Axes, labels what it shows; no global changes."""
import inspect
import subprocess
import sys

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
    "plot_coin_likelihood": lambda: (7, 3),
    "plot_expected_scores": lambda: (0.7,),
    "plot_logistic_losses_1d": lambda: ([-2.0, -1.0, 0.5, 1.0, 2.0], [0, 0, 1, 1, 0]),
    "plot_training_curves": lambda: (_curves(),),
    "plot_temperature_scan": lambda: ([0, 1, 1, 2], [[2.0, 0.0, 1.0], [0.0, 1.0, 0.5],
                                                    [1.0, 0.0, 0.0], [0.0, 1.0, 3.0]]),
    "plot_gaussian_classes": lambda: datasets.make_gaussian_classes(50, seed=0)[:2],
    "plot_reliability_diagram": lambda: ([0, 1, 2, 1], [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3],
                                                       [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]]),
}
def _curves():
    from celearn.calibration import train_and_track

    X = np.array([[-1.0, 0.5], [1.0, 0.0], [0.2, 1.0], [-0.5, -1.0]])
    return train_and_track(X, [0, 1, 2, 0], X, [0, 1, 2, 0], epochs=20)


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


# ---------------------------------------------------------------------------
# Plots validate their input exactly like the maths functions
# ---------------------------------------------------------------------------
P3 = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]]
BAD_INPUT = [
    ("plot_cce_example", ([0, 1], [[0.7, 0.2, 0.2], [0.1, 0.6, 0.3]]), {}, "row 0 sums to 1.0999"),
    ("plot_cce_example", ([0, 3], P3), {}, "t has label 3"),
    ("plot_cce_example", ([0, 1], [[0.4, 0.2, 0.1, 0.3], [0.1, 0.6, 0.2, 0.1]]), {},
     "labels has 3 names but there are 4 classes"),
    ("plot_cce_example", ([0, 1], P3), {"labels": "abc"}, "single string"),
    ("plot_bce_example", ([0, 1], [0.2, 1.2]), {}, "p has a value 1.2 outside"),
    ("plot_bce_example", ([0, 1, 1], [0.2, 0.3]), {}, "shape"),
    ("plot_bce_example", ([[0, 1]], [[0.2, 0.3]]), {}, r"p must have shape \(N,\)"),
    ("plot_distribution", ([0.5, 0.6],), {}, "sums to 1.1"),
    ("plot_distribution", ([0.5, 0.5],), {"labels": ["a", "b", "c"]}, "labels has 3 names"),
    ("plot_distribution", (P3,), {}, r"p must have shape \(K,\)"),
    ("plot_simplex_loss", (3,), {}, "true_class has label 3"),
    ("plot_simplex_loss", (0,), {"labels": ("a", "b")}, "labels has 2 names"),
    ("plot_simplex_loss", (0,), {"p": [0.5, 0.6, 0.1]}, "sums to 1.2"),
    ("plot_simplex_loss", (0,), {"p": [0.5, 0.5]}, r"shape \(3,\) or \(N, 3\)"),
    ("plot_simplex_loss", (0,), {"p": P3, "point_labels": ["x"]}, "point_labels has 1 names"),
    ("plot_jacobian", (P3,), {}, r"z must have shape \(K,\)"),
    ("plot_jacobian", ([1.0, np.nan],), {}, "NaN"),
    ("plot_softmax_temperature", ([1.0, 2.0],), {"temperatures": (1.0, 0.0)}, "temperature"),
    ("plot_loss_vs_baseline", ([("a", [0.5, 0.6], 0.3)],), {}, "sums to 1.1"),
    ("plot_loss_vs_baseline", ([("a", [0.5, 0.5], -1.0)],), {}, "loss must be a finite number"),
    ("plot_log", (), {"base": 10}, "base must be None"),
    ("plot_logit_gradients", (), {"t": 2}, "t must be 0 or 1"),
    ("plot_logit_gradients", (), {"z_range": (5.0, -5.0)}, "low < high"),
    ("plot_sigmoid_saturation", (), {"dtype": np.int32}, "dtype must be"),
    ("plot_coin_likelihood", (0, 0), {}, "no tosses"),
    ("plot_coin_likelihood", (-1, 3), {}, "heads must be a whole number"),
    ("plot_coin_likelihood", (7, 3), {"q": 1.5}, "q has a value 1.5 outside"),
    ("plot_expected_scores", (1.2,), {}, "p_star must be a number in"),
    ("plot_logistic_losses_1d", ([1.0, 2.0], [0, 2]), {}, "t has a value 2"),
    ("plot_logistic_losses_1d", ([1.0, 2.0], [0, 1]), {"loss": "mse"}, "loss must be"),
    ("plot_training_curves", ([1, 2],), {}, "TrainingCurves"),
    ("plot_temperature_scan", ([0, 3], P3), {}, "t has label 3"),
    ("plot_temperature_scan", ([0, 1], P3), {"T_fit": -1.0}, "T must be a finite number"),
    ("plot_gaussian_classes", ([[0.0, 1.0, 2.0]], [0]), {}, "2 columns"),
    ("plot_gaussian_classes", ([[0.0, 1.0]], [0]), {"p_true": [[0.5, 0.6]]}, "sums to 1.1"),
    ("plot_gaussian_classes", ([[0.0, 1.0]], [3]), {"p_true": [[0.5, 0.5]]}, "y has label 3"),
    ("plot_reliability_diagram", ([0, 1], [[0.7, 0.2, 0.2], [0.1, 0.6, 0.3]]), {}, "sums to 1.0999"),
    ("plot_reliability_diagram", ([0, 3], P3), {}, "t has label 3"),
    ("plot_reliability_diagram", ([0, 1], P3), {"n_bins": 0}, "n_bins must be"),
]


@pytest.mark.parametrize("name, args, kwargs, match", BAD_INPUT,
                         ids=[f"{b[0]}-{b[3][:20]}" for b in BAD_INPUT])
def test_plot_rejects_invalid_input_and_draws_nothing(name, args, kwargs, match):
    before = plt.get_fignums()
    with pytest.raises(ValueError, match=match):
        getattr(plotting, name)(*args, **kwargs)
    new = set(plt.get_fignums()) - set(before)
    for num in new:
        plt.close(num)
    assert not new, f"{name} opened a figure before rejecting its input"


@pytest.mark.parametrize("names", [("50%", "#1", "$5"), ("a_b", "x^2", "{c}"), ("$x$", "100%", "#")])
def test_class_names_are_drawn_as_plain_text(names):
    fig, axes = plt.subplots(1, 3)
    try:
        plotting.plot_simplex_loss(0, ax=axes[0], labels=names, p=P3, point_labels=names[:2])
        plotting.plot_cce_example([0, 1], P3, ax=axes[1], labels=names)
        plotting.plot_distribution([0.2, 0.3, 0.5], ax=axes[2], labels=names, title=names[0])
        fig.canvas.draw()  # mathtext errors surface only when text is rendered
        texts = [t.get_text() for ax in axes for t in ax.texts + ax.get_xticklabels()]
        for name in names:
            assert any(name in text.replace("\\$", "$") for text in texts), name
    finally:
        plt.close(fig)


def test_reliability_diagram_shows_the_bins_and_the_ece():
    from celearn.calibration import reliability_bins

    rng = np.random.default_rng(0)
    p = cl.softmax(3 * rng.normal(size=(400, 3)))
    t = rng.integers(3, size=400)
    fig, ax = plt.subplots()
    try:
        plotting.plot_reliability_diagram(t, p, ax=ax, n_bins=8)
        bins = reliability_bins(t, p, n_bins=8)
        full = bins.count > 0
        bars = ax.containers[0]
        np.testing.assert_allclose([b.get_height() for b in bars], bins.accuracy[full])
        gaps = ax.containers[1]
        np.testing.assert_allclose([b.get_y() + b.get_height() for b in gaps],
                                   bins.confidence[full])
        assert f"{bins.ece:.3f}" in ax.get_title()
        assert ax.get_ylabel()
    finally:
        plt.close(fig)


def test_use_style_loads_neither_seaborn_nor_pandas_nor_scipy():
    """A light kernel: the setup cell (import + style) does not pull in seaborn's stack."""
    code = ("import sys, celearn as cl; cl.use_style(); "
            "print(sorted(m for m in ('seaborn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"use_style() imported {out}"


def test_use_style_is_seaborn_ticks_theme_written_out():
    """The shipped style gives the same rcParams as seaborn's theme followed by the style
    did before (so the figures look as they did), without importing seaborn."""
    code = """
import json, matplotlib as mpl, matplotlib.pyplot as plt, celearn as cl
def params():
    return {k: repr(v) for k, v in mpl.rcParams.items()}
cl.use_style(); ours = params()
mpl.rcdefaults()
import seaborn as sns
sns.set_theme(context="notebook", style="ticks", palette="colorblind")
plt.style.use(cl.plotting.STYLE); theirs = params()
print(json.dumps(sorted(k for k in ours if ours[k] != theirs[k])))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"rcParams that differ from seaborn's theme + the style: {out}"


def _contrast(a, b):
    def luminance(color):
        channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_chart_colours_have_3_to_1_contrast_in_light_and_dark_pages():
    # WCAG 2.2 non-text contrast (1.4.11): marks against the page they are drawn on
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)     # the formula's anchor
    for name, color in plotting.COLORS.items():
        assert _contrast(color, "#ffffff") >= 3, (name, color, _contrast(color, "#ffffff"))
    assert set(plotting.DARK_COLORS) == set(plotting.COLORS)           # same meanings
    for name, color in plotting.DARK_COLORS.items():
        assert _contrast(color, "#111111") >= 3, (name, color, _contrast(color, "#111111"))


def test_course_plots_load_neither_seaborn_nor_pandas_nor_scipy():
    """The heatmaps of 03 and 04 and the class scatter of 09 are drawn by matplotlib alone
    (seaborn's import took a learner's kernel from about 140 MB to 230 MB)."""
    code = ("import sys, matplotlib; matplotlib.use('Agg'); import celearn as cl\n"
            "t, p = cl.datasets.cce_example()[:2]\n"
            "cl.plotting.plot_cce_example(t, p)\n"
            "cl.plotting.plot_jacobian([2.0, 1.0, 0.1])\n"
            "cl.plotting.plot_gaussian_classes(*cl.datasets.make_gaussian_classes(50, seed=0)[:2])\n"
            "print(sorted(m for m in ('seaborn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"the course's plots imported {out}"


def test_heatmap_matches_seaborn():
    """The annotated heatmap puts the same numbers in the same cells, in the same colours
    and the same text colours, as seaborn's heatmap(annot=True)."""
    sns = pytest.importorskip("seaborn")
    import matplotlib.colors as mcolors

    P = np.array([[0.91, 0.04, 0.05], [0.11, 0.80, 0.09], [0.30, 0.10, 0.60]])
    fig, (a, b) = plt.subplots(1, 2)
    try:
        plotting._heatmap(a, P, fmt=".2f", cmap="Purples", vmin=0, vmax=1,
                          xticklabels="abc", yticklabels="xyz")
        sns.heatmap(P, ax=b, annot=True, fmt=".2f", cmap="Purples", vmin=0, vmax=1, cbar=False)

        def cells(ax):
            return sorted((round(t.get_position()[1], 3), round(t.get_position()[0], 3),
                           t.get_text(), mcolors.to_hex(t.get_color())) for t in ax.texts)

        ours, theirs = cells(a), cells(b)
        assert [c[:3] for c in ours] == [c[:3] for c in theirs]
        # seaborn writes dark text as ".15" grey; the same grey here
        assert [c[3] for c in ours] == [c[3] for c in theirs]
        np.testing.assert_allclose(a.collections[0].get_facecolors(),
                                   b.collections[0].get_facecolors())
        assert a.get_ylim() == b.get_ylim() and a.get_xlim() == b.get_xlim()
    finally:
        plt.close(fig)
