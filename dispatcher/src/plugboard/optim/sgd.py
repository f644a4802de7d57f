"""``SGD``: stochastic gradient descent with momentum, as ``torch.optim.SGD``.

The update of PyTorch's ``SGD`` (its documented algorithm), for a parameter
``p`` with gradient ``g``, step by step::

    g = -g                                    if maximize
    g = g + weight_decay * p                  if weight_decay != 0
    b = g (first step), else b = momentum * b + (1 - dampening) * g   if momentum != 0
    g = g + momentum * b if nesterov, else g = b                      if momentum != 0
    p = p - lr * g
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plugboard as pb
from plugboard.optim._checks import check_non_negative
from plugboard.optim.optimizer import Optimizer, ParamsT

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum and weight decay.

    Arguments and defaults are PyTorch's: ``lr=1e-3``, ``momentum=0``,
    ``dampening=0``, ``weight_decay=0`` (L2, added to the gradient),
    ``nesterov=False`` (needs ``momentum > 0`` and ``dampening == 0``),
    ``maximize=False``. The state of a parameter is its ``"momentum_buffer"``.

    Example:
        >>> import plugboard as pb
        >>> w = pb.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = pb.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     optimizer.zero_grad()
        ...     (w * w).sum().backward()   # gradient 2 * w
        ...     optimizer.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.46, -0.92]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_non_negative("learning rate", lr)
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise pb.ArgumentError(
                f"Nesterov momentum needs a momentum and zero dampening, got momentum={momentum} "
                f"and dampening={dampening}. Fix: pass momentum > 0 and dampening=0"
            )
        defaults = {
            "lr": lr, "momentum": momentum, "dampening": dampening,
            "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
        }
        super().__init__(params, defaults)

    @pb.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Take one step for every parameter that has a gradient; return ``closure()``'s loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay = group["weight_decay"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = -param.grad if group["maximize"] else param.grad
                if weight_decay != 0:
                    grad = grad.add(param, alpha=weight_decay)
                if momentum != 0:
                    state = self.state[param]
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = state["momentum_buffer"] = grad.clone()
                    else:
                        buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
                    grad = grad.add(buffer, alpha=momentum) if group["nesterov"] else buffer
                param.add_(grad, alpha=-lr)
        return loss
