"""What plugboard's CuPy-based backends share (``plugboard-cuda``, ``plugboard-rocm``): the
device runtime over CuPy, error translation, the kernel table (plugboard.codegen's
pointwise kernels compiled for the platform, everything else on CuPy), and the
description of a GPU platform that parameterises them.

This is not a backend (it has no entry point) and it depends on no CuPy build: each
backend brings its own (``cupy-cuda13x``, ``cupy-rocm-7-0``) and a
:class:`Platform` saying how it probed its driver, its device type, its DLPack device
type and its runtime's error names.

Example:
    >>> import plugboard_cupy as pc
    >>> pc.KDL_CUDA, pc.KDL_ROCM
    (2, 10)
    >>> issubclass(pc.HIPOutOfMemoryError, pc.GPUOutOfMemoryError)
    True
"""

from ._errors import (
    CUDAError,
    CUDAOutOfMemoryError,
    GPUCompileError,
    GPUError,
    GPUOutOfMemoryError,
    HIPCompileError,
    HIPError,
    HIPOutOfMemoryError,
    NVRTCError,
    translate,
    translated,
)
from ._platform import ALL_DTYPES, KDL_CUDA, KDL_ROCM, Platform, Probe, import_cupy
from ._runtime import CuPyBackend, CuPyRuntime, properties_of
from ._table import kernel_table

__version__ = "0.1.0"

__all__ = [
    "Platform", "Probe", "KDL_CUDA", "KDL_ROCM", "ALL_DTYPES", "import_cupy",
    "CuPyBackend", "CuPyRuntime", "properties_of",
    "GPUError", "GPUOutOfMemoryError", "GPUCompileError",
    "CUDAError", "CUDAOutOfMemoryError", "NVRTCError",
    "HIPError", "HIPOutOfMemoryError", "HIPCompileError",
    "translate", "translated", "kernel_table",
]
