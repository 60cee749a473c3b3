"""Keeping a learner's kernel small: free drawing garbage, give freed pages back.

A matplotlib figure is a web of reference cycles. Once a cell has shown and closed it,
Python's collector frees it only at its next full pass, which may come many cells later;
until then it sits in the kernel's memory. And glibc keeps pages it got back for later
(the pixel buffers of a picture, 2-8 MB each), so the kernel's resident memory, what a
class server must hold for every learner, stays at its high-water mark.

:func:`collect` does both: a full garbage pass, then ``malloc_trim(0)`` (glibc only; a
no-op elsewhere). The explorers call it when they drop a figure; :func:`tidy_after_cells`
(installed by ``cl.use_style()`` in IPython) calls it after each cell that grew the
kernel's resident memory by :data:`GREW_BY` or more, typically a cell that drew a figure.
"""
from __future__ import annotations

import gc
import os
import sys

#: a cell that grew the kernel's resident memory by this much is followed by a collection
GREW_BY = 2 * 1024 * 1024


def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def collect():
    """A full garbage pass, then the freed pages handed back to the system (glibc).

    Some 30-60 ms in a kernel. Not while the interpreter shuts down."""
    if sys.is_finalizing():
        return
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


def resident_bytes():
    """This process's resident memory in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class _CellTidier:
    """IPython's ``pre_run_cell`` / ``post_run_cell`` pair (reading /proc: ~20 µs a cell)."""

    def __init__(self):
        self.before = None

    def pre_run_cell(self, info=None):
        self.before = resident_bytes()

    def post_run_cell(self, result=None):
        after = resident_bytes()
        if self.before is not None and after is not None and after - self.before >= GREW_BY:
            collect()


_TIDIER = _CellTidier()


def tidy_after_cells():
    """In IPython on Linux: collect (see :func:`collect`) after every cell that grew the
    kernel's resident memory by :data:`GREW_BY` or more. Installed once; returns True if
    it is installed (False outside IPython, or where /proc cannot be read)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or resident_bytes() is None:
        return False
    events = shell.events
    for name in ("pre_run_cell", "post_run_cell"):
        callback = getattr(_TIDIER, name)
        if callback not in events.callbacks.get(name, []):
            events.register(name, callback)
    return True
