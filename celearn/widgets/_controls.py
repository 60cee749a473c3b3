"""The controls of an explorer: specs the browser draws as native inputs, and proxies.

A control is described once (kind, range, step, options, label) and sent to the
browser with the explorer; the explorer's ES module draws it as an
``<input type="range">`` (with a number input to type a value), a radio group or a
``<select>``.  In Python the same object is a small proxy of one entry of the
explorer's ``state`` trait: ``explorer.p.value = 0.25`` sets ``state["p"]``, and
reading ``explorer.p.value`` reads it.  The keyword arguments are those of the
ipywidgets controls they replace (``value``, ``min``, ``max``, ``step``, ``base``,
``options``, ``description``, ``readout_format``, ``continuous_update``).
"""
from __future__ import annotations

import math
import numbers

import numpy as np


def _plain(value):
    """A Python number or string (numpy scalars converted), for JSON and comparisons."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decimals(step):
    """Decimals that show a value of a slider with this step (two more than the step has)."""
    return max(0, int(math.ceil(-math.log10(step))) + 2) if step > 0 else 12


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class Control:
    """One control of an explorer: a spec for the browser and a proxy of ``state[name]``."""

    kind = "control"

    def __init__(self, value, *, description="", continuous_update=True):
        self.description = str(description)
        self.continuous_update = bool(continuous_update)
        self._initial = value
        self._owner = None
        self.name = None
        self._observers = []

    # -- binding to an explorer ---------------------------------------------------------
    def _bind(self, owner, name):
        self._owner, self.name = owner, name

    @property
    def value(self):
        """The control's value: the explorer's ``state[name]``."""
        if self._owner is None or not self._owner.state:
            return self._initial
        return self._owner.state[self.name]

    @value.setter
    def value(self, value):
        value = self.check(value)
        if self._owner is None:
            self._initial = value
        else:
            self._owner.set_values({self.name: value})

    def observe(self, handler, names="value"):
        """Call ``handler({"name": "value", "old": ..., "new": ..., "owner": self})`` on change."""
        if names not in ("value", ["value"], ("value",)):
            raise ValueError(f"a control has one observable value; got names={names!r}")
        self._observers.append(handler)

    def unobserve(self, handler, names="value"):
        self._observers.remove(handler)

    def _notify(self, old, new):
        for handler in list(self._observers):
            handler({"name": "value", "old": old, "new": new, "owner": self, "type": "change"})

    # -- input ------------------------------------------------------------------------
    def check(self, value):
        """``value`` as this control holds it, or a ValueError naming the problem."""
        raise NotImplementedError

    def accept(self, value):
        """``value`` as this control holds it, or None when it cannot hold it (browser input)."""
        try:
            return self.check(value)
        except (ValueError, TypeError, OverflowError):
            return None

    def spec(self):
        return {"name": self.name, "kind": self.kind, "description": self.description,
                "continuous": self.continuous_update}

    def __repr__(self):
        return f"<{type(self).__name__} {self.description or self.name}={self.value!r}>"


class FloatSlider(Control):
    """A slider over [min, max] in steps of ``step`` (drawn as ``<input type="range">``)."""

    kind = "range"

    def __init__(self, value, *, min, max, step, description="", readout_format=None,
                 continuous_update=True):
        super().__init__(value, description=description, continuous_update=continuous_update)
        if not (_is_number(min) and _is_number(max) and _is_number(step)) \
                or not min < max or not step > 0:
            raise ValueError(f"a slider needs numbers min < max and step > 0; got min={min!r}, "
                             f"max={max!r}, step={step!r}")
        self.min, self.max, self.step = float(min), float(max), float(step)
        self.readout_format = readout_format
        self._initial = self.check(value)

    @property
    def positions(self):
        """How many steps the slider has (its positions are 0 ... positions)."""
        return int(round((self.max - self.min) / self.step))

    def check(self, value):
        value = _plain(value)
        if not _is_number(value):
            raise ValueError(f"{self.name or self.description} must be a number in "
                             f"[{self.min:g}, {self.max:g}]; got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{self.name or self.description} must be a finite number in "
                             f"[{self.min:g}, {self.max:g}]; got {value!r}")
        return min(self.max, max(self.min, value))          # clamped, as a slider does

    def snap(self, value):
        """``value`` clamped to the range and snapped to the step (as the browser does)."""
        v = self.check(value)
        v = self.min + round((v - self.min) / self.step) * self.step
        return round(min(self.max, max(self.min, v)), _decimals(self.step))

    def spec(self):
        digits = _decimals(self.step) - 2
        if self.readout_format and self.readout_format.endswith("f"):
            digits = int(self.readout_format.strip(".f") or 0)
        return {**super().spec(), "min": self.min, "max": self.max, "step": self.step,
                "digits": digits, "positions": self.positions}


class IntSlider(FloatSlider):
    """A slider over whole numbers."""

    kind = "int"

    def __init__(self, value, *, min, max, step=1, description="", continuous_update=True):
        super().__init__(value, min=min, max=max, step=step, description=description,
                         continuous_update=continuous_update)

    def check(self, value):
        value = _plain(value)
        if not _is_number(value) or not math.isfinite(float(value)) or value != int(value):
            raise ValueError(f"{self.name or self.description} must be a whole number in "
                             f"[{self.min:g}, {self.max:g}]; got {value!r}")
        return int(min(self.max, max(self.min, int(value))))

    def snap(self, value):
        v = float(_plain(value)) if _is_number(_plain(value)) else value
        v = self.min + round((min(self.max, max(self.min, v)) - self.min) / self.step) * self.step
        return int(v)

    def spec(self):
        return {**super().spec(), "digits": 0}


class FloatLogSlider(FloatSlider):
    """A slider whose positions are ``base ** e`` for e = min, min + step, ... max.

    ``min``, ``max`` and ``step`` are exponents (as in ipywidgets).  The browser's
    slider moves over whole positions; the values of the positions are Python's and
    are sent with the spec, so both sides hold the same numbers to the last bit.
    """

    kind = "log"

    def __init__(self, value, *, min, max, step, base=10, description="",
                 readout_format=None, continuous_update=True):
        self.base = float(base)
        super().__init__(value, min=min, max=max, step=step, description=description,
                         readout_format=readout_format, continuous_update=continuous_update)

    @property
    def values(self):
        """The value of every position, in order."""
        return [float(self.base ** (self.min + k * self.step)) for k in range(self.positions + 1)]

    def check(self, value):
        value = _plain(value)
        lo, hi = self.base ** self.min, self.base ** self.max
        if not _is_number(value) or not math.isfinite(float(value)):
            raise ValueError(f"{self.name or self.description} must be a finite number in "
                             f"[{lo:g}, {hi:g}]; got {value!r}")
        return min(hi, max(lo, float(value)))

    def snap(self, value):
        v = self.check(value)
        e = math.log(v) / math.log(self.base)
        k = round((min(self.max, max(self.min, e)) - self.min) / self.step)
        return self.values[int(k)]

    def spec(self):
        return {**super().spec(), "base": self.base, "values": self.values,
                "digits": None}


class ToggleButtons(Control):
    """One of a few options, drawn as a radio group. ``options``: values or (label, value)."""

    kind = "radio"

    def __init__(self, *, options, value=None, description="", tooltips=None,
                 continuous_update=True):
        super().__init__(value, description=description, continuous_update=continuous_update)
        pairs = [tuple(o) if isinstance(o, (tuple, list)) else (str(o), o) for o in options]
        if not pairs:
            raise ValueError("a choice needs at least one option")
        self.labels = [str(label) for label, _ in pairs]
        self.option_values = [_plain(v) for _, v in pairs]
        self.options = [(label, v) for label, v in zip(self.labels, self.option_values)]
        self.tooltips = list(tooltips or [])
        self._initial = self.check(self.option_values[0] if value is None else value)

    def check(self, value):
        value = _plain(value)
        for option in self.option_values:
            if type(option) is type(value) or (_is_number(option) and _is_number(value)):
                if option == value:
                    return option
        raise ValueError(f"{self.name or self.description} must be one of "
                         f"{self.option_values}; got {value!r}")

    @property
    def index(self):
        return self.option_values.index(self.value)

    def spec(self):
        return {**super().spec(), "options": [[label, v] for label, v in self.options],
                "tooltips": self.tooltips}


class Dropdown(ToggleButtons):
    """One of many options, drawn as a ``<select>``."""

    kind = "select"


__all__ = ["Control", "FloatSlider", "IntSlider", "FloatLogSlider", "ToggleButtons", "Dropdown"]
