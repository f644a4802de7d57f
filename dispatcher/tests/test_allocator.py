"""The core's CachingAllocator: size classes, stream pools, finalizer-safe frees, out of memory."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard.backend import CachingAllocator, MemoryLimits, size_class


class FakeDriver:
    """Buffers are bytearrays; ``capacity`` bytes at most; records every call."""

    def __init__(self, capacity: int = 1 << 30) -> None:
        self.capacity = capacity
        self.live = 0
        self.calls: list[str] = []

    def allocate(self, size: int) -> bytearray:
        if self.live + size > self.capacity:
            self.calls.append(f"refuse {size}")
            raise RuntimeError("CL_MEM_OBJECT_ALLOCATION_FAILURE")
        self.live += size
        self.calls.append(f"allocate {size}")
        return bytearray(size)

    def free(self, buffer: bytearray) -> None:
        self.live -= len(buffer)
        self.calls.append("free")

    def synchronize(self) -> None:
        self.calls.append("synchronize")


def allocator(driver: FakeDriver) -> CachingAllocator:
    return CachingAllocator(driver.allocate, driver.free, "toy:0", driver.synchronize)


def test_size_classes() -> None:
    assert [size_class(n) for n in (0, 1, 512, 513, 1 << 20)] == [512, 512, 512, 1024, 1 << 20]
    assert size_class((1 << 20) + 1) == 2 << 20
    assert size_class(5 << 20) == 5 << 20


def test_a_freed_block_is_reused_for_its_size_class_on_its_stream() -> None:
    driver = FakeDriver()
    cache = allocator(driver)
    stream_a, stream_b = object(), object()
    block = cache.allocate(3000, stream_a)
    cache.free(block)
    assert cache.allocate(4000, stream_b).buffer is not block.buffer  # other stream: new
    again = cache.allocate(4000, stream_a)
    assert again.buffer is block.buffer  # same stream, same class (4096)
    stats = cache.memory_stats()
    assert stats["driver_allocations"] == 2
    assert stats["allocated"] == stats["reserved"] == 2 * 4096
    assert stats["allocations"] == 2


def test_free_takes_no_lock_so_a_finalizer_inside_the_allocator_cannot_deadlock() -> None:
    driver = FakeDriver()
    cache = allocator(driver)
    first = cache.allocate(100)

    def allocate_and_collect(size: int) -> bytearray:
        # A tensor collected while the allocator is busy frees from inside it.
        cache.free(first)
        return driver.allocate(size)

    cache._raw_allocate = allocate_and_collect  # type: ignore[method-assign]
    second = cache.allocate(1 << 12)
    assert second.size == 1 << 12
    assert cache.memory_stats()["allocations"] == 1  # the free took effect


def test_empty_cache_waits_for_the_device_before_releasing() -> None:
    driver = FakeDriver()
    cache = allocator(driver)
    cache.free(cache.allocate(1 << 20))
    assert cache.empty_cache() == 1 << 20
    assert driver.calls[-2:] == ["synchronize", "free"]
    assert cache.memory_stats()["reserved"] == 0


def test_out_of_memory_retries_after_emptying_the_cache_then_names_the_device() -> None:
    driver = FakeDriver(capacity=3 << 20)
    cache = allocator(driver)
    cache.free(cache.allocate(2 << 20))
    big = cache.allocate(3 << 20)  # only fits once the cached 2 MiB went back
    assert driver.calls[-3:] == ["synchronize", "free", f"allocate {3 << 20}"]
    with pytest.raises(pb.OutOfMemoryError) as raised:
        cache.allocate(1 << 20)
    message = str(raised.value)
    assert "toy:0" in message and str(1 << 20) in message and "Fix:" in message
    assert isinstance(raised.value, MemoryError)
    assert cache.memory_stats()["allocated"] == big.size


def test_a_request_over_the_largest_buffer_is_refused_before_the_driver() -> None:
    driver = FakeDriver()
    cache = CachingAllocator(driver.allocate, driver.free, "toy:0", driver.synchronize,
                             MemoryLimits(max_allocation=1 << 20, capacity=8 << 20))
    with pytest.raises(pb.OutOfMemoryError) as raised:
        cache.allocate((1 << 20) + 1)
    message = str(raised.value)
    assert "cannot allocate 1048577 bytes (1.0 MiB) on toy:0" in message
    assert "largest buffer it allows is 1.0 MiB" in message and "Fix:" in message
    assert driver.calls == []
    assert cache.allocate(1 << 20).size == 1 << 20  # exactly the limit is fine


def test_requests_past_the_capacity_are_refused_after_the_cache_is_emptied() -> None:
    driver = FakeDriver()
    cache = CachingAllocator(driver.allocate, driver.free, "toy:0", driver.synchronize,
                             MemoryLimits(1 << 20, 3 << 20))
    blocks = [cache.allocate(1 << 20) for _ in range(3)]
    with pytest.raises(pb.OutOfMemoryError, match="3.0 MiB of its 3.0 MiB are in use"):
        cache.allocate(1 << 20)
    cache.free(blocks.pop())
    cache.allocate(1 << 19)  # the cached 1 MiB block gives way to the new size
    assert cache.memory_stats()["reserved"] == (2 << 20) + (1 << 19)


def test_the_room_left_to_the_process_is_checked() -> None:
    driver = FakeDriver()
    cache = CachingAllocator(driver.allocate, driver.free, "toy:0", driver.synchronize,
                             MemoryLimits(1 << 30, 1 << 30, room=lambda: 1 << 20))
    with pytest.raises(pb.OutOfMemoryError, match="address-space limit"):
        cache.allocate(2 << 20)
