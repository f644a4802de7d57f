"""Native kernels for the hot nn composites: softmax, log_softmax and layer_norm.

Each is one launch instead of the composite's five to eight: one work-item per
row (the elements along ``dim``, or the normalized trailing dimensions) makes
its passes over the row (maximum, sum of exponentials, write; or mean,
variance, write) in the accumulation type (float for float16 and bfloat16).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import FLOATING, OpenCLKernel
from ._launch import LOCAL_SIZE, buffer, device_of, global_size, launch_along
from ._pointwise import state_require


@functools.cache
def _softmax_program(dtype: pb.DType, log: bool) -> str:
    c = OPENCL.ctype(dtype)
    t = c.compute
    value = "(x - top) - log(total)" if log else "exp(x - top) / total"
    return f"""
__kernel void softmax(long n_rows, long length, pb_layout rows, long out_step, long in_step,
                      __global {c.storage}* out, __global const {c.storage}* in) {{
    const long row = get_global_id(0);
    if (row >= n_rows) return;
    const long o = pb_at(&rows, 0, row), i = pb_at(&rows, 1, row);
    {t} top = -INFINITY;
    for (long r = 0; r < length; ++r) {{
        const {t} x = {c.load("in", "i + r * in_step")};
        top = (isnan(top) || top >= x) ? top : x;
    }}
    {t} total = 0;
    for (long r = 0; r < length; ++r) total += exp({c.load("in", "i + r * in_step")} - top);
    for (long r = 0; r < length; ++r) {{
        const {t} x = {c.load("in", "i + r * in_step")};
        {c.store("out", "o + r * out_step", value)}
    }}
}}
"""


def _softmax(log: bool) -> Any:
    name = "log_softmax" if log else "softmax"

    def kernel(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        what = f"pb::{name} ({out.dtype})"
        state_require(device_of(out), out.dtype, f"pb::{name}")
        launch_along(_softmax_program(out.dtype, log), "softmax", self, dim, out, what)

    return kernel


@functools.cache
def _layer_norm_program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    t = c.compute
    return f"""
__kernel void layer_norm(long n_rows, long length, {t} eps, int affine,
                         __global {c.storage}* out, long out_off,
                         __global const {c.storage}* in, long in_off,
                         __global const {c.storage}* w, long w_off,
                         __global const {c.storage}* b, long b_off) {{
    const long row = get_global_id(0);
    if (row >= n_rows) return;
    const long base = row * length;
    {t} mean = 0;
    for (long r = 0; r < length; ++r) mean += {c.load("in", "in_off + base + r")};
    mean /= ({t})length;
    {t} var = 0;
    for (long r = 0; r < length; ++r) {{
        const {t} d = {c.load("in", "in_off + base + r")} - mean;
        var += d * d;
    }}
    const {t} scale = 1 / sqrt(var / ({t})length + eps);
    for (long r = 0; r < length; ++r) {{
        {t} y = ({c.load("in", "in_off + base + r")} - mean) * scale;
        if (affine & 1) y *= {c.load("w", "w_off + r")};
        if (affine & 2) y += {c.load("b", "b_off + r")};
        {c.store("out", "out_off + base + r", "y")}
    }}
}}
"""


def _layer_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
                bias: pb.Tensor | None, eps: float, *, out: pb.Tensor) -> None:
    if out.numel() == 0:
        return
    what = f"pb::layer_norm ({out.dtype})"
    state = device_of(out)
    state_require(state, out.dtype, "pb::layer_norm")
    length = math.prod(normalized_shape)
    n_rows = out.numel() // length
    # Registered without strided=True: input and out arrive contiguous; parameters in
    # another dtype are cast (a copy_ on the device).
    params = [p if p is None or p.dtype is out.dtype else p.to(out.dtype).contiguous()
              for p in (weight, bias)]
    params = [p if p is None else p.contiguous() for p in params]
    affine = (1 if params[0] is not None else 0) | (2 if params[1] is not None else 0)
    w, b = (p if p is not None else out for p in params)
    c = OPENCL.ctype(out.dtype)
    kernel = state.kernel(_layer_norm_program(out.dtype), "layer_norm",
                          [np.int64, np.int64, {"double": np.float64}.get(c.compute, np.float32),
                           np.int32, None, np.int64, None, np.int64, None, np.int64, None,
                           np.int64], what)
    with translated(what, state.label):
        kernel(state.queue, global_size(n_rows), (LOCAL_SIZE,), n_rows, length, eps, affine,
               buffer(out), out.storage_offset(), buffer(input), input.storage_offset(),
               buffer(w), w.storage_offset(), buffer(b), b.storage_offset())


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("softmax", _softmax(log=False), FLOATING),
    OpenCLKernel("log_softmax", _softmax(log=True), FLOATING),
    OpenCLKernel("layer_norm", _layer_norm, FLOATING, strided=False),
)
