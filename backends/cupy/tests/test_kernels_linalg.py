"""matmul on the CuPy kernels' code path (NumPy for CuPy), against the cpu backend."""

from __future__ import annotations

import pytest
from kernel_harness import FLOATS, INTEGERS, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_linalg

MATMUL = _kernels_linalg.KERNELS[0]


@pytest.mark.parametrize(("dtype", "layout"), cases((*INTEGERS, *FLOATS)))
@pytest.mark.parametrize(("a", "b"), [((3, 4), (4, 5)), ((4,), (4, 2)), ((3, 4), (4,)),
                                      ((4,), (4,)), ((2, 3, 4), (4, 5)),
                                      ((2, 1, 3, 4), (3, 4, 2))])
def test_matmul_matches_cpu(dtype: pb.DType, layout: str, a: tuple[int, ...],
                            b: tuple[int, ...]) -> None:
    x = laid_out(values(a, dtype, seed=1), layout)
    y = laid_out(values(b, dtype, seed=2), "transposed" if layout == "broadcast" else layout)
    expected = pb.matmul(x, y)
    out = empty_out(tuple(expected.shape), dtype, strided=layout == "transposed")
    MATMUL.fn(x, y, out=out)
    assert_same(out, expected, atol=1e-5)


def test_matmul_with_an_empty_inner_dimension_is_zero() -> None:
    x, y = pb.ones((2, 0)), pb.ones((0, 3))
    out = empty_out((2, 3), pb.float32)
    MATMUL.fn(x, y, out=out)
    assert out.tolist() == [[0.0] * 3] * 2


def test_matmul_declares_no_bool() -> None:
    assert pb.bool not in (MATMUL.dtypes or ())
