"""Kernels against NumPy: contiguous, strided, broadcast, Python numbers, every family."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard.library import Path, record_paths


def _on(device: pb.Device, array: np.ndarray) -> pb.Tensor:
    return pb.tensor(array, device=device)


def test_pointwise_variants(device: pb.Device) -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    b = np.linspace(1, 2, 4, dtype=np.float32)
    x, y = _on(device, a), _on(device, b)
    with record_paths() as records:
        np.testing.assert_allclose((x + y).numpy(), a + b)  # broadcast: strided kernel
        np.testing.assert_allclose((x.T * 2).numpy(), a.T * 2)  # transposed, a number
        np.testing.assert_allclose((3 - x).numpy(), 3 - a)  # a number first
    assert {device for _, device, _, _ in records} == {"opencl"}
    assert {path for op, _, path, _ in records if op in ("pb::add", "pb::mul", "pb::sub")} == {
        Path.NATIVE}


@pytest.mark.parametrize("dtype", [pb.int8, pb.int32, pb.int64, pb.float16, pb.bfloat16])
def test_integer_wrapping_and_reduced_floats(device: pb.Device, dtype: pb.DType) -> None:
    a = np.array([100, -100, 7, 0], dtype=dtype.numpy)
    x = _on(device, a)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal((x * x).numpy(), (a * a).astype(dtype.numpy))


def test_division_rounding_modes(device: pb.Device) -> None:
    a = np.array([7, -7, 7, -7], dtype=np.int32)
    b = np.array([2, 2, -2, -2], dtype=np.int32)
    x, y = _on(device, a), _on(device, b)
    np.testing.assert_array_equal(pb.div(x, y, rounding_mode="floor").numpy(), a // b)
    np.testing.assert_array_equal(pb.div(x, y, rounding_mode="trunc").numpy(), [3, -3, -3, 3])
    np.testing.assert_array_equal((x % y).numpy(), np.remainder(a, b))


def test_casts(device: pb.Device) -> None:
    a = np.array([-1.5, 0.0, 2.75, 65504.0], dtype=np.float64)
    x = _on(device, a)
    np.testing.assert_array_equal(x.to(pb.float16).numpy(), a.astype(np.float16))
    np.testing.assert_array_equal(x.to(pb.int32).numpy(), a.astype(np.int32))
    np.testing.assert_array_equal(x.to(pb.bool).numpy(), a.astype(bool))


def test_reductions(device: pb.Device) -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 5, 4)).astype(np.float32)
    x = _on(device, a)
    np.testing.assert_allclose(x.sum(dim=[0, 2]).numpy(), a.sum(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_array_equal(pb.amax(x, dim=[1]).numpy(), a.max(axis=1))
    np.testing.assert_array_equal(pb.argmax(x, dim=2).numpy(), a.argmax(axis=2))
    big = rng.standard_normal(1 << 18).astype(np.float32)  # the two-pass path
    np.testing.assert_allclose(_on(device, big).sum().item(), big.sum(dtype=np.float64),
                               rtol=1e-4)


def test_matmul_batched_and_transposed(device: pb.Device) -> None:
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 1, 40, 33)).astype(np.float32)
    b = rng.standard_normal((3, 33, 17)).astype(np.float32)
    np.testing.assert_allclose((_on(device, a) @ _on(device, b)).numpy(), a @ b, rtol=1e-4,
                               atol=1e-4)
    m = rng.standard_normal((33, 40)).astype(np.float32)
    np.testing.assert_allclose((_on(device, m).T @ _on(device, m)).numpy(), m.T @ m,
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_vector_path_edges(device: pb.Device, dtype: type) -> None:
    rng = np.random.default_rng(3)
    a = rng.standard_normal((13, 9)).astype(dtype)  # 13 rows: a partial block of 8
    b = rng.standard_normal((9, 48)).astype(dtype)
    np.testing.assert_allclose((_on(device, a) @ _on(device, b)).numpy(), a @ b, rtol=1e-5,
                               atol=1e-5)
    at = np.ascontiguousarray(a.T)  # a transposed view as the left operand
    np.testing.assert_allclose((_on(device, at).T @ _on(device, b)).numpy(), a @ b,
                               rtol=1e-5, atol=1e-5)


def test_creation(device: pb.Device) -> None:
    np.testing.assert_array_equal(pb.arange(2, 20, 3, device=device).numpy(),
                                  np.arange(2, 20, 3))
    np.testing.assert_array_equal(pb.full((2, 3), 1.5, device=device).numpy(),
                                  np.full((2, 3), 1.5, np.float32))


def test_shape_kernels(device: pb.Device) -> None:
    ops = pb.ops.pb
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = _on(device, a)
    np.testing.assert_array_equal(ops.flip(x, [0, 2]).numpy(), np.flip(a, (0, 2)))
    np.testing.assert_array_equal(pb.cat([x, x.to(pb.int32)], dim=1).numpy(),
                                  np.concatenate([a, a], 1))
    np.testing.assert_array_equal(ops.triu(x, 1).numpy(), np.triu(a, 1))
    index = np.array([[0, 3, 1, 0]] * 3)
    np.testing.assert_array_equal(ops.gather(x[0], 1, _on(device, index)).numpy(),
                                  np.take_along_axis(a[0], index, 1))
    added = ops.scatter_add(pb.zeros(3, 4, device=device), 1, _on(device, index),
                            pb.ones(3, 4, device=device))
    np.testing.assert_array_equal(added.numpy(), [[2, 1, 0, 1]] * 3)
    with pytest.raises(pb.IndexingError, match="out of bounds"):
        ops.gather(x[0], 1, _on(device, index * 2))


def test_sort_is_stable_with_nan_last(device: pb.Device) -> None:
    a = np.array([[3, 1, np.nan, 1, 2]], dtype=np.float32)
    values, indices = pb.ops.pb.sort(_on(device, a), 1)
    np.testing.assert_array_equal(indices.numpy(), [[1, 3, 4, 0, 2]])
    np.testing.assert_array_equal(values.numpy(), [[1, 1, 2, 3, np.nan]])
    values, indices = pb.ops.pb.topk(_on(device, a), 2, 1)
    np.testing.assert_array_equal(indices.numpy(), [[2, 0]])
    np.testing.assert_array_equal(values.numpy(), [[np.nan, 3]])


def test_index_put(device: pb.Device) -> None:
    a = np.arange(35, dtype=np.float32).reshape(5, 7)
    expected = a.copy()
    np.add.at(expected, (np.array([0, 0, 2]),), 1)
    x = _on(device, a)
    pb.ops.pb.index_put_(x, [_on(device, np.array([0, 0, 2]))], pb.ones(7, device=device),
                         True)
    np.testing.assert_array_equal(x.numpy(), expected)
    mask = a > 10
    expected[mask] = 0
    x[_on(device, mask)] = 0.0
    np.testing.assert_array_equal(x.numpy(), expected)


@pytest.mark.parametrize("dtype", [pb.float32, pb.float16])
def test_random_streams_match_the_cpu(device: pb.Device, dtype: pb.DType) -> None:
    draws = {}
    for where in (device, pb.device("cpu")):
        pb.manual_seed(7)
        draws[where.type] = (pb.ops.pb.rand((101,), dtype=dtype, device=where).numpy(),
                             pb.ops.pb.randn((101,), dtype=dtype, device=where).numpy(),
                             pb.ops.pb.randint(-3, 9, (101,), device=where).numpy())
    for ours, cpu in zip(draws["opencl"], draws["cpu"], strict=True):
        np.testing.assert_allclose(ours, cpu, rtol=1e-6)


def test_native_nn_kernels(device: pb.Device) -> None:
    a = np.random.default_rng(2).standard_normal((3, 257)).astype(np.float32)
    x = _on(device, a)
    with record_paths() as records:
        softmax = pb.softmax(x, dim=1).numpy()
        norm = pb.ops.pb.layer_norm(x, [257]).numpy()
    paths = {op: path for op, _, path, _ in records}
    assert paths["pb::softmax"] is Path.NATIVE and paths["pb::layer_norm"] is Path.NATIVE
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(softmax, e / e.sum(1, keepdims=True), rtol=1e-5, atol=1e-7)
    expected = (a - a.mean(1, keepdims=True)) / np.sqrt(a.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(norm, expected, rtol=1e-4, atol=1e-5)


def test_bool_and_negative_integer_powers(device: pb.Device) -> None:
    # bool ** True is x, ** False is True; integer negative exponents as PyTorch (0, +-1).
    x = _on(device, np.array([True, True, False, False]))
    assert (x ** True).tolist() == [True, True, False, False]
    assert (x ** False).tolist() == [True] * 4
    base = _on(device, np.array([2, -1, -1, 1, 0, 3], dtype=np.int16))
    exponent = _on(device, np.array([-1, -1, -2, -3, -1, 2], dtype=np.int16))
    assert (base ** exponent).tolist() == [0, -1, 1, 1, 0, 9]


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reductions_of_bool_are_the_cpus_error(device: pb.Device, name: str) -> None:
    a = np.array([[False, True, True], [True, False, False]])
    errors = []
    for where in (device, pb.device("cpu")):
        with pytest.raises(pb.DTypeError) as info:
            getattr(pb.ops.pb, name)(_on(where, a), 1)
        errors.append(str(info.value).splitlines()[0])
    assert errors[0] == errors[1]  # the meta function's, not a missing kernel


def test_add_and_sub_with_a_negative_alpha_in_unsigned_arithmetic(device: pb.Device) -> None:
    x = _on(device, np.array([3, 0, 200], dtype=np.uint8))
    y = _on(device, np.array([1, 1, 100], dtype=np.uint8))
    assert pb.add(x, y, alpha=-1).tolist() == [2, 255, 100]
    assert pb.sub(x, y, alpha=-1).tolist() == [4, 1, 44]
