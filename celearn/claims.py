r"""Checking a notebook's claims, with a message that says which claim failed.

Every notebook ends with a "check the claims" cell. A bare ``assert`` that
fails says only ``AssertionError``; :func:`check_claim` says which claim did
not hold, what was stated, what was computed and by how much they differ::

    import celearn as cl
    cl.check_claim("each halving of p adds ln 2 nats", steps, np.log(2))
"""
import numbers

import numpy as np

__all__ = ["ClaimError", "check_claim"]


class ClaimError(AssertionError):
    """A claim of the course did not hold (an ``AssertionError`` that names it)."""


def _is_numeric(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, numbers.Number):
        return True
    try:
        arr = np.asarray(x)
    except Exception:  # ragged or exotic input: compare by equality instead
        return False
    return arr.dtype.kind in "iufc" and arr.size > 0


def check_claim(claim, got, want=True, *, rtol=1e-9, atol=0.0):
    r"""Check one claim: ``got`` (computed) must match ``want`` (what the text states).

    Numbers and arrays are compared elementwise with
    :math:`|\mathrm{got} - \mathrm{want}| \le \mathrm{atol} + \mathrm{rtol}\,|\mathrm{want}|`
    (as :func:`numpy.isclose`; infinities must match exactly, NaN never matches).
    Booleans (the default ``want=True``) must be equal, for a statement such as
    "the loss falls as p grows" computed with ``np.all(...)``. Anything else
    (strings, lists of labels) is compared with ``==``.

    Parameters
    ----------
    claim : str
        The claim in words, as the notebook states it.
    got : bool, number, array-like or object
        What the code computes now.
    want : bool, number, array-like or object, default True
        What the text states.
    rtol, atol : float, keyword-only
        Relative and absolute tolerance for numbers (both non-negative).

    Returns
    -------
    None

    Raises
    ------
    ClaimError
        (a subclass of ``AssertionError``) naming the claim, the stated and the
        computed value and their largest difference.
    ValueError
        If ``claim`` is not a non-empty string or a tolerance is negative.

    Examples
    --------
    >>> import numpy as np
    >>> check_claim("-ln 0.5 is ln 2", -np.log(0.5), np.log(2))
    >>> check_claim("the loss is positive", bool(np.all(np.array([0.1, 2.3]) > 0)))
    >>> check_claim("-ln 0.25 is 1.5 nats", -np.log(0.25), 1.5, rtol=1e-3)
    Traceback (most recent call last):
      ...
    celearn.claims.ClaimError: claim does not hold: -ln 0.25 is 1.5 nats
      stated:   1.5
      computed: 1.3862943611198906
      largest difference: 0.1137 (relative 0.0758); tolerance rtol=0.001, atol=0
    """
    __tracebackhide__ = True  # IPython and pytest show the failing claim, not this function's body
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"claim must be a non-empty string naming the claim, got {claim!r}; "
                         "pass the statement in words, e.g. 'each halving adds ln 2'.")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not (isinstance(tol, numbers.Real) and tol >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {tol!r}; "
                             f"use e.g. {name}=1e-9.")
    if isinstance(want, (bool, np.bool_)):
        ok = isinstance(got, (bool, np.bool_)) and bool(got) == bool(want)
        if not ok:
            raise ClaimError(f"claim does not hold: {claim}\n"
                             f"  stated:   {bool(want)}\n  computed: {got if isinstance(got, (bool, np.bool_)) else repr(got)}"
                             + ("" if isinstance(got, (bool, np.bool_)) else " (not a bool: compute the claim with np.all(...) or a comparison)"))
        return None
    if _is_numeric(want) and _is_numeric(got):
        g = np.asarray(got, dtype=np.result_type(np.asarray(got).dtype, np.float64))
        w = np.asarray(want, dtype=np.result_type(np.asarray(want).dtype, np.float64))
        try:
            g_b, w_b = np.broadcast_arrays(g, w)
        except ValueError:
            raise ClaimError(f"claim does not hold: {claim}\n"
                             f"  stated shape {w.shape}, computed shape {g.shape}") from None
        close = np.isclose(g_b, w_b, rtol=rtol, atol=atol)
        if np.all(close):
            return None
        with np.errstate(all="ignore"):
            diff = np.abs(g_b - w_b)
            rel = diff / np.abs(w_b)
        diff = np.where(close, 0.0, diff)
        worst = np.unravel_index(np.nanargmax(np.where(np.isnan(diff), np.inf, diff)), diff.shape)
        where = f" at index {tuple(int(i) for i in worst)}" if diff.ndim else ""
        raise ClaimError(
            f"claim does not hold: {claim}\n"
            f"  stated:   {np.array2string(w, precision=17) if w.ndim else repr(float(w))}\n"
            f"  computed: {np.array2string(g, precision=17) if g.ndim else repr(float(g))}\n"
            f"  largest difference{where}: {float(diff[worst]):.4g} "
            f"(relative {float(rel[worst]):.4g}); tolerance rtol={rtol:g}, atol={atol:g}")
    equal = got == want
    if isinstance(equal, np.ndarray):
        equal = equal.shape == np.shape(want) and bool(equal.all())
    if not bool(equal):
        raise ClaimError(f"claim does not hold: {claim}\n"
                         f"  stated:   {want!r}\n  computed: {got!r}")
    return None
