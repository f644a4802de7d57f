"""The fast paths of x[...] (plain ints and slices, one integer tensor, x[...] = number)
agree with NumPy, and leave errors and autograd to the general path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plugboard as pb

SHAPE = (4, 5, 3)


def _item(size: int) -> st.SearchStrategy[Any]:
    bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
    return st.one_of(
        st.integers(-size, size - 1),
        st.builds(slice, bound, bound, st.one_of(st.none(), st.integers(1, 3))),
    )


_basic_index = st.lists(st.integers(0, 2), min_size=0, max_size=3).flatmap(
    lambda dims: st.tuples(*(_item(SHAPE[d]) for d in range(len(dims))))
)


@settings(max_examples=150, deadline=None)
@given(_basic_index, st.booleans())
def test_ints_and_slices_match_numpy(index: tuple[Any, ...], bare: bool) -> None:
    a = np.arange(60, dtype=np.float32).reshape(SHAPE)
    x = pb.tensor(a)
    key: Any = index[0] if bare and len(index) == 1 else index
    view = x[key]
    np.testing.assert_array_equal(view.numpy(), a[key])
    assert view.shape == a[key].shape


@settings(max_examples=100, deadline=None)
@given(_basic_index, st.floats(-4, 4, width=32))
def test_setitem_number_matches_numpy(index: tuple[Any, ...], value: float) -> None:
    a = np.arange(60, dtype=np.float32).reshape(SHAPE)
    x = pb.tensor(a.copy())
    a[index] = value
    x[index] = value
    np.testing.assert_array_equal(x.numpy(), a)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-4, 3), max_size=6), st.integers(0, 2),
       st.sampled_from([np.int64, np.int32]))
def test_one_index_tensor_matches_numpy(positions: list[int], dim: int,
                                        dtype: type) -> None:
    a = np.arange(64, dtype=np.float32).reshape(4, 4, 4)
    x = pb.tensor(a)
    idx = np.array(positions, dtype=dtype)
    key = (slice(None),) * dim + (pb.tensor(idx),)
    np.testing.assert_array_equal(x[key].numpy(), a[(slice(None),) * dim + (idx,)])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-6, 5), max_size=6), st.sampled_from([np.int64, np.int32]),
       st.booleans())
def test_a_bare_index_tensor_matches_numpy(positions: list[int], dtype: type,
                                           strided: bool) -> None:
    a = np.arange(40, dtype=np.float32).reshape(5, 8)
    x = pb.tensor(a)
    if strided:  # a view: the gather reads its strides
        a, x = a[::2, 1::3], x[::2, 1::3]
    idx = np.array(positions, dtype=dtype)
    if all(-a.shape[0] <= p < a.shape[0] for p in positions):
        result = x[pb.tensor(idx)]
        np.testing.assert_array_equal(result.numpy(), a[idx])
        assert result.dtype == pb.float32 and result.is_contiguous()
    else:
        with pytest.raises(pb.IndexingError, match="out of range for dimension 0"):
            x[pb.tensor(idx)]


@pytest.mark.parametrize("index, message", [
    (7, "index 7 is out of range for dimension 0 of size 4"),
    ((0, 0, 0, 0), "too many indices"),
    ((slice(None, None, -1),), "slice steps must be positive"),
    ((slice(None, None, 0),), "slice step cannot be zero"),
])
def test_errors_keep_their_messages(index: Any, message: str) -> None:
    x = pb.zeros(4, 5, 3)
    with pytest.raises(pb.IndexingError, match=message):
        x[index]
    with pytest.raises(pb.IndexingError, match=message):
        x[index] = 1.0


def test_index_tensor_errors() -> None:
    x = pb.zeros(4, 5)
    with pytest.raises(pb.IndexingError, match="index 4 is out of range for dimension 0"):
        x[pb.tensor([0, 4])]
    with pytest.raises(pb.IndexingError, match="must be int64, int32 or bool"):
        x[pb.tensor([0.0])]


def test_setitem_number_checks_dtype() -> None:
    x = pb.zeros(3, dtype=pb.int64)
    with pytest.raises(pb.PlugboardError):
        x[0] = 2.5
    assert x.tolist() == [0, 0, 0]


def test_autograd_through_fast_forms() -> None:
    x = pb.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    (x[1].sum() + x[:, 2].sum() + x[pb.tensor([0, 2, -1])].sum()).backward()
    expected = np.zeros((3, 4), np.float32)
    expected[1] += 1
    expected[:, 2] += 1
    np.add.at(expected, [0, 2, 2], 1)
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), expected)
