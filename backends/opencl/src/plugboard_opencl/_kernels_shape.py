"""Shape and indexing primitives: cat, flip, tril, triu, gather, index_select, scatter,
scatter_add, sort and topk.

cat and flip are copies (``copy_`` kernels) into and from views: cat writes
each input into its slice of ``out``; flip reads its input through negated
strides. gather and index_select are one ``take`` kernel: every output element
reads its source at its own position with the indexed dimension replaced by
the index value. scatter and scatter_add run one work-item per line along the
indexed dimension, in order, so repeated indices need no atomics and the last
write (or every addition) lands as on the CPU.

sort and topk run one work-item per line: a stable bottom-up merge sort of the
line's positions (in scratch memory), NaN sorting as the largest value, as in
PyTorch; topk writes the first ``k``.

Index values are data: they are checked on the device before anything is
written, and an out-of-range index raises ``IndexingError`` (the check waits
for the device).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import check_index_bounds, check_index_range
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import ALL, NUMERIC, OpenCLKernel
from ._kernels_copy import copy_view
from ._launch import LOCAL_SIZE, buffer, collapse, device_of, global_size, layouts
from ._launch import record as layout_record
from ._pointwise import state_require


@functools.cache
def program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    add = "v + old" if c.is_float else f"({c.compute})(({c.unsigned})v + ({c.unsigned})old)"
    if c.kind == "bool":
        add = "v | old"
    return f"""
__kernel void take(long n, pb_layout l, long dim_stride, __global {c.storage}* out,
                   __global const long* index, __global const {c.storage}* src) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    const long at = pb_at(&l, 2, i) + index[pb_at(&l, 1, i)] * dim_stride;
    {c.store("out", "pb_at(&l, 0, i)", c.load("src", "at"))}
}}
__kernel void triangle(long n, pb_layout l, long rows, long cols, long diagonal, int upper,
                       __global {c.storage}* out, __global const {c.storage}* in) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    const long col = i % cols, row = (i / cols) % rows;
    const int keep = upper ? col - row >= diagonal : col - row <= diagonal;
    const {c.compute} x = {c.load("in", "pb_at(&l, 1, i)")};
    {c.store("out", "pb_at(&l, 0, i)", "keep ? x : 0")}
}}
/* mode 0: out[.., index[j], ..] = src[j]; 1: += src[j]; 2: = value. */
__kernel void scatter(long n_lines, long length, pb_layout lines, long index_step,
                      long src_step, long dim_stride, int mode, {c.compute} value,
                      __global {c.storage}* out, __global const long* index,
                      __global const {c.storage}* src) {{
    const long line = get_global_id(0);
    if (line >= n_lines) return;
    const long o = pb_at(&lines, 0, line), x = pb_at(&lines, 1, line);
    const long s = pb_at(&lines, 2, line);
    for (long j = 0; j < length; ++j) {{
        const long at = o + index[x + j * index_step] * dim_stride;
        {c.compute} v = mode == 2 ? value : {c.load("src", "s + j * src_step")};
        if (mode == 1) {{
            const {c.compute} old = {c.load("out", "at")};
            v = {add};
        }}
        {c.store("out", "at", "v")}
    }}
}}
"""


@functools.cache
def sort_program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    nan_a = "isnan(ka)" if c.is_float else "0"
    nan_b = "isnan(kb)" if c.is_float else "0"
    return f"""
/* Whether key a sorts strictly before key b (NaN is the largest value). */
inline int pb_before({c.compute} ka, {c.compute} kb, int descending) {{
    if (descending) return !{nan_b} && ({nan_a} || ka > kb);
    return !{nan_a} && ({nan_b} || ka < kb);
}}
__kernel void sort(long n_lines, long length, long count, pb_layout lines, long in_step,
                   long out_step, long index_step, int descending,
                   __global {c.storage}* values, __global long* indices,
                   __global const {c.storage}* in, __global long* scratch) {{
    const long line = get_global_id(0);
    if (line >= n_lines) return;
    const long o = pb_at(&lines, 0, line), x = pb_at(&lines, 1, line);
    const long i = pb_at(&lines, 2, line);
    __global long* a = scratch + line * 2 * length;
    __global long* b = a + length;
    for (long r = 0; r < length; ++r) a[r] = r;
    for (long width = 1; width < length; width *= 2) {{
        for (long lo = 0; lo < length; lo += 2 * width) {{
            const long mid = min(lo + width, length), hi = min(lo + 2 * width, length);
            long p = lo, q = mid;
            for (long k = lo; k < hi; ++k) {{
                int right = q < hi && (p >= mid || pb_before(
                    {c.load("in", "i + a[q] * in_step")}, {c.load("in", "i + a[p] * in_step")},
                    descending));
                b[k] = right ? a[q++] : a[p++];
            }}
        }}
        __global long* t = a; a = b; b = t;
    }}
    for (long r = 0; r < count; ++r) {{
        {c.store("values", "o + r * out_step", c.load("in", "i + a[r] * in_step"))}
        indices[x + r * index_step] = a[r];
    }}
}}
"""


def _sorted(self: pb.Tensor, dim: int, descending: bool, count: int, values: pb.Tensor,
            indices: pb.Tensor, what: str) -> None:
    if values.numel() == 0:
        return
    state = device_of(values)
    state_require(state, self.dtype, what)
    ndim = self.ndim
    d = dim % ndim if ndim else 0

    def strides(t: pb.Tensor) -> list[int]:
        return list(t.stride()) if t.ndim else [0]

    shape = list(self.shape) if ndim else [1]
    other = [k for k in range(len(shape)) if k != d]
    v, x, s = strides(values), strides(indices), strides(self)
    layout = collapse([shape[k] for k in other], [[v[k] for k in other], [x[k] for k in other],
                                                  [s[k] for k in other]])
    rec = layout_record(layout, [values.storage_offset(), indices.storage_offset(),
                                 self.storage_offset()], what)
    n_lines, length = math.prod(shape[k] for k in other), shape[d]
    scratch = state.scratch(max(n_lines * 2 * length, 1) * 8)
    kernel = state.kernel(sort_program(self.dtype), "sort",
                          [np.int64, np.int64, np.int64, None, np.int64, np.int64, np.int64,
                           np.int32, None, None, None, None], what)
    try:
        with translated(what, state.label):
            kernel(state.queue, global_size(n_lines), (LOCAL_SIZE,), n_lines, length, count,
                   rec, s[d], v[d], x[d], int(descending), buffer(values), buffer(indices),
                   buffer(self), scratch.buffer)
    finally:
        state.allocator.free(scratch)  # later users queue behind the sort


def _sort(self: pb.Tensor, dim: int, descending: bool, stable: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    length = self.shape[dim % self.ndim] if self.ndim else 1
    _sorted(self, dim, descending, length, *out, "pb::sort")


def _topk(self: pb.Tensor, k: int, dim: int, largest: bool, sorted: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    _sorted(self, dim, largest, k, *out, "pb::topk")


def _int64(index: pb.Tensor) -> pb.Tensor:
    return index if index.dtype is pb.int64 else index.to(pb.int64)


def _take(out: pb.Tensor, src: pb.Tensor, index: pb.Tensor, index_strides: Sequence[int],
          dim: int, what: str) -> None:
    """out[p] = src[p with dim replaced by index[p]] over out's positions."""
    n = out.numel()
    if n == 0:
        return
    state = device_of(out)
    state_require(state, out.dtype, what)
    src_strides = [0 if k == dim else s for k, s in enumerate(src.stride())]
    dim_stride = src.stride(dim) if src.ndim else 0
    shape = out.shape if out.ndim else (1,)
    out_strides = out.stride() if out.ndim else (0,)
    if not src_strides:
        src_strides = [0] * len(shape)
    layout = collapse(shape, [out_strides, index_strides, src_strides])
    kernel = state.kernel(program(out.dtype), "take", [np.int64, None, np.int64, None, None,
                                                        None], what)
    with translated(what, state.label):
        for count, rec in layouts(layout, [out.storage_offset(), index.storage_offset(),
                                           src.storage_offset()]):
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), count, rec, dim_stride,
                   buffer(out), buffer(index), buffer(src))


def _gather(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    if index.numel() == 0:
        return
    d = dim % self.ndim if self.ndim else 0
    index = _int64(index)
    check_index_bounds(index, self.shape[d] if self.ndim else 1, d)
    strides = index.stride() if index.ndim else (0,)
    _take(out, self, index, strides, d, "pb::gather")


def _index_select(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    d = dim % self.ndim if self.ndim else 0
    index = _int64(index)
    check_index_range(index, self.shape[d] if self.ndim else 1, d, negative=False)
    step = index.stride(0) if index.ndim else 0
    strides = [step if k == d else 0 for k in range(max(out.ndim, 1))]
    _take(out, self, index, strides, d, "pb::index_select")


def _triangle(upper: bool) -> Any:
    what = "pb::triu" if upper else "pb::tril"

    def kernel(self: pb.Tensor, diagonal: int, *, out: pb.Tensor) -> None:
        n = out.numel()
        if n == 0:
            return
        state = device_of(out)
        state_require(state, out.dtype, what)
        rows, cols = self.shape[-2:]
        layout = collapse(out.shape, [out.stride(), self.stride()])
        k = state.kernel(program(out.dtype), "triangle",
                         [np.int64, None, np.int64, np.int64, np.int64, np.int32, None, None],
                         what)
        with translated(what, state.label):
            for count, rec in layouts(layout, [out.storage_offset(), self.storage_offset()]):
                k(state.queue, global_size(count), (LOCAL_SIZE,), count, rec, rows, cols,
                  diagonal, int(upper), buffer(out), buffer(self))

    return kernel


def _flip(self: pb.Tensor, dims: Sequence[int], *, out: pb.Tensor) -> None:
    flipped = {d % self.ndim for d in dims} if self.ndim else set()
    offset = self.storage_offset()
    strides = list(self.stride())
    for d in flipped:
        offset += (self.shape[d] - 1) * strides[d] if self.shape[d] else 0
        strides[d] = -strides[d]
    copy_view(out, self, offset, strides, "pb::flip")


def _cat(tensors: Sequence[pb.Tensor], dim: int, *, out: pb.Tensor) -> None:
    joined = [t for t in tensors if t.shape != (0,)]
    if not joined or out.numel() == 0:
        return
    d = dim % out.ndim
    start = 0
    for t in joined:
        part = pb.narrow(out, d, start, t.shape[d])
        copy_view(part, t, t.storage_offset(), t.stride(), "pb::cat")
        start += t.shape[d]


def _scatter_lines(out: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor | None,
                   value: Any, mode: int, what: str) -> None:
    state = device_of(out)
    ndim = max(out.ndim, 1)
    d = dim % ndim

    def strides(t: pb.Tensor | None) -> list[int]:
        return [0] * ndim if t is None or t.ndim == 0 else list(t.stride())

    shape = list(index.shape) if index.ndim else [1]
    other = [k for k in range(ndim) if k != d]
    o, x, s = strides(out), strides(index), strides(src)
    layout = collapse([shape[k] for k in other], [[o[k] for k in other], [x[k] for k in other],
                                                  [s[k] for k in other]])
    source = src if src is not None else out
    rec = layout_record(layout, [out.storage_offset(), index.storage_offset(),
                                 source.storage_offset()], what)
    n_lines = math.prod(shape[k] for k in other)
    c = OPENCL.ctype(out.dtype)
    kernel = state.kernel(program(out.dtype), "scatter",
                          [np.int64, np.int64, None, np.int64, np.int64, np.int64, np.int32,
                           c.numpy, None, None, None], what)
    with translated(what, state.label):
        kernel(state.queue, global_size(n_lines), (LOCAL_SIZE,), n_lines, shape[d], rec,
               x[d], s[d], o[d], mode, c.value(0 if value is None else value),
               buffer(out), buffer(index), buffer(source))


def _scatter(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor | None,
             value: Any, *, out: pb.Tensor) -> None:
    index = _int64(index)
    d = dim % max(self.ndim, 1)
    check_index_bounds(index, self.shape[d] if self.ndim else 1, d)  # before anything is written
    copy_view(out, self, self.storage_offset(), self.stride(), "pb::scatter")
    if index.numel():
        _scatter_lines(out, dim, index, src, value, 0 if src is not None else 2, "pb::scatter")


def _scatter_add(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor, *,
                 out: pb.Tensor) -> None:
    index = _int64(index)
    d = dim % max(self.ndim, 1)
    check_index_bounds(index, self.shape[d] if self.ndim else 1, d)
    copy_view(out, self, self.storage_offset(), self.stride(), "pb::scatter_add")
    if index.numel():
        _scatter_lines(out, dim, index, src, None, 1, "pb::scatter_add")


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("cat", _cat, ALL, mixed_dtypes=True),
    OpenCLKernel("flip", _flip, ALL),
    OpenCLKernel("tril", _triangle(upper=False), ALL),
    OpenCLKernel("triu", _triangle(upper=True), ALL),
    OpenCLKernel("gather", _gather, ALL),
    OpenCLKernel("index_select", _index_select, ALL),
    OpenCLKernel("scatter", _scatter, ALL),
    OpenCLKernel("scatter_add", _scatter_add, ALL),
    OpenCLKernel("sort", _sort, ALL),
    OpenCLKernel("topk", _topk, NUMERIC),  # PyTorch has no bool topk
)
