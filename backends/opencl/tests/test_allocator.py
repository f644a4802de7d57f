"""The caching allocator: size classes, reuse, statistics."""

from __future__ import annotations

import gc

import plugboard as pb
from plugboard_opencl._allocator import CachingAllocator, size_class
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
