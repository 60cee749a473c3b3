"""Every explorer, driven from Python (no browser), and its browser scene run in node.

An explorer is one anywidget: its ``state`` trait is the only thing that moves. The
browser draws its moving marks and readout with ``js/<name>.js``; these tests run that
code in node at random states (set as state dicts, as the page sends them) and compare
each mark, number and text with Python's scene (celearn's functions), to 1e-9.
"""
import base64
import gc
import html
import inspect
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import ipywidgets
import nbformat
import numpy as np
import pytest
from PIL import Image

from celearn import widgets
from celearn.widgets import Explorer, LogExplorer
from celearn.plotting import COLORS
from celearn.widgets._base import ROLES, scene_js, snap, styled
from scenes import NODE, compare, run_js

EXPLORERS = [obj for name, obj in inspect.getmembers(widgets, inspect.isclass)
             if issubclass(obj, Explorer) and obj is not Explorer]
MARK_KINDS = {"line", "dot", "rect", "text"}
DRAGGABLE = [cls for cls in EXPLORERS if cls.draggable]
ROOT = Path(__file__).resolve().parents[1]


def random_state(ex, rng):
    """A random state as the page would send it: every control at a random position."""
    state = {}
    for spec in ex.controls_spec:
        if "options" in spec:
            state[spec["name"]] = spec["options"][rng.integers(len(spec["options"]))][1]
        elif spec["kind"] == "log":
            state[spec["name"]] = spec["values"][rng.integers(len(spec["values"]))]
        else:
            control = ex.controls[ex.control_names.index(spec["name"])]
            state[spec["name"]] = snap(control, rng.uniform(spec["min"], spec["max"]))
    return state


def random_states(ex, n, seed=0):
    """``n`` states the explorer holds after the page sent random ones (coupled controls
    made consistent by the explorer's validation)."""
    rng = np.random.default_rng(seed)
    wanted = [random_state(ex, rng) for _ in range(n)]
    # grouped by the controls that redraw the static picture (about a second each time
    # one changes): the same states, a few redraws instead of one per state
    wanted.sort(key=lambda s: [repr(s[name]) for name in ex.static_controls])
    states = []
    for state in wanted:
        ex.state = state
        states.append(dict(ex.state))
    return states


def test_every_explorer_is_exported():
    assert LogExplorer in EXPLORERS
    assert {cls.__name__ for cls in EXPLORERS} <= set(widgets.__all__)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_explorer_contract(cls):
    ex = cls()
    assert ex.explorer == cls.name                      # CSS class celearn-explorer-<name>
    assert 'className = `celearn-explorer celearn-explorer-${model.get("explorer")}`' in ex._esm
    assert ex.trend in ("up", "down", "any") and ex.trend_name == ex.trend
    assert re.search(r'class="celearn-key" data-value="[^"]+" data-trend="(up|down|any)"',
                     ex.readout_html)
    assert np.isfinite(ex.key_value)
    # one static picture, its axes geometry, the control specs
    assert ex.background.startswith("data:image/png;base64,")
    assert len(ex.axes) >= 1
    for geometry in ex.axes:
        x0, y0, x1, y1 = geometry["bbox"]
        assert 0 <= x0 < x1 <= ex.size[0] and 0 <= y0 < y1 <= ex.size[1]
    assert [spec["name"] for spec in ex.controls_spec] == ex.control_names == list(ex.state)
    for control, spec in zip(ex.controls, ex.controls_spec):
        assert control.value == ex.state[spec["name"]]
    # every axes says what it shows
    for ax in ex.fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_title() or ax.get_title(loc="left"), f"{cls.__name__}: untitled axes"
        assert ax.get_xlabel() or not ax.get_xticks().size, f"{cls.__name__}: no x label"
    for mark in ex.marks:
        assert mark["kind"] in MARK_KINDS
        assert 0 <= mark.get("ax", 0) < len(ex.axes)
    ex.close()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_an_explorer_is_one_widget_model(cls):
    made = []
    ipywidgets.Widget.on_widget_constructed(made.append)
    try:
        ex = cls()
    finally:
        ipywidgets.Widget.on_widget_constructed(lambda w: None)
    assert made == [ex], [type(w).__name__ for w in made]
    ex.close()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_first_control_moves_key_number_the_declared_way(cls):
    ex = cls()
    slider = ex.controls[0]
    background = ex.background
    lo, hi = slider.min, slider.max
    if hasattr(slider, "base"):
        lo, hi = slider.base ** lo, slider.base ** hi
        slider.value = snap(slider, lo * (hi / lo) ** 0.3)
        low_value = ex.key_value
        slider.value = snap(slider, lo * (hi / lo) ** 0.7)
    else:
        slider.value = snap(slider, lo + 0.3 * (hi - lo))
        low_value = ex.key_value
        slider.value = snap(slider, lo + 0.7 * (hi - lo))
    trend = re.search(r'data-trend="(\w+)"', ex.readout_html)[1]
    high_value = ex.key_value
    assert low_value != high_value
    if trend == "up":
        assert high_value > low_value
    elif trend == "down":
        assert high_value < low_value
    # moving the first slider never re-sends the static picture
    assert ex.background == background
    ex.close()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_browser_scene_equals_pythons(cls):
    """The numbers, marks and readout the browser draws are celearn's, at 60 states.

    (8 for 05's race and 12's training: each state is a training run. Kernel-drawn
    explorers: the browser draws from the numbers the kernel sent, ``live``.)
    """
    ex = cls()
    states = random_states(ex, 8 if cls.name in ("race", "training") else 60, seed=1)
    lives = None
    if cls.kernel_scene:
        lives = []
        for state in states:
            ex.state = state
            lives.append(dict(ex.live))
    js, _ = run_js(cls.scene_name or cls.name, states, ex.params, lives=lives)
    for state, js_scene in zip(states, js):
        assert js_scene is not None, f"{cls.__name__}: the browser drew nothing at {state}"
        py_scene = ex.scene(state)
        unknown = {m["role"] for m in py_scene["marks"] if "role" in m} - set(ROLES)
        assert not unknown, f"{cls.__name__}: marks name roles that roles.json lacks: {unknown}"
        problems = compare(py_scene, js_scene)
        assert not problems, f"{cls.__name__} at {state}: " + "; ".join(problems[:5])
    ex.close()


@pytest.mark.parametrize("cls", DRAGGABLE, ids=lambda c: c.__name__)
def test_dragging_a_mark_does_in_the_browser_what_drag_to_does(cls):
    ex = cls()
    handles = [m for m in ex.marks if m.get("drag")]
    assert handles, f"{cls.__name__} declares draggable marks but shows none"
    rng = np.random.default_rng(2)
    drags = []
    for state in random_states(ex, 20, seed=3):
        for m in handles:
            ax = ex.axes[m.get("ax", 0)]
            x = rng.uniform(*sorted(ax["xlim"]))
            y = rng.uniform(*sorted(ax["ylim"]))
            drags.append([m["drag"], x, y, state])
    _, js = run_js(cls.scene_name or cls.name, [], ex.params, drags=drags)
    for (mark, x, y, state), js_values in zip(drags, js):
        py_values = ex.drag(mark, x, y, state)
        assert set(py_values) == set(js_values), (mark, py_values, js_values)
        for name, value in py_values.items():
            assert js_values[name] == pytest.approx(value, rel=1e-9, abs=1e-12), (mark, name)
    ex.close()


@pytest.mark.parametrize("cls", [c for c in EXPLORERS if hasattr(c, "react")],
                         ids=lambda c: c.__name__)
def test_coupled_controls_follow_the_same_rule_in_the_browser(cls):
    ex = cls()
    rng = np.random.default_rng(4)
    reacts = []
    for _ in range(30):
        state = dict(ex.state)
        name = ex.control_names[rng.integers(len(ex.control_names))]
        state[name] = random_state(ex, rng)[name]
        reacts.append([name, state])
    py = [ex.react(name, dict(state)) for name, state in reacts]
    _, _, js = run_js(cls.scene_name or cls.name, [], ex.params, reacts=reacts)
    for (name, state), a, b in zip(reacts, py, js):
        assert (a is None) == (b is None), (name, state, a, b)
        for k, v in (a or {}).items():
            assert b[k] == pytest.approx(v, rel=1e-12, abs=1e-12), (name, state, k)
    ex.close()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_saved_picture_has_alt_text_and_matches_the_live_start(cls):
    ex = cls()
    data, metadata = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert cls.__name__ in data["text/plain"]
    assert ex.readout_text in metadata["image/png"]["alt"]
    assert f'alt="{html.escape(ex.alt_text, quote=True)}"' in data["text/html"]
    assert data["image/png"] in data["text/html"]                  # the same picture
    saved = Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGB")
    # the picture is the figure plus a one-line "run the cells" strip under it
    width, height = (round(v) for v in ex.size)
    # matplotlib 3.8 floors 8.2 in x 100 dpi = 819.999... to 819 px, newer ones give 820
    assert abs(saved.size[0] - width) <= 1 and saved.size[1] > height
    static = Image.open(io.BytesIO(base64.b64decode(ex.background.split(",", 1)[1])))
    assert all(abs(a - 2 * b) <= 1 for a, b in zip(static.size, (width, height)))  # HiDPI
    ex.close()


def test_alt_text_survives_nbconverts_default_html_template():
    from nbconvert import HTMLExporter

    ex = LogExplorer(p=0.125)
    data, metadata = ex._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("cl.widgets.LogExplorer(p=0.125)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells = [cell]
    body, _ = HTMLExporter().from_notebook_node(nb)              # the default template
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', body)
    assert any("2.079 nats" in html.unescape(a) for a in alts), alts
    ex.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_static_picture_follows_the_pages_theme(theme):
    ex = LogExplorer()
    light = ex.background
    ex.theme = theme                                  # as the browser reports it
    picture = Image.open(io.BytesIO(base64.b64decode(ex.background.split(",", 1)[1])))
    corner = picture.convert("RGB").getpixel((2, 2))
    if theme == "dark":
        assert ex.background != light and max(corner) < 40
    else:
        assert ex.background == light and min(corner) > 240
    assert ex.fig is not None and ex.readout_text      # Python's copy is unchanged
    ex.close()


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


def test_the_label_at_p_0001_stays_under_the_title():
    ex = LogExplorer(p=0.001)
    label = next(m for m in ex.marks if m["kind"] == "text")
    ax = ex.axes[0]
    # placed below the marker: its top (the marker's y, minus 8 pt) is inside the axes
    assert label["va"] == "top" and label["dy"] < 0 and label["y"] < ax["ylim"][1]


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, float("nan"), "0.3", True])
def test_log_explorer_refuses_a_start_the_slider_cannot_show(bad):
    with pytest.raises(ValueError, match="p"):
        LogExplorer(p=bad)


def test_start_value_is_not_snapped():
    assert LogExplorer(p=0.314).p.value == 0.314


@pytest.mark.parametrize("bad", [float("nan"), None, "0.3", True, [0.2], {"x": 1}])
def test_setting_a_control_to_what_it_cannot_hold_says_why(bad):
    ex = LogExplorer(p=0.5)
    with pytest.raises(ValueError, match="p must be"):
        ex.p.value = bad
    assert ex.p.value == 0.5 and "0.693 nats" in ex.readout_text


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_the_state_trait_is_input_the_readout_stays_true(cls):
    """What the page sends (NaN, None, strings, unknown keys, out-of-range values, half of
    a coupled move) is refused or clamped through ipywidgets' own update path
    (``set_state``, what a comm message calls): nothing raises, and the readout is
    always the scene of the state the explorer holds."""
    ex = cls()
    good = dict(ex.state)
    name = ex.control_names[0]
    for bad in (None, [], "x", {**good, "extra": 1}, {name: float("nan")}, {name: None},
                {name: "0.5"}, {name: True}, {name: float("inf")}, {name: 1e300},
                {name: -1e300}, {ex.control_names[-1]: "no such option"}):
        ex.set_state({"state": bad})
        state = dict(ex.state)
        assert set(state) == set(ex.control_names)
        for control in ex.controls:
            assert control.accept(state[control.name]) == state[control.name]
        fresh = ex.scene(state)
        assert ex.readout_html == fresh["readout"]
        assert all(math.isfinite(v) for v in state.values() if isinstance(v, float))
    ex.close()


def test_out_of_range_values_from_the_page_are_clamped():
    ex = LogExplorer(p=0.5)
    ex.set_state({"state": {"p": 5.0}})
    assert ex.p.value == 0.999 and "0.999" in ex.readout_text
    ex.set_state({"state": {"p": -1}})
    assert ex.p.value == 0.001


def test_half_of_a_coupled_move_is_completed():
    # the triangle's three probabilities move together; a message with one of them is
    # completed by the same rule the page applies (the others rescale)
    ex = widgets.TriangleExplorer(p=(0.5, 0.25, 0.25))
    ex.set_state({"state": {"p0": 0.8}})
    assert ex.probabilities.sum() == pytest.approx(1, abs=1e-12)
    assert [s.value for s in ex.sliders] == [0.8, 0.1, 0.1]
    assert "panda 0.800, seal 0.100, duck 0.100" in ex.readout_text
    dist = widgets.DistributionExplorer(q=(0.3, 0.4, 0.3))
    dist.set_state({"state": {"q0": 0.8}})                # q1 = 0.4 would leave q2 < 0
    assert (dist.q0.value, dist.q1.value) == (0.8, 0.19)
    assert "q = (0.80, 0.19, 0.01)" in dist.readout_text


def test_control_observers_hear_changes_from_the_page():
    ex = LogExplorer(p=0.5)
    heard = []
    ex.p.observe(lambda change: heard.append((change["old"], change["new"])), names="value")
    ex.set_state({"state": {"p": 0.25}})
    ex.p.value = 0.125
    assert heard == [(0.5, 0.25), (0.25, 0.125)]


def test_the_role_table_styles_marks_the_same_in_python_and_in_the_browser():
    """One table by role (js/roles.json): Python's saved picture and the page resolve a
    mark's role to the same colour, widths, dash and sizes; what a mark sets wins."""
    import json
    import tempfile

    colors = LogExplorer().params["colors"]
    marks = [{"kind": "line", "role": role} for role in ROLES]
    marks += [{"kind": "dot", "role": role, "color": "#123456", "r": 3} for role in ROLES]
    marks += [{"kind": "text", "text": "no role", "color": "#abcdef"}]
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "m.mjs").write_text(scene_js("log") + "\nexport { styled };\n")
        (Path(d) / "r.mjs").write_text(
            'import { styled } from "./m.mjs";\n'
            f"const marks = {json.dumps(marks)}, colors = {json.dumps(colors)};\n"
            "process.stdout.write(JSON.stringify(marks.map((m) => styled(m, colors))));\n")
        proc = subprocess.run([NODE, "r.mjs"], cwd=d, capture_output=True, text=True,
                              timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [styled(m) for m in marks]
    guide = styled({"kind": "line", "role": "guide"})
    assert (guide["color"], guide["lw"], guide["dash"]) == (COLORS["neutral"], 1, "4 3")
    assert styled({"kind": "dot", "role": "marker", "r": 3})["r"] == 3
    assert styled({"kind": "text", "role": "label"})["color"] == "#000000"
    assert styled({"kind": "text", "role": "value"}) == {"kind": "text", "role": "value",
                                                         "color": "#000000", "size": 9}


def test_the_figure_is_freed_once_shown_and_drawn_again_when_needed():
    ex = LogExplorer(p=0.3)
    first = ex._repr_mimebundle_()[0]["image/png"]
    assert ex.fig is None and ex.ax is None          # the page draws from the traits
    ex.p.value = 0.6                                  # the scene needs no figure
    assert "0.600" in ex.readout_text
    ex.p.value = 0.3
    assert ex._repr_mimebundle_()[0]["image/png"] == first   # drawn again, the same
    ex.close()


def test_a_shown_explorer_keeps_no_figure_after_a_redraw():
    """07's explorer keeps its axes in fig.subplots' array (gc cannot see into a numpy
    array), and a change of dtype redraws the static picture: neither may keep a figure
    alive once the explorer was shown."""
    import weakref

    from matplotlib.figure import Figure

    from celearn.widgets import StabilityExplorer

    ex = StabilityExplorer()
    first = weakref.ref(ex.fig)
    ex._repr_mimebundle_()
    gc.collect()
    assert first() is None, "the shown explorer's first figure is still alive"
    ex.dtype.value = "float32"                       # redraws the static picture
    assert ex.fig is None and "float32" in ex.readout_text
    assert ex.background.startswith("data:image/png;base64,")
    gc.collect()
    assert not [o for o in gc.get_objects()
                if isinstance(o, Figure) and o.bbox.width == 100 * ex.figsize[0]
                and any("float32" in ax.get_title(loc="left") for ax in o.axes)]
    png = ex.snapshot_png()                          # the saved picture draws it again
    assert png.startswith(b"\x89PNG") and ex.fig is not None
    ex.close()


def test_a_redraw_frees_the_old_figure_before_drawing_the_new_one():
    """predict() redraws the static picture of a new explorer (the question hides its
    data): the first figure must be gone by then, not alive beside the second."""
    import weakref

    from celearn.widgets import GuessNumber

    ex = LogExplorer(p=0.05)
    first = weakref.ref(ex.fig)
    seen = {}
    draw = ex._draw_static

    def spy(theme, **kwargs):                  # what is alive when the new one is drawn
        seen.setdefault("first alive", first() is not None)
        return draw(theme, **kwargs)

    ex._draw_static = spy
    ex.predict("Where will the loss be at p = 0.05?", GuessNumber(x=0.05, unit="nats"))
    assert seen == {"first alive": False}
    assert ex.fig is not None and ex.fig is not first()
    ex.close()


def test_close_closes_its_comm_and_frees_the_figure():
    ex = LogExplorer()
    ex.close()
    assert ex.comm is None
    assert ex.fig is None and ex.marks == [] and ex.readout_text == ""
    ex.close()                                            # twice is fine


def test_closed_explorers_are_freed():
    import weakref

    refs = []
    for _ in range(5):
        ex = LogExplorer()
        refs.append(weakref.ref(ex))
        ex.close()
        del ex
    gc.collect()
    assert sum(r() is not None for r in refs) == 0, "closed explorers are still referenced"


def test_an_explorer_alive_at_exit_leaves_quietly():
    code = ("import celearn as cl; ex = cl.widgets.TriangleExplorer(); "
            "race = cl.widgets.LogExplorer(); print('made')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "made", out.stderr
    assert "Error" not in out.stderr and "Exception ignored" not in out.stderr, out.stderr


def test_readout_escapes_html():
    assert "&lt;" in html.escape("<b>")                  # sanity of the helper we rely on
    from celearn.widgets._base import key
    assert "<b>" not in key(1.0, "<b>", "up")


def test_explorers_leave_matplotlibs_backend_alone():
    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "import celearn as cl; cl.widgets.LogExplorer(); print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "agg"


PRIVATE = re.compile(
    r"\b(?:fig|ax|axes|plt|mpl|matplotlib|(?<!celearn\.)widgets|ipywidgets|anywidget|canvas|"
    r"comm|shell|self\.fig|self\.ax\w*|board|model)\._[a-z]\w*")
OLD_SEAM = ("_property_lock", "_state_lock", "_msg_buffer", "_pending_msgs", "_handle_status",
            "send_sync_message", "_autotitlepos", "_instances", "_celearn_history_hook")


def test_celearn_names_no_private_attribute_of_the_libraries_it_uses():
    found = []
    for path in sorted((ROOT / "celearn").rglob("*")):
        if path.suffix not in (".py", ".js"):
            continue
        text = path.read_text()
        for n, line in enumerate(text.splitlines(), 1):
            if PRIVATE.search(line) or any(name in line for name in OLD_SEAM):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


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


def test_reading_the_readout_computes_the_scene_once(monkeypatch):
    # the browser draws these scenes itself: states synced from the page cost the kernel
    # no scene until Python reads the readout, and then one
    ex = LogExplorer()
    calls = []
    real = ex.scene
    monkeypatch.setattr(ex, "scene", lambda state: calls.append(dict(state)) or real(state))
    for p in (0.2, 0.3, 0.4):
        ex.set_state({"state": {"p": p}})
    before = len(calls)
    text = ex.readout_text
    assert ex.key_value is not None and ex.marks and text
    assert len(calls) == before + 1 and calls[-1] == {"p": 0.4}
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
