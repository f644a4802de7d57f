"""Kernels that write a tensor from another or from nothing: copy_ (the strided,
cross-dtype copy behind contiguous, clone and every cast), full and arange.

One program per destination dtype holds the copy from every source dtype
(``copy_{src}_{c|s}``), the fill (``fill_{c|s}``) and arange. A copy between
two contiguous tensors of one dtype is a plain buffer copy, queued like a
kernel.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyopencl as cl

import plugboard as pb
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import ALL, OpenCLKernel
from ._launch import LOCAL_SIZE, buffer, collapse, device_of, global_size, is_contiguous, layouts
from ._pointwise import state_require


def _copy_kernel(dst: pb.DType, src: pb.DType, contiguous: bool) -> str:
    d, s = OPENCL.ctype(dst), OPENCL.ctype(src)
    if contiguous:
        args = (f"long n, __global {d.storage}* out, long out_off, "
                f"__global const {s.storage}* src, long src_off")
        at_out, at_src = "out_off + i", "src_off + i"
    else:
        args = f"long n, pb_layout l, __global {d.storage}* out, __global const {s.storage}* src"
        at_out, at_src = "pb_at(&l, 0, i)", "pb_at(&l, 1, i)"
    value = s.load("src", at_src)
    # double -> half directly (vstore_half_rte has a double overload): one rounding.
    if not (dst is pb.float16 and src is pb.float64):
        value = d.convert(value, s)
    name = f"copy_{src.name}_{'c' if contiguous else 's'}"
    return (f"__kernel void {name}({args}) {{\n"
            f"    const long i = get_global_id(0);\n    if (i >= n) return;\n"
            f"    {d.store('out', at_out, value)}\n}}\n")


def _fill_kernels(dtype: pb.DType, fp64: bool) -> str:
    d = OPENCL.ctype(dtype)
    wide = "double" if fp64 else "float"
    # float64 -> half directly (one rounding); other dtypes convert to their compute type.
    arange_value = f"start + ({wide})i * step"
    if dtype is not pb.float16:
        arange_value = d.convert(arange_value, d)
    return f"""
__kernel void fill_c(long n, __global {d.storage}* out, long out_off, {d.compute} value) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    {d.store("out", "out_off + i", "value")}
}}
__kernel void fill_s(long n, pb_layout l, __global {d.storage}* out, {d.compute} value) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    {d.store("out", "pb_at(&l, 0, i)", "value")}
}}
/* Each value is start + i * step, computed in long or the widest float, rounded once. */
__kernel void arange_int(long n, pb_layout l, __global {d.storage}* out, long start,
                         long step) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    {d.store("out", "pb_at(&l, 0, i)", d.convert("start + i * step", d))}
}}
__kernel void arange_float(long n, pb_layout l, __global {d.storage}* out, {wide} start,
                           {wide} step) {{
    const long i = get_global_id(0);
    if (i >= n) return;
    {d.store("out", "pb_at(&l, 0, i)", arange_value)}
}}
"""


@functools.cache
def program(dtype: pb.DType, fp64: bool) -> str:
    """Copies into ``dtype`` from every dtype the device has, fill and arange."""
    sources = [s for s in ALL if fp64 or s is not pb.float64]
    parts = [_copy_kernel(dtype, s, c) for s in sources for c in (True, False)]
    parts.append(_fill_kernels(dtype, fp64))
    return "\n".join(parts)


def _copy(self: pb.Tensor, src: Any, non_blocking: bool) -> None:
    copy_view(self, src, src.storage_offset(), src.stride())


def copy_view(self: pb.Tensor, src: pb.Tensor, offset: int, strides: Sequence[int],
              what: str = "pb::copy_") -> None:
    """Copy into ``self`` the view of ``src``'s storage at ``offset`` with ``strides``
    (any sign, over ``self``'s shape), converting to ``self``'s dtype."""
    n = self.numel()
    if n == 0:
        return
    state = device_of(self)
    state_require(state, self.dtype, what)
    state_require(state, src.dtype, what)
    layout = collapse(self.shape, [self.stride(), strides])
    contiguous = is_contiguous(layout)
    with translated(f"{what} ({src.dtype} to {self.dtype})", state.label):
        if contiguous and src.dtype is self.dtype:
            size = self.itemsize
            cl.enqueue_copy(state.queue, buffer(self), buffer(src), byte_count=n * size,
                            src_offset=offset * size,
                            dst_offset=self.storage_offset() * size)
            return
        name = f"copy_{src.dtype.name}_{'c' if contiguous else 's'}"
        types: list[Any] = ([np.int64, None, np.int64, None, np.int64] if contiguous
                            else [np.int64, None, None, None])
        kernel = state.kernel(program(self.dtype, state.has_fp64), name, types,
                              f"pb::copy_ ({src.dtype} to {self.dtype})")
        if contiguous:
            kernel(state.queue, global_size(n), (LOCAL_SIZE,), n, buffer(self),
                   self.storage_offset(), buffer(src), offset)
            return
        for count, record in layouts(layout, [self.storage_offset(), offset]):
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), count, record,
                   buffer(self), buffer(src))


def _full(size: Any, fill_value: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    n = out.numel()
    if n == 0:
        return
    state = device_of(out)
    state_require(state, out.dtype, "pb::full")
    d = OPENCL.ctype(out.dtype)
    layout = collapse(out.shape, [out.stride()])
    contiguous = is_contiguous(layout)
    value = d.value(fill_value)
    source = program(out.dtype, state.has_fp64)
    compute = d.numpy
    with translated(f"pb::full ({out.dtype})", state.label):
        if contiguous:
            kernel = state.kernel(source, "fill_c", [np.int64, None, np.int64, compute],
                                  f"pb::full ({out.dtype})")
            kernel(state.queue, global_size(n), (LOCAL_SIZE,), n, buffer(out),
                   out.storage_offset(), value)
            return
        kernel = state.kernel(source, "fill_s", [np.int64, None, None, compute],
                              f"pb::full ({out.dtype})")
        for count, record in layouts(layout, [out.storage_offset()]):
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), count, record,
                   buffer(out), value)


def _arange(start: Any, end: Any, step: Any, dtype: Any, device: Any, *,
            out: pb.Tensor) -> None:
    n = out.numel()
    if n == 0:
        return
    state = device_of(out)
    state_require(state, out.dtype, "pb::arange")
    exact = all(isinstance(v, int) for v in (start, end, step))
    wide = np.float64 if state.has_fp64 else np.float32
    name, kind = ("arange_int", np.int64) if exact else ("arange_float", wide)
    kernel = state.kernel(program(out.dtype, state.has_fp64), name,
                          [np.int64, None, None, kind, kind], f"pb::arange ({out.dtype})")
    layout = collapse(out.shape, [out.stride()])
    with translated(f"pb::arange ({out.dtype})", state.label):
        for count, record in layouts(layout, [out.storage_offset()]):
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), count, record,
                   buffer(out), kind(start), kind(step))


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("copy_", _copy, ALL, mixed_dtypes=True),
    OpenCLKernel("full", _full, ALL),
    OpenCLKernel("arange", _arange, ALL),
)
