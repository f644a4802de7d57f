"""One OpenCL device as the backend uses it: queue, allocator, programs, properties."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pyopencl as cl

import plugboard as pb
from plugboard.backend import DeviceProperties

from ._allocator import CachingAllocator, MemoryLimits
from ._compiler import Kernel, ProgramCache
from ._platforms import OpenCLDevice, platform_label
from ._templates import prelude

__all__ = ["DeviceState"]

_BASE_DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
                pb.float16, pb.bfloat16, pb.float32)


def _device_type(bits: int) -> str:
    names = [name for name, flag in (("gpu", cl.device_type.GPU), ("cpu", cl.device_type.CPU),
                                     ("accelerator", cl.device_type.ACCELERATOR))
             if bits & int(flag)]
    return "/".join(names) or "other"


class DeviceState:
    """Everything the backend keeps for device ``opencl:index``.

    One in-order command queue: kernels and copies run in the order they were
    queued, and only reading on the host waits for them.
    """

    def __init__(self, index: int, found: OpenCLDevice, programs: ProgramCache):
        self.index = index
        self.label = f"opencl:{index}"
        self.found = found
        self.device = found.device
        self.context = found.context
        self.queue = cl.CommandQueue(found.context, found.device)
        self.allocator = CachingAllocator(found.context, self.label, MemoryLimits.of(self.device))
        self.has_fp64 = found.has_fp64
        self.has_fp16 = found.has_fp16
        self.is_cpu = bool(int(found.device.type) & int(cl.device_type.CPU))
        self._programs = programs

    @cached_property
    def dtypes(self) -> tuple[pb.DType, ...]:
        """float64 only where the device has cl_khr_fp64; float16 and bfloat16 everywhere
        (stored as half and ushort, computed in float)."""
        return _BASE_DTYPES + ((pb.float64,) if self.has_fp64 else ())

    @cached_property
    def max_work_group_size(self) -> int:
        return int(self.device.max_work_group_size)

    def kernel(self, source: str, name: str, scalar_types: list[Any], what: str) -> Kernel:
        """Kernel ``name`` of the program generated as ``source`` (built once, then cached)."""
        program = self._programs.program(prelude(self.has_fp64) + source, self.context,
                                         self.device, what)
        return self._programs.kernel(program, name, scalar_types)

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
