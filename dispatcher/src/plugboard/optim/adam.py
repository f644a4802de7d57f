"""``Adam`` (Kingma and Ba, 2015), as ``torch.optim.Adam``; ``AdamW`` shares its update.

For a parameter ``p`` with gradient ``g`` at step ``t`` (counted from 1), PyTorch's
documented algorithm::

    g = -g                                     if maximize
    p = p * (1 - lr * weight_decay)            if decoupled (AdamW)
    g = g + weight_decay * p                   otherwise, if weight_decay != 0 (L2)
    m = beta1 * m + (1 - beta1) * g            the first moment
    v = beta2 * v + (1 - beta2) * g * g        the second moment
    v_max = max(v_max, v)                      if amsgrad, and v_max is used for v below
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import plugboard as pb
from plugboard.optim._checks import check_non_negative
from plugboard.optim.optimizer import Optimizer, ParamsT

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam: per-element step sizes from running moments of the gradient.

    Arguments and defaults are PyTorch's: ``lr=1e-3``, ``betas=(0.9, 0.999)``,
    ``eps=1e-8``, ``weight_decay=0`` (L2, added to the gradient; see ``AdamW``
    for the decoupled form), ``amsgrad=False``, ``maximize=False``. The state of
    a parameter is ``"step"`` (a Python int: reading a device scalar every step
    would wait for the device), ``"exp_avg"``, ``"exp_avg_sq"`` and, with
    amsgrad, ``"max_exp_avg_sq"``.

    Example:
        >>> import plugboard as pb
        >>> w = pb.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = pb.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()   # the first step moves each element by about lr
        >>> [round(v, 4) for v in w.tolist()]
        [0.9, -1.9]
    """

    _decoupled = False  # AdamW sets it: weight decay scales the parameter, not the gradient

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_non_negative("learning rate", lr)
        check_non_negative("epsilon", eps)
        check_non_negative("weight_decay", weight_decay)
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise pb.ArgumentError(
                    f"invalid beta parameter at index {index}: {beta}. "
                    "Fix: pass betas in [0, 1), e.g. (0.9, 0.999)"
                )
        defaults = {
            "lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
            "amsgrad": amsgrad, "maximize": maximize,
        }
        super().__init__(params, defaults)

    @pb.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Take one step for every parameter that has a gradient; return ``closure()``'s loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = pb.zeros_like(param)
                    state["exp_avg_sq"] = pb.zeros_like(param)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = pb.zeros_like(param)
                state["step"] += 1
                step = state["step"]
                if weight_decay != 0:
                    if self._decoupled:
                        param.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(param, alpha=weight_decay)
                # Primitive operators only: lerp_, addcmul_ and addcdiv_ are composites
                # (several calls each) wherever a backend does not implement them natively.
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).add_(grad * grad, alpha=1 - beta2)
                if group["amsgrad"]:
                    second = state["max_exp_avg_sq"].maximum_(exp_avg_sq)
                else:
                    second = exp_avg_sq
                bias_correction1 = 1 - beta1**step
                bias_correction2_sqrt = math.sqrt(1 - beta2**step)
                denom = (second.sqrt() / bias_correction2_sqrt).add_(eps)
                param.add_(exp_avg / denom, alpha=-lr / bias_correction1)
        return loss
