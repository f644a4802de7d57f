"""Hyperparameter checks shared by the optimizers, with PyTorch's conditions."""

from __future__ import annotations

import plugboard as pb

__all__ = ["check_non_negative"]


def check_non_negative(name: str, value: float) -> None:
    """Refuse a negative (or NaN) learning rate, momentum, epsilon or weight decay."""
    if not value >= 0.0:
        raise pb.ArgumentError(f"invalid {name}: {value}. Fix: pass {name} >= 0")
