"""Moving bytes between the host and devices, through the backends' runtimes.

These are the runtime-level copies under every conversion: host data into a
tensor, a tensor's values out to the host, and a contiguous tensor onto
another device (directly within one backend, through the host between two).
Copies within a device are the ``pb::copy_`` operator, which the dispatcher
calls (:func:`plugboard._dispatch.dispatcher.contiguous`, ``cast``).
"""

from __future__ import annotations

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DType
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import Tensor, host_array, read_to_host
from plugboard._dispatch.backends import backend_source

__all__ = ["new_tensor", "read_to_host", "to_device", "write_from_host"]


def new_tensor(shape: tuple[int, ...], dtype: DType, device: Device) -> Tensor:
    """An uninitialized contiguous tensor on ``device`` (its backend allocates it)."""
    return backend_source().get(device.type).new_tensor(TensorSpec(shape, dtype, device))


def write_from_host(array: np.ndarray, dst: Tensor) -> None:
    """Write the host array's bytes into the contiguous tensor ``dst``."""
    array = np.ascontiguousarray(array)
    if array.nbytes == 0:
        return
    storage = dst.untyped_storage()
    storage.runtime.copy_from_host(
        storage.handle, dst.storage_offset() * dst.itemsize, array, storage.device.index
    )


def to_device(src: Tensor, device: Device) -> Tensor:
    """A contiguous copy of ``src`` on ``device`` (``src`` itself if it is there already).

    Between two devices of one backend, ``src`` must be contiguous: the
    dispatcher's ``move`` makes it so on its own device first, where that copy
    is cheapest. From host memory, or through the host, any strides go.
    """
    if src.device == device:
        return src
    result = new_tensor(src.shape, src.dtype, device)
    if result.nbytes == 0:
        return result
    runtime = src.untyped_storage().runtime
    if runtime is result.untyped_storage().runtime:
        # Same backend, other device: the backend copies contiguous bytes directly.
        assert src.is_contiguous(), "to_device() needs a contiguous source on a device"
        runtime.copy_between(
            result.untyped_storage().handle, 0, device.index,
            src.untyped_storage().handle, src.storage_offset() * src.itemsize,
            src.device.index, src.nbytes,
        )
    elif runtime.host_memory:
        write_from_host(host_array(src), result)
    else:
        write_from_host(read_to_host(src), result)
    return result
