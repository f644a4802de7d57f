"""Operators as Tensor methods and Python operators, attached from tables.

``x + y`` is ``pb.add(x, y)``; ``2 - x`` is ``pb.sub(2, x)``; ``x += y`` is
``x.add_(y)``. Methods named like an operator call it with ``x`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import OperatorHandle, handle
from plugboard._frontend import clamps, comparison, inplace, like, selection
from plugboard._frontend.conversion import copy_, to_method
from plugboard._frontend.dlpack import dlpack_device, to_dlpack
from plugboard._frontend.factories import tensor
from plugboard._frontend.functions import METHODS
from plugboard._frontend.indexing import getitem, setitem
from plugboard._frontend.shapes import broadcast_to, movedim, split
from plugboard._ops.meta import op
from plugboard._ops.reductions import max, min
from plugboard._ops.shape import scatter

# dunder -> (operator, keyword arguments, reflected)
_OPERATORS: dict[str, tuple[str, dict[str, Any], bool]] = {
    "__add__": ("add", {}, False),
    "__radd__": ("add", {}, True),
    "__sub__": ("sub", {}, False),
    "__rsub__": ("sub", {}, True),
    "__mul__": ("mul", {}, False),
    "__rmul__": ("mul", {}, True),
    "__truediv__": ("div", {}, False),
    "__rtruediv__": ("div", {}, True),
    "__floordiv__": ("div", {"rounding_mode": "floor"}, False),
    "__rfloordiv__": ("div", {"rounding_mode": "floor"}, True),
    "__mod__": ("remainder", {}, False),
    "__rmod__": ("remainder", {}, True),
    "__pow__": ("pow", {}, False),
    "__rpow__": ("pow", {}, True),
    "__matmul__": ("matmul", {}, False),
    "__rmatmul__": ("matmul", {}, True),
    "__and__": ("bitwise_and", {}, False),
    "__rand__": ("bitwise_and", {}, True),
    "__or__": ("bitwise_or", {}, False),
    "__ror__": ("bitwise_or", {}, True),
    "__xor__": ("bitwise_xor", {}, False),
    "__rxor__": ("bitwise_xor", {}, True),
    "__lshift__": ("bitwise_left_shift", {}, False),
    "__rlshift__": ("bitwise_left_shift", {}, True),
    "__rshift__": ("bitwise_right_shift", {}, False),
    "__rrshift__": ("bitwise_right_shift", {}, True),
    "__eq__": ("eq", {}, False),
    "__ne__": ("ne", {}, False),
    "__lt__": ("lt", {}, False),
    "__le__": ("le", {}, False),
    "__gt__": ("gt", {}, False),
    "__ge__": ("ge", {}, False),
    "__iadd__": ("add_", {}, False),
    "__isub__": ("sub_", {}, False),
    "__imul__": ("mul_", {}, False),
    "__itruediv__": ("div_", {}, False),
    "__ifloordiv__": ("div_", {"rounding_mode": "floor"}, False),
    "__imod__": ("remainder_", {}, False),
    "__ipow__": ("pow_", {}, False),
    "__iand__": ("bitwise_and_", {}, False),
    "__ior__": ("bitwise_or_", {}, False),
    "__ixor__": ("bitwise_xor_", {}, False),
    "__ilshift__": ("bitwise_left_shift_", {}, False),
    "__irshift__": ("bitwise_right_shift_", {}, False),
}

_UNARY_OPERATORS = {"__neg__": "neg", "__abs__": "abs", "__invert__": "bitwise_not"}

# Operands Python hands to a reflected or binary operator that plugboard computes with;
# anything else returns NotImplemented so Python can try the other operand.
_OPERAND_TYPES = (Tensor, bool, int, float)


def _binary(op: OperatorHandle, kwargs: dict[str, Any], reflected: bool) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, _OPERAND_TYPES) and not (
            isinstance(other, np.generic) and other.dtype.kind in "biuf"
        ):
            return NotImplemented
        if reflected:
            return op(other, self, **kwargs)
        return op(self, other, **kwargs)

    return method


def _unary(op: OperatorHandle) -> Callable[..., Any]:
    def method(self: Tensor) -> Any:
        return op(self)

    return method


def _view(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return op("view")(self, shape)


def _reshape(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return op("reshape")(self, shape)


def _permute(self: Tensor, *dims: Any) -> Tensor:
    order = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    return op("permute")(self, order)


def _expand(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return op("expand")(self, shape)


def _sizes_varargs(name: str) -> Callable[..., Tensor]:
    """``x.name(2, 3)`` or ``x.name((2, 3))``, as PyTorch's ``repeat``, ``tile`` and ``flip``."""
    operator = op(name)

    def method(self: Tensor, *sizes: Any, **kwargs: Any) -> Tensor:
        if not sizes:
            return operator(self, **kwargs)
        listed = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        return operator(self, listed, **kwargs)

    method.__name__ = name
    method.__doc__ = f"<operator pb::{name}>: {handle('pb::' + name).schema}"
    return method


def _t_property(self: Tensor) -> Tensor:
    return op("permute")(self, tuple(range(self.ndim - 1, -1, -1)))


def _mt_property(self: Tensor) -> Tensor:
    return op("transpose")(self, -2, -1)


def install() -> None:
    """Give :class:`plugboard.Tensor` its front-end methods; plugboard calls this once at start.

    The operator methods are the generated functions themselves (``Tensor.add``
    is ``pb.add``, the tensor first), so they have the functions' signatures
    and docstrings. Python's operators call the same operators from the table
    above; methods with several forms or varargs sizes have front ends here.
    """
    for name, function in METHODS.items():
        setattr(Tensor, name, function)
    for dunder, (name, kwargs, reflected) in _OPERATORS.items():
        operator = handle("pb::" + name.rstrip("_"), inplace=name.endswith("_"))
        setattr(Tensor, dunder, _binary(operator, kwargs, reflected))
    for dunder, name in _UNARY_OPERATORS.items():
        setattr(Tensor, dunder, _unary(handle("pb::" + name)))
    front_ends: dict[str, Any] = {
        "__pos__": lambda self: self,
        "__getitem__": getitem,
        "__setitem__": setitem,
        "__reduce__": _reduce,
        "__dlpack__": to_dlpack,
        "__dlpack_device__": dlpack_device,
        "max": max,
        "min": min,
        "scatter": scatter,
        "to": to_method,
        "cpu": lambda self: to_method(self, "cpu"),
        "copy_": copy_,
        "where": _where,
        "split": split,
        "view": _view,
        "reshape": _reshape,
        "permute": _permute,
        "expand": _expand,
        "T": property(_t_property),
        "mT": property(_mt_property),
        **{name: _sizes_varargs(name) for name in ("repeat", "tile", "flip")},
        **_pytorch_methods(),
    }
    for name, value in front_ends.items():
        setattr(Tensor, name, value)


def _pytorch_methods() -> dict[str, Any]:
    """PyTorch's methods that are no operator's: conversions, ``*_as``, ``new_*``, in-place
    forms, and the functions of the front end with the tensor first (``x.isclose(y)``)."""
    return {
        **{name: like.dtype_method(name) for name in like.DTYPE_METHODS},
        "type_as": like.type_as,
        "view_as": like.view_as,
        "expand_as": like.expand_as,
        "new_empty": like.new_empty,
        "new_zeros": like.new_zeros,
        "new_ones": like.new_ones,
        "new_full": like.new_full,
        "new_tensor": like.new_tensor,
        "fill_": inplace.fill_,
        "zero_": inplace.zero_,
        "relu_": inplace.relu_,
        "scatter_": inplace.scatter_,
        "unsqueeze_": inplace.unsqueeze_,
        "squeeze_": inplace.squeeze_,
        "clip": clamps.clip,
        "clip_": clamps.clip_,
        "clamp_min": clamps.clamp_min,
        "clamp_min_": clamps.clamp_min_,
        "clamp_max": clamps.clamp_max,
        "clamp_max_": clamps.clamp_max_,
        "isclose": comparison.isclose,
        "allclose": comparison.allclose,
        "equal": comparison.equal,
        "broadcast_to": broadcast_to,
        "movedim": movedim,
        "nonzero": selection.nonzero,
        "masked_select": selection.masked_select,
    }


def _where(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    """``x.where(condition, y)``: ``x`` where ``condition`` is true, ``y`` elsewhere."""
    result: Tensor = op("where")(condition, self, other)
    return result


def _reduce(self: Tensor) -> Any:
    """Pickling: the values, copied to the host, and the device."""
    return (_rebuild, (self.numpy().copy(), str(self.device)))


def _rebuild(array: np.ndarray, device: str) -> Tensor:
    return tensor(array, device=device)
