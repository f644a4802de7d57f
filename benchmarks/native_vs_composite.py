"""The CPU backend's native kernels for hot composites against their decompositions.

docs/opset.md's composites run on every backend through one decomposition into
primitives; a backend overrides the hot ones natively. This script measures,
in one run, each of the CPU backend's native composites (softmax,
log_softmax, layer_norm, conv2d, scaled_dot_product_attention,
cross_entropy) three ways:

- ``native``: the CPU backend's kernel;
- ``decomposed``: the same operator on a backend with only the CPU backend's
  primitive kernels (what a vendor gets before writing any composite), made
  with ``plugboard.testing``;
- ``pytorch``: ``torch.nn.functional`` on one thread, when PyTorch is installed.

It prints the median time of each and the ratios. A benchmark, not a test:
run it with ``.venv/bin/python benchmarks/native_vs_composite.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.testing import host_backend_source, installed_plugins

PRIMITIVES_ONLY = '''
from plugboard_conformance._opset_v1 import OPSET
from plugboard_cpu._plugin import register_kernels

@backend.hookimpl
def plugboard_register_kernels(library):
    register_kernels(library, only={e.name.split("::")[1] for e in OPSET if e.kind == "P"})
'''

REPEATS = 9


def median_seconds(fn: Callable[[], Any]) -> float:
    fn()  # warm-up: dispatch caches, programs, allocations
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def workloads(rng: np.random.Generator) -> dict[str, tuple[str, list[Any], dict[str, Any]]]:
    """name -> (operator, arguments as NumPy arrays or plain values, keyword arguments)."""

    def r(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    return {
        # Small: the per-operator cost of a decomposition's several calls dominates.
        "softmax (8, 64), dim=-1": ("softmax", [r(8, 64), -1], {}),
        "layer_norm (8, 64)": ("layer_norm", [r(8, 64), [64], r(64), r(64)], {}),
        "cross_entropy (8, 10)": ("cross_entropy", [r(8, 10), rng.integers(0, 10, 8)], {}),
        # Large: the arithmetic and the memory traffic dominate.
        "softmax (512, 1024), dim=-1": ("softmax", [r(512, 1024), -1], {}),
        "log_softmax (512, 1024), dim=-1": ("log_softmax", [r(512, 1024), -1], {}),
        "layer_norm (512, 1024)": ("layer_norm", [r(512, 1024), [1024], r(1024), r(1024)], {}),
        "conv2d (8, 16, 32, 32) * (32, 16, 3, 3)": (
            "conv2d", [r(8, 16, 32, 32), r(32, 16, 3, 3), r(32)], {"padding": 1}),
        "attention (4, 8, 128, 64)": (
            "scaled_dot_product_attention", [r(4, 8, 128, 64), r(4, 8, 128, 64),
                                             r(4, 8, 128, 64)], {}),
        "cross_entropy (1024, 1000)": (
            "cross_entropy", [r(1024, 1000), rng.integers(0, 1000, 1024)], {}),
    }


def plugboard_call(op: str, args: list[Any], kwargs: dict[str, Any],
                   device: str) -> Callable[[], Any]:
    moved = [pb.tensor(a, device=device) if isinstance(a, np.ndarray) else a for a in args]
    handle = getattr(pb.ops.pb, op)
    return lambda: handle(*moved, **kwargs)


def torch_call(op: str, args: list[Any], kwargs: dict[str, Any]) -> Callable[[], Any] | None:
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    # One thread, like the NumPy kernels it is compared with; on a shared two-core machine
    # PyTorch's thread pool otherwise measures the other processes' load.
    torch.set_num_threads(1)
    fn = getattr(F, op)
    moved = [torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
    if op == "layer_norm":
        moved[1] = tuple(moved[1])
    return lambda: fn(*moved, **kwargs)


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as directory, \
            installed_plugins(Path(directory)) as plugins:
        plugins.install("prims", host_backend_source("prims", "Prims", PRIMITIVES_ONLY))
        for name, (op, args, kwargs) in workloads(rng).items():
            native = median_seconds(plugboard_call(op, args, kwargs, "cpu"))
            decomposed = median_seconds(plugboard_call(op, args, kwargs, "prims"))
            torch_fn = torch_call(op, args, kwargs)
            torch_time = median_seconds(torch_fn) if torch_fn is not None else None
            rows.append((name, native, decomposed, torch_time))

    print(f"CPU native composites against their decompositions; median of {REPEATS} calls")
    header = (f"{'workload':42} {'native':>10} {'decomposed':>11} {'pytorch':>10} "
              f"{'decomposed/native':>18} {'native/pytorch':>15}")
    print(header)
    for name, native, decomposed, torch_time in rows:
        pt = f"{torch_time * 1e3:8.2f}ms" if torch_time is not None else f"{'-':>10}"
        vs = f"{native / torch_time:14.2f}x" if torch_time is not None else f"{'-':>15}"
        print(f"{name:42} {native * 1e3:8.2f}ms {decomposed * 1e3:9.2f}ms {pt} "
              f"{decomposed / native:17.2f}x {vs}")


if __name__ == "__main__":
    main()
