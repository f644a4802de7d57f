"""CuPy kernels for the reductions and scans: CuPy's own (CUB's device-wide reductions
and scans where CuPy's accelerators are on), whose semantics are PyTorch's here.

The core has cast the input to the computation dtype and allocated ``out`` (int64
for integer and bool sums, products and scans unless ``dtype=`` says otherwise).
Accumulation: float16 and bfloat16 in float32, rounded once per result (as
PyTorch's reductions do; a scan rounds each of its results once); integers in
the result's dtype, wrapping. max and min propagate NaN, and argmax and argmin
give the first index of the extreme value (of the first NaN, where there is one),
as in PyTorch and NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import plugboard as pb
from plugboard.backend import ALL, NUMERIC

from ._arrays import CupyKernel, array_module, compute_dtype, read, write

__all__ = ["KERNELS"]


def _axes(dim: Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    return None if not dim or ndim == 0 else tuple(d % ndim for d in dim)


def _axis(dim: int | None, ndim: int) -> int | None:
    return None if dim is None or ndim == 0 else dim % ndim


def _in(out: pb.Tensor, self: pb.Tensor) -> Any:
    """``self`` in the accumulation dtype of ``out``."""
    a = read(self)
    compute = compute_dtype(out.dtype)
    return a if a.dtype == compute else a.astype(compute)


def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    xp = array_module(out)
    a = _in(out, self)
    write(out, xp.sum(a, axis=_axes(dim, a.ndim), keepdims=keepdim).reshape(out.shape))


def _prod(self: pb.Tensor, dim: int | None, keepdim: bool, dtype: Any, *,
          out: pb.Tensor) -> None:
    xp = array_module(out)
    a = _in(out, self)
    write(out, xp.prod(a, axis=_axis(dim, a.ndim), keepdims=keepdim).reshape(out.shape))


def _extreme(name: str) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        xp = array_module(out)
        a = read(self)
        write(out, getattr(xp, name)(a, axis=_axes(dim, a.ndim), keepdims=keepdim)
              .reshape(out.shape))

    return compute


def _arg(name: str) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
        if out.numel() == 0:
            return
        xp = array_module(out)
        a = read(self)
        axis = _axis(dim, a.ndim)
        fn = getattr(xp, name)
        result = fn(a.reshape(-1)) if axis is None else fn(a, axis=axis)
        write(out, xp.asarray(result).astype(xp.int64).reshape(out.shape))

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
    CupyKernel("sum", _sum, ALL),
    CupyKernel("prod", _prod, ALL),
    CupyKernel("amax", _extreme("amax"), ALL),
    CupyKernel("amin", _extreme("amin"), ALL),
    CupyKernel("argmax", _arg("argmax"), NUMERIC),  # bool is refused, as in PyTorch
    CupyKernel("argmin", _arg("argmin"), NUMERIC),
    CupyKernel("cumsum", _scan("cumsum"), ALL),
    CupyKernel("cumprod", _scan("cumprod"), ALL),
)
