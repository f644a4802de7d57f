"""Op database entries for the linear-algebra operators of docs/opset.md beyond matmul.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
Integer products wrap in the inputs' dtype, as in PyTorch, and NumPy's integer
``matmul`` wraps the same way, so integer references are exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb

from ._opdb import ALL, NUMERIC, ErrorSample, Layout, OpInfo, Sample, promoted, random_values, same

ENTRIES: list[OpInfo] = []

_M23 = np.ones((2, 3), np.float32)
_M34 = np.ones((3, 4), np.float32)


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _maker(
    make: Callable[[Callable[[Sequence[int]], np.ndarray], pb.DType], Iterator[Sample]],
) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    """Samples from ``make(r, dtype)``, where ``r(shape)`` gives values in [-2, 2]."""

    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        return make(lambda shape: random_values(dtype, shape, rng, -2, 2), dtype)

    return samples


def _mm_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("(5, 7) @ (7, 3)", (r((5, 7)), r((7, 3))))
    yield Sample("(1, 1) @ (1, 1)", (r((1, 1)), r((1, 1))))
    yield Sample("empty inner dimension", (r((3, 0)), r((0, 4))))
    yield Sample("empty rows", (r((0, 3)), r((3, 4))))
    yield Sample("transposed (33, 65) @ (65, 17)", (Layout(r((65, 33)), "T"), r((65, 17))))
    yield Sample("strided [::2] rows", (Layout(r((10, 3)), "::2"), r((3, 4))))
    yield Sample("tile boundaries (65, 129) @ (129, 33)", (r((65, 129)), r((129, 33))))


def _bmm_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("(3, 4, 5) @ (3, 5, 2)", (r((3, 4, 5)), r((3, 5, 2))))
    yield Sample("one batch", (r((1, 2, 3)), r((1, 3, 4))))
    yield Sample("empty batch", (r((0, 2, 3)), r((0, 3, 4))))
    yield Sample("empty inner dimension", (r((2, 3, 0)), r((2, 0, 4))))
    yield Sample("strided [::2] batch", (Layout(r((6, 4, 5)), "::2"), r((3, 5, 2))))
    yield Sample("(2, 65, 129) @ (2, 129, 33)", (r((2, 65, 129)), r((2, 129, 33))))


def _dot_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("one element", (r((1,)), r((1,))))
    yield Sample("7 elements", (r((7,)), r((7,))))
    yield Sample("empty", (r((0,)), r((0,))))
    yield Sample("257 elements", (r((257,)), r((257,))))
    yield Sample("1025 elements", (r((1025,)), r((1025,))))
    yield Sample("strided [::2]", (Layout(r((14,)), "::2"), r((7,))))


def _outer_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("(5,) and (7,)", (r((5,)), r((7,))))
    yield Sample("one element each", (r((1,)), r((1,))))
    yield Sample("empty", (r((0,)), r((3,))))
    yield Sample("(257,) and (33,)", (r((257,)), r((33,))))
    yield Sample("strided [::2]", (Layout(r((14,)), "::2"), r((3,))))


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> Any:
    result = np.matmul(x, weight.T if weight.ndim == 2 else weight)
    return result if bias is None else result + bias


def _linear_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("(4, 5) with weight (3, 5) and bias", (r((4, 5)), r((3, 5)), r((3,))))
    yield Sample("no bias", (r((4, 5)), r((3, 5))))
    yield Sample("bias None", (r((4, 5)), r((3, 5)), None))
    yield Sample("batched (2, 4, 5)", (r((2, 4, 5)), r((3, 5)), r((3,))))
    yield Sample("1-D input", (r((5,)), r((3, 5)), r((3,))))
    yield Sample("1-D weight", (r((4, 5)), r((5,)), r(())))
    yield Sample("0-d bias", (r((4, 5)), r((3, 5)), r(())))
    yield Sample("empty batch", (r((0, 5)), r((3, 5)), r((3,))))
    yield Sample("no input features", (r((4, 0)), r((3, 0)), r((3,))))
    yield Sample("transposed weight", (r((4, 5)), Layout(r((5, 3)), "T"), r((3,))))
    yield Sample("(65, 129) with weight (33, 129)", (r((65, 129)), r((33, 129)), r((33,))))


def _addmm(x: np.ndarray, mat1: np.ndarray, mat2: np.ndarray, beta: Any = 1,
           alpha: Any = 1) -> Any:
    product = np.matmul(mat1, mat2)
    if alpha != 1:
        product = product * alpha
    return product if beta == 0 else product + x * beta


def _addmm_samples(r: Callable[[Sequence[int]], np.ndarray], dtype: pb.DType) -> Iterator[Sample]:
    yield Sample("(5, 3) + (5, 7) @ (7, 3)", (r((5, 3)), r((5, 7)), r((7, 3))))
    yield Sample("broadcast self (3,)", (r((3,)), r((5, 7)), r((7, 3))))
    yield Sample("0-d self", (r(()), r((5, 7)), r((7, 3))))
    yield Sample("empty inner dimension", (r((3, 4)), r((3, 0)), r((0, 4))))
    yield Sample("transposed mat1", (r((33, 17)), Layout(r((65, 33)), "T"), r((65, 17))))
    yield Sample("(65, 33) + (65, 129) @ (129, 33)", (r((65, 33)), r((65, 129)), r((129, 33))))
    if dtype.is_floating_point:
        yield Sample("beta=0.5, alpha=2.0", (r((5, 3)), r((5, 7)), r((7, 3))),
                     {"beta": 0.5, "alpha": 2.0})
        nan_self = np.full((5, 3), np.nan, dtype=dtype.numpy)
        yield Sample("beta=0 ignores NaN in self", (nan_self, r((5, 7)), r((7, 3))),
                     {"beta": 0})
    else:
        yield Sample("beta=2, alpha=3", (r((5, 3)), r((5, 7)), r((7, 3))),
                     {"beta": 2, "alpha": 3})
        yield Sample("beta=0", (r((5, 3)), r((5, 7)), r((7, 3))), {"beta": 0})


_MIXED = ErrorSample("mixed dtypes", (_M23, np.ones((3, 4), np.float64)), {}, pb.DTypeError,
                     "one dtype")

ENTRIES.append(OpInfo(
    "pb::mm", _handle("mm"), NUMERIC, _maker(_mm_samples), np.matmul, same,
    errors=_errors(
        ErrorSample("3-D input", (np.ones((2, 2, 3), np.float32), _M34), {}, pb.ShapeError,
                    "2-D"),
        ErrorSample("1-D input", (np.ones(3, np.float32), _M34), {}, pb.ShapeError, "2-D"),
        ErrorSample("inner dimensions differ", (_M23, _M23), {}, pb.ShapeError,
                    "inner dimensions"),
        _MIXED,
    ),
))
ENTRIES.append(OpInfo(
    "pb::bmm", _handle("bmm"), NUMERIC, _maker(_bmm_samples), np.matmul, same,
    errors=_errors(
        ErrorSample("2-D input", (_M23, _M34), {}, pb.ShapeError, "3-D"),
        ErrorSample("batch sizes differ", (np.ones((2, 2, 3), np.float32),
                                           np.ones((3, 3, 4), np.float32)), {},
                    pb.ShapeError, "batch sizes"),
        ErrorSample("inner dimensions differ", (np.ones((2, 2, 3), np.float32),
                                                np.ones((2, 2, 3), np.float32)), {},
                    pb.ShapeError, "inner dimensions"),
    ),
))
ENTRIES.append(OpInfo(
    "pb::dot", _handle("dot"), NUMERIC, _maker(_dot_samples), np.dot, same,
    errors=_errors(
        ErrorSample("different lengths", (np.ones(3, np.float32), np.ones(4, np.float32)), {},
                    pb.ShapeError, "same length"),
        ErrorSample("2-D input", (_M23, _M23), {}, pb.ShapeError, "1-D"),
        ErrorSample("mixed dtypes", (np.ones(3, np.float32), np.ones(3, np.int64)), {},
                    pb.DTypeError, "one dtype"),
    ),
))
ENTRIES.append(OpInfo(
    "pb::outer", _handle("outer"), ALL, _maker(_outer_samples), np.outer, promoted,
    errors=_errors(ErrorSample("2-D input", (_M23, np.ones(3, np.float32)), {}, pb.ShapeError,
                               "1-D")),
))
ENTRIES.append(OpInfo(
    "pb::linear", _handle("linear"), NUMERIC, _maker(_linear_samples), _linear, same,
    errors=_errors(
        ErrorSample("in_features differ", (_M23, np.ones((4, 2), np.float32)), {},
                    pb.ShapeError, "features"),
        ErrorSample("3-D weight", (_M23, np.ones((1, 4, 3), np.float32)), {}, pb.ShapeError,
                    "1-D or 2-D"),
        ErrorSample("bias of the wrong shape", (_M23, _M34.T.copy(), np.ones(3, np.float32)),
                    {}, pb.ShapeError, "bias"),
        ErrorSample("mixed dtypes", (_M23, np.ones((4, 3), np.float64)), {}, pb.DTypeError,
                    "one dtype"),
    ),
))
ENTRIES.append(OpInfo(
    "pb::addmm", _handle("addmm"), NUMERIC, _maker(_addmm_samples), _addmm, same,
    errors=_errors(
        ErrorSample("self does not broadcast", (np.ones((2, 3), np.float32), _M23, _M34), {},
                    pb.ShapeError, "does not broadcast"),
        ErrorSample("3-D mat1", (_M34, np.ones((1, 2, 3), np.float32), _M34), {},
                    pb.ShapeError, "2-D"),
        ErrorSample("float alpha with integer inputs", (
            np.ones((2, 4), np.int64), np.ones((2, 3), np.int64), np.ones((3, 4), np.int64)),
            {"alpha": 0.5}, pb.DTypeError, "alpha"),
    ),
))
