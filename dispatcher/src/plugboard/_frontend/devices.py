"""Devices and backends as users ask for them: ``pb.device``, ``pb.devices()``, ..."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugboard._core.device import Device, DeviceLike
from plugboard._core.errors import PluginError
from plugboard._core.faults import device_faults
from plugboard._core.runtime import DeviceProperties, DeviceRuntime
from plugboard._core.tensor import free_pending
from plugboard._plugins.registry import registry

if TYPE_CHECKING:
    from plugboard._plugins.status import BackendStatus

__all__ = [
    "backends", "device", "device_properties", "devices", "empty_cache", "memory_stats",
    "synchronize",
]


def device(spec: DeviceLike, index: int | None = None) -> Device:
    """Parse a device string such as ``"cpu"``, ``"opencl:1"`` or ``"cuda:0"``.

    Raises :class:`plugboard.DeviceError` for malformed strings and for device
    types that no installed backend provides (naming close matches and the
    package to install).

    Example:
        >>> import plugboard as pb
        >>> pb.device("cpu:0") == pb.device("cpu")
        True
    """
    parsed = Device(spec, index)
    registry().check_device_type(parsed.type)
    return parsed


def devices(device_type: str | None = None) -> list[Device]:
    """The available devices, of every backend or of one device type.

    Loads the plugins it needs; a plugin that fails is left out (see ``backends()``).

    Example:
        >>> import plugboard as pb
        >>> pb.device("cpu") in pb.devices()
        True
    """
    types = [device_type] if device_type is not None else registry().installed_device_types()
    found: list[Device] = []
    for name in types:
        if name == "meta" and device_type is None:
            continue
        try:
            found.extend(registry().get(name).devices())
        except PluginError:
            if device_type is not None:
                raise
    return found


def backends() -> list[BackendStatus]:
    """Every installed backend: version, API version, availability (with the reason), errors.

    Example:
        >>> import plugboard as pb
        >>> [b.device_type for b in pb.backends() if b.available][:1]
        ['cpu']
    """
    return registry().statuses()


def device_properties(device: DeviceLike) -> DeviceProperties:
    """Name, memory, driver and supported dtypes of a device."""
    d = Device(device)
    backend = registry().get(d.type)
    backend.check_device(d)
    return backend.runtime.device_properties(d.index)


def memory_stats(device: DeviceLike) -> dict[str, int]:
    """The device's memory statistics in bytes.

    Backends on :class:`plugboard.backend.CachingAllocator` report
    ``allocated`` (live tensors), ``reserved`` (held from the driver, cache
    included), ``peak`` and ``allocations``; others report what they know.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(1000)
        >>> pb.memory_stats("cpu")["allocated"] >= 4000
        True
    """
    runtime, index = _runtime(device)
    free_pending()
    return runtime.memory_stats(index)


def empty_cache(device: DeviceLike) -> int:
    """Give the device's cached, unused memory back to its driver; returns the bytes released.

    Example:
        >>> import plugboard as pb
        >>> pb.empty_cache("cpu") >= 0
        True
    """
    runtime, index = _runtime(device)
    free_pending()
    return runtime.empty_cache(index)


def synchronize(device: DeviceLike) -> None:
    """Wait until all work queued on the device, on every stream, has finished.

    Example:
        >>> import plugboard as pb
        >>> pb.synchronize("cpu")
    """
    runtime, index = _runtime(device)
    free_pending()
    with device_faults(Device(device), "synchronize"):
        runtime.synchronize(index)


def _runtime(device: DeviceLike) -> tuple[DeviceRuntime, int]:
    d = Device(device)
    backend = registry().get(d.type)
    backend.check_device(d)
    return backend.runtime, d.index
