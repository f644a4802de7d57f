"""OpenCL kernels for the starter primitives: elementwise, where, reductions, matmul,
creation and copy_.

The elementwise operators are rows of :data:`POINTWISE` (C expressions per
kind of dtype); :mod:`._pointwise` turns the table into one program per dtype.
Integer arithmetic wraps (computed in the unsigned type, so signed overflow is
never undefined behaviour in C). Integer division, remainder and fmod by zero
raise ``ArgumentError`` as on the CPU: a kernel cannot raise, so the divisor is
checked on the device first, and that check waits for the device (floating-point
division never waits).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import plugboard as pb

from . import _pointwise
from ._kernel_tools import ALL, FLOATING, INTEGRAL, NUMERIC, OpenCLKernel
from ._pointwise import PointwiseOp

_INT_HELPERS = """
inline $T pb_div_trunc($T a, $T b) {
    if (b == 0) return 0;
    if (a == $MIN && b == ($T)-1) return a;
    return a / b;
}
inline $T pb_div_floor($T a, $T b) {
    if (b == 0) return 0;
    if (a == $MIN && b == ($T)-1) return a;
    $T q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) q -= 1;
    return q;
}
inline $T pb_rem($T a, $T b) {
    if (b == 0 || (a == $MIN && b == ($T)-1)) return 0;
    $T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}
inline $T pb_ipow($T a, $T b) {
    if (b < 0) return a == 1 ? 1 : (a == ($T)-1 ? ((b & 1) ? ($T)-1 : 1) : 0);
    $U base = ($U)a, r = 1;
    while (b) { if (b & 1) r *= base; base *= base; b >>= 1; }
    return ($T)r;
}
"""

# NumPy's floor division and remainder of floats (npy_divmod), sign rules included.
_FLOAT_HELPERS = """
inline $T pb_floordiv($T a, $T b) {
    if (b == 0) return a / b;
    $T mod = fmod(a, b);
    $T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div == 0) return copysign(($T)0, a / b);
    $T fl = floor(div);
    return div - fl > ($T)0.5 ? fl + 1 : fl;
}
inline $T pb_fremainder($T a, $T b) {
    $T mod = fmod(a, b);
    if (b == 0) return mod;
    if (mod != 0) return ((b < 0) != (mod < 0)) ? mod + b : mod;
    return copysign(($T)0, b);
}
"""

_ARITH = {"integral": _INT_HELPERS, "float": _FLOAT_HELPERS}


def _binary(name: str, **exprs: str) -> PointwiseOp:
    return PointwiseOp(name, exprs, inputs=("x", "x"), helpers=_ARITH)


def _compare(name: str, symbol: str) -> PointwiseOp:
    return PointwiseOp(name, {"any": f"$a {symbol} $b"}, inputs=("x", "x"), out="bool")


POINTWISE: tuple[PointwiseOp, ...] = (
    PointwiseOp("neg", {"float": "-$a", "integral": "($T)(-($U)$a)"}),
    PointwiseOp("abs", {"float": "fabs($a)", "uint": "$a",
                        "int": "($T)($a < 0 ? -($U)$a : ($U)$a)"}),
    PointwiseOp("exp", {"float": "exp($a)"}),
    PointwiseOp("log", {"float": "log($a)"}),
    PointwiseOp("sqrt", {"float": "sqrt($a)"}),
    PointwiseOp("bitwise_not", {"bool": "!$a", "integral": "($T)(~$a)"}),
    PointwiseOp("add", {"float": "$a + $alpha * $b", "bool": "$a | ($alpha & $b)",
                        "integral": "($T)(($U)$a + ($U)$alpha * ($U)$b)"},
                inputs=("x", "x"), params=("alpha",)),
    PointwiseOp("sub", {"float": "$a - $alpha * $b",
                        "integral": "($T)(($U)$a - ($U)$alpha * ($U)$b)"},
                inputs=("x", "x"), params=("alpha",)),
    _binary("mul", float="$a * $b", bool="$a & $b", integral="($T)(($U)$a * ($U)$b)"),
    _binary("div", float="$a / $b"),
    _binary("div_trunc", float="trunc($a / $b)", integral="pb_div_trunc($a, $b)"),
    _binary("div_floor", float="pb_floordiv($a, $b)", integral="pb_div_floor($a, $b)"),
    _binary("remainder", float="pb_fremainder($a, $b)", integral="pb_rem($a, $b)"),
    # bool: x ** True is x, x ** False is 1.
    _binary("pow", float="pow($a, $b)", bool="$a || !$b", integral="pb_ipow($a, $b)"),
    _binary("maximum", float="($a > $b || isnan($a)) ? $a : $b", integral="$a > $b ? $a : $b"),
    _binary("minimum", float="($a < $b || isnan($a)) ? $a : $b", integral="$a < $b ? $a : $b"),
    _binary("bitwise_and", integral="$a & $b"),
    _binary("bitwise_or", integral="$a | $b"),
    _binary("bitwise_xor", integral="$a ^ $b"),
    _compare("eq", "=="),
    _compare("ne", "!="),
    _compare("lt", "<"),
    _compare("le", "<="),
    _compare("gt", ">"),
    _compare("ge", ">="),
    PointwiseOp("where", {"any": "$a ? $b : $c"}, inputs=("bool", "x", "x")),
    # The rest of docs/opset.md's elementwise primitives.
    PointwiseOp("sign", {"bool": "$a", "uint": "($T)($a > 0)",
                         "any": "($T)(($a > 0) - ($a < 0))"}),
    *(PointwiseOp(f, {"float": f"{f}($a)"}) for f in ("log1p", "sin", "cos", "tan", "atan",
                                                       "erf")),
    # Composites in the core, native here: OpenCL's builtins hold them to 3 ULP, which the
    # core's decompositions (Kahan's expm1, log(x) / ln 10) exceed by one on some inputs.
    *(PointwiseOp(f, {"float": f"{f}($a)"}) for f in ("expm1", "log2", "log10")),
    # Saturated explicitly: some drivers' tanh (PoCL's) stops one ulp short of +-1.
    PointwiseOp("tanh", {"float": "fabs($a) > ($T)20 ? copysign(($T)1, $a) : tanh($a)"}),
    *(PointwiseOp(f, {"float": f"{f}($a)", "integral": "$a"}) for f in ("floor", "ceil",
                                                                        "trunc")),
    # Halves to even, as PyTorch; with decimals, PyTorch's scale-round-unscale.
    PointwiseOp("round", {"float": "rint($a)", "integral": "$a"}),
    PointwiseOp("round_scaled", {"float": "rint($a * $scale) / $scale"}, params=("scale",)),
    PointwiseOp("round_unscaled", {"float": "rint($a / $scale) * $scale"}, params=("scale",)),
    PointwiseOp("logical_not", {"any": "!$a"}, out="bool"),
    PointwiseOp("isnan", {"float": "isnan($a)", "integral": "0"}, out="bool"),
    _binary("fmod", float="fmod($a, $b)", uint="$b == 0 ? 0 : $a % $b",
            int="($b == 0 || ($a == $MIN && $b == ($T)-1)) ? 0 : $a % $b"),
    _binary("atan2", float="atan2($a, $b)"),
    PointwiseOp("logical_and", {"any": "($a != 0) && ($b != 0)"}, inputs=("x", "x"),
                out="bool"),
    PointwiseOp("logical_or", {"any": "($a != 0) || ($b != 0)"}, inputs=("x", "x"),
                out="bool"),
    PointwiseOp("logical_xor", {"any": "($a != 0) != ($b != 0)"}, inputs=("x", "x"),
                out="bool"),
    # PyTorch's shifts for every amount: by a negative amount or the bit width or more, a
    # left shift gives 0 and a right shift the sign (C leaves both undefined).
    _binary("bitwise_left_shift",
            integral="($b < 0 || $b >= (long)sizeof($T) * 8) ? 0 : ($T)(($U)$a << $b)"),
    _binary("bitwise_right_shift",
            int="($b < 0 || $b >= (long)sizeof($T) * 8) ? ($a < 0 ? -1 : 0) : ($T)($a >> $b)",
            uint="$b >= (long)sizeof($T) * 8 ? 0 : ($T)($a >> $b)"),
)

_BY_NAME = {op.name: op for op in POINTWISE}


@functools.cache
def program(dtype: pb.DType) -> str:
    """The program of every row of :data:`POINTWISE` for ``dtype``.

    One program per dtype: PoCL's build has a fixed cost of a fraction of a second,
    and its first launch of each kernel compiles that kernel alone.
    """
    return _pointwise.source(POINTWISE, dtype)


def _compute_dtype(op: PointwiseOp, inputs: tuple[Any, ...], out: pb.Tensor) -> pb.DType:
    for x, role in zip(inputs, op.inputs, strict=True):
        if role == "x" and isinstance(x, pb.Tensor):
            return x.dtype
    return out.dtype


def run(name: str, inputs: tuple[Any, ...], params: tuple[Any, ...], out: pb.Tensor,
        what: str) -> None:
    """Launch the row ``name`` of the table (used by the kernels below and by composites)."""
    op = _BY_NAME[name]
    _pointwise.launch(program, op, _compute_dtype(op, inputs, out), inputs, params, out, what)


def pointwise(name: str, n_inputs: int, n_params: int = 0) -> Callable[..., None]:
    """The kernel of operator ``pb::name``: its first ``n_inputs`` arguments are the inputs,
    the next ``n_params`` the row's scalar parameters."""
    what = f"pb::{name}"

    def kernel(*args: Any, out: pb.Tensor) -> None:
        run(name, args[:n_inputs], args[n_inputs:n_inputs + n_params], out, what)

    kernel.__name__ = f"opencl_{name}"
    return kernel


def check_divisor(divisor: Any, dtype: pb.DType, what: str) -> None:
    """Raise for an integer division by zero (one device-side check, then a wait)."""
    if dtype.is_floating_point:
        return
    if isinstance(divisor, pb.Tensor):
        zero = divisor.numel() > 0 and bool(pb.ops.pb.eq(divisor, 0).to(pb.uint8).amax().item())
    else:
        zero = divisor == 0
    if zero:
        raise pb.ArgumentError(
            f"integer {what} by zero. Fix: make sure the divisor has no zeros, or use "
            "floating-point inputs (which give inf or nan)"
        )


def _divide(name: str, what: str) -> Callable[..., None]:
    def kernel(self: Any, other: Any, *, out: pb.Tensor) -> None:
        check_divisor(other, out.dtype, what)
        run(name, (self, other), (), out, f"pb::{name}")

    kernel.__name__ = f"opencl_{name}"
    return kernel


def _div(self: Any, other: Any, rounding_mode: str | None, *, out: pb.Tensor) -> None:
    name = "div" if rounding_mode is None else f"div_{rounding_mode}"
    check_divisor(other, out.dtype, "division")
    run(name, (self, other), (), out, "pb::div")


def _round(self: pb.Tensor, decimals: int, *, out: pb.Tensor) -> None:
    if decimals == 0 or not out.dtype.is_floating_point:
        run("round", (self,), (), out, "pb::round")
        return
    name = "round_scaled" if decimals > 0 else "round_unscaled"
    run(name, (self,), (10.0 ** abs(decimals),), out, "pb::round")


INTEGER = tuple(d for d in INTEGRAL if d is not pb.bool)

KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("neg", pointwise("neg", 1), NUMERIC),
    OpenCLKernel("abs", pointwise("abs", 1), NUMERIC),
    OpenCLKernel("exp", pointwise("exp", 1), FLOATING),
    OpenCLKernel("log", pointwise("log", 1), FLOATING),
    OpenCLKernel("sqrt", pointwise("sqrt", 1), FLOATING),
    OpenCLKernel("bitwise_not", pointwise("bitwise_not", 1), INTEGRAL),
    OpenCLKernel("add", pointwise("add", 2, 1), ALL),
    OpenCLKernel("sub", pointwise("sub", 2, 1), NUMERIC),
    OpenCLKernel("mul", pointwise("mul", 2), ALL),
    OpenCLKernel("div", _div, NUMERIC),
    OpenCLKernel("remainder", _divide("remainder", "remainder"), NUMERIC),
    OpenCLKernel("pow", pointwise("pow", 2), ALL),
    OpenCLKernel("maximum", pointwise("maximum", 2), ALL),
    OpenCLKernel("minimum", pointwise("minimum", 2), ALL),
    OpenCLKernel("bitwise_and", pointwise("bitwise_and", 2), INTEGRAL),
    OpenCLKernel("bitwise_or", pointwise("bitwise_or", 2), INTEGRAL),
    OpenCLKernel("bitwise_xor", pointwise("bitwise_xor", 2), INTEGRAL),
    OpenCLKernel("eq", pointwise("eq", 2), ALL),
    OpenCLKernel("ne", pointwise("ne", 2), ALL),
    OpenCLKernel("lt", pointwise("lt", 2), ALL),
    OpenCLKernel("le", pointwise("le", 2), ALL),
    OpenCLKernel("gt", pointwise("gt", 2), ALL),
    OpenCLKernel("ge", pointwise("ge", 2), ALL),
    OpenCLKernel("where", pointwise("where", 3), ALL),
    OpenCLKernel("sign", pointwise("sign", 1), ALL),
    *(OpenCLKernel(f, pointwise(f, 1), FLOATING)
      for f in ("log1p", "sin", "cos", "tan", "tanh", "atan", "erf", "expm1", "log2", "log10")),
    *(OpenCLKernel(f, pointwise(f, 1), NUMERIC) for f in ("floor", "ceil", "trunc")),
    OpenCLKernel("round", _round, NUMERIC),
    OpenCLKernel("logical_not", pointwise("logical_not", 1), ALL),
    OpenCLKernel("isnan", pointwise("isnan", 1), ALL),
    OpenCLKernel("fmod", _divide("fmod", "fmod"), NUMERIC),
    OpenCLKernel("atan2", pointwise("atan2", 2), FLOATING),
    *(OpenCLKernel(f, pointwise(f, 2), ALL) for f in ("logical_and", "logical_or",
                                                       "logical_xor")),
    OpenCLKernel("bitwise_left_shift", pointwise("bitwise_left_shift", 2), INTEGER),
    OpenCLKernel("bitwise_right_shift", pointwise("bitwise_right_shift", 2), INTEGER),
)
