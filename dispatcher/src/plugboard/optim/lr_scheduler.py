"""Learning-rate schedules, as ``torch.optim.lr_scheduler``: ``StepLR``, ``CosineAnnealingLR``.

A scheduler changes its optimizer's ``group["lr"]``. Call ``scheduler.step()``
once per epoch, after ``optimizer.step()``. Building it sets each group's
``"initial_lr"`` and takes step 0. The schedules are PyTorch's *chainable*
forms, each step computed from the current ``lr``, so two schedulers can
drive one optimizer and the values equal PyTorch's to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plugboard as pb
from plugboard.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "CosineAnnealingLR"]


class LRScheduler:
    """The base of schedulers: ``step``, ``get_last_lr``, ``state_dict``, ``load_state_dict``.

    A subclass implements ``get_lr()``: the groups' learning rates at
    ``self.last_epoch``, the number of ``step()`` calls so far.

    Example:
        >>> import plugboard as pb
        >>> w = pb.zeros(1, requires_grad=True)
        >>> optimizer = pb.optim.SGD([w], lr=1.0)
        >>> scheduler = pb.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     optimizer.step()
        ...     scheduler.step()
        >>> [round(lr, 6) for lr in lrs]
        [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise pb.ArgumentError(
                f"a scheduler drives an optimizer, got {type(optimizer).__name__}. "
                "Fix: pass a pb.optim optimizer"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for number, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise pb.ArgumentError(
                        f"resuming at last_epoch={last_epoch} needs 'initial_lr' in parameter "
                        f"group {number}. Fix: load the optimizer's state dict first, or pass "
                        "last_epoch=-1"
                    )
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rate of each group at ``self.last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr()")

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def step(self) -> None:
        """Advance one epoch and set every group's ``lr``."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes, without its optimizer (which has its own state dict)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore attributes saved with ``state_dict()``."""
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply every group's learning rate by ``gamma`` each ``step_size`` epochs.

    Example:
        >>> import plugboard as pb
        >>> optimizer = pb.optim.SGD([pb.zeros(1, requires_grad=True)], lr=0.5)
        >>> scheduler = pb.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
        >>> scheduler.step()
        >>> scheduler.get_last_lr()
        [0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if not isinstance(step_size, int) or step_size < 1:
            raise pb.ArgumentError(
                f"StepLR's step_size is a positive int, got {step_size!r}. Fix: pass e.g. 30"
            )
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]


class CosineAnnealingLR(LRScheduler):
    """Anneal each learning rate from its initial value to ``eta_min`` along a cosine.

    ``lr_t = eta_min + (initial_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``
    for ``t`` up to ``T_max``; past it the cosine climbs again, as in PyTorch
    (SGDR without restarts).

    Example:
        >>> import plugboard as pb
        >>> optimizer = pb.optim.SGD([pb.zeros(1, requires_grad=True)], lr=1.0)
        >>> scheduler = pb.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=2)
        >>> lrs = []
        >>> for _ in range(3):
        ...     lrs.append(round(scheduler.get_last_lr()[0], 6))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [1.0, 0.5, 0.0]
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if not isinstance(T_max, int) or T_max < 1:
            raise pb.ArgumentError(
                f"CosineAnnealingLR's T_max is a positive int (epochs), got {T_max!r}. "
                "Fix: pass the number of epochs to anneal over"
            )
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if t == 0:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and t > 0:  # resumed at last_epoch: the closed form
            return [
                eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2
                for base in self.base_lrs
            ]
        if (t - 1 - T) % (2 * T) == 0:  # the cosine's lowest point: climb back
            return [
                group["lr"] + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, group in zip(self.base_lrs, groups, strict=True)
            ]
        return [
            (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
            * (group["lr"] - eta_min) + eta_min
            for group in groups
        ]
