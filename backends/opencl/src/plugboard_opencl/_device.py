"""One OpenCL device as the backend uses it: queue, allocator, programs, properties."""

from __future__ import annotations

import weakref
from functools import cached_property
from typing import Any

import pyopencl as cl

import plugboard as pb
from plugboard.backend import CachingAllocator, DeviceProperties, current_stream_handle
from plugboard.codegen import OPENCL

from ._compiler import Kernel, ProgramCache
from ._limits import limits_of
from ._platforms import OpenCLDevice, platform_label

__all__ = ["DeviceState", "StreamHandle"]

_BASE_DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
                pb.float16, pb.bfloat16, pb.float32)


def _device_type(bits: int) -> str:
    names = [name for name, flag in (("gpu", cl.device_type.GPU), ("cpu", cl.device_type.CPU),
                                     ("accelerator", cl.device_type.ACCELERATOR))
             if bits & int(flag)]
    return "/".join(names) or "other"


def _prelude(fp64: bool) -> str:
    """The text every program starts with; enables double where the device has it."""
    pragma = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" if fp64 else ""
    return pragma + OPENCL.prelude()


class StreamHandle:
    """A stream of this backend: one in-order ``cl.CommandQueue`` (the runtime's handle).

    ``busy`` is set whenever work may have been queued (every enqueue goes through
    :attr:`DeviceState.queue`) and cleared when the queue is known to be idle, so
    asking an idle stream costs no marker.
    """

    __slots__ = ("__weakref__", "busy", "queue")

    def __init__(self, queue: Any):
        self.queue = queue
        self.busy = False

    def finish(self) -> None:
        self.queue.finish()
        self.busy = False


class DeviceState:
    """Everything the backend keeps for device ``opencl:index``.

    Streams are in-order command queues: kernels and copies run in the order
    they were queued on one, and only reading on the host waits for them.
    :attr:`queue` is the current stream's queue (``pb.stream(...)``), the
    device's default queue unless a block chose another.
    """

    def __init__(self, index: int, found: OpenCLDevice, programs: ProgramCache):
        self.index = index
        self.label = f"opencl:{index}"
        self.found = found
        self.device = found.device
        self.context = found.context
        self.pb_device = pb.Device("opencl", index)
        self._streams: weakref.WeakSet[StreamHandle] = weakref.WeakSet()
        self.default_stream = self.new_stream()
        self.allocator = CachingAllocator(
            self._new_buffer, lambda buffer: buffer.release(), self.label, self._finish_all,
            limits_of(self.device),
        )
        self.has_fp64 = found.has_fp64
        self.has_fp16 = found.has_fp16
        self.is_cpu = bool(int(found.device.type) & int(cl.device_type.CPU))
        self._programs = programs
        self._kernels: dict[tuple[str, str], Kernel] = {}
        # Per-signature launch plans of the kernel modules (see _pointwise.launch).
        self.plans: dict[Any, Any] = {}

    def new_stream(self) -> StreamHandle:
        """A stream: an in-order queue with profiling on, so that events can time work."""
        stream = StreamHandle(cl.CommandQueue(
            self.context, self.device, properties=cl.command_queue_properties.PROFILING_ENABLE
        ))
        self._streams.add(stream)
        return stream

    def current_stream(self) -> StreamHandle:
        """The current stream of this device (this thread): the default one unless chosen."""
        handle = current_stream_handle(self.pb_device)
        return self.default_stream if handle is None else handle

    def scratch(self, nbytes: int) -> Any:
        """A temporary block for a kernel, on the current stream (free it when queued)."""
        return self.allocator.allocate(nbytes, self.current_stream())

    def _new_buffer(self, size: int) -> Any:
        return cl.Buffer(self.context, cl.mem_flags.READ_WRITE, size)

    def _finish_all(self) -> None:
        for stream in self.streams():
            stream.finish()

    def streams(self) -> list[StreamHandle]:
        """Every live stream of this device: ``synchronize`` waits for all of them."""
        return list(self._streams)

    @property
    def queue(self) -> Any:
        """The queue of the current stream of this device (this thread), to enqueue on."""
        stream = self.current_stream()
        stream.busy = True
        return stream.queue

    @cached_property
    def dtypes(self) -> tuple[pb.DType, ...]:
        """float64 only where the device has cl_khr_fp64; float16 and bfloat16 everywhere
        (stored as half and ushort, computed in float)."""
        return _BASE_DTYPES + ((pb.float64,) if self.has_fp64 else ())

    @cached_property
    def max_work_group_size(self) -> int:
        return int(self.device.max_work_group_size)

    def kernel(self, source: str, name: str, scalar_types: list[Any], what: str) -> Kernel:
        """Kernel ``name`` of the program generated as ``source`` (built once, then cached).

        Looked up by ``(source, name)`` first: generated sources are cached strings, whose
        hash Python keeps, so a repeat launch neither rebuilds the program's text (the
        prelude and the source, tens of KB) nor hashes it again.
        """
        key = (source, name)
        kernel = self._kernels.get(key)
        if kernel is None:
            program = self._programs.program(_prelude(self.has_fp64) + source, self.context,
                                             self.device, what)
            kernel = self._kernels.setdefault(key, self._programs.kernel(program, name,
                                                                         scalar_types))
        return kernel

    def properties(self) -> DeviceProperties:
        d = self.device
        platform = self.found.platform
        return DeviceProperties(
            name=self.found.name,
            total_memory=int(d.global_mem_size),
            driver=f"{platform_label(platform)}, driver {str(d.driver_version).strip()}",
            dtypes=self.dtypes,
            extra={
                "vendor": str(d.vendor).strip(),
                "platform": str(platform.name).strip(),
                "opencl_version": str(d.version).strip(),
                "compute_units": int(d.max_compute_units),
                "max_work_group_size": int(d.max_work_group_size),
                "fp16": self.has_fp16,
                "fp64": self.has_fp64,
                "device_type": _device_type(int(d.type)),
            },
        )
