"""Autograd: reverse-mode differentiation for every operator on every backend.

Implemented once, on the ``Autograd`` functionality key: a tensor that
requires grad carries the key, so every call with one reaches
:func:`~plugboard._autograd.kernel.autograd_kernel`, which runs the operator
below itself and records a :class:`~plugboard._autograd.graph.Node` whose
derivative formula (:mod:`~plugboard._autograd.formulas`) is written with
plugboard operators, so backward runs on the tensors' own backend. Calls
without such a tensor never reach this layer.

Modules: ``grad_mode`` (no_grad and friends), ``graph`` (tensor state,
nodes, saved tensors), ``formulas`` (the one derivative table) and
``formulas_nn`` (its entries for the nn composites), ``kernel`` (the
Autograd kernel), ``engine`` (backward), ``function`` (custom
``Function``), ``gradcheck``, ``tensor_api`` (the Tensor attributes).
"""

from __future__ import annotations

from plugboard._autograd import formulas_nn as _formulas_nn  # noqa: F401  (its table entries)
from plugboard._autograd import kernel, tensor_api

__all__ = ["install"]


def install() -> None:
    """Start-up: the Autograd kernel for every operator, the Tensor attributes."""
    kernel.install()
    tensor_api.install()
