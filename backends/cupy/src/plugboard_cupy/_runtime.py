"""Discovery, memory, copies, streams and events on CuPy: the ``DeviceRuntime`` of every
CuPy-based backend, one instance per :class:`~plugboard_cupy.Platform`.

Buffers come from the core's :class:`~plugboard.backend.CachingAllocator` over the
runtime's malloc and free (``cudaMalloc``, ``hipMalloc``: CuPy's ``cupy.cuda.runtime``
is either, by build), one per device, pooled per stream so that a block is reused
only in stream order; handles are :class:`~plugboard.backend.Block` objects whose
``buffer`` is the device address. Streams are CuPy streams (``non_blocking``: they do
not serialise with the legacy default stream), events CuPy events. Every call runs
with its device current. Device errors reported late (a kernel's fault) surface from
``synchronize`` and the other waits as the platform's error (``CUDAError``,
``HIPError``), which the core turns into ``pb.DeviceFaultError`` naming the operator.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

import plugboard as pb
from plugboard import backend
from plugboard.backend import Availability, Block, CachingAllocator, DeviceProperties, KernelTable

from ._errors import translated
from ._platform import Platform, Probe

__all__ = ["CuPyBackend", "CuPyRuntime", "properties_of"]

# cudaMemcpyKind and hipMemcpyKind agree.
_HOST_TO_DEVICE, _DEVICE_TO_HOST, _DEVICE_TO_DEVICE = 1, 2, 3


def properties_of(props: Mapping[str, Any], found: Probe, platform: Platform) -> DeviceProperties:
    """``DeviceProperties`` from ``cudaGetDeviceProperties``' (or ``hipGetDeviceProperties``')
    dictionary, as CuPy gives it; the platform adds its own entries to ``extra``.

    >>> from plugboard_cupy import CUDAError, CUDAOutOfMemoryError
    >>> cuda = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
    ...                 dlpack_device_type=2, error=CUDAError,
    ...                 out_of_memory_error=CUDAOutOfMemoryError, out_of_memory_names=(),
    ...                 status_tool="nvidia-smi", probe=lambda: Probe(1),
    ...                 describe=lambda p: f"driver {p.driver_version}")
    >>> p = properties_of({"name": b"NVIDIA H200", "totalGlobalMem": 150 << 30,
    ...                    "multiProcessorCount": 132}, Probe(1, "", 13000, 13000), cuda)
    >>> p.name, p.total_memory >> 30, p.driver, p.extra
    ('NVIDIA H200', 150, 'driver 13000', {'multiprocessors': 132})
    """
    name = props.get("name", b"")
    return DeviceProperties(
        name=name.decode() if isinstance(name, bytes) else str(name),
        total_memory=int(props.get("totalGlobalMem", 0)),
        driver=platform.describe(found),
        dtypes=platform.dtypes,
        extra={
            **platform.extra_properties(props),
            "multiprocessors": int(props.get("multiProcessorCount", 0)),
        },
    )


class _Device:
    """What the runtime keeps for a device (``cuda:0``): its allocator and default stream."""

    def __init__(self, cupy: Any, index: int, platform: Platform):
        self.cupy = cupy
        self.index = index
        self.platform = platform
        self.label = platform.label(index)
        with cupy.cuda.Device(index):
            self.default_stream = cupy.cuda.Stream(non_blocking=True)
        self.allocator = CachingAllocator(self._malloc, self._free, self.label, self.synchronize)

    def _malloc(self, nbytes: int) -> int:
        with self.cupy.cuda.Device(self.index), translated(f"allocating {nbytes} bytes",
                                                          self.label, self.platform):
            return int(self.cupy.cuda.runtime.malloc(nbytes))

    def _free(self, pointer: int) -> None:
        with self.cupy.cuda.Device(self.index):
            self.cupy.cuda.runtime.free(pointer)

    def synchronize(self) -> None:
        with self.cupy.cuda.Device(self.index), translated("synchronize", self.label,
                                                          self.platform):
            self.cupy.cuda.runtime.deviceSynchronize()


class CuPyRuntime(backend.DeviceRuntime):
    """A platform's devices through CuPy, probed on first use.

    ``version`` is the backend's release and ``kernels`` its table: while the table is
    empty the backend reports itself unavailable (even with a GPU) rather than failing
    operator by operator.

    Example:
        >>> from plugboard_cupy import CUDAError, CUDAOutOfMemoryError
        >>> platform = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
        ...                     dlpack_device_type=2, error=CUDAError,
        ...                     out_of_memory_error=CUDAOutOfMemoryError,
        ...                     out_of_memory_names=(), status_tool="nvidia-smi",
        ...                     probe=lambda: Probe(0, "no NVIDIA driver"))
        >>> runtime = CuPyRuntime(platform, "0.1.0", KernelTable([]))
        >>> runtime.availability().reason, runtime.device_count(), runtime.dlpack_device(1)
        ('no NVIDIA driver', 0, (2, 1))
    """

    has_streams = True
    has_async_copies = True

    def __init__(self, platform: Platform, version: str, kernels: KernelTable):
        self.platform = platform
        self.version = version
        self.kernels = kernels
        self._lock = threading.Lock()
        self._probe: Probe | None = None
        self._devices: list[_Device] = []

    @property
    def found(self) -> Probe:
        """The platform's probe, asked once."""
        with self._lock:
            if self._probe is None:
                self._probe = self.platform.probe()
            return self._probe

    def _translated(self, what: str, index: int) -> AbstractContextManager[None]:
        return translated(what, self.platform.label(index), self.platform)

    def _device(self, index: int) -> _Device:
        with self._lock:
            while len(self._devices) <= index:
                self._devices.append(_Device(self.platform.cupy(), len(self._devices),
                                             self.platform))
            return self._devices[index]

    # Discovery ------------------------------------------------------------------------
    def availability(self) -> Availability:
        found = self.found
        if not found.devices:
            return Availability.no(found.reason)
        if not self.kernels.names():
            platform = self.platform
            return Availability.no(
                f"found {found.devices} GPU(s) ({platform.describe(found)}), but "
                f"{platform.distribution} {self.version} registers no kernels. Fix: "
                "give the backend plugboard_cupy.kernel_table(PLATFORM), or use 'cpu'"
            )
        return Availability.yes()

    def device_count(self) -> int:
        return 0 if not self.availability().available else self.found.devices

    def device_properties(self, index: int) -> DeviceProperties:
        cupy = self.platform.cupy()
        with self._translated("reading the device's properties", index):
            props = cupy.cuda.runtime.getDeviceProperties(index)
        return properties_of(props, self.found, self.platform)

    # Memory ---------------------------------------------------------------------------
    def _stream(self, device: _Device) -> Any:
        handle = backend.current_stream_handle(pb.Device(self.platform.device_type, device.index))
        return device.default_stream if handle is None else handle

    def allocate(self, nbytes: int, index: int) -> Block:
        device = self._device(index)
        return device.allocator.allocate(nbytes, self._stream(device))

    def free(self, handle: Any, index: int) -> None:
        self._device(index).allocator.free(handle)

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        device = self._device(index)
        data = np.ascontiguousarray(src).reshape(-1).view(np.uint8)
        with device.cupy.cuda.Device(index), self._translated(
                f"copying {data.nbytes} bytes to the device", index):
            # Ordered after the stream's work on the buffer, and done before returning
            # (the host array may change next).
            self._stream(device).synchronize()
            device.cupy.cuda.runtime.memcpy(dst.buffer + dst_offset, data.ctypes.data,
                                            data.nbytes, _HOST_TO_DEVICE)

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        device = self._device(index)
        flat = dst.reshape(-1).view(np.uint8)
        with device.cupy.cuda.Device(index), self._translated(
                f"copying {flat.nbytes} bytes to the host", index):
            self._stream(device).synchronize()
            device.cupy.cuda.runtime.memcpy(flat.ctypes.data, src.buffer + src_offset,
                                            flat.nbytes, _DEVICE_TO_HOST)

    def copy_between(self, dst: Any, dst_offset: int, dst_index: int, src: Any,
                     src_offset: int, src_index: int, nbytes: int) -> None:
        if nbytes == 0:
            return
        target, source = self._device(dst_index), self._device(src_index)
        runtime = target.cupy.cuda.runtime
        with target.cupy.cuda.Device(dst_index), self._translated(
                f"copying {nbytes} bytes from {source.label}", dst_index):
            if target is source:
                runtime.memcpyAsync(dst.buffer + dst_offset, src.buffer + src_offset, nbytes,
                                    _DEVICE_TO_DEVICE, self._stream(target).ptr)
            else:
                # A peer copy (through the host where peer access is off): after the
                # source's queued work, before the target's next.
                self._stream(source).synchronize()
                runtime.memcpyPeer(dst.buffer + dst_offset, dst_index,
                                   src.buffer + src_offset, src_index, nbytes)

    def synchronize(self, index: int) -> None:
        self._device(index).synchronize()

    def memory_stats(self, index: int) -> dict[str, int]:
        return self._device(index).allocator.memory_stats()

    def empty_cache(self, index: int) -> int:
        return self._device(index).allocator.empty_cache()

    # Non-blocking copies through pinned memory ------------------------------------------
    def pinned_host_buffer(self, nbytes: int, index: int) -> np.ndarray | None:
        device = self._device(index)
        with self._translated(f"allocating {nbytes} bytes of pinned host memory", index):
            memory = device.cupy.cuda.alloc_pinned_memory(max(nbytes, 1))
        # The array keeps the pinned allocation alive through its base.
        return np.frombuffer(memory, np.uint8, nbytes)

    def copy_to_host_async(self, dst: np.ndarray, src: Any, src_offset: int, index: int,
                           stream: Any) -> None:
        device = self._device(index)
        with device.cupy.cuda.Device(index), self._translated(
                f"queueing {dst.nbytes} bytes to the host", index):
            device.cupy.cuda.runtime.memcpyAsync(
                dst.ctypes.data, src.buffer + src_offset, dst.nbytes, _DEVICE_TO_HOST,
                (stream or device.default_stream).ptr)

    def copy_from_host_async(self, dst: Any, dst_offset: int, src: np.ndarray, index: int,
                             stream: Any) -> None:
        device = self._device(index)
        data = np.array(src, copy=True).reshape(-1).view(np.uint8)  # src may change next
        queue = stream or device.default_stream
        with device.cupy.cuda.Device(index), self._translated(
                f"queueing {data.nbytes} bytes to the device", index):
            device.cupy.cuda.runtime.memcpyAsync(dst.buffer + dst_offset, data.ctypes.data,
                                                 data.nbytes, _HOST_TO_DEVICE, queue.ptr)
            # The runtime may read a pageable source after memcpyAsync returns: wait for the
            # copy, so that `data` may be freed (the stream's earlier work runs first).
            queue.synchronize()

    # Streams and events: CuPy's ------------------------------------------------------------
    def default_stream(self, index: int) -> Any:
        return self._device(index).default_stream

    def create_stream(self, index: int) -> Any:
        device = self._device(index)
        with device.cupy.cuda.Device(index):
            return device.cupy.cuda.Stream(non_blocking=True)

    def stream_synchronize(self, stream: Any, index: int) -> None:
        with self._translated("synchronize a stream", index):
            stream.synchronize()

    def stream_query(self, stream: Any, index: int) -> bool:
        return bool(stream.done)

    def create_event(self, index: int, timing: bool) -> Any:
        device = self._device(index)
        with device.cupy.cuda.Device(index):
            return device.cupy.cuda.Event(disable_timing=not timing)

    def record_event(self, event: Any, stream: Any, index: int) -> Any:
        event.record(stream)
        return event

    def wait_event(self, stream: Any, event: Any, index: int) -> None:
        stream.wait_event(event)

    def event_query(self, event: Any, index: int) -> bool:
        return bool(event.done)

    def event_synchronize(self, event: Any, index: int) -> None:
        with self._translated("wait for an event", index):
            event.synchronize()

    def event_elapsed_ms(self, start: Any, end: Any, index: int) -> float:
        return float(self._device(index).cupy.cuda.get_elapsed_time(start, end))

    # DLPack -------------------------------------------------------------------------------
    def dlpack_device(self, index: int) -> tuple[int, int] | None:
        return (self.platform.dlpack_device_type, index)

    def data_pointer(self, handle: Any) -> int:
        return int(handle.buffer)




class CuPyBackend:
    """A CuPy backend's plugin hooks and its one runtime: the entry point module of
    plugboard-cuda and plugboard-rocm re-exports the three hooks as its own.

    Example:
        >>> from plugboard.backend import KernelTable
        >>> from plugboard_cupy import HIPError, HIPOutOfMemoryError
        >>> rocm = Platform(name="ROCm", device_type="rocm", distribution="plugboard-rocm",
        ...                 dlpack_device_type=10, error=HIPError,
        ...                 out_of_memory_error=HIPOutOfMemoryError, out_of_memory_names=(),
        ...                 status_tool="rocm-smi", probe=lambda: Probe(0, "no ROCm"))
        >>> plugin = CuPyBackend(rocm, "ROCm", "0.1.0", KernelTable([]))
        >>> info = plugin.plugboard_backend_info()
        >>> info.device_type, info.dispatch_key, info.distribution
        ('rocm', 'ROCm', 'plugboard-rocm')
        >>> plugin.plugboard_device_runtime().availability().reason
        'no ROCm'
    """

    def __init__(self, platform: Platform, dispatch_key: str, version: str,
                 kernels: KernelTable):
        self.platform = platform
        self.dispatch_key = dispatch_key
        self.version = version
        self.kernels = kernels
        self.runtime = CuPyRuntime(platform, version, kernels)

    @backend.hookimpl
    def plugboard_backend_info(self) -> backend.BackendInfo:
        return backend.BackendInfo(
            device_type=self.platform.device_type,
            dispatch_key=self.dispatch_key,
            version=self.version,
            api_version=backend.API_VERSION,
            distribution=self.platform.distribution,
        )

    @backend.hookimpl
    def plugboard_device_runtime(self) -> backend.DeviceRuntime:
        return self.runtime

    @backend.hookimpl
    def plugboard_register_kernels(self, library: pb.Library) -> None:
        self.kernels.register(library)
