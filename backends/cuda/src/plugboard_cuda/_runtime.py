"""Discovery, memory, copies, streams and events on CUDA: the backend's ``DeviceRuntime``.

Buffers come from the core's :class:`~plugboard.backend.CachingAllocator` over
``cudaMalloc``/``cudaFree``, one per device, pooled per stream so that a block
is reused only in stream order; handles are :class:`~plugboard.backend.Block`
objects whose ``buffer`` is the device address. Streams are CuPy streams
(``non_blocking``: they do not serialise with CUDA's legacy default stream), events
CuPy events. Every call runs with its device current. Device errors reported
late (a kernel's fault) surface from ``synchronize`` and the other waits as
:class:`~plugboard_cuda.CUDAError`, which the core turns into
``pb.DeviceFaultError`` naming the operator.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

import plugboard as pb
from plugboard import backend
from plugboard.backend import Availability, Block, CachingAllocator, DeviceProperties

from . import __version__
from ._errors import translated
from ._probe import Probe, describe, probe

__all__ = ["CUDA_DTYPES", "CudaRuntime", "properties_of"]

# Every plugboard dtype: CUDA computes float64 natively, float16 as __half and bfloat16
# as __nv_bfloat16 (sm_80 and newer).
CUDA_DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16,
               pb.bfloat16, pb.float32, pb.float64)

# cudaMemcpyKind
_HOST_TO_DEVICE, _DEVICE_TO_HOST, _DEVICE_TO_DEVICE = 1, 2, 3
_KDL_CUDA = 2  # DLPack's device type of CUDA memory


def properties_of(props: dict[str, Any], found: Probe) -> DeviceProperties:
    """``DeviceProperties`` from ``cudaGetDeviceProperties``' dictionary (CuPy's form).

    >>> p = properties_of({"name": b"NVIDIA H200", "totalGlobalMem": 150 << 30,
    ...                    "major": 9, "minor": 0, "multiProcessorCount": 132},
    ...                   Probe(1, "", 13000, 13000))
    >>> p.name, p.extra["compute_capability"], p.driver
    ('NVIDIA H200', '9.0', 'CUDA driver 13.0, runtime 13.0')
    """
    name = props.get("name", b"")
    return DeviceProperties(
        name=name.decode() if isinstance(name, bytes) else str(name),
        total_memory=int(props.get("totalGlobalMem", 0)),
        driver=describe(found),
        dtypes=CUDA_DTYPES,
        extra={
            "compute_capability": f"{props.get('major', 0)}.{props.get('minor', 0)}",
            "multiprocessors": int(props.get("multiProcessorCount", 0)),
        },
    )


class _Device:
    """What the runtime keeps for ``cuda:index``: its allocator and default stream."""

    def __init__(self, cupy: Any, index: int):
        self.cupy = cupy
        self.index = index
        self.label = f"cuda:{index}"
        with cupy.cuda.Device(index):
            self.default_stream = cupy.cuda.Stream(non_blocking=True)
        self.allocator = CachingAllocator(self._malloc, self._free, self.label, self.synchronize)

    def _malloc(self, nbytes: int) -> int:
        with self.cupy.cuda.Device(self.index), translated(f"allocating {nbytes} bytes",
                                                          self.label):
            return int(self.cupy.cuda.runtime.malloc(nbytes))

    def _free(self, pointer: int) -> None:
        with self.cupy.cuda.Device(self.index):
            self.cupy.cuda.runtime.free(pointer)

    def synchronize(self) -> None:
        with self.cupy.cuda.Device(self.index), translated("synchronize", self.label):
            self.cupy.cuda.runtime.deviceSynchronize()


class CudaRuntime(backend.DeviceRuntime):
    """CUDA's devices through CuPy, probed on first use."""

    has_streams = True
    has_async_copies = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._probe: Probe | None = None
        self._devices: list[_Device] = []

    @property
    def found(self) -> Probe:
        with self._lock:
            if self._probe is None:
                self._probe = probe()
            return self._probe

    def _device(self, index: int) -> _Device:
        with self._lock:
            while len(self._devices) <= index:
                import cupy

                self._devices.append(_Device(cupy, len(self._devices)))
            return self._devices[index]

    # Discovery ------------------------------------------------------------------------
    def availability(self) -> Availability:
        found = self.found
        if not found.devices:
            return Availability.no(found.reason)
        return Availability.no(
            f"found {found.devices} GPU(s) ({describe(found)}), but plugboard-cuda "
            f"{__version__} has no kernels yet: they are generated from the operator tables "
            "of the OpenCL backend in a coming release. Fix: use 'opencl' or 'cpu' for now"
        )

    def device_count(self) -> int:
        return 0 if not self.availability().available else self.found.devices

    def device_properties(self, index: int) -> DeviceProperties:
        import cupy

        with translated("reading the device's properties", f"cuda:{index}"):
            props = cupy.cuda.runtime.getDeviceProperties(index)
        return properties_of(props, self.found)

    # Memory ---------------------------------------------------------------------------
    def _stream(self, device: _Device) -> Any:
        handle = backend.current_stream_handle(pb.Device("cuda", device.index))
        return device.default_stream if handle is None else handle

    def allocate(self, nbytes: int, index: int) -> Block:
        device = self._device(index)
        return device.allocator.allocate(nbytes, self._stream(device))

    def free(self, handle: Any, index: int) -> None:
        self._device(index).allocator.free(handle)

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        device = self._device(index)
        data = np.ascontiguousarray(src).reshape(-1).view(np.uint8)
        with device.cupy.cuda.Device(index), translated(
                f"copying {data.nbytes} bytes to the device", device.label):
            # Ordered after the stream's work on the buffer, and done before returning
            # (the host array may change next).
            self._stream(device).synchronize()
            device.cupy.cuda.runtime.memcpy(dst.buffer + dst_offset, data.ctypes.data,
                                            data.nbytes, _HOST_TO_DEVICE)

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        device = self._device(index)
        flat = dst.reshape(-1).view(np.uint8)
        with device.cupy.cuda.Device(index), translated(
                f"copying {flat.nbytes} bytes to the host", device.label):
            self._stream(device).synchronize()
            device.cupy.cuda.runtime.memcpy(flat.ctypes.data, src.buffer + src_offset,
                                            flat.nbytes, _DEVICE_TO_HOST)

    def copy_between(self, dst: Any, dst_offset: int, dst_index: int, src: Any,
                     src_offset: int, src_index: int, nbytes: int) -> None:
        if nbytes == 0:
            return
        target, source = self._device(dst_index), self._device(src_index)
        runtime = target.cupy.cuda.runtime
        with target.cupy.cuda.Device(dst_index), translated(
                f"copying {nbytes} bytes from {source.label}", target.label):
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
        with translated(f"allocating {nbytes} bytes of pinned host memory", device.label):
            memory = device.cupy.cuda.alloc_pinned_memory(max(nbytes, 1))
        # The array keeps the pinned allocation alive through its base.
        return np.frombuffer(memory, np.uint8, nbytes)

    def copy_to_host_async(self, dst: np.ndarray, src: Any, src_offset: int, index: int,
                           stream: Any) -> None:
        device = self._device(index)
        with device.cupy.cuda.Device(index), translated(
                f"queueing {dst.nbytes} bytes to the host", device.label):
            device.cupy.cuda.runtime.memcpyAsync(
                dst.ctypes.data, src.buffer + src_offset, dst.nbytes, _DEVICE_TO_HOST,
                (stream or device.default_stream).ptr)

    def copy_from_host_async(self, dst: Any, dst_offset: int, src: np.ndarray, index: int,
                             stream: Any) -> None:
        device = self._device(index)
        data = np.array(src, copy=True).reshape(-1).view(np.uint8)  # src may change next
        queue = stream or device.default_stream
        with device.cupy.cuda.Device(index), translated(
                f"queueing {data.nbytes} bytes to the device", device.label):
            device.cupy.cuda.runtime.memcpyAsync(dst.buffer + dst_offset, data.ctypes.data,
                                                 data.nbytes, _HOST_TO_DEVICE, queue.ptr)
            # CUDA may read a pageable source after memcpyAsync returns: wait for the
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
        with translated("synchronize a stream", f"cuda:{index}"):
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
        with translated("wait for an event", f"cuda:{index}"):
            event.synchronize()

    def event_elapsed_ms(self, start: Any, end: Any, index: int) -> float:
        return float(self._device(index).cupy.cuda.get_elapsed_time(start, end))

    # DLPack -------------------------------------------------------------------------------
    def dlpack_device(self, index: int) -> tuple[int, int] | None:
        return (_KDL_CUDA, index)

    def data_pointer(self, handle: Any) -> int:
        return int(handle.buffer)


# The one runtime of this process: the plugin hands it to the core.
RUNTIME = CudaRuntime()
