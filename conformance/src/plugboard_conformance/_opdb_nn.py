"""Op database entries for the nn operators of docs/opset.md.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes). The
references below are written out in NumPy and compute in float64 (floats) or
exactly in int64 (integers), independently of the decompositions they check.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb

from ._opdb import (
    FLOATING,
    NUMERIC,
    ErrorSample,
    Layout,
    OpInfo,
    Sample,
    random_values,
    same,
    special_values,
)

ENTRIES: list[OpInfo] = []

SampleMaker = Callable[[pb.DType, np.random.Generator], Iterator[Sample]]

_F32 = np.arange(6, dtype=np.float32).reshape(2, 3)
_I64 = np.arange(6, dtype=np.int64).reshape(2, 3)
_IMAGE = np.ones((1, 3, 5, 5), np.float32)
_KERNEL = np.ones((4, 3, 3, 3), np.float32)


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(*samples: ErrorSample) -> Callable[[], Iterator[ErrorSample]]:
    return lambda: iter(samples)


def _exact(x: np.ndarray) -> np.ndarray:
    """Integers in int64 (the reference computes exactly); floats as they are (float64)."""
    return x.astype(np.int64) if x.dtype.kind in "biu" else x


def _requested_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    requested = sample.kwargs.get("dtype")
    return requested if requested is not None else dtype


# softmax, log_softmax -----------------------------------------------------------------


def _softmax(x: np.ndarray, dim: int, dtype: Any = None) -> Any:
    if x.ndim == 0:
        return np.ones_like(x)
    if x.size == 0:
        return x
    e = np.exp(x - np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax(x: np.ndarray, dim: int, dtype: Any = None) -> Any:
    if x.ndim == 0:
        return np.zeros_like(x)
    if x.size == 0:
        return x
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def _softmax_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    yield Sample("0-d", (r(()), 0))
    yield Sample("empty", (r((0, 3)), 1))
    yield Sample("one element", (r((1,)), 0))
    yield Sample("rows of 257", (r((3, 257)), 1))
    yield Sample("1025 along dim 0", (r((1025, 2)), 0))
    yield Sample("dim=0 of (4, 5, 6)", (r((4, 5, 6)), 0))
    yield Sample("dim=-1 of (4, 5, 6)", (r((4, 5, 6)), -1))
    yield Sample("large values", (r((4, 8), 30, 60), 1))
    yield Sample("large spread (-1e4 to 1e4)", (r((4, 8), -1e4, 1e4), 1))
    yield Sample("transposed (7, 5)", (Layout(r((5, 7)), "T"), 1))
    yield Sample("strided [::2] of (9, 3)", (Layout(r((9, 3)), "::2"), 0))
    if dtype is not pb.float64:
        yield Sample("dtype=float64", (r((3, 4)), 1), {"dtype": pb.float64})


for _name, _reference in (("softmax", _softmax), ("log_softmax", _log_softmax)):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), FLOATING, _softmax_samples, _reference,
        _requested_dtype,
        errors=_errors(
            ErrorSample("integer input", (_I64, 0), {}, pb.DTypeError, "floating"),
            ErrorSample("dim out of range", (_F32, 2), {}, pb.ShapeError, "out of range"),
        ),
    ))


# layer_norm, rms_norm, batch_norm -----------------------------------------------------


def _layer_norm(x: np.ndarray, normalized_shape: Sequence[int], weight: Any = None,
                bias: Any = None, eps: float = 1e-5) -> Any:
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    centered = x - x.mean(axis=axes, keepdims=True)
    y = centered / np.sqrt(np.mean(centered**2, axis=axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    return y + bias if bias is not None else y


def _rms_norm(x: np.ndarray, normalized_shape: Sequence[int], weight: Any = None,
              eps: float | None = None) -> Any:
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    if eps is None:
        eps = float(np.finfo(np.float32).eps)  # negligible next to the samples' mean squares
    y = x / np.sqrt(np.mean(x**2, axis=axes, keepdims=True) + eps)
    return y * weight if weight is not None else y


def _norm_samples(with_bias: bool) -> SampleMaker:
    """layer_norm's samples (``with_bias``), or rms_norm's: those pass eps, as its default
    depends on the dtype, except one whose mean squares dwarf any dtype's epsilon."""

    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        for sample in _layer_norm_samples(dtype, rng):
            if with_bias or "eps" in sample.kwargs:
                yield sample
            else:
                yield Sample(sample.name, sample.args[:3], {"eps": 1e-6})
        if not with_bias:
            # Mean squares above 2.5e8: the default epsilon (float32's, or float64's for
            # float64) is below half a float64 ULP of them, whatever the dtype.
            yield Sample("eps=None (the dtype's)",
                         (random_values(dtype, (4, 8), rng, 16000, 64000), [8]))
            # A weight of another dtype multiplies in the computation dtype (promoted),
            # and the result keeps the input's dtype, as in PyTorch.
            for other in FLOATING:
                if other is not dtype:
                    weight = random_values(other, (8,), rng, 0.5, 2)
                    yield Sample(f"a {other} weight", (random_values(dtype, (4, 8), rng),
                                                       [8], weight), {"eps": 1e-6})

    def _layer_norm_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
            return random_values(dtype, shape, rng, low, high)

        def params(shape: Sequence[int]) -> tuple[np.ndarray, ...]:
            weight = r(shape, 0.5, 2)
            return (weight, r(shape)) if with_bias else (weight,)

        yield Sample("(4, 8) over [8]", (r((4, 8)), [8]))
        yield Sample("(2, 3, 4) over [3, 4] with parameters", (r((2, 3, 4)), [3, 4],
                                                               *params((3, 4))))
        yield Sample("empty batch (0, 5)", (r((0, 5)), [5]))
        yield Sample("one element", (r((1, 1)), [1]))
        yield Sample("rows of 257", (r((3, 257)), [257], *params((257,))))
        yield Sample("1025 elements over all dims", (r((1025,)), [1025]))
        yield Sample("transposed (8, 5) over [5]", (Layout(r((5, 8)), "T"), [5]))
        yield Sample("strided [::2] of (10, 6)", (Layout(r((10, 6)), "::2"), [6],
                                                  *params((6,))))
        yield Sample("large values", (r((3, 16), 100, 1000), [16]))
        yield Sample("eps=0.1", (r((4, 8)), [8]), {"eps": 0.1})

    return samples


_NORM_ERRORS = (
    ErrorSample("normalized_shape not trailing", (_F32, [2]), {}, pb.ShapeError,
                "trailing dims"),
    ErrorSample("integer input", (_I64, [3]), {}, pb.DTypeError, "int64"),
    ErrorSample("weight of the wrong shape", (_F32, [3], np.ones(4, np.float32)), {},
                pb.ShapeError, "weight has shape"),
    ErrorSample("weight of another dtype", (_F32, [3], np.ones(3, np.float64)), {},
                pb.DTypeError, "weight is float64"),
)

ENTRIES.append(OpInfo(
    "pb::layer_norm", _handle("layer_norm"), FLOATING, _norm_samples(True), _layer_norm, same,
    errors=_errors(*_NORM_ERRORS),
))
ENTRIES.append(OpInfo(
    "pb::rms_norm", _handle("rms_norm"), FLOATING, _norm_samples(False), _rms_norm, same,
    errors=_errors(*_NORM_ERRORS[:3]),  # any weight dtype
))


def _batch_norm(x: np.ndarray, running_mean: Any, running_var: Any, weight: Any = None,
                bias: Any = None, training: bool = False, momentum: float = 0.1,
                eps: float = 1e-5) -> Any:
    shape = (1, x.shape[1], *([1] * (x.ndim - 2)))
    if training:
        axes = tuple(d for d in range(x.ndim) if d != 1)
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    y = (x - mean) / np.sqrt(var + eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y + bias.reshape(shape) if bias is not None else y


def _batch_norm_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    def stats(c: int) -> tuple[np.ndarray, np.ndarray]:
        return r((c,), -1, 1), r((c,), 0.5, 2)

    yield Sample("(4, 3)", (r((4, 3)), *stats(3)))
    yield Sample("(2, 3, 5, 6) with weight and bias", (r((2, 3, 5, 6)), *stats(3),
                                                       r((3,), 0.5, 2), r((3,))))
    yield Sample("empty batch (0, 3, 4)", (r((0, 3, 4)), *stats(3)))
    yield Sample("(2, 257, 3)", (r((2, 257, 3)), *stats(257)))
    yield Sample("transposed (8, 3)", (Layout(r((3, 8)), "T"), *stats(3)))
    yield Sample("eps=0.1", (r((4, 3)), *stats(3)), {"eps": 0.1})
    yield Sample("training, batch statistics (8, 3, 4)", (r((8, 3, 4)), None, None),
                 {"training": True})
    yield Sample("training with weight and bias", (r((16, 5)), None, None, r((5,), 0.5, 2),
                                                   r((5,))), {"training": True})


_STATS = (np.zeros(3, np.float32), np.ones(3, np.float32))
ENTRIES.append(OpInfo(
    "pb::batch_norm", _handle("batch_norm"), FLOATING, _batch_norm_samples, _batch_norm, same,
    errors=_errors(
        ErrorSample("statistics of the wrong size", (_F32, np.zeros(4, np.float32),
                                                     np.ones(4, np.float32)), {},
                    pb.ShapeError, "running_mean has shape"),
        ErrorSample("training with running statistics", (_F32, *_STATS), {"training": True},
                    pb.ArgumentError, "running_mean=None"),
        ErrorSample("inference without running statistics", (_F32, None, None), {},
                    pb.ArgumentError, "needs running_mean"),
        ErrorSample("1-D input", (np.ones(3, np.float32), *_STATS), {}, pb.ShapeError,
                    "(N, C, *)"),
        ErrorSample("integer input", (_I64, *_STATS), {}, pb.DTypeError, "int64"),
    ),
))


# embedding, dropout -------------------------------------------------------------------


def _embedding(input: np.ndarray, weight: np.ndarray, padding_idx: int | None = None) -> Any:
    return weight[input]


def _embedding_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng)

    def idx(high: int, shape: Sequence[int], dtype: Any = np.int64) -> np.ndarray:
        return rng.integers(0, high, size=shape).astype(dtype)

    yield Sample("(3, 4) indices into (5, 3)", (idx(5, (3, 4)), r((5, 3))))
    yield Sample("int32 indices", (idx(5, (6,), np.int32), r((5, 3))))
    yield Sample("0-d index", (np.array(2, np.int64), r((5, 3))))
    yield Sample("no indices", (idx(5, (0,)), r((5, 3))))
    yield Sample("1025 lookups into 257 rows", (idx(257, (1025,)), r((257, 4))))
    yield Sample("repeated indices", (np.array([1, 1, 0, 1]), r((2, 6))))
    yield Sample("transposed weight (5, 3)", (idx(5, (2, 2)), Layout(r((3, 5)), "T")))
    yield Sample("padding_idx=0", (idx(5, (4,)), r((5, 3))), {"padding_idx": 0})
    yield Sample("special values", (np.arange(special_values(dtype).size),
                                    special_values(dtype)[:, None]))


ENTRIES.append(OpInfo(
    "pb::embedding", _handle("embedding"), (pb.bool, *NUMERIC), _embedding_samples,
    _embedding, lambda dtype, sample: dtype,
    errors=_errors(
        ErrorSample("float indices", (np.zeros(2, np.float32), _F32), {}, pb.DTypeError,
                    "int64 or int32"),
        ErrorSample("1-D weight", (np.zeros(2, np.int64), np.ones(3, np.float32)), {},
                    pb.ShapeError, "2-D"),
        ErrorSample("index out of range", (np.array([0, 5]), _F32), {}, pb.IndexingError,
                    "out of range"),
        ErrorSample("padding_idx out of range", (np.array([0]), _F32), {"padding_idx": 2},
                    pb.ArgumentError, "padding_idx"),
    ),
))


def _dropout_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = 1, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)  # nonzero: dropped ones show

    yield Sample("train=False", (r((5, 7), -4, 4), 0.5, False))
    yield Sample("p=0", (r((257,), -4, 4), 0.0))
    yield Sample("p=1", (r((3, 4), -4, 4), 1.0))
    yield Sample("0-d", (r(()), 0.5, False))
    yield Sample("empty", (r((0, 3)), 0.5))
    yield Sample("special values, train=False", (special_values(dtype), 0.5, False))
    yield Sample("p=0.3 on 20000 values", (r((200, 100)), 0.3))
    yield Sample("p=0.5 on 20000 values", (r((20000,)), 0.5))
    yield Sample("p=0.9 transposed (100, 200)", (Layout(r((200, 100)), "T"), 0.9))


def _check_dropout(values: np.ndarray, sample: Sample) -> str:
    """Identity (train=False or p=0), zeros (p=1), or kept values scaled by 1 / (1 - p)
    with a kept fraction within 5 standard deviations of 1 - p."""
    first = sample.args[0]
    x = (first.host() if isinstance(first, Layout) else first).astype(np.float64)
    p = sample.args[1] if len(sample.args) > 1 else 0.5
    train = sample.args[2] if len(sample.args) > 2 else True
    got = values.astype(np.float64)
    if not train or p == 0:
        same_values = (got == x) | (np.isnan(got) & np.isnan(x))
        return "" if same_values.all() else "changed its input without dropout"
    if p == 1:
        return "" if (got == 0).all() else "kept values with p=1"
    kept = got != 0
    n = x.size
    if n == 0:
        return ""
    fraction, expected = float(kept.mean()), 1.0 - p
    sigma = math.sqrt(p * (1.0 - p) / n)
    if abs(fraction - expected) > 5 * sigma + 1e-12:
        return f"kept {fraction:.4f} of the values, expected {expected:.4f} +- {5 * sigma:.4f}"
    scaled = x[kept] / (1.0 - p)
    if not np.allclose(got[kept], scaled, rtol=1.6e-2, atol=0):
        return "the kept values are not scaled by 1 / (1 - p)"
    return ""


ENTRIES.append(OpInfo(
    "pb::dropout", _handle("dropout"), FLOATING, _dropout_samples,
    lambda x, p=0.5, train=True: x, same, check=_check_dropout,
    errors=_errors(
        ErrorSample("p above 1", (_F32, 1.5), {}, pb.ArgumentError, "between 0 and 1"),
        ErrorSample("negative p", (_F32, -0.1), {}, pb.ArgumentError, "between 0 and 1"),
        ErrorSample("integer input in training", (_I64, 0.5), {}, pb.DTypeError, "int64"),
        ErrorSample("a generator that is not one", (_F32, 0.5), {"generator": 7},
                    pb.ArgumentError, "Generator"),
    ),
))


# conv2d -------------------------------------------------------------------------------


def _pairs(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
             dilation: tuple[int, int], out: tuple[int, int]) -> np.ndarray:
    """(N, C, OH, OW, KH, KW): the windows of (N, C, H, W) ``x``, written out with indices."""
    rows = (np.arange(out[0]) * stride[0])[:, None] + np.arange(kernel[0]) * dilation[0]
    cols = (np.arange(out[1]) * stride[1])[:, None] + np.arange(kernel[1]) * dilation[1]
    return x[:, :, rows[:, None, :, None], cols[None, :, None, :]]


def _conv2d(input: np.ndarray, weight: np.ndarray, bias: Any = None, stride: Any = 1,
            padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Any:
    x, w = _exact(input), _exact(weight)
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    s, d = _pairs(stride), _pairs(dilation)
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0), (0, 0))
        else:
            totals = [d[i] * (w.shape[2 + i] - 1) for i in range(2)]
            pads = ((totals[0] // 2, totals[0] - totals[0] // 2),
                    (totals[1] // 2, totals[1] - totals[1] // 2))
    else:
        p = _pairs(padding)
        pads = ((p[0], p[0]), (p[1], p[1]))
    x = np.pad(x, ((0, 0), (0, 0), *pads))
    kh, kw = w.shape[2:]
    out = tuple((x.shape[2 + i] - d[i] * ((kh, kw)[i] - 1) - 1) // s[i] + 1 for i in range(2))
    win = _windows(x, (kh, kw), s, d, (out[0], out[1]))  # (N, C, OH, OW, KH, KW)
    c = x.shape[1]
    cg, og = c // groups, w.shape[0] // groups
    parts = [
        np.einsum("nchwij,ocij->nohw", win[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og])
        for g in range(groups)
    ]
    y = np.concatenate(parts, axis=1)
    if bias is not None:
        y = y + _exact(bias)[:, None, None]
    return y[0] if unbatched else y


def _conv2d_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng, -2, 2)

    yield Sample("(2, 3, 7, 6) * (4, 3, 3, 3) with bias", (r((2, 3, 7, 6)), r((4, 3, 3, 3)),
                                                           r((4,))))
    yield Sample("stride=2", (r((1, 2, 9, 8)), r((3, 2, 3, 3))), {"stride": 2})
    yield Sample("padding=(1, 2)", (r((1, 2, 5, 5)), r((3, 2, 3, 2))), {"padding": (1, 2)})
    yield Sample("dilation=2, stride=(1, 2)", (r((1, 2, 9, 9)), r((2, 2, 3, 3))),
                 {"dilation": 2, "stride": (1, 2)})
    yield Sample("groups=3", (r((2, 6, 5, 5)), r((6, 2, 3, 3)), r((6,))), {"groups": 3})
    yield Sample("depthwise, padding=1", (r((1, 4, 6, 6)), r((8, 1, 3, 3))),
                 {"groups": 4, "padding": 1})
    yield Sample("1x1 kernel", (r((2, 5, 4, 4)), r((3, 5, 1, 1))))
    yield Sample("unbatched (3, 6, 6)", (r((3, 6, 6)), r((2, 3, 3, 3)), r((2,))))
    yield Sample("empty batch", (r((0, 3, 5, 5)), r((2, 3, 3, 3))))
    yield Sample("1024 outputs per channel", (r((1, 1, 34, 34)), r((2, 1, 3, 3))))
    yield Sample("strided batch [::2] of (4, 3, 6, 6)", (Layout(r((4, 3, 6, 6)), "::2"),
                                                         r((2, 3, 2, 2))))


_CONV_ERRORS = (
    ErrorSample("channel mismatch", (np.ones((1, 4, 5, 5), np.float32), _KERNEL), {},
                pb.ShapeError, "input channels"),
    ErrorSample("weight of another dtype", (_IMAGE, _KERNEL.astype(np.float64)), {},
                pb.DTypeError, "weight is float64"),
    ErrorSample("2-D input", (np.ones((5, 5), np.float32), _KERNEL), {}, pb.ShapeError,
                "3-D (C, H, W) or 4-D"),
    ErrorSample("groups not dividing out_channels", (np.ones((1, 6, 5, 5), np.float32),
                                                     np.ones((4, 2, 3, 3), np.float32)),
                {"groups": 3}, pb.ShapeError, "groups=3"),
    ErrorSample("bool input", (_IMAGE.astype(np.bool_), _KERNEL.astype(np.bool_)), {},
                pb.DTypeError, "bool"),
)

ENTRIES.append(OpInfo(
    "pb::conv2d", _handle("conv2d"), NUMERIC, _conv2d_samples, _conv2d, same,
    errors=_errors(
        *_CONV_ERRORS,
        ErrorSample("kernel larger than the input", (np.ones((1, 3, 2, 2), np.float32),
                                                     _KERNEL), {}, pb.ShapeError,
                    "smaller than the (dilated) kernel"),
        ErrorSample("negative padding", (_IMAGE, _KERNEL), {"padding": -1}, pb.ArgumentError,
                    "padding must be >= 0"),
        ErrorSample("zero stride", (_IMAGE, _KERNEL), {"stride": 0}, pb.ArgumentError,
                    "stride must be positive"),
    ),
))


def _conv2d_padding_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng, -2, 2)

    yield Sample("padding='valid'", (r((1, 2, 6, 5)), r((3, 2, 3, 3)), r((3,))),
                 {"padding": "valid"})
    yield Sample("padding='valid', stride=(2, 1)", (r((1, 2, 7, 5)), r((3, 2, 3, 3))),
                 {"padding": "valid", "stride": (2, 1)})
    yield Sample("padding='same', 3x3", (r((2, 2, 6, 5)), r((3, 2, 3, 3))),
                 {"padding": "same"})
    yield Sample("padding='same', even 2x4 kernel", (r((1, 2, 5, 6)), r((2, 2, 2, 4))),
                 {"padding": "same"})
    yield Sample("padding='same', dilation=2, groups=2", (r((1, 4, 7, 7)), r((4, 2, 2, 3))),
                 {"padding": "same", "dilation": 2, "groups": 2})
    yield Sample("unbatched, padding='same'", (r((2, 4, 4)), r((1, 2, 2, 2))),
                 {"padding": "same"})


ENTRIES.append(OpInfo(
    "pb::conv2d_padding", _handle("conv2d_padding"), NUMERIC, _conv2d_padding_samples,
    _conv2d, same,
    errors=_errors(
        *_CONV_ERRORS,
        ErrorSample("'same' with a stride", (_IMAGE, _KERNEL), {"padding": "same", "stride": 2},
                    pb.ArgumentError, "strided convolutions"),
        ErrorSample("unknown padding string", (_IMAGE, _KERNEL), {"padding": "full"},
                    pb.ArgumentError, "'valid' or 'same'"),
    ),
))


# max_pool2d, avg_pool2d ---------------------------------------------------------------


def _pool_out(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_setup(x: np.ndarray, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                ceil_mode: bool) -> tuple[np.ndarray, tuple[int, int], tuple[int, int],
                                          tuple[int, int], tuple[int, int], tuple[int, int]]:
    k = _pairs(kernel_size)
    s = _pairs(stride) if stride else k
    p, d = _pairs(padding), _pairs(dilation)
    x4 = x[None] if x.ndim == 3 else x
    h, w = x4.shape[2:]
    out = (_pool_out(h, k[0], s[0], p[0], d[0], ceil_mode),
           _pool_out(w, k[1], s[1], p[1], d[1], ceil_mode))
    return x4, k, s, p, d, out


def _max_pool2d(x: np.ndarray, kernel_size: Any, stride: Any = None, padding: Any = 0,
                dilation: Any = 1, ceil_mode: bool = False) -> Any:
    x4, k, s, p, d, out = _pool_setup(x, kernel_size, stride, padding, dilation, ceil_mode)
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    h, w = x4.shape[2:]
    need = [(out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 for i in range(2)]
    padded = np.pad(x4, ((0, 0), (0, 0), (p[0], max(p[0], need[0] - h - p[0])),
                         (p[1], max(p[1], need[1] - w - p[1]))), constant_values=lowest)
    y = _windows(padded, k, s, d, out).max(axis=(-2, -1))
    return y[0] if x.ndim == 3 else y


def _avg_pool2d(x: np.ndarray, kernel_size: Any, stride: Any = None, padding: Any = 0,
                ceil_mode: bool = False, count_include_pad: bool = True,
                divisor_override: int | None = None) -> Any:
    x4, k, s, p, _, out = _pool_setup(_exact(x), kernel_size, stride, padding, 1, ceil_mode)
    h, w = x4.shape[2:]
    y = np.zeros((*x4.shape[:2], *out), dtype=x4.dtype)
    for i in range(out[0]):
        for j in range(out[1]):
            r0, c0 = i * s[0] - p[0], j * s[1] - p[1]
            r1, c1 = min(r0 + k[0], h + p[0]), min(c0 + k[1], w + p[1])
            window = x4[:, :, max(r0, 0):min(r1, h), max(c0, 0):min(c1, w)]
            total = window.sum(axis=(-2, -1))
            if divisor_override is not None:
                divisor = divisor_override
            elif count_include_pad:
                divisor = (r1 - r0) * (c1 - c0)
            else:
                divisor = (min(r1, h) - max(r0, 0)) * (min(c1, w) - max(c0, 0))
            if x4.dtype.kind == "f":
                y[:, :, i, j] = total / divisor
            else:  # int64: division truncating towards zero, as C
                y[:, :, i, j] = np.sign(total) * (np.abs(total) // divisor)
    return y[0] if x.ndim == 3 else y


def _pool_samples(avg: bool) -> SampleMaker:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng)

        yield Sample("(2, 3, 8, 8), kernel 2", (r((2, 3, 8, 8)), 2))
        yield Sample("kernel 3, stride 2, padding 1, ceil_mode", (r((1, 2, 7, 8)), 3, 2, 1),
                     {"ceil_mode": True})
        yield Sample("kernel (3, 2), stride (2, 1)", (r((1, 2, 7, 5)), (3, 2), (2, 1)))
        yield Sample("unbatched (3, 6, 6), kernel 3 stride 3", (r((3, 6, 6)), 3))
        yield Sample("empty batch", (r((0, 2, 4, 4)), 2))
        yield Sample("one element", (r((1, 1, 1, 1)), 1))
        yield Sample("1024 outputs (1, 1, 64, 64)", (r((1, 1, 64, 64)), 2))
        yield Sample("strided batch [::2] of (4, 2, 6, 6)", (Layout(r((4, 2, 6, 6)), "::2"), 2))
        if avg:
            yield Sample("ceil_mode, count_include_pad=False", (r((1, 2, 7, 7)), 3, 2, 1),
                         {"ceil_mode": True, "count_include_pad": False})
            yield Sample("count_include_pad=False", (r((1, 1, 5, 5)), 3, 1, 1),
                         {"count_include_pad": False})
            yield Sample("divisor_override=5", (r((1, 2, 6, 6)), 3, 1, 1),
                         {"divisor_override": 5})
        else:
            yield Sample("dilation (2, 1), padding 1", (r((1, 2, 9, 7)), 3, 1, 1, (2, 1)))
            special = special_values(dtype)
            yield Sample("special values", (special.reshape(1, 1, 1, -1), (1, 2), 1))

    return samples


_POOL_ERRORS = (
    ErrorSample("padding above half the kernel", (_IMAGE, 2), {"padding": 2}, pb.ArgumentError,
                "at most half"),
    ErrorSample("kernel larger than the input", (np.ones((1, 1, 2, 2), np.float32), 3), {},
                pb.ShapeError, "Output size is too small"),
    ErrorSample("2-D input", (np.ones((4, 4), np.float32), 2), {}, pb.ShapeError, "3-D"),
    ErrorSample("zero stride", (_IMAGE, 2, 0), {}, pb.ArgumentError, "stride must be positive"),
)

ENTRIES.append(OpInfo(
    "pb::max_pool2d", _handle("max_pool2d"), NUMERIC, _pool_samples(False), _max_pool2d,
    same,
    errors=_errors(*_POOL_ERRORS, ErrorSample(
        "bool input", (_IMAGE.astype(np.bool_), 2), {}, pb.DTypeError, "bool")),
))
ENTRIES.append(OpInfo(
    "pb::avg_pool2d", _handle("avg_pool2d"), (pb.int64, *FLOATING), _pool_samples(True),
    _avg_pool2d, same,
    errors=_errors(
        *_POOL_ERRORS,
        ErrorSample("int32 input", (_IMAGE.astype(np.int32), 2), {}, pb.DTypeError, "int64"),
        ErrorSample("divisor_override=0", (_IMAGE, 2), {"divisor_override": 0},
                    pb.ArgumentError, "divisor must be not zero"),
    ),
))


# Losses -------------------------------------------------------------------------------


def _cross_entropy(input: np.ndarray, target: np.ndarray, weight: Any = None,
                   ignore_index: int = -100, reduction: str = "mean",
                   label_smoothing: float = 0.0) -> Any:
    axis = 0 if input.ndim == 1 else 1
    c = input.shape[axis]
    logp = input - input.max(axis=axis, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=axis, keepdims=True))
    shape = [1] * input.ndim
    shape[axis] = c
    w = np.ones(c) if weight is None else weight
    wb = w.reshape(shape)
    if target.shape == input.shape:  # class probabilities
        probs = target * (1 - label_smoothing) + label_smoothing / c
        losses = -(logp * probs * wb).sum(axis=axis)
        if reduction == "none":
            return losses
        total = losses.sum()
        return total / (input.size // c) if reduction == "mean" else total
    t = target.astype(np.int64)
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, axis), axis).squeeze(axis)
    weights = np.where(valid, w[safe], 0.0)
    nll = np.where(valid, -picked * weights, 0.0)
    smooth = np.where(valid, -(logp * wb).sum(axis=axis), 0.0)
    if reduction == "sum":
        nll, smooth = nll.sum(), smooth.sum()
    elif reduction == "mean":
        nll, smooth = nll.sum() / weights.sum(), smooth.sum() / weights.sum()
    if not label_smoothing:
        # Without smoothing the other classes' logits do not enter (times 0, a -inf among
        # them would make the loss NaN): PyTorch's loss is the picked one's alone.
        return nll
    return (1 - label_smoothing) * nll + label_smoothing / c * smooth


def _cross_entropy_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int], low: float = -4, high: float = 4) -> np.ndarray:
        return random_values(dtype, shape, rng, low, high)

    def classes(c: int, shape: Sequence[int], ignored: int | None = None) -> np.ndarray:
        t = rng.integers(0, c, size=shape).astype(np.int64)
        if ignored is not None and t.size:
            t.reshape(-1)[::3] = ignored
        return t

    def probs(shape: Sequence[int], axis: int = 1) -> np.ndarray:
        p = rng.uniform(0, 1, size=shape)
        normalized: np.ndarray = (p / p.sum(axis=axis, keepdims=True)).astype(dtype.numpy)
        return normalized

    for reduction in ("mean", "sum", "none"):
        yield Sample(f"(6, 5), reduction={reduction!r}", (r((6, 5)), classes(5, (6,))),
                     {"reduction": reduction})
    yield Sample("ignore_index=-100 in the targets", (r((9, 4)), classes(4, (9,), -100)))
    yield Sample("ignore_index=1, reduction='none'", (r((7, 3)), classes(3, (7,))),
                 {"ignore_index": 1, "reduction": "none"})
    yield Sample("class weights", (r((8, 4)), classes(4, (8,), -100), r((4,), 0.5, 2)))
    yield Sample("label_smoothing=0.2 with weights", (r((8, 4)), classes(4, (8,), -100),
                                                      r((4,), 0.5, 2)),
                 {"label_smoothing": 0.2})
    yield Sample("label_smoothing=0.1, reduction='sum'", (r((5, 6)), classes(6, (5,))),
                 {"label_smoothing": 0.1, "reduction": "sum"})
    yield Sample("(N, C, d1, d2) = (2, 3, 4, 5)", (r((2, 3, 4, 5)), classes(3, (2, 4, 5), -100)))
    yield Sample("unbatched (C,) with a 0-d target", (r((7,)), np.array(3, np.int64)))
    yield Sample("uint8 class indices", (r((4, 5)), classes(5, (4,)).astype(np.uint8)))
    yield Sample("257 classes", (r((3, 257)), classes(257, (3,))))
    yield Sample("1025 samples", (r((1025, 3)), classes(3, (1025,))))
    yield Sample("large logits", (r((6, 5), -50, 50), classes(5, (6,))))
    yield Sample("transposed logits (5, 4)", (Layout(r((4, 5)), "T"), classes(4, (5,))))
    yield Sample("empty batch, reduction='sum'", (r((0, 4)), classes(4, (0,))),
                 {"reduction": "sum"})
    yield Sample("class probabilities", (r((6, 5)), probs((6, 5))))
    yield Sample("probabilities, weights, label_smoothing=0.3",
                 (r((6, 5)), probs((6, 5)), r((5,), 0.5, 2)), {"label_smoothing": 0.3})
    yield Sample("probabilities (2, 3, 4), reduction='none'", (r((2, 3, 4)), probs((2, 3, 4))),
                 {"reduction": "none"})


ENTRIES.append(OpInfo(
    "pb::cross_entropy", _handle("cross_entropy"), FLOATING, _cross_entropy_samples,
    _cross_entropy, same,
    errors=_errors(
        ErrorSample("int32 class indices", (_F32, np.array([0, 1], np.int32)), {},
                    pb.DTypeError, "Long or Byte"),
        ErrorSample("float targets of the wrong shape", (_F32, np.array([0.0, 1.0])), {},
                    pb.DTypeError, "Long or Byte"),
        ErrorSample("integer probabilities", (_F32, _I64), {}, pb.DTypeError, "floating"),
        ErrorSample("target shape", (_F32, np.array([0, 1, 2])), {}, pb.ShapeError,
                    "class indices of shape (2,)"),
        ErrorSample("unknown reduction", (_F32, np.array([0, 1])), {"reduction": "avg"},
                    pb.ArgumentError, "reduction"),
        ErrorSample("target out of bounds", (_F32, np.array([0, 3])), {}, pb.IndexingError,
                    "out of bounds"),
        ErrorSample("label_smoothing above 1", (_F32, np.array([0, 1])),
                    {"label_smoothing": 1.5}, pb.ArgumentError, "label_smoothing"),
        ErrorSample("weight of another dtype", (_F32, np.array([0, 1]),
                                                np.ones(3, np.float64)), {},
                    pb.DTypeError, "weight"),
        ErrorSample("integer logits", (_I64, np.array([0, 1])), {}, pb.DTypeError, "int64"),
    ),
))


def _mse_loss(input: np.ndarray, target: np.ndarray, reduction: str = "mean") -> Any:
    squares = (input - target) ** 2
    if reduction == "none":
        return squares
    return squares.sum() if reduction == "sum" else squares.mean()


def _mse_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng)

    for reduction in ("mean", "sum", "none"):
        yield Sample(f"(5, 7), reduction={reduction!r}", (r((5, 7)), r((5, 7))),
                     {"reduction": reduction})
    yield Sample("0-d", (r(()), r(())))
    yield Sample("empty, reduction='sum'", (r((0, 3)), r((0, 3))), {"reduction": "sum"})
    yield Sample("one element", (r((1,)), r((1,))))
    yield Sample("257 elements", (r((257,)), r((257,))))
    yield Sample("1025 elements", (r((1025,)), r((1025,))))
    yield Sample("transposed inputs", (Layout(r((5, 7)), "T"), Layout(r((5, 7)), "T")))


ENTRIES.append(OpInfo(
    "pb::mse_loss", _handle("mse_loss"), FLOATING, _mse_samples, _mse_loss, same,
    errors=_errors(
        ErrorSample("integer inputs", (_I64, _I64), {}, pb.DTypeError, "floating"),
        ErrorSample("unknown reduction", (_F32, _F32), {"reduction": "elementwise_mean"},
                    pb.ArgumentError, "reduction"),
        ErrorSample("shapes that do not broadcast", (np.ones(2, np.float32),
                                                     np.ones(3, np.float32)), {},
                    pb.ShapeError, "cannot be broadcast"),
    ),
))


# scaled_dot_product_attention ---------------------------------------------------------


def _sdpa(query: np.ndarray, key: np.ndarray, value: np.ndarray, attn_mask: Any = None,
          dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
          enable_gqa: bool = False) -> Any:
    if enable_gqa:
        group = query.shape[-3] // key.shape[-3]
        key, value = np.repeat(key, group, axis=-3), np.repeat(value, group, axis=-3)
    factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ np.swapaxes(key, -2, -1) * factor
    if key.shape[-2] == 0:  # no keys: nothing to attend to
        return scores @ value
    allowed = np.ones(scores.shape[-2:], dtype=bool)
    if is_causal:
        allowed = np.tril(allowed)
    if attn_mask is not None and attn_mask.dtype == np.bool_:
        allowed = allowed & attn_mask
    elif attn_mask is not None:
        scores = scores + attn_mask
    scores = np.where(allowed, scores, -np.inf)
    peak = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(peak), peak, 0))
    total = e.sum(axis=-1, keepdims=True)
    weights = np.where(total > 0, e / np.where(total > 0, total, 1), 0.0)  # no key: zeros
    return weights @ value


def _sdpa_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    def r(shape: Sequence[int]) -> np.ndarray:
        return random_values(dtype, shape, rng, -2, 2)

    def qkv(batch: Sequence[int], length: int, source: int, e: int, ev: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return r((*batch, length, e)), r((*batch, source, e)), r((*batch, source, ev))

    causal = rng.integers(0, 2, size=(5, 7)).astype(np.bool_)
    causal[2] = False  # a query that sees no key
    yield Sample("(2, 3, 5, 4) self-attention", qkv((2, 3), 5, 5, 4, 4))
    yield Sample("L=4, S=7, Ev=3", qkv((2,), 4, 7, 6, 3))
    yield Sample("is_causal", qkv((2, 2), 6, 6, 4, 4), {"is_causal": True})
    yield Sample("is_causal with L < S", qkv((1,), 3, 5, 4, 2), {"is_causal": True})
    yield Sample("bool mask with a fully masked row", (*qkv((2,), 5, 7, 4, 4), causal))
    yield Sample("float mask", (*qkv((2,), 5, 7, 4, 4), r((5, 7))))
    yield Sample("bool mask and is_causal", (*qkv((1,), 5, 7, 4, 4), causal),
                 {"is_causal": True})
    yield Sample("scale=0.3", qkv((3,), 4, 4, 8, 8), {"scale": 0.3})
    yield Sample("grouped-query attention (4 query heads, 2 kv heads)",
                 (r((1, 4, 3, 2)), r((1, 2, 5, 2)), r((1, 2, 5, 3))), {"enable_gqa": True})
    yield Sample("broadcast batch (2, 1) with (1, 3)",
                 (r((2, 1, 3, 4)), r((1, 3, 5, 4)), r((1, 3, 5, 4))))
    yield Sample("2-D inputs", qkv((), 3, 4, 5, 2))
    yield Sample("no queries (L=0)", qkv((2,), 0, 3, 4, 4))
    yield Sample("no keys (S=0)", qkv((2,), 3, 0, 4, 5))
    yield Sample("257 keys", qkv((1,), 4, 257, 8, 4))
    yield Sample("transposed query (4, 6)", (Layout(r((6, 4)), "T"), r((5, 6)), r((5, 3))))


ENTRIES.append(OpInfo(
    "pb::scaled_dot_product_attention", _handle("scaled_dot_product_attention"), FLOATING,
    _sdpa_samples, _sdpa, same,
    errors=_errors(
        ErrorSample("dtypes differ", (_F32, _F32.astype(np.float64), _F32), {}, pb.DTypeError,
                    "one dtype"),
        ErrorSample("float64 mask with float32 query", (_F32, _F32, _F32,
                                                        np.zeros((2, 2), np.float64)), {},
                    pb.DTypeError, "attn_mask"),
        ErrorSample("embedding sizes differ", (_F32, np.ones((2, 4), np.float32), _F32), {},
                    pb.ShapeError, "(..., S, E)"),
        ErrorSample("1-D inputs", (np.ones(3, np.float32),) * 3, {}, pb.ShapeError,
                    "at least 2 dims"),
        ErrorSample("mask that does not broadcast", (_F32, _F32, _F32,
                                                     np.ones((3, 3), np.bool_)), {},
                    pb.ShapeError, "cannot be broadcast"),
    ),
))
