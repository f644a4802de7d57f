"""OpenCL failures become plugboard errors that name the device and what failed."""

from __future__ import annotations

import pyopencl as cl
import pytest

import plugboard as pb
from plugboard_opencl._errors import OpenCLError, OpenCLOutOfMemoryError, translated


def test_out_of_resources_is_a_memory_error() -> None:
    with pytest.raises(OpenCLOutOfMemoryError) as raised, translated("pb::add (float32)",
                                                                     "opencl:0"):
        raise cl.MemoryError("clEnqueueNDRangeKernel failed: OUT_OF_RESOURCES")
    assert isinstance(raised.value, pb.PlugboardError) and isinstance(raised.value, MemoryError)
    assert "pb::add (float32) failed on opencl:0" in str(raised.value)


def test_other_failures() -> None:
    with pytest.raises(OpenCLError, match="copying 4 bytes failed on opencl:1"), \
            translated("copying 4 bytes", "opencl:1"):
        raise cl.LogicError("clEnqueueCopyBuffer failed: INVALID_VALUE")


def test_integer_division_by_zero_raises(device: pb.Device) -> None:
    x = pb.tensor([1, 2, 3], device=device)
    with pytest.raises(pb.ArgumentError, match="pb::fmod: integer fmod by zero"):
        pb.ops.pb.fmod(x, pb.tensor([1, 0, 1], device=device))
    with pytest.raises(pb.ArgumentError, match="division by zero"):
        pb.div(x, 0, rounding_mode="floor")
