"""metal kernels for the shape and indexing primitives, on MLX operations.

Index values are data, so the kernels check them (an out-of-range index is a
``pb.IndexingError``) before anything is written: one host read of a reduction
of the indices, the only wait these kernels have. Sorting is stable (MLX's
argsort is), which also serves ``stable=False``; NaN sorts as the largest value,
as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mlx.core as mx

import plugboard as pb
from plugboard.backend import KernelSpec

from ._arrays import read, write
from ._capabilities import DTYPES, NUMERIC, mx_dtype
from ._kernels import MetalKernel

__all__ = ["KERNELS"]


def _cat(tensors: Sequence[pb.Tensor], dim: int, *, out: pb.Tensor) -> None:
    # 1-D empty tensors are skipped (PyTorch's legacy rule); the rest join along dim.
    dtype = mx_dtype(out.dtype)
    arrays = [read(t).astype(dtype) for t in tensors if t.shape != (0,)]
    if arrays:
        write(out, mx.concatenate(arrays, axis=dim % out.ndim))


def _flip(self: pb.Tensor, dims: Sequence[int], *, out: pb.Tensor) -> None:
    a = read(self)
    axes = {d % a.ndim for d in dims} if a.ndim else set()
    key = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(a.ndim))
    write(out, a[key] if axes else a)


def _triangle(upper: bool) -> Any:
    def compute(self: pb.Tensor, diagonal: int, *, out: pb.Tensor) -> None:
        a = read(self)
        rows, cols = a.shape[-2:]
        i = mx.arange(rows).reshape(-1, 1)
        j = mx.arange(cols).reshape(1, -1)
        keep = (j >= i + diagonal) if upper else (j <= i + diagonal)
        write(out, mx.where(keep, a, mx.zeros((), dtype=a.dtype)))

    return compute


def _check_range(index: Any, size: int, dim: int, negative: bool, what: str = "index"
                 ) -> None:
    """Raise unless every position is in range (``negative``: -size <= i counts too)."""
    if index.size == 0:
        return
    low = -size if negative else 0
    bad = mx.logical_or(index < low, index >= size)
    if bool(mx.any(bad).item()):
        value = int(index.reshape(-1)[mx.argmax(bad.reshape(-1))].item())
        allowed = f"[{low}, {size - 1}]" if size else "none (the dimension is empty)"
        raise pb.IndexingError(
            f"{what} {value} is out of range for dimension {dim} of size {size} (valid: "
            f"{allowed}). Fix: keep the indices in range"
        )


def _check_bounds(index: Any, size: int, dim: int) -> None:
    """gather's and scatter's check, in PyTorch's words."""
    if index.size and bool(mx.any(mx.logical_or(index < 0, index >= size)).item()):
        bad = mx.logical_or(index < 0, index >= size).reshape(-1)
        value = int(index.reshape(-1)[mx.argmax(bad)].item())
        raise pb.IndexingError(
            f"index {value} is out of bounds for dimension {dim} with size {size}. Fix: "
            f"use indices from 0 to {size - 1}"
        )


def _at_least_1d(a: Any) -> Any:
    return a.reshape(1) if a.ndim == 0 else a


def _leading(a: Any, shape: Sequence[int], skip: int | None) -> Any:
    """``a`` cut to ``shape`` in every dim (but ``skip``): index may be smaller than it."""
    return a[tuple(slice(None) if d == skip else slice(0, n) for d, n in enumerate(shape))]


def _gather(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    idx = _at_least_1d(read(index))
    if idx.size == 0:
        return
    a = _at_least_1d(read(self))
    axis = dim % a.ndim
    _check_bounds(idx, a.shape[axis], axis)
    values = mx.take_along_axis(_leading(a, idx.shape, axis), idx, axis=axis)
    write(out, values.reshape(out.shape))


def _coordinates(idx: Any, axis: int) -> tuple[Any, ...]:
    """Where each index element writes: its own position, with ``axis`` replaced."""
    grid = []
    for d, n in enumerate(idx.shape):
        if d == axis:
            grid.append(idx)
        else:
            shape = [1] * idx.ndim
            shape[d] = n
            grid.append(mx.arange(n).reshape(shape))
    return tuple(grid)


def _scatter_base(self: pb.Tensor, dim: int, index: pb.Tensor) -> tuple[Any, Any, int]:
    o = _at_least_1d(read(self))
    idx = _at_least_1d(read(index))
    axis = dim % o.ndim
    _check_bounds(idx, o.shape[axis], axis)
    return o, idx, axis


def _scatter(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor | None,
             value: Any, *, out: pb.Tensor) -> None:
    o, idx, axis = _scatter_base(self, dim, index)
    if idx.size:
        if src is None:
            update = mx.broadcast_to(mx.array(value, dtype=o.dtype), idx.shape)
        else:
            update = _leading(_at_least_1d(read(src)), idx.shape, None)
        o[_coordinates(idx, axis)] = update  # a new array: o is this kernel's own value
    write(out, o.reshape(out.shape))


def _scatter_add(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor, *,
                 out: pb.Tensor) -> None:
    o, idx, axis = _scatter_base(self, dim, index)
    if idx.size:
        # .at[].add adds once per index element, so repeated indices accumulate.
        update = _leading(_at_least_1d(read(src)), idx.shape, None)
        o = o.at[_coordinates(idx, axis)].add(update)
    write(out, o.reshape(out.shape))


def _keys(a: Any) -> Any:
    return a.astype(mx.float32) if a.dtype in (mx.float16, mx.bfloat16) else a


def _order(a: Any, axis: int, descending: bool) -> Any:
    """Stable sorting indices along ``axis``; descending keeps equal values in order."""
    keys = _keys(a)
    if not descending:
        return mx.argsort(keys, axis=axis)
    # Sort the reversed array ascending and read it backwards: largest (and NaN) first,
    # and equal values in their original order.
    n = a.shape[axis]
    reverse = tuple(slice(None, None, -1) if d == axis else slice(None) for d in range(a.ndim))
    backwards = mx.argsort(keys[reverse], axis=axis)
    return (n - 1) - backwards[reverse].astype(mx.int64)


def _sort(self: pb.Tensor, dim: int, descending: bool, stable: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    a = _at_least_1d(read(self))
    values, indices = out
    if a.size == 0:
        return
    axis = dim % a.ndim
    order = _order(a, axis, descending).astype(mx.int64)
    write(values, mx.take_along_axis(a, order, axis=axis).reshape(values.shape))
    write(indices, order.reshape(indices.shape))


def _topk(self: pb.Tensor, k: int, dim: int, largest: bool, sorted: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    a = _at_least_1d(read(self))
    values, indices = out
    if values.numel() == 0:
        return
    axis = dim % a.ndim
    # Always sorted (a valid answer for sorted=False too); ties keep the lower index.
    window = tuple(slice(0, k) if d == axis else slice(None) for d in range(a.ndim))
    order = _order(a, axis, largest).astype(mx.int64)[window]
    write(values, mx.take_along_axis(a, order, axis=axis).reshape(values.shape))
    write(indices, order.reshape(indices.shape))


# Indexing ----------------------------------------------------------------------------


def _index_select(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    a, i = read(self), read(index).reshape(-1)
    if a.ndim == 0:
        _check_range(i, 1, 0, negative=False)
        write(out, mx.broadcast_to(a, out.shape))
        return
    d = dim % a.ndim
    _check_range(i, a.shape[d], d, negative=False)
    write(out, mx.take(a, i, axis=d))


def _key(target: Any, indices: Sequence[pb.Tensor | None]) -> tuple[Any, ...]:
    """The MLX index of ``indices`` (None: the whole dimension), checked against ``target``;
    negative positions count from the end."""
    key: list[Any] = []
    for d, index in enumerate(indices):
        if index is None:
            key.append(slice(None))
            continue
        i = read(index)
        if index.dtype.is_bool:
            raise pb.IndexingError("metal's index_put takes integer indices; the core turns "
                                   "masks into them. Fix: pass the nonzero positions")
        size = target.shape[d]
        _check_range(i, size, d, negative=True)
        key.append(mx.where(i < 0, i + size, i))
    return tuple(key)


def _put(target: Any, key: tuple[Any, ...], values: pb.Tensor, accumulate: bool) -> Any:
    v = read(values).astype(target.dtype)
    if accumulate:
        return target.at[key].add(v)  # repeated positions add up
    target[key] = v
    return target


def _index_put(self: pb.Tensor, indices: Sequence[pb.Tensor | None], values: pb.Tensor,
               accumulate: bool, *, out: pb.Tensor) -> None:
    target = read(self)
    key = _key(target, indices)  # every check before the first write
    write(out, _put(target, key, values, accumulate))


def _index_put_inplace(self: pb.Tensor, indices: Sequence[pb.Tensor | None],
                       values: pb.Tensor, accumulate: bool) -> None:
    target = read(self)
    write(self, _put(target, _key(target, indices), values, accumulate))


KERNELS: tuple[KernelSpec, ...] = (
    MetalKernel("cat", _cat, DTYPES, mixed_dtypes=True),
    MetalKernel("flip", _flip, DTYPES),
    MetalKernel("tril", _triangle(upper=False), DTYPES),
    MetalKernel("triu", _triangle(upper=True), DTYPES),
    MetalKernel("gather", _gather, DTYPES),
    MetalKernel("scatter", _scatter, DTYPES),
    MetalKernel("scatter_add", _scatter_add, DTYPES),
    MetalKernel("sort", _sort, DTYPES),
    MetalKernel("topk", _topk, NUMERIC),
    MetalKernel("index_select", _index_select, DTYPES),
    MetalKernel("index_put", _index_put, DTYPES),
    MetalKernel("index_put_", _index_put_inplace, DTYPES),
)
