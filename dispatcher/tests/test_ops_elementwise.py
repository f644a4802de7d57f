"""The elementwise operators: PyTorch's semantics, dtypes, errors, and the three call forms."""

from __future__ import annotations

import math
import warnings
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb

P = pb.ops.pb

NAN, INF = math.nan, math.inf


def _values(t: pb.Tensor) -> list[float]:
    return [float(v) for v in t.numpy().astype(np.float64).reshape(-1)]


# Result dtypes: float functions of integers, predicates, rounding --------------------------


@pytest.mark.parametrize("name", ["log1p", "sin", "cos", "tan", "tanh", "atan", "erf",
                                  "expm1", "log2", "log10", "rsqrt", "reciprocal", "sigmoid"])
@pytest.mark.parametrize("dtype", [pb.bool, pb.uint8, pb.int64])
def test_float_functions_of_integers_compute_in_the_default_dtype(
    name: str, dtype: pb.DType
) -> None:
    result = getattr(P, name)(pb.tensor([1, 0, 1], dtype=dtype))
    assert result.dtype is pb.float32
    saved = pb.get_default_dtype()
    pb.set_default_dtype(pb.float64)
    try:
        assert getattr(P, name)(pb.tensor([1, 0], dtype=dtype)).dtype is pb.float64
    finally:
        pb.set_default_dtype(saved)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
@pytest.mark.parametrize("dtype", [pb.int8, pb.uint8, pb.int64])
def test_rounding_integers_returns_them_unchanged_in_their_dtype(
    name: str, dtype: pb.DType
) -> None:
    values = [dtype.min, dtype.max, 0, 1] if dtype is not pb.int64 else [2**62 + 1, -(2**63)]
    x = pb.tensor(values, dtype=dtype)
    result = getattr(P, name)(x)
    assert result.dtype is dtype
    assert result.tolist() == values  # exact, even where float64 could not hold them


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding_bool_is_an_error(name: str) -> None:
    with pytest.raises(pb.DTypeError, match=f"{name} of a bool tensor.*Fix:"):
        getattr(P, name)(pb.tensor([True]))


@pytest.mark.parametrize("name", ["logical_not", "isnan", "isinf", "isfinite"])
@pytest.mark.parametrize("dtype", [pb.bool, pb.int16, pb.float16, pb.bfloat16, pb.float64])
def test_predicates_of_any_dtype_give_bool(name: str, dtype: pb.DType) -> None:
    result = getattr(P, name)(pb.tensor([0, 1, 2], dtype=dtype))
    assert result.dtype is pb.bool
    expected = {"logical_not": [True, False, False], "isnan": [False] * 3,
                "isinf": [False] * 3, "isfinite": [True] * 3}[name]
    assert result.tolist() == expected


def test_isnan_isinf_isfinite_on_special_values() -> None:
    x = pb.tensor([NAN, INF, -INF, 0.0, -0.0, 3.4e38, 1e-45])
    assert P.isnan(x).tolist() == [True, False, False, False, False, False, False]
    assert P.isinf(x).tolist() == [False, True, True, False, False, False, False]
    assert P.isfinite(x).tolist() == [False, False, False, True, True, True, True]


def test_predicates_have_no_in_place_form() -> None:
    assert not hasattr(pb.Tensor, "isnan_")
    assert not hasattr(pb.Tensor, "isinf_")
    assert hasattr(pb.Tensor, "logical_not_")


# PyTorch's definitions where NumPy's differ ---------------------------------------------------


def test_sign_follows_pytorch_nan_and_zero_give_zero() -> None:
    x = pb.tensor([-2.5, -0.0, 0.0, 3.0, NAN, -INF, INF])
    result = P.sign(x)
    assert _values(result) == [-1.0, 0.0, 0.0, 1.0, 0.0, -1.0, 1.0]
    assert not np.signbit(result.numpy()[1])  # (0 < x) - (x < 0) is +0 for -0.0
    assert P.sign(pb.tensor([True, False])).tolist() == [True, False]
    assert P.sign(pb.tensor([0, 7], dtype=pb.uint8)).tolist() == [0, 1]


def test_round_halves_to_even_and_takes_decimals() -> None:
    x = pb.tensor([0.5, 1.5, 2.5, -0.5, -2.5], dtype=pb.float64)
    assert P.round(x).tolist() == [0.0, 2.0, 2.0, -0.0, -2.0]
    y = pb.tensor([1.2345, 0.25, 2.675, -3.14159], dtype=pb.float64)
    assert P.round(y, decimals=2).tolist() == pytest.approx([1.23, 0.25, 2.68, -3.14])
    assert P.round(pb.tensor([0.25, 0.35, 0.45], dtype=pb.float64), decimals=1).tolist() == \
        pytest.approx([0.2, 0.4, 0.4])
    z = pb.tensor([15.0, 25.0, 1234.0, -151.0])
    assert P.round(z, decimals=-1).tolist() == [20.0, 20.0, 1230.0, -150.0]
    assert P.round(z, decimals=-2).tolist() == [0.0, 0.0, 1200.0, -200.0]


def test_round_with_decimals_past_the_range_gives_nan_as_pytorch() -> None:
    # 10 ** 400 is inf in float64: x * inf / inf.
    assert math.isnan(P.round(pb.tensor([1.5], dtype=pb.float64), decimals=400).item())


def test_round_with_decimals_of_integers_is_an_error() -> None:
    with pytest.raises(pb.DTypeError, match="decimals=1 of an integer tensor.*Fix:"):
        P.round(pb.tensor([15, 25]), decimals=1)
    assert P.round(pb.tensor([15, 25]), decimals=0).tolist() == [15, 25]


def test_fmod_takes_the_sign_of_the_dividend_unlike_remainder() -> None:
    a, b = pb.tensor([-7.0, 7.0, -7.0]), pb.tensor([3.0, -3.0, -3.0])
    assert P.fmod(a, b).tolist() == [-1.0, 1.0, -1.0]
    assert P.remainder(a, b).tolist() == [2.0, -2.0, -1.0]
    assert P.fmod(pb.tensor([-7, 7], dtype=pb.int8), 3).tolist() == [-1, 1]
    assert P.fmod(pb.tensor([-128], dtype=pb.int8), -1).tolist() == [0]


def test_integer_fmod_by_zero_raises_and_float_gives_nan() -> None:
    with pytest.raises(pb.ArgumentError, match="fmod by zero.*Fix:"):
        P.fmod(pb.tensor([1, 2]), pb.tensor([1, 0]))
    assert math.isnan(P.fmod(pb.tensor([1.0]), 0.0).item())


def test_atan2_quadrants_and_integer_promotion() -> None:
    y, x = pb.tensor([1.0, 1.0, -1.0, -1.0]), pb.tensor([1.0, -1.0, -1.0, 1.0])
    expected = [math.atan2(a, b) for a, b in zip([1, 1, -1, -1], [1, -1, -1, 1], strict=True)]
    assert P.atan2(y, x).tolist() == pytest.approx(expected)
    result = P.atan2(pb.tensor([1, 0]), pb.tensor([0, -1]))
    assert result.dtype is pb.float32
    assert result.tolist() == pytest.approx([math.pi / 2, math.pi])


def test_logical_operators_treat_nonzero_and_nan_as_true() -> None:
    a = pb.tensor([0.0, 1.5, NAN, 0.0])
    b = pb.tensor([0, 0, 3, 2], dtype=pb.int8)
    assert P.logical_and(a, b).tolist() == [False, False, True, False]
    assert P.logical_or(a, b).tolist() == [False, True, True, True]
    assert P.logical_xor(a, b).tolist() == [False, True, False, True]
    assert P.logical_not(a).tolist() == [True, False, False, True]
    assert P.logical_and(a, 1).dtype is pb.bool


def test_logical_not_in_place_writes_the_inputs_dtype() -> None:
    x = pb.tensor([0.0, 2.0])
    assert x.logical_not_() is x
    assert x.tolist() == [1.0, 0.0]


# Shifts ---------------------------------------------------------------------------------------


def _reference_shift(x: int, s: int, bits: int, signed: bool, left: bool) -> int:
    if left:
        if s < 0 or s >= bits:
            return 0
        v = (x << s) & ((1 << bits) - 1)
        return v - (1 << bits) if signed and v >= 1 << (bits - 1) else v
    limit = bits - 1 if signed else bits
    return x >> (limit if s < 0 or s >= limit else s)


@pytest.mark.parametrize("dtype", [pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64])
@pytest.mark.parametrize("left", [True, False])
def test_shifts_follow_pytorch_for_every_amount(dtype: pb.DType, left: bool) -> None:
    bits = dtype.itemsize * 8
    values = [1, 5, int(dtype.max), int(dtype.min)] + ([-1, -3] if dtype.is_signed else [200])
    amounts = list(range(-2 if dtype.is_signed else 0, bits + 3))
    x = pb.tensor([[v] for v in values], dtype=dtype)
    s = pb.tensor(amounts, dtype=dtype)
    op = P.bitwise_left_shift if left else P.bitwise_right_shift
    got = op(x, s).tolist()
    expected = [[_reference_shift(v, a, bits, dtype.is_signed, left) for a in amounts]
                for v in values]
    assert got == expected


def test_shift_operators_reflected_and_in_place() -> None:
    x = pb.tensor([1, 2, -8], dtype=pb.int8)
    assert (x << 2).tolist() == [4, 8, -32]
    assert (x >> 1).tolist() == [0, 1, -4]
    assert (1 << pb.tensor([0, 3, 8], dtype=pb.int8)).tolist() == [1, 8, 0]
    assert (64 >> pb.tensor([1, 6])).tolist() == [32, 1]
    y = x.clone()
    y <<= 1
    assert y.tolist() == [2, 4, -16]
    y >>= 2
    assert y.tolist() == [0, 1, -4]
    assert (x << 1).dtype is pb.int8  # a Python int does not promote


def test_shifts_of_floats_and_bools_are_errors() -> None:
    with pytest.raises(pb.DTypeError, match="shifts of float32.*Fix:"):
        pb.tensor([1.0]) << 1
    with pytest.raises(pb.DTypeError, match="shifts of float32"):
        pb.tensor([1]) << 1.5  # promotes to float
    with pytest.raises(pb.DTypeError, match="bool"):
        P.bitwise_right_shift(pb.tensor([True]), pb.tensor([True]))


# Composites: values and PyTorch's corner cases ------------------------------------------------


def test_expm1_keeps_precision_near_zero() -> None:
    x = pb.tensor([1e-10, -1e-7, 1e-4, 0.5, -30.0, 100.0, -0.0, NAN, INF, -INF])
    got = _values(P.expm1(x))
    wide = x.numpy().astype(np.float64)
    with np.errstate(over="ignore"):
        expected = np.expm1(wide).astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(got, expected, rtol=2e-7, atol=0)
    assert np.signbit(P.expm1(pb.tensor([-0.0])).numpy()[0])
    # exp(x) - 1 would give 0 here.
    assert P.expm1(pb.tensor([1e-10])).item() == pytest.approx(1e-10, rel=1e-6)


def test_log2_log10_rsqrt_reciprocal_square() -> None:
    x = pb.tensor([1.0, 8.0, 0.25, 1000.0])
    assert P.log2(x).tolist() == pytest.approx([0.0, 3.0, -2.0, math.log2(1000)], rel=1e-6)
    assert P.log10(x).tolist() == pytest.approx([0.0, math.log10(8), math.log10(0.25), 3.0],
                                                rel=1e-6)
    assert P.rsqrt(pb.tensor([4.0, 0.0, -0.0])).tolist() == [0.5, INF, -INF]
    assert P.reciprocal(pb.tensor([2, 0])).tolist() == [0.5, INF]
    assert P.square(pb.tensor([-3, 12], dtype=pb.int8)).tolist() == [9, -112]  # wraps
    squared_bool = P.square(pb.tensor([True, False]))
    assert squared_bool.dtype is pb.int64  # pow(x, 2) promotes bool with the int 2
    assert squared_bool.tolist() == [1, 0]


def test_sigmoid_silu_softplus_saturate_without_nan() -> None:
    x = pb.tensor([-100.0, -5.0, 0.0, 5.0, 100.0])
    wide = x.numpy().astype(np.float64)
    assert P.sigmoid(x).tolist() == pytest.approx(list(1 / (1 + np.exp(-wide))), rel=1e-6,
                                                  abs=1e-30)
    silu = P.silu(x).tolist()
    assert silu[0] == 0.0
    assert silu[4] == 100.0
    assert silu[1] == pytest.approx(-5 / (1 + math.exp(5)), rel=1e-6)
    assert P.softplus(x).tolist() == pytest.approx(
        [math.log1p(math.exp(-100.0)), math.log1p(math.exp(-5.0)), math.log(2.0),
         math.log1p(math.exp(5.0)), 100.0], rel=1e-6)


def test_softplus_beta_and_threshold() -> None:
    x = pb.tensor([1.0, 2.0, 3.0], dtype=pb.float64)
    # beta * x > threshold is linear: x itself.
    assert P.softplus(x, beta=2, threshold=4).tolist() == pytest.approx(
        [math.log1p(math.exp(2.0)) / 2, math.log1p(math.exp(4.0)) / 2, 3.0])
    with pytest.raises(pb.DTypeError, match="softplus of a non-floating tensor"):
        P.softplus(pb.tensor([1, 2]))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_matches_its_formula(approximate: str) -> None:
    values = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]
    x = pb.tensor(values, dtype=pb.float64)
    if approximate == "none":
        expected = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in values]
    else:
        expected = [0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
                    for v in values]
    assert P.gelu(x, approximate=approximate).tolist() == pytest.approx(expected, rel=1e-14,
                                                                        abs=1e-15)


def test_gelu_rejects_unknown_approximations_and_integers() -> None:
    with pytest.raises(pb.ArgumentError, match="'none' or 'tanh', not 'fast'.*Fix:"):
        P.gelu(pb.tensor([1.0]), approximate="fast")
    with pytest.raises(pb.DTypeError, match="gelu of a non-floating tensor.*Fix:"):
        P.gelu(pb.tensor([1, 2]))
    with pytest.raises(pb.DTypeError, match="silu"):
        P.silu(pb.tensor([1, 2]))


@pytest.mark.parametrize("name", ["sigmoid", "expm1", "log2", "gelu", "silu", "softplus"])
@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_reduced_precision_composites_compute_in_float32_and_round_once(
    name: str, dtype: pb.DType
) -> None:
    x = pb.tensor(np.linspace(0.05, 6, 301), dtype=dtype)
    got = getattr(P, name)(x)
    assert got.dtype is dtype
    expected = getattr(P, name)(x.to(pb.float32)).to(dtype)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_erf_values() -> None:
    values = [-INF, -6.0, -2.0, -1.0, -0.5, -1e-300, 0.0, 1e-8, 0.84375, 1.0, 1.25, 2.857, 5.9,
              INF, NAN]
    got = P.erf(pb.tensor(values, dtype=pb.float64)).tolist()
    for v, g in zip(values, got, strict=True):
        expected = math.erf(v)
        assert (math.isnan(g) and math.isnan(expected)) or g == pytest.approx(
            expected, rel=2.3e-16, abs=1e-320)


# clamp ----------------------------------------------------------------------------------------


def test_clamp_with_numbers() -> None:
    x = pb.tensor([-3.0, -1.0, 0.5, 2.0, 9.0, NAN])
    assert _values(P.clamp(x, -1, 2))[:5] == [-1.0, -1.0, 0.5, 2.0, 2.0]
    assert math.isnan(_values(P.clamp(x, -1, 2))[5])  # NaN stays NaN
    assert _values(P.clamp(x, min=0))[:5] == [0.0, 0.0, 0.5, 2.0, 9.0]
    assert _values(P.clamp(x, max=0))[:5] == [-3.0, -1.0, 0.0, 0.0, 0.0]
    assert _values(P.clamp(x, min=5, max=1))[:5] == [1.0] * 5  # min > max: everything is max
    assert x.clamp(min=0, max=1).tolist()[:5] == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_clamp_with_tensor_bounds_broadcasts() -> None:
    x = pb.tensor([[0, 5, 10], [-5, 3, 20]], dtype=pb.int32)
    low = pb.tensor([1, 2, 3], dtype=pb.int32)
    high = pb.tensor([[4], [8]], dtype=pb.int32)
    assert P.clamp(x, low, high).tolist() == [[1, 4, 4], [1, 3, 8]]
    assert P.clamp(x, None, high).tolist() == [[0, 4, 4], [-5, 3, 8]]
    assert P.clamp(pb.tensor(1.0), pb.tensor([0.0, 2.0])).tolist() == [1.0, 2.0]


def test_clamp_promotes_as_pytorch() -> None:
    x = pb.tensor([1, 2, 3])
    promoted = P.clamp(x, min=1.5)
    assert promoted.dtype is pb.float32
    assert promoted.tolist() == [1.5, 2.0, 3.0]
    assert P.clamp(pb.tensor([1, 2], dtype=pb.int8), 0, 1).dtype is pb.int8
    assert P.clamp(pb.tensor([True, False]), min=1).dtype is pb.int64
    with pytest.raises(pb.DTypeError, match="can't be cast"):
        x.clamp_(min=1.5)  # in place cannot change the dtype


def test_clamp_errors() -> None:
    with pytest.raises(pb.ArgumentError, match="at least one of min and max.*Fix:"):
        P.clamp(pb.tensor([1.0]))
    with pytest.raises(pb.DTypeError, match="clamp of bool values"):
        P.clamp(pb.tensor([True]), min=False)  # PyTorch has no bool clamp either


def test_clamp_in_place_and_out() -> None:
    x = pb.tensor([-1.0, 0.5, 3.0])
    assert x.clamp_(0, 1) is x
    assert x.tolist() == [0.0, 0.5, 1.0]
    out = pb.empty(3, dtype=pb.float64)
    assert P.clamp(pb.tensor([-1.0, 0.5, 3.0]), max=0.0, out=out) is out
    assert out.tolist() == [-1.0, 0.0, 0.0]


# nan_to_num -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16, pb.float32, pb.float64])
def test_nan_to_num_defaults_are_the_dtypes_extremes(dtype: pb.DType) -> None:
    x = pb.tensor([NAN, INF, -INF, 1.5], dtype=dtype)
    got = P.nan_to_num(x)
    assert got.dtype is dtype
    assert _values(got) == [0.0, float(dtype.max), float(dtype.min), 1.5]
    assert float(dtype.max) == float(ml_dtypes.finfo(dtype.numpy).max)  # type: ignore[no-untyped-call]


def test_nan_to_num_replacements() -> None:
    x = pb.tensor([NAN, INF, -INF, 2.0])
    assert P.nan_to_num(x, nan=7.0, posinf=1.0, neginf=-1.0).tolist() == [7.0, 1.0, -1.0, 2.0]
    assert P.nan_to_num(x, nan=None, posinf=5.0).tolist()[:2] == [0.0, 5.0]
    assert x.nan_to_num_(nan=3.0) is x
    assert x.tolist()[0] == 3.0


def test_nan_to_num_replacements_beyond_the_dtype_become_infinite_quietly() -> None:
    x = pb.tensor([NAN, INF, -INF, 1.0], dtype=pb.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the cast
        got = P.nan_to_num(x, nan=70000.0, posinf=1e10, neginf=-65519.0)
    assert got.tolist() == [INF, INF, -65504.0, 1.0]  # -65519 rounds to the dtype's min


def test_nan_to_num_of_integers_is_a_copy() -> None:
    x = pb.tensor([1, 2, 3], dtype=pb.int16)
    y = P.nan_to_num(x)
    assert y.dtype is pb.int16
    assert y.tolist() == [1, 2, 3]
    y.add_(1)
    assert x.tolist() == [1, 2, 3]


# lerp, addcmul, addcdiv -----------------------------------------------------------------------


def test_lerp_with_number_and_tensor_weights() -> None:
    a = pb.tensor([0.0, 1.0, 10.0], dtype=pb.float64)
    b = pb.tensor([10.0, 3.0, -10.0], dtype=pb.float64)
    assert P.lerp(a, b, 0.25).tolist() == pytest.approx([2.5, 1.5, 5.0])
    assert P.lerp(a, b, 1.0).tolist() == b.tolist()  # exactly end, from PyTorch's formula
    w = pb.tensor([0.0, 0.5, 2.0], dtype=pb.float64)
    assert P.lerp(a, b, w).tolist() == pytest.approx([0.0, 2.0, -30.0])
    assert a.lerp(b, 0.5).tolist() == pytest.approx([5.0, 2.0, 0.0])


def test_lerp_needs_one_floating_dtype() -> None:
    with pytest.raises(pb.DTypeError, match="end in the dtype of self.*Fix:"):
        P.lerp(pb.tensor([1.0]), pb.tensor([1.0], dtype=pb.float64), 0.5)
    with pytest.raises(pb.DTypeError, match="weight in the dtype of self"):
        P.lerp(pb.tensor([1.0]), pb.tensor([2.0]), pb.tensor([0.5], dtype=pb.float64))
    with pytest.raises(pb.DTypeError, match="lerp of a non-floating tensor"):
        P.lerp(pb.tensor([1]), pb.tensor([2]), 0.5)


def test_addcmul_and_addcdiv() -> None:
    s = pb.tensor([1.0, 2.0, 3.0])
    t1 = pb.tensor([2.0, 4.0, 6.0])
    t2 = pb.tensor([4.0, 2.0, 3.0])
    assert P.addcmul(s, t1, t2).tolist() == [9.0, 10.0, 21.0]
    assert P.addcmul(s, t1, t2, value=-0.5).tolist() == [-3.0, -2.0, -6.0]
    assert P.addcdiv(s, t1, t2, value=2).tolist() == [2.0, 6.0, 7.0]
    ints = pb.tensor([1, 2], dtype=pb.int16)
    result = P.addcmul(ints, ints, ints, value=3)
    assert (result.dtype, result.tolist()) == (pb.int16, [4, 14])
    assert s.addcdiv_(t1, t2) is s
    assert s.tolist() == [1.5, 4.0, 5.0]


def test_addcmul_and_addcdiv_errors() -> None:
    ints = pb.tensor([1, 2])
    with pytest.raises(pb.DTypeError, match="value=0.5 is a float.*Fix:"):
        P.addcmul(ints, ints, ints, value=0.5)
    with pytest.raises(pb.DTypeError, match="addcdiv of integer tensor1 and tensor2.*Fix:"):
        P.addcdiv(pb.tensor([1.0, 2.0]), ints, ints)
    with pytest.raises(pb.DTypeError, match="addcmul of bool inputs"):
        P.addcmul(pb.tensor([True]), pb.tensor([True]), pb.tensor([True]))
    assert P.addcdiv(ints, pb.tensor([1.0, 3.0]), ints).dtype is pb.float32


# Forms, errors, the meta device ---------------------------------------------------------------


def test_in_place_and_out_forms_of_primitives() -> None:
    x = pb.tensor([0.0, math.pi / 2])
    out = pb.empty(2, dtype=pb.float64)
    assert P.sin(x, out=out) is out
    assert out.tolist() == pytest.approx([0.0, 1.0])
    assert x.sin_() is x
    assert x.tolist() == pytest.approx([0.0, 1.0])
    with pytest.raises(pb.DTypeError, match="can't be cast"):
        pb.tensor([1, 2]).sin_()  # a float result cannot go into an integer tensor


def test_unary_of_a_python_number_says_to_use_a_tensor() -> None:
    with pytest.raises(pb.ArgumentError, match="sin takes a tensor, not float.*Fix:"):
        P.sin(0.5)


def test_errors_name_the_operator_and_inputs() -> None:
    with pytest.raises(pb.DTypeError) as info:
        P.bitwise_left_shift(pb.tensor([1.0, 2.0]), 1)
    message = str(info.value)
    assert message.startswith("pb::bitwise_left_shift:")
    assert "self=float32[2]" in message


def test_meta_device_gives_shapes_and_dtypes() -> None:
    x = pb.empty(3, 1, dtype=pb.int32, device="meta")
    y = pb.empty(4, dtype=pb.float16, device="meta")
    assert P.atan2(x, y).shape == (3, 4)
    assert P.atan2(x, y).dtype is pb.float16
    assert P.clamp(x, min=y).dtype is pb.float16
    assert P.sigmoid(x).dtype is pb.float32
    assert P.logical_xor(x, y).dtype is pb.bool
    assert P.lerp(y, y, 0.5).device == pb.device("meta")


# What PyTorch computes and refuses ------------------------------------------------------

_DEVICES = ["cpu", "opencl"]


def _device(name: str) -> pb.Device:
    devices = pb.devices(name)
    if not devices:
        pytest.skip(f"no {name} device")
    return devices[0]


@pytest.mark.parametrize(
    "subtract",
    [
        pytest.param(lambda x, m: x - m, id="tensor-minus-mask"),
        pytest.param(lambda x, m: m - x, id="mask-minus-tensor"),
        pytest.param(lambda x, m: m - m, id="mask-minus-mask"),
        pytest.param(lambda x, m: x - True, id="tensor-minus-True"),
        pytest.param(lambda x, m: False - x, id="False-minus-tensor"),
        pytest.param(lambda x, m: x.to(pb.float32) - m, id="float-minus-mask"),
        pytest.param(lambda x, m: pb.sub(x, m, alpha=2), id="sub-alpha"),
        pytest.param(lambda x, m: x.sub_(m), id="in-place"),
        pytest.param(lambda x, m: pb.sub(x, m, out=pb.empty(3, dtype=pb.int64)), id="out"),
    ],
)
def test_subtraction_with_a_bool_operand_is_refused_as_pytorch(subtract: Any) -> None:
    x = pb.tensor([1, 2, 3])
    mask = pb.tensor([True, False, True])
    with pytest.raises(pb.DTypeError, match=r"pb::sub.*bool.*Fix:.*~mask"):
        subtract(x, mask)
    assert x.tolist() == [1, 2, 3]


@pytest.mark.parametrize("device", _DEVICES)
@pytest.mark.parametrize("dtype", [pb.int8, pb.int16, pb.int32, pb.int64])
def test_integer_powers_with_negative_exponent_tensors(device: str, dtype: pb.DType) -> None:
    d = _device(device)
    base = pb.tensor([2, -1, -1, 1, 0, -3, 5, 2], dtype=dtype, device=d)
    exponent = pb.tensor([-1, -1, -2, -7, -1, -3, 0, 3], dtype=dtype, device=d)
    # PyTorch: 1 ** -n is 1, (-1) ** -n alternates, any other base gives 0 (0 included).
    assert (base ** exponent).tolist() == [0, -1, 1, 1, 0, 0, 1, 8]
    assert (2 ** exponent).tolist() == [0, 0, 0, 0, 0, 0, 1, 8]
    assert pb.pow(base, exponent[0]).tolist() == [0, -1, -1, 1, 0, 0, 0, 0]  # a 0-d tensor
    assert base.pow_(exponent).tolist() == [0, -1, 1, 1, 0, 0, 1, 8]


def test_a_negative_python_exponent_of_an_integer_tensor_is_refused_as_pytorch() -> None:
    with pytest.raises(pb.DTypeError, match="negative integer powers.*Fix:"):
        pb.tensor([2, 3]) ** -1


@pytest.mark.parametrize("device", _DEVICES)
def test_a_bool_tensor_to_a_python_bool_power_is_bool(device: str) -> None:
    # PyTorch 2.13: x ** True is x and x ** False is all True (bool results); an int
    # exponent promotes to int64; a bool tensor exponent (or base True) has no kernel.
    d = _device(device)
    x = pb.tensor([True, False], device=d)
    assert (x ** True).tolist() == [True, False]
    assert (x ** False).tolist() == [True, True]
    assert (x ** True).dtype is pb.bool
    assert (x ** 2).tolist() == [1, 0] and (x ** 2).dtype is pb.int64
    assert pb.tensor([True, False], device=d).pow_(False).tolist() == [True, True]
    for refused in (lambda: x ** x, lambda: True ** x, lambda: x ** pb.tensor(True, device=d)):
        with pytest.raises(pb.DTypeError, match="pow of a bool.*Fix:"):
            refused()


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_and_addcdiv_take_value_true(name: str) -> None:
    a, b, c = pb.tensor([1.0, 2.0]), pb.tensor([4.0, 6.0]), pb.tensor([2.0, 3.0])
    one = getattr(pb, name)(a, b, c, value=1)
    assert getattr(pb, name)(a, b, c, value=True).tolist() == one.tolist()
    assert getattr(pb, name)(a, b, c, value=False).tolist() == a.tolist()
    if name == "addcmul":
        ints = pb.tensor([1, 2])
        assert pb.addcmul(ints, ints, ints, value=True).tolist() == [2, 6]


@pytest.mark.parametrize("device", _DEVICES)
@pytest.mark.parametrize("dtype", [pb.uint8, pb.int8, pb.int32])
def test_add_and_sub_with_a_negative_alpha_wrap_as_pytorch(device: str, dtype: pb.DType) -> None:
    d = _device(device)
    x = pb.tensor([3, 0, 100], dtype=dtype, device=d)
    y = pb.tensor([1, 1, 50], dtype=dtype, device=d)
    wrapped = np.array([2, -1, 50]).astype(dtype.numpy).tolist()
    assert pb.add(x, y, alpha=-1).tolist() == wrapped  # uint8: [3] + [1] * -1 is [2]
    assert pb.sub(x, y, alpha=-1).tolist() == np.array([4, 1, 150]).astype(
        dtype.numpy).tolist()
    assert x.add_(y, alpha=-1).tolist() == wrapped
