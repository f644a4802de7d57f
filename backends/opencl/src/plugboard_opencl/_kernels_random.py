"""rand, randn and randint: the core's Philox4x32-10 stream, generated on the device.

The contract is the core's (``plugboard.backend.philox_reserve``): a kernel
reserves the 32-bit words it needs from the generator, and word ``w`` of the
stream is lane ``w % 4`` of the Philox block with counter ``offset + w // 4``
under the generator's seed. Each work-item computes the blocks of its own
values, so any launch order gives the same numbers, and the same ones as the
CPU backend's NumPy transforms: uniform values take the top ``digits`` bits of
a word (two words for float64), normal ones pair uniforms by Box-Muller, and
integers take 64 bits modulo the range.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import philox_reserve
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import ALL, FLOATING, OpenCLKernel
from ._launch import LOCAL_SIZE, buffer, collapse, device_of, global_size, layouts
from ._pointwise import state_require

_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}

_PHILOX = """
/* Word w of the Philox4x32-10 stream with key (k0, k1) starting at block `offset`. */
inline uint pb_word(ulong w, ulong offset, uint k0, uint k1) {
    const ulong low = offset + w / 4;
    uint c0 = (uint)low, c1 = (uint)(low >> 32), c2 = low < offset ? 1u : 0u, c3 = 0;
    for (int r = 0; r < 10; ++r) {
        const ulong p0 = (ulong)c0 * 0xD2511F53UL, p1 = (ulong)c2 * 0xCD9E8D57UL;
        const uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c0 = n0; c1 = (uint)p1; c2 = n2; c3 = (uint)p0;
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
    }
    const uint lane = (uint)(w % 4);
    return lane == 0 ? c0 : lane == 1 ? c1 : lane == 2 ? c2 : c3;
}
inline ulong pb_bits64(ulong w, ulong offset, uint k0, uint k1) {
    return (ulong)pb_word(w, offset, k0, k1) | ((ulong)pb_word(w + 1, offset, k0, k1) << 32);
}
"""


@functools.cache
def program(dtype: pb.DType, fp64: bool) -> str:
    c = OPENCL.ctype(dtype)
    digits = _DIGITS.get(dtype.name, 24)
    wide = dtype is pb.float64
    real = "double" if wide else "float"
    per = 2 if wide else 1  # words per uniform value
    if wide:
        uniform = "(real)(pb_bits64(w, offset, k0, k1) >> 11) * 0x1p-53"
    else:
        uniform = f"(real)(pb_word(w, offset, k0, k1) >> {32 - digits}) * 0x1p-{digits}f"
    # Normal values start from uniforms of every bit the computation type holds.
    normal = uniform if wide else "(real)(pb_word(w, offset, k0, k1) >> 8) * 0x1p-24f"
    parts = [_PHILOX, f"typedef {real} real;",
             f"inline real pb_uniform(ulong w, ulong offset, uint k0, uint k1) "
             f"{{ return {uniform}; }}",
             f"inline real pb_uniform_full(ulong w, ulong offset, uint k0, uint k1) "
             f"{{ return {normal}; }}"]
    if dtype.is_floating_point:
        two_pi = "6.283185307179586" if wide else "6.2831855f"
        parts.append(f"""
__kernel void rand(long n, pb_layout l, ulong offset, uint k0, uint k1,
                   __global {c.storage}* out) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    {c.store("out", "pb_at(&l, 0, i)", f"pb_uniform((ulong)i * {per}, offset, k0, k1)")}
}}
__kernel void randn(long n, pb_layout l, ulong offset, uint k0, uint k1,
                    __global {c.storage}* out) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    const ulong pair = (ulong)i / 2;
    const real u1 = 1 - pb_uniform_full(pair * {2 * per}, offset, k0, k1);
    const real u2 = pb_uniform_full(pair * {2 * per} + {per}, offset, k0, k1);
    const real radius = sqrt(-2 * log(u1)), angle = {two_pi} * u2;
    {c.store("out", "pb_at(&l, 0, i)", "(i % 2 ? radius * sin(angle) : radius * cos(angle))")}
}}
""")
    parts.append(f"""
/* low + (64 random bits modulo span), in two's complement; span 0 means 2**64. */
__kernel void randint(long n, pb_layout l, ulong offset, uint k0, uint k1, long low,
                      ulong span, __global {c.storage}* out) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    const ulong bits = pb_bits64((ulong)i * 2, offset, k0, k1);
    const long value = (long)((span ? bits % span : bits) + (ulong)low);
    {c.store("out", "pb_at(&l, 0, i)", c.convert("value", c))}
}}
""")
    del fp64
    return "\n".join(parts)


def _launch(name: str, out: pb.Tensor, generator: Any, words: int, extra: list[Any],
            extra_types: list[Any]) -> None:
    n = out.numel()
    if n == 0:
        return
    what = f"pb::{name} ({out.dtype})"
    state = device_of(out)
    state_require(state, out.dtype, f"pb::{name}")
    philox = philox_reserve(generator, out.device, words)
    seed = philox.seed & 0xFFFFFFFFFFFFFFFF
    kernel = state.kernel(program(out.dtype, state.has_fp64), name,
                          [np.int64, None, np.uint64, np.uint32, np.uint32, *extra_types,
                           None], what)
    layout = collapse(out.shape, [out.stride()])
    with translated(what, state.label):
        for count, rec in layouts(layout, [out.storage_offset()]):
            # Splitting a launch (more than 8 dimensions) is not supported for random ops:
            # the words are numbered by the position in out.
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), count, rec,
                   philox.offset & 0xFFFFFFFFFFFFFFFF, seed & 0xFFFFFFFF, seed >> 32, *extra,
                   buffer(out))


def _rand(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    per = 2 if out.dtype is pb.float64 else 1
    _launch("rand", out, generator, out.numel() * per, [], [])


def _randn(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    per = 2 if out.dtype is pb.float64 else 1
    pairs = -(-out.numel() // 2)
    _launch("randn", out, generator, 2 * pairs * per, [], [])


def _randint(low: int, high: int, size: Any, generator: Any, dtype: Any, device: Any, *,
             out: pb.Tensor) -> None:
    span = high - low
    _launch("randint", out, generator, 2 * out.numel(), [low, 0 if span == 1 << 64 else span],
            [np.int64, np.uint64])


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("rand", _rand, FLOATING),
    OpenCLKernel("randn", _randn, FLOATING),
    OpenCLKernel("randint", _randint, ALL),
)
