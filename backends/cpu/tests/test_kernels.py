"""CPU kernels: every declared dtype runs, and reduced precision accumulates in float32."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import plugboard as pb
from plugboard_cpu._kernels import KERNELS

VALUES = [[0, 1, 2], [3, 1, 0]]
OTHER = [[1, 2, 1], [2, 3, 1]]  # no zeros: integer remainder by zero raises


def _inputs(dtype: pb.DType) -> pb.Tensor:
    return pb.tensor(VALUES, dtype=dtype)


UNARY = {"neg", "abs", "exp", "log", "sqrt", "bitwise_not"}
BINARY = {"add", "sub", "mul", "remainder", "pow", "maximum", "minimum", "bitwise_and",
          "bitwise_or", "bitwise_xor", "eq", "ne", "lt", "le", "gt", "ge"}


@pytest.mark.parametrize(
    ("op", "dtype"),
    [(k.op, d) for k in KERNELS if k.op in UNARY | BINARY for d in k.dtypes],
    ids=str,
)
def test_every_declared_dtype_runs_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    x = _inputs(dtype)
    handle = getattr(pb.ops.pb, op)
    y = pb.tensor(OTHER, dtype=dtype)
    result = handle(x) if op in UNARY else handle(x, y)
    expected_fn = {
        "neg": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
        "bitwise_not": np.invert, "add": np.add, "sub": np.subtract, "mul": np.multiply,
        "remainder": np.remainder, "pow": np.power, "maximum": np.maximum,
        "minimum": np.minimum, "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
        "bitwise_xor": np.bitwise_xor, "eq": np.equal, "ne": np.not_equal, "lt": np.less,
        "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
    }[op]
    wide = np.float64 if dtype.is_floating_point else dtype.numpy
    a, b = np.asarray(VALUES, dtype=wide), np.asarray(OTHER, dtype=wide)
    with np.errstate(all="ignore"):
        expected = expected_fn(a) if op in UNARY else expected_fn(a, b)
    got = result.numpy().astype(np.float64 if dtype.is_floating_point else expected.dtype)
    tolerance = {"float16": 1e-3, "bfloat16": 1e-2}.get(dtype.name, 1e-6)
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_reduced_precision_sum_accumulates_in_float32(dtype: pb.DType) -> None:
    # Accumulating 4096 ones in bfloat16 stalls at 256; a float32 accumulator is exact.
    x = pb.ones(4096, dtype=dtype)
    assert x.sum().item() == 4096.0
    assert x.sum().dtype is dtype


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_reduced_precision_matmul_accumulates_in_float32(dtype: pb.DType) -> None:
    a = pb.ones(1, 2048, dtype=dtype)
    b = pb.ones(2048, 1, dtype=dtype)
    assert (a @ b).item() == 2048.0


@pytest.mark.parametrize("src", [pb.float32, pb.float64, pb.bfloat16, pb.int64, pb.bool])
@pytest.mark.parametrize("dst", [pb.float16, pb.bfloat16, pb.int8, pb.int32, pb.bool])
def test_copy_casts_between_every_pair(src: pb.DType, dst: pb.DType) -> None:
    x = pb.tensor([0, 1, 2, 3], dtype=src)
    y = x.to(dst)
    expected = np.asarray([0, 1, 2, 3]).astype(src.numpy).astype(dst.numpy)
    assert y.dtype is dst
    np.testing.assert_array_equal(y.numpy(), expected)


def test_float_to_int_cast_truncates_towards_zero() -> None:
    x = pb.tensor([-2.7, -0.5, 0.5, 2.7])
    assert x.to(pb.int32).tolist() == [-2, 0, 0, 2]


def test_integer_division_and_remainder_by_zero_raise() -> None:
    x = pb.tensor([1, 2])
    with pytest.raises(pb.PlugboardError, match="by zero"):
        pb.div(x, pb.tensor([1, 0]), rounding_mode="floor")
    with pytest.raises(pb.PlugboardError, match="by zero"):
        x % 0


def test_integer_negative_power_of_a_tensor_exponent_raises() -> None:
    with pytest.raises(pb.DTypeError, match="negative integer powers"):
        pb.tensor([2, 3]) ** pb.tensor([1, -1])


def test_where_with_a_number_beyond_the_dtype_gives_inf_without_a_warning() -> None:
    condition = pb.tensor([True, False])
    x = pb.tensor([1.0, 2.0], dtype=pb.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = pb.where(condition, 1e10, x)
    assert result.dtype is pb.float16
    assert result.tolist() == [float("inf"), 2.0]
