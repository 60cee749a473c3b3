"""The shared machinery of every explorer: controls, one figure, a readout.

An explorer is an ``ipywidgets.VBox`` holding its controls, a text readout
(an ``HTML`` widget, readable by screen readers) and an ipympl canvas.  The
figure is built once; when a control changes, :meth:`Explorer.update` runs
synchronously (it calls celearn functions, moves artists with ``set_data`` /
``set_text`` and returns the readout), then the canvas is redrawn.  So tests
can set ``explorer.controls[0].value`` and assert on ``explorer.readout_text``
and on the artists straight away, without a browser.

Stable CSS classes for tests and users' tools:

* ``celearn-explorer`` and ``celearn-explorer-<name>`` on the explorer,
* ``celearn-controls`` on the row of controls,
* ``celearn-readout`` on the readout; inside it one
  ``<span class="celearn-key" data-value=... data-trend=...>`` carries the key
  number and how it moves when the first control increases (up/down/any),
* ``celearn-figure`` on the ipympl canvas.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import itertools
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from ..plotting import STYLE

_figure_numbers = itertools.count(1000)
_TAGS = re.compile(r"<[^>]+>")


def _import_ipympl_backend():
    """Import ipympl's canvas classes without switching matplotlib's backend.

    ``import ipympl`` calls ``matplotlib.use("module://ipympl.backend_nbagg")``
    when matplotlib is already imported; every later static ``plt`` figure of
    the notebook would then become a widget with no saved image.  Explorers
    need ipympl's classes only, so that one call is skipped.
    """
    import matplotlib

    use = matplotlib.use
    matplotlib.use = lambda *args, **kwargs: None
    try:
        from ipympl import backend_nbagg
    finally:
        matplotlib.use = use
    return backend_nbagg


@functools.cache
def _explorer_canvas_classes():
    """``(ExplorerCanvas, FigureManager)``, built once on first use."""
    backend_nbagg = _import_ipympl_backend()

    class ExplorerCanvas(backend_nbagg.Canvas):
        """ipympl's canvas, with a first picture the browser can paint.

        ipympl's front end reads the first picture (``_data_url``) and the
        size (``_size``) from the state the widget is opened with, and ipympl
        sets them only when the canvas itself is displayed.  An explorer shows
        its canvas inside a box, so the comm is opened only after the first
        draw (``open_when_drawn``), with a real ``data:`` URL and the size in
        pixels already set; otherwise the browser paints a missing image
        ("HTMLImageElement ... broken") and the canvas stays 0 x 0.
        """

        _ready = False

        def open(self):
            if self._ready:
                super().open()

        def open_when_drawn(self):
            self._ready = True
            self.open()

        def _handle_message(self, object, content, buffers):
            super()._handle_message(object, content, buffers)
            if content.get("type") == "refresh":
                # The view has just (re)connected or been resized and is
                # waiting for its first whole frame.  In a busy "Run All" the
                # browser can still end up showing a half-painted canvas
                # (seen in Chromium with ipympl 0.10), so send one more whole
                # frame once things have settled.
                self._settle_timer = self.new_timer(interval=400)
                self._settle_timer.single_shot = True
                self._settle_timer.add_callback(self.draw)
                self._settle_timer.start()

        def get_diff_image(self):
            # Always send whole frames.  ipympl's default sends only the pixels
            # that changed since the previous frame, but the browser drops a
            # frame whenever the next one arrives before it has loaded, or
            # clears its canvas on a resize; later diffs then paint fragments
            # onto a stale or blank picture.  A whole frame is always right.
            # (Fast PNG compression: the frame only crosses a local socket.)
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            self.set_image_mode("full")
            self._last_buff = pixels.view(np.uint32).squeeze(2).copy()
            self._force_full = False
            self._png_is_old = False
            with io.BytesIO() as png:
                Image.fromarray(pixels).save(png, format="png", compress_level=1)
                return png.getvalue()

        def send_binary(self, data):
            if not self.syncing_data_url:
                super().send_binary(data)
                return
            # No browser view has connected yet: keep the latest picture in the
            # widget's state only (a real data: URL and the size in pixels).
            # Frames sent before the view is ready can leave it half-painted;
            # once it connects it asks for a refresh and gets a whole frame.
            # ``data`` is already a whole frame as PNG (see get_diff_image).
            self._data_url = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
            width, height = self.figure.bbox.size
            ratio = getattr(self, "device_pixel_ratio", 1) or 1
            self._size = (float(width / ratio), float(height / ratio))

    return ExplorerCanvas, backend_nbagg.FigureManager


def _ipympl_canvas(fig):
    """An ipympl canvas for ``fig`` without registering it with pyplot.

    Keeping explorer figures out of pyplot means ``%matplotlib inline`` never
    shows them a second time as a static image, and no ``%matplotlib widget``
    magic is needed in the notebooks.
    """
    ExplorerCanvas, FigureManager = _explorer_canvas_classes()
    canvas = ExplorerCanvas(fig)
    FigureManager(canvas, next(_figure_numbers))
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    return canvas


def fmt(x, digits=3):
    """A number for a readout: fixed digits, 'inf' and scientific when needed."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 10 ** (-digits)):
        return f"{x:.{digits}e}".replace("-", "−")
    return f"{x:.{digits}f}".replace("-", "−")


class Explorer(widgets.VBox):
    """Base class: subclasses set ``name``/``trend`` and implement ``build`` and ``update``.

    Parameters
    ----------
    controls : list of ipywidgets
        The controls; the first one is the explorer's main slider.
    figsize : (float, float)
        Figure size in inches (100 dpi).
    """

    #: suffix of the CSS class ``celearn-explorer-<name>``
    name = "explorer"
    #: how the key number moves when the first control's value increases
    trend = "any"
    #: redraw the canvas on every change (False only for headless benchmarks)
    live = True
    #: artists that ``update`` moves; when a subclass lists them (and its axes
    #: limits stay fixed), redraws blit just these over a cached background
    #: instead of re-rendering the whole figure
    dynamic_artists = ()

    def __init__(self, controls, *, figsize=(6.0, 3.0), footer=None):
        self.controls = list(controls)
        with plt.style.context(STYLE):
            self.fig = Figure(figsize=figsize, dpi=100, layout="constrained")
            self.build(self.fig)
        self.canvas = _ipympl_canvas(self.fig)
        self.canvas.add_class("celearn-figure")
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.readout.add_class("celearn-readout")
        self._background = None
        self._snapshotting = False
        for artist in self.dynamic_artists:
            artist.set_animated(True)
        self.canvas.mpl_connect("draw_event", self._on_full_draw)
        self._refresh()
        # Lay the figure out once, then freeze it: later draws only move artists.
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        self.canvas.open_when_drawn()
        controls_box = widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap"))
        controls_box.add_class("celearn-controls")
        children = [controls_box, self.readout, self.canvas]
        if footer is not None:
            children.append(footer)
        super().__init__(children=children)
        self.add_class("celearn-explorer")
        self.add_class(f"celearn-explorer-{self.name}")
        for control in self.controls:
            control.observe(self._on_change, names="value")

    # -- for subclasses -------------------------------------------------------
    def build(self, fig):
        """Create axes and artists once (called inside the course style)."""
        raise NotImplementedError

    def update(self):
        """Move artists to match the controls; return the readout HTML."""
        raise NotImplementedError

    def key(self, value, text):
        """The readout's key number: visible ``text``, machine-readable ``value``."""
        return (f'<span class="celearn-key" data-value="{float(value)!r}" '
                f'data-trend="{self.trend}">{html.escape(text)}</span>')

    # -- machinery ------------------------------------------------------------
    def _refresh(self):
        self.readout.value = self.update()

    def _on_change(self, change):
        self.refresh_and_redraw()

    def refresh_and_redraw(self):
        """Run ``update`` (readout and artists), then send the new picture."""
        self._refresh()
        if self.live:
            self.redraw()

    def render_all_next(self):
        """The static part of the figure changed: the next redraw renders everything."""
        self._background = None

    def redraw(self):
        """Send the new picture to the browser now.

        Drawing directly (rather than ``draw_idle``) saves a round trip to the
        browser; blitting the dynamic artists over a cached background skips
        re-rendering the static curves, labels and grid.
        """
        if self._background is None:
            self.canvas.draw()
            return
        self.canvas.restore_region(self._background)
        self._draw_dynamic()
        self.canvas.blit(self.fig.bbox)

    def _on_full_draw(self, event):
        # After any full render (first draw, resize, HiDPI change): cache the
        # static background, then paint the dynamic artists on top of it.
        if self.dynamic_artists and not self._snapshotting:
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._draw_dynamic()

    def _draw_dynamic(self):
        for artist in self.dynamic_artists:
            self.fig.draw_artist(artist)

    @property
    def readout_text(self):
        """The readout as plain text (what a screen reader says)."""
        return html.unescape(_TAGS.sub("", self.readout.value)).strip()

    @property
    def key_value(self):
        """The key number currently shown in the readout."""
        m = re.search(r'data-value="([^"]+)"', self.readout.value)
        return float(m.group(1)) if m else None

    def snapshot_png(self):
        """The figure as PNG bytes (what static notebook viewers show)."""
        buf = io.BytesIO()
        self._snapshotting = True
        for artist in self.dynamic_artists:     # savefig skips animated artists
            artist.set_animated(False)
        try:
            self.fig.savefig(buf, format="png", dpi=self.fig.dpi)
        finally:
            for artist in self.dynamic_artists:
                artist.set_animated(True)
            self._snapshotting = False
        return buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        # The live widget, plus a static picture and the readout as text for
        # viewers without a kernel (GitHub, nbviewer, a reopened notebook).
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        data["image/png"] = base64.b64encode(self.snapshot_png()).decode("ascii")
        data["text/plain"] = f"{type(self).__name__}: {self.readout_text}"
        return data

    def __repr__(self):
        return f"<{type(self).__name__}: {self.readout_text}>"
