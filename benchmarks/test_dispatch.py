"""pytest-benchmark suite of plugboard's per-call overhead on small CPU tensors.

Run with ``.venv/bin/python -m pytest benchmarks/ --benchmark-only``; compare
runs with ``--benchmark-compare``. Ratios against NumPy and PyTorch come from
``dispatch_overhead.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import plugboard as pb

X = pb.tensor(np.arange(8, dtype=np.float32))
Y = pb.tensor(np.arange(8, dtype=np.float32))
M = pb.tensor(np.ones((64, 64), dtype=np.float32))


def test_add_tensors(benchmark: Any) -> None:
    benchmark(lambda: X + Y)


def test_add_python_scalar(benchmark: Any) -> None:
    benchmark(lambda: X + 1.5)


def test_in_place_add(benchmark: Any) -> None:
    z = pb.zeros(8)
    benchmark(lambda: z.add_(X))


def test_sum(benchmark: Any) -> None:
    benchmark(X.sum)


def test_transpose_view(benchmark: Any) -> None:
    benchmark(lambda: M.T)


def test_basic_indexing(benchmark: Any) -> None:
    benchmark(lambda: M[1:, ::2])


def test_matmul_64(benchmark: Any) -> None:
    benchmark(lambda: M @ M)
