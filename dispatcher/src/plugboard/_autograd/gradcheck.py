"""``gradcheck`` and ``gradgradcheck``: autograd's gradients against finite differences."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from plugboard._autograd.engine import grad
from plugboard._core.errors import AutogradError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.transfers import new_tensor, write_from_host

__all__ = ["gradcheck", "gradgradcheck"]


def _outputs(result: Any) -> list[Tensor]:
    items = result if isinstance(result, (tuple, list)) else (result,)
    return [t for t in items if isinstance(t, Tensor) and t.dtype.is_floating_point]


def _like(t: Tensor, values: np.ndarray) -> Tensor:
    """A new tensor with ``values``, on ``t``'s device, in its dtype."""
    made = new_tensor(t.shape, t.dtype, t.device)
    write_from_host(np.ascontiguousarray(values, dtype=t.dtype.numpy), made)
    return made


def _numerical(fn: Callable[..., Any], inputs: list[Any], i: int, eps: float
               ) -> list[np.ndarray]:
    """Column by column, the Jacobians of every output with respect to input ``i``."""
    x = inputs[i]
    base = x.detach().numpy().astype(np.float64)
    columns: list[list[np.ndarray]] = []
    for k in range(base.size):
        values = []
        for sign in (1, -1):
            shifted = base.copy().reshape(-1)
            shifted[k] += sign * eps
            args = list(inputs)
            # It keeps requiring grad: func may differentiate (gradgradcheck's does).
            args[i] = _like(x, shifted.reshape(base.shape)).requires_grad_()
            values.append([o.detach().numpy().astype(np.float64).reshape(-1)
                           for o in _outputs(fn(*args))])
        columns.append([(p - m) / (2 * eps) for p, m in zip(*values, strict=True)])
    n_out = len(columns[0]) if columns else len(_outputs(fn(*inputs)))
    return [np.stack([c[j] for c in columns], axis=1) if columns else np.zeros((0, 0))
            for j in range(n_out)]


def _analytical(outputs: list[Tensor], inputs: list[Any], i: int) -> list[np.ndarray]:
    """Row by row (one backward per output element), the Jacobians autograd computes."""
    x = inputs[i]
    jacobians = []
    for out in outputs:
        rows = np.zeros((out.numel(), x.numel()))
        if out.requires_grad:
            for k in range(out.numel()):
                onehot = np.zeros(out.numel())
                onehot[k] = 1
                (g,) = grad(out, x, _like(out, onehot.reshape(out.shape)),
                            retain_graph=True, allow_unused=True)
                if g is not None:
                    rows[k] = g.detach().numpy().astype(np.float64).reshape(-1)
        jacobians.append(rows)
    return jacobians


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check ``func``'s gradients against central finite differences.

    ``inputs``: a tensor or a tuple of arguments; the tensors that require grad
    are checked, and should be float64 (finite differences of float32 are too
    coarse). Returns True, or raises ``AutogradError`` naming the output, the input
    and the worst element (``raise_exception=False``: warns with that message and
    returns False).

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([0.5, 1.5], dtype=pb.float64, requires_grad=True)
        >>> pb.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
        True
    """
    args = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    checked = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not checked:
        raise AutogradError(
            "no input requires grad. Fix: pass tensors with requires_grad=True",
            op="gradcheck",
        )
    outputs = _outputs(func(*args))
    for i in checked:
        numerical = _numerical(func, args, i, eps)
        analytical = _analytical(outputs, args, i)
        for j, (n, a) in enumerate(zip(numerical, analytical, strict=True)):
            if n.size == 0:
                continue
            error = np.abs(a - n) - (atol + rtol * np.abs(n))
            if not (error <= 0).all() or np.isfinite(a).all() != np.isfinite(n).all():
                row, col = np.unravel_index(int(np.nanargmax(np.where(np.isnan(error), np.inf,
                                                                      error))), error.shape)
                message = (
                    f"Jacobian mismatch for output {j} with respect to input {i}: "
                    f"the worst element, d output[{row}] / d input[{col}] (flat indices), is "
                    f"{float(a[row, col])!r} from autograd but {float(n[row, col])!r} numerically "
                    f"(eps={eps}, atol={atol}, rtol={rtol}). Fix: check the derivative "
                    "formula of the operators func runs"
                )
                if raise_exception:
                    raise AutogradError(message, op="gradcheck")
                warnings.warn(f"gradcheck: {message}", RuntimeWarning, stacklevel=2)
                return False
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Tensor] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: :func:`gradcheck` of the gradients ``func``'s backward gives.

    ``grad_outputs`` default to random float64 tensors shaped like the outputs.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([0.5, 1.5], dtype=pb.float64, requires_grad=True)
        >>> pb.autograd.gradgradcheck(lambda t: t * t * t, (x,))
        True
    """
    args = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    checked = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    outputs = _outputs(func(*args))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            _like(o, rng.standard_normal(o.shape)).requires_grad_() for o in outputs
        ]
    n = len(args)

    def first_derivatives(*values: Any) -> tuple[Tensor, ...]:
        xs, gs = list(values[:n]), list(values[n:])
        outs = _outputs(func(*xs))
        grads = grad(outs, [xs[i] for i in checked], gs, create_graph=True,
                     allow_unused=True)
        return tuple(g if g is not None else xs[i] * 0 for g, i in zip(grads, checked,
                                                                        strict=True))

    return gradcheck(first_derivatives, (*args, *grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
