"""Exercises with instant feedback.

A notebook's exercise cell looks like::

    answer = None          # your answer here
    cl.exercises.check("01.halving", answer)

``check`` compares the answer with one computed by celearn (never a
hard-coded copy) and says "Right" or gives a hint.  Each notebook's exercises
live in a module ``nbNN.py`` beside this file and are registered on import;
solutions are shown by ``cl.exercises.solution(id)`` and, in the notebooks,
inside a collapsed "Solution" block.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

_REGISTRY: dict[str, "Exercise"] = {}


@dataclass
class Exercise:
    """One question: ``expected()`` computes the answer with celearn."""

    id: str
    question: str
    expected: Callable[[], Any]
    hint: str
    solution: str
    rtol: float = 1e-3
    atol: float = 1e-6
    choices: tuple = field(default=())

    def is_right(self, answer):
        want = self.expected()
        if isinstance(want, str):
            return str(answer).strip().lower() == want.lower()
        try:
            got = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return False
        want = np.asarray(want, dtype=float)
        return got.shape == want.shape and bool(
            np.allclose(got, want, rtol=self.rtol, atol=self.atol))


def register(exercise):
    """Add an exercise to the registry (ids are unique)."""
    if exercise.id in _REGISTRY:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


class Feedback:
    """The result of :func:`check`: truthy when right, shown as a short message."""

    def __init__(self, right, message):
        self.right = right
        self.message = message

    def __bool__(self):
        return self.right

    def __repr__(self):
        return self.message

    def _repr_html_(self):
        color = "#029e73" if self.right else "#d55e00"
        return (f'<div class="celearn-feedback" style="border-left:4px solid {color};'
                f'padding:2px 8px">{self.message}</div>')


def _get(exercise_id):
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"exercise_id {exercise_id!r} is unknown; "
                         f"use one of: {known}") from None


def check(exercise_id, answer):
    """Check ``answer`` for the exercise ``exercise_id``; returns :class:`Feedback`.

    Examples
    --------
    >>> import celearn as cl
    >>> cl.exercises.check("01.halving", None)
    No answer yet: replace None with your answer and run the cell again.
    >>> bool(cl.exercises.check("01.halving", 2.0794))
    True
    """
    ex = _get(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(False, "No answer yet: replace None with your answer "
                               "and run the cell again.")
    if ex.is_right(answer):
        return Feedback(True, f"✅ Right! {ex.question}")
    return Feedback(False, f"❌ Not yet ({answer!r}). Hint: {ex.hint}")


def solution(exercise_id):
    """The worked solution of an exercise, as text."""
    ex = _get(exercise_id)
    return Feedback(True, f"{ex.solution} (answer: {ex.expected()!r})")


def exercises():
    """All registered exercise ids, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def _load_all():
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("nb"):
            importlib.import_module(f"{__name__}.{mod.name}")
