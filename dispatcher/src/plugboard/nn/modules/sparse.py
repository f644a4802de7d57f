"""``Embedding``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.Embedding(10, 3)(pb.tensor([[1, 2], [4, 5]])).shape
    (2, 2, 3)
"""

from __future__ import annotations

from typing import Any

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.init import normal_
from plugboard.nn.modules.module import Module
from plugboard.nn.parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

    ``weight`` is drawn from N(0, 1), as PyTorch; the ``padding_idx`` row is
    zero and receives no gradient.

    Example:
        >>> import plugboard as pb
        >>> emb = pb.nn.Embedding(4, 2, padding_idx=0)
        >>> emb(pb.tensor([0])).tolist()
        [[0.0, 0.0]]
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 device: Any = None, dtype: pb.DType | None = None,
                 _weight: pb.Tensor | None = None) -> None:
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise pb.ArgumentError(
                    f"Embedding: padding_idx={padding_idx} is outside the {num_embeddings} "
                    f"embeddings. Fix: pass an index in [-{num_embeddings}, {num_embeddings})",
                    op="nn.Embedding",
                )
            padding_idx %= num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(pb.empty((num_embeddings, embedding_dim), dtype=dtype,
                                             device=device))
            self.reset_parameters()
        else:
            if _weight.shape != (num_embeddings, embedding_dim):
                raise pb.ShapeError(
                    f"Embedding: _weight has shape {_weight.shape}, expected "
                    f"{(num_embeddings, embedding_dim)}", op="nn.Embedding",
                )
            self.weight = Parameter(_weight)

    def reset_parameters(self) -> None:
        """Draw the weight from N(0, 1) and zero the padding row."""
        normal_(self.weight)
        if self.padding_idx is not None:
            with pb.no_grad():
                self.weight[self.padding_idx].fill_(0.0)

    @classmethod
    def from_pretrained(cls, embeddings: pb.Tensor, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An embedding whose weight is ``embeddings`` (frozen unless ``freeze=False``)."""
        rows, dim = embeddings.shape
        layer = cls(rows, dim, padding_idx, _weight=embeddings)
        layer.weight.requires_grad_(not freeze)
        return layer

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None
                       else "")
