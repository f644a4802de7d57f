"""``AdamW`` (Loshchilov and Hutter, 2019), as ``torch.optim.AdamW``."""

from __future__ import annotations

from plugboard.optim.adam import Adam
from plugboard.optim.optimizer import ParamsT

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` before each step.

    Decay that scales the parameter, rather than joining the gradient (``Adam``'s
    L2 form), is not divided by the second moment, so every weight decays at
    the same rate. The arguments are ``Adam``'s, with PyTorch's default
    ``weight_decay=0.01``.

    Example:
        >>> import plugboard as pb
        >>> w = pb.tensor([1.0], requires_grad=True)
        >>> optimizer = pb.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = pb.zeros(1)   # no gradient: only the decay acts
        >>> optimizer.step()
        >>> round(w.item(), 4)
        0.95
    """

    _decoupled = True

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)

