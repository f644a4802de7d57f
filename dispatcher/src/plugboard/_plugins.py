"""Plugin discovery and loading.

Backends are found through entry points (group ``plugboard.backends``, name =
device type) and loaded lazily: the first time their device type is used, or
when devices are listed. A plugin that fails to load is recorded with its
traceback (``plugboard doctor`` shows it) and harms no other plugin.

Environment switches:

- ``PLUGBOARD_BACKENDS``: comma-separated allow-list of device types;
- ``PLUGBOARD_DISABLE_BACKENDS``: comma-separated deny-list.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import traceback
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

import pluggy

from . import _hookspecs
from ._backend import Availability, BackendInfo, DeviceProperties, DeviceRuntime
from ._device import Device
from ._dtype import ALL_DTYPES
from ._errors import BackendUnavailableError, DeviceError, PluginError
from ._keys import DispatchKey, register_backend_key
from ._tensor import FreeingStorage, Storage, Tensor, contiguous_strides
from ._version import API_VERSION

__all__ = [
    "BackendStatus",
    "LoadedBackend",
    "backend_for_key",
    "backend_statuses",
    "get_backend",
    "installed_device_types",
    "load_all",
]

ALLOW_ENV: Final = "PLUGBOARD_BACKENDS"
DENY_ENV: Final = "PLUGBOARD_DISABLE_BACKENDS"
META: Final = "meta"


class LoadedBackend:
    """A backend whose plugin has loaded: identity, runtime, key and devices."""

    def __init__(
        self,
        info: BackendInfo,
        runtime: DeviceRuntime,
        key: DispatchKey,
        availability: Availability,
        device_count: int,
        is_meta: bool = False,
    ):
        self.info = info
        self.device_type = info.device_type
        self.runtime = runtime
        self.key = key
        self.availability = availability
        self.device_count = device_count
        self.is_meta = is_meta
        self.library: Any = None  # the Library its kernels were registered on
        frees = type(runtime).free is not DeviceRuntime.free
        self._storage_type: type[Storage] = FreeingStorage if frees else Storage
        self._devices = [Device(self.device_type, i) for i in range(device_count)]

    def check_device(self, device: Device) -> None:
        """Raise unless ``device`` exists (backend available, index in range)."""
        if not self.availability.available:
            raise BackendUnavailableError(
                f"the {self.device_type} backend is installed but unavailable here: "
                f"{self.availability.reason}. `plugboard doctor` shows every backend's state"
            )
        if device.index >= self.device_count:
            raise DeviceError(
                f"device {device} does not exist: the {self.device_type} backend has "
                f"{self.device_count} device(s), {self.device_type}:0 to "
                f"{self.device_type}:{self.device_count - 1}"
            )

    def new_tensor(self, spec: Any) -> Tensor:
        """A contiguous tensor for a meta spec (shape, dtype, device), uninitialized."""
        shape, dtype, device = spec
        index = device.index
        if index >= self.device_count or not self.availability.available:
            self.check_device(device)
        nbytes = math.prod(shape) * dtype.itemsize
        handle = self.runtime.allocate(nbytes, index)
        storage = self._storage_type(
            handle, nbytes, self._devices[index], self.runtime, self.key.mask
        )
        return Tensor._make(storage, shape, contiguous_strides(shape), 0, dtype)

    def wrap_storage(self, handle: Any, nbytes: int, device: Device) -> Storage:
        """Storage over memory the runtime did not allocate (so never frees)."""
        return Storage(handle, nbytes, device, self.runtime, self.key.mask)

    def devices(self) -> list[Device]:
        return list(self._devices) if self.availability.available else []


@dataclass(frozen=True)
class BackendStatus:
    """What ``pb.backends()`` says of one installed backend."""

    device_type: str
    distribution: str
    version: str
    api_version: tuple[int, int] | None
    loaded: bool
    available: bool
    reason: str
    device_count: int
    error: str | None = None
    traceback: str | None = None


@dataclass(frozen=True)
class _Failure:
    error: str
    traceback: str
    info: BackendInfo | None


_lock = threading.RLock()
_loaded: dict[str, LoadedBackend] = {}
_failed: dict[str, _Failure] = {}
_by_bit: dict[int, LoadedBackend] = {}
_entry_points: dict[str, metadata.EntryPoint] | None = None
_manager = pluggy.PluginManager(_hookspecs.PROJECT)
_manager.add_hookspecs(_hookspecs)


def _env_list(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


def _discover() -> dict[str, metadata.EntryPoint]:
    global _entry_points
    if _entry_points is None:
        found: dict[str, metadata.EntryPoint] = {}
        for ep in metadata.entry_points(group=_hookspecs.ENTRY_POINT_GROUP):
            found.setdefault(ep.name, ep)
        _entry_points = found
    return _entry_points


def switched_off(device_type: str) -> str | None:
    """Why an environment switch excludes this device type, or None."""
    allow, deny = _env_list(ALLOW_ENV), _env_list(DENY_ENV)
    if allow is not None and device_type not in allow:
        return f"not in {ALLOW_ENV}={os.environ.get(ALLOW_ENV)}"
    if deny is not None and device_type in deny:
        return f"listed in {DENY_ENV}={os.environ.get(DENY_ENV)}"
    return None


def installed_device_types() -> list[str]:
    """Device types of installed backends (after the env switches), plus ``meta``."""
    names = [n for n in _discover() if switched_off(n) is None]
    return [*sorted(names), META]


def refresh() -> None:
    """Forget the entry point scan (tests install plugins at run time)."""
    global _entry_points
    with _lock:
        _entry_points = None


def get_backend(device_type: str) -> LoadedBackend:
    """The loaded backend of ``device_type``, loading its plugin on first use."""
    backend = _loaded.get(device_type)
    if backend is not None:
        return backend
    with _lock:
        backend = _loaded.get(device_type)
        if backend is not None:
            return backend
        if device_type == META:
            return _register(_meta_backend(), plugin=None)
        failure = _failed.get(device_type)
        if failure is None:
            off = switched_off(device_type)
            eps = _discover()
            if off is not None or device_type not in eps:
                Device(device_type)  # raises the unknown-type error, with suggestions
                raise DeviceError(f"the {device_type} backend is switched off: {off}")
            _load(device_type, eps[device_type])
            failure = _failed.get(device_type)
        if failure is not None:
            raise PluginError(
                f"the {device_type} backend failed to load: {failure.error}. "
                "Run `plugboard doctor` for the traceback; reinstalling or upgrading the "
                "plugin package usually fixes it"
            )
        return _loaded[device_type]


def conformance_expectations(device_type: str) -> str | None:
    """The path of a loaded plugin's conformance expectations file, if it ships one."""
    get_backend(device_type)
    plugin = _manager.get_plugin(device_type)
    if plugin is None:
        return None
    path = _call_all(plugin, "plugboard_conformance_expectations")
    return None if path is None else str(path)


def backend_for_key(bit: int) -> LoadedBackend:
    return _by_bit[bit]


def load_all() -> None:
    """Load every installed, switched-on plugin (failures are recorded, not raised)."""
    for name in installed_device_types():
        with contextlib.suppress(PluginError):  # recorded for `plugboard doctor`
            get_backend(name)


def _load(device_type: str, ep: metadata.EntryPoint) -> None:
    info: BackendInfo | None = None
    plugin: Any = None
    try:
        plugin = ep.load()
        _manager.register(plugin, name=device_type)
        _manager.check_pending()
        info = _call(plugin, "plugboard_backend_info")
        _check_info(device_type, info)
        runtime = _call(plugin, "plugboard_device_runtime")
        if not isinstance(runtime, DeviceRuntime):
            raise PluginError(
                f"plugboard_device_runtime() returned {type(runtime).__name__}, "
                "not a plugboard.backend.DeviceRuntime"
            )
        key = register_backend_key(info.dispatch_key)
        availability, count = _probe(runtime)
        backend = LoadedBackend(info, runtime, key, availability, count)
        _register(backend, plugin)
    except Exception as error:  # a broken plugin must not break the others
        if plugin is not None and _manager.is_registered(plugin):
            _manager.unregister(plugin)
        _loaded.pop(device_type, None)
        _failed[device_type] = _Failure(
            f"{type(error).__name__}: {error}", traceback.format_exc(), info
        )


def _register(backend: LoadedBackend, plugin: Any) -> LoadedBackend:
    from ._library import Library

    _loaded[backend.device_type] = backend
    assert backend.key.bit is not None
    _by_bit[backend.key.bit] = backend
    if plugin is not None:
        library = backend.library = Library(
            "pb", dispatch_key=backend.key, owner=backend.device_type
        )
        try:
            _call_all(plugin, "plugboard_register_kernels", library=library)
        except Exception:
            library.close()
            del _loaded[backend.device_type]
            del _by_bit[backend.key.bit]
            raise
    return backend


def _call(plugin: Any, hook: str, **kwargs: Any) -> Any:
    """Call one plugin's implementation of a hook; it must have one."""
    results = _call_all(plugin, hook, **kwargs)
    if results is None:
        raise PluginError(f"the plugin does not implement the required hook {hook}()")
    return results


def _call_all(plugin: Any, hook: str, **kwargs: Any) -> Any:
    others = [p for p in _manager.get_plugins() if p is not plugin]
    caller = _manager.subset_hook_caller(hook, remove_plugins=others)
    return caller(**kwargs)


def _check_info(device_type: str, info: Any) -> None:
    if not isinstance(info, BackendInfo):
        raise PluginError(
            f"plugboard_backend_info() returned {type(info).__name__}, "
            "not a plugboard.backend.BackendInfo"
        )
    if info.device_type != device_type:
        raise PluginError(
            f"the entry point is named {device_type!r} but the plugin says its device "
            f"type is {info.device_type!r}; they must match"
        )
    major, minor = info.api_version
    if major != API_VERSION[0] or minor > API_VERSION[1]:
        raise PluginError(
            f"the plugin was built for plugboard backend API {major}.{minor}, but this "
            f"plugboard offers {API_VERSION[0]}.{API_VERSION[1]} (a plugin loads when the "
            "major versions match and its minor is not newer). Install a plugin release "
            "built for this plugboard, or a plugboard that matches the plugin"
        )


def _probe(runtime: DeviceRuntime) -> tuple[Availability, int]:
    try:
        availability = runtime.availability()
        count = runtime.device_count() if availability.available else 0
    except Exception as error:
        return Availability.no(f"probing the devices raised {type(error).__name__}: {error}"), 0
    if availability.available and count == 0:
        return Availability.no("the driver reports no devices"), 0
    return availability, count


def backend_statuses() -> list[BackendStatus]:
    """Every installed backend, loaded or failed, and every switched-off one."""
    load_all()
    statuses = []
    for name, ep in sorted(_discover().items()):
        dist = ep.dist.name if ep.dist is not None else ""
        version = ep.dist.version if ep.dist is not None else ""
        off = switched_off(name)
        if off is not None:
            statuses.append(
                BackendStatus(name, dist, version, None, False, False, f"switched off: {off}", 0)
            )
            continue
        loaded = _loaded.get(name)
        if loaded is not None:
            statuses.append(
                BackendStatus(
                    name, dist, loaded.info.version, loaded.info.api_version, True,
                    loaded.availability.available, loaded.availability.reason,
                    loaded.device_count,
                )
            )
            continue
        failure = _failed[name]
        api = failure.info.api_version if failure.info else None
        statuses.append(
            BackendStatus(
                name, dist, version, api, False, False, "failed to load", 0,
                failure.error, failure.traceback,
            )
        )
    return statuses


def forget(device_type: str) -> None:
    """Unload a plugin's record so it loads again (used by tests)."""
    with _lock:
        _failed.pop(device_type, None)
        backend = _loaded.pop(device_type, None)
        if backend is not None and backend.key.bit is not None:
            _by_bit.pop(backend.key.bit, None)
        if backend is not None and backend.library is not None:
            backend.library.close()
        plugin = _manager.get_plugin(device_type)
        if plugin is not None:
            _manager.unregister(plugin)
        from ._device import forget_type
        from ._library import close_owned

        close_owned(device_type)
        forget_type(device_type)


# The meta device: shapes and dtypes without data ---------------------------------


class _MetaRuntime(DeviceRuntime):
    def availability(self) -> Availability:
        return Availability.yes()

    def device_count(self) -> int:
        return 1

    def device_properties(self, index: int) -> DeviceProperties:
        return DeviceProperties("meta (shapes and dtypes, no data)", 0, "plugboard", ALL_DTYPES)

    def allocate(self, nbytes: int, index: int) -> Any:
        return None

    def _no_data(self) -> DeviceError:
        return DeviceError(
            "meta tensors have shapes and dtypes but no data; create the tensor on a real "
            "device to compute values"
        )

    def copy_from_host(self, dst: Any, dst_offset: int, src: Any, index: int) -> None:
        raise self._no_data()

    def copy_to_host(self, dst: Any, src: Any, src_offset: int, index: int) -> None:
        raise self._no_data()

    def copy_between(self, *args: Any) -> None:
        raise self._no_data()


def _meta_backend() -> LoadedBackend:
    from ._version import __version__

    info = BackendInfo(META, "Meta", __version__, API_VERSION, "plugboard")
    return LoadedBackend(
        info, _MetaRuntime(), register_backend_key("Meta"), Availability.yes(), 1, is_meta=True
    )
