"""A caching allocator for device buffers.

Creating a ``cl.Buffer`` costs a driver call (and, on some drivers, zeroing or
a page-table update); tensors come and go at a high rate. Freed blocks are
kept per size class and handed out again, so a steady workload allocates from
the driver only once. Reuse is safe without waiting: every command of a device
runs on its one in-order queue, so work queued on a block before it was freed
finishes before work queued by its next owner starts.

Size classes: powers of two from 512 bytes to 1 MiB, then multiples of 1 MiB
(at most 1 MiB of slack per large block).

A request is checked against the device's limits before the driver sees it
(:class:`MemoryLimits`): some drivers accept a buffer they cannot back and fail
later, PoCL by aborting the process when the memory is first touched.
"""

from __future__ import annotations

import os
import resource
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyopencl as cl

from plugboard.backend import format_bytes

from ._errors import OpenCLOutOfMemoryError

__all__ = ["Block", "CachingAllocator", "MemoryLimits", "address_space_left", "size_class"]

_MIN_BLOCK = 512
_LARGE = 1 << 20


def size_class(nbytes: int) -> int:
    """The block size that serves a request of ``nbytes`` bytes.

    >>> size_class(0), size_class(600), size_class(3 << 20 | 1)
    (512, 1024, 4194304)
    """
    if nbytes <= _MIN_BLOCK:
        return _MIN_BLOCK
    if nbytes <= _LARGE:
        return 1 << (nbytes - 1).bit_length()
    return -(-nbytes // _LARGE) * _LARGE


class Block:
    """One buffer handed out by the allocator: the storage handle the core keeps."""

    __slots__ = ("buffer", "nbytes", "size")

    def __init__(self, buffer: Any, size: int, nbytes: int):
        self.buffer = buffer  # cl.Buffer of `size` bytes
        self.size = size
        self.nbytes = nbytes  # what was asked for

    def __repr__(self) -> str:
        return f"Block(size={self.size}, nbytes={self.nbytes})"


@dataclass(frozen=True)
class MemoryLimits:
    """What one device can hold, in bytes.

    ``max_allocation``: the largest buffer (``CL_DEVICE_MAX_MEM_ALLOC_SIZE``);
    ``global_memory``: all buffers together (``CL_DEVICE_GLOBAL_MEM_SIZE``);
    ``host_memory``: the buffers live in this process's memory (a CPU device), so
    its address-space limit (``ulimit -v``) bounds them too.
    """

    max_allocation: int
    global_memory: int
    host_memory: bool = False

    @classmethod
    def of(cls, device: Any) -> MemoryLimits:
        """The limits an OpenCL device reports."""
        host = bool(int(device.type) & int(cl.device_type.CPU)) or bool(
            device.host_unified_memory
        )
        return cls(int(device.max_mem_alloc_size), int(device.global_mem_size), host)


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


class CachingAllocator:
    """Buffers of one context, reused by size class.

    Statistics (bytes): ``allocated`` is held by live blocks, ``reserved`` by all
    buffers the allocator owns (live and cached), ``peak`` is the most ever
    allocated at once. With ``limits``, a request that cannot fit raises
    :class:`OpenCLOutOfMemoryError` before the driver is asked.
    """

    def __init__(self, context: Any, device_name: str, limits: MemoryLimits | None = None):
        self._context = context
        self._device = device_name
        self._limits = limits
        self._lock = threading.Lock()
        self._cache: defaultdict[int, list[Any]] = defaultdict(list)
        self._allocated = 0
        self._reserved = 0
        self._peak = 0
        self._live = 0
        self._driver_allocations = 0

    def allocate(self, nbytes: int) -> Block:
        size = size_class(nbytes)
        with self._lock:
            cached = self._cache.get(size)
            buffer = cached.pop() if cached else None
        if buffer is None:
            buffer = self._new_buffer(size, nbytes)
        with self._lock:
            self._allocated += size
            self._live += 1
            self._peak = max(self._peak, self._allocated)
        return Block(buffer, size, nbytes)

    def _new_buffer(self, size: int, nbytes: int) -> Any:
        if self._limits is not None:
            size = self._check_limits(size, nbytes, self._limits)
        for attempt in range(2):
            try:
                buffer = cl.Buffer(self._context, cl.mem_flags.READ_WRITE, size)
            except (cl.MemoryError, cl.RuntimeError, cl.LogicError) as error:
                if attempt == 0 and self.empty_cache():
                    continue  # cached blocks held the memory: give them back and retry
                raise OpenCLOutOfMemoryError(
                    f"cannot allocate {nbytes} bytes on {self._device} ({error}). Fix: free "
                    "tensors you no longer need, or use smaller ones"
                ) from error
            with self._lock:
                self._reserved += size
                self._driver_allocations += 1
            return buffer
        raise AssertionError("unreachable")

    def _check_limits(self, size: int, nbytes: int, limits: MemoryLimits) -> int:
        """The buffer size to ask the driver for; raises when the device cannot hold it."""
        if nbytes > limits.max_allocation:
            largest = format_bytes(limits.max_allocation)
            self._refuse(nbytes, f"the largest buffer it allows is {largest} "
                         "(CL_DEVICE_MAX_MEM_ALLOC_SIZE)")
        size = min(size, limits.max_allocation)  # the size class may round past the limit
        if self._reserved + size > limits.global_memory:
            self.empty_cache()  # cached blocks count against the device too
            if self._reserved + size > limits.global_memory:
                self._refuse(nbytes, f"{format_bytes(self._reserved)} of its "
                             f"{format_bytes(limits.global_memory)} are in use")
        if limits.host_memory:
            left = address_space_left()
            if left is not None and size > left:
                self.empty_cache()
                left = address_space_left()
                if left is not None and size > left:
                    self._refuse(nbytes, "the process's address-space limit (ulimit -v / -d) "
                                 f"leaves {format_bytes(left)}")
        return size

    def _refuse(self, nbytes: int, why: str) -> None:
        raise OpenCLOutOfMemoryError(
            f"cannot allocate {nbytes} bytes ({format_bytes(nbytes)}) on {self._device}: {why}. "
            "Fix: use smaller tensors, or free tensors you no longer need"
        )

    def free(self, block: Block) -> None:
        """Take a block back; its buffer waits in the cache for the next request."""
        with self._lock:
            self._allocated -= block.size
            self._live -= 1
            self._cache[block.size].append(block.buffer)

    def empty_cache(self) -> int:
        """Release every cached buffer to the driver; returns the bytes released."""
        with self._lock:
            cached, self._cache = self._cache, defaultdict(list)
            released = sum(size * len(buffers) for size, buffers in cached.items())
            self._reserved -= released
        for buffers in cached.values():
            for buffer in buffers:
                buffer.release()
        return released

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "allocated": self._allocated,
                "reserved": self._reserved,
                "peak": self._peak,
                "allocations": self._live,
                "driver_allocations": self._driver_allocations,
            }
