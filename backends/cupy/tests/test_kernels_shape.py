"""Shape primitives on the CuPy kernels' code path (NumPy for CuPy), against cpu."""

from __future__ import annotations

import pytest
from kernel_harness import EVERY, FLOATS, INTEGERS, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_shape

K = {spec.op: spec for spec in _kernels_shape.KERNELS}
P = pb.ops.pb


def _out_like(expected: pb.Tensor, strided: bool = False) -> pb.Tensor:
    return empty_out(tuple(expected.shape), expected.dtype, strided)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
def test_cat_matches_cpu(dtype: pb.DType, layout: str) -> None:
    parts = [laid_out(values((2, n), dtype, seed=n), layout) for n in (3, 1, 4)]
    for dim in (1, -1):
        expected = pb.cat(parts, dim)
        out = _out_like(expected, strided=layout == "transposed")
        K["cat"].fn(parts, dim, out=out)
        assert_same(out, expected, rtol=0)


def test_cat_of_mixed_dtypes_skips_empty_vectors() -> None:
    parts = [pb.tensor([1, 2], dtype=pb.int64), pb.empty((0,)), pb.tensor([0.5, 2.0 ** -9 + 1])]
    out = empty_out((4,), pb.bfloat16)
    K["cat"].fn(parts, 0, out=out)
    assert_same(out, pb.tensor([1.0, 2.0, 0.5, 1.0]).to(pb.bfloat16), rtol=0)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
def test_flip_and_triangles_match_cpu(dtype: pb.DType, layout: str) -> None:
    x = laid_out(values((2, 3, 4), dtype), layout)
    for dims in ([0], [1, 2], [-1, 0]):
        expected = pb.flip(x, dims)
        out = _out_like(expected, strided=True)
        K["flip"].fn(x, dims, out=out)
        assert_same(out, expected, rtol=0)
    for op in ("tril", "triu"):
        for diagonal in (-1, 0, 2):
            expected = getattr(P, op)(x, diagonal)
            out = _out_like(expected)
            K[op].fn(x, diagonal, out=out)
            assert_same(out, expected, rtol=0)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
def test_gather_and_index_select_match_cpu(dtype: pb.DType, layout: str) -> None:
    x = laid_out(values((3, 4), dtype), layout)
    index = pb.tensor([[0, 2, 1], [3, 3, 0]])
    for dim in (0, 1):
        idx = index.remainder(x.shape[dim])
        expected = pb.gather(x, dim, idx)
        out = _out_like(expected, strided=True)
        K["gather"].fn(x, dim, idx, out=out)
        assert_same(out, expected, rtol=0)
    select = laid_out(pb.tensor([2, 0, 2, 1], dtype=pb.int32), "offset")
    expected = pb.index_select(x, 1, select)
    out = _out_like(expected)
    K["index_select"].fn(x, 1, select, out=out)
    assert_same(out, expected, rtol=0)


def test_indices_out_of_range_raise_before_writing() -> None:
    x = pb.arange(6.0).reshape(2, 3)
    out = pb.full((2, 3), 7.0)
    with pytest.raises(pb.IndexingError, match="index 3 is out of bounds for dimension 1"):
        K["gather"].fn(x, 1, pb.tensor([[0, 3, 1], [0, 0, 0]]), out=out)
    with pytest.raises(pb.IndexingError, match="index -1 is out of range for dimension 0"):
        K["index_select"].fn(x, 0, pb.tensor([-1]), out=pb.empty((1, 3)))
    with pytest.raises(pb.IndexingError, match="out of bounds"):
        K["scatter_add"].fn(x, 0, pb.tensor([[2, 0, 0]]), pb.ones((1, 3)), out=out)
    assert out.tolist() == [[7.0] * 3] * 2


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
def test_scatter_and_scatter_add_match_cpu(dtype: pb.DType, layout: str) -> None:
    x = laid_out(values((3, 4), dtype), layout)
    src = laid_out(values((2, 4), dtype, seed=3), layout)
    index = pb.tensor([[0, 1, 2, 0], [2, 2, 1, 1]])  # unique per column: scatter is defined
    expected = pb.scatter(x, 0, index, src)
    out = _out_like(expected, strided=True)
    K["scatter"].fn(x, 0, index, src, None, out=out)
    assert_same(out, expected, rtol=0)
    value = True if dtype.is_bool else 3
    expected = P.scatter(x, 0, index, None, value=value)
    out = _out_like(expected)
    K["scatter"].fn(x, 0, index, None, value, out=out)
    assert_same(out, expected, rtol=0)
    repeated = pb.tensor([[0, 0, 2, 2], [0, 0, 2, 1]])  # repeated indices add up
    expected = pb.scatter_add(x, 0, repeated, src)
    out = _out_like(expected)
    K["scatter_add"].fn(x, 0, repeated, src, out=out)
    assert_same(out, expected)


def test_scatter_add_wraps_narrow_integers() -> None:
    x = pb.tensor([120, 0], dtype=pb.int8)
    out = empty_out((2,), pb.int8)
    K["scatter_add"].fn(x, 0, pb.tensor([0, 0]), pb.tensor([5, 10], dtype=pb.int8), out=out)
    assert out.tolist() == [-121, 0]


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_cpu(dtype: pb.DType, layout: str, descending: bool) -> None:
    x = laid_out(values((3, 6), dtype), layout)
    for dim in (0, 1):
        values_, indices = P.sort(x, dim, descending, stable=True)
        out = (_out_like(values_), _out_like(indices, strided=True))
        K["sort"].fn(x, dim, descending, True, out=out)
        assert_same(out[0], values_, rtol=0)
        assert_same(out[1], indices)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sort_puts_nan_last_and_keeps_ties_in_order(dtype: pb.DType) -> None:
    x = pb.tensor([1.0, float("nan"), -2.0, 1.0, float("nan"), 0.0]).to(dtype)
    for descending in (False, True):
        v, i = P.sort(x, 0, descending, stable=True)
        out = (_out_like(v), _out_like(i))
        K["sort"].fn(x, 0, descending, True, out=out)
        assert_same(out[0], v, rtol=0)
        assert_same(out[1], i)


@pytest.mark.parametrize(("dtype", "layout"), cases((*INTEGERS, *FLOATS)))
@pytest.mark.parametrize("largest", [True, False])
def test_topk_matches_cpu(dtype: pb.DType, layout: str, largest: bool) -> None:
    x = laid_out(values((3, 7), dtype), layout)
    for k, dim in ((3, 1), (2, 0), (0, 1)):
        v, i = P.topk(x, k, dim, largest, True)
        out = (_out_like(v), _out_like(i))
        K["topk"].fn(x, k, dim, largest, True, out=out)
        assert_same(out[0], v, rtol=0)
        assert_same(out[1], i)
