"""Indexing with ``x[...]``: basic indexing as a view, advanced indexing from pb operators.

Basic indexing (ints, slices, None, ``...``) makes a view: new shape, strides
and offset over the same storage. Advanced indexing (integer tensors, lists,
NumPy arrays, boolean masks) follows PyTorch:

- ints, slices and None apply first, as a view; the index tensors then index
  the dimensions of that view;
- the index tensors broadcast together; where they (and masks) index adjacent
  dimensions, the broadcast dimensions take their place, otherwise they come
  first;
- a mask indexes as many dimensions as it has, whose sizes it must match, and
  selects its True elements in row-major order (its count is read to the host,
  as PyTorch does, because the result's shape depends on it).

``x[idx]`` gathers with ``pb::index_select``; ``x[idx] = v`` writes with
``pb::index_put_``. Both are built from pb operators only, so every backend
with the primitives has them.
"""

from __future__ import annotations

import contextlib
import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from plugboard._autograd.grad_mode import is_grad_enabled
from plugboard._autograd.graph import requires_grad
from plugboard._core.dtype import int32, int64, uint8
from plugboard._core.errors import AutogradError, IndexingError, PlugboardError
from plugboard._core.overlap import check_writable
from plugboard._core.tensor import Tensor, contiguous_strides, host_array
from plugboard._dispatch.dispatcher import cast, copy_into, move
from plugboard._dispatch.provenance import record_feature, recorder
from plugboard._frontend.conversion import copy_, to
from plugboard._frontend.factories import number_tensor
from plugboard._frontend.factories import tensor as make_tensor
from plugboard._ops.indexing import broadcast_indices, indexed_shape
from plugboard._ops.meta import check_value, op

__all__ = ["getitem", "setitem"]

BASIC_FEATURE = "indexing:basic"
ADVANCED_FEATURE = "indexing:advanced"

_UNSUPPORTED = (
    "{what} cannot be used as an index. Fix: index with ints, slices, None, ..., "
    "integer tensors or lists (advanced indexing), or a bool tensor (a mask)"
)


_op = op


def _as_int(item: Any) -> int | None:
    if isinstance(item, (bool, np.bool_)):
        return None
    if isinstance(item, (int, np.integer)):
        return int(item)
    # A 0-d integer tensor is a position, as in PyTorch, except uint8: PyTorch takes
    # that as a mask, which plugboard refuses with every uint8 index (_index_tensor).
    if isinstance(item, Tensor) and item.ndim == 0 and item.dtype.is_integer \
            and item.dtype is not uint8:
        return int(item.item())
    return None


def _record(t: Tensor, feature: str) -> None:
    """Provenance for ``record_paths``: indexing runs as a composite on ``t``'s device."""
    record_feature(feature, t.device.type, t.dtype)


@dataclass(frozen=True)
class _Mask0:
    """A Python bool or 0-d bool tensor: a new dimension of size 1, masked by the value."""

    value: Tensor


def _index_tensor(item: Any, t: Tensor) -> Tensor | None:
    """``item`` as an index tensor on ``t``'s device (None if it is no advanced index)."""
    if isinstance(item, Tensor):
        tensor = item
    elif isinstance(item, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(item)
        except (ValueError, TypeError):
            raise IndexingError(
                f"the list {item!r:.60} cannot be an index: its rows differ in length. "
                "Fix: index with a rectangular list of ints, or one of bools"
            ) from None
        if array.size == 0 and array.dtype.kind not in "bi":
            array = array.astype(np.int64)  # x[[]] selects nothing, as in PyTorch
        if array.dtype.kind not in "biu":
            raise IndexingError(_UNSUPPORTED.format(
                what=f"a {type(item).__name__} of {array.dtype} values"))
        tensor = make_tensor(array if array.dtype.kind == "b" else array.astype(np.int64),
                      device=t.device)
    else:
        return None
    if tensor.dtype not in (int64, int32) and not tensor.dtype.is_bool:
        raise IndexingError(
            f"tensors used as indices must be int64, int32 or bool tensors, got "
            f"{tensor.dtype}. Fix: cast with .to(pb.int64) for positions, or "
            ".to(pb.bool) for a mask"
        )
    if tensor.device != t.device:
        tensor = move(tensor, t.device)
    return tensor


def _checked_slice(item: slice) -> slice:
    """``item`` with int bounds (NumPy ints and one-element int tensors become ints)."""
    bounds: list[int | None] = []
    for bound in (item.start, item.stop, item.step):
        if bound is None:
            bounds.append(None)
            continue
        try:
            bounds.append(operator.index(bound))
        except TypeError:
            raise IndexingError(
                f"a slice bound must be an int or None, not {type(bound).__name__} "
                f"({bound!r:.40}). Fix: use int bounds, e.g. x[0:2]"
            ) from None
    return slice(*bounds)


def _parse(t: Tensor, index: Any) -> list[Any]:
    """The items of ``index``: None, ..., int, slice, _Mask0 or an index tensor."""
    raw = index if isinstance(index, tuple) else (index,)
    items: list[Any] = []
    for item in raw:
        if isinstance(item, slice):
            items.append(_checked_slice(item))
        elif item is None or item is Ellipsis:
            items.append(item)
        elif isinstance(item, (bool, np.bool_)):
                items.append(_Mask0(make_tensor(bool(item), device=t.device)))
        elif (position := _as_int(item)) is not None:
            items.append(position)
        elif isinstance(item, Tensor) and item.ndim == 0 and item.dtype.is_bool:
            items.append(_Mask0(item))
        else:
            tensor = _index_tensor(item, t)
            if tensor is None:
                what = f"a {type(item).__name__}"
                if isinstance(item, Tensor):
                    what = f"a {item.dtype} tensor"
                raise IndexingError(_UNSUPPORTED.format(what=what))
            items.append(tensor)
    return items


def _consumed(item: Any) -> int:
    """How many dimensions of the tensor an item indexes."""
    if item is None or item is Ellipsis or isinstance(item, _Mask0):
        return 0
    if isinstance(item, Tensor) and item.dtype.is_bool:
        return item.ndim
    return 1


@dataclass(frozen=True)
class _Advanced:
    """An index tensor or mask, and the first dimension of the basic view it indexes."""

    position: int
    index: Tensor
    source_dim: int | None  # the dimension of the indexed tensor, for messages


def _basic(t: Tensor, index: Any) -> tuple[Tensor, list[_Advanced]]:
    """The view that the basic items select, and the advanced items to apply to it."""
    items = _parse(t, index)
    ellipses = sum(1 for item in items if item is Ellipsis)
    if ellipses > 1:
        raise IndexingError(
            "an index can only have a single ellipsis ('...'). Fix: keep one and spell out "
            "the other dimensions with ':'"
        )
    consuming = sum(_consumed(item) for item in items)
    if consuming > t.ndim:
        raise IndexingError(
            f"too many indices: {consuming} for a tensor with {t.ndim} dimension(s) "
            f"(shape {t.shape}). Fix: index at most {t.ndim} dimension(s)"
        )
    fill = (slice(None),) * (t.ndim - consuming)
    expanded: list[Any] = []
    for item in items:
        expanded.extend(fill if item is Ellipsis else (item,))
    if not ellipses:
        expanded.extend(fill)

    shape: list[int] = []
    strides: list[int] = []
    advanced: list[_Advanced] = []
    offset = t.storage_offset()
    dim = 0
    for item in expanded:
        if item is None or isinstance(item, _Mask0):
            if isinstance(item, _Mask0):
                advanced.append(_Advanced(len(shape), item.value.reshape((1,)), None))
            shape.append(1)
            strides.append(1)
            continue
        if isinstance(item, Tensor):
            k = _consumed(item)
            if item.dtype.is_bool and item.shape != t.shape[dim:dim + k]:
                dims = f"dimension {dim}" if k == 1 else f"dimensions {dim} to {dim + k - 1}"
                raise IndexingError(
                    f"the mask's shape {item.shape} does not match the shape "
                    f"{t.shape[dim:dim + k]} of {dims} it indexes (tensor shape "
                    f"{t.shape}). Fix: use a mask of that shape"
                )
            advanced.append(_Advanced(len(shape), item, dim))
            shape.extend(t.shape[dim:dim + k])
            strides.extend(t.stride()[dim:dim + k])
            dim += k
            continue
        size, stride = t.shape[dim], t.stride()[dim]
        if isinstance(item, int):
            if not -size <= item < size:
                raise IndexingError(
                    f"index {item} is out of range for dimension {dim} of size {size}. "
                    + (f"Fix: use an index in [-{size}, {size - 1}]" if size else
                       "The dimension is empty: nothing can be indexed in it. Fix: index a "
                       "non-empty dimension")
                )
            offset += (item % size) * stride
        else:
            if item.step == 0:
                raise IndexingError("slice step cannot be zero. Fix: use a positive step")
            start, stop, step = item.indices(size)
            if step <= 0:
                raise IndexingError(
                    f"slice steps must be positive, got {step}. Fix: use pb.flip for reversal"
                )
            length = len(range(start, stop, step))
            offset += start * stride if length else 0
            shape.append(length)
            strides.append(stride * step)
        dim += 1
    if t._autograd is not None and is_grad_enabled():
        # Through the operator, so autograd records the view (its gradient flows back).
        view = _op("as_strided")(t, tuple(shape), tuple(strides), offset)
        return view, advanced
    return t._view(tuple(shape), tuple(strides), offset), advanced


# Index tensors to positions ----------------------------------------------------------


def first_out_of_range(index: Tensor, low: int, high: int) -> int | None:
    """The first value of ``index`` outside ``[low, high)``, or None when all are inside.

    The check runs on the index's device with plugboard operators and reads one
    number back (a wait); only when a value is out of range are the indices
    read to find it, for the error message. Meta tensors have no values: None.
    Kernels of any backend call it before they write anything.

    Example:
        >>> import plugboard as pb
        >>> from plugboard.backend import first_out_of_range
        >>> first_out_of_range(pb.tensor([0, 5, -1]), 0, 3)
        5
    """
    if not index.numel() or index.device.type == "meta":
        return None
    if index._storage.runtime.host_memory:
        # The values are in host memory already: read them there, without dispatching.
        values = host_array(index)
        outside = (values >= high) | (values < low)
        return int(values[outside].reshape(-1)[0]) if outside.any() else None
    bad = _op("bitwise_or")(_op("ge")(index, high), _op("lt")(index, low))
    if not _op("any")(bad).item():
        return None
    values = index.numpy()[bad.numpy()]
    return int(values.reshape(-1)[0])


def check_index_bounds(index: Tensor, size: int, dim: int) -> None:
    """Raise ``IndexingError`` unless every value of ``index`` is in ``[0, size)``: the
    check of gather, scatter and scatter_add, in PyTorch's words (one wait, see
    :func:`first_out_of_range`).

    Example:
        >>> import plugboard as pb
        >>> from plugboard.backend import check_index_bounds
        >>> check_index_bounds(pb.tensor([0, 2]), 3, 0)
        >>> try:
        ...     check_index_bounds(pb.tensor([0, 3]), 3, 0)
        ... except pb.IndexingError as error:
        ...     print(str(error).split(".")[0])
        index 3 is out of bounds for dimension 0 with size 3
    """
    value = first_out_of_range(index, 0, size)
    if value is not None:
        raise IndexingError(
            f"index {value} is out of bounds for dimension {dim} with size {size}. Fix: use "
            f"indices from 0 to {size - 1}"
        )


def check_index_range(index: Tensor, size: int, dim: int, negative: bool = True) -> None:
    """Raise ``IndexingError`` unless every position of ``index`` is in range for a
    dimension of ``size``: from ``-size`` when ``negative`` (index_put's positions),
    else from 0 (index_select's). One wait, see :func:`first_out_of_range`.

    Example:
        >>> import plugboard as pb
        >>> from plugboard.backend import check_index_range
        >>> check_index_range(pb.tensor([-3, 2]), 3, 0)
        >>> try:
        ...     check_index_range(pb.tensor([-1]), 3, 0, negative=False)
        ... except pb.IndexingError as error:
        ...     print(str(error).split(". ")[0])
        index -1 is out of range for dimension 0 of size 3 (valid: [0, 2])
    """
    low = -size if negative else 0
    value = first_out_of_range(index, low, size)
    if value is None:
        return
    allowed = f"[{low}, {size - 1}]" if size else "none (the dimension is empty)"
    raise IndexingError(
        f"index {value} is out of range for dimension {dim} of size {size} (valid: "
        f"{allowed}). Fix: keep the indices in range"
        + ("" if negative else "; negative positions count from the end only in x[idx]")
    )


def _checked(entry: _Advanced, size: int) -> Tensor:
    """An integer index as int64 positions in [0, size): out of range is an error."""
    index = entry.index
    if index.numel() and index._storage.runtime.host_memory:
        # Host memory: one look at the values tells whether any need wrapping.
        values = host_array(index)
        if values.min() >= 0 and values.max() < size:
            return index if index.dtype is int64 else cast(index, int64)
    value = first_out_of_range(index, -size, size)
    if value is not None:
        where = f"dimension {entry.source_dim}" if entry.source_dim is not None else \
            "the new dimension"
        raise IndexingError(
            f"index {value} is out of range for {where} of size {size}. Fix: use indices "
            f"in [-{size}, {size - 1}]"
        )
    return _op("remainder")(cast(index, int64), max(size, 1))


def nonzero_flat(mask: Tensor) -> Tensor:
    """The row-major positions of a mask's True elements, as a 1-D int64 tensor.

    The count is read to the host (the result's shape depends on it); the
    positions are computed on the mask's device: each True element's rank
    among the True elements (a running count) is its slot in the result.
    """
    if mask.device.type == "meta":
        raise IndexingError(
            "indexing with a boolean mask on the meta device: the result's shape depends "
            "on the mask's values, which meta tensors do not have. Fix: index with integer "
            "positions, or use a device with data"
        )
    flat = _op("reshape")(mask, (-1,))
    n = flat.numel()
    positions = _op("arange")(0, n, dtype=int64, device=mask.device)
    if n == 0:
        return positions
    # The running count of True elements: its last value is the count, read to the host.
    running = _op("cumsum")(flat, 0, dtype=int64)
    count = int(_op("select")(running, 0, n - 1).item())
    if count == n:
        return positions
    ranks = _op("sub")(running, 1)
    # False elements all go to one spare slot past the end, dropped below.
    slots = _op("where")(flat, ranks, count)
    result = _op("full")((count + 1,), 0, dtype=int64, device=mask.device)
    _op("index_put_")(result, (slots,), positions)
    return _op("narrow")(result, 0, 0, count)


def unravel(flat: Tensor, shape: Sequence[int]) -> list[Tensor]:
    """Row-major flat positions as one coordinate tensor per dimension of ``shape``."""
    if flat.numel() == 0:
        return [flat] * len(shape)  # nothing selected (perhaps of a size-0 dimension)
    coords: list[Tensor] = []
    for i, (size, stride) in enumerate(zip(shape, contiguous_strides(tuple(shape)),
                                           strict=True)):
        c = flat if stride == 1 else _op("div")(flat, stride, rounding_mode="floor")
        coords.append(c if i == 0 else _op("remainder")(c, size))
    return coords


# x[index] ---------------------------------------------------------------------------


def getitem(t: Tensor, index: Any) -> Tensor:
    """``x[index]``, with PyTorch's rules (``Tensor.__getitem__``).

    Ints, slices, None and ``...`` give a view; integer tensors or lists and
    bool masks (advanced indexing) give a new tensor.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x[:, 1:].tolist(), x[[1, 0], 0].tolist(), x[x > 3].tolist()
        ([[2, 3], [5, 6]], [4, 1], [4, 5, 6])
    """
    view = _fast_view(t, index)
    if view is not None:
        return view
    if type(index) is Tensor:
        gathered = _fast_gather(t, index)
        if gathered is not None:
            return gathered
    with _naming("x[index]", t, index):
        return _getitem(t, index)


def _fast_gather(t: Tensor, index: Tensor) -> Tensor | None:
    """``x[idx]`` for one 1-D int64 index in host memory on ``x``'s device whose
    positions are all in [0, size): one index_select, as the general path ends in.
    None sends every other case (negative positions, errors, autograd to record)
    through :func:`_getitem`, with its checks and messages."""
    if index._dtype is not int64 or len(index._shape) != 1 or not t._shape \
            or index._storage.device != t._storage.device \
            or not index._storage.runtime.host_memory \
            or (t._autograd is not None and is_grad_enabled()):
        return None
    positions = host_array(index)
    if positions.size and not (positions.min() >= 0 and positions.max() < t._shape[0]):
        return None
    if recorder.active:
        _record(t, ADVANCED_FEATURE)
    result: Tensor = _op("index_select")(t, 0, index)
    return result


def _fast_view(t: Tensor, index: Any) -> Tensor | None:
    """The view of ``x[i]`` or ``x[i, :, j:k]`` (plain ints and slices, in range, no
    autograd to record), computed in one pass; None sends every other index, and
    every error, through :func:`_basic`, so they keep its checks and messages."""
    items = index if type(index) is tuple else (index,)
    shape, strides = t._shape, t._strides
    if len(items) > len(shape) or (t._autograd is not None and is_grad_enabled()):
        return None
    offset = t._offset
    new_shape: list[int] = []
    new_strides: list[int] = []
    for dim, item in enumerate(items):
        size = shape[dim]
        if type(item) is int:  # exactly int: bools are masks
            if not -size <= item < size:
                return None
            offset += (item % size) * strides[dim]
        elif type(item) is slice:
            if type(item.start) not in _BOUNDS or type(item.stop) not in _BOUNDS \
                    or type(item.step) not in _BOUNDS:
                return None
            start, stop, step = item.indices(size) if item.step != 0 else (0, 0, 0)
            if step <= 0:
                return None
            length = len(range(start, stop, step))
            offset += start * strides[dim] if length else 0
            new_shape.append(length)
            new_strides.append(strides[dim] * step)
        else:
            return None
    n = len(items)
    if recorder.active:
        _record(t, BASIC_FEATURE)
    return t._view((*new_shape, *shape[n:]), (*new_strides, *strides[n:]), offset)


_BOUNDS = (int, type(None))


def _getitem(t: Tensor, index: Any) -> Tensor:
    view, advanced = _basic(t, index)
    if not advanced:
        _record(t, BASIC_FEATURE)
        return view
    _record(t, ADVANCED_FEATURE)
    # Each advanced item gives flat positions over the dimensions it indexes.
    parts: list[tuple[Tensor, int]] = []
    dims: list[int] = []
    for entry in advanced:
        p = entry.position
        if entry.index.dtype.is_bool:
            k = entry.index.ndim
            parts.append((nonzero_flat(entry.index), math.prod(view.shape[p:p + k])))
            dims.extend(range(p, p + k))
        else:
            parts.append((_checked(entry, view.shape[p]), view.shape[p]))
            dims.append(p)
    index_shape = broadcast_indices([positions.shape for positions, _ in parts])
    rest = [d for d in range(view.ndim) if d not in dims]
    rest_shape = tuple(view.shape[d] for d in rest)
    adjacent = dims == list(range(dims[0], dims[-1] + 1))
    if len(parts) == 1:
        # One index (or mask): gather along its (flattened) dimensions in place.
        positions, _ = parts[0]
        p, k = dims[0], len(dims)
        if k == 1 and positions.ndim == 1:
            # One 1-D index of one dimension: index_select's result has the final shape.
            return _op("index_select")(view, p, positions)
        source = view if k == 1 else _op("flatten")(view, p, p + k - 1)
        gathered = _op("index_select")(source, p, _op("reshape")(positions, (-1,)))
        return _op("reshape")(
            gathered, (*view.shape[:p], *index_shape, *view.shape[p + k:])
        )
    # Several: one flat position over the indexed dimensions, moved to the front.
    merged = math.prod(size for _, size in parts)
    source = _op("reshape")(_op("permute")(view, (*dims, *rest)), (merged, *rest_shape))
    linear: Tensor | None = None
    stride = 1
    for positions, size in reversed(parts):
        term = positions if stride == 1 else _op("mul")(positions, stride)
        linear = term if linear is None else _op("add")(linear, term)
        stride *= size
    assert linear is not None
    linear = _op("expand")(linear, index_shape)
    gathered = _op("index_select")(source, 0, _op("reshape")(linear, (-1,)))
    result = _op("reshape")(gathered, (*index_shape, *rest_shape))
    if adjacent and dims[0] > 0:
        nb, before = len(index_shape), dims[0]
        order = (*range(nb, nb + before), *range(nb), *range(nb + before, nb + len(rest)))
        result = _op("contiguous")(_op("permute")(result, order))
    return result


# x[index] = value -------------------------------------------------------------------


def _value_tensor(value: Any, like: Tensor) -> Tensor:
    """``value`` as a tensor of ``like``'s dtype on its device."""
    if not isinstance(value, Tensor):
        number = value.item() if isinstance(value, np.generic) else value
        if isinstance(number, (bool, int, float)):
            # The one rule for numbers written into tensors: x[i] = 2.5 into int64 is an
            # error, never a truncation.
            check_value(number, like.dtype)
            return number_tensor(number, like.dtype, like.device)
        return make_tensor(value, dtype=like.dtype, device=like.device)
    return to(value, like.device, like.dtype)


def _strip_leading_ones(value: Tensor, ndim: int) -> Tensor:
    # As in NumPy and PyTorch, leading size-1 dims of the value do not count.
    if value.ndim > ndim:
        extra = value.ndim - ndim
        if all(s == 1 for s in value.shape[:extra]):
            return _op("reshape")(value, value.shape[extra:])
    return value


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value`` (``Tensor.__setitem__``): ``value`` cast, broadcast, written in place.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 3)
        >>> x[0, 1:] = 1.0
        >>> x[x == 0] = -1.0
        >>> x[[1], [2]] = 7.0
        >>> x.tolist()
        [[-1.0, 1.0, 1.0], [-1.0, -1.0, 7.0]]
    """
    if type(value) in _NUMBERS and not (t._autograd is not None and is_grad_enabled()):
        view = _fast_view(t, index)
        if view is not None:
            # x[i] = number: the view and the number, without parsing the index again.
            with _naming("x[index] = value", t, index, value):
                check_writable(view)
                # As the general path: a backend needs no factory kernel to take a number.
                # The value is on view's device in its dtype: the operator, not Tensor.copy_.
                copy_into(view, _value_tensor(value, view))
            return
    with _naming("x[index] = value", t, index, value):
        _setitem(t, index, value)


_NUMBERS = (bool, int, float)


def _setitem(t: Tensor, index: Any, value: Any) -> None:
    if is_grad_enabled() and any(isinstance(v, Tensor) and requires_grad(v) for v in (t, value)):
        raise AutogradError(
            "x[index] = value writes part of a tensor in place, which autograd does not "
            "record when the tensor or the value requires grad. Fix: build the result out "
            "of place (pb.where(mask, value, x), pb.cat(...)), or write under pb.no_grad()"
        )
    view, advanced = _basic(t, index)
    check_writable(view)  # before any positions or values are computed on the device
    if not advanced:
        _record(t, BASIC_FEATURE)
        value = _value_tensor(value, view)
        copy_(view, _strip_leading_ones(value, view.ndim))
        return
    _record(t, ADVANCED_FEATURE)
    value = _value_tensor(value, view)
    only = advanced[0].index
    if len(advanced) == 1 and only.dtype.is_bool and only.ndim == view.ndim \
            and value.numel() == 1:
        # x[mask] = number: a select, with no positions to compute and no host read.
        copy_(view, _op("where")(only, _op("reshape")(value, ()), view))
        return
    indices: list[Tensor | None] = [None] * view.ndim
    for entry in advanced:
        p = entry.position
        if entry.index.dtype.is_bool:
            coords = unravel(nonzero_flat(entry.index), entry.index.shape)
            indices[p:p + len(coords)] = coords
        else:
            indices[p] = entry.index
    while indices and indices[-1] is None:
        indices.pop()
    target, _ = indexed_shape(view.shape, indices)
    _op("index_put_")(view, indices, _strip_leading_ones(value, len(target)), False)


# Errors of indexing ---------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"{value.dtype}[{', '.join(str(s) for s in value.shape)}] on {value.device}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    return f"{value!r:.40}"


@contextlib.contextmanager
def _naming(what: str, t: Tensor, index: Any, *value: Any) -> Iterator[None]:
    """Errors raised by indexing itself name it and its inputs, as operators' errors do;
    errors of the operators it calls already name those."""
    try:
        yield
    except PlugboardError as error:
        if error.op is not None:
            raise
        inputs = f"x={_describe(t)}, index={_describe(index)}"
        if value:
            inputs += f", value={_describe(value[0])}"
        raise error.in_op(what, inputs) from None
