"""Runtime failures become the platform's plugboard errors, naming what failed, where,
and the fix."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard_cupy import (
    KDL_CUDA,
    KDL_ROCM,
    CUDAError,
    CUDAOutOfMemoryError,
    GPUCompileError,
    GPUError,
    GPUOutOfMemoryError,
    HIPCompileError,
    HIPError,
    HIPOutOfMemoryError,
    NVRTCError,
    Platform,
    Probe,
    translate,
    translated,
)

CUDA = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
                dlpack_device_type=KDL_CUDA, error=CUDAError,
                out_of_memory_error=CUDAOutOfMemoryError,
                out_of_memory_names=("cudaErrorMemoryAllocation",), status_tool="nvidia-smi",
                probe=lambda: Probe(0))
ROCM = Platform(name="ROCm", device_type="rocm", distribution="plugboard-rocm",
                dlpack_device_type=KDL_ROCM, error=HIPError,
                out_of_memory_error=HIPOutOfMemoryError,
                out_of_memory_names=("hipErrorOutOfMemory", "hipErrorMemoryAllocation"),
                status_tool="rocm-smi", probe=lambda: Probe(0))


def test_out_of_memory_is_plugboards_out_of_memory_error() -> None:
    error = translate(RuntimeError("cudaErrorMemoryAllocation: out of memory"),
                      "allocating 8 GiB", "cuda:1", CUDA)
    assert isinstance(error, CUDAOutOfMemoryError) and isinstance(error, pb.OutOfMemoryError)
    assert "allocating 8 GiB failed on cuda:1" in str(error) and "Fix:" in str(error)
    assert "pb.empty_cache('cuda')" in str(error)


def test_hip_out_of_memory_by_its_enum_name() -> None:
    error = translate(RuntimeError("hipErrorOutOfMemory: hipMalloc failed"),
                      "allocating 8 GiB", "rocm:0", ROCM)
    assert type(error) is HIPOutOfMemoryError and isinstance(error, GPUOutOfMemoryError)
    assert isinstance(error, pb.OutOfMemoryError) and "pb.empty_cache('rocm')" in str(error)


def test_other_failures_keep_the_runtimes_message() -> None:
    error = translate(RuntimeError("cudaErrorIllegalAddress: an illegal memory access"),
                      "synchronize", "cuda:0", CUDA)
    assert type(error) is CUDAError and isinstance(error, pb.PlugboardError)
    assert "cudaErrorIllegalAddress" in str(error) and "nvidia-smi" in str(error)
    error = translate(RuntimeError("hipErrorIllegalAddress: an illegal memory access"),
                      "synchronize", "rocm:1", ROCM)
    assert type(error) is HIPError and not isinstance(error, CUDAError)
    assert "failed on rocm:1: hipErrorIllegalAddress" in str(error)
    assert "ROCm runtime's failure" in str(error) and "rocm-smi" in str(error)


def test_compile_errors_keep_the_log() -> None:
    for kind in (NVRTCError, HIPCompileError):
        error = kind("could not compile k", log="k.cu:1: error: x")
        assert isinstance(error, GPUCompileError) and isinstance(error, GPUError)
        assert error.log == "k.cu:1: error: x"


def test_translated_turns_cupys_error_into_plugboards() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.is_available():
        pytest.skip("needs a machine where the runtime's calls fail (no driver)")
    platform = ROCM if cupy.cuda.runtime.is_hip else CUDA
    with (pytest.raises(platform.error, match="counting devices failed on x:0") as caught,
          translated("counting devices", "x:0", platform)):
        cupy.cuda.runtime.getDeviceCount()
    assert type(caught.value.__cause__).__name__ == "CUDARuntimeError"
