"""CuPy kernels for the reductions and scans: CuPy's own (CUB's device-wide reductions
and scans where CuPy's accelerators are on), whose semantics are PyTorch's here.

The core has cast the input to the computation dtype and allocated ``out`` (int64
for integer and bool sums, products and scans unless ``dtype=`` says otherwise).
Accumulation: float16 and bfloat16 in float32, rounded once per result (as
PyTorch's reductions do; a scan rounds each of its results once); integers in
the result's dtype, wrapping. max and min propagate NaN, and argmax and argmin
give the first index of the extreme value (of the first NaN, where there is one),
as in PyTorch: for floats the kernels see to NaN themselves (one more pass over a
NaN mask), as CuPy's CUB reductions compare with ``<`` and would pass NaN over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import plugboard as pb
from plugboard.backend import ALL, NUMERIC

from ._arrays import array_module, compute_dtype, kernels, read, read_as, write

__all__ = ["KERNELS"]


def _axes(dim: int | Sequence[int] | None, ndim: int) -> Any:
    """The array axes of ``dim``: one (an int), several, or None for every dimension
    (no ``dim``, an empty list, or a 0-d input)."""
    if dim is None or ndim == 0:
        return None
    if isinstance(dim, int):
        return dim % ndim
    return tuple(d % ndim for d in dim) or None


def _in(out: pb.Tensor, self: pb.Tensor) -> Any:
    """``self`` in the accumulation dtype of ``out``."""
    return read_as(self, compute_dtype(out.dtype))


def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    xp = array_module(out)
    a = _in(out, self)
    write(out, xp.sum(a, axis=_axes(dim, a.ndim), keepdims=keepdim).reshape(out.shape))


def _prod(self: pb.Tensor, dim: int | None, keepdim: bool, dtype: Any, *,
          out: pb.Tensor) -> None:
    xp = array_module(out)
    a = _in(out, self)
    write(out, xp.prod(a, axis=_axes(dim, a.ndim), keepdims=keepdim).reshape(out.shape))


def _extreme(name: str) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        xp = array_module(out)
        a = read(self)
        axes = _axes(dim, a.ndim)
        result = getattr(xp, name)(a, axis=axes, keepdims=keepdim)
        if self.dtype.is_floating_point:
            # NaN wins, whichever reduction CuPy picks (its CUB path compares with <).
            nan = xp.isnan(a).any(axis=axes, keepdims=keepdim)
            result = xp.where(nan, xp.asarray(xp.nan, dtype=a.dtype), result)
        write(out, result.reshape(out.shape))

    return compute


def _arg(name: str) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        xp = array_module(out)
        a = read(self)
        axis = _axes(dim, a.ndim)
        if axis is None:
            a = a.reshape(-1)
            axis = 0
        index = getattr(xp, name)(a, axis=axis)
        if self.dtype.is_floating_point:
            # The first NaN wins: the first True of the NaN mask where there is one.
            nan = xp.isnan(a)
            index = xp.where(nan.any(axis=axis), xp.argmax(nan, axis=axis), index)
        write(out, xp.asarray(index).astype(xp.int64).reshape(out.shape))

    return compute


def _scan(name: str) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        xp = array_module(out)
        a = _in(out, self)
        write(out, a if a.ndim == 0 else getattr(xp, name)(a, axis=dim % a.ndim))

    return compute


KERNELS = (
    *kernels(ALL, sum=_sum, prod=_prod, amax=_extreme("amax"), amin=_extreme("amin"),
             cumsum=_scan("cumsum"), cumprod=_scan("cumprod")),
    # bool is refused, as in PyTorch.
    *kernels(NUMERIC, argmax=_arg("argmax"), argmin=_arg("argmin")),
)
