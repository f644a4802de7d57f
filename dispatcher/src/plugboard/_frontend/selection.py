"""``pb.nonzero`` and ``pb.masked_select``: results whose size depends on the values.

Both use the positions of a mask's True elements that boolean indexing uses
(``plugboard._frontend.indexing.nonzero_flat``): the count is read to the host,
as PyTorch does, and the positions are computed on the tensors' device.
"""

from __future__ import annotations

from typing import Any

from plugboard._core.dtype import bool_, int64
from plugboard._core.errors import ArgumentError, DTypeError
from plugboard._core.tensor import Tensor
from plugboard._frontend.indexing import nonzero_flat, unravel
from plugboard._frontend.naming import front_end, naming, require_same_device, require_tensor
from plugboard._ops.meta import broadcast_shapes
from plugboard._ops.meta import op as _op

__all__ = ["masked_select", "nonzero"]


def _require_values(t: Tensor, what: str) -> None:
    if t.device.type == "meta":
        raise ArgumentError(
            f"{what}'s result has a size that depends on the values, which meta tensors "
            "do not have. Fix: use a device with data"
        )


@front_end("pb.nonzero")
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements of ``input``, in row-major order.

    An int64 tensor of shape ``(n, input.ndim)``, one row per nonzero
    element (NaN is nonzero); with ``as_tuple=True``, one 1-D tensor per
    dimension instead (a 0-d input counts as 1-D there), ready to index with.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[0, 3], [5, 0]])
        >>> pb.nonzero(x).tolist()
        [[0, 1], [1, 0]]
        >>> [i.tolist() for i in pb.nonzero(x, as_tuple=True)]
        [[0, 1], [1, 0]]
    """
    with naming("pb.nonzero", input=input, as_tuple=as_tuple):
        require_tensor(input, "input")
        if not isinstance(as_tuple, bool):
            raise ArgumentError(
                f"as_tuple must be a bool, not {type(as_tuple).__name__}. Fix: pass True "
                "or False"
            )
        _require_values(input, "nonzero")
    mask = input if input.dtype is bool_ else _op("ne")(input, 0)
    flat = nonzero_flat(mask)
    if input.ndim == 0:
        if as_tuple:
            return (flat,)
        return _op("zeros")((flat.numel(), 0), dtype=int64, device=input.device)
    coords = unravel(flat, input.shape)
    if as_tuple:
        return tuple(coords)
    return _op("stack")(coords, 1)


@front_end("pb.masked_select")
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor.

    ``input`` and ``mask`` (a bool tensor) broadcast together; the elements
    come in row-major order of the broadcast shape.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1, 2], [3, 4]])
        >>> pb.masked_select(x, x > 1).tolist()
        [2, 3, 4]
        >>> pb.masked_select(x, pb.tensor([True, False])).tolist()  # the mask broadcasts
        [1, 3]
    """
    with naming("pb.masked_select", input=input, mask=mask):
        require_tensor(input, "input")
        require_tensor(mask, "mask")
        if not mask.dtype.is_bool:
            raise DTypeError(
                f"the mask must be a bool tensor, got {mask.dtype}. Fix: compare to get a "
                "mask (e.g. x > 0), or cast with .to(pb.bool)"
            )
        require_same_device([input, mask], ["input", "mask"])
        shape = broadcast_shapes(input.shape, mask.shape)
        _require_values(mask, "masked_select")
    values = _op("reshape")(_op("expand")(input, shape), (-1,))
    positions = nonzero_flat(_op("expand")(mask, shape))
    result: Tensor = _op("index_select")(values, 0, positions)
    return result
