"""Plugin discovery and loading: the :class:`BackendRegistry`.

Backends are found through entry points (group ``plugboard.backends``, name =
device type) and loaded lazily: the first time their device type is used, or
when devices are listed. A plugin that fails to load is recorded with its
traceback (``plugboard doctor`` shows it) and harms no other plugin.

One :class:`BackendRegistry` holds everything this knows: the entry point
scan, the loaded backends, the failures. plugboard makes one when it starts
and connects it to the dispatcher (:func:`registry`); a test can make a fresh
one and connect it for the duration of the test.

Environment switches, device types separated by commas, semicolons or
whitespace, in any case (``"cpu;OpenCL"``):

- ``PLUGBOARD_BACKENDS``: an allow-list of device types;
- ``PLUGBOARD_DISABLE_BACKENDS``: a deny-list.

A name no installed backend has is an error, raised when a backend is first
needed and shown by ``plugboard doctor``.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from plugboard._core.device import Device
from plugboard._core.dtype import ALL_DTYPES, DType
from plugboard._core.errors import (
    BackendUnavailableError,
    DeviceError,
    OutOfMemoryError,
    PlugboardError,
    PluginError,
    ShapeError,
)
from plugboard._core.runtime import Availability, DeviceProperties, DeviceRuntime, format_bytes
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import (
    MAX_NUMEL,
    FinalizerFreeingStorage,
    FreeingStorage,
    Storage,
    Tensor,
    check_numel,
    contiguous_strides,
    free_pending,
)
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.keys import DispatchKey, register_backend_key
from plugboard._dispatch.library import Library, PluginScope
from plugboard._version import API_VERSION, __version__

# Loaded when first needed, not with `import plugboard`: BackendInfo when a plugin
# loads, BackendStatus when statuses are asked for, difflib and traceback for errors.
if TYPE_CHECKING:
    from importlib import metadata

    import pluggy

    from plugboard._plugins.contract import BackendInfo
    from plugboard._plugins.status import BackendStatus

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

# The dispatch keys of the core's and plugboard's own backends, whatever loads first.
RESERVED_KEYS: Final = {"cpu": "CPU", "meta": "Meta", "opencl": "OpenCL"}

# Device indices are int8 in PyTorch (c10::DeviceIndex): at most 128 devices per type.
MAX_DEVICE_COUNT: Final = 128

# A device type: lower case, as PyTorch's, so environment switches can match any case.
_DEVICE_TYPE: Final = re.compile(r"[a-z_][a-z0-9_]*")
_SEPARATORS: Final = re.compile(r"[\s,;]+")


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
        self.scope: PluginScope | None = None  # what its plugin registered
        frees = type(runtime).free is not DeviceRuntime.free
        self._storage_type: type[Storage] = (
            Storage if not frees
            else FinalizerFreeingStorage if runtime.free_from_finalizer
            else FreeingStorage
        )
        self._devices = [Device(self.device_type, i) for i in range(device_count)]

    def check_device(self, device: Device) -> None:
        """Raise unless ``device`` exists (backend available, index in range)."""
        if not self.availability.available:
            raise BackendUnavailableError(
                f"the {self.device_type} backend is installed but unavailable here: "
                f"{self.availability.reason}. Fix: use another device, e.g. 'cpu'; "
                "`plugboard doctor` shows every backend's state"
            )
        if device.index >= self.device_count:
            raise DeviceError(
                f"device {device} does not exist: the {self.device_type} backend has "
                f"{self.device_count} device(s), {self.device_type}:0 to "
                f"{self.device_type}:{self.device_count - 1}. Fix: use one of them"
            )

    def new_tensor(self, spec: TensorSpec) -> Tensor:
        """A contiguous tensor for a meta spec (shape, dtype, device), uninitialized."""
        shape, dtype, device = spec
        index = device.index
        if index >= self.device_count or not self.availability.available:
            self.check_device(device)
        nbytes = check_numel(shape) * dtype.itemsize
        if nbytes > MAX_NUMEL:
            # PyTorch's storage size check, on every device (meta too); NumPy: ValueError.
            raise ShapeError(
                f"a {dtype}[{', '.join(map(str, shape))}] tensor needs {nbytes} bytes "
                f"({format_bytes(nbytes)}), more than a tensor can address (2**63 - 1). "
                "Fix: use smaller sizes"
            )
        return self.new_checked(shape, contiguous_strides(shape), dtype, device, nbytes)

    def new_checked(
        self,
        shape: tuple[int, ...],
        strides: tuple[int, ...],
        dtype: DType,
        device: Device,
        nbytes: int,
    ) -> Tensor:
        """:meth:`new_tensor` for a spec it has already checked (a call plan's outputs):
        ``strides`` contiguous for ``shape``, ``nbytes`` its size."""
        free_pending()  # collected tensors' buffers first, so the runtime can reuse them
        index = device.index
        try:
            handle = self.runtime.allocate(nbytes, index)
        except MemoryError as error:
            if isinstance(error, PlugboardError):
                raise  # the runtime's own out-of-memory error (OpenCL's) says more
            raise OutOfMemoryError(
                f"cannot allocate {nbytes} bytes ({format_bytes(nbytes)}) for a "
                f"{dtype}[{', '.join(map(str, shape))}] tensor on {device}: {error}. Fix: "
                "free tensors you no longer need, or use smaller ones"
            ) from None
        storage = self._storage_type(
            handle, nbytes, self._devices[index], self.runtime, self.key.mask
        )
        return Tensor._make(storage, shape, strides, 0, dtype)

    def wrap_storage(self, handle: Any, nbytes: int, device: Device) -> Storage:
        """Storage over memory the runtime did not allocate (so never frees)."""
        return Storage(handle, nbytes, device, self.runtime, self.key.mask)

    def devices(self) -> list[Device]:
        return list(self._devices) if self.availability.available else []


class _Failure:
    """Why a plugin failed to load: the error, its traceback, the identity it gave."""

    __slots__ = ("error", "info", "traceback")

    def __init__(self, error: str, traceback: str, info: BackendInfo | None) -> None:
        self.error = error
        self.traceback = traceback
        self.info = info


def __getattr__(name: str) -> Any:
    # `from plugboard._plugins.registry import BackendStatus` still works (PEP 562).
    if name == "BackendStatus":
        from plugboard._plugins.status import BackendStatus

        return BackendStatus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def env_names(name: str) -> list[str] | None:
    """The device types an environment switch names, lower-cased; None when it names none.

    Example:
        >>> import os
        >>> os.environ["PLUGBOARD_BACKENDS"] = " CPU;opencl,, meta "
        >>> env_names("PLUGBOARD_BACKENDS")
        ['cpu', 'opencl', 'meta']
        >>> del os.environ["PLUGBOARD_BACKENDS"]
    """
    names = [n.lower() for n in _SEPARATORS.split(os.environ.get(name, "")) if n]
    return list(dict.fromkeys(names)) or None


def switched_off(device_type: str) -> str | None:
    """Why an environment switch excludes this device type, or None."""
    allow, deny = env_names(ALLOW_ENV), env_names(DENY_ENV)
    if allow is not None and device_type.lower() not in allow:
        return f"not in {ALLOW_ENV}={os.environ.get(ALLOW_ENV)!r}"
    if deny is not None and device_type.lower() in deny:
        return f"listed in {DENY_ENV}={os.environ.get(DENY_ENV)!r}"
    return None


def environment_problems(installed: Iterable[str]) -> list[str]:
    """What is wrong with the environment switches, given the installed device types.

    A name that no installed backend has would switch nothing on or off
    without a word, so each one is a problem, with the close matches.
    """
    known = sorted(set(installed))
    problems = []
    for variable in (ALLOW_ENV, DENY_ENV):
        value = os.environ.get(variable)
        for name in env_names(variable) or ():
            if name == META:
                if variable == DENY_ENV:
                    problems.append(
                        f"{variable}={value!r} names meta, the core's shapes-only device, "
                        f"which cannot be switched off. Fix: remove 'meta' from {variable}"
                    )
                continue
            if name in known:
                continue
            message = f"{variable}={value!r} names {name!r:.60}, which no installed backend has"
            import difflib

            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            if close:
                message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
            message += f" Installed backends: {', '.join(known) or 'none'}."
            distribution = KNOWN_DISTRIBUTIONS.get(name)
            if distribution is not None:
                message += f" The {name} backend is in the package {distribution}."
            problems.append(
                f"{message} Fix: correct {variable}: device types separated by commas, "
                "semicolons or spaces, in any case"
            )
    return problems


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
        # Entry points refused at discovery: why a device type cannot load at all, and
        # the claimants that lost a device type to its own distribution.
        self._unusable: dict[str, str] = {}
        self._refused: list[tuple[metadata.EntryPoint, str]] = []
        self._plugin_manager: pluggy.PluginManager | None = None

    @property
    def _manager(self) -> pluggy.PluginManager:
        # pluggy and importlib.metadata load with the first plugin, not with
        # `import plugboard`: together they are a third of its start-up.
        if self._plugin_manager is None:
            import pluggy

            from plugboard._plugins import hookspecs

            manager = pluggy.PluginManager(hookspecs.PROJECT)
            manager.add_hookspecs(hookspecs)
            self._plugin_manager = manager
        return self._plugin_manager

    # Discovery ---------------------------------------------------------------
    def discover(self) -> dict[str, metadata.EntryPoint]:
        """The entry points of the group ``plugboard.backends``, by device type (cached).

        A device type has one backend. When several distributions claim one,
        the type's own distribution (``plugboard-cpu`` for ``cpu``) keeps it
        and the others are refused; without one, all are: which one loads
        would depend on the order of ``sys.path``. Refusals are load
        failures, shown by ``plugboard doctor``.
        """
        if self._entry_points is None:
            from importlib import metadata

            from plugboard._plugins.hookspecs import ENTRY_POINT_GROUP

            claims: dict[str, list[metadata.EntryPoint]] = {}
            for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
                claims.setdefault(ep.name, []).append(ep)
            found: dict[str, metadata.EntryPoint] = {}
            self._unusable, self._refused = {}, []
            for name, eps in claims.items():
                found[name] = eps[0]
                why = _unusable_name(name)
                if why is not None:
                    self._unusable[name] = why
                    continue
                if len(eps) == 1:
                    continue
                own = [ep for ep in eps if _distribution(ep) == KNOWN_DISTRIBUTIONS.get(name)]
                if len(own) == 1:
                    found[name] = own[0]
                    self._refused += [
                        (ep, f"PluginError: the device type {name!r} belongs to "
                         f"{_distribution(own[0])}, which is installed too. Fix: uninstall "
                         f"{_distribution(ep) or ep.value}")
                        for ep in eps if ep is not own[0]
                    ]
                    continue
                claimants = ", ".join(f"{_distribution(ep) or '?'} ({ep.value})" for ep in eps)
                self._unusable[name] = (
                    f"the device type {name!r} is claimed by several installed plugins: "
                    f"{claimants}. Fix: uninstall all but one of them"
                )
            self._entry_points = found
        return self._entry_points

    def refresh(self) -> None:
        """Forget the entry point scan (tests install plugins at run time)."""
        with self._lock:
            self._entry_points = None

    def installed_device_types(self) -> list[str]:
        """Device types of installed backends (after the env switches), plus ``meta``.

        Raises a :class:`plugboard.DeviceError` when a switch names a backend
        that is not installed.
        """
        self.check_environment()
        names = [n for n in self.discover() if n != META and switched_off(n) is None]
        return [*sorted(names), META]

    def environment_problems(self) -> list[str]:
        """What is wrong with ``PLUGBOARD_BACKENDS`` and ``PLUGBOARD_DISABLE_BACKENDS``."""
        return environment_problems(self.discover())

    def check_environment(self) -> None:
        """Raise a :class:`plugboard.DeviceError` for each problem of the environment switches."""
        problems = self.environment_problems()
        if problems:
            raise DeviceError("\n".join(problems))

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
                "Fix: change the environment variable to use it"
            )
        message = f"unknown device type {device_type!r:.60}"
        import difflib

        # Device types are lower case, as PyTorch's: "CPU" is a typo of "cpu".
        close = [t for t in installed if t == device_type.lower()] or difflib.get_close_matches(
            device_type, installed, n=3, cutoff=0.5
        )
        if close:
            message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            message += "."
        message += f" Installed backends: {', '.join(sorted(installed))}."
        distribution = KNOWN_DISTRIBUTIONS.get(device_type)
        fix = f"write {close[0]!r}" if close else "use an installed backend, e.g. 'cpu'"
        if distribution is not None:
            message += f" The {device_type} backend is in the package {distribution}."
            fix = f"pip install {distribution}" + (f", or write {close[0]!r}" if close else "")
        elif not close:
            message += " A vendor's backend is installed with its own pip package."
        raise DeviceError(f"{message} Fix: {fix}")

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
                    "Fix: run `plugboard doctor` for the traceback; reinstalling or upgrading "
                    "the plugin package usually fixes it"
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
        """Every installed backend, loaded or failed, and every switched-off one.

        Plugins refused because another distribution owns their device type
        are listed too, as failures. While an environment switch is invalid
        (:meth:`environment_problems`), nothing more is loaded.
        """
        from plugboard._plugins.status import BackendStatus

        invalid = self.environment_problems()
        if not invalid:
            self.load_all()
        statuses = []
        refused = {id(ep): why for ep, why in self._refused}
        entry_points = [(name, ep) for name, ep in self.discover().items()]
        entry_points += [(ep.name, ep) for ep, _ in self._refused]
        for name, ep in sorted(entry_points, key=lambda item: (item[0], id(item[1]) in refused)):
            dist = ep.dist.name if ep.dist is not None else ""
            version = ep.dist.version if ep.dist is not None else ""
            unusable = self._unusable.get(name)
            why = refused.get(id(ep)) or (unusable and f"PluginError: {unusable}")
            if why:
                statuses.append(
                    BackendStatus(name, dist, version, None, False, False, "refused", 0, why, None)
                )
                continue
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
            failure = self._failed.get(name)
            if failure is None:  # not loaded while the switches are invalid
                reason = "not loaded: " + invalid[0] if invalid else "not loaded"
                statuses.append(BackendStatus(name, dist, version, None, False, False, reason, 0))
                continue
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
        """Load one plugin; any failure is recorded, and leaves nothing of the plugin behind.

        Everything a plugin raises is caught, ``SystemExit`` included (a plugin
        must not end the program that lists devices), except
        ``KeyboardInterrupt``: that is the user's, and the plugin is loaded
        again on next use. The plugin's code runs inside its :class:`PluginScope`,
        so the libraries it makes, at import or in hooks, belong to it.
        """
        info: BackendInfo | None = None
        plugin: Any = None
        manager = self._manager
        scope = PluginScope(device_type)
        try:
            with scope.active():
                unusable = self._unusable.get(device_type)
                if unusable is not None:
                    raise PluginError(unusable)
                plugin = ep.load()
                scope.claim(ep.module.partition(".")[0])
                manager.register(plugin, name=device_type)
                manager.check_pending()
                info = self._call(plugin, "plugboard_backend_info")
                _check_info(device_type, info)
                runtime = self._call(plugin, "plugboard_device_runtime")
                if not isinstance(runtime, DeviceRuntime):
                    raise PluginError(
                        f"plugboard_device_runtime() returned {type(runtime).__name__}, "
                        "not a plugboard.backend.DeviceRuntime. Fix: return an instance of a "
                        "DeviceRuntime subclass"
                    )
                key = register_backend_key(info.dispatch_key, owner=device_type)
                scope.key = key
                availability, count = _probe(runtime)
                backend = LoadedBackend(info, runtime, key, availability, count)
                backend.scope = scope
                self._register(backend, plugin)
        except BaseException as error:  # a broken plugin must not break the others
            self._undo_load(device_type, plugin, scope)
            if isinstance(error, KeyboardInterrupt):
                raise
            import traceback

            self._failed[device_type] = _Failure(
                f"{type(error).__name__}: {error}", traceback.format_exc(), info
            )

    def _undo_load(self, device_type: str, plugin: Any, scope: PluginScope) -> None:
        if plugin is not None and self._manager.is_registered(plugin):
            self._manager.unregister(plugin)
        scope.close()
        backend = self._loaded.pop(device_type, None)
        # Only this backend's entry: the bit must never lose the backend it routes to.
        bit = backend.key.bit if backend is not None else None
        if bit is not None and self._by_bit.get(bit) is backend:
            del self._by_bit[bit]

    def _register(self, backend: LoadedBackend, plugin: Any) -> LoadedBackend:
        assert backend.key.bit is not None
        holder = self._by_bit.get(backend.key.bit)
        if holder is not None and holder.device_type != backend.device_type:
            raise PluginError(
                f"the dispatch key {backend.key} routes to the {holder.device_type} backend "
                f"already. Fix: give the {backend.device_type} backend a dispatch key of its own"
            )
        self._loaded[backend.device_type] = backend
        self._by_bit[backend.key.bit] = backend
        if plugin is not None:
            # Made inside the plugin's scope (see _load), so it belongs to the plugin.
            backend.library = Library("pb", dispatch_key=backend.key)
            self._call_all(plugin, "plugboard_register_kernels", library=backend.library)
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
            backend = self._loaded.get(device_type)
            scope = backend.scope if backend is not None else None
            self._undo_load(device_type, self._manager.get_plugin(device_type),
                            scope or PluginScope(device_type))


def registry() -> BackendRegistry:
    """The registry the dispatcher is connected to (made when plugboard starts)."""
    source = backend_source()
    assert isinstance(source, BackendRegistry)
    return source


def _distribution(ep: metadata.EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else ""


def _unusable_name(name: str) -> str | None:
    """Why an entry point's name cannot be a device type, or None."""
    if name == META:
        return (
            "the device type 'meta' is the core's shapes-only device; no plugin can provide "
            "it. Fix: name the plugin's entry point after its own device type"
        )
    if not _DEVICE_TYPE.fullmatch(name):
        return (
            f"the entry point name {name!r:.60} is not a device type (lower-case letters, "
            "digits and '_', as PyTorch's). Fix: name the entry point after the device type "
            "users write, e.g. 'acme'"
        )
    return None


def _check_info(device_type: str, info: Any) -> None:
    from plugboard._plugins.contract import BackendInfo

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
    key = info.dispatch_key
    if not isinstance(key, str) or not key.isidentifier():
        raise PluginError(
            f"the plugin's dispatch key is {key!r:.60}, not a name. Fix: name it in "
            "BackendInfo.dispatch_key, e.g. 'Acme'"
        )
    reserved = {k.lower(): t for t, k in RESERVED_KEYS.items()}.get(key.lower())
    if reserved is not None and reserved != device_type:
        raise PluginError(
            f"the plugin names the dispatch key {key!r}, which is the {reserved} backend's; "
            f"a backend cannot take over another's. Fix: give the {device_type} backend a "
            "dispatch key of its own (BackendInfo.dispatch_key)"
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
    """Whether the backend can run here, and its device count (checked: the contract's types).

    A probe that raises makes the backend unavailable (a missing driver is a
    normal state); an answer of the wrong type or range is the plugin's bug
    and fails its loading.
    """
    count: Any = 0  # checked below: plugins return what they return
    try:
        availability: Any = runtime.availability()
        if not isinstance(availability, Availability):
            raise PluginError(
                f"DeviceRuntime.availability() returned {availability!r:.60}, not a "
                "plugboard.backend.Availability. Fix: return Availability.yes() or "
                "Availability.no(reason)"
            )
        count = runtime.device_count() if availability.available else 0
    except PluginError:
        raise
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        return Availability.no(f"probing the devices raised {type(error).__name__}: {error}"), 0
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise PluginError(
            f"DeviceRuntime.device_count() returned {count!r:.60} "
            f"({type(count).__name__}), not an int. Fix: return the number of devices"
        )
    devices = int(count)
    if not 0 <= devices <= MAX_DEVICE_COUNT:
        # repr of an int of thousands of digits raises: say its size instead.
        shown = str(devices) if devices.bit_length() < 64 else f"a {devices.bit_length()}-bit int"
        raise PluginError(
            f"DeviceRuntime.device_count() returned {shown}, but a backend has 0 to "
            f"{MAX_DEVICE_COUNT} devices. Fix: return the number of devices (0 when there are "
            "none; report why through availability())"
        )
    if availability.available and devices == 0:
        return Availability.no("the driver reports no devices"), 0
    return availability, devices


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
            "meta tensors have shapes and dtypes but no data. Fix: create the tensor on a "
            "real device to compute values"
        )

    def copy_from_host(self, dst: Any, dst_offset: int, src: Any, index: int) -> None:
        raise self._no_data()

    def copy_to_host(self, dst: Any, src: Any, src_offset: int, index: int) -> None:
        raise self._no_data()

    def copy_between(self, *args: Any) -> None:
        raise self._no_data()


def _meta_backend() -> LoadedBackend:
    from plugboard._plugins.contract import BackendInfo

    info = BackendInfo(META, "Meta", __version__, API_VERSION, "plugboard")
    return LoadedBackend(
        info, _MetaRuntime(), register_backend_key("Meta", owner=META), Availability.yes(), 1,
        is_meta=True,
    )


def conformance_expectations(device_type: str) -> str | None:
    """The path of a loaded plugin's conformance expectations file, if it ships one."""
    return registry().conformance_expectations(device_type)
