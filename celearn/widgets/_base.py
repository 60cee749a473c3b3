"""The shared machinery of every explorer: controls, a static figure, marks drawn live.

An explorer is an ``ipywidgets.VBox`` holding its controls (ipywidgets sliders and
toggles: keyboard and screen readers know them) and a *board*, an anywidget that
shows

* the static part of the figure (axes, curves, labels, colour maps), drawn once by
  matplotlib with the course style and sent as one PNG, and
* the moving part (markers, guide lines, tangents, bars, text, the readout), drawn
  by the browser in data coordinates on an SVG laid over the picture.

Mark sizes (``lw``, ``r``, ``size``, ``dx``, ``dy``, ``dash``) are in points, as in
matplotlib; the browser converts them to CSS pixels.

Each explorer describes its moving part as a *scene*: a list of marks and a readout,
computed from the controls' values.  The scene exists twice, with the same numbers:

* in Python (:meth:`Explorer.scene`), from celearn's functions: it is the source of
  truth for :attr:`Explorer.readout_text` and :attr:`Explorer.key_value`, which
  update synchronously when a control's ``.value`` is set from Python, and it draws
  the saved picture (:meth:`Explorer.snapshot_png`);
* in the browser (``js/<name>.js``), from closed-form formulas only, so a drag never
  waits for the kernel.  Explorers whose point is numpy's own arithmetic or a training
  run set ``kernel_scene = True``: the kernel sends the scene as numbers
  (``board.live``) and the browser draws them.  Tests run both at random positions and compare every number.

The browser listens to the sliders' own models, so dragging a slider or a mark
repaints at once and the kernel receives the values through ipywidgets' message
throttling, held to about one sync per 100 ms per explorer on a local kernel
(``holdSyncs`` in ``js/render.js``); no picture crosses the wire after the first.

A kernel-drawn scene reaches the page in one of two ways.  As the controls move, the
page sends their values in a message of its own (``{"kind": "state"}``, at most one per
40 ms) and the kernel answers with the scene in ``board.live``.  When the scene depends
on the controls only and one slider is what a learner drags (``prefetch``, 07's logit
scale), the page asks once for every position of that slider, in the numbers its own
JavaScript engine gives (``{"kind": "prefetch"}``), and keeps the scenes the kernel sends
back (``{"kind": "scenes"}``): a drag then draws without waiting, and the kernel, which
keeps the same scenes, answers later value syncs with nothing.

Stable CSS classes: ``celearn-explorer`` and ``celearn-explorer-<name>`` on the
explorer, ``celearn-controls`` on the row of controls, ``celearn-readout`` on the
readout, which holds one ``<span class="celearn-key" data-value=... data-trend=...>``
(the key number and how it moves when the first control increases), and
``celearn-figure`` on the element that shows the figure; draggable marks carry
``celearn-handle`` (focusable, moved with the arrow keys).
"""
from __future__ import annotations

import base64
from decimal import ROUND_HALF_UP, Decimal
import hashlib
import html
import io
import itertools
import re
import time
import weakref
from functools import cache
from pathlib import Path

import anywidget
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import traitlets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..plotting import COLORS, STYLE

_JS = Path(__file__).with_name("js")
_TAGS = re.compile(r"<[^>]+>")
#: CSS pixels per point: figures are laid out at 100 dpi, one CSS pixel per dot
PX_PER_PT = 100 / 72
#: the static picture is rendered at this multiple of its CSS size (sharp on HiDPI)
PIXEL_RATIO = 2
STATIC_NOTE = ("Static picture of the explorer at its starting state: "
               "run the notebook's cells to make it live.")

_CSS = """
.celearn-board { font-family: "DejaVu Sans", "Bitstream Vera Sans", Arial, sans-serif; }
.celearn-board .celearn-readout { min-height: 1.6em; margin: 2px 0 4px 0; font-size: 14px; }
.celearn-board .celearn-figure { position: relative; line-height: 0; user-select: none; }
.celearn-board .celearn-figure img { position: absolute; left: 0; top: 0; }
.celearn-board .celearn-figure svg { position: absolute; left: 0; top: 0; overflow: visible;
  font-family: "DejaVu Sans", "Bitstream Vera Sans", Arial, sans-serif; touch-action: none; }
.celearn-board .celearn-marks > :not(.celearn-handle) { pointer-events: none; }
.celearn-board .celearn-handle { cursor: grab; outline: none; }
.celearn-board .celearn-handle:focus { stroke: #0173b2; stroke-width: 3px; }
.celearn-board .celearn-handle:active { cursor: grabbing; }
"""


def fmt(x, digits=3):
    """A number for a readout: fixed digits, 'inf' and scientific when needed."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        x = 0.0                                # never print "-0.000"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 10 ** (-digits)):
        return f"{x:.{digits}e}".replace("-", "−")
    # ties round away from zero, as JavaScript's toFixed does (the browser prints the
    # same readouts): 0.125 -> "0.13", where Python's format would give "0.12"
    text = str(Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return text.replace("-", "−")


def key(value, text, trend):
    """The readout's key number: visible ``text``, machine-readable ``value``."""
    return (f'<span class="celearn-key" data-value="{float(value)!r}" '
            f'data-trend="{trend}">{html.escape(text)}</span>')


def esc(text):
    """Escape text (class names, labels) for the readout's HTML."""
    return html.escape(str(text))


def check_value(name, value, lo, hi, *, what="a value"):
    """``value`` as a float inside [lo, hi], or a ValueError that says how to fix it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}] ({what}); "
                         f"got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} = {value!r} is outside [{lo:g}, {hi:g}], the range the "
                         f"explorer's slider shows ({what}); pass a value inside it")
    return value


def snap(control, value):
    """``value`` clamped to a slider's range and snapped to its step (as the browser does)."""
    lo, hi, step = control.min, control.max, getattr(control, "step", 0) or 0
    if isinstance(control, widgets.FloatLogSlider):
        # min, max and step are exponents of the base: snap the exponent
        base = control.base
        e = np.log(max(float(value), 1e-300)) / np.log(base)
        e = min(hi, max(lo, e))
        if step > 0:
            e = lo + round((e - lo) / step) * step
        return float(base ** min(hi, max(lo, e)))
    v = min(hi, max(lo, float(value)))
    if step > 0:
        v = lo + round((v - lo) / step) * step
    v = min(hi, max(lo, v))
    decimals = max(0, int(np.ceil(-np.log10(step))) + 2) if step > 0 else 12
    v = round(v, decimals)
    return int(v) if isinstance(control, widgets.IntSlider) else v


def scene_js(name):
    """The JavaScript of scene ``name``: ``lib.js`` + ``<name>.js`` (no DOM code)."""
    return (_JS / "lib.js").read_text() + "\n" + (_JS / f"{name}.js").read_text()


class Board(anywidget.AnyWidget):
    """The figure of an explorer: a static picture, marks drawn by the browser, the readout."""

    _css = _CSS
    background = traitlets.Unicode("").tag(sync=True)
    size = traitlets.List([600.0, 300.0]).tag(sync=True)
    axes = traitlets.List([]).tag(sync=True)
    params = traitlets.Dict({}).tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    names = traitlets.List([]).tag(sync=True)
    #: option values of the selection controls (toggles, dropdowns) by name: their
    #: browser models hold an ``index``, Python's ``.value`` is ``choices[name][index]``
    choices = traitlets.Dict({}).tag(sync=True)
    controls = traitlets.List([]).tag(sync=True, **widgets.widget_serialization)
    #: the scene computed by the kernel, for explorers whose point is numpy's own
    #: arithmetic or a training run (``Explorer.kernel_scene``): numbers, not pictures
    live = traitlets.Dict({}).tag(sync=True)


@cache
def board_class(name):
    """A :class:`Board` subclass whose ES module draws scene ``name`` (built once)."""
    esm = scene_js(name) + "\n" + (_JS / "render.js").read_text()
    return type(f"Board_{name.replace('-', '_')}", (Board,), {"_esm": esm})


class _Readout:
    """The readout as Python holds it (``.value`` is its HTML)."""

    _dom_classes = ("celearn-readout",)

    def __init__(self, explorer):
        self._explorer = weakref.ref(explorer)

    @property
    def value(self):
        explorer = self._explorer()
        return "" if explorer is None else explorer._fresh()._readout_html


_PICTURE_MODELS: set = set()


def _forget_pictures_in_history(data):
    """IPython 9 keeps the mime bundle of every output in ``history_manager.outputs``, for
    the whole session: an explorer's saved picture (100-250 kB) each time its cell is
    re-run. Once the cell has run (the picture is in the notebook by then), that copy of
    the picture is dropped; the rest of the record stays."""
    view = data.get("application/vnd.jupyter.widget-view+json") or {}
    if "model_id" not in view:
        return
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except Exception:                                  # pragma: no cover - no IPython
        return
    if shell is None or not hasattr(getattr(shell, "history_manager", None), "outputs"):
        return                                         # IPython < 9 keeps no bundles
    _PICTURE_MODELS.add(view["model_id"])
    if not getattr(shell, "_celearn_history_hook", False):
        shell.events.register("post_run_cell", _drop_history_pictures)
        shell._celearn_history_hook = True


def _drop_history_pictures(*_):
    from IPython import get_ipython

    shell = get_ipython()
    outputs = getattr(getattr(shell, "history_manager", None), "outputs", None) or {}
    for number in list(outputs)[-3:]:                  # the cell that just ran, and before
        for output in outputs[number]:
            bundle = getattr(output, "bundle", None)
            if not isinstance(bundle, dict) or "image/png" not in bundle:
                continue
            view = bundle.get("application/vnd.jupyter.widget-view+json") or {}
            if view.get("model_id") in _PICTURE_MODELS:
                bundle.pop("image/png")
                _PICTURE_MODELS.discard(view["model_id"])


def _close_tree(widget):
    """Close a widget, its children and the Layout/Style widgets it owns."""
    owned = [widget]
    seen = set()
    while owned:
        w = owned.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        for name in ("children", "layout", "style"):
            value = getattr(w, name, None) if w.has_trait(name) else None
            if isinstance(value, widgets.Widget):
                owned.append(value)
            elif isinstance(value, (list, tuple)):
                owned.extend(v for v in value if isinstance(v, widgets.Widget))
        widgets.Widget.close(w)


# -- releasing explorers that a re-run cell replaces ---------------------------------
_SLOTS: dict = {}
_LIVE: "weakref.WeakValueDictionary[int, Explorer]" = weakref.WeakValueDictionary()
_UIDS = itertools.count(1)


def explorer_by_uid(uid):
    """The live explorer whose board carries ``data-uid="uid"`` in the page (tests use it)."""
    try:
        return _LIVE[int(uid)]
    except KeyError:
        raise ValueError(f"no live explorer has uid {uid!r}; it was closed or never made "
                         "in this kernel") from None
_EXECUTION = {"msg_id": None, "counts": {}}


def _slot_key(cls):
    """(class, cell code, ordinal) of the running cell, or None outside a kernel."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        kernel = getattr(shell, "kernel", None)
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:                                  # pragma: no cover - no IPython
        return None, None
    if not parent or "header" not in parent:
        return None, None
    msg_id = parent["header"].get("msg_id")
    code = (parent.get("content") or {}).get("code", "")
    if msg_id != _EXECUTION["msg_id"]:
        _EXECUTION["msg_id"], _EXECUTION["counts"] = msg_id, {}
    n = _EXECUTION["counts"].get(cls, 0)
    _EXECUTION["counts"][cls] = n + 1
    digest = hashlib.sha1(code.encode("utf-8", "replace")).hexdigest()
    return (cls.__qualname__, digest, n), msg_id


class Explorer(widgets.VBox):
    """Base class of the explorers.

    Subclasses set ``name`` (CSS suffix and scene file ``js/<name>.js``) and
    ``trend``, create their controls, call ``super().__init__(controls)`` with a
    dict ``{name: widget}``, and implement :meth:`build` (the static figure, once),
    :meth:`scene` (marks and readout from the controls' values) and, when the
    static picture needs numbers, :meth:`params`.

    Parameters
    ----------
    controls : dict of str to ipywidgets
        The controls, by the names the scene uses; the first is the main slider.
    figsize : (float, float)
        Figure size in inches (100 dpi: 100 CSS pixels per inch).
    footer : ipywidgets.Widget, optional
        Shown under the figure (e.g. a button).
    """

    #: suffix of the CSS class ``celearn-explorer-<name>`` and of ``js/<name>.js``
    name = "explorer"
    #: how the key number moves when the first control's value increases
    trend = "any"
    #: the scene file (defaults to ``name``)
    scene_name = None
    #: whether the figure has marks that can be dragged (and focused, moved with keys)
    draggable = True
    #: True when the kernel computes the scene (numpy's float32 arithmetic, training):
    #: the browser then draws ``board.live``, the marks and readout Python sends
    kernel_scene = False
    #: for kernel-drawn scenes: the controls whose change redraws the static picture
    static_controls = ()
    #: for kernel-drawn scenes that depend on the controls' values only: the control
    #: (a slider) whose every position the page asks the kernel for at once
    #: (``{"kind": "prefetch"}``) and keeps, so dragging it never waits for the kernel
    prefetch = None
    #: the most scenes one prefetch request may ask for
    MAX_PREFETCH = 512

    def __init__(self, controls, *, figsize=(6.0, 3.0), footer=None):
        if not isinstance(controls, dict):
            controls = {c.description or f"c{i}": c for i, c in enumerate(controls)}
        self.control_names = list(controls)
        self.controls = list(controls.values())
        self.figsize = figsize
        self._readout_html, self._marks, self._value = "", [], float("nan")
        self._prefetched = {}                  # state key -> scene the page holds too
        self._stale = True
        self._closed = False
        self._reacting = False
        self.uid = next(_UIDS)
        _LIVE[self.uid] = self
        choices = {name: [o[1] if isinstance(o, tuple) else o for o in c.options]
                   for name, c in zip(self.control_names, self.controls)
                   if hasattr(c, "options") and hasattr(c, "index")}
        self.board = board_class(self.scene_name or self.name)(
            names=self.control_names, controls=self.controls, choices=choices)
        self.render_static()
        self._refresh()
        controls_box = widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap"))
        controls_box.add_class("celearn-controls")
        self.controls_box = controls_box
        children = [controls_box, self.board]
        if footer is not None:
            children.append(footer)
        super().__init__(children=children)
        self.add_class("celearn-explorer")
        self.add_class(f"celearn-explorer-{self.name}")
        self._kernel_values = {}
        for control in self.controls:
            control.observe(self._guard_stale_echo, names="value")
            control.observe(self._on_change, names="value")
        if self.kernel_scene:
            self.board.on_msg(self._on_board_msg)
        self._release_previous()

    # -- for subclasses -------------------------------------------------------------
    def build(self, fig):
        """Draw the static figure once (called inside the course style)."""
        raise NotImplementedError

    def scene(self, state):
        """``{"marks": [...], "readout": html, "value": key number}`` for ``state``."""
        raise NotImplementedError

    def params(self):
        """Numbers and texts the browser's scene needs besides the controls."""
        return {}

    def drag(self, mark, x, y, state):
        """New control values when draggable ``mark`` is dragged to data point (x, y).

        Mirrors ``drag`` in the explorer's JavaScript; values are snapped to the
        sliders' steps and clamped to their ranges by :meth:`drag_to`.
        """
        raise ValueError(f"{type(self).__name__} has no draggable mark {mark!r}")

    def drag_to(self, mark, x, y):
        """Do from Python what dragging ``mark`` to data point (x, y) does in the browser."""
        x, y = float(x), float(y)
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"drag_to needs a finite point; got ({x!r}, {y!r}): pass "
                             "coordinates inside the figure's axes")
        for name, value in self.drag(mark, x, y, self.state).items():
            control = self.controls[self.control_names.index(name)]
            control.value = snap(control, value)

    def key(self, value, text, trend=None):
        """The readout's key number (``trend`` defaults to the class's)."""
        return key(value, text, trend or self.trend)

    # -- state ------------------------------------------------------------------------
    @property
    def state(self):
        """The controls' values by name, as the browser's scene receives them."""
        return {n: c.value for n, c in zip(self.control_names, self.controls)}

    def react(self, name, state):
        """Values other controls take when control ``name`` is moved (coupled controls).

        Mirrors ``react`` in the explorer's JavaScript, which runs when the learner
        moves a control in the browser; Python runs it when a control is set from
        Python.  Return ``None`` when nothing else moves.
        """
        return None

    def _on_change(self, change):
        owner = change["owner"]
        # coupled controls: the browser moves them itself for a change it made
        # (_property_lock holds the values the front end just sent)
        if not self._reacting and not getattr(owner, "_property_lock", None):
            name = self.control_names[self.controls.index(owner)]
            values = self.react(name, self.state)
            if values:
                self._reacting = True
                try:
                    for other, value in values.items():
                        control = self.controls[self.control_names.index(other)]
                        control.value = snap(control, value)
                finally:
                    self._reacting = False
        self._scene_changed(self._from_browser(change))

    #: how long a value set from Python is remembered by :meth:`_guard_stale_echo` (s)
    ECHO_SECONDS = 5.0

    def _guard_stale_echo(self, change):
        """Undo a stale write-back of a value Python set earlier.

        When Python sets a float slider, ipywidgets' slider view moves its noUiSlider,
        which reports the value snapped to its own grid with float noise (0.25 comes back
        as 0.25000000000000006) and syncs that back as if the learner had moved it. If
        Python has set a newer value meanwhile (a cell that sets a slider twice, or moves
        coupled sliders one after the other), that late sync would undo the newer value
        and can leave coupled sliders in no valid state (q1 + q2 > 1). A synced value
        within float noise of, but not equal to, an earlier Python value, arriving while
        the control holds the latest Python value, is that echo: the control keeps the
        latest value (and the page is sent it again).
        """
        control, new, old = change["owner"], change["new"], change["old"]
        now = time.monotonic()
        recent = [(t, v) for t, v in self._kernel_values.get(id(control), ())
                  if now - t < self.ECHO_SECONDS]
        self._kernel_values[id(control)] = recent
        if not self._from_browser(change):
            recent.append((now, new))
            return
        if not recent or recent[-1][1] != old or not isinstance(new, float):
            return
        for _, v in recent[:-1]:
            if isinstance(v, (int, float)) and v != new and v != old \
                    and abs(new - v) <= 1e-9 * max(1.0, abs(v)):
                control.value = old
                return

    @staticmethod
    def _from_browser(change):
        """Whether ``change`` is a value the page synced (ipywidgets' front-end lock)."""
        return bool(getattr(change["owner"], "_property_lock", None))

    def _scene_changed(self, from_browser=False):
        """The controls moved: bring Python's copy of the scene up to date."""
        page_has_it = from_browser and (getattr(self, "_sent", None)
                                        or self._state_key(self.state) in self._prefetched)
        if self.kernel_scene and not page_has_it:
            # the browser needs the kernel's scene now (a change made from Python, or a
            # page that does not send its state itself)
            self._refresh()
        elif self.kernel_scene:
            # the page sent this state (or a newer one) in its own message and already
            # has that scene, or holds it from a prefetch: answering the slower value
            # sync would send an older scene
            self._stale = True
        else:
            # the browser draws this scene itself: Python's copy is computed when read
            # (readout_text, key_value, marks, the saved picture), not at every step of
            # a drag, so a dragging learner costs the kernel almost nothing
            self._stale = True

    def _refresh(self, send=True):
        state = self.state
        self._stale = False
        sent = getattr(self, "_sent", None)
        # already computed: for the browser's own message, or prefetched (the page shows
        # these numbers)
        out = sent[1] if sent is not None and sent[0] == state else \
            self._prefetched.get(self._state_key(state))
        if out is None:
            try:
                out = self.scene(state)
            except ValueError:
                if not self._readout_html:
                    raise
                # Coupled sliders (a distribution's bars) reach the kernel one value sync
                # at a time: between two syncs of one move the kernel can hold a mix that
                # is no state at all (q1 + q2 > 1). Keep the last scene and compute again
                # at the next read, when the other value has arrived.
                self._stale = True
                return
        self._readout_html = out["readout"]
        self._marks = out["marks"]
        self._value = float(out["value"])
        if self.kernel_scene and send:
            self.board.live = {"marks": out["marks"], "readout": out["readout"],
                               "value": out["value"], "state": state}

    def _fresh(self):
        """Self, with Python's copy of the scene computed for the controls' values.

        Reading never sends a scene to the page: a kernel-drawn explorer is stale only
        when the page has asked for (and got) a newer scene than the controls here hold."""
        if self._stale:
            self._refresh(send=False)
        return self

    # -- the browser's state, for kernel-drawn scenes -----------------------------------
    def _on_board_msg(self, _board, content, _buffers):
        """The browser sends the controls' values as they move (``{"kind": "state"}``),
        without waiting for ipywidgets' one-message-at-a-time value sync: the scene goes
        back at once, so the final scene arrives one round trip after mouse-up."""
        if not isinstance(content, dict) or self._closed:
            return
        if content.get("kind") == "state":
            state = self._checked_state(content.get("state"))
            if state is not None:
                self._on_browser_state(state)
        elif content.get("kind") == "prefetch" and self.prefetch:
            self._on_prefetch(content.get("states"))

    def _state_key(self, state):
        return tuple(state.get(name) for name in self.control_names)

    def _on_prefetch(self, states):
        """Send the scenes of the states the page asks for (every position of the
        ``prefetch`` slider at the other controls' values) in one message back,
        ``{"kind": "scenes", "entries": [...]}``; the page keeps them and draws them
        without asking again.  The states are the page's own numbers (a log slider's
        10**e may differ from Python's in the last bit), checked like a state message;
        the ones the controls cannot hold are left out."""
        if not isinstance(states, list) or not 0 < len(states) <= self.MAX_PREFETCH:
            return
        if len(self._prefetched) > 8 * self.MAX_PREFETCH:
            self._prefetched.clear()           # a page that asked for many dtypes, often
        entries = []
        for raw in states:
            state = self._checked_state(raw)
            if state is None:
                continue
            key = self._state_key(state)
            out = self._prefetched.get(key)
            if out is None:
                try:
                    out = self.scene(state)
                except ValueError:
                    continue
                self._prefetched[key] = out
            entries.append({"marks": out["marks"], "readout": out["readout"],
                            "value": out["value"], "state": state})
        if entries:
            self.board.send({"kind": "scenes", "entries": entries})

    def _checked_state(self, state):
        """``state`` as the controls would hold it, or None when it is not one they can
        hold (a message from the page is input like any other)."""
        if not isinstance(state, dict) or set(state) != set(self.control_names):
            return None
        checked = {}
        for name, control in zip(self.control_names, self.controls):
            value = state[name]
            if hasattr(control, "options") and hasattr(control, "index"):
                options = [o[1] if isinstance(o, tuple) else o for o in control.options]
                if value not in options:
                    return None
                checked[name] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not np.isfinite(value):
                return None
            snapped = snap(control, value)
            if not np.isclose(snapped, value, rtol=1e-9, atol=0):
                return None                     # outside the range or off the step
            # the browser's own number (a log slider's 10**e may differ from Python's in
            # the last bit): the slider's sync brings the kernel exactly this value
            checked[name] = int(value) if isinstance(control, widgets.IntSlider) else value
        return checked

    def _on_browser_state(self, state):
        """Send the scene of ``state`` (the controls' values in the browser) to the browser.

        A control in ``static_controls`` changes the static picture too: its new value
        is applied here, as its own sync would, so picture and scene arrive together."""
        for name in self.static_controls:
            control = self.controls[self.control_names.index(name)]
            if control.value != state[name]:
                control.value = state[name]
        out = self._prefetched.get(self._state_key(state)) or self.scene(state)
        self._sent = (state, out)
        self.board.live = {"marks": out["marks"], "readout": out["readout"],
                           "value": out["value"], "state": state}

    @property
    def readout(self):
        """The readout (``.value`` is its HTML, as the browser shows it)."""
        return _Readout(self)

    @property
    def readout_text(self):
        """The readout as plain text (what a screen reader says)."""
        return html.unescape(_TAGS.sub("", self._fresh()._readout_html)).strip()

    @property
    def key_value(self):
        """The key number currently shown in the readout."""
        m = re.search(r'data-value="([^"]+)"', self._fresh()._readout_html)
        return float(m.group(1)) if m else None

    @property
    def marks(self):
        """The moving marks of the current scene (data coordinates)."""
        return self._fresh()._marks

    # -- the static picture -----------------------------------------------------------
    def render_static(self):
        """(Re)draw the static figure, send it with its axes geometry and params."""
        with plt.style.context(STYLE):
            fig = Figure(figsize=self.figsize, dpi=100, layout="constrained")
            FigureCanvasAgg(fig)
            self.build(fig)
            fig.canvas.draw()
            fig.set_layout_engine("none")
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=100 * PIXEL_RATIO)
        self.fig = fig
        self._static_png = png.getvalue()
        width, height = fig.bbox.width, fig.bbox.height
        geometry = []
        for ax in self.axes_for_marks():
            box = ax.get_window_extent()
            geometry.append({
                "bbox": [float(box.x0), float(height - box.y1), float(box.x1), float(height - box.y0)],
                "xlim": [float(v) for v in ax.get_xlim()],
                "ylim": [float(v) for v in ax.get_ylim()],
                "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            })
        params = {"colors": dict(COLORS), "uid": self.uid, "kernel_scene": self.kernel_scene,
                  "prefetch": self.prefetch if self.kernel_scene else None,
                  # the values of the controls this static picture was drawn for
                  "static_state": {name: self.state[name] for name in self.static_controls},
                  **self.params()}
        self.board.set_trait("size", [float(width), float(height)])
        self.board.axes = geometry
        self.board.params = params
        self.board.background = ("data:image/png;base64,"
                                 + base64.b64encode(self._static_png).decode("ascii"))

    def axes_for_marks(self):
        """The axes marks refer to by index (``mark["ax"]``); default: all but colour bars."""
        return [ax for ax in self.fig.axes if ax.get_label() != "<colorbar>"]

    def _draw_marks(self, fig):
        """Draw the current marks with matplotlib (for the saved picture); return the artists."""
        axes = self.axes_for_marks()
        artists = []
        for m in self._fresh()._marks:
            ax = axes[m.get("ax", 0)]
            kind, color, alpha = m["kind"], m.get("color", "#000000"), m.get("alpha")
            if kind == "line":
                artists += ax.plot(m["x"], m["y"], color=color, lw=m.get("lw", 2), alpha=alpha,
                                   ls=(0, tuple(float(v) / m.get("lw", 2) for v in
                                                m["dash"].split())) if m.get("dash") else "-",
                                   solid_capstyle="round", clip_on=False)
            elif kind == "dot":
                artists += ax.plot([m["x"]], [m["y"]], "o", color=color, alpha=alpha,
                                   ms=2 * m.get("r", 4),
                                   mec=m.get("edge", "white"), mew=1, clip_on=False)
            elif kind == "rect":
                rect = Rectangle((min(m["x0"], m["x1"]), min(m["y0"], m["y1"])),
                                 abs(m["x1"] - m["x0"]), abs(m["y1"] - m["y0"]),
                                 facecolor=color, alpha=alpha, clip_on=False,
                                 edgecolor=m.get("edge") or "none", lw=1)
                ax.add_patch(rect)
                artists.append(rect)
            elif kind == "text":
                va = {"baseline": "baseline", "center": "center", "top": "top",
                      "bottom": "bottom"}[m.get("va", "baseline")]
                text = str(m["text"]).replace("$", r"\$")
                artists.append(ax.annotate(
                    text, (m["x"], m["y"]),
                    xycoords=ax.transAxes if m.get("coords") == "axes" else "data",
                    xytext=(m.get("dx", 0), m.get("dy", 0)),
                    textcoords="offset points", color=color, ha=m.get("ha", "left"), va=va,
                    fontsize=m.get("size", 10), alpha=alpha,
                    fontweight=m.get("weight", "normal"), annotation_clip=False))
            else:                                              # pragma: no cover
                raise ValueError(f"unknown mark kind {kind!r}")
        return artists

    def snapshot_png(self, *, note=False):
        """The figure with its marks as PNG bytes (what static notebook viewers show).

        With ``note=True`` a one-line strip under the figure says how to make it live.
        """
        if self.fig is None:
            raise ValueError("this explorer was closed; create a new one to draw it")
        with plt.style.context(STYLE):
            artists = self._draw_marks(self.fig)
            try:
                buf = io.BytesIO()
                self.fig.savefig(buf, format="png", dpi=100)
            finally:
                for artist in artists:
                    artist.remove()
        if not note:
            return buf.getvalue()
        from matplotlib import font_manager
        from PIL import Image, ImageDraw, ImageFont

        picture = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        strip = 22
        out = Image.new("RGB", (picture.width, picture.height + strip), "white")
        out.paste(picture, (0, 0))
        font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 12)
        ImageDraw.Draw(out).text((8, picture.height + 4), STATIC_NOTE, fill=(90, 90, 90),
                                 font=font)
        png = io.BytesIO()
        out.save(png, format="png")
        return png.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        # The live widget, plus a picture (with its readout as alt text) and the
        # readout as text for viewers without a kernel (GitHub, nbviewer, nbconvert).
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        data["image/png"] = base64.b64encode(self.snapshot_png(note=True)).decode("ascii")
        data["text/plain"] = f"{type(self).__name__}: {self.readout_text}"
        _forget_pictures_in_history(data)
        alt = f"{type(self).__name__} at its starting state: {self.readout_text}"
        return data, {"image/png": {"alt": alt}}

    def __repr__(self):
        return f"<{type(self).__name__}: {self.readout_text}>"

    # -- lifetime ---------------------------------------------------------------------
    def _release_previous(self):
        """A re-run cell replaces its explorer: close the one it made last time."""
        slot, msg_id = _slot_key(type(self))
        if slot is None:
            return
        old = _SLOTS.get(slot)
        previous = old[0]() if old else None
        if previous is not None and old[1] != msg_id and previous is not self:
            previous.close()
        _SLOTS[slot] = (weakref.ref(self), msg_id)

    def close(self):
        """Close the explorer: its controls, its board and its boxes; free its figure."""
        if "_closed" not in self.__dict__:     # its __init__ refused the arguments
            widgets.Widget.close(self)
            return
        if self._closed:
            return
        self._closed = True
        for control in self.controls:
            control.unobserve(self._on_change, names="value")
        _close_tree(self)
        # A closed explorer may stay referenced (IPython's Out[n] keeps what a cell
        # showed): drop everything heavy it holds, the figure and anything pointing
        # into it (axes, artists a subclass kept), and the pictures.
        from matplotlib.artist import Artist
        from matplotlib.figure import FigureBase

        for name, value in list(vars(self).items()):
            if isinstance(value, (Artist, FigureBase)) or (
                    isinstance(value, (list, tuple, dict)) and any(
                        isinstance(v, (Artist, FigureBase))
                        for v in (value.values() if isinstance(value, dict) else value))):
                setattr(self, name, None)
        self.fig = None
        self._static_png = b""
        self._marks, self._stale, self._sent, self._prefetched = [], False, None, {}
        self.controls, self.control_names = [], []
        for trait in ("background", "axes", "params", "live"):
            self.board.set_trait(trait, self.board.trait_defaults(trait))
        # ... and the closed widgets themselves (sliders, toggles, boxes, the board)
        for name, value in list(vars(self).items()):
            if isinstance(value, widgets.Widget) or (
                    isinstance(value, (list, tuple)) and value
                    and all(isinstance(v, widgets.Widget) for v in value)):
                setattr(self, name, None)
        self.set_trait("children", ())
