"""metal kernels for the reductions and scans, on MLX operations.

The core has cast the input to the computation dtype and allocated ``out``
(int64 for integer and bool sums, products and scans unless ``dtype=`` says
otherwise). float16 and bfloat16 accumulate in float32 and round once; float32
accumulates in float32, the widest float an Apple GPU has. MLX's max and min
propagate NaN, as PyTorch's do, and its argmax and argmin give the first index
of the extreme value (of a NaN, where there is one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mlx.core as mx

import plugboard as pb
from plugboard.backend import KernelSpec

from ._arrays import compute_dtype, read, write
from ._capabilities import DTYPES, NUMERIC
from ._kernels import MetalKernel

__all__ = ["KERNELS"]


def _axes(dim: Sequence[int] | None, ndim: int) -> list[int] | None:
    return None if not dim or ndim == 0 else [d % ndim for d in dim]


def _axis(dim: int | None, ndim: int) -> int | None:
    return None if dim is None or ndim == 0 else dim % ndim


def _in(out: pb.Tensor, self: pb.Tensor) -> Any:
    """``self`` in the accumulation dtype of ``out``."""
    a = read(self)
    compute = compute_dtype(out.dtype)
    return a if a.dtype == compute else a.astype(compute)


def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    a = _in(out, self)
    write(out, mx.sum(a, axis=_axes(dim, a.ndim), keepdims=keepdim).reshape(out.shape))


def _prod(self: pb.Tensor, dim: int | None, keepdim: bool, dtype: Any, *,
          out: pb.Tensor) -> None:
    a = _in(out, self)
    axis = _axis(dim, a.ndim)
    write(out, mx.prod(a, axis=axis, keepdims=keepdim).reshape(out.shape))


def _extreme(fn: Callable[..., Any]) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
        a = read(self)
        write(out, fn(a, axis=_axes(dim, a.ndim), keepdims=keepdim).reshape(out.shape))

    return compute


def _arg(fn: Callable[..., Any]) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
        a = read(self)
        if out.numel() == 0:
            return
        axis = _axis(dim, a.ndim)
        result = fn(a.reshape(-1)) if axis is None else fn(a, axis=axis, keepdims=keepdim)
        write(out, result.astype(mx.int64).reshape(out.shape))

    return compute


def _scan(fn: Callable[..., Any]) -> Callable[..., None]:
    def compute(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        a = _in(out, self)
        write(out, a if a.ndim == 0 else fn(a, axis=dim % a.ndim))

    return compute


KERNELS: tuple[KernelSpec, ...] = (
    MetalKernel("sum", _sum, DTYPES),
    MetalKernel("prod", _prod, DTYPES),
    MetalKernel("amax", _extreme(mx.max), DTYPES),
    MetalKernel("amin", _extreme(mx.min), DTYPES),
    MetalKernel("argmax", _arg(mx.argmax), NUMERIC),  # bool is refused, as in PyTorch
    MetalKernel("argmin", _arg(mx.argmin), NUMERIC),
    MetalKernel("cumsum", _scan(mx.cumsum), DTYPES),
    MetalKernel("cumprod", _scan(mx.cumprod), DTYPES),
)
