"""Per-operator overhead: ``x + y`` on 8-element float32 CPU tensors, side by side.

Prints the median time per call of plugboard, NumPy and (when installed)
PyTorch eager, measured in this run, and plugboard's ratio to each. The
machine is shared and noisy: compare the ratios, not the absolute times.

    .venv/bin/python benchmarks/dispatch_overhead.py [--repeat 31] [--number 2000]
"""

from __future__ import annotations

import argparse
import statistics
import timeit
from collections.abc import Callable

import numpy as np

import plugboard as pb


def median_seconds(fn: Callable[[], object], repeat: int, number: int) -> float:
    fn()  # warm caches (plugin loading, the dispatch cache)
    times = timeit.repeat(fn, repeat=repeat, number=number)
    return statistics.median(times) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()

    data = np.arange(8, dtype=np.float32)
    cases: dict[str, Callable[[], object]] = {}
    x, y = pb.tensor(data), pb.tensor(data)
    cases["plugboard"] = lambda: x + y
    a, b = data.copy(), data.copy()
    cases["numpy"] = lambda: a + b
    try:
        import torch

        torch.set_num_threads(1)
        tx, ty = torch.from_numpy(data.copy()), torch.from_numpy(data.copy())
        cases["pytorch"] = lambda: tx + ty
    except ImportError:
        print("PyTorch is not installed: comparing with NumPy only")

    # Interleave the measurements so that machine noise hits every case alike.
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(3):
        for name, fn in cases.items():
            samples[name].append(median_seconds(fn, args.repeat, args.number))
    medians = {name: min(values) for name, values in samples.items()}

    ours = medians["plugboard"]
    print(f"x + y, 8 float32 elements on cpu; median of {args.repeat} x {args.number} calls")
    print(f"{'library':<10} {'time per call':>14} {'plugboard / library':>20}")
    for name, seconds in medians.items():
        ratio = "" if name == "plugboard" else f"{ours / seconds:.1f}x"
        print(f"{name:<10} {seconds * 1e6:>11.2f} us {ratio:>20}")


if __name__ == "__main__":
    main()
