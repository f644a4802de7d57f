"""Streams and events: ordering work on a device, and waiting for it.

A :class:`Stream` is an in-order queue of work on one device. Every device has
a default stream; ``with pb.stream(s):`` makes ``s`` the current stream of its
device for the block, in this thread, and kernels queue their work on the
current stream (a kernel finds it with
``plugboard.backend.current_stream_handle(device)``). An :class:`Event` marks
a point in a stream: another stream can wait for it, the host can query or
wait for it, and two timing events measure the time between them.

Runtimes with queues implement streams and events through the optional
methods of :class:`plugboard.backend.DeviceRuntime` (``has_streams = True``).
A runtime without them has one implicit in-order stream per device: then
``Stream`` and ``Event`` work on the host, an event being a timestamp taken
after the device has finished its work.

Example:
    >>> import plugboard as pb
    >>> s = pb.Stream("cpu")
    >>> with pb.stream(s):
    ...     y = pb.ones(3) * 2
    ...     done = pb.Event().record()
    >>> done.synchronize()
    >>> done.query(), y.tolist()
    (True, [2.0, 2.0, 2.0])
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from plugboard._core.device import Device, DeviceLike
from plugboard._core.errors import ArgumentError, DeviceError
from plugboard._core.faults import device_faults
from plugboard._core.runtime import DeviceRuntime
from plugboard._dispatch.backends import backend_source

__all__ = ["Event", "Stream", "current_stream", "current_stream_handle", "stream"]


def _runtime_of(device: Device) -> DeviceRuntime:
    backend = backend_source().get(device.type)
    backend.check_device(device)
    return backend.runtime


class Stream:
    """An in-order queue of work on one device.

    ``pb.Stream(device)`` makes a new stream; :func:`current_stream` gives the
    one work goes to now. On a runtime without streams every ``Stream`` of a
    device is the same implicit queue.
    """

    __slots__ = ("_runtime", "device", "handle")

    device: Device
    handle: Any  # the runtime's stream handle (None for the implicit stream)

    def __init__(self, device: DeviceLike = "cpu"):
        self.device = Device(device)
        self._runtime = _runtime_of(self.device)
        self.handle = (
            self._runtime.create_stream(self.device.index) if self._runtime.has_streams else None
        )

    @classmethod
    def _wrap(cls, device: Device, runtime: DeviceRuntime, handle: Any) -> Stream:
        made = object.__new__(cls)
        made.device, made._runtime, made.handle = device, runtime, handle
        return made

    def synchronize(self) -> None:
        """Wait until the work queued on this stream has finished."""
        with device_faults(self.device, "Stream.synchronize"):
            if self._runtime.has_streams:
                self._runtime.stream_synchronize(self.handle, self.device.index)
            else:
                self._runtime.synchronize(self.device.index)

    def query(self) -> bool:
        """Whether the work queued on this stream has finished (never waits)."""
        if self._runtime.has_streams:
            return self._runtime.stream_query(self.handle, self.device.index)
        return True  # the implicit stream's work is done whenever the host can ask

    def record_event(self, event: Event | None = None) -> Event:
        """Record ``event`` (a new one if None) at this point of the stream."""
        return (event or Event()).record(self)

    def wait_event(self, event: Event) -> None:
        """Make work queued later on this stream wait for ``event``."""
        event.wait(self)

    def wait_stream(self, other: Stream) -> None:
        """Make work queued later on this stream wait for the work queued so far on ``other``."""
        self.wait_event(other.record_event())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stream):
            return NotImplemented
        return self.device == other.device and self.handle is other.handle

    def __hash__(self) -> int:
        return hash((self.device, id(self.handle)))

    def __repr__(self) -> str:
        kind = "implicit stream" if self.handle is None else "stream"
        return f"<plugboard.Stream: {kind} on {self.device}>"


class _Current(threading.local):
    """The current stream of each device, per thread (the default one when unset)."""

    def __init__(self) -> None:
        self.streams: dict[Device, Stream] = {}


_current = _Current()
_defaults: dict[Device, Stream] = {}
_defaults_lock = threading.Lock()


def _default_stream(device: Device) -> Stream:
    found = _defaults.get(device)
    if found is None:
        runtime = _runtime_of(device)
        handle = runtime.default_stream(device.index) if runtime.has_streams else None
        with _defaults_lock:
            found = _defaults.setdefault(device, Stream._wrap(device, runtime, handle))
    return found


def current_stream(device: DeviceLike = "cpu") -> Stream:
    """The stream work on ``device`` goes to in this thread: the default one unless changed.

    Example:
        >>> import plugboard as pb
        >>> pb.current_stream("cpu").device
        device('cpu:0')
    """
    d = Device(device)
    found = _current.streams.get(d)
    return found if found is not None else _default_stream(d)


def current_stream_handle(device: Device) -> Any:
    """For kernels: the runtime handle of the current stream of ``device`` in this thread.

    ``None`` means the device's default stream (no ``pb.stream`` block chose
    another): the runtime uses the handle it gives as ``default_stream``.
    """
    found = _current.streams.get(device)
    return None if found is None else found.handle


@contextmanager
def stream(s: Stream | None) -> Iterator[Stream | None]:
    """Make ``s`` the current stream of its device inside the block, in this thread.

    ``None`` changes nothing, so code can take an optional stream.
    """
    if s is None:
        yield None
        return
    if not isinstance(s, Stream):
        raise ArgumentError(
            f"pb.stream() takes a pb.Stream or None, not {type(s).__name__}. "
            "Fix: make one with pb.Stream(device)"
        )
    streams = _current.streams
    previous = streams.get(s.device)
    streams[s.device] = s
    try:
        yield s
    finally:
        if previous is None:
            streams.pop(s.device, None)
        else:
            streams[s.device] = previous


class Event:
    """A point in a stream: to wait for, to query, or to time work between two of them.

    ``enable_timing=True`` lets :meth:`elapsed_time` measure between two events.
    An event belongs to the device of the stream it was first recorded on.
    """

    __slots__ = ("_device", "_handle", "_runtime", "_time", "enable_timing")

    def __init__(self, enable_timing: bool = False):
        self.enable_timing = enable_timing
        self._device: Device | None = None
        self._runtime: DeviceRuntime | None = None
        self._handle: Any = None
        self._time: float | None = None  # host timestamp, for runtimes without streams

    @property
    def device(self) -> Device | None:
        """The device it was recorded on (None before its first record)."""
        return self._device

    def record(self, stream: Stream | DeviceLike | None = None) -> Event:
        """Record the event on ``stream`` (a stream, or a device's current stream; cpu's
        when None); returns the event itself."""
        if not isinstance(stream, Stream):
            stream = current_stream(stream if stream is not None else "cpu")
        if self._device is not None and self._device != stream.device:
            raise DeviceError(
                f"this event belongs to {self._device} and cannot be recorded on a stream of "
                f"{stream.device}. Fix: use one pb.Event per device"
            )
        runtime, index = stream._runtime, stream.device.index
        self._device, self._runtime = stream.device, runtime
        if runtime.has_streams:
            if self._handle is None:
                self._handle = runtime.create_event(index, self.enable_timing)
            self._handle = runtime.record_event(self._handle, stream.handle, index)
        else:
            runtime.synchronize(index)
            self._time = time.perf_counter()
        return self

    def wait(self, stream: Stream | None = None) -> None:
        """Make work queued later on ``stream`` (the current one of the event's device)
        wait for this event, without the host waiting."""
        device, runtime = self._recorded("wait")
        stream = stream if stream is not None else current_stream(device)
        if stream.device != device:
            raise DeviceError(
                f"a stream of {stream.device} cannot wait for an event of {device}. "
                "Fix: synchronize the event on the host (event.synchronize()) first"
            )
        if runtime.has_streams:
            runtime.wait_event(stream.handle, self._handle, device.index)

    def query(self) -> bool:
        """Whether the work before the event has finished (never waits); False if unrecorded."""
        if self._runtime is None or self._device is None:
            return False
        if self._runtime.has_streams:
            return self._runtime.event_query(self._handle, self._device.index)
        return True

    def synchronize(self) -> None:
        """Wait on the host until the work before the event has finished."""
        device, runtime = self._recorded("synchronize")
        if runtime.has_streams:
            with device_faults(device, "Event.synchronize"):
                runtime.event_synchronize(self._handle, device.index)

    def elapsed_time(self, end: Event) -> float:
        """Milliseconds from this event to ``end``; both recorded with ``enable_timing``."""
        device, runtime = self._recorded("elapsed_time")
        if not (self.enable_timing and end.enable_timing):
            raise ArgumentError(
                "elapsed_time() needs two events made with pb.Event(enable_timing=True)"
            )
        end_device, _ = end._recorded("elapsed_time")
        if end_device != device:
            raise DeviceError(f"the events are on {device} and {end_device}; time one device")
        if runtime.has_streams:
            end.synchronize()
            return runtime.event_elapsed_ms(self._handle, end._handle, device.index)
        assert self._time is not None and end._time is not None
        return (end._time - self._time) * 1000.0

    def _recorded(self, what: str) -> tuple[Device, DeviceRuntime]:
        if self._device is None or self._runtime is None:
            raise ArgumentError(
                f"Event.{what}() needs a recorded event. Fix: call event.record(stream) first"
            )
        return self._device, self._runtime

    def __repr__(self) -> str:
        where = f"on {self._device}" if self._device is not None else "not recorded"
        return f"<plugboard.Event {where}>"
