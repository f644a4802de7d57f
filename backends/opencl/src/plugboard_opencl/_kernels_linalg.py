"""matmul: 1-D, 2-D and batched operands with broadcasting, any strides.

Two kernels. The fast one, for float32 and float64 when ``other`` and ``out``
have contiguous rows and the column count is a multiple of the vector width:
each work-item computes a ``VROWS`` x ``VWIDTH`` block of the output in vector
registers, one vector load of ``other`` serving ``VROWS`` multiply-adds (on a
CPU device this is what keeps the SIMD units busy). The general one, for
everything else: each work-group computes a ``TILE`` x ``TILE`` block of one output matrix;
each work-item ``ROWS`` outputs of one column, so a value of ``b`` loaded
from local memory serves ``ROWS`` multiply-adds. Tiles of ``a`` and ``b`` are
staged in local memory ``TILE`` steps of the inner dimension at a time. Any
strides work (transposed views need no copy); batch dimensions broadcast by
stride 0 and are indexed through a ``pb_layout``. float16 and bfloat16
accumulate in float, integers wrap in their own width.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import NUMERIC, OpenCLKernel
from ._launch import buffer, collapse, device_of
from ._launch import record as layout_record
from ._pointwise import state_require

TILE = 32
ROWS = 4  # outputs per work-item: the work-group is TILE x (TILE / ROWS)
VROWS = 8  # the fast kernel's block: VROWS rows of VWIDTH columns per work-item
VWIDTH = {"float32": 16, "float64": 8}
VGROUP = 8


@functools.cache
def vector_program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    width = VWIDTH[dtype.name]
    vec = f"{c.compute}{width}"
    return f"""
__kernel __attribute__((reqd_work_group_size({VGROUP}, 1, 1)))
void matmul_rows(long M, long N, long K, pb_layout batch, __global {c.storage}* out,
                 __global const {c.storage}* a, __global const {c.storage}* b,
                 long a_m, long a_k, long b_k, long o_m) {{
    const long col = get_global_id(0) * {width};
    if (col >= N) return;
    const long row0 = get_global_id(1) * {VROWS};
    const long z = get_global_id(2);
    const long ao = pb_at(&batch, 1, z), bo = pb_at(&batch, 2, z), oo = pb_at(&batch, 0, z);
    /* Past the last row, read it again (and do not store): no branch in the inner loop. */
    __global const {c.storage}* rows = a + ao + min(row0, M - 1) * a_m;
    const long last = min((long){VROWS}, M - row0) - 1;
    {vec} acc[{VROWS}];
    for (int r = 0; r < {VROWS}; ++r) acc[r] = 0;
    __global const {c.storage}* bk = b + bo + col;
    for (long k = 0; k < K; ++k, bk += b_k) {{
        const {vec} bv = vload{width}(0, bk);
        #pragma unroll
        for (int r = 0; r < {VROWS}; ++r) acc[r] += rows[min((long)r, last) * a_m + k * a_k] * bv;
    }}
    for (int r = 0; r < {VROWS} && row0 + r < M; ++r)
        vstore{width}(acc[r], 0, out + oo + (row0 + r) * o_m + col);
}}
"""


@functools.cache
def program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    acc = c.compute
    if c.is_float:
        fma = "acc[w] += As[ty + w * STEP][k] * bv;"
    else:
        fma = f"acc[w] = ({acc})(({c.unsigned})acc[w] + ({c.unsigned})As[ty + w * STEP][k] " \
              f"* ({c.unsigned})bv);"
    return f"""
#define TILE {TILE}
#define ROWS {ROWS}
#define STEP (TILE / ROWS)
__kernel __attribute__((reqd_work_group_size(TILE, STEP, 1)))
void matmul(long M, long N, long K, pb_layout batch,
            __global {c.storage}* out, __global const {c.storage}* a,
            __global const {c.storage}* b,
            long a_m, long a_k, long b_k, long b_n, long o_m, long o_n) {{
    const int tx = get_local_id(0), ty = get_local_id(1);
    const long col = get_group_id(0) * TILE + tx;
    const long row0 = get_group_id(1) * TILE;
    const long z = get_global_id(2);
    const long ao = pb_at(&batch, 1, z), bo = pb_at(&batch, 2, z), oo = pb_at(&batch, 0, z);
    __local {acc} As[TILE][TILE];
    __local {acc} Bs[TILE][TILE];
    {acc} acc[ROWS];
    for (int w = 0; w < ROWS; ++w) acc[w] = 0;
    for (long t = 0; t < K; t += TILE) {{
        for (int w = 0; w < ROWS; ++w) {{
            const int r = ty + w * STEP;
            const long row = row0 + r, ka = t + tx, kb = t + r;
            As[r][tx] = (row < M && ka < K) ? {c.load("a", "ao + row * a_m + ka * a_k")} : 0;
            Bs[r][tx] = (kb < K && col < N) ? {c.load("b", "bo + kb * b_k + col * b_n")} : 0;
        }}
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < TILE; ++k) {{
            const {acc} bv = Bs[k][tx];
            for (int w = 0; w < ROWS; ++w) {fma}
        }}
        barrier(CLK_LOCAL_MEM_FENCE);
    }}
    for (int w = 0; w < ROWS; ++w) {{
        const long row = row0 + ty + w * STEP;
        if (row < M && col < N) {{ {c.store("out", "oo + row * o_m + col * o_n", "acc[w]")} }}
    }}
}}
"""


_TYPES: list[Any] = [np.int64, np.int64, np.int64, None, None, None, None,
                     np.int64, np.int64, np.int64, np.int64, np.int64, np.int64]


def _matmul(self: pb.Tensor, other: pb.Tensor, *, out: pb.Tensor) -> None:
    if out.numel() == 0:
        return
    state = device_of(out)
    state_require(state, out.dtype, "pb::matmul")
    what = f"pb::matmul ({out.dtype})"
    a_shape, a_strides = list(self.shape), list(self.stride())
    b_shape, b_strides = list(other.shape), list(other.stride())
    if len(a_shape) == 1:  # a row vector: one row, whose row stride is never used
        a_shape, a_strides = [1, *a_shape], [0, *a_strides]
    if len(b_shape) == 1:  # a column vector
        b_shape, b_strides = [*b_shape, 1], [*b_strides, 0]
    m, k = a_shape[-2:]
    n = b_shape[-1]
    o_strides = list(out.stride())
    if self.ndim == 1:
        o_strides.insert(len(o_strides) - (0 if other.ndim == 1 else 1), 0)
    if other.ndim == 1:
        o_strides.append(0)
    batch = list(out.shape[: len(o_strides) - 2]) if len(o_strides) > 2 else []

    def batch_strides(shape: list[int], strides: list[int]) -> list[int]:
        lead = len(shape) - 2
        pad = len(batch) - lead
        return [0 if i < pad or shape[i - pad] == 1 else strides[i - pad]
                for i in range(len(batch))]

    layout = collapse(batch, [o_strides[: len(batch)], batch_strides(a_shape, a_strides),
                              batch_strides(b_shape, b_strides)])
    rec = layout_record(layout, [out.storage_offset(), self.storage_offset(),
                                 other.storage_offset()], what)
    count = int(np.prod(layout[0])) if layout[0] else 1
    width = VWIDTH.get(out.dtype.name)
    if width and b_strides[-1] == 1 and o_strides[-1] == 1 and n % width == 0:
        fast = state.kernel(vector_program(out.dtype), "matmul_rows",
                            [*_TYPES[:-3], np.int64], what)  # no b_n, o_n: both 1
        columns = -(-(n // width) // VGROUP) * VGROUP
        with translated(what, state.label):
            fast(state.queue, (columns, -(-m // VROWS), count), (VGROUP, 1, 1), m, n, k, rec,
                 buffer(out), buffer(self), buffer(other), a_strides[-2], a_strides[-1],
                 b_strides[-2], o_strides[-2])
        return
    kernel = state.kernel(program(out.dtype), "matmul", _TYPES, what)
    step = TILE // ROWS
    global_size = (-(-n // TILE) * TILE, -(-m // TILE) * step, count)
    with translated(what, state.label):
        kernel(state.queue, global_size, (TILE, step, 1), m, n, k, rec, buffer(out),
               buffer(self), buffer(other), a_strides[-2], a_strides[-1], b_strides[-2],
               b_strides[-1], o_strides[-2], o_strides[-1])


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("matmul", _matmul, NUMERIC),
)
