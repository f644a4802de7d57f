"""Reductions: sum, amax, argmax over any set of dimensions, from one template.

The input is seen as kept dimensions times reduced dimensions (each group
merged where it can be, see :mod:`._launch`). One work-item reduces part
``p`` of one output's elements: a contiguous chunk on a CPU device (whole
cache lines), every ``parts``-th element on a GPU (so neighbouring
work-items read neighbouring elements).
When there are few outputs and many elements each (``sum()`` of a large
tensor), ``parts`` work-items share an output and write partial results in
the accumulation dtype, which a second launch of the same template reduces.

Accumulation: float16 and bfloat16 in float, integers in their own width
(wrapping, as PyTorch does), everything else in its own dtype.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.codegen import OPENCL, CType

from ._errors import translated
from ._kernel_tools import ALL, NUMERIC, OpenCLKernel
from ._launch import (
    LOCAL_SIZE,
    buffer,
    collapse,
    contiguous_strides,
    device_of,
    global_size,
    launch_along,
)
from ._launch import record as layout_record
from ._pointwise import state_require

_TARGET_ITEMS = 4096  # enough work-items to fill every compute unit's vector lanes
_MIN_PER_ITEM = 1024  # below this many elements per work-item, one pass is faster


def accumulator(dtype: pb.DType) -> pb.DType:
    """The dtype partial results are kept in."""
    return pb.float32 if dtype in (pb.float16, pb.bfloat16) else dtype


def _combine(op: str, acc: CType) -> str:
    """The C statement folding element ``x`` into ``acc``."""
    wrap = f"({acc.compute})(({acc.unsigned})acc {{}} ({acc.unsigned})x)"
    if op in ("sum", "prod"):
        symbol = "+" if op == "sum" else "*"
        return f"acc = acc {symbol} x;" if acc.is_float else f"acc = {wrap.format(symbol)};"
    keep = ">=" if op == "amax" else "<="
    if acc.is_float:  # NaN wins
        return f"acc = (isnan(acc) || acc {keep} x) ? acc : x;"
    return f"acc = acc {keep} x ? acc : x;"


def _init(op: str, acc: CType) -> str:
    return {"sum": "0", "prod": "1", "amax": acc.min, "amin": acc.max}[op]


@functools.cache
def program(op: str, src: pb.DType, dst: pb.DType, partial: bool) -> str:
    """One reduction kernel, ``reduce``: ``op`` of ``src`` elements into ``dst``."""
    s, d = OPENCL.ctype(src), OPENCL.ctype(dst)
    index = op in ("argmax", "argmin")
    acc = s if index else OPENCL.ctype(accumulator(src))
    if index:
        # The first NaN wins, then the first extreme value, as in PyTorch.
        nan = "isnan(x)" if s.is_float else "0"
        better = ">" if op == "argmax" else "<"
        init = f"{s.compute} acc = 0; long best = -1;"
        step = (f"if (best < 0 || (!({nan.replace('x', 'acc')}) && ({nan} || x {better} acc)))"
                " { acc = x; best = r; }")
        result = "best"
        unrolled = ""
    else:
        init = f"{acc.compute} acc = {_init(op, acc)};"
        step = _combine(op, acc)
        result = "acc"
        # Four independent accumulators: no chain of dependent additions to wait on.
        more = ", ".join(f"acc{k} = {_init(op, acc)}" for k in (1, 2, 3))
        loads = "\n".join(
            f"            {{ const {s.compute} x = "
            f"{s.load('in', f'base + (r + {k} * step) * stride')}; "
            + (step if k == 0 else step.replace("acc", f"acc{k}")) + " }"
            for k in range(4))
        folds = "\n".join("        { const " + acc.compute + f" x = acc{k}; {step} }}"
                           for k in (1, 2, 3))
        unrolled = (f"{acc.compute} {more};\n"
                    f"        for (; r + 3 * step < last; r += 4 * step) {{\n{loads}\n        }}\n"
                    + folds)
    where = "gid" if partial else "pb_at(&kept, 0, o)"
    store = d.store("out", where, result if index else d.convert(result, acc))
    return f"""
__kernel void reduce(long n_out, long n_red, long parts, long span, long step,
                     pb_layout kept, pb_layout red,
                     __global {d.storage}* out, __global const {s.storage}* in) {{
    const long gid = get_global_id(0);
    if (gid >= n_out * parts) return;
    const long o = gid / parts;
    const long base = pb_at(&kept, 1, o);
    const long first = (gid - o * parts) * span;
    const long last = min(n_red, step == 1 ? first + span : n_red);
    {init}
    if (red.ndim <= 1) {{
        const long stride = red.ndim == 1 ? red.stride[0][0] : 0;
        long r = first;
        {unrolled}
        for (; r < last; r += step) {{
            const {s.compute} x = {s.load("in", "base + r * stride")};
            {step}
        }}
    }} else {{
        for (long r = first; r < last; r += step) {{
            const {s.compute} x = {s.load("in", "base + pb_at(&red, 0, r)")};
            {step}
        }}
    }}
    {store}
}}
"""


_TYPES: list[Any] = [np.int64] * 5 + [None] * 4


def _launch(op: str, src: pb.Tensor | Any, src_dtype: pb.DType, out_buffer: Any,
            out_dtype: pb.DType, partial: bool, n_out: int, n_red: int, parts: int,
            kept: np.ndarray, red: np.ndarray, in_buffer: Any, what: str) -> None:
    state = device_of(src)
    kernel = state.kernel(program(op, src_dtype, out_dtype, partial), "reduce", _TYPES, what)
    # How a part walks its elements: on a CPU, one contiguous chunk per work-item (cache
    # lines used whole); on a GPU, interleaved, so neighbouring work-items coalesce.
    if parts == 1:
        span, step = n_red, 1
    elif state.is_cpu:
        span, step = -(-n_red // parts), 1
    else:
        span, step = 1, parts
    with translated(what, state.label):
        kernel(state.queue, global_size(n_out * parts), (LOCAL_SIZE,), n_out, n_red, parts,
               span, step, kept, red, out_buffer, in_buffer)


def reduce(op: str, self: pb.Tensor, dims: Sequence[int], keepdim: bool, out: pb.Tensor
           ) -> None:
    """``op`` of ``self`` over ``dims`` (normalised, possibly empty = none) into ``out``."""
    what = f"pb::{op} ({self.dtype})"
    n_out = out.numel()
    if n_out == 0:
        return
    state = device_of(self)
    state_require(state, self.dtype, f"pb::{op}")
    ndim = self.ndim
    reduced = sorted({d % ndim for d in dims}) if ndim else []
    kept = [d for d in range(ndim) if d not in reduced]
    shape, strides = self.shape, self.stride()
    out_strides = [out.stride(d) for d in kept] if keepdim else list(out.stride())
    kept_sizes = [shape[d] for d in kept]
    kept_layout = collapse(kept_sizes, [out_strides, [strides[d] for d in kept]])
    red_layout = collapse([shape[d] for d in reduced], [[strides[d] for d in reduced]])
    n_red = math.prod(shape[d] for d in reduced)
    kept_rec = layout_record(kept_layout, [out.storage_offset(), self.storage_offset()], what)
    red_rec = layout_record(red_layout, [0], what)
    parts = 1
    if op not in ("argmax", "argmin") and n_out < _TARGET_ITEMS and n_red >= 2 * _MIN_PER_ITEM:
        parts = max(1, min(-(-_TARGET_ITEMS // n_out), n_red // _MIN_PER_ITEM))
    if parts == 1:
        _launch(op, self, self.dtype, buffer(out), out.dtype, False, n_out, n_red, 1,
                kept_rec, red_rec, buffer(self), what)
        return
    # Two passes: partial results per (output, part), then their reduction into out.
    acc = accumulator(self.dtype)
    scratch = state.scratch(n_out * parts * acc.itemsize)
    try:
        _launch(op, self, self.dtype, scratch.buffer, acc, True, n_out, n_red, parts,
                kept_rec, red_rec, buffer(self), what)
        sizes = kept_layout[0]
        second = layout_record((sizes, [kept_layout[1][0], contiguous_strides(sizes, parts)]),
                               [out.storage_offset(), 0], what)
        whole = layout_record(((parts,), [(1,)]), [0], what)
        _launch(op, self, acc, buffer(out), out.dtype, False, n_out, parts, 1, second,
                whole, scratch.buffer, what)
    finally:
        # Safe at once: later users of the block queue behind these launches.
        state.allocator.free(scratch)


def _dims(dim: Sequence[int] | None, ndim: int) -> list[int]:
    return list(range(ndim)) if not dim else list(dim)


def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    reduce("sum", self, _dims(dim, self.ndim), keepdim, out)


def _amax(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
    reduce("amax", self, _dims(dim, self.ndim), keepdim, out)


def _argmax(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
    dims = list(range(self.ndim)) if dim is None else [dim]
    reduce("argmax", self, dims, keepdim, out)


def _amin(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
    reduce("amin", self, _dims(dim, self.ndim), keepdim, out)


def _argmin(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
    dims = list(range(self.ndim)) if dim is None else [dim]
    reduce("argmin", self, dims, keepdim, out)


def _prod(self: pb.Tensor, dim: int | None, keepdim: bool, dtype: Any, *,
          out: pb.Tensor) -> None:
    reduce("prod", self, list(range(self.ndim)) if dim is None else [dim], keepdim, out)


# Scans: one work-item per line along the dimension, in order. ------------------------


@functools.cache
def scan_program(op: str, dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    acc = OPENCL.ctype(accumulator(dtype))
    return f"""
__kernel void scan(long n_lines, long length, pb_layout lines, long out_step, long in_step,
                   __global {c.storage}* out, __global const {c.storage}* in) {{
    const long line = get_global_id(0);
    if (line >= n_lines) return;
    const long o = pb_at(&lines, 0, line), i = pb_at(&lines, 1, line);
    {acc.compute} acc = {_init(op, acc)};
    for (long r = 0; r < length; ++r) {{
        const {acc.compute} x = {c.load("in", "i + r * in_step")};
        {_combine(op, acc)}
        {c.store("out", "o + r * out_step", c.convert("acc", acc))}
    }}
}}
"""


def _scan(op: str) -> Any:
    def kernel(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        what = f"pb::cum{op} ({out.dtype})"
        state_require(device_of(out), out.dtype, f"pb::cum{op}")
        launch_along(scan_program(op, out.dtype), "scan", self, dim, out, what)

    return kernel


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("sum", _sum, ALL),
    OpenCLKernel("amax", _amax, ALL),
    OpenCLKernel("argmax", _argmax, NUMERIC),
    OpenCLKernel("prod", _prod, ALL),
    OpenCLKernel("amin", _amin, ALL),
    OpenCLKernel("argmin", _argmin, NUMERIC),
    OpenCLKernel("cumsum", _scan("sum"), ALL),
    OpenCLKernel("cumprod", _scan("prod"), ALL),
)
