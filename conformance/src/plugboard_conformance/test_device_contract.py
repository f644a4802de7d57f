"""The device contract: what every backend's devices must guarantee.

Collected by ``pytest --pyargs plugboard_conformance --backend NAME``. Each
test is one named check of the runtime behind the backend's devices, through
plugboard's public API: memory, copies in every direction, asynchrony, device
properties and device strings. Its docstring says what a backend must
guarantee. The fixtures ``pb_device_type``, ``pb_device`` (the device under
test) and ``pb_devices`` (every available device of that type) come from the
suite's pytest plugin. A check that takes ``pb_device`` runs once per device
tested (``--device all``, the default, tests every device); one that takes
only ``pb_devices`` runs once, over all of them.
"""

from __future__ import annotations

import gc
import itertools
import re
import zlib
from collections.abc import Callable

import numpy as np
import pytest

import plugboard as pb

# Every plugboard dtype; a test of a dtype the device does not declare is skipped.
ALL_DTYPES = (
    pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
    pb.float16, pb.bfloat16, pb.float32, pb.float64,
)
# Mantissa bits of the floating-point dtypes, to build their special bit patterns.
MANTISSA_BITS = {"float16": 10, "bfloat16": 7, "float32": 23, "float64": 52}

ALLOCATION_BYTES = [0, 1, 4097, 1 << 20]
ELEMENT_COUNTS = [0, 1, 3, 1023, 65537]
DEVICE_TO_DEVICE_DTYPES = (pb.bool, pb.uint8, pb.int32, pb.float16, pb.float32, pb.float64)
CHAIN_LENGTH = 200


def _dtype_id(dtype: pb.DType) -> str:
    return dtype.name


def _bytes_id(nbytes: int) -> str:
    return "1MiB" if nbytes == 1 << 20 else f"{nbytes}B"


def _count_id(count: int) -> str:
    return f"{count}-elements"


def _require_dtype(device: pb.Device, dtype: pb.DType) -> None:
    if dtype not in pb.device_properties(device).dtypes:
        pytest.skip(f"{device} does not declare {dtype.name}")


def _special_values(dtype: pb.DType) -> np.ndarray:
    """Bit patterns a copy must keep: -0.0, infinities, NaN payloads, denormals."""
    mantissa = MANTISSA_BITS.get(dtype.name)
    if mantissa is None:
        return np.empty(0, dtype.numpy)
    bits = dtype.itemsize * 8
    sign = 1 << (bits - 1)
    inf = ((1 << (bits - 1 - mantissa)) - 1) << mantissa
    quiet = 1 << (mantissa - 1)
    patterns = [
        sign,  # -0.0
        inf, sign | inf,  # +inf, -inf
        inf | quiet | 0b101, sign | inf | quiet | 0b11,  # quiet NaNs with payloads
        inf | 0b1,  # a signalling NaN
        1, sign | 1, (1 << mantissa) - 1,  # denormals: smallest, negative, largest
    ]
    return np.array(patterns, dtype=f"u{dtype.itemsize}").view(dtype.numpy)


def _random_bits(dtype: pb.DType, count: int, salt: str = "") -> np.ndarray:
    """``count`` elements of random bits (bool: random 0 and 1), special values first.

    The bits differ between dtypes, sizes and salts, so a buffer left over from an
    earlier check never holds the expected bytes by chance.
    """
    rng = np.random.default_rng(zlib.crc32(f"{dtype.name}/{count}/{salt}".encode()))
    if dtype.is_bool:
        return rng.integers(0, 2, count, dtype=np.uint8).view(dtype.numpy)
    values = rng.integers(0, 256, count * dtype.itemsize, dtype=np.uint8).view(dtype.numpy)
    specials = _special_values(dtype)[:count]
    values[: specials.size] = specials
    return values


def _assert_same_bits(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype}, not {expected.dtype}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, not {expected.shape}"
    got, want = actual.tobytes(), expected.tobytes()
    if got != want:
        a = np.frombuffer(got, np.uint8)
        b = np.frombuffer(want, np.uint8)
        first = int(np.flatnonzero(a != b)[0])
        raise AssertionError(
            f"{what}: the bytes differ from byte {first} (element {first // expected.itemsize}): "
            f"{a[first:first + 8].tolist()} instead of {b[first:first + 8].tolist()}; "
            f"{int((a != b).sum())} of {b.size} bytes differ"
        )


# Memory -----------------------------------------------------------------------------


@pytest.mark.parametrize("nbytes", ALLOCATION_BYTES, ids=_bytes_id)
def test_allocation_and_release(pb_device: pb.Device, nbytes: int) -> None:
    """Allocating ``nbytes`` (0 included) gives a tensor of that size on the device;
    ``memory_stats`` holds non-negative ints; a reported ``allocated`` grows by at least
    the size while the tensor lives and returns to where it was once it is released."""
    before = pb.memory_stats(pb_device)
    assert isinstance(before, dict), f"memory_stats returned {type(before).__name__}, not dict"
    for key, value in before.items():
        assert isinstance(key, str), f"memory_stats key {key!r} is not a str"
        assert isinstance(value, int) and not isinstance(value, bool), (
            f"memory_stats[{key!r}] is {value!r}, not an int"
        )
        assert value >= 0, f"memory_stats[{key!r}] is negative: {value}"

    x = pb.empty(nbytes, dtype=pb.uint8, device=pb_device)
    assert x.device == pb_device
    assert x.shape == (nbytes,)
    assert x.nbytes == nbytes
    during = pb.memory_stats(pb_device)
    if "allocated" in before:
        grown = during["allocated"] - before["allocated"]
        assert grown >= nbytes, (
            f"memory_stats['allocated'] grew by {grown} bytes for a live {nbytes}-byte tensor"
        )

    del x
    gc.collect()
    pb.synchronize(pb_device)
    after = pb.memory_stats(pb_device)
    if "allocated" in before:
        assert after["allocated"] == before["allocated"], (
            f"memory_stats['allocated'] is {after['allocated']} after the {nbytes}-byte tensor "
            f"was released, {before['allocated']} before it was allocated: the storage's memory "
            "was not given back (DeviceRuntime.free)"
        )


# Copies -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", ELEMENT_COUNTS, ids=_count_id)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=_dtype_id)
def test_host_round_trip_is_bit_exact(pb_device: pb.Device, dtype: pb.DType, count: int
                                      ) -> None:
    """Host to device to host keeps every bit of every declared dtype, at any size:
    NaN payloads, signalling NaNs, -0.0, denormals and infinities included."""
    _require_dtype(pb_device, dtype)
    host = _random_bits(dtype, count, "host")
    x = pb.tensor(host, device=pb_device)
    assert x.device == pb_device
    assert x.dtype is dtype
    _assert_same_bits(x.numpy(), host, f"{dtype.name}[{count}] back from {pb_device}")


@pytest.mark.parametrize("dtype", DEVICE_TO_DEVICE_DTYPES, ids=_dtype_id)
def test_device_to_device_copies_are_bit_exact(pb_devices: list[pb.Device], dtype: pb.DType
                                               ) -> None:
    """A copy from each device of the backend to each other one keeps every bit and
    leaves the source unchanged."""
    if len(pb_devices) < 2:
        device = pb_devices[0] if pb_devices else "no device"
        pytest.skip(f"one device ({device}): device-to-device copies need two")
    declaring = [d for d in pb_devices if dtype in pb.device_properties(d).dtypes]
    if len(declaring) < 2:
        pytest.skip(f"fewer than two devices declare {dtype.name}")
    host = _random_bits(dtype, 4099, "device")
    for src, dst in itertools.permutations(declaring, 2):
        x = pb.tensor(host, device=src)
        y = x.to(dst)
        assert y.device == dst, f"{src} -> {dst}: the copy is on {y.device}"
        _assert_same_bits(y.numpy(), host, f"{dtype.name} copied {src} -> {dst}")
        _assert_same_bits(x.numpy(), host, f"{dtype.name} source on {src} after the copy")


def test_each_device_holds_its_own_data(pb_devices: list[pb.Device]) -> None:
    """Different data written to every device of the backend reads back from each
    unchanged, and a copy between every pair of devices carries the source's data: a
    device whose memory aliases another's fails."""
    if len(pb_devices) < 2:
        device = pb_devices[0] if pb_devices else "no device"
        pytest.skip(f"one device ({device}): isolation needs two")
    datas = [np.arange(4096, dtype=np.int32) * (i + 1) + i for i in range(len(pb_devices))]
    tensors = [pb.tensor(d, device=dev) for d, dev in zip(datas, pb_devices, strict=True)]
    for t, data, device in zip(tensors, datas, pb_devices, strict=True):
        np.testing.assert_array_equal(t.numpy(), data, err_msg=f"{device} lost its data")
    for (i, src), (j, dst) in itertools.permutations(enumerate(pb_devices), 2):
        y = tensors[i].to(dst)
        np.testing.assert_array_equal(y.numpy(), datas[i], err_msg=f"copy {src} -> {dst}")
        np.testing.assert_array_equal(tensors[j].numpy(), datas[j],
                                      err_msg=f"{dst} changed by a copy from {src}")


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=_dtype_id)
def test_cross_backend_copy_to_cpu_and_back(pb_device: pb.Device, dtype: pb.DType) -> None:
    """A copy to the cpu backend and back to the device keeps every bit."""
    _require_dtype(pb_device, dtype)
    host = _random_bits(dtype, 1023, "cpu")
    x = pb.tensor(host, device=pb_device)
    on_cpu = x.to("cpu")
    assert on_cpu.device == pb.device("cpu")
    _assert_same_bits(on_cpu.numpy(), host, f"{dtype.name} copied {pb_device} -> cpu")
    back = on_cpu.to(pb_device)
    assert back.device == pb_device
    _assert_same_bits(back.numpy(), host, f"{dtype.name} copied cpu -> {pb_device}")


VIEWS: dict[str, tuple[Callable[[pb.Tensor], pb.Tensor], Callable[[np.ndarray], np.ndarray]]] = {
    "transpose": (lambda t: t.T, lambda a: a.T),
    "narrow-columns": (lambda t: pb.narrow(t, 1, 2, 5), lambda a: a[:, 2:7]),
    "permute-3d": (
        lambda t: t.reshape(3, 5, 4).permute(2, 0, 1),
        lambda a: a.reshape(3, 5, 4).transpose(2, 0, 1),
    ),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_non_contiguous_tensors_copy_to_cpu(pb_device: pb.Device, view: str) -> None:
    """A non-contiguous view on the device (transposed, narrowed, permuted) moved to the
    cpu holds the view's elements in the view's order."""
    make, expected = VIEWS[view]
    host = np.arange(60, dtype=np.float32).reshape(6, 10) * np.float32(0.5) - np.float32(7.0)
    x = make(pb.tensor(host, device=pb_device))
    assert not x.is_contiguous(), f"the {view} view should not be contiguous"
    on_cpu = x.to("cpu")
    assert on_cpu.device == pb.device("cpu")
    assert on_cpu.shape == expected(host).shape
    np.testing.assert_array_equal(on_cpu.numpy(), expected(host))
    np.testing.assert_array_equal(x.numpy(), expected(host))


def test_copies_honour_storage_offsets(pb_devices: list[pb.Device], pb_device: pb.Device
                                       ) -> None:
    """Copies of a tensor that starts inside its storage (an offset view) read from
    that offset: to the host, to the cpu backend and to another device."""
    host = np.arange(1000, dtype=np.float32)
    x = pb.tensor(host, device=pb_device)
    tail = pb.narrow(x, 0, 333, 667)
    assert tail.storage_offset() == 333
    np.testing.assert_array_equal(tail.numpy(), host[333:])
    np.testing.assert_array_equal(tail.to("cpu").numpy(), host[333:])
    for other in pb_devices:
        if other != pb_device:
            np.testing.assert_array_equal(tail.to(other).numpy(), host[333:])


# Asynchrony -------------------------------------------------------------------------


def test_queued_work_completes_in_order(pb_device: pb.Device) -> None:
    """A chain of dependent operations queued without synchronizing gives the right
    values when read back: work runs in order, a copy to the host waits for it, and
    memory freed while queued work still reads it is not overwritten too early (here
    by copies from the host into new tensors of the same size)."""
    host = np.arange(64, dtype=np.float32).reshape(8, 8)
    weights = (np.arange(64, dtype=np.float32).reshape(8, 8) % 5) - np.float32(2.0)
    noise = np.full((8, 8), -1e6, dtype=np.float32)
    try:
        y = pb.tensor(host, device=pb_device)
        w = pb.tensor(weights, device=pb_device)
        for step in range(CHAIN_LENGTH):
            y = y + 1  # the previous y is released while the add may still be queued
            if step % 10 == 0:
                pb.tensor(noise, device=pb_device)
        z = y @ w
    except pb.KernelNotFoundError as error:
        pytest.skip(f"queuing work needs float32 add and matmul kernels: {error}")
    expected = (host.astype(np.float64) + CHAIN_LENGTH) @ weights.astype(np.float64)
    np.testing.assert_array_equal(y.numpy(), host + CHAIN_LENGTH)
    np.testing.assert_array_equal(z.numpy(), expected.astype(np.float32))


def test_synchronize(pb_devices: list[pb.Device], pb_device: pb.Device) -> None:
    """``pb.synchronize`` waits for the device's queued work, and returns on every
    device, with or without work queued."""
    host = np.full(4096, 3.0, dtype=np.float32)
    try:
        x = pb.tensor(host, device=pb_device)
        for _ in range(20):
            x = x * 1
    except pb.KernelNotFoundError:
        x = pb.tensor(host, device=pb_device)
    pb.synchronize(pb_device)
    np.testing.assert_array_equal(x.numpy(), host)
    for device in pb_devices:
        pb.synchronize(device)


# Streams, events, memory ordering, non-blocking copies -----------------------------


def _queued_chain(device: pb.Device, steps: int = 50) -> tuple[pb.Tensor, np.ndarray]:
    """Work queued on the current stream (``x + 1`` repeated); the values it must give."""
    host = np.arange(1 << 16, dtype=np.float32)
    try:
        y = pb.tensor(host, device=device)
        for _ in range(steps):
            y = y + 1
    except pb.KernelNotFoundError as error:
        pytest.skip(f"queuing work needs a float32 add kernel: {error}")
    return y, host + steps


def test_streams_run_their_work_in_order(pb_device: pb.Device) -> None:
    """Work queued inside ``with pb.stream(s):`` runs in order on ``s``; after
    ``s.synchronize()`` the stream reports idle and the values are right."""
    s = pb.Stream(pb_device)
    with pb.stream(s):
        assert pb.current_stream(pb_device) == s
        y, expected = _queued_chain(pb_device)
    s.synchronize()
    assert s.query(), "the stream reports pending work after synchronize()"
    np.testing.assert_array_equal(y.numpy(), expected)


def test_events_order_streams_and_time_work(pb_device: pb.Device) -> None:
    """A stream that waits for an event recorded on another sees that stream's work
    done; a synchronized event reports complete; two timing events measure a
    non-negative time."""
    producer, consumer = pb.Stream(pb_device), pb.Stream(pb_device)
    start = pb.Event(enable_timing=True)
    with pb.stream(producer):
        start.record(producer)
        y, expected = _queued_chain(pb_device)
        done = pb.Event(enable_timing=True).record(producer)
    consumer.wait_event(done)
    with pb.stream(consumer):
        z = y + 0
    consumer.synchronize()
    done.synchronize()
    assert done.query(), "a synchronized event reports pending work"
    assert start.elapsed_time(done) >= 0.0
    np.testing.assert_array_equal(z.numpy(), expected)


def test_memory_freed_with_work_queued_is_not_reused_too_early(pb_device: pb.Device) -> None:
    """A tensor released while work that reads it is still queued keeps its memory
    until that work is done: new tensors of the same size, written from the host at
    once, must not change the result (stream-ordered frees)."""
    noise = np.full(1 << 16, -7.0, dtype=np.float32)
    s = pb.Stream(pb_device)
    with pb.stream(s):
        try:
            x = pb.tensor(np.ones(1 << 16, dtype=np.float32), device=pb_device)
            results = []
            for _ in range(20):
                results.append(x * 2)
                x = x + 1  # the old x is released with the multiply still queued
                pb.tensor(noise, device=pb_device)  # grabs a freed buffer, if any
        except pb.KernelNotFoundError as error:
            pytest.skip(f"needs float32 add and mul kernels: {error}")
    s.synchronize()
    for i, r in enumerate(results):
        np.testing.assert_array_equal(r.numpy(), np.full(1 << 16, 2.0 * (i + 1), np.float32))


def test_host_reads_wait_for_queued_work(pb_device: pb.Device) -> None:
    """``.numpy()``, ``.tolist()`` and ``.item()`` read the values of work queued just
    before, without an explicit synchronize."""
    y, expected = _queued_chain(pb_device, steps=20)
    assert y[0].item() == expected[0]
    np.testing.assert_array_equal(y.numpy(), expected)


def test_non_blocking_copies_give_the_values_once_read(pb_device: pb.Device) -> None:
    """``.to(device, non_blocking=True)`` both ways and ``copy_(non_blocking=True)``
    into a cpu tensor: reading the result on the host gives the right values."""
    host = np.arange(4096, dtype=np.float32)
    x = pb.tensor(host).to(pb_device, non_blocking=True)
    back = x.to("cpu", non_blocking=True)
    np.testing.assert_array_equal(back.numpy(), host)
    into = pb.zeros(4096)
    into.copy_(x, non_blocking=True)
    np.testing.assert_array_equal(into.numpy(), host)


def test_dlpack_device_is_reported_or_refused_clearly(pb_device: pb.Device) -> None:
    """``__dlpack_device__`` gives a (device type, id) pair, or raises a plugboard
    DeviceError that says to copy to the cpu; a host-memory device's tensors travel
    to NumPy and back without a copy."""
    x = pb.tensor(np.arange(16, dtype=np.int32), device=pb_device)
    try:
        device_type, device_id = x.__dlpack_device__()
    except pb.DeviceError as error:
        assert "cpu" in str(error)
        return
    assert isinstance(device_type, int) and isinstance(device_id, int)
    if device_type == 1:  # kDLCPU
        a = np.from_dlpack(x)
        np.testing.assert_array_equal(a, np.arange(16, dtype=np.int32))
        y = pb.from_dlpack(a)
        assert y.tolist() == list(range(16))


# Devices ----------------------------------------------------------------------------


def test_device_properties(pb_devices: list[pb.Device]) -> None:
    """Every device has properties: a non-empty name, total memory as an int >= 0, a
    driver string, and a non-empty tuple of plugboard dtypes that includes float32."""
    for device in pb_devices:
        props = pb.device_properties(device)
        assert isinstance(props.name, str) and props.name.strip(), (
            f"{device}: the name is {props.name!r}"
        )
        assert isinstance(props.total_memory, int) and not isinstance(props.total_memory, bool)
        assert props.total_memory >= 0, f"{device}: total_memory is {props.total_memory}"
        assert isinstance(props.driver, str), f"{device}: the driver is {props.driver!r}"
        assert isinstance(props.dtypes, tuple), (
            f"{device}: dtypes is a {type(props.dtypes).__name__}, not a tuple"
        )
        assert props.dtypes, f"{device}: no dtypes declared"
        assert all(isinstance(d, pb.DType) for d in props.dtypes), (
            f"{device}: dtypes holds {[type(d).__name__ for d in props.dtypes]}, "
            "not only plugboard dtypes"
        )
        assert pb.float32 in props.dtypes, f"{device}: float32 is not declared"


def test_device_strings(pb_device_type: str, pb_devices: list[pb.Device]) -> None:
    """The devices are TYPE:0 to TYPE:COUNT-1 and round-trip through their strings;
    creating a tensor on TYPE:COUNT raises a DeviceError that names the count."""
    devices = pb.devices(pb_device_type)
    count = len(devices)
    assert count >= 1
    assert [str(d) for d in devices] == [f"{pb_device_type}:{i}" for i in range(count)]
    assert devices == pb_devices
    for i, device in enumerate(devices):
        assert device.type == pb_device_type and device.index == i
        assert pb.device(str(device)) == device
        assert pb.device(pb_device_type, i) == device
    assert pb.device(pb_device_type) == devices[0]
    with pytest.raises(pb.DeviceError) as raised:
        pb.empty(1, device=f"{pb_device_type}:{count}")
    assert re.search(rf"\b{count}\b", str(raised.value)), (
        f"the error should name the device count ({count}): {raised.value}"
    )
