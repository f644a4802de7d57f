"""``pb.split``: chunks of one size or of given sizes, two operators behind one function."""

from __future__ import annotations

from collections.abc import Sequence

from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import handle

__all__ = ["split"]


def split(
    tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Split ``tensor`` into chunks of one size (an int) or of the given sizes (a list).

    Example:
        >>> import plugboard as pb
        >>> [p.tolist() for p in pb.split(pb.arange(5), 2)]
        [[0, 1], [2, 3], [4]]
    """
    name = "pb::split" if isinstance(split_size_or_sections, int) else "pb::split_with_sizes"
    result: tuple[Tensor, ...] = handle(name)(tensor, split_size_or_sections, dim)
    return result
