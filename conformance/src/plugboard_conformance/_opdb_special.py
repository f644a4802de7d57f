"""Special values and long rows for the op database's entries.

Two tables add samples to the entries the other ``_opdb*.py`` modules define
(``extend`` applies them when the database is assembled):

- ``SPECIAL_INPUTS``: how an operator's inputs come to hold the special values
  of its dtype (NaN, +-inf, -0.0, subnormals and the largest finite values of a
  floating dtype; the smallest and largest value of an integer dtype), where its
  own samples do not already hold them. Most operators take one of their own
  samples again with the data arguments filled with those values; reductions
  and normalizations get rows that each hold one special value among ordinary
  ones, so that every row tests one value (a NaN in every row would hide the
  rest); products get an inner dimension of two, whose result does not depend
  on the order of accumulation (the dtype's largest value overflows there the
  same way in every order).
- ``LONG_ROWS``: a float16 and bfloat16 sample with 4096 elements along a reduced
  axis for the reductions, scans, normalizations, losses and products whose own
  samples are shorter: accumulating in the 16-bit type itself is visibly wrong
  there, as the float64 reference shows.

conformance/tests/test_special_value_coverage.py checks that every entry has
both, or is exempt for a stated reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import ml_dtypes
import numpy as np

import plugboard as pb

from ._opdb import OpInfo, Sample, random_values, special_values
from ._opdb_creation import HostData

SampleMaker = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]
# Given the entry's own samples, the dtype and a generator: the samples to add.
Extension = Callable[[SampleMaker, pb.DType, np.random.Generator], Iterator[Sample]]

LONG = 4096  # elements along the reduced axis of a long-row sample


# Filling an operator's own sample with special values ------------------------------


def _tiled(shape: Sequence[int], dtype: pb.DType, shift: int = 0) -> np.ndarray:
    """``shape`` filled with the dtype's special values, repeated, starting at ``shift``."""
    values = np.roll(special_values(dtype), -shift)
    size = int(np.prod(shape, dtype=np.int64))
    return np.resize(values, size).reshape(shape)


def _fillable(value: Any, dtype: pb.DType) -> bool:
    """A plain array (or list of arrays, or host data) of the dtype with room for every
    special value; views (Layout) are left alone, their base holds more than they show."""
    if isinstance(value, HostData):
        return _fillable(value.value, dtype)
    pieces = value if isinstance(value, list) and value else [value]
    return (all(isinstance(v, np.ndarray) and v.dtype == dtype.numpy for v in pieces)
            and sum(v.size for v in pieces) >= len(special_values(dtype)))


def _filled(value: Any, dtype: pb.DType, shift: int) -> Any:
    if isinstance(value, HostData):
        return HostData(_filled(value.value, dtype, shift))
    if isinstance(value, list):
        # The pieces continue one sequence, so that short pieces hold every value together.
        whole = _tiled((sum(v.size for v in value),), dtype, shift)
        ends = np.cumsum([v.size for v in value])[:-1]
        return [part.reshape(v.shape) for part, v in zip(np.split(whole, ends), value,
                                                           strict=True)]
    return _tiled(value.shape, dtype, shift)


def refill(*positions: int, floating_only: bool = False) -> Extension:
    """The first of the entry's samples whose arguments at ``positions`` can hold every
    special value, again with those arguments holding them (each argument starting at
    another value, so that different values meet)."""

    def extension(samples: SampleMaker, dtype: pb.DType, rng: np.random.Generator
                  ) -> Iterator[Sample]:
        if floating_only and not dtype.is_floating_point:
            return
        for sample in samples(dtype, rng):
            if all(p < len(sample.args) and _fillable(sample.args[p], dtype)
                   for p in positions):
                args = list(sample.args)
                for k, p in enumerate(positions):
                    args[p] = _filled(args[p], dtype, 5 * k)
                yield Sample(f"special values in {sample.name}", tuple(args), sample.kwargs)
                return

    return extension


def given(build: Callable[[np.ndarray], Sample]) -> Extension:
    """A sample made by ``build`` from the dtype's special values (a row of them)."""

    def extension(samples: SampleMaker, dtype: pb.DType, rng: np.random.Generator
                  ) -> Iterator[Sample]:
        if not dtype.is_bool:
            yield build(special_values(dtype))

    return extension


# Rows that each hold one special value ------------------------------------------------


def special_rows(dtype: pb.DType, width: int, rng: np.random.Generator) -> np.ndarray:
    """One row per special value, at column ``row % width``, among values in [-1, 1]:
    sums and products of a row stay finite but for the special value itself."""
    values = special_values(dtype)
    rows = random_values(dtype, (len(values), width), rng, -1, 1)
    rows[np.arange(len(values)), np.arange(len(values)) % width] = values
    return rows


def rows(build: Callable[[np.ndarray, pb.DType, np.random.Generator], Sample],
         width: int = 5) -> Extension:
    """A sample made by ``build`` from special_rows (rows of ``width``)."""

    def extension(samples: SampleMaker, dtype: pb.DType, rng: np.random.Generator
                  ) -> Iterator[Sample]:
        if not dtype.is_bool:
            yield build(special_rows(dtype, width, rng), dtype, rng)

    return extension


def _along_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    return Sample("special values, one per row, dim=1", (x, 1))


def _squares_fit(x: np.ndarray, dtype: pb.DType) -> np.ndarray:
    """``x`` with float32's and bfloat16's largest values replaced by +-2**60.

    Normalizations square their inputs in float32 for float32, float16 and bfloat16:
    the square of float32's or bfloat16's largest value overflows there, and the
    result is whatever the accumulation makes of inf (PyTorch's layer_norm gives NaN,
    its rms_norm 0), not a value the float64 reference can give. float16's largest
    value squares within float32, float64's overflows float64 like the reference.
    """
    if dtype.name not in ("float32", "bfloat16"):
        return x
    info: Any = ml_dtypes.finfo(dtype.numpy)  # type: ignore[no-untyped-call]
    wide = x.astype(np.float64)
    return np.where(np.abs(wide) == float(info.max), np.sign(wide) * 2.0**60, wide).astype(
        x.dtype)


def _normalized_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    return Sample("special values, one per row", (_squares_fit(x, dtype), [x.shape[1]]))


def _rms_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    return Sample("special values, one per row", (_squares_fit(x, dtype), [x.shape[1]]),
                  {"eps": 1e-6})


def _batch_norm_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    # Running statistics: every element is normalized on its own.
    c = x.shape[1]
    return Sample("special values, one per row", (
        x, random_values(dtype, (c,), rng, -1, 1), random_values(dtype, (c,), rng, 0.5, 2)))


def _cross_entropy_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    # Row i's target is column (i + 1) % 5, next to the special value: the log of a
    # row's sum meets each value, and the picked logit is an ordinary one.
    target = (np.arange(x.shape[0]) + 1) % x.shape[1]
    return Sample("special values in the logits, one per row, reduction='none'",
                  (x, target.astype(np.int64)), {"reduction": "none"})


def _mse_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    return Sample("special values in the input, reduction='none'",
                  (x, random_values(dtype, x.shape, rng, -1, 1)), {"reduction": "none"})


def _attention_rows(x: np.ndarray, dtype: pb.DType, rng: np.random.Generator) -> Sample:
    # In the values, which the weights (all positive) average: each output column
    # meets the special values of its column. In the query or key they would meet the
    # largest value times another, which overflows in the dtype but not in float64.
    query = random_values(dtype, (3, 4), rng, -1, 1)
    key = random_values(dtype, (x.shape[0], 4), rng, -1, 1)
    return Sample(f"special values in value, 3 queries of {x.shape[0]} keys", (query, key, x))


# Products with an inner dimension of two ----------------------------------------------


def _factors(dtype: pb.DType) -> np.ndarray:
    """A (2, 3) right-hand side of 1, 0.5, 0 and -1 (integers: 1, 0, and -1 if signed)."""
    if dtype.is_floating_point:
        return np.array([[1, 0.5, -1], [0.5, 0, 1]]).astype(dtype.numpy)
    minus = -1 if dtype.is_signed else 0
    return np.array([[1, 1, minus], [1, 0, 1]]).astype(dtype.numpy)


def _special_columns(dtype: pb.DType) -> np.ndarray:
    """(n, 2): the n special values down both columns, the second shifted by five."""
    return np.stack([_tiled((len(special_values(dtype)),), dtype, s) for s in (0, 5)], 1)


def product(build: Callable[[np.ndarray, np.ndarray, pb.DType], Sample]) -> Extension:
    """Special values times ``_factors``, two terms per result element."""

    def extension(samples: SampleMaker, dtype: pb.DType, rng: np.random.Generator
                  ) -> Iterator[Sample]:
        if not dtype.is_bool:
            yield build(_special_columns(dtype), _factors(dtype), dtype)

    return extension


def _product(a: np.ndarray) -> str:
    return f"special values {a.shape} @ (2, 3)"


def _mm(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    return Sample(_product(a), (a, b))


def _bmm(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    return Sample(_product(a) + ", one batch", (a[None], b[None]))


def _linear(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    bias = np.zeros(3, dtype.numpy)
    return Sample(_product(a) + " with a zero bias", (a, np.ascontiguousarray(b.T), bias))


def _addmm(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    zeros = np.zeros((a.shape[0], 3), dtype.numpy)
    return Sample(_product(a) + " added to zeros", (zeros, a, b))


def _conv2d(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    # A 1x1 convolution over two channels is the same product.
    image = np.ascontiguousarray(a.T).reshape(1, 2, a.shape[0], 1)
    return Sample("special values, a 1x1 kernel over two channels",
                  (image, np.ascontiguousarray(b.T).reshape(3, 2, 1, 1)))


def _conv2d_same(a: np.ndarray, b: np.ndarray, dtype: pb.DType) -> Sample:
    sample = _conv2d(a, b, dtype)
    return Sample(sample.name + ", padding='same'", sample.args, {"padding": "same"})


# Which operators get which special-value samples --------------------------------------

SPECIAL_INPUTS: dict[str, Extension] = {
    # Elementwise: the data arguments filled.
    "pb::pow": refill(0, 1),
    "pb::where": refill(1, 2),
    "pb::lerp": refill(0, 1),
    "pb::addcmul": refill(0, 1, 2),
    "pb::addcdiv": refill(0, 1, 2),
    "pb::outer": refill(0, 1),
    "pb::dot": refill(0, 1),  # a NaN among the terms: the result is NaN in any order
    # Reductions and normalizations: one special value per row.
    "pb::sum": rows(_along_rows),
    "pb::amax": rows(_along_rows),
    "pb::argmax": rows(_along_rows),
    "pb::mean": rows(_along_rows),
    "pb::softmax": rows(_along_rows),
    "pb::log_softmax": rows(_along_rows),
    "pb::layer_norm": rows(_normalized_rows),
    "pb::rms_norm": rows(_rms_rows),
    "pb::batch_norm": rows(_batch_norm_rows),
    "pb::cross_entropy": rows(_cross_entropy_rows),
    "pb::mse_loss": rows(_mse_rows),
    "pb::scaled_dot_product_attention": rows(_attention_rows, width=4),
    # Products: two terms per result element.
    "pb::matmul": product(_mm),
    "pb::mm": product(_mm),
    "pb::bmm": product(_bmm),
    "pb::linear": product(_linear),
    "pb::addmm": product(_addmm),
    "pb::conv2d": product(_conv2d),
    "pb::conv2d_padding": product(_conv2d_same),
    # int64 windows of int64's extremes overflow their sum: no average is defined.
    "pb::avg_pool2d": refill(0, floating_only=True),
    # The operator's own inputs are too small to hold every value.
    "pb::expand": given(lambda x: Sample(f"special values {x.shape} to (2, {x.size})",
                                         (x, (2, x.size)))),
    # Data movement: the values are copied, so every value must arrive unchanged.
    **{f"pb::{name}": refill(0) for name in (
        "cat", "stack", "tril", "triu", "gather", "roll", "repeat", "tile", "pad", "view",
        "reshape", "flatten", "unflatten", "permute", "transpose", "t", "squeeze",
        "unsqueeze", "narrow", "select", "diagonal", "as_strided", "split",
        "split_with_sizes", "chunk", "unbind", "index_select", "topk",
        "tensor", "from_numpy", "asarray",
    )},
    # Indexing: the filled self, and the values written into it; scatter_add adds
    # ordinary values to it, so that no two special values meet in one sum.
    "pb::scatter_add": refill(0),
    "pb::scatter": refill(0, 3),
    "pb::index_put": refill(0, 1),
    "pb::index_put_": refill(0, 1),
    "indexing:basic": refill(0),
    "indexing:advanced": refill(0),
}


# Long rows ------------------------------------------------------------------------------


def long_row(build: Callable[[Callable[[Sequence[int]], np.ndarray], np.random.Generator],
                             Sample]) -> Extension:
    """A float16 and bfloat16 sample made by ``build`` from random values in [-4, 4)."""

    def extension(samples: SampleMaker, dtype: pb.DType, rng: np.random.Generator
                  ) -> Iterator[Sample]:
        if dtype.name in ("float16", "bfloat16"):
            yield build(lambda shape: random_values(dtype, shape, rng), rng)

    return extension


_ROWS = f"{LONG} along dim 1 of (2, {LONG})"
_INNER = f"inner dimension of {LONG}"

LONG_ROWS: dict[str, Extension] = {
    "pb::all": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), 1))),
    "pb::any": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), 1))),
    "pb::max": long_row(lambda r, rng: Sample(f"(2, {LONG})", (r((2, LONG)),))),
    "pb::min": long_row(lambda r, rng: Sample(f"(2, {LONG})", (r((2, LONG)),))),
    "pb::norm": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), 2, [1]))),
    "pb::softmax": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), 1))),
    "pb::log_softmax": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), 1))),
    "pb::layer_norm": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), [LONG]))),
    "pb::rms_norm": long_row(lambda r, rng: Sample(_ROWS, (r((2, LONG)), [LONG]),
                                                   {"eps": 1e-6})),
    "pb::batch_norm": long_row(lambda r, rng: Sample(
        f"training, {LONG} along the batch of ({LONG}, 2)", (r((LONG, 2)), None, None),
        {"training": True})),
    "pb::cross_entropy": long_row(lambda r, rng: Sample(
        f"{LONG} classes", (r((2, LONG)), rng.integers(0, LONG, size=2)))),
    "pb::mse_loss": long_row(lambda r, rng: Sample(
        f"(2, {LONG}), reduction='mean'", (r((2, LONG)), r((2, LONG))))),
    "pb::scaled_dot_product_attention": long_row(lambda r, rng: Sample(
        f"{LONG} keys", (r((2, 4)), r((LONG, 4)), r((LONG, 4))))),
    "pb::matmul": long_row(lambda r, rng: Sample(_INNER, (r((2, LONG)), r((LONG, 2))))),
    "pb::mm": long_row(lambda r, rng: Sample(_INNER, (r((2, LONG)), r((LONG, 2))))),
    "pb::bmm": long_row(lambda r, rng: Sample(_INNER, (r((1, 2, LONG)), r((1, LONG, 2))))),
    "pb::dot": long_row(lambda r, rng: Sample(_INNER, (r((LONG,)), r((LONG,))))),
    "pb::linear": long_row(lambda r, rng: Sample(_INNER, (r((2, LONG)), r((3, LONG))))),
    "pb::addmm": long_row(lambda r, rng: Sample(_INNER, (r((2, 2)), r((2, LONG)),
                                                         r((LONG, 2))))),
    # A 1x1 kernel over LONG channels: each output element sums LONG products.
    "pb::conv2d": long_row(lambda r, rng: Sample(
        f"{_INNER}: {LONG} channels, a 1x1 kernel", (r((1, LONG, 2, 1)), r((2, LONG, 1, 1))))),
    "pb::conv2d_padding": long_row(lambda r, rng: Sample(
        f"{_INNER}: {LONG} channels, a 1x1 kernel, padding='same'",
        (r((1, LONG, 2, 1)), r((2, LONG, 1, 1))), {"padding": "same"})),
}


def _chained(samples: SampleMaker, extensions: Sequence[Extension]) -> SampleMaker:
    # The entry's own samples first, drawn as before; the added ones after them.
    def chained(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        yield from samples(dtype, rng)
        for extension in extensions:
            yield from extension(samples, dtype, np.random.default_rng(rng.integers(2**32)))

    return chained


def extend(info: OpInfo) -> OpInfo:
    """``info`` with the samples of SPECIAL_INPUTS and LONG_ROWS added."""
    extensions = [table[info.name] for table in (SPECIAL_INPUTS, LONG_ROWS)
                  if info.name in table]
    if not extensions:
        return info
    return replace(info, samples=_chained(info.samples, extensions))

