"""The OpenCL backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from importlib import resources

from plugboard import Library, backend
from plugboard.backend import KernelTable

from . import (
    __version__,
    _kernels,
    _kernels_copy,
    _kernels_indexing,
    _kernels_linalg,
    _kernels_nn,
    _kernels_random,
    _kernels_reductions,
    _kernels_shape,
)
from ._runtime import RUNTIME

# The kernel tables (the starter primitives first, then one module per docs/opset.md section).
KERNEL_MODULES = (_kernels, _kernels_copy, _kernels_reductions, _kernels_linalg,
                  _kernels_shape, _kernels_indexing, _kernels_random, _kernels_nn)
KERNELS = KernelTable.from_modules(*KERNEL_MODULES)


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    return backend.BackendInfo(
        device_type="opencl",
        dispatch_key="OpenCL",
        version=__version__,
        api_version=backend.API_VERSION,
        distribution="plugboard-opencl",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    return RUNTIME


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    KERNELS.register(library)


@backend.hookimpl
def plugboard_conformance_expectations() -> str:
    return str(resources.files("plugboard_opencl") / "conformance-expectations.toml")
