"""What differs between the GPU platforms CuPy runs on (CUDA, ROCm): one ``Platform``
value each, handed to the shared runtime and error translation.

A backend builds its platform from its own probe (how it found the driver and the
devices) and the names its vendor uses; everything else in :mod:`plugboard_cupy` is
written once against this value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import plugboard as pb

from ._errors import GPUError

__all__ = ["ALL_DTYPES", "KDL_CUDA", "KDL_ROCM", "Platform", "Probe", "import_cupy"]

# DLPack's device types (dlpack.h, DLDeviceType).
KDL_CUDA = 2
KDL_ROCM = 10

# Every plugboard dtype: CUDA and ROCm GPUs compute float64 natively, float16 as __half and
# bfloat16 as __nv_bfloat16 / __hip_bfloat16 (sm_80, gfx90a and newer).
ALL_DTYPES: tuple[pb.DType, ...] = (
    pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16, pb.bfloat16,
    pb.float32, pb.float64,
)


@dataclass(frozen=True)
class Probe:
    """The result of looking for a platform's GPUs: the device count, or why there is none.

    Versions are in the platform's own encoding (CUDA's 13000 is 13.0; HIP's 70051831
    is 7.0), 0 where nothing answered.
    """

    devices: int
    reason: str = ""
    driver_version: int = 0
    runtime_version: int = 0


def import_cupy() -> Any:
    """CuPy, imported on first use (most of a second: never at plugin load)."""
    import cupy

    return cupy


def _no_extra(props: Mapping[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Platform:
    """One GPU platform as the shared runtime sees it.

    Example:
        >>> from plugboard_cupy import CUDAError, CUDAOutOfMemoryError
        >>> p = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
        ...              dlpack_device_type=KDL_CUDA, error=CUDAError,
        ...              out_of_memory_error=CUDAOutOfMemoryError,
        ...              out_of_memory_names=("cudaErrorMemoryAllocation",),
        ...              status_tool="nvidia-smi", probe=lambda: Probe(0, "no driver"))
        >>> p.label(1), p.probe().reason
        ('cuda:1', 'no driver')
    """

    name: str  # as the vendor writes it: "CUDA", "ROCm"
    device_type: str  # plugboard's device type: "cuda", "rocm"
    distribution: str  # the backend's distribution, for messages
    dlpack_device_type: int  # KDL_CUDA or KDL_ROCM
    error: type[GPUError]  # the platform's plugboard error (CUDAError, HIPError)
    out_of_memory_error: type[GPUError]  # its out-of-memory subclass
    out_of_memory_names: tuple[str, ...]  # the runtime's enum names for it
    status_tool: str  # what shows the GPUs' state: "nvidia-smi", "rocm-smi"
    probe: Callable[[], Probe]  # the backend's probe: driver first, then CuPy
    describe: Callable[[Probe], str] = field(default=lambda p: "")  # driver and runtime
    extra_properties: Callable[[Mapping[str, Any]], dict[str, Any]] = _no_extra
    dtypes: tuple[pb.DType, ...] = ALL_DTYPES
    cupy: Callable[[], Any] = import_cupy  # the CuPy module of this platform's build

    def label(self, index: int) -> str:
        """The device's name as plugboard writes it (``cuda:0``, ``rocm:1``)."""
        return f"{self.device_type}:{index}"
