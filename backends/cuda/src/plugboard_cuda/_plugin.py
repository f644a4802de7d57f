"""The CUDA backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from plugboard import Library, backend
from plugboard.backend import KernelTable

from . import __version__
from ._runtime import RUNTIME

# The kernel tables come with the shared kernel layer (see the package's README).
KERNELS = KernelTable([])


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    return backend.BackendInfo(
        device_type="cuda",
        dispatch_key="CUDA",
        version=__version__,
        api_version=backend.API_VERSION,
        distribution="plugboard-cuda",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    return RUNTIME


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    KERNELS.register(library)
