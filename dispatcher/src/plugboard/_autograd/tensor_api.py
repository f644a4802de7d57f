"""The autograd attributes of :class:`plugboard.Tensor`, attached at start-up.

``requires_grad``, ``grad``, ``grad_fn``, ``is_leaf``, ``retains_grad``,
``requires_grad_()``, ``detach()``, ``detach_()``, ``retain_grad()`` and
``backward()``; ``_core/tensor_methods.pyi`` declares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plugboard._autograd.engine import backward as _run_backward
from plugboard._autograd.engine import grad as _grad_of
from plugboard._autograd.engine import retain
from plugboard._autograd.graph import (
    AUTOGRAD_MASK,
    AutogradMeta,
    Node,
    accumulate,
    alias,
    check_can_require_grad,
    meta_of,
    requires_grad,
)
from plugboard._core.errors import AutogradError, ShapeError
from plugboard._core.tensor import Tensor

__all__ = ["install"]


def _get_requires_grad(self: Tensor) -> bool:
    return requires_grad(self)


def _set_requires_grad(self: Tensor, value: bool) -> None:
    _requires_grad_(self, value)


def _requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """Set whether autograd records operations on this leaf tensor; returns it.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1., 2.]).requires_grad_()
        >>> x.requires_grad, x.is_leaf
        (True, True)
    """
    meta: AutogradMeta | None = self._autograd
    if meta is not None and meta.grad_fn is not None:
        if not requires_grad:
            raise AutogradError(
                "requires_grad can only be changed on leaf tensors; this one was computed "
                f"by {meta.grad_fn.name()}. Fix: use y.detach() for a tensor without history",
                op="Tensor.requires_grad_",
            )
        return self
    if requires_grad:
        check_can_require_grad(self, "Tensor.requires_grad_")
        meta_of(self).requires_grad = True
        self._keyset |= AUTOGRAD_MASK
    elif meta is not None:
        meta.requires_grad = False
        meta.accumulator = None
        self._keyset &= ~AUTOGRAD_MASK
    return self


def _get_grad(self: Tensor) -> Tensor | None:
    meta: AutogradMeta | None = self._autograd
    if meta is None:
        return None
    grad: Tensor | None = meta.grad
    return grad


def _set_grad(self: Tensor, grad: Tensor | None) -> None:
    if grad is not None and (grad.shape != self.shape or grad.dtype is not self.dtype
                             or grad.device != self.device):
        raise ShapeError(
            f"the assigned grad is {grad.dtype}{list(grad.shape)} on {grad.device}, but the "
            f"tensor is {self.dtype}{list(self.shape)} on {self.device}. Fix: assign a "
            "gradient of the tensor's shape, dtype and device",
            op="Tensor.grad",
        )
    if grad is None and self._autograd is None:
        return
    meta_of(self).grad = grad


def _grad_fn(self: Tensor) -> Node | None:
    meta: AutogradMeta | None = self._autograd
    return None if meta is None else meta.grad_fn


def _is_leaf(self: Tensor) -> bool:
    meta: AutogradMeta | None = self._autograd
    return meta is None or meta.grad_fn is None


def _retains_grad(self: Tensor) -> bool:
    meta: AutogradMeta | None = self._autograd
    return meta is not None and meta.retains_grad


def _detach(self: Tensor) -> Tensor:
    """A tensor sharing this one's data, outside the graph (``requires_grad`` False).

    Example:
        >>> import plugboard as pb
        >>> y = (pb.ones(2, requires_grad=True) * 2).detach()
        >>> y.requires_grad, y.grad_fn
        (False, None)
    """
    return alias(self)


def _detach_(self: Tensor) -> Tensor:
    """Take this tensor out of the graph, in place: it becomes a leaf without grad.

    Example:
        >>> import plugboard as pb
        >>> y = pb.ones(2, requires_grad=True) * 2
        >>> y.detach_().requires_grad, y.is_leaf
        (False, True)
    """
    meta: AutogradMeta | None = self._autograd
    if meta is not None:
        meta.grad_fn = None
        meta.requires_grad = False
        meta.accumulator = None
        meta.is_view = False
    self._keyset &= ~AUTOGRAD_MASK
    return self


def _retain_grad(self: Tensor) -> None:
    """Keep the gradient of this non-leaf tensor in ``.grad`` during backward.

    Example:
        >>> import plugboard as pb
        >>> x = pb.ones(2, requires_grad=True)
        >>> y = x * 3
        >>> y.retain_grad()
        >>> y.sum().backward()
        >>> y.grad.tolist()
        [1.0, 1.0]
    """
    meta: AutogradMeta | None = self._autograd
    if not requires_grad(self):
        raise AutogradError(
            "retain_grad() on a tensor that does not require grad. Fix: compute it from "
            "tensors that require grad",
            op="Tensor.retain_grad",
        )
    assert meta is not None
    if meta.grad_fn is None or meta.retains_grad:
        return  # leaves keep their gradient anyway
    meta.retains_grad = True
    retain(self, meta.grad_fn, meta.output_nr)


def _backward(
    self: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradient of this tensor into the ``.grad`` of the leaves it came from.

    ``gradient``: the gradient of this tensor (default: 1, for one-element tensors);
    ``retain_graph``: keep the saved tensors for another backward (default:
    ``create_graph``); ``create_graph``: record backward itself, for higher-order
    gradients.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1., 2., 3.], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad.tolist()
        [2.0, 4.0, 6.0]
    """
    if inputs is not None:
        grads = _grad_of(self, list(inputs), gradient, retain_graph, create_graph,
                            allow_unused=True)
        for t, g in zip(inputs, grads, strict=True):
            if g is not None:
                accumulate(t, g, create_graph)
        return
    _run_backward(self, gradient, retain_graph, create_graph)


_PROPERTIES: dict[str, Any] = {
    "requires_grad": property(_get_requires_grad, _set_requires_grad,
                              doc="Whether autograd records operations on this tensor."),
    "grad": property(_get_grad, _set_grad,
                     doc="The gradient accumulated by backward (None until then)."),
    "grad_fn": property(_grad_fn, doc="The node that computed this tensor (None for leaves)."),
    "is_leaf": property(_is_leaf, doc="Whether this tensor was made by the user, not an op."),
    "retains_grad": property(_retains_grad, doc="Whether retain_grad() was called."),
    "requires_grad_": _requires_grad_,
    "detach": _detach,
    "detach_": _detach_,
    "retain_grad": _retain_grad,
    "backward": _backward,
}


def install() -> None:
    """Give Tensor its autograd attributes (start-up)."""
    for name, value in _PROPERTIES.items():
        setattr(Tensor, name, value)
