"""CuPy kernels for the shape primitives: cat, flip, tril, triu, gather, index_select,
scatter, scatter_add, sort and topk.

Index values are data: they are checked (``plugboard.backend.check_index_bounds``
and ``check_index_range``, one wait for the device) before anything is written.
Sorting is CuPy's (CUB's radix sort), stable, which also serves ``stable=False``;
NaN sorts as the largest value, as in PyTorch. scatter's repeated indices write
one of their values (PyTorch leaves which unspecified, so does CuPy); scatter_add
adds every one of them (CuPy's scatter_add, atomic additions).
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import plugboard as pb
from plugboard.backend import ALL, NUMERIC, check_index_bounds, check_index_range

from ._arrays import array_module, compute_dtype, kernels, read, read_as, store, view, write

__all__ = ["KERNELS", "add_at"]


def _cat(tensors: Sequence[pb.Tensor], dim: int, *, out: pb.Tensor) -> None:
    # 1-D empty tensors are skipped (PyTorch's legacy rule); the rest go to their slices.
    xp = array_module(out)
    axis = dim % out.ndim
    parts = [t for t in tensors if t.shape != (0,)]
    ends = list(itertools.accumulate(t.shape[axis] for t in parts))
    target = xp.moveaxis(view(out), axis, 0)  # each part is a slice of the first axis
    for t, start, end in zip(parts, [0, *ends], ends, strict=False):
        values = xp.moveaxis(read(t), axis, 0)
        if not t.dtype.is_floating_point and out.dtype is pb.bfloat16:
            values = values.astype(xp.float64)  # one rounding, as copy_
        store(xp, target[start:end], values, out.dtype)


def _flip(self: pb.Tensor, dims: Sequence[int], *, out: pb.Tensor) -> None:
    a = read(self)
    axes = {d % a.ndim for d in dims} if a.ndim else set()
    key = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(a.ndim))
    write(out, a[key] if axes else a)


def _triangle(upper: bool) -> Callable[..., None]:
    def compute(self: pb.Tensor, diagonal: int, *, out: pb.Tensor) -> None:
        xp = array_module(out)
        a = read(self)
        rows, cols = a.shape[-2:]
        # tri: True on and below a diagonal; the upper triangle is what lies off the one
        # below it.
        below = xp.tri(rows, cols, diagonal - 1 if upper else diagonal, dtype=bool)
        write(out, xp.where(~below if upper else below, a, xp.zeros((), dtype=a.dtype)))

    return compute


def _int64(xp: Any, index: pb.Tensor) -> Any:
    return read(index).astype(xp.int64, copy=False)


def _at_least_1d(a: Any) -> Any:
    return a.reshape(1) if a.ndim == 0 else a


def _leading(a: Any, shape: Sequence[int], skip: int | None) -> Any:
    """``a`` cut to ``shape`` in every dim (but ``skip``): index may be smaller than it."""
    return a[tuple(slice(None) if d == skip else slice(0, n) for d, n in enumerate(shape))]


def _gather(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    if index.numel() == 0:
        return
    xp = array_module(out)
    a = _at_least_1d(read(self))
    axis = dim % a.ndim
    check_index_bounds(index, a.shape[axis], axis)
    idx = _at_least_1d(_int64(xp, index))
    values = xp.take_along_axis(_leading(a, idx.shape, axis), idx, axis=axis)
    write(out, values.reshape(out.shape))


def _index_select(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    xp = array_module(out)
    a = read(self)
    d = dim % a.ndim if a.ndim else 0
    check_index_range(index, a.shape[d] if a.ndim else 1, d, negative=False)
    i = _int64(xp, index).reshape(-1)
    if a.ndim == 0:
        write(out, xp.broadcast_to(a, out.shape))
        return
    write(out, xp.take(a, i, axis=d))


def _coordinates(xp: Any, idx: Any, axis: int) -> tuple[Any, ...]:
    """Where each index element writes: its own position, with ``axis`` replaced."""
    grid = list(xp.ix_(*(xp.arange(n) for n in idx.shape)))
    grid[axis] = idx
    return tuple(grid)


def add_at(xp: Any, target: Any, key: Any, values: Any) -> None:
    """``target[key] += values``, every repeated position adding (NumPy's ufunc.at; on
    CuPy, cupyx's atomic scatter_add). Integers add as uint64: two's complement wraps
    the same in every width, and CuPy's atomics have no narrow integers."""
    if target.dtype.kind in "biu":
        wide = target.astype(xp.int64).view(xp.uint64)
        _scatter_add(xp, wide, key, xp.asarray(values).astype(xp.int64).view(xp.uint64))
        target[...] = wide.view(xp.int64).astype(target.dtype)
        return
    _scatter_add(xp, target, key, values)


def _scatter_add(xp: Any, target: Any, key: Any, values: Any) -> None:
    if xp.__name__ == "numpy":
        xp.add.at(target, key, values)
        return
    # CuPy-only: untested without a GPU.
    importlib.import_module("cupyx").scatter_add(target, key, values)


def _scatter_base(self: pb.Tensor, dim: int, index: pb.Tensor, out: pb.Tensor
                  ) -> tuple[Any, Any, Any, int]:
    xp = array_module(out)
    axis = dim % self.ndim if self.ndim else 0
    check_index_bounds(index, self.shape[axis] if self.ndim else 1, axis)
    # The result is built in the computation dtype (float32 for float16 and bfloat16).
    o = _at_least_1d(read_as(self, compute_dtype(out.dtype)).copy())
    return xp, o, _at_least_1d(_int64(xp, index)), axis


def _scatter(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor | None,
             value: Any, *, out: pb.Tensor) -> None:
    xp, o, idx, axis = _scatter_base(self, dim, index, out)
    if idx.size:
        if src is None:
            update = xp.broadcast_to(xp.asarray(value, dtype=o.dtype), idx.shape)
        else:
            update = _leading(_at_least_1d(read_as(src, o.dtype)), idx.shape, None)
        o[_coordinates(xp, idx, axis)] = update
    write(out, o.reshape(out.shape))


def _scatter_add_kernel(self: pb.Tensor, dim: int, index: pb.Tensor, src: pb.Tensor, *,
                        out: pb.Tensor) -> None:
    xp, o, idx, axis = _scatter_base(self, dim, index, out)
    if idx.size:
        update = _leading(_at_least_1d(read_as(src, o.dtype)), idx.shape, None)
        add_at(xp, o, _coordinates(xp, idx, axis), update)
    write(out, o.reshape(out.shape))


def _order(xp: Any, a: Any, axis: int, descending: bool) -> Any:
    """Stable sorting indices along ``axis``; descending keeps equal values in order."""
    if not descending:
        return xp.argsort(a, axis=axis, kind="stable")
    # Sort the reversed array ascending and read it backwards: largest (and NaN) first,
    # and equal values in their original order.
    n = a.shape[axis]
    reverse = tuple(slice(None, None, -1) if d == axis else slice(None) for d in range(a.ndim))
    backwards = xp.argsort(a[reverse], axis=axis, kind="stable")
    return (n - 1) - backwards[reverse].astype(xp.int64)


def _sorted(self: pb.Tensor, dim: int, descending: bool, count: int | None,
            out: tuple[pb.Tensor, pb.Tensor]) -> None:
    values, indices = out
    if values.numel() == 0:
        return
    xp = array_module(values)
    a = _at_least_1d(read(self))
    axis = dim % a.ndim
    order = _order(xp, a, axis, descending).astype(xp.int64)
    if count is not None:
        order = order[tuple(slice(0, count) if d == axis else slice(None)
                            for d in range(a.ndim))]
    write(values, xp.take_along_axis(a, order, axis=axis).reshape(values.shape))
    write(indices, order.reshape(indices.shape))


def _sort(self: pb.Tensor, dim: int, descending: bool, stable: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    _sorted(self, dim, descending, None, out)


def _topk(self: pb.Tensor, k: int, dim: int, largest: bool, sorted: bool, *,
          out: tuple[pb.Tensor, pb.Tensor]) -> None:
    # Always sorted (a valid answer for sorted=False too); ties keep the lower index.
    _sorted(self, dim, largest, k, out)


KERNELS = (
    *kernels(ALL, mixed_dtypes=True, cat=_cat),
    *kernels(ALL, flip=_flip, tril=_triangle(upper=False), triu=_triangle(upper=True),
             gather=_gather, index_select=_index_select, scatter=_scatter,
             scatter_add=_scatter_add_kernel, sort=_sort),
    *kernels(NUMERIC, topk=_topk),  # PyTorch has no bool topk
)
