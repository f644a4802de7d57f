"""Listing devices and backends; per-device queries."""

from __future__ import annotations

from ._backend import DeviceProperties
from ._device import Device, DeviceLike
from ._plugins import BackendStatus, backend_statuses, get_backend, installed_device_types

__all__ = ["backends", "device_properties", "devices", "memory_stats", "synchronize"]


def devices(device_type: str | None = None) -> list[Device]:
    """The available devices, of every backend or of one device type.

    Loads the plugins it needs; a plugin that fails is left out (see ``backends()``).

    Example:
        >>> import plugboard as pb
        >>> pb.device("cpu") in pb.devices()
        True
    """
    from ._errors import PluginError

    types = [device_type] if device_type is not None else installed_device_types()
    found: list[Device] = []
    for name in types:
        if name == "meta" and device_type is None:
            continue
        try:
            found.extend(get_backend(name).devices())
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
    return backend_statuses()


def device_properties(device: DeviceLike) -> DeviceProperties:
    """Name, memory, driver and supported dtypes of a device."""
    d = Device(device)
    backend = get_backend(d.type)
    backend.check_device(d)
    return backend.runtime.device_properties(d.index)


def memory_stats(device: DeviceLike) -> dict[str, int]:
    """The device's memory statistics in bytes (keys depend on the backend)."""
    d = Device(device)
    backend = get_backend(d.type)
    backend.check_device(d)
    return backend.runtime.memory_stats(d.index)


def synchronize(device: DeviceLike) -> None:
    """Wait until all work queued on the device has finished."""
    d = Device(device)
    backend = get_backend(d.type)
    backend.check_device(d)
    backend.runtime.synchronize(d.index)
