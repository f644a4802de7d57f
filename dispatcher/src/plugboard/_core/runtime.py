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
    queue work asynchronously; the core calls :meth:`synchronize` only through
    :meth:`copy_to_host`, which must return with the bytes in place.

    A runtime whose memory is host memory sets ``host_memory = True`` and
    returns 1-D ``uint8`` NumPy arrays as handles: the core then shares memory
    with NumPy without copies (``from_numpy``, ``.numpy()``).
    """

    host_memory: bool = False

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
        """Memory statistics in bytes, such as ``allocated``, ``reserved``, ``peak``."""
        del index
        return {}
