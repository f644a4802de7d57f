"""The metal backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from importlib import resources

from plugboard import Library, backend
from plugboard.backend import KernelTable

from . import __version__
from ._runtime import RUNTIME


def kernel_table() -> KernelTable:
    """Every metal kernel, one module per section of docs/opset.md (imported here: the
    kernel modules import MLX, which an unavailable machine may lack)."""
    from . import (
        _kernels,
        _kernels_nn,
        _kernels_random,
        _kernels_reductions,
        _kernels_shape,
    )

    return KernelTable.from_modules(_kernels, _kernels_reductions, _kernels_shape,
                                    _kernels_random, _kernels_nn)


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    return backend.BackendInfo(
        device_type="metal",
        dispatch_key="Metal",
        version=__version__,
        api_version=backend.API_VERSION,
        distribution="plugboard-metal",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    return RUNTIME


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    if RUNTIME.availability().available:
        kernel_table().register(library)


@backend.hookimpl
def plugboard_conformance_expectations() -> str:
    return str(resources.files("plugboard_metal") / "conformance-expectations.toml")
