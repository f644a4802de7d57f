"""The caching allocator: size classes, reuse, statistics."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

import plugboard as pb
from plugboard_opencl import OpenCLOutOfMemoryError
from plugboard_opencl._allocator import CachingAllocator, MemoryLimits, size_class
from plugboard_opencl._runtime import RUNTIME


def test_size_classes() -> None:
    assert size_class(1) == 512
    assert size_class(513) == 1024
    assert size_class(1 << 20) == 1 << 20
    assert size_class((1 << 20) + 1) == 2 << 20


def test_freed_blocks_are_reused(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    allocator = CachingAllocator(state.context, "test")
    block = allocator.allocate(3000)
    buffer = block.buffer
    allocator.free(block)
    again = allocator.allocate(4000)  # same size class (4096)
    assert again.buffer is buffer
    stats = allocator.stats()
    assert stats["driver_allocations"] == 1
    assert stats["allocated"] == 4096 and stats["reserved"] == 4096
    allocator.free(again)
    assert allocator.empty_cache() == 4096
    assert allocator.stats()["reserved"] == 0


def test_memory_stats_through_plugboard(device: pb.Device) -> None:
    before = pb.memory_stats(device)
    x = pb.empty(1 << 20, dtype=pb.uint8, device=device)
    during = pb.memory_stats(device)
    assert during["allocated"] - before["allocated"] >= 1 << 20
    assert during["peak"] >= during["allocated"]
    del x
    gc.collect()
    assert pb.memory_stats(device)["allocated"] == before["allocated"]


# Limits: a request the device cannot hold is refused before the driver sees it -------


def test_a_buffer_larger_than_the_device_allows_is_refused(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    limits = MemoryLimits(max_allocation=1 << 20, global_memory=8 << 20)
    allocator = CachingAllocator(state.context, "opencl:test", limits)
    with pytest.raises(pb.OutOfMemoryError) as info:
        allocator.allocate((1 << 20) + 1)
    assert isinstance(info.value, OpenCLOutOfMemoryError)
    assert isinstance(info.value, MemoryError)
    message = str(info.value)
    assert "cannot allocate 1048577 bytes (1.0 MiB) on opencl:test" in message
    assert "CL_DEVICE_MAX_MEM_ALLOC_SIZE" in message
    assert "Fix:" in message
    assert allocator.stats()["driver_allocations"] == 0


def test_buffers_past_the_global_memory_are_refused_after_the_cache_is_emptied(
    device: pb.Device,
) -> None:
    state = RUNTIME.state(device.index)
    allocator = CachingAllocator(state.context, "opencl:test", MemoryLimits(1 << 20, 3 << 20))
    blocks = [allocator.allocate(1 << 20) for _ in range(3)]
    with pytest.raises(pb.OutOfMemoryError, match="3.0 MiB of its 3.0 MiB are in use"):
        allocator.allocate(1 << 20)
    # A freed block waits in the cache, and the cache gives way to a new size.
    allocator.free(blocks.pop())
    again = allocator.allocate(1 << 19)
    assert allocator.stats()["reserved"] == (2 << 20) + (1 << 19)
    for block in (*blocks, again):
        allocator.free(block)
    allocator.empty_cache()


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
    if not MemoryLimits.of(RUNTIME.state(device.index).device).host_memory:
        pytest.skip("the device's memory is not this process's")
    if int(RUNTIME.state(device.index).device.max_mem_alloc_size) < 2 << 30:
        pytest.skip("the device refuses 2 GiB buffers by its own limit")
    result = subprocess.run([sys.executable, "-c", _UNDER_ULIMIT], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pb::arange: cannot allocate 2147483648 bytes (2.0 GiB)" in result.stdout
    assert "address-space limit" in result.stdout
