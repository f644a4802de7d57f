"""The CUDA backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from plugboard import Library, backend
from plugboard.backend import KernelTable
from plugboard_cupy import (
    KDL_CUDA,
    CUDAError,
    CUDAOutOfMemoryError,
    CuPyRuntime,
    Platform,
)

from . import __version__
from ._probe import describe, extra_properties, probe

# The kernel tables come with the shared kernel layer (see the package's README).
KERNELS = KernelTable([])

PLATFORM = Platform(
    name="CUDA",
    device_type="cuda",
    distribution="plugboard-cuda",
    dlpack_device_type=KDL_CUDA,
    error=CUDAError,
    out_of_memory_error=CUDAOutOfMemoryError,
    out_of_memory_names=("cudaErrorMemoryAllocation",),
    status_tool="nvidia-smi",
    probe=probe,
    describe=describe,
    extra_properties=extra_properties,
)

# The one runtime of this process: the plugin hands it to the core.
RUNTIME = CuPyRuntime(PLATFORM, __version__, KERNELS)


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
