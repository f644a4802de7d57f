"""The CPU backend's C++ kernels against the NumPy kernels they replace.

Each row calls one operator's kernel from ``plugboard_cpu.KERNELS`` (the native
kernel, which runs in C++ for these contiguous inputs) and from
``plugboard_cpu._plugin.REFERENCE_KERNELS`` (NumPy) on the same tensors, the
two alternated, and prints the median time of each and the speed-up. Inputs
are 4096 x 1024 (conv2d: 8 x 64 x 56 x 56 with a 3 x 3 x 64 kernel), in
float32 and bfloat16. A benchmark, not a test:

    .venv/bin/python benchmarks/native_vs_numpy.py [--rounds 7] [--threads N]

``--threads`` caps the native kernels' threads (PLUGBOARD_NUM_THREADS) and
BLAS's; by default both use every core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

# Native for float16 and bfloat16 only: NumPy's float32 loops are vectorised already.
HALVES_ONLY = frozenset({"exp", "tanh", "add", "mul"})


def _median(fn: Callable[[], Any], rounds: int) -> float:
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads is not None:
        # Read when the native module and BLAS load: before plugboard_cpu and NumPy.
        for name in ("PLUGBOARD_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    import numpy as np

    import plugboard as pb
    from plugboard_cpu import _native
    from plugboard_cpu._plugin import KERNELS, REFERENCE_KERNELS

    rng = np.random.default_rng(0)
    print(f"native threads: {_native.MAX_THREADS}; medians of {args.rounds} rounds")
    print(f"{'kernel':<34} {'dtype':>9} {'native':>10} {'numpy':>10} {'speed-up':>9}")
    for dtype in (pb.float32, pb.bfloat16):
        x = pb.tensor(rng.standard_normal((4096, 1024))).to(dtype)
        w, b = pb.ones(1024, dtype=dtype), pb.zeros(1024, dtype=dtype)
        image = pb.tensor(rng.standard_normal((8, 64, 56, 56))).to(dtype)
        kernel = pb.tensor(rng.standard_normal((64, 64, 3, 3)) * 0.05).to(dtype)
        out = pb.empty(x.shape, dtype=dtype)
        rows = pb.empty((4096,), dtype=dtype)
        conv_out = pb.empty((8, 64, 56, 56), dtype=dtype)
        cases: list[tuple[str, tuple[Any, ...], pb.Tensor]] = [
            ("gelu", (x, "none"), out), ("gelu", (x, "tanh"), out), ("erf", (x,), out),
            ("sigmoid", (x,), out), ("silu", (x,), out), ("exp", (x,), out),
            ("tanh", (x,), out), ("softmax", (x, 1, None), out),
            ("log_softmax", (x, 1, None), out),
            ("layer_norm", (x, [1024], w, b, 1e-5), out),
            ("rms_norm", (x, [1024], w, None), out), ("sum", (x, [1], False, None), rows),
            ("add", (x, x, 1), out), ("mul", (x, x), out),
            ("conv2d", (image, kernel, None, (1, 1), (1, 1), (1, 1), 1), conv_out),
        ]
        for op, call_args, target in cases:
            native, numpy = KERNELS[op].fn, REFERENCE_KERNELS[op].fn
            if dtype == pb.float32 and op in HALVES_ONLY:
                continue  # NumPy's float32 loop in both
            ours = _median(lambda n=native, a=call_args, t=target: n(*a, out=t), args.rounds)
            theirs = _median(lambda n=numpy, a=call_args, t=target: n(*a, out=t), args.rounds)
            name = op if op != "gelu" else f"gelu ({call_args[1]})"
            print(f"{name:<34} {dtype.name:>9} {ours * 1e3:>8.2f}ms {theirs * 1e3:>8.2f}ms "
                  f"{theirs / ours:>8.1f}x")


if __name__ == "__main__":
    main()
