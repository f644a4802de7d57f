"""GPU runtime and compiler failures as plugboard errors: each names what was being done,
the device, and the runtime's own message.

CuPy raises the same ``CUDARuntimeError`` on its CUDA and its ROCm build (the message
starts with ``cudaError...`` or ``hipError...``); :func:`translated` turns it into the
platform's error class.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import plugboard as pb

if TYPE_CHECKING:
    from ._platform import Platform

__all__ = [
    "GPUError", "GPUOutOfMemoryError", "GPUCompileError",
    "CUDAError", "CUDAOutOfMemoryError", "NVRTCError",
    "HIPError", "HIPOutOfMemoryError", "HIPCompileError",
    "translate", "translated",
]


class GPUError(pb.PlugboardError, RuntimeError):
    """A GPU runtime or driver failed (the cause holds CuPy's ``CUDARuntimeError``)."""


class GPUOutOfMemoryError(GPUError, pb.OutOfMemoryError):
    """A GPU allocation failed for lack of device memory."""


class GPUCompileError(GPUError):
    """A kernel did not compile; ``log`` holds the compiler's output."""

    def __init__(self, message: str, log: str = ""):
        super().__init__(message)
        self.log = log


class CUDAError(GPUError):
    """The CUDA runtime or driver failed."""


class CUDAOutOfMemoryError(CUDAError, GPUOutOfMemoryError):
    """A CUDA allocation failed for lack of device memory."""


class NVRTCError(CUDAError, GPUCompileError):
    """NVRTC could not compile a generated kernel; ``log`` holds the compiler's output."""


class HIPError(GPUError):
    """The HIP runtime (ROCm) failed."""


class HIPOutOfMemoryError(HIPError, GPUOutOfMemoryError):
    """A HIP allocation failed for lack of device memory."""


class HIPCompileError(HIPError, GPUCompileError):
    """hipcc or hiprtc could not compile a kernel; ``log`` holds the compiler's output."""


def translate(error: Exception, what: str, device: str, platform: Platform) -> GPUError:
    """The plugboard error for a runtime error raised while doing ``what`` on ``device``.

    >>> from plugboard_cupy._platform import Platform, Probe
    >>> cuda = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
    ...                 dlpack_device_type=2, error=CUDAError,
    ...                 out_of_memory_error=CUDAOutOfMemoryError,
    ...                 out_of_memory_names=("cudaErrorMemoryAllocation",),
    ...                 status_tool="nvidia-smi", probe=lambda: Probe(0))
    >>> e = translate(RuntimeError("cudaErrorMemoryAllocation: out of memory"),
    ...               "allocating 1024 bytes", "cuda:0", cuda)
    >>> type(e).__name__, str(e).split(".")[0]
    ('CUDAOutOfMemoryError', 'allocating 1024 bytes failed on cuda:0: cudaErrorMemoryAllocation: out of memory')
    """  # noqa: E501
    problem = f"{what} failed on {device}: {error}"
    markers = (*platform.out_of_memory_names, "out of memory")
    if any(marker in str(error) for marker in markers):
        return platform.out_of_memory_error(
            problem + f". Fix: free tensors you no longer need (pb.empty_cache("
            f"'{platform.device_type}') gives cached blocks back), or use smaller inputs"
        )
    return platform.error(
        problem + f". Fix: this is the {platform.name} runtime's failure, not the call's; "
        f"`plugboard doctor` shows the device and driver, and `{platform.status_tool}` the "
        "GPU's state"
    )


@contextmanager
def translated(what: str, device: str, platform: Platform) -> Iterator[None]:
    """Turn a runtime error raised inside the block into the platform's plugboard error."""
    from cupy_backends.cuda.api.runtime import CUDARuntimeError

    try:
        yield
    except CUDARuntimeError as error:
        raise translate(error, what, device, platform) from error
