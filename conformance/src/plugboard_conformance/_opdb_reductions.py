"""Op database entries for the reductions of docs/opset.md beyond the starter set.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
References compute in float64 (floats) or exactly (integers, in int64 where the
operator accumulates in int64).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb

from ._opdb import (
    ALL,
    FLOATING,
    NUMERIC,
    ErrorSample,
    Layout,
    OpInfo,
    Sample,
    int64,
    random_values,
    same,
    special_values,
    summed,
)

ENTRIES: list[OpInfo] = []

SampleMaker = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]

_F32 = np.arange(6, dtype=np.float32).reshape(2, 3)
_I64 = np.arange(6, dtype=np.int64).reshape(2, 3)
_EMPTY = np.ones((0, 2), np.float32)


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _dim_out_of_range(*extra: Any) -> ErrorSample:
    return ErrorSample("dim out of range", (_F32, 3, *extra), {}, pb.ShapeError, "out of range")


def _reduction_samples(
    dims: Sequence[Any], *, low: float = -4, high: float = 4, with_dtype: bool = False,
    nonempty: bool = False, dim_required: bool = False, keepdim: bool = True,
    keepdim_kw: bool = False, special: bool = True, extra: Sequence[dict[str, Any]] = (),
) -> SampleMaker:
    """Samples for a reduction over ``dims``: 0-d, empty, large, views, special values.

    ``dim_required``: every sample passes a dim; ``nonempty``: the empty tensor is only
    reduced along its non-empty dim; ``keepdim_kw``: keepdim is keyword-only;
    ``extra``: more keyword arguments to try on the (4, 5, 6) sample.
    """

    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng, low, high)

        def args(x: Any, dim: Any, keep: bool | None = None) -> tuple[tuple[Any, ...],
                                                                      dict[str, Any]]:
            if keep is None:
                return ((x,) if dim is None and not dim_required else (x, dim)), {}
            if keepdim_kw:
                return (x, dim), {"keepdim": keep}
            return (x, dim, keep), {}

        first = dims[0]
        yield Sample("0-d", *args(r(()), 0 if dim_required else None))
        if not nonempty:
            if not dim_required:
                yield Sample("empty (0, 3)", *args(r((0, 3)), None))
            yield Sample("empty (0, 3) along dim 0", *args(r((0, 3)), 0))
        yield Sample("empty (0, 3) along dim 1", *args(r((0, 3)), 1))
        yield Sample("one element", *args(r((1,)), 0 if dim_required else None))
        yield Sample("257 elements", *args(r((257,)), 0 if dim_required else None))
        yield Sample("1025 elements", *args(r((1025,)), 0 if dim_required else None))
        if dtype.name in ("float16", "bfloat16"):
            # Long enough that accumulating in the 16-bit type itself is visibly wrong:
            # reductions accumulate in float32 (PyTorch's CPU kernels do).
            yield Sample("4096 along dim 1 of (2, 4096)", *args(r((2, 4096)), 1))
        for dim in dims:
            for keep in (False, True) if keepdim else (None,):
                label = f"(4, 5, 6) dim={dim}" + ("" if keep is None else f" keepdim={keep}")
                yield Sample(label, *args(r((4, 5, 6)), dim, keep))
        yield Sample("transposed (7, 5)", *args(Layout(r((5, 7)), "T"), first))
        yield Sample("strided [::2] of (9, 3)", *args(Layout(r((9, 3)), "::2"), first))
        if special:
            yield Sample("special values", *args(special_values(dtype),
                                                 0 if dim_required else None))
        for kwargs in extra:
            sample_args, sample_kwargs = args(r((4, 5, 6)), first)
            yield Sample(f"(4, 5, 6) dim={first} {kwargs}", sample_args,
                         {**sample_kwargs, **kwargs})
        if with_dtype and not dtype.is_bool:
            sample_args, sample_kwargs = args(r((3, 4)), first)
            yield Sample("dtype=float64", sample_args, {**sample_kwargs, "dtype": pb.float64})

    return samples


def _axes(dim: Any) -> Any:
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _wide(x: np.ndarray, dtype: Any = None) -> np.ndarray:
    """The reference's accumulation: float64 for floats (or dtype=float), else int64."""
    if x.dtype.kind == "f" or (dtype is not None and dtype.is_floating_point):
        return x.astype(np.float64)
    return x.astype(np.int64)


def _one_axis(x: np.ndarray, dim: int | None) -> int | None:
    return None if dim is None or x.ndim == 0 else dim


# Primitives -----------------------------------------------------------------------


def _prod(x: np.ndarray, dim: int | None = None, keepdim: bool = False,
          dtype: Any = None) -> Any:
    return np.prod(_wide(x, dtype), axis=_one_axis(x, dim), keepdims=keepdim)


def _amin(x: np.ndarray, dim: Any = (), keepdim: bool = False) -> Any:
    return np.amin(x, axis=_axes(dim) if x.ndim else None, keepdims=keepdim)


def _argmin(x: np.ndarray, dim: int | None = None, keepdim: bool = False) -> Any:
    if dim is None or x.ndim == 0:
        result = np.argmin(x.reshape(-1))
        return np.reshape(result, (1,) * x.ndim) if keepdim else result
    return np.argmin(x, axis=dim, keepdims=keepdim)


def _scan(ufunc: np.ufunc) -> Callable[..., Any]:
    def reference(x: np.ndarray, dim: int, dtype: Any = None) -> Any:
        wide = _wide(x, dtype)
        return wide if x.ndim == 0 else ufunc.accumulate(wide, axis=dim)

    return reference


ENTRIES.append(OpInfo(
    "pb::prod", _handle("prod"), ALL,
    _reduction_samples([0, -1, None], low=-2, high=2, with_dtype=True), _prod, summed,
    errors=_errors(_dim_out_of_range(), ErrorSample(
        "a list of dims", (_F32, [0, 1]), {}, pb.ArgumentError, "must be int")),
))
ENTRIES.append(OpInfo(
    "pb::amin", _handle("amin"), ALL, _reduction_samples([0, -1, [0, 2]], nonempty=True),
    _amin, same,
    errors=_errors(ErrorSample("empty dimension", (_EMPTY, 0), {}, pb.ShapeError, "empty"),
                   _dim_out_of_range()),
))
ENTRIES.append(OpInfo(
    "pb::argmin", _handle("argmin"), NUMERIC, _reduction_samples([0, -1], nonempty=True),
    _argmin, int64,
    errors=_errors(
        ErrorSample("empty tensor without dim", (np.ones((0,), np.float32),), {},
                    pb.ShapeError, "empty"),
        ErrorSample("empty dimension", (_EMPTY, 0), {}, pb.ShapeError, "empty"),
        ErrorSample("bool input", (np.array([True, False]),), {}, pb.DTypeError, "bool"),
    ),
))
for _name, _ufunc in (("cumsum", np.add), ("cumprod", np.multiply)):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), ALL,
        _reduction_samples([0, -1, 2], low=-2, high=2, dim_required=True, keepdim=False,
                           with_dtype=True),
        _scan(_ufunc), summed,
        errors=_errors(_dim_out_of_range(), ErrorSample(
            "no dim", (_F32,), {}, pb.ArgumentError, "missing required argument 'dim'")),
    ))


# var, std ---------------------------------------------------------------------------


def _var(x: np.ndarray, dim: Any = None, correction: float = 1, keepdim: bool = False) -> Any:
    x = x.astype(np.float64)
    axis = _axes(dim) if x.ndim else None
    n = x.size if axis is None else math.prod(x.shape[d] for d in np.atleast_1d(axis))
    mean = np.sum(x, axis=axis, keepdims=True) / n
    squares = np.sum((x - mean) ** 2, axis=axis, keepdims=keepdim)
    return squares / (n - correction if n > correction else 0)


_VAR_ERRORS = (
    ErrorSample("integer input", (_I64,), {}, pb.DTypeError, "floating"),
    ErrorSample("a dim named twice", (_F32, [0, 0]), {}, pb.ShapeError, "twice"),
    _dim_out_of_range(),
)
for _name, _reference in (("var", _var), ("std", lambda *a, **k: np.sqrt(_var(*a, **k)))):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), FLOATING,
        _reduction_samples([0, -1, [0, 2], None], keepdim_kw=True,
                           extra=({"correction": 0}, {"correction": 2}, {"correction": 0.5},
                                  {"correction": 5})),
        _reference, same, errors=_errors(*_VAR_ERRORS),
    ))


# all, any -------------------------------------------------------------------------


def _logical_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    """Values with zeros in some places, and rows that are all zero or all nonzero."""

    def r(shape: Sequence[int]) -> np.ndarray:
        values = random_values(dtype, shape, rng, 1, 4)
        return np.where(rng.random(shape) < 0.3, np.zeros_like(values), values)

    yield Sample("0-d", (r(()),))
    yield Sample("0-d zero", (np.zeros((), dtype.numpy),))
    yield Sample("empty", (r((0, 3)),))
    yield Sample("empty along dim 0", (r((0, 3)), 0))
    yield Sample("1025 elements", (r((1025,)),))
    yield Sample("no zeros", (random_values(dtype, (257,), rng, 1, 4),))
    for dim in (0, -1, [0, 2], None):
        for keepdim in (False, True):
            yield Sample(f"(4, 5, 6) dim={dim} keepdim={keepdim}", (r((4, 5, 6)), dim,
                                                                   keepdim))
    rows = r((4, 3))
    rows[0] = 0
    rows[1] = random_values(dtype, (3,), rng, 1, 4)
    yield Sample("rows all zero and all nonzero", (rows, 1))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 0))
    yield Sample("special values", (special_values(dtype),))


def _logical_result(dtype: pb.DType, sample: Sample) -> pb.DType:
    # As PyTorch: uint8 inputs give uint8, every other dtype gives bool.
    return pb.uint8 if dtype is pb.uint8 else pb.bool


for _name, _fn in (("all", np.all), ("any", np.any)):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), ALL, _logical_samples,
        lambda x, dim=None, keepdim=False, _f=_fn: _f(x, axis=_axes(dim) if x.ndim else None,
                                                     keepdims=keepdim),
        _logical_result, errors=_errors(_dim_out_of_range()),
    ))


# logsumexp ------------------------------------------------------------------------


def _logsumexp(x: np.ndarray, dim: Any, keepdim: bool = False) -> Any:
    x = x.astype(np.float64)
    axis = _axes(dim) if x.ndim else None
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdim))
    shift = np.amax(x, axis=axis, keepdims=True)
    shift = np.where(np.isinf(shift), 0.0, shift)
    total = np.sum(np.exp(x - shift), axis=axis, keepdims=True)
    result = np.log(total) + shift
    return result if keepdim else np.squeeze(result, axis=axis)


def _logsumexp_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    yield from _reduction_samples([0, -1, [0, 2]], dim_required=True)(dtype, rng)
    if dtype.is_floating_point:
        big = 60.0 if dtype.itemsize == 2 else 500.0
        yield Sample("large values", (random_values(dtype, (4, 8), rng, big, 2 * big), 1))
        rows = random_values(dtype, (4, 3), rng)
        rows[0] = -np.inf
        rows[1, 1] = np.inf
        rows[2, 0] = -np.inf
        yield Sample("rows with -inf and +inf", (rows, 1))


ENTRIES.append(OpInfo(
    "pb::logsumexp", _handle("logsumexp"), ALL, _logsumexp_samples, _logsumexp,
    lambda dtype, sample: dtype if dtype.is_floating_point else pb.get_default_dtype(),
    errors=_errors(
        _dim_out_of_range(),
        ErrorSample("no dim", (_F32,), {}, pb.ArgumentError, "missing required argument"),
    ),
))


# norm -----------------------------------------------------------------------------


def _norm(x: np.ndarray, p: float = 2, dim: Any = None, keepdim: bool = False,
          dtype: Any = None) -> Any:
    a = np.abs(x.astype(np.float64))
    axis = _axes(dim) if x.ndim else None
    if p == math.inf:
        return np.amax(a, axis=axis, keepdims=keepdim)
    if p == -math.inf:
        return np.amin(a, axis=axis, keepdims=keepdim)
    if p == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdim).astype(np.float64)
    return np.sum(a ** p, axis=axis, keepdims=keepdim) ** (1.0 / p)


def _norm_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        values = random_values(dtype, shape, rng)
        return np.where(rng.random(shape) < 0.1, np.zeros_like(values), values)

    yield Sample("0-d", (r(()),))
    yield Sample("empty", (r((0, 3)),))
    yield Sample("empty along dim 0", (r((0, 3)), 2, [0]))
    yield Sample("1025 elements", (r((1025,)),))
    for p in (2, 1, math.inf, -math.inf, 0, 3, 0.5, -1.5):
        yield Sample(f"(4, 5, 6) p={p} dim=[0, 2]", (r((4, 5, 6)), p, [0, 2]))
        yield Sample(f"(4, 5, 6) p={p} dim=-1 keepdim", (r((4, 5, 6)), p, [-1], True))
        yield Sample(f"(257,) p={p}", (r((257,)), p))
    yield Sample("transposed (7, 5), dim=0", (Layout(r((5, 7)), "T"), 2, [0]))
    yield Sample("special values", (special_values(dtype),))
    yield Sample("special values, p=inf", (special_values(dtype), math.inf))
    yield Sample("dtype=float64", (r((3, 4)),), {"dtype": pb.float64})


ENTRIES.append(OpInfo(
    "pb::norm", _handle("norm"), FLOATING, _norm_samples, _norm, summed,
    errors=_errors(
        ErrorSample("integer input", (_I64,), {}, pb.DTypeError, "floating"),
        ErrorSample("inf norm of an empty tensor", (_EMPTY, math.inf), {}, pb.ShapeError,
                    "no identity"),
        ErrorSample("integer dtype=", (_F32,), {"dtype": pb.int64}, pb.DTypeError, "dtype="),
    ),
))


# max, min ---------------------------------------------------------------------------


def _extremum_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    """The full reduction, and the elementwise form pb.max(x, y)."""

    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng)

    yield Sample("0-d", (r(()),))
    yield Sample("one element", (r((1,)),))
    yield Sample("1025 elements", (r((1025,)),))
    yield Sample("(4, 5, 6)", (r((4, 5, 6)),))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"),))
    yield Sample("special values", (special_values(dtype),))
    yield Sample("elementwise with another tensor", (r((3, 4)), r((4,))))


def _extremum_reference(full: Callable[..., Any], pairwise: Callable[..., Any]) -> Any:
    return lambda x, other=None: full(x) if other is None else pairwise(x, other)


def _extremum_dim_reference(values: Callable[..., Any], index: Callable[..., Any]) -> Any:
    def reference(x: np.ndarray, dim: int, keepdim: bool = False) -> Any:
        if x.ndim == 0:
            return x, np.zeros((), np.int64)
        return (values(x, axis=dim, keepdims=keepdim),
                index(x, axis=dim, keepdims=keepdim).astype(np.int64))

    return reference


_BOTH = ErrorSample("a dim and another tensor", (_F32, 0), {"other": _F32}, pb.ArgumentError,
                    "not both")
for _name, _front_end, _full, _pairwise, _index in (
    ("max", pb.max, np.amax, np.maximum, np.argmax),
    ("min", pb.min, np.amin, np.minimum, np.argmin),
):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _front_end, ALL, _extremum_samples,
        _extremum_reference(_full, _pairwise),
        same,
        errors=_errors(ErrorSample("empty tensor", (_EMPTY,), {}, pb.ShapeError, "empty"),
                       _BOTH),
    ))
    ENTRIES.append(OpInfo(
        f"pb::{_name}_dim", _handle(f"{_name}_dim"), ALL,
        _reduction_samples([0, -1, 2], nonempty=True, dim_required=True),
        _extremum_dim_reference(_full, _index),
        lambda dtype, sample: (dtype, pb.int64),
        errors=_errors(ErrorSample("empty dimension", (_EMPTY, 0), {}, pb.ShapeError, "empty"),
                       _dim_out_of_range()),
    ))
