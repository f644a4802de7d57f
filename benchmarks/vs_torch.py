"""plugboard beside PyTorch eager and NumPy: every case of the speed targets, in one run.

Each case runs through plugboard (cpu), PyTorch eager and, where it is the
same computation, NumPy, on the same inputs and weights. The contenders
alternate, round after round, and each figure is the median of the rounds
(each round times a batch of calls), so machine noise hits every contender
alike; the machine is shared and noisy, so compare the ratios, not the times.

The script measures at one thread, then at the default thread count (a
fresh interpreter for each, since BLAS reads its thread count when it loads),
and prints per case: plugboard's time, PyTorch's, NumPy's, the ratio
plugboard / PyTorch (for throughput cases the throughput ratio, PyTorch's
time over plugboard's), the target and whether it is met. Start-up and the
OpenCL launch overhead have absolute targets.

    .venv/bin/python benchmarks/vs_torch.py [--rounds 15] [--threads 1] [--quick | --throughput]

PyTorch comes from the ``benchmark`` dependency group (tools/bootstrap.sh
installs it); without it the PyTorch columns say so and the rest still runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from _timing import Fn, measure


@dataclass
class Case:
    """One row: the contenders' calls, and the target on plugboard / PyTorch."""

    name: str
    plugboard: Fn
    torch: Fn | None
    numpy: Fn | None
    target: float  # latency: at most this time ratio; throughput: at least this
    throughput: bool = False


def _limit_threads(threads: int) -> None:
    # BLAS and OpenMP read these when they load: before NumPy and torch are imported.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


# The cases -------------------------------------------------------------------------


def _small_cases(pb: Any, np: Any, torch: Any) -> list[Case]:
    rng = np.random.default_rng(0)
    v8 = rng.standard_normal(8).astype(np.float32)
    m8 = rng.standard_normal((8, 8)).astype(np.float32)
    v64 = rng.standard_normal(64).astype(np.float32)
    x, y, m, v = pb.tensor(v8), pb.tensor(v8.copy()), pb.tensor(m8), pb.tensor(v64)
    w, b = pb.ones(64), pb.zeros(64)
    a, c = v8.copy(), v8.copy()
    idx_np = np.array([0, 2, 5])
    idx = pb.tensor(idx_np)
    cases = []

    def t(value: Any) -> Any:
        return None if torch is None else torch.from_numpy(np.array(value))

    tx, ty, tm, tv = t(v8), t(v8), t(m8), t(v64)
    tw, tb, tidx = t(np.ones(64, np.float32)), t(np.zeros(64, np.float32)), t(idx_np)
    z, tz, nz = pb.zeros(8, 8), t(np.zeros((8, 8), np.float32)), np.zeros((8, 8), np.float32)

    def row(name: str, ours: Fn, theirs: Callable[[], Fn] | None, numpy: Fn | None,
            target: float) -> None:
        cases.append(Case(name, ours, theirs() if torch is not None and theirs else None,
                          numpy, target))

    row("x + y (8 float32)", lambda: x + y, lambda: lambda: tx + ty, lambda: a + c, 1.2)
    row("x * 2.0", lambda: x * 2.0, lambda: lambda: tx * 2.0, lambda: a * 2.0, 1.5)
    row("x.sum()", x.sum, lambda: tx.sum, a.sum, 1.5)
    row("8x8 matmul", lambda: m @ m, lambda: lambda: tm @ tm, lambda: m8 @ m8, 1.5)
    row("softmax (64)", lambda: pb.softmax(v, 0), lambda: lambda: torch.softmax(tv, 0),
        None, 1.5)
    row("layer_norm (64)", lambda: pb.layer_norm(v, (64,), w, b),
        lambda: lambda: torch.nn.functional.layer_norm(tv, (64,), tw, tb), None, 1.5)
    row("relu", lambda: pb.relu(x), lambda: lambda: torch.relu(tx),
        lambda: np.maximum(a, 0), 2.0)
    row("var", x.var, lambda: tx.var, lambda: a.var(ddof=1), 2.0)
    row("x[1]", lambda: m[1], lambda: lambda: tm[1], lambda: m8[1], 2.0)
    row("x[:, 1]", lambda: m[:, 1], lambda: lambda: tm[:, 1], lambda: m8[:, 1], 2.0)

    def set_ours() -> None:
        z[0] = 1.0

    def set_theirs() -> None:
        tz[0] = 1.0

    def set_numpy() -> None:
        nz[0] = 1.0

    row("x[0] = 1.0", set_ours, lambda: set_theirs, set_numpy, 2.0)
    row("x[idx]", lambda: m[idx], lambda: lambda: tm[tidx], lambda: m8[idx_np], 2.0)
    return cases


def _mlp(pb: Any, np: Any, torch: Any, batch: int, target: float) -> Case:
    from plugboard import nn

    sizes = (784, 512, 512, 10)
    model = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(),
                          nn.Linear(sizes[1], sizes[2]), nn.ReLU(),
                          nn.Linear(sizes[2], sizes[3]))
    data = np.random.default_rng(1).standard_normal((batch, sizes[0])).astype(np.float32)
    x = pb.tensor(data)
    ours: Fn = _no_grad(pb, lambda: model(x))
    theirs: Fn | None = None
    if torch is not None:
        tnn = torch.nn
        twin = tnn.Sequential(tnn.Linear(sizes[0], sizes[1]), tnn.ReLU(),
                              tnn.Linear(sizes[1], sizes[2]), tnn.ReLU(),
                              tnn.Linear(sizes[2], sizes[3]))
        _copy_weights(model, twin, torch)
        tx = torch.from_numpy(data)
        theirs = _torch_no_grad(torch, lambda: twin(tx))
    return Case(f"MLP 784-512-512-10 forward, batch {batch}", ours, theirs, None, target)


def _transformer(pb: Any, np: Any, torch: Any) -> Case:
    from plugboard import nn

    seq, dim, heads = 128, 256, 4

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm1 = nn.LayerNorm(dim)
            self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
            self.norm2 = nn.LayerNorm(dim)
            self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

        def forward(self, x: Any) -> Any:
            h = self.norm1(x)
            x = x + self.attn(h, h, h, need_weights=False)[0]
            return x + self.mlp(self.norm2(x))

    block = Block()
    data = np.random.default_rng(2).standard_normal((1, seq, dim)).astype(np.float32)
    x = pb.tensor(data)
    ours: Fn = _no_grad(pb, lambda: block(x))
    theirs: Fn | None = None
    if torch is not None:
        tnn = torch.nn

        class TorchBlock(tnn.Module):  # type: ignore[misc]
            def __init__(self) -> None:
                super().__init__()
                self.norm1 = tnn.LayerNorm(dim)
                self.attn = tnn.MultiheadAttention(dim, heads, batch_first=True)
                self.norm2 = tnn.LayerNorm(dim)
                self.mlp = tnn.Sequential(tnn.Linear(dim, 4 * dim), tnn.GELU(),
                                          tnn.Linear(4 * dim, dim))

            def forward(self, x: Any) -> Any:
                h = self.norm1(x)
                x = x + self.attn(h, h, h, need_weights=False)[0]
                return x + self.mlp(self.norm2(x))

        twin = TorchBlock()
        _copy_weights(block, twin, torch)
        tx = torch.from_numpy(data)
        theirs = _torch_no_grad(torch, lambda: twin(tx))
    return Case(f"transformer block forward (seq {seq}, dim {dim}, {heads} heads, exact gelu)",
                ours, theirs, None, 1.2)


def _throughput_cases(pb: Any, np: Any, torch: Any) -> list[Case]:
    rng = np.random.default_rng(3)
    big = rng.standard_normal((4096, 1024)).astype(np.float32)
    images = rng.standard_normal((8, 64, 56, 56)).astype(np.float32)
    kernels = (rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(np.float32)
    x, w, b = pb.tensor(big), pb.ones(1024), pb.zeros(1024)
    im, k = pb.tensor(images), pb.tensor(kernels)
    ours: list[tuple[str, Fn]] = [
        ("exact gelu (4096x1024)", lambda: pb.gelu(x)),
        ("layer_norm (4096x1024)", lambda: pb.layer_norm(x, (1024,), w, b)),
        ("softmax (4096x1024)", lambda: pb.softmax(x, 1)),
        ("conv2d (8x64x56x56, 3x3x64)", lambda: pb.conv2d(im, k, padding=1)),
    ]
    theirs: list[Fn | None] = [None] * len(ours)
    if torch is not None:
        f = torch.nn.functional
        tx, ti, tk = torch.from_numpy(big), torch.from_numpy(images), torch.from_numpy(kernels)
        tw, tb = torch.ones(1024), torch.zeros(1024)
        theirs = [lambda: f.gelu(tx), lambda: f.layer_norm(tx, (1024,), tw, tb),
                  lambda: f.softmax(tx, 1), lambda: f.conv2d(ti, tk, padding=1)]
    return [Case(name, fn, twin, None, 0.8, throughput=True)
            for (name, fn), twin in zip(ours, theirs, strict=True)]


def _no_grad(pb: Any, fn: Fn) -> Fn:
    def call() -> object:
        with pb.no_grad():
            return fn()
    return call


def _torch_no_grad(torch: Any, fn: Fn) -> Fn:
    def call() -> object:
        with torch.no_grad():
            return fn()
    return call


def _copy_weights(source: Any, target: Any, torch: Any) -> None:
    """The same weights in the torch twin: plugboard's state dict, key for key."""
    state = {k: torch.from_numpy(v.numpy().copy()) for k, v in source.state_dict().items()}
    target.load_state_dict(state)


# Start-up and OpenCL --------------------------------------------------------------------


# As an installed package runs: with bytecode caches, written by a first, untimed run
# (PYTHONDONTWRITEBYTECODE would compile every module of an editable install each time).
_INSTALLED_ENV: Final = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def import_seconds(module: str, rounds: int) -> float:
    """The median time ``import module`` takes in a fresh interpreter."""
    code = (f"import time; start = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - start)")
    command = [sys.executable, "-c", code]
    subprocess.run(command, check=True, capture_output=True, env=_INSTALLED_ENV)
    return statistics.median(
        float(subprocess.run(command, check=True, capture_output=True, text=True,
                             env=_INSTALLED_ENV).stdout) for _ in range(rounds))


def command_seconds(args: list[str], rounds: int) -> float:
    """The median wall time of a command, interpreter start included."""
    subprocess.run(args, check=True, capture_output=True, env=_INSTALLED_ENV)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=_INSTALLED_ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def opencl_launch(pb: Any, np: Any, rounds: int) -> tuple[float, float] | None:
    """Seconds per ``x + y`` on 8 float32 elements on opencl:0, and per launch of a
    hand-written kernel doing the same through pyopencl on the same queue."""
    if not pb.devices("opencl"):
        return None
    import pyopencl as cl

    x = pb.ones(8, device="opencl")
    y = pb.ones(8, device="opencl")
    queue = cl.CommandQueue(pb.backend.device_buffer(x).handle.buffer.context)
    program = cl.Program(queue.context, """
        __kernel void add(__global float *out, __global const float *a,
                          __global const float *b, long n) {
            long i = get_global_id(0);
            if (i < n) out[i] = a[i] + b[i];
        }""").build()
    kernel = program.add
    kernel.set_scalar_arg_dtypes([None, None, None, np.int64])
    buffers = [cl.Buffer(queue.context, cl.mem_flags.READ_WRITE, 32) for _ in range(3)]

    def raw() -> None:
        kernel(queue, (256,), (256,), *buffers, 8)

    times = measure({"plugboard": lambda: x + y, "raw": raw}, rounds, 0.02)
    pb.synchronize("opencl")
    queue.finish()
    return times["plugboard"], times["raw"]


# The report -----------------------------------------------------------------------------


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def run(threads: int, rounds: int, quick: bool, throughput: bool = False) -> None:
    _limit_threads(threads)
    import numpy as np

    import plugboard as pb

    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (tools/bootstrap.sh installs the benchmark group): "
              "its columns are empty")
    if torch is not None:
        torch.set_num_threads(threads)
    label = f"{threads} thread(s) of {os.cpu_count()} cores"
    print(f"\n== {label}; medians of {rounds} alternated rounds")
    print(f"{'case':<62} {'plugboard':>10} {'pytorch':>10} {'numpy':>10} "
          f"{'pb/torch':>9} {'target':>8}  met")
    cases = [] if throughput else [*_small_cases(pb, np, torch), _mlp(pb, np, torch, 1, 1.3)]
    if throughput:
        cases = _throughput_cases(pb, np, torch)
    elif not quick:
        cases += [_mlp(pb, np, torch, 256, 1.0), _transformer(pb, np, torch),
                  *_throughput_cases(pb, np, torch)]
    for case in cases:
        contenders = {"plugboard": case.plugboard}
        if case.torch is not None:
            contenders["torch"] = case.torch
        if case.numpy is not None:
            contenders["numpy"] = case.numpy
        budget = 0.02 if not case.throughput else 0.2
        times = measure(contenders, rounds if not case.throughput else max(3, rounds // 3),
                        budget)
        ours, theirs = times["plugboard"], times.get("torch")
        if theirs is None:
            ratio, target, met = "-", "-", "-"
        elif case.throughput:
            value = theirs / ours
            ratio, target = f"{value:.2f}", f">= {case.target}"
            met = "yes" if value >= case.target else "no"
        else:
            value = ours / theirs
            ratio, target = f"{value:.2f}x", f"<= {case.target}x"
            met = "yes" if value <= case.target else "no"
        print(f"{case.name:<62} {_fmt(ours):>10} {_fmt(theirs):>10} "
              f"{_fmt(times.get('numpy')):>10} {ratio:>9} {target:>8}  {met}")
    if threads != 1 or throughput:
        return
    # Start-up and launch overhead do not depend on the thread count: measured once.
    startup_rounds = 3 if quick else 7
    imported = import_seconds("plugboard", startup_rounds)
    numpy_imported = import_seconds("numpy", startup_rounds)  # which plugboard imports
    listed = command_seconds([sys.executable, "-m", "plugboard", "devices"], startup_rounds)
    for name, seconds, target in (("import plugboard", imported, 0.15),
                                  ("plugboard devices (the whole command)", listed, 0.6)):
        met = "yes" if seconds <= target else "no"
        print(f"{name:<62} {seconds:>8.3f} s {'':>10} {'':>10} {'':>9} "
              f"{'<= ' + str(target) + ' s':>8}  {met}")
    print(f"{'  (import numpy alone, for scale)':<62} {numpy_imported:>8.3f} s")
    launch = opencl_launch(pb, np, rounds)
    if launch is None:
        print("OpenCL launch overhead: no OpenCL device")
        return
    ours, raw = launch
    overhead = ours - raw
    print(f"{'OpenCL launch overhead (x + y on 8 floats) over raw pyopencl':<62} "
          f"{_fmt(ours):>10} {'raw ' + _fmt(raw):>10} {'':>10} "
          f"{_fmt(overhead):>9} {'<= 12 us':>8}  {'yes' if overhead <= 12e-6 else 'no'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=None,
                        help="measure at this thread count only (default: 1, then all)")
    parser.add_argument("--quick", action="store_true",
                        help="the small cases only, fewer rounds (a smoke run)")
    parser.add_argument("--throughput", action="store_true",
                        help="the large throughput cases only (gelu, layer_norm, softmax, conv2d)")
    args = parser.parse_args()
    if args.threads is not None:
        run(args.threads, args.rounds, args.quick, args.throughput)
        return
    # One fresh interpreter per thread count: BLAS fixes its threads when it loads.
    for threads in (1, os.cpu_count() or 1):
        command = [sys.executable, __file__, "--threads", str(threads),
                   "--rounds", str(args.rounds), *(["--quick"] if args.quick else []),
                   *(["--throughput"] if args.throughput else [])]
        subprocess.run(command, check=True)
    print("\nratios: plugboard / PyTorch time (throughput rows: PyTorch time / plugboard's); "
          "start-up rows: seconds")


if __name__ == "__main__":
    main()
