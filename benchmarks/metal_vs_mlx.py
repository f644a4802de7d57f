"""plugboard-metal beside raw MLX: the same large operations on the same device, one run.

Each case runs through plugboard (``metal:0``) and through MLX directly, on the
same device (the Apple GPU; on a machine without Metal, MLX's CPU device under
host emulation, ``PLUGBOARD_METAL_EMULATION=1``, which the script sets there).
Every timed call includes the evaluation: ``pb.synchronize`` after plugboard's
operation, ``mx.eval`` after MLX's, since both are lazy. The contenders
alternate, round after round, and each figure is the median of the rounds (each
round times a batch of calls), so machine noise hits both alike. The target:
plugboard at most 1.3x raw MLX on these large operations.

    .venv/bin/python benchmarks/metal_vs_mlx.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

if sys.platform != "darwin":  # no Metal: MLX's CPU device, labelled as such below
    os.environ.setdefault("PLUGBOARD_METAL_EMULATION", "1")

import mlx.core as mx
import numpy as np
from _timing import Fn, measure

import plugboard as pb

TARGET = 1.3


def cases(device: pb.Device) -> dict[str, tuple[Fn, Fn]]:
    """Each case: (plugboard's call, raw MLX's call), on the same values."""
    rng = np.random.default_rng(0)

    def both(*shape: int) -> tuple[pb.Tensor, mx.array]:
        host = rng.standard_normal(shape).astype(np.float32)
        return pb.tensor(host, device=device), mx.array(host)

    a, ma = both(1 << 24)
    b, mb = both(1 << 24)
    m, mm = both(1024, 1024)
    s, ms = both(4096, 1024)

    def run(op: Callable[[], pb.Tensor]) -> Fn:
        def call() -> object:
            result = op()
            pb.synchronize(device)
            return result
        return call

    def raw(op: Callable[[], mx.array]) -> Fn:
        def call() -> object:
            result = op()
            mx.eval(result)
            return result
        return call

    return {
        "add, 16M float32": (run(lambda: a + b), raw(lambda: ma + mb)),
        "sum, 16M float32": (run(a.sum), raw(lambda: mx.sum(ma))),
        "matmul, 1024x1024 float32": (run(lambda: m @ m), raw(lambda: mm @ mm)),
        "softmax, 4096x1024 float32 (dim=-1)": (
            run(lambda: pb.softmax(s, dim=-1)), raw(lambda: mx.softmax(ms, axis=-1))),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--budget", type=float, default=0.2, help="seconds per timed batch")
    args = parser.parse_args()
    devices = pb.devices("metal")
    if not devices:
        status = next(b for b in pb.backends() if b.device_type == "metal")
        print(f"metal is unavailable: {status.reason}")
        return 1
    device = devices[0]
    props = pb.device_properties(device)
    emulated = bool(props.extra.get("emulation"))
    mx.set_default_device(mx.cpu if emulated else mx.gpu)  # raw MLX on the same device
    print(f"device: {device}, {props.name} ({props.driver}); MLX {mx.__version__}")
    print(f"{'case':38} {'plugboard':>12} {'raw MLX':>12} {'ratio':>7}  target <= {TARGET}x")
    worst = 0.0
    for name, (ours, theirs) in cases(device).items():
        times = measure({"plugboard": ours, "mlx": theirs}, args.rounds, args.budget, most=1000)
        ratio = times["plugboard"] / times["mlx"]
        worst = max(worst, ratio)
        verdict = "met" if ratio <= TARGET else "MISSED"
        print(f"{name:38} {times['plugboard'] * 1e3:10.2f}ms {times['mlx'] * 1e3:10.2f}ms "
              f"{ratio:6.2f}x  {verdict}")
    print(f"worst ratio {worst:.2f}x (target {TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
