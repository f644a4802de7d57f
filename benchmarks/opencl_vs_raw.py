"""The OpenCL backend side by side with pyopencl.array and hand-written OpenCL kernels.

Run: ``.venv/bin/python benchmarks/opencl_vs_raw.py [--device opencl:0] [--repeat 20]``

In one run, on the same OpenCL device:

- add, mul and sum over 16M float32 elements through plugboard (``x + y``, a new
  output each time, from the caching allocator), through ``pyopencl.array`` and
  through a minimal hand-written kernel writing an existing buffer;
- a 1024 x 1024 float32 matmul through plugboard and through NumPy on the host.

Throughput is bytes read and written per second (elementwise, sum) or FLOP/s
(matmul); each ratio is plugboard's throughput over the other's. Targets: at
least 0.8x the hand-written kernel's throughput elementwise, at least 0.25x
NumPy's for matmul. This is a benchmark, not a test: it prints and exits 0.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pyopencl as cl
import pyopencl.array as cla

import plugboard as pb

N = 16 * 1024 * 1024
MATMUL = 1024

RAW_SOURCE = """
__kernel void add(__global const float* a, __global const float* b, __global float* c) {
    const size_t i = get_global_id(0);
    c[i] = a[i] + b[i];
}
__kernel void mul(__global const float* a, __global const float* b, __global float* c) {
    const size_t i = get_global_id(0);
    c[i] = a[i] * b[i];
}
/* Each work-item sums a contiguous chunk (what suits a CPU device); a second launch of
   one work-item adds the partial sums up. */
__kernel void partial_sum(__global const float* a, __global float* partial, long n) {
    const long i = get_global_id(0), chunk = (n + get_global_size(0) - 1) / get_global_size(0);
    const long end = min(n, (i + 1) * chunk);
    float acc = 0.0f;
    for (long k = i * chunk; k < end; ++k) acc += a[k];
    partial[i] = acc;
}
"""
PARTIALS = 4096


def best_of(fn: Callable[[], object], sync: Callable[[], object], repeat: int) -> float:
    """The fastest time of ``repeat`` runs (after a warm-up), in seconds."""
    fn()
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return min(times)


def _context_for(device: pb.Device) -> tuple[cl.Context, cl.CommandQueue]:
    """A pyopencl context on the same OpenCL device plugboard uses."""
    props = pb.device_properties(device)
    for platform in cl.get_platforms():
        if platform.name.strip() != props.extra["platform"]:
            continue
        for d in platform.get_devices():
            if d.name.strip() == props.name:
                context = cl.Context([d])
                return context, cl.CommandQueue(context)
    raise SystemExit(f"no pyopencl device matches {device} ({props.name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="opencl:0")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    device = pb.device(args.device)
    props = pb.device_properties(device)
    print(f"device: {device} = {props.name} ({props.driver})")
    rng = np.random.default_rng(0)
    a_host = rng.random(N, dtype=np.float32)
    b_host = rng.random(N, dtype=np.float32)

    # plugboard
    x, y = pb.tensor(a_host, device=device), pb.tensor(b_host, device=device)
    sync_pb = lambda: pb.synchronize(device)  # noqa: E731
    results: dict[str, dict[str, float]] = {"add": {}, "mul": {}, "sum": {}}
    results["add"]["plugboard"] = best_of(lambda: x + y, sync_pb, args.repeat)
    results["mul"]["plugboard"] = best_of(lambda: x * y, sync_pb, args.repeat)
    results["sum"]["plugboard"] = best_of(x.sum, sync_pb, args.repeat)
    assert np.allclose(x.sum().item(), a_host.sum(dtype=np.float64), rtol=1e-4)

    # pyopencl.array and hand-written kernels, in their own context on the same device
    context, queue = _context_for(device)
    a, b = cla.to_device(queue, a_host), cla.to_device(queue, b_host)
    sync_cl = queue.finish
    results["add"]["pyopencl.array"] = best_of(lambda: a + b, sync_cl, args.repeat)
    results["mul"]["pyopencl.array"] = best_of(lambda: a * b, sync_cl, args.repeat)
    results["sum"]["pyopencl.array"] = best_of(lambda: cla.sum(a), sync_cl, args.repeat)

    program = cl.Program(context, RAW_SOURCE).build()
    c = cla.empty_like(a)
    partial = cla.empty(queue, PARTIALS, np.float32)
    one = cla.empty(queue, 1, np.float32)
    add, mul, psum = program.add, program.mul, program.partial_sum

    def raw_sum() -> None:
        psum(queue, (PARTIALS,), None, a.data, partial.data, np.int64(N))
        psum(queue, (1,), None, partial.data, one.data, np.int64(PARTIALS))

    results["add"]["hand-written"] = best_of(
        lambda: add(queue, (N,), None, a.data, b.data, c.data), sync_cl, args.repeat)
    results["mul"]["hand-written"] = best_of(
        lambda: mul(queue, (N,), None, a.data, b.data, c.data), sync_cl, args.repeat)
    results["sum"]["hand-written"] = best_of(raw_sum, sync_cl, args.repeat)

    print(f"\n{N // (1024 * 1024)}M float32 elements: throughput in GB/s (bytes read + written)")
    print(f"{'op':<5}{'plugboard':>11}{'pyopencl.array':>16}{'hand-written':>14}"
          f"{'pb/array':>10}{'pb/hand':>9}  target pb/hand >= 0.8")
    for op, times in results.items():
        nbytes = (3 if op != "sum" else 1) * N * 4
        gbs = {k: nbytes / t / 1e9 for k, t in times.items()}
        ratio_hand = gbs["plugboard"] / gbs["hand-written"]
        print(f"{op:<5}{gbs['plugboard']:>11.1f}{gbs['pyopencl.array']:>16.1f}"
              f"{gbs['hand-written']:>14.1f}{gbs['plugboard'] / gbs['pyopencl.array']:>9.2f}x"
              f"{ratio_hand:>8.2f}x  {'ok' if ratio_hand >= 0.8 else 'below'}")

    # matmul
    m_host = rng.random((MATMUL, MATMUL), dtype=np.float32)
    n_host = rng.random((MATMUL, MATMUL), dtype=np.float32)
    p, q = pb.tensor(m_host, device=device), pb.tensor(n_host, device=device)
    t_pb = best_of(lambda: p @ q, sync_pb, max(3, args.repeat // 2))
    t_np = best_of(lambda: m_host @ n_host, lambda: None, max(3, args.repeat // 2))
    np.testing.assert_allclose((p @ q).numpy(), m_host @ n_host, rtol=1e-3)
    flops = 2 * MATMUL**3
    ratio = t_np / t_pb
    print(f"\nmatmul {MATMUL}x{MATMUL} float32: plugboard {flops / t_pb / 1e9:.1f} GFLOP/s, "
          f"NumPy {flops / t_np / 1e9:.1f} GFLOP/s, pb/NumPy {ratio:.2f}x  target >= 0.25: "
          f"{'ok' if ratio >= 0.25 else 'below'}")


if __name__ == "__main__":
    main()
