"""Copies: host <-> device, device <-> device, casts and ``contiguous``.

Within one device, every copy is the ``pb::copy_`` primitive (strided,
cross-dtype). Between devices, the core moves contiguous bytes with the
backends' runtime copies: directly within one backend, through the host
between two backends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._device import Device
from ._errors import ShapeError
from ._tensor import Tensor, host_array

if TYPE_CHECKING:
    from ._dtype import DType

__all__ = ["cast", "clone", "contiguous", "copy_", "to", "to_device", "to_host"]


def _copy_op() -> Any:
    from ._dispatcher import handle

    return handle("pb::copy_")


def _new_like(t: Tensor, dtype: DType | None = None, device: Device | None = None) -> Tensor:
    from ._plugins import get_backend
    from ._registry import TensorSpec

    device = device or t.device
    return get_backend(device.type).new_tensor(TensorSpec(t.shape, dtype or t.dtype, device))


def contiguous(t: Tensor) -> Tensor:
    """``t`` itself when contiguous, else a contiguous copy on the same device."""
    if t.is_contiguous():
        return t
    return clone(t)


def clone(t: Tensor) -> Tensor:
    """A contiguous copy of ``t`` on the same device."""
    result = _new_like(t)
    _copy_op()(result, t)
    return result


def cast(t: Tensor, dtype: DType) -> Tensor:
    """``t`` converted to ``dtype`` on its device (a copy, unless it already is ``dtype``)."""
    if t.dtype is dtype:
        return t
    result = _new_like(t, dtype=dtype)
    _copy_op()(result, t)
    return result


def to_host(t: Tensor) -> np.ndarray:
    """A C-contiguous NumPy copy of ``t``'s values; waits for the device."""
    if t.untyped_storage().runtime.host_memory:
        return np.array(host_array(t), copy=True)
    src = contiguous(t)
    result = np.empty(src.shape, dtype=src.dtype.numpy)
    if result.nbytes:
        storage = src.untyped_storage()
        storage.runtime.copy_to_host(
            result, storage.handle, src.storage_offset() * src.itemsize, storage.device.index
        )
    return result


def from_host(array: np.ndarray, dst: Tensor) -> None:
    """Write the host array's bytes into the contiguous tensor ``dst``."""
    array = np.ascontiguousarray(array)
    if array.nbytes == 0:
        return
    storage = dst.untyped_storage()
    storage.runtime.copy_from_host(
        storage.handle, dst.storage_offset() * dst.itemsize, array, storage.device.index
    )


def to_device(t: Tensor, device: Device) -> Tensor:
    """A contiguous copy of ``t`` on ``device`` (``t`` itself if it is there already)."""
    if t.device == device:
        return t
    result = _new_like(t, device=device)
    if result.nbytes == 0:
        return result
    runtime = t.untyped_storage().runtime
    if runtime is result.untyped_storage().runtime:
        # Same backend, other device: the backend copies contiguous bytes directly.
        src = contiguous(t)
        runtime.copy_between(
            result.untyped_storage().handle, 0, device.index,
            src.untyped_storage().handle, src.storage_offset() * src.itemsize,
            src.device.index, src.nbytes,
        )
    elif runtime.host_memory:
        from_host(host_array(t), result)
    else:
        from_host(to_host(t), result)
    return result


def copy_(dst: Tensor, src: Any) -> Tensor:
    """Copy ``src`` into ``dst`` in place: broadcasting, casting, across devices.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 2)
        >>> _ = x.copy_(pb.tensor([1, 2]))
        >>> x.tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if not isinstance(src, Tensor):
        from ._factories import tensor

        src = tensor(src, dtype=dst.dtype, device=dst.device)
    if src.device != dst.device:
        from ._meta import broadcast_shapes

        if broadcast_shapes(dst.shape, src.shape) != dst.shape:
            raise ShapeError(
                f"copy_: cannot copy a tensor of shape {src.shape} into one of shape "
                f"{dst.shape}"
            )
        src = to_device(src, dst.device)
    _copy_op()(dst, src)
    return dst


def to(
    self: Tensor,
    device: Device | None = None,
    dtype: DType | None = None,
    copy: bool = False,
) -> Tensor:
    """``self`` on ``device`` in ``dtype``; ``self`` itself if nothing changes (unless ``copy``)."""
    device = device or self.device
    dtype = dtype or self.dtype
    if device == self.device and dtype is self.dtype:
        return clone(self) if copy else self
    if device != self.device:
        # Cast where the data is smaller, so fewer bytes travel.
        if dtype.itemsize < self.dtype.itemsize:
            return to_device(cast(self, dtype), device)
        moved = to_device(self, device)
        return cast(moved, dtype) if dtype is not self.dtype else moved
    return cast(self, dtype)
