"""The ROCm backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from plugboard import Library, backend
from plugboard.backend import KernelTable
from plugboard_cupy import KDL_ROCM, CuPyRuntime, HIPError, HIPOutOfMemoryError, Platform

from . import __version__
from ._probe import describe, extra_properties, probe

# The kernel tables come with the shared kernel layer (see the package's README).
KERNELS = KernelTable([])

PLATFORM = Platform(
    name="ROCm",
    device_type="rocm",
    distribution="plugboard-rocm",
    dlpack_device_type=KDL_ROCM,
    error=HIPError,
    out_of_memory_error=HIPOutOfMemoryError,
    # CuPy's ROCm build names HIP's enum values (hipErrorOutOfMemory, formerly
    # hipErrorMemoryAllocation, the same value).
    out_of_memory_names=("hipErrorOutOfMemory", "hipErrorMemoryAllocation"),
    status_tool="rocm-smi",
    probe=probe,
    describe=describe,
    extra_properties=extra_properties,
)

# The one runtime of this process: the plugin hands it to the core.
RUNTIME = CuPyRuntime(PLATFORM, __version__, KERNELS)


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    return backend.BackendInfo(
        device_type="rocm",
        # The platform's name as AMD writes it, as "CUDA", "OpenCL" and "Metal" are.
        dispatch_key="ROCm",
        version=__version__,
        api_version=backend.API_VERSION,
        distribution="plugboard-rocm",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    return RUNTIME


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    KERNELS.register(library)
