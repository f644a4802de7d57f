"""CPU kernels for the reductions of docs/opset.md beyond the starter set.

The core has cast the input to the computation dtype (the output's dtype for
``prod``, ``cumsum`` and ``cumprod``: int64 for integers and bool unless
``dtype=`` says otherwise, so ``dtype=pb.int64`` truncates floats first, as
PyTorch does) and allocated ``out``. Products and running sums accumulate
float16 and bfloat16 in float32 and float32 in float64, as PyTorch's CPU
backend does for running sums (its ``prod`` multiplies float16 and bfloat16 in
the dtype itself: docs/architecture.md, section 12); each result is rounded once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from ._kernel_tools import ALL, FLOATING, NUMERIC, CPUKernel, accumulator


def _axis(dim: int | None, ndim: int) -> int | None:
    return None if dim is None or ndim == 0 else dim % ndim


def _axes(dim: Sequence[int], ndim: int) -> tuple[int, ...] | None:
    return None if not dim or ndim == 0 else tuple(d % ndim for d in dim)


def _scan_accumulator(dtype: np.dtype[Any]) -> Any:
    if dtype == np.float32:
        return np.float64
    return accumulator(dtype) or dtype


def _prod(self: pb.Tensor, dim: int | None, keepdim: bool, dtype: Any, *,
          out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    with ignore_fp_errors():
        result = np.prod(a, axis=_axis(dim, a.ndim), keepdims=keepdim,
                         dtype=_scan_accumulator(o.dtype))
        np.copyto(o, np.reshape(result, o.shape), casting="unsafe")


def _amin(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    np.copyto(o, np.reshape(np.amin(a, axis=_axes(dim, a.ndim), keepdims=keepdim), o.shape))


def _argmin(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    axis = _axis(dim, a.ndim)
    # NumPy, like PyTorch, gives the first index of the smallest value, and of a NaN.
    result = np.argmin(a.reshape(-1)) if axis is None else np.argmin(a, axis=axis)
    np.copyto(o, np.reshape(result, o.shape))


def _scan(ufunc: np.ufunc) -> Any:
    def kernel(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        a, o = host_array(self), host_array(out)
        if a.ndim == 0:
            np.copyto(o, a, casting="unsafe")
            return
        wide = _scan_accumulator(o.dtype)
        with ignore_fp_errors():
            if wide == o.dtype:
                ufunc.accumulate(a, axis=dim % a.ndim, dtype=wide, out=o)
            else:
                np.copyto(o, ufunc.accumulate(a, axis=dim % a.ndim, dtype=wide),
                          casting="unsafe")

    return kernel


# float64's squares overflow above this magnitude and lose precision below the other
# (float32 and narrower compute in float64, where their squares always fit).
_F64 = np.finfo(np.float64)
_SQUARES_LOW = math.sqrt(float(_F64.tiny)) / float(_F64.eps)


def _moment(root: bool) -> Any:
    """var (or std, ``root``): NumPy's two passes in float64, as PyTorch's CPU kernels
    accumulate float32. float64 rows whose squares would overflow or underflow are
    divided by their largest magnitude first and the result multiplied back, as the
    core's decomposition does, so huge and tiny finite values give finite results."""

    def kernel(self: pb.Tensor, dim: Sequence[int] | None, correction: float,
               keepdim: bool, *, out: pb.Tensor) -> None:
        a, o = host_array(self), host_array(out)
        axes = _axes(dim or (), a.ndim)
        n = a.size if axes is None else math.prod(a.shape[d] for d in axes)
        with ignore_fp_errors():
            x = a if a.dtype == np.float64 else a.astype(np.float64)
            scale = None
            if a.dtype == np.float64 and n > 0:
                magnitude = np.amax(np.abs(x), axis=axes, keepdims=True)
                high = math.sqrt(float(_F64.max) / (4 * n))
                outside = ((magnitude > high) | (magnitude < _SQUARES_LOW)) & (
                    magnitude > 0) & (magnitude < math.inf)
                if outside.any():
                    scale = np.where(outside, magnitude, 1.0)
                    x = x / scale
            # More correction than samples divides by zero (inf or NaN), as in PyTorch.
            divisor = n - correction if n > correction else 0
            # sum / n rather than np.mean, which warns on empty rows (NaN here, silently).
            centered = x - np.sum(x, axis=axes, keepdims=True) / n
            result = np.sum(centered * centered, axis=axes, keepdims=keepdim) / divisor
            if root:
                result = np.sqrt(result)
            if scale is not None:
                shaped = np.reshape(scale, np.shape(result))
                result = result * shaped if root else result * shaped * shaped
            np.copyto(o, np.reshape(result, o.shape), casting="unsafe")

    return kernel


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("var", _moment(root=False), FLOATING),
    CPUKernel("std", _moment(root=True), FLOATING),
    CPUKernel("prod", _prod, ALL),
    CPUKernel("amin", _amin, ALL),
    CPUKernel("argmin", _argmin, NUMERIC),
    CPUKernel("cumsum", _scan(np.add), ALL),
    CPUKernel("cumprod", _scan(np.multiply), ALL),
)
