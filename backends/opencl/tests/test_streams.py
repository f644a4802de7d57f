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
