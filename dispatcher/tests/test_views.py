"""Tests for the view operators: layout metadata, values against NumPy, shared storage."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import as_strided as np_as_strided

import plugboard as pb

ITEM = np.dtype(np.float32).itemsize


def root(*shape: int) -> pb.Tensor:
    """A contiguous float32 tensor whose values are their storage positions."""
    return pb.tensor(np.arange(math.prod(shape), dtype=np.float32).reshape(shape))


def transposed() -> pb.Tensor:
    """A (6, 4) tensor with strides (1, 6): the transpose of a contiguous (4, 6) one."""
    return root(4, 6).mT


def writes_through(v: pb.Tensor, x: pb.Tensor) -> None:
    """Write new values through ``v``; check they land in ``x`` where ``v`` looks.

    ``x`` holds distinct values, so each element of ``v`` names its element of ``x``.
    """
    before = x.numpy().copy()
    seen = v.numpy().copy()
    new = -1.0 - np.arange(v.numel(), dtype=np.float32).reshape(v.shape)
    v.copy_(pb.tensor(new))
    flat = before.reshape(-1)
    order = np.argsort(flat)
    where = order[np.searchsorted(flat, seen.reshape(-1), sorter=order)]
    expected = flat.copy()
    expected[where] = new.reshape(-1)
    np.testing.assert_array_equal(x.numpy(), expected.reshape(x.shape))
    np.testing.assert_array_equal(v.numpy(), new)


def check_view(
    v: pb.Tensor,
    x: pb.Tensor,
    expected: np.ndarray,
    shape: tuple[int, ...],
    stride: tuple[int, ...],
    offset: int,
    writable: bool = True,
) -> None:
    assert v.shape == shape
    assert expected.shape == shape
    assert v.stride() == stride
    assert v.storage_offset() == offset
    assert v.dtype == x.dtype
    assert v.device == x.device
    np.testing.assert_array_equal(v.numpy(), expected)
    assert v.untyped_storage() is x.untyped_storage()
    if writable:
        writes_through(v, x)


Case = Callable[[], pb.Tensor]
Op = Callable[[pb.Tensor], Any]
NpOp = Callable[[np.ndarray], Any]


def case(
    make: Case, op: Op, np_op: NpOp, shape: tuple[int, ...], stride: tuple[int, ...],
    offset: int = 0, *, writable: bool = True, id: str,
) -> Any:
    return pytest.param(make, op, np_op, shape, stride, offset, writable, id=id)


A = lambda: root(2, 3, 4)  # noqa: E731 - strides (12, 4, 1)
M = lambda: root(3, 4)  # noqa: E731 - strides (4, 1)
S = lambda: root(1, 3, 1, 2)  # noqa: E731 - strides (6, 2, 2, 1)
V = lambda: root(10)  # noqa: E731
SCALAR = lambda: pb.tensor(5.0)  # noqa: E731
GRID = lambda: root(4, 5)  # noqa: E731
LINE = lambda: root(12)  # noqa: E731
COLUMN = lambda: root(3, 1)  # noqa: E731
WIDE = lambda: root(2, 12)  # noqa: E731
EMPTY = lambda: root(0, 3)  # noqa: E731
ONE = lambda: root(1)  # noqa: E731

VIEWS = [
    # view
    case(A, lambda x: x.view(4, 6), lambda a: a.reshape(4, 6), (4, 6), (6, 1), id="view-4x6"),
    case(A, lambda x: x.view(-1), lambda a: a.reshape(-1), (24,), (1,), id="view-flat"),
    case(A, lambda x: x.view((2, -1)), lambda a: a.reshape(2, -1), (2, 12), (12, 1),
         id="view-infer"),
    case(A, lambda x: pb.view(x, [2, 3, 2, 2]), lambda a: a.reshape(2, 3, 2, 2), (2, 3, 2, 2),
         (12, 4, 2, 1), id="view-split-dim"),
    case(A, lambda x: x.view(1, 24, 1), lambda a: a.reshape(1, 24, 1), (1, 24, 1), (24, 1, 1),
         id="view-unit-dims"),
    case(transposed, lambda x: x.view(6, 2, 2), lambda a: a.reshape(6, 2, 2), (6, 2, 2),
         (1, 12, 6), id="view-of-transposed-splits-a-dim"),
    case(lambda: root(3, 1, 4), lambda x: x.view(3, 4), lambda a: a.reshape(3, 4), (3, 4),
         (4, 1), id="view-drops-unit-dim"),
    case(SCALAR, lambda x: x.view(1, 1), lambda a: a.reshape(1, 1), (1, 1), (1, 1),
         id="view-0d-to-2d"),
    case(lambda: root(1), lambda x: x.view(()), lambda a: a.reshape(()), (), (), id="view-to-0d"),
    case(lambda: root(0, 3), lambda x: x.view(3, 0), lambda a: a.reshape(3, 0), (3, 0), (1, 1),
         id="view-empty"),
    # reshape as a view
    case(A, lambda x: x.reshape(4, 6), lambda a: a.reshape(4, 6), (4, 6), (6, 1),
         id="reshape-view"),
    case(transposed, lambda x: pb.reshape(x, (6, 2, 2)), lambda a: a.reshape(6, 2, 2),
         (6, 2, 2), (1, 12, 6), id="reshape-view-of-transposed"),
    # as_strided
    case(lambda: root(12), lambda x: x.as_strided((2, 2), (4, 1), 1),
         lambda a: np_as_strided(a[1:], (2, 2), (4 * ITEM, ITEM)), (2, 2), (4, 1), 1,
         id="as_strided-offset"),
    case(lambda: root(12), lambda x: pb.as_strided(x, (3, 3), (1, 1)),
         lambda a: np_as_strided(a, (3, 3), (ITEM, ITEM)), (3, 3), (1, 1), 0, writable=False,
         id="as_strided-overlapping-windows"),
    case(lambda: root(12)[2:], lambda x: x.as_strided((2,), (3,)),
         lambda a: np_as_strided(a, (2,), (3 * ITEM,)), (2,), (3,), 2,
         id="as_strided-keeps-offset"),
    case(lambda: root(12), lambda x: x.as_strided((2, 3), (0, 2)),
         lambda a: np_as_strided(a, (2, 3), (0, 2 * ITEM)), (2, 3), (0, 2), 0, writable=False,
         id="as_strided-zero-stride"),
    # permute
    case(A, lambda x: x.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), (4, 2, 3), (1, 12, 4),
         id="permute"),
    case(A, lambda x: x.permute((1, 2, 0)), lambda a: a.transpose(1, 2, 0), (3, 4, 2),
         (4, 1, 12), id="permute-tuple"),
    case(A, lambda x: pb.permute(x, [-1, -3, -2]), lambda a: a.transpose(2, 0, 1), (4, 2, 3),
         (1, 12, 4), id="permute-negative"),
    case(transposed, lambda x: x.permute(1, 0), lambda a: a.T, (4, 6), (6, 1),
         id="permute-back-to-contiguous"),
    # transpose, t, T, mT
    case(A, lambda x: x.transpose(0, 2), lambda a: a.swapaxes(0, 2), (4, 3, 2), (1, 4, 12),
         id="transpose"),
    case(A, lambda x: pb.transpose(x, -1, -2), lambda a: a.swapaxes(-1, -2), (2, 4, 3),
         (12, 1, 4), id="transpose-negative"),
    case(A, lambda x: x.transpose(1, 1), lambda a: a, (2, 3, 4), (12, 4, 1), id="transpose-same"),
    case(M, lambda x: x.t(), lambda a: a.T, (4, 3), (1, 4), id="t-2d"),
    case(V, pb.t, lambda a: a, (10,), (1,), id="t-1d"),
    case(SCALAR, lambda x: x.t(), lambda a: a, (), (), id="t-0d"),
    case(A, lambda x: x.T, lambda a: a.T, (4, 3, 2), (1, 4, 12), id="T-3d"),
    case(M, lambda x: x.T, lambda a: a.T, (4, 3), (1, 4), id="T-2d"),
    case(A, lambda x: x.mT, lambda a: a.swapaxes(-1, -2), (2, 4, 3), (12, 1, 4), id="mT"),
    case(transposed, lambda x: x.mT, lambda a: a.T, (4, 6), (6, 1), id="mT-of-transposed"),
    # expand (elements repeat, so nothing is written through)
    case(lambda: root(3, 1), lambda x: x.expand(3, 4), lambda a: np.broadcast_to(a, (3, 4)),
         (3, 4), (1, 0), writable=False, id="expand"),
    case(lambda: root(3, 1), lambda x: x.expand(2, 3, 4),
         lambda a: np.broadcast_to(a, (2, 3, 4)), (2, 3, 4), (0, 1, 0), writable=False,
         id="expand-new-leading-dim"),
    case(lambda: root(3, 1), lambda x: x.expand(-1, 4), lambda a: np.broadcast_to(a, (3, 4)),
         (3, 4), (1, 0), writable=False, id="expand-minus-one"),
    case(lambda: root(3, 1), lambda x: pb.expand(x, (2, -1, -1)),
         lambda a: np.broadcast_to(a, (2, 3, 1)), (2, 3, 1), (0, 1, 1), writable=False,
         id="expand-keep-dims"),
    case(SCALAR, lambda x: x.expand(2, 2), lambda a: np.broadcast_to(a, (2, 2)), (2, 2), (0, 0),
         writable=False, id="expand-0d"),
    case(lambda: root(3, 1), lambda x: x.expand(3, 0), lambda a: np.broadcast_to(a, (3, 0)),
         (3, 0), (1, 0), writable=False, id="expand-to-empty"),
    case(M, lambda x: x.expand(3, 4), lambda a: a, (3, 4), (4, 1), id="expand-same-shape"),
    # squeeze
    case(S, lambda x: x.squeeze(), lambda a: a.squeeze(), (3, 2), (2, 1), id="squeeze-all"),
    case(S, lambda x: x.squeeze(0), lambda a: a.squeeze(0), (3, 1, 2), (2, 2, 1),
         id="squeeze-dim"),
    case(S, lambda x: x.squeeze(-2), lambda a: a.squeeze(-2), (1, 3, 2), (6, 2, 1),
         id="squeeze-negative-dim"),
    case(S, lambda x: pb.squeeze(x, [0, 2]), lambda a: a.squeeze((0, 2)), (3, 2), (2, 1),
         id="squeeze-dims"),
    case(S, lambda x: x.squeeze(1), lambda a: a, (1, 3, 1, 2), (6, 2, 2, 1),
         id="squeeze-non-unit-dim-is-a-no-op"),
    case(SCALAR, lambda x: x.squeeze(), lambda a: a, (), (), id="squeeze-0d"),
    case(SCALAR, lambda x: x.squeeze(0), lambda a: a, (), (), id="squeeze-0d-dim"),
    # unsqueeze
    case(M, lambda x: x.unsqueeze(0), lambda a: a[None], (1, 3, 4), (12, 4, 1),
         id="unsqueeze-0"),
    case(M, lambda x: x.unsqueeze(1), lambda a: a[:, None], (3, 1, 4), (4, 4, 1),
         id="unsqueeze-1"),
    case(M, lambda x: pb.unsqueeze(x, 2), lambda a: a[..., None], (3, 4, 1), (4, 1, 1),
         id="unsqueeze-last"),
    case(M, lambda x: x.unsqueeze(-1), lambda a: a[..., None], (3, 4, 1), (4, 1, 1),
         id="unsqueeze-minus-1"),
    case(M, lambda x: x.unsqueeze(-3), lambda a: a[None], (1, 3, 4), (12, 4, 1),
         id="unsqueeze-minus-3"),
    case(SCALAR, lambda x: x.unsqueeze(0), lambda a: a[None], (1,), (1,), id="unsqueeze-0d"),
    # flatten
    case(A, lambda x: x.flatten(), lambda a: a.reshape(-1), (24,), (1,), id="flatten"),
    case(A, lambda x: x.flatten(1), lambda a: a.reshape(2, 12), (2, 12), (12, 1),
         id="flatten-start"),
    case(A, lambda x: pb.flatten(x, 0, 1), lambda a: a.reshape(6, 4), (6, 4), (4, 1),
         id="flatten-range"),
    case(A, lambda x: x.flatten(-2, -1), lambda a: a.reshape(2, 12), (2, 12), (12, 1),
         id="flatten-negative"),
    case(A, lambda x: x.flatten(1, 1), lambda a: a, (2, 3, 4), (12, 4, 1), id="flatten-one-dim"),
    case(lambda: root(2, 3, 4).permute(2, 0, 1), lambda x: x.flatten(1),
         lambda a: a.reshape(4, 6), (4, 6), (1, 4), id="flatten-contiguous-run-of-a-permute"),
    case(SCALAR, lambda x: x.flatten(), lambda a: a.reshape(1), (1,), (1,), id="flatten-0d"),
    # unflatten
    case(lambda: root(2, 12), lambda x: x.unflatten(1, (3, 4)), lambda a: a.reshape(2, 3, 4),
         (2, 3, 4), (12, 4, 1), id="unflatten"),
    case(lambda: root(2, 12), lambda x: pb.unflatten(x, -1, (-1, 4)),
         lambda a: a.reshape(2, 3, 4), (2, 3, 4), (12, 4, 1), id="unflatten-infer"),
    case(lambda: root(2, 12), lambda x: x.unflatten(0, (1, 2)), lambda a: a.reshape(1, 2, 12),
         (1, 2, 12), (24, 12, 1), id="unflatten-unit"),
    # narrow
    case(lambda: root(4, 5), lambda x: x.narrow(0, 1, 2), lambda a: a[1:3], (2, 5), (5, 1), 5,
         id="narrow"),
    case(lambda: root(4, 5), lambda x: pb.narrow(x, 1, -3, 2), lambda a: a[:, 2:4], (4, 2),
         (5, 1), 2, id="narrow-negative-start"),
    case(lambda: root(4, 5), lambda x: x.narrow(-1, 0, 5), lambda a: a, (4, 5), (5, 1), 0,
         id="narrow-whole"),
    case(lambda: root(4, 5), lambda x: x.narrow(1, 5, 0), lambda a: a[:, 5:], (4, 0), (5, 1), 5,
         id="narrow-empty-at-end"),
    case(transposed, lambda x: x.narrow(1, 1, 2), lambda a: a[:, 1:3], (6, 2), (1, 6), 6,
         id="narrow-of-transposed"),
    # select
    case(A, lambda x: x.select(1, 2), lambda a: a[:, 2], (2, 4), (12, 1), 8, id="select"),
    case(A, lambda x: pb.select(x, -1, -1), lambda a: a[..., -1], (2, 3), (12, 4), 3,
         id="select-negative"),
    case(A, lambda x: x.select(0, 1), lambda a: a[1], (3, 4), (4, 1), 12, id="select-first-dim"),
    case(V, lambda x: x.select(0, 7), lambda a: a[7], (), (), 7, id="select-to-0d"),
    # diagonal
    case(M, lambda x: x.diagonal(), lambda a: a.diagonal(), (3,), (5,), 0, id="diagonal"),
    case(M, lambda x: x.diagonal(1), lambda a: a.diagonal(1), (3,), (5,), 1,
         id="diagonal-above"),
    case(M, lambda x: pb.diagonal(x, -1), lambda a: a.diagonal(-1), (2,), (5,), 4,
         id="diagonal-below"),
    case(M, lambda x: x.diagonal(3), lambda a: a.diagonal(3), (1,), (5,), 3,
         id="diagonal-corner"),
    case(M, lambda x: x.diagonal(0, 1, 0), lambda a: a.diagonal(0, 1, 0), (3,), (5,), 0,
         id="diagonal-swapped-dims"),
    case(A, lambda x: x.diagonal(0, 1, 2), lambda a: a.diagonal(0, 1, 2), (2, 3), (12, 5), 0,
         id="diagonal-batched"),
    case(A, lambda x: x.diagonal(1, -1, 0), lambda a: a.diagonal(1, 2, 0), (3, 1), (4, 13), 12,
         id="diagonal-offset-negative-dims"),
    case(A, lambda x: x.diagonal(offset=-1, dim1=1, dim2=2), lambda a: a.diagonal(-1, 1, 2),
         (2, 2), (12, 5), 4, id="diagonal-keywords"),
]


@pytest.mark.parametrize(
    ("make", "op", "np_op", "shape", "stride", "offset", "writable"), VIEWS
)
def test_view(
    make: Case, op: Op, np_op: NpOp, shape: tuple[int, ...], stride: tuple[int, ...],
    offset: int, writable: bool,
) -> None:
    x = make()
    expected = np.array(np_op(x.numpy().copy()))
    v = op(x)
    check_view(v, x, expected, shape, stride, offset, writable)


@pytest.mark.parametrize(
    ("make", "op"),
    [
        (M, lambda x: x.diagonal(4)),
        (M, lambda x: x.diagonal(-3)),
        (M, lambda x: x.diagonal(10)),
    ],
)
def test_diagonal_past_the_corner_is_empty(make: Case, op: Op) -> None:
    x = make()
    v = op(x)
    assert v.shape == (0,)
    assert v.numpy().size == 0
    assert v.untyped_storage() is x.untyped_storage()


def test_writes_to_the_base_show_in_the_view() -> None:
    x = root(3, 4)
    v = x.mT[1:, ::2]
    e = x.expand(2, 3, 4)
    x.copy_(pb.tensor(np.full((3, 4), 7.0, dtype=np.float32)))
    assert v.numpy().tolist() == [[7.0, 7.0]] * 3
    assert (e.numpy() == 7.0).all()


def test_expanded_view_follows_its_base() -> None:
    x = root(3, 1)
    e = x.expand(2, 3, 4)
    x[1, 0] = 100.0
    np.testing.assert_array_equal(e.numpy()[:, 1, :], np.full((2, 4), 100.0))
    np.testing.assert_array_equal(e.numpy()[:, 0, :], np.zeros((2, 4)))


def test_views_of_views_share_one_storage() -> None:
    x = root(2, 3, 4)
    v = x.permute(2, 0, 1).select(0, 1).unsqueeze(0).expand(3, 2, 3)[1].t()
    np.testing.assert_array_equal(v.numpy(), np.arange(24.0).reshape(2, 3, 4)[:, :, 1].T)
    assert v.untyped_storage() is x.untyped_storage()
    assert v.stride() == (4, 12)
    assert v.storage_offset() == 1


# reshape: a view when the layout allows, a copy otherwise -----------------------------


@pytest.mark.parametrize(
    ("make", "shape", "np_op"),
    [
        pytest.param(transposed, (-1,), lambda a: a.reshape(-1), id="transposed-flat"),
        pytest.param(transposed, (4, 6), lambda a: a.reshape(4, 6), id="transposed-4x6"),
        pytest.param(lambda: root(2, 3, 4).mT, (2, 12), lambda a: a.reshape(2, 12), id="mT"),
        pytest.param(lambda: root(4, 6)[:, :3], (12,), lambda a: a.reshape(12), id="gap"),
        pytest.param(lambda: root(4, 6)[::2, ::2], (6,), lambda a: a.reshape(6), id="steps"),
    ],
)
def test_reshape_copies_when_no_view_exists(
    make: Case, shape: tuple[int, ...], np_op: NpOp
) -> None:
    x = make()
    before = x.numpy().copy()
    with pytest.raises(pb.ShapeError):
        x.view(shape)
    r = x.reshape(shape)
    np.testing.assert_array_equal(r.numpy(), np_op(before))
    assert r.untyped_storage() is not x.untyped_storage()
    assert r.is_contiguous()
    r.copy_(pb.zeros(r.shape))
    np.testing.assert_array_equal(x.numpy(), before)


def test_flatten_copies_when_no_view_exists() -> None:
    x = transposed()
    f = x.flatten()
    np.testing.assert_array_equal(f.numpy(), np.arange(24.0).reshape(4, 6).T.reshape(-1))
    assert f.untyped_storage() is not x.untyped_storage()


def test_unflatten_of_a_contiguous_dim_of_a_transposed_tensor_is_a_view() -> None:
    x = transposed()  # (6, 4) strides (1, 6)
    v = x.unflatten(1, (2, 2))
    check_view(v, x, x.numpy().copy().reshape(6, 2, 2), (6, 2, 2), (1, 12, 6), 0)


# Errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "op", "error", "fragment"),
    [
        pytest.param(transposed, lambda x: x.view(-1), pb.ShapeError, "reshape",
                     id="transposed-view(-1)"),
        pytest.param(transposed, lambda x: x.view(24), pb.ShapeError, "copy",
                     id="transposed-view(24)"),
        pytest.param(A, lambda x: x.view(5, 5), pb.ShapeError, "24 elements", id="view(5,5)"),
        pytest.param(A, lambda x: x.view(-1, -1), pb.ShapeError, "-1", id="view(-1,-1)"),
        pytest.param(A, lambda x: x.view(7, -1), pb.ShapeError, "invalid", id="view(7,-1)"),
        pytest.param(A, lambda x: x.view(-2, -12), pb.ShapeError, "invalid", id="view(-2,-12)"),
        pytest.param(A, lambda x: x.reshape(5, -1), pb.ShapeError, "invalid", id="reshape(5,-1)"),
        pytest.param(EMPTY, lambda x: x.view(-1, 0), pb.ShapeError, "invalid", id="view(-1,0)"),
        pytest.param(LINE, lambda x: x.as_strided((3,), (100,)), pb.ShapeError, "beyond",
                     id="as_strided((3,),(100,))"),
        pytest.param(LINE, lambda x: x.as_strided((2,), (-1,)), pb.ShapeError, "non-negative",
                     id="as_strided((2,),(-1,))"),
        pytest.param(LINE, lambda x: x.as_strided((2,), (1,), -1), pb.ShapeError, "non-negative",
                     id="as_strided((2,),(1,),-1)"),
        pytest.param(LINE, lambda x: x.as_strided((2,), (1, 1)), pb.ShapeError, "same length",
                     id="as_strided((2,),(1,1))"),
        pytest.param(LINE, lambda x: x.as_strided((2, 2), (1, 1), 11), pb.ShapeError, "beyond",
                     id="as_strided((2,2),(1,1),11)"),
        pytest.param(A, lambda x: x.permute(0, 1), pb.ShapeError, "one entry per dimension",
                     id="permute(0,1)"),
        pytest.param(A, lambda x: x.permute(0, 0, 1), pb.ShapeError, "twice", id="permute(0,0,1)"),
        pytest.param(A, lambda x: x.permute(0, 1, 3), pb.ShapeError, "out of range",
                     id="permute(0,1,3)"),
        pytest.param(A, lambda x: x.transpose(0, 3), pb.ShapeError, "out of range",
                     id="transpose(0,3)"),
        pytest.param(SCALAR, lambda x: x.transpose(0, 1), pb.ShapeError, "out of range",
                     id="0d-transpose(0,1)"),
        pytest.param(A, lambda x: x.t(), pb.ShapeError, "<= 2 dimensions", id="t()"),
        pytest.param(V, lambda x: x.mT, pb.ShapeError, "out of range", id="mT"),
        pytest.param(COLUMN, lambda x: x.expand(4, 4), pb.ShapeError, "size-1", id="expand(4,4)"),
        pytest.param(COLUMN, lambda x: x.expand(4), pb.ShapeError, "fewer dimensions",
                     id="expand(4)"),
        pytest.param(COLUMN, lambda x: x.expand(-1, 3, 4), pb.ShapeError, "leading",
                     id="expand(-1,3,4)"),
        pytest.param(ONE, lambda x: x.expand(-2), pb.ShapeError, "-2", id="expand(-2)"),
        pytest.param(COLUMN, lambda x: x.expand(3, -5), pb.ShapeError, "-5", id="expand(3,-5)"),
        pytest.param(S, lambda x: x.squeeze(4), pb.ShapeError, "out of range", id="squeeze(4)"),
        pytest.param(M, lambda x: x.unsqueeze(3), pb.ShapeError, "out of range", id="unsqueeze(3)"),
        pytest.param(M, lambda x: x.unsqueeze(-4), pb.ShapeError, "out of range",
                     id="unsqueeze(-4)"),
        pytest.param(A, lambda x: x.flatten(2, 1), pb.ShapeError, "comes after", id="flatten(2,1)"),
        pytest.param(WIDE, lambda x: x.unflatten(1, (5, 3)), pb.ShapeError, "invalid",
                     id="unflatten(1,(5,3))"),
        pytest.param(GRID, lambda x: x.narrow(0, 3, 2), pb.IndexingError, "out of range",
                     id="narrow(0,3,2)"),
        pytest.param(GRID, lambda x: x.narrow(0, -5, 1), pb.IndexingError, "out of range",
                     id="narrow(0,-5,1)"),
        pytest.param(GRID, lambda x: x.narrow(0, 0, -1), pb.IndexingError, "out of range",
                     id="narrow(0,0,-1)"),
        pytest.param(GRID, lambda x: x.narrow(2, 0, 1), pb.ShapeError, "out of range",
                     id="narrow(2,0,1)"),
        pytest.param(A, lambda x: x.select(0, 2), pb.IndexingError, "out of range",
                     id="select(0,2)"),
        pytest.param(A, lambda x: x.select(0, -3), pb.IndexingError, "out of range",
                     id="select(0,-3)"),
        pytest.param(SCALAR, lambda x: x.select(0, 0), pb.IndexingError, "0-d",
                     id="0d-select(0,0)"),
        pytest.param(M, lambda x: x.diagonal(0, 1, 1), pb.ShapeError, "differ",
                     id="diagonal(0,1,1)"),
        pytest.param(M, lambda x: x.diagonal(0, 0, -2), pb.ShapeError, "differ",
                     id="diagonal(0,0,-2)"),
        pytest.param(V, lambda x: x.split(0), pb.ShapeError, "positive", id="split(0)"),
        pytest.param(V, lambda x: x.split([2, 2]), pb.ShapeError, "add up", id="split([2,2])"),
        pytest.param(V, lambda x: x.split([11, -1]), pb.ShapeError, ">= 0", id="split([11,-1])"),
        pytest.param(V, lambda x: x.chunk(0), pb.ShapeError, "positive", id="chunk(0)"),
        pytest.param(V, lambda x: x.unbind(1), pb.ShapeError, "out of range", id="unbind(1)"),
    ],
)
def test_invalid_views_raise(make: Case, op: Op, error: type[Exception], fragment: str) -> None:
    x = make()
    before = x.numpy().copy()
    with pytest.raises(error) as info:
        op(x)
    assert fragment in str(info.value)
    assert isinstance(info.value, pb.PlugboardError)
    np.testing.assert_array_equal(x.numpy(), before)


def test_view_errors_are_value_errors_and_index_errors() -> None:
    with pytest.raises(ValueError):
        transposed().view(-1)
    with pytest.raises(IndexError):
        root(2).select(0, 5)
    with pytest.raises(IndexError):
        root(2).narrow(0, 1, 5)


# Views returning several tensors ----------------------------------------------------------


Parts = list[tuple[tuple[int, ...], tuple[int, ...], int]]


def check_parts(
    parts: Sequence[pb.Tensor], x: pb.Tensor, expected: Sequence[np.ndarray], layout: Parts
) -> None:
    assert isinstance(parts, tuple)
    assert len(parts) == len(expected) == len(layout)
    for part, want, (shape, stride, offset) in zip(parts, expected, layout, strict=True):
        check_view(part, x, np.asarray(want), shape, stride, offset)


SPLITS = [
    pytest.param(V, lambda x: x.split(3), lambda a: np.split(a, [3, 6, 9]),
                 [((3,), (1,), 0), ((3,), (1,), 3), ((3,), (1,), 6), ((1,), (1,), 9)],
                 id="split-int"),
    pytest.param(V, lambda x: x.split([2, 5, 3]), lambda a: np.split(a, [2, 7]),
                 [((2,), (1,), 0), ((5,), (1,), 2), ((3,), (1,), 7)], id="split-list"),
    pytest.param(V, lambda x: pb.split(x, 4), lambda a: np.split(a, [4, 8]),
                 [((4,), (1,), 0), ((4,), (1,), 4), ((2,), (1,), 8)], id="pb.split-int"),
    pytest.param(V, lambda x: pb.split(x, [10]), lambda a: [a], [((10,), (1,), 0)],
                 id="pb.split-one-part"),
    pytest.param(V, lambda x: pb.split(x, (0, 10)), lambda a: np.split(a, [0]),
                 [((0,), (1,), 0), ((10,), (1,), 0)], id="pb.split-empty-part"),
    pytest.param(V, lambda x: x.split(20), lambda a: [a], [((10,), (1,), 0)],
                 id="split-larger-than-dim"),
    pytest.param(lambda: root(4, 6), lambda x: x.split(4, dim=1),
                 lambda a: np.split(a, [4], axis=1),
                 [((4, 4), (6, 1), 0), ((4, 2), (6, 1), 4)], id="split-dim"),
    pytest.param(lambda: root(4, 6), lambda x: pb.split(x, [1, 3], -2),
                 lambda a: np.split(a, [1], axis=0),
                 [((1, 6), (6, 1), 0), ((3, 6), (6, 1), 6)], id="split-list-negative-dim"),
    pytest.param(lambda: root(4, 6), lambda x: pb.split_with_sizes(x, [2, 2], 0),
                 lambda a: np.split(a, [2]), [((2, 6), (6, 1), 0), ((2, 6), (6, 1), 12)],
                 id="split_with_sizes"),
    pytest.param(transposed, lambda x: x.split(3), lambda a: np.split(a, [3]),
                 [((3, 4), (1, 6), 0), ((3, 4), (1, 6), 3)], id="split-transposed"),
    pytest.param(V, lambda x: x.chunk(3), lambda a: np.split(a, [4, 8]),
                 [((4,), (1,), 0), ((4,), (1,), 4), ((2,), (1,), 8)], id="chunk-3"),
    pytest.param(V, lambda x: pb.chunk(x, 4), lambda a: np.split(a, [3, 6, 9]),
                 [((3,), (1,), 0), ((3,), (1,), 3), ((3,), (1,), 6), ((1,), (1,), 9)],
                 id="chunk-4"),
    pytest.param(V, lambda x: x.chunk(5), lambda a: np.split(a, 5),
                 [((2,), (1,), i) for i in range(0, 10, 2)], id="chunk-even"),
    pytest.param(V, lambda x: x.chunk(20), lambda a: np.split(a, 10),
                 [((1,), (1,), i) for i in range(10)], id="chunk-more-than-elements"),
    pytest.param(lambda: root(4, 6), lambda x: x.chunk(2, 1), lambda a: np.split(a, 2, axis=1),
                 [((4, 3), (6, 1), 0), ((4, 3), (6, 1), 3)], id="chunk-dim"),
    pytest.param(M, lambda x: x.unbind(), list,
                 [((4,), (1,), 0), ((4,), (1,), 4), ((4,), (1,), 8)], id="unbind"),
    pytest.param(M, lambda x: pb.unbind(x, 1), lambda a: list(a.T),
                 [((3,), (4,), i) for i in range(4)], id="unbind-dim"),
    pytest.param(A, lambda x: x.unbind(-1), lambda a: [a[..., i] for i in range(4)],
                 [((2, 3), (12, 4), i) for i in range(4)], id="unbind-last"),
]


@pytest.mark.parametrize(("make", "op", "np_op", "layout"), SPLITS)
def test_multi_views(make: Case, op: Op, np_op: NpOp, layout: Parts) -> None:
    x = make()
    expected = [np.array(p) for p in np_op(x.numpy().copy())]
    check_parts(op(x), x, expected, layout)


def test_unbind_of_an_empty_dim_gives_no_tensors() -> None:
    assert root(0, 3).unbind() == ()


def test_split_parts_write_into_disjoint_regions() -> None:
    x = root(10)
    a, b = x.split([4, 6])
    a[...] = -1.0
    b[...] = -2.0
    assert x.tolist() == [-1.0] * 4 + [-2.0] * 6


# Properties ------------------------------------------------------------------------------

shapes = st.lists(st.integers(0, 4), max_size=4).map(tuple)


@settings(max_examples=150, deadline=None)
@given(shape=shapes, data=st.data())
def test_permute_then_flatten_matches_numpy(shape: tuple[int, ...], data: st.DataObject) -> None:
    perm = data.draw(st.permutations(range(len(shape))))
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    x = pb.tensor(a)
    p = x.permute(*perm)
    assert p.shape == tuple(shape[d] for d in perm)
    assert p.untyped_storage() is x.untyped_storage()
    np.testing.assert_array_equal(p.numpy(), a.transpose(perm))
    flat = p.reshape(-1)
    assert flat.shape == (a.size,)
    np.testing.assert_array_equal(flat.numpy(), a.transpose(perm).reshape(-1))


@settings(max_examples=150, deadline=None)
@given(shape=shapes, data=st.data())
def test_reshape_is_a_view_exactly_when_view_succeeds(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    perm = data.draw(st.permutations(range(len(shape))))
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    x = pb.tensor(a)
    p = x.permute(*perm)
    expected = a.transpose(perm)
    target = tuple(reversed(p.shape))
    r = p.reshape(target)
    np.testing.assert_array_equal(r.numpy(), expected.reshape(target))
    try:
        v = p.view(target)
    except pb.ShapeError:
        assert r.untyped_storage() is not x.untyped_storage()
        assert r.is_contiguous()
    else:
        assert r.untyped_storage() is x.untyped_storage()
        assert (v.shape, v.stride(), v.storage_offset()) == (
            r.shape, r.stride(), r.storage_offset()
        )
        np.testing.assert_array_equal(v.numpy(), expected.reshape(target))
        if v.numel():
            writes_through(v, x)
