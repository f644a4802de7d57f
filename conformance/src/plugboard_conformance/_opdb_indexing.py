"""Op database entries for views, basic and advanced indexing, index_select and index_put.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).

Views are metadata only: their reference is the NumPy view, and each call also
checks that the result shares the input's storage (``reshape``, ``flatten``
and ``unflatten`` copy when the layout requires it, so they are not checked).
Views have no ``out=`` and no in-place form. The two indexing features are
named ``indexing:basic`` and ``indexing:advanced``; their ``call`` performs
``x[index]`` (or ``x[index] = value`` on a copy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided as np_as_strided

import plugboard as pb

from ._opdb import ALL, ErrorSample, Layout, OpInfo, Sample, random_values, same

ENTRIES: list[OpInfo] = []

Values = Callable[[Sequence[int]], np.ndarray]  # random values of the case's dtype
SampleMaker = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]

_F32 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
_M57 = np.arange(35, dtype=np.float32).reshape(5, 7)


def _op(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _samples(make: Callable[[Values, np.random.Generator], Iterator[Sample]]) -> SampleMaker:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def values(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng)

        return make(values, rng)

    return samples


def _shares_storage(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, checked to return views of its first argument (one tensor or several)."""

    def call(x: pb.Tensor, *args: Any, **kwargs: Any) -> Any:
        result = fn(x, *args, **kwargs)
        for r in result if isinstance(result, tuple) else (result,):
            if r.untyped_storage() is not x.untyped_storage():
                raise AssertionError("the result is not a view: it does not share the "
                                     "input's storage")
        return result

    return call


def _add_view(name: str, make: Callable[[Values, np.random.Generator], Iterator[Sample]],
              reference: Callable[..., Any], errors: Sequence[ErrorSample],
              view: bool = True) -> None:
    call = _shares_storage(_op(name)) if view else _op(name)
    ENTRIES.append(OpInfo(
        f"pb::{name}", call, ALL, _samples(make), reference, same, out=False,
        errors=_errors(*errors),
    ))


def _wrap(dim: int, ndim: int) -> int:
    return dim % max(ndim, 1)


def _along(x: np.ndarray, dim: int, item: Any) -> np.ndarray:
    result: np.ndarray = x[(slice(None),) * dim + (item,)]
    return result


# view, reshape, flatten, unflatten ---------------------------------------------------------


def _reshape_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d to (1,)", (r(()), (1,)))
    yield Sample("one element to 0-d", (r((1,)), ()))
    yield Sample("(2, 3, 4) to (6, 4)", (r((2, 3, 4)), (6, 4)))
    yield Sample("(2, 3, 4) to (-1,)", (r((2, 3, 4)), (-1,)))
    yield Sample("(2, 3, 4) to (4, -1, 2)", (r((2, 3, 4)), (4, -1, 2)))
    yield Sample("empty (0, 3) to (3, 0)", (r((0, 3)), (3, 0)))
    yield Sample("empty (0, 3) to (-1, 3)", (r((0, 3)), (-1, 3)))
    yield Sample("1025 elements to (5, 205)", (r((1025,)), (5, 205)))
    yield Sample("transposed (7, 5) to (7, 1, 5)", (Layout(r((5, 7)), "T"), (7, 1, 5)))
    yield Sample("strided [::2] of (10, 3) to (5, 1, 3)", (Layout(r((10, 3)), "::2"),
                                                         (5, 1, 3)))


def _reshape_copy_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield from _reshape_samples(r, rng)
    # Layouts no view can show: reshape copies.
    yield Sample("transposed (7, 5) to (35,)", (Layout(r((5, 7)), "T"), (35,)))
    yield Sample("strided [::2] of (10, 3) to (15,)", (Layout(r((10, 3)), "::2"), (15,)))


def _reshape(x: np.ndarray, size: Sequence[int]) -> np.ndarray:
    return np.reshape(x, tuple(size))


_SIZE_ERRORS = (
    ErrorSample("size with another element count", (_F32, (5, 5)), {}, pb.ShapeError,
                "invalid for a tensor of shape"),
    ErrorSample("two -1 sizes", (_F32, (-1, -1)), {}, pb.ShapeError, "only one dimension"),
)
_add_view("view", _reshape_samples, _reshape, (*_SIZE_ERRORS, ErrorSample(
    "view across a transposed layout", (Layout(_M57, "T"), (35,)), {}, pb.ShapeError,
    "not compatible with the strides")))
_add_view("reshape", _reshape_copy_samples, _reshape, _SIZE_ERRORS, view=False)


def _flatten_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d", (r(()),))
    yield Sample("(2, 3, 4)", (r((2, 3, 4)),))
    yield Sample("(2, 3, 4) from dim 1", (r((2, 3, 4)), 1))
    yield Sample("(2, 3, 4) dims 0 to -2", (r((2, 3, 4)), 0, -2))
    yield Sample("(2, 3, 4) dims -2 to -1", (r((2, 3, 4)), -2, -1))
    yield Sample("(2, 3, 4) one dim", (r((2, 3, 4)), 1, 1))
    yield Sample("empty (2, 0, 3)", (r((2, 0, 3)),))
    yield Sample("1025 elements", (r((1025,)),))
    yield Sample("transposed (7, 5) (copies)", (Layout(r((5, 7)), "T"),))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"),))


def _flatten(x: np.ndarray, start_dim: int = 0, end_dim: int = -1) -> np.ndarray:
    if x.ndim == 0:
        return x.reshape(1)
    s, e = _wrap(start_dim, x.ndim), _wrap(end_dim, x.ndim)
    return x.reshape(*x.shape[:s], int(np.prod(x.shape[s:e + 1])), *x.shape[e + 1:])


_add_view("flatten", _flatten_samples, _flatten, (
    ErrorSample("start_dim after end_dim", (_F32, 2, 1), {}, pb.ShapeError, "comes after"),
    ErrorSample("dim out of range", (_F32, 3), {}, pb.ShapeError, "out of range"),
), view=False)


def _unflatten_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(2, 12) dim 1 to (3, 4)", (r((2, 12)), 1, (3, 4)))
    yield Sample("(2, 12) dim -1 to (-1, 2)", (r((2, 12)), -1, (-1, 2)))
    yield Sample("(6,) to (1, 6, 1)", (r((6,)), 0, (1, 6, 1)))
    yield Sample("empty (0, 4) dim 1 to (2, 2)", (r((0, 4)), 1, (2, 2)))
    yield Sample("1025 elements to (25, 41)", (r((1025,)), 0, (25, 41)))
    yield Sample("transposed (7, 6) dim 1 to (2, 3)", (Layout(r((6, 7)), "T"), 1, (2, 3)))


def _unflatten(x: np.ndarray, dim: int, sizes: Sequence[int]) -> np.ndarray:
    d = _wrap(dim, x.ndim)
    inner = list(sizes)
    if -1 in inner:
        inner[inner.index(-1)] = x.shape[d] // int(np.prod([s for s in inner if s != -1]))
    return x.reshape(*x.shape[:d], *inner, *x.shape[d + 1:])


_add_view("unflatten", _unflatten_samples, _unflatten, (
    ErrorSample("sizes of another product", (_F32, 2, (3, 2)), {}, pb.ShapeError,
                "invalid for a tensor of shape"),
), view=False)


# permute, transpose, t -----------------------------------------------------------------


def _permute_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d", (r(()), ()))
    yield Sample("one element", (r((1,)), (0,)))
    yield Sample("(2, 3, 4) to (2, 0, 1)", (r((2, 3, 4)), (2, 0, 1)))
    yield Sample("(2, 3, 4) negative dims", (r((2, 3, 4)), (-1, 0, -2)))
    yield Sample("empty (0, 3)", (r((0, 3)), (1, 0)))
    yield Sample("1025 elements as (5, 205)", (r((5, 205)), (1, 0)))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), (1, 0)))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"), (1, 0)))


_add_view("permute", _permute_samples, np.transpose, (
    ErrorSample("too few dims", (_F32, (1, 0)), {}, pb.ShapeError, "one entry per dimension"),
    ErrorSample("a repeated dim", (_F32, (0, 1, 1)), {}, pb.ShapeError, "twice"),
))


def _transpose_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d", (r(()), 0, -1))
    yield Sample("1-D", (r((5,)), 0, 0))
    yield Sample("(2, 3, 4) dims 0 and 2", (r((2, 3, 4)), 0, 2))
    yield Sample("(2, 3, 4) dims -1 and 1", (r((2, 3, 4)), -1, 1))
    yield Sample("empty (0, 3)", (r((0, 3)), 0, 1))
    yield Sample("1025 elements as (5, 205)", (r((5, 205)), 0, 1))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 0, 1))


def _transpose(x: np.ndarray, dim0: int, dim1: int) -> np.ndarray:
    return x if x.ndim == 0 else np.swapaxes(x, dim0, dim1)


_add_view("transpose", _transpose_samples, _transpose, (
    ErrorSample("dim out of range", (_F32, 0, 3), {}, pb.ShapeError, "out of range"),
))


def _t_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d", (r(()),))
    yield Sample("1-D", (r((5,)),))
    yield Sample("(5, 7)", (r((5, 7)),))
    yield Sample("empty (0, 3)", (r((0, 3)),))
    yield Sample("1025 elements as (5, 205)", (r((5, 205)),))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"),))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"),))


_add_view("t", _t_samples, lambda x: x.T if x.ndim == 2 else x, (
    ErrorSample("3-D input", (_F32,), {}, pb.ShapeError, "<= 2 dimensions"),
))


# expand, squeeze, unsqueeze ----------------------------------------------------------


def _expand_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d to (2, 3)", (r(()), (2, 3)))
    yield Sample("(3, 1) to (3, 4)", (r((3, 1)), (3, 4)))
    yield Sample("(3, 1) to (-1, 5)", (r((3, 1)), (-1, 5)))
    yield Sample("(4,) to new leading dims (2, 3, 4)", (r((4,)), (2, 3, 4)))
    yield Sample("same size", (r((2, 3)), (2, 3)))
    yield Sample("empty (0, 1) to (0, 4)", (r((0, 1)), (0, 4)))
    yield Sample("(1,) to 1025 elements", (r((1,)), (1025,)))
    yield Sample("to a 0-size dim", (r((1, 3)), (0, 3)))
    yield Sample("transposed (1, 5) to (3, 5)", (Layout(r((5, 1)), "T"), (3, 5)))


def _expand(x: np.ndarray, size: Sequence[int]) -> np.ndarray:
    lead = len(size) - x.ndim
    shape = [x.shape[i - lead] if s == -1 else s for i, s in enumerate(size)]
    return np.broadcast_to(x, shape)


_add_view("expand", _expand_samples, _expand, (
    ErrorSample("expand a dim of size 3", (np.ones((3, 2), np.float32), (4, 2)), {},
                pb.ShapeError, "only size-1 dimensions can be expanded"),
    ErrorSample("fewer dims than the tensor", (_F32, (3, 4)), {}, pb.ShapeError,
                "fewer dimensions"),
))


def _squeeze_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d", (r(()),))
    yield Sample("one element", (r((1,)),))
    yield Sample("(1, 3, 1, 4)", (r((1, 3, 1, 4)),))
    yield Sample("(1, 3, 1, 4) dim 2", (r((1, 3, 1, 4)), [2]))
    yield Sample("(1, 3, 1, 4) dims 0 and -2", (r((1, 3, 1, 4)), [0, -2]))
    yield Sample("(1, 3, 1, 4) a dim not of size 1", (r((1, 3, 1, 4)), [1]))
    yield Sample("empty (0, 1)", (r((0, 1)),))
    yield Sample("1025 elements as (1, 1025)", (r((1, 1025)),))
    yield Sample("transposed (7, 1)", (Layout(r((1, 7)), "T"),))


def _squeeze(x: np.ndarray, dim: Sequence[int] | None = None) -> np.ndarray:
    if x.ndim == 0:
        return x
    dims = range(x.ndim) if dim is None else [_wrap(d, x.ndim) for d in dim]
    return np.squeeze(x, axis=tuple(d for d in dims if x.shape[d] == 1))


_add_view("squeeze", _squeeze_samples, _squeeze, (
    ErrorSample("dim out of range", (_F32, [3]), {}, pb.ShapeError, "out of range"),
    ErrorSample("a dim twice", (_F32, [0, 0]), {}, pb.ShapeError, "twice"),
))


def _unsqueeze_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("0-d dim 0", (r(()), 0))
    yield Sample("0-d dim -1", (r(()), -1))
    yield Sample("(2, 3, 4) dim 0", (r((2, 3, 4)), 0))
    yield Sample("(2, 3, 4) dim 2", (r((2, 3, 4)), 2))
    yield Sample("(2, 3, 4) dim -1", (r((2, 3, 4)), -1))
    yield Sample("empty (0, 3) dim 1", (r((0, 3)), 1))
    yield Sample("1025 elements", (r((1025,)), 1))
    yield Sample("transposed (7, 5) dim 1", (Layout(r((5, 7)), "T"), 1))
    yield Sample("strided [::2] of (10, 3) dim 0", (Layout(r((10, 3)), "::2"), 0))


def _unsqueeze(x: np.ndarray, dim: int) -> np.ndarray:
    return np.expand_dims(x, dim if dim >= 0 else dim + x.ndim + 1)


_add_view("unsqueeze", _unsqueeze_samples, _unsqueeze, (
    ErrorSample("dim out of range", (_F32, 5), {}, pb.ShapeError, "out of range"),
))


# narrow, select, diagonal, as_strided --------------------------------------------------


def _narrow_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(5, 7) dim 0", (r((5, 7)), 0, 1, 3))
    yield Sample("(5, 7) dim -1, negative start", (r((5, 7)), -1, -3, 2))
    yield Sample("length 0", (r((5, 7)), 1, 7, 0))
    yield Sample("everything", (r((5, 7)), 0, 0, 5))
    yield Sample("empty (0, 3)", (r((0, 3)), 1, 1, 2))
    yield Sample("1025 elements", (r((1025,)), 0, 500, 525))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 1, 2, 3))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"), 0, 1, 3))


def _narrow(x: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    d = _wrap(dim, x.ndim)
    begin = start + x.shape[d] if start < 0 else start
    return _along(x, d, slice(begin, begin + length))


_add_view("narrow", _narrow_samples, _narrow, (
    ErrorSample("past the end", (_M57, 0, 3, 4), {}, pb.IndexingError, "out of range"),
    ErrorSample("negative length", (_M57, 1, 0, -1), {}, pb.IndexingError, "out of range"),
))


def _select_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("one element to 0-d", (r((1,)), 0, 0))
    yield Sample("(5, 7) dim 0", (r((5, 7)), 0, 2))
    yield Sample("(5, 7) dim 1, index -1", (r((5, 7)), 1, -1))
    yield Sample("(2, 3, 4) dim -2", (r((2, 3, 4)), -2, 1))
    yield Sample("empty (2, 0) dim 0", (r((2, 0)), 0, 1))
    yield Sample("1025 elements", (r((1025,)), 0, 1024))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 1, 4))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"), 0, 3))


_add_view("select", _select_samples, lambda x, dim, index: np.take(x, index, axis=dim), (
    ErrorSample("index out of range", (_M57, 0, 5), {}, pb.IndexingError, "out of range"),
    ErrorSample("0-d input", (np.array(1.0, np.float32), 0, 0), {}, pb.IndexingError, "0-d"),
))


def _diagonal_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(5, 7)", (r((5, 7)),))
    yield Sample("(5, 7) offset 2", (r((5, 7)), 2))
    yield Sample("(5, 7) offset -3", (r((5, 7)), -3))
    yield Sample("(5, 7) offset past the end", (r((5, 7)), 9))
    yield Sample("(2, 3, 4) dims 1 and 2", (r((2, 3, 4)), 0, 1, 2))
    yield Sample("(2, 3, 4) dims -1 and 0", (r((2, 3, 4)), 1, -1, 0))
    yield Sample("(2, 3, 4) dims 0 and -2", (r((2, 3, 4)), -1, 0, -2))
    yield Sample("empty (0, 3)", (r((0, 3)),))
    yield Sample("(33, 33) diagonal of 33", (r((33, 33)),))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 1))


def _diagonal(x: np.ndarray, offset: int = 0, dim1: int = 0, dim2: int = 1) -> np.ndarray:
    return np.diagonal(x, offset, dim1, dim2)


_add_view("diagonal", _diagonal_samples, _diagonal, (
    ErrorSample("the same dim twice", (_F32, 0, 1, 1), {}, pb.ShapeError, "must differ"),
))


def _as_strided_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("rows of (4, 6)", (r((4, 6)), (3, 3), (6, 1)))
    yield Sample("transposed with offset", (r((4, 6)), (2, 2), (1, 6), 7))
    yield Sample("stride 0 (a broadcast)", (r((4, 6)), (3, 4), (0, 1)))
    yield Sample("overlapping windows", (r((10,)), (4, 3), (2, 1)))
    yield Sample("0-d at offset 5", (r((4, 6)), (), (), 5))
    yield Sample("empty size", (r((4, 6)), (0, 3), (3, 1)))
    yield Sample("1025 elements every other", (r((2050,)), (1025,), (2,)))


def _as_strided(x: np.ndarray, size: Sequence[int], stride: Sequence[int],
                storage_offset: int | None = None) -> np.ndarray:
    flat = np.ascontiguousarray(x).reshape(-1)[storage_offset or 0:]
    window: np.ndarray = np_as_strided(flat, tuple(size),
                                       tuple(s * flat.itemsize for s in stride))
    return np.array(window)  # a copy: the window may overlap itself


_add_view("as_strided", _as_strided_samples, _as_strided, (
    ErrorSample("beyond the storage", (_M57, (5, 7), (7, 2)), {}, pb.ShapeError,
                "beyond the storage"),
    ErrorSample("size and stride of different lengths", (_M57, (5, 7), (1,)), {},
                pb.ShapeError, "same length"),
    ErrorSample("negative stride", (_M57, (5,), (-1,), 4), {}, pb.ShapeError, "non-negative"),
))


# split, split_with_sizes, chunk, unbind: several views -------------------------------


def _pieces(x: np.ndarray, sizes: Sequence[int], dim: int) -> tuple[np.ndarray, ...]:
    starts = np.cumsum([0, *sizes])
    return tuple(_along(x, dim, slice(int(a), int(b))) for a, b in pairwise(starts))


def _split(x: np.ndarray, split_size: int, dim: int = 0) -> tuple[np.ndarray, ...]:
    d = _wrap(dim, x.ndim)
    n = x.shape[d]
    if n == 0:
        return (x,)
    return _pieces(x, [min(split_size, n - s) for s in range(0, n, split_size)], d)


def _split_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(7, 3) by 3: a short last piece", (r((7, 3)), 3))
    yield Sample("(7, 3) by 10: one piece", (r((7, 3)), 10))
    yield Sample("(4, 6) dim -1 by 2", (r((4, 6)), 2, -1))
    yield Sample("empty (0, 3)", (r((0, 3)), 2))
    yield Sample("1025 elements by 256", (r((1025,)), 256))
    yield Sample("transposed (7, 5) dim 1 by 2", (Layout(r((5, 7)), "T"), 2, 1))


_add_view("split", _split_samples, _split, (
    ErrorSample("split size 0", (_M57, 0), {}, pb.ShapeError, "positive"),
))


def _split_with_sizes_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(7, 3) into 2, 0, 5", (r((7, 3)), [2, 0, 5]))
    yield Sample("(4, 6) dim -1 into 1, 5", (r((4, 6)), [1, 5], -1))
    yield Sample("one piece", (r((5,)), [5]))
    yield Sample("1025 elements into 1000, 25", (r((1025,)), [1000, 25]))
    yield Sample("transposed (7, 5) dim 1 into 3, 2", (Layout(r((5, 7)), "T"), [3, 2], 1))


_add_view("split_with_sizes", _split_with_sizes_samples,
          lambda x, split_sizes, dim=0: _pieces(x, split_sizes, _wrap(dim, x.ndim)), (
              ErrorSample("sizes that do not add up", (_M57, [2, 2]), {}, pb.ShapeError,
                          "add up"),
          ))


def _chunk(x: np.ndarray, chunks: int, dim: int = 0) -> tuple[np.ndarray, ...]:
    n = x.shape[_wrap(dim, x.ndim)]
    return _split(x, max(-(-n // chunks), 1), dim)


def _chunk_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(7, 3) into 3", (r((7, 3)), 3))
    yield Sample("(6,) into 4: three chunks of 2", (r((6,)), 4))
    yield Sample("(3,) into 10", (r((3,)), 10))
    yield Sample("(4, 6) dim 1 into 2", (r((4, 6)), 2, 1))
    yield Sample("empty (0,)", (r((0,)), 2))
    yield Sample("1025 elements into 4", (r((1025,)), 4))
    yield Sample("transposed (7, 5) dim -1 into 3", (Layout(r((5, 7)), "T"), 3, -1))


_add_view("chunk", _chunk_samples, _chunk, (
    ErrorSample("0 chunks", (_M57, 0), {}, pb.ShapeError, "positive"),
))


def _unbind(x: np.ndarray, dim: int = 0) -> tuple[np.ndarray, ...]:
    d = _wrap(dim, x.ndim)
    return tuple(np.take(x, i, axis=d) for i in range(x.shape[d]))


def _unbind_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("(3, 4)", (r((3, 4)),))
    yield Sample("(3, 4) dim 1", (r((3, 4)), 1))
    yield Sample("(2, 3, 4) dim -1", (r((2, 3, 4)), -1))
    yield Sample("1-D into 0-d", (r((5,)),))
    yield Sample("empty (0, 3): no pieces", (r((0, 3)),))
    yield Sample("(2, 0) dim 0", (r((2, 0)),))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"),))


_add_view("unbind", _unbind_samples, _unbind, (
    ErrorSample("dim out of range", (_M57, 2), {}, pb.ShapeError, "out of range"),
))


# Basic indexing: x[1:, ::2, None, ...] ------------------------------------------------


def _basic_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    x = (2, 3, 4)
    yield Sample("int", (r(x), 1))
    yield Sample("negative int", (r(x), -1))
    yield Sample("ints to 0-d", (r(x), (1, -1, 0)))
    yield Sample("slice", (r(x), slice(1, None)))
    yield Sample("step", (r(x), (slice(None), slice(None, None, 2))))
    yield Sample("slices, None and ...", (r(x), (slice(1, None), slice(None, None, 2), None,
                                                 Ellipsis)))
    yield Sample("int between slices", (r(x), (slice(None), 2, slice(1, 3))))
    yield Sample("bounds past the ends", (r(x), (slice(-10, 10), slice(None, 100, 2))))
    yield Sample("empty slice", (r(x), slice(5, None)))
    yield Sample("None", (r(x), None))
    yield Sample("...", (r(x), Ellipsis))
    yield Sample("()", (r(x), ()))
    yield Sample("0-d with None and ...", (r(()), (None, Ellipsis, None)))
    yield Sample("empty (0, 3)", (r((0, 3)), (slice(None), 1)))
    yield Sample("1025 elements every 7th", (r((1025,)), slice(3, None, 7)))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), (slice(1, None), slice(None,
                                                                                      None, 3))))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"), (slice(None, 4), -1)))


def _getitem(x: Any, index: Any) -> Any:
    return x[index]


ENTRIES.append(OpInfo(
    "indexing:basic", _shares_storage(_getitem), ALL, _samples(_basic_samples), _getitem,
    same, out=False, errors=_errors(
        ErrorSample("negative step", (_F32, slice(None, None, -1)), {}, pb.IndexingError,
                    "steps must be positive"),
        ErrorSample("zero step", (_F32, slice(None, None, 0)), {}, pb.IndexingError,
                    "step cannot be zero"),
        ErrorSample("int out of range", (_F32, (0, 3)), {}, pb.IndexingError,
                    "out of range for dimension 1 of size 3"),
        ErrorSample("too many indices", (_F32, (0, 0, 0, 0)), {}, pb.IndexingError,
                    "too many indices"),
        ErrorSample("two ellipses", (_F32, (Ellipsis, 0, Ellipsis)), {}, pb.IndexingError,
                    "single ellipsis"),
        ErrorSample("a string", (_F32, "a"), {}, pb.IndexingError, "cannot be used as an index"),
    ),
))


# Advanced indexing: x[idx], x[mask], x[idx] = value ----------------------------------------


class _Tensor:
    """Where an index holds the next tensor argument of the sample."""

    def __repr__(self) -> str:
        return "T"


T = _Tensor()


@dataclass(frozen=True, eq=False)
class Index:
    """An index for ``x[...]``: its items, with :data:`T` where a tensor argument goes.

    ``torch_rule``: PyTorch's result in NumPy terms, for indices where NumPy's own
    rule differs (an int separating index tensors: PyTorch applies ints first).
    ``assign``: the sample is ``x[index] = value``, and the first tensor argument
    is the value.
    """

    items: tuple[Any, ...]
    torch_rule: Callable[..., np.ndarray] | None = None
    assign: bool = False

    def key(self, tensors: Sequence[Any]) -> tuple[Any, ...]:
        given = iter(tensors)
        return tuple(next(given) if item is T else item for item in self.items)

    def __repr__(self) -> str:
        return f"x[{', '.join(map(repr, self.items))}]" + (" = value" if self.assign else "")


def _advanced_call(x: pb.Tensor, index: Index, *tensors: Any) -> pb.Tensor:
    if index.assign:
        value, *rest = tensors
        y = _op("clone")(x)
        y[index.key(rest)] = value
        return y  # type: ignore[no-any-return]
    return x[index.key(tensors)]


def _advanced_reference(x: np.ndarray, index: Index, *arrays: Any) -> np.ndarray:
    if index.assign:
        value, *rest = arrays
        y: np.ndarray = x.copy()
        y[index.key(rest)] = value
        return y
    if index.torch_rule is not None:
        return index.torch_rule(x, *arrays)
    result: np.ndarray = x[index.key(arrays)]
    return result


def _positions(rng: np.random.Generator, size: int, shape: Sequence[int],
               dtype: Any = np.int64) -> np.ndarray:
    """Random positions in [-size, size) (negative ones count from the end)."""
    return rng.integers(-size, size, size=shape).astype(dtype)


def _distinct(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    """``count`` different positions in [0, size): assignments without repeats."""
    return rng.permutation(size)[:count].astype(np.int64)


def _mask(rng: np.random.Generator, shape: Sequence[int]) -> np.ndarray:
    return rng.integers(0, 2, size=shape).astype(np.bool_)


def _advanced_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    def get(name: str, x: Any, *items: Any, **kw: Any) -> Sample:
        tensors = kw.pop("tensors", ())
        return Sample(name, (x, Index(tuple(items), **kw), *tensors))

    yield get("int64 positions", r((5, 7)), T, tensors=(_positions(rng, 5, (4,)),))
    yield get("int32 positions, 2-D", r((5, 7)), T,
              tensors=(_positions(rng, 5, (2, 3), np.int32),))
    yield get("a list of ints", r((5, 7)), [0, -1, 2, 2])
    yield get("positions in the last dim", r((5, 7)), slice(None), T,
              tensors=(_positions(rng, 7, (3,)),))
    yield get("two broadcasting index tensors", r((5, 7)), T, T,
              tensors=(_positions(rng, 5, (3, 1)), _positions(rng, 7, (4,))))
    yield get("adjacent index tensors after a slice", r((2, 5, 7)), slice(None), T, T,
              tensors=(_positions(rng, 5, (3,)), _positions(rng, 7, (3,))))
    yield get("index tensors separated by a slice go first", r((5, 2, 7)), T, slice(None), T,
              tensors=(_positions(rng, 5, (2,)), _positions(rng, 7, (2,))))
    yield get("with None and ...", r((3, 4, 5)), None, Ellipsis, T,
              tensors=(_positions(rng, 5, (2,)),))
    yield get("an int applies first (PyTorch's rule)", r((3, 4, 5)), 1, slice(None), T,
              tensors=(_positions(rng, 5, (2,)),),
              torch_rule=lambda x, i: x[1][:, i])
    yield get("1025 elements", r((1025,)), T, tensors=(_positions(rng, 1025, (300,)),))
    yield get("transposed (7, 5)", Layout(r((5, 7)), "T"), T,
              tensors=(_positions(rng, 7, (3,)),))
    yield get("no positions", r((5, 7)), T, tensors=(np.zeros((0,), np.int64),))
    yield get("a mask of every dim", r((5, 7)), T, tensors=(_mask(rng, (5, 7)),))
    yield get("a mask of one dim", r((5, 7)), slice(None), T, tensors=(_mask(rng, (7,)),))
    yield get("a 2-D mask of the last dims", r((2, 5, 7)), Ellipsis, T,
              tensors=(_mask(rng, (5, 7)),))
    yield get("an all-False mask", r((5, 3)), T, tensors=(np.zeros((5,), np.bool_),))
    yield get("a mask and positions", r((5, 7)), T, T,
              tensors=(_mask(rng, (5,)), _positions(rng, 7, (1,))))
    yield get("a 1025-element mask", r((1025,)), T, tensors=(_mask(rng, (1025,)),))
    yield get("True", r((2, 3)), True)
    yield get("False", r((2, 3)), False)
    yield get("True on a 0-d tensor", r(()), True)

    def assign(name: str, x: Any, value: Any, *items: Any, tensors: Sequence[Any] = ()
               ) -> Sample:
        return Sample(name, (x, Index(tuple(items), assign=True), value, *tensors))

    yield assign("x[positions] = rows", r((5, 7)), r((4, 7)), T,
                 tensors=(_distinct(rng, 5, 4),))
    yield assign("x[:, positions] = a broadcast value", r((5, 7)), r((1,)), slice(None), T,
                 tensors=(_distinct(rng, 7, 3),))
    yield assign("x[rows, cols] = values", r((5, 7)), r((3,)), T, T,
                 tensors=(_distinct(rng, 5, 3), _distinct(rng, 7, 3)))
    yield assign("x[list] = rows", r((5, 7)), r((2, 7)), [0, 3])
    yield assign("x[mask] = number", r((5, 7)), r(()), T, tensors=(_mask(rng, (5, 7)),))
    mask = _mask(rng, (5,))
    yield assign("x[mask] = rows", r((5, 7)), r((int(mask.sum()), 7)), T, tensors=(mask,))
    yield assign("x[2-D mask of the last dims] = values", r((2, 5, 7)), r((35,)), Ellipsis, T,
                 tensors=(np.ones((5, 7), np.bool_),))
    yield assign("x[True] = value", r((2, 3)), r((3,)), True)


_ADVANCED_X = np.arange(35, dtype=np.float32).reshape(5, 7)

ENTRIES.append(OpInfo(
    "indexing:advanced", _advanced_call, ALL, _samples(_advanced_samples),
    _advanced_reference, same, out=False, errors=_errors(
        ErrorSample("a position out of range", (_ADVANCED_X, Index((T,)),
                                                np.array([0, 5])), {},
                    pb.IndexingError, "out of range for dimension 0 of size 5"),
        ErrorSample("float positions", (_ADVANCED_X, Index((T,)), np.array([0.0, 1.0])), {},
                    pb.IndexingError, "int64, int32 or bool"),
        # PyTorch takes a uint8 index, even a 0-d one, as a mask; plugboard refuses them.
        ErrorSample("a 0-d uint8 index", (_ADVANCED_X, Index((T,)), np.array(1, np.uint8)),
                    {}, pb.IndexingError, "uint8"),
        ErrorSample("a mask of the wrong shape", (_ADVANCED_X, Index((T,)),
                                                  np.ones(4, np.bool_)), {},
                    pb.IndexingError, "mask's shape"),
        ErrorSample("index tensors that do not broadcast",
                    (_ADVANCED_X, Index((T, T)), np.array([0, 1]), np.array([0, 1, 2])), {},
                    pb.IndexingError, "cannot be broadcast"),
        ErrorSample("too many index tensors",
                    (_ADVANCED_X, Index((T, T, T)), *([np.array([0])] * 3)), {},
                    pb.IndexingError, "too many indices"),
        ErrorSample("x[positions] = a value that does not fit",
                    (_ADVANCED_X, Index((T,), assign=True), np.ones(3, np.float32),
                     np.array([0, 1])), {}, pb.ShapeError, "cannot be broadcast"),
        ErrorSample("x[mask] = a number the dtype does not hold",
                    (_ADVANCED_X.astype(np.int8), Index((T,), assign=True), 1000,
                     _ADVANCED_X > 10), {}, pb.DTypeError, "overflows"),
        ErrorSample("x[positions] = value, a position out of range",
                    (_ADVANCED_X, Index((T,), assign=True), np.ones(7, np.float32),
                     np.array([-6])), {}, pb.IndexingError, "out of range"),
    ),
))


# index_select -------------------------------------------------------------------------


def _index_select_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    def at(size: int, count: int, dtype: Any = np.int64) -> np.ndarray:
        return rng.integers(0, size, size=count).astype(dtype)

    yield Sample("(5, 7) dim 0, repeats", (r((5, 7)), 0, np.array([4, 0, 0, 2])))
    yield Sample("(5, 7) dim 1, int32", (r((5, 7)), 1, at(7, 5, np.int32)))
    yield Sample("(2, 3, 4) dim -1", (r((2, 3, 4)), -1, at(4, 6)))
    yield Sample("0-d index", (r((5, 7)), 1, np.array(3)))
    yield Sample("no positions", (r((5, 7)), 0, np.zeros((0,), np.int64)))
    yield Sample("0-d input", (r(()), 0, np.array([0])))
    yield Sample("empty input (0, 3) dim 1", (r((0, 3)), 1, at(3, 2)))
    yield Sample("1025 elements", (r((1025,)), 0, at(1025, 300)))
    yield Sample("transposed (7, 5) dim 0", (Layout(r((5, 7)), "T"), 0, at(7, 3)))
    yield Sample("strided [::2] index", (r((5, 7)), 1, Layout(at(7, 8), "::2")))


def _index_select(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    if x.ndim == 0:
        return x
    return np.take(x, index.reshape(-1), axis=dim)


ENTRIES.append(OpInfo(
    "pb::index_select", _op("index_select"), ALL, _samples(_index_select_samples),
    _index_select, same,
    errors=_errors(
        ErrorSample("float index", (_M57, 0, np.array([0.0])), {}, pb.IndexingError,
                    "int64 or int32"),
        ErrorSample("2-D index", (_M57, 0, np.zeros((2, 2), np.int64)), {}, pb.IndexingError,
                    "0-d or 1-D"),
        ErrorSample("index out of range", (_M57, 1, np.array([0, 7])), {}, pb.IndexingError,
                    "out of range"),
        ErrorSample("negative index", (_M57, 0, np.array([-1])), {}, pb.IndexingError,
                    "out of range"),
        ErrorSample("dim out of range", (_M57, 2, np.array([0])), {}, pb.ShapeError,
                    "out of range"),
    ),
))


# index_put and index_put_ ------------------------------------------------------------------


def _index_put_samples(r: Values, rng: np.random.Generator) -> Iterator[Sample]:
    yield Sample("rows", (r((5, 7)), r((3, 7)), _distinct(rng, 5, 3)))
    yield Sample("rows, a broadcast value", (r((5, 7)), r((7,)), _distinct(rng, 5, 2)))
    yield Sample("columns (None for dim 0)", (r((5, 7)), r((5, 1)), None,
                                              _distinct(rng, 7, 3)))
    yield Sample("broadcasting index tensors", (r((5, 7)), r((3, 2)),
                                                _distinct(rng, 5, 3).reshape(3, 1),
                                                _distinct(rng, 7, 2)))
    yield Sample("negative positions", (r((5, 7)), r((2, 7)), np.array([-1, -5])))
    yield Sample("int32 positions", (r((5, 7)), r((2, 7)), np.array([4, 1], np.int32)))
    yield Sample("no positions", (r((5, 7)), r((0, 7)), np.zeros((0,), np.int64)))
    yield Sample("0-d value", (r((5, 7)), r(()), _distinct(rng, 5, 2)))
    yield Sample("1025 elements", (r((1025,)), r((300,)), _distinct(rng, 1025, 300)))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), r((2, 5)),
                                       _distinct(rng, 7, 2)))
    yield Sample("strided positions", (r((9,)), r((3,)),
                                       Layout(_distinct(rng, 9, 6), "::2")))
    yield Sample("accumulate repeats", (r((5, 7)), r((4, 7)), np.array([0, 0, 2, 0])),
                 {"accumulate": True})
    yield Sample("accumulate a 0-d value", (r((6,)), r(()), np.array([1, 1, -1])),
                 {"accumulate": True})


def _index_put(x: np.ndarray, values: np.ndarray, *indices: Any,
               accumulate: bool = False) -> np.ndarray:
    y: np.ndarray = x.copy()
    key: Any = tuple(slice(None) if i is None else i for i in indices)
    if accumulate:
        np.add.at(y, key, values)
    else:
        y[key] = values
    return y


def _index_put_call(x: pb.Tensor, values: pb.Tensor, *indices: Any, accumulate: bool = False,
                    out: pb.Tensor | None = None) -> Any:
    return _op("index_put")(x, indices, values, accumulate, out=out)


def _index_put_inplace_call(x: pb.Tensor, values: pb.Tensor, *indices: Any,
                            accumulate: bool = False) -> Any:
    # On a copy: the case checks that its inputs do not change.
    target = _op("clone")(x)
    result = _op("index_put_")(target, indices, values, accumulate)
    if result is not target:
        raise AssertionError("index_put_ did not return the tensor it wrote")
    return result


_INDEX_PUT_ERRORS = (
    ErrorSample("values of another dtype", (_M57, np.ones(7, np.float64), np.array([0])), {},
                pb.DTypeError, "must match"),
    ErrorSample("float positions", (_M57, np.ones(7, np.float32), np.array([0.0])), {},
                pb.IndexingError, "int64 or int32"),
    ErrorSample("a bool mask", (_M57, np.ones(7, np.float32), np.ones(5, np.bool_)), {},
                pb.IndexingError, "int64 or int32"),
    ErrorSample("a position out of range", (_M57, np.ones(7, np.float32), np.array([1, 5])),
                {}, pb.IndexingError, "out of range"),
    ErrorSample("values that do not broadcast", (_M57, np.ones(3, np.float32),
                                                 np.array([0, 1])), {},
                pb.ShapeError, "cannot be broadcast"),
    ErrorSample("no index tensor", (_M57, np.ones(7, np.float32), None), {},
                pb.IndexingError, "at least one index tensor"),
)

ENTRIES.append(OpInfo(
    "pb::index_put", _index_put_call, ALL, _samples(_index_put_samples), _index_put, same,
    errors=_errors(*_INDEX_PUT_ERRORS),
))
ENTRIES.append(OpInfo(
    "pb::index_put_", _index_put_inplace_call, ALL, _samples(_index_put_samples), _index_put,
    same, out=False, errors=_errors(*_INDEX_PUT_ERRORS),
))
