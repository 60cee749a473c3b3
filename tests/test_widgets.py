"""Every explorer, driven from Python (no browser), and its browser scene run in node.

The browser draws an explorer's moving marks and readout with ``js/<name>.js``;
these tests run that code in node at random positions of every control and compare
each mark, number and text with Python's scene (celearn's functions), to 1e-9.
"""
import base64
import gc
import html
import inspect
import io
import re

import numpy as np
import pytest
from PIL import Image

from celearn import widgets
from celearn.widgets import Explorer, LogExplorer
from celearn.widgets._base import snap
from scenes import NODE, compare, run_js

EXPLORERS = [obj for name, obj in inspect.getmembers(widgets, inspect.isclass)
             if issubclass(obj, Explorer) and obj is not Explorer]
MARK_KINDS = {"line", "dot", "rect", "text"}
DRAGGABLE = [cls for cls in EXPLORERS if cls.draggable]


def random_states(ex, n, seed=0):
    """``n`` states reached by setting every control to random values from Python."""
    rng = np.random.default_rng(seed)
    states = []
    for _ in range(n):
        for control in ex.controls:
            options = getattr(control, "options", None)
            if options:
                values = [o[1] if isinstance(o, tuple) else o for o in options]
                control.value = values[rng.integers(len(values))]
            elif hasattr(control, "base"):          # a log slider: min, max are exponents
                control.value = snap(control, control.base ** rng.uniform(control.min,
                                                                          control.max))
            elif hasattr(control, "max"):
                control.value = snap(control, rng.uniform(control.min, control.max))
        states.append(dict(ex.state))
    return states


def test_every_explorer_is_exported():
    assert LogExplorer in EXPLORERS
    assert {cls.__name__ for cls in EXPLORERS} <= set(widgets.__all__)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_explorer_contract(cls):
    ex = cls()
    assert "celearn-explorer" in ex._dom_classes
    assert f"celearn-explorer-{cls.name}" in ex._dom_classes
    assert "celearn-readout" in ex.readout._dom_classes
    assert ex.trend in ("up", "down", "any")
    assert re.search(r'class="celearn-key" data-value="[^"]+" data-trend="(up|down|any)"',
                     ex.readout.value)
    assert np.isfinite(ex.key_value)
    # the board: one static picture, its axes geometry, the controls it listens to
    assert ex.board.background.startswith("data:image/png;base64,")
    assert len(ex.board.axes) >= 1
    for geometry in ex.board.axes:
        x0, y0, x1, y1 = geometry["bbox"]
        assert 0 <= x0 < x1 <= ex.board.size[0] and 0 <= y0 < y1 <= ex.board.size[1]
    assert ex.board.controls == ex.controls
    assert ex.board.names == ex.control_names == list(ex.state)
    # every axes says what it shows
    for ax in ex.fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_title() or ax.get_title(loc="left"), f"{cls.__name__}: untitled axes"
        assert ax.get_xlabel() or not ax.get_xticks().size, f"{cls.__name__}: no x label"
    for mark in ex.marks:
        assert mark["kind"] in MARK_KINDS
        assert 0 <= mark.get("ax", 0) < len(ex.board.axes)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_first_control_moves_key_number_the_declared_way(cls):
    ex = cls()
    slider = ex.controls[0]
    background = ex.board.background
    lo, hi = slider.min, slider.max
    slider.value = snap(slider, lo + 0.3 * (hi - lo))
    low_value, trend = ex.key_value, re.search(r'data-trend="(\w+)"', ex.readout.value)[1]
    slider.value = snap(slider, lo + 0.7 * (hi - lo))
    high_value = ex.key_value
    assert low_value != high_value
    if trend == "up":
        assert high_value > low_value
    elif trend == "down":
        assert high_value < low_value
    # moving the first slider never re-sends the static picture
    assert ex.board.background == background


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_browser_scene_equals_pythons(cls):
    """The numbers, marks and readout the browser draws are celearn's, at 60 positions.

    (8 for kernel-drawn explorers: the browser draws the numbers the kernel sent, and
    each position of 05's race is a training run.)
    """
    ex = cls()
    states = random_states(ex, 8 if cls.kernel_scene else 60, seed=1)
    lives = None
    if cls.kernel_scene:          # the browser draws what the kernel sends: board.live
        lives = []
        for state in states:
            for name, value in state.items():
                ex.controls[ex.control_names.index(name)].value = value
            assert ex.board.live["state"] == state
            lives.append(dict(ex.board.live))
    js, _ = run_js(cls.scene_name or cls.name, states, ex.board.params, lives=lives)
    for state, js_scene in zip(states, js):
        problems = compare(ex.scene(state), js_scene)
        assert not problems, f"{cls.__name__} at {state}: " + "; ".join(problems[:5])


@pytest.mark.parametrize("cls", DRAGGABLE, ids=lambda c: c.__name__)
def test_dragging_a_mark_does_in_the_browser_what_drag_to_does(cls):
    ex = cls()
    handles = [m for m in ex.marks if m.get("drag")]
    assert handles, f"{cls.__name__} declares draggable marks but shows none"
    rng = np.random.default_rng(2)
    drags = []
    for state in random_states(ex, 20, seed=3):
        for m in handles:
            ax = ex.board.axes[m.get("ax", 0)]
            x = rng.uniform(*sorted(ax["xlim"]))
            y = rng.uniform(*sorted(ax["ylim"]))
            drags.append([m["drag"], x, y, state])
    _, js = run_js(cls.scene_name or cls.name, [], ex.board.params, drags=drags)
    for (mark, x, y, state), js_values in zip(drags, js):
        py_values = ex.drag(mark, x, y, state)
        assert set(py_values) == set(js_values), (mark, py_values, js_values)
        for name, value in py_values.items():
            assert js_values[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (mark, name)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_saved_picture_has_alt_text_and_matches_the_live_start(cls):
    ex = cls()
    data, metadata = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert cls.__name__ in data["text/plain"]
    assert ex.readout_text in metadata["image/png"]["alt"]
    saved = Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGB")
    # the picture is the figure plus a one-line "run the cells" strip under it
    width, height = (round(v) for v in ex.board.size)
    # matplotlib 3.8 floors 8.2 in x 100 dpi = 819.999... to 819 px, newer ones give 820
    assert abs(saved.size[0] - width) <= 1 and saved.size[1] > height
    static = Image.open(io.BytesIO(base64.b64decode(ex.board.background.split(",", 1)[1])))
    assert all(abs(a - 2 * b) <= 1 for a, b in zip(static.size, (width, height)))  # HiDPI


def test_log_explorer_readout_follows_the_slider():
    ex = LogExplorer(p=0.5)
    ex.p.value = 0.125
    assert ex.readout_text == "p = 0.125 → −ln p = 2.079 nats = 3.000 bits"
    assert ex.key_value == pytest.approx(3 * np.log(2), rel=1e-12)
    marker = next(m for m in ex.marks if m.get("key") == "marker")
    assert marker["x"] == 0.125 and marker["y"] == pytest.approx(-np.log(0.125))


def test_log_explorer_marker_drags_along_the_curve():
    ex = LogExplorer()
    ex.drag_to("p", 0.6004, 3.0)
    assert ex.p.value == 0.6
    ex.drag_to("p", -5, 0)
    assert ex.p.value == ex.p.min == 0.001
    assert "6.908 nats" in ex.readout_text and "9.966 bits" in ex.readout_text
    with pytest.raises(ValueError, match="finite point"):
        ex.drag_to("p", float("nan"), float("nan"))


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, float("nan"), "0.3", True])
def test_log_explorer_refuses_a_start_the_slider_cannot_show(bad):
    with pytest.raises(ValueError, match="p"):
        LogExplorer(p=bad)


def test_start_value_is_not_snapped():
    assert LogExplorer(p=0.314).p.value == 0.314


def test_close_closes_everything_it_owns():
    ex = LogExplorer()
    owned = [ex, ex.board, ex.controls_box, *ex.controls]
    ex.close()
    assert all(w.comm is None for w in owned)
    assert ex.fig is None
    ex.close()                                            # twice is fine


def test_closed_explorers_are_freed():
    from ipywidgets.widgets.widget import _instances

    LogExplorer().close()
    gc.collect()
    before = len(_instances)
    for _ in range(20):
        LogExplorer().close()
    gc.collect()
    assert len(_instances) <= before, "closed explorers left widgets (layouts, styles) open"


def test_readout_escapes_html():
    assert "&lt;" in html.escape("<b>")                  # sanity of the helper we rely on
    from celearn.widgets._base import key
    assert "<b>" not in key(1.0, "<b>", "up")


def test_explorers_leave_matplotlibs_backend_alone():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "import celearn as cl; cl.widgets.LogExplorer(); print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "agg"


def test_node_is_available_for_the_scene_tests():
    assert NODE, "node runs the explorers' JavaScript in these tests: install Node.js"


def test_frontend_check_says_what_to_install_where_widgets_do_not_draw():
    from celearn.widgets import frontend_check

    check = frontend_check()
    bundle = check._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for fallback in (bundle["text/plain"], bundle["text/html"]):
        assert "pip install" in fallback and "anywidget" in fallback
    assert check.seen is False                   # only a browser that drew it sets it


def same(a, b):
    """Equal, NaN included (marks use NaN for gaps in a line)."""
    import json
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


BROWSER_DRAWN = [cls for cls in EXPLORERS if not cls.kernel_scene]
KERNEL_DRAWN = [cls for cls in EXPLORERS if cls.kernel_scene]


@pytest.mark.parametrize("cls", BROWSER_DRAWN, ids=lambda c: c.__name__)
def test_a_drag_costs_the_kernel_no_scene_until_python_reads_it(cls, monkeypatch):
    # the browser draws these scenes itself: slider steps synced from the page must not
    # make the kernel compute one scene each; reading the readout computes it once
    ex = cls()
    states = random_states(cls(), 6, seed=11)
    calls = []
    real = ex.scene
    monkeypatch.setattr(ex, "scene", lambda state, *a: calls.append(dict(state)) or real(state, *a))
    for state in states:                       # as the page syncs them (front-end lock)
        for name, control in zip(ex.control_names, ex.controls):
            if control.value != state[name]:
                control.set_state({"value": state[name]} if not hasattr(control, "index")
                                  else {"index": [o[1] if isinstance(o, tuple) else o
                                                  for o in control.options].index(state[name])})
    assert calls == []
    text = ex.readout_text
    assert calls == [ex.state]
    assert ex.key_value is not None and ex.marks and calls == [ex.state]   # computed once
    fresh = real(ex.state)
    assert same(ex.marks, fresh["marks"])
    assert html.unescape(re.sub(r"<[^>]+>", "", fresh["readout"])).strip() == text
    ex.close()


@pytest.mark.parametrize("cls", KERNEL_DRAWN, ids=lambda c: c.__name__)
def test_the_browsers_state_message_gets_the_scene_the_sync_would(cls):
    # the page sends {"kind": "state"} as a control moves; the kernel answers with the
    # scene of that state at once, the same one the slider's own sync then produces
    ex, ref = cls(), cls()
    for state in random_states(ref, 4, seed=5):
        ex._on_board_msg(ex.board, {"kind": "state", "state": dict(state)}, [])
        live = dict(ex.board.live)
        assert live["state"] == state
        expected = ref.scene(state)
        assert live["readout"] == expected["readout"] and same(live["marks"], expected["marks"])
        for name, control in zip(ex.control_names, ex.controls):   # the sync arrives
            control.value = state[name]
        assert ex.state == state and ex._readout_html == expected["readout"]
        assert same(ex.board.live, live)
    ex.close()
    ref.close()


@pytest.mark.parametrize("cls", KERNEL_DRAWN, ids=lambda c: c.__name__)
def test_a_state_message_the_controls_cannot_hold_is_ignored(cls):
    ex = cls()
    good = dict(ex.state)
    before = dict(ex.board.live)
    name = ex.control_names[0]
    bad_states = [None, [], {}, {**good, "extra": 1}, {**good, name: float("nan")},
                  {**good, name: "0.5"}, {**good, name: True}, {**good, name: 1e300},
                  {**good, name: -1e300}]
    for bad in bad_states:
        ex._on_board_msg(ex.board, {"kind": "state", "state": bad}, [])
        ex._on_board_msg(ex.board, {"kind": "other", "state": good}, [])
        assert ex.board.live == before and ex.state == good
    ex.close()


@pytest.mark.parametrize("cls", KERNEL_DRAWN, ids=lambda c: c.__name__)
def test_a_late_value_sync_does_not_send_an_older_scene(cls):
    # during a drag over a slow link the page's own messages run ahead of ipywidgets'
    # value sync: the sync of an older state must not send that older scene back
    ex = cls()
    old, new = random_states(cls(), 2, seed=9)
    for state in (old, new):
        ex._on_board_msg(ex.board, {"kind": "state", "state": dict(state)}, [])
    assert ex.board.live["state"] == new
    for name, control in zip(ex.control_names, ex.controls):      # the late sync of `old`
        if control.value != old[name]:
            if name in ex.static_controls:
                continue                       # applied by the message already
            control.set_state({"value": old[name]} if not hasattr(control, "index") else
                              {"index": [o[1] if isinstance(o, tuple) else o
                                         for o in control.options].index(old[name])})
    assert ex.board.live["state"] == new
    assert ex.readout_text                      # Python's own copy still follows its controls
    assert ex.board.live["state"] == new        # and reading it sends the page nothing
    ex.close()


def test_a_half_synced_coupled_move_keeps_the_last_scene_until_the_rest_arrives():
    # the page moves q1 up and q2 down together (react); the kernel gets the two values
    # one sync at a time, and in between holds q1 + q2 > 1: reading then must neither
    # raise nor show that non-state, and the next read shows the completed move
    ex = widgets.DistributionExplorer(q=(0.3, 0.4, 0.3))
    before = ex.readout_text
    ex.q1.set_state({"value": 0.8})                 # q1 arrives; q2 still 0.4
    assert ex.readout_text == before
    ex.q2.set_state({"value": 0.19})                # the rest of the move arrives
    assert ex.readout_text != before and "q = (0.80, 0.19, 0.01)" in ex.readout_text
    ex.close()


def test_an_invalid_start_still_raises():
    with pytest.raises(ValueError, match="q must be 3 probabilities"):
        widgets.DistributionExplorer(q=(0.8, 0.4, -0.2))


def test_a_late_slider_echo_does_not_undo_a_newer_value_set_from_python():
    # ipywidgets' slider view syncs back a value Python set, snapped by noUiSlider with
    # float noise (0.25 -> 0.25000000000000006); arriving after Python set a newer value,
    # it must not undo it (it left 06's q1 + q2 > 1 in the browser tests)
    ex = widgets.DistributionExplorer()
    ex.q1.value, ex.q2.value = 0.5, 0.25
    ex.q2.value, ex.q1.value = 0.05, 0.8
    ex.q2.set_state({"value": 0.25000000000000006})      # the late echo of 0.25
    assert (ex.q1.value, ex.q2.value) == (0.8, 0.05)
    assert "q = (0.80, 0.05, 0.15)" in ex.readout_text
    ex.q2.set_state({"value": 0.1})                      # a real move is taken
    assert ex.q2.value == 0.1
    ex.q2.set_state({"value": 0.05000000000000001})      # after a learner move: taken
    assert ex.q2.value == 0.05000000000000001
    ex.close()


def test_an_old_echo_is_forgotten(monkeypatch):
    ex = widgets.LogExplorer()
    ex.p.value = 0.25
    ex.p.value = 0.5
    monkeypatch.setattr(type(ex), "ECHO_SECONDS", 0.0)   # long after: a learner's move
    ex.p.set_state({"value": 0.25000000000000006})
    assert ex.p.value == 0.25000000000000006
    ex.close()


def test_ipython9_history_does_not_keep_every_explorer_picture(monkeypatch):
    # IPython 9 stores each output's mime bundle in history_manager.outputs for the whole
    # session; after the cell has run, an explorer's picture is dropped from that copy
    import types
    from collections import defaultdict

    import IPython
    from celearn.widgets import _base

    registered = []
    shell = types.SimpleNamespace(
        history_manager=types.SimpleNamespace(outputs=defaultdict(list)),
        events=types.SimpleNamespace(register=lambda name, f: registered.append((name, f))))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    ex = LogExplorer()
    data, _ = ex._repr_mimebundle_()
    assert "image/png" in data                       # the notebook gets its picture
    other = {"image/png": "kept", "text/plain": "a matplotlib figure"}
    shell.history_manager.outputs[7] += [types.SimpleNamespace(bundle=dict(data)),
                                         types.SimpleNamespace(bundle=other)]
    assert [name for name, _ in registered] == ["post_run_cell"]
    registered[0][1](None)                           # the cell has run
    kept = shell.history_manager.outputs[7][0].bundle
    assert "image/png" not in kept and kept["text/plain"] == data["text/plain"]
    assert other["image/png"] == "kept"              # other outputs are left alone
    ex._repr_mimebundle_()
    assert len(registered) == 1                      # one hook per shell
    ex.close()
