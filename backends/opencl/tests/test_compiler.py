"""The program cache and build failures."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard_opencl._errors import OpenCLBuildError
from plugboard_opencl._runtime import RUNTIME


def test_programs_are_cached_by_source(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    source = "__kernel void cached_probe(__global int* x) { x[0] = 1; }"
    first = state.kernel(source, "cached_probe", [None], "a test program")
    count = len(RUNTIME.programs)
    again = state.kernel(source, "cached_probe", [None], "a test program")
    assert again is first and len(RUNTIME.programs) == count


def test_a_build_failure_carries_the_compiler_log(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    with pytest.raises(OpenCLBuildError) as raised:
        state.kernel("__kernel void broken(__global int* x) { x[0] = undeclared; }",
                     "broken", [None], "a broken test program")
    assert isinstance(raised.value, pb.PlugboardError)
    assert "undeclared" in raised.value.log
    assert "a broken test program" in str(raised.value)
