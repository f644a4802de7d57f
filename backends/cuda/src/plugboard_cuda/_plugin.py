"""The CUDA backend's hook implementations: identity, runtime, kernels (plugboard-cupy's
shared hooks, for the CUDA platform)."""

from __future__ import annotations

from plugboard_cupy import (
    KDL_CUDA,
    CUDAError,
    CUDAOutOfMemoryError,
    CuPyBackend,
    Platform,
    kernel_table,
)

from . import __version__
from ._probe import describe, extra_properties, probe

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

# The kernels of every CuPy backend: plugboard.codegen's pointwise kernels in this
# platform's dialect, the rest on CuPy (plugboard_cupy._table).
KERNELS = kernel_table(PLATFORM)
PLUGIN = CuPyBackend(PLATFORM, "CUDA", __version__, KERNELS)
# The one runtime of this process: the plugin hands it to the core.
RUNTIME = PLUGIN.runtime

# The hooks the core finds in this module (the entry point's object).
plugboard_backend_info = PLUGIN.plugboard_backend_info
plugboard_device_runtime = PLUGIN.plugboard_device_runtime
plugboard_register_kernels = PLUGIN.plugboard_register_kernels
