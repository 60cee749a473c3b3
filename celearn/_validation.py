"""Input checking for every public celearn function (private module).

Each public function calls these helpers once, at entry, and then works on
clean numpy arrays. Every error message follows the same three-part pattern:
*which argument*, *what was found* (the offending value, index, row sum or
shapes) and *how to fix it*. Nothing here clips, renormalises or broadcasts.

Checks are cheap on valid input: they use whole-array reductions (``np.sum``,
``np.min``, ``np.max``) that allocate no full-size temporaries, and only when
a check fails do they search for the first offending element to report it.

Dtype policy (shared by every public function)
----------------------------------------------
* float32 and float64 inputs are kept as they are; results come back in the
  same dtype. Mixed float inputs follow numpy's promotion (float32 with
  float64 gives float64).
* bool and integer inputs are converted to float64; they do not take part in
  the promotion, so integer labels with float32 logits compute in float32.
* float16 is computed in float32 (float16 overflows ``exp`` at 11.1), and
  longdouble in float64.
* complex, string, object, datetime and other non-numeric data raise
  ``TypeError``.
"""
from __future__ import annotations

import numbers
import operator

import numpy as np

REDUCTIONS = ("mean", "sum", "none")

#: Tolerance for "sums to 1", by working dtype. float32 rounding of K
#: probabilities (e.g. a float32 softmax over 1,000 classes) can move the sum
#: by ~1e-5, so float32 gets a looser tolerance than float64.
SUM_TOLERANCE = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 1e-4}


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------
def _index_str(index):
    """`` at index (3,)`` for arrays, nothing for a 0-d array."""
    return f" at index {index}" if index != () else ""


def _first_index(mask):
    """Index tuple (of Python ints) of the first True element of ``mask``."""
    flat = int(np.flatnonzero(mask)[0])
    return tuple(int(i) for i in np.unravel_index(flat, mask.shape))


def _fmt(value):
    """Shortest text that identifies a number in its own dtype (``1.7``, not
    ``np.float64(1.7)``; float32 0.9 prints as ``0.90000004``)."""
    return str(value)


# ---------------------------------------------------------------------------
# Arrays and dtypes
# ---------------------------------------------------------------------------
class ProbableMistakeWarning(UserWarning):
    """Valid input that looks like a common mistake (e.g. probabilities passed
    as logits). A ``UserWarning``, so it never stops a computation; silence it
    with ``warnings.filterwarnings("ignore", category=ProbableMistakeWarning)``.
    """


def warn_mistake(message):
    """Issue a :class:`ProbableMistakeWarning` pointing at the first caller outside celearn."""
    import inspect
    import os
    import warnings

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = inspect.currentframe(), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, ProbableMistakeWarning, stacklevel=level)


def _refuse_hidden_state(x, name):
    """Refuse inputs whose numbers ``np.asarray`` would silently misread.

    * a masked array with masked entries: ``np.asarray`` drops the mask and
      would compute with the hidden values;
    * a tensor that requires grad (PyTorch): converting it detaches it from
      the autograd graph, which the learner should do explicitly.
    """
    if isinstance(x, np.ma.MaskedArray):
        masked = int(np.ma.count_masked(x))
        if masked:
            raise ValueError(
                f"{name} is a masked array with {masked} masked value(s) of "
                f"{x.size}; celearn does not skip masked entries (numpy would "
                f"silently use the hidden values). Drop them with "
                f"{name}.compressed() (and the same entries of the other "
                f"inputs, e.g. keep = ~np.ma.getmaskarray({name})), or fill "
                f"them with {name}.filled(value)."
            )
    if getattr(x, "requires_grad", False) is True and hasattr(x, "detach"):
        raise ValueError(
            f"{name} is a tensor that requires grad; celearn computes with plain "
            f"numbers, outside the autograd graph. Pass {name}.detach() (or "
            f"{name}.detach().cpu().numpy())."
        )


def as_array(x, name):
    """``np.asarray(x)`` after checking that ``x`` is real, numeric and non-empty.

    The dtype is left unchanged (integer labels stay integers). Masked arrays
    with masked entries and tensors that require grad are refused (see
    :func:`_refuse_hidden_state`).
    """
    _refuse_hidden_state(x, name)
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(
            f"{name} could not be converted to an array ({err}). Pass a "
            f"rectangular array-like: every row must have the same length."
        ) from None
    kind = arr.dtype.kind
    huge = [e for e in arr.flat if isinstance(e, numbers.Integral)
            and not isinstance(e, bool) and abs(e) > 2**1023] if kind == "O" else []
    if huge and all(isinstance(e, numbers.Real) for e in arr.flat):
        big = max(huge, key=abs)
        raise ValueError(
            f"{name} holds an integer of {len(str(abs(int(big))))} digits, beyond the "
            f"float range (about 1.8e308); celearn computes in floats. Pass numbers of "
            f"a sensible size."
        )
    if kind == "c":
        raise TypeError(
            f"{name} has complex dtype {arr.dtype}; celearn works with real "
            f"numbers only. If the imaginary part is zero, pass {name}.real."
        )
    if kind not in "biuf":
        raise TypeError(
            f"{name} must be numeric (an array of real numbers); got dtype "
            f"{arr.dtype} from {type(x).__name__}. Convert it first, e.g. "
            f"np.asarray({name}, dtype=float)."
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass at least one value."
        )
    return arr


def float_dtype(*arrays):
    """The working float dtype for a computation on ``arrays`` (see module doc)."""
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    if not floats:
        return np.dtype(np.float64)
    dtype = np.result_type(*floats)
    if dtype.itemsize < 4:  # float16
        return np.dtype(np.float32)
    if dtype.itemsize > 8:  # longdouble
        return np.dtype(np.float64)
    return dtype


def as_float_array(x, name, dtype=None, finite=True):
    """Validated finite float array: numeric, non-empty, no NaN or inf.

    ``dtype`` is the working dtype (from :func:`float_dtype`); by default the
    array's own float dtype, or float64 for bool and integer input.
    ``finite=False`` leaves the NaN/inf check to the caller, for the chunked
    softmax kernels that run :func:`check_finite` only when their cheap
    in-cache test fails.
    """
    arr = as_array(x, name)
    if dtype is None:
        dtype = float_dtype(arr)
    arr = arr.astype(dtype, copy=False)
    if finite:
        check_finite(arr, name)
    return arr


def check_finite(x, name):
    """Raise if ``x`` holds NaN or +-inf (one fast reduction on valid input)."""
    # The sum is finite unless x has NaN/inf (or overflows, which the exact
    # search below then clears).
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(x)
    if np.isfinite(total):
        return
    bad = ~np.isfinite(x)
    if not bad.any():  # the sum overflowed; every value is finite
        return
    index = _first_index(bad)
    value = x[index]
    what = "NaN" if np.isnan(value) else _fmt(value)
    count = int(bad.sum())
    more = f" ({count} non-finite values in total)" if count > 1 else ""
    raise ValueError(
        f"{name} contains {what}{_index_str(index)}{more}. Every input must be "
        f"finite: drop or impute missing values, and look for an overflow (e.g. "
        f"np.exp of a large number or a division by zero) earlier in your "
        f"computation."
    )


def as_float_pair(a, b, names):
    """Two same-shaped inputs as finite arrays of their common float dtype."""
    na, nb = names
    a, b = as_array(a, na), as_array(b, nb)
    check_same_shape(a, b, names)
    dtype = float_dtype(a, b)
    return as_float_array(a, na, dtype), as_float_array(b, nb, dtype)


def check_same_shape(a, b, names):
    """Require identical shapes; nothing is broadcast, not even a scalar."""
    if a.shape != b.shape:
        na, nb = names
        raise ValueError(
            f"{na} has shape {a.shape} but {nb} has shape {b.shape}; they must "
            f"have the same shape (one {na} per {nb}). Nothing is broadcast: "
            f"reshape or index them so they match."
        )


def check_ndim(x, name, ndims, expected):
    """Require ``x.ndim`` in ``ndims``; ``expected`` describes the shapes in words."""
    if x.ndim not in ndims:
        raise ValueError(
            f"{name} must have shape {expected}; got shape {x.shape} "
            f"({x.ndim} dimension(s))."
        )


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------
def check_probabilities(x, name, hint=""):
    """Require every value of ``x`` in [0, 1]; ``hint`` is appended to the message."""
    if x.min() >= 0 and x.max() <= 1:
        return
    bad = (x < 0) | (x > 1)
    index = _first_index(bad)
    count = int(bad.sum())
    more = f" ({count} values in total)" if count > 1 else ""
    raise ValueError(
        f"{name} has a value {_fmt(x[index])} outside [0, 1]{_index_str(index)}"
        f"{more}. {hint}".rstrip()
    )


def check_distribution(p, name, hint="", atol=None):
    """Require ``p`` to be non-negative with every slice along the last axis
    summing to 1 within ``atol`` (default :data:`SUM_TOLERANCE` for the dtype).
    """
    if p.ndim == 0:
        raise ValueError(
            f"{name} must be a distribution along its last axis, shape (K,) or "
            f"(N, K); got a scalar. Pass e.g. [{_fmt(p)}, {_fmt(1 - p)}]."
        )
    if p.min() < 0:
        bad = p < 0
        index = _first_index(bad)
        raise ValueError(
            f"{name} has a negative value {_fmt(p[index])} at index {index}; "
            f"probabilities must be >= 0. {hint}".rstrip()
        )
    if atol is None:
        atol = SUM_TOLERANCE.get(p.dtype, 1e-6)
    sums = p.sum(axis=-1)
    off = np.abs(sums - 1) > atol
    if not off.any():
        return
    if p.ndim == 1:
        where = f"{name} sums to {_fmt(sums[()])}"
    else:
        row = _first_index(off)
        row_txt = row[0] if len(row) == 1 else row
        count = int(off.sum())
        more = f" ({count} rows in total)" if count > 1 else ""
        where = f"{name} row {row_txt} sums to {_fmt(sums[row])}{more}"
    raise ValueError(
        f"{where}, not 1 (tolerance {atol:g} for {p.dtype}). Each "
        f"{'row' if p.ndim > 1 else 'distribution'} must sum to 1; nothing is "
        f"renormalised for you. {hint}".rstrip()
    )


def _label_list(num_classes):
    """``0``, ``0 or 1``, ``0, 1 or 2``, ``0, 1, ..., 9`` for K classes."""
    if num_classes <= 3:
        labels = [str(k) for k in range(num_classes)]
        return " or ".join([", ".join(labels[:-1]), labels[-1]]) if num_classes > 1 else "0"
    return f"0, 1, ..., {num_classes - 1}"


def check_labels(t, num_classes, name="t", context=""):
    """Require integer class labels in [0, num_classes); return them as intp.

    ``context`` is appended to the dtype error (e.g. the shape one-hot targets
    would need).
    """
    if t.dtype.kind == "f" and not np.isfinite(t).all():
        bad = ~np.isfinite(t)
        index = _first_index(bad)
        what = "NaN" if np.isnan(t[index]) else _fmt(t[index])
        count = int(bad.sum())
        more = f" ({count} in total)" if count > 1 else ""
        raise ValueError(
            f"{name} holds class labels (shape {t.shape}) but contains {what}"
            f"{_index_str(index)}{more}; a label must be an integer "
            f"({_label_list(num_classes)}). Drop the samples without a label "
            f"(keep = np.isfinite({name})) and convert the rest with "
            f"{name}.astype(int).{context}"
        )
    if t.dtype.kind not in "iu":
        if t.dtype.kind == "b" or np.all(t == np.round(t)):
            fix = f"convert them with {name}.astype(int)"
        else:
            fix = f"labels must be whole numbers ({_label_list(num_classes)})"
        raise ValueError(
            f"{name} holds class labels (shape {t.shape}), which need an integer "
            f"dtype; got {t.dtype}: {fix}.{context}"
        )
    if t.min() < 0 or t.max() >= num_classes:
        bad = (t < 0) | (t >= num_classes)
        index = _first_index(bad)
        raise ValueError(
            f"{name} has label {_fmt(t[index])}{_index_str(index)}, outside "
            f"[0, {num_classes}) for K = {num_classes} classes. Labels must be "
            f"{_label_list(num_classes)}; if your labels start at 1, subtract 1."
        )
    return t.astype(np.intp, copy=False)


def targets_are_labels(t, p, t_name="t", p_name="p"):
    """Decide what the targets ``t`` of a (K,) or (N, K) array ``p`` hold.

    * same shape as ``p``                → one-hot or soft rows: returns False;
    * shape ``p.shape[:-1]`` ((N,) or ()) → integer labels: returns True
      (after :func:`check_labels`; float labels are refused, not rounded);
    * anything else                      → ValueError.
    """
    if t.shape == p.shape:
        return False
    rows_shape = p.shape[:-1]
    if t.shape == rows_shape:
        context = (
            f" (One-hot or soft targets would need the same shape as {p_name}, "
            f"{p.shape}.)"
        )
        check_labels(t, p.shape[-1], t_name, context)
        return True
    labels = "a single integer label (a scalar)" if p.ndim == 1 else (
        f"integer labels of shape {rows_shape}"
    )
    raise ValueError(
        f"{t_name} has shape {t.shape} but {p_name} has shape {p.shape}; "
        f"{t_name} must be {labels} or one-hot/soft rows of shape {p.shape}. "
        f"Nothing is broadcast."
    )


def _refuse_torch_order(t, x, x_name):
    """Arguments in PyTorch's order, ``(scores, labels)``: ``x`` holds integer
    labels for the rows of a float ``t`` one dimension larger."""
    if (
        x.dtype.kind in "iu"
        and t.dtype.kind == "f"
        and t.ndim in (1, 2)
        and t.ndim == x.ndim + 1
        and t.shape[:-1] == x.shape
    ):
        what = "a class label" if x.ndim == 0 else f"integer class labels of shape {x.shape}"
        raise ValueError(
            f"{x_name} holds {what} and t holds float rows of shape {t.shape}: "
            f"the arguments look swapped (PyTorch's cross_entropy takes "
            f"(input, target)). celearn takes the targets first, as scikit-learn "
            f"does: pass (labels, {x_name}), i.e. t = the labels and {x_name} = "
            f"the {'probabilities' if x_name == 'p' else 'logits'} of shape {t.shape}."
        )


def warn_if_probabilities_as_logits(z, rows, function, t=None):
    """Warn when logits ``z`` look like probabilities (a likely mistake).

    ``rows=True`` (softmax losses): K >= 2, every value in [0, 1], every row
    summing to 1 and some value in [0.01, 0.99]. ``rows=False``
    (sigmoid losses): at least 2 values, all in [0, 1], some in [0.01, 0.99],
    spread over at least half of [0, 1], and targets ``t`` (if given) all 0 or 1.
    Valid logits can look like this, so it is a warning, never an error.
    """
    if z.min() < 0 or z.max() > 1:  # the usual case: one pass over z
        return
    inside = (z >= 0.01) & (z <= 0.99)  # a tiny value alone is no sign of a probability
    if not inside.any():
        return
    index = _first_index(inside)
    value = z[index]
    if rows:
        if z.shape[-1] < 2:
            return
        atol = SUM_TOLERANCE.get(z.dtype, 1e-6)
        if np.any(np.abs(z.sum(axis=-1) - 1) > atol):
            return
        warn_mistake(
            f"z looks like probabilities, not logits: every row is in [0, 1] and "
            f"sums to 1. {function} applies softmax to z, so probabilities would "
            f"be squashed a second time (a 'double softmax') and the loss is "
            f"wrong. If z holds probabilities, use categorical_cross_entropy(t, p); "
            f"if these really are logits, ignore this warning."
        )
    else:
        # probabilities of several samples spread over [0, 1]; logits that
        # merely happen to be small (e.g. near 0) do not
        if z.size < 2 or z.max() - z.min() < 0.5:
            return
        if t is not None and not np.all((t == 0) | (t == 1)):
            return  # soft targets: more likely a deliberate experiment
        with np.errstate(over="ignore"):
            p_of_z = 1 / (1 + np.exp(-float(value)))
        warn_mistake(
            f"z looks like probabilities, not logits: all {z.size} values are in "
            f"[0, 1]. {function} applies sigmoid to z, so z = {_fmt(value)} "
            f"means p = {p_of_z:.3g}, not {_fmt(value)}. If z holds "
            f"probabilities, use binary_cross_entropy(t, p); if these really are "
            f"logits, ignore this warning."
        )


def warn_if_labels_as_p(t, p):
    """``binary_cross_entropy(p, t)``: p holds only 0/1, t values strictly inside (0, 1)."""
    if p.size < 2 or not np.all((p == 0) | (p == 1)):
        return
    if np.any((t > 0) & (t < 1)):
        warn_mistake(
            "p holds only 0s and 1s while t holds probabilities strictly between "
            "0 and 1: the arguments look swapped. celearn takes the targets "
            "first: binary_cross_entropy(t, p) with t the 0/1 labels and p the "
            "predicted probabilities."
        )


T_ROWS_HINT = (
    "One-hot and soft targets are distributions over the K classes; for several "
    "true classes at once (multi-label), use binary_cross_entropy instead."
)


def class_inputs(t, x, x_name, finite=True):
    """Validate targets ``t`` against class scores ``x`` (probabilities or logits).

    ``x`` must be (K,) or (N, K) and finite (checked here unless
    ``finite=False``). Returns ``(t, x, labels)``: ``x`` as a float array;
    ``t`` either integer labels (``labels`` True, dtype intp,
    shape ``x.shape[:-1]``) or one-hot/soft rows of ``x``'s shape and dtype,
    each in [0, 1] and summing to 1. Range checks of ``x`` are the caller's.
    """
    t, x = as_array(t, "t"), as_array(x, x_name)
    _refuse_torch_order(t, x, x_name)
    check_ndim(x, x_name, (1, 2), "(N, K) for N samples and K classes, or (K,) for one sample")
    labels = targets_are_labels(t, x, "t", x_name)
    dtype = float_dtype(x) if labels else float_dtype(t, x)
    x = as_float_array(x, x_name, dtype, finite)
    if labels:
        return t.astype(np.intp, copy=False), x, True
    t = as_float_array(t, "t", dtype)
    labels_txt = (
        "a single integer class label" if x.ndim == 1
        else f"integer class labels of shape {x.shape[:-1]}"
    )
    check_probabilities(
        t, "t", "t must hold one-hot or soft-label rows (probabilities) of the "
        f"same shape as {x_name}, or {labels_txt}."
    )
    check_distribution(t, "t", T_ROWS_HINT)
    return t, x, False


# ---------------------------------------------------------------------------
# Options (keyword arguments)
# ---------------------------------------------------------------------------
def _real_scalar(value, name, what):
    """``value`` as a Python float if it is a real number (not bool), else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {what}; got {value!r:.60}.")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        return float("inf") if value > 0 else float("-inf")


def check_reduction(reduction):
    """``reduction`` must be one of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        valid = ", ".join(repr(r) for r in REDUCTIONS)
        raise ValueError(
            f"reduction must be one of {valid}; got {reduction!r:.60}. Use 'mean' "
            f"for the average loss, 'sum' for the total, 'none' for one loss "
            f"per sample."
        )
    return reduction


def check_eps(eps):
    """``eps`` must be a real number in [0, 0.5)."""
    value = _real_scalar(eps, "eps", "a number in [0, 0.5)")
    if not 0 <= value < 0.5:
        raise ValueError(
            f"eps must be in [0, 0.5); got {eps!r:.60}. eps=0 (the default) computes "
            f"the exact loss; a small eps such as 1e-7 clips p to [eps, 1 - eps]."
        )
    return value


def check_temperature(temperature):
    """``temperature`` must be a finite real number > 0."""
    value = _real_scalar(temperature, "temperature", "a positive number")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(
            f"temperature must be a finite number > 0; got {temperature!r:.60}. "
            f"temperature=1 is the plain softmax; values below 1 sharpen it, "
            f"values above 1 flatten it towards uniform."
        )
    return value


def check_step(h):
    """Finite-difference step ``h`` must be a finite real number > 0."""
    if isinstance(h, (str, bytes)):
        raise ValueError(
            f"h must be a number, not a string; got {h!r:.60}. Pass it without "
            f"quotes, e.g. h=1e-6 (float64) or h=1e-3 (float32)."
        )
    value = _real_scalar(h, "h", "a positive number such as 1e-6")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(
            f"h must be a finite number > 0; got {h!r:.60}. h is the finite-"
            f"difference step: about 1e-6 suits float64, about 1e-3 float32."
        )
    return value


def check_base(base, dtype=None):
    """Logarithm ``base``: None (nats) or a finite real number > 0 other than 1.

    With ``dtype`` (the working float dtype), a base that rounds to 1 in that
    dtype is refused too: the result would be computed from a base that cannot
    be told apart from 1 at the precision of the input.
    """
    if base is None:
        return None
    value = _real_scalar(base, "base", "None (nats) or a positive number such as 2")
    if not (np.isfinite(value) and value > 0 and value != 1):
        raise ValueError(
            f"base must be None (nats) or a finite number > 0 other than 1; got "
            f"{base!r:.60}. Use base=2 for bits or base=None for nats."
        )
    if dtype is not None and abs(value - 1) < 1 and np.dtype(dtype).type(value) == 1:
        raise ValueError(
            f"base {base!r:.60} rounds to 1 in {np.dtype(dtype)}, and a logarithm to "
            f"base 1 is undefined. Use a base further from 1 (such as 2 for bits), "
            f"or pass float64 input."
        )
    return value


def check_num_classes(num_classes):
    """``num_classes`` must be an integer >= 1; returned as a Python int."""
    if isinstance(num_classes, (bool, np.bool_)):
        ok = False
    else:
        try:
            num_classes = operator.index(num_classes)
            ok = num_classes >= 1
        except TypeError:
            ok = False
    if not ok:
        raise ValueError(
            f"num_classes must be an integer >= 1 (the number of classes K); "
            f"got {num_classes!r:.60}."
        )
    return num_classes


def check_seed(seed, name="seed"):
    """A seed for ``np.random.default_rng``: an integer >= 0, None or a Generator.

    Returned unchanged; anything else raises a ValueError naming ``name``
    (numpy's own messages name no argument).
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if not isinstance(seed, (bool, np.bool_)):
        try:
            value = operator.index(seed)
        except TypeError:
            value = None
        if value is not None and value >= 0:
            return value
    raise ValueError(
        f"{name} must be a whole number >= 0 (the same seed gives the same numbers), "
        f"None (fresh randomness) or a numpy Generator; got {seed!r:.60}. Try "
        f"{name}=0."
    )


#: Largest one-hot array :func:`celearn.one_hot` will allocate, in bytes.
MAX_ONE_HOT_BYTES = 2**31


def check_one_hot_size(labels, num_classes, dtype):
    """Refuse a one-hot array too large to be meant, before allocating it."""
    itemsize = np.dtype(dtype).itemsize
    nbytes = labels.size * num_classes * itemsize  # Python ints: no overflow
    if nbytes <= MAX_ONE_HOT_BYTES:
        return
    if len(str(num_classes)) > 15:
        raise ValueError(
            f"num_classes = a {len(str(num_classes))}-digit number would make a one-hot "
            f"array far beyond memory (the limit is {MAX_ONE_HOT_BYTES / 2**30:g} GiB). "
            f"num_classes is the number of classes K, one column per class."
        )
    shape = labels.shape + (num_classes,)
    hint = ""
    if labels.dtype.kind in "iu" and labels.min() >= 0:
        hint = (
            f" For these labels K = labels.max() + 1 = {int(labels.max()) + 1} "
            f"would do."
        )
    raise ValueError(
        f"num_classes={num_classes} would make a one-hot array of shape {shape}, "
        f"{nbytes / 2**30:.3g} GiB of {np.dtype(dtype)} (the limit is "
        f"{MAX_ONE_HOT_BYTES / 2**30:g} GiB). num_classes is the number of "
        f"classes K, one column per class.{hint}"
    )


def check_axis(axis, x, name):
    """``axis`` must be an integer valid for ``x``; returned non-negative."""
    if x.ndim == 0:
        raise ValueError(
            f"{name} is a scalar; it needs at least one dimension (the classes). "
            f"Pass e.g. [{_fmt(x)}, 0.0]."
        )
    supported = (
        f"Supported: one integer axis in [{-x.ndim}, {x.ndim - 1}] for {name} of "
        f"shape {x.shape}, the axis of the classes (default -1, the last)."
    )
    if isinstance(axis, (bool, np.bool_)):
        raise ValueError(
            f"axis must be an integer, not a bool; got {axis!r:.60}. {supported}"
        )
    try:
        axis = operator.index(axis)
    except TypeError:
        several = (
            " None and tuples of axes are not supported: the function works "
            "along one axis; reshape so that the classes run along one axis."
            if axis is None or isinstance(axis, (tuple, list)) else ""
        )
        raise ValueError(
            f"axis must be an integer; got {axis!r:.60}. {supported}{several}"
        ) from None
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"axis {axis} is out of range for {name} with {x.ndim} dimension(s) "
            f"(shape {x.shape}); use an axis in [{-x.ndim}, {x.ndim - 1}]. {supported}"
        )
    return axis % x.ndim


# ---------------------------------------------------------------------------
# Framework options (weights, ignore_index, label smoothing, focal loss)
# ---------------------------------------------------------------------------
def check_label_smoothing(label_smoothing):
    """``label_smoothing`` must be a real number in [0, 1]."""
    value = _real_scalar(label_smoothing, "label_smoothing", "a number in [0, 1]")
    if not 0 <= value <= 1:
        raise ValueError(
            f"label_smoothing must be in [0, 1]; got {label_smoothing!r:.60}. It is the "
            f"share of each target moved to the uniform distribution: 0 (the "
            f"default) is no smoothing, 0.1 is a common choice."
        )
    return value


def check_gamma(gamma):
    """Focal-loss ``gamma`` must be a finite real number >= 0."""
    value = _real_scalar(gamma, "gamma", "a number >= 0")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(
            f"gamma must be a finite number >= 0; got {gamma!r:.60}. gamma=0 is the "
            f"plain cross-entropy; the focal-loss paper uses gamma=2."
        )
    return value


def check_ignore_index(ignore_index):
    """``ignore_index`` must be None or an integer; returned as a Python int."""
    if ignore_index is None:
        return None
    if not isinstance(ignore_index, (bool, np.bool_)):
        try:
            return operator.index(ignore_index)
        except TypeError:
            pass
    raise ValueError(
        f"ignore_index must be None or an integer label (PyTorch uses -100 for "
        f"padding); got {ignore_index!r:.60}."
    )


def check_nonnegative_weights(w, name, shape_ok, expected, dtype, hint=""):
    """Validate a weight array: numeric, finite, >= 0 and of an accepted shape.

    ``shape_ok(shape)`` says whether the shape is accepted; ``expected``
    describes the accepted shapes in words. Returns ``w`` in ``dtype``.
    """
    w = as_float_array(w, name, dtype)
    if not shape_ok(w.shape):
        raise ValueError(
            f"{name} has shape {w.shape}; it must have shape {expected}. {hint}".rstrip()
        )
    if w.min() < 0:
        index = _first_index(w < 0)
        raise ValueError(
            f"{name} has a negative value {_fmt(w[index])}{_index_str(index)}; "
            f"weights must be >= 0 (0 switches a term off, 1 leaves it as it is)."
        )
    return w


def check_alpha(alpha, dtype, num_classes=None):
    """Focal-loss ``alpha``: None, a number in [0, 1] (binary), or per class.

    ``num_classes`` None means a scalar is required (sigmoid focal loss);
    otherwise shape (num_classes,) is required (softmax focal loss).
    """
    if alpha is None:
        return None
    if num_classes is None:
        value = _real_scalar(alpha, "alpha", "None or a number in [0, 1]")
        if not 0 <= value <= 1:
            raise ValueError(
                f"alpha must be None or a number in [0, 1]; got {alpha!r:.60}. alpha "
                f"weighs the positive terms and 1 - alpha the negative ones "
                f"(torchvision's default is 0.25); None switches the weighting off."
            )
        return value
    a = as_float_array(alpha, "alpha", dtype)
    if a.shape != (num_classes,):
        raise ValueError(
            f"alpha has shape {a.shape}; it must be None or one weight per class, "
            f"shape ({num_classes},) for K = {num_classes} classes."
        )
    if a.min() < 0 or a.max() > 1:
        index = _first_index((a < 0) | (a > 1))
        raise ValueError(
            f"alpha has a value {_fmt(a[index])} at index {index}, outside [0, 1]. "
            f"Each class's alpha must be in [0, 1]; None switches the weighting off."
        )
    return a
