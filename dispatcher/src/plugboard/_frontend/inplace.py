"""In-place Tensor methods that are no pointwise operator's ``_`` form.

``x.fill_(v)`` and ``x.zero_()`` write one number everywhere; ``x.relu_()`` and
``x.scatter_(...)`` are the in-place forms of ``pb::relu`` and ``pb::scatter``
(the dispatcher writes the result into ``x``, checked against it first);
``x.unsqueeze_(d)`` and ``x.squeeze_(d)`` change ``x``'s own shape, as the views
``unsqueeze`` and ``squeeze`` would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from plugboard._autograd.grad_mode import is_grad_enabled
from plugboard._autograd.graph import AutogradMeta, attach, requires_grad
from plugboard._core.errors import ArgumentError, AutogradError
from plugboard._core.overlap import check_writable
from plugboard._core.tensor import Tensor
from plugboard._dispatch.aliases import numpy_keywords
from plugboard._dispatch.dispatcher import copy_into, handle
from plugboard._frontend.factories import full
from plugboard._frontend.naming import front_end, naming
from plugboard._ops.meta import fill_dtype
from plugboard._ops.shape import scatter_arguments

__all__ = ["fill_", "relu_", "scatter_", "squeeze_", "unsqueeze_", "zero_"]

_NUMBERS = (bool, int, float)


def _fill_number(value: Any) -> bool | int | float:
    """The number a fill writes: a Python number, or the value of a 0-d tensor."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise ArgumentError(
                f"fill_ takes a number or a 0-d tensor, got a tensor of shape {value.shape}. "
                "Fix: to copy values use x.copy_(values)"
            )
        if value.device.type == "meta":
            raise ArgumentError(
                "fill_ needs the value of a meta tensor, which has none. Fix: pass a number"
            )
        return value.item()
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        number: bool | int | float = value.item()  # np.float32(2.0), as PyTorch takes it
        return number
    if not isinstance(value, _NUMBERS):
        raise ArgumentError(
            f"fill_ takes a number or a 0-d tensor, not {type(value).__name__}. "
            "Fix: pass a bool, int or float"
        )
    return value


@front_end("Tensor.fill_")
def fill_(self: Tensor, value: Any) -> Tensor:
    """Write ``value`` (a number or a 0-d tensor) into every element of ``self``; return it.

    The value must be one ``self``'s dtype can hold, as for ``pb.full``
    (2.5 into an integer tensor is an error, not a truncation).

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 2)
        >>> x[0].fill_(7).tolist(), x.tolist()
        ([7.0, 7.0], [[7.0, 7.0], [0.0, 0.0]])
    """
    with naming("Tensor.fill_", every=True, self=self, value=value):
        if isinstance(self, Tensor):
            check_writable(self)  # before a 0-d value is read or made on the device
        number = _fill_number(value)
        fill_dtype(number, self.dtype)
        # One element on the device, broadcast by copy_: no tensor of self's size.
        copy_into(self, full((), number, dtype=self.dtype, device=self.device))
    return self


@front_end("Tensor.zero_")
def zero_(self: Tensor) -> Tensor:
    """Write zeros into every element of ``self``; return it.

    Example:
        >>> import plugboard as pb
        >>> pb.ones(3, dtype=pb.int8).zero_().tolist()
        [0, 0, 0]
    """
    return fill_(self, 0)


@front_end("Tensor.relu_")
def relu_(self: Tensor) -> Tensor:
    """``relu`` in place: negative elements of ``self`` become 0 (NaN stays); return it.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([-1.0, 2.0])
        >>> _ = x.relu_()
        >>> x.tolist()
        [0.0, 2.0]
    """
    result: Tensor = handle("pb::relu", inplace=True)(self)
    return result


@numpy_keywords
@front_end("Tensor.scatter_")
def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *,
             value: Any = None) -> Tensor:
    """``scatter`` in place: write ``src`` (a tensor or a number) into ``self`` at ``index``.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 3)
        >>> _ = x.scatter_(1, pb.tensor([[2], [0]]), 5.0)
        >>> x.tolist()
        [[0.0, 0.0, 5.0], [5.0, 0.0, 0.0]]
    """
    with naming("Tensor.scatter_", self=self, dim=dim, index=index, src=src, value=value):
        src, value = scatter_arguments(src, value)
    result: Tensor = handle("pb::scatter", inplace=True)(self, dim, index, src, value=value)
    return result


@numpy_keywords
@front_end("Tensor.unsqueeze_")
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """``unsqueeze`` in place: ``self`` gets a size-1 dimension at ``dim``; return it.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 3)
        >>> x.unsqueeze_(0).shape, x.shape
        ((1, 2, 3), (1, 2, 3))
    """
    _check_leaf(self, "Tensor.unsqueeze_")
    view: Tensor = handle("pb::unsqueeze")(self, dim)
    _take_layout(self, view)
    return self


@numpy_keywords
@front_end("Tensor.squeeze_")
def squeeze_(self: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """``squeeze`` in place: ``self`` loses its size-1 dimensions (those of ``dim``); return it.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(1, 2, 1)
        >>> x.squeeze_(0).shape, x.squeeze_().shape
        ((2, 1), (2,))
    """
    _check_leaf(self, "Tensor.squeeze_")
    view: Tensor = handle("pb::squeeze")(self, dim)
    _take_layout(self, view)
    return self


def _check_leaf(t: Tensor, name: str) -> None:
    meta: AutogradMeta | None = t._autograd
    if is_grad_enabled() and requires_grad(t) and meta is not None and meta.grad_fn is None:
        raise AutogradError(
            "a leaf tensor that requires grad is being used in an in-place operation. Fix: "
            "use the view instead (y = x.unsqueeze(0)), or do it under pb.no_grad()",
            op=name,
        )


def _take_layout(t: Tensor, view: Tensor) -> None:
    """``t`` becomes ``view``: its layout, and the view's node when autograd recorded one."""
    t._set_layout(view)
    meta: AutogradMeta | None = view._autograd
    if meta is not None and meta.grad_fn is not None:
        attach(t, meta.grad_fn, meta.output_nr)
