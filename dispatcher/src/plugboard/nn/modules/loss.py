"""Losses: ``CrossEntropyLoss`` and ``MSELoss``.

Example:
    >>> import plugboard as pb
    >>> loss = pb.nn.CrossEntropyLoss()(pb.zeros(3, 2), pb.tensor([0, 1, 1]))
    >>> round(loss.item(), 4)  # log(2)
    0.6931
"""

from __future__ import annotations

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.modules.module import Module

__all__ = ["CrossEntropyLoss", "MSELoss"]

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(value: str, layer: str) -> str:
    if value not in _REDUCTIONS:
        raise pb.ArgumentError(
            f"{layer}: reduction must be 'none', 'mean' or 'sum', got {value!r}",
            op=f"nn.{layer}",
        )
    return value


class CrossEntropyLoss(Module):
    """Cross-entropy of logits (N, C, ...) against class indices (N, ...) or probabilities.

    ``weight`` (C,) rescales the classes (registered as a buffer, so it moves
    with ``to()``); targets equal to ``ignore_index`` count for nothing;
    ``label_smoothing`` mixes the target with the uniform distribution.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.CrossEntropyLoss(label_smoothing=0.1)
        CrossEntropyLoss(reduction='mean', label_smoothing=0.1)
    """

    def __init__(self, weight: pb.Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__()
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = _reduction(reduction, "CrossEntropyLoss")
        self.label_smoothing = label_smoothing

    def forward(self, input: pb.Tensor, target: pb.Tensor) -> pb.Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)

    def extra_repr(self) -> str:
        text = f"reduction={self.reduction!r}"
        if self.ignore_index != -100:
            text += f", ignore_index={self.ignore_index}"
        if self.label_smoothing:
            text += f", label_smoothing={self.label_smoothing}"
        return text


class MSELoss(Module):
    """The mean (or summed) squared error between input and target.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.MSELoss(reduction="sum")(pb.tensor([1., 2.]), pb.zeros(2)).item()
        5.0
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _reduction(reduction, "MSELoss")

    def forward(self, input: pb.Tensor, target: pb.Tensor) -> pb.Tensor:
        return F.mse_loss(input, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
