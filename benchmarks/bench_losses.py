"""Time and peak extra memory of celearn.softmax_cross_entropy on a large batch, both dtypes.

Compares, on N x K logits with integer labels and reduction="mean", in float64 and float32:

* celearn   -- ``cl.softmax_cross_entropy(t, z)`` (row chunks, no full-size temporaries)
* scipy     -- ``-scipy.special.log_softmax(z, axis=1)[arange(N), t].mean()`` (scipy's
  logsumexp-based log_softmax on the whole array)
* torch     -- ``torch.nn.functional.cross_entropy`` on the same array (a zero-copy CPU
  tensor), only if torch is installed; run with 1 thread, the thread count celearn uses
  (its loop is numpy ufuncs and small BLAS matrix-vector products, single-threaded), and
  also with torch's default thread count when that is larger, for information.

Repeats are interleaved (celearn, scipy, torch, celearn, ...), so every ratio compares
times measured in the same run under the same load; the medians are reported, both of the
wall time and of the process CPU time (all threads). The machine's load average is printed
before and after: on a shared machine wall times stretch, ratios much less. Peak extra
memory is measured with tracemalloc, which sees numpy's allocations (but not torch's own
allocator), as a ratio to the input's nbytes. This script prints figures; it asserts
nothing about time.

    python benchmarks/bench_losses.py                      # 100,000 x 1,000, as in issue 2
    python benchmarks/bench_losses.py --rows 20000 --cols 500 --repeats 3   # quick
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc

import numpy as np
import scipy
import scipy.special

import celearn as cl

TARGET_VS_TORCH = 1.0   # float32, against torch with the same thread count (issue 23)
TARGET_VS_SCIPY = 0.5
TARGET_MEMORY = 0.25


def scipy_loss(t, z):
    """The same loss through scipy's whole-array log_softmax (logsumexp-based)."""
    return -scipy.special.log_softmax(z, axis=1)[np.arange(z.shape[0]), t].mean()


def make_methods(t, z, torch_threads):
    """name -> (function, torch thread count or None); ``torch_threads``: torch's default."""
    methods = {
        "celearn": (lambda: cl.softmax_cross_entropy(t, z), None),
        "scipy": (lambda: scipy_loss(t, z), None),
    }
    try:
        import torch
    except ImportError:
        return methods, None
    zt, tt = torch.from_numpy(z), torch.from_numpy(t)  # zero-copy views

    def torch_loss():
        return torch.nn.functional.cross_entropy(zt, tt).numpy()[()]

    methods["torch-1"] = (torch_loss, 1)
    if torch_threads > 1:
        methods[f"torch-{torch_threads}"] = (torch_loss, torch_threads)
    return methods, torch


def call(fn, threads, torch):
    if threads is not None:
        torch.set_num_threads(threads)  # outside the timed region
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start_wall, time.process_time() - start_cpu


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


def load():
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def run(rows, cols, repeats, dtype, seed, torch_threads):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((rows, cols), dtype=dtype) * dtype(3)
    t = rng.integers(0, cols, rows)
    methods, torch = make_methods(t, z, torch_threads)

    # warm up, and check that all methods agree and keep the dtype
    values = {name: call(fn, th, torch)[0] for name, (fn, th) in methods.items()}
    ours = values["celearn"]
    print(f"\n== {np.dtype(dtype).name}: z {rows:,} x {cols:,} ({z.nbytes / 2**20:,.0f} MiB), "
          f"integer labels, reduction='mean'; {load()} ==")
    print("   loss: " + ", ".join(f"{name} {float(v):.7f}" for name, v in values.items())
          + f"  (celearn returns {type(ours).__name__})")

    wall = {name: [] for name in methods}
    cpu = {name: [] for name in methods}
    for _ in range(repeats):  # interleaved
        for name, (fn, th) in methods.items():
            _, w, c = call(fn, th, torch)
            wall[name].append(w)
            cpu[name].append(c)
    med = {name: statistics.median(ts) for name, ts in wall.items()}
    med_cpu = {name: statistics.median(ts) for name, ts in cpu.items()}
    memory = {name: peak_extra_bytes(fn) for name, (fn, th) in methods.items() if th is None}

    print(f"   {'method':<9} {'median wall':>12} {'min wall':>9} {'median CPU':>11} "
          f"{'peak extra memory':>24}")
    for name in methods:
        mem = (f"{memory[name] / 2**20:9.1f} MiB = {memory[name] / z.nbytes:5.3f}x input"
               if name in memory else "   (not visible to tracemalloc)")
        print(f"   {name:<9} {med[name]:10.3f} s {min(wall[name]):7.3f} s {med_cpu[name]:9.3f} s {mem}")

    def ratios(other):
        return med["celearn"] / med[other], med_cpu["celearn"] / med_cpu[other]

    w, c = ratios("scipy")
    print(f"   celearn / scipy        : {w:5.2f}x wall, {c:5.2f}x CPU  "
          f"(target <= {TARGET_VS_SCIPY}x: {verdict(w <= TARGET_VS_SCIPY)})")
    result = {"dtype": np.dtype(dtype).name, "vs_scipy": w}
    if torch is None:
        print("   celearn / torch        : torch not installed — skipped")
    else:
        for name in methods:
            if not name.startswith("torch"):
                continue
            w, c = ratios(name)
            threads = methods[name][1]
            note = (f"target <= {TARGET_VS_TORCH}x, same thread count: {verdict(w <= TARGET_VS_TORCH)}"
                    if threads == 1 else "for information: torch on more threads than celearn")
            print(f"   {f'celearn / torch {threads} thr':<23}: {w:5.2f}x wall, {c:5.2f}x CPU  ({note})")
            result[f"vs_torch_{threads}"] = w
        print(f"   (torch {torch.__version__})")
    mem_ratio = memory["celearn"] / z.nbytes
    print(f"   celearn peak memory    : {mem_ratio:5.3f}x input (target <= {TARGET_MEMORY}x: "
          f"{verdict(mem_ratio <= TARGET_MEMORY)})")
    print(f"   float dtype kept       : {np.dtype(type(ours)).name} ({verdict(isinstance(ours, dtype))})")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="N, samples (default 100,000)")
    parser.add_argument("--cols", type=int, default=1_000, help="K, classes (default 1,000)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per method (default 7)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        import torch
        torch_threads = torch.get_num_threads()
    except ImportError:
        torch, torch_threads = None, 1
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, celearn {cl.__version__}; "
          f"{os.cpu_count()} CPUs; {args.repeats} interleaved repeats, medians; {load()}")
    results = [run(args.rows, args.cols, args.repeats, dtype, args.seed, torch_threads)
               for dtype in (np.float64, np.float32)]
    if torch is not None:
        torch.set_num_threads(torch_threads)
    print(f"\nSummary (celearn time / other, median wall; {load()}):")
    for r in results:
        print("   " + r["dtype"] + ": " + ", ".join(
            f"{k.replace('vs_', '/ ').replace('_', ' ')}" + (" thr" if k.startswith("vs_torch") else "")
            + f" {v:.2f}x" for k, v in r.items() if k.startswith("vs_")))


if __name__ == "__main__":
    main()
