"""OpenCL memory on the core's caching allocator: statistics, stream pools, empty_cache."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

import plugboard as pb
from plugboard_opencl._limits import limits_of
from plugboard_opencl._runtime import RUNTIME


def test_memory_stats_through_plugboard(device: pb.Device) -> None:
    before = pb.memory_stats(device)
    x = pb.empty(1 << 20, dtype=pb.uint8, device=device)
    during = pb.memory_stats(device)
    assert during["allocated"] - before["allocated"] >= 1 << 20
    assert during["peak"] >= during["allocated"]
    del x
    gc.collect()
    assert pb.memory_stats(device)["allocated"] == before["allocated"]


def test_blocks_are_reused_only_on_the_stream_they_were_allocated_on(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    x = pb.empty(12345, dtype=pb.uint8, device=device)
    buffer = x.untyped_storage().handle.buffer
    del x
    gc.collect()
    other = pb.Stream(device)
    with pb.stream(other):
        on_other = pb.empty(12345, dtype=pb.uint8, device=device)
    assert on_other.untyped_storage().handle.buffer is not buffer
    again = pb.empty(12345, dtype=pb.uint8, device=device)  # the default stream's pool
    assert again.untyped_storage().handle.buffer is buffer
    assert state.allocator.memory_stats()["allocations"] >= 2


def test_empty_cache_gives_cached_blocks_back(device: pb.Device) -> None:
    x = pb.empty(3 << 20, dtype=pb.uint8, device=device)
    del x
    gc.collect()
    reserved = pb.memory_stats(device)["reserved"]
    released = pb.empty_cache(device)
    assert released >= 3 << 20
    assert pb.memory_stats(device)["reserved"] == reserved - released
# Limits: a request the device cannot hold is refused before the driver sees it -------


def test_each_device_allocates_within_its_own_limits(device: pb.Device) -> None:
    limit = int(RUNTIME.state(device.index).device.max_mem_alloc_size)
    with pytest.raises(pb.OutOfMemoryError) as info:
        pb.empty(limit + 1, dtype=pb.uint8, device=device)
    message = str(info.value)
    assert message.startswith("pb::empty: cannot allocate")
    assert f"on {device}" in message
    assert "inputs: size=" in message


# A child process that lowers its address-space limit (ulimit -v) below the buffer it
# asks for, then uses it: PoCL backed the buffer only when a kernel first touched it,
# and aborted the process (SIGABRT) when that allocation failed.
_UNDER_ULIMIT = """
import resource, sys
import plugboard as pb
device = pb.devices("opencl")[0]
pb.arange(0, 1024, device=device).sum().item()  # the queue and programs are ready
with open("/proc/self/statm") as statm:
    in_use = int(statm.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (in_use + (1 << 30), resource.RLIM_INFINITY))
try:
    pb.arange(0, 1 << 28, device=device)  # 2 GiB of int64 under a 1 GiB margin
except pb.OutOfMemoryError as error:
    print(str(error).splitlines()[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_an_allocation_over_the_address_space_limit_is_an_error_not_an_abort(
    device: pb.Device,
) -> None:
    if limits_of(RUNTIME.state(device.index).device).room is None:
        pytest.skip("the device's memory is not this process's")
    if int(RUNTIME.state(device.index).device.max_mem_alloc_size) < 2 << 30:
        pytest.skip("the device refuses 2 GiB buffers by its own limit")
    result = subprocess.run([sys.executable, "-c", _UNDER_ULIMIT], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pb::arange: cannot allocate 2147483648 bytes (2.0 GiB)" in result.stdout
    assert "address-space limit" in result.stdout
