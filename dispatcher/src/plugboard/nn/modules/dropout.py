"""``Dropout``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.Dropout(0.5).eval()(pb.ones(3)).tolist()
    [1.0, 1.0, 1.0]
"""

from __future__ import annotations

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.modules.module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """In training, zeroes each element with probability ``p`` and scales the rest by 1/(1-p).

    In evaluation it returns its input unchanged. The mask is drawn from
    plugboard's default generator (``pb.manual_seed`` makes it repeatable).

    Example:
        >>> import plugboard as pb
        >>> y = pb.nn.Dropout(0.5)(pb.ones(1000))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise pb.ArgumentError(
                f"Dropout: p must be a probability in [0, 1], got {p}", op="nn.Dropout",
            )
        self.p = p
        self.inplace = inplace

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
