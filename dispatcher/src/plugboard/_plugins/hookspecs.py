"""The hooks a backend plugin implements.

A plugin is a module (or object) named by an entry point in the group
``plugboard.backends``; the entry point's name is the device type. Its hook
implementations are marked with :data:`plugboard.backend.hookimpl`. The core
calls them once, when the plugin loads, in this order: identity, runtime,
kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from plugboard._core.runtime import DeviceRuntime
    from plugboard._dispatch.library import Library
    from plugboard._plugins.contract import BackendInfo

PROJECT = "plugboard"
ENTRY_POINT_GROUP = "plugboard.backends"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def plugboard_backend_info() -> BackendInfo:  # type: ignore[empty-body]
    """Identity: device type, dispatch key name, versions.

    Called first, and must not touch any driver: ``plugboard doctor`` shows it
    even when the backend cannot run.
    """


@hookspec(firstresult=True)
def plugboard_device_runtime() -> DeviceRuntime:  # type: ignore[empty-body]
    """Discovery and memory: the backend's :class:`plugboard.backend.DeviceRuntime`.

    Report a missing driver or device through ``DeviceRuntime.availability()``,
    not by raising: an unavailable backend is a normal state.
    """


@hookspec
def plugboard_register_kernels(library: Library) -> None:
    """Kernels: register them on ``library``, which is bound to the backend's key.

    ``library.impl("add", dtypes=...)`` implements ``pb::add`` for this backend;
    custom operators are defined on a ``plugboard.Library`` of the plugin's own
    namespace, named after its device type, and implemented with qualified
    names (``library.impl("acme::fused")``). A plugin registers kernels only
    for its own key, except for operators of its own namespace; anything else
    raises ``RegistrationError`` and fails the plugin's loading.
    """


@hookspec(firstresult=True)
def plugboard_conformance_expectations() -> str | None:
    """Optional: the path of the plugin's conformance expectations file (TOML).

    Each entry names an operator (and optionally dtypes and variants), a kind
    (``unsupported``: a permanent limitation; ``expected failure``: a known
    bug), a reason and an optional link. The conformance suite fails on an
    entry that matches no test, and on an expected failure that passes.
    """
