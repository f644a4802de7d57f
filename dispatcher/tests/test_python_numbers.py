"""Python numbers meeting float16 and bfloat16 tensors, on every installed backend.

The rule (docs/architecture.md, section 3, "Python numbers"): float16 and
bfloat16 compute in float32, a Python number at float32's precision, and
round the result once, as PyTorch's opmath kernels do; operators that only
compare or select values take the number on to the tensors' dtype, through
float32, as PyTorch converts it. Each case runs on the CPU and on the first
device of every other installed backend (skipped with the backend's reason
where it has none), on a contiguous tensor and on a strided one: device
backends take numbers differently in their contiguous and general kernels.
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
_BACKENDS = ["cpu", *sorted(b.device_type for b in pb.backends() if b.device_type != "cpu")]


@pytest.fixture(scope="module", params=_BACKENDS)
def device(request: pytest.FixtureRequest) -> pb.Device:
    devices = pb.devices(request.param)
    if not devices:
        status = {b.device_type: b for b in pb.backends()}[request.param]
        pytest.skip(f"no {request.param} device: {status.error or status.reason}")
    return devices[0]


def rounded(value: float, dtype: pb.DType) -> float:
    """``value`` rounded once to ``dtype``."""
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


# (name, the call on a tensor x and a number s, its value for Python floats, x)
# Every number is 1 + half an ulp, so rounding it to the dtype first (to 1.0)
# changes each result.
_Fn = Callable[[Any, Any], Any]
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
# Numbers other than 1 + half an ulp, where that one would not tell the rules apart.
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


def test_the_documented_examples_are_pytorchs_values(device: pb.Device) -> None:
    x = pb.tensor([0.001], dtype=pb.float16, device=device)
    assert (x * 1e5).item() == 100.0625  # PyTorch: 100.06
    y = pb.tensor([1000.0], dtype=pb.float16, device=device)
    assert (y / 1e5).item() == rounded(0.01, pb.float16)
    # A number beyond float16's range still computes: -6e4 + 1e5 is 4e4, not inf.
    z = pb.tensor([-6e4], dtype=pb.float16, device=device)
    assert (z + 1e5).item() == 40000.0


@pytest.mark.parametrize("dtype", REDUCED)
def test_in_place_and_out_forms_follow_the_rule(device: pb.Device, dtype: pb.DType) -> None:
    s = fine(dtype)
    expected = rounded(3.0 * s, dtype)
    x = pb.tensor([3.0], dtype=dtype, device=device)
    x.mul_(s)
    assert x.tolist() == [expected]
    out = pb.empty(1, dtype=dtype, device=device)
    pb.mul(pb.tensor([3.0], dtype=dtype, device=device), s, out=out)
    assert out.tolist() == [expected]


# Operators that compare or select: the number converted to the dtype, as PyTorch does.
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
    # float16(0.1) == 0.1, as in PyTorch: the comparison is of two float16 values.
    assert call(tensor(0.1, dtype, device, layout), 0.1).tolist() == [expected]


@pytest.mark.parametrize("dtype", REDUCED)
def test_logical_operators_take_the_number_as_the_dtype_holds_it(
    device: pb.Device, dtype: pb.DType
) -> None:
    tiny = float(ml_dtypes.finfo(dtype.numpy).smallest_subnormal) / 4  # type: ignore[no-untyped-call]
    x = pb.tensor([1.0, 0.0], dtype=dtype, device=device)
    assert pb.logical_and(x, tiny).tolist() == [False, False]  # tiny is 0 in the dtype
    assert pb.logical_or(x, tiny).tolist() == [True, False]
    assert pb.logical_xor(x, 0.5).tolist() == [False, True]


def as_pytorch_converts(value: float, dtype: pb.DType) -> float:
    """A Python number as PyTorch makes it a float16 or bfloat16 value: through float32."""
    return rounded(rounded(value, pb.float32), dtype)


def _above_a_tie(dtype: pb.DType) -> float:
    """Just above 1 + half an ulp: through float32 (which drops the excess) it is the
    tie, rounded to 1.0; rounded straight from float64 it would be 1 + an ulp."""
    return fine(dtype) + 2.0**-40


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
    s = _above_a_tie(dtype)
    result = call(tensor(0.5, dtype, device, layout), s)
    assert result.tolist() == [as_pytorch_converts(s, dtype)] == [1.0]  # PyTorch: 1.0


# Against PyTorch itself, where it is installed ---------------------------------------

# PyTorch's CPU add, sub, remainder, fmod and pow round the number to the dtype first;
# plugboard computes them in float32 as mul and div (docs/architecture.md, section 12).
_TORCH: dict[str, Callable[[Any, Any, Any], Any]] = {
    "x * s": lambda torch, x, s: x * s,
    "s * x": lambda torch, x, s: s * x,
    "x / s": lambda torch, x, s: x / s,
    "s / x": lambda torch, x, s: s / x,
    "floor division": lambda torch, x, s: torch.div(x, s, rounding_mode="floor"),
    "trunc division": lambda torch, x, s: torch.div(x, s, rounding_mode="trunc"),
    "addcmul value": lambda torch, x, s: torch.addcmul(x, torch.ones_like(x),
                                                       torch.ones_like(x), value=s),
    "addcdiv value": lambda torch, x, s: torch.addcdiv(x, torch.ones_like(x),
                                                       torch.ones_like(x), value=s),
    "lerp weight < 0.5": lambda torch, x, s: torch.lerp(x, torch.full_like(x, 3.0), s),
    "lerp weight >= 0.5": lambda torch, x, s: torch.lerp(x, torch.full_like(x, 3.0), s),
    "softplus beta": lambda torch, x, s: torch.nn.functional.softplus(x, beta=s),
    **{f"compare {name}": lambda torch, x, s, _call=call: _call(x, s)
       for name, call, _ in COMPARISONS},
    "where other": lambda torch, x, s: torch.where(x > 0, s, x),
    "where self": lambda torch, x, s: torch.where(x < 0, x, s),
    "masked_fill": lambda torch, x, s: x.masked_fill(x > 0, s),
    "clamp min": lambda torch, x, s: torch.clamp(x, min=s),
    "clamp max": lambda torch, x, s: torch.clamp(-x, max=-s).neg(),
    "nan_to_num": lambda torch, x, s: torch.nan_to_num(x * math.nan, nan=s),
}


def _torch_cases(dtype: pb.DType) -> dict[str, tuple[_Fn, float, float]]:
    s = fine(dtype)
    cases = {name: (call, x(s - 1), s) for name, call, _, x in ARITHMETIC}
    cases.update({name: (call, x, weight) for name, call, _, x, weight in SCALED})
    cases.update({f"compare {name}": (call, 0.1, 0.1) for name, call, _ in COMPARISONS})
    cases.update({name: (call, 0.5, _above_a_tie(dtype)) for name, call in SELECTIONS})
    return cases


@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize("name", list(_TORCH))
def test_matches_pytorch(device: pb.Device, dtype: pb.DType, name: str) -> None:
    torch = pytest.importorskip("torch")
    call, x, s = _torch_cases(dtype)[name]
    x = rounded(x, dtype)
    expected = _TORCH[name](torch, torch.tensor([x], dtype=getattr(torch, dtype.name)), s)
    assert call(pb.tensor([x], dtype=dtype, device=device), s).tolist() == expected.tolist()
