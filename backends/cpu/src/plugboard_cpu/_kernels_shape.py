"""CPU kernels for the shape primitives: cat, flip, tril, triu, gather, scatter, sort, topk.

Structured like the starter kernels: the core has validated the inputs and
allocated ``out`` (a pair of tensors for sort and topk). Index values are data,
so the kernels check them (an out-of-range index is an ``IndexingError``)
before writing anything.

Sorting is always stable here, which also serves ``stable=False``. NaN sorts
as the largest value, as in PyTorch; bfloat16 keys sort as float32, which
holds them exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from ._kernel_tools import ALL, NUMERIC, CPUKernel


def _cat(tensors: Sequence[pb.Tensor], dim: int, *, out: pb.Tensor) -> None:
    o = host_array(out)
    # 1-D empty tensors are skipped (PyTorch's legacy rule); the rest join along dim.
    arrays = [host_array(t) for t in tensors if t.shape != (0,)]
    if not arrays:
        return
    axis = dim % o.ndim
    start = 0
    with ignore_fp_errors():
        for a in arrays:
            stop = start + a.shape[axis]
            window = (slice(None),) * axis + (slice(start, stop),)
            np.copyto(o[window], a, casting="unsafe")
            start = stop


def _flip(self: pb.Tensor, dims: Sequence[int], *, out: pb.Tensor) -> None:
    a = host_array(self)
    axes = tuple(d % a.ndim for d in dims) if a.ndim else ()
    np.copyto(host_array(out), np.flip(a, axes) if axes else a)


def _triangle(upper: bool) -> Any:
    def kernel(self: pb.Tensor, diagonal: int, *, out: pb.Tensor) -> None:
        a = host_array(self)
        rows, cols = a.shape[-2:]
        # tril keeps column j <= row i + diagonal; triu keeps j >= i + diagonal.
        i = np.arange(rows)[:, None]
        j = np.arange(cols)[None, :]
        keep = (j >= i + diagonal) if upper else (j <= i + diagonal)
        np.copyto(host_array(out), np.where(keep, a, np.zeros((), a.dtype)))

    return kernel


def _check_bounds(index: np.ndarray, size: int, dim: int) -> None:
    if index.size == 0:
        return
    bad = (index < 0) | (index >= size)
    if bad.any():
        value = int(index[bad].flat[0])
        raise pb.IndexingError(
            f"index {value} is out of bounds for dimension {dim} with size {size}. Fix: "
            f"use indices from 0 to {size - 1}"
        )


def _at_least_1d(a: np.ndarray) -> np.ndarray:
    return a.reshape(1) if a.ndim == 0 else a


def _leading(a: np.ndarray, shape: tuple[int, ...], skip: int | None) -> np.ndarray:
    """``a`` cut to ``shape`` in every dim (but ``skip``): index may be smaller than it."""
    return a[tuple(slice(None) if d == skip else slice(0, n) for d, n in enumerate(shape))]


def _gather(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    idx = _at_least_1d(host_array(index))
    if idx.size == 0:
        return
    a = _at_least_1d(host_array(self))
    axis = dim % a.ndim
    _check_bounds(idx, a.shape[axis], axis)
    values = np.take_along_axis(_leading(a, idx.shape, axis), idx, axis)
    np.copyto(host_array(out), values.reshape(out.shape))


def _coordinates(idx: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """Where each index element writes: its own position, with ``axis`` replaced."""
    grid: list[np.ndarray] = list(np.indices(idx.shape, sparse=True))
    grid[axis] = idx
    return tuple(grid)


def _scatter_into(out: pb.Tensor, self: pb.Tensor, dim: int, index: pb.Tensor) -> Any:
    """Copy self into out; return (out's array, where index writes), bounds checked."""
    o = _at_least_1d(host_array(out))
    idx = _at_least_1d(host_array(index))
    axis = dim % o.ndim
    _check_bounds(idx, o.shape[axis], axis)
    np.copyto(host_array(out), host_array(self))
    return o, idx, axis


def _scatter(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor | None,
             value: Any, *, out: pb.Tensor) -> None:
    o, idx, axis = _scatter_into(out, self, dim, index)
    if idx.size == 0:
        return
    where = _coordinates(idx, axis)
    if src is None:
        o[where] = value
    else:
        o[where] = _leading(_at_least_1d(host_array(src)), idx.shape, None)


def _scatter_add(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor, *,
                 out: pb.Tensor) -> None:
    o, idx, axis = _scatter_into(out, self, dim, index)
    if idx.size == 0:
        return
    # np.add.at adds once per index element, so repeated indices accumulate.
    with ignore_fp_errors():
        np.add.at(o, _coordinates(idx, axis), _leading(_at_least_1d(host_array(src)),
                                                       idx.shape, None))


def _keys(a: np.ndarray) -> np.ndarray:
    # NumPy sorts NaN last for its own float types; bfloat16 sorts as float32 (exact).
    return a.astype(np.float32) if a.dtype.name == "bfloat16" else a


def _order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable sorting indices along ``axis``; descending keeps equal values in order."""
    keys = _keys(a)
    if not descending:
        return np.argsort(keys, axis=axis, kind="stable")
    # Sort the reversed array ascending and read it backwards: largest (and NaN) first,
    # and equal values in their original order.
    n = a.shape[axis]
    backwards = np.argsort(np.flip(keys, axis), axis=axis, kind="stable")
    order: np.ndarray = (n - 1) - np.flip(backwards, axis)
    return order


def _sort(self: pb.Tensor, dim: int, descending: bool, stable: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    a = _at_least_1d(host_array(self))
    values, indices = out
    if a.size == 0:
        return
    axis = dim % a.ndim
    order = _order(a, axis, descending)
    np.copyto(host_array(values), np.take_along_axis(a, order, axis).reshape(values.shape))
    np.copyto(host_array(indices), order.reshape(indices.shape))


def _topk(self: pb.Tensor, k: int, dim: int, largest: bool, sorted: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    a = _at_least_1d(host_array(self))
    values, indices = out
    if values.numel() == 0:
        return
    axis = dim % a.ndim
    # Always sorted (a valid answer for sorted=False too); ties keep the lower index.
    order = np.take(_order(a, axis, largest), np.arange(k), axis=axis)
    np.copyto(host_array(values), np.take_along_axis(a, order, axis).reshape(values.shape))
    np.copyto(host_array(indices), order.reshape(indices.shape))


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("cat", _cat, ALL, mixed_dtypes=True),
    CPUKernel("flip", _flip, ALL),
    CPUKernel("tril", _triangle(upper=False), ALL),
    CPUKernel("triu", _triangle(upper=True), ALL),
    CPUKernel("gather", _gather, ALL),
    CPUKernel("scatter", _scatter, ALL),
    CPUKernel("scatter_add", _scatter_add, ALL),
    CPUKernel("sort", _sort, ALL),
    CPUKernel("topk", _topk, NUMERIC),  # PyTorch's CPU topk has no bool kernel
)
