"""``CachingAllocator``: device buffers reused by size class and stream.

Asking a driver for memory costs a call (and on some drivers zeroing or a
page-table update), and tensors come and go at a high rate. A runtime builds
on this allocator, giving it the two driver calls (make a buffer of N bytes,
release one); freed blocks are kept per (stream, size class) and handed out
again, so a steady workload asks the driver only once.

The memory rules it keeps, for every runtime that uses it:

- **Stream-ordered reuse.** A block freed by its owner goes back to the pool of
  the stream it was allocated on, and only an allocation on that stream reuses
  it: work queued on a stream runs in order, so the next owner's work starts
  after the last owner's has finished, without the host waiting.
- **Finalizer-safe frees.** :meth:`free` takes no lock and calls no driver: it
  appends to a queue that the next :meth:`allocate` (or :meth:`empty_cache`)
  drains. A tensor collected while its thread holds the allocator's lock, or
  inside a driver call, cannot deadlock.
- **Released only when idle.** :meth:`empty_cache` waits for the device (the
  ``synchronize`` callable) before it gives cached buffers to the driver.
- **Limits first.** With :class:`MemoryLimits`, a request the device cannot
  hold (larger than its largest buffer, past its memory, past the process's
  address-space room for host-memory devices) is refused before the driver
  sees it: some drivers accept a buffer they cannot back and fail later (PoCL
  aborts the process when the memory is first touched).
- **Out of memory.** A failed driver allocation empties the cache and tries
  once more; then :class:`plugboard.OutOfMemoryError` names the device, the
  request and what the allocator holds.

Example:
    >>> from plugboard.backend import CachingAllocator
    >>> allocator = CachingAllocator(bytearray, lambda buffer: None, "toy:0")
    >>> a = allocator.allocate(600)
    >>> a.size, allocator.memory_stats()["allocated"]
    (1024, 1024)
    >>> allocator.free(a)
    >>> allocator.allocate(1000).buffer is a.buffer  # the same buffer again
    True
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plugboard._core.errors import OutOfMemoryError
from plugboard._core.runtime import format_bytes

__all__ = ["Block", "CachingAllocator", "MemoryLimits", "size_class"]

_MIN_BLOCK = 512
_LARGE = 1 << 20


def size_class(nbytes: int) -> int:
    """The block size that serves ``nbytes``: powers of two from 512 bytes to 1 MiB,
    then multiples of 1 MiB (at most 1 MiB of slack per large block).

    >>> size_class(0), size_class(600), size_class(3 << 20 | 1)
    (512, 1024, 4194304)
    """
    if nbytes <= _MIN_BLOCK:
        return _MIN_BLOCK
    if nbytes <= _LARGE:
        return 1 << (nbytes - 1).bit_length()
    return -(-nbytes // _LARGE) * _LARGE


class Block:
    """One buffer handed out: what the runtime returns from ``allocate`` as the handle."""

    __slots__ = ("buffer", "nbytes", "size", "stream")

    def __init__(self, buffer: Any, size: int, nbytes: int, stream: Any):
        self.buffer = buffer  # the driver's buffer, of `size` bytes
        self.size = size
        self.nbytes = nbytes  # what was asked for
        self.stream = stream  # the stream it was allocated on (its pool)

    def __repr__(self) -> str:
        return f"Block(size={self.size}, nbytes={self.nbytes})"


@dataclass(frozen=True)
class MemoryLimits:
    """What one device can hold, in bytes, checked before the driver is asked.

    ``max_allocation``: the largest buffer; ``capacity``: all buffers together;
    ``room``: a function giving the bytes the process may still map (for a
    device whose buffers live in this process's memory, e.g. under
    ``ulimit -v``), or None where that does not apply.
    """

    max_allocation: int
    capacity: int
    room: Callable[[], int | None] | None = None


class CachingAllocator:
    """Buffers of one device, cached per (stream, size class).

    ``raw_allocate(size)`` makes a driver buffer of ``size`` bytes (raising on
    failure), ``raw_free(buffer)`` releases one; ``synchronize()`` waits for
    all work on the device (default: nothing to wait for). Statistics, in
    bytes: ``allocated`` (held by live blocks), ``reserved`` (every buffer the
    allocator owns, live and cached), ``peak`` (the most ever allocated),
    ``allocations`` (live blocks), ``driver_allocations`` (calls to the driver).
    """

    def __init__(
        self,
        raw_allocate: Callable[[int], Any],
        raw_free: Callable[[Any], None],
        device: str,
        synchronize: Callable[[], None] | None = None,
        limits: MemoryLimits | None = None,
    ):
        self._limits = limits
        self._raw_allocate = raw_allocate
        self._raw_free = raw_free
        self._synchronize = synchronize
        self.device = device
        self._lock = threading.Lock()
        self._cache: collections.defaultdict[tuple[int, int], list[Block]] = (
            collections.defaultdict(list)
        )
        self._pending: collections.deque[Block] = collections.deque()  # freed, not yet cached
        self._allocated = 0
        self._reserved = 0
        self._peak = 0
        self._live = 0
        self._driver_allocations = 0

    def allocate(self, nbytes: int, stream: Any = None) -> Block:
        """A block of at least ``nbytes`` bytes for work on ``stream``."""
        size = size_class(nbytes)
        key = (id(stream), size)
        with self._lock:
            self._drain()
            cached = self._cache.get(key)
            block = cached.pop() if cached else None
        if block is None:
            block = Block(self._new_buffer(size, nbytes), size, nbytes, stream)
        else:
            block.nbytes = nbytes
        with self._lock:
            self._allocated += size
            self._live += 1
            self._peak = max(self._peak, self._allocated)
        return block

    def free(self, block: Block) -> None:
        """Take a block back (from anywhere, a finalizer included: no lock, no driver call)."""
        self._pending.append(block)  # deque.append is atomic

    def _drain(self) -> None:
        # Under the lock: move the blocks freed since the last call into their pools.
        while self._pending:
            block = self._pending.popleft()
            self._allocated -= block.size
            self._live -= 1
            self._cache[(id(block.stream), block.size)].append(block)

    def _new_buffer(self, size: int, nbytes: int) -> Any:
        if self._limits is not None:
            size = self._within_limits(size, nbytes, self._limits)
        try:
            buffer = self._raw_allocate(size)
        except OutOfMemoryError:
            raise
        except Exception as first:
            # Cached blocks may hold the memory: give them back and try once more.
            if not self.empty_cache():
                raise self._out_of_memory(nbytes, first) from first
            try:
                buffer = self._raw_allocate(size)
            except Exception as second:
                raise self._out_of_memory(nbytes, second) from second
        with self._lock:
            self._reserved += size
            self._driver_allocations += 1
        return buffer

    def _within_limits(self, size: int, nbytes: int, limits: MemoryLimits) -> int:
        """The buffer size to ask the driver for; raises when the device cannot hold it."""
        if nbytes > limits.max_allocation:
            self._refuse(nbytes, f"the largest buffer it allows is "
                         f"{format_bytes(limits.max_allocation)}")
        size = min(size, limits.max_allocation)  # the size class may round past the limit
        if self._reserved + size > limits.capacity:
            self.empty_cache()  # cached blocks count against the device too
            if self._reserved + size > limits.capacity:
                self._refuse(nbytes, f"{format_bytes(self._reserved)} of its "
                             f"{format_bytes(limits.capacity)} are in use")
        if limits.room is not None:
            left = limits.room()
            if left is not None and size > left:
                self.empty_cache()
                left = limits.room()
                if left is not None and size > left:
                    self._refuse(nbytes, "the process's address-space limit (ulimit -v / -d) "
                                 f"leaves {format_bytes(left)}")
        return size

    def _refuse(self, nbytes: int, why: str) -> None:
        raise OutOfMemoryError(
            f"cannot allocate {nbytes} bytes ({format_bytes(nbytes)}) on {self.device}: {why}. "
            "Fix: use smaller tensors, or free tensors you no longer need"
        )

    def _out_of_memory(self, nbytes: int, error: BaseException) -> OutOfMemoryError:
        stats = self.memory_stats()
        return OutOfMemoryError(
            f"cannot allocate {nbytes} bytes on {self.device}: {type(error).__name__}: "
            f"{error}. The allocator holds {stats['allocated']} bytes in live tensors "
            f"({stats['reserved']} reserved, the cache already given back). Fix: free "
            "tensors you no longer need (del x), or use smaller ones"
        )

    def empty_cache(self) -> int:
        """Give every cached buffer back to the driver, once the device is idle; the bytes."""
        with self._lock:
            self._drain()
            cached, self._cache = self._cache, collections.defaultdict(list)
            released = sum(block.size for blocks in cached.values() for block in blocks)
            self._reserved -= released
        if released and self._synchronize is not None:
            self._synchronize()  # queued work may still use a freed block
        for blocks in cached.values():
            for block in blocks:
                self._raw_free(block.buffer)
        return released

    def memory_stats(self) -> dict[str, int]:
        """``allocated``, ``reserved``, ``peak``, ``allocations``, ``driver_allocations``."""
        with self._lock:
            self._drain()
            return {
                "allocated": self._allocated,
                "reserved": self._reserved,
                "peak": self._peak,
                "allocations": self._live,
                "driver_allocations": self._driver_allocations,
            }
