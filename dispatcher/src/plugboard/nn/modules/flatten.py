"""``Flatten``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.Flatten()(pb.ones(2, 3, 4)).shape
    (2, 12)
"""

from __future__ import annotations

import plugboard as pb
from plugboard.nn.modules.module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Flattens dims ``start_dim`` (1: the batch dim stays) to ``end_dim`` into one.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.Flatten(0)(pb.ones(2, 3)).shape
        (6,)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return pb.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
