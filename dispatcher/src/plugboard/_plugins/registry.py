"""Plugin discovery and loading: the :class:`BackendRegistry`.

Backends are found through entry points (group ``plugboard.backends``, name =
device type) and loaded lazily: the first time their device type is used, or
when devices are listed. A plugin that fails to load is recorded with its
traceback (``plugboard doctor`` shows it) and harms no other plugin.

One :class:`BackendRegistry` holds everything this knows: the entry point
scan, the loaded backends, the failures. plugboard makes one when it starts
and connects it to the dispatcher (:func:`registry`); a test can make a fresh
one and connect it for the duration of the test.

Environment switches:

- ``PLUGBOARD_BACKENDS``: comma-separated allow-list of device types;
- ``PLUGBOARD_DISABLE_BACKENDS``: comma-separated deny-list.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import threading
import traceback
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

import pluggy

from plugboard._core.device import Device
from plugboard._core.dtype import ALL_DTYPES
from plugboard._core.errors import BackendUnavailableError, DeviceError, PluginError
from plugboard._core.runtime import Availability, DeviceProperties, DeviceRuntime
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import (
    FreeingStorage,
    Storage,
    Tensor,
    contiguous_strides,
    free_pending,
)
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.keys import DispatchKey, register_backend_key
from plugboard._dispatch.library import Library, close_owned
from plugboard._plugins import hookspecs as _hookspecs
from plugboard._plugins.contract import BackendInfo
from plugboard._version import API_VERSION, __version__

__all__ = [
    "ALLOW_ENV",
    "DENY_ENV",
    "KNOWN_DISTRIBUTIONS",
    "BackendRegistry",
    "BackendStatus",
    "LoadedBackend",
    "conformance_expectations",
    "registry",
]

ALLOW_ENV: Final = "PLUGBOARD_BACKENDS"
DENY_ENV: Final = "PLUGBOARD_DISABLE_BACKENDS"
META: Final = "meta"

# Backends maintained with plugboard, so an error can name the package to install.
KNOWN_DISTRIBUTIONS: Final = {
    "cpu": "plugboard-cpu",
    "opencl": "plugboard-opencl",
    "cuda": "plugboard-cuda",
    "rocm": "plugboard-rocm",
    "metal": "plugboard-metal",
}


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

    def new_tensor(self, spec: TensorSpec) -> Tensor:
        """A contiguous tensor for a meta spec (shape, dtype, device), uninitialized."""
        shape, dtype, device = spec
        index = device.index
        if index >= self.device_count or not self.availability.available:
            self.check_device(device)
        nbytes = math.prod(shape) * dtype.itemsize
        free_pending()  # collected tensors' buffers first, so the runtime can reuse them
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


def _env_list(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


def switched_off(device_type: str) -> str | None:
    """Why an environment switch excludes this device type, or None."""
    allow, deny = _env_list(ALLOW_ENV), _env_list(DENY_ENV)
    if allow is not None and device_type not in allow:
        return f"not in {ALLOW_ENV}={os.environ.get(ALLOW_ENV)}"
    if deny is not None and device_type in deny:
        return f"listed in {DENY_ENV}={os.environ.get(DENY_ENV)}"
    return None


class BackendRegistry:
    """The installed backend plugins: discovery, loading, failures, lookup.

    It is the dispatcher's :class:`plugboard._dispatch.backends.BackendSource`.
    Loading a plugin calls its hooks in order (identity, runtime, kernels) and
    registers its kernels on a :class:`plugboard.Library` bound to its key;
    :meth:`forget` undoes those registrations. The operator table is
    process-wide, so two registries cannot both load the same plugin: a fresh
    registry (in a test) loads plugins the connected one has not loaded.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._loaded: dict[str, LoadedBackend] = {}
        self._failed: dict[str, _Failure] = {}
        self._by_bit: dict[int, LoadedBackend] = {}
        self._entry_points: dict[str, metadata.EntryPoint] | None = None
        self._manager = pluggy.PluginManager(_hookspecs.PROJECT)
        self._manager.add_hookspecs(_hookspecs)

    # Discovery ---------------------------------------------------------------
    def discover(self) -> dict[str, metadata.EntryPoint]:
        """The entry points of the group ``plugboard.backends``, by device type (cached)."""
        if self._entry_points is None:
            found: dict[str, metadata.EntryPoint] = {}
            for ep in metadata.entry_points(group=_hookspecs.ENTRY_POINT_GROUP):
                found.setdefault(ep.name, ep)
            self._entry_points = found
        return self._entry_points

    def refresh(self) -> None:
        """Forget the entry point scan (tests install plugins at run time)."""
        with self._lock:
            self._entry_points = None

    def installed_device_types(self) -> list[str]:
        """Device types of installed backends (after the env switches), plus ``meta``."""
        names = [n for n in self.discover() if switched_off(n) is None]
        return [*sorted(names), META]

    def check_device_type(self, device_type: str) -> None:
        """Raise a DeviceError unless an installed, switched-on backend has this type.

        The error names close matches, the installed backends, and the package
        to install for a backend plugboard maintains.
        """
        installed = self.installed_device_types()
        if device_type in installed:
            return
        off = switched_off(device_type) if device_type in self.discover() else None
        if off is not None:
            raise DeviceError(
                f"the {device_type} backend is installed but switched off: {off}. "
                "Change the environment variable to use it"
            )
        message = f"unknown device type {device_type!r}"
        close = difflib.get_close_matches(device_type, installed, n=3, cutoff=0.5)
        if close:
            message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            message += "."
        message += f" Installed backends: {', '.join(sorted(installed))}."
        distribution = KNOWN_DISTRIBUTIONS.get(device_type)
        if distribution is not None:
            message += (
                f" The {device_type} backend is in the package {distribution}: "
                f"pip install {distribution}"
            )
        elif not close:
            message += " A vendor's backend is installed with its own pip package."
        raise DeviceError(message)

    # Lookup ------------------------------------------------------------------
    def get(self, device_type: str) -> LoadedBackend:
        """The loaded backend of ``device_type``, loading its plugin on first use."""
        backend = self._loaded.get(device_type)
        if backend is not None:
            return backend
        with self._lock:
            backend = self._loaded.get(device_type)
            if backend is not None:
                return backend
            if device_type == META:
                return self._register(_meta_backend(), plugin=None)
            failure = self._failed.get(device_type)
            if failure is None:
                self.check_device_type(device_type)
                self._load(device_type, self.discover()[device_type])
                failure = self._failed.get(device_type)
            if failure is not None:
                raise PluginError(
                    f"the {device_type} backend failed to load: {failure.error}. "
                    "Run `plugboard doctor` for the traceback; reinstalling or upgrading the "
                    "plugin package usually fixes it"
                )
            return self._loaded[device_type]

    def for_key(self, bit: int) -> LoadedBackend:
        """The loaded backend whose dispatch key has bit ``bit``."""
        return self._by_bit[bit]

    def loaded(self) -> dict[str, LoadedBackend]:
        """The backends loaded so far, by device type."""
        return dict(self._loaded)

    def load_all(self) -> None:
        """Load every installed, switched-on plugin (failures are recorded, not raised)."""
        for name in self.installed_device_types():
            with contextlib.suppress(PluginError):  # recorded for `plugboard doctor`
                self.get(name)

    def conformance_expectations(self, device_type: str) -> str | None:
        """The path of a loaded plugin's conformance expectations file, if it ships one."""
        self.get(device_type)
        plugin = self._manager.get_plugin(device_type)
        if plugin is None:
            return None
        path = self._call_all(plugin, "plugboard_conformance_expectations")
        return None if path is None else str(path)

    def statuses(self) -> list[BackendStatus]:
        """Every installed backend, loaded or failed, and every switched-off one."""
        self.load_all()
        statuses = []
        for name, ep in sorted(self.discover().items()):
            dist = ep.dist.name if ep.dist is not None else ""
            version = ep.dist.version if ep.dist is not None else ""
            off = switched_off(name)
            if off is not None:
                statuses.append(
                    BackendStatus(
                        name, dist, version, None, False, False, f"switched off: {off}", 0
                    )
                )
                continue
            loaded = self._loaded.get(name)
            if loaded is not None:
                statuses.append(
                    BackendStatus(
                        name, dist, loaded.info.version, loaded.info.api_version, True,
                        loaded.availability.available, loaded.availability.reason,
                        loaded.device_count,
                    )
                )
                continue
            failure = self._failed[name]
            api = failure.info.api_version if failure.info else None
            statuses.append(
                BackendStatus(
                    name, dist, version, api, False, False, "failed to load", 0,
                    failure.error, failure.traceback,
                )
            )
        return statuses

    # Loading -----------------------------------------------------------------
    def _load(self, device_type: str, ep: metadata.EntryPoint) -> None:
        info: BackendInfo | None = None
        plugin: Any = None
        manager = self._manager
        try:
            plugin = ep.load()
            manager.register(plugin, name=device_type)
            manager.check_pending()
            info = self._call(plugin, "plugboard_backend_info")
            _check_info(device_type, info)
            runtime = self._call(plugin, "plugboard_device_runtime")
            if not isinstance(runtime, DeviceRuntime):
                raise PluginError(
                    f"plugboard_device_runtime() returned {type(runtime).__name__}, "
                    "not a plugboard.backend.DeviceRuntime"
                )
            key = register_backend_key(info.dispatch_key)
            availability, count = _probe(runtime)
            backend = LoadedBackend(info, runtime, key, availability, count)
            self._register(backend, plugin)
        except Exception as error:  # a broken plugin must not break the others
            if plugin is not None and manager.is_registered(plugin):
                manager.unregister(plugin)
            self._loaded.pop(device_type, None)
            self._failed[device_type] = _Failure(
                f"{type(error).__name__}: {error}", traceback.format_exc(), info
            )

    def _register(self, backend: LoadedBackend, plugin: Any) -> LoadedBackend:
        self._loaded[backend.device_type] = backend
        assert backend.key.bit is not None
        self._by_bit[backend.key.bit] = backend
        if plugin is not None:
            library = backend.library = Library(
                "pb", dispatch_key=backend.key, owner=backend.device_type
            )
            try:
                self._call_all(plugin, "plugboard_register_kernels", library=library)
            except Exception:
                library.close()
                del self._loaded[backend.device_type]
                del self._by_bit[backend.key.bit]
                raise
        return backend

    def _call(self, plugin: Any, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook; it must have one."""
        results = self._call_all(plugin, hook, **kwargs)
        if results is None:
            raise PluginError(f"the plugin does not implement the required hook {hook}()")
        return results

    def _call_all(self, plugin: Any, hook: str, **kwargs: Any) -> Any:
        others = [p for p in self._manager.get_plugins() if p is not plugin]
        caller = self._manager.subset_hook_caller(hook, remove_plugins=others)
        return caller(**kwargs)

    # Unloading ---------------------------------------------------------------
    def forget(self, device_type: str) -> None:
        """Unload a plugin: undo its registrations, so it loads again on next use."""
        with self._lock:
            self._failed.pop(device_type, None)
            backend = self._loaded.pop(device_type, None)
            if backend is not None and backend.key.bit is not None:
                self._by_bit.pop(backend.key.bit, None)
            if backend is not None and backend.library is not None:
                backend.library.close()
            plugin = self._manager.get_plugin(device_type)
            if plugin is not None:
                self._manager.unregister(plugin)
            close_owned(device_type)


def registry() -> BackendRegistry:
    """The registry the dispatcher is connected to (made when plugboard starts)."""
    source = backend_source()
    assert isinstance(source, BackendRegistry)
    return source


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
    info = BackendInfo(META, "Meta", __version__, API_VERSION, "plugboard")
    return LoadedBackend(
        info, _MetaRuntime(), register_backend_key("Meta"), Availability.yes(), 1, is_meta=True
    )


def conformance_expectations(device_type: str) -> str | None:
    """The path of a loaded plugin's conformance expectations file, if it ships one."""
    return registry().conformance_expectations(device_type)
