"""Activation layers: ``ReLU``, ``GELU``, ``SiLU``, ``Tanh``, ``Sigmoid``, ``Softmax``, ...

Example:
    >>> import plugboard as pb
    >>> pb.nn.ReLU()(pb.tensor([-1., 1.])).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.modules.module import Module

__all__ = ["ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax"]


class ReLU(Module):
    """``max(x, 0)`` elementwise.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.ReLU()
        ReLU()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class GELU(Module):
    """The Gaussian error linear unit; ``approximate='tanh'`` for the tanh form.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise pb.ArgumentError(
                f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}",
                op="nn.GELU",
            )
        self.approximate = approximate

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)`` elementwise (swish)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """The hyperbolic tangent elementwise."""

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.tanh(input)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise."""

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.sigmoid(input)


class Softmax(Module):
    """Softmax along ``dim``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.Softmax(dim=-1)(pb.zeros(1, 4)).tolist()
        [[0.25, 0.25, 0.25, 0.25]]
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """The logarithm of softmax along ``dim``."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
