"""CPU kernels: every declared dtype runs, reduced precision accumulates in float32, and
in-place and out= forms on strided views agree with the functional form."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard_cpu._kernels import KERNELS
from plugboard_cpu._plugin import KERNEL_MODULES

VALUES = [[0, 1, 2], [3, 1, 0]]
OTHER = [[1, 2, 1], [2, 3, 1]]  # no zeros: integer remainder by zero raises


def _inputs(dtype: pb.DType) -> pb.Tensor:
    return pb.tensor(VALUES, dtype=dtype)


UNARY = {"neg", "abs", "exp", "log", "sqrt", "bitwise_not", "relu"}


BINARY = {"add", "sub", "mul", "remainder", "pow", "maximum", "minimum", "bitwise_and",
          "bitwise_or", "bitwise_xor", "eq", "ne", "lt", "le", "gt", "ge"}


# A bool pow takes a Python bool exponent only, as in PyTorch (see the test of it below).
_TENSOR_OPERANDS = {(k.op, d) for k in KERNELS for d in k.dtypes} - {("pow", pb.bool)}


@pytest.mark.parametrize(
    ("op", "dtype"),
    [(k.op, d) for k in KERNELS if k.op in UNARY | BINARY for d in k.dtypes
     if (k.op, d) in _TENSOR_OPERANDS],
    ids=str,
)
def test_every_declared_dtype_runs_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    x = _inputs(dtype)
    handle = getattr(pb.ops.pb, op)
    y = pb.tensor(OTHER, dtype=dtype)
    result = handle(x) if op in UNARY else handle(x, y)
    expected_fn = {
        "neg": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
        "bitwise_not": np.invert, "relu": lambda a: np.where(a < 0, 0, a),
        "add": np.add, "sub": np.subtract, "mul": np.multiply,
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


@pytest.mark.parametrize("dtype", [pb.int8, pb.int16, pb.int32, pb.int64])
def test_integer_powers_with_negative_exponents_as_pytorch(dtype: pb.DType) -> None:
    # 1 ** -n is 1, (-1) ** -n alternates, every other base gives 0; on broadcast and
    # strided operands too.
    base = pb.tensor([[2, -1, 1, 0, -1, 3]], dtype=dtype).expand(2, 6)
    exponent = pb.tensor([[-1, -1, -5, -2, -2, 2], [1, -3, 0, 3, 4, -1]], dtype=dtype)
    assert (base ** exponent).tolist() == [[0, -1, 1, 0, 1, 9], [2, -1, 1, 0, 1, 0]]
    assert (base ** exponent.T.contiguous().T).tolist() == (base ** exponent).tolist()


def test_bool_to_a_python_bool_power() -> None:
    x = pb.tensor([True, True, False, False])
    assert (x ** True).tolist() == x.tolist()
    assert (x[::2] ** False).tolist() == [True, True]


def test_where_with_a_number_beyond_the_dtype_is_an_error_without_a_warning() -> None:
    condition = pb.tensor([True, False])
    x = pb.tensor([1.0, 2.0], dtype=pb.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(pb.DTypeError, match="10000000000.0 overflows float16.*Fix:"):
            pb.where(condition, 1e10, x)
        assert pb.where(condition, math.inf, x).tolist() == [math.inf, 2.0]


# In place and out= on strided views ----------------------------------------------
#
# NumPy 2.4's np.negative(v, out=v) on a view with 16-byte steps (x.diagonal() of a
# 3x3 float32) reads the wrong elements; a multi-step kernel that writes out before
# reading all of its inputs is wrong when out is one of them. Every pointwise CPU
# kernel, in place and with out=, on views of several strides must give the values of
# the functional form on a contiguous copy, and leave the rest of the base alone.

POINTWISE = [
    (k.op, d)
    for module in KERNEL_MODULES for k in module.KERNELS
    # where's in-place form would write its condition; it is tested with out= below.
    if getattr(pb.ops.pb, k.op).op.pointwise and k.op not in {"copy_", "where"}
    for d in k.dtypes if (k.op, d) != ("pow", pb.bool)  # a Python bool exponent only
]

VIEWS: dict[str, tuple[tuple[int, ...], Callable[[pb.Tensor], pb.Tensor]]] = {
    "diagonal of 3x3": ((3, 3), lambda b: b.diagonal()),  # 4 elements apart
    "diagonal of 5x5": ((5, 5), lambda b: b.diagonal()),
    "[::2]": ((32,), lambda b: b[::2]),
    "[::3]": ((48,), lambda b: b[::3]),
    "[::4]": ((64,), lambda b: b[::4]),
    "[::8]": ((128,), lambda b: b[::8]),
    "[:, ::4] of 4x16": ((4, 16), lambda b: b[:, ::4]),
    "[1:, 1::2] of 5x6": ((5, 6), lambda b: b[1:, 1::2]),
    "transposed 4x5": ((4, 5), lambda b: b.t()),
}


def _values(shape: tuple[int, ...], dtype: pb.DType, period: int, start: int) -> pb.Tensor:
    """Distinct small values (repeating every ``period``), so a misread element shows."""
    flat = np.arange(int(np.prod(shape))) % period + start
    data = flat % 2 == 1 if dtype.is_bool else flat
    return pb.tensor(data.reshape(shape).tolist(), dtype=dtype)


def _base_and_view(name: str, dtype: pb.DType) -> tuple[pb.Tensor, pb.Tensor]:
    shape, make = VIEWS[name]
    base = _values(shape, dtype, 50, 1)
    return base, make(base)


def _others(handle: Any, view: pb.Tensor) -> list[pb.Tensor]:
    """The operator's other tensor arguments: contiguous, of the view's shape, no zeros."""
    count = sum(1 for a in handle.schema.arguments if str(a.type) == "Tensor") - 1
    return [_values(view.shape, view.dtype, 4, 1) for _ in range(count)]


def _host(t: pb.Tensor) -> np.ndarray:
    a = t.numpy()
    return a.astype(np.float64) if t.dtype.is_floating_point else a


def _expected_base(base_before: np.ndarray, view: pb.Tensor, values: np.ndarray) -> np.ndarray:
    """``base_before`` with ``values`` written into ``view``'s elements."""
    expected = base_before.copy()
    flat = expected.reshape(-1)
    itemsize = flat.itemsize
    window = np.lib.stride_tricks.as_strided(
        flat[view.storage_offset():], view.shape, [s * itemsize for s in view.stride()]
    )
    window[...] = values
    return expected


def _check_written(base: pb.Tensor, before: np.ndarray, view: pb.Tensor,
                   expected: pb.Tensor, name: str) -> None:
    np.testing.assert_array_equal(_host(view), _host(expected), err_msg=name)
    np.testing.assert_array_equal(_host(base), _expected_base(before, view, _host(expected)),
                                  err_msg=f"{name}: elements outside the view changed")


@pytest.mark.parametrize(("op", "dtype"), POINTWISE, ids=str)
def test_in_place_on_strided_views_matches_the_functional_form(op: str, dtype: pb.DType) -> None:
    handle = getattr(pb.ops.pb, op)
    for name in VIEWS:
        base, view = _base_and_view(name, dtype)
        others = _others(handle, view)
        with np.errstate(all="ignore"):
            expected = handle(view.clone(), *others)
        if not pb.can_cast(expected.dtype, dtype):
            return  # no in-place form for this dtype (x.div_(y) of integers)
        expected = expected.to(dtype)
        before = _host(base).copy()
        getattr(pb.ops.pb, op + "_")(view, *others)
        _check_written(base, before, view, expected, name)


@pytest.mark.parametrize(("op", "dtype"), POINTWISE, ids=str)
def test_out_into_strided_views_matches_the_functional_form(op: str, dtype: pb.DType) -> None:
    handle = getattr(pb.ops.pb, op)
    for name in VIEWS:
        source, strided_input = _base_and_view(name, dtype)
        others = _others(handle, strided_input)
        expected = handle(strided_input.clone(), *others)
        base = pb.zeros(source.shape, dtype=expected.dtype)
        view = VIEWS[name][1](base)
        before = _host(base).copy()
        handle(strided_input, *others, out=view)
        _check_written(base, before, view, expected, name)


@pytest.mark.parametrize("written", ["self", "other"])
def test_where_into_one_of_its_inputs(written: str) -> None:
    condition = pb.tensor([True, False, True, False])
    x, y = pb.tensor([1.0, 2.0, 3.0, 4.0]), pb.tensor([10.0, 20.0, 30.0, 40.0])
    pb.where(condition, x, y, out=x if written == "self" else y)
    assert (x if written == "self" else y).tolist() == [1.0, 20.0, 3.0, 40.0]


def test_relu_keeps_nan_and_negative_zero_as_the_decomposition() -> None:
    x = pb.tensor([-1.0, math.nan, -0.0, 0.0, 2.0, -math.inf])
    got = pb.relu(x).numpy()
    np.testing.assert_array_equal(got, [0.0, math.nan, -0.0, 0.0, 2.0, 0.0])
    assert np.signbit(got[2]) and not np.signbit(got[0])
