"""DLPack: zero-copy sharing with NumPy and (where installed) PyTorch, both ways."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import plugboard as pb

DTYPES = [pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16, pb.bfloat16,
          pb.float32, pb.float64]
NUMPY_DTYPES = [d for d in DTYPES if d is not pb.bfloat16]  # NumPy's DLPack has no bfloat16


def _sample(dtype: pb.DType) -> pb.Tensor:
    # A strided view with an offset: DLPack carries strides and byte offsets.
    return pb.arange(12).to(dtype).reshape(3, 4)[1:, ::2]


@pytest.mark.parametrize("dtype", NUMPY_DTYPES, ids=str)
def test_numpy_reads_and_writes_a_plugboard_tensor(dtype: pb.DType) -> None:
    x = _sample(dtype)
    a = np.from_dlpack(x)
    assert a.shape == x.shape and a.dtype == dtype.numpy
    np.testing.assert_array_equal(a, x.numpy())
    a[0, 0] = 0
    assert x[0, 0].item() == 0  # the same memory


@pytest.mark.parametrize("dtype", NUMPY_DTYPES, ids=str)
def test_plugboard_reads_and_writes_a_numpy_array(dtype: pb.DType) -> None:
    base = np.arange(12).astype(dtype.numpy).reshape(3, 4)
    a = base[1:, ::2]
    x = pb.from_dlpack(a)
    assert x.dtype is dtype and x.shape == a.shape and x.stride() == (4, 2)
    x[0, 0] = 0
    assert base[1, 0] == 0


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_a_capsule_round_trips_every_dtype(dtype: pb.DType) -> None:
    x = _sample(dtype)
    y = pb.from_dlpack(x.__dlpack__())
    assert y.dtype is dtype and y.tolist() == x.tolist()
    assert pb.backend.device_buffer(y).handle.ctypes.data == (
        x.untyped_storage().handle.ctypes.data + x.storage_offset() * x.itemsize)


def test_imported_memory_outlives_its_producer_and_capsules_are_freed() -> None:
    a = np.arange(5.0)
    x = pb.from_dlpack(a)
    del a
    gc.collect()
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    capsule = pb.arange(3).__dlpack__()
    del capsule  # never consumed: its destructor frees the export
    gc.collect()


def test_dlpack_errors() -> None:
    assert pb.arange(3).__dlpack_device__() == (1, 0)
    with pytest.raises(pb.ArgumentError, match="__dlpack__"):
        pb.from_dlpack([1, 2, 3])
    x = pb.arange(3)
    capsule = x.__dlpack__()
    pb.from_dlpack(capsule)
    with pytest.raises(pb.ArgumentError, match="unused"):
        pb.from_dlpack(capsule)  # consumed already
    with pytest.raises(pb.ArgumentError, match="copy"):
        x.__dlpack__(copy=True)


def test_a_device_backend_without_dlpack_says_to_copy_first() -> None:
    if "opencl" not in {b.device_type for b in pb.backends() if b.available}:
        pytest.skip("no OpenCL device")
    with pytest.raises(pb.DeviceError, match="copy to the cpu first"):
        pb.ones(2, device="opencl").__dlpack__()


# PyTorch, where installed -------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_torch_and_plugboard_share_memory_both_ways(dtype: pb.DType) -> None:
    torch = pytest.importorskip("torch")
    x = _sample(dtype)
    t = torch.from_dlpack(x)
    assert tuple(t.shape) == x.shape and str(t.dtype) == f"torch.{dtype.name}"
    t[0, 0] = 0
    assert x[0, 0].item() == 0
    source = torch.ones(2, 3, dtype=getattr(torch, dtype.name))
    y = pb.from_dlpack(source)
    assert y.dtype is dtype
    y[1, 2] = 0
    assert source[1, 2].item() == 0
