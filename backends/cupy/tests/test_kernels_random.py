"""rand, randn and randint on the CuPy kernels' code path: the core's Philox stream,
the same numbers as the cpu backend for the same seed."""

from __future__ import annotations

import pytest
from kernel_harness import EVERY, FLOATS, assert_same, empty_out

import plugboard as pb
from plugboard_cupy import _kernels_random

K = {spec.op: spec for spec in _kernels_random.KERNELS}
P = pb.ops.pb


def _pair(seed: int) -> tuple[pb.Generator, pb.Generator]:
    return pb.Generator("cpu").manual_seed(seed), pb.Generator("cpu").manual_seed(seed)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (7, 1)])
@pytest.mark.parametrize("strided", [False, True])
def test_rand_and_randn_give_the_cpu_numbers(dtype: pb.DType, shape: tuple[int, ...],
                                             strided: bool) -> None:
    for op in ("rand", "randn"):
        mine, theirs = _pair(11)
        expected = getattr(P, op)(shape, generator=theirs, dtype=dtype, device="cpu")
        out = empty_out(shape, dtype, strided)
        K[op].fn(shape, mine, dtype, None, out=out)
        assert_same(out, expected, rtol=2e-6 if dtype is pb.float32 else None)
        # Each drew the same number of words: the next draws agree too.
        assert_same(P.rand((2,), generator=mine, dtype=pb.float64, device="cpu"),
                    P.rand((2,), generator=theirs, dtype=pb.float64, device="cpu"), rtol=0)


@pytest.mark.parametrize("dtype", [d for d in EVERY if not d.is_bool])
@pytest.mark.parametrize(("low", "high"), [(0, 10), (-5, 3), (0, 1)])
def test_randint_gives_the_cpu_numbers(dtype: pb.DType, low: int, high: int) -> None:
    if dtype is pb.uint8 and low < 0:
        pytest.skip("uint8 holds no negative values")
    mine, theirs = _pair(3)
    expected = P.randint(low, high, (4, 5), generator=theirs, dtype=dtype, device="cpu")
    out = empty_out((4, 5), dtype)
    K["randint"].fn(low, high, (4, 5), mine, dtype, None, out=out)
    assert_same(out, expected, rtol=0)


def test_randint_over_nearly_the_whole_int64_range() -> None:
    mine, theirs = _pair(5)
    low, high = -(1 << 63), (1 << 63) - 1
    expected = P.randint(low, high, (8,), generator=theirs, dtype=pb.int64, device="cpu")
    out = empty_out((8,), pb.int64)
    K["randint"].fn(low, high, (8,), mine, pb.int64, None, out=out)
    assert_same(out, expected)
