"""index_put and index_put_ on the CuPy kernels' code path (NumPy for CuPy)."""

from __future__ import annotations

import pytest
from kernel_harness import EVERY, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_indexing

K = {spec.op: spec for spec in _kernels_indexing.KERNELS}
P = pb.ops.pb

INDICES = [
    [pb.tensor([0, 2, -1])],
    [None, pb.tensor([[1], [0]])],
    [pb.tensor([0, 1]), None, pb.tensor([3, -4])],  # not adjacent: the batch goes first
]


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize("which", range(len(INDICES)))
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_matches_cpu(dtype: pb.DType, layout: str, which: int,
                               accumulate: bool) -> None:
    x = laid_out(values((3, 2, 4), dtype), layout)
    indices = INDICES[which]
    shape = tuple(x[tuple(slice(None) if i is None else i for i in indices)].shape)
    v = values(shape[-1:], dtype, seed=5)  # broadcast to the indexed shape
    expected = P.index_put(x, indices, v, accumulate)
    out = empty_out(tuple(x.shape), dtype, strided=True)
    K["index_put"].fn(x, indices, v, accumulate, out=out)
    assert_same(out, expected)
    target = laid_out(values((3, 2, 4), dtype), "transposed")
    before = target.clone()
    K["index_put_"].fn(target, indices, v, accumulate)
    assert_same(target, P.index_put(before, indices, v, accumulate))


def test_repeated_positions_accumulate() -> None:
    x = pb.zeros((3,), dtype=pb.float16)
    K["index_put_"].fn(x, [pb.tensor([1, 1, 1, 0])], pb.ones((4,), dtype=pb.float16), True)
    assert x.tolist() == [1.0, 3.0, 0.0]


def test_out_of_range_and_bool_indices_raise_before_writing() -> None:
    x = pb.zeros((2, 3))
    with pytest.raises(pb.IndexingError, match="index 3 is out of range for dimension 1"):
        K["index_put_"].fn(x, [pb.tensor([0]), pb.tensor([3])], pb.ones(()), False)
    with pytest.raises(pb.IndexingError, match="bool"):
        K["index_put_"].fn(x, [pb.tensor([True, False])], pb.ones(()), False)
    assert x.tolist() == [[0.0] * 3] * 2
