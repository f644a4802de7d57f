"""Streams are in-order queues: kernels and copies go to the current one; events are markers."""

from __future__ import annotations

import numpy as np

import plugboard as pb
from plugboard_opencl._runtime import RUNTIME


def test_work_in_a_stream_block_is_queued_on_that_stream(device: pb.Device) -> None:
    state = RUNTIME.state(device.index)
    s = pb.Stream(device)
    assert s.handle is not None and state.queue is state.default_stream.queue
    with pb.stream(s):
        assert state.queue is s.handle.queue
        x = pb.arange(1 << 16, dtype=pb.float32, device=device)
        y = (x * 2).sum()
    s.synchronize()
    assert s.query()
    assert y.item() == float(np.arange(1 << 16, dtype=np.float64).sum() * 2)


def test_a_stream_waits_for_another_through_an_event(device: pb.Device) -> None:
    producer, consumer = pb.Stream(device), pb.Stream(device)
    with pb.stream(producer):
        x = pb.full((1 << 20,), 3.0, device=device)
        ready = pb.Event().record(producer)
    consumer.wait_event(ready)
    with pb.stream(consumer):
        total = x.sum()
    consumer.synchronize()
    assert ready.query()
    assert total.item() == 3.0 * (1 << 20)


def test_timing_events_measure_queued_work(device: pb.Device) -> None:
    x = pb.ones(1 << 20, device=device)
    start, end = pb.Event(enable_timing=True), pb.Event(enable_timing=True)
    start.record(device)
    for _ in range(5):
        x = x * 1.0001
    end.record(device)
    end.synchronize()
    assert end.query()
    assert start.elapsed_time(end) > 0.0


def test_synchronize_waits_for_every_stream(device: pb.Device) -> None:
    s = pb.Stream(device)
    with pb.stream(s):
        y = pb.ones(1 << 20, device=device) + 1
    pb.synchronize(device)
    assert s.query()
    assert y.sum().item() == 2.0 * (1 << 20)


def test_non_blocking_copies_to_the_host_wait_before_the_host_reads(device: pb.Device) -> None:
    x = pb.arange(1 << 20, dtype=pb.float32, device=device) * 2
    y = x.to("cpu", non_blocking=True)
    assert y.device == pb.device("cpu")
    assert y.untyped_storage().pending is not None  # queued, not yet waited for
    assert y[-1].item() == 2.0 * ((1 << 20) - 1)
    assert y.untyped_storage().pending is None
    np.testing.assert_array_equal(y.numpy(), np.arange(1 << 20, dtype=np.float32) * 2)


def test_copy_into_a_cpu_tensor_without_blocking(device: pb.Device) -> None:
    x = pb.arange(1000, dtype=pb.int32, device=device)
    dst = pb.zeros(1000, dtype=pb.int32)
    assert dst.copy_(x, non_blocking=True) is dst
    assert (dst + 1)[999].item() == 1000  # a cpu kernel reads it only after the copy
    strided = pb.zeros(2000, dtype=pb.int32)[::2]  # not contiguous: an ordinary copy
    strided.copy_(x, non_blocking=True)
    assert strided.untyped_storage().pending is None
    assert strided[10].item() == 10


def test_non_blocking_copies_to_the_device_are_ordered_on_its_stream(device: pb.Device) -> None:
    host = pb.arange(1 << 16, dtype=pb.float32)
    s = pb.Stream(device)
    with pb.stream(s):
        x = host.to(device, non_blocking=True)
        total = x.sum()
    pb.backend.host_array(host)[:] = 0  # the queued copy read its own bytes
    s.synchronize()
    assert total.item() == float(sum(range(1 << 16)))
