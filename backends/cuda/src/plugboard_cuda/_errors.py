"""CUDA and NVRTC failures as plugboard errors: each names what was being done, the
device, and the driver's own message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import plugboard as pb

__all__ = ["CUDAError", "CUDAOutOfMemoryError", "NVRTCError", "translate", "translated"]


class CUDAError(pb.PlugboardError, RuntimeError):
    """The CUDA runtime or driver failed (the cause holds CuPy's ``CUDARuntimeError``)."""


class CUDAOutOfMemoryError(CUDAError, pb.OutOfMemoryError):
    """A CUDA allocation failed for lack of device memory."""


class NVRTCError(CUDAError):
    """NVRTC could not compile a generated kernel; ``log`` holds the compiler's output."""

    def __init__(self, message: str, log: str = ""):
        super().__init__(message)
        self.log = log


_OUT_OF_MEMORY = ("cudaErrorMemoryAllocation", "out of memory")


def translate(error: Exception, what: str, device: str) -> CUDAError:
    """The plugboard error for a CUDA error raised while doing ``what`` on ``device``.

    >>> str(translate(RuntimeError("cudaErrorMemoryAllocation: out of memory"),
    ...               "allocating 1024 bytes", "cuda:0")).split(".")[0]
    'allocating 1024 bytes failed on cuda:0: cudaErrorMemoryAllocation: out of memory'
    """
    problem = f"{what} failed on {device}: {error}"
    if any(marker in str(error) for marker in _OUT_OF_MEMORY):
        return CUDAOutOfMemoryError(
            problem + ". Fix: free tensors you no longer need (pb.empty_cache('cuda') gives "
            "cached blocks back), or use smaller inputs"
        )
    return CUDAError(
        problem + ". Fix: this is the driver's failure, not the call's; `plugboard doctor` "
        "shows the device and driver, and `nvidia-smi` the GPU's state"
    )


@contextmanager
def translated(what: str, device: str) -> Iterator[None]:
    """Turn a CUDA error raised inside the block into a plugboard error."""
    from cupy_backends.cuda.api.runtime import CUDARuntimeError

    try:
        yield
    except CUDARuntimeError as error:
        raise translate(error, what, device) from error
