"""The shared machinery of every explorer: one anywidget with a ``state`` trait.

An explorer is one ``anywidget.AnyWidget`` (one widget model, one comm).  Its
traits:

* ``state`` -- the controls' values by name, the only trait that moves after the
  first render, in both directions.  Python validates every value it receives
  (``@validate("state")``): unknown keys are dropped, values a control cannot hold
  (NaN, None, a string, an unknown option) keep the control's current value, numbers
  outside a slider's range are clamped, and coupled controls (the triangle's three
  probabilities) are made consistent, so the readout is always the scene of a state
  the controls can hold; nothing raises out of the comm handler.
* ``controls`` -- the control specs (``_controls.py``), sent once: the ES module draws
  them as native inputs.
* ``background``, ``size``, ``axes``, ``params`` -- the static part of the figure
  (drawn once by matplotlib with the course style, one PNG) with its axes geometry,
  and the numbers the browser's scene needs besides the state.
* ``live`` -- for explorers whose numbers the browser cannot compute (07's float32
  arithmetic, 05's training runs): the numbers the kernel computed, as a table.
* ``theme`` -- set by the browser ("light" or "dark"): the static picture is drawn in
  that theme's colours.

The moving part (markers, guide lines, tangents, bars, text, the readout) is a
*scene*: a list of marks in data coordinates and a readout, computed from the state.
It exists twice with the same numbers: in Python (:meth:`Explorer.scene`, celearn's
functions; the source of :attr:`Explorer.readout_text`, :attr:`Explorer.key_value`
and of the saved picture) and in the browser (``js/<name>.js``, closed-form formulas
or the kernel's table), so a drag never waits for the kernel.  Tests run both and
compare every number.  Mark sizes (``lw``, ``r``, ``size``, ``dx``, ``dy``, ``dash``)
are in points, as in matplotlib.

Stable CSS classes: ``celearn-explorer`` and ``celearn-explorer-<name>`` on the
explorer, ``celearn-controls`` on its row of controls, ``celearn-readout`` on the
readout, which holds one ``<span class="celearn-key" data-value=... data-trend=...>``
(the key number and how it moves when the first control increases), and
``celearn-figure`` on the element that shows the figure; draggable marks carry
``celearn-handle`` (focusable sliders, moved with the keys).
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import re
import weakref
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import anywidget
import matplotlib as mpl
import numpy as np
import traitlets
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colorbar import Colorbar
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import Rectangle
from PIL import Image, ImageDraw, ImageFont

from .. import _memory
from ..plotting import COLORS, DARK_COLORS, STYLE
from ._controls import Control, FloatLogSlider, ToggleButtons
from .prediction import QUESTION_NOTE, Predictable

_JS = Path(__file__).with_name("js")
_TAGS = re.compile(r"<[^>]+>")
#: CSS pixels per point: figures are laid out at 100 dpi, one CSS pixel per dot
PX_PER_PT = 100 / 72
#: the static picture is rendered at this multiple of its CSS size (sharp on HiDPI)
PIXEL_RATIO = 2
STATIC_NOTE = ("Static picture of the explorer at its starting state: "
               "run the notebook's cells to make it live.")
#: the page colours of the dark theme's static picture (JupyterLab Dark's layout colour)
DARK_PAPER, DARK_INK = "#111111", "#e0e0e0"
#: matplotlib settings that draw the static picture for a dark page
DARK_RC = {"figure.facecolor": DARK_PAPER, "axes.facecolor": DARK_PAPER,
           "savefig.facecolor": DARK_PAPER, "text.color": DARK_INK,
           "axes.labelcolor": DARK_INK, "axes.edgecolor": "#9a9a9a",
           "xtick.color": DARK_INK, "ytick.color": DARK_INK, "grid.color": "#333333"}


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
    return control.snap(value)


#: the style table by role (``js/roles.json``, which the browser's drawing reads too): a mark
#: with ``"role"`` takes from it what it does not set itself, colours as palette names
#: (``COLORS``; ``"ink"`` is the page's text colour)
ROLES = json.loads((_JS / "roles.json").read_text())


def styled(mark):
    """``mark`` with its role's style filled in (what it sets itself wins)."""
    role = ROLES.get(mark.get("role"))
    if not role:
        return mark
    out = {**role, **mark}
    if "color" not in mark and "color" in role:
        out["color"] = "#000000" if role["color"] == "ink" else COLORS[role["color"]]
    return out


def scene_js(name):
    """The JavaScript of scene ``name``: the role table, ``lib.js`` + ``<name>.js`` (no DOM
    code)."""
    return (f"const ROLES = {json.dumps(ROLES)};\n" + (_JS / "lib.js").read_text() + "\n"
            + (_JS / f"{name}.js").read_text())


@contextmanager
def _palette(theme):
    """Inside the block, ``COLORS`` holds the colours of ``theme`` (the static picture's)."""
    if theme != "dark":
        yield
        return
    light = dict(COLORS)
    COLORS.update(DARK_COLORS)
    try:
        with mpl.rc_context(DARK_RC):
            yield
    finally:
        COLORS.update(light)


_PICTURE_MODELS: set = set()
_HOOKED: set = set()                                   # ids of the shells hooked


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
    except ImportError:                                # pragma: no cover - no IPython
        return
    if shell is None or not hasattr(getattr(shell, "history_manager", None), "outputs"):
        return                                         # IPython < 9 keeps no bundles
    _PICTURE_MODELS.add(view["model_id"])
    if id(shell) not in _HOOKED:
        shell.events.register("post_run_cell", lambda *_: _drop_history_pictures(shell))
        _HOOKED.add(id(shell))


def _drop_history_pictures(shell):
    outputs = getattr(getattr(shell, "history_manager", None), "outputs", None) or {}
    for number in list(outputs)[-3:]:                  # the cell that just ran, and before
        for output in outputs[number]:
            bundle = getattr(output, "bundle", None)
            if not isinstance(bundle, dict) or "image/png" not in bundle:
                continue
            view = bundle.get("application/vnd.jupyter.widget-view+json") or {}
            if view.get("model_id") in _PICTURE_MODELS:
                bundle.pop("image/png")
                bundle.pop("text/html", None)
                _PICTURE_MODELS.discard(view["model_id"])


class _State(traitlets.Any):
    """The ``state`` trait: every value set is validated by the explorer, also inside
    ipywidgets' ``set_state`` (where a cross-validator would be skipped for a value
    equal to the old one, e.g. ``True`` for ``1.0``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_none = False               # None from the page is validated too

    def validate(self, obj, value):
        return obj._validate_state(value)


_UIDS = itertools.count(1)
_LIVE: "weakref.WeakValueDictionary[int, Explorer]" = weakref.WeakValueDictionary()


def explorer_by_uid(uid):
    """The live explorer whose root carries ``data-uid="uid"`` in the page (tests use it)."""
    try:
        return _LIVE[int(uid)]
    except (KeyError, ValueError, TypeError):
        raise ValueError(f"no live explorer has uid {uid!r}; it was closed or never made "
                         "in this kernel") from None


# -- a re-run cell replaces its explorer ------------------------------------------------
_SLOTS: dict = {}
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


class Explorer(Predictable, anywidget.AnyWidget):
    """Base class of the explorers.

    Subclasses set ``name`` (CSS suffix and scene file ``js/<name>.js``) and
    ``trend``, create their controls (``celearn.widgets._controls``), call
    ``super().__init__(controls)`` with a dict ``{name: control}``, and implement
    :meth:`build` (the static figure), :meth:`scene` (marks and readout from a state)
    and, when the browser needs numbers besides the state, :meth:`params`.

    Parameters
    ----------
    controls : dict of str to Control
        The controls, by the names the scene uses; the first is the main slider.
    figsize : (float, float)
        Figure size in inches (100 dpi: 100 CSS pixels per inch).
    """

    #: suffix of the CSS class ``celearn-explorer-<name>`` and of ``js/<name>.js``
    name = "explorer"
    #: how the key number moves when the first control's value increases
    trend = "any"
    #: the scene file (defaults to ``name``)
    scene_name = None
    #: whether the figure has marks that can be dragged (and focused, moved with keys)
    draggable = True
    #: True when the browser draws numbers the kernel computed (``live``)
    kernel_scene = False
    #: the controls whose change redraws the static picture
    static_controls = ()

    _css = (_JS / "explorer.css").read_text()

    #: no Layout model: an explorer is one widget model (its CSS lives in ``_css``)
    layout = traitlets.Any(None, allow_none=True)
    #: the controls' values by name; any JSON the page sends is validated (not a Dict
    #: trait: its type check would raise out of the comm handler on e.g. null)
    state = _State({}).tag(sync=True)
    controls_spec = traitlets.List([]).tag(sync=True)
    explorer = traitlets.Unicode("").tag(sync=True)
    uid = traitlets.Int(0).tag(sync=True)
    trend_name = traitlets.Unicode("any").tag(sync=True)
    background = traitlets.Unicode("").tag(sync=True)
    size = traitlets.List([600.0, 300.0]).tag(sync=True)
    axes = traitlets.List([]).tag(sync=True)
    params = traitlets.Dict({}).tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    live = traitlets.Dict({}).tag(sync=True)
    #: the page's theme, set by the browser: the static picture follows it
    theme = traitlets.Unicode("light").tag(sync=True)
    #: a counter the browser's replay button (05's race) follows
    replays = traitlets.Int(0).tag(sync=True)

    @classmethod
    def _ensure_esm(cls):
        """The page's ES module of this explorer (its scene, predict.js and render.js), made
        when the first one is created: made for all 15 when celearn.widgets was imported,
        they held 1.5 MB of every kernel's memory."""
        owner = next(k for k in cls.__mro__ if "name" in k.__dict__ or "scene_name" in k.__dict__)
        if "_esm" not in owner.__dict__:
            owner._esm = (scene_js(owner.scene_name or owner.name) + "\n"
                          + (_JS / "predict.js").read_text() + "\n"
                          + (_JS / "render.js").read_text())

    def __init__(self, controls, *, figsize=(6.0, 3.0)):
        self._closed = True                     # until the explorer is complete
        if not isinstance(controls, dict) or not all(isinstance(c, Control)
                                                     for c in controls.values()):
            raise ValueError("controls must be a dict of name -> celearn control "
                             "(celearn.widgets._controls)")
        self.control_names = list(controls)
        self.controls = list(controls.values())
        self._by_name = dict(controls)
        self.figsize = figsize
        self.fig = None
        self._shown = False                     # once shown, the figure is kept no longer
        self._static_png = b""
        self._scene_cache = None                # (state, scene) last computed
        start = {}
        for name, control in controls.items():
            control._bind(self, name)
            start[name] = control._initial
        self._ensure_esm()
        super().__init__(controls_spec=[c.spec() for c in self.controls],
                         explorer=self.name, trend_name=self.trend, uid=next(_UIDS))
        self._closed = False
        self.set_trait("state", self._coherent(start, start, changed=()))
        _LIVE[self.uid] = self
        self.render_static()
        self.observe(self._on_state, names="state")
        self.observe(self._on_theme, names="theme")
        self._release_previous()

    # -- for subclasses -------------------------------------------------------------
    def build(self, fig):
        """Draw the static figure (called inside the course style)."""
        raise NotImplementedError

    def scene(self, state):
        """``{"marks": [...], "readout": html, "value": key number}`` for ``state``."""
        raise NotImplementedError

    def params_for_browser(self):
        """Numbers and texts the browser's scene needs besides the state."""
        return {}

    def react(self, name, state):
        """Values other controls take when control ``name`` moved (coupled controls).

        Mirrors ``react`` in the explorer's JavaScript. Return ``None`` when nothing
        else moves.  Must leave a consistent state unchanged.
        """
        return None

    def drag(self, mark, x, y, state):
        """New control values when draggable ``mark`` is dragged to data point (x, y).

        Mirrors ``drag`` in the explorer's JavaScript; values are snapped to the
        sliders' steps and clamped to their ranges by :meth:`drag_to`.
        """
        raise ValueError(f"{type(self).__name__} has no draggable mark {mark!r}")

    def state_changed(self, old, new):
        """Hook: the state moved from ``old`` to ``new`` (after validation)."""

    def live_numbers(self):
        """For kernel-drawn explorers: the ``live`` trait for the current state."""
        return {}

    # -- the state ----------------------------------------------------------------------
    def _validate_state(self, new):
        """Input from the page or from Python: keep what the controls can hold.

        Never raises: a value a control cannot hold keeps the control's current value.
        """
        # the last state validated (inside ipywidgets' set_state, which holds trait
        # notifications, self.state already reads the proposal)
        old = dict(self.__dict__.get("_valid_state") or {})
        if not isinstance(new, dict) or self._closed or self._at_question():
            return old                            # (prediction: locked until the commit)
        merged = dict(old)
        changed = []
        for name, control in zip(self.control_names, self.controls):
            if name not in new:
                continue
            value = control.accept(new[name])
            if value is None:
                continue
            if value != old.get(name):
                changed.append(name)
            merged[name] = value
        valid = self._coherent(merged, old, changed)
        self._valid_state = dict(valid)
        return valid

    def _coherent(self, state, old, changed):
        """``state`` with the coupled controls made consistent (react, in control order)."""
        state = dict(state)
        names = changed if changed else ()
        for name in names:
            try:
                values = self.react(name, state)
            except (ValueError, TypeError, ArithmeticError):
                values = None
            for other, value in (values or {}).items():
                accepted = self._by_name[other].accept(value)
                if accepted is not None:
                    state[other] = accepted
        if old and state != old:
            try:
                self.scene(state)
            except (ValueError, TypeError, ArithmeticError):
                return dict(old)                  # a state the scene cannot show: refused
        return state

    def set_values(self, values):
        """Set several controls at once (one state change, one message to the page)."""
        unknown = set(values) - set(self.control_names)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control named "
                             f"{sorted(unknown)[0]!r}; its controls are {self.control_names}")
        checked = {name: self._by_name[name].check(v) for name, v in values.items()}
        if self._at_question():
            raise ValueError(f"{type(self).__name__} waits for a guess: its controls stay at "
                             "the question's state until explorer.commit()")
        self.state = {**self.state, **checked}

    def _on_state(self, change):
        old, new = change["old"], change["new"]
        self.state_changed(old, new)
        if any(old.get(name) != new.get(name) for name in self.static_controls):
            self.render_static()
        if self.kernel_scene:
            self.live = self.live_numbers()
        for name, control in zip(self.control_names, self.controls):
            if old.get(name) != new.get(name) and control._observers:
                control._notify(old.get(name), new.get(name))

    def _on_theme(self, change):
        if change["new"] in ("light", "dark") and change["new"] != change["old"]:
            self.render_static()

    def drag_to(self, mark, x, y):
        """Do from Python what dragging ``mark`` to data point (x, y) does in the browser."""
        x, y = float(x), float(y)
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"drag_to needs a finite point; got ({x!r}, {y!r}): pass "
                             "coordinates inside the figure's axes")
        values = self.drag(mark, x, y, dict(self.state))
        self.set_values({name: self._by_name[name].snap(v) for name, v in values.items()})

    def key(self, value, text, trend=None):
        """The readout's key number (``trend`` defaults to the class's)."""
        return key(value, text, trend or self.trend)

    # -- Python's copy of the scene -------------------------------------------------------
    def _current(self):
        state = dict(self.state)
        if self._scene_cache is None or self._scene_cache[0] != state:
            self._scene_cache = (state, self.scene(state))
        return self._scene_cache[1]

    @property
    def readout_html(self):
        """The readout's HTML, as the browser shows it."""
        return self._current()["readout"] if not self._closed else ""

    @property
    def readout_text(self):
        """The readout as plain text (what a screen reader says)."""
        return html.unescape(_TAGS.sub("", self.readout_html)).strip()

    @property
    def key_value(self):
        """The key number currently shown in the readout."""
        m = re.search(r'data-value="([^"]+)"', self.readout_html)
        return float(m.group(1)) if m else None

    @property
    def marks(self):
        """The moving marks of the current scene (data coordinates)."""
        return self._current()["marks"] if not self._closed else []

    # -- the static picture -----------------------------------------------------------
    def _draw_static(self, theme, *, png=True):
        with mpl.rc_context(fname=STYLE), _palette(theme):
            fig = Figure(figsize=self.figsize, dpi=100, layout="constrained")
            FigureCanvasAgg(fig)
            self.build(fig)
            fig.draw_without_rendering()          # the layout, without painting pixels
            fig.set_layout_engine("none")
            self._hide_for_question(fig)          # prediction: nothing that tells the answer
            if not png:
                return fig, b""
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=100 * PIXEL_RATIO)
        return fig, buf.getvalue()

    def render_static(self):
        """(Re)draw the static figure; send it with its axes geometry and params."""
        if self.fig is not None:
            # a redraw (a question asked, 07's dtype, the epochs): the old figure goes
            # first, so the two are never alive together (a kernel peaked 3-5 MB higher)
            self._drop_figure()
        # Python's figure (the saved picture's) is always the light one; a dark page
        # gets a dark twin of the static picture
        self.fig, fig_png = self._draw_static("light")
        if self.theme == "dark":
            fig_png = self._draw_static("dark")[1]
        self._static_png = fig_png
        fig = self.fig
        width, height = fig.bbox.width, fig.bbox.height
        geometry = []
        for ax in self.axes_for_marks():
            box = ax.get_window_extent()
            geometry.append({
                "bbox": [float(box.x0), float(height - box.y1), float(box.x1),
                         float(height - box.y0)],
                "xlim": [float(v) for v in ax.get_xlim()],
                "ylim": [float(v) for v in ax.get_ylim()],
                "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            })
        params = {"colors": dict(COLORS), "dark_colors": dict(DARK_COLORS),
                  **self.params_for_browser()}
        with self.hold_sync():
            self.size = [float(width), float(height)]
            self.axes = geometry
            self.params = params
            self.alt = self._question_alt() or f"{type(self).__name__}: {self.readout_text}"
            self.background = "data:image/png;base64," + base64.b64encode(fig_png).decode()
            if self.kernel_scene:
                self.live = self.live_numbers()
        if self._shown:
            # shown already: the page has its picture, and a saved picture draws the
            # figure again (snapshot_png); kept, a redrawn figure held 2-15 MB
            self._drop_figure()
        else:
            # what drawing left in reference cycles (each mathtext label leaves thousands
            # of objects: the parser's exceptions hold their frames): without it a
            # notebook's kernel peaked 6-7 MB higher
            _memory.collect()

    def axes_for_marks(self):
        """The axes marks refer to by index (``mark["ax"]``); default: all but colour bars."""
        return [ax for ax in self.fig.axes if ax.get_label() != "<colorbar>"]

    def _draw_marks(self, marks=None):
        """Draw the current marks with matplotlib (for the saved picture); return the artists."""
        axes = self.axes_for_marks()
        artists = []
        for m in self.marks if marks is None else marks:
            m = styled(m)
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
        if self._closed:
            raise ValueError("this explorer was closed; create a new one to draw it")
        if self.fig is None:                   # dropped after it was shown: draw it again
            self.fig = self._draw_static("light", png=False)[0]
        with mpl.rc_context(fname=STYLE):
            artists = self._draw_marks(self._picture_marks())
            try:
                buf = io.BytesIO()
                self.fig.savefig(buf, format="png", dpi=100)
            finally:
                for artist in artists:
                    artist.remove()
        if not note:
            return buf.getvalue()
        picture = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        strip = 22
        out = Image.new("RGB", (picture.width, picture.height + strip), "white")
        out.paste(picture, (0, 0))
        font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 12)
        note = QUESTION_NOTE if self.predicting else STATIC_NOTE
        ImageDraw.Draw(out).text((8, picture.height + 4), note, fill=(90, 90, 90),
                                 font=font)
        png = io.BytesIO()
        out.save(png, format="png")
        return png.getvalue()

    @property
    def alt_text(self):
        """The saved picture's alt text: what the explorer shows, in words."""
        return (self._question_alt()
                or f"{type(self).__name__} at its starting state: {self.readout_text}")

    def _repr_mimebundle_(self, **kwargs):
        # The live widget, plus the picture (alt text: the readout) for viewers without
        # a kernel: as image/png with alt metadata, and as an <img alt> in text/html,
        # which nbconvert's default template and GitHub keep.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        picture = base64.b64encode(self.snapshot_png(note=True)).decode("ascii")
        alt = self.alt_text
        data["image/png"] = picture
        data["text/html"] = (f'<img src="data:image/png;base64,{picture}" '
                             f'alt="{html.escape(alt, quote=True)}">')
        data["text/plain"] = (self._question_alt()
                              or f"{type(self).__name__}: {self.readout_text}")
        _forget_pictures_in_history(data)
        self._shown = True
        self._drop_figure()
        return data, {**(metadata or {}), "image/png": {"alt": alt}}

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
        """Close the explorer's comm and free its figure (no imports, no work at exit)."""
        if getattr(self, "_closed", True):
            super().close()
            return
        self._closed = True
        super().close()
        # A closed explorer may stay referenced (IPython's Out[n] keeps what a cell
        # showed): drop the figure and anything pointing into it,
        self._static_png = b""
        self._scene_cache = None
        # and the heavy synced values (the picture, 07's table, 05's curves): the comm is
        # closed, so nothing is sent
        for name in ("background", "live", "params"):
            self.set_trait(name, type(getattr(self, name))())
        self._drop_figure()

    def _drop_figure(self):
        """Free the matplotlib figure (and every attribute pointing into it) once the
        page has its picture: the page draws from the traits, and a later saved picture
        draws the figure again. An explorer's figure and the Agg buffers its pictures left
        held 2-15 MB of a kernel's memory for as long as the explorer lived."""
        drawing = (Artist, FigureBase, Colorbar)
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray):         # fig.subplots' array of axes (which
                items = value.flat if value.dtype == object else ()   # gc cannot see into)
            elif isinstance(value, dict):
                items = value.values()
            elif isinstance(value, (list, tuple)):
                items = value
            else:
                items = (value,)
            if any(isinstance(v, drawing) for v in items):
                setattr(self, name, None)
        self.fig = None
        _memory.collect()                              # the figure, a web of cycles


__all__ = ["Explorer", "FloatLogSlider", "ToggleButtons", "check_value", "fmt", "key", "esc"]


class Replaying:
    """For an explorer whose curves the kernel trains and the browser replays from epoch 0
    (its "replay" button, ``replayAction`` in ``js/lib.js``)."""

    #: frames of a replay (the browser uses the same number)
    REPLAY_FRAMES = 25

    @property
    def lines(self):
        """The drawn curves by their key's two parts (e.g. ``("ce", "loss")``):
        ``(epochs, values)`` arrays."""
        return {tuple(m["key"].split("-")): (np.array(m["x"]), np.array(m["y"]))
                for m in self.marks if m["kind"] == "line"}

    def replay_steps(self):
        """The epochs the replay shows, one per frame (the browser uses the same)."""
        return np.unique(np.linspace(0, int(self.epochs.value), self.REPLAY_FRAMES).astype(int))

    def replay(self, *_):
        """Replay the curves from epoch 0 in the browser (its "replay" button does the same)."""
        self.replays += 1
