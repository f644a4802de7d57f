"""Op database entries for the elementwise operators of docs/opset.md beyond the starter set.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
References compute in float64 (exactly for integers) with PyTorch's definitions
where NumPy's differ: ``sign(nan)`` is 0, shifts past the bit width give 0 or the
sign, ``round`` rounds halves to even after scaling by ``10 ** decimals``, and
float functions of integers see them as the default float dtype holds them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb

from ._opdb import (
    _BROADCAST_ERROR,
    ALL,
    FLOATING,
    NUMERIC,
    ErrorSample,
    Layout,
    OpInfo,
    Sample,
    _handle,
    _operand_dtype,
    binary_samples,
    boolean,
    floating,
    promoted,
    random_values,
    same,
    special_values,
    unary_samples,
)

INTEGER = tuple(d for d in NUMERIC if not d.is_floating_point)

ENTRIES: list[OpInfo] = []

_F32 = np.arange(6, dtype=np.float32).reshape(2, 3)
_F64 = np.arange(6, dtype=np.float64).reshape(2, 3)
_I64 = np.arange(6, dtype=np.int64).reshape(2, 3)
_BOOL = np.array([True, False])
_NUMBER_INPUT = ErrorSample("a Python number, not a tensor", (1.5,), {}, pb.ArgumentError,
                            "takes a tensor")
# Predicates take no Python numbers at all (they are not pointwise-tagged): the binder says so.
_NUMBER_FOR_TENSOR = ErrorSample("a Python number, not a tensor", (1.5,), {}, pb.ArgumentError,
                                 "must be Tensor")
_BOOL_INPUT = ErrorSample("bool input", (_BOOL,), {}, pb.DTypeError, "bool")
_INTEGER_INPUT = ErrorSample("integer input", (_I64,), {}, pb.DTypeError, "floating")


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _f64(value: Any) -> Any:
    """A float reference's input: integers and bool first become the default float dtype,
    where PyTorch computes float functions of them (int32's max becomes 2 ** 31)."""
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        array = array.astype(pb.get_default_dtype().numpy)
    return array.astype(np.float64)


def _in_float(fn: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], Any]:
    return lambda x: fn(_f64(x))


def _erf(x: np.ndarray) -> Any:
    return np.vectorize(math.erf, otypes=[np.float64])(_f64(x))


def _sign(x: np.ndarray) -> Any:
    if x.dtype == np.bool_:
        return x
    # PyTorch's (0 < x) - (x < 0): NaN gives 0, not NaN as in NumPy.
    return (x > 0).astype(np.int64) - (x < 0).astype(np.int64)


def _integral_identity(fn: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], Any]:
    """floor, ceil, trunc: integers are their own answer (exactly, even near 2 ** 63)."""
    return lambda x: x if x.dtype.kind in "biu" else fn(x)


def _round(x: np.ndarray, decimals: int = 0) -> Any:
    if x.dtype.kind in "biu":
        return x
    if decimals == 0:
        return np.rint(x)
    scale = 10.0 ** abs(decimals)
    return np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale


def _isnan(x: np.ndarray) -> Any:
    return np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_)


def _isinf(x: np.ndarray) -> Any:
    return np.isinf(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_)


def _isfinite(x: np.ndarray) -> Any:
    return np.isfinite(x) if x.dtype.kind == "f" else np.ones(x.shape, np.bool_)


# Unary primitives and composites ---------------------------------------------------------

_UNARY: tuple[tuple[str, Callable[..., Any], tuple[pb.DType, ...],
                    Callable[[pb.DType, Sample], pb.DType], float, tuple[ErrorSample, ...]],
              ...] = (
    ("sign", _sign, ALL, same, -4, (_NUMBER_INPUT,)),
    ("log1p", _in_float(np.log1p), ALL, floating, -0.9, (_NUMBER_INPUT,)),
    ("sin", _in_float(np.sin), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("cos", _in_float(np.cos), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("tan", _in_float(np.tan), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("tanh", _in_float(np.tanh), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("atan", _in_float(np.arctan), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("erf", _erf, ALL, floating, -4, (_NUMBER_INPUT,)),
    ("floor", _integral_identity(np.floor), NUMERIC, same, -4, (_BOOL_INPUT,)),
    ("ceil", _integral_identity(np.ceil), NUMERIC, same, -4, (_BOOL_INPUT,)),
    ("trunc", _integral_identity(np.trunc), NUMERIC, same, -4, (_BOOL_INPUT,)),
    ("logical_not", np.logical_not, ALL, boolean, -4, (_NUMBER_INPUT,)),
    ("isnan", _isnan, ALL, boolean, -4, (_NUMBER_FOR_TENSOR,)),
    ("expm1", _in_float(np.expm1), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("log2", _in_float(np.log2), ALL, floating, 0, (_NUMBER_INPUT,)),
    ("log10", _in_float(np.log10), ALL, floating, 0, (_NUMBER_INPUT,)),
    ("rsqrt", lambda x: 1 / np.sqrt(_f64(x)), ALL, floating, 0, (_NUMBER_INPUT,)),
    ("reciprocal", lambda x: 1 / _f64(x), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-_f64(x))), ALL, floating, -4, (_NUMBER_INPUT,)),
    ("isinf", _isinf, ALL, boolean, -4, (_NUMBER_FOR_TENSOR,)),
    ("isfinite", _isfinite, ALL, boolean, -4, (_NUMBER_FOR_TENSOR,)),
    ("silu", lambda x: x / (1 + np.exp(-x)), FLOATING, same, -4, (_INTEGER_INPUT,)),
)
# Predicates have no in-place form, as in PyTorch (logical_not_ has: it writes x's dtype).
_NO_INPLACE = {"isnan", "isinf", "isfinite"}

for _name, _reference, _dtypes, _result, _low, _errs in _UNARY:
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), _dtypes, unary_samples(low=_low), _reference, _result,
        inplace=_name not in _NO_INPLACE and _result is not boolean,
        errors=_errors(*_errs),
    ))


def _square_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    return pb.int64 if dtype.is_bool else dtype  # pow(x, 2): bool and the int 2 make int64


ENTRIES.append(OpInfo(
    "pb::square", _handle("square"), ALL, unary_samples(),
    lambda x: np.square(x.astype(np.int64) if x.dtype == np.bool_ else x), _square_dtype,
    inplace=True, errors=_errors(_NUMBER_INPUT),
))


def _round_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    yield from unary_samples()(dtype, rng)
    if not dtype.is_floating_point:
        return
    # Multiples of 1/64 scale exactly by 10 ** d in every dtype's computation, so
    # halves (0.25 * 10 = 2.5) are true ties: they go to even.
    grid = (rng.integers(-255, 256, size=(257,)) / 64).astype(dtype.numpy)
    for decimals in (1, 2):
        yield Sample(f"decimals={decimals} of multiples of 1/64", (grid,),
                     {"decimals": decimals})
    whole = rng.integers(-200, 201, size=(5, 7)).astype(dtype.numpy)
    yield Sample("decimals=-1 of whole numbers", (whole,), {"decimals": -1})
    yield Sample("decimals=1, transposed", (Layout(grid[:35].reshape(5, 7), "T"),),
                 {"decimals": 1})


ENTRIES.append(OpInfo(
    "pb::round", _handle("round"), NUMERIC, _round_samples, _round, same, inplace=True,
    errors=_errors(
        _BOOL_INPUT,
        ErrorSample("decimals of an integer tensor", (_I64,), {"decimals": 1}, pb.DTypeError,
                    "decimals"),
    ),
))


# Binary primitives -------------------------------------------------------------------------


def _atan2(a: Any, b: Any) -> Any:
    return np.arctan2(_f64(a), _f64(b))


_BINARY: tuple[tuple[str, Callable[..., Any], tuple[pb.DType, ...],
                     Callable[[pb.DType, Sample], pb.DType], dict[str, Any],
                     tuple[ErrorSample, ...]], ...] = (
    ("fmod", np.fmod, NUMERIC, promoted, {"nonzero_other": True}, (
        _BROADCAST_ERROR,
        ErrorSample("bool inputs", (_BOOL, _BOOL), {}, pb.DTypeError, "bool"),
        ErrorSample("integer division by zero", (_I64, np.zeros(3, np.int64)), {},
                    pb.ArgumentError, "by zero"),
    )),
    ("atan2", _atan2, ALL, floating, {}, (_BROADCAST_ERROR,)),
    ("logical_and", np.logical_and, ALL, boolean, {}, (_BROADCAST_ERROR,)),
    ("logical_or", np.logical_or, ALL, boolean, {}, (_BROADCAST_ERROR,)),
    ("logical_xor", np.logical_xor, ALL, boolean, {}, (_BROADCAST_ERROR,)),
)
for _name, _reference, _dtypes, _result, _options, _errs in _BINARY:
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), _dtypes, binary_samples(**_options), _reference,
        _result, inplace=_result is promoted, errors=_errors(*_errs),
    ))


def _shift_reference(left: bool) -> Callable[[Any, Any], Any]:
    """PyTorch's shifts, on Python integers: out-of-range amounts give 0 or the sign."""

    def reference(a: Any, b: Any) -> Any:
        dtype = (a if isinstance(a, np.ndarray) else np.asarray(b)).dtype
        bits, signed = dtype.itemsize * 8, dtype.kind == "i"

        def one(value: Any, amount: Any) -> int:
            x, s = int(value), int(amount)
            if left:
                if s < 0 or s >= bits:
                    return 0
                v = (x << s) & ((1 << bits) - 1)  # wraps around, as unsigned arithmetic
                return v - (1 << bits) if signed and v >= 1 << (bits - 1) else v
            limit = bits - 1 if signed else bits
            return x >> (limit if s < 0 or s >= limit else s)

        result = np.frompyfunc(one, 2, 1)(a, b)
        return np.asarray(result, dtype=object).astype(dtype)

    return reference


def _shift_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    bits = dtype.itemsize * 8
    yield from binary_samples(low=-100, high=100, other_low=0, other_high=bits - 1)(dtype, rng)
    # Every amount from -2 (signed types) to past the width, of a negative and a positive.
    amounts = np.arange(-2 if dtype.is_signed else 0, bits + 3).astype(dtype.numpy)
    values = np.array([-3 if dtype.is_signed else 200, 5], dtype=dtype.numpy).reshape(2, 1)
    yield Sample("every shift amount, out of range included", (values, amounts))


_SHIFT_ERRORS = (
    ErrorSample("float inputs", (_F32, _F32), {}, pb.DTypeError, "shift"),
    ErrorSample("integer tensor by a float", (_I64, 1.5), {}, pb.DTypeError, "shift"),
    ErrorSample("bool inputs", (_BOOL, _BOOL), {}, pb.DTypeError, "bool"),
)
for _name, _left in (("bitwise_left_shift", True), ("bitwise_right_shift", False)):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), INTEGER, _shift_samples, _shift_reference(_left),
        promoted, inplace=True, errors=_errors(*_SHIFT_ERRORS),
    ))


# Activations ---------------------------------------------------------------------------------


def _gelu(x: np.ndarray, approximate: str = "none") -> Any:
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + np.tanh(inner))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _gelu_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    for sample in unary_samples()(dtype, rng):
        yield sample
        yield Sample(f"{sample.name}, approximate='tanh'", sample.args, {"approximate": "tanh"})


ENTRIES.append(OpInfo(
    "pb::gelu", _handle("gelu"), FLOATING, _gelu_samples, _gelu, same, inplace=True,
    errors=_errors(
        _INTEGER_INPUT,
        ErrorSample("unknown approximate", (_F32,), {"approximate": "erf"}, pb.ArgumentError,
                    "approximate"),
    ),
))


def _softplus(x: np.ndarray, beta: float = 1, threshold: float = 20) -> Any:
    scaled = x * beta
    return np.where(scaled > threshold, x, np.log1p(np.exp(scaled)) / beta)


def _softplus_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    yield from unary_samples()(dtype, rng)
    # Powers of two for beta keep x * beta exact, so the threshold splits alike everywhere.
    x = random_values(dtype, (257,), rng, -6, 6)
    yield Sample("beta=2, threshold=3", (x, 2, 3))
    yield Sample("beta=0.5, threshold=1", (x,), {"beta": 0.5, "threshold": 1})
    yield Sample("large values use the linear part", (random_values(dtype, (64,), rng, 20, 60),))


ENTRIES.append(OpInfo(
    "pb::softplus", _handle("softplus"), FLOATING, _softplus_samples, _softplus, same,
    inplace=True, errors=_errors(_INTEGER_INPUT),
))


# clamp, nan_to_num -------------------------------------------------------------------------


def _clamp(x: Any, min: Any = None, max: Any = None) -> Any:
    result = x
    if min is not None:
        result = np.maximum(result, min)
    if max is not None:
        result = np.minimum(result, max)
    return result


def _clamp_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    operands = [*sample.args, sample.kwargs.get("min"), sample.kwargs.get("max")]
    return pb.result_type(*[_operand_dtype(v, dtype) for v in operands if v is not None])


def _clamp_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    lo, hi = (-1.5, 2.5) if dtype.is_floating_point else (1, 3)
    yield Sample("0-d", (r(()),), {"min": lo, "max": hi})
    yield Sample("empty", (r((0, 3)),), {"min": lo})
    yield Sample("one element", (r((1,)),), {"min": lo, "max": hi})
    yield Sample("257 elements, min only", (r((257,)),), {"min": lo})
    yield Sample("1025 elements, max only", (r((1025,)),), {"max": hi})
    yield Sample("min > max gives max", (r((4, 4)),), {"min": hi, "max": lo})
    yield Sample("tensor bounds, broadcast", (r((3, 4)), r((4,), -4, 0), r((3, 1), 0, 4)))
    yield Sample("tensor max only", (r((2, 3, 4)), None, r((4,))))
    yield Sample("0-d tensor bounds", (r((5, 7)), r((), -2, 0), r((), 0, 2)))
    yield Sample("transposed", (Layout(r((5, 7)), "T"),), {"min": lo, "max": hi})
    yield Sample("strided [::2] of (9, 3)", (Layout(r((9, 3)), "::2"),), {"max": hi})
    yield Sample("special values", (special_values(dtype),), {"min": lo, "max": hi})
    if not dtype.is_floating_point:
        yield Sample("a float bound promotes", (r((4, 6)),), {"min": 0.5})


ENTRIES.append(OpInfo(
    "pb::clamp", _handle("clamp"), NUMERIC, _clamp_samples, _clamp, _clamp_dtype, inplace=True,
    errors=_errors(
        ErrorSample("neither min nor max", (_F32,), {}, pb.ArgumentError, "min and max"),
        ErrorSample("bool input and bounds", (_BOOL,), {"min": False}, pb.DTypeError, "bool"),
        ErrorSample("bounds that do not broadcast", (_F32, np.ones(4, np.float32)), {},
                    pb.ShapeError, "cannot be broadcast"),
        # A bound may become the value: it must fit the result's dtype (no wrap).
        ErrorSample("a bound the dtype does not hold", (np.ones(3, np.int8),),
                    {"min": 1000}, pb.DTypeError, "overflows"),
    ),
))


def _nan_to_num(x: np.ndarray, nan: float | None = 0.0, posinf: float | None = None,
                neginf: float | None = None) -> Any:
    return np.nan_to_num(x, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)


def _nan_to_num_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    # The float64 reference cannot know the tested dtype's largest value, so infinities
    # come with explicit replacements (the defaults are checked in the unit tests).
    yield from unary_samples(special=False)(dtype, rng)
    special = special_values(dtype)
    yield Sample("special values", (special,), {"nan": 1.5, "posinf": 100.0, "neginf": -100.0})
    yield Sample("special values, nan=None", (special,),
                 {"nan": None, "posinf": 2.0, "neginf": -3.0})
    if dtype.is_floating_point:
        with_nan = random_values(dtype, (257,), rng)
        with_nan[::3] = np.nan
        yield Sample("NaN, default replacement", (with_nan,))


ENTRIES.append(OpInfo(
    "pb::nan_to_num", _handle("nan_to_num"), ALL, _nan_to_num_samples, _nan_to_num, same,
    inplace=True, errors=_errors(_NUMBER_INPUT),
))


# lerp, addcmul, addcdiv ---------------------------------------------------------------------


def _lerp(a: Any, b: Any, weight: Any) -> Any:
    # PyTorch's formula: from self for |weight| < 0.5, from end otherwise.
    w = np.asarray(weight, dtype=np.float64)
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def _lerp_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    yield Sample("0-d", (r(()), r(()), 0.3))
    yield Sample("empty", (r((0, 3)), r((0, 3)), 0.5))
    for weight in (0.25, 0.75, 1.0, -0.5, 1.5):
        yield Sample(f"257 elements, weight {weight}", (r((257,)), r((257,)), weight))
    yield Sample("tensor weight, broadcast", (r((3, 1)), r((1, 4)), r((3, 4), -1, 2)))
    yield Sample("1025 elements, tensor weight", (r((1025,)), r((1025,)), r((1025,), -1, 2)))
    yield Sample("0-d tensor weight", (r((5, 7)), r((5, 7)), r((), 0, 1)))
    yield Sample("transposed inputs", (Layout(r((5, 7)), "T"), Layout(r((5, 7)), "T"), 0.4))
    yield Sample("strided self", (Layout(r((10, 3)), "::2"), r((5, 3)), 0.6))
    # Without the largest values, whose difference overflows in the computation dtype.
    special = special_values(dtype)
    special = special[np.abs(special.astype(np.float64)) < float(dtype.max)]
    yield Sample("special values", (special, special[::-1].copy(), 0.5))
    yield Sample("special values, small weight", (special, special[::-1].copy(), 0.25))


ENTRIES.append(OpInfo(
    "pb::lerp", _handle("lerp"), FLOATING, _lerp_samples, _lerp, promoted, inplace=True,
    errors=_errors(
        ErrorSample("integer inputs", (_I64, _I64, 0.5), {}, pb.DTypeError, "floating"),
        ErrorSample("end in another dtype", (_F32, _F64, 0.5), {}, pb.DTypeError, "end"),
        ErrorSample("weight in another dtype", (_F32, _F32, _F64), {}, pb.DTypeError,
                    "weight"),
    ),
))


def _addcmul(a: Any, b: Any, c: Any, value: Any = 1) -> Any:
    return a + value * (b * c)


def _addcdiv(a: Any, b: Any, c: Any, value: Any = 1) -> Any:
    return a + value * (b / c)


def _addc_samples(divide: bool) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng)

        def d(shape: Sequence[int]) -> np.ndarray:
            if not divide:
                return r(shape)
            # Divisors away from zero: magnitudes in [0.5, 4], either sign.
            magnitude = rng.uniform(0.5, 4, size=shape)
            return np.where(rng.integers(0, 2, size=shape) == 1, magnitude, -magnitude).astype(
                dtype.numpy)

        yield Sample("0-d", (r(()), r(()), d(())))
        yield Sample("empty", (r((0, 3)), r((0, 3)), d((0, 3))))
        yield Sample("one element", (r((1,)), r((1,)), d((1,))))
        yield Sample("1025 elements", (r((1025,)), r((1025,)), d((1025,))))
        yield Sample("broadcast (3, 1), (1, 4), (4,)", (r((3, 1)), r((1, 4)), d((4,))))
        yield Sample("value=2", (r((5, 7)), r((5, 7)), d((5, 7))), {"value": 2})
        yield Sample("value=True", (r((4, 5)), r((4, 5)), d((4, 5))), {"value": True})
        if dtype.is_floating_point:
            yield Sample("value=-0.5", (r((257,)), r((257,)), d((257,))), {"value": -0.5})
        yield Sample("transposed self", (Layout(r((5, 7)), "T"), r((7, 5)), d((7, 5))))
        yield Sample("strided self", (Layout(r((10, 3)), "::2"), r((5, 3)), d((5, 3))))
        yield Sample("Python number tensor2", (r((4, 6)), r((4, 6)), 3))

    return samples


ENTRIES.append(OpInfo(
    "pb::addcmul", _handle("addcmul"), NUMERIC, _addc_samples(False), _addcmul, promoted,
    inplace=True,
    errors=_errors(
        ErrorSample("bool inputs", (_BOOL, _BOOL, _BOOL), {}, pb.DTypeError, "bool"),
        ErrorSample("float value with integer inputs", (_I64, _I64, _I64), {"value": 0.5},
                    pb.DTypeError, "value"),
        ErrorSample("shapes that do not broadcast", (_F32, np.ones(4, np.float32), _F32), {},
                    pb.ShapeError, "cannot be broadcast"),
    ),
))
ENTRIES.append(OpInfo(
    "pb::addcdiv", _handle("addcdiv"), FLOATING, _addc_samples(True), _addcdiv, promoted,
    inplace=True,
    errors=_errors(
        ErrorSample("integer tensor1 and tensor2", (_F32, _I64, _I64), {}, pb.DTypeError,
                    "integer"),
        ErrorSample("shapes that do not broadcast", (_F32, np.ones(4, np.float32), _F32), {},
                    pb.ShapeError, "cannot be broadcast"),
    ),
))
