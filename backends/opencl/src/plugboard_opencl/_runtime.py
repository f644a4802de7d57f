"""Discovery and memory for OpenCL devices: the backend's ``DeviceRuntime``.

Buffers come from the core's caching allocator, one per device; every
copy and kernel is queued on the device's one in-order queue, and only a copy
to the host waits. Handles are :class:`plugboard.backend.Block` objects.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pyopencl as cl

from plugboard import backend
from plugboard.backend import Availability, Block, DeviceProperties

from ._compiler import ProgramCache
from ._device import DeviceState
from ._errors import translated
from ._platforms import Discovery, discover

__all__ = ["OpenCLRuntime"]


class OpenCLRuntime(backend.DeviceRuntime):
    """The OpenCL devices of every working platform, probed on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._discovery: Discovery | None = None
        self._devices: list[DeviceState] = []
        self.programs = ProgramCache()

    # Discovery -----------------------------------------------------------------------
    @property
    def discovery(self) -> Discovery:
        with self._lock:
            if self._discovery is None:
                found = discover()
                self._devices = [DeviceState(i, d, self.programs)
                                 for i, d in enumerate(found.devices)]
                self._discovery = found
            return self._discovery

    def availability(self) -> Availability:
        found = self.discovery
        # The reason is shown by `plugboard doctor` even when available: which platforms
        # are in use and which were skipped.
        return Availability(bool(found.devices), found.summary())

    def device_count(self) -> int:
        return len(self.discovery.devices)

    def state(self, index: int) -> DeviceState:
        """The device ``opencl:index`` (kernels reach their queue and programs here)."""
        if self._discovery is None:  # probed once; after that, no lock on the launch path
            _ = self.discovery
        return self._devices[index]

    def device_properties(self, index: int) -> DeviceProperties:
        return self.state(index).properties()

    # Memory ---------------------------------------------------------------------------
    def allocate(self, nbytes: int, index: int) -> Block:
        state = self.state(index)
        # Blocks are pooled by the stream they are allocated on (stream-ordered reuse).
        return state.allocator.allocate(nbytes, state.current_stream())

    def free(self, handle: Any, index: int) -> None:
        self.state(index).allocator.free(handle)

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        state = self.state(index)
        # The copy is queued, not waited for: it reads a private copy of the bytes, which
        # pyopencl keeps alive until the transfer is done, so the caller may reuse `src`.
        data = np.array(src, copy=True, order="C").reshape(-1).view(np.uint8)
        with translated(f"copying {data.nbytes} bytes to the device", state.label):
            cl.enqueue_copy(state.queue, dst.buffer, data, dst_offset=dst_offset,
                            is_blocking=False)

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        state = self.state(index)
        flat = dst.reshape(-1).view(np.uint8)
        with translated(f"copying {flat.nbytes} bytes to the host", state.label):
            cl.enqueue_copy(state.queue, flat, src.buffer, src_offset=src_offset,
                            is_blocking=True)

    def copy_between(
        self, dst: Any, dst_offset: int, dst_index: int, src: Any, src_offset: int,
        src_index: int, nbytes: int,
    ) -> None:
        if nbytes == 0:
            return
        target, source = self.state(dst_index), self.state(src_index)
        with translated(f"copying {nbytes} bytes from {source.label}", target.label):
            if target is source:
                cl.enqueue_copy(target.queue, dst.buffer, src.buffer, byte_count=nbytes,
                                src_offset=src_offset, dst_offset=dst_offset)
            elif target.context == source.context:
                # Two queues of one context: the copy waits for the source's queued work,
                # and the source's next owner waits for the copy.
                ready = cl.enqueue_marker(source.queue)
                cl.enqueue_copy(target.queue, dst.buffer, src.buffer, byte_count=nbytes,
                                src_offset=src_offset, dst_offset=dst_offset,
                                wait_for=[ready])
                target.queue.finish()
            else:
                staging = np.empty(nbytes, dtype=np.uint8)
                cl.enqueue_copy(source.queue, staging, src.buffer, src_offset=src_offset,
                                is_blocking=True)
                cl.enqueue_copy(target.queue, dst.buffer, staging, dst_offset=dst_offset,
                                is_blocking=True)

    def synchronize(self, index: int) -> None:
        state = self.state(index)
        with translated("synchronize", state.label):
            for stream in state.streams():
                stream.finish()

    def memory_stats(self, index: int) -> dict[str, int]:
        return self.state(index).allocator.memory_stats()

    # Non-blocking copies ----------------------------------------------------------------
    has_async_copies = True

    def pinned_host_buffer(self, nbytes: int, index: int) -> np.ndarray | None:
        # Host-allocated memory the device can reach directly, mapped for the host; the
        # array keeps the mapping (and the buffer) alive.
        state = self.state(index)
        with translated(f"allocating {nbytes} bytes of pinned host memory", state.label):
            buffer = cl.Buffer(state.context, cl.mem_flags.READ_WRITE | cl.mem_flags.ALLOC_HOST_PTR,
                               max(nbytes, 1))
            flags: Any = cl.map_flags.READ | cl.map_flags.WRITE
            mapped = cl.enqueue_map_buffer(
                state.default_stream.queue, buffer, flags, 0, (max(nbytes, 1),),
                np.dtype(np.uint8), is_blocking=True,
            )[0]
        view: np.ndarray = np.asarray(mapped)[:nbytes]
        return view

    def copy_to_host_async(
        self, dst: np.ndarray, src: Any, src_offset: int, index: int, stream: Any
    ) -> None:
        state = self.state(index)
        queue = (stream or state.default_stream).queue
        with translated(f"queueing {dst.nbytes} bytes to the host", state.label):
            cl.enqueue_copy(queue, dst, src.buffer, src_offset=src_offset, is_blocking=False)

    def copy_from_host_async(
        self, dst: Any, dst_offset: int, src: np.ndarray, index: int, stream: Any
    ) -> None:
        state = self.state(index)
        queue = (stream or state.default_stream).queue
        data = np.array(src, copy=True, order="C").reshape(-1).view(np.uint8)  # src may change
        with translated(f"queueing {data.nbytes} bytes to the device", state.label):
            cl.enqueue_copy(queue, dst.buffer, data, dst_offset=dst_offset, is_blocking=False)

    # Streams and events: queues and markers ---------------------------------------------
    has_streams = True

    def default_stream(self, index: int) -> Any:
        return self.state(index).default_stream

    def create_stream(self, index: int) -> Any:
        return self.state(index).new_stream()

    def stream_synchronize(self, stream: Any, index: int) -> None:
        with translated("synchronize a stream", self.state(index).label):
            stream.finish()

    def stream_query(self, stream: Any, index: int) -> bool:
        if not stream.busy:
            return True
        # A marker completes when everything queued before it has.
        marker = cl.enqueue_marker(stream.queue)
        stream.queue.flush()
        done = self.event_query(marker, index)
        stream.busy = not done
        return done

    def create_event(self, index: int, timing: bool) -> Any:
        return None  # OpenCL events are made by enqueueing: record_event makes them

    def record_event(self, event: Any, stream: Any, index: int) -> Any:
        return cl.enqueue_marker(stream.queue)

    def wait_event(self, stream: Any, event: Any, index: int) -> None:
        cl.enqueue_barrier(stream.queue, wait_for=[event])

    def event_query(self, event: Any, index: int) -> bool:
        status = event.command_execution_status
        return bool(status == cl.command_execution_status.COMPLETE)

    def event_synchronize(self, event: Any, index: int) -> None:
        with translated("wait for an event", self.state(index).label):
            event.wait()

    def event_elapsed_ms(self, start: Any, end: Any, index: int) -> float:
        return float(end.profile.end - start.profile.end) / 1e6

    def empty_cache(self, index: int) -> int:
        """Give device ``index``'s cached blocks back to the driver; the bytes released."""
        return self.state(index).allocator.empty_cache()


# The one runtime of this process: the plugin hands it to the core, kernels reach their
# devices through it.
RUNTIME = OpenCLRuntime()
