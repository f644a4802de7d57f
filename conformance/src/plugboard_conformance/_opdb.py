"""The op database: per operator, its sample inputs, dtypes, reference and error inputs.

In the spirit of PyTorch's OpInfo. An :class:`OpInfo` says how to call an
operator, which dtypes it is defined for (PyTorch's semantics), how to make
sample inputs for a dtype (0-d, empty, one element, broadcast, transposed and
strided views, sizes across work-group boundaries, special values), the NumPy
reference (float64 for floating inputs, exact for integers), the result
dtype, and inputs that must raise a clear error.

Samples hold NumPy arrays; :class:`Layout` asks for a non-contiguous tensor
made on the device (a transpose, a stride). Every later operator brings its
entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import ml_dtypes
import numpy as np

import plugboard as pb

ALL = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
       pb.float16, pb.bfloat16, pb.float32, pb.float64)
NUMERIC = tuple(d for d in ALL if d is not pb.bool)
INTEGRAL = tuple(d for d in ALL if not d.is_floating_point)
FLOATING = tuple(d for d in ALL if d.is_floating_point)

@dataclass(frozen=True)
class Layout:
    """A tensor input made non-contiguous on the device: ``base`` is viewed by ``view``."""

    base: np.ndarray
    view: str  # "T" (transpose of the 2-D base) or "::2" (every other element of dim 0)

    def host(self) -> np.ndarray:
        return self.base.T if self.view == "T" else self.base[::2]


@dataclass(frozen=True)
class Sample:
    name: str  # what is special about it, for reports: "transposed (7, 5)"
    args: tuple[Any, ...]  # np.ndarray (a tensor input), Layout, or plain Python values
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorSample:
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    error: type[Exception]
    match: str  # a fragment of the message


@dataclass(frozen=True)
class OpInfo:
    name: str  # "pb::add"
    call: Callable[..., Any]
    dtypes: tuple[pb.DType, ...]
    samples: Callable[[pb.DType, np.random.Generator], Iterator[Sample]]
    reference: Callable[..., Any]  # NumPy arrays in (float64 or exact ints) -> result
    # The result's dtype; a tuple of dtypes when the reference returns a tuple of outputs.
    result_dtype: Callable[[pb.DType, Sample], pb.DType | tuple[pb.DType, ...]]
    inplace: bool = False  # has an in-place form (x.op_(...))
    out: bool = True  # takes out=
    errors: Callable[[], Iterator[ErrorSample]] | None = None
    creation: bool = False  # no tensor inputs: the device is passed as device=
    # Values checked by this function instead of against the reference (random or
    # uninitialized results): it gets the result's values and the sample and returns
    # what is wrong, or "". The reference then only gives the expected shape.
    check: Callable[[np.ndarray, Sample], str] | None = None

    @property
    def short_name(self) -> str:
        # Features ("indexing:basic") have no namespace: their name is their short name.
        return self.name.split("::", 1)[-1]


# Sample inputs ------------------------------------------------------------------


def special_values(dtype: pb.DType) -> np.ndarray:
    """NaN, +-inf, -0.0, denormals and extremes for floats; extremes for integers."""
    if dtype.is_bool:
        return np.array([True, False, True], dtype=np.bool_)
    if dtype.is_floating_point:
        info: Any = ml_dtypes.finfo(dtype.numpy)  # type: ignore[no-untyped-call]
        values = [np.nan, np.inf, -np.inf, -0.0, 0.0, float(info.smallest_subnormal),
                  -float(info.smallest_subnormal), float(info.tiny), float(info.max),
                  -float(info.max), 1.0, -1.0, 0.5]
        return np.array(values, dtype=np.float64).astype(dtype.numpy)
    return np.array([dtype.min, dtype.max, 0, 1, dtype.min + 1, dtype.max - 1,
                     0 if dtype.min == 0 else -1], dtype=dtype.numpy)


def random_values(
    dtype: pb.DType, shape: Sequence[int], rng: np.random.Generator,
    low: float = -4, high: float = 4,
) -> np.ndarray:
    """Values in [low, high) that every dtype represents (integers clipped to the range)."""
    if dtype.is_bool:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.is_floating_point:
        return rng.uniform(low, high, size=shape).astype(dtype.numpy)
    lo, hi = max(int(low), int(dtype.min)), min(int(high), int(dtype.max))
    return rng.integers(lo, hi + 1, size=shape).astype(dtype.numpy)


# Shapes that cross typical work-group sizes (64, 256, 1024) and odd sizes.
_SIZES = {"one element": (1,), "257 elements": (257,), "1025 elements": (1025,),
          "matrix (5, 7)": (5, 7), "3-d (2, 3, 4)": (2, 3, 4)}


def unary_samples(low: float = -4, high: float = 4, special: bool = True) -> Callable[
    [pb.DType, np.random.Generator], Iterator[Sample]
]:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng, low, high)

        yield Sample("0-d", (r(()),))
        yield Sample("empty (0,)", (r((0,)),))
        yield Sample("empty (2, 0)", (r((2, 0)),))
        for name, shape in _SIZES.items():
            yield Sample(name, (r(shape),))
        yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"),))
        yield Sample("strided [::2] of (9, 3)", (Layout(r((9, 3)), "::2"),))
        if special:
            yield Sample("special values", (special_values(dtype),))

    return samples


def binary_samples(
    low: float = -4, high: float = 4, other_low: float | None = None,
    other_high: float | None = None, special: bool = True, scalars: bool = True,
    nonzero_other: bool = False,
) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    """Pairs: same shape, broadcast, 0-d with n-d, views, Python numbers, special values."""
    o_low = low if other_low is None else other_low
    o_high = high if other_high is None else other_high

    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def a(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng, low, high)

        def b(shape: Sequence[int]) -> np.ndarray:
            values = random_values(dtype, shape, rng, o_low, o_high)
            if nonzero_other and not dtype.is_floating_point:
                values = np.where(values == 0, np.ones_like(values), values)
            return values

        yield Sample("0-d", (a(()), b(())))
        yield Sample("empty", (a((0, 3)), b((0, 3))))
        yield Sample("one element", (a((1,)), b((1,))))
        yield Sample("257 elements", (a((257,)), b((257,))))
        yield Sample("1025 elements", (a((1025,)), b((1025,))))
        yield Sample("broadcast (3, 1) and (1, 4)", (a((3, 1)), b((1, 4))))
        yield Sample("broadcast (2, 3, 4) and (4,)", (a((2, 3, 4)), b((4,))))
        yield Sample("0-d other", (a((5, 7)), b(())))
        yield Sample("transposed inputs", (Layout(a((5, 7)), "T"), Layout(b((5, 7)), "T")))
        yield Sample("strided self", (Layout(a((10, 3)), "::2"), b((5, 3))))
        if scalars:
            number = b(()).item()
            yield Sample("Python number other", (a((4, 6)), number))
        if special:
            values = special_values(dtype)
            other = values[::-1].copy()
            if nonzero_other and not dtype.is_floating_point:
                other = np.where(other == 0, np.ones_like(other), other)
            yield Sample("special values", (values, other))

    return samples


def creation_samples(
    make: Callable[[pb.DType], Iterator[Sample]],
) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        return make(dtype)

    return samples


# Result dtypes ------------------------------------------------------------------


def _operand_dtype(value: Any, dtype: pb.DType) -> Any:
    if isinstance(value, (np.ndarray, Layout)):
        return _ProbeTensor(dtype, value.host().ndim if isinstance(value, Layout) else value.ndim)
    return value


class _ProbeTensor:
    """What ``pb.result_type`` needs to know of a tensor operand: its dtype and ndim."""

    def __init__(self, dtype: pb.DType, ndim: int):
        self.dtype, self.ndim = dtype, ndim


def promoted(dtype: pb.DType, sample: Sample) -> pb.DType:
    operands = [_operand_dtype(v, dtype) for v in sample.args if not isinstance(v, str)]
    return pb.result_type(*operands)


def same(dtype: pb.DType, sample: Sample) -> pb.DType:
    return dtype


def boolean(dtype: pb.DType, sample: Sample) -> pb.DType:
    return pb.bool


def floating(dtype: pb.DType, sample: Sample) -> pb.DType:
    result = promoted(dtype, sample)
    return result if result.is_floating_point else pb.get_default_dtype()


def summed(dtype: pb.DType, sample: Sample) -> pb.DType:
    requested = sample.kwargs.get("dtype")
    if requested is not None:
        return requested  # type: ignore[no-any-return]
    return dtype if dtype.is_floating_point else pb.int64


def int64(dtype: pb.DType, sample: Sample) -> pb.DType:
    return pb.int64


# References ---------------------------------------------------------------------


def _trunc_div(a: np.ndarray, b: np.ndarray) -> Any:
    if a.dtype.kind == "f":
        return np.trunc(a / b)
    q = np.floor_divide(a, b)
    return q + ((q * b != a) & ((a < 0) != (b < 0)))


def _div(a: Any, b: Any, rounding_mode: str | None = None) -> Any:
    if rounding_mode is None:
        return np.true_divide(a, b)
    if rounding_mode == "floor":
        return np.floor_divide(a, b)
    return _trunc_div(np.asarray(a), np.asarray(b))


def _scaled(b: Any, alpha: Any) -> Any:
    """``b * alpha``, integers in int64 (a negative alpha with uint8 inputs wraps once the
    result is rounded to uint8, as PyTorch's uint8 arithmetic does)."""
    if alpha == 1:
        return b
    b = np.asarray(b)
    return np.multiply(b.astype(np.int64) if b.dtype.kind in "iu" else b, alpha)


def _add(a: Any, b: Any, alpha: Any = 1) -> Any:
    return np.add(a, _scaled(b, alpha))


def _sub(a: Any, b: Any, alpha: Any = 1) -> Any:
    return np.subtract(a, _scaled(b, alpha))


def _in_float64(fn: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], Any]:
    """A float reference of integer inputs (NumPy would compute exp(int8) in float16)."""
    return lambda x: fn(np.asarray(x, dtype=np.float64))


def _axes(dim: Any) -> Any:
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _sum(x: np.ndarray, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Any:
    wide = np.float64 if x.dtype.kind == "f" or (dtype and dtype.is_floating_point) else np.int64
    return np.sum(x.astype(wide), axis=_axes(dim), keepdims=keepdim)


def _mean(x: np.ndarray, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Any:
    return np.mean(x.astype(np.float64), axis=_axes(dim), keepdims=keepdim)


def _amax(x: np.ndarray, dim: Any = (), keepdim: bool = False) -> Any:
    return np.amax(x, axis=_axes(dim), keepdims=keepdim)


def _argmax(x: np.ndarray, dim: Any = None, keepdim: bool = False) -> Any:
    if dim is None:
        result = np.argmax(x.reshape(-1))
        return np.reshape(result, (1,) * x.ndim) if keepdim else result
    return np.argmax(x, axis=dim, keepdims=keepdim)


def _where(condition: np.ndarray, a: Any, b: Any) -> Any:
    return np.where(condition, a, b)


def _relu(x: np.ndarray) -> Any:
    return np.where(x < 0, np.zeros_like(x), x)  # NaN stays NaN, as in PyTorch


def _pow(a: Any, b: Any) -> Any:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind not in "biu" or b.dtype.kind not in "biu":
        return np.power(a, b)
    # PyTorch's integer powers: a negative exponent gives 1 for 1, +-1 for -1, else 0.
    negative = b < 0
    result = np.power(a.astype(np.int64), np.where(negative, 0, b).astype(np.int64))
    inverse = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 1, -1, 1), 0))
    return np.where(negative, inverse, result)


def _pow_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    yield from binary_samples(low=0, high=3, other_low=0, other_high=3, special=False)(
        dtype, rng)
    if dtype.is_integer and dtype.is_signed:
        bases = np.tile(np.arange(-3, 4), 3).astype(dtype.numpy)
        exponents = np.repeat([-1, -2, -3], 7).astype(dtype.numpy)
        yield Sample("negative exponents", (bases, exponents))
        yield Sample("a number base, negative exponents", (2, exponents))


def _alpha_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    """add's and sub's samples: ``binary_samples``, and ``other`` scaled by ``alpha``."""
    yield from binary_samples()(dtype, rng)
    if not dtype.is_bool:
        # alpha=-1 negates other, also in unsigned arithmetic (modulo 2**bits, as PyTorch).
        a, b = random_values(dtype, (257,), rng, 0, 4), random_values(dtype, (257,), rng, 0, 4)
        yield Sample("alpha=-1", (a, b), {"alpha": -1})
        yield Sample("alpha=2", (a, b), {"alpha": 2})


# Entries ------------------------------------------------------------------------

OPS: list[OpInfo] = []


def _add_entry(info: OpInfo) -> None:
    OPS.append(info)


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


_F32 = np.arange(6, dtype=np.float32).reshape(2, 3)
_I64 = np.arange(6, dtype=np.int64).reshape(2, 3)
_BOOL = np.array([True, False])
_BOOL3 = np.array([True, False, True])
_I8 = np.arange(6, dtype=np.int8).reshape(2, 3)
_F16 = np.arange(6, dtype=np.float16).reshape(2, 3)
_BROADCAST_ERROR = ErrorSample(
    "shapes that do not broadcast", (np.ones(2, np.float32), np.ones(3, np.float32)), {},
    pb.ShapeError, "cannot be broadcast",
)

_UNARY: tuple[tuple[str, Callable[..., Any], tuple[pb.DType, ...],
                    Callable[[pb.DType, Sample], pb.DType], float,
                    tuple[ErrorSample, ...]], ...] = (
    ("neg", np.negative, NUMERIC, same, -4, (ErrorSample(
        "bool input", (_BOOL,), {}, pb.DTypeError, "bool"),)),
    ("abs", np.abs, NUMERIC, same, -4, (ErrorSample(
        "bool input", (_BOOL,), {}, pb.DTypeError, "bool"),)),
    ("exp", _in_float64(np.exp), ALL, floating, -4, ()),
    ("log", _in_float64(np.log), ALL, floating, 0, ()),
    ("sqrt", _in_float64(np.sqrt), ALL, floating, 0, ()),
    ("bitwise_not", np.invert, INTEGRAL, same, -4, (ErrorSample(
        "float input", (_F32,), {}, pb.DTypeError, "floating"),)),
)
for _name, _reference, _dtypes, _result, _low, _errs in _UNARY:
    _add_entry(OpInfo(
        f"pb::{_name}", _handle(_name), _dtypes, unary_samples(low=_low), _reference, _result,
        inplace=_result is same, errors=_errors(*_errs) if _errs else None,
    ))

_SampleMaker = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]
# Per operator: name, reference, dtypes, result dtype, binary_samples' options (or the
# samples themselves), error inputs.
_BINARY: tuple[tuple[str, Callable[..., Any], tuple[pb.DType, ...],
                     Callable[[pb.DType, Sample], pb.DType], dict[str, Any] | _SampleMaker,
                     tuple[ErrorSample, ...]], ...] = (
    ("add", _add, ALL, promoted, _alpha_samples, (
        _BROADCAST_ERROR,
        ErrorSample("float alpha with integer inputs", (_I64, _I64), {"alpha": 0.5},
                    pb.DTypeError, "alpha"),
    )),
    ("sub", _sub, NUMERIC, promoted, _alpha_samples, (
        ErrorSample("bool inputs", (_BOOL, _BOOL), {}, pb.DTypeError, "bool"),
        # PyTorch refuses a bool operand even where it would promote.
        ErrorSample("a bool tensor other", (_I64, _BOOL3), {}, pb.DTypeError, "bool"),
        ErrorSample("a bool number other", (_I64, True), {}, pb.DTypeError, "bool"),
    )),
    ("mul", np.multiply, ALL, promoted, {}, (_BROADCAST_ERROR,)),
    ("remainder", np.remainder, NUMERIC, promoted, {"nonzero_other": True}, ()),
    # Integer tensors take negative integer exponent tensors; a negative Python exponent
    # and a bool tensor exponent of a bool base are refused, as in PyTorch.
    ("pow", _pow, NUMERIC, promoted, _pow_samples, (
        ErrorSample("negative integer exponent", (_I64, -1), {}, pb.DTypeError,
                    "negative integer"),
        ErrorSample("bool tensors", (_BOOL, _BOOL), {}, pb.DTypeError, "bool"),
    )),
    ("maximum", np.maximum, ALL, promoted, {}, ()),
    ("minimum", np.minimum, ALL, promoted, {}, ()),
    ("bitwise_and", np.bitwise_and, INTEGRAL, promoted, {}, ()),
    ("bitwise_or", np.bitwise_or, INTEGRAL, promoted, {}, ()),
    ("bitwise_xor", np.bitwise_xor, INTEGRAL, promoted, {}, ()),
    # A number compared must fit the dtype computed in (PyTorch compares it wrapped).
    ("eq", np.equal, ALL, boolean, {}, (ErrorSample(
        "a number the dtype does not hold", (_I8, 1000), {}, pb.DTypeError, "overflows"),)),
    ("ne", np.not_equal, ALL, boolean, {}, ()),
    ("lt", np.less, ALL, boolean, {}, ()),
    ("le", np.less_equal, ALL, boolean, {}, ()),
    ("gt", np.greater, ALL, boolean, {}, ()),
    ("ge", np.greater_equal, ALL, boolean, {}, (_BROADCAST_ERROR,)),
)
for _name, _reference, _dtypes, _result, _options, _errs in _BINARY:
    _add_entry(OpInfo(
        f"pb::{_name}", _handle(_name), _dtypes,
        binary_samples(**_options) if isinstance(_options, dict) else _options, _reference,
        _result, inplace=_result is promoted, errors=_errors(*_errs) if _errs else None,
    ))


def _div_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    for sample in binary_samples(nonzero_other=True)(dtype, rng):
        yield sample
        if not dtype.is_bool:
            for mode in ("trunc", "floor"):
                yield Sample(f"{sample.name}, rounding_mode={mode!r}", sample.args,
                             {"rounding_mode": mode})


def _div_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    # True division gives floats; rounded division keeps the promoted dtype.
    if sample.kwargs.get("rounding_mode") is None:
        return floating(dtype, sample)
    return promoted(dtype, sample)


_add_entry(OpInfo(
    "pb::div", _handle("div"), ALL, _div_samples, _div, _div_dtype, inplace=True,
    errors=_errors(ErrorSample("unknown rounding mode", (_F32, _F32), {"rounding_mode": "round"},
                               pb.ArgumentError, "rounding_mode")),
))


def _where_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    for sample in binary_samples(special=False)(dtype, rng):
        a = sample.args[0]
        shape = a.host().shape if isinstance(a, Layout) else np.shape(a)
        yield Sample(sample.name, (rng.integers(0, 2, size=shape).astype(np.bool_),
                                   *sample.args))


_add_entry(OpInfo(
    "pb::where", _handle("where"), ALL, _where_samples, _where,
    lambda dtype, sample: pb.result_type(*[_operand_dtype(v, dtype) for v in sample.args[1:]]),
    errors=_errors(
        ErrorSample("float condition", (_F32, _F32, _F32), {}, pb.DTypeError, "condition"),
        # where writes the number: the result's dtype must hold it (no wrap, no inf).
        ErrorSample("a number the dtype does not hold", (_BOOL3, _I8, 1000), {},
                    pb.DTypeError, "overflows"),
        ErrorSample("a number float16 does not hold", (_BOOL3, _F16, 1e6), {},
                    pb.DTypeError, "overflows"),
    ),
))


def _reduction_samples(
    dims: Sequence[Any], with_dtype: bool = False, nonempty: bool = False
) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng)

        yield Sample("0-d", (r(()),))
        if not nonempty:
            yield Sample("empty", (r((0, 3)),))
        yield Sample("1025 elements", (r((1025,)),))
        if dtype.name in ("float16", "bfloat16"):
            # Long rows: accumulating in the 16-bit type itself is visibly wrong there.
            yield Sample("4096 along dim 1 of (2, 4096)", (r((2, 4096)), 1))
        for dim in dims:
            for keepdim in (False, True):
                yield Sample(f"(4, 5, 6) dim={dim} keepdim={keepdim}", (r((4, 5, 6)), dim,
                                                                       keepdim))
        yield Sample("transposed (7, 5), dim=0", (Layout(r((5, 7)), "T"), 0))
        if with_dtype and not dtype.is_bool:
            yield Sample("dtype=float64", (r((3, 4)),), {"dtype": pb.float64})

    return samples


_add_entry(OpInfo(
    "pb::sum", _handle("sum"), ALL, _reduction_samples([0, -1, [0, 2], None], with_dtype=True),
    _sum, summed,
    errors=_errors(
        ErrorSample("dim out of range", (_F32, 3), {}, pb.ShapeError, "out of range"),
        ErrorSample("dim 1 of a 0-d tensor", (np.array(5.0, np.float32), 1), {},
                    pb.ShapeError, "out of range"),
        ErrorSample("a dim twice", (_F32, [1, -1]), {}, pb.ShapeError, "twice"),
    ),
))
_add_entry(OpInfo(
    "pb::amax", _handle("amax"), ALL, _reduction_samples([0, -1, [0, 2]], nonempty=True),
    _amax, same,
    errors=_errors(ErrorSample("empty dimension", (np.ones((0, 2), np.float32), 0), {},
                               pb.ShapeError, "empty")),
))
_add_entry(OpInfo(
    "pb::argmax", _handle("argmax"), NUMERIC, _reduction_samples([0, -1], nonempty=True),
    _argmax, int64,
    errors=_errors(
        ErrorSample("empty tensor without dim", (np.ones((0,), np.float32),), {},
                    pb.ShapeError, "empty"),
        ErrorSample("bool input", (_BOOL,), {}, pb.DTypeError, "bool"),  # as PyTorch
    ),
))
_add_entry(OpInfo(
    "pb::mean", _handle("mean"), FLOATING,
    _reduction_samples([0, -1, [0, 2], None], with_dtype=True), _mean, summed,
    errors=_errors(ErrorSample("integer input", (_I64,), {}, pb.DTypeError, "floating")),
))


def _matmul_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng, -2, 2)

    yield Sample("vector . vector", (r((7,)), r((7,))))
    yield Sample("matrix @ matrix (5, 7) @ (7, 3)", (r((5, 7)), r((7, 3))))
    yield Sample("vector @ matrix", (r((7,)), r((7, 3))))
    yield Sample("matrix @ vector", (r((5, 7)), r((7,))))
    yield Sample("batched with broadcast (2, 1, 4, 5) @ (3, 5, 2)",
                 (r((2, 1, 4, 5)), r((3, 5, 2))))
    yield Sample("empty inner dimension", (r((3, 0)), r((0, 4))))
    yield Sample("transposed (33, 65) @ (65, 17)", (Layout(r((65, 33)), "T"), r((65, 17))))
    yield Sample("tile boundaries (65, 129) @ (129, 33)", (r((65, 129)), r((129, 33))))


_add_entry(OpInfo(
    "pb::matmul", _handle("matmul"), NUMERIC, _matmul_samples, np.matmul, same,
    errors=_errors(
        ErrorSample("inner dimensions differ", (np.ones((2, 3), np.float32),
                                                np.ones((2, 3), np.float32)), {},
                    pb.ShapeError, "inner dimensions"),
        ErrorSample("0-d input", (np.array(1.0, np.float32), np.ones(2, np.float32)), {},
                    pb.ShapeError, "at least one dimension"),
        ErrorSample("mixed dtypes", (np.ones(2, np.float32), np.ones(2, np.float64)), {},
                    pb.DTypeError, "one dtype"),
    ),
))
_add_entry(OpInfo(
    "pb::relu", _handle("relu"), NUMERIC, unary_samples(), _relu, same,
    errors=_errors(ErrorSample("bool input", (_BOOL,), {}, pb.DTypeError, "bool")),
))


# Copies and casts: the copy_ primitive behind them.
def _to_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    for target in ALL:
        # Casting NaN, inf or out-of-range floats to integers is undefined (as in C and
        # PyTorch), and negative floats to uint8 too: those inputs are not compared.
        narrowing = dtype.is_floating_point and not target.is_floating_point
        low = 0 if narrowing and target.name == "uint8" else -4
        for sample in unary_samples(low=low, special=not narrowing)(dtype, rng):
            yield Sample(f"{sample.name} to {target}", sample.args, {"dtype": target})
    # The same dtype returns the input itself, unless copy=True asks for a new tensor.
    yield Sample(f"(5, 7) to {dtype}, copy=True", (random_values(dtype, (5, 7), rng),),
                 {"dtype": dtype, "copy": True})


def _to_call(x: pb.Tensor, dtype: pb.DType, copy: bool = False) -> pb.Tensor:
    """``x.to(dtype, copy=copy)``; a copy must not share the input's storage."""
    result: pb.Tensor = x.to(dtype, copy=copy)
    if copy and result.untyped_storage() is x.untyped_storage():
        raise AssertionError("to(copy=True) returned a tensor sharing the input's storage")
    return result


def _cast_reference(x: np.ndarray, dtype: pb.DType, copy: bool = False) -> np.ndarray:
    with np.errstate(all="ignore"):
        return x.astype(dtype.numpy)


_add_entry(OpInfo(
    "pb::to", _to_call, ALL, _to_samples,
    _cast_reference, lambda dtype, sample: sample.kwargs["dtype"], out=False,
))
_add_entry(OpInfo(
    "pb::clone", _handle("clone"), ALL, unary_samples(), lambda x: x, same, out=False,
))
_add_entry(OpInfo(
    "pb::contiguous", _handle("contiguous"), ALL, unary_samples(), lambda x: x, same, out=False,
))


# Creation ------------------------------------------------------------------------


def _full_samples(dtype: pb.DType) -> Iterator[Sample]:
    value: Any = True if dtype.is_bool else (2.5 if dtype.is_floating_point else 7)
    for size in ((), (0,), (1,), (257,), (3, 5)):
        yield Sample(f"size {size}", (size, value), {"dtype": dtype})


def _arange_samples(dtype: pb.DType) -> Iterator[Sample]:
    if dtype.is_bool:
        return
    yield Sample("0 to 10", (0, 10, 1), {"dtype": dtype})
    yield Sample("5 to 1030 by 3", (5, 1030 if dtype.itemsize > 1 else 120, 3),
                 {"dtype": dtype})
    yield Sample("10 down to -3", (10, -3 if dtype.min < 0 else 0, -1), {"dtype": dtype})
    yield Sample("empty", (4, 4, 1), {"dtype": dtype})
    if dtype.is_floating_point:
        yield Sample("0 to 1 by 0.1", (0.0, 1.0, 0.125), {"dtype": dtype})
    else:
        # An integer arange converts its bounds and step to integers first (PyTorch).
        yield Sample("float bounds and step, 0.5 to 3.7 by 1.5", (0.5, 3.7, 1.5),
                     {"dtype": dtype})
        if dtype.is_signed:
            yield Sample("float bounds, -1.5 to 2", (-1.5, 2, 1), {"dtype": dtype})


def _arange(start: Any, end: Any, step: Any, dtype: pb.DType) -> Any:
    if not dtype.is_floating_point:
        return np.arange(int(start), int(end), int(step), dtype=np.int64).astype(dtype.numpy)
    return np.arange(start, end, step, dtype=np.float64).astype(dtype.numpy)


_add_entry(OpInfo(
    "pb::full", _handle("full"), ALL, creation_samples(_full_samples),
    lambda size, value, dtype: np.full(size, value, dtype=dtype.numpy),
    lambda dtype, sample: dtype, creation=True,
    errors=_errors(
        ErrorSample("value out of range", ((2,), 300), {"dtype": pb.int8}, pb.DTypeError,
                    "overflows"),
        ErrorSample("a fraction for an integer dtype", ((2,), 2.5), {"dtype": pb.int64},
                    pb.DTypeError, "not representable"),
        ErrorSample("a value past float16's largest", ((2,), 1e6), {"dtype": pb.float16},
                    pb.DTypeError, "overflows"),
        ErrorSample("2 for bool", ((2,), 2), {"dtype": pb.bool}, pb.DTypeError,
                    "not representable"),
    ),
))
_add_entry(OpInfo(
    "pb::arange", _handle("arange"), NUMERIC, creation_samples(_arange_samples),
    _arange, lambda dtype, sample: dtype, creation=True,
    errors=_errors(
        ErrorSample("zero step", (0, 5, 0), {}, pb.ArgumentError, "step"),
        ErrorSample("a step that is 0 as an integer", (0, 5, 0.5), {"dtype": pb.int64},
                    pb.ArgumentError, "step"),
        ErrorSample("values the dtype does not hold", (0, 200, 1), {"dtype": pb.int8},
                    pb.DTypeError, "overflows"),
    ),
))
for _name, _value in (("zeros", 0), ("ones", 1)):
    _add_entry(OpInfo(
        f"pb::{_name}", _handle(_name), ALL, creation_samples(
            lambda dtype: (Sample(f"size {s}", (s,), {"dtype": dtype})
                           for s in ((), (0,), (257,), (3, 5)))),
        lambda size, dtype, _v=_value: np.full(size, _v, dtype=dtype.numpy),
        lambda dtype, sample: dtype, creation=True,
    ))


def all_ops() -> list[OpInfo]:
    """Every entry: the starter operators here, then each section's module; each with the
    special-value and long-row samples of ``_opdb_special`` added."""
    from . import (
        _opdb_creation,
        _opdb_elementwise,
        _opdb_indexing,
        _opdb_linalg,
        _opdb_nn,
        _opdb_reductions,
        _opdb_shape,
        _opdb_special,
    )

    sections = (_opdb_elementwise, _opdb_reductions, _opdb_linalg, _opdb_shape,
                _opdb_indexing, _opdb_nn, _opdb_creation)
    entries = [*OPS, *(entry for section in sections for entry in section.ENTRIES)]
    return [_opdb_special.extend(entry) for entry in entries]


def by_name() -> dict[str, OpInfo]:
    return {info.name: info for info in all_ops()}
