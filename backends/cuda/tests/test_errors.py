"""CUDA failures become plugboard errors that name what failed, where, and the fix."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard_cuda import CUDAError, CUDAOutOfMemoryError
from plugboard_cuda._errors import translate, translated


def test_out_of_memory_is_plugboards_out_of_memory_error() -> None:
    error = translate(RuntimeError("cudaErrorMemoryAllocation: out of memory"),
                      "allocating 8 GiB", "cuda:1")
    assert isinstance(error, CUDAOutOfMemoryError) and isinstance(error, pb.OutOfMemoryError)
    assert "allocating 8 GiB failed on cuda:1" in str(error) and "Fix:" in str(error)


def test_other_failures_keep_the_drivers_message() -> None:
    error = translate(RuntimeError("cudaErrorIllegalAddress: an illegal memory access"),
                      "synchronize", "cuda:0")
    assert type(error) is CUDAError and isinstance(error, pb.PlugboardError)
    assert "cudaErrorIllegalAddress" in str(error)


def test_translated_turns_cupys_error_into_plugboards() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.is_available():
        pytest.skip("needs a machine where CUDA calls fail (no driver)")
    with (pytest.raises(CUDAError, match="counting devices failed on cuda:0") as caught,
          translated("counting devices", "cuda:0")):
        cupy.cuda.runtime.getDeviceCount()
    assert type(caught.value.__cause__).__name__ == "CUDARuntimeError"
