"""Discovery, memory, copies, streams and events on MLX: the backend's ``DeviceRuntime``.

A buffer is a :class:`Buffer`: the storage's bytes as one flat ``uint8`` MLX array,
which every write replaces (MLX arrays are values, not memory). Kernels read a
tensor as a view of those bytes (``mx.view`` and ``mx.as_strided``) and write an
update of them. MLX is lazy: a kernel builds graph nodes, which the runtime
starts at once with ``mx.async_eval`` on the current stream (an MLX stream), so
that work is queued as on a GPU queue; ``synchronize`` is ``mx.eval`` of what is
pending, then ``mx.synchronize``.

Frees are stream-ordered by construction: queued work holds the MLX arrays it
reads, so a released storage's memory returns to MLX's allocator only once that
work is done, and a new buffer never shares its bytes.
"""

from __future__ import annotations

import os
import platform
import threading
import time
import weakref
from typing import Any

import numpy as np

import plugboard as pb
from plugboard import backend
from plugboard.backend import Availability, DeviceProperties

from . import __version__
from ._capabilities import DTYPES, EMULATION_LABEL, UNSUPPORTED
from ._probe import Probe, probe

__all__ = ["RUNTIME", "Buffer", "MetalRuntime", "MLXEvent", "MLXStream"]


class Buffer:
    """A storage's bytes on metal: ``data``, a flat uint8 MLX array of ``nbytes``."""

    __slots__ = ("__weakref__", "data", "nbytes")

    def __init__(self, data: Any, nbytes: int):
        self.data = data
        self.nbytes = nbytes


class MLXStream:
    """A stream: an MLX stream, and the newest array of each buffer written on it."""

    __slots__ = ("__weakref__", "pending", "stream", "waits")

    def __init__(self, stream: Any):
        self.stream = stream
        self.pending: dict[int, Any] = {}
        self.waits = 0  # how many times the host waited for it: events recorded before are done

    def queue(self, buffer: Buffer) -> None:
        """Start the work that gives ``buffer`` its new bytes, without waiting for it."""
        import mlx.core as mx

        self.pending[id(buffer)] = buffer.data
        mx.async_eval(buffer.data)  # type: ignore[no-untyped-call]  # MLX's stub lacks types

    def synchronize(self) -> None:
        import mlx.core as mx

        if self.pending:
            mx.eval(list(self.pending.values()))
            self.pending.clear()
        mx.synchronize(self.stream)
        self.waits += 1


class MLXEvent:
    """A point in a stream: the arrays queued on it when recorded, and when they were done.

    MLX has no completion query: an event is known complete once the runtime has
    waited for its arrays (or had none to wait for); its time is taken then.
    """

    __slots__ = ("arrays", "done_at", "stream", "waits")

    def __init__(self) -> None:
        self.arrays: list[Any] = []
        self.done_at: float | None = None
        self.stream: MLXStream | None = None
        self.waits = 0

    def done(self) -> bool:
        """Whether the host has waited for this event's work (here or through its stream)."""
        if self.done_at is None and self.stream is not None and self.stream.waits > self.waits:
            self.arrays = []
            self.done_at = time.perf_counter()
        return self.done_at is not None


def _total_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


class MetalRuntime(backend.DeviceRuntime):
    """``metal:0``: the Apple GPU through MLX, or MLX's CPU device under host emulation."""

    has_streams = True

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._environ = environ
        self._lock = threading.Lock()
        self._probe: Probe | None = None
        self._streams: weakref.WeakSet[MLXStream] = weakref.WeakSet()
        self._default: MLXStream | None = None
        self._allocated = 0
        self._peak = 0
        self._count = 0
        self._device_label = pb.Device("metal", 0)

    @property
    def found(self) -> Probe:
        with self._lock:
            if self._probe is None:
                self._probe = probe(environ=self._environ)
            return self._probe

    @property
    def emulated(self) -> bool:
        """Whether metal:0 is host emulation on MLX's CPU device."""
        return self.found.emulated

    def mx_device(self) -> Any:
        import mlx.core as mx

        return mx.cpu if self.emulated else mx.gpu

    # Discovery ------------------------------------------------------------------------
    def availability(self) -> Availability:
        found = self.found
        return Availability(found.available, found.reason)

    def device_count(self) -> int:
        return 1 if self.found.available else 0

    def device_properties(self, index: int) -> DeviceProperties:
        import mlx.core as mx

        info: dict[str, Any] = dict(mx.device_info()) if hasattr(mx, "device_info") else {}
        unsupported = "; ".join(f"{d.name}: {why}" for d, why in UNSUPPORTED.items())
        if self.emulated:
            host = str(info.get("device_name") or platform.processor() or platform.machine())
            name = f"{EMULATION_LABEL} ({host})"
            memory = _total_memory()
        else:
            name = str(info.get("device_name") or "Apple GPU")
            memory = int(info.get("memory_size", 0))
        # The conformance reports show a non-empty "emulation" in their header.
        emulation = {"emulation": EMULATION_LABEL} if self.emulated else {}
        return DeviceProperties(
            name=name,
            total_memory=memory,
            driver=f"MLX {self.found.mlx_version}"
                   + (f", {EMULATION_LABEL}" if self.emulated else ", Metal"),
            dtypes=DTYPES,
            extra={
                **emulation,
                "mlx_device": "cpu" if self.emulated else "gpu",
                "architecture": str(info.get("architecture", platform.machine())),
                "not declared": unsupported,
                "plugboard_metal": __version__,
            },
        )

    # Streams ---------------------------------------------------------------------------
    def _default_stream(self) -> MLXStream:
        if self._default is None:
            import mlx.core as mx

            self._default = MLXStream(mx.default_stream(self.mx_device()))
            self._streams.add(self._default)
        return self._default

    def current(self) -> MLXStream:
        """The current stream of metal:0 (this thread): the default one unless chosen."""
        handle = backend.current_stream_handle(self._device_label)
        if handle is None:
            return self._default_stream()
        stream: MLXStream = handle
        return stream

    # Memory ---------------------------------------------------------------------------
    def allocate(self, nbytes: int, index: int) -> Buffer:
        import mlx.core as mx

        with mx.stream(self.current().stream):
            buffer = Buffer(mx.zeros((nbytes,), dtype=mx.uint8), nbytes)
        with self._lock:
            self._allocated += nbytes
            self._count += 1
            self._peak = max(self._peak, self._allocated)
        return buffer

    def free(self, handle: Any, index: int) -> None:
        # Work queued on the buffer holds its arrays; dropping ours is a stream-ordered free.
        for stream in list(self._streams):
            stream.pending.pop(id(handle), None)
        handle.data = None
        with self._lock:
            self._allocated -= handle.nbytes
            self._count -= 1

    def write_bytes(self, dst: Buffer, offset: int, data: Any) -> None:
        """Put the uint8 MLX array ``data`` into ``dst`` at byte ``offset``, on the current
        stream."""
        import mlx.core as mx

        stream = self.current()
        n = int(data.size)
        if n == 0:
            return
        with mx.stream(stream.stream):
            if offset == 0 and n == dst.nbytes:
                dst.data = data
            else:
                dst.data = mx.slice_update(dst.data, data, mx.array([offset]), [0])
        stream.queue(dst)

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        import mlx.core as mx

        # As bytes: mx.array of a float64 (or bfloat16) host array would convert its values.
        data = np.ascontiguousarray(src).reshape(-1).view(np.uint8)
        self.write_bytes(dst, dst_offset, mx.array(data))  # a copy: the caller may reuse src

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        import mlx.core as mx

        flat = dst.reshape(-1).view(np.uint8)
        if flat.size == 0:
            return
        segment = src.data[src_offset : src_offset + flat.size]
        mx.eval(segment)
        # np.asarray aliases MLX's memory: copied out at once, never handed on.
        flat[:] = np.asarray(segment)

    def copy_between(self, dst: Any, dst_offset: int, dst_index: int, src: Any,
                     src_offset: int, src_index: int, nbytes: int) -> None:
        if nbytes:
            self.write_bytes(dst, dst_offset, src.data[src_offset : src_offset + nbytes])

    def synchronize(self, index: int) -> None:
        for stream in list(self._streams):
            stream.synchronize()

    def memory_stats(self, index: int) -> dict[str, int]:
        """The storages' bytes (``allocated``, ``peak``, ``allocations``), and MLX's
        allocator (``mlx_active``, ``mlx_peak``, ``mlx_cache``: the whole process's)."""
        import mlx.core as mx

        with self._lock:
            stats = {"allocated": self._allocated, "peak": self._peak,
                     "allocations": self._count}
        stats.update(mlx_active=int(mx.get_active_memory()), mlx_peak=int(mx.get_peak_memory()),
                     mlx_cache=int(mx.get_cache_memory()))
        return stats

    def empty_cache(self, index: int) -> int:
        import mlx.core as mx

        self.synchronize(index)
        cached = int(mx.get_cache_memory())
        mx.clear_cache()
        return cached

    # Streams and events -----------------------------------------------------------------
    def default_stream(self, index: int) -> Any:
        return self._default_stream()

    def create_stream(self, index: int) -> Any:
        import mlx.core as mx

        stream = MLXStream(mx.new_stream(self.mx_device()))
        self._streams.add(stream)
        return stream

    def stream_synchronize(self, stream: Any, index: int) -> None:
        stream.synchronize()

    def stream_query(self, stream: Any, index: int) -> bool:
        # MLX cannot say whether started work is done without waiting: pending until waited.
        return not stream.pending

    def create_event(self, index: int, timing: bool) -> Any:
        return MLXEvent()

    def record_event(self, event: Any, stream: Any, index: int) -> Any:
        event.arrays = list(stream.pending.values())
        event.done_at = None if event.arrays else time.perf_counter()
        event.stream, event.waits = stream, stream.waits
        return event

    def wait_event(self, stream: Any, event: Any, index: int) -> None:
        # Later work on `stream` reads the arrays the event's work produces, so MLX's graph
        # already orders it after them; nothing to queue.
        del stream, event

    def event_query(self, event: Any, index: int) -> bool:
        return bool(event.done())

    def event_synchronize(self, event: Any, index: int) -> None:
        import mlx.core as mx

        if not event.done():
            mx.eval(event.arrays)
            event.arrays = []
            event.done_at = time.perf_counter()

    def event_elapsed_ms(self, start: Any, end: Any, index: int) -> float:
        return max(0.0, float(end.done_at - start.done_at) * 1e3)


# The one runtime of this process: the plugin hands it to the core, kernels reach it.
RUNTIME = MetalRuntime()
