"""Every bad input gets a ValueError (TypeError for non-numeric data) that names the
argument, says what was found and how to fix it. One row per bad input."""
import re

import numpy as np
import pytest

import celearn as cl
from celearn import _validation

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

P2 = [[0.2, 0.8], [0.5, 0.5]]  # a valid (N=2, K=2) probability matrix
Z2 = [[1.0, -1.0], [0.5, 2.0]]  # valid logits
E = re.escape

# (id, call, exception, regex on the message)
BAD_INPUTS = [
    # --- values outside [0, 1] ---------------------------------------------------------------
    ("bce p > 1", lambda: cl.binary_cross_entropy([0, 1], [0.2, 1.7]), ValueError,
     E("p has a value 1.7 outside [0, 1] at index (1,). p must hold probabilities; if these are "
       "logits, use binary_cross_entropy_with_logits(t, z) instead.")),
    ("bce p logits", lambda: cl.binary_cross_entropy([0, 1, 1], [-2.3, 0.5, 4.0]), ValueError,
     E("p has a value -2.3 outside [0, 1] at index (0,) (2 values in total).") + ".*with_logits"),
    ("bce t > 1", lambda: cl.binary_cross_entropy([0, 2], [0.5, 0.5]), ValueError,
     E("t has a value 2.0 outside [0, 1] at index (1,). t holds targets: 0/1 labels or "
       "probabilities (soft labels) in [0, 1].")),
    ("bce scalar p", lambda: cl.binary_cross_entropy(1, 3.5), ValueError,
     E("p has a value 3.5 outside [0, 1]. p must hold")),
    ("bce-logits t < 0", lambda: cl.binary_cross_entropy_with_logits([-1.0], [0.3]), ValueError,
     E("t has a value -1.0 outside [0, 1] at index (0,).")),
    ("cce p > 1", lambda: cl.categorical_cross_entropy([0, 1], [[1.5, -0.5], [0.5, 0.5]]), ValueError,
     E("p has a value 1.5 outside [0, 1] at index (0, 0) (2 values in total). p must hold "
       "probabilities, each row a distribution over the K classes; if these are logits, use "
       "softmax_cross_entropy(t, z) instead.")),
    ("cce t rows > 1", lambda: cl.categorical_cross_entropy([[0, 2], [1, 0]], P2), ValueError,
     E("t has a value 2.0 outside [0, 1] at index (0, 1). t must hold one-hot or soft-label rows "
       "(probabilities) of the same shape as p, or integer class labels of shape (2,).")),
    ("bce_grad_p p < 0", lambda: cl.bce_grad_p([1.0], [-0.1]), ValueError,
     E("p has a value -0.1 outside [0, 1] at index (0,). p must hold probabilities; if these are "
       "logits, use bce_grad_logits(t, z) instead.")),
    ("bce_grad_logits t > 1", lambda: cl.bce_grad_logits([3.0], [0.1]), ValueError,
     E("t has a value 3.0 outside [0, 1]")),
    # --- NaN and inf ------------------------------------------------------------------------------
    ("NaN in p", lambda: cl.binary_cross_entropy([0, 1], [0.5, np.nan]), ValueError,
     E("p contains NaN at index (1,). Every input must be finite: drop or impute missing values, "
       "and look for an overflow (e.g. np.exp of a large number or a division by zero) earlier in "
       "your computation.")),
    ("several NaN", lambda: cl.mean_squared_error([np.nan, 1, np.nan], [0.0, 1.0, 2.0]), ValueError,
     E("t contains NaN at index (0,) (2 non-finite values in total).")),
    ("inf in z", lambda: cl.softmax([[0.0, 1.0], [np.inf, 2.0]]), ValueError,
     E("z contains inf at index (1, 0)") + ".*overflow"),
    ("-inf in z", lambda: cl.softmax_cross_entropy([0], [[0.0, -np.inf]]), ValueError,
     E("z contains -inf at index (0, 1)")),
    ("NaN in t", lambda: cl.categorical_cross_entropy([[np.nan, 1.0]], [[0.5, 0.5]]), ValueError,
     E("t contains NaN at index (0, 0)")),
    ("NaN in x", lambda: cl.numerical_gradient(np.sum, [1.0, np.nan]), ValueError,
     E("x contains NaN at index (1,)")),
    ("NaN scalar", lambda: cl.sigmoid(np.nan), ValueError, E("z contains NaN. Every input")),
    # --- shapes -----------------------------------------------------------------------------------
    ("bce shapes", lambda: cl.binary_cross_entropy([0, 1, 1], [0.5, 0.5]), ValueError,
     E("t has shape (3,) but p has shape (2,); they must have the same shape (one t per p). "
       "Nothing is broadcast: reshape or index them so they match.")),
    ("bce scalar vs array", lambda: cl.binary_cross_entropy(1, [0.5, 0.5]), ValueError,
     E("t has shape () but p has shape (2,)")),
    ("bce column vs row", lambda: cl.binary_cross_entropy([[1], [0]], [1, 0]), ValueError,
     E("t has shape (2, 1) but p has shape (2,)")),
    ("mse shapes", lambda: cl.mean_squared_error([1.0], [[1.0]]), ValueError,
     E("t has shape (1,) but p has shape (1, 1)")),
    ("kl shapes", lambda: cl.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), ValueError,
     E("p has shape (2,) but q has shape (3,)")),
    ("cce labels wrong length", lambda: cl.categorical_cross_entropy([0, 1, 1], P2), ValueError,
     E("t has shape (3,) but p has shape (2, 2); t must be integer labels of shape (2,) or "
       "one-hot/soft rows of shape (2, 2). Nothing is broadcast.")),
    ("cce one sample, label array", lambda: cl.categorical_cross_entropy([1, 0], [0.2, 0.3, 0.5]), ValueError,
     E("t must be a single integer label (a scalar) or one-hot/soft rows of shape (3,)")),
    ("cce p 3-D", lambda: cl.categorical_cross_entropy(0, np.full((2, 2, 2), 0.5)), ValueError,
     E("p must have shape (N, K) for N samples and K classes, or (K,) for one sample; got shape "
       "(2, 2, 2) (3 dimension(s)).")),
    ("sce z scalar", lambda: cl.softmax_cross_entropy(0, 1.0), ValueError,
     E("z must have shape (N, K) for N samples and K classes, or (K,) for one sample; got shape ()")),
    ("grad wrong shape", lambda: cl.gradient_check(np.sum, lambda x: np.ones(3), np.zeros((2, 3))), ValueError,
     E("grad(x) has shape (3,) but x has shape (2, 3); grad must return one partial derivative per "
       "element of x.")),
    ("f not scalar", lambda: cl.numerical_gradient(lambda x: x, [1.0, 2.0]), ValueError,
     E("f must return a scalar (e.g. a loss with reduction='sum' or 'mean'); it returned shape (2,).")),
    ("f not finite", lambda: cl.numerical_gradient(lambda x: 0.0 if x[0] > 0 else np.inf, [0.0]), ValueError,
     E("f returned inf at x[(0,)] - h (h = 1e-06). Finite differences need f finite around x: move x "
       "away from singularities (such as p = 0 or 1) or use a smaller h.")),
    # --- distributions: rows not summing to 1 -----------------------------------------------------
    ("cce p row sum", lambda: cl.categorical_cross_entropy([0, 1], [[0.2, 0.8], [0.5, 0.4]]), ValueError,
     E("p row 1 sums to 0.9, not 1 (tolerance 1e-06 for float64). Each row must sum to 1; nothing "
       "is renormalised for you. If p holds unnormalised scores or logits, use "
       "softmax_cross_entropy(t, z), or pass softmax(z).")),
    ("cce p sum 1-D", lambda: cl.categorical_cross_entropy(0, [0.2, 0.3]), ValueError,
     E("p sums to 0.5, not 1 (tolerance 1e-06 for float64). Each distribution must sum to 1")),
    ("cce p rows float32", lambda: cl.categorical_cross_entropy([0], np.float32([[0.3, 0.6]])), ValueError,
     E("p row 0 sums to 0.90000004, not 1 (tolerance 0.0001 for float32).")),
    ("cce t multi-label", lambda: cl.categorical_cross_entropy([[1, 1], [1, 0]], P2), ValueError,
     E("t row 0 sums to 2.0, not 1") + ".*multi-label.*binary_cross_entropy"),
    ("sce t rows", lambda: cl.softmax_cross_entropy([[0.5, 0.2]], [[1.0, 2.0]]), ValueError,
     E("t row 0 sums to 0.7, not 1")),
    ("entropy sum", lambda: cl.entropy([0.2, 0.2]), ValueError,
     E("p sums to 0.4, not 1 (tolerance 1e-06 for float64).") + ".*divide by their sum"),
    ("entropy negative", lambda: cl.entropy([1.5, -0.5]), ValueError,
     E("p has a negative value -0.5 at index (1,); probabilities must be >= 0.")),
    ("kl q rows", lambda: cl.kl_divergence([[0.5, 0.5], [1, 0]], [[0.5, 0.5], [3, 0]]), ValueError,
     E("q row 1 sums to 3.0, not 1")),
    ("cross_entropy scalar", lambda: cl.cross_entropy(0.5, 0.5), ValueError,
     E("p must be a distribution along its last axis, shape (K,) or (N, K); got a scalar. Pass "
       "e.g. [0.5, 0.5].")),
    # --- integer labels ---------------------------------------------------------------------------
    ("label == K", lambda: cl.categorical_cross_entropy([0, 2], P2), ValueError,
     E("t has label 2 at index (1,), outside [0, 2) for K = 2 classes. Labels must be 0 or 1; "
       "if your labels start at 1, subtract 1.")),
    ("label < 0", lambda: cl.softmax_cross_entropy([-1, 0], Z2), ValueError,
     E("t has label -1 at index (0,), outside [0, 2)")),
    ("scalar label", lambda: cl.cce_grad_logits(5, [1.0, 2.0, 3.0]), ValueError,
     E("t has label 5, outside [0, 3) for K = 3 classes. Labels must be 0, 1 or 2;")),
    ("float labels", lambda: cl.categorical_cross_entropy(np.array([0.0, 1.0]), P2), ValueError,
     E("t holds class labels (shape (2,)), which need an integer dtype; got float64: convert them "
       "with t.astype(int). (One-hot or soft targets would need the same shape as p, (2, 2).)")),
    ("fractional labels", lambda: cl.softmax_cross_entropy([0.5, 1.0], Z2), ValueError,
     E("got float64: labels must be whole numbers (0 or 1).")),
    ("bool labels", lambda: cl.softmax_cross_entropy([True, False], Z2), ValueError,
     E("t holds class labels (shape (2,)), which need an integer dtype; got bool: convert them "
       "with t.astype(int).")),
    ("label, K = 12", lambda: cl.cce_grad_logits([12], np.zeros((1, 12))), ValueError,
     E("Labels must be 0, 1, ..., 11;")),
    # --- empty arrays -----------------------------------------------------------------------------
    ("empty p", lambda: cl.binary_cross_entropy([], []), ValueError,
     E("t is empty (shape (0,)); pass at least one value.")),
    ("empty z", lambda: cl.softmax(np.empty((3, 0))), ValueError, E("z is empty (shape (3, 0))")),
    ("empty labels", lambda: cl.one_hot([], 3), ValueError, E("labels is empty (shape (0,))")),
    # --- options ----------------------------------------------------------------------------------
    ("reduction", lambda: cl.binary_cross_entropy([1], [0.5], reduction="avg"), ValueError,
     E("reduction must be one of 'mean', 'sum', 'none'; got 'avg'. Use 'mean' for the average loss, "
       "'sum' for the total, 'none' for one loss per sample.")),
    ("reduction None", lambda: cl.softmax_cross_entropy([0], Z2[:1], reduction=None), ValueError,
     E("reduction must be one of 'mean', 'sum', 'none'; got None.")),
    ("eps 0.5", lambda: cl.binary_cross_entropy([1], [0.5], eps=0.5), ValueError,
     E("eps must be in [0, 0.5); got 0.5. eps=0 (the default) computes the exact loss; a small eps "
       "such as 1e-7 clips p to [eps, 1 - eps].")),
    ("eps < 0", lambda: cl.categorical_cross_entropy([0], [[0.5, 0.5]], eps=-1e-7), ValueError,
     E("eps must be in [0, 0.5); got -1e-07.")),
    ("eps NaN", lambda: cl.binary_cross_entropy([1], [0.5], eps=float("nan")), ValueError,
     E("eps must be in [0, 0.5); got nan.")),
    ("eps string", lambda: cl.binary_cross_entropy([1], [0.5], eps="1e-7"), ValueError,
     E("eps must be a number in [0, 0.5); got '1e-7'.")),
    ("temperature 0", lambda: cl.softmax([1.0, 2.0], temperature=0), ValueError,
     E("temperature must be a finite number > 0; got 0. temperature=1 is the plain softmax; values "
       "below 1 sharpen it, values above 1 flatten it towards uniform.")),
    ("temperature < 0", lambda: cl.softmax([1.0, 2.0], temperature=-2.0), ValueError,
     E("temperature must be a finite number > 0; got -2.0.")),
    ("temperature inf", lambda: cl.softmax([1.0, 2.0], temperature=np.inf), ValueError,
     E("temperature must be a finite number > 0; got inf.")),
    ("temperature array", lambda: cl.softmax([1.0, 2.0], temperature=[1.0]), ValueError,
     E("temperature must be a positive number; got [1.0].")),
    ("h 0", lambda: cl.numerical_gradient(np.sum, [1.0], h=0), ValueError,
     E("h must be a finite number > 0; got 0. h is the finite-difference step: about 1e-6 suits "
       "float64, about 1e-3 float32.")),
    ("h < 0", lambda: cl.gradient_check(np.sum, np.ones_like, [1.0], h=-1e-6), ValueError,
     E("h must be a finite number > 0; got -1e-06.")),
    ("base 1", lambda: cl.entropy([0.5, 0.5], base=1), ValueError,
     E("base must be None (nats) or a finite number > 0 other than 1; got 1. Use base=2 for bits "
       "or base=None for nats.")),
    ("base 'e'", lambda: cl.entropy([0.5, 0.5], base="e"), ValueError,
     E("base must be None (nats) or a positive number such as 2; got 'e'.")),
    ("axis", lambda: cl.softmax(Z2, axis=2), ValueError,
     E("axis 2 is out of range for z with 2 dimension(s) (shape (2, 2)); use an axis in [-2, 1].")),
    ("scalar z", lambda: cl.log_softmax(3.0), ValueError,
     E("z is a scalar; it needs at least one dimension (the classes). Pass e.g. [3.0, 0.0].")),
    ("jacobian scalar", lambda: cl.softmax_jacobian(1.0), ValueError, E("z is a scalar")),
    # --- one_hot ----------------------------------------------------------------------------------
    ("one_hot label out of range", lambda: cl.one_hot([0, 3], 3), ValueError,
     E("labels has label 3 at index (1,), outside [0, 3) for K = 3 classes.")),
    ("one_hot float labels", lambda: cl.one_hot([0.0, 2.0], 3), ValueError,
     E("labels holds class labels (shape (2,)), which need an integer dtype; got float64: convert "
       "them with labels.astype(int).")),
    ("one_hot num_classes 0", lambda: cl.one_hot([0], 0), ValueError,
     E("num_classes must be an integer >= 1 (the number of classes K); got 0.")),
    ("one_hot num_classes float", lambda: cl.one_hot([0], 2.5), ValueError,
     E("num_classes must be an integer >= 1 (the number of classes K); got 2.5.")),
    ("one_hot num_classes bool", lambda: cl.one_hot([0], True), ValueError,
     E("num_classes must be an integer >= 1 (the number of classes K); got True.")),
    # --- not numbers ------------------------------------------------------------------------------
    ("strings", lambda: cl.binary_cross_entropy(["0", "1"], [0.5, 0.5]), TypeError,
     E("t must be numeric (an array of real numbers); got dtype <U1 from list. Convert it first, "
       "e.g. np.asarray(t, dtype=float).")),
    ("objects", lambda: cl.softmax([1.0, None]), TypeError,
     E("z must be numeric (an array of real numbers); got dtype object from list.")),
    ("complex", lambda: cl.sigmoid(np.array([1 + 2j])), TypeError,
     E("z has complex dtype complex128; celearn works with real numbers only. If the imaginary "
       "part is zero, pass z.real.")),
    ("ragged", lambda: cl.softmax([[1.0, 2.0], [3.0]]), ValueError,
     E("z could not be converted to an array (") + ".*" + E("). Pass a rectangular array-like: "
                                                             "every row must have the same length.")),
    ("grad non-numeric", lambda: cl.gradient_check(np.sum, lambda x: "a", [1.0]), TypeError,
     E("grad(x) must be numeric")),
]


@pytest.mark.parametrize("call, exc, match", [row[1:] for row in BAD_INPUTS], ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_message(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ every function, every array argument
def _functions():
    """(name, function, valid args) for every public function taking arrays."""
    t, p, z = np.array([1.0, 0.0]), np.array([0.3, 0.6]), np.array([0.5, -2.0])
    rows, probs = np.array([[1.0, 0.0]]), np.array([[0.3, 0.7]])
    f = lambda x: float(np.sum(x**2))
    return [
        ("sigmoid", cl.sigmoid, (z,)), ("softmax", cl.softmax, (z,)), ("log_softmax", cl.log_softmax, (z,)),
        ("logsumexp", cl.logsumexp, (z,)), ("softmax_jacobian", cl.softmax_jacobian, (z,)),
        ("binary_cross_entropy", cl.binary_cross_entropy, (t, p)),
        ("binary_cross_entropy_with_logits", cl.binary_cross_entropy_with_logits, (t, z)),
        ("categorical_cross_entropy", cl.categorical_cross_entropy, (rows, probs)),
        ("softmax_cross_entropy", cl.softmax_cross_entropy, (rows, np.array([[1.5, -0.5]]))),
        ("mean_squared_error", cl.mean_squared_error, (t, p)),
        ("entropy", cl.entropy, (probs,)), ("cross_entropy", cl.cross_entropy, (probs, probs)),
        ("kl_divergence", cl.kl_divergence, (probs, probs)),
        ("bce_grad_p", cl.bce_grad_p, (t, p)), ("bce_grad_logits", cl.bce_grad_logits, (t, z)),
        ("cce_grad_logits", cl.cce_grad_logits, (rows, probs)), ("mse_grad_p", cl.mse_grad_p, (t, p)),
        ("mse_grad_logits", cl.mse_grad_logits, (t, z)),
        ("numerical_gradient", lambda x: cl.numerical_gradient(f, x), (z,)),
        ("gradient_check", lambda x: cl.gradient_check(f, lambda v: 2 * v, x), (z,)),
    ]


CASES = [(name, fn, args, i) for name, fn, args in _functions() for i in range(len(args))]


@pytest.mark.parametrize("name, fn, args, i", CASES, ids=[f"{c[0]}-arg{c[3]}" for c in CASES])
def test_every_array_argument_is_checked(name, fn, args, i):
    fn(*args)  # valid input works
    for bad, found in [(np.nan, "NaN"), (np.inf, "inf")]:
        broken = [np.array(a, copy=True) for a in args]
        broken[i].flat[0] = bad
        with pytest.raises(ValueError, match=rf"contains {found} at index \(0,?[ 0]*\)"):
            fn(*broken)
    broken = list(args)
    broken[i] = np.array([], dtype=float)
    with pytest.raises(ValueError, match=r"is empty \(shape \(0,\)\)"):
        fn(*broken)
    broken[i] = np.array(["a"] * np.size(args[i])).reshape(np.shape(args[i]))
    with pytest.raises(TypeError, match="must be numeric"):
        fn(*broken)


# ------------------------------------------------------------------ the chunked kernels' in-cache check
@pytest.mark.parametrize("bad, found", [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "-inf")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunked_kernels_find_non_finite_values_in_a_late_chunk(bad, found, dtype):
    z = np.random.default_rng(0).normal(size=(3000, 200)).astype(dtype)
    z[2990, 7] = bad  # far past the first chunk
    labels = np.zeros(3000, dtype=int)
    at = re.escape(f"z contains {found} at index (2990, 7).")
    for call in (lambda: cl.softmax(z), lambda: cl.log_softmax(z), lambda: cl.logsumexp(z),
                 lambda: cl.softmax_cross_entropy(labels, z), lambda: cl.softmax_cross_entropy(cl.one_hot(labels, 200), z)):
        with pytest.raises(ValueError, match=at):
            call()
    # indices refer to z as passed, also when the classes run along axis 0
    with pytest.raises(ValueError, match=re.escape(f"z contains {found} at index (7, 2990).")):
        cl.softmax(np.ascontiguousarray(z.T), axis=0)


def test_huge_finite_logits_are_not_mistaken_for_inf():
    z = np.float32([[3e38, -3e38, 0.0]])  # z - max overflows to -inf: harmless
    np.testing.assert_array_equal(cl.softmax(z), [[1.0, 0.0, 0.0]])
    assert cl.logsumexp(z)[0] == np.float32(3e38)
    assert cl.softmax_cross_entropy([0], z) == 0.0


# ------------------------------------------------------------------ helpers directly
def test_check_finite_tolerates_an_overflowing_sum():
    big = np.full(4, 3e38, dtype=np.float32)  # finite values whose float32 sum is inf
    _validation.check_finite(big, "z")
    assert np.all(np.isfinite(cl.softmax(big)))


def test_float_dtype_policy():
    dt = _validation.float_dtype
    assert dt(np.array([1, 2])) == np.float64
    assert dt(np.array([1, 2]), np.float32([1])) == np.float32
    assert dt(np.float16([1])) == np.float32
    assert dt(np.array([1.0], dtype=np.longdouble)) == np.float64
    assert cl.sigmoid(np.float16([0.0, 20.0])).dtype == np.float32


def test_valid_edge_values_are_accepted():
    cl.binary_cross_entropy([0.0, 1.0], [0.0, 1.0])
    cl.categorical_cross_entropy(0, [1.0, 0.0])
    cl.categorical_cross_entropy([0], [[0.5, 0.5 + 9e-7]])  # within the 1e-6 tolerance
    cl.categorical_cross_entropy([0], np.float32([[0.5, 0.50009]]))  # within float32's 1e-4
    cl.softmax([1.0], temperature=1e-300)
    cl.one_hot(np.uint8([0, 1]), np.int64(2))
    cl.binary_cross_entropy([0.5], [0.5], eps=0.4999)


# ------------------------------------------------------------------ confused-learner inputs (issues 13, 14)
class _GradTensor:
    """Stands in for a torch tensor that requires grad (torch is not a test dependency)."""
    requires_grad = True
    shape = (2,)

    def detach(self):
        return np.array([0.2, 0.8])

    def __array__(self, dtype=None, copy=None):  # what torch does: refuse
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


CONFUSED = [
    ("masked array", lambda: cl.binary_cross_entropy([1, 1], np.ma.masked_array([.9, .1], mask=[0, 1])),
     E("p is a masked array with 1 masked value(s) of 2; celearn does not skip masked entries "
       "(numpy would silently use the hidden values). Drop them with p.compressed() (and the same "
       "entries of the other inputs, e.g. keep = ~np.ma.getmaskarray(p)), or fill them with "
       "p.filled(value).")),
    ("tensor with grad", lambda: cl.softmax(_GradTensor()),
     E("z is a tensor that requires grad; celearn computes with plain numbers, outside the autograd "
       "graph. Pass z.detach() (or z.detach().cpu().numpy()).")),
    ("axis=True", lambda: cl.softmax([[1.0, 2.0]], axis=True),
     E("axis must be an integer, not a bool; got True. Supported: one integer axis in [-2, 1] for z "
       "of shape (1, 2), the axis of the classes (default -1, the last).")),
    ("axis=None", lambda: cl.log_softmax([1.0, 2.0], axis=None),
     E("axis must be an integer; got None. Supported: one integer axis in [-1, 0]") + ".*tuples of axes"),
    ("axis out of range", lambda: cl.logsumexp([1.0, 2.0], axis=2),
     E("axis 2 is out of range for z with 1 dimension(s) (shape (2,)); use an axis in [-1, 0]. "
       "Supported:")),
    ("float32 base rounds to 1", lambda: cl.entropy(np.float32([0.5, 0.5]), base=1 + 1e-9),
     E("base 1.000000001 rounds to 1 in float32, and a logarithm to base 1 is undefined. Use a base "
       "further from 1 (such as 2 for bits), or pass float64 input.")),
    ("h below resolution", lambda: cl.numerical_gradient(np.sum, [1.0], h=1e-20),
     E("h = 1e-20 is below the float resolution of x[0] = 1.0 in float64 (the next float is "
       "2.22e-16 away): x + h rounds back to x, so there is no step to divide by. Use h of at least "
       "2.22e-16; about 6.1e-06 gives the most accurate central differences.")),
    ("h below float32 resolution", lambda: cl.gradient_check(np.sum, np.ones_like, np.float32([2.0]), h=1e-7),
     E("h = 1e-07 is below the float resolution of x[0] = 2.0 in float32") + ".*about 9.8e-03"),
    ("h a string", lambda: cl.numerical_gradient(np.sum, [1.0], h="1e-6"),
     E("h must be a number, not a string; got '1e-6'. Pass it without quotes, e.g. h=1e-6")),
    ("f not callable", lambda: cl.numerical_gradient(3.0, [1.0]),
     E("f must be a function (a callable such as lambda x: np.sum(x ** 2)) that returns a scalar; "
       "got float 3.0.")),
    ("f and x swapped", lambda: cl.numerical_gradient([1.0, 2.0], np.sum),
     E("got list [1.0, 2.0]. It looks like the arguments are swapped: pass the function first, "
       "then the point, e.g. numerical_gradient(f, x).")),
    ("grad not callable", lambda: cl.gradient_check(np.sum, [1.0], [1.0]),
     E("grad must be a function")),
    ("one_hot absurd K", lambda: cl.one_hot([0, 2], 10**12),
     E("num_classes=1000000000000 would make a one-hot array of shape (2, 1000000000000), "
       "1.49e+04 GiB of float64 (the limit is 2 GiB). num_classes is the number of classes K, one "
       "column per class. For these labels K = labels.max() + 1 = 3 would do.")),
    ("surprisal(2.0)", lambda: cl.surprisal(2.0),
     E("p has a value 2.0 outside [0, 1]. surprisal takes a probability, and 2.0 is not one. If 2.0 "
       "counts equally likely outcomes, pass p = 1/2.0; if it is a percentage, pass 2.0/100; if it "
       "is already a surprisal (in nats or bits), the probability is exp(-2.0) or 2**-2.0.")),
    ("surprisal(-0.7)", lambda: cl.surprisal(-0.7),
     E("-0.7 is not one. If -0.7 is a log-probability, pass np.exp(-0.7) (its surprisal is simply "
       "0.7); if it is a logit, pass sigmoid(-0.7).")),
    ("NaN label", lambda: cl.softmax_cross_entropy(np.array([0.0, np.nan]), Z2),
     E("t holds class labels (shape (2,)) but contains NaN at index (1,); a label must be an integer "
       "(0 or 1). Drop the samples without a label (keep = np.isfinite(t)) and convert the rest with "
       "t.astype(int).")),
    ("NaN label one_hot", lambda: cl.one_hot([np.nan, 1.0], 3), E("labels holds class labels (shape (2,)) but contains NaN")),
    ("torch order, probabilities", lambda: cl.categorical_cross_entropy(np.array([[.9, .1], [.2, .8]]), [0, 1]),
     E("p holds integer class labels of shape (2,) and t holds float rows of shape (2, 2): the "
       "arguments look swapped (PyTorch's cross_entropy takes (input, target)). celearn takes the "
       "targets first, as scikit-learn does: pass (labels, p), i.e. t = the labels and p = the "
       "probabilities of shape (2, 2).")),
    ("torch order, logits", lambda: cl.softmax_cross_entropy(np.array([[2.0, -1.0]]), [0]),
     E("pass (labels, z), i.e. t = the labels and z = the logits of shape (1, 2).")),
    ("torch order, one sample", lambda: cl.cce_grad_logits([2.0, -1.0, 0.5], 0),
     E("z holds a class label and t holds float rows of shape (3,): the arguments look swapped")),
]


@pytest.mark.parametrize("name, call, match", CONFUSED, ids=[c[0] for c in CONFUSED])
def test_confused_learner_inputs(name, call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_masked_array_without_masked_entries_is_its_data():
    p = np.ma.masked_array([0.9, 0.1], mask=[0, 0])
    assert cl.binary_cross_entropy([1, 0], p) == cl.binary_cross_entropy([1, 0], [0.9, 0.1])


PROBABLE_MISTAKES = [
    ("probabilities as softmax logits", lambda: cl.softmax_cross_entropy([0], [[0.9, 0.05, 0.05]]),
     E("z looks like probabilities, not logits: every row is in [0, 1] and sums to 1.")
     + ".*double softmax.*" + E("use categorical_cross_entropy(t, p)")),
    ("probabilities as sigmoid logits",
     lambda: cl.binary_cross_entropy_with_logits([0, 1, 1, 0], [0.07, 0.91, 0.74, 0.23]),
     E("z looks like probabilities, not logits: all 4 values are in [0, 1]. "
       "binary_cross_entropy_with_logits applies sigmoid to z, so z = 0.07 means p = 0.517, not "
       "0.07. If z holds probabilities, use binary_cross_entropy(t, p)")),
    ("labels as p", lambda: cl.binary_cross_entropy([0.07, 0.91, 0.74], [0, 1, 1]),
     E("p holds only 0s and 1s while t holds probabilities strictly between 0 and 1: the arguments "
       "look swapped.")),
]


@pytest.mark.parametrize("name, call, match", PROBABLE_MISTAKES, ids=[c[0] for c in PROBABLE_MISTAKES])
def test_probable_mistakes_warn_and_still_compute(name, call, match):
    with pytest.warns(_validation.ProbableMistakeWarning, match=match):
        value = call()
    assert np.isfinite(value) or value == np.inf


@pytest.mark.parametrize("call", [
    lambda: cl.softmax_cross_entropy([0], [[2.0, 1.0, 0.1]]),  # ordinary logits
    lambda: cl.softmax_cross_entropy([0], [[1.0, 0.0]]),  # a one-hot row of logits
    lambda: cl.softmax_cross_entropy([0], [[1.0, 1e-131]]),  # a tiny logit
    lambda: cl.binary_cross_entropy_with_logits([1, 0], [0.3, 0.5]),  # small logits, close together
    lambda: cl.binary_cross_entropy_with_logits([0.3, 0.6], [0.1, 0.9]),  # soft targets
    lambda: cl.binary_cross_entropy_with_logits(1, 0.9),  # one value
    lambda: cl.binary_cross_entropy([1, 0], [1.0, 0.0]),  # hard targets, hard predictions
], ids=range(7))
def test_valid_logits_do_not_warn(call):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


@pytest.mark.parametrize("call", [
    lambda: cl.sigmoid(10**400),
    lambda: cl.binary_cross_entropy([1, 0], [0.3, 0.2], weight=10**400),
    lambda: cl.softmax_cross_entropy([0], [[10**400, 0.0]]),
])
def test_an_integer_beyond_the_float_range_is_a_value_error_not_a_type_error(call):
    with pytest.raises(ValueError, match=r"holds an integer of 401 digits, beyond the float range"):
        call()
