"""Time and peak extra memory of celearn.softmax_cross_entropy on a large batch.

Compares, on N x K logits with integer labels and reduction="mean":

* celearn   -- ``cl.softmax_cross_entropy(t, z)`` (row chunks, no full-size temporaries)
* scipy     -- ``-scipy.special.log_softmax(z, axis=1)[arange(N), t].mean()``
* torch     -- ``torch.nn.functional.cross_entropy`` on CPU, only if torch is installed

Repeats are interleaved (celearn, scipy, torch, celearn, ...) and the median is
reported. Peak extra memory is measured with tracemalloc, which sees numpy's
allocations (but not torch's own allocator), as a ratio to the input's nbytes.
This script prints figures; it asserts nothing about time.

    python benchmarks/bench_losses.py                      # 100,000 x 1,000, as in issue 2
    python benchmarks/bench_losses.py --rows 20000 --cols 500 --repeats 3   # quick
"""
from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import scipy
import scipy.special

import celearn as cl

TARGET_VS_TORCH = 1.0
TARGET_VS_SCIPY = 0.5
TARGET_MEMORY = 0.25


def scipy_loss(t, z):
    """The same loss through scipy's whole-array log_softmax."""
    return -scipy.special.log_softmax(z, axis=1)[np.arange(z.shape[0]), t].mean()


def make_methods(t, z):
    methods = {
        "celearn": lambda: cl.softmax_cross_entropy(t, z),
        "scipy": lambda: scipy_loss(t, z),
    }
    try:
        import torch
    except ImportError:
        return methods, None
    zt, tt = torch.from_numpy(z), torch.from_numpy(t)  # zero-copy views
    methods["torch"] = lambda: torch.nn.functional.cross_entropy(zt, tt).numpy()[()]
    return methods, torch


def peak_extra_bytes(fn):
    """Peak bytes allocated (as seen by tracemalloc) while ``fn`` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def verdict(ok):
    return "met" if ok else "NOT met"


def run(rows, cols, repeats, dtype, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((rows, cols), dtype=dtype) * dtype(3)
    t = rng.integers(0, cols, rows)
    methods, torch = make_methods(t, z)

    # warm up, and check that all methods agree and keep the dtype
    values = {name: fn() for name, fn in methods.items()}
    ours = values["celearn"]
    print(f"\n== {np.dtype(dtype).name}: z {rows:,} x {cols:,} ({z.nbytes / 2**20:,.0f} MiB), "
          f"integer labels, reduction='mean' ==")
    print("   loss: " + ", ".join(f"{name} {float(v):.7f}" for name, v in values.items())
          + f"  (celearn returns {type(ours).__name__})")

    times = {name: [] for name in methods}
    for _ in range(repeats):  # interleaved
        for name, fn in methods.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    median = {name: statistics.median(ts) for name, ts in times.items()}
    memory = {name: peak_extra_bytes(fn) for name, fn in methods.items() if name != "torch"}

    print(f"   {'method':<8} {'median time':>12} {'min time':>10} {'peak extra memory':>24}")
    for name in methods:
        mem = (f"{memory[name] / 2**20:9.1f} MiB = {memory[name] / z.nbytes:5.3f}x input"
               if name in memory else "   (not visible to tracemalloc)")
        print(f"   {name:<8} {median[name]:10.3f} s {min(times[name]):8.3f} s {mem}")

    vs_scipy = median["celearn"] / median["scipy"]
    mem_ratio = memory["celearn"] / z.nbytes
    dtype_ok = isinstance(ours, dtype)
    print(f"   celearn / scipy time : {vs_scipy:5.2f}x  (target <= {TARGET_VS_SCIPY}x: {verdict(vs_scipy <= TARGET_VS_SCIPY)})")
    if "torch" in median:
        vs_torch = median["celearn"] / median["torch"]
        best = min(times["celearn"]) / min(times["torch"])
        print(f"   celearn / torch time : {vs_torch:5.2f}x  (target <= {TARGET_VS_TORCH}x: "
              f"{verdict(vs_torch <= TARGET_VS_TORCH)}; torch {torch.__version__}, "
              f"{torch.get_num_threads()} threads; ratio of the min times {best:.2f}x)")
    else:
        print("   celearn / torch time : torch not installed — skipped")
    print(f"   celearn peak memory  : {mem_ratio:5.3f}x input (target <= {TARGET_MEMORY}x: "
          f"{verdict(mem_ratio <= TARGET_MEMORY)})")
    print(f"   float dtype kept     : {np.dtype(type(ours)).name} ({verdict(dtype_ok)})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="N, samples (default 100,000)")
    parser.add_argument("--cols", type=int, default=1_000, help="K, classes (default 1,000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per method (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, celearn {cl.__version__}; "
          f"{args.repeats} interleaved repeats, medians")
    for dtype in (np.float64, np.float32):
        run(args.rows, args.cols, args.repeats, dtype, args.seed)


if __name__ == "__main__":
    main()
