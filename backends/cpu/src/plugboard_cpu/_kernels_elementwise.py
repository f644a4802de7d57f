"""CPU kernels for the elementwise operators of docs/opset.md beyond the starter set.

Structured kernels on NumPy, as in ``_kernels.py``: inputs arrive cast to the
computation dtype and broadcast to the output's shape; each kernel writes
``out``. NumPy (with ml_dtypes for bfloat16) computes float16 and bfloat16
transcendental functions in float32 and rounds once; ``erf``, which NumPy
lacks, is computed in float64 for every dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from ._kernel_tools import (
    ALL,
    FLOATING,
    NUMERIC,
    CPUKernel,
    accumulator,
    binary,
    operands,
    unary,
)

INTEGER = tuple(d for d in NUMERIC if not d.is_floating_point)

# erf -------------------------------------------------------------------------------
#
# The method and coefficients of fdlibm's s_erf.c: rational approximations on
# [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35) and [1/0.35, 6), and +-1 beyond,
# with errors below one ulp of float64.
#   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#   Developed at SunSoft, a Sun Microsystems, Inc. business.
#   Permission to use, copy, modify, and distribute this software is freely
#   granted, provided that this notice is preserved.

_ERX = 8.45062911510467529297e-01
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02,
       5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06)
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01,
       7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02,
       1.19844998467991074170e-02)
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
       -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
       -8.12874355063065934246e+01, -9.81432934416914548592e+00)
_SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02,
       4.34565877475229228821e+02, 6.45387271733267880336e+02, 4.29008140027567833386e+02,
       1.08635005541779435134e+02, 6.57024977031928170135e+00, -6.04244152148580987438e-02)
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
       -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
       -4.83519191608651397019e+02)
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02,
       1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03,
       4.74528541206955367215e+02, -2.24409524465858183362e+01)


def _poly(coefficients: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """Horner's rule, lowest degree first."""
    result = np.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        result *= z
        result += c
    return result


def erf(x: np.ndarray) -> np.ndarray:
    """The error function of a float64 array, accurate to within one ulp.

    Example:
        >>> import numpy as np
        >>> erf(np.array([0.0, 0.5, -2.0, np.inf])).tolist()
        [0.0, 0.5204998778130465, -0.9953222650189527, 1.0]
    """
    a = np.abs(x)
    result = np.empty_like(x)
    small = a < 0.84375
    z = x[small] * x[small]
    result[small] = x[small] + x[small] * (_poly(_PP, z) / _poly(_QQ, z))

    near_one = (a >= 0.84375) & (a < 1.25)
    s = a[near_one] - 1.0
    result[near_one] = _ERX + _poly(_PA, s) / _poly(_QA, s)

    tail = (a >= 1.25) & (a < 6.0)
    t = a[tail]
    w = 1.0 / (t * t)
    middle = t < 1 / 0.35
    ratio = np.where(middle, _poly(_RA, w) / _poly(_SA, w), _poly(_RB, w) / _poly(_SB, w))
    # exp(-t^2) as exp(-h^2) exp((h - t)(h + t)) with h = t rounded to 32 bits: h^2 is
    # exact, so the large exponent loses nothing.
    h = (t.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)
    r = np.exp(-h * h - 0.5625) * np.exp((h - t) * (h + t) + ratio)
    result[tail] = 1.0 - r / t

    result[a >= 6.0] = 1.0  # erf(6) = 1 - 2e-17 rounds to 1; inf included
    # The odd symmetry for the branches above that worked on |x|.
    np.copysign(result, x, out=result, where=~small)
    result[np.isnan(x)] = np.nan
    return result


def _erf(self: pb.Tensor, *, out: pb.Tensor) -> None:
    x = np.asarray(host_array(self), dtype=np.float64)
    with ignore_fp_errors():
        np.copyto(host_array(out), erf(x.reshape(-1)).reshape(x.shape), casting="unsafe")


# Activations (composites in the core) -------------------------------------------------
#
# The core's formulas evaluated in the computation dtype (float32 for float16 and
# bfloat16) and rounded once; exact gelu takes erf in float64. They are the reference
# of the native kernels, and what runs on the layouts those do not read.


def _computed(self: pb.Tensor) -> np.ndarray:
    x = host_array(self)
    wide = accumulator(x.dtype)
    return x.astype(wide) if wide is not None else x


def _sigmoid(self: pb.Tensor, *, out: pb.Tensor) -> None:
    x = _computed(self)
    with ignore_fp_errors():
        np.copyto(host_array(out), 1 / (1 + np.exp(-x)), casting="unsafe")


def _silu(self: pb.Tensor, *, out: pb.Tensor) -> None:
    x = _computed(self)
    # x / (1 + exp(-x)), as PyTorch computes it: very negative x gives -0.0, not NaN.
    with ignore_fp_errors():
        np.copyto(host_array(out), x / (1 + np.exp(-x)), casting="unsafe")


def _gelu(self: pb.Tensor, approximate: str, *, out: pb.Tensor) -> None:
    with ignore_fp_errors():
        if approximate == "tanh":
            x = _computed(self)
            inner = (x + x * x * x * 0.044715) * math.sqrt(2 / math.pi)
            result = x * 0.5 * (np.tanh(inner) + 1)
        else:
            x = np.asarray(host_array(self), dtype=np.float64)
            scaled = erf((x * math.sqrt(0.5)).reshape(-1)).reshape(x.shape)
            result = x * 0.5 * (scaled + 1)
        np.copyto(host_array(out), result, casting="unsafe")


# Unary ---------------------------------------------------------------------------------


def _sign(self: pb.Tensor, *, out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    if out.dtype.is_bool:
        np.copyto(o, a)
        return
    # PyTorch's definition, (0 < x) - (x < 0): NaN and -0.0 give 0.
    positive = np.greater(a, 0).astype(o.dtype)
    np.subtract(positive, np.less(a, 0).astype(o.dtype), out=o)


def _integral_identity(ufunc: np.ufunc) -> Any:
    """floor, ceil, trunc: a float function; integers are returned unchanged."""

    def kernel(self: pb.Tensor, *, out: pb.Tensor) -> None:
        a, o = host_array(self), host_array(out)
        if out.dtype.is_floating_point:
            ufunc(a, out=o)
        else:
            np.copyto(o, a)

    return kernel


def _round(self: pb.Tensor, decimals: int, *, out: pb.Tensor) -> None:
    a, o = host_array(self), host_array(out)
    if not out.dtype.is_floating_point:
        np.copyto(o, a)  # the meta function allows integers only with decimals=0
        return
    if decimals == 0:
        np.rint(a, out=o)  # halves to even, as PyTorch
        return
    # PyTorch's formula, in float32 for float16 and bfloat16: scale, round, unscale.
    wide = np.dtype(accumulator(o.dtype) or o.dtype)
    x = np.asarray(a, dtype=wide)
    with ignore_fp_errors():
        # 10 ** decimals past the dtype's range is inf, and the result NaN, as in PyTorch.
        scale = wide.type(np.float64(10.0) ** abs(decimals))
        result = np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale
    np.copyto(o, result, casting="unsafe")


def _isnan(self: pb.Tensor, *, out: pb.Tensor) -> None:
    o = host_array(out)
    if self.dtype.is_floating_point:
        np.isnan(host_array(self), out=o)
    else:
        o.fill(False)


# Binary ---------------------------------------------------------------------------------


def _fmod(self: Any, other: Any, *, out: pb.Tensor) -> None:
    a, b = operands(self, other)
    if not out.dtype.is_floating_point and np.any(np.asarray(b) == 0):
        raise pb.ArgumentError(
            "integer fmod by zero. Fix: make sure the divisor has no zeros, or use "
            "floating-point inputs (which give nan)"
        )
    with ignore_fp_errors():
        np.fmod(a, b, out=host_array(out))


# NumPy's shifts have PyTorch's semantics for every shift amount: a left shift by a
# negative amount or by the bit width or more gives 0, and a right shift by those gives
# the sign (0 or -1), rather than the undefined behaviour of C.

KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("sign", _sign, ALL),
    CPUKernel("log1p", unary(np.log1p), FLOATING),
    # Composites in the core, native here: NumPy's functions stay within 3 ULP, which the
    # core's decompositions (Kahan's expm1, log(x) / ln 10) exceed by one on some inputs.
    CPUKernel("expm1", unary(np.expm1), FLOATING),
    CPUKernel("log2", unary(np.log2), FLOATING),
    CPUKernel("log10", unary(np.log10), FLOATING),
    CPUKernel("sin", unary(np.sin), FLOATING),
    CPUKernel("cos", unary(np.cos), FLOATING),
    CPUKernel("tan", unary(np.tan), FLOATING),
    CPUKernel("tanh", unary(np.tanh), FLOATING),
    CPUKernel("atan", unary(np.arctan), FLOATING),
    CPUKernel("erf", _erf, FLOATING),
    CPUKernel("sigmoid", _sigmoid, FLOATING),
    CPUKernel("silu", _silu, FLOATING),
    CPUKernel("gelu", _gelu, FLOATING),
    CPUKernel("floor", _integral_identity(np.floor), NUMERIC),
    CPUKernel("ceil", _integral_identity(np.ceil), NUMERIC),
    CPUKernel("trunc", _integral_identity(np.trunc), NUMERIC),
    CPUKernel("round", _round, NUMERIC),
    CPUKernel("logical_not", unary(np.logical_not), ALL),
    CPUKernel("isnan", _isnan, ALL),
    CPUKernel("fmod", _fmod, NUMERIC),
    CPUKernel("atan2", binary(np.arctan2), FLOATING),
    CPUKernel("logical_and", binary(np.logical_and), ALL),
    CPUKernel("logical_or", binary(np.logical_or), ALL),
    CPUKernel("logical_xor", binary(np.logical_xor), ALL),
    CPUKernel("bitwise_left_shift", binary(np.left_shift), INTEGER),
    CPUKernel("bitwise_right_shift", binary(np.right_shift), INTEGER),
)
