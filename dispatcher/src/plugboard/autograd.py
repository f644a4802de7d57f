"""Automatic differentiation: ``backward``, ``grad``, custom ``Function``, ``gradcheck``.

Every operator on every backend is differentiable through the one ``Autograd``
dispatch key (docs/architecture.md, "Autograd"): backends write no backward
kernels.

Example:
    >>> import plugboard as pb
    >>> x = pb.tensor([1., 2.], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.grad_fn
    <SumBackward>
    >>> pb.autograd.grad(y, x)[0].tolist()
    [2.0, 4.0]
"""

from plugboard._autograd.engine import backward, grad
from plugboard._autograd.formulas import NON_DIFFERENTIABLE, Formula, register_formula
from plugboard._autograd.function import Function, FunctionCtx
from plugboard._autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from plugboard._autograd.gradcheck import gradcheck, gradgradcheck
from plugboard._autograd.graph import Node

__all__ = [
    "backward", "grad", "Function", "FunctionCtx", "gradcheck", "gradgradcheck",
    "register_formula", "Formula", "Node", "NON_DIFFERENTIABLE",
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
]
