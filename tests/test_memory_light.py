"""A learner's kernel stays light (issue 23): what celearn leaves in memory.

compare() runs scikit-learn and PyTorch in a process of its own, with the same numbers
as in the caller's process; an explorer keeps no full-size Agg canvas after drawing.
The kernel's peak after Run All is measured by benchmarks/bench_kernel_memory.py.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import celearn as cl
from celearn import softmax_regression as sr

LAM = 1e-4


@pytest.fixture(scope="module")
def model():
    X, y = cl.datasets.load_digits()
    data = sr.split(X / 16, y, seed=0)
    W, b = sr.fit(data.X_train, data.y_train, *sr.init_params(64, 10), 1.0, LAM, 32, 5, 0)
    return data, W, b


def test_compare_leaves_the_frameworks_out_of_the_caller(model):
    sklearn = pytest.importorskip("sklearn.linear_model")
    torch = pytest.importorskip("torch")
    code = ("import json, sys, numpy as np, celearn as cl\n"
            "sr = cl.softmax_regression\n"
            "X, y = cl.datasets.load_digits(); d = sr.split(X / 16, y, seed=0)\n"
            f"W, b = sr.fit(d.X_train, d.y_train, *sr.init_params(64, 10), 1.0, {LAM}, 32, 5, 0)\n"
            f"c = sr.compare(d, W, b, lam={LAM})\n"
            "print(json.dumps({'rows': c.rows, 'missing': c.missing, 'objective': c.objective,\n"
            "    'loaded': [m for m in ('sklearn', 'torch', 'scipy') if m in sys.modules]}))")
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout)
    assert out["loaded"] == [] and out["missing"] == []
    # the same numbers as scikit-learn and PyTorch computed here, in this process
    data, W, b = model
    clf = sklearn.LogisticRegression(C=sr.sklearn_C(len(data.X_train), LAM), max_iter=2000)
    clf.fit(data.X_train, data.y_train)
    theirs = sr.evaluate(data.X_test, data.y_test, clf.coef_.T, clf.intercept_)
    z = torch.from_numpy(data.X_test) @ torch.from_numpy(W) + torch.from_numpy(b)
    y_test = torch.from_numpy(data.y_test.astype(np.int64))
    ours, sk, th = out["rows"]
    assert ours[0].startswith("your loop") and sk[0].startswith("scikit-learn")
    assert sk[1:] == [theirs["accuracy"], theirs["nll"]]
    assert out["objective"]["scikit-learn's"] == sr.loss(data.X_train, data.y_train,
                                                         clf.coef_.T, clf.intercept_, LAM)
    assert th[0].startswith("PyTorch") and th[1] == ours[1]
    assert th[2] == pytest.approx(torch.nn.functional.cross_entropy(z, y_test).item(),
                                  rel=1e-14)


def test_compare_names_a_blocked_framework_and_passes_on_warnings(model, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setitem(sys.modules, "torch", None)      # as if torch were not installed
    data, W, b = model
    with pytest.warns(UserWarning, match="ConvergenceWarning"):
        c = sr.compare(data, W, b, lam=LAM, max_iter=1)   # L-BFGS stops after 1 iteration
    assert c.missing == ["torch"] and [r[0][:12] for r in c.rows] == ["your loop (m",
                                                                      "scikit-learn"]
    assert "torch is not installed" in repr(c)


def test_compare_reports_a_failure_of_its_process(model, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setattr(sr, "_FRAMEWORK_SCRIPT", "raise OSError('the disk is full')")
    data, W, b = model
    with pytest.raises(RuntimeError, match=r"(?s)separate Python process.*exit code 1.*"
                                           r"OSError: the disk is full"):
        sr.compare(data, W, b, lam=LAM)


def test_compare_rejects_a_bad_max_iter(model):
    data, W, b = model
    with pytest.raises(ValueError, match="max_iter must be an integer > 0"):
        sr.compare(data, W, b, lam=LAM, max_iter=0)


# --------------------------------------------------------------------------- training's curves

def _all_rows_at_once(loss, X1, Wl, y, t):
    """The loss and accuracy of every epoch from one call on all E x N rows (as before)."""
    Z = X1 @ Wl
    return (cl.training._losses(loss, y, t, Z).mean(axis=1),
            (Z.argmax(axis=2) == y).mean(axis=1))


@pytest.mark.parametrize("loss", ["ce", "mse"])
@pytest.mark.parametrize("N, K, E", [(150, 3, 1001), (700, 10, 51), (37, 4, 3), (5, 2, 9000)])
def test_curves_in_blocks_equal_one_call_to_the_last_bit(loss, N, K, E):
    rng = np.random.default_rng(N + K)
    X1 = np.hstack([rng.normal(size=(N, 4)), np.ones((N, 1))])
    y = rng.integers(0, K, N)
    t = cl.one_hot(y, K)
    Wl = rng.normal(0, 3, size=(E, 5, K))
    got = cl.training._every_epoch(loss, X1, Wl, y, t)
    want = _all_rows_at_once(loss, X1, Wl, y, t)
    assert E * N > cl.activations._CHUNK_BYTES // (K * 8) or E < 10   # several blocks
    for g, w in zip(got, want):
        assert g.shape == (E,) and np.array_equal(g, w)


def test_a_long_training_run_allocates_little():
    import tracemalloc

    iris = cl.datasets.load_iris()
    X = cl.training.standardize(iris.X)
    cl.training.train_softmax_regression(X, iris.y, loss="mse", epochs=5)  # warm caches
    tracemalloc.start()
    try:
        cl.training.train_softmax_regression(X, iris.y, loss="mse", lr=2.0, epochs=1000,
                                             init_scale=4.0, seed=3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # all 1001 x 150 x 3 logits at once, with the loss's temporaries, peaked at 18 MB
    assert peak < 8e6, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_use_style_collects_after_a_cell_that_grew_the_kernel():
    """cl.use_style() in IPython: a cell that grew the process by 2 MB or more (a figure)
    is followed by a garbage pass; a small cell is not. Registered once however often
    use_style() runs. (In a process of its own: it needs a fresh IPython shell, and turns
    the automatic collector off, so only the hook can free the cycles.)"""
    code = r'''
import gc, json
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("import celearn as cl; cl.use_style(); cl.use_style()")
registered = [len([c for c in shell.events.callbacks[name] if "_CellTidier" in repr(c)])
              for name in ("pre_run_cell", "post_run_cell")]
gc.disable()
make = """
import weakref
class Node:
    pass
def cycle(size):
    a, b = Node(), Node()
    a.other, b.other, a.data = b, a, bytearray(size)
    a.data[::4096] = b"x" * len(a.data[::4096])       # touch every page: resident
    return weakref.ref(a)
"""
shell.run_cell(make)
shell.run_cell("small = cycle(100_000)")
small_alive = shell.user_ns["small"]() is not None
shell.run_cell("big = cycle(20_000_000)")
big_alive = shell.user_ns["big"]() is not None
print(json.dumps({"registered": registered, "small_alive": small_alive,
                  "big_alive": big_alive}))
'''
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "MPLBACKEND": "Agg"}, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["registered"] == [1, 1]
    assert result["small_alive"], "a small cell was followed by a garbage pass"
    assert not result["big_alive"], "a cell that grew the process by 20 MB left its cycle"
