"""The core operators as functions: ``pb.add``, ``pb.sum``, ... (generated).

Written by ``tools/generate.py`` from the operator registry; do not edit.
Each function calls its operator through the dispatcher, so
``pb.add(x, y, out=z)`` is ``pb.ops.pb.add(x, y, out=z)``. Operators with a
Python front end (``pb.max``, ``pb.zeros``, ...) are re-exported from the
module that holds it. :data:`METHODS` are the tensor methods these make.
"""

# ruff: noqa: E501 - signatures are one line each, as the schema

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from plugboard._core.dtype import DType
from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import OperatorRef
from plugboard._dispatch.random import Generator
from plugboard._frontend.conversion import copy_
from plugboard._frontend.factories import (
    arange,
    empty,
    empty_like,
    full,
    full_like,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from plugboard._frontend.shapes import split
from plugboard._frontend.wrapping import operator_function
from plugboard._ops.creation import eye, linspace, rand, randint, randn
from plugboard._ops.nn import conv2d
from plugboard._ops.reductions import max, min
from plugboard._ops.shape import scatter

__all__ = [
    "abs",
    "add",
    "addcdiv",
    "addcmul",
    "addmm",
    "all",
    "amax",
    "amin",
    "any",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "as_strided",
    "atan",
    "atan2",
    "avg_pool2d",
    "batch_norm",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "bmm",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clone",
    "contiguous",
    "conv2d",
    "copy_",
    "cos",
    "cross_entropy",
    "cumprod",
    "cumsum",
    "diagonal",
    "div",
    "dot",
    "dropout",
    "embedding",
    "empty",
    "empty_like",
    "eq",
    "erf",
    "exp",
    "expand",
    "expm1",
    "eye",
    "flatten",
    "flip",
    "floor",
    "fmod",
    "full",
    "full_like",
    "gather",
    "ge",
    "gelu",
    "gt",
    "index_put",
    "index_put_",
    "index_select",
    "isfinite",
    "isinf",
    "isnan",
    "layer_norm",
    "le",
    "lerp",
    "linear",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "log_softmax",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logsumexp",
    "lt",
    "masked_fill",
    "matmul",
    "max",
    "max_pool2d",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mse_loss",
    "mul",
    "nan_to_num",
    "narrow",
    "ne",
    "neg",
    "norm",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "permute",
    "pow",
    "prod",
    "rand",
    "randint",
    "randn",
    "reciprocal",
    "relu",
    "remainder",
    "repeat",
    "reshape",
    "rms_norm",
    "roll",
    "round",
    "rsqrt",
    "scaled_dot_product_attention",
    "scatter",
    "scatter_add",
    "select",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "softmax",
    "softplus",
    "sort",
    "split",
    "split_with_sizes",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "t",
    "tan",
    "tanh",
    "tile",
    "topk",
    "transpose",
    "tril",
    "triu",
    "trunc",
    "unbind",
    "unflatten",
    "unsqueeze",
    "var",
    "view",
    "where",
    "zeros",
    "zeros_like",
]



_abs = OperatorRef("pb::abs")


@operator_function(_abs)
def abs(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the absolute value of each element of ``self``.

    Schema: ``pb::abs(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.abs(...)`` and ``x.abs_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.abs(pb.tensor([-1.5, 0.0, 2.0]))
        tensor([1.5, 0.0, 2.0], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _abs(self, out=out)
    return result


_abs_ = OperatorRef("pb::abs", inplace=True)


@operator_function(_abs_)
def abs_(self: Tensor | bool | int | float) -> Tensor:
    """``abs`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _abs_(self)
    return result


_add = OperatorRef("pb::add")


@operator_function(_add)
def add(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
    """Adds ``other``, scaled by ``alpha``, to ``self``.

    Schema: ``pb::add(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`` (primitive).
    Also the tensor methods ``x.add(...)`` and ``x.add_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.add(pb.tensor([1, 2, 3]), pb.tensor([10, 20, 30]), alpha=2)
        tensor([21, 42, 63], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _add(self, other, alpha=alpha, out=out)
    return result


_add_ = OperatorRef("pb::add", inplace=True)


@operator_function(_add_)
def add_(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1) -> Tensor:
    """``add`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _add_(self, other, alpha=alpha)
    return result


_addcdiv = OperatorRef("pb::addcdiv")


@operator_function(_addcdiv)
def addcdiv(self: Tensor | bool | int | float, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
    """Divides ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``.

    Schema: ``pb::addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor`` (composite).
    Also the tensor methods ``x.addcdiv(...)`` and ``x.addcdiv_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.addcdiv(pb.tensor([1.0, 1.0]), pb.tensor([2.0, 6.0]), pb.tensor([4.0, 3.0]), value=2)
        tensor([2., 5.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _addcdiv(self, tensor1, tensor2, value=value, out=out)
    return result


_addcdiv_ = OperatorRef("pb::addcdiv", inplace=True)


@operator_function(_addcdiv_)
def addcdiv_(self: Tensor | bool | int | float, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1) -> Tensor:
    """``addcdiv`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _addcdiv_(self, tensor1, tensor2, value=value)
    return result


_addcmul = OperatorRef("pb::addcmul")


@operator_function(_addcmul)
def addcmul(self: Tensor | bool | int | float, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
    """Multiplies ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``.

    Schema: ``pb::addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor`` (composite).
    Also the tensor methods ``x.addcmul(...)`` and ``x.addcmul_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.addcmul(pb.tensor([1.0, 1.0]), pb.tensor([2.0, 3.0]), pb.tensor([4.0, 5.0]), value=0.5)
        tensor([5.0, 8.5], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _addcmul(self, tensor1, tensor2, value=value, out=out)
    return result


_addcmul_ = OperatorRef("pb::addcmul", inplace=True)


@operator_function(_addcmul_)
def addcmul_(self: Tensor | bool | int | float, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1) -> Tensor:
    """``addcmul`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _addcmul_(self, tensor1, tensor2, value=value)
    return result


_addmm = OperatorRef("pb::addmm")


@operator_function(_addmm)
def addmm(self: Tensor, mat1: Tensor, mat2: Tensor, *, beta: bool | int | float = 1, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
    """Computes ``beta * self + alpha * (mat1 @ mat2)`` for matrices ``mat1`` and ``mat2``.

    Schema: ``pb::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor`` (composite).
    Also the tensor method ``x.addmm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.addmm(pb.tensor([[1.0, 1.0]]), pb.tensor([[1.0, 2.0]]), pb.eye(2), beta=2, alpha=10)
        tensor([[12., 22.]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _addmm(self, mat1, mat2, beta=beta, alpha=alpha, out=out)
    return result


_all = OperatorRef("pb::all")


@operator_function(_all)
def all(self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Tests whether every element of ``self`` is nonzero, over ``dim`` or the whole tensor.

    Schema: ``pb::all(Tensor self, int[1]? dim=None, bool keepdim=False) -> Tensor`` (composite).
    Also the tensor method ``x.all(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.all(pb.tensor([[True, False], [True, True]]), dim=1)
        tensor([False,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _all(self, dim, keepdim, out=out)
    return result


_amax = OperatorRef("pb::amax")


@operator_function(_amax)
def amax(self: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns the maximum of ``self`` over the dimensions ``dim`` (all of them if empty).

    Schema: ``pb::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor`` (primitive).
    Also the tensor method ``x.amax(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.amax(pb.tensor([[1, 5], [7, 2]]), dim=0)
        tensor([7, 5], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _amax(self, dim, keepdim, out=out)
    return result


_amin = OperatorRef("pb::amin")


@operator_function(_amin)
def amin(self: Tensor, dim: int | Sequence[int] = (), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns the minimum of ``self`` over the dimensions ``dim`` (all of them if empty).

    Schema: ``pb::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor`` (primitive).
    Also the tensor method ``x.amin(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.amin(pb.tensor([[1, 5], [7, 2]]), dim=1)
        tensor([1, 2], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _amin(self, dim, keepdim, out=out)
    return result


_any = OperatorRef("pb::any")


@operator_function(_any)
def any(self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Tests whether any element of ``self`` is nonzero, over ``dim`` or the whole tensor.

    Schema: ``pb::any(Tensor self, int[1]? dim=None, bool keepdim=False) -> Tensor`` (composite).
    Also the tensor method ``x.any(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.any(pb.tensor([[False, False], [True, False]]), dim=1)
        tensor([False,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _any(self, dim, keepdim, out=out)
    return result


_argmax = OperatorRef("pb::argmax")


@operator_function(_argmax)
def argmax(self: Tensor, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns the index of the largest element of ``self``, along ``dim`` or flattened.

    Schema: ``pb::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor`` (primitive).
    Also the tensor method ``x.argmax(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.argmax(pb.tensor([[1, 5], [7, 2]]), dim=1)
        tensor([1, 0], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _argmax(self, dim, keepdim, out=out)
    return result


_argmin = OperatorRef("pb::argmin")


@operator_function(_argmin)
def argmin(self: Tensor, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns the index of the smallest element of ``self``, along ``dim`` or flattened.

    Schema: ``pb::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor`` (primitive).
    Also the tensor method ``x.argmin(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.argmin(pb.tensor([[1, 5], [7, 2]]), dim=1)
        tensor([0, 1], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _argmin(self, dim, keepdim, out=out)
    return result


_argsort = OperatorRef("pb::argsort")


@operator_function(_argsort)
def argsort(self: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False, out: Tensor | None = None) -> Tensor:
    """Returns the indices that sort ``self`` along ``dim``, ascending unless ``descending``.

    Schema: ``pb::argsort(Tensor self, int dim=-1, bool descending=False, *, bool stable=False) -> Tensor`` (composite).
    Also the tensor method ``x.argsort(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.argsort(pb.tensor([3, 1, 2]), descending=True)
        tensor([0, 2, 1], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _argsort(self, dim, descending, stable=stable, out=out)
    return result


_as_strided = OperatorRef("pb::as_strided")


@operator_function(_as_strided)
def as_strided(self: Tensor, size: int | Sequence[int], stride: int | Sequence[int], storage_offset: int | None = None) -> Tensor:
    """Returns a view of ``self``'s storage with the given ``size``, ``stride`` and offset.

    Schema: ``pb::as_strided(Tensor(a) self, int[] size, int[] stride, int? storage_offset=None) -> Tensor(a)`` (view).
    Also the tensor method ``x.as_strided(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.as_strided(pb.arange(6), (2, 3), (1, 2))
        tensor([[0, 2, 4],
                [1, 3, 5]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _as_strided(self, size, stride, storage_offset)
    return result


_atan = OperatorRef("pb::atan")


@operator_function(_atan)
def atan(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the arctangent of each element of ``self``.

    Schema: ``pb::atan(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.atan(...)`` and ``x.atan_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.atan(pb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7854,  0.0000,  0.7854], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _atan(self, out=out)
    return result


_atan_ = OperatorRef("pb::atan", inplace=True)


@operator_function(_atan_)
def atan_(self: Tensor | bool | int | float) -> Tensor:
    """``atan`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _atan_(self)
    return result


_atan2 = OperatorRef("pb::atan2")


@operator_function(_atan2)
def atan2(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the arctangent of ``self / other`` elementwise, choosing the quadrant by sign.

    Schema: ``pb::atan2(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.atan2(...)`` and ``x.atan2_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.atan2(pb.tensor([1.0, 1.0, -1.0]), pb.tensor([1.0, -1.0, 0.0]))
        tensor([ 0.7854,  2.3562, -1.5708], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _atan2(self, other, out=out)
    return result


_atan2_ = OperatorRef("pb::atan2", inplace=True)


@operator_function(_atan2_)
def atan2_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``atan2`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _atan2_(self, other)
    return result


_avg_pool2d = OperatorRef("pb::avg_pool2d")


@operator_function(_avg_pool2d)
def avg_pool2d(input: Tensor, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None, padding: int | Sequence[int] = (0, 0), ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None, *, out: Tensor | None = None) -> Tensor:
    """Applies 2-D average pooling over windows of ``kernel_size``, moved by ``stride``.

    Schema: ``pb::avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=[0, 0], bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor`` (composite).
    Also the tensor method ``x.avg_pool2d(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.avg_pool2d(pb.arange(16.0).reshape(1, 1, 4, 4), kernel_size=2)
        tensor([[[[ 2.5,  4.5],
                  [10.5, 12.5]]]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, out=out)
    return result


_batch_norm = OperatorRef("pb::batch_norm")


@operator_function(_batch_norm)
def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-05, *, out: Tensor | None = None) -> Tensor:
    """Normalizes each channel of ``input`` by its running (or, if ``training``, batch) stats.

    Schema: ``pb::batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor`` (composite).
    Also the tensor method ``x.batch_norm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.batch_norm(pb.tensor([[1.0, 2.0], [3.0, 6.0]]), pb.tensor([2.0, 4.0]), pb.tensor([1.0, 4.0]))
        tensor([[-1., -1.],
                [ 1.,  1.]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps, out=out)
    return result


_bitwise_and = OperatorRef("pb::bitwise_and")


@operator_function(_bitwise_and)
def bitwise_and(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the bitwise AND of ``self`` and ``other`` (logical AND for bools).

    Schema: ``pb::bitwise_and(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_and(...)`` and ``x.bitwise_and_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_and(pb.tensor([12, 10]), pb.tensor([10, 6]))
        tensor([8, 2], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_and(self, other, out=out)
    return result


_bitwise_and_ = OperatorRef("pb::bitwise_and", inplace=True)


@operator_function(_bitwise_and_)
def bitwise_and_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``bitwise_and`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_and_(self, other)
    return result


_bitwise_left_shift = OperatorRef("pb::bitwise_left_shift")


@operator_function(_bitwise_left_shift)
def bitwise_left_shift(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Shifts the bits of each element of ``self`` left by ``other`` places.

    Schema: ``pb::bitwise_left_shift(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_left_shift(...)`` and ``x.bitwise_left_shift_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_left_shift(pb.tensor([1, 3]), pb.tensor([2, 1]))
        tensor([4, 6], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_left_shift(self, other, out=out)
    return result


_bitwise_left_shift_ = OperatorRef("pb::bitwise_left_shift", inplace=True)


@operator_function(_bitwise_left_shift_)
def bitwise_left_shift_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``bitwise_left_shift`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_left_shift_(self, other)
    return result


_bitwise_not = OperatorRef("pb::bitwise_not")


@operator_function(_bitwise_not)
def bitwise_not(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the bitwise NOT of each element of ``self`` (logical NOT for bools).

    Schema: ``pb::bitwise_not(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_not(...)`` and ``x.bitwise_not_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_not(pb.tensor([0, 5, -1]))
        tensor([-1, -6,  0], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_not(self, out=out)
    return result


_bitwise_not_ = OperatorRef("pb::bitwise_not", inplace=True)


@operator_function(_bitwise_not_)
def bitwise_not_(self: Tensor | bool | int | float) -> Tensor:
    """``bitwise_not`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_not_(self)
    return result


_bitwise_or = OperatorRef("pb::bitwise_or")


@operator_function(_bitwise_or)
def bitwise_or(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the bitwise OR of ``self`` and ``other`` (logical OR for bools).

    Schema: ``pb::bitwise_or(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_or(...)`` and ``x.bitwise_or_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_or(pb.tensor([12, 10]), pb.tensor([10, 6]))
        tensor([14, 14], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_or(self, other, out=out)
    return result


_bitwise_or_ = OperatorRef("pb::bitwise_or", inplace=True)


@operator_function(_bitwise_or_)
def bitwise_or_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``bitwise_or`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_or_(self, other)
    return result


_bitwise_right_shift = OperatorRef("pb::bitwise_right_shift")


@operator_function(_bitwise_right_shift)
def bitwise_right_shift(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Shifts the bits of each element of ``self`` right by ``other`` places.

    Schema: ``pb::bitwise_right_shift(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_right_shift(...)`` and ``x.bitwise_right_shift_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_right_shift(pb.tensor([8, -8]), pb.tensor([2, 1]))
        tensor([ 2, -4], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_right_shift(self, other, out=out)
    return result


_bitwise_right_shift_ = OperatorRef("pb::bitwise_right_shift", inplace=True)


@operator_function(_bitwise_right_shift_)
def bitwise_right_shift_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``bitwise_right_shift`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_right_shift_(self, other)
    return result


_bitwise_xor = OperatorRef("pb::bitwise_xor")


@operator_function(_bitwise_xor)
def bitwise_xor(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the bitwise XOR of ``self`` and ``other`` (logical XOR for bools).

    Schema: ``pb::bitwise_xor(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.bitwise_xor(...)`` and ``x.bitwise_xor_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.bitwise_xor(pb.tensor([12, 10]), pb.tensor([10, 6]))
        tensor([ 6, 12], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _bitwise_xor(self, other, out=out)
    return result


_bitwise_xor_ = OperatorRef("pb::bitwise_xor", inplace=True)


@operator_function(_bitwise_xor_)
def bitwise_xor_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``bitwise_xor`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _bitwise_xor_(self, other)
    return result


_bmm = OperatorRef("pb::bmm")


@operator_function(_bmm)
def bmm(self: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Multiplies two batches of matrices, ``self[b] @ mat2[b]`` for each batch index ``b``.

    Schema: ``pb::bmm(Tensor self, Tensor mat2) -> Tensor`` (composite).
    Also the tensor method ``x.bmm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.bmm(pb.ones(2, 1, 3), pb.ones(2, 3, 1))
        tensor([[[3.]],
        <BLANKLINE>
                [[3.]]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _bmm(self, mat2, out=out)
    return result


_cat = OperatorRef("pb::cat")


@operator_function(_cat)
def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Concatenates ``tensors`` along the existing dimension ``dim``.

    Schema: ``pb::cat(Tensor[] tensors, int dim=0) -> Tensor`` (primitive).

    Example:
        >>> import plugboard as pb
        >>> pb.cat([pb.tensor([[1, 2]]), pb.tensor([[3, 4]])], dim=1)
        tensor([[1, 2, 3, 4]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _cat(tensors, dim, out=out)
    return result


_ceil = OperatorRef("pb::ceil")


@operator_function(_ceil)
def ceil(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Rounds each element of ``self`` up to the nearest integer.

    Schema: ``pb::ceil(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.ceil(...)`` and ``x.ceil_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.ceil(pb.tensor([-1.5, 0.2, 2.0]))
        tensor([-1.,  1.,  2.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _ceil(self, out=out)
    return result


_ceil_ = OperatorRef("pb::ceil", inplace=True)


@operator_function(_ceil_)
def ceil_(self: Tensor | bool | int | float) -> Tensor:
    """``ceil`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _ceil_(self)
    return result


_chunk = OperatorRef("pb::chunk")


@operator_function(_chunk)
def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Splits ``self`` into ``chunks`` views of near-equal size along ``dim``.

    Schema: ``pb::chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]`` (view).
    Also the tensor method ``x.chunk(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.chunk(pb.arange(5), chunks=2)
        (tensor([0, 1, 2], dtype=pb.int64, device='cpu:0'), tensor([3, 4], dtype=pb.int64, device='cpu:0'))
    """
    result: tuple[Tensor, ...] = _chunk(self, chunks, dim)
    return result


_clamp = OperatorRef("pb::clamp")


@operator_function(_clamp)
def clamp(self: Tensor | bool | int | float, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Clamps each element of ``self`` into the range [``min``, ``max``].

    Schema: ``pb::clamp(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor`` (composite).
    Also the tensor methods ``x.clamp(...)`` and ``x.clamp_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.clamp(pb.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
        tensor([0.0, 0.5, 1.0], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _clamp(self, min, max, out=out)
    return result


_clamp_ = OperatorRef("pb::clamp", inplace=True)


@operator_function(_clamp_)
def clamp_(self: Tensor | bool | int | float, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None) -> Tensor:
    """``clamp`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _clamp_(self, min, max)
    return result


_clone = OperatorRef("pb::clone")


@operator_function(_clone)
def clone(self: Tensor) -> Tensor:
    """Returns a contiguous copy of ``self`` that shares no memory with it.

    Schema: ``pb::clone(Tensor self) -> Tensor`` (composite).
    Also the tensor method ``x.clone(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.clone(pb.tensor([1, 2, 3]))
        tensor([1, 2, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _clone(self)
    return result


_contiguous = OperatorRef("pb::contiguous")


@operator_function(_contiguous)
def contiguous(self: Tensor) -> Tensor:
    """Returns ``self`` if it is contiguous, else a contiguous copy with the same values.

    Schema: ``pb::contiguous(Tensor(a) self) -> Tensor(a)`` (composite).
    Also the tensor method ``x.contiguous(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.contiguous(pb.arange(4).reshape(2, 2).t())
        tensor([[0, 2],
                [1, 3]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _contiguous(self)
    return result


_cos = OperatorRef("pb::cos")


@operator_function(_cos)
def cos(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the cosine of each element of ``self``, in radians.

    Schema: ``pb::cos(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.cos(...)`` and ``x.cos_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.cos(pb.tensor([0.0, 1.0, 3.0]))
        tensor([ 1.0000,  0.5403, -0.9900], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _cos(self, out=out)
    return result


_cos_ = OperatorRef("pb::cos", inplace=True)


@operator_function(_cos_)
def cos_(self: Tensor | bool | int | float) -> Tensor:
    """``cos`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _cos_(self)
    return result


_cross_entropy = OperatorRef("pb::cross_entropy")


@operator_function(_cross_entropy)
def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = 'mean', label_smoothing: float = 0.0, *, out: Tensor | None = None) -> Tensor:
    """Computes the cross-entropy loss between logits ``input`` and class indices ``target``.

    Schema: ``pb::cross_entropy(Tensor input, Tensor target, Tensor? weight=None, int ignore_index=-100, str reduction='mean', float label_smoothing=0.0) -> Tensor`` (composite).
    Also the tensor method ``x.cross_entropy(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.cross_entropy(pb.tensor([[2.0, 0.0], [0.0, 2.0]]), pb.tensor([0, 1]))
        tensor(0.1269, dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing, out=out)
    return result


_cumprod = OperatorRef("pb::cumprod")


@operator_function(_cumprod)
def cumprod(self: Tensor, dim: int, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the cumulative product of the elements of ``self`` along ``dim``.

    Schema: ``pb::cumprod(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor`` (primitive).
    Also the tensor method ``x.cumprod(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.cumprod(pb.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  2,  6, 24], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _cumprod(self, dim, dtype=dtype, out=out)
    return result


_cumsum = OperatorRef("pb::cumsum")


@operator_function(_cumsum)
def cumsum(self: Tensor, dim: int, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the cumulative sum of the elements of ``self`` along ``dim``.

    Schema: ``pb::cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor`` (primitive).
    Also the tensor method ``x.cumsum(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.cumsum(pb.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  3,  6, 10], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _cumsum(self, dim, dtype=dtype, out=out)
    return result


_diagonal = OperatorRef("pb::diagonal")


@operator_function(_diagonal)
def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """Returns a view of the diagonal ``offset`` of ``self`` over ``dim1`` and ``dim2``.

    Schema: ``pb::diagonal(Tensor(a) self, int offset=0, int dim1=0, int dim2=1) -> Tensor(a)`` (view).
    Also the tensor method ``x.diagonal(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.diagonal(pb.arange(9).reshape(3, 3), offset=1)
        tensor([1, 5], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _diagonal(self, offset, dim1, dim2)
    return result


_div = OperatorRef("pb::div")


@operator_function(_div)
def div(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
    """Divides ``self`` by ``other``, rounding the quotient as ``rounding_mode`` says.

    Schema: ``pb::div(Tensor self, Tensor other, *, str? rounding_mode=None) -> Tensor`` (primitive).
    Also the tensor methods ``x.div(...)`` and ``x.div_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.div(pb.tensor([7, -7]), pb.tensor([2, 2]), rounding_mode="floor")
        tensor([ 3, -4], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _div(self, other, rounding_mode=rounding_mode, out=out)
    return result


_div_ = OperatorRef("pb::div", inplace=True)


@operator_function(_div_)
def div_(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, rounding_mode: str | None = None) -> Tensor:
    """``div`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _div_(self, other, rounding_mode=rounding_mode)
    return result


_dot = OperatorRef("pb::dot")


@operator_function(_dot)
def dot(self: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the dot product of the 1-D tensors ``self`` and ``tensor``.

    Schema: ``pb::dot(Tensor self, Tensor tensor) -> Tensor`` (composite).
    Also the tensor method ``x.dot(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.dot(pb.tensor([1, 2, 3]), pb.tensor([4, 5, 6]))
        tensor(32, dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _dot(self, tensor, out=out)
    return result


_dropout = OperatorRef("pb::dropout")


@operator_function(_dropout)
def dropout(input: Tensor, p: float = 0.5, train: bool = True, *, generator: Generator | None = None, out: Tensor | None = None) -> Tensor:
    """Zeroes each element of ``input`` with probability ``p`` and scales the rest by 1/(1-p).

    Schema: ``pb::dropout(Tensor input, float p=0.5, bool train=True, *, Generator? generator=None) -> Tensor`` (composite).
    Also the tensor method ``x.dropout(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.dropout(pb.ones(4), p=0.5, generator=pb.Generator("cpu").manual_seed(0))
        tensor([2., 0., 0., 0.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _dropout(input, p, train, generator=generator, out=out)
    return result


_embedding = OperatorRef("pb::embedding")


@operator_function(_embedding)
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, *, out: Tensor | None = None) -> Tensor:
    """Looks up the rows of ``weight`` at the indices in ``input``.

    Schema: ``pb::embedding(Tensor input, Tensor weight, int? padding_idx=None) -> Tensor`` (composite).
    Also the tensor method ``x.embedding(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.embedding(pb.tensor([2, 0]), pb.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
        tensor([[4., 5.],
                [0., 1.]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _embedding(input, weight, padding_idx, out=out)
    return result


_eq = OperatorRef("pb::eq")


@operator_function(_eq)
def eq(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self == other`` elementwise, returning a bool tensor.

    Schema: ``pb::eq(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.eq(...)`` and ``x.eq_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.eq(pb.tensor([1, 2, 3]), pb.tensor([1, 0, 3]))
        tensor([ True, False,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _eq(self, other, out=out)
    return result


_eq_ = OperatorRef("pb::eq", inplace=True)


@operator_function(_eq_)
def eq_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``eq`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _eq_(self, other)
    return result


_erf = OperatorRef("pb::erf")


@operator_function(_erf)
def erf(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the Gauss error function of each element of ``self``.

    Schema: ``pb::erf(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.erf(...)`` and ``x.erf_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.erf(pb.tensor([-1.0, 0.0, 0.5]))
        tensor([-0.8427,  0.0000,  0.5205], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _erf(self, out=out)
    return result


_erf_ = OperatorRef("pb::erf", inplace=True)


@operator_function(_erf_)
def erf_(self: Tensor | bool | int | float) -> Tensor:
    """``erf`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _erf_(self)
    return result


_exp = OperatorRef("pb::exp")


@operator_function(_exp)
def exp(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the exponential, e to the power of each element of ``self``.

    Schema: ``pb::exp(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.exp(...)`` and ``x.exp_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.exp(pb.tensor([0.0, 1.0, 2.0]))
        tensor([1.0000, 2.7183, 7.3891], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _exp(self, out=out)
    return result


_exp_ = OperatorRef("pb::exp", inplace=True)


@operator_function(_exp_)
def exp_(self: Tensor | bool | int | float) -> Tensor:
    """``exp`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _exp_(self)
    return result


_expand = OperatorRef("pb::expand")


@operator_function(_expand)
def expand(self: Tensor, size: int | Sequence[int]) -> Tensor:
    """Returns a view of ``self`` with its size-1 dimensions stretched to ``size``, no copy.

    Schema: ``pb::expand(Tensor(a) self, int[] size) -> Tensor(a)`` (view).
    Also the tensor method ``x.expand(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.expand(pb.tensor([[1], [2]]), (2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _expand(self, size)
    return result


_expm1 = OperatorRef("pb::expm1")


@operator_function(_expm1)
def expm1(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes ``exp(x) - 1`` for each element ``x`` of ``self``, accurate near zero.

    Schema: ``pb::expm1(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.expm1(...)`` and ``x.expm1_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.expm1(pb.tensor([0.0, 1e-05, 1.0]))
        tensor([0.0000e+00, 1.0000e-05, 1.7183e+00], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _expm1(self, out=out)
    return result


_expm1_ = OperatorRef("pb::expm1", inplace=True)


@operator_function(_expm1_)
def expm1_(self: Tensor | bool | int | float) -> Tensor:
    """``expm1`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _expm1_(self)
    return result


_flatten = OperatorRef("pb::flatten")


@operator_function(_flatten)
def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flattens the dimensions ``start_dim`` through ``end_dim`` of ``self`` into one.

    Schema: ``pb::flatten(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)`` (view).
    Also the tensor method ``x.flatten(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.flatten(pb.zeros(2, 3, 4), start_dim=1).shape
        (2, 12)
    """
    result: Tensor = _flatten(self, start_dim, end_dim)
    return result


_flip = OperatorRef("pb::flip")


@operator_function(_flip)
def flip(self: Tensor, dims: int | Sequence[int], *, out: Tensor | None = None) -> Tensor:
    """Reverses the order of the elements of ``self`` along the dimensions ``dims``.

    Schema: ``pb::flip(Tensor self, int[] dims) -> Tensor`` (primitive).
    Also the tensor method ``x.flip(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.flip(pb.tensor([[1, 2], [3, 4]]), dims=[1])
        tensor([[2, 1],
                [4, 3]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _flip(self, dims, out=out)
    return result


_floor = OperatorRef("pb::floor")


@operator_function(_floor)
def floor(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Rounds each element of ``self`` down to the nearest integer.

    Schema: ``pb::floor(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.floor(...)`` and ``x.floor_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.floor(pb.tensor([-1.5, 0.2, 2.0]))
        tensor([-2.,  0.,  2.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _floor(self, out=out)
    return result


_floor_ = OperatorRef("pb::floor", inplace=True)


@operator_function(_floor_)
def floor_(self: Tensor | bool | int | float) -> Tensor:
    """``floor`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _floor_(self)
    return result


_fmod = OperatorRef("pb::fmod")


@operator_function(_fmod)
def fmod(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the remainder of ``self / other`` elementwise, with the sign of ``self``.

    Schema: ``pb::fmod(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.fmod(...)`` and ``x.fmod_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.fmod(pb.tensor([-7, 7]), pb.tensor([3, 3]))
        tensor([-1,  1], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _fmod(self, other, out=out)
    return result


_fmod_ = OperatorRef("pb::fmod", inplace=True)


@operator_function(_fmod_)
def fmod_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``fmod`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _fmod_(self, other)
    return result


_gather = OperatorRef("pb::gather")


@operator_function(_gather)
def gather(self: Tensor, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Gathers the values of ``self`` along ``dim`` at the positions in ``index``.

    Schema: ``pb::gather(Tensor self, int dim, Tensor index) -> Tensor`` (primitive).
    Also the tensor method ``x.gather(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.gather(pb.tensor([[1, 2], [3, 4]]), dim=1, index=pb.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _gather(self, dim, index, out=out)
    return result


_ge = OperatorRef("pb::ge")


@operator_function(_ge)
def ge(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self >= other`` elementwise, returning a bool tensor.

    Schema: ``pb::ge(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.ge(...)`` and ``x.ge_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.ge(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))
        tensor([False,  True,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _ge(self, other, out=out)
    return result


_ge_ = OperatorRef("pb::ge", inplace=True)


@operator_function(_ge_)
def ge_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``ge`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _ge_(self, other)
    return result


_gelu = OperatorRef("pb::gelu")


@operator_function(_gelu)
def gelu(self: Tensor | bool | int | float, *, approximate: str = 'none', out: Tensor | None = None) -> Tensor:
    """Applies the Gaussian Error Linear Unit to each element, or its ``approximate`` form.

    Schema: ``pb::gelu(Tensor self, *, str approximate='none') -> Tensor`` (composite).
    Also the tensor methods ``x.gelu(...)`` and ``x.gelu_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.gelu(pb.tensor([-1.0, 0.0, 1.0]), approximate="tanh")
        tensor([-0.1588,  0.0000,  0.8412], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _gelu(self, approximate=approximate, out=out)
    return result


_gelu_ = OperatorRef("pb::gelu", inplace=True)


@operator_function(_gelu_)
def gelu_(self: Tensor | bool | int | float, *, approximate: str = 'none') -> Tensor:
    """``gelu`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _gelu_(self, approximate=approximate)
    return result


_gt = OperatorRef("pb::gt")


@operator_function(_gt)
def gt(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self > other`` elementwise, returning a bool tensor.

    Schema: ``pb::gt(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.gt(...)`` and ``x.gt_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.gt(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))
        tensor([False, False,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _gt(self, other, out=out)
    return result


_gt_ = OperatorRef("pb::gt", inplace=True)


@operator_function(_gt_)
def gt_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``gt`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _gt_(self, other)
    return result


_index_put = OperatorRef("pb::index_put")


@operator_function(_index_put)
def index_put(self: Tensor, indices: Sequence[Tensor | None], values: Tensor, accumulate: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns ``self`` with ``values`` put at ``indices``, or added there if ``accumulate``.

    Schema: ``pb::index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor`` (primitive).
    Also the tensor method ``x.index_put(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.index_put(pb.zeros(4), (pb.tensor([0, 2]),), pb.tensor([1.0, 2.0]))
        tensor([1., 0., 2., 0.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _index_put(self, indices, values, accumulate, out=out)
    return result


_index_put_ = OperatorRef("pb::index_put_")


@operator_function(_index_put_)
def index_put_(self: Tensor, indices: Sequence[Tensor | None], values: Tensor, accumulate: bool = False) -> Tensor:
    """Puts ``values`` into ``self`` in place at ``indices``, adding them if ``accumulate``.

    Schema: ``pb::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)`` (composite).
    Also the tensor method ``x.index_put_(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.zeros(3).index_put_((pb.tensor([0, 0]),), pb.tensor([1.0, 2.0]), accumulate=True)
        tensor([3., 0., 0.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _index_put_(self, indices, values, accumulate)
    return result


_index_select = OperatorRef("pb::index_select")


@operator_function(_index_select)
def index_select(self: Tensor, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Selects the entries of ``self`` along ``dim`` at the positions in ``index``.

    Schema: ``pb::index_select(Tensor self, int dim, Tensor index) -> Tensor`` (primitive).
    Also the tensor method ``x.index_select(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.index_select(pb.tensor([[1, 2], [3, 4], [5, 6]]), dim=0, index=pb.tensor([2, 0]))
        tensor([[5, 6],
                [1, 2]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _index_select(self, dim, index, out=out)
    return result


_isfinite = OperatorRef("pb::isfinite")


@operator_function(_isfinite)
def isfinite(self: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Tests whether each element of ``self`` is finite, neither infinite nor NaN.

    Schema: ``pb::isfinite(Tensor self) -> Tensor`` (composite).
    Also the tensor method ``x.isfinite(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.isfinite(pb.tensor([1.0, float("inf"), float("nan")]))
        tensor([ True, False, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _isfinite(self, out=out)
    return result


_isinf = OperatorRef("pb::isinf")


@operator_function(_isinf)
def isinf(self: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Tests whether each element of ``self`` is positive or negative infinity.

    Schema: ``pb::isinf(Tensor self) -> Tensor`` (composite).
    Also the tensor method ``x.isinf(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.isinf(pb.tensor([1.0, float("inf"), -float("inf")]))
        tensor([False,  True,  True], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _isinf(self, out=out)
    return result


_isnan = OperatorRef("pb::isnan")


@operator_function(_isnan)
def isnan(self: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Tests whether each element of ``self`` is NaN.

    Schema: ``pb::isnan(Tensor self) -> Tensor`` (primitive).
    Also the tensor method ``x.isnan(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.isnan(pb.tensor([1.0, float("nan"), float("inf")]))
        tensor([False,  True, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _isnan(self, out=out)
    return result


_layer_norm = OperatorRef("pb::layer_norm")


@operator_function(_layer_norm)
def layer_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-05, *, out: Tensor | None = None) -> Tensor:
    """Normalizes ``input`` over its last ``normalized_shape`` dims, then scales and shifts.

    Schema: ``pb::layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05) -> Tensor`` (composite).
    Also the tensor method ``x.layer_norm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.layer_norm(pb.tensor([[1.0, 2.0, 3.0]]), [3])
        tensor([[-1.2247,  0.0000,  1.2247]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _layer_norm(input, normalized_shape, weight, bias, eps, out=out)
    return result


_le = OperatorRef("pb::le")


@operator_function(_le)
def le(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self <= other`` elementwise, returning a bool tensor.

    Schema: ``pb::le(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.le(...)`` and ``x.le_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.le(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))
        tensor([ True,  True, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _le(self, other, out=out)
    return result


_le_ = OperatorRef("pb::le", inplace=True)


@operator_function(_le_)
def le_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``le`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _le_(self, other)
    return result


_lerp = OperatorRef("pb::lerp")


@operator_function(_lerp)
def lerp(self: Tensor | bool | int | float, end: Tensor | bool | int | float, weight: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Interpolates linearly from ``self`` to ``end``: ``self + weight * (end - self)``.

    Schema: ``pb::lerp(Tensor self, Tensor end, Tensor weight) -> Tensor`` (composite).
    Also the tensor methods ``x.lerp(...)`` and ``x.lerp_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.lerp(pb.tensor([0.0, 10.0]), pb.tensor([10.0, 20.0]), pb.tensor([0.25, 0.5]))
        tensor([ 2.5, 15.0], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _lerp(self, end, weight, out=out)
    return result


_lerp_ = OperatorRef("pb::lerp", inplace=True)


@operator_function(_lerp_)
def lerp_(self: Tensor | bool | int | float, end: Tensor | bool | int | float, weight: Tensor | bool | int | float) -> Tensor:
    """``lerp`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _lerp_(self, end, weight)
    return result


_linear = OperatorRef("pb::linear")


@operator_function(_linear)
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None, *, out: Tensor | None = None) -> Tensor:
    """Applies the affine map ``input @ weight.T + bias``.

    Schema: ``pb::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor`` (composite).
    Also the tensor method ``x.linear(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.linear(pb.tensor([[1.0, 2.0]]), pb.tensor([[1.0, 1.0], [0.0, 1.0]]), pb.tensor([0.5, 0.0]))
        tensor([[3.5, 2.0]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _linear(input, weight, bias, out=out)
    return result


_log = OperatorRef("pb::log")


@operator_function(_log)
def log(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the natural logarithm of each element of ``self``.

    Schema: ``pb::log(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.log(...)`` and ``x.log_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.log(pb.tensor([1.0, 2.0, 4.0]))
        tensor([0.0000, 0.6931, 1.3863], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _log(self, out=out)
    return result


_log_ = OperatorRef("pb::log", inplace=True)


@operator_function(_log_)
def log_(self: Tensor | bool | int | float) -> Tensor:
    """``log`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _log_(self)
    return result


_log10 = OperatorRef("pb::log10")


@operator_function(_log10)
def log10(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the base-10 logarithm of each element of ``self``.

    Schema: ``pb::log10(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.log10(...)`` and ``x.log10_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.log10(pb.tensor([1.0, 10.0, 1000.0]))
        tensor([0., 1., 3.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _log10(self, out=out)
    return result


_log10_ = OperatorRef("pb::log10", inplace=True)


@operator_function(_log10_)
def log10_(self: Tensor | bool | int | float) -> Tensor:
    """``log10`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _log10_(self)
    return result


_log1p = OperatorRef("pb::log1p")


@operator_function(_log1p)
def log1p(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes ``log(1 + x)`` for each element ``x`` of ``self``, accurate near zero.

    Schema: ``pb::log1p(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.log1p(...)`` and ``x.log1p_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.log1p(pb.tensor([0.0, 1e-05, 1.0]))
        tensor([0.0000e+00, 9.9999e-06, 6.9315e-01], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _log1p(self, out=out)
    return result


_log1p_ = OperatorRef("pb::log1p", inplace=True)


@operator_function(_log1p_)
def log1p_(self: Tensor | bool | int | float) -> Tensor:
    """``log1p`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _log1p_(self)
    return result


_log2 = OperatorRef("pb::log2")


@operator_function(_log2)
def log2(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the base-2 logarithm of each element of ``self``.

    Schema: ``pb::log2(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.log2(...)`` and ``x.log2_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.log2(pb.tensor([1.0, 2.0, 8.0]))
        tensor([0., 1., 3.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _log2(self, out=out)
    return result


_log2_ = OperatorRef("pb::log2", inplace=True)


@operator_function(_log2_)
def log2_(self: Tensor | bool | int | float) -> Tensor:
    """``log2`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _log2_(self)
    return result


_log_softmax = OperatorRef("pb::log_softmax")


@operator_function(_log_softmax)
def log_softmax(self: Tensor, dim: int, dtype: DType | str | None = None, *, out: Tensor | None = None) -> Tensor:
    """Applies softmax along ``dim`` and takes its logarithm, computed stably.

    Schema: ``pb::log_softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor`` (composite).
    Also the tensor method ``x.log_softmax(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.log_softmax(pb.tensor([0.0, 0.0, 0.0, 0.0]), dim=0)
        tensor([-1.3863, -1.3863, -1.3863, -1.3863], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _log_softmax(self, dim, dtype, out=out)
    return result


_logical_and = OperatorRef("pb::logical_and")


@operator_function(_logical_and)
def logical_and(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the logical AND of ``self`` and ``other``, nonzero counting as true.

    Schema: ``pb::logical_and(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.logical_and(...)`` and ``x.logical_and_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.logical_and(pb.tensor([True, True, False]), pb.tensor([True, False, False]))
        tensor([ True, False, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _logical_and(self, other, out=out)
    return result


_logical_and_ = OperatorRef("pb::logical_and", inplace=True)


@operator_function(_logical_and_)
def logical_and_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``logical_and`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _logical_and_(self, other)
    return result


_logical_not = OperatorRef("pb::logical_not")


@operator_function(_logical_not)
def logical_not(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the logical NOT of each element of ``self``, nonzero counting as true.

    Schema: ``pb::logical_not(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.logical_not(...)`` and ``x.logical_not_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.logical_not(pb.tensor([0, 1, 2]))
        tensor([ True, False, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _logical_not(self, out=out)
    return result


_logical_not_ = OperatorRef("pb::logical_not", inplace=True)


@operator_function(_logical_not_)
def logical_not_(self: Tensor | bool | int | float) -> Tensor:
    """``logical_not`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _logical_not_(self)
    return result


_logical_or = OperatorRef("pb::logical_or")


@operator_function(_logical_or)
def logical_or(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the logical OR of ``self`` and ``other``, nonzero counting as true.

    Schema: ``pb::logical_or(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.logical_or(...)`` and ``x.logical_or_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.logical_or(pb.tensor([True, True, False]), pb.tensor([True, False, False]))
        tensor([ True,  True, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _logical_or(self, other, out=out)
    return result


_logical_or_ = OperatorRef("pb::logical_or", inplace=True)


@operator_function(_logical_or_)
def logical_or_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``logical_or`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _logical_or_(self, other)
    return result


_logical_xor = OperatorRef("pb::logical_xor")


@operator_function(_logical_xor)
def logical_xor(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the logical XOR of ``self`` and ``other``, nonzero counting as true.

    Schema: ``pb::logical_xor(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.logical_xor(...)`` and ``x.logical_xor_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.logical_xor(pb.tensor([True, True, False]), pb.tensor([True, False, False]))
        tensor([False,  True, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _logical_xor(self, other, out=out)
    return result


_logical_xor_ = OperatorRef("pb::logical_xor", inplace=True)


@operator_function(_logical_xor_)
def logical_xor_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``logical_xor`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _logical_xor_(self, other)
    return result


_logsumexp = OperatorRef("pb::logsumexp")


@operator_function(_logsumexp)
def logsumexp(self: Tensor, dim: int | Sequence[int], keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Returns the log of the sum of the exponentials of ``self`` over ``dim``, computed stably.

    Schema: ``pb::logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor`` (composite).
    Also the tensor method ``x.logsumexp(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.logsumexp(pb.tensor([[0.0, 0.0], [1.0, 1.0]]), dim=1)
        tensor([0.6931, 1.6931], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _logsumexp(self, dim, keepdim, out=out)
    return result


_lt = OperatorRef("pb::lt")


@operator_function(_lt)
def lt(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self < other`` elementwise, returning a bool tensor.

    Schema: ``pb::lt(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.lt(...)`` and ``x.lt_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.lt(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))
        tensor([ True, False, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _lt(self, other, out=out)
    return result


_lt_ = OperatorRef("pb::lt", inplace=True)


@operator_function(_lt_)
def lt_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``lt`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _lt_(self, other)
    return result


_masked_fill = OperatorRef("pb::masked_fill")


@operator_function(_masked_fill)
def masked_fill(self: Tensor | bool | int | float, mask: Tensor | bool | int | float, value: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Fills the elements of ``self`` where ``mask`` is true with ``value``.

    Schema: ``pb::masked_fill(Tensor self, Tensor mask, Tensor value) -> Tensor`` (composite).
    Also the tensor methods ``x.masked_fill(...)`` and ``x.masked_fill_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.masked_fill(pb.tensor([1, 2, 3]), pb.tensor([True, False, True]), 0)
        tensor([0, 2, 0], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _masked_fill(self, mask, value, out=out)
    return result


_masked_fill_ = OperatorRef("pb::masked_fill", inplace=True)


@operator_function(_masked_fill_)
def masked_fill_(self: Tensor | bool | int | float, mask: Tensor | bool | int | float, value: Tensor | bool | int | float) -> Tensor:
    """``masked_fill`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _masked_fill_(self, mask, value)
    return result


_matmul = OperatorRef("pb::matmul")


@operator_function(_matmul)
def matmul(self: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the matrix product of ``self`` and ``other``, broadcasting batch dimensions.

    Schema: ``pb::matmul(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor method ``x.matmul(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.matmul(pb.tensor([[1, 2], [3, 4]]), pb.tensor([1, 1]))
        tensor([3, 7], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _matmul(self, other, out=out)
    return result


_max_pool2d = OperatorRef("pb::max_pool2d")


@operator_function(_max_pool2d)
def max_pool2d(input: Tensor, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None, padding: int | Sequence[int] = (0, 0), dilation: int | Sequence[int] = (1, 1), ceil_mode: bool = False, *, out: Tensor | None = None) -> Tensor:
    """Applies 2-D max pooling over windows of ``kernel_size``, moved by ``stride``.

    Schema: ``pb::max_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=[0, 0], int[2] dilation=[1, 1], bool ceil_mode=False) -> Tensor`` (composite).
    Also the tensor method ``x.max_pool2d(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.max_pool2d(pb.arange(16.0).reshape(1, 1, 4, 4), kernel_size=2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, out=out)
    return result


_maximum = OperatorRef("pb::maximum")


@operator_function(_maximum)
def maximum(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the elementwise maximum of ``self`` and ``other``.

    Schema: ``pb::maximum(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.maximum(...)`` and ``x.maximum_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.maximum(pb.tensor([1, 5, 3]), pb.tensor([4, 2, 3]))
        tensor([4, 5, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _maximum(self, other, out=out)
    return result


_maximum_ = OperatorRef("pb::maximum", inplace=True)


@operator_function(_maximum_)
def maximum_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``maximum`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _maximum_(self, other)
    return result


_mean = OperatorRef("pb::mean")


@operator_function(_mean)
def mean(self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the mean of the elements of ``self`` over ``dim``, or over all of them.

    Schema: ``pb::mean(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor`` (composite).
    Also the tensor method ``x.mean(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.mean(pb.tensor([[1.0, 2.0], [3.0, 6.0]]), dim=1)
        tensor([1.5, 4.5], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _mean(self, dim, keepdim, dtype=dtype, out=out)
    return result


_minimum = OperatorRef("pb::minimum")


@operator_function(_minimum)
def minimum(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the elementwise minimum of ``self`` and ``other``.

    Schema: ``pb::minimum(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.minimum(...)`` and ``x.minimum_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.minimum(pb.tensor([1, 5, 3]), pb.tensor([4, 2, 3]))
        tensor([1, 2, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _minimum(self, other, out=out)
    return result


_minimum_ = OperatorRef("pb::minimum", inplace=True)


@operator_function(_minimum_)
def minimum_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``minimum`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _minimum_(self, other)
    return result


_mm = OperatorRef("pb::mm")


@operator_function(_mm)
def mm(self: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the matrix product of the 2-D tensors ``self`` and ``mat2``.

    Schema: ``pb::mm(Tensor self, Tensor mat2) -> Tensor`` (composite).
    Also the tensor method ``x.mm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.mm(pb.tensor([[1, 2], [3, 4]]), pb.tensor([[0, 1], [1, 0]]))
        tensor([[2, 1],
                [4, 3]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _mm(self, mat2, out=out)
    return result


_mse_loss = OperatorRef("pb::mse_loss")


@operator_function(_mse_loss)
def mse_loss(input: Tensor, target: Tensor, reduction: str = 'mean', *, out: Tensor | None = None) -> Tensor:
    """Computes the squared error between ``input`` and ``target``, reduced by ``reduction``.

    Schema: ``pb::mse_loss(Tensor input, Tensor target, str reduction='mean') -> Tensor`` (composite).
    Also the tensor method ``x.mse_loss(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.mse_loss(pb.tensor([1.0, 2.0, 3.0]), pb.tensor([1.0, 0.0, 0.0]))
        tensor(4.3333, dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _mse_loss(input, target, reduction, out=out)
    return result


_mul = OperatorRef("pb::mul")


@operator_function(_mul)
def mul(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Multiplies ``self`` by ``other`` elementwise.

    Schema: ``pb::mul(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.mul(...)`` and ``x.mul_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.mul(pb.tensor([1, 2, 3]), pb.tensor([4, 5, 6]))
        tensor([ 4, 10, 18], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _mul(self, other, out=out)
    return result


_mul_ = OperatorRef("pb::mul", inplace=True)


@operator_function(_mul_)
def mul_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``mul`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _mul_(self, other)
    return result


_nan_to_num = OperatorRef("pb::nan_to_num")


@operator_function(_nan_to_num)
def nan_to_num(self: Tensor | bool | int | float, nan: float | None = 0.0, posinf: float | None = None, neginf: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Replaces NaN, +inf and -inf in ``self`` with ``nan``, ``posinf`` and ``neginf``.

    Schema: ``pb::nan_to_num(Tensor self, float? nan=0.0, float? posinf=None, float? neginf=None) -> Tensor`` (composite).
    Also the tensor methods ``x.nan_to_num(...)`` and ``x.nan_to_num_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.nan_to_num(pb.tensor([float("nan"), float("inf"), -1.0]), posinf=100.0)
        tensor([  0., 100.,  -1.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _nan_to_num(self, nan, posinf, neginf, out=out)
    return result


_nan_to_num_ = OperatorRef("pb::nan_to_num", inplace=True)


@operator_function(_nan_to_num_)
def nan_to_num_(self: Tensor | bool | int | float, nan: float | None = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """``nan_to_num`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _nan_to_num_(self, nan, posinf, neginf)
    return result


_narrow = OperatorRef("pb::narrow")


@operator_function(_narrow)
def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Returns a view of ``length`` elements of ``self`` along ``dim``, from ``start``.

    Schema: ``pb::narrow(Tensor(a) self, int dim, int start, int length) -> Tensor(a)`` (view).
    Also the tensor method ``x.narrow(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.narrow(pb.arange(6), dim=0, start=1, length=3)
        tensor([1, 2, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _narrow(self, dim, start, length)
    return result


_ne = OperatorRef("pb::ne")


@operator_function(_ne)
def ne(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Tests ``self != other`` elementwise, returning a bool tensor.

    Schema: ``pb::ne(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.ne(...)`` and ``x.ne_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.ne(pb.tensor([1, 2, 3]), pb.tensor([1, 0, 3]))
        tensor([False,  True, False], dtype=pb.bool, device='cpu:0')
    """
    result: Tensor = _ne(self, other, out=out)
    return result


_ne_ = OperatorRef("pb::ne", inplace=True)


@operator_function(_ne_)
def ne_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``ne`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _ne_(self, other)
    return result


_neg = OperatorRef("pb::neg")


@operator_function(_neg)
def neg(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Negates each element of ``self``.

    Schema: ``pb::neg(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.neg(...)`` and ``x.neg_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.neg(pb.tensor([1, -2, 0]))
        tensor([-1,  2,  0], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _neg(self, out=out)
    return result


_neg_ = OperatorRef("pb::neg", inplace=True)


@operator_function(_neg_)
def neg_(self: Tensor | bool | int | float) -> Tensor:
    """``neg`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _neg_(self)
    return result


_norm = OperatorRef("pb::norm")


@operator_function(_norm)
def norm(self: Tensor, p: bool | int | float = 2, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the ``p``-norm of ``self`` over ``dim``, or over all of its elements.

    Schema: ``pb::norm(Tensor self, Scalar p=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor`` (composite).
    Also the tensor method ``x.norm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.norm(pb.tensor([3.0, -4.0]), p=1)
        tensor(7., dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _norm(self, p, dim, keepdim, dtype=dtype, out=out)
    return result


_outer = OperatorRef("pb::outer")


@operator_function(_outer)
def outer(self: Tensor, vec2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Computes the outer product of the 1-D tensors ``self`` and ``vec2``.

    Schema: ``pb::outer(Tensor self, Tensor vec2) -> Tensor`` (composite).
    Also the tensor method ``x.outer(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.outer(pb.tensor([1, 2]), pb.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _outer(self, vec2, out=out)
    return result


_pad = OperatorRef("pb::pad")


@operator_function(_pad)
def pad(self: Tensor, pad: int | Sequence[int], mode: str = 'constant', value: bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Pads ``self`` by the sizes in ``pad``, last dim first, in ``mode`` or with ``value``.

    Schema: ``pb::pad(Tensor self, int[] pad, str mode='constant', Scalar? value=None) -> Tensor`` (composite).
    Also the tensor method ``x.pad(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.pad(pb.tensor([1.0, 2.0]), [1, 2], value=9.0)
        tensor([9., 1., 2., 9., 9.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _pad(self, pad, mode, value, out=out)
    return result


_permute = OperatorRef("pb::permute")


@operator_function(_permute)
def permute(self: Tensor, dims: int | Sequence[int]) -> Tensor:
    """Returns a view of ``self`` with its dimensions reordered as ``dims``.

    Schema: ``pb::permute(Tensor(a) self, int[] dims) -> Tensor(a)`` (view).
    Also the tensor method ``x.permute(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.permute(pb.zeros(2, 3, 4), (2, 0, 1)).shape
        (4, 2, 3)
    """
    result: Tensor = _permute(self, dims)
    return result


_pow = OperatorRef("pb::pow")


@operator_function(_pow)
def pow(self: Tensor | bool | int | float, exponent: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Raises each element of ``self`` to the power ``exponent``.

    Schema: ``pb::pow(Tensor self, Tensor exponent) -> Tensor`` (primitive).
    Also the tensor methods ``x.pow(...)`` and ``x.pow_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.pow(pb.tensor([1, 2, 3]), 2)
        tensor([1, 4, 9], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _pow(self, exponent, out=out)
    return result


_pow_ = OperatorRef("pb::pow", inplace=True)


@operator_function(_pow_)
def pow_(self: Tensor | bool | int | float, exponent: Tensor | bool | int | float) -> Tensor:
    """``pow`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _pow_(self, exponent)
    return result


_prod = OperatorRef("pb::prod")


@operator_function(_prod)
def prod(self: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the product of the elements of ``self`` over ``dim``, or over all of them.

    Schema: ``pb::prod(Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor`` (primitive).
    Also the tensor method ``x.prod(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.prod(pb.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([ 2, 12], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _prod(self, dim, keepdim, dtype=dtype, out=out)
    return result


_reciprocal = OperatorRef("pb::reciprocal")


@operator_function(_reciprocal)
def reciprocal(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes ``1 / x`` for each element ``x`` of ``self``.

    Schema: ``pb::reciprocal(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.reciprocal(...)`` and ``x.reciprocal_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.reciprocal(pb.tensor([1.0, 2.0, 4.0]))
        tensor([1.00, 0.50, 0.25], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _reciprocal(self, out=out)
    return result


_reciprocal_ = OperatorRef("pb::reciprocal", inplace=True)


@operator_function(_reciprocal_)
def reciprocal_(self: Tensor | bool | int | float) -> Tensor:
    """``reciprocal`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _reciprocal_(self)
    return result


_relu = OperatorRef("pb::relu")


@operator_function(_relu)
def relu(self: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Applies the rectified linear unit, ``max(x, 0)``, to each element of ``self``.

    Schema: ``pb::relu(Tensor self) -> Tensor`` (composite).
    Also the tensor method ``x.relu(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.relu(pb.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _relu(self, out=out)
    return result


_remainder = OperatorRef("pb::remainder")


@operator_function(_remainder)
def remainder(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the remainder of ``self / other`` elementwise, with the sign of ``other``.

    Schema: ``pb::remainder(Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.remainder(...)`` and ``x.remainder_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.remainder(pb.tensor([-7, 7]), pb.tensor([3, 3]))
        tensor([2, 1], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _remainder(self, other, out=out)
    return result


_remainder_ = OperatorRef("pb::remainder", inplace=True)


@operator_function(_remainder_)
def remainder_(self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``remainder`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _remainder_(self, other)
    return result


_repeat = OperatorRef("pb::repeat")


@operator_function(_repeat)
def repeat(self: Tensor, repeats: int | Sequence[int], *, out: Tensor | None = None) -> Tensor:
    """Repeats ``self`` along each dimension the number of times given in ``repeats``.

    Schema: ``pb::repeat(Tensor self, int[] repeats) -> Tensor`` (composite).
    Also the tensor method ``x.repeat(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.repeat(pb.tensor([1, 2]), [2, 2])
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _repeat(self, repeats, out=out)
    return result


_reshape = OperatorRef("pb::reshape")


@operator_function(_reshape)
def reshape(self: Tensor, shape: int | Sequence[int]) -> Tensor:
    """Returns ``self`` with the new ``shape``, as a view where possible, else a copy.

    Schema: ``pb::reshape(Tensor(a) self, int[] shape) -> Tensor(a)`` (view).
    Also the tensor method ``x.reshape(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.reshape(pb.arange(6), (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _reshape(self, shape)
    return result


_rms_norm = OperatorRef("pb::rms_norm")


@operator_function(_rms_norm)
def rms_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Divides ``input`` by its root mean square over the last ``normalized_shape`` dims.

    Schema: ``pb::rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor`` (composite).
    Also the tensor method ``x.rms_norm(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.rms_norm(pb.tensor([[3.0, 4.0]]), [2])
        tensor([[0.8485, 1.1314]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _rms_norm(input, normalized_shape, weight, eps, out=out)
    return result


_roll = OperatorRef("pb::roll")


@operator_function(_roll)
def roll(self: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] = (), *, out: Tensor | None = None) -> Tensor:
    """Rolls the elements of ``self`` by ``shifts`` along ``dims``, wrapping around.

    Schema: ``pb::roll(Tensor self, int[1] shifts, int[1] dims=[]) -> Tensor`` (composite).
    Also the tensor method ``x.roll(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.roll(pb.tensor([1, 2, 3, 4]), shifts=1)
        tensor([4, 1, 2, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _roll(self, shifts, dims, out=out)
    return result


_round = OperatorRef("pb::round")


@operator_function(_round)
def round(self: Tensor | bool | int | float, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:
    """Rounds each element of ``self`` to ``decimals`` decimal places, halves to even.

    Schema: ``pb::round(Tensor self, *, int decimals=0) -> Tensor`` (primitive).
    Also the tensor methods ``x.round(...)`` and ``x.round_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.round(pb.tensor([0.5, 1.5, 2.5, -1.7]))
        tensor([ 0.,  2.,  2., -2.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _round(self, decimals=decimals, out=out)
    return result


_round_ = OperatorRef("pb::round", inplace=True)


@operator_function(_round_)
def round_(self: Tensor | bool | int | float, *, decimals: int = 0) -> Tensor:
    """``round`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _round_(self, decimals=decimals)
    return result


_rsqrt = OperatorRef("pb::rsqrt")


@operator_function(_rsqrt)
def rsqrt(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the reciprocal square root, ``1 / sqrt(x)``, of each element of ``self``.

    Schema: ``pb::rsqrt(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.rsqrt(...)`` and ``x.rsqrt_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.rsqrt(pb.tensor([1.0, 4.0, 16.0]))
        tensor([1.00, 0.50, 0.25], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _rsqrt(self, out=out)
    return result


_rsqrt_ = OperatorRef("pb::rsqrt", inplace=True)


@operator_function(_rsqrt_)
def rsqrt_(self: Tensor | bool | int | float) -> Tensor:
    """``rsqrt`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _rsqrt_(self)
    return result


_scaled_dot_product_attention = OperatorRef("pb::scaled_dot_product_attention")


@operator_function(_scaled_dot_product_attention)
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None, dropout_p: float = 0.0, is_causal: bool = False, *, scale: float | None = None, enable_gqa: bool = False, out: Tensor | None = None) -> Tensor:
    """Computes ``softmax(query @ key.mT * scale + attn_mask) @ value``, optionally causal.

    Schema: ``pb::scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor`` (composite).
    Also the tensor method ``x.scaled_dot_product_attention(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.scaled_dot_product_attention(pb.ones(1, 2, 2), pb.ones(1, 2, 2), pb.tensor([[[1.0, 2.0], [3.0, 4.0]]]), is_causal=True)
        tensor([[[1., 2.],
                 [2., 3.]]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale=scale, enable_gqa=enable_gqa, out=out)
    return result


_scatter_add = OperatorRef("pb::scatter_add")


@operator_function(_scatter_add)
def scatter_add(self: Tensor, dim: int, index: Tensor, src: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Adds the values of ``src`` into ``self`` at the positions in ``index`` along ``dim``.

    Schema: ``pb::scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor`` (primitive).
    Also the tensor method ``x.scatter_add(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.scatter_add(pb.zeros(3), 0, pb.tensor([0, 0, 2]), pb.tensor([1.0, 2.0, 3.0]))
        tensor([3., 0., 3.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _scatter_add(self, dim, index, src, out=out)
    return result


_select = OperatorRef("pb::select")


@operator_function(_select)
def select(self: Tensor, dim: int, index: int) -> Tensor:
    """Returns a view of ``self`` at ``index`` along ``dim``, with that dimension removed.

    Schema: ``pb::select(Tensor(a) self, int dim, int index) -> Tensor(a)`` (view).
    Also the tensor method ``x.select(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.select(pb.tensor([[1, 2], [3, 4]]), dim=1, index=0)
        tensor([1, 3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _select(self, dim, index)
    return result


_sigmoid = OperatorRef("pb::sigmoid")


@operator_function(_sigmoid)
def sigmoid(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Applies the logistic sigmoid, ``1 / (1 + exp(-x))``, to each element of ``self``.

    Schema: ``pb::sigmoid(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.sigmoid(...)`` and ``x.sigmoid_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.sigmoid(pb.tensor([-1.0, 0.0, 1.0]))
        tensor([0.2689, 0.5000, 0.7311], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _sigmoid(self, out=out)
    return result


_sigmoid_ = OperatorRef("pb::sigmoid", inplace=True)


@operator_function(_sigmoid_)
def sigmoid_(self: Tensor | bool | int | float) -> Tensor:
    """``sigmoid`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _sigmoid_(self)
    return result


_sign = OperatorRef("pb::sign")


@operator_function(_sign)
def sign(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Returns the sign of each element of ``self``: -1, 0 or 1.

    Schema: ``pb::sign(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.sign(...)`` and ``x.sign_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.sign(pb.tensor([-2.5, 0.0, 3.0]))
        tensor([-1.,  0.,  1.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _sign(self, out=out)
    return result


_sign_ = OperatorRef("pb::sign", inplace=True)


@operator_function(_sign_)
def sign_(self: Tensor | bool | int | float) -> Tensor:
    """``sign`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _sign_(self)
    return result


_silu = OperatorRef("pb::silu")


@operator_function(_silu)
def silu(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Applies the SiLU (swish) function, ``x * sigmoid(x)``, to each element of ``self``.

    Schema: ``pb::silu(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.silu(...)`` and ``x.silu_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.silu(pb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.0000,  0.7311], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _silu(self, out=out)
    return result


_silu_ = OperatorRef("pb::silu", inplace=True)


@operator_function(_silu_)
def silu_(self: Tensor | bool | int | float) -> Tensor:
    """``silu`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _silu_(self)
    return result


_sin = OperatorRef("pb::sin")


@operator_function(_sin)
def sin(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the sine of each element of ``self``, in radians.

    Schema: ``pb::sin(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.sin(...)`` and ``x.sin_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.sin(pb.tensor([0.0, 1.0, 3.0]))
        tensor([0.0000, 0.8415, 0.1411], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _sin(self, out=out)
    return result


_sin_ = OperatorRef("pb::sin", inplace=True)


@operator_function(_sin_)
def sin_(self: Tensor | bool | int | float) -> Tensor:
    """``sin`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _sin_(self)
    return result


_softmax = OperatorRef("pb::softmax")


@operator_function(_softmax)
def softmax(self: Tensor, dim: int, dtype: DType | str | None = None, *, out: Tensor | None = None) -> Tensor:
    """Applies softmax along ``dim``: exponentials rescaled to sum to one.

    Schema: ``pb::softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor`` (composite).
    Also the tensor method ``x.softmax(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.softmax(pb.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([0.0900, 0.2447, 0.6652], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _softmax(self, dim, dtype, out=out)
    return result


_softplus = OperatorRef("pb::softplus")


@operator_function(_softplus)
def softplus(self: Tensor | bool | int | float, beta: bool | int | float = 1, threshold: bool | int | float = 20, *, out: Tensor | None = None) -> Tensor:
    """Applies ``log(1 + exp(beta * x)) / beta`` elementwise, linear above ``threshold``.

    Schema: ``pb::softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor`` (composite).
    Also the tensor methods ``x.softplus(...)`` and ``x.softplus_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.softplus(pb.tensor([-1.0, 0.0, 1.0]), beta=2)
        tensor([0.0635, 0.3466, 1.0635], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _softplus(self, beta, threshold, out=out)
    return result


_softplus_ = OperatorRef("pb::softplus", inplace=True)


@operator_function(_softplus_)
def softplus_(self: Tensor | bool | int | float, beta: bool | int | float = 1, threshold: bool | int | float = 20) -> Tensor:
    """``softplus`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _softplus_(self, beta, threshold)
    return result


_sort = OperatorRef("pb::sort")


@operator_function(_sort)
def sort(self: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
    """Sorts ``self`` along ``dim``, ascending unless ``descending``, giving values and indices.

    Schema: ``pb::sort(Tensor self, int dim=-1, bool descending=False, *, bool stable=False) -> (Tensor values, Tensor indices)`` (primitive).
    Also the tensor method ``x.sort(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.sort(pb.tensor([3, 1, 2]))
        sort(values=tensor([1, 2, 3], dtype=pb.int64, device='cpu:0'), indices=tensor([1, 2, 0], dtype=pb.int64, device='cpu:0'))
    """
    result: tuple[Tensor, Tensor] = _sort(self, dim, descending, stable=stable, out=out)
    return result


_split_with_sizes = OperatorRef("pb::split_with_sizes")


@operator_function(_split_with_sizes)
def split_with_sizes(self: Tensor, split_sizes: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Splits ``self`` into views with the lengths ``split_sizes`` along ``dim``.

    Schema: ``pb::split_with_sizes(Tensor(a -> *) self, int[] split_sizes, int dim=0) -> Tensor(a)[]`` (view).
    Also the tensor method ``x.split_with_sizes(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.split_with_sizes(pb.arange(5), [1, 4])
        (tensor([0], dtype=pb.int64, device='cpu:0'), tensor([1, 2, 3, 4], dtype=pb.int64, device='cpu:0'))
    """
    result: tuple[Tensor, ...] = _split_with_sizes(self, split_sizes, dim)
    return result


_sqrt = OperatorRef("pb::sqrt")


@operator_function(_sqrt)
def sqrt(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the square root of each element of ``self``.

    Schema: ``pb::sqrt(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.sqrt(...)`` and ``x.sqrt_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.sqrt(pb.tensor([1.0, 4.0, 9.0]))
        tensor([1., 2., 3.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _sqrt(self, out=out)
    return result


_sqrt_ = OperatorRef("pb::sqrt", inplace=True)


@operator_function(_sqrt_)
def sqrt_(self: Tensor | bool | int | float) -> Tensor:
    """``sqrt`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _sqrt_(self)
    return result


_square = OperatorRef("pb::square")


@operator_function(_square)
def square(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the square of each element of ``self``.

    Schema: ``pb::square(Tensor self) -> Tensor`` (composite).
    Also the tensor methods ``x.square(...)`` and ``x.square_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.square(pb.tensor([-2, 0, 3]))
        tensor([4, 0, 9], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _square(self, out=out)
    return result


_square_ = OperatorRef("pb::square", inplace=True)


@operator_function(_square_)
def square_(self: Tensor | bool | int | float) -> Tensor:
    """``square`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _square_(self)
    return result


_squeeze = OperatorRef("pb::squeeze")


@operator_function(_squeeze)
def squeeze(self: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """Returns a view of ``self`` without its size-1 dimensions, or only ``dim`` if given.

    Schema: ``pb::squeeze(Tensor(a) self, int[1]? dim=None) -> Tensor(a)`` (view).
    Also the tensor method ``x.squeeze(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.squeeze(pb.zeros(2, 1, 3, 1), dim=1).shape
        (2, 3, 1)
    """
    result: Tensor = _squeeze(self, dim)
    return result


_stack = OperatorRef("pb::stack")


@operator_function(_stack)
def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Joins ``tensors`` of one shape along a new dimension ``dim``.

    Schema: ``pb::stack(Tensor[] tensors, int dim=0) -> Tensor`` (composite).

    Example:
        >>> import plugboard as pb
        >>> pb.stack([pb.tensor([1, 2]), pb.tensor([3, 4])], dim=1)
        tensor([[1, 3],
                [2, 4]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _stack(tensors, dim, out=out)
    return result


_std = OperatorRef("pb::std")


@operator_function(_std)
def std(self: Tensor, dim: int | Sequence[int] | None = None, *, correction: bool | int | float = 1, keepdim: bool = False, out: Tensor | None = None) -> Tensor:
    """Returns the standard deviation of ``self`` over ``dim``, with ``correction`` (default 1).

    Schema: ``pb::std(Tensor self, int[1]? dim=None, *, Scalar correction=1, bool keepdim=False) -> Tensor`` (composite).
    Also the tensor method ``x.std(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.std(pb.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.291, dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _std(self, dim, correction=correction, keepdim=keepdim, out=out)
    return result


_sub = OperatorRef("pb::sub")


@operator_function(_sub)
def sub(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
    """Subtracts ``other``, scaled by ``alpha``, from ``self``.

    Schema: ``pb::sub(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`` (primitive).
    Also the tensor methods ``x.sub(...)`` and ``x.sub_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.sub(pb.tensor([10, 20, 30]), pb.tensor([1, 2, 3]), alpha=2)
        tensor([ 8, 16, 24], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _sub(self, other, alpha=alpha, out=out)
    return result


_sub_ = OperatorRef("pb::sub", inplace=True)


@operator_function(_sub_)
def sub_(self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1) -> Tensor:
    """``sub`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _sub_(self, other, alpha=alpha)
    return result


_sum = OperatorRef("pb::sum")


@operator_function(_sum)
def sum(self: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
    """Returns the sum of the elements of ``self`` over ``dim``, or over all of them.

    Schema: ``pb::sum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor`` (primitive).
    Also the tensor method ``x.sum(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.sum(pb.tensor([[1, 2], [3, 4]]), dim=0)
        tensor([4, 6], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _sum(self, dim, keepdim, dtype=dtype, out=out)
    return result


_t = OperatorRef("pb::t")


@operator_function(_t)
def t(self: Tensor) -> Tensor:
    """Returns a view of the matrix ``self`` transposed; a 0-D or 1-D tensor stays as is.

    Schema: ``pb::t(Tensor(a) self) -> Tensor(a)`` (view).
    Also the tensor method ``x.t(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.t(pb.tensor([[1, 2, 3]]))
        tensor([[1],
                [2],
                [3]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _t(self)
    return result


_tan = OperatorRef("pb::tan")


@operator_function(_tan)
def tan(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the tangent of each element of ``self``, in radians.

    Schema: ``pb::tan(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.tan(...)`` and ``x.tan_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.tan(pb.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.5574,  0.0000,  1.5574], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _tan(self, out=out)
    return result


_tan_ = OperatorRef("pb::tan", inplace=True)


@operator_function(_tan_)
def tan_(self: Tensor | bool | int | float) -> Tensor:
    """``tan`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _tan_(self)
    return result


_tanh = OperatorRef("pb::tanh")


@operator_function(_tanh)
def tanh(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Computes the hyperbolic tangent of each element of ``self``.

    Schema: ``pb::tanh(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.tanh(...)`` and ``x.tanh_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.tanh(pb.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7616,  0.0000,  0.7616], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _tanh(self, out=out)
    return result


_tanh_ = OperatorRef("pb::tanh", inplace=True)


@operator_function(_tanh_)
def tanh_(self: Tensor | bool | int | float) -> Tensor:
    """``tanh`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _tanh_(self)
    return result


_tile = OperatorRef("pb::tile")


@operator_function(_tile)
def tile(self: Tensor, dims: int | Sequence[int], *, out: Tensor | None = None) -> Tensor:
    """Repeats ``self`` along each dimension as ``dims`` says, missing leading ``dims`` being 1.

    Schema: ``pb::tile(Tensor self, int[] dims) -> Tensor`` (composite).
    Also the tensor method ``x.tile(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.tile(pb.tensor([[1, 2]]), [2])
        tensor([[1, 2, 1, 2]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _tile(self, dims, out=out)
    return result


_topk = OperatorRef("pb::topk")


@operator_function(_topk)
def topk(self: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
    """Returns the ``k`` largest (or smallest) elements of ``self`` along ``dim``, and indices.

    Schema: ``pb::topk(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)`` (primitive).
    Also the tensor method ``x.topk(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.topk(pb.tensor([1, 5, 3, 4]), k=2)
        topk(values=tensor([5, 4], dtype=pb.int64, device='cpu:0'), indices=tensor([1, 3], dtype=pb.int64, device='cpu:0'))
    """
    result: tuple[Tensor, Tensor] = _topk(self, k, dim, largest, sorted, out=out)
    return result


_transpose = OperatorRef("pb::transpose")


@operator_function(_transpose)
def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Returns a view of ``self`` with the dimensions ``dim0`` and ``dim1`` swapped.

    Schema: ``pb::transpose(Tensor(a) self, int dim0, int dim1) -> Tensor(a)`` (view).
    Also the tensor method ``x.transpose(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.transpose(pb.zeros(2, 3, 4), 0, 2).shape
        (4, 3, 2)
    """
    result: Tensor = _transpose(self, dim0, dim1)
    return result


_tril = OperatorRef("pb::tril")


@operator_function(_tril)
def tril(self: Tensor, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Returns the lower triangle of the matrix ``self``, zeroing entries above ``diagonal``.

    Schema: ``pb::tril(Tensor self, int diagonal=0) -> Tensor`` (primitive).
    Also the tensor method ``x.tril(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.tril(pb.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _tril(self, diagonal, out=out)
    return result


_triu = OperatorRef("pb::triu")


@operator_function(_triu)
def triu(self: Tensor, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Returns the upper triangle of the matrix ``self``, zeroing entries below ``diagonal``.

    Schema: ``pb::triu(Tensor self, int diagonal=0) -> Tensor`` (primitive).
    Also the tensor method ``x.triu(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.triu(pb.ones(3, 3), diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _triu(self, diagonal, out=out)
    return result


_trunc = OperatorRef("pb::trunc")


@operator_function(_trunc)
def trunc(self: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Rounds each element of ``self`` toward zero, dropping its fractional part.

    Schema: ``pb::trunc(Tensor self) -> Tensor`` (primitive).
    Also the tensor methods ``x.trunc(...)`` and ``x.trunc_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.trunc(pb.tensor([-1.7, 0.2, 2.9]))
        tensor([-1.,  0.,  2.], dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _trunc(self, out=out)
    return result


_trunc_ = OperatorRef("pb::trunc", inplace=True)


@operator_function(_trunc_)
def trunc_(self: Tensor | bool | int | float) -> Tensor:
    """``trunc`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _trunc_(self)
    return result


_unbind = OperatorRef("pb::unbind")


@operator_function(_unbind)
def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """Removes the dimension ``dim`` of ``self``, returning a tuple of views along it.

    Schema: ``pb::unbind(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]`` (view).
    Also the tensor method ``x.unbind(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.unbind(pb.tensor([[1, 2], [3, 4]]), dim=1)
        (tensor([1, 3], dtype=pb.int64, device='cpu:0'), tensor([2, 4], dtype=pb.int64, device='cpu:0'))
    """
    result: tuple[Tensor, ...] = _unbind(self, dim)
    return result


_unflatten = OperatorRef("pb::unflatten")


@operator_function(_unflatten)
def unflatten(self: Tensor, dim: int, sizes: int | Sequence[int]) -> Tensor:
    """Returns a view of ``self`` with the dimension ``dim`` split into the sizes ``sizes``.

    Schema: ``pb::unflatten(Tensor(a) self, int dim, int[] sizes) -> Tensor(a)`` (view).
    Also the tensor method ``x.unflatten(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.unflatten(pb.zeros(2, 6), dim=1, sizes=(2, 3)).shape
        (2, 2, 3)
    """
    result: Tensor = _unflatten(self, dim, sizes)
    return result


_unsqueeze = OperatorRef("pb::unsqueeze")


@operator_function(_unsqueeze)
def unsqueeze(self: Tensor, dim: int) -> Tensor:
    """Returns a view of ``self`` with a size-1 dimension inserted at position ``dim``.

    Schema: ``pb::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)`` (view).
    Also the tensor method ``x.unsqueeze(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.unsqueeze(pb.tensor([1, 2]), dim=0)
        tensor([[1, 2]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _unsqueeze(self, dim)
    return result


_var = OperatorRef("pb::var")


@operator_function(_var)
def var(self: Tensor, dim: int | Sequence[int] | None = None, *, correction: bool | int | float = 1, keepdim: bool = False, out: Tensor | None = None) -> Tensor:
    """Returns the variance of ``self`` over ``dim``, with ``correction`` (default 1).

    Schema: ``pb::var(Tensor self, int[1]? dim=None, *, Scalar correction=1, bool keepdim=False) -> Tensor`` (composite).
    Also the tensor method ``x.var(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.var(pb.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.6667, dtype=pb.float32, device='cpu:0')
    """
    result: Tensor = _var(self, dim, correction=correction, keepdim=keepdim, out=out)
    return result


_view = OperatorRef("pb::view")


@operator_function(_view)
def view(self: Tensor, size: int | Sequence[int]) -> Tensor:
    """Returns a view of ``self``, sharing its data, with the new shape ``size``.

    Schema: ``pb::view(Tensor(a) self, int[] size) -> Tensor(a)`` (view).
    Also the tensor method ``x.view(...)``.

    Example:
        >>> import plugboard as pb
        >>> pb.arange(6).view(3, 2)
        tensor([[0, 1],
                [2, 3],
                [4, 5]], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _view(self, size)
    return result


_where = OperatorRef("pb::where")


@operator_function(_where)
def where(condition: Tensor | bool | int | float, self: Tensor | bool | int | float, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
    """Selects elements from ``self`` where ``condition`` is true and from ``other`` elsewhere.

    Schema: ``pb::where(Tensor condition, Tensor self, Tensor other) -> Tensor`` (primitive).
    Also the tensor methods ``x.where(...)`` and ``x.where_(...)`` (in place).

    Example:
        >>> import plugboard as pb
        >>> pb.where(pb.tensor([True, False, True]), pb.tensor([1, 2, 3]), pb.tensor([-1, -2, -3]))
        tensor([ 1, -2,  3], dtype=pb.int64, device='cpu:0')
    """
    result: Tensor = _where(condition, self, other, out=out)
    return result


_where_ = OperatorRef("pb::where", inplace=True)


@operator_function(_where_)
def where_(condition: Tensor | bool | int | float, self: Tensor | bool | int | float, other: Tensor | bool | int | float) -> Tensor:
    """``where`` in place: writes the result into ``self``; returns it."""
    result: Tensor = _where_(condition, self, other)
    return result


# Tensor methods that are these functions with the tensor first.
METHODS: Final[dict[str, Callable[..., Any]]] = {
    "abs": abs,
    "abs_": abs_,
    "add": add,
    "add_": add_,
    "addcdiv": addcdiv,
    "addcdiv_": addcdiv_,
    "addcmul": addcmul,
    "addcmul_": addcmul_,
    "addmm": addmm,
    "all": all,
    "amax": amax,
    "amin": amin,
    "any": any,
    "argmax": argmax,
    "argmin": argmin,
    "argsort": argsort,
    "as_strided": as_strided,
    "atan": atan,
    "atan_": atan_,
    "atan2": atan2,
    "atan2_": atan2_,
    "avg_pool2d": avg_pool2d,
    "batch_norm": batch_norm,
    "bitwise_and": bitwise_and,
    "bitwise_and_": bitwise_and_,
    "bitwise_left_shift": bitwise_left_shift,
    "bitwise_left_shift_": bitwise_left_shift_,
    "bitwise_not": bitwise_not,
    "bitwise_not_": bitwise_not_,
    "bitwise_or": bitwise_or,
    "bitwise_or_": bitwise_or_,
    "bitwise_right_shift": bitwise_right_shift,
    "bitwise_right_shift_": bitwise_right_shift_,
    "bitwise_xor": bitwise_xor,
    "bitwise_xor_": bitwise_xor_,
    "bmm": bmm,
    "ceil": ceil,
    "ceil_": ceil_,
    "chunk": chunk,
    "clamp": clamp,
    "clamp_": clamp_,
    "clone": clone,
    "contiguous": contiguous,
    "cos": cos,
    "cos_": cos_,
    "cross_entropy": cross_entropy,
    "cumprod": cumprod,
    "cumsum": cumsum,
    "diagonal": diagonal,
    "div": div,
    "div_": div_,
    "dot": dot,
    "dropout": dropout,
    "embedding": embedding,
    "eq": eq,
    "eq_": eq_,
    "erf": erf,
    "erf_": erf_,
    "exp": exp,
    "exp_": exp_,
    "expm1": expm1,
    "expm1_": expm1_,
    "flatten": flatten,
    "floor": floor,
    "floor_": floor_,
    "fmod": fmod,
    "fmod_": fmod_,
    "gather": gather,
    "ge": ge,
    "ge_": ge_,
    "gelu": gelu,
    "gelu_": gelu_,
    "gt": gt,
    "gt_": gt_,
    "index_put": index_put,
    "index_put_": index_put_,
    "index_select": index_select,
    "isfinite": isfinite,
    "isinf": isinf,
    "isnan": isnan,
    "layer_norm": layer_norm,
    "le": le,
    "le_": le_,
    "lerp": lerp,
    "lerp_": lerp_,
    "linear": linear,
    "log": log,
    "log_": log_,
    "log10": log10,
    "log10_": log10_,
    "log1p": log1p,
    "log1p_": log1p_,
    "log2": log2,
    "log2_": log2_,
    "log_softmax": log_softmax,
    "logical_and": logical_and,
    "logical_and_": logical_and_,
    "logical_not": logical_not,
    "logical_not_": logical_not_,
    "logical_or": logical_or,
    "logical_or_": logical_or_,
    "logical_xor": logical_xor,
    "logical_xor_": logical_xor_,
    "logsumexp": logsumexp,
    "lt": lt,
    "lt_": lt_,
    "masked_fill": masked_fill,
    "masked_fill_": masked_fill_,
    "matmul": matmul,
    "max_pool2d": max_pool2d,
    "maximum": maximum,
    "maximum_": maximum_,
    "mean": mean,
    "minimum": minimum,
    "minimum_": minimum_,
    "mm": mm,
    "mse_loss": mse_loss,
    "mul": mul,
    "mul_": mul_,
    "nan_to_num": nan_to_num,
    "nan_to_num_": nan_to_num_,
    "narrow": narrow,
    "ne": ne,
    "ne_": ne_,
    "neg": neg,
    "neg_": neg_,
    "norm": norm,
    "outer": outer,
    "pad": pad,
    "pow": pow,
    "pow_": pow_,
    "prod": prod,
    "reciprocal": reciprocal,
    "reciprocal_": reciprocal_,
    "relu": relu,
    "remainder": remainder,
    "remainder_": remainder_,
    "rms_norm": rms_norm,
    "roll": roll,
    "round": round,
    "round_": round_,
    "rsqrt": rsqrt,
    "rsqrt_": rsqrt_,
    "scaled_dot_product_attention": scaled_dot_product_attention,
    "scatter_add": scatter_add,
    "select": select,
    "sigmoid": sigmoid,
    "sigmoid_": sigmoid_,
    "sign": sign,
    "sign_": sign_,
    "silu": silu,
    "silu_": silu_,
    "sin": sin,
    "sin_": sin_,
    "softmax": softmax,
    "softplus": softplus,
    "softplus_": softplus_,
    "sort": sort,
    "split_with_sizes": split_with_sizes,
    "sqrt": sqrt,
    "sqrt_": sqrt_,
    "square": square,
    "square_": square_,
    "squeeze": squeeze,
    "std": std,
    "sub": sub,
    "sub_": sub_,
    "sum": sum,
    "t": t,
    "tan": tan,
    "tan_": tan_,
    "tanh": tanh,
    "tanh_": tanh_,
    "topk": topk,
    "transpose": transpose,
    "tril": tril,
    "triu": triu,
    "trunc": trunc,
    "trunc_": trunc_,
    "unbind": unbind,
    "unflatten": unflatten,
    "unsqueeze": unsqueeze,
    "var": var,
    "where_": where_,
}
