"""OpenCL memory on the core's caching allocator: statistics, stream pools, empty_cache."""

from __future__ import annotations

import gc

import plugboard as pb
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
