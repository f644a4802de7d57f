"""The ROCm backend's hook implementations: identity, runtime, kernels (plugboard-cupy's
shared hooks, for the ROCm platform)."""

from __future__ import annotations

from plugboard_cupy import (
    KDL_ROCM,
    CuPyBackend,
    HIPError,
    HIPOutOfMemoryError,
    Platform,
    kernel_table,
)

from . import __version__
from ._probe import describe, extra_properties, probe

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

# The kernels of every CuPy backend: plugboard.codegen's pointwise kernels in this
# platform's dialect, the rest on CuPy (plugboard_cupy._table).
KERNELS = kernel_table(PLATFORM)
# The dispatch key is the platform's name as AMD writes it, as "CUDA", "OpenCL" and
# "Metal" are.
PLUGIN = CuPyBackend(PLATFORM, "ROCm", __version__, KERNELS)
# The one runtime of this process: the plugin hands it to the core.
RUNTIME = PLUGIN.runtime

# The hooks the core finds in this module (the entry point's object).
plugboard_backend_info = PLUGIN.plugboard_backend_info
plugboard_device_runtime = PLUGIN.plugboard_device_runtime
plugboard_register_kernels = PLUGIN.plugboard_register_kernels
