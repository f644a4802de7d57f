"""Python numbers meeting float16 and bfloat16 tensors, on an OpenCL device.

The rule (docs/architecture.md, section 3, "Python numbers"), as on the CPU
(dispatcher/tests/test_python_numbers.py has the same cases): float16 and
bfloat16 compute in float32, a Python number at float32's precision, and
round the result once; operators that only compare or select values take the
number on to the tensors' dtype, through float32, as PyTorch converts it. Each
case runs on the contiguous kernels and on the general (strided) ones, which
take numbers differently.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb

REDUCED = [pb.float16, pb.bfloat16]
LAYOUTS = ["contiguous", "strided"]
_Fn = Callable[[Any, Any], Any]


def rounded(value: float, dtype: pb.DType) -> float:
    with np.errstate(over="ignore"):
        return float(np.float64(value).astype(dtype.numpy))


def fine(dtype: pb.DType) -> float:
    """1 + half an ulp of 1: a number the dtype rounds to 1.0 (a tie, to even)."""
    eps = float(ml_dtypes.finfo(dtype.numpy).eps)  # type: ignore[no-untyped-call]
    return 1 + eps / 2


def tensor(x: float, dtype: pb.DType, device: pb.Device, layout: str) -> pb.Tensor:
    """[x] on the device: contiguous, or element 0 of every other column of a 2 x 2."""
    if layout == "contiguous":
        return pb.tensor([x], dtype=dtype, device=device)
    return pb.full((2, 2), x, dtype=dtype, device=device)[:, ::2][0]


ARITHMETIC: list[tuple[str, _Fn, _Fn, Callable[[float], float]]] = [
    ("x * s", lambda x, s: x * s, lambda x, s: x * s, lambda e: 3.0),
    ("s * x", lambda x, s: s * x, lambda x, s: s * x, lambda e: 3.0),
    ("x / s", lambda x, s: x / s, lambda x, s: x / s, lambda e: 3.0),
    ("s / x", lambda x, s: s / x, lambda x, s: s / x, lambda e: 5.0),
    ("x + s", lambda x, s: x + s, lambda x, s: x + s, lambda e: 0.5 + e),
    ("s + x", lambda x, s: s + x, lambda x, s: s + x, lambda e: 0.5 + e),
    ("x - s", lambda x, s: x - s, lambda x, s: x - s, lambda e: 2.0),
    ("s - x", lambda x, s: s - x, lambda x, s: s - x, lambda e: 0.5),
    ("add alpha", lambda x, s: pb.add(x, pb.ones_like(x), alpha=s), lambda x, s: x + s,
     lambda e: 0.5 + e),
    ("sub alpha", lambda x, s: pb.sub(x, pb.ones_like(x), alpha=s), lambda x, s: x - s,
     lambda e: 2.0),
    ("floor division", lambda x, s: pb.div(x, s, rounding_mode="floor"),
     lambda x, s: math.floor(x / s), lambda e: 3.0),
    ("trunc division", lambda x, s: pb.div(x, s, rounding_mode="trunc"),
     lambda x, s: math.trunc(x / s), lambda e: 3.0),
    ("remainder", lambda x, s: x % s, lambda x, s: x % s, lambda e: 3.0),
    ("fmod", pb.fmod, math.fmod, lambda e: 3.0),
    ("x ** s", lambda x, s: x ** s, lambda x, s: x ** s, lambda e: 256.0),
    ("s ** x", lambda x, s: s ** x, lambda x, s: s ** x, lambda e: 256.0),
    ("atan2(s, x)", lambda x, s: pb.atan2(s, x), lambda x, s: math.atan2(s, x),
     lambda e: 1.0),
    ("addcmul value", lambda x, s: pb.addcmul(x, pb.ones_like(x), pb.ones_like(x), value=s),
     lambda x, s: x + s, lambda e: 0.5 + e),
    ("addcdiv value", lambda x, s: pb.addcdiv(x, pb.ones_like(x), pb.ones_like(x), value=s),
     lambda x, s: x + s, lambda e: 0.5 + e),
]
SCALED: list[tuple[str, _Fn, _Fn, float, float]] = [
    ("lerp weight < 0.5", lambda x, s: pb.lerp(x, pb.full_like(x, 3.0), s),
     lambda x, s: x + (3 - x) * s, 0.0, 0.3),
    ("lerp weight >= 0.5", lambda x, s: pb.lerp(x, pb.full_like(x, 3.0), s),
     lambda x, s: x + (3 - x) * s, 0.0, 0.6),
    ("softplus beta", lambda x, s: pb.softplus(x, beta=s),
     lambda x, s: math.log1p(math.exp(s * x)) / s, 1.0, 0.30164),
]


def _check(device: pb.Device, layout: str, dtype: pb.DType, call: _Fn, reference: _Fn,
           x: float, s: float) -> None:
    x = rounded(x, dtype)
    expected = rounded(reference(x, s), dtype)
    assert expected != rounded(reference(x, rounded(s, dtype)), dtype), "tells rules apart"
    result = call(tensor(x, dtype, device, layout), s)
    assert result.dtype is dtype and result.device == device
    assert result.tolist() == [expected]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "call", "reference", "x"), ARITHMETIC,
                         ids=[case[0] for case in ARITHMETIC])
def test_arithmetic_takes_the_number_at_float32_precision(
    device: pb.Device, layout: str, dtype: pb.DType, name: str, call: _Fn, reference: _Fn,
    x: Callable[[float], float],
) -> None:
    s = fine(dtype)
    _check(device, layout, dtype, call, reference, x(s - 1), s)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "call", "reference", "x", "s"), SCALED,
                         ids=[case[0] for case in SCALED])
def test_scalar_parameters_take_the_number_at_float32_precision(
    device: pb.Device, layout: str, dtype: pb.DType, name: str, call: _Fn, reference: _Fn,
    x: float, s: float,
) -> None:
    _check(device, layout, dtype, call, reference, x, s)


def test_the_issues_examples_are_pytorchs_values(device: pb.Device) -> None:
    x = pb.tensor([0.001], dtype=pb.float16, device=device)
    assert (x * 1e5).item() == 100.0625
    y = pb.tensor([1000.0], dtype=pb.float16, device=device)
    assert (y / 1e5).item() == rounded(0.01, pb.float16)


COMPARISONS: list[tuple[str, _Fn, bool]] = [
    ("==", lambda x, s: x == s, True),
    ("!=", lambda x, s: x != s, False),
    ("<=", lambda x, s: x <= s, True),
    (">=", lambda x, s: x >= s, True),
    ("<", lambda x, s: x < s, False),
    (">", lambda x, s: x > s, False),
    ("s == x", lambda x, s: s == x, True),
    ("s < x", lambda x, s: s < x, False),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "call", "expected"), COMPARISONS,
                         ids=[case[0] for case in COMPARISONS])
def test_comparisons_round_the_number_to_the_dtype(
    device: pb.Device, layout: str, dtype: pb.DType, name: str, call: _Fn, expected: bool
) -> None:
    # float16(0.1) == 0.1, as in PyTorch and on the CPU.
    assert call(tensor(0.1, dtype, device, layout), 0.1).tolist() == [expected]


@pytest.mark.parametrize("dtype", REDUCED)
def test_logical_operators_take_the_number_as_the_dtype_holds_it(
    device: pb.Device, dtype: pb.DType
) -> None:
    tiny = float(ml_dtypes.finfo(dtype.numpy).smallest_subnormal) / 4  # type: ignore[no-untyped-call]
    x = pb.tensor([1.0, 0.0], dtype=dtype, device=device)
    assert pb.logical_and(x, tiny).tolist() == [False, False]
    assert pb.logical_or(x, tiny).tolist() == [True, False]
    assert pb.logical_xor(x, 0.5).tolist() == [False, True]


SELECTIONS: list[tuple[str, _Fn]] = [
    ("where other", lambda x, s: pb.where(x > 0, s, x)),
    ("where self", lambda x, s: pb.where(x < 0, x, s)),
    ("masked_fill", lambda x, s: pb.masked_fill(x, x > 0, s)),
    ("clamp min", lambda x, s: pb.clamp(x, min=s)),
    ("clamp max", lambda x, s: pb.clamp(-x, max=-s).neg()),
    ("maximum", pb.maximum),
    ("minimum", lambda x, s: pb.minimum(-x, -s).neg()),
    ("nan_to_num", lambda x, s: pb.nan_to_num(x * math.nan, nan=s)),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "call"), SELECTIONS, ids=[case[0] for case in SELECTIONS])
def test_selections_write_the_number_as_pytorch_converts_it(
    device: pb.Device, layout: str, dtype: pb.DType, name: str, call: _Fn
) -> None:
    # Just above a tie: through float32, as PyTorch converts it, the excess is gone
    # and the tie rounds to 1.0 (rounded straight from float64 it would be 1 + an ulp).
    s = fine(dtype) + 2.0**-40
    assert call(tensor(0.5, dtype, device, layout), s).tolist() == [1.0]
