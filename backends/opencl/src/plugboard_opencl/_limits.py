"""What an OpenCL device can hold, checked by the core's allocator before each buffer.

Some drivers accept a buffer they cannot back and fail later: PoCL aborts the
process (SIGABRT) when such memory is first touched. So every request is
measured first against the device's largest buffer
(``CL_DEVICE_MAX_MEM_ALLOC_SIZE``), its global memory, and, for a device
whose buffers live in this process (a CPU device, or unified memory), the
room the process's address-space limit (``ulimit -v`` / ``-d``) leaves.
"""

from __future__ import annotations

import os
import resource
from typing import Any

import pyopencl as cl

from plugboard.backend import MemoryLimits

__all__ = ["address_space_left", "limits_of"]


def limits_of(device: Any) -> MemoryLimits:
    """The limits an OpenCL device reports, for ``plugboard.backend.CachingAllocator``."""
    host = bool(int(device.type) & int(cl.device_type.CPU)) or bool(device.host_unified_memory)
    return MemoryLimits(
        max_allocation=int(device.max_mem_alloc_size),
        capacity=int(device.global_mem_size),
        room=address_space_left if host else None,
    )


def address_space_left() -> int | None:
    """Bytes this process may still map under ``ulimit -v`` / ``-d``; None if unlimited.

    >>> left = address_space_left()
    >>> left is None or left >= 0
    True
    """
    left: int | None = None
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            fields = statm.read().split()
        page = os.sysconf("SC_PAGE_SIZE")
        in_use = {resource.RLIMIT_AS: int(fields[0]) * page,
                  resource.RLIMIT_DATA: int(fields[5]) * page}
    except (OSError, ValueError, IndexError):
        return None  # not Linux: nothing to measure against
    for which, used in in_use.items():
        soft, _ = resource.getrlimit(which)
        if soft != resource.RLIM_INFINITY:
            room = max(soft - used, 0)
            left = room if left is None else min(left, room)
    return left
