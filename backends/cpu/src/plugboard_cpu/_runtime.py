"""Discovery and memory for the CPU: one device, host memory from NumPy."""

from __future__ import annotations

import collections
import os
import platform
import threading
from typing import Any

import numpy as np

import plugboard as pb
from plugboard import backend
from plugboard.backend import Availability, DeviceProperties


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "cpu"


def _total_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


class CPURuntime(backend.DeviceRuntime):
    """Buffers are 1-D uint8 NumPy arrays, so the core and the kernels view them directly."""

    host_memory = True
    # free only appends to a deque (no lock, no driver): the core calls it as a tensor is
    # collected rather than queueing the buffer for its next allocation.
    free_from_finalizer = True

    # Memory statistics without a lock per tensor: allocate and free append signed sizes
    # to a deque (one atomic append each), and the totals are summed from it in order,
    # under a lock, when asked for or when it grows long.
    _DRAIN_AT = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changes: collections.deque[int] = collections.deque()
        self._allocated = 0
        self._peak = 0
        self._count = 0

    def availability(self) -> Availability:
        return Availability.yes()

    def device_count(self) -> int:
        return 1

    def device_properties(self, index: int) -> DeviceProperties:
        return DeviceProperties(
            name=_cpu_name(),
            total_memory=_total_memory(),
            driver=f"NumPy {np.__version__}",
            dtypes=(pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
                    pb.float16, pb.bfloat16, pb.float32, pb.float64),
            extra={"cores": os.cpu_count() or 1, "machine": platform.machine()},
        )

    def allocate(self, nbytes: int, index: int) -> np.ndarray:
        buffer = np.empty(nbytes, dtype=np.uint8)
        # +1 so that a zero-byte tensor counts as an allocation too; free appends -(n + 1).
        self._changes.append(nbytes + 1)
        if len(self._changes) > self._DRAIN_AT:
            self._drain()
        return buffer

    def free(self, handle: Any, index: int) -> None:
        self._changes.append(-(handle.nbytes + 1))

    def _drain(self) -> None:
        """Sum the pending changes into the totals, in the order they happened."""
        with self._lock:
            changes = self._changes
            while changes:
                try:
                    change = changes.popleft()
                except IndexError:  # another thread drained the last one
                    break
                if change > 0:
                    self._allocated += change - 1
                    self._count += 1
                    self._peak = max(self._peak, self._allocated)
                else:
                    self._allocated += change + 1
                    self._count -= 1

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        flat = src.reshape(-1).view(np.uint8)
        dst[dst_offset : dst_offset + flat.nbytes] = flat

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        flat = dst.reshape(-1).view(np.uint8)
        flat[:] = src[src_offset : src_offset + flat.nbytes]

    def copy_between(
        self, dst: Any, dst_offset: int, dst_index: int, src: Any, src_offset: int,
        src_index: int, nbytes: int,
    ) -> None:
        dst[dst_offset : dst_offset + nbytes] = src[src_offset : src_offset + nbytes]

    def empty_cache(self, index: int) -> int:
        # Tensors' memory goes back to NumPy as they are collected; what is kept is the
        # kernels' scratch (conv2d's column matrix).
        from ._kernels_native import SCRATCH

        return SCRATCH.clear()

    def memory_stats(self, index: int) -> dict[str, int]:
        self._drain()
        with self._lock:
            return {
                "allocated": self._allocated,
                "peak": self._peak,
                "allocations": self._count,
            }
