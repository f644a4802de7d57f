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
from plugboard._core.tensor import Storage, Tensor, contiguous_strides, host_array, read_to_host
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.streams import Event, current_stream, current_stream_handle

__all__ = [
    "new_tensor", "queue_to_host", "read_to_host", "to_device", "to_device_non_blocking",
    "to_host_non_blocking", "write_from_host",
]


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


def to_host_non_blocking(src: Tensor) -> Tensor:
    """A cpu copy of the contiguous device tensor ``src``, queued on its current stream.

    Returns at once where the runtime copies asynchronously (``has_async_copies``):
    the copy lands in a pinned host buffer when the runtime gives one, and the
    result waits for it before the host reads it (``Storage.pending``). Other
    runtimes copy as :func:`to_device` does.
    """
    runtime = src.untyped_storage().runtime
    device = src.device
    cpu = backend_source().get("cpu")
    if not runtime.has_async_copies or runtime.host_memory:
        return to_device(src, Device("cpu"))
    nbytes = src.nbytes
    buffer = runtime.pinned_host_buffer(nbytes, device.index)
    if buffer is None:
        buffer = np.empty(nbytes, dtype=np.uint8)
    storage = Storage(buffer, nbytes, Device("cpu"), cpu.runtime, cpu.key.mask)
    result = Tensor._make(storage, src.shape, contiguous_strides(src.shape), 0, src.dtype)
    if nbytes:
        queue_to_host(src, buffer, storage)
    return result


def queue_to_host(src: Tensor, dst: np.ndarray, storage: Storage) -> None:
    """Queue the bytes of the contiguous device tensor ``src`` into ``dst`` (1-D uint8),
    on the current stream; ``storage`` (which holds ``dst``) waits for them before reads."""
    source = src.untyped_storage()
    stream = current_stream(src.device)
    source.runtime.copy_to_host_async(
        dst, source.handle, src.storage_offset() * src.itemsize, src.device.index,
        current_stream_handle(src.device),
    )
    storage.pending = Event().record(stream)


def to_device_non_blocking(src: Tensor, device: Device) -> Tensor:
    """A copy of the contiguous host tensor ``src`` on ``device``, queued on its current
    stream where the runtime copies asynchronously (else as :func:`to_device`)."""
    result = new_tensor(src.shape, src.dtype, device)
    target = result.untyped_storage()
    if not target.runtime.has_async_copies or not src.untyped_storage().runtime.host_memory:
        write_from_host(read_to_host(src), result)
        return result
    if result.nbytes:
        target.runtime.copy_from_host_async(
            target.handle, 0, np.ascontiguousarray(host_array(src)).reshape(-1).view(np.uint8),
            device.index, current_stream_handle(device),
        )
    return result
