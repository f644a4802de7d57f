"""The runtime: devices, properties, copies in every direction."""

from __future__ import annotations

import numpy as np
import pyopencl as cl
import pytest

import plugboard as pb
from plugboard_opencl import _platforms, _runtime
from plugboard_opencl._runtime import RUNTIME


def test_properties(device: pb.Device) -> None:
    props = pb.device_properties(device)
    assert props.name and props.total_memory > 0
    assert {"vendor", "platform", "opencl_version", "compute_units", "fp16",
            "fp64"} <= set(props.extra)
    assert pb.float32 in props.dtypes and pb.bfloat16 in props.dtypes
    assert (pb.float64 in props.dtypes) == props.extra["fp64"]


def test_availability_names_the_platform() -> None:
    availability = RUNTIME.availability()
    if availability.available:
        assert availability.reason.startswith("using ")


def test_host_round_trip_with_offsets(device: pb.Device) -> None:
    host = np.arange(1000, dtype=np.int64)
    x = pb.tensor(host, device=device)
    np.testing.assert_array_equal(pb.narrow(x, 0, 10, 90).numpy(), host[10:100])


def test_copy_from_host_does_not_race_with_the_caller(device: pb.Device) -> None:
    host = np.ones(1 << 16, dtype=np.float32)
    x = pb.tensor(host, device=device)
    host[:] = 2  # the queued copy read its own copy of the bytes
    np.testing.assert_array_equal(x.numpy(), np.ones(1 << 16, dtype=np.float32))


def test_copy_between_on_one_device(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    src, dst = state.allocator.allocate(64), state.allocator.allocate(64)
    data = np.arange(16, dtype=np.int32)
    RUNTIME.copy_from_host(src, 0, data, device.index)
    RUNTIME.copy_between(dst, 8, device.index, src, 0, device.index, 32)
    back = np.zeros(8, dtype=np.int32)
    RUNTIME.copy_to_host(back, dst, 8, device.index)
    np.testing.assert_array_equal(back, data[:8])
    state.allocator.free(src)
    state.allocator.free(dst)


def test_cross_backend_copies(device: pb.Device) -> None:
    host = np.linspace(-1, 1, 33, dtype=np.float32)
    x = pb.tensor(host, device="cpu").to(device)
    np.testing.assert_array_equal(x.to("cpu").numpy(), host)


@pytest.mark.parametrize("shared_context", [True, False])
def test_copies_between_two_devices(monkeypatch: pytest.MonkeyPatch, shared_context: bool
                                    ) -> None:
    """Two devices of one context copy directly; of two contexts, through the host."""
    real = _platforms.discover()
    if not real.devices:
        pytest.skip("no OpenCL device")
    first = real.devices[0]
    other = first if shared_context else _platforms.OpenCLDevice(
        first.device, cl.Context([first.device]), first.platform)
    monkeypatch.setattr(_runtime, "discover",
                        lambda: _platforms.Discovery(devices=[first, other]))
    runtime = _runtime.OpenCLRuntime()
    assert runtime.device_count() == 2
    data = np.arange(64, dtype=np.uint8)
    src, dst = runtime.allocate(64, 0), runtime.allocate(64, 1)
    runtime.copy_from_host(src, 0, data, 0)
    runtime.copy_between(dst, 0, 1, src, 16, 0, 48)
    back = np.zeros(48, dtype=np.uint8)
    runtime.copy_to_host(back, dst, 0, 1)
    np.testing.assert_array_equal(back, data[16:])
    assert runtime.memory_stats(1)["allocated"] == 512
