"""Tests for tensors: creation, host access, metadata, copies, operators and the starter ops."""

from __future__ import annotations

import copy
import math
import operator
import pickle
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb

NP_OF = {
    pb.bool: np.dtype(np.bool_),
    pb.int8: np.dtype(np.int8),
    pb.uint8: np.dtype(np.uint8),
    pb.int16: np.dtype(np.int16),
    pb.int32: np.dtype(np.int32),
    pb.int64: np.dtype(np.int64),
    pb.float16: np.dtype(np.float16),
    pb.bfloat16: np.dtype(ml_dtypes.bfloat16),
    pb.float32: np.dtype(np.float32),
    pb.float64: np.dtype(np.float64),
}
FLOATS = (pb.float16, pb.bfloat16, pb.float32, pb.float64)
SIGNED_INTS = (pb.int8, pb.int16, pb.int32, pb.int64)
INTS = (pb.uint8, *SIGNED_INTS)


def tolerance(dtype: pb.DType) -> dict[str, float]:
    return {
        pb.float16: {"rtol": 2e-3, "atol": 2e-3},
        pb.bfloat16: {"rtol": 2e-2, "atol": 2e-2},
        pb.float32: {"rtol": 1e-6, "atol": 1e-6},
        pb.float64: {"rtol": 1e-12, "atol": 1e-12},
    }.get(dtype, {"rtol": 0, "atol": 0})


def assert_values(t: pb.Tensor, expected: Any, dtype: pb.DType | None = None) -> None:
    """``t`` has ``expected``'s shape and values (NaN where it has NaN), and ``dtype``."""
    expected = np.asarray(expected)
    if dtype is not None:
        assert t.dtype == dtype
    assert t.shape == expected.shape
    got = t.numpy()
    if t.dtype.is_floating_point:
        np.testing.assert_allclose(
            got.astype(np.float64), expected.astype(np.float64), equal_nan=True,
            **tolerance(t.dtype),
        )
    else:
        np.testing.assert_array_equal(got, expected)


# pb.tensor -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "dtype", "values"),
    [
        pytest.param([1.0, 2.0], pb.float32, [1.0, 2.0], id="floats"),
        pytest.param([[1.5], [2.5]], pb.float32, [[1.5], [2.5]], id="nested-floats"),
        pytest.param(2.5, pb.float32, 2.5, id="float"),
        pytest.param([1, 2, 3], pb.int64, [1, 2, 3], id="ints"),
        pytest.param(7, pb.int64, 7, id="int"),
        pytest.param([True, False], pb.bool, [True, False], id="bools"),
        pytest.param(True, pb.bool, True, id="bool"),
        pytest.param([1, 2.5], pb.float32, [1.0, 2.5], id="ints-and-floats"),
        pytest.param([True, 2], pb.int64, [1, 2], id="bools-and-ints"),
        pytest.param([], pb.float32, [], id="empty-list"),
        pytest.param([[], []], pb.float32, [[], []], id="empty-rows"),
        pytest.param((1, 2), pb.int64, [1, 2], id="tuple"),
        pytest.param([2**62, -(2**62)], pb.int64, [2**62, -(2**62)], id="big-ints"),
        pytest.param(np.array([1, 2], dtype=np.int16), pb.int16, [1, 2], id="numpy-int16"),
        pytest.param(np.array([1.0], dtype=np.float64), pb.float64, [1.0], id="numpy-float64"),
        pytest.param(np.array([1, 0], dtype=np.uint8), pb.uint8, [1, 0], id="numpy-uint8"),
        pytest.param(np.array([True]), pb.bool, [True], id="numpy-bool"),
        pytest.param(np.zeros((1, 2), dtype=np.float16), pb.float16, [[0.0, 0.0]],
                     id="numpy-float16"),
        pytest.param(np.ones(2, dtype=ml_dtypes.bfloat16), pb.bfloat16, [1.0, 1.0],
                     id="numpy-bfloat16"),
        pytest.param(np.float64(2.0), pb.float64, 2.0, id="numpy-scalar"),
        pytest.param([pb.tensor(1.0), pb.tensor(2.0)], pb.float32, [1.0, 2.0],
                     id="list-of-0d-tensors"),
        pytest.param(pb.tensor([1, 2], dtype=pb.int8), pb.int8, [1, 2], id="tensor"),
    ],
)
def test_tensor_infers_dtype(data: Any, dtype: pb.DType, values: Any) -> None:
    x = pb.tensor(data)
    assert x.dtype == dtype
    assert x.shape == np.shape(values)
    assert x.device == pb.device("cpu")
    assert x.tolist() == values


@pytest.mark.parametrize(
    ("data", "dtype", "expected"),
    [
        ([1, 2], pb.float32, [1.0, 2.0]),
        ([1.5, -2.5], pb.bfloat16, [1.5, -2.5]),
        ([1, 2], pb.bfloat16, [1.0, 2.0]),
        ([1.5, 65504.0], pb.float16, [1.5, 65504.0]),
        ([1, 2], "float16", [1.0, 2.0]),
        ([1.7, -1.7], pb.int64, [1, -1]),
        ([0, 3], pb.bool, [False, True]),
        ([True, False], pb.int8, [1, 0]),
        ([-128, 127], pb.int8, [-128, 127]),
        ([0, 255], pb.uint8, [0, 255]),
        ([1.0], pb.float64, [1.0]),
        (np.array([1, 2], dtype=np.int64), pb.float32, [1.0, 2.0]),
    ],
)
def test_tensor_with_dtype(data: Any, dtype: Any, expected: list) -> None:
    x = pb.tensor(data, dtype=dtype)
    want = pb.float16 if dtype == "float16" else dtype
    assert x.dtype == want
    assert x.tolist() == expected
    assert all(type(v) is type(expected[0]) for v in x.tolist())


def test_tensor_copies_its_data() -> None:
    a = np.array([1.0, 2.0], dtype=np.float32)
    x = pb.tensor(a)
    a[0] = 100.0
    assert x.tolist() == [1.0, 2.0]
    y = pb.tensor(x)
    x[1] = 5.0
    assert y.tolist() == [1.0, 2.0]
    assert y.untyped_storage() is not x.untyped_storage()


@pytest.mark.parametrize("data", [[[1, 2], [3]], [[1.0], [2.0, 3.0]], [1, [2, 3]], [[[1]], [2]]])
def test_ragged_lists_raise_shape_error(data: Any) -> None:
    with pytest.raises(pb.ShapeError, match="rectangular"):
        pb.tensor(data)


@pytest.mark.parametrize("data", [["a"], "abc", [1, "2"], [None], [[1.0], ["x"]], [object()]])
def test_non_numbers_raise_dtype_error(data: Any) -> None:
    with pytest.raises(pb.DTypeError) as info:
        pb.tensor(data)
    assert isinstance(info.value, TypeError)
    assert "bool, int and float" in str(info.value)


@pytest.mark.parametrize(
    ("data", "dtype", "fragment"),
    [
        ([300], pb.int8, "int8"),
        ([-129], pb.int8, "int8"),
        ([-1], pb.uint8, "uint8"),
        ([256], pb.uint8, "uint8"),
        ([40000], pb.int16, "int16"),
        ([2**31], pb.int32, "int32"),
        ([2**63], None, "int64"),
        ([-(2**63) - 1], None, "int64"),
        ([2**70], None, "int64"),
    ],
)
def test_integers_that_do_not_fit_raise(data: list, dtype: pb.DType | None, fragment: str) -> None:
    with pytest.raises(pb.DTypeError) as info:
        pb.tensor(data, dtype=dtype)
    assert fragment in str(info.value)
    assert "Fix" in str(info.value)


@pytest.mark.parametrize("value", [1e30, -1e30, float("inf"), float("nan")])
def test_floats_that_do_not_fit_an_integer_dtype_raise(value: float) -> None:
    with pytest.raises(pb.DTypeError, match="int64"):
        pb.tensor([value], dtype=pb.int64)


# from_numpy and asarray ------------------------------------------------------------------


def test_from_numpy_shares_memory_both_ways() -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = pb.from_numpy(a)
    assert (x.shape, x.stride(), x.storage_offset()) == ((2, 3), (3, 1), 0)
    a[0, 0] = 100.0
    assert x[0, 0].item() == 100.0
    x[1, 2] = -1.0
    assert a[1, 2] == -1.0
    x += 1
    np.testing.assert_array_equal(a, [[101.0, 2.0, 3.0], [4.0, 5.0, 0.0]])
    assert np.shares_memory(x.numpy(), a)


@pytest.mark.parametrize(
    ("make", "stride"),
    [
        pytest.param(lambda: np.arange(6, dtype=np.float32).reshape(2, 3).T, (1, 3),
                     id="transposed"),
        pytest.param(lambda: np.arange(12, dtype=np.int64).reshape(3, 4)[:, ::2], (4, 2),
                     id="stepped"),
        pytest.param(lambda: np.arange(12, dtype=np.int16).reshape(3, 4)[1:, 1:3], (4, 1),
                     id="offset-window"),
        pytest.param(lambda: np.asfortranarray(np.arange(6.0).reshape(2, 3)), (1, 2),
                     id="fortran"),
        pytest.param(lambda: np.broadcast_to(np.arange(3.0), (2, 3)), (0, 1), id="broadcast"),
    ],
)
def test_from_numpy_keeps_strides_and_shares_non_contiguous_arrays(
    make: Callable[[], np.ndarray], stride: tuple[int, ...]
) -> None:
    a = make()
    x = pb.from_numpy(a)
    assert x.shape == a.shape
    assert x.stride() == stride
    assert x.dtype == pb.tensor(a).dtype
    np.testing.assert_array_equal(x.numpy(), a)
    assert np.shares_memory(x.numpy(), a)
    if a.flags.writeable:
        a[(0,) * a.ndim] = 99
        assert x[(0,) * a.ndim].item() == 99
        x[(-1,) * a.ndim] = -7
        assert a[(-1,) * a.ndim] == -7


def test_from_numpy_of_a_transposed_array_is_not_contiguous() -> None:
    a = np.zeros((2, 3), dtype=np.float32)
    x = pb.from_numpy(a.T)
    assert not x.is_contiguous()
    c = x.contiguous()
    assert c.is_contiguous()
    np.testing.assert_array_equal(c.numpy(), a.T)


@pytest.mark.parametrize("dtype", list(NP_OF))
def test_from_numpy_keeps_every_dtype(dtype: pb.DType) -> None:
    a = np.array([0, 1, 1], dtype=NP_OF[dtype])
    x = pb.from_numpy(a)
    assert x.dtype == dtype
    assert x.tolist() == a.astype(np.float64 if dtype.is_floating_point else a.dtype).tolist()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: np.arange(4.0)[::-1], id="reversed"),
        pytest.param(lambda: np.arange(6.0).reshape(2, 3)[:, ::-1], id="reversed-inner"),
        pytest.param(
            lambda: np.lib.stride_tricks.as_strided(np.zeros(8, np.float32), (2,), (6,)),
            id="misaligned-stride",
        ),
    ],
)
def test_from_numpy_rejects_negative_or_misaligned_strides(make: Callable[[], np.ndarray]) -> None:
    with pytest.raises(pb.ShapeError) as info:
        pb.from_numpy(make())
    assert isinstance(info.value, ValueError)
    assert "strides" in str(info.value)
    assert "copy()" in str(info.value)


@pytest.mark.parametrize("data", [[1, 2], 3.0, pb.tensor([1.0])])
def test_from_numpy_rejects_other_data(data: Any) -> None:
    with pytest.raises(pb.ArgumentError, match="numpy.ndarray"):
        pb.from_numpy(data)


@pytest.mark.parametrize("dtype", [np.complex64, np.uint16, object])
def test_from_numpy_rejects_unsupported_dtypes(dtype: Any) -> None:
    with pytest.raises(pb.DTypeError, match="not supported"):
        pb.from_numpy(np.zeros(2, dtype=dtype))


def test_from_numpy_of_0d_and_empty_arrays() -> None:
    s = pb.from_numpy(np.array(3.5))
    assert s.shape == ()
    assert s.item() == 3.5
    e = pb.from_numpy(np.zeros((0, 3), dtype=np.int32))
    assert e.shape == (0, 3)
    assert e.dtype == pb.int32
    assert e.tolist() == []


@pytest.mark.parametrize(("copy_", "shares"), [(None, True), (False, True), (True, False)])
def test_asarray_of_an_array(copy_: bool | None, shares: bool) -> None:
    a = np.arange(3, dtype=np.float32)
    x = pb.asarray(a, copy=copy_)
    assert x.dtype == pb.float32
    assert np.shares_memory(x.numpy(), a) is shares
    a[0] = 10.0
    assert x[0].item() == (10.0 if shares else 0.0)


@pytest.mark.parametrize(("copy_", "same"), [(None, True), (False, True), (True, False)])
def test_asarray_of_a_tensor(copy_: bool | None, same: bool) -> None:
    x = pb.tensor([1.0, 2.0])
    y = pb.asarray(x, copy=copy_)
    assert (y is x) is same
    assert (y.untyped_storage() is x.untyped_storage()) is same
    assert y.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("copy_", [None, True])
def test_asarray_copies_when_it_must(copy_: bool | None) -> None:
    a = np.arange(3, dtype=np.int64)
    x = pb.asarray(a, dtype=pb.float32, copy=copy_)
    assert x.dtype == pb.float32
    assert not np.shares_memory(x.numpy(), a)
    r = pb.asarray(a[::-1], copy=copy_)
    assert r.tolist() == [2, 1, 0]
    t = pb.asarray(pb.tensor([1, 2]), dtype=pb.float64, copy=copy_)
    assert t.dtype == pb.float64
    assert t.tolist() == [1.0, 2.0]
    lst = pb.asarray([1, 2], copy=copy_)
    assert lst.dtype == pb.int64


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: pb.asarray([1, 2], copy=False), id="list"),
        pytest.param(lambda: pb.asarray(np.arange(3), dtype=pb.float32, copy=False),
                     id="array-other-dtype"),
        pytest.param(lambda: pb.asarray(np.arange(3)[::-1], copy=False), id="reversed-array"),
        pytest.param(lambda: pb.asarray(pb.tensor([1]), dtype=pb.float32, copy=False),
                     id="tensor-other-dtype"),
    ],
)
def test_asarray_without_copy_raises_when_a_copy_is_needed(make: Callable[[], Any]) -> None:
    # The array API (and NumPy) raise ValueError when copy=False cannot be honoured.
    with pytest.raises(pb.PlugboardError) as info:
        make()
    assert isinstance(info.value, ValueError)


# Host access ---------------------------------------------------------------------------


def test_numpy_shares_memory_with_the_tensor() -> None:
    x = pb.tensor([[1, 2], [3, 4]], dtype=pb.int32)
    a = x.numpy()
    assert a.dtype == np.int32
    assert a.shape == (2, 2)
    a[0, 0] = 7
    assert x[0, 0].item() == 7
    t = x.mT.numpy()
    assert t.tolist() == [[7, 3], [2, 4]]
    assert np.shares_memory(t, a)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (pb.tensor([[1.5, 2.0]]), [[1.5, 2.0]]),
        (pb.tensor([1, 2], dtype=pb.int8), [1, 2]),
        (pb.tensor([True, False]), [True, False]),
        (pb.tensor(3), 3),
        (pb.tensor([0.5], dtype=pb.bfloat16), [0.5]),
        (pb.tensor([0.5], dtype=pb.float16), [0.5]),
        (pb.zeros(0, 2), []),
        (pb.tensor([[1, 2], [3, 4]]).mT, [[1, 3], [2, 4]]),
    ],
)
def test_tolist_gives_python_numbers(x: pb.Tensor, expected: Any) -> None:
    got = x.tolist()
    assert got == expected
    kind = float if x.dtype.is_floating_point else bool if x.dtype == pb.bool else int
    leaves = np.asarray(got, dtype=object).reshape(-1).tolist() if x.numel() else []
    assert all(type(v) is kind for v in leaves)


@pytest.mark.parametrize(
    ("x", "value", "kind"),
    [
        (pb.tensor(2.5), 2.5, float),
        (pb.tensor([[7]]), 7, int),
        (pb.tensor([True]), True, bool),
        (pb.tensor([1.5], dtype=pb.bfloat16), 1.5, float),
        (pb.tensor([1.5], dtype=pb.float16), 1.5, float),
        (pb.tensor([-3], dtype=pb.int8), -3, int),
    ],
)
def test_item(x: pb.Tensor, value: Any, kind: type) -> None:
    assert x.item() == value
    assert type(x.item()) is kind


@pytest.mark.parametrize("x", [pb.tensor([1.0, 2.0]), pb.zeros(0), pb.zeros(2, 3)])
def test_item_needs_one_element(x: pb.Tensor) -> None:
    with pytest.raises(pb.ShapeError, match="one element"):
        x.item()


def test_array_protocol() -> None:
    x = pb.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(x)
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [[1.0, 2.0], [3.0, 4.0]])
    assert np.shares_memory(a, x.numpy())
    d = np.asarray(x, dtype=np.float64)
    assert d.dtype == np.float64
    c = np.array(x, copy=True)
    assert not np.shares_memory(c, x.numpy())
    np.testing.assert_array_equal(np.add(x, 1), [[2.0, 3.0], [4.0, 5.0]])


@pytest.mark.parametrize(
    ("x", "fragments"),
    [
        (pb.tensor([1.5, 2.0]), ["1.5", "2.", "dtype=pb.float32", "device='cpu:0'"]),
        (pb.tensor([[1, 2], [3, 4]]), ["[[1, 2],", "[3, 4]]", "dtype=pb.int64"]),
        (pb.tensor(True), ["True", "dtype=pb.bool"]),
        (pb.tensor([0.5], dtype=pb.bfloat16), ["0.5", "dtype=pb.bfloat16"]),
    ],
)
def test_repr_shows_values_dtype_and_device(x: pb.Tensor, fragments: list[str]) -> None:
    text = repr(x)
    assert text.startswith("tensor(")
    for fragment in fragments:
        assert fragment in text


def test_repr_prints_four_decimals_as_pytorch() -> None:
    x = pb.tensor([0.123456789, 2.0])
    assert repr(x).startswith("tensor([0.1235, 2.0000]")
    assert x.tolist()[0] == pytest.approx(0.123456789)  # only the printing rounds


def test_len_iter_and_bool() -> None:
    x = pb.tensor([[1, 2], [3, 4], [5, 6]])
    assert len(x) == 3
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4], [5, 6]]
    assert [r.tolist() for r in x[0]] == [1, 2]
    assert bool(pb.tensor([1.0])) is True
    assert bool(pb.tensor(0)) is False
    assert bool(pb.tensor([[False]])) is False
    assert int(pb.tensor(3.7)) == 3
    assert float(pb.tensor(2)) == 2.0
    assert [10, 20, 30][pb.tensor(1)] == 20


@pytest.mark.parametrize("x", [pb.tensor([1.0, 2.0]), pb.zeros(0), pb.zeros(2, 2)])
def test_bool_of_several_or_no_elements_raises(x: pb.Tensor) -> None:
    with pytest.raises(pb.ShapeError, match="ambiguous"):
        bool(x)


def test_0d_tensors_have_no_len_or_iter() -> None:
    with pytest.raises(TypeError):
        len(pb.tensor(1.0))
    with pytest.raises(TypeError):
        iter(pb.tensor(1.0))


def test_float_tensor_is_not_an_index() -> None:
    with pytest.raises(TypeError):
        [1, 2][pb.tensor(1.0)]


# Copies and conversions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("convert", "dtype", "expected"),
    [
        (lambda x: x.to(pb.int32), pb.int32, [[1, -2], [3, 4]]),
        (lambda x: x.to("float64"), pb.float64, [[1.5, -2.5], [3.0, 4.0]]),
        (lambda x: x.to(dtype=pb.float16), pb.float16, [[1.5, -2.5], [3.0, 4.0]]),
        (lambda x: x.to("cpu", pb.int64), pb.int64, [[1, -2], [3, 4]]),
        (lambda x: x.to(pb.bool), pb.bool, [[True, True], [True, True]]),
        (lambda x: x.to(pb.tensor([1], dtype=pb.int8)), pb.int8, [[1, -2], [3, 4]]),
    ],
)
def test_to_dtype_converts_into_a_new_tensor(
    convert: Callable[[pb.Tensor], pb.Tensor], dtype: pb.DType, expected: list
) -> None:
    x = pb.tensor([[1.5, -2.5], [3.0, 4.0]])
    y = convert(x)
    assert y.dtype == dtype
    assert y.tolist() == expected
    assert y.untyped_storage() is not x.untyped_storage()
    assert x.dtype == pb.float32


@pytest.mark.parametrize(
    "convert",
    [
        lambda x: x.to("cpu"),
        lambda x: x.to(pb.device("cpu:0")),
        lambda x: x.to(pb.float32),
        lambda x: x.to("cpu", pb.float32),
        lambda x: x.cpu(),
        lambda x: x.to(x),
    ],
)
def test_to_without_change_returns_the_same_tensor(
    convert: Callable[[pb.Tensor], pb.Tensor],
) -> None:
    x = pb.tensor([1.0, 2.0])
    assert convert(x) is x


def test_to_with_copy_copies() -> None:
    x = pb.tensor([1.0, 2.0])
    y = x.to("cpu", copy=True)
    assert y is not x
    assert y.untyped_storage() is not x.untyped_storage()
    assert y.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("clone", [lambda x: x.clone(), pb.clone])
def test_clone_is_an_independent_contiguous_copy(clone: Callable[[pb.Tensor], pb.Tensor]) -> None:
    x = pb.tensor([[1, 2, 3], [4, 5, 6]]).mT
    c = clone(x)
    assert c.untyped_storage() is not x.untyped_storage()
    assert c.tolist() == [[1, 4], [2, 5], [3, 6]]
    assert c.dtype == x.dtype
    assert c.is_contiguous()
    c[0, 0] = 100
    assert x[0, 0].item() == 1


def test_contiguous() -> None:
    x = pb.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.contiguous() is x
    assert pb.contiguous(x) is x
    t = x.mT
    assert not t.is_contiguous()
    c = t.contiguous()
    assert c is not t
    assert c.is_contiguous()
    assert c.stride() == (2, 1)
    assert c.storage_offset() == 0
    assert c.untyped_storage() is not x.untyped_storage()
    assert c.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]


@pytest.mark.parametrize(
    ("make", "contiguous"),
    [
        (lambda: pb.zeros(2, 3), True),
        (lambda: pb.zeros(2, 3).mT, False),
        (lambda: pb.zeros(2, 3)[:, ::2], False),
        (lambda: pb.zeros(2, 3)[1:], True),
        (lambda: pb.zeros(2, 3)[:, 1:], False),
        (lambda: pb.zeros(3, 1).mT, True),
        (lambda: pb.zeros(0, 3).mT, True),
        (lambda: pb.zeros(3).expand(2, 3), False),
        (lambda: pb.zeros(1, 3).expand(1, 3), True),
        (lambda: pb.tensor(1.0), True),
    ],
)
def test_is_contiguous(make: Callable[[], pb.Tensor], contiguous: bool) -> None:
    assert make().is_contiguous() is contiguous


@pytest.mark.parametrize(
    ("x", "numel", "ndim", "shape", "stride", "itemsize"),
    [
        (pb.zeros(2, 3, 4), 24, 3, (2, 3, 4), (12, 4, 1), 4),
        (pb.zeros(2, 3, dtype=pb.float64).mT, 6, 2, (3, 2), (1, 3), 8),
        (pb.tensor(1, dtype=pb.int16), 1, 0, (), (), 2),
        (pb.zeros(0, 5, dtype=pb.bool), 0, 2, (0, 5), (5, 1), 1),
        (pb.zeros(4, dtype=pb.bfloat16), 4, 1, (4,), (1,), 2),
    ],
)
def test_metadata(
    x: pb.Tensor, numel: int, ndim: int, shape: tuple[int, ...], stride: tuple[int, ...],
    itemsize: int,
) -> None:
    assert x.numel() == numel
    assert x.ndim == ndim
    assert x.dim() == ndim
    assert x.shape == shape
    assert x.size() == shape
    assert x.stride() == stride
    assert x.element_size() == itemsize
    assert x.itemsize == itemsize
    assert x.nbytes == numel * itemsize
    for d in range(ndim):
        assert x.size(d) == shape[d]
        assert x.size(d - ndim) == shape[d]
        assert x.stride(d) == stride[d]
        assert x.stride(d - ndim) == stride[d]


@pytest.mark.parametrize("dim", [3, -4])
def test_size_of_a_missing_dim_raises(dim: int) -> None:
    x = pb.zeros(2, 3, 4)
    with pytest.raises(pb.ShapeError, match="out of range"):
        x.size(dim)
    with pytest.raises(pb.ShapeError, match="out of range"):
        x.stride(dim)


def test_tensor_is_not_constructible_directly() -> None:
    with pytest.raises(TypeError, match="pb.tensor"):
        pb.Tensor([1.0])


@pytest.mark.parametrize(
    "x",
    [
        pb.tensor([[1.5, -2.0], [3.0, 4.0]]),
        pb.tensor([1, 2, 3], dtype=pb.int8),
        pb.tensor([True, False]),
        pb.tensor(7),
        pb.tensor([0.5, 1.5], dtype=pb.bfloat16),
        pb.tensor([[1, 2, 3], [4, 5, 6]], dtype=pb.int16).mT,
        pb.zeros(0, 2),
    ],
)
def test_pickle_round_trip(x: pb.Tensor) -> None:
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x)):
        assert y is not x
        assert y.dtype == x.dtype
        assert y.shape == x.shape
        assert y.device == x.device
        assert y.tolist() == x.tolist()
        assert y.untyped_storage() is not x.untyped_storage()


# Python operators ------------------------------------------------------------------------

F_A = np.array([[-1.5, 2.0, 3.25], [0.5, -4.0, 7.0]], dtype=np.float32)
F_B = np.array([[2.0, 2.0, 0.5], [4.0, -4.0, -1.0]], dtype=np.float32)
I_A = np.array([[-7, 5, 3], [2, -4, 9]], dtype=np.int64)
I_B = np.array([[2, 5, 4], [-5, -4, 7]], dtype=np.int64)
INPUTS = {pb.float32: (F_A, F_B), pb.int64: (I_A, I_B)}


def _f32(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32)


# name, python operator, NumPy reference, result dtype ("same", "float" or "bool"), dtypes
BINARY = [
    ("add", operator.add, np.add, "same", (pb.float32, pb.int64)),
    ("sub", operator.sub, np.subtract, "same", (pb.float32, pb.int64)),
    ("mul", operator.mul, np.multiply, "same", (pb.float32, pb.int64)),
    ("truediv", operator.truediv, lambda a, b: _f32(a) / _f32(b), "float",
     (pb.float32, pb.int64)),
    ("floordiv", operator.floordiv, np.floor_divide, "same", (pb.float32, pb.int64)),
    ("mod", operator.mod, np.remainder, "same", (pb.float32, pb.int64)),
    ("eq", operator.eq, np.equal, "bool", (pb.float32, pb.int64)),
    ("ne", operator.ne, np.not_equal, "bool", (pb.float32, pb.int64)),
    ("lt", operator.lt, np.less, "bool", (pb.float32, pb.int64)),
    ("le", operator.le, np.less_equal, "bool", (pb.float32, pb.int64)),
    ("gt", operator.gt, np.greater, "bool", (pb.float32, pb.int64)),
    ("ge", operator.ge, np.greater_equal, "bool", (pb.float32, pb.int64)),
    ("and", operator.and_, np.bitwise_and, "same", (pb.int64,)),
    ("or", operator.or_, np.bitwise_or, "same", (pb.int64,)),
    ("xor", operator.xor, np.bitwise_xor, "same", (pb.int64,)),
]


def _result_dtype(rule: str, dtype: pb.DType) -> pb.DType:
    return {"same": dtype, "float": pb.float32, "bool": pb.bool}[rule]


@pytest.mark.parametrize(
    ("op", "ref", "rule", "dtype"),
    [
        pytest.param(op, ref, rule, dtype, id=f"{name}-{dtype}")
        for name, op, ref, rule, dtypes in BINARY
        for dtype in dtypes
    ],
)
def test_binary_operators_match_numpy(
    op: Callable[..., Any], ref: Callable[..., Any], rule: str, dtype: pb.DType
) -> None:
    a, b = INPUTS[dtype]
    x, y = pb.tensor(a), pb.tensor(b)
    result = op(x, y)
    assert isinstance(result, pb.Tensor)
    assert_values(result, ref(a, b), _result_dtype(rule, dtype))
    # Broadcasting a row, and a Python number on the right.
    assert_values(op(x, y[1]), ref(a, b[1]), _result_dtype(rule, dtype))
    scalar = b[1, 0].item()
    assert_values(op(x, scalar), ref(a, b.dtype.type(scalar)), _result_dtype(rule, dtype))
    # The inputs are untouched.
    np.testing.assert_array_equal(x.numpy(), a)
    np.testing.assert_array_equal(y.numpy(), b)


@pytest.mark.parametrize("dtype", [pb.float32, pb.int64])
def test_pow_matches_numpy(dtype: pb.DType) -> None:
    a = np.array([[0.5, 2.0, 3.0], [1.0, 4.0, 10.0]]).astype(NP_OF[dtype])
    e = np.array([[2, 3, 0], [5, 1, 2]]).astype(NP_OF[dtype])
    assert_values(pb.tensor(a) ** pb.tensor(e), np.power(a, e), dtype)
    assert_values(pb.tensor(a) ** 2, np.power(a, NP_OF[dtype].type(2)), dtype)
    assert_values(pb.pow(pb.tensor(a), pb.tensor(e)), np.power(a, e), dtype)


def test_float_pow_with_negative_and_fractional_exponents() -> None:
    assert_values(pb.tensor([4.0, 2.0]) ** -1, [0.25, 0.5], pb.float32)
    assert_values(pb.tensor([4.0, 9.0]) ** 0.5, [2.0, 3.0], pb.float32)
    assert_values(pb.tensor([2, 4]) ** 0.5, [math.sqrt(2), 2.0], pb.float32)


def test_integer_to_a_negative_python_integer_power_raises() -> None:
    # As PyTorch; a negative exponent tensor computes (2 ** -1 is 0, see test_ops_elementwise).
    with pytest.raises(pb.DTypeError, match="negative"):
        pb.tensor([2, 3]) ** -1
    assert (pb.tensor([2, 3]) ** pb.tensor([1, -2])).tolist() == [2, 0]


@pytest.mark.parametrize("dtype", [pb.float32, pb.int64])
def test_matmul_operator_matches_numpy(dtype: pb.DType) -> None:
    a, b = INPUTS[dtype]
    assert_values(pb.tensor(a) @ pb.tensor(b).mT, a @ b.T, dtype)
    assert_values(pb.tensor(a).mT @ pb.tensor(b), a.T @ b, dtype)


@pytest.mark.parametrize(
    ("op", "ref", "dtypes"),
    [
        pytest.param(operator.neg, np.negative, (pb.float32, pb.int64), id="neg"),
        pytest.param(abs, np.abs, (pb.float32, pb.int64), id="abs"),
        pytest.param(operator.invert, np.invert, (pb.int64,), id="invert"),
        pytest.param(operator.pos, lambda a: a, (pb.float32, pb.int64), id="pos"),
    ],
)
def test_unary_operators_match_numpy(
    op: Callable[..., Any], ref: Callable[..., Any], dtypes: tuple[pb.DType, ...]
) -> None:
    for dtype in dtypes:
        a = INPUTS[dtype][0]
        x = pb.tensor(a)
        assert_values(op(x), ref(a), dtype)
        np.testing.assert_array_equal(x.numpy(), a)


def test_invert_of_bool_is_logical_not() -> None:
    assert (~pb.tensor([True, False])).tolist() == [False, True]


@pytest.mark.parametrize(
    ("op", "dtype"),
    [
        (operator.and_, pb.float32),
        (operator.or_, pb.float32),
        (operator.xor, pb.float32),
        (operator.invert, pb.float32),
        (operator.neg, pb.bool),
        (operator.sub, pb.bool),
    ],
)
def test_operators_reject_dtypes_they_do_not_support(op: Callable[..., Any], dtype: Any) -> None:
    x = pb.tensor([1, 0]).to(dtype)
    args = (x,) if op in (operator.invert, operator.neg) else (x, x)
    with pytest.raises(pb.DTypeError) as info:
        op(*args)
    assert "Fix" in str(info.value)


P_F = np.array([[0.5, 1.0, 2.0], [3.0, 4.0, 8.0]], dtype=np.float32)
P_I = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)

REFLECTED = [
    ("3+x", lambda x: 3 + x, lambda a: a.dtype.type(3) + a, "same", (pb.float32, pb.int64)),
    ("2-x", lambda x: 2 - x, lambda a: a.dtype.type(2) - a, "same", (pb.float32, pb.int64)),
    ("3*x", lambda x: 3 * x, lambda a: a.dtype.type(3) * a, "same", (pb.float32, pb.int64)),
    ("2/x", lambda x: 2 / x, lambda a: np.float32(2) / _f32(a), "float", (pb.float32, pb.int64)),
    ("7//x", lambda x: 7 // x, lambda a: np.floor_divide(a.dtype.type(7), a), "same",
     (pb.float32, pb.int64)),
    ("7%x", lambda x: 7 % x, lambda a: np.remainder(a.dtype.type(7), a), "same",
     (pb.float32, pb.int64)),
    ("2**x", lambda x: 2**x, lambda a: np.power(a.dtype.type(2), a), "same",
     (pb.float32, pb.int64)),
    ("1&x", lambda x: 1 & x, lambda a: np.bitwise_and(1, a), "same", (pb.int64,)),
    ("6|x", lambda x: 6 | x, lambda a: np.bitwise_or(6, a), "same", (pb.int64,)),
    ("5^x", lambda x: 5 ^ x, lambda a: np.bitwise_xor(5, a), "same", (pb.int64,)),
    ("2.5-x", lambda x: 2.5 - x, lambda a: np.float32(2.5) - _f32(a), "float",
     (pb.float32, pb.int64)),
    ("True*x", lambda x: True * x, lambda a: a, "same", (pb.float32, pb.int64)),
]


@pytest.mark.parametrize(
    ("op", "ref", "rule", "dtype"),
    [
        pytest.param(op, ref, rule, dtype, id=f"{name}-{dtype}")
        for name, op, ref, rule, dtypes in REFLECTED
        for dtype in dtypes
    ],
)
def test_reflected_operators_match_numpy(
    op: Callable[..., Any], ref: Callable[..., Any], rule: str, dtype: pb.DType
) -> None:
    a = P_F if dtype == pb.float32 else P_I
    result = op(pb.tensor(a))
    assert isinstance(result, pb.Tensor)
    assert_values(result, ref(a), _result_dtype(rule, dtype))


@pytest.mark.parametrize(
    "scalar", [np.float32(2.0), np.int64(2), np.float64(2.0), np.bool_(True)]
)
def test_numpy_scalars_on_either_side_give_tensors(scalar: Any) -> None:
    x = pb.tensor([1.0, 2.0])
    for result in (x * scalar, scalar * x, x + scalar, scalar + x):
        assert isinstance(result, pb.Tensor)
        assert result.dtype == pb.float32
    if isinstance(scalar, np.bool_):
        with pytest.raises(pb.DTypeError, match="bool"):
            scalar - x  # subtraction with a bool is refused, as in PyTorch
        return
    assert (scalar - x).tolist() == [float(scalar) - 1.0, float(scalar) - 2.0]
    assert (x - scalar).dtype == pb.float32


def test_operators_with_unsupported_operands_raise_type_error() -> None:
    x = pb.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        [1.0, 2.0] - x
    with pytest.raises(TypeError):
        x * None


INPLACE = [
    ("+=", operator.iadd, np.add, (pb.float32, pb.int64)),
    ("-=", operator.isub, np.subtract, (pb.float32, pb.int64)),
    ("*=", operator.imul, np.multiply, (pb.float32, pb.int64)),
    ("/=", operator.itruediv, np.true_divide, (pb.float32,)),
    ("//=", operator.ifloordiv, np.floor_divide, (pb.float32, pb.int64)),
    ("%=", operator.imod, np.remainder, (pb.float32, pb.int64)),
    ("&=", operator.iand, np.bitwise_and, (pb.int64,)),
    ("|=", operator.ior, np.bitwise_or, (pb.int64,)),
    ("^=", operator.ixor, np.bitwise_xor, (pb.int64,)),
]


@pytest.mark.parametrize(
    ("op", "ref", "dtype"),
    [
        pytest.param(op, ref, dtype, id=f"{name}-{dtype}")
        for name, op, ref, dtypes in INPLACE
        for dtype in dtypes
    ],
)
@pytest.mark.parametrize("other_kind", ["tensor", "row", "number"])
def test_inplace_operators_keep_the_object_and_storage(
    op: Callable[..., Any], ref: Callable[..., Any], dtype: pb.DType, other_kind: str
) -> None:
    a, b = INPUTS[dtype]
    other_np = {"tensor": b, "row": b[1], "number": b[1, 0]}[other_kind]
    other = pb.tensor(other_np) if other_kind != "number" else other_np.item()
    x = pb.tensor(a)
    view = x[1]
    storage = x.untyped_storage()
    y = x
    y = op(y, other)
    assert y is x
    assert x.untyped_storage() is storage
    assert_values(x, ref(a, other_np).astype(a.dtype), dtype)
    # A view taken before sees the new values.
    assert_values(view, x.numpy()[1], dtype)


def test_inplace_pow() -> None:
    x = pb.tensor([1.0, 2.0, 3.0])
    y = x
    y **= 2
    assert y is x
    assert x.tolist() == [1.0, 4.0, 9.0]


def test_inplace_on_a_strided_view_writes_the_base() -> None:
    x = pb.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    col = x[:, 1]
    col += 10
    t = x.mT
    t *= 2
    assert x.tolist() == [[0.0, 22.0, 4.0], [6.0, 28.0, 10.0]]


# Type promotion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compute", "dtype", "expected"),
    [
        pytest.param(lambda: pb.tensor([1, 2], dtype=pb.int8) + 1000, pb.int8, [-23, -22],
                     id="int8+1000-wraps"),
        pytest.param(lambda: pb.tensor([100], dtype=pb.int8) * 2, pb.int8, [-56],
                     id="int8*2-wraps"),
        pytest.param(lambda: pb.tensor([250], dtype=pb.uint8) + 10, pb.uint8, [4],
                     id="uint8-wraps"),
        pytest.param(lambda: pb.tensor([7, 8]) / pb.tensor([2, 4]), pb.float32, [3.5, 2.0],
                     id="int/int"),
        pytest.param(lambda: pb.tensor([7]) / 2, pb.float32, [3.5], id="int/number"),
        pytest.param(lambda: pb.tensor([1, 2]) + 2.5, pb.float32, [3.5, 4.5], id="int+float"),
        pytest.param(lambda: pb.tensor([1.0], dtype=pb.float16) + 2.5, pb.float16, [3.5],
                     id="float16+float"),
        pytest.param(lambda: pb.tensor([1.0], dtype=pb.bfloat16) * 2, pb.bfloat16, [2.0],
                     id="bfloat16*int"),
        pytest.param(lambda: pb.tensor([1.0], dtype=pb.float16) + pb.tensor(2.0), pb.float16,
                     [3.0], id="float16+0d-float32"),
        pytest.param(lambda: pb.tensor([1.0], dtype=pb.float16)
                     + pb.tensor([2.0], dtype=pb.bfloat16), pb.float32, [3.0],
                     id="float16+bfloat16"),
        pytest.param(lambda: pb.tensor([1], dtype=pb.int32) + pb.tensor(2), pb.int32, [3],
                     id="int32+0d-int64"),
        pytest.param(lambda: pb.tensor([1]) + pb.tensor(2.5), pb.float32, [3.5],
                     id="int+0d-float"),
        pytest.param(lambda: pb.tensor([1], dtype=pb.int8) + pb.tensor([2], dtype=pb.int16),
                     pb.int16, [3], id="int8+int16"),
        pytest.param(lambda: pb.tensor([1], dtype=pb.uint8) + pb.tensor([-2], dtype=pb.int8),
                     pb.int16, [-1], id="uint8+int8"),
        pytest.param(lambda: pb.tensor([1.0]) + pb.tensor([2.0], dtype=pb.float64), pb.float64,
                     [3.0], id="float32+float64"),
        pytest.param(lambda: pb.tensor([True]) + 1, pb.int64, [2], id="bool+int"),
        pytest.param(lambda: pb.tensor([True]) * 2.5, pb.float32, [2.5], id="bool*float"),
        pytest.param(lambda: pb.tensor([True, False]) + pb.tensor([True, False]), pb.bool,
                     [True, False], id="bool+bool"),
        pytest.param(lambda: pb.tensor([1, 2, 3]) < 2.5, pb.bool, [True, True, False],
                     id="int<float"),
        pytest.param(lambda: pb.tensor([3]) * True, pb.int64, [3], id="int*bool"),
        pytest.param(lambda: pb.tensor([5, -5]) // 2.0, pb.float32, [2.0, -3.0],
                     id="int//float"),
    ],
)
def test_pytorch_type_promotion(compute: Callable[[], pb.Tensor], dtype: pb.DType,
                                expected: list) -> None:
    result = compute()
    assert result.dtype == dtype
    assert result.tolist() == expected


@pytest.mark.parametrize(
    ("dtype", "other"),
    [
        (pb.int64, 1.5),
        (pb.int64, pb.tensor([0.5, 0.5])),
        (pb.int32, pb.tensor([1.0, 2.0])),
        (pb.bool, 2),
        (pb.int8, pb.tensor(2.0)),
    ],
)
def test_inplace_int_with_float_raises_and_leaves_x_unchanged(dtype: pb.DType, other: Any) -> None:
    x = pb.tensor([1, 2], dtype=dtype)
    before = x.tolist()
    with pytest.raises(pb.DTypeError) as info:
        x += other
    assert "can't be cast" in str(info.value)
    assert x.tolist() == before
    assert x.dtype == dtype
    with pytest.raises(pb.DTypeError):
        x.mul_(other)
    assert x.tolist() == before


def test_inplace_int_true_division_raises() -> None:
    x = pb.tensor([4, 6])
    with pytest.raises(pb.DTypeError):
        x /= 2
    assert x.tolist() == [4, 6]


def test_inplace_into_narrower_dtype_of_the_same_kind_is_allowed() -> None:
    x = pb.tensor([1.0, 2.0], dtype=pb.float16)
    x += pb.tensor([0.5, 0.5])
    assert x.dtype == pb.float16
    assert x.tolist() == [1.5, 2.5]
    i = pb.tensor([1, 2], dtype=pb.int8)
    i += pb.tensor([1, 1])
    assert i.dtype == pb.int8
    assert i.tolist() == [2, 3]


# Errors, out= and in-place forms ---------------------------------------------------------


def test_broadcast_error_names_the_op_the_shapes_and_the_fix() -> None:
    x, y = pb.tensor([1, 2]), pb.tensor([1, 2, 3])
    with pytest.raises(pb.ShapeError) as info:
        x + y
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "pb::add" in message
    assert "(2,)" in message
    assert "(3,)" in message
    assert "Fix" in message
    assert x.tolist() == [1, 2]
    assert y.tolist() == [1, 2, 3]


def test_broadcast_error_in_place_changes_nothing() -> None:
    x = pb.tensor([1.0, 2.0])
    with pytest.raises(pb.ShapeError):
        x += pb.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.tolist() == [1.0, 2.0]
    assert x.shape == (2,)


def test_out_and_inplace_give_the_values_of_the_functional_form() -> None:
    x = pb.tensor([[1.5, -2.0], [3.0, 0.25]])
    expected = (x + x).tolist()
    y = pb.zeros(2, 2)
    storage = y.untyped_storage()
    result = pb.add(x, x, out=y)
    assert result is y
    assert y.untyped_storage() is storage
    assert y.tolist() == expected
    z = x.add_(x)
    assert z is x
    assert x.tolist() == expected


def test_out_with_a_wider_dtype() -> None:
    i = pb.tensor([1, 2])
    out = pb.zeros(2, dtype=pb.float64)
    pb.add(i, i, out=out)
    assert out.dtype == pb.float64
    assert out.tolist() == [2.0, 4.0]


def test_out_into_a_strided_view() -> None:
    base = pb.zeros(2, 4)
    out = base[:, ::2]
    pb.mul(pb.tensor([[1.0, 2.0], [3.0, 4.0]]), 10, out=out)
    assert base.tolist() == [[10.0, 0.0, 20.0, 0.0], [30.0, 0.0, 40.0, 0.0]]


@pytest.mark.parametrize(
    ("out", "error"),
    [
        pytest.param(lambda: pb.full((3,), 9.0), pb.ShapeError, id="wrong-shape"),
        pytest.param(lambda: pb.full((1, 2), 9.0), pb.ShapeError, id="unbroadcast-shape"),
        pytest.param(lambda: pb.full((2,), 9, dtype=pb.int64), pb.DTypeError, id="wrong-dtype"),
    ],
)
def test_bad_out_raises_and_leaves_it_unchanged(out: Callable[[], pb.Tensor],
                                                error: type) -> None:
    x = pb.tensor([1.0, 2.0])
    y = out()
    before = y.tolist()
    with pytest.raises(error) as info:
        pb.add(x, x, out=y)
    assert "out=" in str(info.value)
    assert y.tolist() == before
    assert x.tolist() == [1.0, 2.0]


# The starter operators on the cpu backend, against NumPy ----------------------------------

UNARY_DTYPES = (pb.int8, pb.int32, pb.int64, pb.float16, pb.bfloat16, pb.float32, pb.float64)
VALUES = np.array([[-3.0, -1.0, 0.0], [1.0, 2.0, 5.0]])


def _as(dtype: pb.DType, values: Any = VALUES) -> tuple[pb.Tensor, np.ndarray]:
    a = np.asarray(values).astype(NP_OF[dtype])
    return pb.tensor(a), a


@pytest.mark.parametrize("dtype", UNARY_DTYPES)
@pytest.mark.parametrize(("op", "ref"), [(pb.neg, np.negative), (pb.abs, np.abs)])
def test_neg_and_abs(op: Callable[..., Any], ref: Callable[..., Any], dtype: pb.DType) -> None:
    x, a = _as(dtype)
    assert_values(op(x), ref(a), dtype)
    assert_values(op(x.mT), ref(a.T), dtype)


@pytest.mark.parametrize("dtype", [*FLOATS, pb.int64, pb.int8, pb.bool])
@pytest.mark.parametrize(("op", "ref"), [(pb.exp, np.exp), (pb.log, np.log), (pb.sqrt, np.sqrt)])
def test_exp_log_sqrt(op: Callable[..., Any], ref: Callable[..., Any], dtype: pb.DType) -> None:
    values = [[0.0, 1.0, 2.0], [4.0, 9.0, 0.0]] if dtype != pb.bool else [[0, 1, 1], [0, 1, 0]]
    x, a = _as(dtype, values)
    result = op(x)
    out_dtype = dtype if dtype.is_floating_point else pb.float32
    with np.errstate(divide="ignore"):
        expected = ref(a.astype(np.float64))
    assert_values(result, expected, out_dtype)


def test_log_and_sqrt_of_negative_and_zero() -> None:
    assert_values(pb.log(pb.tensor([0.0, -1.0])), [-np.inf, np.nan], pb.float32)
    assert_values(pb.sqrt(pb.tensor([-4.0, 0.0])), [np.nan, 0.0], pb.float32)


@pytest.mark.parametrize("dtype", [pb.int8, pb.int64, pb.float16, pb.float32, pb.float64])
def test_add_sub_mul_with_alpha(dtype: pb.DType) -> None:
    x, a = _as(dtype)
    y, b = _as(dtype, [[1.0, 2.0, 3.0], [-1.0, -2.0, 4.0]])
    assert_values(pb.add(x, y), a + b, dtype)
    assert_values(pb.add(x, y, alpha=2), a + b * NP_OF[dtype].type(2), dtype)
    assert_values(pb.sub(x, y), a - b, dtype)
    assert_values(pb.sub(x, y, alpha=3), a - b * NP_OF[dtype].type(3), dtype)
    assert_values(pb.mul(x, y), a * b, dtype)
    assert_values(x.add(y, alpha=-1), a - b, dtype)
    if dtype.is_floating_point:
        assert_values(pb.add(x, y, alpha=0.5), a + b * NP_OF[dtype].type(0.5), dtype)


@pytest.mark.parametrize("dtype", [pb.int64, pb.int8])
def test_integer_alpha_must_be_integral(dtype: pb.DType) -> None:
    x, _ = _as(dtype)
    with pytest.raises(pb.DTypeError, match="alpha"):
        pb.add(x, x, alpha=0.5)


DIV_A = [-7, 7, -7, 7, 6, -6, 0]
DIV_B = [2, 2, -2, -2, 3, 4, 5]


@pytest.mark.parametrize("dtype", [pb.int8, pb.int32, pb.int64, pb.float32, pb.float64])
@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (None, [-3.5, 3.5, 3.5, -3.5, 2.0, -1.5, 0.0]),
        ("trunc", [-3, 3, 3, -3, 2, -1, 0]),
        ("floor", [-4, 3, 3, -4, 2, -2, 0]),
    ],
)
def test_div_rounding_modes(dtype: pb.DType, mode: str | None, expected: list) -> None:
    x, y = pb.tensor(DIV_A, dtype=dtype), pb.tensor(DIV_B, dtype=dtype)
    result = pb.div(x, y, rounding_mode=mode)
    if mode is None:
        assert result.dtype == (dtype if dtype.is_floating_point else pb.float32)
    else:
        assert result.dtype == dtype
    assert result.tolist() == expected
    # The same with a Python number as the divisor.
    assert pb.div(x, -2, rounding_mode=mode).tolist() == [
        _div(v, -2, mode) for v in DIV_A
    ]


def _div(a: float, b: float, mode: str | None) -> float:
    if mode is None:
        return a / b
    return float(math.trunc(a / b) if mode == "trunc" else math.floor(a / b))


def test_div_with_an_unknown_rounding_mode_raises() -> None:
    with pytest.raises(pb.ArgumentError, match="rounding_mode"):
        pb.div(pb.tensor([1.0]), 2, rounding_mode="round")


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda x: x // 0, id="floordiv-number"),
        pytest.param(lambda x: x // pb.tensor([1, 0, 1]), id="floordiv-tensor"),
        pytest.param(lambda x: pb.div(x, 0, rounding_mode="trunc"), id="trunc"),
        pytest.param(lambda x: x % 0, id="mod"),
        pytest.param(lambda x: pb.remainder(x, pb.tensor([0, 1, 1])), id="remainder"),
        pytest.param(lambda x: x.to(pb.int8) // 0, id="int8"),
    ],
)
def test_integer_division_by_zero_raises(compute: Callable[[pb.Tensor], Any]) -> None:
    x = pb.tensor([1, 2, 3])
    with pytest.raises(pb.PlugboardError, match="zero"):
        compute(x)
    assert x.tolist() == [1, 2, 3]


def test_float_division_by_zero_gives_inf_and_nan() -> None:
    assert_values(pb.tensor([1.0, -1.0, 0.0]) / 0, [np.inf, -np.inf, np.nan], pb.float32)
    assert_values(pb.tensor([1, -1, 0]) / 0, [np.inf, -np.inf, np.nan], pb.float32)


@pytest.mark.parametrize("dtype", [pb.int8, pb.uint8, pb.int64, pb.float16, pb.float32])
@pytest.mark.parametrize(("op", "ref"), [(pb.maximum, np.maximum), (pb.minimum, np.minimum)])
def test_maximum_minimum(op: Callable[..., Any], ref: Callable[..., Any], dtype: pb.DType) -> None:
    x, a = _as(dtype, [[1, 5, 3], [7, 0, 2]])
    y, b = _as(dtype, [[4, 2, 3], [1, 8, 9]])
    assert_values(op(x, y), ref(a, b), dtype)
    assert_values(op(x, y[0]), ref(a, b[0]), dtype)


@pytest.mark.parametrize(("op", "ref"), [(pb.maximum, np.maximum), (pb.minimum, np.minimum)])
def test_maximum_minimum_propagate_nan(op: Callable[..., Any], ref: Callable[..., Any]) -> None:
    a = np.array([np.nan, 1.0, 2.0, np.nan], dtype=np.float32)
    b = np.array([0.0, np.nan, 1.0, np.nan], dtype=np.float32)
    result = op(pb.tensor(a), pb.tensor(b))
    assert_values(result, ref(a, b), pb.float32)
    assert np.isnan(result.numpy()).tolist() == [True, True, False, True]


@pytest.mark.parametrize("dtype", [pb.int32, pb.int64, pb.float16, pb.float32, pb.bool])
@pytest.mark.parametrize(
    ("op", "ref"),
    [(pb.eq, np.equal), (pb.ne, np.not_equal), (pb.lt, np.less), (pb.le, np.less_equal),
     (pb.gt, np.greater), (pb.ge, np.greater_equal)],
)
def test_comparisons(op: Callable[..., Any], ref: Callable[..., Any], dtype: pb.DType) -> None:
    x, a = _as(dtype, [[1, 0, 3], [0, 1, 2]])
    y, b = _as(dtype, [[1, 1, 2], [0, 0, 3]])
    assert_values(op(x, y), ref(a, b), pb.bool)
    assert_values(op(x, 1), ref(a, NP_OF[dtype].type(1)), pb.bool)


def test_comparisons_with_nan() -> None:
    x = pb.tensor([np.nan, 1.0])
    assert (x == x).tolist() == [False, True]
    assert (x != x).tolist() == [True, False]
    assert (x < 2).tolist() == [False, True]
    assert (x >= 1).tolist() == [False, True]


@pytest.mark.parametrize(
    ("compute", "dtype", "expected"),
    [
        pytest.param(lambda m, x: pb.where(m, x, 0), pb.float32, [1.5, 0.0, 3.5], id="x-or-0"),
        pytest.param(lambda m, x: pb.where(m, 0, x), pb.float32, [0.0, -2.0, 0.0], id="0-or-x"),
        pytest.param(lambda m, x: pb.where(m, 1, 0), pb.int64, [1, 0, 1], id="ints"),
        pytest.param(lambda m, x: pb.where(m, 1.0, 0), pb.float32, [1.0, 0.0, 1.0],
                     id="float-and-int"),
        pytest.param(lambda m, x: pb.where(m, True, False), pb.bool, [True, False, True],
                     id="bools"),
        pytest.param(lambda m, x: pb.where(m, x, pb.tensor([9.0], dtype=pb.float64)),
                     pb.float64, [1.5, 9.0, 3.5], id="promotes-tensors"),
        pytest.param(lambda m, x: pb.where(m, pb.tensor([1, 2, 3]), 0.5), pb.float32,
                     [1.0, 0.5, 3.0], id="int-tensor-and-float"),
        pytest.param(lambda m, x: pb.where(m[None].expand(2, 3), x, -x)[1], pb.float32,
                     [1.5, 2.0, 3.5], id="broadcast-condition"),
    ],
)
def test_where(compute: Callable[..., pb.Tensor], dtype: pb.DType, expected: list) -> None:
    m = pb.tensor([True, False, True])
    x = pb.tensor([1.5, -2.0, 3.5])
    result = compute(m, x)
    assert result.dtype == dtype
    assert result.tolist() == expected


def test_where_needs_a_bool_condition() -> None:
    with pytest.raises(pb.DTypeError, match="bool"):
        pb.where(pb.tensor([1, 0]), 1.0, 0.0)


@pytest.mark.parametrize(
    ("x", "other", "expected"),
    [
        pytest.param(pb.tensor([1.5, -2.0, 3.5]), pb.tensor([9.0, 8.0, 7.0]), [1.5, 8.0, 3.5],
                     id="tensor-other"),
        pytest.param(pb.tensor([1.5, -2.0, 3.5]), 0.0, [1.5, 0.0, 3.5], id="number-other"),
        pytest.param(pb.tensor([1, 2, 3]), pb.tensor([-1, -2, -3]), [1, -2, 3],
                     id="int-tensors"),
        pytest.param(pb.tensor([True, True, False]), pb.tensor([False, False, True]),
                     [True, False, False], id="bool-self-is-not-the-condition"),
    ],
)
def test_where_method_keeps_self_where_the_condition_holds(
    x: pb.Tensor, other: Any, expected: list
) -> None:
    # PyTorch's Tensor.where(condition, y): x where condition, y elsewhere; the tensor
    # itself is never the condition.
    condition = pb.tensor([True, False, True])
    result = x.where(condition, other)
    assert result.tolist() == expected
    assert result.tolist() == pb.where(condition, x, other).tolist()


SUM_IN = np.array([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[-1.0, 0.5, 2.0], [7.0, 8.0, -9.0]]])


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.float16, pb.int32, pb.int64])
@pytest.mark.parametrize(
    ("dim", "keepdim"),
    [(None, False), (None, True), (0, False), (1, True), (-1, False), ([0, 2], False),
     ([0, 2], True), ([-1, 0, 1], False), ((1,), True)],
)
def test_sum(dtype: pb.DType, dim: Any, keepdim: bool) -> None:
    a = SUM_IN.astype(np.int64) if not dtype.is_floating_point else SUM_IN
    x, a = _as(dtype, a)
    axis = tuple(dim) if isinstance(dim, (list, tuple)) else dim
    out_dtype = dtype if dtype.is_floating_point else pb.int64
    expected = np.sum(a.astype(np.float64), axis=axis, keepdims=keepdim)
    assert_values(pb.sum(x, dim, keepdim), expected, out_dtype)
    assert_values(x.sum(dim=dim, keepdim=keepdim), expected, out_dtype)


@pytest.mark.parametrize("dtype", [pb.int8, pb.uint8, pb.int16, pb.int32, pb.bool])
def test_sum_of_small_ints_is_int64_and_does_not_wrap(dtype: pb.DType) -> None:
    x = pb.full((300,), 1 if dtype == pb.bool else 100, dtype=dtype)
    total = pb.sum(x)
    assert total.dtype == pb.int64
    assert total.item() == (300 if dtype == pb.bool else 30000)


@pytest.mark.parametrize(
    ("dtype", "expected"), [(pb.float64, 10.0), (pb.int32, 10), (pb.float16, 10.0)]
)
def test_sum_with_dtype(dtype: pb.DType, expected: Any) -> None:
    x = pb.tensor([[1, 2], [3, 4]], dtype=pb.int8)
    total = pb.sum(x, dtype=dtype)
    assert total.dtype == dtype
    assert total.item() == expected


def test_sum_of_float16_accumulates_in_float32() -> None:
    x = pb.full((4096,), 1.0, dtype=pb.float16)
    assert pb.sum(x).item() == 4096.0  # a float16 running sum would stop at 2048


def test_sum_of_an_empty_tensor_is_zero() -> None:
    assert pb.sum(pb.zeros(0, 3)).item() == 0.0
    assert pb.sum(pb.zeros(0, 3), 0).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", [pb.float32, pb.int64, pb.int8, pb.float16])
@pytest.mark.parametrize(
    ("dim", "keepdim"),
    [((), False), ((), True), (0, False), (-1, True), ([0, 2], False), ([1, 2], True)],
)
def test_amax(dtype: pb.DType, dim: Any, keepdim: bool) -> None:
    x, a = _as(dtype, SUM_IN)
    axis = tuple(dim) if isinstance(dim, (list, tuple)) and dim else (None if dim == () else dim)
    expected = np.amax(a, axis=axis, keepdims=keepdim)
    if dim == () and not keepdim:
        assert_values(pb.amax(x), expected, dtype)
        assert_values(x.amax(), expected, dtype)
    assert_values(pb.amax(x, dim, keepdim), expected, dtype)


def test_amax_propagates_nan() -> None:
    x = pb.tensor([[1.0, np.nan], [3.0, 2.0]])
    assert_values(pb.amax(x, 1), [np.nan, 3.0], pb.float32)


def test_amax_of_an_empty_dim_raises() -> None:
    with pytest.raises(pb.ShapeError, match="empty"):
        pb.amax(pb.zeros(0, 3), 0)


ARGMAX_IN = np.array([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0], [-1.0, -2.0, 0.0]])


@pytest.mark.parametrize("dtype", [pb.float32, pb.int64, pb.uint8, pb.float16])
@pytest.mark.parametrize(
    ("dim", "keepdim", "expected"),
    [
        (None, False, 3),
        (None, True, [[3]]),
        (0, False, [1, 0, 1]),
        (1, False, [1, 0, 2]),
        (-1, True, [[1], [0], [2]]),
    ],
)
def test_argmax(dtype: pb.DType, dim: int | None, keepdim: bool, expected: Any) -> None:
    values = ARGMAX_IN if dtype != pb.uint8 else ARGMAX_IN + 2
    x, a = _as(dtype, values)
    result = pb.argmax(x, dim, keepdim)
    assert result.dtype == pb.int64
    assert result.tolist() == expected
    # NumPy agrees, ties going to the first index.
    flat = np.argmax(a, axis=dim, keepdims=keepdim)
    assert np.asarray(flat).tolist() == expected


def test_argmax_of_a_transposed_tensor() -> None:
    x = pb.tensor(ARGMAX_IN).mT
    assert pb.argmax(x, 1).tolist() == np.argmax(ARGMAX_IN.T, axis=1).tolist()
    assert pb.argmax(x).item() == int(np.argmax(ARGMAX_IN.T))


def test_argmax_of_an_empty_tensor_raises() -> None:
    with pytest.raises(pb.ShapeError):
        pb.argmax(pb.zeros(0))


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize(
    ("reduce", "expected", "dtype"),
    [
        pytest.param(pb.sum, 5.0, pb.float32, id="sum"),
        pytest.param(lambda x, d: pb.sum(x, d, True), 5.0, pb.float32, id="sum-keepdim"),
        pytest.param(pb.mean, 5.0, pb.float32, id="mean"),
        pytest.param(pb.amax, 5.0, pb.float32, id="amax"),
        pytest.param(pb.argmax, 0, pb.int64, id="argmax"),
        pytest.param(pb.softmax, 1.0, pb.float32, id="softmax"),
    ],
)
def test_reductions_over_the_dim_of_a_0d_tensor(
    reduce: Callable[[pb.Tensor, int], pb.Tensor], expected: Any, dtype: pb.DType, dim: int
) -> None:
    # As in PyTorch, a 0-d tensor accepts dim 0 and -1 and reduces to itself.
    result = reduce(pb.tensor(5.0), dim)
    assert result.shape == ()
    assert result.dtype == dtype
    assert result.item() == expected


RNG = np.random.default_rng(1234)


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.int64, pb.float16])
@pytest.mark.parametrize(
    ("a_shape", "b_shape", "out_shape"),
    [
        ((3,), (3,), ()),
        ((2, 3), (3, 4), (2, 4)),
        ((3,), (3, 4), (4,)),
        ((2, 3), (3,), (2,)),
        ((5, 2, 3), (3, 4), (5, 2, 4)),
        ((2, 3), (5, 3, 4), (5, 2, 4)),
        ((5, 1, 2, 3), (4, 3, 2), (5, 4, 2, 2)),
        ((3,), (2, 3, 4), (2, 4)),
        ((2, 2, 3), (3,), (2, 2)),
        ((0, 3), (3, 2), (0, 2)),
        ((2, 0), (0, 3), (2, 3)),
    ],
)
def test_matmul(dtype: pb.DType, a_shape: tuple[int, ...], b_shape: tuple[int, ...],
                out_shape: tuple[int, ...]) -> None:
    a = RNG.integers(-4, 5, a_shape).astype(NP_OF[dtype])
    b = RNG.integers(-4, 5, b_shape).astype(NP_OF[dtype])
    result = pb.matmul(pb.tensor(a), pb.tensor(b))
    assert result.shape == out_shape
    assert_values(result, np.matmul(a.astype(np.float64), b.astype(np.float64)), dtype)


def test_matmul_of_strided_inputs() -> None:
    a = RNG.standard_normal((4, 3)).astype(np.float32)
    b = RNG.standard_normal((4, 5)).astype(np.float32)
    result = pb.tensor(a).mT @ pb.tensor(b)[:, ::2]
    np.testing.assert_allclose(result.numpy(), a.T @ b[:, ::2], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [((2, 3), (2, 3)), ((3,), (4,)), ((2, 3), (4,)), ((4,), (3, 2)), ((2, 2, 3), (3, 3, 4))],
)
def test_matmul_shape_mismatch_raises(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    with pytest.raises(pb.ShapeError) as info:
        pb.zeros(*a_shape) @ pb.zeros(*b_shape)
    assert "pb::matmul" in str(info.value)


def test_matmul_errors_for_0d_and_mixed_dtypes() -> None:
    with pytest.raises(pb.ShapeError, match="at least one dimension"):
        pb.matmul(pb.tensor(1.0), pb.zeros(2))
    with pytest.raises(pb.DTypeError, match="one dtype"):
        pb.zeros(2, 2) @ pb.zeros(2, 2, dtype=pb.float64)


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.float16])
@pytest.mark.parametrize(
    ("dim", "keepdim"), [(None, False), (0, False), (-1, True), ([0, 2], False), ([1], True)]
)
def test_mean(dtype: pb.DType, dim: Any, keepdim: bool) -> None:
    x, a = _as(dtype, SUM_IN)
    axis = tuple(dim) if isinstance(dim, list) else dim
    expected = np.mean(a.astype(np.float64), axis=axis, keepdims=keepdim)
    assert_values(pb.mean(x, dim, keepdim), expected, dtype)


@pytest.mark.parametrize("dtype", [pb.int64, pb.int8, pb.bool])
def test_mean_of_integers_raises_unless_a_float_dtype_is_given(dtype: pb.DType) -> None:
    x = pb.tensor([1, 0, 1, 1]).to(dtype)
    with pytest.raises(pb.DTypeError) as info:
        pb.mean(x)
    assert "Fix" in str(info.value)
    assert pb.mean(x, dtype=pb.float32).item() == 0.75


@pytest.mark.parametrize("dtype", [pb.float32, pb.float16, pb.int64, pb.int8])
def test_relu(dtype: pb.DType) -> None:
    x, a = _as(dtype)
    assert_values(pb.relu(x), np.maximum(a, 0), dtype)
    assert_values(x.relu(), np.maximum(a, 0), dtype)


def test_relu_propagates_nan() -> None:
    # As torch.relu: NaN stays NaN.
    result = pb.relu(pb.tensor([np.nan, -1.0, 2.0]))
    assert_values(result, [np.nan, 0.0, 2.0], pb.float32)


def test_relu_of_bool_raises() -> None:
    with pytest.raises(pb.DTypeError):
        pb.relu(pb.tensor([True]))


def _np_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    result: np.ndarray = e / e.sum(axis=axis, keepdims=True)
    return result


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.float16])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax(dtype: pb.DType, dim: int) -> None:
    a = RNG.standard_normal((3, 4)) * 3
    x = pb.tensor(a, dtype=dtype)
    result = pb.softmax(x, dim)
    assert result.dtype == dtype
    assert_values(result, _np_softmax(x.numpy().astype(np.float64), dim), dtype)
    sums = result.numpy().astype(np.float64).sum(axis=dim)
    np.testing.assert_allclose(sums, 1.0, **tolerance(dtype))


def test_softmax_of_large_inputs_does_not_overflow() -> None:
    x = pb.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1e4]])
    result = pb.softmax(x, 1)
    values = result.numpy()
    assert np.isfinite(values).all()
    np.testing.assert_allclose(values.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(values[0], _np_softmax(np.array([0.0, 1.0, 2.0]), 0), rtol=1e-6)
    assert values[1].tolist() == [0.0, 0.0, 1.0]


def test_softmax_of_integers_needs_a_float_dtype() -> None:
    x = pb.tensor([1, 2, 3])
    with pytest.raises(pb.DTypeError):
        pb.softmax(x, 0)
    result = pb.softmax(x, 0, dtype=pb.float32)
    assert result.dtype == pb.float32
    np.testing.assert_allclose(result.numpy(), _np_softmax(np.array([1.0, 2.0, 3.0]), 0),
                               rtol=1e-6)


def test_softmax_dim_out_of_range_raises() -> None:
    with pytest.raises(pb.ShapeError):
        pb.softmax(pb.zeros(2, 2), 2)


# Factories -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "dtype", "expected"),
    [
        (lambda: pb.zeros(2, 3), pb.float32, np.zeros((2, 3))),
        (lambda: pb.zeros((2, 3)), pb.float32, np.zeros((2, 3))),
        (lambda: pb.zeros([4], dtype=pb.int8), pb.int8, np.zeros(4)),
        (lambda: pb.zeros(()), pb.float32, np.zeros(())),
        (lambda: pb.ones(3), pb.float32, np.ones(3)),
        (lambda: pb.ones(2, 2, dtype=pb.bool), pb.bool, np.ones((2, 2), dtype=bool)),
        (lambda: pb.ones((0, 2), dtype=pb.int64), pb.int64, np.ones((0, 2))),
        (lambda: pb.full((2,), 7), pb.int64, np.full(2, 7)),
        (lambda: pb.full((2, 2), 1.5), pb.float32, np.full((2, 2), 1.5)),
        (lambda: pb.full((2,), True), pb.bool, np.full(2, True)),
        (lambda: pb.full((3,), -2, dtype=pb.float16), pb.float16, np.full(3, -2.0)),
        (lambda: pb.full((2,), 2.0, dtype=pb.int32), pb.int32, np.full(2, 2)),
        (lambda: pb.full((), 3.5), pb.float32, np.full((), 3.5)),
        (lambda: pb.zeros_like(pb.tensor([1, 2])), pb.int64, np.zeros(2)),
        (lambda: pb.ones_like(pb.tensor([[1.0]]), dtype=pb.float64), pb.float64, np.ones((1, 1))),
        (lambda: pb.full_like(pb.tensor([1, 2], dtype=pb.int8), 5), pb.int8, np.full(2, 5)),
    ],
)
def test_filled_factories(make: Callable[[], pb.Tensor], dtype: pb.DType,
                          expected: np.ndarray) -> None:
    x = make()
    assert x.device == pb.device("cpu")
    assert x.is_contiguous()
    assert_values(x, expected.astype(NP_OF[dtype]), dtype)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: pb.zeros(-1), pb.ShapeError),
        (lambda: pb.full((2,), 300, dtype=pb.int8), pb.DTypeError),
        (lambda: pb.full((2,), float("inf"), dtype=pb.int32), pb.DTypeError),
    ],
)
def test_factory_errors(make: Callable[[], pb.Tensor], error: type) -> None:
    with pytest.raises(error):
        make()


@pytest.mark.parametrize(
    ("args", "kwargs", "dtype", "expected"),
    [
        ((5,), {}, pb.int64, [0, 1, 2, 3, 4]),
        ((2, 5), {}, pb.int64, [2, 3, 4]),
        ((0, 10, 3), {}, pb.int64, [0, 3, 6, 9]),
        ((5, 0, -1), {}, pb.int64, [5, 4, 3, 2, 1]),
        ((0, -7, -3), {}, pb.int64, [0, -3, -6]),
        ((0.0, 1.0, 0.25), {}, pb.float32, [0.0, 0.25, 0.5, 0.75]),
        ((1, 2.5, 0.5), {}, pb.float32, [1.0, 1.5, 2.0]),
        ((1.0, -1.0, -0.5), {}, pb.float32, [1.0, 0.5, 0.0, -0.5]),
        ((3,), {"dtype": pb.float64}, pb.float64, [0.0, 1.0, 2.0]),
        ((4,), {"dtype": pb.int8}, pb.int8, [0, 1, 2, 3]),
        ((3, 3), {}, pb.int64, []),
        ((0,), {}, pb.int64, []),
    ],
)
def test_arange(args: tuple, kwargs: dict, dtype: pb.DType, expected: list) -> None:
    x = pb.arange(*args, **kwargs)
    assert x.dtype == dtype
    assert x.tolist() == expected
    np.testing.assert_allclose(x.numpy(), np.arange(*args), rtol=1e-6)


@pytest.mark.parametrize("args", [(0, 5, -1), (5, 0, 1), (0, 1, 0), (0, float("inf"))])
def test_arange_errors(args: tuple) -> None:
    with pytest.raises(pb.PlugboardError) as info:
        pb.arange(*args)
    assert "pb::arange" in str(info.value)


_INTEGERS = (pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64)


@pytest.mark.parametrize("device", ["cpu", "opencl"])
@pytest.mark.parametrize("dtype", _INTEGERS)
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # PyTorch converts the bounds and step to integers (toward zero), then counts.
        ((-1.5, 2), [-1, 0, 1]),
        ((0, 2.5), [0, 1]),
        ((0.5, 3.7, 1.5), [0, 1, 2]),
        ((5.9, 0, -2.5), [5, 3, 1]),
        ((-0.5, 0.5), []),
        ((2, 9, 3), [2, 5, 8]),
    ],
)
def test_integer_arange_converts_bounds_and_step_first(
    device: str, dtype: pb.DType, args: tuple, expected: list
) -> None:
    if not pb.devices(device):
        pytest.skip(f"no {device} device")
    if min(expected, default=0) < dtype.min:
        expected = []  # checked below: values the dtype does not hold are an error
        with pytest.raises(pb.DTypeError, match=f"{dtype}"):
            pb.arange(*args, dtype=dtype, device=device)
        return
    x = pb.arange(*args, dtype=dtype, device=device)
    assert x.dtype is dtype
    assert x.tolist() == expected


def test_integer_arange_counts_exactly_near_int64s_limits() -> None:
    top = 2**63 - 1
    assert pb.arange(top - 2, top, dtype=pb.int64).tolist() == [top - 2, top - 1]
    assert pb.arange(-(2**63), -(2**63) + 4, 3).tolist() == [-(2**63), -(2**63) + 3]


def test_integer_arange_refuses_a_step_that_truncates_to_zero() -> None:
    with pytest.raises(pb.ArgumentError, match=r"step 0\.5 is 0 as an integer.*Fix:"):
        pb.arange(0, 5, 0.5, dtype=pb.int64)
    assert pb.arange(0, 2, 0.5).tolist() == [0.0, 0.5, 1.0, 1.5]  # floats count as floats


@pytest.mark.parametrize(
    ("make", "shape", "dtype"),
    [
        (lambda: pb.empty(2, 3), (2, 3), pb.float32),
        (lambda: pb.empty((4,), dtype=pb.int16), (4,), pb.int16),
        (lambda: pb.empty(0), (0,), pb.float32),
        (lambda: pb.empty(()), (), pb.float32),
        (lambda: pb.empty_like(pb.tensor([[1, 2]])), (1, 2), pb.int64),
        (lambda: pb.empty_like(pb.zeros(3), dtype=pb.bool), (3,), pb.bool),
    ],
)
def test_empty(make: Callable[[], pb.Tensor], shape: tuple[int, ...], dtype: pb.DType) -> None:
    x = make()
    assert x.shape == shape
    assert x.dtype == dtype
    assert x.is_contiguous()
    assert x.untyped_storage().nbytes == math.prod(shape) * dtype.itemsize
    # Writable like any tensor.
    x.copy_(pb.zeros(shape, dtype=dtype))
    assert not x.numpy().any()


def test_empty_tensors_do_not_share_storage() -> None:
    a, b = pb.empty(3), pb.empty(3)
    assert a.untyped_storage() is not b.untyped_storage()
