"""copy_, full, full_like and arange on the CuPy kernels' code path (NumPy for CuPy)."""

from __future__ import annotations

import numpy as np
import pytest
from kernel_harness import EVERY, FLOATS, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_copy
from plugboard_cupy._arrays import as_stored

K = {spec.op: spec for spec in _kernels_copy.KERNELS}


@pytest.mark.parametrize("src", EVERY)
@pytest.mark.parametrize("dst", EVERY)
def test_copy_between_dtypes_matches_cpu(src: pb.DType, dst: pb.DType) -> None:
    x = values((3, 4), src) * (3 if src.is_floating_point else 1)
    if dst is pb.uint8 and not src.is_bool:
        x = x.abs()  # a negative value cast to an unsigned type is undefined (as in C)
    out = empty_out((3, 4), dst)
    K["copy_"].fn(out, x, False)
    assert_same(out, x.to(dst), rtol=0)


@pytest.mark.parametrize(("dtype", "layout"), cases(EVERY))
@pytest.mark.parametrize("strided_out", [False, True])
def test_copy_every_layout(dtype: pb.DType, layout: str, strided_out: bool) -> None:
    x = laid_out(values((4, 5), dtype), layout)
    out = empty_out((4, 5), dtype, strided_out)
    K["copy_"].fn(out, x, False)
    assert_same(out, x.contiguous(), rtol=0)


def test_copy_between_overlapping_views_reads_first() -> None:
    x = pb.arange(6, dtype=pb.float32)
    K["copy_"].fn(x[1:], x[:-1], False)
    assert x.tolist() == [0, 0, 1, 2, 3, 4]


def test_copy_broadcasts_a_row() -> None:
    out = empty_out((3, 2), pb.int32)
    K["copy_"].fn(out, pb.tensor([[7, 8]], dtype=pb.int32).expand(3, 2), False)
    assert out.tolist() == [[7, 8]] * 3


def test_float64_to_bfloat16_rounds_once() -> None:
    # 1 + 2**-8 + 2**-30: to float32 first would give 1 + 2**-8, a tie rounded down to 1;
    # rounded once, it is above the tie and goes up.
    x = 1 + 2.0 ** -8 + 2.0 ** -30
    stored = as_stored(np, np.asarray([x, -x, np.inf, np.nan]), pb.bfloat16)
    again = (stored.astype(np.uint32) << np.uint32(16)).view(np.float32)
    assert again[0] == np.float32(1 + 2.0 ** -7) and again[1] == -again[0]
    assert np.isinf(again[2]) and np.isnan(again[3])


@pytest.mark.parametrize("dtype", EVERY)
@pytest.mark.parametrize("strided_out", [False, True])
def test_full_and_full_like(dtype: pb.DType, strided_out: bool) -> None:
    value = True if dtype.is_bool else (2.5 if dtype.is_floating_point else 7)
    out = empty_out((2, 3), dtype, strided_out)
    K["full"].fn((2, 3), value, dtype, None, out=out)
    assert_same(out, pb.full((2, 3), value, dtype=dtype), rtol=0)
    like = empty_out((2, 3), dtype)
    K["full_like"].fn(pb.zeros((2, 3)), value, dtype, None, out=like)
    assert_same(like, pb.full((2, 3), value, dtype=dtype), rtol=0)


@pytest.mark.parametrize("dtype", [d for d in EVERY if not d.is_bool])
@pytest.mark.parametrize(("start", "end", "step"), [(0, 10, 1), (-3, 9, 4), (0.5, 3.0, 0.25),
                                                    (5, -5, -3)])
def test_arange_matches_cpu(dtype: pb.DType, start: float, end: float, step: float) -> None:
    if dtype is pb.uint8 and min(start, end) < 0:
        pytest.skip("uint8 holds no negative values")
    if not dtype.is_floating_point and isinstance(step, float):
        pytest.skip("an integer arange counts in whole steps")
    expected = pb.arange(start, end, step, dtype=dtype)
    out = empty_out(tuple(expected.shape), dtype)
    K["arange"].fn(start, end, step, dtype, None, out=out)
    assert_same(out, expected, rtol=0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bfloat16_and_half_keep_nan_and_inf(dtype: pb.DType) -> None:
    x = pb.tensor([float("nan"), float("inf"), -float("inf"), -0.0])
    out = empty_out((4,), dtype)
    K["copy_"].fn(out, x, False)
    assert_same(out, x.to(dtype), rtol=0)
