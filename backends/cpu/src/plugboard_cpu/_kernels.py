"""CPU kernels on NumPy.

Every kernel is structured: the core has validated the inputs, cast them to
the computation dtype, broadcast pointwise inputs to the output's shape (as
stride-0 views) and allocated ``out``. A kernel views its tensors with
``host_array`` and writes ``out``. Python numbers arrive already converted
to the computation's values (float32's for float16 and bfloat16, which
compute in float32: ``operands`` keeps NumPy from rounding them first).

float16 and bfloat16 reductions and matmul accumulate in float32, as
PyTorch's CPU backend does, and round once at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from ._kernel_tools import (
    ALL,
    FLOATING,
    INTEGRAL,
    NUMERIC,
    CPUKernel,
    accumulator,
    binary,
    operands,
    quiet,
    unary,
)
from ._kernel_tools import array as _a


def _scaled(other: Any, alpha: Any, out: pb.Tensor) -> Any:
    """``alpha * other`` in the computation's arithmetic (float32 for float16 and bfloat16),
    so that ``self + alpha * other`` rounds once."""
    if alpha == 1:
        return other
    return np.multiply(other, alpha, dtype=accumulator(out.dtype.numpy) or out.dtype.numpy)


def _add(self: Any, other: Any, alpha: Any, *, out: pb.Tensor) -> None:
    a, b, alpha = operands(self, other, alpha)
    with ignore_fp_errors():
        np.add(a, _scaled(b, alpha, out), out=host_array(out))


def _sub(self: Any, other: Any, alpha: Any, *, out: pb.Tensor) -> None:
    a, b, alpha = operands(self, other, alpha)
    with ignore_fp_errors():
        np.subtract(a, _scaled(b, alpha, out), out=host_array(out))


def _check_integer_divisor(divisor: Any, op: str) -> None:
    if np.any(np.asarray(divisor) == 0):
        raise pb.ArgumentError(
            f"integer {op} by zero. Fix: make sure the divisor has no zeros, or use "
            "floating-point inputs (which give inf or nan)"
        )


def _div(self: Any, other: Any, rounding_mode: str | None, *, out: pb.Tensor) -> None:
    (a, b), o = operands(self, other), host_array(out)
    integral = not out.dtype.is_floating_point
    if integral:
        _check_integer_divisor(b, "division")
    with ignore_fp_errors():
        if rounding_mode is None:
            np.true_divide(a, b, out=o)
        elif rounding_mode == "floor":
            np.floor_divide(a, b, out=o)
        elif integral:
            # Truncation towards zero: floor division, one up where it rounded a
            # negative, inexact quotient down.
            q = np.floor_divide(a, b)
            inexact = (q * b) != a
            negative = np.logical_xor(np.less(a, 0), np.less(b, 0))
            np.add(q, np.logical_and(inexact, negative), out=o, casting="unsafe")
        else:
            # Reduced precision divides in float32 before truncating, as PyTorch does:
            # a float16 quotient can round up to the next integer.
            wide = accumulator(o.dtype)
            if wide is not None:
                a, b = np.asarray(a, dtype=wide), np.asarray(b, dtype=wide)
            np.copyto(o, np.trunc(np.true_divide(a, b)), casting="unsafe")


def _remainder(self: Any, other: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other)
    if not out.dtype.is_floating_point:
        _check_integer_divisor(b, "remainder")
    with ignore_fp_errors():
        np.remainder(a, b, out=host_array(out))


def _pow(self: Any, exponent: Any, *, out: pb.Tensor) -> None:
    (a, e), o = operands(self, exponent), host_array(out)
    if out.dtype.is_bool:
        # x ** True is x and x ** False is 1: x or not e.
        np.logical_or(a, np.logical_not(e), out=o)
        return
    negative = None if out.dtype.is_floating_point else np.less(e, 0)
    if negative is None or not np.any(negative):
        with ignore_fp_errors():
            np.power(a, e, out=o)
        return
    # PyTorch's integer powers with negative exponents: 1 stays 1, -1 alternates, and
    # every other base (0 included) gives 0, the truncated 1 / a ** -e.
    with ignore_fp_errors():
        np.power(a, np.where(negative, 0, e), out=o)
    odd = np.bitwise_and(e, 1).astype(np.bool_)
    inverse = np.where(np.equal(a, 1), 1, np.where(np.equal(a, -1), np.where(odd, -1, 1), 0))
    np.copyto(o, inverse, casting="unsafe", where=negative)


def _where(condition: pb.Tensor, self: Any, other: Any, *, out: pb.Tensor) -> None:
    o = host_array(out)
    # Python numbers arrive as the computation dtype's values; an overflowing float is inf.
    with ignore_fp_errors():
        np.copyto(o, _a(other), casting="unsafe")
        np.copyto(o, _a(self), casting="unsafe", where=host_array(condition))


def _relu(self: pb.Tensor, *, out: pb.Tensor) -> None:
    # Only values known to be negative become 0: NaN stays NaN, -0.0 stays -0.0. max(x, 0)
    # keeps NaN but may give either zero for -0.0, so zeros take their input's sign back.
    # (A masked copy of 0 into the negatives is ten times slower on random signs.)
    a, o = host_array(self), host_array(out)
    np.maximum(a, a.dtype.type(0), out=o)
    if out.dtype.is_floating_point:
        np.copysign(o, a, out=o, where=a == 0)


def _copy(self: pb.Tensor, src: Any, non_blocking: bool) -> None:
    with ignore_fp_errors():
        np.copyto(host_array(self), _a(src), casting="unsafe")


def _axes(dim: Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    if not dim or ndim == 0:
        return None
    return tuple(d % ndim for d in dim)


@quiet
def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    wide = accumulator(o.dtype) or o.dtype
    result = np.sum(a, axis=_axes(dim, a.ndim), keepdims=keepdim, dtype=wide)
    np.copyto(o, result, casting="unsafe")


def _amax(self: pb.Tensor, dim: Sequence[int], keepdim: bool, *, out: pb.Tensor) -> None:
    a = host_array(self)
    np.amax(a, axis=_axes(dim, a.ndim), keepdims=keepdim, out=host_array(out))


def _argmax(self: pb.Tensor, dim: int | None, keepdim: bool, *, out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    if dim is None or a.ndim == 0:
        np.copyto(o, np.argmax(a.reshape(-1)).reshape(o.shape))
    else:
        np.copyto(o, np.argmax(a, axis=dim % max(a.ndim, 1), keepdims=keepdim).reshape(o.shape))


@quiet
def _matmul(self: pb.Tensor, other: pb.Tensor, *, out: pb.Tensor) -> None:
    a, b, o = host_array(self), host_array(other), host_array(out)
    wide = accumulator(o.dtype)
    if wide is not None:
        np.copyto(o, np.matmul(a.astype(wide), b.astype(wide)), casting="unsafe")
    else:
        np.matmul(a, b, out=o)


def _full(size: Any, fill_value: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    host_array(out).fill(fill_value)


def _arange(start: Any, end: Any, step: Any, dtype: Any, device: Any, *,
            out: pb.Tensor) -> None:
    o = host_array(out)
    exact = all(isinstance(v, int) for v in (start, end, step))
    # Each value is start + i * step, computed in int64 or float64 and rounded once.
    steps = np.arange(o.shape[0], dtype=np.int64 if exact else np.float64)
    np.copyto(o, start + steps * step, casting="unsafe")


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("neg", unary(np.negative), NUMERIC),
    CPUKernel("abs", unary(np.absolute), NUMERIC),
    CPUKernel("exp", unary(np.exp), FLOATING),
    CPUKernel("log", unary(np.log), FLOATING),
    CPUKernel("sqrt", unary(np.sqrt), FLOATING),
    CPUKernel("bitwise_not", unary(np.invert), INTEGRAL),
    CPUKernel("add", _add, ALL),
    CPUKernel("sub", _sub, NUMERIC),
    CPUKernel("mul", binary(np.multiply), ALL),
    CPUKernel("div", _div, NUMERIC),
    CPUKernel("remainder", _remainder, NUMERIC),
    CPUKernel("pow", _pow, ALL),
    CPUKernel("maximum", binary(np.maximum), ALL),
    CPUKernel("minimum", binary(np.minimum), ALL),
    CPUKernel("bitwise_and", binary(np.bitwise_and), INTEGRAL),
    CPUKernel("bitwise_or", binary(np.bitwise_or), INTEGRAL),
    CPUKernel("bitwise_xor", binary(np.bitwise_xor), INTEGRAL),
    CPUKernel("eq", binary(np.equal), ALL),
    CPUKernel("ne", binary(np.not_equal), ALL),
    CPUKernel("lt", binary(np.less), ALL),
    CPUKernel("le", binary(np.less_equal), ALL),
    CPUKernel("gt", binary(np.greater), ALL),
    CPUKernel("ge", binary(np.greater_equal), ALL),
    CPUKernel("where", _where, ALL),
    CPUKernel("relu", _relu, NUMERIC),
    CPUKernel("copy_", _copy, ALL),
    CPUKernel("sum", _sum, ALL),
    CPUKernel("amax", _amax, ALL),
    CPUKernel("argmax", _argmax, NUMERIC),  # bool is refused, as in PyTorch
    CPUKernel("matmul", _matmul, NUMERIC),
    CPUKernel("full", _full, ALL),
    CPUKernel("arange", _arange, ALL),
)
