"""What the dispatcher needs of backends, and where it finds them.

The dispatcher routes a call to a :class:`Backend`: it allocates outputs
there and runs the backend's kernels. Backends come from plugins, which sit
a layer above (plugin loading registers kernels through
:class:`plugboard.Library`, so it needs this layer). The dispatcher therefore
asks a :class:`BackendSource` for them: in a running plugboard that is the
plugin registry, :class:`plugboard._plugins.registry.BackendRegistry`,
connected once when plugboard starts (``plugboard/__init__.py``); a test may
connect a fresh registry with :func:`set_backend_source` and restore the old
one after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from plugboard._core.errors import PlugboardError

if TYPE_CHECKING:
    from plugboard._core.device import Device
    from plugboard._core.dtype import DType
    from plugboard._core.runtime import DeviceRuntime
    from plugboard._core.tensor import Tensor
    from plugboard._dispatch.keys import DispatchKey

__all__ = ["Backend", "BackendSource", "backend_source", "set_backend_source"]


class Backend(Protocol):
    """A loaded backend, as the dispatcher sees it."""

    @property
    def device_type(self) -> str: ...
    @property
    def key(self) -> DispatchKey: ...
    @property
    def is_meta(self) -> bool: ...
    @property
    def runtime(self) -> DeviceRuntime: ...

    def check_device(self, device: Device) -> None:
        """Raise unless ``device`` exists (backend available, index in range)."""

    def new_tensor(self, spec: Any) -> Tensor:
        """A contiguous, uninitialized tensor for a meta spec (shape, dtype, device)."""
        raise NotImplementedError

    def new_checked(
        self, shape: tuple[int, ...], strides: tuple[int, ...], dtype: DType, device: Device,
        nbytes: int,
    ) -> Tensor:
        """:meth:`new_tensor` without its checks, for a spec that passed them before."""
        raise NotImplementedError


class BackendSource(Protocol):
    """Where the dispatcher finds backends by device type or by dispatch key."""

    def get(self, device_type: str) -> Backend:
        """The backend of ``device_type``, loading its plugin on first use.

        Raises a :class:`plugboard.DeviceError` for a type no installed backend
        provides, naming the close matches and the package to install.
        """
        raise NotImplementedError

    def for_key(self, bit: int) -> Backend:
        """The loaded backend whose dispatch key has bit ``bit``."""
        raise NotImplementedError

    def check_device_type(self, device_type: str) -> None:
        """Raise the error of :meth:`get` for an unknown type, without loading anything."""

    def load_all(self) -> None:
        """Load every installed plugin (so every backend key and custom operator exists)."""


_source: BackendSource | None = None


def backend_source() -> BackendSource:
    """The backends the dispatcher routes to."""
    if _source is None:
        raise PlugboardError(
            "no backend source is connected: import plugboard (its __init__ connects the "
            "plugin registry) before calling operators"
        )
    return _source


def set_backend_source(source: BackendSource | None) -> BackendSource | None:
    """Connect the dispatcher to ``source``; returns the one connected before."""
    global _source
    previous, _source = _source, source
    return previous
