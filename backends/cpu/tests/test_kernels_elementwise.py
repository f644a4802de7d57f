"""CPU elementwise kernels: every declared dtype runs, erf's accuracy, PyTorch's edge cases."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard_cpu._kernels_elementwise import KERNELS, erf

P = pb.ops.pb

VALUES = [[0.25, 1.0, 2.5], [3.0, -1.5, 0.0]]
OTHER = [[1.0, 2.0, -1.0], [2.0, 3.0, 1.0]]  # no zeros: integer fmod by zero raises

_UNARY: dict[str, Callable[[np.ndarray], Any]] = {
    "sign": lambda a: a if a.dtype == np.bool_ else np.sign(a),
    "log1p": np.log1p, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "tanh": np.tanh, "atan": np.arctan, "erf": np.vectorize(math.erf), "floor": np.floor,
    "ceil": np.ceil, "trunc": np.trunc, "round": np.rint, "logical_not": np.logical_not,
    "isnan": np.isnan, "expm1": np.expm1, "log2": np.log2, "log10": np.log10,
    # Composites in the core with CPU kernels (native ones where they apply).
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)), "silu": lambda a: a / (1 + np.exp(-a)),
    "gelu": lambda a: a * 0.5 * (1 + np.vectorize(math.erf)(a / math.sqrt(2))),
}
_BINARY: dict[str, Callable[[np.ndarray, np.ndarray], Any]] = {
    "fmod": np.fmod, "atan2": np.arctan2, "logical_and": np.logical_and,
    "logical_or": np.logical_or, "logical_xor": np.logical_xor,
    "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift,
}


def _input(values: list[list[float]], dtype: pb.DType) -> Any:
    array = np.asarray(values, dtype=np.float64)
    if dtype.is_bool:
        return array != 0
    if not dtype.is_floating_point:
        array = np.abs(array) if not dtype.is_signed else array
        return np.trunc(array).astype(dtype.numpy)
    return array.astype(dtype.numpy)


def test_every_listed_operator_has_a_kernel() -> None:
    assert {k.op for k in KERNELS} == set(_UNARY) | set(_BINARY)


@pytest.mark.parametrize(
    ("op", "dtype"), [(k.op, d) for k in KERNELS for d in k.dtypes], ids=str,
)
def test_every_declared_dtype_runs_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    a, b = _input(VALUES, dtype), _input(OTHER, dtype)
    handle = getattr(P, op)
    result = handle(pb.tensor(a)) if op in _UNARY else handle(pb.tensor(a), pb.tensor(b))
    wide = np.float64 if dtype.is_floating_point else a.dtype
    with np.errstate(all="ignore"):
        if op in _UNARY:
            expected = np.asarray(_UNARY[op](a.astype(wide)))
        else:
            expected = np.asarray(_BINARY[op](a.astype(wide), b.astype(wide)))
    if op == "sign":
        expected = np.nan_to_num(expected)  # PyTorch: sign(nan) is 0
    got = result.numpy().astype(np.float64 if expected.dtype.kind == "f" else expected.dtype)
    tolerance = {"float16": 1e-3, "bfloat16": 1e-2}.get(dtype.name, 1e-6)
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)


def test_kernels_declare_pytorchs_dtypes() -> None:
    declared = {k.op: set(k.dtypes) for k in KERNELS}
    floating = {pb.float16, pb.bfloat16, pb.float32, pb.float64}
    for op in ("log1p", "sin", "cos", "tan", "tanh", "atan", "erf", "atan2"):
        assert declared[op] == floating, op
    integers = {pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64}
    assert declared["bitwise_left_shift"] == declared["bitwise_right_shift"] == integers
    assert pb.bool not in declared["floor"] | declared["fmod"]
    assert pb.bool in declared["logical_and"] and pb.bool in declared["sign"]


# erf: NumPy has none, so the backend computes it -------------------------------------------


def test_erf_is_within_one_ulp_of_float64_everywhere() -> None:
    x = np.concatenate([
        np.linspace(-7, 7, 140_001),
        np.geomspace(1e-300, 1e-3, 1000), -np.geomspace(1e-300, 1e-3, 1000),
        # The branch boundaries, and a step to each side.
        np.array([0.84375, 1.25, 1 / 0.35, 6.0]),
        np.nextafter(np.array([0.84375, 1.25, 1 / 0.35, 6.0]), 0),
    ])
    expected = np.array([math.erf(v) for v in x])
    got = erf(x)
    ulps = np.abs(got - expected) / np.spacing(np.maximum(np.abs(expected), 1e-300))
    assert ulps.max() <= 1.0


def test_erf_special_values() -> None:
    got = erf(np.array([0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324]))
    assert got[:4].tolist() == [0.0, 0.0, 1.0, -1.0]
    assert np.signbit(got[1])
    assert math.isnan(got[4])
    assert got[5] > 0


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16, pb.float32])
def test_erf_rounds_once_to_narrow_dtypes(dtype: pb.DType) -> None:
    x = np.linspace(-3, 3, 601).astype(dtype.numpy)
    got = P.erf(pb.tensor(x)).numpy()
    expected = erf(x.astype(np.float64)).astype(dtype.numpy)
    np.testing.assert_array_equal(got, expected)


# Reduced precision and rounding ------------------------------------------------------------


@pytest.mark.parametrize("op", ["sin", "cos", "tan", "tanh", "atan", "log1p"])
@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_reduced_precision_transcendentals_are_float32_rounded_once(
    op: str, dtype: pb.DType
) -> None:
    x = np.linspace(0.01, 3, 500).astype(dtype.numpy)
    got = getattr(P, op)(pb.tensor(x)).numpy()
    expected = _UNARY[op](x.astype(np.float32)).astype(dtype.numpy)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_round_with_decimals_scales_in_float32(dtype: pb.DType) -> None:
    x = np.linspace(-4, 4, 333).astype(dtype.numpy)
    got = P.round(pb.tensor(x), decimals=2).numpy()
    wide = x.astype(np.float32)
    expected = (np.rint(wide * np.float32(100)) / np.float32(100)).astype(dtype.numpy)
    np.testing.assert_array_equal(got, expected)


def test_sign_of_negative_zero_is_positive_zero_and_of_nan_is_zero() -> None:
    got = P.sign(pb.tensor([-0.0, math.nan, -math.nan], dtype=pb.float64)).numpy()
    assert got.tolist() == [0.0, 0.0, 0.0]
    assert not np.signbit(got).any()


def test_kernels_write_strided_and_broadcast_views() -> None:
    base = pb.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
    view = base.T  # non-contiguous
    np.testing.assert_allclose(P.sin(view).numpy(), np.sin(view.numpy()), rtol=1e-6)
    out = pb.zeros(4, 6)[:, ::2]  # a strided out=
    P.atan2(view, pb.tensor([1.0, 2.0, 3.0]), out=out)
    np.testing.assert_allclose(out.numpy(), np.arctan2(view.numpy(), [1.0, 2.0, 3.0]),
                               rtol=1e-6)
    x = pb.tensor(np.arange(8, dtype=np.int16).reshape(2, 4))
    shifted = P.bitwise_left_shift(x[:, ::2], pb.tensor([[1], [2]], dtype=pb.int16))
    assert shifted.tolist() == [[0, 4], [16, 24]]


def test_in_place_kernels_write_their_input() -> None:
    x = pb.tensor([1.4, 2.5, -0.5])
    assert x.floor_() is x
    assert x.tolist() == [1.0, 2.0, -1.0]
    y = pb.tensor([1, 0, 3], dtype=pb.int32)
    y.logical_not_()
    assert y.tolist() == [0, 1, 0]


def test_integer_fmod_of_the_minimum_by_minus_one_does_not_trap() -> None:
    for dtype in (pb.int8, pb.int32, pb.int64):
        x = pb.tensor([dtype.min], dtype=dtype)
        assert P.fmod(x, -1).tolist() == [0]
