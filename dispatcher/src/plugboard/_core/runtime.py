"""The backend contract: what a backend plugin gives plugboard.

A plugin answers three hooks (see :mod:`plugboard._plugins.hookspecs`): its identity
(:class:`BackendInfo`), its device runtime (a :class:`DeviceRuntime`: discovery
and memory), and its kernels. The core owns tensor layout (shape, strides,
offset, dtype); the runtime owns memory: it hands out opaque *handles* to
buffers of ``nbytes`` bytes and copies bytes in and out of them.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from plugboard._core.dtype import DType

__all__ = ["Availability", "DeviceProperties", "DeviceRuntime", "format_bytes"]


def format_bytes(nbytes: int) -> str:
    """A byte count for people, in binary units (as memory is sold to them).

    Example:
        >>> from plugboard.backend import format_bytes
        >>> format_bytes(512), format_bytes(3 << 20), format_bytes(1 << 40)
        ('512 bytes', '3.0 MiB', '1.0 TiB')
    """
    for unit, scale in (("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40),
                        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} bytes"


@dataclass(frozen=True)
class Availability:
    """Whether a backend can run here, and why not when it cannot."""

    available: bool
    reason: str = ""

    @classmethod
    def yes(cls) -> Availability:
        return cls(True)

    @classmethod
    def no(cls, reason: str) -> Availability:
        return cls(False, reason)


@dataclass(frozen=True)
class DeviceProperties:
    """What a device is: shown by ``plugboard devices`` and in reports."""

    name: str
    total_memory: int
    driver: str
    dtypes: tuple[DType, ...]
    extra: dict[str, Any] = field(default_factory=dict)


class DeviceRuntime(abc.ABC):
    """Discovery and memory for one backend's devices.

    Handles are opaque to the core: whatever :meth:`allocate` returns is passed
    back to the other methods. Offsets and sizes are in bytes. Methods may
    queue work asynchronously; :meth:`copy_to_host` must return with the bytes
    in place.

    Memory rules the core keeps for every runtime: :meth:`free` is not called
    from a finalizer unless the runtime allows it (``free_from_finalizer``,
    below): a collected tensor's buffer is queued and freed at the core's next
    allocation, ``pb.synchronize``, ``pb.memory_stats`` or ``pb.empty_cache``,
    in ordinary code, so a lock in ``free`` cannot deadlock; ``free`` may run
    while work queued on the buffer is still pending, so a runtime reuses a
    buffer only in stream order and gives it to the driver only once the device
    is idle (the core's ``CachingAllocator`` does both); and the host reads a
    host-memory runtime's buffers (``.numpy()``, ``.item()``) only after
    :meth:`synchronize`.

    A runtime whose memory is host memory sets ``host_memory = True`` and
    returns 1-D ``uint8`` NumPy arrays as handles: the core then shares memory
    with NumPy without copies (``from_numpy``, ``.numpy()``).

    A runtime whose :meth:`free` takes no lock, calls no driver and cannot fail
    (the CPU runtime's appends a size to a deque) sets ``free_from_finalizer =
    True``: the core then frees a collected tensor's buffer from its finalizer,
    without the queue, which saves a small call its time.
    """

    host_memory: bool = False
    free_from_finalizer: bool = False

    # Discovery -----------------------------------------------------------
    @abc.abstractmethod
    def availability(self) -> Availability:
        """Whether the backend can run here; the reason when it cannot."""

    @abc.abstractmethod
    def device_count(self) -> int:
        """How many devices there are (0 when unavailable)."""

    @abc.abstractmethod
    def device_properties(self, index: int) -> DeviceProperties:
        """Name, memory, driver and supported dtypes of device ``index``."""

    # Memory --------------------------------------------------------------
    @abc.abstractmethod
    def allocate(self, nbytes: int, index: int) -> Any:
        """A buffer of at least ``nbytes`` bytes on device ``index``."""

    def free(self, handle: Any, index: int) -> None:
        """Give a buffer back; called once when its storage is released."""
        del handle, index

    @abc.abstractmethod
    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        """Copy the bytes of a C-contiguous host array into ``dst`` at ``dst_offset``."""

    @abc.abstractmethod
    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        """Fill the C-contiguous host array ``dst`` from ``src`` at ``src_offset``.

        Returns when the bytes are in ``dst`` (this synchronizes).
        """

    @abc.abstractmethod
    def copy_between(
        self,
        dst: Any,
        dst_offset: int,
        dst_index: int,
        src: Any,
        src_offset: int,
        src_index: int,
        nbytes: int,
    ) -> None:
        """Copy ``nbytes`` from one buffer to another, on one device or two."""

    def synchronize(self, index: int) -> None:
        """Wait until all work queued on device ``index`` has finished."""
        del index

    def memory_stats(self, index: int) -> dict[str, int]:
        """Memory statistics in bytes: ``allocated``, ``reserved``, ``peak``, ``allocations``.

        :class:`plugboard.backend.CachingAllocator` keeps them for a runtime built on it.
        """
        del index
        return {}

    def empty_cache(self, index: int) -> int:
        """Give device ``index``'s cached, unused memory back to the driver; the bytes released."""
        del index
        return 0

    # Streams and events (optional) ----------------------------------------
    # A runtime whose devices have queues sets ``has_streams = True`` and
    # implements the methods below; stream and event handles are opaque to the
    # core. A runtime without them has one implicit in-order stream per device:
    # the core's ``pb.Stream`` and ``pb.Event`` then work on the host (an event
    # is a timestamp taken after ``synchronize``), and these methods are never
    # called. Every method is called with the device index the handle belongs to.

    has_streams: bool = False

    def default_stream(self, index: int) -> Any:
        """The stream work goes to when the user chose none (the device's first queue)."""
        raise NotImplementedError("a runtime with has_streams = True implements streams")

    def create_stream(self, index: int) -> Any:
        """A new in-order stream on device ``index``."""
        raise NotImplementedError("a runtime with has_streams = True implements streams")

    def stream_synchronize(self, stream: Any, index: int) -> None:
        """Wait until the work queued on ``stream`` has finished."""
        raise NotImplementedError("a runtime with has_streams = True implements streams")

    def stream_query(self, stream: Any, index: int) -> bool:
        """Whether the work queued on ``stream`` has finished (never waits)."""
        raise NotImplementedError("a runtime with has_streams = True implements streams")

    def create_event(self, index: int, timing: bool) -> Any:
        """A new event; ``timing``: it will be used for ``event_elapsed_ms``."""
        raise NotImplementedError("a runtime with has_streams = True implements events")

    def record_event(self, event: Any, stream: Any, index: int) -> Any:
        """Mark the point in ``stream`` reached by the work queued so far.

        Returns the event handle that now stands for that point: the same
        handle, or a new one for APIs whose events are made by enqueueing
        (OpenCL markers).
        """
        raise NotImplementedError("a runtime with has_streams = True implements events")

    def wait_event(self, stream: Any, event: Any, index: int) -> None:
        """Make work queued later on ``stream`` wait for ``event`` (without the host waiting)."""
        raise NotImplementedError("a runtime with has_streams = True implements events")

    def event_query(self, event: Any, index: int) -> bool:
        """Whether the work before ``event`` has finished (never waits)."""
        raise NotImplementedError("a runtime with has_streams = True implements events")

    def event_synchronize(self, event: Any, index: int) -> None:
        """Wait until the work before ``event`` has finished."""
        raise NotImplementedError("a runtime with has_streams = True implements events")

    def event_elapsed_ms(self, start: Any, end: Any, index: int) -> float:
        """Milliseconds between two completed events recorded with ``timing``."""
        raise NotImplementedError("a runtime with has_streams = True implements events")

    # Non-blocking copies (optional) --------------------------------------------
    # A runtime that can overlap copies with the host sets ``has_async_copies``.
    # ``x.to("cpu", non_blocking=True)`` then copies into a pinned host buffer
    # (when the runtime gives one) on the current stream and returns at once;
    # the core records an event and waits for it before the host reads the
    # result. Without them, non-blocking copies are ordinary ones.

    has_async_copies: bool = False

    def pinned_host_buffer(self, nbytes: int, index: int) -> np.ndarray | None:
        """A 1-D uint8 host array of ``nbytes`` in page-locked memory, or None (pageable)."""
        del nbytes, index
        return None

    def copy_to_host_async(
        self, dst: np.ndarray, src: Any, src_offset: int, index: int, stream: Any
    ) -> None:
        """Queue a copy into the C-contiguous host array ``dst`` on ``stream``; do not wait."""
        raise NotImplementedError("a runtime with has_async_copies copies asynchronously")

    def copy_from_host_async(
        self, dst: Any, dst_offset: int, src: np.ndarray, index: int, stream: Any
    ) -> None:
        """Queue a copy of the host array ``src`` into ``dst`` on ``stream``; do not wait.

        ``src`` may change once this returns: copy it first unless it is pinned.
        """
        raise NotImplementedError("a runtime with has_async_copies copies asynchronously")

    # DLPack (optional) ------------------------------------------------------
    # Host-memory runtimes need neither: their tensors are DLPack's kDLCPU.

    def dlpack_device(self, index: int) -> tuple[int, int] | None:
        """The DLPack ``(device_type, device_id)`` of device ``index``, or None: no DLPack."""
        del index
        return None

    def data_pointer(self, handle: Any) -> int:
        """The device address of a buffer, for DLPack (with :meth:`dlpack_device`)."""
        raise NotImplementedError("a runtime with dlpack_device gives data pointers")

