"""Where MLX's operations differ from plugboard's (PyTorch's) semantics, the kernels make
up for it: integer division and remainder signs, the minimum integer over -1, shifts past
the bit width, NaN in max and min, type promotion, casts, accuracy of exp and erf."""

from __future__ import annotations

import math

import numpy as np
import pytest

import plugboard as pb


def _t(values: list, dtype: pb.DType, device: pb.Device) -> pb.Tensor:
    return pb.tensor(values, dtype=dtype, device=device)


def test_integer_division_rounds_as_asked(metal: pb.Device) -> None:
    a = _t([-7, 7, -7, 7], pb.int32, metal)
    b = _t([2, -2, -2, 2], pb.int32, metal)
    assert pb.div(a, b, rounding_mode="trunc").tolist() == [-3, -3, 3, 3]
    assert pb.div(a, b, rounding_mode="floor").tolist() == [-4, -4, 3, 3]
    assert pb.div(a, b).dtype is pb.float32  # true division of integers is float
    assert pb.div(a, b).tolist() == [-3.5, -3.5, 3.5, 3.5]


def test_remainder_takes_the_divisor_sign_and_fmod_the_dividend(metal: pb.Device) -> None:
    a = _t([-7, 7, -7, 7], pb.int64, metal)
    b = _t([3, -3, -3, 3], pb.int64, metal)
    assert pb.remainder(a, b).tolist() == [2, -2, -1, 1]
    assert pb.fmod(a, b).tolist() == [-1, 1, -1, 1]
    f = _t([-0.0, 5.5, -5.5], pb.float32, metal)
    g = _t([2.0, -2.0, 2.0], pb.float32, metal)
    assert [math.copysign(1, v) for v in pb.fmod(f, g).tolist()] == [-1, 1, -1]
    assert pb.remainder(f, g).tolist() == [0.0, -0.5, 0.5]


def test_the_minimum_integer_over_minus_one_wraps(metal: pb.Device) -> None:
    low = np.iinfo(np.int32).min
    a = _t([low, 9], pb.int32, metal)
    b = _t([-1, -1], pb.int32, metal)
    assert pb.div(a, b, rounding_mode="floor").tolist() == [low, -9]
    assert pb.remainder(a, b).tolist() == [0, 0]


def test_integer_division_by_zero_is_refused(metal: pb.Device) -> None:
    a = _t([1, 2], pb.int32, metal)
    with pytest.raises(pb.PlugboardError, match="by zero"):
        pb.div(a, _t([1, 0], pb.int32, metal), rounding_mode="trunc")


def test_shifts_past_the_width(metal: pb.Device) -> None:
    a = _t([1, -128, 64], pb.int8, metal)
    s = _t([9, 9, -1], pb.int8, metal)
    assert pb.bitwise_left_shift(a, s).tolist() == [0, 0, 0]
    assert pb.bitwise_right_shift(a, s).tolist() == [0, -1, 0]


def test_nan_propagates_through_max_and_min(metal: pb.Device) -> None:
    x = _t([1.0, float("nan"), 3.0], pb.float32, metal)
    assert math.isnan(pb.amax(x).item()) and math.isnan(pb.amin(x).item())
    y = _t([float("nan"), 0.0, 5.0], pb.float32, metal)
    assert [math.isnan(v) for v in pb.maximum(x, y).tolist()] == [True, True, False]
    assert pb.argmax(x).item() == 1


def test_type_promotion_and_casts(metal: pb.Device) -> None:
    small = _t([100], pb.int8, metal)
    assert (small + 1000).dtype is pb.int8  # a Python number does not widen it
    assert (small + _t([1.5], pb.float16, metal)).dtype is pb.float16
    assert _t([-1.7, 2.9], pb.float32, metal).to(pb.int32).tolist() == [-1, 2]
    assert _t([0.0, -0.0, float("nan")], pb.float32, metal).to(pb.bool).tolist() == [
        False, False, True]


def test_float16_computes_in_float32_and_rounds_once(metal: pb.Device) -> None:
    # Summed in float16, 2048 + 1 stays 2048 (twice); in float32, 2050 is exact.
    assert pb.sum(_t([2048.0, 1.0, 1.0], pb.float16, metal)).item() == 2050.0
    x = _t([2048.0] * 4, pb.float16, metal)
    assert (x * 0.5 + 0.25).tolist() == [1024.0] * 4  # 1024.25 rounds to 1024 in float16


def test_integer_matmul_without_mlx_support(metal: pb.Device) -> None:
    a = _t([[1, 2], [3, 4]], pb.int64, metal)
    assert (a @ a).tolist() == [[7, 10], [15, 22]]
    assert (a @ _t([1, 1], pb.int64, metal)).tolist() == [3, 7]


def test_exp_and_erf_are_accurate(metal: pb.Device) -> None:
    values = np.array([30.70206, -100.0, 1e-3, -0.0016748, 88.7], dtype=np.float32)
    x = pb.tensor(values, device=metal)
    exp = pb.exp(x).numpy().astype(np.float64)
    want = np.exp(values.astype(np.float64))
    assert np.all(np.abs(exp - want) <= 2 * np.abs(np.spacing(want.astype(np.float32))))
    assert exp[1] > 0  # a subnormal result, not flushed to zero
    erf = pb.erf(x).numpy().astype(np.float64)
    want = np.array([math.erf(v) for v in values.astype(np.float64)])
    assert np.all(np.abs(erf - want) <= 2 * np.abs(np.spacing(want.astype(np.float32))))


def test_integer_powers(metal: pb.Device) -> None:
    base = _t([2, -1, 1, 3], pb.int32, metal)
    assert (base ** _t([10, 3, -5, -1], pb.int32, metal)).tolist() == [1024, -1, 1, 0]


def test_native_composites_run_here(metal: pb.Device) -> None:
    x = pb.tensor(np.random.default_rng(0).standard_normal((4, 8)).astype(np.float32),
                  device=metal)
    np.testing.assert_allclose(pb.softmax(x, dim=1).numpy().sum(axis=1), 1.0, rtol=1e-6)
    row = pb.tensor([[float("inf"), 1.0]], device=metal)
    assert all(math.isnan(v) for v in pb.log_softmax(row, dim=1).tolist()[0])
    y = pb.layer_norm(x, [8]).numpy()
    np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-6)
