"""Basic indexing: ``x[1:, ::2, None, ...]`` returns a view; ``x[i] = v`` copies into one."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._errors import IndexingError
from ._tensor import Tensor

__all__ = ["getitem", "setitem"]

_ADVANCED = (
    "indexing with {what} (advanced indexing) is not supported yet; basic indexing takes "
    "ints, slices, None and ...; for a boolean mask use pb.where(mask, x, other)"
)


def _as_int(item: Any) -> int | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, (int, np.integer)):
        return int(item)
    if isinstance(item, Tensor) and item.ndim == 0 and not item.dtype.is_floating_point \
            and not item.dtype.is_bool:
        return int(item.item())
    return None


def getitem(t: Tensor, index: Any) -> Tensor:
    """The view of ``t`` that ``index`` selects."""
    items = index if isinstance(index, tuple) else (index,)
    consuming = 0
    ellipses = 0
    for item in items:
        if item is Ellipsis:
            ellipses += 1
        elif item is not None:
            if _as_int(item) is None and not isinstance(item, slice):
                what = type(item).__name__
                if isinstance(item, Tensor):
                    what = f"a {item.dtype} tensor"
                raise IndexingError(_ADVANCED.format(what=what))
            consuming += 1
    if ellipses > 1:
        raise IndexingError("an index can only have a single ellipsis ('...')")
    if consuming > t.ndim:
        raise IndexingError(
            f"too many indices: {consuming} for a tensor with {t.ndim} dimension(s) "
            f"(shape {t.shape})"
        )
    fill = (slice(None),) * (t.ndim - consuming)
    expanded: list[Any] = []
    for item in items:
        expanded.extend(fill if item is Ellipsis else (item,))
    if not ellipses:
        expanded.extend(fill)

    shape: list[int] = []
    strides: list[int] = []
    offset = t.storage_offset()
    dim = 0
    for item in expanded:
        if item is None:
            shape.append(1)
            strides.append(1)
            continue
        size, stride = t.shape[dim], t.stride()[dim]
        position = _as_int(item)
        if position is not None:
            if not -size <= position < size:
                raise IndexingError(
                    f"index {position} is out of range for dimension {dim} of size {size}"
                )
            offset += (position % size) * stride
        else:
            if item.step == 0:
                raise IndexingError("slice step cannot be zero")
            start, stop, step = item.indices(size)
            if step <= 0:
                raise IndexingError(
                    f"slice steps must be positive, got {step}; use pb.flip for reversal"
                )
            length = len(range(start, stop, step))
            offset += start * stride if length else 0
            shape.append(length)
            strides.append(stride * step)
        dim += 1
    return t._view(tuple(shape), tuple(strides), offset)


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """Write ``value`` (a tensor or number, broadcast) into the view ``t[index]``."""
    from ._copy import copy_

    target = getitem(t, index)
    if not isinstance(value, Tensor):
        from ._factories import tensor

        value = tensor(value, dtype=target.dtype, device=target.device)
    if value.ndim > target.ndim:
        # As in NumPy and PyTorch, leading size-1 dims of the value do not count.
        extra = value.ndim - target.ndim
        if all(s == 1 for s in value.shape[:extra]):
            value = value.reshape(value.shape[extra:])
    copy_(target, value)
