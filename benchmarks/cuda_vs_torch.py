"""plugboard-cuda beside PyTorch and the raw device: large and small operations, one run.

Every case runs through plugboard (``cuda:0``) and through its contender on the same
GPU, the contenders alternated round after round, each figure the median of the
rounds (each round times a batch of calls). Every timed call of a large operation
ends with a synchronisation (``pb.synchronize``, ``torch.cuda.synchronize``, the CuPy
stream's), so the figures are device time plus launch; the small-op latency times a
batch of 100 calls and one synchronisation, as eager code runs.

The targets:
- elementwise add and mul over 256M float32: bandwidth at least 0.85x the device's own
  copy bandwidth (a device-to-device ``cudaMemcpyAsync`` of the same bytes; add and
  mul move three tensors' bytes, a copy two);
- float32 and bfloat16 matmul 8192x8192: at least 0.95x torch (TF32 off in both, as
  both default);
- softmax and layer_norm: against torch, printed;
- ``x + y`` on 8 float32: latency against torch eager, printed.

    .venv/bin/python benchmarks/cuda_vs_torch.py [--rounds 7]

Needs a machine with an NVIDIA GPU, plugboard-cuda and a CUDA build of PyTorch; on
any other machine it says why it cannot run and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from _timing import Fn, measure

import plugboard as pb

_ELEMENTS = 256 << 20  # 256M float32: 1 GiB a tensor


def _unavailable() -> str | None:
    """Why the comparison cannot run here, or None."""
    if not pb.devices("cuda"):
        status = next((b for b in pb.backends() if b.device_type == "cuda"), None)
        why = status.reason if status else "plugboard-cuda is not installed"
        return f"cuda is unavailable: {why}"
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed (pip install torch, a CUDA build)"
    if not torch.cuda.is_available():
        return f"this PyTorch ({torch.__version__}) sees no GPU: it needs a CUDA build"
    return None


def _synced(op: Callable[[], Any], sync: Callable[[], Any]) -> Fn:
    def call() -> object:
        result = op()
        sync()
        return result
    return call


def _batched(op: Callable[[], Any], sync: Callable[[], Any], n: int = 100) -> Fn:
    def call() -> object:
        for _ in range(n):
            op()
        sync()
        return None
    return call


def _elementwise_rows(device: pb.Device, sync: Callable[[], None], rounds: int,
                      budget: float) -> list[tuple[str, float, float, str, str]]:
    """add and mul over 256M float32 against a raw device-to-device copy of as many bytes
    (the tensors are freed on return, before the matmul cases need the memory)."""
    import cupy

    a = pb.randn(_ELEMENTS, device=device)
    b = pb.randn(_ELEMENTS, device=device)
    src, dst = cupy.empty(_ELEMENTS, cupy.float32), cupy.empty(_ELEMENTS, cupy.float32)
    stream = cupy.cuda.Stream(non_blocking=True)
    nbytes = _ELEMENTS * 4

    def raw_copy() -> None:
        cupy.cuda.runtime.memcpyAsync(dst.data.ptr, src.data.ptr, nbytes, 3, stream.ptr)
        stream.synchronize()

    times = measure({"add": _synced(lambda: a + b, sync), "mul": _synced(lambda: a * b, sync),
                     "copy": raw_copy}, rounds, budget)
    copy_bandwidth = 2 * nbytes / times["copy"]
    rows = []
    for name in ("add", "mul"):
        ratio = 3 * nbytes / times[name] / copy_bandwidth
        rows.append((f"{name}, 256M float32 (bandwidth vs device copy)", times[name],
                     times["copy"], f"{ratio:.2f}x of copy", "yes" if ratio >= 0.85 else "no"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--budget", type=float, default=0.3, help="seconds per timed batch")
    args = parser.parse_args()
    reason = _unavailable()
    if reason is not None:
        print(f"cuda_vs_torch: cannot run here: {reason}")
        return 1

    import torch

    device = pb.devices("cuda")[0]
    props = pb.device_properties(device)
    print(f"device: {props.name} ({props.driver}); torch {torch.__version__}")
    print(f"{args.rounds} alternated rounds, medians\n")

    def pb_sync() -> None:
        pb.synchronize(device)

    torch_sync = torch.cuda.synchronize
    rows: list[tuple[str, float, float, str, str]] = []

    rows += _elementwise_rows(device, pb_sync, args.rounds, args.budget)

    # Against torch -------------------------------------------------------------------
    def pair(*shape: int, dtype: pb.DType = pb.float32) -> tuple[pb.Tensor, Any]:
        x = pb.randn(*shape, device=device, dtype=dtype)
        return x, torch.from_dlpack(x)  # the same memory: both compute on the same values

    def against(name: str, ours: Callable[[], Any], theirs: Callable[[], Any],
                target: float | None, latency: bool = False) -> None:
        wrap = _batched if latency else _synced
        got = measure({"pb": wrap(ours, pb_sync), "torch": wrap(theirs, torch_sync)},
                      args.rounds, args.budget)
        ratio = got["torch"] / got["pb"]  # throughput ratio: above 1 is faster than torch
        met = "-" if target is None else ("yes" if ratio >= target else "no")
        rows.append((name, got["pb"], got["torch"], f"{ratio:.2f}x torch", met))

    for dtype, label in ((pb.float32, "float32"), (pb.bfloat16, "bfloat16")):
        m, tm = pair(8192, 8192, dtype=dtype)
        against(f"matmul 8192, {label}", lambda m=m: m @ m, lambda tm=tm: tm @ tm, 0.95)
    s, ts = pair(8192, 4096)
    against("softmax 8192x4096 (dim=-1)", lambda: pb.softmax(s, dim=-1),
            lambda: torch.softmax(ts, dim=-1), None)
    against("layer_norm 8192x4096", lambda: pb.nn.functional.layer_norm(s, (4096,)),
            lambda: torch.nn.functional.layer_norm(ts, (4096,)), None)
    x, tx = pair(8)
    y, ty = pair(8)
    against("x + y, 8 float32 (latency, 100 calls a sync)", lambda: x + y,
            lambda: tx + ty, None, latency=True)

    print(f"{'case':<52} {'plugboard':>11} {'contender':>11}  {'ratio':>16}  met")
    for name, ours, theirs, ratio_text, met in rows:
        print(f"{name:<52} {ours * 1e3:>9.3f}ms {theirs * 1e3:>9.3f}ms  {ratio_text:>16}  {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
