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

from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array

from ._kernel_tools import ALL, NUMERIC, CPUKernel, accumulator


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
    with np.errstate(all="ignore"):
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
        with np.errstate(all="ignore"):
            if wide == o.dtype:
                ufunc.accumulate(a, axis=dim % a.ndim, dtype=wide, out=o)
            else:
                np.copyto(o, ufunc.accumulate(a, axis=dim % a.ndim, dtype=wide),
                          casting="unsafe")

    return kernel


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("prod", _prod, ALL),
    CPUKernel("amin", _amin, ALL),
    CPUKernel("argmin", _argmin, NUMERIC),
    CPUKernel("cumsum", _scan(np.add), ALL),
    CPUKernel("cumprod", _scan(np.multiply), ALL),
)
