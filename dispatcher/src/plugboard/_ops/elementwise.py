"""The elementwise operators of docs/opset.md beyond the starter set.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.

Primitives (a backend implements them): ``sign``, ``log1p``, ``sin``, ``cos``,
``tan``, ``tanh``, ``atan``, ``erf``, ``floor``, ``ceil``, ``round``, ``trunc``,
``logical_not``, ``isnan``, ``fmod``, ``atan2``, ``logical_and``/``or``/``xor``,
``bitwise_left_shift``, ``bitwise_right_shift``.

Composites (decomposed here into other ``pb::`` operators): ``expm1``,
``log2``, ``log10``, ``rsqrt``, ``reciprocal``, ``square``, ``isinf``,
``isfinite``, ``sigmoid``, ``gelu``, ``silu``, ``softplus``, ``clamp``,
``nan_to_num``, ``lerp``, ``addcmul``, ``addcdiv``. Those built on
transcendental functions compute float16 and bfloat16 in float32 and round
once, as PyTorch's CPU kernels do, so a backend's reduced-precision results
do not depend on how many steps the decomposition takes.

Example:
    >>> import plugboard as pb
    >>> x = pb.tensor([-1.5, 0.5, 2.5])
    >>> pb.clamp(x, min=0, max=2).tolist()
    [0.0, 0.5, 2.0]
    >>> x.round().tolist()  # halves go to even, as in PyTorch
    [-2.0, 0.0, 2.0]
    >>> (pb.tensor([1, 2, 3]) << 2).tolist()
    [4, 8, 12]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from plugboard._core.dtype import DType, bool_, float32, int64, opmath_dtype, result_type
from plugboard._core.errors import ArgumentError, DTypeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor
from plugboard._dispatch import dispatcher as _copy
from plugboard._ops.meta import check_operand, check_value, require_dtype
from plugboard._ops.meta import float_of as _float_of
from plugboard._ops.meta import op as _op
from plugboard._ops.meta import pointwise_spec as _pointwise
from plugboard._ops.meta import promote as _promote
from plugboard._ops.table import OpTable

lib = OpTable("elementwise")

POINTWISE = ("pointwise",)
SELECTS = ("pointwise", "selects")  # compares or selects: see starter.py
_COMPOSITE = "CompositeImplicit"
_Spec = TensorSpec | MetaResult
_Number = bool | int | float


def _dtype_of(value: Any) -> DType:
    """A tensor's dtype, or the dtype a Python number takes on its own."""
    return value.dtype if isinstance(value, Tensor) else result_type(value)


def _require_tensor(name: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise ArgumentError(
            f"{name} takes a tensor, not {type(value).__name__} ({value!r:.40}). "
            f"Fix: wrap it, e.g. pb.tensor({value!r:.20}), or use Python's math module"
        )
    return value


# Unary primitives ---------------------------------------------------------------


def _float_unary(name: str) -> Callable[[Any], _Spec]:
    """Functions of floats: integer and bool inputs compute in the default float dtype."""

    def meta(self: Any) -> _Spec:
        dtype = _float_of(_require_tensor(name, self).dtype)
        return _pointwise(dtype, dtype, self)

    return meta


def _rounding_unary(name: str) -> Callable[[Any], _Spec]:
    """floor, ceil, trunc: integers are already integral, so they come back unchanged."""

    def meta(self: Any) -> _Spec:
        dtype = _require_tensor(name, self).dtype
        require_dtype(dtype, "numeric", f"{name} of a bool tensor",
                      "cast to an integer or floating dtype first")
        return _pointwise(dtype, dtype, self)

    return meta


def _to_bool_unary(name: str) -> Callable[[Any], _Spec]:
    """Predicates of any dtype: they compute in the input's dtype and write bool."""

    def meta(self: Any) -> _Spec:
        return _pointwise(bool_, _require_tensor(name, self).dtype, self)

    return meta


def _sign_meta(self: Any) -> _Spec:
    dtype = _require_tensor("sign", self).dtype
    return _pointwise(dtype, dtype, self)


_UNARY: tuple[tuple[str, Callable[[Any], _Spec], tuple[str, ...]], ...] = (
    ("sign", _sign_meta, POINTWISE),
    ("log1p", _float_unary("log1p"), POINTWISE),
    ("sin", _float_unary("sin"), POINTWISE),
    ("cos", _float_unary("cos"), POINTWISE),
    ("tan", _float_unary("tan"), POINTWISE),
    ("tanh", _float_unary("tanh"), POINTWISE),
    ("atan", _float_unary("atan"), POINTWISE),
    ("erf", _float_unary("erf"), POINTWISE),
    ("floor", _rounding_unary("floor"), POINTWISE),
    ("ceil", _rounding_unary("ceil"), POINTWISE),
    ("trunc", _rounding_unary("trunc"), POINTWISE),
    ("logical_not", _to_bool_unary("logical_not"), POINTWISE),
    # No in-place form, as in PyTorch: a bool answer does not belong in the input.
    ("isnan", _to_bool_unary("isnan"), ()),
)

for _name, _meta_fn, _tags in _UNARY:
    lib.define(f"{_name}(Tensor self) -> Tensor", tags=_tags)
    lib.register_meta(_name, _meta_fn)


lib.define("round(Tensor self, *, int decimals=0) -> Tensor", tags=POINTWISE)


@lib.register_meta("round")
def _round_meta(self: Any, decimals: int) -> _Spec:
    dtype = _require_tensor("round", self).dtype
    require_dtype(dtype, "numeric", "round of a bool tensor",
                  "cast to an integer or floating dtype first")
    if decimals != 0 and not dtype.is_floating_point:
        raise DTypeError(
            f"round with decimals={decimals} of an integer tensor ({dtype}) is not supported. "
            "Fix: cast to a floating dtype first, e.g. x.to(pb.float64).round(decimals=-1)"
        )
    return _pointwise(dtype, dtype, self)


# Binary primitives --------------------------------------------------------------


def _fmod_meta(self: Any, other: Any) -> _Spec:
    dtype = _promote(self, other)
    require_dtype(dtype, "numeric", "fmod of bool inputs", "cast to an integer dtype")
    return _pointwise(dtype, dtype, self, other)


def _float_binary_meta(self: Any, other: Any) -> _Spec:
    dtype = _float_of(_promote(self, other))
    return _pointwise(dtype, dtype, self, other)


def _logical_meta(self: Any, other: Any) -> _Spec:
    # Truth values of any dtype: nonzero (NaN included) is True; the answer is bool.
    return _pointwise(bool_, _promote(self, other), self, other)


def _shift_meta(self: Any, other: Any) -> _Spec:
    dtype = _promote(self, other)
    if not dtype.is_integer:
        raise DTypeError(
            f"bitwise shifts of {dtype} inputs are not supported; they shift the bits of "
            "integers. Fix: use integer tensors (to scale floats by powers of two, multiply "
            "by 2 ** n)"
        )
    return _pointwise(dtype, dtype, self, other)


_BINARY: tuple[tuple[str, Callable[[Any, Any], _Spec]], ...] = (
    ("fmod", _fmod_meta),
    ("atan2", _float_binary_meta),
    ("logical_and", _logical_meta),
    ("logical_or", _logical_meta),
    ("logical_xor", _logical_meta),
    ("bitwise_left_shift", _shift_meta),
    ("bitwise_right_shift", _shift_meta),
)

for _name, _meta_fn2 in _BINARY:
    # The logical operators take truth values: a number enters them rounded to the
    # computation dtype, as comparisons do (float16's 1e-8 is 0, so False).
    lib.define(f"{_name}(Tensor self, Tensor other) -> Tensor",
               tags=SELECTS if _name.startswith("logical") else POINTWISE)
    lib.register_meta(_name, _meta_fn2)


# Composites: helpers ---------------------------------------------------------------


def _as_float(x: Tensor) -> Tensor:
    """``x`` in the floating dtype a float function of it computes in."""
    return _copy.cast(x, _float_of(x.dtype))


def _opmath(x: Tensor) -> Tensor:
    """float16 and bfloat16 widened to float32, where multi-step formulas compute."""
    return _copy.cast(x, float32) if x.dtype.itemsize == 2 and x.dtype.is_floating_point else x


def _opmath_value(value: Any, dtype: DType) -> Any:
    """A tensor operand in the computation dtype ``dtype``; Python numbers as they are."""
    return _copy.cast(value, dtype) if isinstance(value, Tensor) else value


def _finish(result: Tensor, dtype: DType) -> Tensor:
    """The result rounded once to the operator's dtype."""
    return _copy.cast(result, dtype)


def _float_composite(
    formula: Callable[[Tensor], Tensor],
) -> Callable[[Tensor], Tensor]:
    """A float function of one tensor: float input, float32 for reduced precision, round once."""

    def composite(self: Tensor) -> Tensor:
        x = _as_float(self)
        return _finish(formula(_opmath(x)), x.dtype)

    return composite


def _expm1(x: Tensor) -> Tensor:
    # Kahan's formula: (u - 1) * x / log(u) with u = exp(x) cancels the rounding
    # error of u, so expm1 stays accurate near 0 where exp(x) - 1 loses every digit.
    # x / log(u) is about 1, so u - 1 times it overflows only where expm1 does
    # ((u - 1) * x first would overflow for x near the top of exp's range: 87 in float32).
    u = _op("exp")(x)
    um1 = _op("sub")(u, 1)
    accurate = _op("mul")(um1, _op("div")(x, _op("log")(u)))
    # u == 1: |x| is below the precision, expm1(x) = x (which keeps -0.0); u - 1 == -1
    # (large negative x) and u == inf (large positive x) are exact as they are.
    exact = _op("logical_or")(_op("eq")(um1, -1), _op("eq")(u, math.inf))
    return _op("where")(
        _op("eq")(u, 1), x, _op("where")(exact, um1, accurate)
    )


def _log2(x: Tensor) -> Tensor:
    return _op("mul")(_op("log")(x), 1 / math.log(2))


def _log10(x: Tensor) -> Tensor:
    return _op("mul")(_op("log")(x), 1 / math.log(10))


def _rsqrt(x: Tensor) -> Tensor:
    return _op("div")(1, _op("sqrt")(x))


def _sigmoid(x: Tensor) -> Tensor:
    # 1 / (1 + exp(-x)): exp(-x) overflows to inf for very negative x, giving 0 exactly.
    return _op("div")(1, _op("add")(_op("exp")(_op("neg")(x)), 1))


_FLOAT_COMPOSITES: tuple[tuple[str, Callable[[Tensor], Tensor]], ...] = (
    ("expm1", _expm1),
    ("log2", _log2),
    ("log10", _log10),
    ("rsqrt", _rsqrt),
    ("sigmoid", _sigmoid),
)

for _name, _formula in _FLOAT_COMPOSITES:
    lib.define(f"{_name}(Tensor self) -> Tensor", tags=POINTWISE)
    lib.register_meta(_name, _float_unary(_name))
    lib.impl(_name, _COMPOSITE, _float_composite(_formula))


lib.define("reciprocal(Tensor self) -> Tensor", tags=POINTWISE)
lib.register_meta("reciprocal", _float_unary("reciprocal"))


@lib.impl("reciprocal", _COMPOSITE)
def _reciprocal(self: Tensor) -> Tensor:
    # One division, rounded once in every dtype: no widening needed.
    return _op("div")(1, self)


lib.define("square(Tensor self) -> Tensor", tags=POINTWISE)


@lib.register_meta("square")
def _square_meta(self: Any) -> _Spec:
    # PyTorch's square is pow(x, 2): a bool input promotes with the integer 2 to int64.
    dtype = _require_tensor("square", self).dtype
    dtype = int64 if dtype.is_bool else dtype
    return _pointwise(dtype, dtype, self)


@lib.impl("square", _COMPOSITE)
def _square(self: Tensor) -> Tensor:
    x = _copy.cast(self, int64) if self.dtype.is_bool else self
    return _op("mul")(x, x)


# isinf and isfinite: predicates with no in-place form, as isnan.
lib.define("isinf(Tensor self) -> Tensor")
lib.register_meta("isinf", _to_bool_unary("isinf"))
lib.define("isfinite(Tensor self) -> Tensor")
lib.register_meta("isfinite", _to_bool_unary("isfinite"))


@lib.impl("isinf", _COMPOSITE)
def _isinf(self: Tensor) -> Tensor:
    if not self.dtype.is_floating_point:
        return _op("full")(self.shape, False, dtype=bool_,
                           device=self.device)
    return _op("eq")(_op("abs")(self), math.inf)


@lib.impl("isfinite", _COMPOSITE)
def _isfinite(self: Tensor) -> Tensor:
    if not self.dtype.is_floating_point:
        return _op("full")(self.shape, True, dtype=bool_,
                           device=self.device)
    # NaN < inf and inf < inf are both False.
    return _op("lt")(_op("abs")(self), math.inf)


# Activations: floating inputs only, as in PyTorch ----------------------------------


def _floating_meta(name: str, self: Any) -> _Spec:
    dtype = _require_tensor(name, self).dtype
    require_dtype(dtype, "floating", f"{name} of a non-floating tensor",
                  "cast first, e.g. x.to(pb.float32)")
    return _pointwise(dtype, dtype, self)


_GELU_APPROXIMATIONS = ("none", "tanh")

lib.define("gelu(Tensor self, *, str approximate='none') -> Tensor", tags=POINTWISE)


@lib.register_meta("gelu")
def _gelu_meta(self: Any, approximate: str) -> _Spec:
    if approximate not in _GELU_APPROXIMATIONS:
        raise ArgumentError(
            f"gelu's approximate must be 'none' or 'tanh', not {approximate!r}. "
            "Fix: pass approximate='tanh' for the tanh approximation, or leave it out"
        )
    return _floating_meta("gelu", self)


@lib.impl("gelu", _COMPOSITE)
def _gelu(self: Tensor, approximate: str) -> Tensor:
    x = _opmath(self)
    half_x = _op("mul")(x, 0.5)
    if approximate == "tanh":
        # 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
        cube = _op("mul")(_op("mul")(x, x), x)
        inner = _op("mul")(_op("add")(x, _op("mul")(cube, 0.044715)), math.sqrt(2 / math.pi))
        result = _op("mul")(half_x, _op("add")(_op("tanh")(inner), 1))
    else:
        # 0.5 x (1 + erf(x / sqrt(2)))
        result = _op("mul")(half_x, _op("add")(_op("erf")(_op("mul")(x, math.sqrt(0.5))), 1))
    return _finish(result, self.dtype)


lib.define("silu(Tensor self) -> Tensor", tags=POINTWISE)
lib.register_meta("silu", lambda self: _floating_meta("silu", self))


@lib.impl("silu", _COMPOSITE)
def _silu(self: Tensor) -> Tensor:
    x = _opmath(self)
    # x / (1 + exp(-x)), as PyTorch computes it: very negative x gives -0.0, not NaN.
    result = _op("div")(x, _op("add")(_op("exp")(_op("neg")(x)), 1))
    return _finish(result, self.dtype)


lib.define("softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor",
           tags=POINTWISE)


@lib.register_meta("softplus")
def _softplus_meta(self: Any, beta: _Number, threshold: _Number) -> _Spec:
    return _floating_meta("softplus", self)


@lib.impl("softplus", _COMPOSITE)
def _softplus(self: Tensor, beta: _Number, threshold: _Number) -> Tensor:
    x = _opmath(self)
    scaled = _op("mul")(x, beta)
    # log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (linear there).
    smooth = _op("div")(_op("log1p")(_op("exp")(scaled)), beta)
    result = _op("where")(_op("gt")(scaled, threshold), x, smooth)
    return _finish(result, self.dtype)


# clamp and nan_to_num ----------------------------------------------------------------


lib.define("clamp(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor", tags=POINTWISE)


def _clamp_dtype(self: Any, min: Any, max: Any) -> DType:
    bounds = [b for b in (min, max) if b is not None]
    if not bounds:
        raise ArgumentError(
            "clamp needs at least one of min and max; both are None. "
            "Fix: pass min=, max= or both, e.g. x.clamp(min=0)"
        )
    dtype = result_type(self, *bounds)
    # PyTorch has no bool clamp kernel ("clamp_cpu" not implemented for 'Bool').
    require_dtype(dtype, "numeric", "clamp of bool values",
                  "cast to an integer dtype, or use logical operators on masks")
    return dtype


@lib.register_meta("clamp")
def _clamp_meta(self: Any, min: Any, max: Any) -> _Spec:
    _require_tensor("clamp", self)
    dtype = _clamp_dtype(self, min, max)
    for name, bound in (("min", min), ("max", max)):
        if bound is not None and not isinstance(bound, Tensor):
            # A bound may become the value: 1000 for int8 is an error, not a wrap.
            check_value(bound, dtype, name)
    return _pointwise(dtype, dtype, self, *(b for b in (min, max) if b is not None))


@lib.impl("clamp", _COMPOSITE)
def _clamp(self: Tensor, min: Any, max: Any) -> Tensor:
    # min(max(x, lo), hi), as PyTorch: NaN anywhere propagates, and lo > hi gives hi.
    # Everything computes in the promoted dtype of all three, whatever their order.
    dtype = _clamp_dtype(self, min, max)
    result = _copy.cast(self, dtype)
    if min is not None:
        result = _op("maximum")(result, _opmath_value(min, dtype))
    if max is not None:
        result = _op("minimum")(result, _opmath_value(max, dtype))
    return result


lib.define(
    "nan_to_num(Tensor self, float? nan=0.0, float? posinf=None, float? neginf=None) -> Tensor",
    tags=POINTWISE,
)


@lib.register_meta("nan_to_num")
def _nan_to_num_meta(self: Any, nan: float | None, posinf: float | None,
                     neginf: float | None) -> _Spec:
    dtype = _require_tensor("nan_to_num", self).dtype
    return _pointwise(dtype, dtype, self)


@lib.impl("nan_to_num", _COMPOSITE)
def _nan_to_num(self: Tensor, nan: float | None, posinf: float | None,
                neginf: float | None) -> Tensor:
    if not self.dtype.is_floating_point:
        return _copy.clone(self)  # integers hold no NaN or infinity
    dtype = self.dtype
    # The defaults are the dtype's largest and smallest finite values.
    high = _rounded(dtype.max if posinf is None else posinf, dtype)
    low = _rounded(dtype.min if neginf is None else neginf, dtype)
    where, eq = _op("where"), _op("eq")
    result = where(eq(self, math.inf), high, self)
    result = where(eq(self, -math.inf), low, result)
    replacement = _rounded(0.0 if nan is None else nan, dtype)
    return where(_op("isnan")(self), replacement, result)


def _rounded(value: float, dtype: DType) -> float:
    """``value`` as ``dtype`` holds it: a replacement beyond the dtype's range is infinite.

    float16 and bfloat16 take it through float32, as PyTorch converts a number to them
    (and as the core's cast_scalar does)."""
    with np.errstate(over="ignore"):
        number = np.asarray(value, dtype=np.float64)
        if opmath_dtype(dtype) is not dtype:
            number = number.astype(np.float32)
        return float(number.astype(dtype.numpy))


# lerp, addcmul, addcdiv --------------------------------------------------------------


lib.define("lerp(Tensor self, Tensor end, Tensor weight) -> Tensor", tags=POINTWISE)


@lib.register_meta("lerp")
def _lerp_meta(self: Any, end: Any, weight: Any) -> _Spec:
    dtype = _require_tensor("lerp", self).dtype
    require_dtype(dtype, "floating", "lerp of a non-floating tensor",
                  "cast the inputs first, e.g. x.to(pb.float32)")
    # As in PyTorch, tensors do not promote each other here: they share one dtype.
    for name, value in (("end", end), ("weight", weight)):
        if isinstance(value, Tensor) and value.dtype is not dtype:
            raise DTypeError(
                f"lerp expects {name} in the dtype of self ({dtype}), got {value.dtype}. "
                f"Fix: cast it, e.g. {name}.to(pb.{dtype})"
            )
    return _pointwise(dtype, dtype, self, end, weight)


def _half(value: Any) -> Any:
    return _op("mul")(value, 0.5) if isinstance(value, Tensor) else value * 0.5


@lib.impl("lerp", _COMPOSITE)
def _lerp(self: Tensor, end: Any, weight: Any) -> Tensor:
    x = _opmath(self)
    end_ = _opmath_value(end, x.dtype)
    # PyTorch's formula: from self for small weights, from end for large ones, so
    # that lerp(a, b, 1) == b exactly. end - self is taken halved, end / 2 - self / 2
    # (exact, so diff * w is half_diff * 2w to the bit): end - self itself overflows
    # for huge finite values of opposite signs (lerp(-3e38, 3e38, 0.5) is 0, not -inf).
    half_diff = _op("sub")(_half(end_), _half(x))
    if not isinstance(weight, Tensor):
        if abs(weight) < 0.5:
            result = _op("add")(x, _op("mul")(half_diff, 2 * weight))
        else:
            result = _op("sub")(end_, _op("mul")(half_diff, 2 * (1 - weight)))
        return _finish(result, self.dtype)
    w = _opmath(weight)
    from_self = _op("add")(x, _op("mul")(half_diff, _op("mul")(w, 2)))
    from_end = _op("sub")(end_, _op("mul")(half_diff, _op("mul")(_op("sub")(1, w), 2)))
    result = _op("where")(_op("lt")(_op("abs")(w), 0.5), from_self, from_end)
    return _finish(result, self.dtype)


def _addc_dtype(name: str, self: Any, tensor1: Any, tensor2: Any, value: _Number) -> DType:
    dtype = result_type(self, tensor1, tensor2)
    require_dtype(dtype, "numeric", f"{name} of bool inputs", "cast to an integer dtype")
    if isinstance(value, float) and not dtype.is_floating_point:
        raise DTypeError(
            f"value={value!r} is a float, but the inputs compute in {dtype}. "
            "Fix: pass an integer value, or use floating-point inputs"
        )
    if not dtype.is_floating_point:
        check_operand(value, dtype, unsigned_negatives=True)  # as add's alpha, PyTorch
    return dtype


lib.define(
    "addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor",
    tags=POINTWISE,
)


@lib.register_meta("addcmul")
def _addcmul_meta(self: Any, tensor1: Any, tensor2: Any, value: _Number) -> _Spec:
    dtype = _addc_dtype("addcmul", self, tensor1, tensor2, value)
    return _pointwise(dtype, dtype, self, tensor1, tensor2)


lib.define(
    "addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor",
    tags=POINTWISE,
)


@lib.register_meta("addcdiv")
def _addcdiv_meta(self: Any, tensor1: Any, tensor2: Any, value: _Number) -> _Spec:
    if not _dtype_of(tensor1).is_floating_point and not _dtype_of(tensor2).is_floating_point:
        raise DTypeError(
            "addcdiv of integer tensor1 and tensor2 is not supported (integer division is "
            "ambiguous). Fix: make one of them floating, e.g. tensor1.to(pb.float32)"
        )
    dtype = _addc_dtype("addcdiv", self, tensor1, tensor2, value)
    return _pointwise(dtype, dtype, self, tensor1, tensor2)


def _addc(combine: str) -> Callable[..., Tensor]:
    """self + value * tensor1 <combine> tensor2, in float32 for reduced precision."""

    def composite(self: Any, tensor1: Any, tensor2: Any, value: _Number) -> Tensor:
        dtype = result_type(self, tensor1, tensor2)
        wide = float32 if dtype.is_floating_point and dtype.itemsize == 2 else dtype
        a, b, c = (_opmath_value(v, wide) for v in (self, tensor1, tensor2))
        # value=True is 1, as in PyTorch (mul takes a bool number for bools only).
        scale = int(value) if isinstance(value, bool) else value
        # PyTorch's order, (value * tensor1) <combine> tensor2: a small value meets
        # tensor1 first, so tensor1 * tensor2 cannot overflow on the way to a finite
        # result (addcmul(0, 1e30, 1e30, value=1e-30) is 1e30 in float32).
        if scale != 1:
            b = _op("mul")(b, scale) if isinstance(b, Tensor) else b * scale
        return _finish(_op("add")(a, _op(combine)(b, c)), dtype)

    return composite


lib.impl("addcmul", _COMPOSITE, _addc("mul"))
lib.impl("addcdiv", _COMPOSITE, _addc("div"))
