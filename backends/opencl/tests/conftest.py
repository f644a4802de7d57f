"""Shared fixtures: the first OpenCL device, or a skip where there is none."""

from __future__ import annotations

import pytest

import plugboard as pb


@pytest.fixture(scope="session")
def device() -> pb.Device:
    devices = pb.devices("opencl")
    if not devices:
        status = {b.device_type: b for b in pb.backends()}["opencl"]
        pytest.skip(f"no OpenCL device: {status.error or status.reason}")
    return devices[0]
