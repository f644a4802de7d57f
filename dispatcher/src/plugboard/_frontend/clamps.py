"""PyTorch's other names for ``pb::clamp``: ``pb.clip``, ``pb.clamp_min``, ``pb.clamp_max``.

Each is ``pb::clamp`` itself (its checks, promotion, ``out=`` and, for the
``_`` methods, its in-place form), so the semantics stay in one operator.
"""

from __future__ import annotations

from typing import Any

from plugboard._core.errors import ArgumentError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import handle
from plugboard._frontend.naming import describe, front_end

__all__ = ["clamp_max", "clamp_max_", "clamp_min", "clamp_min_", "clip", "clip_"]

Bound = Tensor | bool | int | float


@front_end("pb.clip")
def clip(input: Tensor, min: Bound | None = None, max: Bound | None = None, *,
         out: Tensor | None = None) -> Tensor:
    """``pb.clamp`` under NumPy's name: elements below ``min`` or above ``max`` set to them.

    Example:
        >>> import plugboard as pb
        >>> pb.clip(pb.tensor([-2.0, 0.5, 3.0]), -1, 1).tolist()
        [-1.0, 0.5, 1.0]
    """
    result: Tensor = handle("pb::clamp")(input, min, max, out=out)
    return result


@front_end("Tensor.clip_")
def clip_(self: Tensor, min: Bound | None = None, max: Bound | None = None) -> Tensor:
    """``clip`` in place (``x.clamp_``).

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([-2.0, 3.0]).clip_(max=1).tolist()
        [-2.0, 1.0]
    """
    result: Tensor = handle("pb::clamp", inplace=True)(self, min, max)
    return result


def _bound(what: str, input: Any, name: str, bound: Any) -> None:
    if bound is None:
        error = ArgumentError(
            f"{name} is required (a number or a tensor), got None. Fix: pass it, or use "
            "pb.clamp for an optional bound"
        )
        raise error.in_op(what, f"input={describe(input)}, {name}=None")


@front_end("pb.clamp_min")
def clamp_min(input: Tensor, min: Bound, *, out: Tensor | None = None) -> Tensor:
    """``pb.clamp(input, min=min)``: elements below ``min`` set to it.

    Example:
        >>> import plugboard as pb
        >>> pb.clamp_min(pb.tensor([-1, 2]), 0).tolist()
        [0, 2]
    """
    _bound("pb.clamp_min", input, "min", min)
    result: Tensor = handle("pb::clamp")(input, min, None, out=out)
    return result


@front_end("pb.clamp_max")
def clamp_max(input: Tensor, max: Bound, *, out: Tensor | None = None) -> Tensor:
    """``pb.clamp(input, max=max)``: elements above ``max`` set to it.

    Example:
        >>> import plugboard as pb
        >>> pb.clamp_max(pb.tensor([-1, 2]), 0).tolist()
        [-1, 0]
    """
    _bound("pb.clamp_max", input, "max", max)
    result: Tensor = handle("pb::clamp")(input, None, max, out=out)
    return result


@front_end("Tensor.clamp_min_")
def clamp_min_(self: Tensor, min: Bound) -> Tensor:
    """``clamp_min`` in place.

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([-1.5, 2.0]).clamp_min_(0).tolist()
        [0.0, 2.0]
    """
    _bound("Tensor.clamp_min_", self, "min", min)
    result: Tensor = handle("pb::clamp", inplace=True)(self, min, None)
    return result


@front_end("Tensor.clamp_max_")
def clamp_max_(self: Tensor, max: Bound) -> Tensor:
    """``clamp_max`` in place.

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([-1.5, 2.0]).clamp_max_(0).tolist()
        [-1.5, 0.0]
    """
    _bound("Tensor.clamp_max_", self, "max", max)
    result: Tensor = handle("pb::clamp", inplace=True)(self, None, max)
    return result
