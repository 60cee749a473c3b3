"""Exercises that diagnose the mistake.

Two kinds of exercise, both checked by one call::

    answer = None                                # your answer here
    cl.exercises.check("01.halving", answer)     # a number or a word

    def my_surprisal(p):                         # your function here
        ...
    cl.exercises.check("01.surprisal", my_surprisal)

**Answer exercises** compare a number (or a short text) with the answer
computed by celearn (never a hard-coded copy), within a stated tolerance.
A wrong number is compared with the usual slips -- a sum for a mean, bits
for nats, a flipped sign, a percentage for a fraction, a class index
shifted by one, 1 - x for x, the probability for the surprisal ... -- and
with the mistakes the exercise itself declares (also computed by celearn).
A slip is named only when the answer equals its value (to the tolerance, or to
the digits typed) and no other slip explains it as well: declared slips first,
usual slips only where they are plausible for the answer (a percentage only for
a fraction, bits only for a log), two usual slips with one value name neither.
A value the solution prints ("≈ 0.0116") is right. Complex answers are refused;
torch tensors, jax arrays, lists and numpy scalars are read as arrays. Text is
read as a sentence: case, spaces, quotes and brackets are ignored ("(A)" is
"a"), synonyms and phrasings are accepted ("they're the same", "no, it's
worse", "cross-entropy wins"), and a word not understood is named.

**Implement-it exercises** call the learner's function on random inputs and
on the notebook's extremes (p = 0 and 1, logits of +-1000, float32 inputs,
shapes (K,) and (N, K)), compare each result with celearn, and report the
first case that fails: its input, the expected and the received value, and
why a naive implementation fails there ("overflow: exp(1000) is inf").
Exceptions, NaN, wrong shapes or dtypes and numpy's RuntimeWarnings inside
the learner's code are reported, never raised. Some extremes are
*required*; others are only *notes* (each exercise's question says which).
Each call gets fresh copies of its inputs and a time limit (``TIME_LIMIT``:
an endless loop is stopped and reported); an input changed in place and
printed output (captured, capped) are noted. A slip is not named when a case
the function passed rules it out.

Help grows with the wrong attempts at an exercise in this kernel: the
diagnosis, then a hint, then the first step of the worked solution.

**Variants** (for homework): many numeric exercises draw their numbers from a seed,
a whole number >= 0 such as a student number. ``question(id, seed=s)`` is the
question with that variant's numbers, ``check(id, answer, seed=s)`` checks against
them (the answer and the slips computed by celearn for those numbers) and
``solution(id, seed=s)`` shows its solution; ``variants()`` lists the exercises that
have them. The numbers come from a numpy Generator seeded by (seed, exercise id): the
same on every run and machine. Without a seed (``seed=None``) an exercise has the
notebook's numbers, exactly as before. A seed for an exercise without variants, or a
seed that is not a whole number >= 0, is a ValueError. Attempts count per exercise,
with or without a seed.

    >>> text = question("02.loss", seed=12345)        # this learner's question
    >>> bool(check("02.loss", 99.0, seed=12345))      # checked against their numbers
    False

Each notebook's exercises live in a module ``nbNN.py`` beside this file and
are registered on import; ``cl.exercises.solution(id)`` shows the worked
solution (for implement-it exercises, a reference implementation).

Adding exercises (the API used by every ``nbNN.py``)
----------------------------------------------------
``register(Exercise(id=..., question=..., expected=lambda: <celearn call>,
hint=..., solution=..., n=..., reduction="mean", unit="nats",
mistakes=lambda: [(<celearn call>, "what this slip is"), ...]))`` for an
answer; ``register(Implement(id=..., question=..., signature="f(t, p)",
reference=<celearn callable>, cases=<rng -> [Case, ...]>,
solution=<reference function>, mistakes=<(*args) -> [(value, msg), ...]>))``
for a function.

A variant is declared with ``params=lambda rng: {"p": ...}`` (the numbers drawn
from a numpy Generator) and ``defaults={"p": 0.25}`` (the notebook's numbers);
``question``, ``prompt`` (the question as asked), ``solution``, ``hint``,
``first_step`` and ``n`` may then be functions of those numbers, and ``expected``,
``mistakes`` and ``why_not`` take them as keyword arguments::

    register(Exercise(id="02.loss", params=lambda rng: {"p": ...}, defaults={"p": 0.25},
                      prompt=lambda p: f"... scored p = {p:g}?",
                      question=lambda p: f"... costs -ln {p:g} = ...",
                      expected=lambda p: float(binary_cross_entropy(1, p)),
                      mistakes=lambda p: [(float(binary_cross_entropy(0, p)), "...")], ...))
"""
from __future__ import annotations

import contextlib
import copy
import html
import importlib
import io
import inspect
import math
import os
import pkgutil
import re
import signal
import sys
import threading
import time
import traceback
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

_REGISTRY: dict[str, Any] = {}

LN2 = math.log(2.0)
LN10 = math.log(10.0)

# Environment variables the Voila server puts into the environment of the kernels
# it starts (voila 0.5: handler.py / voila_kernel_manager.py set VOILA_PREHEAT,
# VOILA_BASE_URL, VOILA_SERVER_URL, VOILA_APP_PORT and, per request,
# VOILA_REQUEST_URL; notebook_renderer.py sets VOILA_KERNEL_ID in the kernel).
_VOILA_VARIABLES = ("VOILA_KERNEL_ID", "VOILA_REQUEST_URL", "VOILA_BASE_URL",
                    "VOILA_SERVER_URL", "VOILA_APP_PORT", "VOILA_PREHEAT")


def in_voila():
    """True when this kernel was started by Voila (code hidden, cells not editable)."""
    return any(name in os.environ for name in _VOILA_VARIABLES)


# --------------------------------------------------------------------------- feedback

class Feedback:
    """The result of :func:`check`: truthy when right, shown as a short message.

    Attributes
    ----------
    right : bool
    message : str
        Plain text (``repr``); the HTML form escapes it.
    diagnosis : str or None
        A short key naming the mistake found (e.g. ``"sum_for_mean"``,
        ``"bits_for_nats"``, ``"overflow"``), or None.
    case : str or None
        For implement-it exercises, the name of the first failing case.
    notes : list of str
        Remarks that do not make the answer wrong (warnings, optional extremes).
    """

    def __init__(self, right, message, *, diagnosis=None, case=None, notes=()):
        self.right = bool(right)
        self.message = message
        self.diagnosis = diagnosis
        self.case = case
        self.notes = list(notes)
        self.attempt = 0  # the how-manieth wrong attempt this was (0 when right)

    def __bool__(self):
        return self.right

    def __repr__(self):
        return self.message

    def __str__(self):
        return self.message

    def _repr_html_(self):
        color = "#029e73" if self.right else "#d55e00"
        body = html.escape(self.message)
        return (f'<div class="celearn-feedback" style="border-left:4px solid {color};'
                f'padding:2px 8px;white-space:pre-wrap;font-family:inherit">{body}</div>')


def _no_answer(kind):
    if in_voila():
        if kind in ("implement", "stub"):
            return ("This exercise asks you to write a function, and this app view hides "
                    "the code. To try it, open the notebook in JupyterLab, write your "
                    "function there and check it.")
        return ("This exercise is answered in code, which this app view hides. To try it, "
                "open the notebook in JupyterLab, type your answer there and check it.")
    if kind == "implement":
        return ("No function yet: write your function in the cell, pass it (its name, "
                "without brackets) instead of None, and run the cell again.")
    if kind == "stub":
        return ("No answer yet: your function returns None. Write its body (your numpy "
                "code in place of `return None`; or is the `return` missing?) and run the "
                "cell again.")
    return "No answer yet: replace None with your answer and run the cell again."


# --------------------------------------------------------------------------- formatting

def _fmt(x, digits=6):
    """Short text for a number or an array (for feedback)."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, str):
        return _cap(repr(x))
    try:
        a = _to_array(x)
    except Exception:  # noqa: BLE001 - anything the learner returns
        return _cap(repr(x))
    if a.dtype.kind not in "biufc":
        return _cap(repr(x))
    if a.ndim == 0:
        v = a.item()
        if isinstance(v, float) and math.isfinite(v):
            return f"{v:.{digits}g}"
        return str(v)
    text = np.array2string(a, precision=digits, threshold=24, edgeitems=3,
                           max_line_width=72, separator=", ")
    suffix = "" if a.dtype == np.float64 or a.dtype.kind in "bi" else f" ({a.dtype})"
    return _cap(text.replace("\n", "\n      ") + suffix, 40 * ECHO_LIMIT)


def _num(x):
    """1e-07 -> '1e-7', 0.001 -> '0.001'."""
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m.group(1).replace("+", "") + m.group(2),
                  f"{x:g}")


ECHO_LIMIT = 200
"""At most this many characters of a learner's answer, output or error are repeated."""


def _cap(text, limit=ECHO_LIMIT):
    """``text`` cut to ``limit`` characters, with "…" and the full length when cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all)"


def _to_array(x):
    """A learner's answer as a numpy array: numpy, lists, numpy scalars, torch or jax.

    Duck typing, so celearn imports no framework: a torch tensor (also one with
    ``requires_grad=True``, or on a GPU) is detached and copied to the CPU.
    """
    if hasattr(x, "detach") and callable(x.detach):
        x = x.detach()
        x = x.cpu() if hasattr(x, "cpu") else x
        try:
            return np.asarray(x.numpy())
        except (TypeError, RuntimeError):  # e.g. bfloat16, which numpy lacks
            return np.asarray(x.float().numpy())
    if isinstance(x, (list, tuple)):
        return np.asarray([_to_array(e) for e in x])
    return np.asarray(x)


def _complex_text(a):
    """Why a complex answer is refused (the imaginary part is never dropped silently)."""
    zero = bool(np.all(np.imag(a) == 0))
    return ("that is a complex number" + (" (its imaginary part is 0)" if zero else "")
            + ": the answer is real. A complex value usually comes from a log or square "
            "root of a negative number (np.emath, np.lib.scimath, complex input); "
            + ("take .real only if you know why it is complex." if zero
               else "check the sign of what goes into the log or root."))


def _tolerance_text(rtol, atol):
    """'a relative tolerance of 0.1 % (or an absolute one of 1e-6)'."""
    text = "a relative tolerance of " + (f"{_num(rtol * 100)} %" if rtol >= 1e-4
                                         else _num(rtol))
    return text + (f" (or an absolute one of {_num(atol)})" if atol else "")


# --------------------------------------------------------------------------- answers

_SYNONYMS = {
    "larger": ("larger", "bigger", "greater", "higher", "more", "large", "big", "increases",
               "grows", "up"),
    "smaller": ("smaller", "lower", "less", "fewer", "small", "decreases", "shrinks", "down"),
    "same": ("same", "the same", "equal", "equally", "they are equal", "both", "neither",
             "identical", "no difference", "they cost the same", "same cost"),
    "yes": ("yes", "y", "true", "yep", "it does", "yes it does", "it changes"),
    "no": ("no", "n", "false", "nope", "it does not", "no it does not", "nothing",
           "no change", "unchanged", "it doesnt", "doesnt"),
}


def normalize_text(answer):
    """Normalise a text answer: case, spaces, quotes, brackets, "option".

    >>> normalize_text(" (A) ")
    'a'
    >>> normalize_text("Option B.")
    'b'
    >>> normalize_text("Cross-Entropy")
    'cross entropy'
    """
    if isinstance(answer, (bool, np.bool_)):
        return "yes" if answer else "no"
    s = str(answer).strip().lower()
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"[\"'`]", "", s)
    s = re.sub(r"[-_/]", " ", s)
    s = re.sub(r"[()\[\]{}.,;:!?]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^(option|answer|choice)\s+", "", s)
    return s


_NEGATIONS = {"not", "isnt", "arent", "doesnt", "dont", "wasnt", "cannot", "cant", "never",
              "nor"}
_NEGATIVE = {"loses", "lose", "lost", "behind", "worse", "slower", "fails", "worst",
             "loser"}
_COMPARE = {"than", "beats", "beat", "over", "vs", "versus", "outperforms", "ahead"}
_FILLER = set("""i im think guess it its is are was were be the they theyre thats that this
these those both model models loss losses one answer my so because since as of for on in
at to by with and or but still here there do does did has have wins win winner won
wins better faster leads lead ahead than beats beat vs versus outperforms costs cost
would will be an very much more clearly definitely probably surely""".split())


def _phrase_table(choices, synonyms):
    table = {}
    for canon, words in _SYNONYMS.items():
        if canon in choices:
            for w in words:
                table.setdefault(normalize_text(w), canon)
    for canon, words in synonyms.items():
        for w in words:
            table[normalize_text(w)] = canon
    for c in choices:
        table[normalize_text(c)] = c
    return table


def _read_choice(answer, choices, synonyms):
    """Read a text answer as one of ``choices``: (choice or None, words not understood).

    Whole phrases first ("they cost the same"), then the words of a sentence: a
    choice or its synonym anywhere ("no, it's worse", "cross-entropy wins"), "not X"
    for the other of two choices, and in a comparison ("mse is slower than ce") the
    first one named, turned round by a word such as "worse" or "loses".
    """
    s = normalize_text(answer)
    table = _phrase_table(choices, synonyms)
    if table.get(s) in choices:
        return table[s], []
    m = re.match(r"^([a-f])\b", s)
    if m and m.group(1) in choices:
        return m.group(1), []
    words = s.split()
    longest = max((len(p.split()) for p in table), default=1)
    found, unknown, i = [], [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + size])
            canon = table.get(phrase)
            if canon in choices and not (size == 1 and len(phrase) == 1 and i > 0):
                negated = i > 0 and words[i - 1] in _NEGATIONS
                found.append((canon, negated))
                i += size
                break
        else:
            w = words[i]
            if w not in _FILLER and w not in _NEGATIONS and w not in _NEGATIVE \
                    and not (len(w) == 1 and w in "abcdef"):
                unknown.append(w)
            i += 1
    if not found:
        return None, unknown
    flip = any(w in _NEGATIVE for w in words) and not any(
        table.get(w) in choices for w in words if w in _NEGATIVE)
    picked = []
    for canon, negated in found:
        if negated or flip:
            if len(choices) != 2:
                return None, unknown
            canon = choices[1 - choices.index(canon)]
        picked.append(canon)
    if len(set(picked)) > 1:
        if any(w in _COMPARE for w in words):
            return picked[0], []
        return None, unknown
    return picked[0], []


@dataclass
class Exercise:
    """A question answered with a number, an array or a short text.

    Parameters
    ----------
    id, question, hint, solution : str
        ``question`` states the right answer (shown once the answer is right).
    expected : callable
        ``expected()`` computes the answer with celearn.
    rtol, atol : float
        The tolerance (stated in the feedback).
    choices : tuple of str
        For text answers: the accepted (normalised) answers; ``expected()``
        returns one of them.
    synonyms : dict
        Extra words mapped to a choice, e.g. ``{"ce": ("cross entropy",)}``.
    why_not : callable, optional
        ``why_not()`` returns ``{choice: explanation}`` for wrong choices.
    n : int, optional
        Number of samples behind a mean or a sum (enables the sum/mean diagnosis).
    reduction : {"mean", "sum", None}
        Whether the answer is a mean or a sum over ``n`` samples.
    unit : {"nats", "bits", None}
        Enables the bits/nats diagnosis.
    mistakes : callable, optional
        ``mistakes()`` returns ``[(value, explanation[, key]), ...]``: the likely
        wrong answers of this exercise, computed with celearn (never typed in).
        Each is also tried with its sign flipped. A declared slip wins over a
        usual one with the same value.
    slips : tuple of str
        Usual slips to try beyond those plausible by default (see ``ALL_SLIPS``),
        e.g. ``("reciprocal",)`` for a ratio, ``("off_by_one",)`` for an index.
    first_step : str
        The first step of the worked solution, shown from the third wrong attempt.
    parts : tuple
        For a two-part text question, ``(choices, synonyms, right_choice)`` of the
        second part: an answer may give both ("overconfident, above 1"); a wrong
        second part is wrong, a missing one is not.
    prompt : str
        The question as asked, standing alone (what :func:`question` returns).
    params : callable, optional
        ``params(rng)`` draws one variant's numbers from a numpy Generator and
        returns them as a dict, e.g. ``{"p": 0.25}``. With ``params``, the
        exercise is a template: ``question``, ``prompt``, ``solution``, ``hint``,
        ``first_step`` and ``n`` may be functions of those numbers (keyword
        arguments), and ``expected``, ``mistakes`` and ``why_not`` take them too,
        e.g. ``expected=lambda p: float(surprisal(p))``.
    defaults : dict
        The numbers of the notebook's own variant (used without a seed); with
        them the exercise is exactly the notebook's.
    """

    id: str
    question: str
    expected: Callable[[], Any]
    hint: str
    solution: str
    rtol: float = 1e-3
    atol: float = 1e-6
    choices: tuple = field(default=())
    synonyms: dict = field(default_factory=dict)
    why_not: Callable[[], dict] | None = None
    n: int | None = None
    reduction: str | None = None
    unit: str | None = None
    mistakes: Callable[[], list] | None = None
    slips: tuple = field(default=())
    first_step: str = ""
    parts: tuple = field(default=())
    prompt: Any = ""
    params: Callable[[np.random.Generator], dict] | None = None
    defaults: dict = field(default_factory=dict)

    kind = "answer"

    # -- variants -------------------------------------------------------------
    _TEMPLATED = ("question", "prompt", "solution", "hint", "first_step", "n")
    _DEFERRED = ("expected", "mistakes", "why_not")

    def __post_init__(self):
        self.values = {}
        self.seed = None  # the variant's seed (None: the notebook's numbers)
        self._templates = None
        if self.params is not None:
            if not self.defaults:
                raise ValueError(f"exercise {self.id!r}: params needs defaults, the "
                                 "numbers of the notebook's own variant.")
            self._templates = {name: getattr(self, name)
                               for name in self._TEMPLATED + self._DEFERRED}
            self._bind(self.defaults)

    def _bind(self, values):
        """Fill the templates with one variant's ``values`` (in place)."""
        values = dict(values)
        for name in self._TEMPLATED:
            t = self._templates[name]
            setattr(self, name, t(**values) if callable(t) else t)
        for name in self._DEFERRED:
            t = self._templates[name]
            setattr(self, name, None if t is None else
                    (lambda t=t: t(**values)))
        self.values = values

    def variant(self, seed):
        """This exercise with the numbers of variant ``seed`` (a whole number >= 0).

        The numbers come from a numpy Generator seeded by ``(seed, exercise id)``,
        so a seed gives the same variant on every run and machine, and two
        exercises with one seed get unrelated numbers.
        """
        seed = _check_seed(seed)
        if self._templates is None:
            raise ValueError(_no_variants_text(self.id))
        rng = np.random.default_rng([seed, zlib.crc32(self.id.encode())])
        ex = copy.copy(self)
        ex._bind(self.params(rng))
        ex.seed = seed
        return ex

    # -- comparison ---------------------------------------------------------
    def _close(self, got, want, rtol=None):
        rtol = self.rtol if rtol is None else rtol
        return got.shape == want.shape and bool(
            np.allclose(got, want, rtol=rtol, atol=self.atol))

    def is_right(self, answer):
        return self.feedback(answer).right

    def feedback(self, answer):
        want = self.expected()
        if isinstance(want, str):
            return self._text_feedback(answer, want)
        return self._number_feedback(answer, want)

    # -- text -----------------------------------------------------------------
    def _text_feedback(self, answer, want):
        choices = tuple(self.choices) or _default_choices(want)
        if isinstance(answer, (tuple, list)) and answer and all(
                isinstance(a, (str, bool, np.bool_)) for a in answer):
            answer = ", ".join(str(a) for a in answer)  # a two-part answer as a tuple
        if callable(answer) or not isinstance(answer, (str, bool, np.bool_)):
            return Feedback(False, f"❌ Not yet: this question wants a word, one of "
                                   f"{_choice_list(choices)}; you gave {_fmt(answer)}.",
                            diagnosis="not_text")
        shown = _cap(repr(answer))
        got, unknown = _read_choice(answer, choices, self.synonyms)
        if got is None and not self.choices:
            got = normalize_text(answer)
        second = None
        if got == want and self.parts:
            part_choices, part_synonyms, part_want = self.parts
            rest = normalize_text(answer)
            for phrase in sorted(_phrase_table(choices, self.synonyms), key=len, reverse=True):
                rest = re.sub(rf"\b{re.escape(phrase)}\b", " ", rest)
            second, _ = _read_choice(rest, part_choices, part_synonyms)
            if second is not None and second != part_want:
                return Feedback(False, f"❌ Half right ({shown}): {want!r} is right, "
                                       f"{second!r} is not. Hint: {self.hint}",
                                diagnosis="wrong_part")
        if got == want:
            return Feedback(True, f"✅ Right! {self.question}")
        if got is None and self.choices:
            said = (f"did not understand {', '.join(repr(w) for w in unknown[:3])}"
                    if unknown else "could not tell which choice you mean")
            return Feedback(False, f"❌ {shown}: I {_cap(said)}. Answer "
                                   f"{_choice_list(choices)}.", diagnosis="not_a_choice")
        why = (self.why_not() if self.why_not else {}).get(got)
        text = f"❌ Not yet ({shown})."
        text += f" {why}" if why else f" Hint: {self.hint}"
        return Feedback(False, text, diagnosis="wrong_choice")

    # -- numbers --------------------------------------------------------------
    def _number_feedback(self, answer, want):
        want = np.asarray(want, dtype=float)
        tol = _tolerance_text(self.rtol, self.atol)
        if isinstance(answer, str):
            text = answer.replace(",", ".").strip()
            scale = 1.0
            if text.endswith("%"):  # "88 %" means 0.88
                text, scale = text[:-1].strip(), 0.01
            try:
                answer = float(text) * scale
            except ValueError:
                return Feedback(False, f"❌ This question wants a number; you gave the "
                                       f"text {_cap(repr(answer))}. Hint: {self.hint}",
                                diagnosis="not_a_number")
        if callable(answer):
            return Feedback(False, "❌ This question wants a number, not a function: call "
                                   "your function and pass its result.",
                            diagnosis="not_a_number")
        try:
            got = _to_array(answer)
        except (TypeError, ValueError):
            got = np.asarray(None)
        if got.dtype.kind == "c" or isinstance(answer, complex):
            return Feedback(False, f"❌ Not yet ({_fmt(got)}): {_complex_text(got)}",
                            diagnosis="complex")
        if got.dtype.kind not in "biuf":
            return Feedback(False, f"❌ This question wants a number; could not read "
                                   f"{_cap(repr(answer))} as one. Hint: {self.hint}",
                            diagnosis="not_a_number")
        got = got.astype(np.float64)
        if got.shape != want.shape and got.size == want.size:
            got = got.reshape(want.shape)  # [0.5] for 0.5, a column for a row
        if got.shape != want.shape:
            want_what = "one number" if want.ndim == 0 else f"an array of shape {want.shape}"
            return Feedback(False, f"❌ This question wants {want_what}; you gave shape "
                                   f"{got.shape}. Hint: {self.hint}", diagnosis="shape")
        if self._close(got, want) or self._is_printed_value(got, want):
            return Feedback(True, f"✅ Right! {self.question} (Checked with {tol}.)")
        if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
            why = _nonfinite_why(got)
            return Feedback(False, f"❌ Not yet ({_fmt(got)}): {why} The answer is "
                                   f"finite.", diagnosis="not_finite")
        key, why = self._diagnose(got, want)
        if key is None:
            return Feedback(False, f"❌ Not yet ({_fmt(got)}; answers within {tol} "
                                   f"count). Hint: {self.hint}")
        return Feedback(False, f"❌ Not yet ({_fmt(got)}): {why} (Answers within {tol} "
                               "count.)", diagnosis=key)

    def _is_printed_value(self, got, want):
        """Is ``got`` a value the question or solution prints for the answer?

        "≈ 0.0116" printed for 0.011567 makes 0.0116 right: a printed number with a
        decimal point is the answer's value if it is the answer rounded to its digits.
        """
        if want.ndim or not np.isfinite(want):
            return False
        for text in re.findall(r"(?<![\w.^])[-−]?\d+\.\d+(?:e[-+]?\d+)?",
                               f"{self.question} {self.solution}"):
            printed = float(text.replace("−", "-"))
            digits = _significant_digits(text)
            if (digits >= 2 and _round_sig(float(want), digits) == printed
                    and abs(float(got) - printed) <= 1e-12 * abs(printed)):
                return True
        return False

    def _candidates(self, want):
        """(key, value, explanation, tier) of likely wrong answers, best first."""
        out = []
        if self.mistakes is not None:
            out.extend(_declared(self.mistakes()))
        out.extend(_generic_candidates(want, n=self.n, reduction=self.reduction,
                                       unit=self.unit, slips=self._slips(want)))
        return out

    def _slips(self, want):
        """The usual slips that are plausible for this answer (see ``slips``)."""
        slips = set(self.slips) | {"sign", "index_shift"}
        if self.n and self.reduction:
            slips.add("sum_mean")
        if self.unit in ("nats", "bits"):
            slips |= {"bits_nats", "log10", "surprisal"}
        if self.unit in (None, "probability") and np.all((want >= 0) & (want <= 1)):
            slips |= {"percent", "complement"}
        if self.unit == "percent":
            slips.add("fraction")
        return slips

    def _diagnose(self, got, want):
        key, why = _best_candidate(got, self._candidates(want), want, self.rtol,
                                   self.atol, digits=_typed_digits(got))
        if key is not None:
            return key, why
        if self._close(got, want, 0.02):
            return "precision", ("close, but outside the tolerance: keep more digits "
                                 f"(answers within {_tolerance_text(self.rtol, self.atol)} "
                                 "count), or check for a rounded intermediate value.")
        return None, None


def _significant_digits(text):
    """'0.0116' -> 3, '2.0794' -> 5, '1.5e-3' -> 2."""
    mantissa = re.split(r"[eE]", text.lstrip("-−"))[0]
    return len(mantissa.replace(".", "").lstrip("0")) or 1


def _round_sig(x, digits):
    return float(f"{x:.{digits}g}") if x != 0 else 0.0


def _typed_digits(got):
    """How many significant digits a typed number has (None for a computed one)."""
    if got.ndim or not np.isfinite(got):
        return None
    digits = _significant_digits(repr(float(got)))
    return digits if 2 <= digits <= 6 else None


def _matches(got, value, want, rtol, atol, digits=None):
    """Does ``got`` equal the wrong answer ``value`` (and not the right ``want``)?

    Equal means within the exercise's tolerance, or, for a number typed with a few
    ``digits``, equal to ``value`` rounded to those digits (while ``want`` rounds
    to something else).
    """
    value = np.asarray(value, dtype=np.float64)
    if value.shape != want.shape:
        return False
    with np.errstate(all="ignore"):
        if np.any(~np.isfinite(value) & np.isfinite(want)) and not np.any(~np.isfinite(got)):
            return False  # e.g. exp(answer) overflowing: no diagnosis from an inf
        if np.allclose(value, want, rtol=rtol, atol=atol, equal_nan=True):
            return False  # this slip gives the right answer here
        same_nan = np.isnan(got) & np.isnan(value)
        both_inf = np.isinf(got) & np.isinf(value) & (np.sign(got) == np.sign(value))
        d = np.where(same_nan | both_inf, 0.0, np.abs(got - value))
        if not np.all(np.isfinite(d)):
            return False  # an inf (or nan) on one side only
        if np.all(d <= atol + rtol * np.where(np.isfinite(value), np.abs(value), 0.0)):
            return True
        if digits is None or value.ndim:
            return False
        return (_round_sig(float(value), digits) == float(got)
                and _round_sig(float(want), digits) != float(got))


def _best_candidate(got, cands, want, rtol, atol, digits=None):
    """The one slip that explains ``got`` best: (key, explanation) or (None, None).

    Tiers: a slip the exercise declares (in its order), the same with the sign
    flipped, a usual slip, two usual slips at once. Within the first tier that
    matches, declared slips go by the author's order; usual slips must be unique:
    two different usual slips giving the same value name neither.
    """
    found = [(tier, key, value, why) for key, value, why, tier in cands
             if _matches(got, value, want, rtol, atol, digits)]
    if not found:
        return None, None
    best = min(t for t, *_ in found)
    same = [(key, why) for t, key, _, why in found if t == best]
    if best >= 2 and len({key for key, _ in same}) > 1:
        return None, None
    return same[0]


def _declared(items):
    """Declared mistakes ``(value, why[, key])``, then the same with the sign flipped."""
    out, flipped = [], []
    for item in items:
        key = item[2] if len(item) > 2 else "declared"
        value = np.asarray(item[0], dtype=np.float64)
        out.append((key, value, item[1], 0))
        if key != "sign":
            flipped.append((f"sign+{key}", -value, "the sign is flipped, and " + item[1], 1))
    return out + flipped


def _default_choices(want):
    """The choices of a text exercise that did not declare them, guessed from the answer."""
    for group in (("yes", "no"), ("larger", "smaller", "same"), ("ce", "mse")):
        if want in group:
            return group
    if len(want) == 1 and want in "abcdef":
        return tuple("abcdef"[:max("abcdef".index(want) + 1, 2)])
    return (want,)


def _choice_list(choices):
    quoted = [f"'{c}'" for c in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _nonfinite_why(got):
    if np.any(np.isnan(got)):
        return "that is nan (not a number), e.g. 0 · ln 0, inf − inf or 0/0."
    return "that is infinite, e.g. ln 0 or exp of a large number overflowing."


ALL_SLIPS = frozenset({"sign", "sum_mean", "bits_nats", "log10", "surprisal", "percent",
                       "fraction", "factor_2", "complement", "reciprocal", "log",
                       "index_shift", "off_by_one"})
"""The usual slips. An answer exercise tries only those plausible for its answer
(``sign`` and ``index_shift`` always; ``sum_mean`` with ``n``; ``bits_nats``, ``log10``
and ``surprisal`` with a unit; ``percent`` and ``complement`` for a value in [0, 1]
without a unit) and those it lists in ``slips``: a relation that only happens to hold
(twice the answer, one more) names no slip. An implement-it exercise tries them all,
on every case it ran."""


def _generic_candidates(want, *, n=None, reduction=None, unit=None, slips=None):
    """The usual slips, as transforms of the right answer: (key, value, why, tier)."""
    slips = ALL_SLIPS if slips is None else slips
    base = []
    if "sum_mean" in slips and n and n > 1 and reduction == "mean":
        base.append(("sum_for_mean", want * n,
                     f"that is the sum over the N = {n} samples, not the mean: divide the "
                     "total by N (reduction='mean')."))
    if "sum_mean" in slips and n and n > 1 and reduction == "sum":
        base.append(("mean_for_sum", want / n,
                     f"that is the mean over the N = {n} samples; the question asks for the "
                     "sum (total): multiply by N (reduction='sum')."))
    if "bits_nats" in slips and unit is None:
        base.append(("ln2_factor", want / LN2, "off by a factor 1/ln 2 ≈ 1.443, what log "
                                               "base 2 gives where the natural log is "
                                               "wanted."))
        base.append(("ln2_factor", want * LN2, "off by a factor ln 2 ≈ 0.693, what the "
                                               "natural log gives where log base 2 is "
                                               "wanted."))
    elif "bits_nats" in slips:
        if unit != "bits":
            base.append(("bits_for_nats", want / LN2,
                         "that is in bits (log base 2); the question asks for nats: use the "
                         "natural log, np.log (1 bit = ln 2 ≈ 0.693 nats)."))
        if unit != "nats":
            base.append(("nats_for_bits", want * LN2,
                         "that is in nats (natural log); the question asks for bits: use "
                         "np.log2 (or divide nats by ln 2 ≈ 0.693)."))
    if "log10" in slips:
        if unit == "bits":
            base.append(("log10", want * LN2 / LN10, "that is log base 10; use np.log2 "
                                                     "for bits."))
        else:
            base.append(("log10", want / LN10, "that is log base 10; use the natural "
                                               "log, np.log."))
    if "percent" in slips:
        base.append(("percent_for_fraction", want * 100,
                     "100 times too large: a percentage where a fraction (0 to 1) is "
                     "wanted?" if np.all(np.abs(want) <= 1) else
                     "100 times the right values: a stray factor 100?"))
    if "fraction" in slips:
        base.append(("fraction_for_percent", want / 100,
                     "100 times too small: a fraction where a percentage is wanted?"))
    if "factor_2" in slips:
        base.append(("factor_2", want * 2, "twice the right value: a stray factor 2?"))
        base.append(("factor_2", want / 2, "half the right value: a factor 2 is missing?"))
    singles = []
    if "sign" in slips:
        singles.append(("sign", -want, "the sign is flipped: a forgotten minus (−ln p, not "
                                       "ln p) or a subtraction the wrong way round (p − t, "
                                       "not t − p)?"))
    singles += base
    with np.errstate(all="ignore"):
        if "complement" in slips:
            singles.append(("complement", 1 - want,
                            "that is 1 minus the answer: e.g. Σp² instead of 1 − Σp², or p "
                            "where 1 − p is wanted (the other class)."))
        if "reciprocal" in slips and np.all(want != 0):
            singles.append(("reciprocal", 1 / want,
                            "that is 1 over the answer: the ratio is upside down?"))
        if "surprisal" in slips:
            singles.append(("probability_for_surprisal", np.exp(-want),
                            "that is e^(−answer), a probability: apply −ln to get the loss "
                            "(surprisal) in nats."))
            singles.append(("exp_of_answer", np.exp(want),
                            "that is e^answer: a stray exp, or a perplexity where the loss "
                            "is wanted?"))
        if "log" in slips and np.all(want > 0):
            singles.append(("log_of_answer", np.log(want),
                            "that is ln of the answer: one log too many?"))
    if "index_shift" in slips and want.ndim >= 1 and want.shape[-1] > 1:
        for shift in (1, -1):
            singles.append(("index_shift", np.roll(want, shift, axis=-1),
                            "the entries are shifted by one place: a class index counted "
                            "from 1 where numpy counts from 0 (or the other way)?"))
        singles.append(("reversed", want[..., ::-1], "the entries are in reverse order."))
    if ("off_by_one" in slips and want.ndim == 0 and np.isfinite(want)
            and float(want) == round(float(want))):
        for d in (1, -1):
            singles.append(("off_by_one", want + d,
                            "off by one: counted from 0 where the text counts from 1 (or "
                            "the other way), or rounded the wrong way?"))
    pairs = [(f"sign+{k}", -v, "the sign is flipped, and " + why)
             for k, v, why in base] if "sign" in slips else []
    # two slips at once, e.g. a sum in bits: the product of two scale factors
    scale = [(k, v, why) for k, v, why in base
             if k in ("sum_for_mean", "mean_for_sum", "bits_for_nats", "nats_for_bits",
                      "percent_for_fraction")]
    with np.errstate(all="ignore"):
        for i, (k1, v1, why1) in enumerate(scale):
            for k2, v2, why2 in scale[i + 1:]:
                if {k1, k2} in ({"sum_for_mean", "mean_for_sum"},
                                {"bits_for_nats", "nats_for_bits"}):
                    continue
                factor = np.where(want != 0, v2 / want, 1.0)
                pairs.append((f"{k1}+{k2}", v1 * factor,
                              f"two slips at once: {why1} And {why2}"))
    return [(k, v, w, 2) for k, v, w in singles] + [(k, v, w, 3) for k, v, w in pairs]


EPSILONS = (1e-7, 1e-8, 1e-10, 1e-12, 1e-15, 1e-16, float(np.finfo(np.float64).eps),
            float(np.finfo(np.float32).eps))
"""The eps values learners (and libraries) typically clip with or add inside a log."""


def clipped_variants(loss, *, where="p"):
    """Wrong answers of a loss that clips (or adds an eps to) probabilities.

    ``loss(eps, mode)`` computes the loss with celearn on inputs modified by the
    eps (``mode`` is ``"clip"`` or ``"add"``); returns ``[(value, why, key)]``
    for :class:`Implement` ``mistakes``.
    """
    out = []
    for eps in EPSILONS:
        for mode in ("clip", "add"):
            out.append((loss(eps, mode), f"that is what you get with {where} clipped to "
                        f"[{_num(eps)}, 1 - {_num(eps)}] (or an eps = {_num(eps)} added "
                        "inside the log): it changes the exact answer, hiding the inf "
                        f"at {where} = 0 and moving values near the edges. Compute the "
                        "exact maths; notebook 07 shows when libraries clip and why.",
                        "clipped"))
    return out


def register(exercise):
    """Add an exercise to the registry (ids are unique)."""
    if exercise.id in _REGISTRY:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


# --------------------------------------------------------------------------- implement it

@dataclass
class Case:
    """One input an implement-it exercise feeds to the learner's function.

    Parameters
    ----------
    name : str
        What the case is, e.g. ``"logits [1000, 0, -1000]"``.
    args : dict
        Argument name -> value, in call order.
    required : bool
        A required case must pass; otherwise a failure is only a note.
    why : str
        Shown when the case fails: what makes it hard and how to fix it.
    """

    name: str
    args: dict
    required: bool = True
    why: str = ""


@dataclass
class Implement:
    """An exercise where the learner writes a function and celearn checks it.

    Parameters
    ----------
    id, question : str
        The question says what to write and which extremes are required.
    signature : str
        E.g. ``"f(t, p)"``.
    reference : callable
        celearn's answer for the same arguments.
    cases : callable
        ``cases(rng)`` returns the list of :class:`Case` (random ones first).
    solution : callable
        A reference implementation shown by :func:`solution` (its source).
    mistakes : callable, optional
        ``mistakes(**args)`` returns ``[(value, explanation) or (value,
        explanation, key), ...]``: what typical wrong implementations return on
        these inputs, computed with celearn (e.g. softmax along the wrong axis).
    reduction : {"mean", None}
        "mean" when the function returns the mean over samples.
    unit : {"nats", None}
    hint : str
        Shown when no specific slip is recognised.
    input_slips : callable, optional
        ``input_slips(**args)`` returns ``[(other_args, explanation, key), ...]``:
        inputs on which a function with that slip returns the right answer for
        ``args`` (e.g. ``{"t": t, "z": sigmoid(z)}`` for a function that expects
        probabilities where logits are given). The learner's function is run on
        them when a case fails.
    """

    id: str
    question: str
    signature: str
    reference: Callable
    cases: Callable
    solution: Callable
    mistakes: Callable | None = None
    reduction: str | None = None
    unit: str | None = "nats"
    hint: str = ""
    input_slips: Callable | None = None

    kind = "implement"

    def feedback(self, func):
        return _check_function(self, func)

    def is_right(self, func):
        return self.feedback(func).right


def _tolerances(dtype):
    if np.dtype(dtype) == np.float32:
        return 1e-5, 1e-6
    return 1e-7, 1e-12


TIME_LIMIT = 5.0
"""Seconds one call of a learner's function may take before it is stopped."""


class _TimeUp(BaseException):
    """Raised inside a learner's function that ran past ``TIME_LIMIT`` (a
    BaseException, so ``except Exception`` in the learner's code cannot swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Stop the code inside after ``seconds``: SIGALRM where it is free, else a tracer.

    On the main thread of a Unix kernel (where Jupyter runs cells) a timer signal
    interrupts Python code at no cost while it runs. Where signals are not available
    (Windows, another thread, a SIGALRM already in use, e.g. by pytest-timeout) a
    per-thread trace function checks the clock at every opcode of Python code.
    Python 3.10 also gets the trace function: its interpreter skips the signal check
    on the jump back to a ``try:``, so ``while True: try: ... except Exception: ...``
    never sees the signal (nor the kernel's interrupt button).
    Neither can interrupt one long call into C (a huge numpy allocation).
    """
    def on_time(*_):
        raise _TimeUp

    if (sys.version_info >= (3, 11) and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN)):
        old = signal.signal(signal.SIGALRM, on_time)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        return
    deadline = time.monotonic() + seconds

    def tracer(frame, event, arg):
        frame.f_trace_opcodes = True  # a one-line `while True: pass` has no line events
        if time.monotonic() > deadline:
            raise _TimeUp
        return tracer

    old_trace = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(old_trace)


class _CappedText(io.StringIO):
    """Keeps the first ``ECHO_LIMIT`` characters written and counts the rest."""

    def __init__(self):
        super().__init__()
        self.total = 0

    def write(self, text):
        self.total += len(text)
        room = ECHO_LIMIT - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


def _copy_args(args):
    return {k: copy.deepcopy(v) for k, v in args.items()}


def _changed(before, after):
    try:
        a, b = np.asarray(before), np.asarray(after)
        return a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    except Exception:  # noqa: BLE001 - an input we cannot compare is not reported
        return False


def _input_text(args):
    return "\n".join(f"  input  {k} = {_fmt(v)}" for k, v in args.items())


def _where_raised(exc):
    """The last line of the traceback that is not inside numpy or celearn."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = os.path.dirname(os.path.abspath(__file__))
    user = [f for f in frames
            if not os.path.abspath(f.filename).startswith(here)
            and f"{os.sep}numpy{os.sep}" not in f.filename]
    if not user:
        return ""
    f = user[-1]
    line = _cap((f.line or "").strip(), 120)
    return f" (in {f.name}: `{line}`)" if line else f" (in {f.name})"


@dataclass
class _Call:
    """What one call of a learner's function did."""

    result: Any = None
    exc: BaseException | None = None
    warnings: list = field(default_factory=list)
    timed_out: bool = False
    modified: list = field(default_factory=list)
    printed: str = ""
    printed_total: int = 0


def _run(func, args):
    """Call the learner's function on fresh copies of ``args``, with a time limit,
    its prints captured (capped) and numpy's warnings recorded."""
    call = _Call()
    fresh = _copy_args(args)
    out = _CappedText()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    with _time_limit(TIME_LIMIT):
                        call.result = func(*fresh.values())
            except _TimeUp:
                call.timed_out = True
            except Exception as e:  # noqa: BLE001 - report anything the learner raises
                call.exc = e
    for w in caught:
        text = _cap(f"{w.category.__name__}: {w.message}")
        if text not in call.warnings:
            call.warnings.append(text)
    call.modified = [k for k in args if _changed(args[k], fresh[k])]
    call.printed, call.printed_total = out.getvalue(), out.total
    return call


def _result_array(result):
    """The learner's result as an array (torch, jax, lists ...), or None."""
    try:
        return _to_array(result)
    except Exception:  # noqa: BLE001
        return None


def _compare(ex, case, func, passed=()):
    """Run one case. Returns (ok, key, problem, detail lines, call)."""
    args = case.args
    want = np.asarray(ex.reference(**args))
    call = _run(func, args)
    in_dtype = _input_dtype(args)
    rtol, atol = _tolerances(in_dtype)
    lines = [_input_text(args)]
    if call.timed_out:
        return (False, "time_limit", f"it was stopped after {_num(TIME_LIMIT)} s: an "
                "endless loop (a while whose condition never turns false?) or a Python "
                "loop far too slow for numpy work.", lines, call)
    exc = call.exc
    if exc is not None:
        text = _cap(str(exc))
        problem = f"it raised {type(exc).__name__}: {text}{_where_raised(exc)}."
        if isinstance(exc, (ValueError, OverflowError, ZeroDivisionError)) and any(
                s in text for s in ("math domain", "division by zero", "overflow",
                                    "range")):
            problem += (" Python's math module raises where numpy returns inf or 0: use "
                        "numpy (np.log, np.exp) on whole arrays.")
        elif isinstance(exc, TypeError) and any(
                s in text for s in ("length-1", "only 0-dimensional", "size-1")):
            problem += (" A Python-level call (math.log, float(), ...) got an array: use "
                        "numpy functions, which work on whole arrays of any shape.")
        elif isinstance(exc, TypeError) and "positional argument" in text:
            problem += (f" The function must take the arguments of {ex.signature}, in that "
                        "order.")
        elif isinstance(exc, ValueError) and "broadcast" in text:
            problem += (" Shapes do not line up: a sum or max over the last axis needs "
                        "keepdims=True to divide (or subtract from) each row.")
        elif isinstance(exc, IndexError):  # numpy's AxisError is an IndexError
            problem += (" Check the axes and indices: the input can be 1-D (K,) or 2-D "
                        "(N, K); axis=-1 means the last axis in both.")
        if case.why:
            problem = _join(problem, case.why)
        return False, "exception", problem, lines, call
    result = call.result
    if result is None:
        return False, "returned_none", "it returned None: is the `return` missing?", lines, call
    got = _result_array(result)
    if got is not None and got.dtype.kind == "c":
        lines.append(f"  received {_fmt(got)}")
        return False, "complex", "it returned complex numbers: " + _complex_text(got), lines, call
    if got is None or got.dtype.kind not in "biuf":
        return (False, "not_numbers",
                f"it returned {type(result).__name__} {_fmt(result)}, not numbers.",
                lines, call)
    digits = 6 if _fmt(want) != _fmt(got) else 16  # show where they differ
    lines.append(f"  expected {_fmt(want, digits)}")
    lines.append(f"  received {_fmt(got, digits)}")
    if got.shape != want.shape:
        key, why = _shape_why(ex, got, want, args)
        problem = f"wrong shape: expected {want.shape}, received {got.shape}. {why}".rstrip()
        if case.why:
            problem = _join(problem, case.why)
        return False, key, problem, lines, call
    close = np.isclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol)
    if not np.all(close):
        key, why = _value_why(ex, case, got, want, args, func, passed, call)
        if got.ndim:
            i = tuple(int(j) for j in np.argwhere(~close)[0])
            lines.append(f"  first wrong entry at index {i if len(i) > 1 else i[0]}: "
                         f"expected {_fmt(want[i])}, received {_fmt(got[i])}")
        return False, key, why, lines, call
    if in_dtype == np.float32 and got.dtype != np.float32:
        return (False, "dtype",
                f"right values, but float32 input gave {got.dtype} output. Something "
                "promoted the result: a Python loop over floats, float(...), "
                "np.array(..., dtype=float), np.float64 constants or math.* calls. Work "
                "on the arrays with numpy (np.log, np.exp, np.mean ...) so the result "
                "keeps the input's dtype.",
                lines, call)
    return True, None, "", lines, call


def _input_dtype(args):
    return next((np.asarray(v).dtype for v in args.values()
                 if np.asarray(v).dtype.kind == "f"), np.dtype(np.float64))


def _shape_why(ex, got, want, args):
    if ex.mistakes is not None:  # a declared slip with the shape received?
        with np.errstate(all="ignore"):
            for key, value, why, _ in _declared(ex.mistakes(**args)):
                if value.shape == got.shape and _matches(
                        got.astype(np.float64), value, np.full(value.shape, np.nan),
                        *_tolerances(_input_dtype(args))):
                    return key, _join(why)
    first = next(iter(args.values()))
    first = np.asarray(first)
    if got.shape == want.shape + (1,):
        return "keepdims", ("You kept the reduced axis (keepdims=True, or [:, None]): "
                            "drop it from the result, e.g. with [..., 0] or by reducing "
                            "without keepdims.")
    if want.ndim == 0 and got.ndim >= 1:
        if ex.reduction == "mean" and first.ndim and got.size == first.shape[0]:
            return "shape", ("You returned one value per sample: the exercise wants their "
                             "mean, one number (np.mean).")
        if ex.reduction == "mean":
            return "shape", "The exercise wants one number (reduce with np.mean)."
        return "shape", ("For an input of shape (K,) the exercise wants one number: "
                         "reduce along the last axis (axis=-1).")
    if got.ndim == 0 and want.ndim >= 1:
        return "shape", ("You returned one number: reduce only along the last axis "
                         "(axis=-1), keeping one value per row, or none at all if the "
                         "operation is elementwise.")
    if got.size == want.size:
        return "shape", ("Same number of entries, different layout: a transpose, or a "
                         "reshape/flatten you did not undo?")
    if want.ndim >= 1 and first.ndim >= 2 and got.shape == first.shape[1:]:
        return "wrong_axis", ("You reduced along axis 0 (over samples); reduce along the "
                              "last axis (axis=-1): one value per row.")
    if got.shape[:-1] == want.shape[:-1] and got.ndim == want.ndim + 1:
        return "wrong_axis", "You kept the last axis: reduce along it (axis=-1)."
    return "shape", ""


def _input_slip(ex, func, args, want):
    """A slip in how the function reads its inputs, found by feeding it other inputs."""
    if ex.input_slips is None:
        return None
    with np.errstate(all="ignore"):
        slips = ex.input_slips(**args)
    for other, why, key in slips:
        call = _run(func, other)
        if call.exc is not None or call.timed_out or call.result is None:
            continue
        got = _result_array(call.result)
        if got is None or got.dtype.kind not in "biuf":
            continue
        got = got.astype(np.float64)
        w = want.astype(np.float64)
        rtol, atol = _tolerances(_input_dtype(args))
        if got.shape == w.shape and np.allclose(got, w, rtol=max(rtol, 1e-6),
                                                atol=max(atol, 1e-9)):
            return key, why
    return None


def _slip_candidates(ex, args, want):
    """Declared mistakes and usual slips of an implement-it exercise on ``args``."""
    cands = []
    with np.errstate(all="ignore"):
        if ex.mistakes is not None:
            cands.extend(_declared(ex.mistakes(**args)))
        n = None
        first = np.asarray(next(iter(args.values())))
        if ex.reduction == "mean":
            n = int(first.shape[0]) if first.ndim else 1
        cands.extend(_generic_candidates(want, n=n, reduction=ex.reduction, unit=ex.unit))
    return cands


def _ruled_out(ex, passed):
    """Slips a passed case rules out: there every variant of the slip differs from the
    right answer, so a function with that slip would have failed it (np.nanmean passes
    the random cases, so it is not 'the sum over the samples' where a nan is skipped)."""
    out = set()
    for args in passed:
        want = np.asarray(ex.reference(**args), dtype=np.float64)
        rtol, atol = _tolerances(_input_dtype(args))
        differs = {}
        for key, value, _, _ in _slip_candidates(ex, args, want):
            with np.errstate(all="ignore"):
                same = value.shape == want.shape and bool(np.allclose(
                    value, want, rtol=max(rtol, 1e-6), atol=max(atol, 1e-9),
                    equal_nan=True))
            differs[key] = differs.get(key, True) and not same
        out |= {key for key, d in differs.items() if d}
    return out


def _value_why(ex, case, got, want, args, func=None, passed=(), call=None):
    """Name what went wrong for a value mismatch: (key, explanation)."""
    slip = _input_slip(ex, func, args, want) if func is not None else None
    if slip is not None:
        return slip
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    finite_w = np.isfinite(w)
    rtol, atol = _tolerances(_input_dtype(args))

    bad_nan = np.isnan(g) & ~np.isnan(w)
    bad_inf = np.isinf(g) & finite_w
    lost_inf = np.isinf(w) & np.isfinite(g)
    ruled_out = _ruled_out(ex, passed)
    cands = [c for c in _slip_candidates(ex, args, w) if c[0] not in ruled_out]
    key, why = _best_candidate(g, cands, w, rtol, atol)
    if key is not None:
        return key, why
    if np.any(bad_nan):
        key = "nan"
        why = "the result is nan where the answer is a number."
    elif np.any(bad_inf):
        key = "overflow"
        why = "the result is inf where the answer is finite."
    elif np.any(lost_inf):
        key = "lost_inf"
        why = ("the result is finite where the exact answer is inf: clipping or an added "
               "eps hides it.")
    else:
        key = "wrong_values"
        with np.errstate(all="ignore"):
            rel = np.max(np.abs(g - w) / np.maximum(np.abs(w), atol))
        why = f"the values differ (largest relative difference {_num(float(rel))})."
        if call is not None and any("invalid value" in m for m in call.warnings) \
                and np.all(np.isfinite(g)):
            why += (" numpy warned of an invalid value (a nan) inside your function, yet "
                    "the result has none: was a nan made and then dropped (np.nanmean, "
                    "np.nansum, np.nan_to_num)?")
    if case.why:
        why = _join(why, case.why)
    elif ex.hint:
        why = _join(why, "Hint: " + ex.hint)
    return key, why


def _join(*parts):
    """Sentences joined with a space, each starting with a capital letter."""
    return " ".join((p[:1].upper() if p[:1].isascii() else p[:1]) + p[1:]
                    for p in parts if p)


def _is_celearn_function(func):
    """Is ``func`` defined in a file of the celearn package (not by the learner)?"""
    try:
        path = os.path.abspath(inspect.getfile(func))
    except TypeError:  # builtins, ufuncs
        return False
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return path.startswith(root + os.sep)


def _call_notes(name, call):
    """Notes about a call that do not make it wrong: inputs changed in place, prints."""
    notes = []
    if call.modified:
        names = ", ".join(call.modified)
        notes.append(f"on {name}, your function changed its input {names} in place (e.g. "
                     f"`{call.modified[0]} -= ...` or `{call.modified[0]}[...] = ...`): a "
                     "caller's array would change too. Work on a new array instead "
                     f"(`{call.modified[0]} = {call.modified[0]} - ...`). Each case got a "
                     "fresh copy, so the check was not affected.")
    if call.printed_total:
        notes.append(f"on {name}, your function printed {call.printed_total:,} characters "
                     f"(the first ones: {_cap(repr(call.printed), ECHO_LIMIT + 2)}).")
    return notes


def _check_function(ex, func):
    if func is None or func is Ellipsis:
        return Feedback(False, _no_answer("implement"), diagnosis="no_answer")
    if _is_celearn_function(func) and func is not ex.solution:
        return Feedback(False, f"❌ That is celearn's own {getattr(func, '__name__', '')}: "
                               "the exercise is to write yours, in numpy (you may use "
                               "celearn to test it).", diagnosis="celearn_itself")
    if not callable(func):
        return Feedback(False, f"❌ Pass the function itself, e.g. check({ex.id!r}, "
                               f"my_function), not its result. You passed "
                               f"{type(func).__name__} {_fmt(func)}.",
                        diagnosis="not_callable")
    rng = np.random.default_rng(zlib.crc32(ex.id.encode()))
    passed, passed_args, optional_passed, notes = [], [], [], []
    failure = None
    seen = set()
    for case in ex.cases(rng):
        ok, key, problem, lines, call = _compare(ex, case, func, passed_args)
        for note in _call_notes(case.name, call):
            kind = note.split(",")[1][:30]
            if kind not in seen:  # one note of each kind
                seen.add(kind)
                notes.append(note)
        warns = call.warnings
        if ok:
            (passed if case.required else optional_passed).append(case.name)
            passed_args.append(case.args)
            if warns:
                notes.append(f"on {case.name}, numpy warned ({'; '.join(warns)}); the "
                             "values are right, but a warning usually means an inf or a "
                             "nan was produced on the way.")
            continue
        if key == "returned_none" and not passed:
            return Feedback(False, _no_answer("stub"), diagnosis="no_answer")
        if case.required:
            failure = (case, key, problem, lines, warns)
            break
        notes.append(f"optional case {case.name} fails (this does not count against "
                     f"you): {problem}")
    tol = ("Values are compared with a relative tolerance of 1e-7 in float64 and 1e-5 in "
           "float32; an inf must be an inf of the same sign")
    if failure is None:
        text = (f"✅ Right! Your {ex.signature} matches celearn on all {len(passed)} "
                f"required cases: {'; '.join(passed)}.")
        if optional_passed:
            text += f" It also passes the optional: {'; '.join(optional_passed)}."
        text += f"\n({tol}.)"
        if notes:
            text += "\nNotes:\n" + "\n".join(f"  • {n}" for n in notes)
        return Feedback(True, text, notes=notes)
    case, key, problem, lines, warns = failure
    text = f"❌ Not yet: your {ex.signature} fails the case: {case.name}.\n"
    text += "\n".join(lines)
    text += f"\nWhat went wrong: {_join(problem)}"
    if warns:
        text += "\nnumpy warned inside your function: " + "; ".join(warns)
    if passed:
        text += f"\nPassed before it: {'; '.join(passed)}."
    text += f"\n({tol}.)"
    if notes:
        text += "\nNotes:\n" + "\n".join(f"  • {n}" for n in notes)
    return Feedback(False, text, diagnosis=key, case=case.name, notes=notes)


# --------------------------------------------------------------------------- hints that grow

_ATTEMPTS: dict[str, int] = {}
"""Wrong attempts per exercise id in this kernel."""


def attempts(exercise_id=None):
    """Wrong attempts so far in this kernel: for one exercise, or all as a dict."""
    if exercise_id is None:
        return dict(_ATTEMPTS)
    _get(exercise_id)
    return _ATTEMPTS.get(exercise_id, 0)


def reset_attempts():
    """Forget the attempts of this kernel (the help starts again at the diagnosis)."""
    _ATTEMPTS.clear()


def _first_step(ex):
    """The first step of the worked solution."""
    if ex.kind == "implement":
        body = inspect.getsource(ex.solution).split("\n")[1:]
        code = [line.strip() for line in body
                if line.strip() and not line.strip().startswith(('"""', "#", "'''"))
                and not line.strip().endswith('"""') and not line.strip().startswith("with ")
                and not re.fullmatch(r"[\w, ]+ = (np\.asarray\([^()]*\)(, )?)+", line.strip())]
        return f"`{code[0]}`" if code else ""
    if ex.first_step:
        return ex.first_step
    head = re.split(r"(?<=[.;:])\s", ex.solution)[0]
    return head.split(" = ")[0] + " = …" if " = " in head else head


def _more_help(ex, attempt, message):
    """What the ``attempt``-th wrong answer adds: a hint from the second, the first
    step of the worked solution from the third, then where the rest is."""
    if attempt < 2:
        return ""
    hint = getattr(ex, "hint", "")
    shown = bool(hint) and hint in message
    lines = []
    if hint and not shown:
        lines.append(f"Hint: {hint}")
    if attempt >= 3 or (attempt == 2 and (shown or not hint)):
        step = _first_step(ex)
        if step:
            lines.append(f"First step of the solution: {step}")
    if attempt >= 3:
        lines.append("The solution under this exercise shows the rest." if in_voila() else
                     f"cl.exercises.solution({ex.id!r}"
                     + ("" if getattr(ex, "seed", None) is None else f", seed={ex.seed}")
                     + ") shows the whole solution.")
    return ("\n" if lines else "") + "\n".join(lines)


# --------------------------------------------------------------------------- public API

def _get(exercise_id):
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"exercise_id {_cap(repr(exercise_id), 60)} is unknown; "
                         f"use one of: {known}") from None


def _check_seed(seed):
    """``seed`` as an int, or a ValueError naming it."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
            or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0 (e.g. a student number), got "
                         f"{_cap(repr(seed), 60)}; pass an int such as seed=12345, or "
                         "seed=None for the notebook's own numbers.")
    return int(seed)


def variants():
    """The ids of the exercises that have variants (a seed draws their numbers), sorted.

    >>> "02.loss" in variants()
    True
    """
    _load_all()
    return sorted(i for i, ex in _REGISTRY.items()
                  if getattr(ex, "_templates", None) is not None)


def _no_variants_text(exercise_id):
    return (f"exercise {exercise_id!r} has no variants, so it takes no seed: use seed=None "
            f"(its numbers are the notebook's). Exercises with variants: "
            f"{', '.join(variants())}.")


def _exercise(exercise_id, seed):
    """The exercise, as variant ``seed`` (None: the notebook's numbers)."""
    ex = _get(exercise_id)
    if seed is None:
        return ex
    _check_seed(seed)
    if getattr(ex, "_templates", None) is None:
        raise ValueError(_no_variants_text(exercise_id))
    return ex.variant(seed)


def question(exercise_id, *, seed=None):
    """The question of an exercise as text; with ``seed``, with that variant's numbers.

    Without a seed, the numbers are the notebook's. A seed (a whole number >= 0, e.g.
    a student number) gives each learner their own numbers for homework, the same
    on every run; :func:`check` with the same seed checks the answer against them,
    and :func:`variants` lists the exercises that have variants.

    >>> question("01.bits")
    'How many bits of surprise does an event with p = 1/1024 carry?'
    >>> question("01.bits", seed=7) == question("01.bits", seed=7)
    True
    """
    ex = _exercise(exercise_id, seed)
    if ex.kind == "implement":
        return ex.question
    if ex.prompt:
        return ex.prompt
    from .spaced import PROMPTS
    return PROMPTS.get(exercise_id,
                       f"Exercise {exercise_id}: its question is in notebook "
                       f"{exercise_id[:2]}.")


def check(exercise_id, answer, *, seed=None):
    """Check ``answer`` for the exercise ``exercise_id``; returns :class:`Feedback`.

    ``answer`` is a number, an array (numpy, a list, a torch tensor, a jax array)
    or a short text for answer exercises, and a function for implement-it
    exercises. Help grows with the wrong attempts at one exercise in this kernel:
    the first gets the diagnosis, the second adds a hint, the third the first step
    of the worked solution (:func:`solution` shows it all).

    Examples
    --------
    >>> import celearn as cl
    >>> cl.exercises.reset_attempts()
    >>> cl.exercises.check("01.halving", None)
    No answer yet: replace None with your answer and run the cell again.
    >>> bool(cl.exercises.check("01.halving", 2.0794))
    True
    >>> print(cl.exercises.check("02.mean", 4.4603))
    ❌ Not yet (4.4603): that is the sum over the N = 7 samples, not the mean: divide the
    total by N (reduction='mean'). (Answers within a relative tolerance of 0.1 % (or an
    absolute one of 1e-6) count.)

    An implement-it exercise takes a function; ``diagnosis`` names the slip:

    >>> import numpy as np
    >>> fb = cl.exercises.check("04.softmax", lambda z: np.exp(z) / np.exp(z).sum())
    >>> fb.right, fb.diagnosis, fb.case
    (False, 'wrong_axis', 'random logits, shape (3, 5)')

    With ``seed``, the answer is checked against that variant's numbers (see
    :func:`question`); the attempts still count per exercise.
    """
    ex = _exercise(exercise_id, seed)
    if answer is None or answer is Ellipsis:
        return Feedback(False, _no_answer(ex.kind), diagnosis="no_answer")
    fb = ex.feedback(answer)
    if not fb.right and fb.diagnosis != "no_answer":
        n = _ATTEMPTS[exercise_id] = _ATTEMPTS.get(exercise_id, 0) + 1
        fb.message += _more_help(ex, n, fb.message)
        fb.attempt = n
    if fb.diagnosis != "no_answer":  # the local progress record (progress.py)
        from .progress import record
        record(exercise_id, fb.right)
    return fb


def solution(exercise_id, *, seed=None):
    """The worked solution of an exercise (a reference implementation for implement-it);
    with ``seed``, of that variant (see :func:`question`)."""
    ex = _exercise(exercise_id, seed)
    if ex.kind == "implement":
        source = inspect.getsource(ex.solution)
        return Feedback(True, f"A reference implementation of {ex.signature}:\n\n"
                              f"{source.rstrip()}")
    want = ex.expected()
    shown = repr(want) if isinstance(want, str) else _fmt(want)
    return Feedback(True, f"{ex.solution} (answer: {shown})")


def exercises():
    """All registered exercise ids, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def _load_all():
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{mod.name}")


# The spaced review and its answer boxes (spaced.py), the progress record (progress.py).
from .spaced import ask, review  # noqa: E402  (spaced.py uses check, defined above)
