"""Every sentence notebooks 07, 10 and 11 say about a framework, checked by running that framework.

The frameworks are test-only oracles (requirements-frameworks.txt): each test asks for its
framework with ``pytest.importorskip``, so a machine without it skips the test and says why.
Keras 3 runs on JAX here (no TensorFlow); one test runs it on its PyTorch backend in a
subprocess. What only TensorFlow would show (tf.keras 2.x, Keras 3's TensorFlow backend) is
checked in the source that the installed Keras ships, and cited in the notebooks.

Each test's docstring quotes the notebook and section whose sentence it backs.
"""
import ast
import re
import importlib.util
import inspect
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import log_loss

import celearn as cl
from celearn import practice as pr

pytestmark = [pytest.mark.frameworks, pytest.mark.filterwarnings("error::RuntimeWarning")]

if os.environ.get("KERAS_BACKEND") not in ("jax", "torch"):
    os.environ["KERAS_BACKEND"] = "jax"  # before Keras is imported; never TensorFlow here


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch is a test-only oracle "
                               "(pip install -r requirements-frameworks.txt)")


@pytest.fixture(scope="module")
def F(torch):
    return torch.nn.functional


@pytest.fixture(scope="module")
def torchvision():
    return pytest.importorskip("torchvision", reason="torchvision is a test-only oracle "
                               "(pip install -r requirements-frameworks.txt)")


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("jax", reason="Keras 3 runs on JAX here: install "
                        "requirements-frameworks.txt")
    return pytest.importorskip("keras", minversion="3", reason="Keras 3 is a test-only "
                               "oracle (pip install -r requirements-frameworks.txt)")


@pytest.fixture(scope="module")
def optax():
    return pytest.importorskip("optax", reason="optax is a test-only oracle "
                               "(pip install -r requirements-frameworks.txt)")


@pytest.fixture(scope="module")
def jnp():
    return pytest.importorskip("jax.numpy", reason="JAX is a test-only oracle "
                               "(pip install -r requirements-frameworks.txt)")


def _keras_source(relative):
    """The text of a module shipped inside the installed Keras 3 (no import: it needs TF)."""
    pytest.importorskip("keras", minversion="3")
    root = pathlib.Path(importlib.util.find_spec("keras").origin).parent
    return (root / "src" / relative).read_text()


def _function(source, name):
    """The source text of the top-level function ``name`` in ``source``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(source, node)
    raise AssertionError(f"no function {name} in the installed Keras source")


def _t(torch, x, **kw):
    return torch.tensor(np.asarray(x, dtype=np.float64), **kw)


# ============================================================================ 07 §1: log(0)
def test_keras_epsilon_is_1e7_and_p0_costs_16_12(keras):
    """07 §1: "Keras, when it is handed probabilities, clips them to [eps, 1 - eps] with its
    default eps = 1e-7. Keras 3 then takes log p: p = 0 costs -ln 1e-7 = 16.12 nats"; and
    an honest 1e-10 also costs 16.12 (flat below the clip)."""
    assert keras.config.epsilon() == 1e-7
    bce = keras.losses.BinaryCrossentropy()
    for p in (0.0, 1e-10, 1e-9):
        assert float(bce(np.array([[1.0]]), np.array([[p]]))) == pytest.approx(-np.log(1e-7), rel=1e-6)
    cce = keras.losses.CategoricalCrossentropy()
    assert float(cce(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))) == pytest.approx(
        -np.log(1e-7), rel=1e-6)
    assert float(bce(np.array([[1.0]]), np.array([[1e-3]]))) == pytest.approx(-np.log(1e-3), rel=1e-6)


def test_keras3_on_jax_clips_even_a_sigmoid_layers_output(keras):
    """07 §1 and 10 §1's footnote: on the JAX (and PyTorch) backends Keras 3 does not use the
    logits a sigmoid layer caches: a confidently wrong sigmoid output costs 16.12, not its
    exact 40 nats."""
    inp = keras.Input((1,))
    out = keras.layers.Dense(1, activation="sigmoid", kernel_initializer="ones",
                             bias_initializer="zeros")(inp)
    model = keras.Model(inp, out)
    p = model(np.array([[-40.0]]))
    assert hasattr(p, "_keras_logits")  # the activation caches them on every backend ...
    loss = float(keras.losses.BinaryCrossentropy()(np.array([[1.0]]), p))
    assert loss == pytest.approx(-np.log(1e-7), rel=1e-6)  # ... the JAX loss ignores them
    assert float(cl.binary_cross_entropy_with_logits(1.0, -40.0)) == pytest.approx(40.0)


def test_keras3_on_torch_backend_clips_too(keras):
    """07 §1 / 10 §1 footnote: the same on Keras 3's PyTorch backend (a fresh process: the
    backend is chosen when Keras is imported)."""
    pytest.importorskip("torch")
    code = ("import numpy as np, keras\n"
            "assert keras.backend.backend() == 'torch'\n"
            "inp = keras.Input((1,))\n"
            "out = keras.layers.Dense(1, activation='sigmoid', kernel_initializer='ones',"
            " bias_initializer='zeros')(inp)\n"
            "p = keras.Model(inp, out)(np.array([[-40.0]]))\n"
            "print(float(keras.losses.BinaryCrossentropy()(np.array([[1.0]]), p)))\n")
    env = dict(os.environ, KERAS_BACKEND="torch")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert float(run.stdout.split()[-1]) == pytest.approx(-np.log(1e-7), rel=1e-6)


def test_keras3_tensorflow_backend_uses_the_cached_logits_source():
    """07 §1: "a sigmoid or softmax activation stores its input logits on its output tensor
    (`_keras_logits`), and Keras 3 on its TensorFlow backend computes the loss from those
    logits" -- keras/src/activations/activations.py and keras/src/backend/tensorflow/nn.py
    (_get_logits, used by binary_crossentropy) of the installed Keras."""
    activations = _keras_source("activations/activations.py")
    for name in ("sigmoid", "softmax"):
        assert "output._keras_logits = x" in _function(activations, name)
    tf_nn = _keras_source("backend/tensorflow/nn.py")
    get_logits = _function(tf_nn, "_get_logits")
    assert "output_ = output._keras_logits" in get_logits and "from_logits_ = True" in get_logits
    for loss in ("binary_crossentropy", "categorical_crossentropy"):
        assert "_get_logits(" in _function(tf_nn, loss)
    for backend in ("jax", "torch", "numpy"):  # the other backends never look
        assert "_keras_logits" not in _keras_source(f"backend/{backend}/nn.py")


def test_tf_keras2_binary_crossentropy_adds_eps_inside_the_log_source():
    """07 §1: "tf.keras 2.x's binary cross-entropy adds eps once more inside the log,
    log(p + eps): p = 0 costs -ln(2e-7) = 15.42". tf.keras 2.x: keras/backend.py,
    binary_crossentropy; Keras 3 keeps that function as keras/src/legacy/backend.py."""
    fn = _function(_keras_source("legacy/backend.py"), "binary_crossentropy")
    assert fn.index("tf.clip_by_value(output, epsilon_, 1.0 - epsilon_)") < fn.index(
        "target * tf.math.log(output + backend.epsilon())")
    # the notebook's numpy transcription of that line
    eps = 1e-7
    assert -np.log(np.clip(0.0, eps, 1 - eps) + eps) == pytest.approx(15.42, abs=0.005)
    assert -np.log(2e-7) == pytest.approx(-np.log(np.clip(0.0, eps, 1 - eps) + eps), rel=1e-15)


def test_torch_bceloss_clamps_the_log_at_minus_100(torch, F):
    """07 §1: "PyTorch's BCELoss clamps each log at -100, so one sample costs at most 100 nats",
    matched by cl.naive.binary_cross_entropy_log_clamp."""
    for t, p in ((1.0, 0.0), (0.0, 1.0), (1.0, 1e-50), (1.0, 1e-10), (0.3, 1e-60)):
        ref = F.binary_cross_entropy(_t(torch, [p]), _t(torch, [t])).item()
        assert ref == pytest.approx(float(cl.naive.binary_cross_entropy_log_clamp(t, p)), rel=1e-12)
    assert F.binary_cross_entropy(_t(torch, [0.0]), _t(torch, [1.0])).item() == 100.0


def test_sklearn_log_loss_clips_at_the_dtypes_machine_eps():
    """07 §1: "scikit-learn's log_loss clips at the machine epsilon of the input's dtype
    (np.finfo(np.float64).eps ~ 2.2e-16 for float64)": p = 0 costs 36.04 nats."""
    two = np.array([[1.0, 0.0], [1.0, 0.0]])
    got = log_loss([0, 1], two, labels=[0, 1])  # the second sample: p = 0 for its class
    assert 2 * got == pytest.approx(-np.log(np.finfo(np.float64).eps), rel=1e-12)
    assert 2 * got == pytest.approx(36.04, abs=0.005)
    got32 = log_loss([0, 1], two.astype(np.float32), labels=[0, 1])
    assert 2 * got32 == pytest.approx(-np.log(np.finfo(np.float32).eps), rel=1e-5)


# ===================================================================== 07 §4: BCE from logits
T_BCE, Z_BCE = np.array([0.0, 1.0, 1.0]), np.array([40.0, -800.0, 3.0])


def test_torch_bce_with_logits_is_the_stable_formula(torch, F):
    """07 §4: the max/log1p formula "is cl.binary_cross_entropy_with_logits (and PyTorch's
    BCEWithLogitsLoss ...)": the same per-sample numbers at z = 40, -800, 3."""
    ref = F.binary_cross_entropy_with_logits(_t(torch, Z_BCE), _t(torch, T_BCE),
                                             reduction="none").numpy()
    np.testing.assert_allclose(cl.binary_cross_entropy_with_logits(T_BCE, Z_BCE, reduction="none"),
                               ref, rtol=1e-15)


def test_keras_and_optax_from_logits_are_the_stable_formula(keras, optax, jnp):
    """07 §4: "... Keras's from_logits=True and optax's sigmoid_binary_cross_entropy": finite
    and equal to the formula at z = 40, -800, 3 (float32)."""
    want = cl.binary_cross_entropy_with_logits(T_BCE, Z_BCE, reduction="none")
    k = np.asarray(keras.losses.binary_crossentropy(T_BCE[:, None], Z_BCE[:, None], from_logits=True))
    o = np.asarray(optax.sigmoid_binary_cross_entropy(jnp.array(Z_BCE), jnp.array(T_BCE)))
    for got in (k, o):
        np.testing.assert_allclose(got, want, rtol=1e-6)


# ====================================================================== 07 §5: saturation
def _autograd(torch, f, z, dtype):
    zt = torch.tensor(z, dtype=dtype, requires_grad=True)
    loss = f(zt)
    loss.backward()
    return loss.item(), zt.grad.item()


def test_torch_autograd_of_the_naive_formula(torch):
    """07 §5: autodiff of the naive -log(1 - sigmoid(z)) ("what PyTorch's autograd does")
    gives 1 at z = 30 (loss 30.00102) and, once sigma rounds to 1, loss inf and gradient nan
    (float64 z = 37; float32 z = 20); cl.naive.bce_grad_logits agrees."""
    naive = lambda z: -torch.log(1 - torch.sigmoid(z))
    loss, grad = _autograd(torch, naive, 30.0, torch.float64)
    assert grad == pytest.approx(1.0, rel=1e-12) == float(cl.naive.bce_grad_logits(0, 30.0))
    assert loss == pytest.approx(30.00102, abs=5e-6)
    for z, dtype, np_dtype in ((37.0, torch.float64, np.float64), (20.0, torch.float32, np.float32)):
        loss, grad = _autograd(torch, naive, z, dtype)
        assert loss == np.inf and np.isnan(grad)
        with np.errstate(all="ignore"):
            assert np.isnan(cl.naive.bce_grad_logits(0, np_dtype(z)))


@pytest.mark.parametrize("z, dtype", [(30.0, "float64"), (36.0, "float64"), (37.0, "float64"),
                                      (40.0, "float64"), (16.0, "float32"), (17.0, "float32"),
                                      (20.0, "float32"), (3.0, "float64")])
def test_torch_bceloss_on_a_sigmoid_loss_and_gradient(torch, F, z, dtype):
    """07 §5: "PyTorch's BCELoss applied to sigmoid(z) stays finite ... the loss is clamped at
    100, and its gradient with respect to z is exactly 0" once sigma rounds to 1; "0.093
    instead of 1 at z = 30"; cl.naive.bce_log_clamp_grad_logits "reproduces PyTorch's
    gradient"."""
    tdt, ndt = getattr(torch, dtype), getattr(np, dtype)
    loss, grad = _autograd(torch, lambda v: F.binary_cross_entropy(torch.sigmoid(v),
                                                                   torch.zeros((), dtype=tdt)), z, tdt)
    assert grad == pytest.approx(float(cl.naive.bce_log_clamp_grad_logits(0, ndt(z))), rel=1e-5, abs=0)
    assert loss == pytest.approx(float(cl.naive.binary_cross_entropy_log_clamp(
        0, cl.naive.sigmoid(ndt(z)))), rel=1e-6)
    if (dtype, z) in (("float64", 37.0), ("float64", 40.0), ("float32", 17.0), ("float32", 20.0)):
        assert loss == 100.0 and grad == 0.0
    if (dtype, z) == ("float64", 30.0):
        assert grad == pytest.approx(0.093, abs=0.0005)


def test_torch_bceloss_backward_formula(torch, F):
    """07 §5: BCELoss's "backward pass computes dL/dp = (p - t) / max(p(1 - p), 1e-12)"."""
    for p, t in ((0.3, 0.0), (0.9, 1.0), (1e-13, 0.0), (1 - 1e-14, 0.0), (0.5, 0.2), (1e-300, 1.0)):
        pt = _t(torch, p, requires_grad=True)
        F.binary_cross_entropy(pt, _t(torch, t)).backward()
        # (torch stores its 1e-12 as a float32 constant, 9.99999996e-13: hence rel=1e-8)
        assert pt.grad.item() == pytest.approx((p - t) / max(p * (1 - p), 1e-12), rel=1e-8)


def test_torch_bce_with_logits_gradient_is_sigma_minus_t(torch, F):
    """07 §5: "BCEWithLogitsLoss, the stable loss, gives sigma(z) - t": exactly 1 at z = 40."""
    for z in (40.0, 30.0, -3.0, 1000.0):
        _, grad = _autograd(torch, lambda v: F.binary_cross_entropy_with_logits(
            v, torch.zeros((), dtype=torch.float64)), z, torch.float64)
        assert grad == pytest.approx(float(cl.bce_grad_logits(0, z)), rel=1e-15)


# ============================================================================ 10 §1: the table
def _row(start):
    table = pr.ConventionTable()
    for row, value in zip(table.rows, table.values):
        if row.call.startswith(start):
            return table.example, value
    raise AssertionError(start)


def test_table_torch_rows(torch, F):
    """10 §1: each PyTorch row's number is what PyTorch returns."""
    ex, v = _row("F.cross_entropy")
    assert v == pytest.approx(F.cross_entropy(_t(torch, ex.z), torch.tensor(ex.y)).item(), rel=1e-12)
    ex, v = _row("F.nll_loss")
    assert v == pytest.approx(F.nll_loss(torch.log(_t(torch, ex.p)), torch.tensor(ex.y)).item(), rel=1e-12)
    ex, v = _row("F.binary_cross_entropy_with_logits")
    assert v == pytest.approx(F.binary_cross_entropy_with_logits(_t(torch, ex.zb), _t(torch, ex.tb)).item(),
                              rel=1e-12)
    ex, v = _row("F.binary_cross_entropy(")
    assert v == pytest.approx(F.binary_cross_entropy(_t(torch, ex.pb), _t(torch, ex.tb)).item(), rel=1e-12)


def test_table_keras_rows(keras):
    """10 §1: each Keras 3 row's number is what Keras returns (float32)."""
    ex, v = _row("SparseCategoricalCrossentropy")
    assert float(keras.losses.SparseCategoricalCrossentropy()(ex.y, ex.p)) == pytest.approx(v, rel=1e-6)
    ex, v = _row("CategoricalCrossentropy(from_logits=True)")
    assert float(keras.losses.CategoricalCrossentropy(from_logits=True)(ex.t, ex.z)) == pytest.approx(
        v, rel=1e-6)
    ex, v = _row("BinaryCrossentropy()")
    assert float(keras.losses.BinaryCrossentropy()(ex.tb[:, None], ex.pb[:, None])) == pytest.approx(
        v, rel=1e-6)


def test_table_sklearn_row():
    """10 §1: scikit-learn's log_loss row."""
    ex, v = _row("log_loss")
    assert v == pytest.approx(log_loss(ex.y, ex.p, labels=[0, 1, 2]), rel=1e-12)


def test_table_optax_rows_are_per_example(optax, jnp):
    """10 §1: optax's two rows, one loss per example ("reduction: none, call .mean()")."""
    ex, v = _row("softmax_cross_entropy_with_integer_labels")
    got = np.asarray(optax.softmax_cross_entropy_with_integer_labels(jnp.array(ex.z), jnp.array(ex.y)))
    assert got.shape == (4,)
    np.testing.assert_allclose(got, v, rtol=1e-6)
    ex, v = _row("sigmoid_binary_cross_entropy")
    got = np.asarray(optax.sigmoid_binary_cross_entropy(jnp.array(ex.zb), jnp.array(ex.tb)))
    np.testing.assert_allclose(got, v, rtol=1e-6)


def test_table_columns_inputs_labels_reduction(torch, F, keras):
    """10 §1's columns: Keras takes probabilities unless from_logits=True (the default is
    False); PyTorch's cross_entropy takes integer labels or probability rows; with weight its
    mean divides by the sum of the targets' weights; a mean by default in PyTorch and Keras."""
    for loss in (keras.losses.BinaryCrossentropy, keras.losses.CategoricalCrossentropy,
                 keras.losses.SparseCategoricalCrossentropy):
        assert inspect.signature(loss.__init__).parameters["from_logits"].default is False
    assert inspect.signature(F.cross_entropy).parameters["reduction"].default == "mean"
    ex = pr.example_batch()
    by_label = F.cross_entropy(_t(torch, ex.z), torch.tensor(ex.y)).item()
    by_rows = F.cross_entropy(_t(torch, ex.z), _t(torch, ex.t)).item()
    assert by_rows == pytest.approx(by_label, rel=1e-12)
    w = np.array([1.0, 3.0, 0.5])
    weighted = F.cross_entropy(_t(torch, ex.z), torch.tensor(ex.y), weight=_t(torch, w)).item()
    per = cl.softmax_cross_entropy(ex.y, ex.z, reduction="none")
    assert weighted == pytest.approx(float((w[ex.y] * per).sum() / w[ex.y].sum()), rel=1e-12)


def test_table_at_p0_column(torch, F, keras, optax, jnp):
    """10 §1's "at p = 0" column: losses from logits never form p and stay finite (PyTorch,
    Keras from_logits, optax); nll_loss of log 0 is inf; BCELoss 100; Keras 16.12; sklearn 36.04."""
    z, y = np.array([[1000.0, -1000.0, 0.0]]), np.array([1])
    assert F.cross_entropy(_t(torch, z), torch.tensor(y)).item() == pytest.approx(2000.0)
    assert float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)) == pytest.approx(2000.0)
    assert float(optax.softmax_cross_entropy_with_integer_labels(jnp.array(z), jnp.array(y))[0]) == \
        pytest.approx(2000.0)
    p0 = np.array([[1.0, 0.0, 0.0]])
    assert F.nll_loss(torch.log(_t(torch, p0)), torch.tensor(y)).item() == np.inf
    assert float(keras.losses.SparseCategoricalCrossentropy()(y, p0)) == pytest.approx(16.12, abs=0.005)
    assert log_loss(y, p0, labels=[0, 1, 2]) == pytest.approx(36.04, abs=0.005)


# ===================================================================== 10 §2: double softmax
def test_torch_cross_entropy_of_probabilities_is_the_double_softmax(torch, F):
    """10 §2: "F.cross_entropy(z, y) applies log_softmax itself": fed softmax(z) it gives
    celearn's double-softmax loss and gradient, and a one-hot p costs the floor ln(1 + 2/e)."""
    z = np.random.default_rng(1).normal(0, 2, (5, 3))
    y = np.array([0, 2, 1, 1, 0])
    zt = _t(torch, z, requires_grad=True)
    loss = F.cross_entropy(torch.softmax(zt, dim=1), torch.tensor(y), reduction="sum")
    loss.backward()
    ours, grad = pr.double_softmax_loss_and_grad(y, z)
    assert loss.item() == pytest.approx(float(ours.sum()), rel=1e-12)
    np.testing.assert_allclose(zt.grad.numpy(), grad, rtol=1e-10, atol=1e-15)
    floor = F.cross_entropy(_t(torch, [[1.0, 0.0, 0.0]]), torch.tensor([0])).item()
    assert floor == pytest.approx(pr.double_softmax_floor(3), rel=1e-12)


def test_torch_double_softmax_gives_no_error_and_no_warning(torch, F):
    """10 §2: `loss = F.cross_entropy(p, y)` on softmax outputs: "no error, no warning"."""
    import warnings
    p = torch.softmax(_t(torch, [[4.0, 0.0, -2.0]]), dim=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(p, torch.tensor([0])).item()
    assert loss == pytest.approx(0.5645, abs=5e-5)


# ======================================================================= 10 §3: BCE fed logits
def test_keras_bce_fed_logits_clips_and_has_no_gradient(keras):
    """10 §3: "Keras does not refuse: BinaryCrossentropy() clips its input to [1e-7, 1 - 1e-7],
    so a logit of 3 becomes 0.9999999 and -2 becomes 1e-7 ... outside [0, 1] the clipped
    loss has zero gradient" (JAX's autodiff of Keras's loss)."""
    import jax
    t, z = np.array([1.0, 1.0, 0.0]), np.array([3.0, -2.0, 0.5])
    got = float(keras.losses.BinaryCrossentropy()(t[:, None], z[:, None]))
    assert got == pytest.approx(float(pr.keras_bce_on_logits(t, z)), rel=1e-5)
    assert got == pytest.approx(5.6037, abs=5e-5)
    right = float(keras.losses.BinaryCrossentropy(from_logits=True)(t[:, None], z[:, None]))
    assert right == pytest.approx(1.0499, abs=5e-5)
    grad = jax.grad(lambda v: keras.losses.binary_crossentropy(np.ones(1), v).sum())
    for v in (-2.0, 1.5, 3.0, 6.0):
        assert float(grad(jax.numpy.array([v]))[0]) == 0.0


# ======================================================================= 10 §4: label shapes
def test_frameworks_refuse_n_by_1_labels_for_a_one_hot_loss(torch, F, keras):
    """10 §4: Keras 3 raises "target and output must have the same shape"; PyTorch raises
    "multi-target not supported"; Keras's sparse loss accepts (N, 1) labels and is right."""
    ex = pr.example_batch()
    with pytest.raises(ValueError, match=re.escape(
            "Arguments `target` and `output` must have the same shape. Received: "
            "target.shape=(4, 1), output.shape=(4, 3)")):
        keras.losses.CategoricalCrossentropy()(ex.y[:, None].astype(float), ex.p)
    with pytest.raises(RuntimeError, match="^0D or 1D target tensor expected, multi-target not supported$"):
        F.cross_entropy(_t(torch, ex.z), torch.tensor(ex.y[:, None]))
    with pytest.raises(RuntimeError, match="multi-target not supported"):
        F.nll_loss(torch.log(_t(torch, ex.p)), torch.tensor(ex.y[:, None]))
    sparse = float(keras.losses.SparseCategoricalCrossentropy()(ex.y[:, None], ex.p))
    assert sparse == pytest.approx(float(cl.categorical_cross_entropy(ex.y, ex.p)), rel=1e-6)


def test_handwritten_loss_broadcasts_in_torch(torch):
    """10 §4: the 6.532 arises only in a hand-written -(y * log p).sum(1): torch broadcasts it
    as numpy does."""
    ex = pr.example_batch()
    y = torch.tensor(ex.y[:, None], dtype=torch.float64)
    got = (-(y * torch.log(_t(torch, ex.p))).sum(1)).numpy()
    np.testing.assert_allclose(got, pr.handwritten_broadcast_labels(ex.y, ex.p), rtol=1e-15)
    assert got.mean() == pytest.approx(6.532, abs=0.0005)


def test_handwritten_loss_broadcasts_in_jax(jnp):
    """10 §4: "... (or the same in torch or JAX) does not check shapes"."""
    ex = pr.example_batch()
    got = np.asarray(-(jnp.array(ex.y[:, None]) * jnp.log(jnp.array(ex.p))).sum(1))
    np.testing.assert_allclose(got, pr.handwritten_broadcast_labels(ex.y, ex.p), rtol=1e-6)


# ============================================================================ 10 §5: padding
def test_padding_ignore_index_is_torchs_default(torch, F, keras):
    """10 §5: "PyTorch marks them with the label -100 and skips them with ignore_index=-100"
    (its default); Keras's SparseCategoricalCrossentropy(ignore_class=-100) does the same."""
    assert inspect.signature(F.cross_entropy).parameters["ignore_index"].default == -100
    y, z = pr.padded_batch()
    want = pr.padding_losses(y, z)
    k = z.shape[-1]
    got = F.cross_entropy(_t(torch, z.reshape(-1, k)), torch.tensor(y.reshape(-1))).item()
    assert got == pytest.approx(want["ignore_index"], rel=1e-12)
    keras_got = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-100)(
        y.reshape(-1), z.reshape(-1, k)))
    assert keras_got == pytest.approx(want["ignore_index"], rel=1e-5)


# ===================================================================== label smoothing rules
def test_label_smoothing_rules(torch, F, keras):
    """10 §6 / 11: PyTorch's and Keras's categorical label_smoothing train against
    (1 - eps) t + eps/K; Keras's binary losses against t (1 - eps) + eps/2 (celearn: the
    same keyword)."""
    ex, eps = pr.example_batch(), 0.2
    want = float(cl.softmax_cross_entropy(ex.y, ex.z, label_smoothing=eps))
    assert F.cross_entropy(_t(torch, ex.z), torch.tensor(ex.y), label_smoothing=eps).item() == \
        pytest.approx(want, rel=1e-12)
    assert float(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)(
        ex.t, ex.z)) == pytest.approx(want, rel=1e-6)
    smooth = pr.smoothed_target(ex.y, 3, eps)
    assert want == pytest.approx(float(cl.softmax_cross_entropy(smooth, ex.z)), rel=1e-12)
    binary = float(keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=eps)(
        ex.tb[:, None], ex.zb[:, None]))
    assert binary == pytest.approx(float(cl.binary_cross_entropy_with_logits(
        ex.tb, ex.zb, label_smoothing=eps)), rel=1e-6)
    assert binary == pytest.approx(float(cl.binary_cross_entropy_with_logits(
        ex.tb * (1 - eps) + eps / 2, ex.zb)), rel=1e-6)
    for binary in (F.binary_cross_entropy_with_logits, F.binary_cross_entropy, torch.nn.BCEWithLogitsLoss,
                   torch.nn.BCELoss):
        assert "label_smoothing" not in inspect.signature(binary).parameters


# ============================================================================== focal loss
def test_torchvision_focal_defaults_and_formula(torch, torchvision):
    """10 §6 / 11 §3: torchvision.ops.sigmoid_focal_loss defaults to alpha = 0.25, gamma = 2,
    reduction = "none"; cl.sigmoid_focal_loss has the same formula but defaults alpha=None,
    reduction="mean", so the default calls differ."""
    focal = torchvision.ops.sigmoid_focal_loss
    params = inspect.signature(focal).parameters
    assert (params["alpha"].default, params["gamma"].default, params["reduction"].default) == (0.25, 2, "none")
    ours = inspect.signature(cl.sigmoid_focal_loss).parameters
    assert (ours["alpha"].default, ours["gamma"].default, ours["reduction"].default) == (None, 2.0, "mean")
    rng = np.random.default_rng(5)
    t, z = (rng.random(12) < 0.3).astype(float), rng.normal(0, 3, 12)
    ref = focal(_t(torch, z), _t(torch, t)).numpy()
    np.testing.assert_allclose(cl.sigmoid_focal_loss(t, z, alpha=0.25, reduction="none"), ref, rtol=1e-12)
    for gamma in (0.0, 0.5, 5.0):
        np.testing.assert_allclose(cl.sigmoid_focal_loss(t, z, gamma=gamma, alpha=0.25, reduction="none"),
                                   focal(_t(torch, z), _t(torch, t), gamma=gamma).numpy(), rtol=1e-12)
    no_alpha = focal(_t(torch, z), _t(torch, t), alpha=-1, reduction="mean").item()  # alpha < 0: off
    assert float(cl.sigmoid_focal_loss(t, z)) == pytest.approx(no_alpha, rel=1e-12)
    assert float(cl.sigmoid_focal_loss(t, z)) != pytest.approx(float(ref.mean()), rel=1e-3)


def test_torchvision_alpha_025_weights_positives_by_a_quarter(torch, torchvision):
    """11 §3: Lin et al.'s alpha = 0.25 (torchvision's default) multiplies the positives' terms
    by 0.25 and the negatives' by 0.75: it down-weights the rare positives."""
    focal = torchvision.ops.sigmoid_focal_loss
    z = np.array([-1.0, 1.0])  # a positive at p = 0.27, a negative at p = 0.73: the same p_t
    t = np.array([1.0, 0.0])
    with_alpha = focal(_t(torch, z), _t(torch, t)).numpy()
    without = focal(_t(torch, z), _t(torch, t), alpha=-1).numpy()
    np.testing.assert_allclose(with_alpha / without, [0.25, 0.75], rtol=1e-12)


# ======================================================================= 11: imbalance, targets
def test_torch_pos_weight_and_class_weights(torch, F):
    """11 §1: pos_weight multiplies the positive term (PyTorch's BCEWithLogitsLoss); the
    balanced class weights w_c = N / (2 N_c) are its weight= per sample; the two differ by one
    overall factor, so their gradients are proportional."""
    X, t = pr.imbalanced_data(n=400, seed=3)
    z = X @ np.array([1.5, 0.2]) - 2.0
    ratio = float((t == 0).sum() / (t == 1).sum())
    pw = F.binary_cross_entropy_with_logits(_t(torch, z), _t(torch, t), pos_weight=_t(torch, ratio)).item()
    assert pw == pytest.approx(float(cl.binary_cross_entropy_with_logits(t, z, pos_weight=ratio)), rel=1e-12)
    n, n_pos = len(t), t.sum()
    w = np.where(t == 1, n / (2 * n_pos), n / (2 * (n - n_pos)))
    zt = _t(torch, z, requires_grad=True)
    F.binary_cross_entropy_with_logits(zt, _t(torch, t), weight=_t(torch, w), reduction="sum").backward()
    g_pw = cl.bce_grad_logits(t, z, pos_weight=ratio)
    np.testing.assert_allclose(zt.grad.numpy() / g_pw, (n / (2 * (n - n_pos))) * np.ones(n), rtol=1e-9)


def test_torch_cross_entropy_multi_hot_floor_is_2_ln_2(torch, F):
    """11 §5: "F.cross_entropy also accepts multi-hot (1, 1, 0)": it is -sum t_k ln p_k, twice
    the loss against (1/2, 1/2, 0), floor 2 ln 2; the normalised target's floor is ln 2."""
    fit = pr.multilabel_vs_multiclass()
    z = np.log(fit["softmax"])[None, :]
    multi = F.cross_entropy(_t(torch, z), _t(torch, [[1.0, 1.0, 0.0]])).item()
    half = F.cross_entropy(_t(torch, z), _t(torch, [[0.5, 0.5, 0.0]])).item()
    assert multi == pytest.approx(fit["multi_hot_loss"], rel=1e-9)
    assert half == pytest.approx(fit["softmax_loss"], rel=1e-9)
    best = _t(torch, [[30.0, 30.0, -30.0]])
    assert F.cross_entropy(best, _t(torch, [[1.0, 1.0, 0.0]])).item() == pytest.approx(2 * np.log(2), rel=1e-12)
    assert F.cross_entropy(best, _t(torch, [[0.5, 0.5, 0.0]])).item() == pytest.approx(np.log(2), rel=1e-12)


def test_torch_multilabel_bce_per_label(torch, F):
    """11 §5: multi-label is one sigmoid and one BCE per label, pos_weight per label (PyTorch's
    BCEWithLogitsLoss on an (N, C) array with pos_weight of shape (C,))."""
    rng = np.random.default_rng(2)
    t, z, pw = (rng.random((6, 3)) < 0.4).astype(float), rng.normal(0, 2, (6, 3)), np.array([1.0, 4.0, 0.5])
    ref = F.binary_cross_entropy_with_logits(_t(torch, z), _t(torch, t), pos_weight=_t(torch, pw),
                                             reduction="none").numpy()
    np.testing.assert_allclose(cl.binary_cross_entropy_with_logits(t, z, pos_weight=pw, reduction="none"),
                               ref, rtol=1e-12)


# ===================================================== the exercises accept the frameworks' answers
def test_framework_answers_pass_the_exercise_checker(torch, F, torchvision):
    """10 ex 2-4 and 11 ex 3, 5 ask for what a framework returns: its own output is right."""
    y, z, w = torch.tensor([0, 1, 1]), _t(torch, [[2, 0], [0, 1], [1, 0]]), _t(torch, [1.0, 3.0])
    assert cl.exercises.check("10.weighted_mean", F.cross_entropy(z, y, weight=w).item())
    focal = torchvision.ops.sigmoid_focal_loss(_t(torch, [2.0, -1.0, 0.5]), _t(torch, [1.0, 0.0, 0.0]))
    assert cl.exercises.check("10.focal_defaults", focal.numpy())
    torch_ce = lambda y_, z_, w_: F.cross_entropy(_t(torch, z_), torch.as_tensor(np.asarray(y_)),
                                                  weight=_t(torch, w_)).item()
    assert cl.exercises.check("10.weighted_ce", torch_ce)
    best = F.cross_entropy(_t(torch, [[40.0, 40.0, -40.0]]), _t(torch, [[1.0, 1.0, 0.0]])).item()
    assert cl.exercises.check("11.multihot_floor", best)
    torch_pw = lambda t_, z_, pos_weight: F.binary_cross_entropy_with_logits(
        _t(torch, z_), _t(torch, t_), pos_weight=_t(torch, pos_weight)).item()
    assert cl.exercises.check("11.pos_weight_bce", torch_pw)
