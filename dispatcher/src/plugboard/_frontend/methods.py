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
from plugboard._dispatch.registry import registered_ops
from plugboard._frontend.conversion import copy_, to_method
from plugboard._frontend.factories import tensor
from plugboard._frontend.indexing import getitem, setitem
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
        if not isinstance(other, _OPERAND_TYPES):
            if not (isinstance(other, np.generic) and other.dtype.kind in "biuf"):
                return NotImplemented
        if reflected:
            return op(other, self, **kwargs)
        return op(self, other, **kwargs)

    return method


def _unary(op: OperatorHandle) -> Callable[..., Any]:
    def method(self: Tensor) -> Any:
        return op(self)

    return method


def _method(op: OperatorHandle) -> Callable[..., Any]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return op(self, *args, **kwargs)

    method.__name__ = op.__name__
    method.__doc__ = f"{op!r}: {op.schema}"
    return method


def _split(self: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into chunks of one size (an int) or of the given sizes (a list)."""
    if isinstance(split_size_or_sections, int):
        return handle("pb::split")(self, split_size_or_sections, dim)  # type: ignore[no-any-return]
    return handle("pb::split_with_sizes")(  # type: ignore[no-any-return]
        self, split_size_or_sections, dim
    )


def _view(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return handle("pb::view")(self, shape)  # type: ignore[no-any-return]


def _reshape(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return handle("pb::reshape")(self, shape)  # type: ignore[no-any-return]


def _permute(self: Tensor, *dims: Any) -> Tensor:
    order = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
    return handle("pb::permute")(self, order)  # type: ignore[no-any-return]


def _expand(self: Tensor, *size: Any) -> Tensor:
    shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    return handle("pb::expand")(self, shape)  # type: ignore[no-any-return]


def _sizes_varargs(name: str) -> Callable[..., Tensor]:
    """``x.name(2, 3)`` or ``x.name((2, 3))``, as PyTorch's ``repeat``, ``tile`` and ``flip``."""
    op = handle("pb::" + name)

    def method(self: Tensor, *sizes: Any, **kwargs: Any) -> Tensor:
        if not sizes:
            return op(self, **kwargs)  # type: ignore[no-any-return]
        listed = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        return op(self, listed, **kwargs)  # type: ignore[no-any-return]

    method.__name__ = name
    method.__doc__ = f"{op!r}: {op.schema}"
    return method


def _t_property(self: Tensor) -> Tensor:
    return handle("pb::permute")(self, tuple(range(self.ndim - 1, -1, -1)))  # type: ignore[no-any-return]


def _mt_property(self: Tensor) -> Tensor:
    return handle("pb::transpose")(self, -2, -1)  # type: ignore[no-any-return]


def install() -> None:
    """Attach every ``pb::`` operator with a tensor first argument, and Python's operators."""
    for op in registered_ops():
        if not op.name.startswith("pb::"):
            continue
        args = op.schema.arguments
        if not args or str(args[0].type) != "Tensor" or args[0].kwarg_only:
            continue
        name = op.schema.name
        setattr(Tensor, name, _method(OperatorHandle(op)))
        inplace_handle = handle(op.name, inplace=True) if op.pointwise and not \
            name.endswith("_") else None
        if inplace_handle is not None:
            setattr(Tensor, name + "_", _method(inplace_handle))
    for dunder, (name, kwargs, reflected) in _OPERATORS.items():
        operator = handle("pb::" + name.rstrip("_"), inplace=name.endswith("_"))
        setattr(Tensor, dunder, _binary(operator, kwargs, reflected))
    for dunder, name in _UNARY_OPERATORS.items():
        setattr(Tensor, dunder, _unary(handle("pb::" + name)))
    setattr(Tensor, "__pos__", lambda self: self)  # noqa: B010 - attached like the rest
    # Operators whose PyTorch method has several forms: the front ends choose.
    for front_end in (max, min, scatter):
        setattr(Tensor, front_end.__name__, front_end)
    Tensor.to = to_method  # type: ignore[attr-defined]
    Tensor.cpu = lambda self: to_method(self, "cpu")  # type: ignore[attr-defined]
    Tensor.copy_ = copy_  # type: ignore[attr-defined]
    Tensor.__getitem__ = getitem  # type: ignore[attr-defined]
    Tensor.__setitem__ = setitem  # type: ignore[attr-defined]
    Tensor.__reduce__ = _reduce  # type: ignore[attr-defined]
    Tensor.split = _split  # type: ignore[attr-defined]
    Tensor.view = _view  # type: ignore[attr-defined]
    Tensor.reshape = _reshape  # type: ignore[attr-defined]
    Tensor.permute = _permute  # type: ignore[attr-defined]
    Tensor.expand = _expand  # type: ignore[attr-defined]
    for name in ("repeat", "tile", "flip"):
        setattr(Tensor, name, _sizes_varargs(name))
    setattr(Tensor, "T", property(_t_property))  # noqa: B010 - declared for type checkers
    setattr(Tensor, "mT", property(_mt_property))  # noqa: B010


def _reduce(self: Tensor) -> Any:
    """Pickling: the values, copied to the host, and the device."""
    return (_rebuild, (self.numpy().copy(), str(self.device)))


def _rebuild(array: np.ndarray, device: str) -> Tensor:
    return tensor(array, device=device)
