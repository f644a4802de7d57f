"""Tests for basic indexing: ``x[...]`` views and ``x[...] = value`` writes."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
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
    [pb.tensor(1), pb.tensor(-1), pb.tensor(1, dtype=pb.int32), pb.tensor(0, dtype=pb.int16),
     pb.tensor(-1, dtype=pb.int8)],
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


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(lambda u: u, id="alone"),
        pytest.param(lambda u: (0, u), id="after-an-int"),
        pytest.param(lambda u: (slice(None), u, 1), id="between"),
        pytest.param(lambda u: (u, [0, 1]), id="beside-positions"),
    ],
)
@pytest.mark.parametrize("value", [0, 1])
def test_a_0d_uint8_index_is_refused_not_taken_as_a_position(
    index: Callable[[pb.Tensor], Any], value: int
) -> None:
    # PyTorch takes a uint8 index, 0-d too, as a mask; plugboard refuses every uint8
    # index (cast to bool for a mask, to int64 for a position) in reads and writes.
    x = root(*X)
    before = x.numpy().copy()
    u = pb.tensor(value, dtype=pb.uint8)
    for access in (lambda: x[index(u)], lambda: x.__setitem__(index(u), -1.0)):
        with pytest.raises(pb.IndexingError, match="uint8.*Fix:"):
            access()
    np.testing.assert_array_equal(x.numpy(), before)


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
        (1.0, "a float"),
        ("a", "a str"),
        ((slice(None), {0: 1}), "a dict"),
        (pb.tensor(1.0), "float32"),
        (pb.tensor([0.0, 1.0]), "float32"),
        (pb.tensor([0, 1], dtype=pb.uint8), "uint8"),
        (pb.tensor([0, 1], dtype=pb.int16), "int16"),
        ([0.5, 1.0], "float64 values"),
        (np.array([1.5]), "float64 values"),
    ],
)
def test_unsupported_indices_raise_clearly(index: Any, what: str) -> None:
    error = _assert_indexing_error(root(*X), index, what)
    assert "Fix:" in str(error)


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
        (pb.int64, 3.0, [3, 3, 3, 3]),  # a number is written only if the dtype holds it
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
        pytest.param([0, 5], 1.0, pb.IndexingError, id="advanced-index-out-of-range"),
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


# Advanced indexing: x[idx], x[mask] ----------------------------------------------------

# Masks over X = (2, 3, 4), fixed so that every case selects something and not everything.
_MASK_0 = np.array([True, False])
_MASK_1 = np.array([True, False, True])
_MASK_12 = (np.arange(12) % 5 == 1).reshape(3, 4)
_MASK_ALL = (np.arange(24) % 3 == 0).reshape(X)


def _to_pb(index: Any, dtype: pb.DType = pb.int64) -> Any:
    """A NumPy-style index with its arrays as plugboard tensors (integer ones in ``dtype``)."""
    items = index if isinstance(index, tuple) else (index,)
    converted = tuple(
        pb.tensor(i, dtype=pb.bool if i.dtype == np.bool_ else dtype)
        if isinstance(i, np.ndarray) else i
        for i in items
    )
    return converted if isinstance(index, tuple) else converted[0]


# Indices on which NumPy's rules and PyTorch's agree.
ADVANCED = [
    pytest.param(np.array([1, 0, 1]), id="positions-dim0"),
    pytest.param(np.array([[0, 1], [1, 1]]), id="2d-positions"),
    pytest.param((slice(None), np.array([2, 0])), id="positions-dim1"),
    pytest.param((Ellipsis, np.array([3, -1, 0])), id="negative-positions-last-dim"),
    pytest.param((np.array([0, 1]), np.array([2, 0])), id="two-adjacent"),
    pytest.param((slice(None), np.array([0, 2]), np.array([3, 1])), id="adjacent-after-slice"),
    pytest.param((np.array([1, 0]), slice(None), np.array([3, 1])), id="separated-go-first"),
    pytest.param((np.array([[0], [1]]), np.array([0, 1, 2])), id="broadcast-(2,1)-(3,)"),
    pytest.param((np.array([[0], [1]]), slice(1, None), np.array([1, 2, 3])),
                 id="broadcast-separated"),
    pytest.param((None, np.array([1, 0])), id="none-then-positions"),
    pytest.param((np.array([1, 0]), None, slice(None), np.array([0, 1])),
                 id="none-separates"),
    pytest.param((slice(None), slice(1, None), np.array([0, 3])), id="after-basic-slices"),
    pytest.param((slice(None, None, 2), np.array([1, 1])), id="after-a-step"),
    pytest.param([1, 0], id="list"),
    pytest.param(([0, 1], [2, 0], [3, 3]), id="three-lists"),
    pytest.param([[0, 1], [1, 0]], id="nested-list"),
    pytest.param((slice(None), (2, 0)), id="inner-tuple-is-a-sequence"),
    pytest.param(_MASK_0, id="mask-dim0"),
    pytest.param((slice(None), _MASK_1), id="mask-dim1"),
    pytest.param((slice(None), _MASK_12), id="2d-mask"),
    pytest.param(_MASK_ALL, id="mask-everything"),
    pytest.param(np.zeros(X, np.bool_), id="all-false-mask"),
    pytest.param(np.ones(3, np.bool_)[None].repeat(2, 0), id="all-true-mask"),
    pytest.param((_MASK_0, slice(None), np.array([1, 2])), id="mask-and-positions"),
    pytest.param((slice(None), _MASK_12, ), id="mask-of-last-two"),
    pytest.param([True, False], id="list-of-bools-is-a-mask"),
]


@pytest.mark.parametrize("index", ADVANCED)
def test_advanced_indexing_matches_numpy(index: Any) -> None:
    x = root(*X)
    expected = x.numpy().copy()[index]
    result = x[_to_pb(index)]
    assert result.shape == expected.shape
    assert result.dtype is pb.float32
    np.testing.assert_array_equal(result.numpy(), expected)
    if result.numel():
        # Advanced indexing copies: the result does not alias x.
        assert result.untyped_storage() is not x.untyped_storage()


@pytest.mark.parametrize("index", ADVANCED)
def test_advanced_indexing_of_a_strided_view(index: Any) -> None:
    x = root(4, 3, 2).permute(2, 1, 0)  # (2, 3, 4), strides (1, 2, 6)
    np.testing.assert_array_equal(x[_to_pb(index)].numpy(), x.numpy()[index])


def test_int32_positions_equal_int64_positions() -> None:
    x = root(*X)
    index = (slice(None), np.array([2, -1, 0]), np.array([[1], [3]]))
    a, b = x[_to_pb(index, pb.int32)], x[_to_pb(index, pb.int64)]
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(a.numpy(), x.numpy()[index])


def test_numpy_arrays_index_like_tensors() -> None:
    x = root(*X)
    np.testing.assert_array_equal(x[np.array([1, 0])].numpy(), x.numpy()[[1, 0]])
    np.testing.assert_array_equal(x[:, np.array([True, False, True])].numpy(),
                                  x.numpy()[:, [0, 2]])


def test_ints_apply_before_index_tensors_as_in_pytorch() -> None:
    # NumPy puts the broadcast dims first for x[0, :, idx] (the int counts as an index
    # separated from idx); PyTorch selects with the int first, then indexes the view.
    x = root(*X)
    result = x[0, :, [0, 1]]
    assert result.shape == (3, 2)
    np.testing.assert_array_equal(result.numpy(), x.numpy()[0][:, [0, 1]])
    assert x.numpy()[0, :, [0, 1]].shape == (2, 3)


def test_0d_integer_tensors_stay_basic_among_index_tensors() -> None:
    x = root(*X)
    result = x[pb.tensor(1), [0, 2]]
    np.testing.assert_array_equal(result.numpy(), x.numpy()[1][[0, 2]])


@pytest.mark.parametrize(
    ("index", "shape"),
    [(True, (1, 2, 3, 4)), (False, (0, 2, 3, 4)), ((slice(None), True), (2, 1, 3, 4)),
     (pb.tensor(True), (1, 2, 3, 4)), (pb.tensor(False), (0, 2, 3, 4))],
)
def test_boolean_scalars_add_a_masked_dimension(index: Any, shape: tuple[int, ...]) -> None:
    x = root(*X)
    result = x[index]
    assert result.shape == shape
    plain = index if not isinstance(index, pb.Tensor) else bool(index.item())
    np.testing.assert_array_equal(result.numpy(), x.numpy()[plain])


def test_boolean_scalar_on_a_0d_tensor() -> None:
    x = pb.tensor(3.5)
    assert x[True].tolist() == [3.5]
    assert x[False].shape == (0,)


def test_an_empty_list_selects_nothing() -> None:
    x = root(*X)
    assert x[[]].shape == (0, 3, 4)
    assert x[:, []].shape == (2, 0, 4)


def test_masks_of_a_large_tensor() -> None:
    rng = np.random.default_rng(3)
    a = rng.standard_normal((1025, 3)).astype(np.float32)
    x = pb.tensor(a)
    mask = a[:, 0] > 0.3
    np.testing.assert_array_equal(x[pb.tensor(mask)].numpy(), a[mask])
    np.testing.assert_array_equal(x[x > 0].numpy(), a[a > 0])


def test_index_tensors_from_another_device_are_moved(plugins: Any) -> None:
    plugins.install("twin", plugins.host_backend("twin", "Twin"))
    x = pb.tensor(np.arange(6.0, dtype=np.float32), device="twin")
    # The twin backend has no kernels: its operators run on the CPU with copies.
    with pb.fallback_policy("cpu"), warnings.catch_warnings():
        warnings.simplefilter("ignore", pb.FallbackWarning)
        result = x[pb.tensor([5, 0])]
    assert result.device == x.device
    assert result.tolist() == [5.0, 0.0]


def test_provenance_of_indexing() -> None:
    from plugboard.library import Path, record_paths

    x = root(*X)
    with record_paths() as records:
        x[1:, ::2]
    assert [(r[0], r[2]) for r in records] == [("indexing:basic", Path.COMPOSITE)]
    with record_paths() as records:
        x[[1, 0]]
    names = [r[0] for r in records]
    assert names[0] == "indexing:advanced"
    assert records[0][2] is Path.COMPOSITE
    assert "pb::index_select" in names  # built from pb operators


def test_meta_tensors_index_with_positions_but_not_masks() -> None:
    x = pb.empty(2, 3, 4, device="meta")
    positions = pb.empty(5, dtype=pb.int64, device="meta")
    assert x[:, positions].shape == (2, 5, 4)
    assert x[positions, :, positions].shape == (5, 3)
    with pytest.raises(pb.IndexingError, match="meta"):
        x[pb.empty(2, dtype=pb.bool, device="meta")]


# Advanced indexing errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "fragments"),
    [
        (pb.tensor([0, 2]), ("index 2 is out of range", "dimension 0 of size 2")),
        ((slice(None), [0, -4]), ("index -4 is out of range", "dimension 1 of size 3")),
        ((0, slice(None), pb.tensor([4], dtype=pb.int32)),
         ("index 4 is out of range", "dimension 2 of size 4")),
        (pb.tensor([True, False, True]), ("mask's shape (3,)", "(2,) of dimension 0")),
        ((slice(None), pb.ones(3, 3, dtype=pb.bool)),
         ("mask's shape (3, 3)", "(3, 4) of dimensions 1 to 2")),
        ((pb.tensor([0, 1]), pb.tensor([0, 1, 2])), ("cannot be broadcast", "(2,), (3,)")),
        ((pb.ones(2, 3, dtype=pb.bool), 0, 0), ("too many indices",)),
        (([0], [0], [0], [0]), ("too many indices",)),
        ((Ellipsis, [0], Ellipsis), ("single ellipsis",)),
    ],
)
def test_advanced_indexing_errors(index: Any, fragments: tuple[str, ...]) -> None:
    error = _assert_indexing_error(root(*X), index, *fragments)
    assert "Fix:" in str(error) or "too many" in str(error) or "ellipsis" in str(error)


def test_an_empty_dimension_has_no_valid_position() -> None:
    _assert_indexing_error(pb.zeros(0, 3), pb.tensor([0]), "out of range", "size 0")
    assert pb.zeros(0, 3)[pb.tensor([], dtype=pb.int64)].shape == (0, 3)


# Advanced __setitem__ ------------------------------------------------------------------


def _put(index: Any) -> Any:
    """The NumPy write that matches PyTorch's for ``index`` (NumPy's own, here)."""

    def write(a: np.ndarray, value: Any) -> None:
        a[index] = value

    return write


SET_ADVANCED = [
    pytest.param(np.array([1, 0]), np.arange(24.0).reshape(2, 3, 4), None,
                 id="positions-full-value"),
    pytest.param(np.array([1]), 5.0, None, id="positions-number"),
    pytest.param((slice(None), np.array([2, 0])), np.arange(4.0), None, id="broadcast-value"),
    pytest.param((np.array([0, 1]), np.array([2, 0])), np.arange(8.0).reshape(2, 4), None,
                 id="two-indices"),
    pytest.param((np.array([1, 0]), slice(None), np.array([3, 1])),
                 np.arange(6.0).reshape(2, 3), None, id="separated"),
    pytest.param((0, slice(None), [1, 2]), np.arange(6.0).reshape(3, 2),
                 lambda a, v: a[0].__setitem__((slice(None), [1, 2]), v), id="int-first"),
    pytest.param(_MASK_ALL, -1.0, None, id="mask-number"),
    pytest.param(_MASK_ALL, -np.arange(float(_MASK_ALL.sum())), None, id="mask-values"),
    pytest.param((slice(None), _MASK_12), np.arange(2.0 * _MASK_12.sum()).reshape(2, -1), None,
                 id="2d-mask-values"),
    pytest.param((_MASK_0, slice(None), [1, 2]), 9.0, None, id="mask-and-positions"),
    pytest.param((slice(None), _MASK_1), np.arange(4.0), None, id="mask-broadcast-row"),
    pytest.param(np.zeros(2, np.bool_), 3.0, None, id="all-false-mask"),
    pytest.param([[0, 1]], np.ones((1, 2, 3, 4)),
                 lambda a, v: a.__setitem__([[0, 1]], v[0]), id="leading-unit-dims-of-value"),
    pytest.param(True, np.full((1, 2, 3, 4), 8.0), lambda a, v: a.__setitem__(Ellipsis, v[0]),
                 id="true"),
]


@pytest.mark.parametrize(("index", "value", "numpy_write"), SET_ADVANCED)
@pytest.mark.parametrize("as_tensor", [False, True], ids=["number-or-array", "tensor"])
def test_advanced_setitem_matches_numpy(index: Any, value: Any, numpy_write: Any,
                                        as_tensor: bool) -> None:
    x = root(*X)
    storage = x.untyped_storage()
    expected = x.numpy().copy()
    (numpy_write or _put(index))(expected, value)
    x[_to_pb(index)] = pb.tensor(np.asarray(value, np.float64)) if as_tensor else value
    np.testing.assert_array_equal(x.numpy(), expected)
    assert x.untyped_storage() is storage
    assert x.dtype is pb.float32


def test_setitem_through_a_transposed_view_writes_the_base() -> None:
    x = root(4, 6)
    expected = x.numpy().copy()
    x.mT[[1, 4], 1:3] = pb.tensor([[-1.0, -2.0], [-3.0, -4.0]])
    expected.T[[1, 4], 1:3] = [[-1.0, -2.0], [-3.0, -4.0]]
    np.testing.assert_array_equal(x.numpy(), expected)
    x.mT[x.mT > 20] = 0.0
    expected[expected > 20] = 0.0
    np.testing.assert_array_equal(x.numpy(), expected)


def test_setitem_reads_a_value_that_overlaps_the_target() -> None:
    x = root(5)
    x[[0, 1, 2]] = x[2:]  # the value is a view of x itself
    assert x.tolist() == [2.0, 3.0, 4.0, 3.0, 4.0]
    y = root(4)
    y[[0, 1, 2, 3]] = y[[3, 2, 1, 0]]
    assert y.tolist() == [3.0, 2.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("dtype", "value", "expected"),
    [
        (pb.int64, pb.tensor([1.7, -2.5]), [1, -2]),
        (pb.float16, 0.1, [0.0999755859375, 0.0999755859375]),
        (pb.bool, pb.tensor([2, 0]), [True, False]),
        (pb.uint8, 200, [200, 200]),
    ],
)
def test_advanced_setitem_casts_the_value(dtype: pb.DType, value: Any, expected: list) -> None:
    x = pb.zeros(4, dtype=dtype)
    x[[1, 3]] = value
    assert x[[1, 3]].tolist() == expected
    assert x.dtype is dtype


@pytest.mark.parametrize(
    ("index", "value", "error", "fragment"),
    [
        pytest.param([0, 7], 1.0, pb.IndexingError, "out of range", id="out-of-range"),
        pytest.param(([0, 1], [0, 3]), 1.0, pb.IndexingError, "out of range",
                     id="second-index-out-of-range"),
        pytest.param([0, 1], pb.ones(3), pb.ShapeError, "cannot be broadcast",
                     id="value-shape"),
        pytest.param(pb.ones(3, dtype=pb.bool), 1.0, pb.IndexingError, "mask's shape",
                     id="mask-shape"),
        pytest.param(_to_pb(_MASK_0), pb.ones(5, 3, 4), pb.ShapeError, "cannot be broadcast",
                     id="mask-value-shape"),
        pytest.param(pb.tensor([0.0]), 1.0, pb.IndexingError, "int64, int32 or bool",
                     id="float-index"),
    ],
)
def test_failing_advanced_setitem_leaves_x_unchanged(
    index: Any, value: Any, error: type, fragment: str
) -> None:
    x = root(*X)
    before = x.numpy().copy()
    with pytest.raises(error, match=fragment):
        x[index] = value
    np.testing.assert_array_equal(x.numpy(), before)


def test_masks_over_a_size_0_dimension() -> None:
    x = pb.zeros(2, 0, 3)
    mask = pb.zeros(0, 3, dtype=pb.bool)
    assert x[:, mask].shape == (2, 0)
    x[:, mask] = 1.0
    x[:, mask] = pb.ones(2, 1)
    assert x.shape == (2, 0, 3)


def test_empty_views_that_start_past_the_end_of_their_storage() -> None:
    x = pb.zeros(0, 3)
    assert x[:, 1:].numpy().shape == (0, 2)
    assert x.narrow(1, 2, 1).tolist() == []
    assert x[:, 2:][[]].shape == (0, 1)


def test_indexing_errors_name_the_indexing_and_its_inputs() -> None:
    x = pb.arange(6).reshape(2, 3)
    with pytest.raises(pb.IndexingError) as info:
        x[5]
    message = str(info.value)
    assert message.startswith("x[index]: index 5 is out of range for dimension 0 of size 2")
    assert "Fix: use an index in [-2, 1]" in message
    assert "inputs: x=int64[2, 3] on cpu:0, index=5" in message
    with pytest.raises(pb.IndexingError, match=r"(?s)x\[index\] = value: .*inputs: .*value=1"):
        x[0.5] = 1
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]]
