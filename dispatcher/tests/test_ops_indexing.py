"""Tests for the indexing operators: index_select, index_put and index_put_."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._ops import indexing as _ops_indexing

P = pb.ops.pb


def arange(*shape: int, dtype: pb.DType = pb.float32) -> pb.Tensor:
    return pb.tensor(np.arange(int(np.prod(shape))).reshape(shape), dtype=dtype)


def positions(*values: int, dtype: pb.DType = pb.int64) -> pb.Tensor:
    return pb.tensor(list(values), dtype=dtype)


# index_select ---------------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
@pytest.mark.parametrize("index_dtype", [pb.int64, pb.int32])
def test_index_select_matches_numpy_take(dim: int, index_dtype: pb.DType) -> None:
    x = arange(2, 3, 4)
    size = x.shape[dim]
    index = positions(size - 1, 0, 0, dtype=index_dtype)
    result = P.index_select(x, dim, index)
    expected = np.take(x.numpy(), [size - 1, 0, 0], axis=dim)
    assert result.shape == expected.shape
    assert result.dtype is pb.float32
    np.testing.assert_array_equal(result.numpy(), expected)


def test_index_select_of_strided_input_and_index() -> None:
    x = arange(4, 6).mT  # (6, 4), strides (1, 6)
    index = positions(0, 9, 5, 9, 2, 9)[::2]  # [0, 5, 2], stride 2
    np.testing.assert_array_equal(P.index_select(x, 0, index).numpy(),
                                  x.numpy()[[0, 5, 2]])


def test_index_select_corner_cases() -> None:
    x = arange(3, 4)
    assert P.index_select(x, 1, pb.tensor(2)).tolist() == [[2.0], [6.0], [10.0]]  # 0-d index
    assert P.index_select(x, 0, pb.tensor([], dtype=pb.int64)).shape == (0, 4)
    assert P.index_select(pb.tensor(7.0), 0, positions(0)).shape == ()
    assert P.index_select(pb.zeros(0, 3), 1, positions(2, 0)).shape == (0, 2)


def test_index_select_out_and_method_forms() -> None:
    x = arange(3, 4)
    out = pb.empty(2, 4)
    assert P.index_select(x, 0, positions(2, 1), out=out) is out
    assert out.tolist() == x.numpy()[[2, 1]].tolist()
    assert x.index_select(1, positions(3)).tolist() == [[3.0], [7.0], [11.0]]
    wide = pb.empty(4, 2, dtype=pb.float64).mT  # a non-contiguous out of a wider dtype
    P.index_select(x, 0, positions(0, 2), out=wide)
    np.testing.assert_array_equal(wide.numpy(), x.numpy()[[0, 2]])


@pytest.mark.parametrize(
    ("args", "error", "fragments"),
    [
        ((1, positions(0, 4)), pb.IndexingError, ("index 4 is out of range",
                                                  "dimension 1 of size 4")),
        ((0, positions(-1)), pb.IndexingError, ("index -1 is out of range", "negative")),
        ((0, pb.tensor([0.0])), pb.IndexingError, ("int64 or int32", "float32")),
        ((0, pb.tensor([True])), pb.IndexingError, ("int64 or int32", "x[mask]")),
        ((0, pb.zeros(2, 2, dtype=pb.int64)), pb.IndexingError, ("0-d or 1-D",)),
        ((2, positions(0)), pb.ShapeError, ("out of range",)),
    ],
)
def test_index_select_errors(args: tuple[Any, ...], error: type, fragments: tuple[str, ...]
                             ) -> None:
    with pytest.raises(error) as info:
        P.index_select(arange(3, 4), *args)
    message = str(info.value)
    assert message.startswith("pb::index_select: ")
    assert "Fix:" in message or error is pb.ShapeError
    for fragment in fragments:
        assert fragment in message


def test_index_select_of_a_0d_tensor_takes_one_index() -> None:
    with pytest.raises(pb.IndexingError, match="one index"):
        P.index_select(pb.tensor(1.0), 0, positions(0, 0))


# index_put ----------------------------------------------------------------------------


def _numpy_put(a: np.ndarray, indices: tuple[Any, ...], values: Any,
               accumulate: bool = False) -> np.ndarray:
    out = a.copy()
    key = tuple(slice(None) if i is None else np.asarray(i) for i in indices)
    if accumulate:
        np.add.at(out, key, values)
    else:
        out[key] = values
    return out


PUTS = [
    pytest.param((positions(2, 0),), np.ones((2, 4, 5)), id="rows"),
    pytest.param((positions(2, 0),), np.arange(5.0), id="broadcast-values"),
    pytest.param((None, positions(3, 1)), np.arange(10.0).reshape(2, 5), id="None-first"),
    pytest.param((positions(0, 1), positions(3, 0)), np.arange(10.0).reshape(2, 5),
                 id="adjacent"),
    pytest.param((positions(1, 2), None, positions(4, 0)), np.arange(8.0).reshape(2, 4),
                 id="separated"),
    pytest.param((positions(0, 2).reshape(2, 1), positions(1, 2, 3)),
                 np.arange(30.0).reshape(2, 3, 5), id="broadcast-indices"),
    pytest.param((positions(-1, -3),), 7.0, id="negative"),
    pytest.param((positions(2, 0, dtype=pb.int32),), 1.0, id="int32"),
    pytest.param((pb.tensor([], dtype=pb.int64),), np.zeros((0, 4, 5)), id="no-positions"),
]


@pytest.mark.parametrize(("indices", "values"), PUTS)
def test_index_put_matches_numpy(indices: tuple[Any, ...], values: Any) -> None:
    x = arange(3, 4, 5)
    before = x.numpy().copy()
    v = pb.tensor(np.asarray(values, np.float32))
    result = P.index_put(x, indices, v)
    np.testing.assert_array_equal(result.numpy(), _numpy_put(before, indices, values))
    np.testing.assert_array_equal(x.numpy(), before)  # functional: x is unchanged
    assert result.untyped_storage() is not x.untyped_storage()


@pytest.mark.parametrize(("indices", "values"), PUTS)
def test_index_put_inplace_matches_numpy(indices: tuple[Any, ...], values: Any) -> None:
    x = arange(3, 4, 5)
    expected = _numpy_put(x.numpy(), indices, values)
    result = x.index_put_(indices, pb.tensor(np.asarray(values, np.float32)))
    assert result is x
    np.testing.assert_array_equal(x.numpy(), expected)


def test_index_put_accumulates_repeated_positions() -> None:
    x = pb.zeros(3, 2)
    values = pb.tensor([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]])
    assert P.index_put(x, (positions(0, 2, 0),), values, True).tolist() == [
        [101.0, 202.0], [0.0, 0.0], [10.0, 20.0]]
    counts = pb.zeros(4, dtype=pb.int64)
    counts.index_put_((positions(1, 1, 1, 3),), pb.tensor(1), accumulate=True)
    assert counts.tolist() == [0, 3, 0, 1]


def test_index_put_out_form_and_its_own_input_as_out() -> None:
    x = arange(3, 2)
    out = pb.empty(3, 2)
    assert P.index_put(x, (positions(1),), pb.tensor([-1.0, -2.0]), out=out) is out
    assert out.tolist() == [[0.0, 1.0], [-1.0, -2.0], [4.0, 5.0]]
    assert P.index_put(x, (positions(0),), pb.tensor(9.0), out=x) is x
    assert x.tolist() == [[9.0, 9.0], [2.0, 3.0], [4.0, 5.0]]


def test_index_put_inplace_into_a_strided_view() -> None:
    x = arange(4, 6)
    expected = x.numpy().copy()
    x.mT.index_put_((positions(5, 0), positions(1, 3)), pb.tensor([-1.0, -2.0]))
    expected.T[[5, 0], [1, 3]] = [-1.0, -2.0]
    np.testing.assert_array_equal(x.numpy(), expected)


def test_the_inplace_composite_agrees_with_the_native_kernel() -> None:
    # The decomposition every backend with the index_put primitive runs.
    x, y = arange(3, 4), arange(3, 4)
    indices = (positions(2, 0, 2), positions(1, 1, 1))
    values = pb.tensor([1.0, 2.0, 3.0])
    assert _ops_indexing._index_put_inplace(x, indices, values, True) is x
    y.index_put_(indices, values, accumulate=True)
    np.testing.assert_array_equal(x.numpy(), y.numpy())


@pytest.mark.parametrize(
    ("indices", "values", "error", "fragments"),
    [
        ((positions(0, 3),), pb.ones(4), pb.IndexingError,
         ("index 3 is out of range", "dimension 0 of size 3")),
        ((None, positions(-5)), pb.ones(1), pb.IndexingError, ("dimension 1 of size 4",)),
        ((positions(0),), pb.ones(4, dtype=pb.float64), pb.DTypeError,
         ("float64", "float32", "values.to(pb.float32)")),
        ((pb.tensor([0.0]),), pb.ones(4), pb.IndexingError, ("int64 or int32",)),
        ((pb.tensor([True, False, True]),), pb.ones(4), pb.IndexingError, ("x[mask]",)),
        ((positions(0, 1),), pb.ones(3), pb.ShapeError, ("(3,)", "indexed shape (2, 4)")),
        ((positions(0, 1), positions(0, 1, 2)), pb.ones(1), pb.IndexingError,
         ("cannot be broadcast",)),
        ((None, None), pb.ones(1), pb.IndexingError, ("at least one index tensor",)),
        ((positions(0), positions(0), positions(0)), pb.ones(1), pb.IndexingError,
         ("too many indices",)),
        ((), pb.ones(1), pb.IndexingError, ("at least one index tensor",)),
    ],
)
@pytest.mark.parametrize("inplace", [False, True], ids=["index_put", "index_put_"])
def test_index_put_errors_leave_the_tensor_unchanged(
    indices: tuple[Any, ...], values: pb.Tensor, error: type, fragments: tuple[str, ...],
    inplace: bool,
) -> None:
    x = arange(3, 4)
    before = x.numpy().copy()
    op = P.index_put_ if inplace else P.index_put
    with pytest.raises(error) as info:
        op(x, indices, values)
    message = str(info.value)
    assert message.startswith("pb::index_put")
    assert "Fix:" in message or "too many" in message
    for fragment in fragments:
        assert fragment in message
    np.testing.assert_array_equal(x.numpy(), before)


def test_index_put_takes_values_as_a_tensor() -> None:
    with pytest.raises(pb.ArgumentError, match="values"):
        P.index_put(arange(3), (positions(0),), 1.0)


# Shapes on the meta device ----------------------------------------------------------------


def test_meta_shapes() -> None:
    x = pb.empty(3, 4, 5, device="meta")
    i = pb.empty(2, 6, dtype=pb.int64, device="meta")
    assert P.index_select(x, 1, pb.empty(7, dtype=pb.int32, device="meta")).shape == (3, 7, 5)
    assert P.index_put(x, (None, i), pb.empty(5, device="meta")).shape == (3, 4, 5)
    assert P.index_put_(x, (i, None, i), pb.empty(1, device="meta")) is x
    with pytest.raises(pb.ShapeError, match="indexed shape"):
        P.index_put(x, (i, None, i), pb.empty(5, device="meta"))


@pytest.mark.parametrize(
    ("shape", "indices", "expected"),
    [
        ((3, 4, 5), [(2,)], (2, 4, 5)),
        ((3, 4, 5), [None, (2, 1), (6,)], (3, 2, 6)),
        ((3, 4, 5), [(2,), None, (2,)], (2, 4)),
        ((3, 4, 5), [None, None, (7,)], (3, 4, 7)),
        ((3, 4), [(0,)], (0, 4)),
    ],
)
def test_indexed_shape_follows_the_adjacency_rule(
    shape: tuple[int, ...], indices: list[Any], expected: tuple[int, ...]
) -> None:
    tensors = [None if s is None else pb.empty(*s, dtype=pb.int64, device="meta")
               for s in indices]
    assert _ops_indexing.indexed_shape(shape, tensors)[0] == expected
    a = np.zeros(shape)
    key = tuple(slice(None) if s is None else np.zeros(s, np.int64) for s in indices)
    assert a[key].shape == expected
