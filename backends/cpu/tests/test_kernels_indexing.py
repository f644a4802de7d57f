"""CPU indexing kernels: every declared dtype, range checks before writes, aliasing."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard.library import Path, record_paths
from plugboard_cpu._kernels_indexing import KERNELS

P = pb.ops.pb
DECLARED = {k.op: k.dtypes for k in KERNELS}
VALUES = [[0, 1, 2], [3, 1, 0], [2, 2, 1]]


def _cases(op: str) -> list[pb.DType]:
    return list(DECLARED[op])


def test_every_indexing_kernel_declares_every_dtype() -> None:
    # PyTorch's CPU backend indexes tensors of every dtype.
    assert set(DECLARED) == {"index_select", "index_put", "index_put_"}
    for dtypes in DECLARED.values():
        assert len(dtypes) == 10


@pytest.mark.parametrize("dtype", _cases("index_select"), ids=str)
def test_index_select_every_dtype(dtype: pb.DType) -> None:
    x = pb.tensor(VALUES, dtype=dtype)
    with record_paths() as records:
        result = P.index_select(x, 1, pb.tensor([2, 0, 2]))
    assert records[-1][:3] == ("pb::index_select", "cpu", Path.NATIVE)
    assert result.dtype is dtype
    expected = np.asarray(VALUES).astype(dtype.numpy)[:, [2, 0, 2]]
    np.testing.assert_array_equal(result.numpy(), expected)


@pytest.mark.parametrize("dtype", _cases("index_put"), ids=str)
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_every_dtype(dtype: pb.DType, accumulate: bool) -> None:
    x = pb.tensor(VALUES, dtype=dtype)
    values = pb.tensor([[1, 0, 1]], dtype=dtype)
    index = (pb.tensor([2, 0]),)
    expected = np.asarray(VALUES).astype(dtype.numpy)
    if accumulate:
        np.add.at(expected, ([2, 0],), np.asarray([[1, 0, 1]]).astype(dtype.numpy))
    else:
        expected[[2, 0]] = np.asarray([[1, 0, 1]]).astype(dtype.numpy)
    result = P.index_put(x, index, values, accumulate)
    np.testing.assert_array_equal(result.numpy(), expected)
    assert x.index_put_(index, values, accumulate=accumulate) is x
    np.testing.assert_array_equal(x.numpy(), expected)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16, pb.float32])
def test_accumulate_adds_every_repeat(dtype: pb.DType) -> None:
    x = pb.zeros(2, dtype=dtype)
    x.index_put_((pb.zeros(100, dtype=pb.int64),), pb.tensor(0.5, dtype=dtype), accumulate=True)
    assert x.tolist() == [50.0, 0.0]


def test_an_out_of_range_position_writes_nothing() -> None:
    x = pb.zeros(5)
    # The bad position comes last: a kernel that wrote as it went would change x.
    with pytest.raises(pb.IndexingError, match="index 5 is out of range"):
        x.index_put_((pb.tensor([0, 1, 2, 5]),), pb.ones(4))
    assert x.tolist() == [0.0] * 5
    with pytest.raises(pb.IndexingError, match="dimension 1"):
        x.reshape(1, 5).index_put_((pb.tensor([0]), pb.tensor([0, -6])), pb.ones(1),
                                   accumulate=True)
    assert x.tolist() == [0.0] * 5


def test_values_and_positions_that_alias_the_target() -> None:
    x = pb.tensor([0, 1, 2, 3, 4])
    x.index_put_((x[1:3],), x[3:])  # positions [1, 2] and values [3, 4], both views of x
    assert x.tolist() == [0, 3, 4, 3, 4]
    y = pb.tensor([1.0, 2.0, 3.0, 4.0])
    y.index_put_((pb.tensor([1, 2, 3]),), y[:3], accumulate=True)
    assert y.tolist() == [1.0, 3.0, 5.0, 7.0]


def test_strided_inputs_and_out() -> None:
    base = pb.tensor(np.arange(24.0).reshape(4, 6))
    x = base.mT  # (6, 4), strides (1, 6)
    out = pb.empty(4, 3, dtype=pb.float64).mT
    P.index_select(x, 0, pb.tensor([5, 0, 2]), out=out)
    np.testing.assert_array_equal(out.numpy(), base.numpy().T[[5, 0, 2]])
    x.index_put_((pb.tensor([1]), pb.tensor([3])), pb.tensor(-1.0, dtype=pb.float64))
    assert base[3, 1].item() == -1.0
