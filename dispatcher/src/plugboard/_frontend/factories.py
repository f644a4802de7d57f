"""Creating tensors: from host data, and the factory operators' Python front ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from plugboard._core.device import Device, DeviceLike
from plugboard._core.dtype import DType, as_dtype, bool_, from_numpy_dtype, get_default_dtype, int64
from plugboard._core.errors import ArgumentError, DTypeError, PlugboardError, ShapeError
from plugboard._core.tensor import Storage, Tensor
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.dispatcher import handle
from plugboard._dispatch.registry import describe_value
from plugboard._dispatch.transfers import new_tensor, write_from_host
from plugboard._ops.meta import with_requires_grad

__all__ = [
    "arange",
    "asarray",
    "empty",
    "empty_like",
    "from_numpy",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "tensor",
    "zeros",
    "zeros_like",
]

DTypeLike = Any


def _tensor_op(name: str, *args: Any, **kwargs: Any) -> Tensor:
    """Call ``pb::name``, an operator that returns one tensor."""
    result: Tensor = handle(f"pb::{name}")(*args, **kwargs)
    return result


def _host_array(data: Any, dtype: DType | None) -> np.ndarray:
    """Host data as a NumPy array of a plugboard dtype, with PyTorch's inference rules."""
    if isinstance(data, np.ndarray):
        source = from_numpy_dtype(data.dtype)
        converted: np.ndarray = data.astype((dtype or source).numpy, copy=False)
        return converted
    if isinstance(data, np.generic):
        return _host_array(np.asarray(data), dtype)
    if isinstance(data, Tensor):
        return _host_array(data.numpy(), dtype)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_lists(data)
    try:
        array = np.asarray(data)
    except (ValueError, OverflowError, TypeError, RecursionError) as error:
        raise ShapeError(
            f"cannot make a tensor from this data: {str(error)[:200]}. Fix: pass numbers "
            "or nested lists of numbers, rectangular (every row the same length)"
        ) from None
    kind = array.dtype.kind
    if kind == "f":
        inferred = get_default_dtype()
    elif kind in "iu":
        inferred = int64
        if kind == "u" or array.dtype.itemsize > 8:
            raise DTypeError(
                "an integer in the data does not fit in int64. Fix: pass floats, or "
                "split the value"
            )
    elif kind == "b":
        inferred = bool_
    elif kind == "O" and all(isinstance(x, int) for x in _flat(data)):
        raise DTypeError(
            "an integer in the data does not fit in int64 (range -2**63 to 2**63-1). "
            "Fix: pass floats, or split the value"
        )
    elif kind in "OUS":
        raise DTypeError(
            f"cannot make a tensor from {type(data).__name__} data holding "
            f"{_first_bad(data)}: tensors hold bool, int and float values. Fix: pass "
            "numbers, or nested lists of numbers"
        )
    else:
        inferred = from_numpy_dtype(array.dtype)
    target = dtype or inferred
    if kind == "f" and not target.is_floating_point and not target.is_bool and array.size:
        if not np.isfinite(array).all():
            raise DTypeError(f"cannot store inf or nan in {target}. Fix: use a floating dtype")
        low, high = float(array.min()), float(array.max())
        if low < target.min or high > target.max:
            raise DTypeError(
                f"value {low if low < target.min else high} does not fit in {target} "
                f"(range {target.min} to {target.max}). Fix: pick a wider dtype"
            )
    if kind in "iu" and not target.is_floating_point and not target.is_bool and array.size:
        low, high = int(array.min()), int(array.max())
        if low < target.min or high > target.max:
            raise DTypeError(
                f"value {low if low < target.min else high} does not fit in {target} "
                f"(range {target.min} to {target.max}). Fix: pick a wider dtype"
            )
    if target.name == "bfloat16" and kind != "f":
        array = array.astype(np.float32)
    return array.astype(target.numpy, copy=False)


def _flat(data: Any) -> list[Any]:
    if isinstance(data, (list, tuple)):
        return [x for item in data for x in _flat(item)]
    return [data]


def _first_bad(data: Any) -> str:
    for x in _flat(data):
        if not isinstance(x, (bool, int, float, np.generic)):
            return f"a {type(x).__name__} ({x!r:.40})"
    return "non-numeric values"


def _tensors_to_lists(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def _dtype_or_none(dtype: DTypeLike) -> DType | None:
    return None if dtype is None else as_dtype(dtype)


@signature_checked("pb.tensor")
def tensor(
    data: Any, *, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, NumPy arrays).

    Python floats become the default float dtype (float32), ints int64, bools
    bool; NumPy arrays keep their dtype.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1., 2.], [3., 4.]])
        >>> x.dtype, x.shape
        (pb.float32, (2, 2))
    """
    try:
        array = _host_array(data, _dtype_or_none(dtype))
        target = Device(device) if device is not None else Device("cpu")
        result = new_tensor(array.shape, from_numpy_dtype(array.dtype), target)
    except PlugboardError as error:
        inputs = f"data={describe_value(data)}, dtype={dtype!r:.40}, device={device!r:.40}"
        raise error.in_op("pb.tensor", inputs) from None
    write_from_host(array, result)
    return with_requires_grad(
        requires_grad, "pb.tensor",
        lambda: result,
    )


def number_tensor(number: bool | int | float, dtype: DType, device: Device) -> Tensor:
    """A 0-d tensor of ``number``, which ``dtype`` holds (``check_value`` said so): what
    ``pb.tensor(number, dtype=dtype, device=device)`` makes, without its parsing. One
    host-to-device write, so it needs no factory kernel (``x[i] = 2.0`` on any backend)."""
    result = new_tensor((), dtype, device)
    write_from_host(np.asarray(number, dtype=dtype.numpy), result)
    return result


@signature_checked("pb.from_numpy")
def from_numpy(array: np.ndarray) -> Tensor:
    """A cpu tensor that shares memory with ``array`` (no copy).

    Example:
        >>> import numpy as np, plugboard as pb
        >>> a = np.zeros(3, dtype=np.float32)
        >>> x = pb.from_numpy(a)
        >>> a[0] = 5
        >>> x.tolist()
        [5.0, 0.0, 0.0]
    """
    if not isinstance(array, np.ndarray):
        raise ArgumentError(
            f"from_numpy takes a numpy.ndarray, not {type(array).__name__}. "
            "Fix: use pb.tensor(data) for other data",
            op="pb.from_numpy",
            inputs=f"array={describe_value(array)}",
        )
    dtype = from_numpy_dtype(array.dtype)
    itemsize = array.itemsize
    if any(s < 0 for s in array.strides) or any(s % itemsize for s in array.strides):
        raise ShapeError(
            f"from_numpy needs non-negative strides that are multiples of the item size; "
            f"this array has strides {array.strides}. Fix: pass array.copy()"
        )
    cpu = backend_source().get("cpu")
    if not cpu.runtime.host_memory:
        raise ArgumentError(
            "from_numpy needs a cpu backend with host memory. Fix: use pb.tensor(array), "
            "which copies",
            op="pb.from_numpy",
        )
    span = 1 + sum((n - 1) * (s // itemsize) for n, s in zip(array.shape, array.strides,
                                                          strict=True)) if array.size else 0
    flat = np.lib.stride_tricks.as_strided(array, shape=(span,), strides=(itemsize,))
    buffer = flat.view(np.uint8) if span else np.empty(0, np.uint8)
    # Memory NumPy owns: a plain Storage, which never frees it.
    storage = Storage(buffer, buffer.nbytes, Device("cpu"), cpu.runtime, cpu.key.mask)
    strides = tuple(s // itemsize for s in array.strides)
    return Tensor._make(storage, tuple(array.shape), strides, 0, dtype)


@signature_checked("pb.asarray")
def asarray(
    obj: Any,
    *,
    dtype: DTypeLike = None,
    device: DeviceLike | None = None,
    copy: bool | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``obj`` as a tensor, sharing memory when it can (``copy=None``).

    ``copy=True`` always copies; ``copy=False`` raises rather than copy.

    Example:
        >>> import numpy as np, plugboard as pb
        >>> a = np.arange(3)
        >>> pb.asarray(a).tolist()
        [0, 1, 2]
    """
    target_dtype = _dtype_or_none(dtype)
    target_device = Device(device) if device is not None else None
    if isinstance(obj, Tensor):
        needs_copy = (target_device not in (None, obj.device)) or (
            target_dtype not in (None, obj.dtype)
        )
        if copy is False and needs_copy:
            raise ArgumentError(
                "asarray(copy=False) cannot change a tensor's device or dtype without a copy. "
                "Fix: pass copy=None, which copies only when it must",
                op="pb.asarray",
                inputs=f"obj={describe_value(obj)}, dtype={dtype!r:.40}, device={device!r:.40}",
            )
        return _tensor_op("to", obj, target_device, target_dtype, bool(copy))
    shareable = (
        isinstance(obj, np.ndarray)
        and target_device in (None, Device("cpu"))
        and not copy
        and target_dtype in (None, from_numpy_dtype(obj.dtype))
    )
    if shareable:
        try:
            return from_numpy(obj)
        except ShapeError:
            if copy is False:
                raise
    if copy is False:
        raise ArgumentError(
            f"asarray(copy=False) cannot share memory with {type(obj).__name__} data. "
            "Fix: pass copy=None, which copies only when it must",
            op="pb.asarray",
            inputs=f"obj={describe_value(obj)}, dtype={dtype!r:.40}, device={device!r:.40}",
        )
    return with_requires_grad(
        requires_grad, "pb.asarray",
        lambda: tensor(obj, dtype=target_dtype, device=target_device),
    )


def _size(size: tuple[Any, ...]) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` both mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        return tuple(size[0])
    return tuple(size)


@signature_checked("pb::empty")
def empty(
    *size: Any, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialized tensor of ``size``.

    Example:
        >>> import plugboard as pb
        >>> pb.empty(2, 3).shape
        (2, 3)
    """
    return with_requires_grad(
        requires_grad, "pb::empty",
        lambda: _tensor_op("empty", _size(size), dtype=dtype, device=device),
    )


@signature_checked("pb::zeros")
def zeros(
    *size: Any, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of zeros (default dtype float32).

    Example:
        >>> import plugboard as pb
        >>> pb.zeros(2).tolist()
        [0.0, 0.0]
    """
    return with_requires_grad(
        requires_grad, "pb::zeros",
        lambda: _tensor_op("zeros", _size(size), dtype=dtype, device=device),
    )


@signature_checked("pb::ones")
def ones(
    *size: Any, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ones (default dtype float32).

    Example:
        >>> import plugboard as pb
        >>> pb.ones(2, dtype=pb.int32).tolist()
        [1, 1]
    """
    return with_requires_grad(
        requires_grad, "pb::ones",
        lambda: _tensor_op("ones", _size(size), dtype=dtype, device=device),
    )


@signature_checked("pb::full")
def full(
    size: Sequence[int], fill_value: bool | float, *, dtype: DTypeLike = None,
    device: DeviceLike | None = None, requires_grad: bool = False,
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from it).

    Example:
        >>> import plugboard as pb
        >>> pb.full((2,), 7).tolist()
        [7, 7]
    """
    return with_requires_grad(
        requires_grad, "pb::full",
        lambda: _tensor_op("full", size, fill_value, dtype=dtype, device=device),
    )


@signature_checked("pb::arange")
def arange(
    start: float, end: float | None = None, step: float = 1, *, dtype: DTypeLike = None,
    device: DeviceLike | None = None, requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` (default 0) up to, not including, ``end``, by ``step``.

    Example:
        >>> import plugboard as pb
        >>> pb.arange(4).tolist()
        [0, 1, 2, 3]
    """
    if end is None:
        start, end = 0, start
    return with_requires_grad(
        requires_grad, "pb::arange",
        lambda: _tensor_op("arange", start, end, step, dtype=dtype, device=device),
    )


@signature_checked("pb::empty_like")
def empty_like(
    t: Tensor, *, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialized tensor with ``t``'s shape (and dtype and device unless given)."""
    return with_requires_grad(
        requires_grad, "pb::empty_like",
        lambda: _tensor_op("empty_like", t, dtype=dtype, device=device),
    )


@signature_checked("pb::zeros_like")
def zeros_like(
    t: Tensor, *, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Zeros with ``t``'s shape (and dtype and device unless given)."""
    return with_requires_grad(
        requires_grad, "pb::zeros_like",
        lambda: _tensor_op("zeros_like", t, dtype=dtype, device=device),
    )


@signature_checked("pb::ones_like")
def ones_like(
    t: Tensor, *, dtype: DTypeLike = None, device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Ones with ``t``'s shape (and dtype and device unless given)."""
    return with_requires_grad(
        requires_grad, "pb::ones_like",
        lambda: _tensor_op("ones_like", t, dtype=dtype, device=device),
    )


@signature_checked("pb::full_like")
def full_like(
    t: Tensor, fill_value: bool | float, *, dtype: DTypeLike = None,
    device: DeviceLike | None = None, requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with ``t``'s shape (and dtype and device unless given)."""
    return with_requires_grad(
        requires_grad, "pb::full_like",
        lambda: _tensor_op("full_like", t, fill_value, dtype=dtype, device=device),
    )
