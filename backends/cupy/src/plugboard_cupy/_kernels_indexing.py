"""CuPy kernels for index_put and its in-place form: values written at positions given
by index tensors, with NumPy's (PyTorch's) advanced-indexing rules on CuPy arrays.

Every position is checked (``plugboard.backend.check_index_range``, one wait)
before anything is written. Without ``accumulate`` a repeated position gets one
of its values (unspecified, as in PyTorch); with it every value adds up (see
``_kernels_shape.add_at``). The in-place form writes only the indexed elements
(but for bfloat16 and float16 accumulation, computed in float32 and written back
whole, unchanged elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plugboard as pb
from plugboard.backend import ALL, check_index_range

from ._arrays import array_module, as_stored, compute_dtype, kernels, read, read_as, view, write
from ._kernels_shape import add_at

__all__ = ["KERNELS"]


def _key(xp: Any, target: pb.Tensor, indices: Sequence[pb.Tensor | None]) -> tuple[Any, ...]:
    """The array index of ``indices`` (None: the whole dimension), checked against
    ``target``; negative positions count from the end."""
    key: list[Any] = []
    for d, index in enumerate(indices):
        if index is None:
            key.append(slice(None))
            continue
        if index.dtype.is_bool:
            raise pb.IndexingError(
                f"pb::index_put takes integer index tensors; got a bool one ({index.dtype}, "
                f"shape {tuple(index.shape)}) for dimension {d}. Fix: pass its nonzero "
                "positions (x[mask] does this for you)"
            )
        size = target.shape[d]
        check_index_range(index, size, d)
        i = read(index).astype(xp.int64, copy=False)
        key.append(xp.where(i < 0, i + size, i))
    return tuple(key)


def _put(target: pb.Tensor, key: tuple[Any, ...], values: pb.Tensor, accumulate: bool) -> None:
    xp = array_module(target)
    compute = compute_dtype(target.dtype)
    if not accumulate:
        view(target)[key] = as_stored(xp, read_as(values, compute), target.dtype)
        return
    if compute == view(target).dtype:
        add_at(xp, view(target), key, read_as(values, compute))
        return
    whole = read_as(target, compute).copy()
    add_at(xp, whole, key, read_as(values, compute))
    write(target, whole)


def _index_put(self: pb.Tensor, indices: Sequence[pb.Tensor | None], values: pb.Tensor,
               accumulate: bool, *, out: pb.Tensor) -> None:
    xp = array_module(out)
    key = _key(xp, self, indices)  # every check before the first write
    write(out, read(self))
    _put(out, key, values, accumulate)


def _index_put_inplace(self: pb.Tensor, indices: Sequence[pb.Tensor | None],
                       values: pb.Tensor, accumulate: bool) -> None:
    _put(self, _key(array_module(self), self, indices), values, accumulate)


# index_put_ is native: it writes only the indexed elements (the composite copies all).
KERNELS = kernels(ALL, index_put=_index_put, index_put_=_index_put_inplace)
