"""The runtime on MLX: bit-exact host copies, float64 stored but never computed, lazy
work behind streams and events, stream-ordered frees, memory statistics."""

from __future__ import annotations

import gc

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb
from plugboard_metal._runtime import RUNTIME, MetalRuntime


def _bits(dtype: np.dtype, n: int) -> np.ndarray:
    """Every bit pattern a generator gives: NaN payloads, -0.0, subnormals, infinities."""
    raw = np.random.default_rng(0).integers(0, 256, n * dtype.itemsize, dtype=np.uint8)
    values = raw.view(dtype)
    if dtype == np.bool_:
        values = raw.astype(np.bool_)
    return values


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.int8,
                                   np.uint8, np.int16, np.int32, np.int64, np.bool_])
def test_round_trips_are_bit_exact(metal: pb.Device, dtype: type) -> None:
    host = _bits(np.dtype(dtype), 1001)
    x = pb.tensor(host, device=metal)
    back = x.numpy()
    assert back.dtype == host.dtype
    assert back.tobytes() == host.tobytes()
    # Through a kernel too: a copy on the device keeps every bit.
    assert x.clone().numpy().tobytes() == host.tobytes()


def test_float64_is_stored_bit_exact_but_never_computed(metal: pb.Device) -> None:
    host = np.array([1.0 + 2.0**-52, -0.0, np.nan, 1e-310], dtype=np.float64)
    x = pb.tensor(host, device=metal)
    assert x.dtype is pb.float64
    assert x.numpy().tobytes() == host.tobytes()  # bytes, not a float32 detour
    assert pb.float64 not in pb.device_properties(metal).dtypes
    with pytest.raises(pb.KernelNotFoundError, match="does not support float64"):
        x + x
    with pytest.raises(pb.KernelNotFoundError, match="float64"):
        pb.zeros(3, dtype=pb.float64, device=metal)


def test_a_float64_operand_is_cast_on_the_host_exactly(metal: pb.Device) -> None:
    # masked_fill with a float64 0-d value: the core's cast to the computation dtype.
    x = pb.tensor(np.zeros(4, np.float32), device=metal)
    value = pb.tensor(np.float64(0.1), device=metal)
    y = pb.masked_fill(x, pb.tensor([True, False, True, False], device=metal), value)
    assert y.numpy().tolist() == [np.float32(0.1), 0.0, np.float32(0.1), 0.0]


def test_work_is_queued_lazily_until_synchronize(metal: pb.Device) -> None:
    s = pb.Stream(metal)
    with pb.stream(s):
        y = pb.ones(1 << 12, device=metal)
        for _ in range(10):
            y = y + 1
    assert not s.query()  # MLX is lazy: the work is pending until waited for
    s.synchronize()
    assert s.query()
    assert y.numpy().tolist() == [11.0] * (1 << 12)


def test_events_complete_and_time(metal: pb.Device) -> None:
    pb.synchronize(metal)  # nothing pending from earlier tests
    stream = pb.current_stream(metal)
    start = pb.Event(enable_timing=True).record(stream)
    y = pb.ones(1 << 16, device=metal) * 3
    end = pb.Event(enable_timing=True).record(stream)
    assert start.query() and not end.query()  # nothing was pending at the start
    end.synchronize()
    assert end.query()
    assert start.elapsed_time(end) >= 0.0
    assert float(y.sum().item()) == 3.0 * (1 << 16)


def test_an_event_is_done_once_its_stream_was_waited_for(metal: pb.Device) -> None:
    s = pb.Stream(metal)
    with pb.stream(s):
        y = pb.ones(1 << 10, device=metal) + 1
        done = pb.Event().record(s)
    assert not done.query()  # lazy: nothing has run it yet
    s.synchronize()
    assert done.query()
    assert y.tolist()[0] == 2.0


def test_frees_are_stream_ordered(metal: pb.Device) -> None:
    x = pb.tensor(np.arange(1 << 14, dtype=np.float32), device=metal)
    doubled = x * 2
    del x
    gc.collect()
    noise = pb.tensor(np.full(1 << 14, -1.0, np.float32), device=metal)  # may reuse memory
    assert doubled.numpy()[:3].tolist() == [0.0, 2.0, 4.0]
    assert noise.numpy()[0] == -1.0


def test_memory_statistics(metal: pb.Device) -> None:
    pb.synchronize(metal)
    before = pb.memory_stats(metal)
    x = pb.empty(1 << 20, dtype=pb.uint8, device=metal)
    during = pb.memory_stats(metal)
    assert during["allocated"] - before["allocated"] == 1 << 20
    assert during["peak"] >= during["allocated"]
    assert {"mlx_active", "mlx_peak", "mlx_cache"} <= set(during)
    del x
    gc.collect()
    pb.synchronize(metal)
    assert pb.memory_stats(metal)["allocated"] == before["allocated"]
    assert pb.empty_cache(metal) >= 0


def test_strided_views_read_and_write_through_their_storage(metal: pb.Device) -> None:
    x = pb.tensor(np.arange(12, dtype=np.int32).reshape(3, 4), device=metal)
    column = x[:, 1]
    column[...] = pb.tensor([-1, -2, -3], dtype=pb.int32, device=metal)
    assert x.tolist() == [[0, -1, 2, 3], [4, -2, 6, 7], [8, -3, 10, 11]]
    assert x.T.contiguous().tolist()[1] == [-1, -2, -3]
    assert (x[1:, ::2] + 0).tolist() == [[4, 6], [8, 10]]


def test_a_runtime_without_the_variable_is_unavailable_on_linux() -> None:
    runtime = MetalRuntime(environ={})
    availability = runtime.availability()
    if availability.available:
        pytest.skip("this machine has Metal")
    assert "PLUGBOARD_METAL_EMULATION=1" in availability.reason
    assert runtime.device_count() == 0
    assert RUNTIME.emulated  # the tests' own runtime: emulation, from conftest


def test_tensors_to_and_from_mlx(metal: pb.Device) -> None:
    import mlx.core as mx

    from plugboard_metal import from_mlx, to_mlx

    x = pb.tensor(np.arange(6, dtype=np.int16).reshape(2, 3), device=metal)
    a = to_mlx(x[:, 1:])
    x[0, 1] = 100  # a value: later writes to x leave the array as it was
    assert a.dtype == mx.int16 and a.tolist() == [[1, 2], [4, 5]]
    y = from_mlx(mx.array([1.5, -0.0], dtype=mx.bfloat16))
    assert y.device == metal and y.dtype is pb.bfloat16 and y.tolist() == [1.5, -0.0]
    with pytest.raises(pb.DTypeError, match="uint32"):
        from_mlx(mx.array([1], dtype=mx.uint32))
    with pytest.raises(pb.DeviceError, match="on metal"):
        to_mlx(pb.tensor([1.0]))
