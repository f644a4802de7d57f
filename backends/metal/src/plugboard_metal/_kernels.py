"""metal kernels for the pointwise operators, copies and factories, on MLX operations.

Every kernel is structured: the core has validated the inputs, cast them to the
computation dtype, broadcast pointwise inputs to the output's shape (stride-0
views, which :func:`~plugboard_metal._arrays.read` turns into ``mx.as_strided``)
and allocated ``out``. float16 and bfloat16 compute in float32 and round once
into ``out``, as PyTorch's kernels do. Where MLX's operation differs from
plugboard's (PyTorch's) semantics, the kernel says how it makes up for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mlx.core as mx

import plugboard as pb
from plugboard.backend import KernelSpec

from ._arrays import compute_dtype, input_dtype, kernel, operands, read, read_as, write
from ._capabilities import DTYPES, FLOATING, INTEGRAL, NUMERIC, mx_dtype

__all__ = ["KERNELS", "MetalKernel", "check_integer_divisor", "integer_matmul"]

INTEGER = tuple(d for d in NUMERIC if not d.is_floating_point)


def MetalKernel(op: str, fn: Callable[..., Any], dtypes: tuple[pb.DType, ...],
                mixed_dtypes: bool = False) -> KernelSpec:
    """A metal kernel record: ``fn`` on the current MLX stream; MLX reads and writes any
    strides (see ``_arrays``), so every metal kernel is strided."""
    return KernelSpec(op, kernel(fn), dtypes, strided=True, mixed_dtypes=mixed_dtypes)


def unary(fn: Callable[[Any], Any]) -> Callable[..., None]:
    def compute(self: pb.Tensor, *, out: pb.Tensor) -> None:
        (a,) = operands(self, dtype=self.dtype)
        write(out, fn(a))

    return compute


def binary(fn: Callable[[Any, Any], Any], logical: Callable[[Any, Any], Any] | None = None
           ) -> Callable[..., None]:
    """``fn`` on the computation dtype's values; ``logical`` (if given) for bool."""

    def compute(self: Any, other: Any, *, out: pb.Tensor) -> None:
        dtype = input_dtype(self, other)
        a, b = operands(self, other, dtype=dtype)
        write(out, (logical or fn)(a, b) if dtype.is_bool else fn(a, b))

    return compute


# exp and erf ------------------------------------------------------------------------
#
# MLX's float32 exp is 4 ULP off on some inputs (and flushes results below float32's
# normal range to zero), its erf is hundreds of ULP off near zero. These are MLX
# operations arranged for plugboard's accuracy limits.

_LN2_HI = 0.693359375  # 9 significant bits: n * _LN2_HI is exact for |n| < 2**15
_LN2_LO = -2.12194440e-4


def _power_of_two(k: Any) -> Any:
    """2**k as float32, for integer arrays k in [-126, 127] (built from its bits)."""
    return mx.view(mx.left_shift(k + 127, mx.array(23, dtype=mx.int32)), mx.float32)


def accurate_exp(x: Any) -> Any:
    """e**x of a float32 array within 2 ULP, subnormal results included: Cody and Waite's
    reduction x = n ln 2 + r, MLX's exp of |r| <= ln(2)/2 (within 1.1 ULP there), and
    2**n as two exact factors so that a subnormal result is rounded once."""
    clamped = mx.clip(x, -104.0, 89.0)
    n = mx.round(clamped * mx.array(1.4426950408889634, dtype=mx.float32))
    r = (clamped - n * mx.array(_LN2_HI, dtype=mx.float32)) - n * mx.array(_LN2_LO,
                                                                             dtype=mx.float32)
    k = n.astype(mx.int32)
    half = mx.floor_divide(k, mx.array(2, dtype=mx.int32))
    result = mx.exp(r) * _power_of_two(half) * _power_of_two(k - half)
    result = mx.where(x > 88.72283935546875, mx.array(float("inf"), mx.float32), result)
    return mx.where(x < -103.97208404541016, mx.zeros_like(result), result)


def _exp(self: pb.Tensor, *, out: pb.Tensor) -> None:
    (a,) = operands(self, dtype=self.dtype)
    write(out, accurate_exp(a))


# fdlibm's s_erf.c near zero: erf(x) = x + x * P(x**2) / Q(x**2) for |x| < 0.84375.
#   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#   Developed at SunSoft, a Sun Microsystems, Inc. business.
#   Permission to use, copy, modify, and distribute this software is freely
#   granted, provided that this notice is preserved.
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02,
       5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06)


def _poly(coefficients: tuple[float, ...], z: Any) -> Any:
    result = mx.full(z.shape, coefficients[-1], dtype=z.dtype)
    for c in coefficients[-2::-1]:
        result = result * z + mx.array(c, dtype=z.dtype)
    return result


def _erf(self: pb.Tensor, *, out: pb.Tensor) -> None:
    (a,) = operands(self, dtype=self.dtype)
    z = a * a
    near_zero = a + a * (_poly(_PP, z) / _poly(_QQ, z))
    write(out, mx.where(mx.abs(a) < 0.84375, near_zero, mx.erf(a)))


def check_integer_divisor(divisor: Any, op: str) -> None:
    """Refuse a zero divisor of an integer division (a host read: the values decide)."""
    if divisor.size and bool(mx.any(divisor == 0).item()):
        raise pb.ArgumentError(
            f"integer {op} by zero. Fix: make sure the divisor has no zeros, or use "
            "floating-point inputs (which give inf or nan)"
        )


def _add(self: Any, other: Any, alpha: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    if out.dtype.is_bool:
        write(out, mx.logical_or(a, mx.logical_and(b, mx.array(bool(alpha)))))
        return
    write(out, a + (b if alpha == 1 else b * mx.array(alpha, dtype=a.dtype)))


def _sub(self: Any, other: Any, alpha: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    write(out, a - (b if alpha == 1 else b * mx.array(alpha, dtype=a.dtype)))


def _minus_one_safe(b: Any) -> tuple[Any, Any]:
    """``b`` with -1 made 1, and where it was -1: the minimum integer divided by -1 traps
    on x86 (SIGFPE) instead of wrapping, so those quotients are computed as ``-a``."""
    minus_one = b == -1
    return mx.where(minus_one, mx.ones_like(b), b), minus_one


def _unsigned(a: Any) -> bool:
    return a.dtype in (mx.uint8, mx.bool_)


def floor_divide(a: Any, b: Any) -> Any:
    """Integer floor division (MLX's ``//``), wrapping the minimum integer over -1."""
    if _unsigned(a):
        return mx.floor_divide(a, b)
    safe, minus_one = _minus_one_safe(b)
    return mx.where(minus_one, -a, mx.floor_divide(a, safe))


def integer_remainder(a: Any, b: Any) -> Any:
    """Integer remainder with the divisor's sign (MLX's, Python's rule); 0 for -1."""
    if _unsigned(a):
        return mx.remainder(a, b)
    safe, minus_one = _minus_one_safe(b)
    return mx.where(minus_one, mx.zeros_like(a), mx.remainder(a, safe))


def trunc_divide(a: Any, b: Any) -> Any:
    """Integer division rounding towards zero: MLX's ``//`` floors (Python's rule)."""
    q = floor_divide(a, b)
    if _unsigned(a):
        return q
    inexact = (q * b) != a
    negative = mx.logical_xor(a < 0, b < 0)
    return q + mx.logical_and(inexact, negative).astype(q.dtype)


def _div(self: Any, other: Any, rounding_mode: str | None, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    integral = not out.dtype.is_floating_point
    if integral:
        check_integer_divisor(b, "division")
    if rounding_mode is None:
        write(out, mx.divide(a, b))
    elif rounding_mode == "floor":
        # Floats as NumPy's floor_divide (PyTorch's rule): floor of the exact quotient.
        write(out, floor_divide(a, b) if integral else _float_floor_divide(a, b))
    else:
        write(out, trunc_divide(a, b) if integral else mx.trunc(mx.divide(a, b)))


def _float_floor_divide(a: Any, b: Any) -> Any:
    # Python's float //: (a - fmod(a, b)) / b, floored, then one down where the remainder
    # and divisor differ in sign; a zero divisor gives a / b (inf or nan).
    mod = _float_fmod(a, b)
    div = mx.divide(a - mod, b)
    div = mx.where(mx.logical_and(mod != 0, (b < 0) != (mod < 0)), div - 1, div)
    floor = mx.floor(div)
    floor = mx.where(div - floor > 0.5, floor + 1, floor)
    result = mx.where(div != 0, floor, mx.multiply(mx.zeros_like(div), mx.divide(a, b)))
    return mx.where(b == 0, mx.divide(a, b), result)


def _float_fmod(a: Any, b: Any) -> Any:
    """C's fmod, the sign of ``a``: MLX's remainder of the magnitudes (same signs, so no
    adjustment) with ``a``'s sign put back; MLX has no fmod."""
    magnitude = mx.remainder(mx.abs(a), mx.abs(b))
    magnitude = mx.where(mx.isinf(b) & mx.isfinite(a), mx.abs(a), magnitude)
    negative = mx.view(a.astype(mx.float32), mx.int32) < 0  # the sign bit: -0.0 included
    result = mx.where(negative, -magnitude, magnitude)
    undefined = mx.isnan(a) | mx.isnan(b) | mx.isinf(a) | (b == 0)
    return mx.where(undefined, mx.array(float("nan"), a.dtype), result)


def _remainder(self: Any, other: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    if not out.dtype.is_floating_point:
        check_integer_divisor(b, "remainder")
        write(out, integer_remainder(a, b))
        return
    mod = _float_fmod(a, b)
    adjust = mx.logical_and(mod != 0, (b < 0) != (mod < 0))
    result = mx.where(adjust, mod + b, mod)
    # A zero remainder takes the divisor's sign (Python's and NumPy's rule).
    write(out, mx.where(result == 0, mx.where(b < 0, -mx.abs(result), mx.abs(result)), result))


def _fmod(self: Any, other: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    if not out.dtype.is_floating_point:
        check_integer_divisor(b, "fmod")
        write(out, a - trunc_divide(a, b) * b)
        return
    write(out, _float_fmod(a, b))


def _pow(self: Any, exponent: Any, *, out: pb.Tensor) -> None:
    a, e = operands(self, exponent, dtype=out.dtype)
    if out.dtype.is_bool:
        write(out, mx.logical_or(a, mx.logical_not(e)))  # x ** True is x, x ** False is 1
        return
    if out.dtype.is_floating_point:
        write(out, mx.power(a, e))
        return
    # PyTorch's integer powers: a negative exponent gives 1 for 1, +-1 for -1, else 0 (the
    # truncated 1 / a ** -e). Squaring in the dtype wraps on overflow, as PyTorch does.
    negative = e < 0
    base, k = a, mx.where(negative, mx.zeros_like(e), e)
    result = mx.ones_like(a)
    for _ in range(out.dtype.itemsize * 8):
        result = mx.where((k & 1) == 1, result * base, result)
        base = base * base
        k = mx.right_shift(k, mx.array(1, dtype=k.dtype))
    if _unsigned(a):
        write(out, result)  # no negative exponents
        return
    odd = (e & 1) == 1
    one = mx.ones_like(a)
    inverse = mx.where(a == 1, one, mx.where(a == -1, mx.where(odd, -one, one),
                                             mx.zeros_like(a)))
    write(out, mx.where(negative, inverse, result))


def _where(condition: pb.Tensor, self: Any, other: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    write(out, mx.where(read(condition), a, b))


def _copy(self: pb.Tensor, src: Any, non_blocking: bool) -> None:
    write(self, read_as(src, mx_dtype(self.dtype)) if isinstance(src, pb.Tensor) else src)


def _shift(left: bool) -> Callable[..., None]:
    """Shifts with PyTorch's rule for every amount: by a negative amount or the bit width
    or more, a left shift gives 0 and a right shift the sign (0 or -1); C leaves it
    undefined, and MLX gives what the hardware does."""

    def compute(self: Any, other: Any, *, out: pb.Tensor) -> None:
        a, s = operands(self, other, dtype=out.dtype)
        bits = out.dtype.itemsize * 8
        outside = mx.logical_or(s < 0, s >= bits)
        safe = mx.where(outside, mx.zeros_like(s), s)
        if left:
            write(out, mx.where(outside, mx.zeros_like(a), mx.left_shift(a, safe)))
        else:
            sign = mx.where(a < 0, -mx.ones_like(a), mx.zeros_like(a))
            write(out, mx.where(outside, sign, mx.right_shift(a, safe)))

    return compute


def _sign(self: pb.Tensor, *, out: pb.Tensor) -> None:
    (a,) = operands(self, dtype=self.dtype)
    if out.dtype.is_bool:
        write(out, a)
        return
    # PyTorch's (0 < x) - (x < 0): NaN and -0.0 give 0.
    zero = mx.zeros_like(a)
    write(out, (a > zero).astype(a.dtype) - (a < zero).astype(a.dtype))


def _integral_identity(fn: Callable[[Any], Any]) -> Callable[..., None]:
    """floor, ceil, trunc: a float function; integers are returned unchanged."""

    def compute(self: pb.Tensor, *, out: pb.Tensor) -> None:
        (a,) = operands(self, dtype=self.dtype)
        write(out, fn(a) if out.dtype.is_floating_point else a)

    return compute


def _round(self: pb.Tensor, decimals: int, *, out: pb.Tensor) -> None:
    (a,) = operands(self, dtype=self.dtype)
    if not out.dtype.is_floating_point or decimals == 0:
        write(out, mx.round(a) if out.dtype.is_floating_point else a)  # halves to even
        return
    # PyTorch's formula, in float32: scale, round, unscale (a scale past float32's range is
    # inf, and the result NaN, as in PyTorch).
    scale = mx.array(10.0 ** abs(decimals) if abs(decimals) < 39 else float("inf"),
                     dtype=a.dtype)
    if decimals > 0:
        write(out, mx.round(a * scale) / scale)
    else:
        write(out, mx.round(a / scale) * scale)


def _isnan(self: pb.Tensor, *, out: pb.Tensor) -> None:
    a = read(self)
    write(out, mx.isnan(a) if self.dtype.is_floating_point else mx.zeros(a.shape, mx.bool_))


def _logical(fn: Callable[[Any, Any], Any]) -> Callable[..., None]:
    def compute(self: Any, other: Any, *, out: pb.Tensor) -> None:
        dtype = input_dtype(self, other)
        a, b = operands(self, other, dtype=dtype)
        write(out, fn(a.astype(mx.bool_), b.astype(mx.bool_)))

    return compute


def _logical_not(self: pb.Tensor, *, out: pb.Tensor) -> None:
    write(out, mx.logical_not(read(self).astype(mx.bool_)))


def _bitwise_not(self: pb.Tensor, *, out: pb.Tensor) -> None:
    a = read(self)
    write(out, mx.logical_not(a) if self.dtype.is_bool else mx.bitwise_invert(a))


def _full(size: Any, fill_value: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    write(out, mx.array(fill_value, dtype=compute_dtype(out.dtype)))


def _full_like(self: pb.Tensor, fill_value: Any, dtype: Any, device: Any, *,
               out: pb.Tensor) -> None:
    write(out, mx.array(fill_value, dtype=compute_dtype(out.dtype)))


def _arange(start: Any, end: Any, step: Any, dtype: Any, device: Any, *,
            out: pb.Tensor) -> None:
    n = out.shape[0]
    if all(isinstance(v, int) for v in (start, end, step)):
        # start + i * step in int64, rounded once into out.
        i = mx.arange(n, dtype=mx.int64)
        write(out, mx.array(start, dtype=mx.int64) + i * mx.array(step, dtype=mx.int64))
        return
    # The widest float an Apple GPU has is float32: start + i * step in it.
    i = mx.arange(n, dtype=mx.float32)
    write(out, mx.array(start, dtype=mx.float32) + i * mx.array(step, dtype=mx.float32))


def _linspace(start: Any, end: Any, steps: int, dtype: Any, device: Any, *,
              out: pb.Tensor) -> None:
    # PyTorch's formula: the first half counts up from start, the second down from end.
    if steps <= 1:
        write(out, mx.array(float(start), dtype=mx.float32) if out.dtype.is_floating_point
              else mx.array(math.trunc(start), dtype=mx.int64))
        return
    if not out.dtype.is_floating_point:
        # Integers are computed in float64 and truncated, as PyTorch does; Apple GPUs have
        # no float64, so these values (a factory's: only Python numbers) come from NumPy.
        import numpy as np

        index = np.arange(steps, dtype=np.float64)
        gap = (float(end) - float(start)) / (steps - 1)
        values = np.where(index < steps // 2, index * gap + float(start),
                          float(end) - (steps - 1 - index) * gap)
        write(out, mx.array(np.trunc(values).astype(np.int64)))
        return
    step = mx.array((float(end) - float(start)) / (steps - 1), dtype=mx.float32)
    i = mx.arange(steps, dtype=mx.float32)
    up = i * step + mx.array(float(start), dtype=mx.float32)
    down = mx.array(float(end), dtype=mx.float32) - (mx.array(steps - 1, mx.float32) - i) * step
    write(out, mx.where(i < steps // 2, up, down))


def integer_matmul(a: Any, b: Any) -> Any:
    """``a @ b`` for integer and bool arrays, which MLX's matmul refuses: the products
    summed in the dtype (wrapping as PyTorch's integer matmul does)."""
    vector_a, vector_b = a.ndim == 1, b.ndim == 1
    a = a.reshape(1, -1) if vector_a else a
    b = b.reshape(-1, 1) if vector_b else b
    result = mx.sum(mx.expand_dims(a, -1) * mx.expand_dims(b, -3), axis=-2)
    if vector_a:
        result = mx.squeeze(result, -2)
    if vector_b:
        result = mx.squeeze(result, -1)
    return result


def _matmul(self: pb.Tensor, other: pb.Tensor, *, out: pb.Tensor) -> None:
    a, b = operands(self, other, dtype=out.dtype)
    if out.dtype.is_floating_point:
        write(out, mx.matmul(a, b))  # float16, bfloat16: in float32, rounded once
    else:
        write(out, integer_matmul(a.astype(mx.int64) if out.dtype.is_bool else a,
                                  b.astype(mx.int64) if out.dtype.is_bool else b))


KERNELS: tuple[KernelSpec, ...] = (
    MetalKernel("neg", unary(mx.negative), NUMERIC),
    MetalKernel("abs", unary(mx.abs), NUMERIC),
    MetalKernel("exp", _exp, FLOATING),
    MetalKernel("log", unary(mx.log), FLOATING),
    MetalKernel("sqrt", unary(mx.sqrt), FLOATING),
    MetalKernel("bitwise_not", _bitwise_not, INTEGRAL),
    MetalKernel("add", _add, DTYPES),
    MetalKernel("sub", _sub, NUMERIC),
    MetalKernel("mul", binary(mx.multiply, mx.logical_and), DTYPES),
    MetalKernel("div", _div, NUMERIC),
    MetalKernel("remainder", _remainder, NUMERIC),
    MetalKernel("pow", _pow, DTYPES),
    MetalKernel("maximum", binary(mx.maximum, mx.logical_or), DTYPES),
    MetalKernel("minimum", binary(mx.minimum, mx.logical_and), DTYPES),
    MetalKernel("bitwise_and", binary(mx.bitwise_and, mx.logical_and), INTEGRAL),
    MetalKernel("bitwise_or", binary(mx.bitwise_or, mx.logical_or), INTEGRAL),
    MetalKernel("bitwise_xor", binary(mx.bitwise_xor, mx.not_equal), INTEGRAL),
    MetalKernel("eq", binary(mx.equal), DTYPES),
    MetalKernel("ne", binary(mx.not_equal), DTYPES),
    MetalKernel("lt", binary(mx.less), DTYPES),
    MetalKernel("le", binary(mx.less_equal), DTYPES),
    MetalKernel("gt", binary(mx.greater), DTYPES),
    MetalKernel("ge", binary(mx.greater_equal), DTYPES),
    MetalKernel("where", _where, DTYPES),
    MetalKernel("copy_", _copy, DTYPES),
    MetalKernel("matmul", _matmul, NUMERIC),
    MetalKernel("full", _full, DTYPES),
    MetalKernel("full_like", _full_like, DTYPES, mixed_dtypes=True),
    MetalKernel("arange", _arange, DTYPES),
    MetalKernel("linspace", _linspace, NUMERIC),
    # Elementwise beyond the starter set.
    MetalKernel("sign", _sign, DTYPES),
    MetalKernel("log1p", unary(mx.log1p), FLOATING),
    MetalKernel("expm1", unary(mx.expm1), FLOATING),
    MetalKernel("log2", unary(mx.log2), FLOATING),
    MetalKernel("log10", unary(mx.log10), FLOATING),
    MetalKernel("sin", unary(mx.sin), FLOATING),
    MetalKernel("cos", unary(mx.cos), FLOATING),
    MetalKernel("tan", unary(mx.tan), FLOATING),
    MetalKernel("tanh", unary(mx.tanh), FLOATING),
    MetalKernel("atan", unary(mx.arctan), FLOATING),
    MetalKernel("erf", _erf, FLOATING),
    MetalKernel("floor", _integral_identity(mx.floor), NUMERIC),
    MetalKernel("ceil", _integral_identity(mx.ceil), NUMERIC),
    MetalKernel("trunc", _integral_identity(mx.trunc), NUMERIC),
    MetalKernel("round", _round, NUMERIC),
    MetalKernel("logical_not", _logical_not, DTYPES),
    MetalKernel("isnan", _isnan, DTYPES),
    MetalKernel("fmod", _fmod, NUMERIC),
    MetalKernel("atan2", binary(mx.arctan2), FLOATING),
    MetalKernel("logical_and", _logical(mx.logical_and), DTYPES),
    MetalKernel("logical_or", _logical(mx.logical_or), DTYPES),
    MetalKernel("logical_xor", _logical(mx.not_equal), DTYPES),
    MetalKernel("bitwise_left_shift", _shift(left=True), INTEGER),
    MetalKernel("bitwise_right_shift", _shift(left=False), INTEGER),
)
