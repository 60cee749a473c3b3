"""Drive every explorer from Python (no browser): set controls, check readout and artists."""
import inspect
import re

import numpy as np
import pytest

import celearn as cl
from celearn import widgets
from celearn.widgets import Explorer, LogExplorer

EXPLORERS = [obj for name, obj in inspect.getmembers(widgets, inspect.isclass)
             if issubclass(obj, Explorer) and obj is not Explorer]


def artist_count(fig):
    return sum(len(ax.lines) + len(ax.patches) + len(ax.texts) + len(ax.images)
               + len(ax.collections) for ax in fig.axes)


def test_every_explorer_is_exported():
    assert LogExplorer in EXPLORERS
    assert {cls.__name__ for cls in EXPLORERS} <= set(widgets.__all__)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_explorer_contract(cls):
    ex = cls()
    assert "celearn-explorer" in ex._dom_classes
    assert f"celearn-explorer-{cls.name}" in ex._dom_classes
    assert "celearn-readout" in ex.readout._dom_classes
    assert "celearn-figure" in ex.canvas._dom_classes
    assert ex.trend in ("up", "down", "any")
    # the key number is in the text readout, machine-readable
    assert re.search(r'class="celearn-key" data-value="[^"]+"', ex.readout.value)
    assert np.isfinite(ex.key_value)
    # every axes says what it shows
    for ax in ex.fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_title() or ax.get_title(loc="left"), f"{cls.__name__}: untitled axes"
        assert ax.get_xlabel() or not ax.get_xticks().size, f"{cls.__name__}: no x label"
    # the toolbar and header are hidden
    assert ex.canvas.toolbar_visible is False and ex.canvas.header_visible is False


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_first_control_moves_key_number_the_declared_way(cls):
    ex = cls()
    slider = ex.controls[0]
    artists = artist_count(ex.fig)
    axes = list(ex.fig.axes)
    before, text_before = ex.key_value, ex.readout_text
    lo, hi = slider.min, slider.max
    slider.value = lo + 0.3 * (hi - lo)
    low_value = ex.key_value
    slider.value = lo + 0.7 * (hi - lo)
    high_value = ex.key_value
    assert low_value != high_value
    if cls.trend == "up":
        assert high_value > low_value
    elif cls.trend == "down":
        assert high_value < low_value
    # figure built once: the same axes and the same number of artists
    assert list(ex.fig.axes) == axes
    assert artist_count(ex.fig) == artists
    assert (before, text_before) != (high_value, ex.readout_text) or before == high_value


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_static_fallback_has_picture_and_text(cls):
    ex = cls()
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert len(bundle["image/png"]) > 1000
    assert cls.__name__ in bundle["text/plain"]


class TestLogExplorer:
    def test_readout_and_marker_follow_the_slider(self):
        ex = LogExplorer(p=0.5)
        ex.p.value = 0.125
        assert ex.readout_text == "p = 0.125 → −ln p = 2.079 nats = 3.000 bits"
        assert ex.key_value == pytest.approx(3 * np.log(2), rel=1e-12)
        x, y = ex.marker.get_data()
        assert x[0] == 0.125 and y[0] == pytest.approx(-np.log(0.125))
        assert ex.note.get_text() == "2.079 nats"

    def test_extreme_end_of_slider(self):
        ex = LogExplorer()
        ex.p.value = ex.p.min
        assert ex.p.value == 0.001
        assert ex.key_value == pytest.approx(-np.log(0.001))
        assert "6.908 nats" in ex.readout_text and "9.966 bits" in ex.readout_text

    def test_start_value_is_not_snapped(self):
        assert LogExplorer(p=0.314).p.value == 0.314

    def test_marker_is_inside_the_axes(self):
        ex = LogExplorer()
        for p in (ex.p.min, 0.5, ex.p.max):
            ex.p.value = p
            x, y = ex.marker.get_data()
            lo, hi = ex.ax.get_ylim()
            assert lo <= y[0] <= hi

    def test_redraw_sends_a_new_image(self, monkeypatch):
        ex = LogExplorer()
        sent = []
        monkeypatch.setattr(ex.canvas, "send_binary", lambda data: sent.append(data))
        ex.p.value = 0.9
        assert sent, "moving the slider did not send a new image to the browser"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_live_frame_matches_a_full_render(cls):
    """Whatever the redraw shortcut (blitting), the browser gets the true picture."""
    import io

    from PIL import Image

    ex = cls()
    slider = ex.controls[0]
    for frac in (0.2, 0.8, 0.55):
        slider.value = slider.min + frac * (slider.max - slider.min)
    live = np.asarray(ex.canvas.get_renderer().buffer_rgba()).copy()
    full = np.asarray(Image.open(io.BytesIO(ex.snapshot_png())).convert("RGBA"))
    assert live.shape == full.shape
    assert (live != full).any(axis=-1).mean() < 1e-3


def test_explorers_leave_matplotlibs_backend_alone():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "import celearn as cl; cl.widgets.LogExplorer(); print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "agg"


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_live_frame_matches_a_full_render_after_every_control(cls):
    """Switching a toggle (true class, target, unit, dtype) must not leave a stale background."""
    import io

    from PIL import Image

    ex = cls()
    for control in ex.controls[1:]:
        options = getattr(control, "options", None)
        if options:
            values = [o[1] if isinstance(o, tuple) else o for o in options]
            control.value = values[-1] if control.value != values[-1] else values[0]
        elif hasattr(control, "max"):
            control.value = control.min + 0.6 * (control.max - control.min)
        slider = ex.controls[0]
        slider.value = slider.min + 0.35 * (slider.max - slider.min)
        live = np.asarray(ex.canvas.get_renderer().buffer_rgba()).copy()
        full = np.asarray(Image.open(io.BytesIO(ex.snapshot_png())).convert("RGBA"))
        assert (live != full).any(axis=-1).mean() < 1e-3, f"after changing {control.description!r}"
