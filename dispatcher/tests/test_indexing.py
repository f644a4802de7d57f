"""Tests for basic indexing: ``x[...]`` views and ``x[...] = value`` writes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb


def root(*shape: int, dtype: Any = np.float32) -> pb.Tensor:
    """A contiguous tensor whose values are their storage positions."""
    return pb.tensor(np.arange(math.prod(shape), dtype=dtype).reshape(shape))


def layout_of(values: np.ndarray) -> tuple[tuple[int | None, ...], int | None]:
    """Strides and offset of a view of ``root``, read from its values (= storage positions).

    Dimensions of size 1 have no observable stride (None).
    """
    if values.size == 0:
        return tuple(None for _ in values.shape), None
    first = values[(0,) * values.ndim]
    strides: list[int | None] = []
    for d, size in enumerate(values.shape):
        if size == 1:
            strides.append(None)
            continue
        step = [0] * values.ndim
        step[d] = 1
        strides.append(int(values[tuple(step)] - first))
    return tuple(strides), int(first)


def check_index(x: pb.Tensor, index: Any) -> pb.Tensor:
    """``x[index]`` equals NumPy's basic indexing, with the layout NumPy has, over x's storage."""
    expected = x.numpy().copy()[index]
    v = x[index]
    assert isinstance(v, pb.Tensor)
    assert v.shape == expected.shape
    assert v.dtype == x.dtype
    np.testing.assert_array_equal(v.numpy(), expected)
    assert v.untyped_storage() is x.untyped_storage()
    strides, offset = layout_of(expected)
    if offset is not None:
        assert v.storage_offset() == offset
    for size, got, want in zip(v.shape, v.stride(), strides, strict=True):
        if want is not None:
            assert got == want, (size, v.stride(), strides)
    return v


X = (2, 3, 4)

BASIC = [
    pytest.param(1, id="int"),
    pytest.param(-1, id="negative-int"),
    pytest.param(-2, id="negative-int-first"),
    pytest.param((1, 2), id="two-ints"),
    pytest.param((-1, -2, -3), id="three-negative-ints"),
    pytest.param((0, 0, 0), id="to-0d"),
    pytest.param(slice(1, None), id="slice-start"),
    pytest.param(slice(None, 1), id="slice-stop"),
    pytest.param((slice(None), slice(None, None, 2)), id="step"),
    pytest.param((slice(None), slice(None), slice(1, None, 2)), id="step-inner"),
    pytest.param((slice(1, None), slice(None, None, 2), None, Ellipsis), id="mixed"),
    pytest.param((slice(None), slice(None), slice(None, None, 3)), id="step-3"),
    pytest.param((Ellipsis, slice(-3, -1)), id="negative-bounds"),
    pytest.param(slice(-10, None), id="start-clamped"),
    pytest.param(slice(None, 100), id="stop-clamped"),
    pytest.param((slice(None), slice(-100, 100, 2)), id="both-clamped"),
    pytest.param(slice(5, None), id="empty-past-end"),
    pytest.param((slice(None), slice(2, 1)), id="empty-reversed-bounds"),
    pytest.param((Ellipsis, slice(4, 4)), id="empty-at-end"),
    pytest.param(None, id="none"),
    pytest.param((None, None), id="two-nones"),
    pytest.param((slice(None), None), id="none-middle"),
    pytest.param((Ellipsis, None), id="none-last"),
    pytest.param((None, 1, None, slice(None, None, 2)), id="nones-with-ints"),
    pytest.param(Ellipsis, id="ellipsis"),
    pytest.param((Ellipsis, 1), id="ellipsis-int"),
    pytest.param((1, Ellipsis), id="int-ellipsis"),
    pytest.param((0, Ellipsis, 1), id="ellipsis-middle"),
    pytest.param((1, 2, 3, Ellipsis), id="ellipsis-of-nothing"),
    pytest.param((), id="empty-tuple"),
    pytest.param(np.int64(1), id="numpy-int"),
    pytest.param((np.int32(-1), slice(None), np.int8(2)), id="numpy-ints"),
]


@pytest.mark.parametrize("index", BASIC)
def test_basic_indexing_matches_numpy(index: Any) -> None:
    check_index(root(*X), index)


@pytest.mark.parametrize("index", BASIC)
def test_basic_indexing_of_a_strided_view(index: Any) -> None:
    x = root(4, 3, 2).permute(2, 1, 0)  # shape (2, 3, 4), strides (1, 2, 6)
    check_index(x, index)


@pytest.mark.parametrize(
    ("index", "value"),
    [(0, 0), (2, 2), (-1, 11), (-12, 0), (-5, 7)],
)
def test_integer_index_of_1d(index: int, value: float) -> None:
    x = root(12)
    v = x[index]
    assert v.shape == ()
    assert v.item() == value
    assert v.storage_offset() == value
    assert v.untyped_storage() is x.untyped_storage()


@pytest.mark.parametrize(
    "index",
    [pb.tensor(1), pb.tensor(-1), pb.tensor(1, dtype=pb.int32), pb.tensor(0, dtype=pb.uint8)],
)
def test_0d_integer_tensor_as_index(index: pb.Tensor) -> None:
    x = root(*X)
    v = check_index(x, int(index.item()))
    w = x[index]
    assert w.shape == v.shape
    assert w.storage_offset() == v.storage_offset()
    np.testing.assert_array_equal(w.numpy(), v.numpy())
    assert w.untyped_storage() is x.untyped_storage()
    u = x[:, index, index]
    np.testing.assert_array_equal(u.numpy(), x.numpy()[:, int(index.item()), int(index.item())])


def test_indexing_a_0d_tensor() -> None:
    x = pb.tensor(5.0)
    for index in (Ellipsis, (), None, (None, Ellipsis, None)):
        v = x[index]
        np.testing.assert_array_equal(v.numpy(), np.float32(5.0)[index])
        assert v.untyped_storage() is x.untyped_storage()


def test_chained_indexing_composes() -> None:
    x = root(*X)
    v = x[1][::2][..., 1:]
    np.testing.assert_array_equal(v.numpy(), x.numpy()[1][::2][..., 1:])
    assert v.untyped_storage() is x.untyped_storage()
    assert v.storage_offset() == 13
    assert v.stride() == (8, 1)


def test_index_view_writes_through_and_follows_base() -> None:
    x = root(*X)
    v = x[1:, ::2, None, ...]
    v.copy_(pb.full(v.shape, -1.0))
    expected = np.arange(24.0, dtype=np.float32).reshape(X)
    expected[1:, ::2] = -1.0
    np.testing.assert_array_equal(x.numpy(), expected)
    x[1, 0, 0] = 42.0
    assert v[0, 0, 0, 0].item() == 42.0


def test_iteration_gives_views_of_rows() -> None:
    x = root(3, 2)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert all(r.untyped_storage() is x.untyped_storage() for r in rows)


# Errors --------------------------------------------------------------------------------


def _assert_indexing_error(x: pb.Tensor, index: Any, *fragments: str) -> pb.IndexingError:
    with pytest.raises(pb.IndexingError) as info:
        x[index]
    error = info.value
    assert isinstance(error, IndexError)
    assert isinstance(error, pb.PlugboardError)
    for fragment in fragments:
        assert fragment in str(error)
    return error


@pytest.mark.parametrize(
    "index",
    [(0, 0, 0, 0), (0, Ellipsis, 0, 0, 0), (slice(None),) * 4, (None, 0, 0, 0, 0)],
)
def test_too_many_indices(index: Any) -> None:
    _assert_indexing_error(root(*X), index, "too many indices", "(2, 3, 4)")


def test_indexing_a_0d_tensor_with_an_int_raises() -> None:
    _assert_indexing_error(pb.tensor(1.0), 0, "too many indices")


@pytest.mark.parametrize(
    ("index", "dim", "size"),
    [
        (2, 0, 2),
        (-3, 0, 2),
        ((0, 3), 1, 3),
        ((Ellipsis, 4), 2, 4),
        ((0, 0, -5), 2, 4),
        (pb.tensor(2), 0, 2),
        (np.int64(7), 0, 2),
    ],
)
def test_integer_out_of_range(index: Any, dim: int, size: int) -> None:
    _assert_indexing_error(root(*X), index, "out of range", f"dimension {dim}", f"size {size}")


@pytest.mark.parametrize(
    "index", [slice(None, None, -1), (slice(None), slice(None, None, -2)), slice(3, 0, -1)]
)
def test_negative_step_raises(index: Any) -> None:
    _assert_indexing_error(root(*X), index, "step")


def test_zero_step_raises() -> None:
    _assert_indexing_error(root(4), slice(None, None, 0), "step")


@pytest.mark.parametrize("index", [(Ellipsis, Ellipsis), (Ellipsis, 0, Ellipsis)])
def test_two_ellipses_raise(index: Any) -> None:
    _assert_indexing_error(root(*X), index, "single ellipsis")


@pytest.mark.parametrize(
    ("index", "what"),
    [
        ([0, 1], "list"),
        ((slice(None), [0, 2]), "list"),
        (pb.tensor([0, 1]), "int64 tensor"),
        (pb.tensor([True, False]), "bool tensor"),
        (pb.tensor(True), "bool tensor"),
        (pb.tensor(1.0), "float32 tensor"),
        (np.array([0, 1]), "ndarray"),
        (1.0, "float"),
        ("a", "str"),
    ],
)
def test_advanced_indexing_raises_clearly(index: Any, what: str) -> None:
    x = root(*X)
    error = _assert_indexing_error(x, index, "advanced indexing", "not supported", what)
    # The message says what basic indexing takes.
    assert "ints, slices, None and ..." in str(error)


# __setitem__ ---------------------------------------------------------------------------


def _np_set(a: np.ndarray, index: Any, value: Any) -> np.ndarray:
    out = a.copy()
    out[index] = value
    return out


SETS = [
    pytest.param(1, 5.0, id="row-scalar"),
    pytest.param((0, 1, 2), -3.5, id="element-scalar"),
    pytest.param((Ellipsis, 0), 7, id="column-int-scalar"),
    pytest.param(Ellipsis, 0.0, id="everything"),
    pytest.param((slice(None), slice(None, None, 2)), 9.0, id="strided-scalar"),
    pytest.param((slice(None), 1), np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32),
                 id="broadcast-row"),
    pytest.param(slice(None), np.arange(4, dtype=np.float32), id="broadcast-to-all"),
    pytest.param((slice(None), slice(None), slice(1, None, 2)),
                 np.array([[10.0], [20.0], [30.0]], dtype=np.float32), id="broadcast-column"),
    pytest.param((None, 1), np.arange(12, dtype=np.float32).reshape(3, 4), id="with-none"),
    pytest.param(slice(5, None), 1.0, id="empty-target"),
    pytest.param(pb.tensor(1), 2.0, id="0d-tensor-index"),
]


@pytest.mark.parametrize(("index", "value"), SETS)
@pytest.mark.parametrize("as_tensor", [False, True], ids=["number-or-array", "tensor"])
def test_setitem_matches_numpy(index: Any, value: Any, as_tensor: bool) -> None:
    x = root(*X)
    storage = x.untyped_storage()
    expected = _np_set(
        x.numpy().copy(),
        int(index.item()) if isinstance(index, pb.Tensor) else index,
        value,
    )
    x[index] = pb.tensor(value) if as_tensor else value
    np.testing.assert_array_equal(x.numpy(), expected)
    assert x.dtype == pb.float32
    assert x.untyped_storage() is storage


@pytest.mark.parametrize(
    ("x_dtype", "value", "expected"),
    [
        (pb.float32, pb.tensor([1, 2, 3, 4]), [1.0, 2.0, 3.0, 4.0]),
        (pb.float32, pb.tensor([True, False, True, False]), [1.0, 0.0, 1.0, 0.0]),
        (pb.int64, pb.tensor([1.7, -1.7, 2.5, -0.5]), [1, -1, 2, 0]),
        (pb.int32, pb.tensor([1.0, 2.0, 3.0, 4.0], dtype=pb.float64), [1, 2, 3, 4]),
        (pb.int8, pb.tensor([1, -2, 3, -4], dtype=pb.int64), [1, -2, 3, -4]),
        (pb.float16, pb.tensor([0.5, 1.5, 2.5, 3.5], dtype=pb.float64), [0.5, 1.5, 2.5, 3.5]),
        (pb.bool, pb.tensor([0, 2, 0, -1]), [False, True, False, True]),
        (pb.int64, 2.9, [2, 2, 2, 2]),
        (pb.float64, 3, [3.0, 3.0, 3.0, 3.0]),
    ],
)
def test_setitem_casts_to_the_target_dtype(x_dtype: pb.DType, value: Any, expected: list) -> None:
    x = pb.zeros(2, 4, dtype=x_dtype)
    x[1] = value
    assert x.dtype == x_dtype
    assert x[1].tolist() == expected
    assert x[0].tolist() == [0] * 4
    assert all(type(v) is type(expected[0]) for v in x[1].tolist())


def test_setitem_into_a_strided_view() -> None:
    x = root(4, 6)
    expected = x.numpy().copy()
    t = x.mT  # (6, 4), strides (1, 6)
    t[1::2, ::3] = pb.tensor([[-1.0, -2.0]])
    expected.T[1::2, ::3] = [[-1.0, -2.0]]
    np.testing.assert_array_equal(x.numpy(), expected)
    d = x.diagonal()
    d[...] = 100.0
    np.fill_diagonal(expected, 100.0)
    np.testing.assert_array_equal(x.numpy(), expected)


def test_setitem_from_a_view_of_another_tensor() -> None:
    x = pb.zeros(3, 3)
    y = root(3, 3)
    x[:, 0] = y[0]
    x[1:, 1:] = y.mT[:2, :2]
    expected = np.zeros((3, 3), dtype=np.float32)
    ynp = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    expected[:, 0] = ynp[0]
    expected[1:, 1:] = ynp.T[:2, :2]
    np.testing.assert_array_equal(x.numpy(), expected)
    np.testing.assert_array_equal(y.numpy(), ynp)


def test_setitem_strips_leading_unit_dims_of_the_value() -> None:
    # As in NumPy and PyTorch, x[0] = v accepts v of shape (1, 4) for a (4,) target.
    x = pb.zeros(2, 4)
    x[0] = pb.ones(1, 4)
    assert x.tolist() == [[1.0] * 4, [0.0] * 4]
    x[1] = np.full((1, 1, 4), 2.0, dtype=np.float32)
    assert x.tolist() == [[1.0] * 4, [2.0] * 4]


@pytest.mark.parametrize(
    ("index", "value", "error"),
    [
        pytest.param(0, pb.tensor([1.0, 2.0]), pb.ShapeError, id="shape-mismatch"),
        pytest.param(0, pb.ones(2, 3, 4), pb.ShapeError, id="value-larger"),
        pytest.param((slice(None), 0), [1.0, 2.0, 3.0], pb.ShapeError, id="list-mismatch"),
        pytest.param(5, 1.0, pb.IndexingError, id="index-out-of-range"),
        pytest.param([0, 1], 1.0, pb.IndexingError, id="advanced-index"),
        pytest.param(slice(None, None, -1), 1.0, pb.IndexingError, id="negative-step"),
        pytest.param(0, "a", pb.DTypeError, id="string-value"),
        pytest.param(0, [[1.0, 2.0], [3.0]], pb.ShapeError, id="ragged-value"),
    ],
)
def test_failing_setitem_leaves_x_unchanged(index: Any, value: Any, error: type) -> None:
    x = root(*X)
    before = x.numpy().copy()
    with pytest.raises(error) as info:
        x[index] = value
    assert isinstance(info.value, pb.PlugboardError)
    np.testing.assert_array_equal(x.numpy(), before)


@pytest.mark.parametrize(
    ("dtype", "value"),
    [(pb.int8, 300), (pb.uint8, -1), (pb.int64, 1e30), (pb.int32, float("inf"))],
)
def test_setitem_value_out_of_range_for_an_int_dtype_raises(dtype: pb.DType, value: Any) -> None:
    x = pb.zeros(3, dtype=dtype)
    with pytest.raises(pb.DTypeError, match=str(dtype)):
        x[0] = value
    assert x.tolist() == [0, 0, 0]
