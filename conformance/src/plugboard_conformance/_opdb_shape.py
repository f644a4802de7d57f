"""Op database entries for the shape operators: cat, stack, flip, tril, triu, gather,
scatter, scatter_add, sort, argsort, topk, roll, repeat, tile, pad, masked_fill.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
Where PyTorch leaves a choice open, the samples avoid it so that every backend
has one right answer: sorts that are not stable, and topk, get values that are
distinct along the sorted dim (indices of ties are unspecified); scatter gets
indices that write each element once (which write wins is unspecified); topk
with ``sorted=False`` is put in order before it is compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb

from ._opdb import ALL, NUMERIC, ErrorSample, Layout, OpInfo, Sample, random_values, same
from ._opdb import special_values as _special_values

Samples = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _maker(dtype: pb.DType, rng: np.random.Generator) -> Callable[..., np.ndarray]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    return r


def _dtype_of(value: Any, dtype: pb.DType) -> pb.DType:
    array = value.host() if isinstance(value, Layout) else value
    if not isinstance(array, np.ndarray):
        return dtype
    return next(d for d in ALL if d.numpy == array.dtype)


def _index_dtypes(dtype: pb.DType, sample: Sample) -> tuple[pb.DType, pb.DType]:
    return dtype, pb.int64


def _int64(dtype: pb.DType, sample: Sample) -> pb.DType:
    return pb.int64


_F32 = np.arange(6, dtype=np.float32).reshape(2, 3)
_I64 = np.zeros((2, 3), dtype=np.int64)


# cat and stack -------------------------------------------------------------------


def _joined_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    result = None
    for t in sample.args[0]:
        d = _dtype_of(t, dtype)
        result = d if result is None else pb.promote_types(result, d)
    assert result is not None
    return result


def _other_dtype(dtype: pb.DType) -> pb.DType:
    """A second dtype for mixed inputs: one that promotes with ``dtype`` in an interesting way."""
    return {pb.bool: pb.int32, pb.uint8: pb.int8, pb.float16: pb.bfloat16}.get(
        dtype, pb.bool if dtype.is_floating_point else pb.uint8)


def _cat_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("two (2, 3) along dim 0", ([r((2, 3)), r((2, 3))],))
    yield Sample("(2, 3) and (2, 5) along dim 1", ([r((2, 3)), r((2, 5))], 1))
    yield Sample("three along dim -1", ([r((2, 2, 1)), r((2, 2, 3)), r((2, 2, 2))], -1))
    yield Sample("one tensor", ([r((3, 4))],))
    yield Sample("empty (0, 3) and (2, 3)", ([r((0, 3)), r((2, 3))],))
    yield Sample("legacy 1-D empty with (2, 3)", ([r((0,)), r((2, 3)), r((0,))], 1))
    yield Sample("only 1-D empties", ([r((0,)), r((0,))],))
    yield Sample("one element each", ([r((1,)), r((1,))],))
    yield Sample("1025 and 3 elements", ([r((1025,)), r((3,))],))
    yield Sample("transposed (7, 5) and (2, 5)", ([Layout(r((5, 7)), "T"), r((2, 5))],))
    yield Sample("strided [::2] along dim 1", ([Layout(r((10, 3)), "::2"), r((5, 2))], 1))
    other = _other_dtype(dtype)
    yield Sample(f"mixed with {other}", ([r((2, 3)), random_values(other, (1, 3), rng)],))


def _cat(tensors: list[np.ndarray], dim: int = 0) -> Any:
    joined = [t for t in tensors if t.shape != (0,)]
    if not joined:
        return np.zeros((0,), dtype=np.result_type(*tensors))
    return np.concatenate(joined, axis=dim)


def _stack_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("two (2, 3) at dim 0", ([r((2, 3)), r((2, 3))],))
    yield Sample("three (2, 3) at dim 2", ([r((2, 3)), r((2, 3)), r((2, 3))], 2))
    yield Sample("at dim -1", ([r((4,)), r((4,))], -1))
    yield Sample("0-d tensors", ([r(()), r(()), r(())],))
    yield Sample("empty (0, 3)", ([r((0, 3)), r((0, 3))], 1))
    yield Sample("1025 elements", ([r((1025,)), r((1025,))],))
    yield Sample("transposed (7, 5)", ([Layout(r((5, 7)), "T"), r((7, 5))], 1))
    other = _other_dtype(dtype)
    yield Sample(f"mixed with {other}", ([r((2, 3)), random_values(other, (2, 3), rng)],))


# flip, tril, triu ------------------------------------------------------------------


def _flip_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d", (r(()), [0]))
    yield Sample("empty (0, 3)", (r((0, 3)), [0, 1]))
    yield Sample("1025 elements", (r((1025,)), [0]))
    yield Sample("(2, 3, 4) dims [0, 2]", (r((2, 3, 4)), [0, 2]))
    yield Sample("(2, 3, 4) dims [-1]", (r((2, 3, 4)), [-1]))
    yield Sample("no dims", (r((3, 4)), []))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), [0, 1]))
    yield Sample("strided [::2]", (Layout(r((9, 3)), "::2"), [0]))
    yield Sample("special values", (_special_values(dtype), [0]))


def _flip(x: np.ndarray, dims: Sequence[int]) -> Any:
    return np.flip(x, tuple(dims)) if x.ndim and dims else x


def _triangle_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("square (4, 4)", (r((4, 4)),))
    for diagonal in (1, -1, 3, -5):
        yield Sample(f"(4, 6) diagonal={diagonal}", (r((4, 6)), diagonal))
    yield Sample("batch (2, 3, 5, 4)", (r((2, 3, 5, 4)),))
    yield Sample("empty (0, 3)", (r((0, 3)),))
    yield Sample("(33, 33) 1089 elements", (r((33, 33)),))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 1))
    yield Sample("strided [::2] of (10, 3)", (Layout(r((10, 3)), "::2"),))


# gather, scatter, scatter_add -----------------------------------------------------


def _indices(rng: np.random.Generator, size: int, shape: Sequence[int]) -> np.ndarray:
    return rng.integers(0, max(size, 1), size=shape).astype(np.int64)


def _unique_indices(rng: np.random.Generator, size: int, shape: Sequence[int],
                    axis: int) -> np.ndarray:
    """Indices into ``size`` along ``axis``, distinct along it (each target written once)."""
    full = list(shape)
    full[axis] = size
    order = np.argsort(rng.random(full), axis=axis)
    return np.take(order, np.arange(shape[axis]), axis=axis).astype(np.int64)


def _gather_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d", (r(()), 0, np.array(0, dtype=np.int64)))
    yield Sample("empty index", (r((3, 4)), 1, np.zeros((3, 0), dtype=np.int64)))
    yield Sample("(4, 5) dim 1, repeated indices", (r((4, 5)), 1, _indices(rng, 5, (4, 7))))
    yield Sample("(4, 5) dim 0, smaller index", (r((4, 5)), 0, _indices(rng, 4, (2, 3))))
    yield Sample("(2, 3, 4) dim -1", (r((2, 3, 4)), -1, _indices(rng, 4, (2, 3, 4))))
    yield Sample("1025 elements", (r((1025,)), 0, _indices(rng, 1025, (1030,))))
    yield Sample("transposed self (7, 5)", (Layout(r((5, 7)), "T"), 0,
                                            _indices(rng, 7, (3, 5))))
    yield Sample("transposed index", (r((6, 6)), 1,
                                      Layout(_indices(rng, 6, (4, 6)), "T")))


def _leading(a: np.ndarray, shape: Sequence[int], skip: int | None) -> np.ndarray:
    return a[tuple(slice(None) if d == skip else slice(0, n) for d, n in enumerate(shape))]


def _gather(x: np.ndarray, dim: int, index: np.ndarray) -> Any:
    if index.size == 0:
        return np.zeros(index.shape, dtype=x.dtype)
    x1, i1 = np.atleast_1d(x), np.atleast_1d(index)
    axis = dim % x1.ndim
    return np.take_along_axis(_leading(x1, i1.shape, axis), i1, axis).reshape(index.shape)


def _where_written(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    grid: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _scatter(x: np.ndarray, dim: int, index: np.ndarray, src: Any = None,
             value: Any = None) -> Any:
    result = np.array(np.atleast_1d(x), copy=True)
    i1 = np.atleast_1d(index)
    if index.size:
        where = _where_written(i1, dim % result.ndim)
        result[where] = value if src is None else _leading(np.atleast_1d(src), i1.shape, None)
    return result.reshape(x.shape)


def _scatter_add(x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray) -> Any:
    result = np.array(np.atleast_1d(x), copy=True)
    i1 = np.atleast_1d(index)
    if index.size:
        with np.errstate(all="ignore"):
            np.add.at(result, _where_written(i1, dim % result.ndim),
                      _leading(np.atleast_1d(src), i1.shape, None))
    return result.reshape(x.shape)


def _fill_value(dtype: pb.DType) -> bool | int | float:
    return True if dtype.is_bool else (2.5 if dtype.is_floating_point else 3)


def _scatter_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d", (r(()), 0, np.array(0, dtype=np.int64), r(())))
    yield Sample("empty index", (r((3, 4)), 0, np.zeros((0, 4), dtype=np.int64), r((2, 4))))
    yield Sample("(5, 4) dim 0", (r((5, 4)), 0, _unique_indices(rng, 5, (3, 4), 0),
                                  r((3, 4))))
    yield Sample("(4, 6) dim 1, index smaller than src", (
        r((4, 6)), 1, _unique_indices(rng, 6, (3, 4), 1), r((4, 5))))
    yield Sample("(2, 3, 4) dim -1", (r((2, 3, 4)), -1, _unique_indices(rng, 4, (2, 3, 2), 2),
                                      r((2, 3, 2))))
    yield Sample("1025 elements", (r((1025,)), 0, _unique_indices(rng, 1025, (600,), 0),
                                   r((600,))))
    yield Sample("transposed self and src", (
        Layout(r((5, 7)), "T"), 0, _unique_indices(rng, 7, (4, 5), 0), Layout(r((5, 4)), "T")))
    yield Sample("value=", (r((4, 5)), 1, _unique_indices(rng, 5, (4, 2), 1)),
                 {"value": _fill_value(dtype)})
    yield Sample("value= into 0-d", (r(()), 0, np.array(0, dtype=np.int64)),
                 {"value": _fill_value(dtype)})


def _small_integers(dtype: pb.DType, rng: np.random.Generator,
                    shape: Sequence[int]) -> np.ndarray:
    # Integral values add up exactly in every dtype, whatever the order of the additions.
    if not dtype.is_floating_point:
        return random_values(dtype, shape, rng, -4, 4)
    return rng.integers(-4, 5, size=shape).astype(np.float64).astype(dtype.numpy)


def _scatter_add_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return _small_integers(dtype, rng, shape)

    yield Sample("0-d", (r(()), 0, np.array(0, dtype=np.int64), r(())))
    yield Sample("empty index", (r((3, 4)), 0, np.zeros((0, 4), dtype=np.int64), r((2, 4))))
    yield Sample("(5, 4) dim 0, repeated indices", (r((5, 4)), 0, _indices(rng, 5, (8, 4)),
                                                    r((8, 4))))
    yield Sample("(4, 6) dim 1, index smaller than src", (
        r((4, 6)), 1, _indices(rng, 6, (3, 4)), r((4, 5))))
    yield Sample("1025 into 7", (r((7,)), 0, _indices(rng, 7, (1025,)), r((1025,))))
    yield Sample("(2, 3, 4) dim -1, repeated indices", (
        r((2, 3, 4)), -1, _indices(rng, 4, (2, 3, 4)), r((2, 3, 4))))
    yield Sample("transposed self and src", (
        Layout(r((5, 7)), "T"), 0, _indices(rng, 7, (4, 5)), Layout(r((5, 4)), "T")))


# sort, argsort, topk ----------------------------------------------------------------


def _stable_order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """PyTorch's stable order: NaN is the largest value, equal values keep their order."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    backwards = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    order: np.ndarray = (x.shape[axis] - 1) - np.flip(backwards, axis)
    return order


def _sort(x: np.ndarray, dim: int = -1, descending: bool = False,
          stable: bool = False) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim == 0:
        return x, np.zeros((), dtype=np.int64)
    order = _stable_order(x, dim % x.ndim, descending)
    return np.take_along_axis(x, order, dim % x.ndim), order


def _topk(x: np.ndarray, k: int, dim: int = -1, largest: bool = True,
          sorted: bool = True) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim == 0:
        return x, np.zeros((), dtype=np.int64)
    axis = dim % x.ndim
    order = np.take(_stable_order(x, axis, largest), np.arange(k), axis=axis)
    return np.take_along_axis(x, order, axis), order


def _with_duplicates(dtype: pb.DType, rng: np.random.Generator,
                     shape: Sequence[int]) -> np.ndarray:
    if not dtype.is_floating_point:
        return random_values(dtype, shape, rng, -3, 3)
    values = rng.integers(-3, 4, size=shape).astype(np.float64)  # few values: many ties
    if values.size > 2:
        values.flat[:: max(values.size // 3, 1)] = np.nan
    return values.astype(dtype.numpy)


def _distinct(dtype: pb.DType, rng: np.random.Generator, shape: Sequence[int], axis: int,
              nan: bool = False) -> np.ndarray:
    """Values distinct along ``axis`` (so sorting indices are unique), exact in ``dtype``."""
    n = shape[axis]
    ranks = np.argsort(rng.random(shape), axis=axis)
    if dtype.is_bool:
        assert n <= 2
        return ranks.astype(np.bool_)
    offset = 0 if dtype.min == 0 else n // 2
    values = (ranks - offset).astype(np.float64)
    if dtype.is_floating_point:
        values = values * 0.5 if n <= 128 else values
        if nan:
            np.put_along_axis(values, np.take(ranks, [0], axis=axis), np.nan, axis)
    return values.astype(dtype.numpy)


def _distinct_limit(dtype: pb.DType) -> int:
    """How many distinct integral values ``dtype`` holds exactly (capped)."""
    if dtype.is_bool:
        return 2
    if dtype.itemsize == 1 or dtype.name == "bfloat16":
        return 200
    return 1025


def _sort_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def dup(shape: Sequence[int]) -> np.ndarray:
        return _with_duplicates(dtype, rng, shape)

    stable = {"stable": True}
    yield Sample("0-d", (dup(()),), stable)
    yield Sample("empty (0, 3)", (dup((0, 3)),), stable)
    yield Sample("empty along dim", (dup((3, 0)), 1), stable)
    for dim in (-1, 0):
        for descending in (False, True):
            yield Sample(f"(4, 5, 6) dim={dim} descending={descending}, ties",
                         (dup((4, 5, 6)), dim, descending), stable)
    yield Sample("1025 elements, ties", (dup((1025,)),), stable)
    yield Sample("1025 elements descending, ties", (dup((1025,)), 0, True), stable)
    yield Sample("transposed (7, 5) dim 0, ties", (Layout(dup((5, 7)), "T"), 0), stable)
    yield Sample("strided [::2] of (10, 3)", (Layout(dup((10, 3)), "::2"), 0), stable)
    yield Sample("special values", (_special_values(dtype),), stable)
    yield Sample("special values descending", (_special_values(dtype), 0, True), stable)
    n = min(_distinct_limit(dtype), 200)
    for descending in (False, True):
        yield Sample(f"not stable, distinct (3, {n}) descending={descending}",
                     (_distinct(dtype, rng, (3, n), 1), -1, descending))
        yield Sample(f"not stable, distinct (2, {min(n, 6)}) dim 0 descending={descending}",
                     (_distinct(dtype, rng, (min(n, 6), 2), 0), 0, descending))


def _topk_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    n = min(_distinct_limit(dtype), 6)
    shape = (4, 5, n)
    for largest in (True, False):
        yield Sample(f"(4, 5, {n}) k=3 largest={largest}",
                     (_distinct(dtype, rng, shape, 2), 3, -1, largest))
        yield Sample(f"(5, 4) dim 0 k=2 largest={largest}",
                     (_distinct(dtype, rng, (5, 4), 0), 2, 0, largest))
    yield Sample("k=0", (_distinct(dtype, rng, (3, n), 1), 0))
    yield Sample("k = the whole dim", (_distinct(dtype, rng, (3, n), 1), n))
    big = _distinct_limit(dtype)
    yield Sample(f"{big} elements k=10", (_distinct(dtype, rng, (big,), 0), 10))
    yield Sample("transposed (7, 5) dim 0", (Layout(_distinct(dtype, rng, (5, 7), 1), "T"),
                                             3, 0))
    yield Sample("sorted=False", (_distinct(dtype, rng, (3, n), 1), 3, -1, True, False))
    yield Sample("0-d", (random_values(dtype, (), rng), 1))
    yield Sample("empty (0, 5)", (random_values(dtype, (0, 5), rng), 2))
    if dtype.is_floating_point:
        for largest in (True, False):
            yield Sample(f"NaN, largest={largest}",
                         (_distinct(dtype, rng, (3, n), 1, nan=True), 2, -1, largest))


def _topk_call(self: pb.Tensor, k: int, dim: int = -1, largest: bool = True,
               sorted: bool = True, out: Any = None) -> Any:
    """topk, with a ``sorted=False`` result put in order (its order is unspecified)."""
    result = pb.ops.pb.topk(self, k, dim, largest, sorted, out=out)
    if sorted:
        return result
    order = pb.ops.pb.argsort(result.values, dim, largest, stable=True)
    values = pb.ops.pb.gather(result.values, dim, order)
    indices = pb.ops.pb.gather(result.indices, dim, order)
    if out is None:
        return values, indices
    out[0].copy_(values)
    out[1].copy_(indices)
    return out


# roll, repeat, tile ---------------------------------------------------------------------


def _roll_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d", (r(()), 1))
    yield Sample("empty (0, 3)", (r((0, 3)), 1, 0))
    yield Sample("(4, 5) shift 2 along dim 1", (r((4, 5)), 2, 1))
    yield Sample("(4, 5) shifts [1, -2] dims [0, 1]", (r((4, 5)), [1, -2], [0, 1]))
    yield Sample("flattened (3, 4) shift 5", (r((3, 4)), 5))
    yield Sample("shift larger than the dim", (r((4, 5)), 12, -1))
    yield Sample("shift 0", (r((4, 5)), 0, 0))
    yield Sample("1025 elements shift -300", (r((1025,)), -300))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), [3, 1], [0, 1]))


def _roll(x: np.ndarray, shifts: Any, dims: Any = ()) -> Any:
    if not dims:
        return np.roll(x.reshape(-1), shifts).reshape(x.shape)
    return np.roll(x, shifts, axis=dims)


def _repeat_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d [2, 3]", (r(()), [2, 3]))
    yield Sample("0-d []", (r(()), []))
    yield Sample("empty (0, 3) [2, 2]", (r((0, 3)), [2, 2]))
    yield Sample("(2, 3) [2, 1]", (r((2, 3)), [2, 1]))
    yield Sample("(2, 3) [3, 1, 2]: a new leading dim", (r((2, 3)), [3, 1, 2]))
    yield Sample("(2, 3) [1, 1]", (r((2, 3)), [1, 1]))
    yield Sample("zero count [0, 2]", (r((2, 3)), [0, 2]))
    yield Sample("1025 elements [2]", (r((1025,)), [2]))
    yield Sample("transposed (7, 5) [2, 3]", (Layout(r((5, 7)), "T"), [2, 3]))


def _tile_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    yield Sample("0-d [3]", (r(()), [3]))
    yield Sample("(2, 3) [2]: fewer counts than dims", (r((2, 3)), [2]))
    yield Sample("(2, 3) [2, 2]", (r((2, 3)), [2, 2]))
    yield Sample("(2, 3) [2, 1, 1]", (r((2, 3)), [2, 1, 1]))
    yield Sample("empty (0, 3) [4]", (r((0, 3)), [4]))
    yield Sample("1025 elements [3]", (r((1025,)), [3]))
    yield Sample("transposed (7, 5) [1, 2]", (Layout(r((5, 7)), "T"), [1, 2]))


# pad, masked_fill --------------------------------------------------------------------


def _pad_value(dtype: pb.DType) -> bool | float:
    # value is a Scalar: a bool for a bool tensor, as PyTorch takes it.
    return True if dtype.is_bool else (2.5 if dtype.is_floating_point else 3.0)


def _pad_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)
    value = {"value": _pad_value(dtype)}
    yield Sample("0-d no padding", (r(()), []))
    yield Sample("(3, 4) last dim [1, 2]", (r((3, 4)), [1, 2]))
    yield Sample("(3, 4) both dims [1, 1, 2, 0] value", (r((3, 4)), [1, 1, 2, 0]), value)
    yield Sample("crop [-1, 0, 0, -1]", (r((3, 4)), [-1, 0, 0, -1]))
    yield Sample("pad and crop [2, -1]", (r((3, 4)), [2, -1]), value)
    yield Sample("crop everything [-2, -2]", (r((3, 4)), [-2, -2]), value)
    yield Sample("(2, 3, 4) all dims", (r((2, 3, 4)), [1, 1, 1, 1, 1, 1]), value)
    yield Sample("empty (0, 3)", (r((0, 3)), [1, 1, 1, 1]), value)
    yield Sample("1025 elements [3, 4]", (r((1025,)), [3, 4]))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), [1, 2, 3, 4]), value)
    yield Sample("value=True", (r((3, 4)), [1, 1]), {"value": True})
    yield Sample("an int value", (r((3, 4)), [1, 1]), {"value": 1})


def _pad(x: np.ndarray, pad: Sequence[int], mode: str = "constant",
         value: float | None = None) -> Any:
    result = x
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        d = x.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        size = result.shape[d]
        start = max(-before, 0)
        keep = slice(start, max(size - max(-after, 0), start))
        result = result[(slice(None),) * d + (keep,)]
        widths[d] = (max(before, 0), max(after, 0))
        if result.shape[d] == 0 and before + after + size > 0:
            # Everything of the input was cropped: the output is all padding.
            widths[d] = (before + after + size, 0)
    fill = 0 if value is None else value
    if x.ndim == 0:
        return x
    return np.pad(result, widths, constant_values=np.asarray(fill).astype(x.dtype))


def _masked_fill_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    r = _maker(dtype, rng)

    def mask(shape: Sequence[int]) -> np.ndarray:
        return rng.integers(0, 2, size=shape).astype(np.bool_)

    value = _fill_value(dtype)
    yield Sample("0-d", (r(()), mask(()), value))
    yield Sample("empty", (r((0, 3)), mask((0, 3)), value))
    yield Sample("(4, 5)", (r((4, 5)), mask((4, 5)), value))
    yield Sample("mask broadcast (3, 1) over (3, 4)", (r((3, 4)), mask((3, 1)), value))
    yield Sample("self broadcast (4,) by mask (3, 4)", (r((4,)), mask((3, 4)), value))
    yield Sample("0-d tensor value", (r((4, 5)), mask((4, 5)), np.array(value, dtype.numpy)))
    # Another dtype is written if self's dtype holds the value, as in PyTorch.
    other = np.array(1, np.int64) if dtype.is_bool else np.array(1.0, np.float64)
    yield Sample("0-d tensor value of another dtype", (r((4, 5)), mask((4, 5)), other))
    yield Sample("1025 elements", (r((1025,)), mask((1025,)), value))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), mask((7, 5)), value))
    yield Sample("special values", (_special_values(dtype), mask((len(_special_values(dtype)),)),
                                    value))


def _masked_fill(x: np.ndarray, mask: np.ndarray, value: Any) -> Any:
    return np.where(mask, np.asarray(value).astype(x.dtype), x)


# Entries --------------------------------------------------------------------------------


ENTRIES: list[OpInfo] = [
    OpInfo(
        "pb::cat", _handle("cat"), ALL, _cat_samples, _cat, _joined_dtype,
        errors=_errors(
            ErrorSample("empty list", ([],), {}, pb.ArgumentError, "at least one tensor"),
            ErrorSample("0-d tensor", ([np.array(1.0, np.float32)],), {}, pb.ShapeError,
                        "0-d"),
            ErrorSample("ranks differ", ([_F32, np.ones(3, np.float32)],), {}, pb.ShapeError,
                        "same number of dimensions"),
            ErrorSample("sizes differ", ([_F32, np.ones((2, 4), np.float32)],), {},
                        pb.ShapeError, "sizes must match"),
            ErrorSample("dim out of range", ([_F32, _F32], 2), {}, pb.ShapeError,
                        "out of range"),
        ),
    ),
    OpInfo(
        "pb::stack", _handle("stack"), ALL, _stack_samples,
        lambda tensors, dim=0: np.stack(tensors, axis=dim), _joined_dtype,
        errors=_errors(
            ErrorSample("empty list", ([],), {}, pb.ArgumentError, "at least one tensor"),
            ErrorSample("shapes differ", ([_F32, np.ones((3, 2), np.float32)],), {},
                        pb.ShapeError, "one shape"),
            ErrorSample("dim out of range", ([_F32, _F32], 3), {}, pb.ShapeError,
                        "out of range"),
        ),
    ),
    OpInfo(
        "pb::flip", _handle("flip"), ALL, _flip_samples, _flip, same,
        errors=_errors(ErrorSample("a dim twice", (_F32, [0, -2]), {}, pb.ShapeError, "twice")),
    ),
    *(
        OpInfo(
            f"pb::{name}", _handle(name), ALL, _triangle_samples, reference, same,
            errors=_errors(ErrorSample("1-D input", (np.ones(3, np.float32),), {},
                                       pb.ShapeError, "2 or more dimensions")),
        )
        for name, reference in (("tril", np.tril), ("triu", np.triu))
    ),
    OpInfo(
        "pb::gather", _handle("gather"), ALL, _gather_samples, _gather, same,
        errors=_errors(
            ErrorSample("float index", (_F32, 0, _F32), {}, pb.DTypeError, "int64"),
            ErrorSample("index of another rank", (_F32, 0, np.zeros(2, np.int64)), {},
                        pb.ShapeError, "dimensions"),
            ErrorSample("index larger than self", (_F32, 0, np.zeros((2, 4), np.int64)), {},
                        pb.ShapeError, "larger than self"),
            ErrorSample("index out of bounds", (_F32, 1, np.full((2, 3), 3, np.int64)), {},
                        pb.IndexingError, "out of bounds"),
            ErrorSample("negative index", (_F32, 1, np.full((2, 3), -1, np.int64)), {},
                        pb.IndexingError, "out of bounds"),
        ),
    ),
    OpInfo(
        "pb::scatter", _handle("scatter"), ALL, _scatter_samples, _scatter, same,
        errors=_errors(
            ErrorSample("src of another dtype", (_F32, 0, _I64, np.ones((2, 3), np.float64)),
                        {}, pb.DTypeError, "dtype"),
            ErrorSample("neither src nor value", (_F32, 0, _I64), {}, pb.ArgumentError,
                        "exactly one"),
            ErrorSample("src and value", (_F32, 0, _I64, _F32), {"value": 1.0},
                        pb.ArgumentError, "exactly one"),
            ErrorSample("index out of bounds", (_F32, 0, np.full((2, 3), 2, np.int64), _F32),
                        {}, pb.IndexingError, "out of bounds"),
            ErrorSample("value not representable", (_I64, 0, _I64), {"value": 2.5},
                        pb.DTypeError, "not representable"),
            ErrorSample("int32 index", (_F32, 0, np.zeros((2, 3), np.int32), _F32), {},
                        pb.DTypeError, "int64"),
        ),
    ),
    OpInfo(
        "pb::scatter_add", _handle("scatter_add"), ALL, _scatter_add_samples, _scatter_add,
        same,
        errors=_errors(
            ErrorSample("index larger than src", (_F32, 0, _I64, np.ones((2, 2), np.float32)),
                        {}, pb.ShapeError, "larger than src"),
            ErrorSample("index larger than self", (_F32, 0, np.zeros((2, 4), np.int64),
                                                   np.ones((2, 4), np.float32)), {},
                        pb.ShapeError, "larger than self"),
            ErrorSample("float index", (_F32, 0, _F32, _F32), {}, pb.DTypeError, "int64"),
        ),
    ),
    OpInfo(
        "pb::sort", _handle("sort"), ALL, _sort_samples, _sort, _index_dtypes,
        errors=_errors(ErrorSample("dim out of range", (_F32, 2), {}, pb.ShapeError,
                                   "out of range")),
    ),
    OpInfo(
        "pb::argsort", _handle("argsort"), ALL, _sort_samples,
        lambda *args, **kwargs: _sort(*args, **kwargs)[1], _int64,
        errors=_errors(ErrorSample("dim out of range", (_F32, -3), {}, pb.ShapeError,
                                   "out of range")),
    ),
    OpInfo(
        "pb::topk", _topk_call, NUMERIC, _topk_samples, _topk, _index_dtypes,
        errors=_errors(
            ErrorSample("k larger than the dim", (_F32, 4), {}, pb.IndexingError,
                        "out of range"),
            ErrorSample("negative k", (_F32, -1), {}, pb.IndexingError, "out of range"),
            ErrorSample("dim out of range", (_F32, 1, 2), {}, pb.ShapeError, "out of range"),
        ),
    ),
    OpInfo(
        "pb::roll", _handle("roll"), ALL, _roll_samples, _roll, same,
        errors=_errors(
            ErrorSample("shifts and dims differ in length", (_F32, [1, 2], [0]), {},
                        pb.ArgumentError, "one shift per dim"),
            ErrorSample("dim out of range", (_F32, 1, 2), {}, pb.ShapeError, "out of range"),
        ),
    ),
    OpInfo(
        "pb::repeat", _handle("repeat"), ALL, _repeat_samples, np.tile, same,
        errors=_errors(
            ErrorSample("fewer counts than dims", (_F32, [2]), {}, pb.ShapeError,
                        "count for each"),
            ErrorSample("negative count", (_F32, [1, -1]), {}, pb.ShapeError, ">= 0"),
        ),
    ),
    OpInfo(
        "pb::tile", _handle("tile"), ALL, _tile_samples, np.tile, same,
        errors=_errors(ErrorSample("negative count", (_F32, [-2]), {}, pb.ShapeError, ">= 0")),
    ),
    OpInfo(
        "pb::pad", _handle("pad"), ALL, _pad_samples, _pad, same,
        errors=_errors(
            ErrorSample("odd pad length", (_F32, [1, 2, 3]), {}, pb.ShapeError, "even"),
            ErrorSample("more dims than the tensor", (_F32, [1] * 6), {}, pb.ShapeError,
                        "at most 4"),
            ErrorSample("reflect mode", (_F32, [1, 1]), {"mode": "reflect"}, pb.ArgumentError,
                        "mode='constant'"),
            ErrorSample("crop past the size", (_F32, [-2, -2]), {}, pb.ShapeError, "crops"),
            ErrorSample("value not representable", (_I64, [1, 1]), {"value": 0.5},
                        pb.DTypeError, "not representable"),
        ),
    ),
    OpInfo(
        "pb::masked_fill", _handle("masked_fill"), ALL, _masked_fill_samples, _masked_fill,
        same, inplace=True,
        errors=_errors(
            ErrorSample("float mask", (_F32, _F32, 1.0), {}, pb.DTypeError, "bool tensor"),
            ErrorSample("1-D value", (_F32, np.ones((2, 3), np.bool_), np.ones(3, np.float32)),
                        {}, pb.ShapeError, "0-d tensor"),
            ErrorSample("float value for integers", (_I64, np.ones((2, 3), np.bool_), 2.5), {},
                        pb.DTypeError, "not representable"),
            ErrorSample("a float tensor value integers do not hold",
                        (_I64, np.ones((2, 3), np.bool_), np.array(2.5, np.float32)), {},
                        pb.DTypeError, "not representable"),
            ErrorSample("a number float16 does not hold",
                        (np.ones((2, 3), np.float16), np.ones((2, 3), np.bool_), 1e6), {},
                        pb.DTypeError, "overflows"),
            ErrorSample("mask that does not broadcast",
                        (_F32, np.ones(4, np.bool_), 1.0), {}, pb.ShapeError,
                        "cannot be broadcast"),
        ),
    ),
]
