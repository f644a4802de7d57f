"""A caching allocator for device buffers.

Creating a ``cl.Buffer`` costs a driver call (and, on some drivers, zeroing or
a page-table update); tensors come and go at a high rate. Freed blocks are
kept per size class and handed out again, so a steady workload allocates from
the driver only once. Reuse is safe without waiting: every command of a device
runs on its one in-order queue, so work queued on a block before it was freed
finishes before work queued by its next owner starts.

Size classes: powers of two from 512 bytes to 1 MiB, then multiples of 1 MiB
(at most 1 MiB of slack per large block).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import pyopencl as cl

from ._errors import OpenCLOutOfMemoryError

__all__ = ["Block", "CachingAllocator", "size_class"]

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


class CachingAllocator:
    """Buffers of one context, reused by size class.

    Statistics (bytes): ``allocated`` is held by live blocks, ``reserved`` by all
    buffers the allocator owns (live and cached), ``peak`` is the most ever
    allocated at once.
    """

    def __init__(self, context: Any, device_name: str):
        self._context = context
        self._device = device_name
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
