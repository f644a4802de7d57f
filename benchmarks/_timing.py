"""Timing shared by the side-by-side scripts: contenders alternated, medians of batches.

A batch is as many calls as fit in about ``budget`` seconds, so fast and slow cases are
timed with the same care; alternating the contenders round by round spreads this shared
machine's noise over all of them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

Fn = Callable[[], object]


def per_call(fn: Fn, budget: float, most: int = 10_000) -> int:
    """How many calls make one timed batch of about ``budget`` seconds (at most ``most``)."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, min(most, int(budget / once)))


def measure(
    contenders: dict[str, Fn], rounds: int, budget: float, most: int = 10_000
) -> dict[str, float]:
    """The median seconds per call of each contender, the contenders alternated."""
    numbers = {name: per_call(fn, budget, most) for name, fn in contenders.items()}
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            n = numbers[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return {name: statistics.median(values) for name, values in samples.items()}
