"""Predict, then reveal: an explorer that asks for a guess before it shows the truth.

Any explorer can run in prediction mode::

    import celearn as cl

    ex = cl.widgets.LogExplorer(p=0.01).predict(
        "Where will the loss be at p = 0.01?",
        cl.widgets.GuessNumber(x=0.01, unit="nats"))
    ex                                  # the learner drags a mark, then commits it

(``cl.widgets.predict(explorer, question, guess)`` does the same.)  Until the learner
commits a guess, the explorer shows the question, the empty axes (its static picture
without what it plots: ``hide``) and the guess mark; its controls are locked at the
question's state.  The truth does not exist in the page yet, not even hidden: the
kernel computes it (with celearn) when the guess is committed and only then sends the
marks that show it, the explorer's own marks and readout, and the gap between guess and
truth said in words ("Your guess: 2.000 nats; the truth: 4.605 nats: you were 2.605 nats
low.").  Everything revealed carries the CSS class ``celearn-reveal``; the commit button
is ``celearn-commit``, "Try again" is ``celearn-retry``.

Two kinds of guess:

* :class:`GuessNumber` -- a number, set by dragging a mark along one axis of one of the
  explorer's axes (pointer: mouse, pen or touch; keyboard: the mark is a slider moved by
  the arrow keys, PageUp/PageDown, Home/End).  The truth is the explorer's key number at
  the question's state unless ``truth`` says otherwise.
* :class:`GuessChoice` -- one of a few options (a radio group), with the right one.

From Python (tests, or a teacher checking the words)::

    ex.guess = 2.0          # what dragging the mark does
    ex.commit()             # what the button does; returns the feedback
    ex.revealed, ex.truth, ex.feedback
    ex.try_again()          # back to the question

The synced traits: ``question`` (the spec the page draws, sent once), ``answer``
(``{"guess": ..., "committed": bool}``, the only one the page writes; a guess the
question cannot hold -- NaN, outside the range, an unknown option -- is refused and the
last valid answer kept, nothing raises in the comm handler) and ``reveal`` (empty until
the commit: the truth's marks and the feedback).
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import traitlets

from ..plotting import COLORS

__all__ = ["GuessNumber", "GuessChoice", "predict", "gap_words"]

_NO_ANSWER = {"guess": None, "committed": False}
#: what the saved picture's strip says for a question (no kernel: nothing to commit)
QUESTION_NOTE = ("Prediction: the answer is hidden until a guess is committed; "
                 "run the notebook to answer.")


def _fmt(x, digits=3):
    from ._base import fmt

    return fmt(x, digits)


def _nice_step(span):
    """A step of 1, 2 or 5 times a power of ten giving 50 to 150 positions over ``span``."""
    raw = span / 150
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power                                  # pragma: no cover


def _decimals(step):
    """Decimals that write every multiple of ``step`` exactly (0.25: 2, 0.05: 2, 1: 0)."""
    return len(f"{step:.10f}".rstrip("0").split(".")[1])


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _with_unit(text, unit):
    return f"{text} {unit}" if unit else text


def gap_words(guess, truth, *, unit="", tolerance=0.0):
    """The gap between a guess and the truth, in words.

    >>> gap_words(2.0, 4.605170185988091, unit="nats")
    'Your guess: 2.000 nats; the truth: 4.605 nats: you were 2.605 nats low.'
    >>> gap_words(4.6, 4.605170185988091, unit="nats", tolerance=0.025)
    'Your guess: 4.600 nats; the truth: 4.605 nats: spot on (within 0.025 nats).'
    """
    guess, truth = float(guess), float(truth)
    if not (math.isfinite(guess) and math.isfinite(truth)):
        raise ValueError(f"gap_words needs finite numbers; got guess={guess!r}, "
                         f"truth={truth!r}")
    gap = guess - truth
    start = (f"Your guess: {_with_unit(_fmt(guess), unit)}; "
             f"the truth: {_with_unit(_fmt(truth), unit)}: ")
    if abs(gap) <= tolerance:
        return start + f"spot on (within {_with_unit(_fmt(tolerance), unit)})."
    side = "low" if gap < 0 else "high"
    return start + f"you were {_with_unit(_fmt(abs(gap)), unit)} {side}."


class GuessNumber:
    """Guess a number by dragging a mark along one axis of one of the explorer's axes.

    Give exactly one of ``x`` and ``y``: with ``x`` the mark moves up and down at that
    x (the guess is a height, in the axes' y units); with ``y`` it moves left and right
    at that y (the guess is an x value).

    Parameters
    ----------
    x, y : float
        Where the mark sits across the axis it moves along (data coordinates).
    ax : int
        Which of the explorer's axes (as its marks count them, ``mark["ax"]``).
    lo, hi : float
        The range of guesses; default: the axes' limits along the moving axis.
    step : float
        The keyboard's step (PageUp/PageDown: ten steps); guesses snap to it.
        Default: 1, 2 or 5 times a power of ten giving 50 to 150 steps.
    unit : str
        Said after the numbers ("nats").
    truth : None, float or callable
        The right answer: None for the explorer's key number at the question's
        state, a number, or ``truth(explorer) -> float`` (computed when the guess is
        committed, at the question's state).
    tolerance : float
        A guess this close to the truth is "spot on"; default half a step.
    label : str
        What the mark is called (screen readers, the mark's label); default "your guess".
    """

    kind = "number"

    def __init__(self, x=None, y=None, *, ax=0, lo=None, hi=None, step=None, unit="",
                 truth=None, tolerance=None, label="your guess"):
        if (x is None) == (y is None):
            raise ValueError("GuessNumber needs exactly one of x (the mark moves up and "
                             "down at that x) and y (it moves left and right at that y); "
                             f"got x={x!r}, y={y!r}")
        at = x if y is None else y
        if not _is_number(at) or not math.isfinite(float(at)):
            raise ValueError(f"{'x' if y is None else 'y'} must be a finite number (where "
                             f"the guess mark sits); got {at!r}")
        if isinstance(ax, bool) or not isinstance(ax, numbers.Integral) or ax < 0:
            raise ValueError(f"ax must be the index of one of the explorer's axes (0, 1, "
                             f"...); got {ax!r}")
        for name, v in (("lo", lo), ("hi", hi), ("step", step), ("tolerance", tolerance)):
            if v is not None and (not _is_number(v) or not math.isfinite(float(v))):
                raise ValueError(f"{name} must be a finite number or None; got {v!r}")
        if step is not None and not step > 0:
            raise ValueError(f"step must be > 0; got {step!r}")
        if tolerance is not None and tolerance < 0:
            raise ValueError(f"tolerance must be >= 0; got {tolerance!r}")
        if truth is not None and not callable(truth) and (
                not _is_number(truth) or not math.isfinite(float(truth))):
            raise ValueError("truth must be None (the explorer's key number), a finite "
                             f"number or a function of the explorer; got {truth!r}")
        self.along = "y" if y is None else "x"
        self.at = float(at)
        self.ax = int(ax)
        self.lo = None if lo is None else float(lo)
        self.hi = None if hi is None else float(hi)
        self.step = None if step is None else float(step)
        self.unit = str(unit)
        self.truth = truth
        self.tolerance = tolerance
        self.label = str(label)

    # -- bound to an explorer ---------------------------------------------------------
    def _bind(self, explorer):
        axes = explorer.axes
        if self.ax >= len(axes):
            raise ValueError(f"ax={self.ax}, but {type(explorer).__name__} draws its marks "
                             f"on {len(axes)} axes (0 to {len(axes) - 1})")
        geometry = axes[self.ax]
        self._geometry = geometry
        limits = geometry["ylim" if self.along == "y" else "xlim"]
        lo = min(limits) if self.lo is None else self.lo
        hi = max(limits) if self.hi is None else self.hi
        if not lo < hi:
            raise ValueError(f"lo must be below hi; got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi = float(lo), float(hi)
        if self.step is None:
            self.step = _nice_step(self.hi - self.lo)
        if self.tolerance is None:
            self.tolerance = self.step / 2
        self.positions = int(math.floor((self.hi - self.lo) / self.step + 1e-9))

    def check(self, guess):
        """``guess`` snapped to the step, or a ValueError saying what a guess can be."""
        if isinstance(guess, np.generic):
            guess = guess.item()
        if not _is_number(guess) or not math.isfinite(float(guess)):
            raise ValueError(f"a guess must be a finite number in [{self.lo:g}, {self.hi:g}]"
                             f"{' ' + self.unit if self.unit else ''}; got {guess!r}")
        guess = float(guess)
        if not self.lo - 1e-9 <= guess <= self.hi + 1e-9:
            raise ValueError(f"a guess must be in [{self.lo:g}, {self.hi:g}] (the range the "
                             f"mark moves over); got {guess!r}: pass a value inside it")
        return self.snap(guess)

    def snap(self, guess):
        k = min(self.positions, max(0, round((guess - self.lo) / self.step)))
        return round(self.lo + k * self.step, _decimals(self.step) + 2)

    def spec(self):
        return {"kind": self.kind, "along": self.along, "at": self.at, "ax": self.ax,
                "lo": self.lo, "hi": self.hi, "step": self.step, "positions": self.positions,
                "digits": _decimals(self.step), "unit": self.unit, "label": self.label,
                "start": self.snap((self.lo + self.hi) / 2),
                "color": COLORS["p"]}

    def true_value(self, explorer):
        if self.truth is None:
            return float(explorer.scene(dict(explorer.state))["value"])
        value = self.truth(explorer) if callable(self.truth) else self.truth
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"the truth of this question is {value!r}, which a mark cannot "
                             "show; give a truth that is a finite number")
        return value

    def point(self, value):
        return (self.at, value) if self.along == "y" else (value, self.at)

    def feedback(self, guess, truth):
        return gap_words(guess, truth, unit=self.unit, tolerance=self.tolerance)

    def _right_half(self, x):
        """Whether data x lies in the right half of the axes (labels then go to the left)."""
        g = self._geometry
        lo, hi = g["xlim"]
        if g.get("xscale") == "log":
            x, lo, hi = (math.log(max(v, 1e-300)) for v in (x, lo, hi))
        return (x - lo) / (hi - lo) > 0.5

    def guess_marks(self, guess, *, revealed=False, truth=None):
        """The guess mark as the saved picture draws it (the page draws its own, alike)."""
        value = self.spec()["start"] if guess is None else guess
        x, y = self.point(value)
        text = ("your guess?" if guess is None else
                f"{self.label}: {_with_unit(f'{guess:.{_decimals(self.step)}f}', self.unit)}")
        right = self._right_half(x)
        # after the reveal, the label moves away from the truth (which is labelled too)
        below = truth is not None and self.along == "y" and truth > guess
        return [{"kind": "dot", "ax": self.ax, "x": x, "y": y, "r": 7, "color": COLORS["p"],
                 "edge": "#ffffff"},
                {"kind": "text", "ax": self.ax, "x": x, "y": y, "text": text,
                 "dx": -14 if right else 14, "dy": -8 if below else 7,
                 "ha": "right" if right else "left", "va": "top" if below else "baseline",
                 "size": 10, "color": COLORS["p"], "weight": "bold"}]

    def reveal_marks(self, guess, truth):
        (gx, gy), (tx, ty) = self.point(guess), self.point(truth)
        high = truth > guess
        return [
            {"kind": "line", "ax": self.ax, "x": [gx, tx], "y": [gy, ty],
             "color": COLORS["neutral"], "lw": 1.5, "dash": "3 2"},
            {"kind": "dot", "ax": self.ax, "x": tx, "y": ty, "r": 6, "color": COLORS["true"],
             "edge": "#ffffff"},
            {"kind": "text", "ax": self.ax, "x": tx, "y": ty,
             "text": f"truth: {_with_unit(_fmt(truth), self.unit)}",
             "dx": -12 if self._right_half(tx) else 12, "dy": -3,
             "ha": "right" if self._right_half(tx) else "left", "va": "top", "size": 10,
             "color": COLORS["true"], "weight": "bold"},
        ]


class GuessChoice:
    """Guess one of a few options (drawn as a radio group).

    Parameters
    ----------
    options : sequence of str
        What the learner can choose, in order.
    answer : str or callable
        The right option, or ``answer(explorer) -> option`` (computed when the guess is
        committed, at the question's state).
    why : str or callable
        A sentence said after the verdict, or ``why(explorer) -> str``.
    """

    kind = "choice"

    def __init__(self, options, *, answer, why=""):
        options = [str(o) for o in options] if not isinstance(options, str) else None
        if not options or len(options) < 2 or len(set(options)) != len(options):
            raise ValueError("options must be at least two different strings, e.g. "
                             "['A', 'B', 'the same']")
        if not callable(answer) and str(answer) not in options:
            raise ValueError(f"answer must be one of the options {options} (or a function "
                             f"of the explorer giving one); got {answer!r}")
        if not callable(why) and not isinstance(why, str):
            raise ValueError(f"why must be a string or a function of the explorer; got {why!r}")
        self.options, self.answer, self.why = options, answer, why
        self.unit, self.label = "", "your guess"

    def _bind(self, explorer):
        pass

    def check(self, guess):
        if isinstance(guess, np.generic):
            guess = guess.item()
        if not isinstance(guess, str) or guess not in self.options:
            raise ValueError(f"a guess must be one of {self.options}; got {guess!r}")
        return guess

    def spec(self):
        return {"kind": self.kind, "options": list(self.options)}

    def true_value(self, explorer):
        value = self.answer(explorer) if callable(self.answer) else self.answer
        if str(value) not in self.options:
            raise ValueError(f"the answer {value!r} is not one of the options {self.options}")
        return str(value)

    def feedback(self, guess, truth, explorer=None):
        why = self.why(explorer) if callable(self.why) else self.why
        verdict = "right" if guess == truth else "not this time"
        text = f"Your guess: {guess}; the answer: {truth}: {verdict}."
        return f"{text} {why}".strip()

    def guess_marks(self, guess, *, revealed=False, truth=None):
        return []

    def reveal_marks(self, guess, truth):
        return []


class _Answer(traitlets.Any):
    """The ``answer`` trait: validated by the explorer (input from the page never raises)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_none = False

    def validate(self, obj, value):
        return obj._validate_answer(value)


class Predictable(traitlets.HasTraits):
    """Prediction mode of an explorer (mixed into :class:`celearn.widgets.Explorer`)."""

    #: the question the page draws; empty when the explorer is not asking anything
    question = traitlets.Dict({}).tag(sync=True)
    #: the learner's answer: {"guess": value or None, "committed": bool}
    answer = _Answer(dict(_NO_ANSWER)).tag(sync=True)
    #: empty until the guess is committed: the truth's marks and the feedback
    reveal = traitlets.Dict({}).tag(sync=True)

    _guess_spec = None
    _question_state = None

    # -- setting it up -------------------------------------------------------------------
    def predict(self, question, guess, *, at=None, hide="data"):
        """Ask ``question`` before showing anything; returns the explorer (one line).

        Parameters
        ----------
        question : str
            The question, as the learner reads it ("Where will the loss be at p = 0.01?").
        guess : GuessNumber or GuessChoice
            How the learner answers, and what the truth is.
        at : dict, optional
            Control values of the question's state (default: the explorer's current
            state); the controls stay there until the guess is committed.
        hide : "data", None or callable
            What the static picture leaves out until the commit: ``"data"`` (default)
            everything plotted in the axes (curves, images, bars, their labels; colour
            bars), keeping the axes, ticks, labels and titles; ``None`` nothing; or a
            function ``hide(artist) -> bool`` called on every artist of every axes.
        """
        if not isinstance(question, str) or not question.strip():
            raise ValueError("question must be a non-empty string: what the learner is "
                             "asked to predict")
        if not isinstance(guess, (GuessNumber, GuessChoice)):
            raise ValueError("guess must be a celearn.widgets.GuessNumber or GuessChoice; "
                             f"got {type(guess).__name__}")
        if hide not in ("data", None) and not callable(hide):
            raise ValueError(f"hide must be 'data', None or a function artist -> bool; "
                             f"got {hide!r}")
        if self._guess_spec is not None:
            raise ValueError(f"this {type(self).__name__} already asks a question; make a "
                             "new explorer for another")
        if at:
            self.set_values(at)
        guess._bind(self)
        self._guess_spec, self._hide, self._question_text = guess, hide, question.strip()
        self._question_state = dict(self.state)
        self.question = {"text": self._question_text, **guess.spec()}
        self.render_static()
        return self

    @property
    def predicting(self):
        """True when the explorer asks a question and its guess is not committed yet."""
        return self._guess_spec is not None and not self.reveal

    # -- the learner's side, from Python ------------------------------------------------------
    @property
    def guess(self):
        """The learner's guess (None until one is made)."""
        return self.answer.get("guess")

    @guess.setter
    def guess(self, value):
        self._require_question()
        if self.answer.get("committed"):
            raise ValueError("the guess is committed; call try_again() to guess again")
        self.answer = {"guess": self._guess_spec.check(value), "committed": False}

    def commit(self, guess=None):
        """Commit the guess (``guess`` if given): the truth is revealed; returns the feedback."""
        self._require_question()
        if guess is not None:
            self.guess = guess
        if self.answer.get("committed"):
            return self.feedback
        if self.guess is None:
            raise ValueError("there is no guess to commit: set explorer.guess (or pass "
                             "commit(guess)) first")
        self.answer = {"guess": self.guess, "committed": True}
        return self.feedback

    def try_again(self):
        """Back to the question: no guess, the truth hidden, the controls at its state."""
        self._require_question()
        self.answer = dict(_NO_ANSWER)

    @property
    def revealed(self):
        """True once the committed guess has been answered with the truth."""
        return bool(self.reveal)

    @property
    def truth(self):
        """The revealed truth (None before the commit)."""
        return self.reveal.get("truth") if self.reveal else None

    @property
    def feedback(self):
        """The gap between guess and truth, in words ("" before the commit)."""
        return self.reveal.get("feedback", "") if self.reveal else ""

    def _require_question(self):
        if self._guess_spec is None:
            raise ValueError(f"this {type(self).__name__} asks no question; call "
                             ".predict(question, guess) first")

    # -- validation and the reveal ----------------------------------------------------------
    def _validate_answer(self, new):
        old = dict(self.__dict__.get("_valid_answer") or _NO_ANSWER)
        spec = self._guess_spec
        if spec is None or not isinstance(new, dict) or getattr(self, "_closed", True):
            return old
        guess, committed = new.get("guess"), new.get("committed", False)
        if not isinstance(committed, bool):
            return old
        if guess is None:
            valid = dict(_NO_ANSWER)                   # try again (or nothing yet)
        else:
            try:
                guess = spec.check(guess)
            except (ValueError, TypeError, OverflowError):
                return old
            if old["committed"] and (guess != old["guess"] or not committed):
                return old                             # committed: only "try again" undoes it
            valid = {"guess": guess, "committed": committed}
        self._valid_answer = valid
        return valid

    @traitlets.observe("answer")
    def _on_answer(self, change):
        old, new = change["old"], change["new"]
        if new.get("committed") and not old.get("committed"):
            self._reveal()
        elif not new.get("committed") and old.get("committed") or (
                new.get("guess") is None and self.reveal):
            self._unreveal()

    def _reveal(self):
        spec = self._guess_spec
        truth = spec.true_value(self)
        guess = self.answer["guess"]
        if isinstance(spec, GuessChoice):
            feedback = spec.feedback(guess, truth, self)
        else:
            feedback = spec.feedback(guess, truth)
        with self.hold_sync():
            self.reveal = {"truth": truth, "guess": guess, "feedback": feedback,
                           "marks": spec.reveal_marks(guess, truth)}
            self.render_static()                       # the whole picture, now

    def _unreveal(self):
        with self.hold_sync():
            self.state = dict(self._question_state)   # (still unlocked: then hide again)
            self.reveal = {}
            self.render_static()

    # -- hooks the explorer's base calls ---------------------------------------------------------
    def _at_question(self):
        """The controls stay at the question's state until the guess is committed."""
        return self._guess_spec is not None and not self.reveal

    def _hide_for_question(self, fig):
        """Before the commit, leave out what the static picture would give away."""
        if not self.predicting or self._hide is None:
            return
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                ax.set_visible(False)
                continue
            for artist in _data_artists(ax):
                if self._hide == "data" or self._hide(artist):
                    artist.set_visible(False)

    def _picture_marks(self):
        """The marks the saved picture draws: the question's, or everything after the commit."""
        spec = self._guess_spec
        if spec is None:
            return self.marks
        if self.predicting:
            return spec.guess_marks(self.guess)
        return (self.marks + list(self.reveal.get("marks", []))
                + spec.guess_marks(self.guess, revealed=True, truth=self.truth))

    def _question_alt(self):
        """The alt text while the truth is hidden (None when it is not)."""
        if not self.predicting:
            return None
        return (f"{type(self).__name__}, a prediction: {self._question_text} The answer is "
                "hidden until a guess is committed (the picture shows the question, not "
                "the answer).")


def _data_artists(ax):
    """What an axes plots: curves, collections, images, patches, texts placed in it, legend."""
    found = [*ax.lines, *ax.collections, *ax.images, *ax.patches, *ax.texts, *ax.artists]
    if ax.get_legend() is not None:
        found.append(ax.get_legend())
    return found


def predict(explorer, question, guess, *, at=None, hide="data"):
    """Put ``explorer`` in prediction mode (see :meth:`Predictable.predict`); returns it.

    >>> import celearn as cl
    >>> ex = cl.widgets.predict(cl.widgets.LogExplorer(p=0.01),
    ...                         "Where will the loss be at p = 0.01?",
    ...                         cl.widgets.GuessNumber(x=0.01, unit="nats"))
    >>> ex.revealed
    False
    >>> ex.commit(2.0)
    'Your guess: 2.000 nats; the truth: 4.605 nats: you were 2.605 nats low.'
    >>> ex.close()
    """
    from ._base import Explorer

    if not isinstance(explorer, Explorer):
        raise ValueError("predict needs an explorer, e.g. cl.widgets.LogExplorer(p=0.01); "
                         f"got {type(explorer).__name__}")
    return explorer.predict(question, guess, at=at, hide=hide)

