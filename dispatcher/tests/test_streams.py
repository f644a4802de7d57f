"""Streams and events on a runtime without queues (cpu): one implicit in-order stream."""

from __future__ import annotations

import gc
import sys
import time
from typing import Any

import pytest

import plugboard as pb
from plugboard.backend import current_stream_handle


def test_every_cpu_stream_is_the_implicit_one() -> None:
    s = pb.Stream("cpu")
    assert s.handle is None and s.device == pb.device("cpu")
    assert s.query()
    s.synchronize()
    assert pb.current_stream("cpu").device == pb.device("cpu")


def test_stream_blocks_set_the_current_stream_for_this_thread_and_restore_it() -> None:
    outer = pb.current_stream("cpu")
    s = pb.Stream("cpu")
    with pb.stream(s):
        assert pb.current_stream("cpu") is s
        with pb.stream(None):
            assert pb.current_stream("cpu") is s
    assert pb.current_stream("cpu") is outer
    assert current_stream_handle(pb.device("cpu")) is None


def test_events_time_host_work_between_them() -> None:
    start, end = pb.Event(enable_timing=True), pb.Event(enable_timing=True)
    assert not start.query()
    start.record()
    time.sleep(0.02)
    end.record(pb.current_stream("cpu"))
    end.synchronize()
    assert start.query() and end.query()
    assert start.elapsed_time(end) >= 15.0
    assert start.device == pb.device("cpu")


def test_event_errors_say_what_to_do() -> None:
    with pytest.raises(pb.ArgumentError, match="record"):
        pb.Event().synchronize()
    with pytest.raises(pb.ArgumentError, match="enable_timing"):
        a = pb.Event().record()
        a.elapsed_time(pb.Event().record())
    with pytest.raises(pb.ArgumentError, match="pb.Stream"), pb.stream("cpu"):  # type: ignore[arg-type]
        pass


def test_wait_stream_and_record_event_on_the_implicit_stream() -> None:
    a, b = pb.Stream("cpu"), pb.Stream("cpu")
    b.wait_stream(a)
    event = a.record_event()
    b.wait_event(event)
    assert event.query()


def test_a_host_memory_backend_is_synchronized_before_the_host_reads(plugins: Any) -> None:
    # A backend whose kernels would queue work on the host must be waited for before
    # .numpy() hands its memory to NumPy.
    extra = """
calls = []
_sync = Runtime.synchronize
def synchronize(self, index):
    calls.append(index)
Runtime.synchronize = synchronize
"""
    name = plugins.install("toy", plugins.host_backend("toy", "Toy", extra))
    x = pb.tensor([1.0, 2.0], device="toy:1")
    module = sys.modules[name]
    module.calls.clear()
    assert x.tolist() == [1.0, 2.0]
    assert module.calls and set(module.calls) == {1}


def test_collected_buffers_are_freed_from_ordinary_code_not_the_finalizer(plugins: Any) -> None:
    extra = """
frees = []
def free(self, handle, index):
    import sys
    frees.append(sys._getframe(1).f_code.co_name)
Runtime.free = free
"""
    name = plugins.install("toy", plugins.host_backend("toy", "Toy", extra))
    x = pb.empty(64, device="toy")
    module = sys.modules[name]
    del x
    gc.collect()
    assert module.frees == []  # queued, not freed inside __del__
    pb.empty(8, device="toy")  # the next allocation frees it
    assert module.frees == ["free_pending"]


def test_a_runtime_whose_free_is_finalizer_safe_frees_as_the_tensor_is_collected(
    plugins: Any,
) -> None:
    extra = """
frees = []
Runtime.free_from_finalizer = True
def free(self, handle, index):
    import sys
    frees.append((sys._getframe(1).f_code.co_name, handle.nbytes, index))
Runtime.free = free
"""
    name = plugins.install("toy", plugins.host_backend("toy", "Toy", extra))
    x = pb.empty(64, device="toy:1")
    module = sys.modules[name]
    del x
    assert module.frees == [("__del__", 256, 1)]  # no allocation needed to give it back


def test_a_failure_reported_at_synchronization_names_the_device_and_operator(
    plugins: Any,
) -> None:
    extra = """
import numpy as np
from plugboard.backend import host_array
failing = []
def synchronize(self, index):
    if failing:
        failing.clear()
        raise RuntimeError("illegal memory access at 0x10")
Runtime.synchronize = synchronize
def _neg(self, *, out):
    np.negative(host_array(self), out=host_array(out))
    failing.append(True)  # as if the device failed running it, later
@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("neg", fn=_neg, strided=True)
"""
    plugins.install("toy", plugins.host_backend("toy", "Toy", extra))
    x = pb.tensor([1.0, 2.0], device="toy:1")
    y = -x
    with pytest.raises(pb.DeviceFaultError) as raised:
        pb.synchronize("toy:1")
    message = str(raised.value)
    assert "toy:1" in message and "pb::neg" in message and "Fix:" in message
    assert isinstance(raised.value.__cause__, RuntimeError)
    -x
    with pytest.raises(pb.DeviceFaultError, match="reading a tensor to the host"):
        y.tolist()
