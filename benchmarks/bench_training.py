"""Time of notebook 05's race: two softmax-regression runs on Iris, cross-entropy and squared error.

RaceExplorer trains both runs each time a slider is released, in the kernel, so this time
is most of the wait before the learner sees the new curves (issue 10's target: the final
readout <= round trip + 150 ms after mouse-up, kernel CPU <= 0.05 core per drag).

Compares, for the same settings (lr 0.5, init_scale 4, seed 3, as the explorer starts):

* celearn    -- ``celearn.training._train(("ce", "mse"), ...)``: what the explorer calls;
  both runs stacked in one loop, the bias as the weight of a constant feature;
* reference  -- the textbook loop, one run per loss: ``z = X @ W + b``, softmax with
  NumPy's reductions, ``W -= lr X^T g / N``, ``b -= lr mean(g)``; the history by the
  same celearn losses (so only the loop differs).

Repeats are interleaved and the median is reported, with the ratio reference / celearn
measured in the same run, and the largest difference between the two runs' loss curves.
This script prints figures; it asserts nothing about time.

    python benchmarks/bench_training.py                    # 300 epochs, as the explorer starts
    python benchmarks/bench_training.py --epochs 1000 --repeats 9
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from celearn.datasets import load_iris
from celearn.training import _losses, _train, standardize
from celearn.utils import one_hot

SETTINGS = dict(lr=0.5, init_scale=4.0, seed=3)


def reference(X, y, loss, *, lr, epochs, init_scale, seed):
    """One run, the straightforward way: returns the loss history."""
    N, D = X.shape
    K = int(y.max()) + 1
    t = one_hot(y, K)
    W = init_scale * np.random.default_rng(seed).standard_normal((D, K))
    b = np.zeros(K)
    Ws, bs = [W], [b]
    for _ in range(epochs):
        z = X @ W + b
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        if loss == "ce":
            g = p - t
        else:
            d = 2.0 * (p - t)
            g = p * (d - (p * d).sum(axis=1, keepdims=True))
        W = W - lr * (X.T @ g) / N
        b = b - lr * g.mean(axis=0)
        Ws.append(W)
        bs.append(b)
    Z = X @ np.array(Ws) + np.array(bs)[:, None, :]
    return _losses(loss, y, t, Z).mean(axis=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=300, help="epochs per run (default 300)")
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats (default 15)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.repeats < 1:
        parser.error("--epochs and --repeats must be at least 1")

    iris = load_iris()
    X, y = standardize(iris.X), iris.y
    methods = {
        "celearn": lambda: {k: r.loss for k, r in _train(
            ("ce", "mse"), X, y, epochs=args.epochs, **SETTINGS).items()},
        "reference": lambda: {k: reference(X, y, k, epochs=args.epochs, **SETTINGS)
                              for k in ("ce", "mse")},
    }
    results = {name: run() for name, run in methods.items()}   # also warms up
    times = {name: [] for name in methods}
    for _ in range(args.repeats):
        for name, run in methods.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)

    print(f"Race on Iris (N = {len(y)}, D = {X.shape[1]}, K = 3), both losses, "
          f"{args.epochs} epochs, median of {args.repeats}:")
    median = {name: statistics.median(ts) for name, ts in times.items()}
    for name in methods:
        print(f"  {name:<10} {1e3 * median[name]:8.1f} ms")
    print(f"  reference / celearn: {median['reference'] / median['celearn']:.2f}x")
    for loss in ("ce", "mse"):
        a, b = results["celearn"][loss], results["reference"][loss]
        rel = np.max(np.abs(a - b) / np.abs(b))
        print(f"  {loss:<4} loss curves: largest relative difference {rel:.1e}")


if __name__ == "__main__":
    main()
