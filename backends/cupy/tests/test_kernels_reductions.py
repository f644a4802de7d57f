"""Reductions and scans on the CuPy kernels' code path (NumPy for CuPy), against cpu."""

from __future__ import annotations

from typing import Any

import pytest
from kernel_harness import EVERY, FLOATS, INTEGERS, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_reductions

K = {spec.op: spec for spec in _kernels_reductions.KERNELS}
P = pb.ops.pb


def _run(op: str, expected: pb.Tensor, *args: Any) -> pb.Tensor:
    out = empty_out(tuple(expected.shape), expected.dtype)
    K[op].fn(*args, out=out)
    return out


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize(("dim", "keepdim"), [(None, False), ([1], False), ([0, 2], True),
                                              ([-1], True)])
def test_sum_matches_cpu(dtype: pb.DType, layout: str, dim: Any, keepdim: bool) -> None:
    x = laid_out(values((3, 4, 5), dtype), layout)
    expected = P.sum(x, dim, keepdim, dtype=None)
    assert_same(_run("sum", expected, x, dim, keepdim, None), expected, atol=1e-5)


@pytest.mark.parametrize("dtype", (pb.int8, pb.float16))
def test_sum_into_another_dtype(dtype: pb.DType) -> None:
    x = values((4, 6), dtype)
    expected = P.sum(x, [1], False, dtype=pb.float64)
    assert_same(_run("sum", expected, x, [1], False, pb.float64), expected, atol=1e-12)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY, ("contiguous", "transposed")))
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_matches_cpu(dtype: pb.DType, layout: str, dim: int | None) -> None:
    x = laid_out(values((3, 4), dtype), layout)
    expected = P.prod(x, dim, False, dtype=None)
    assert_same(_run("prod", expected, x, dim, False, None), expected, atol=1e-5)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize("op", ["amax", "amin"])
def test_extremes_match_cpu(dtype: pb.DType, layout: str, op: str) -> None:
    x = laid_out(values((3, 4, 5), dtype), layout)
    for dim, keepdim in (([], False), ([1], True), ([0, 2], False)):
        expected = getattr(P, op)(x, dim, keepdim)
        assert_same(_run(op, expected, x, dim, keepdim), expected, rtol=0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_extremes_and_arg_extremes_propagate_nan(dtype: pb.DType) -> None:
    x = pb.tensor([[1.0, float("nan"), 3.0, float("nan")], [2.0, 5.0, 5.0, -1.0]]).to(dtype)
    for op in ("amax", "amin"):
        expected = getattr(P, op)(x, [1], False)
        assert_same(_run(op, expected, x, [1], False), expected, rtol=0)
    for op in ("argmax", "argmin"):
        for dim, keepdim in ((1, False), (None, False), (0, True)):
            expected = getattr(P, op)(x, dim, keepdim)
            assert_same(_run(op, expected, x, dim, keepdim), expected)
    expected = P.amax(x, [], False)
    assert_same(_run("amax", expected, x, [], False), expected, rtol=0)


@pytest.mark.parametrize(("dtype", "layout"), cases((*INTEGERS, *FLOATS)))
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_arg_extremes_match_cpu(dtype: pb.DType, layout: str, op: str) -> None:
    x = laid_out(values((3, 4, 5), dtype), layout)
    for dim, keepdim in ((None, False), (1, True), (-1, False)):
        expected = getattr(P, op)(x, dim, keepdim)
        assert_same(_run(op, expected, x, dim, keepdim), expected)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_scans_match_cpu(dtype: pb.DType, layout: str, op: str) -> None:
    x = laid_out(values((3, 5), dtype), layout)
    for dim in (0, 1, -1):
        expected = getattr(P, op)(x, dim, dtype=None)
        assert_same(_run(op, expected, x, dim, None), expected, atol=1e-5)


def test_scan_of_a_scalar() -> None:
    x = pb.tensor(2.5)
    expected = P.cumsum(x, 0, dtype=None)
    assert_same(_run("cumsum", expected, x, 0, None), expected)
