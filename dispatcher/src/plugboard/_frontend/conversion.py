"""``x.copy_(src)`` and ``x.to(...)``: copies and conversions as users call them."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DTYPE_NAMES, DType, as_dtype
from plugboard._core.errors import ArgumentError, PlugboardError, ShapeError
from plugboard._core.overlap import check_writable
from plugboard._core.tensor import Tensor, host_array
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.dispatcher import contiguous, copy_into, handle, move
from plugboard._dispatch.registry import describe_values, get_op
from plugboard._dispatch.transfers import (
    queue_to_host,
    to_device_non_blocking,
    to_host_non_blocking,
)
from plugboard._frontend.factories import tensor
from plugboard._ops.meta import broadcast_shapes

__all__ = ["copy_", "to", "to_method"]


@signature_checked("pb::copy_")
def copy_(dst: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` into ``dst`` in place: broadcasting, casting, across devices.

    ``non_blocking=True`` lets a copy from a device into a contiguous cpu tensor
    of the same dtype and shape run on the device's current stream while the
    host goes on; reading ``dst`` on the host waits for it.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 2)
        >>> _ = x.copy_(pb.tensor([1, 2]))
        >>> x.tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if isinstance(dst, Tensor):
        try:
            check_writable(dst)  # before src is made or moved
        except PlugboardError as error:
            raise error.in_op(_COPY, _inputs(_COPY, dst, src)) from None
    if isinstance(dst, Tensor) and not isinstance(src, Tensor):
        try:
            src = tensor(src, dtype=dst.dtype, device=dst.device)
        except PlugboardError as error:
            raise error.in_op(_COPY, _inputs(_COPY, dst, src)) from None
    if not isinstance(non_blocking, bool):
        raise ArgumentError(
            f"non_blocking must be a bool, not {type(non_blocking).__name__}. Fix: pass "
            "non_blocking=True or False", op=_COPY, inputs=_inputs(_COPY, dst, src),
        )
    if (non_blocking and isinstance(dst, Tensor) and isinstance(src, Tensor)
            and _queues_to_host(dst, src)):
        return dst
    if isinstance(dst, Tensor) and isinstance(src, Tensor) and src.device != dst.device:
        if broadcast_shapes(dst.shape, src.shape) != dst.shape:
            raise ShapeError(
                f"cannot copy a tensor of shape {src.shape} into one of shape {dst.shape}. "
                "Fix: copy a tensor that broadcasts to the target's shape",
                op=_COPY,
                inputs=_inputs(_COPY, dst, src),
            )
        src = move(src, dst.device)
    copy_into(dst, src)  # the operator checks what is left (dst must be a tensor)
    return dst


_COPY: Final = "pb::copy_"


def _inputs(op: str, *values: Any) -> str:
    return describe_values(get_op(op).schema, values)


def _queues_to_host(dst: Tensor, src: Tensor) -> bool:
    """Queue a device-to-host copy into ``dst`` where it can be one; whether it was."""
    runtime = src.untyped_storage().runtime
    if not (runtime.has_async_copies and dst.device.type == "cpu" and src.device != dst.device
            and dst.is_contiguous() and dst.dtype is src.dtype and dst.shape == src.shape):
        return False
    if dst.nbytes:
        bytes_view = host_array(dst).reshape(-1).view(np.uint8)
        queue_to_host(contiguous(src), bytes_view, dst.untyped_storage())
    return True


def to(t: Tensor, device: Device | None = None, dtype: DType | None = None,
       copy: bool = False) -> Tensor:
    """``t`` on ``device`` in ``dtype``: the ``pb::to`` operator."""
    result: Tensor = handle("pb::to")(t, device, dtype, copy)
    return result


def to_method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``x.to(device)``, ``x.to(dtype)``, ``x.to(device, dtype)``, ``x.to(other_tensor)``.

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([1, 2]).to(pb.float32).dtype
        pb.float32
    """
    options = dict(kwargs)
    device: Any = options.pop("device", None)
    dtype: Any = options.pop("dtype", None)
    copy: Any = options.pop("copy", False)
    non_blocking = options.pop("non_blocking", False)
    if not isinstance(non_blocking, bool):
        raise ArgumentError(
            f"non_blocking must be a bool, not {type(non_blocking).__name__}. Fix: pass "
            "non_blocking=True or False", op="pb::to",
            inputs=_inputs("pb::to", self, device, dtype, copy),
        )
    if options:
        raise ArgumentError(
            f"to() got unexpected keyword argument(s) {sorted(options)}. Fix: pass device=, "
            "dtype= or copy=",
            op="pb::to",
            inputs=_inputs("pb::to", self, device, dtype, copy),
        )
    # Positional arguments are told apart by type: x.to("cpu"), x.to(pb.int64), x.to(y).
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, Device) or (isinstance(arg, str) and _looks_like_device(arg)):
            device = arg
        elif arg is not None:
            dtype = arg
    if non_blocking and device is not None and Device(device) != self.device:
        return _to_non_blocking(self, Device(device), None if dtype is None else as_dtype(dtype))
    return to(self, device, dtype, copy)  # the operator converts and checks them


def _to_non_blocking(t: Tensor, device: Device, dtype: DType | None) -> Tensor:
    """``t.to(device, dtype, non_blocking=True)``: the transfer queued on the current stream."""
    if dtype is not None and dtype is not t.dtype:
        t = to(t, None, dtype)  # cast on the source device, then move
    if device.type == "cpu":
        return to_host_non_blocking(contiguous(t))
    if t.untyped_storage().runtime.host_memory:
        return to_device_non_blocking(t, device)
    return move(t, device)


def _looks_like_device(text: str) -> bool:
    return text not in DTYPE_NAMES
