"""The pointwise operator table: every elementwise operator's C expressions, once.

A :class:`PointwiseOp` gives an operator's C expression over its inputs'
compute-type values (``$a``, ``$b``, ``$c``) and its scalar parameters
(``$alpha``), per kind of dtype (``float``, ``int``, ``uint``, ``bool``, with
``integral`` and ``any`` as catch-alls). Expressions and helpers also see
``$T`` (the compute type), ``$U`` (the type integer arithmetic wraps in),
``$S`` (the storage type), ``$MIN``/``$MAX`` (the limits) and ``$INLINE``
(the dialect's qualifier of helper functions).

The expressions are C that OpenCL C, CUDA C++ and HIP C++ all accept: the
math functions they call (``fabs``, ``rint``, ``isnan``...) exist under the same
names, overloaded for float and double, in all three. Integer arithmetic wraps
(computed in the unsigned type, so signed overflow is never undefined
behaviour); shifts by negative or too-large amounts follow PyTorch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .dialects import CType

__all__ = ["BY_NAME", "POINTWISE", "PointwiseOp"]

_KIND_ORDER = {
    "float": ("float", "any"),
    "int": ("int", "integral", "any"),
    "uint": ("uint", "integral", "any"),
    "bool": ("bool", "integral", "any"),
}


@dataclass(frozen=True)
class PointwiseOp:
    """One elementwise kernel family.

    ``inputs``: per input, ``"x"`` (the computation dtype) or ``"bool"`` (a mask);
    ``out``: ``"x"`` or ``"bool"``; ``params``: scalar parameters in the computation
    dtype; ``exprs``: the C expression per kind of dtype (a missing kind means the
    dtype has no kernel); ``helpers``: C functions the expressions call, per kind.

    >>> from plugboard._core import dtype as dt
    >>> from .dialects import CUDA
    >>> BY_NAME["abs"].expression(CUDA.ctype(dt.uint8))
    '$a'
    """

    name: str
    exprs: Mapping[str, str]
    inputs: tuple[str, ...] = ("x",)
    out: str = "x"
    params: tuple[str, ...] = ()
    helpers: Mapping[str, str] = field(default_factory=dict)

    def expression(self, ct: CType) -> str | None:
        """The C expression for ``ct``'s kind of dtype; None if the dtype has no kernel."""
        for kind in _KIND_ORDER[ct.kind]:
            if kind in self.exprs:
                return self.exprs[kind]
        return None

    def helper(self, ct: CType) -> str:
        """The C functions the expression for ``ct`` calls (may be empty)."""
        for kind in _KIND_ORDER[ct.kind]:
            if kind in self.helpers:
                return self.helpers[kind]
        return ""


_INT_HELPERS = """
$INLINE $T pb_div_trunc($T a, $T b) {
    if (b == 0) return 0;
    if (a == $MIN && b == ($T)-1) return a;
    return a / b;
}
$INLINE $T pb_div_floor($T a, $T b) {
    if (b == 0) return 0;
    if (a == $MIN && b == ($T)-1) return a;
    $T q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) q -= 1;
    return q;
}
$INLINE $T pb_rem($T a, $T b) {
    if (b == 0 || (a == $MIN && b == ($T)-1)) return 0;
    $T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}
$INLINE $T pb_ipow($T a, $T b) {
    if (b < 0) return a == 1 ? 1 : (a == ($T)-1 ? ((b & 1) ? ($T)-1 : 1) : 0);
    $U base = ($U)a, r = 1;
    while (b) { if (b & 1) r *= base; base *= base; b >>= 1; }
    return ($T)r;
}
"""

# NumPy's floor division and remainder of floats (npy_divmod), sign rules included.
_FLOAT_HELPERS = """
$INLINE $T pb_floordiv($T a, $T b) {
    if (b == 0) return a / b;
    $T mod = fmod(a, b);
    $T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div == 0) return copysign(($T)0, a / b);
    $T fl = floor(div);
    return div - fl > ($T)0.5 ? fl + 1 : fl;
}
$INLINE $T pb_fremainder($T a, $T b) {
    $T mod = fmod(a, b);
    if (b == 0) return mod;
    if (mod != 0) return ((b < 0) != (mod < 0)) ? mod + b : mod;
    return copysign(($T)0, b);
}
"""

_ARITH = {"integral": _INT_HELPERS, "float": _FLOAT_HELPERS}
_BITS = "(int)(sizeof($T) * 8)"


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
    # Composites in the core, native here: the languages' builtins hold them to 3 ULP
    # (OpenCL), which the core's decompositions (Kahan's expm1, log(x) / ln 10) exceed by
    # one on some inputs.
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
            integral=f"($b < 0 || $b >= {_BITS}) ? 0 : ($T)(($U)$a << $b)"),
    _binary("bitwise_right_shift",
            int=f"($b < 0 || $b >= {_BITS}) ? ($a < 0 ? -1 : 0) : ($T)($a >> $b)",
            uint=f"$b >= {_BITS} ? 0 : ($T)($a >> $b)"),
)

BY_NAME: Mapping[str, PointwiseOp] = {op.name: op for op in POINTWISE}
