"""CPU kernels for the indexing operators of docs/opset.md.

The core has checked dtypes and shapes; what only the values can tell (an
index out of range) is checked here, before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array

from ._kernel_tools import ALL, CPUKernel


def _check_range(index: np.ndarray, size: int, dim: int, negative: bool) -> None:
    """Raise unless every position is in range (``negative``: -size <= i counts, too)."""
    if index.size == 0:
        return
    low = -size if negative else 0
    if index.min() >= low and index.max() < size:
        return  # two reductions, no temporaries: the usual case
    bad = (index < low) | (index >= size)
    if bad.any():
        value = int(index[bad].reshape(-1)[0])
        allowed = f"[{low}, {size - 1}]" if size else "none (the dimension is empty)"
        raise pb.IndexingError(
            f"index {value} is out of range for dimension {dim} of size {size} (valid: "
            f"{allowed}). Fix: keep the indices in range"
            + ("" if negative else "; negative positions count from the end only in x[idx]")
        )


def _index_select(self: pb.Tensor, dim: int, index: pb.Tensor, *, out: pb.Tensor) -> None:
    a, i, o = host_array(self), host_array(index).reshape(-1), host_array(out)
    if a.ndim == 0:
        _check_range(i, 1, 0, negative=False)
        np.copyto(o, a)
        return
    d = dim % a.ndim
    _check_range(i, a.shape[d], d, negative=False)
    np.copyto(o, np.take(a, i, axis=d))


def _positions(self: np.ndarray, indices: Sequence[pb.Tensor | None]) -> tuple[Any, ...]:
    """The NumPy index of ``indices`` (None: the whole dimension), checked against ``self``."""
    key: list[Any] = []
    for d, index in enumerate(indices):
        if index is None:
            key.append(slice(None))
            continue
        i = host_array(index)
        _check_range(i, self.shape[d], d, negative=True)
        key.append(i)
    return tuple(key)


def _put(target: np.ndarray, key: tuple[Any, ...], values: pb.Tensor,
         accumulate: bool) -> None:
    # The core gives a kernel that writes its argument inputs that do not share its memory.
    v = host_array(values)
    if accumulate:
        # Repeated positions add up (a plain assignment would keep one of them).
        np.add.at(target, key, v)
    else:
        target[key] = v


def _index_put(self: pb.Tensor, indices: Sequence[pb.Tensor | None], values: pb.Tensor,
               accumulate: bool, *, out: pb.Tensor) -> None:
    o = host_array(out)
    key = _positions(o, indices)  # every check before the first write
    np.copyto(o, host_array(self))
    _put(o, key, values, accumulate)


def _index_put_inplace(self: pb.Tensor, indices: Sequence[pb.Tensor | None],
                       values: pb.Tensor, accumulate: bool) -> None:
    target = host_array(self)
    _put(target, _positions(target, indices), values, accumulate)


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("index_select", _index_select, ALL),
    CPUKernel("index_put", _index_put, ALL),
    # Native in-place form: writes only the indexed elements (the composite copies all).
    CPUKernel("index_put_", _index_put_inplace, ALL),
)
