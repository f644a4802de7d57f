"""Shape front ends: ``pb.split`` (two operators behind one function), ``pb.broadcast_to``
and ``pb.movedim`` (views made by ``expand`` and ``permute``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from plugboard._core.errors import ArgumentError, ShapeError
from plugboard._core.tensor import Tensor, wrap_dims
from plugboard._dispatch.aliases import numpy_keywords
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.dispatcher import handle
from plugboard._frontend.naming import front_end, naming, require_tensor

__all__ = ["broadcast_to", "movedim", "split"]


@numpy_keywords
@signature_checked("pb::split")
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


@front_end("pb.broadcast_to")
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """``input`` broadcast to ``size``: a view, ``input.expand(size)``.

    Example:
        >>> import plugboard as pb
        >>> pb.broadcast_to(pb.tensor([1, 2, 3]), (2, 3)).tolist()
        [[1, 2, 3], [1, 2, 3]]
    """
    result: Tensor = handle("pb::expand")(input, size)
    return result


def _dims(value: Any, name: str) -> tuple[int, ...]:
    """An int or a sequence of ints, as a tuple."""
    items = value if isinstance(value, (list, tuple)) else (value,)
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise ArgumentError(
                f"{name} must be an int or a sequence of ints, got {value!r:.40}. Fix: pass "
                f"dimension indices, e.g. {name}=0 or {name}=[0, 1]"
            )
    return tuple(int(item) for item in items)


@front_end("pb.movedim")
def movedim(input: Tensor, source: int | Sequence[int],
            destination: int | Sequence[int]) -> Tensor:
    """``input`` with its dimensions ``source`` moved to positions ``destination`` (a view).

    The other dimensions keep their order. ``source`` and ``destination`` are
    ints or sequences of ints of one length, each dimension named once.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 3, 4)
        >>> pb.movedim(x, 0, -1).shape, pb.movedim(x, [0, 1], [2, 0]).shape
        ((3, 4, 2), (3, 4, 2))
    """
    with naming("pb.movedim", input=input, source=source, destination=destination):
        require_tensor(input, "input")
        src, dst = _dims(source, "source"), _dims(destination, "destination")
        if len(src) != len(dst):
            raise ShapeError(
                f"source {src} and destination {dst} must have the same number of "
                "dimensions. Fix: give one destination per source dimension"
            )
        ndim = input.ndim
        src, dst = wrap_dims(src, ndim, "source"), wrap_dims(dst, ndim, "destination")
    order: list[int | None] = [None] * ndim
    for s, d in zip(src, dst, strict=True):
        if ndim:  # a 0-d tensor takes dim 0 (or -1) and has nothing to move
            order[d] = s
    rest = iter(d for d in range(ndim) if d not in src)
    permutation = tuple(next(rest) if o is None else o for o in order)
    result: Tensor = handle("pb::permute")(input, permutation)
    return result
