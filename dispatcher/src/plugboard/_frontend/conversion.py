"""``x.copy_(src)`` and ``x.to(...)``: copies and conversions as users call them."""

from __future__ import annotations

from typing import Any

from plugboard._core.device import Device
from plugboard._core.dtype import DType, as_dtype
from plugboard._core.errors import ArgumentError, ShapeError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import copy_into, handle, move
from plugboard._frontend.factories import tensor
from plugboard._ops.meta import broadcast_shapes

__all__ = ["copy_", "to", "to_method"]


def copy_(dst: Tensor, src: Any) -> Tensor:
    """Copy ``src`` into ``dst`` in place: broadcasting, casting, across devices.

    Example:
        >>> import plugboard as pb
        >>> x = pb.zeros(2, 2)
        >>> _ = x.copy_(pb.tensor([1, 2]))
        >>> x.tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if not isinstance(src, Tensor):
        src = tensor(src, dtype=dst.dtype, device=dst.device)
    if src.device != dst.device:
        if broadcast_shapes(dst.shape, src.shape) != dst.shape:
            raise ShapeError(
                f"copy_: cannot copy a tensor of shape {src.shape} into one of shape "
                f"{dst.shape}"
            )
        src = move(src, dst.device)
    copy_into(dst, src)
    return dst


def to(t: Tensor, device: Device | None = None, dtype: DType | None = None,
       copy: bool = False) -> Tensor:
    """``t`` on ``device`` in ``dtype``: the ``pb::to`` operator."""
    result: Tensor = handle("pb::to")(t, device, dtype, copy)
    return result


def to_method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``x.to(device)``, ``x.to(dtype)``, ``x.to(device, dtype)``, ``x.to(other_tensor)``.

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([1, 2]).to(pb.float32).dtype
        pb.float32
    """
    device: Device | None = None
    dtype: DType | None = None
    copy = bool(kwargs.pop("copy", False))
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, Device) or (isinstance(arg, str) and _looks_like_device(arg)):
            device = Device(arg)
        elif arg is not None:
            dtype = as_dtype(arg)
    unknown = set(kwargs) - {"device", "dtype"}
    if unknown:
        raise ArgumentError(f"to() got unexpected keyword argument(s) {sorted(unknown)}")
    return to(self, device, dtype, copy)


_DTYPE_NAMES = frozenset(
    {"bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
     "float64", "half", "double", "long", "int", "float"}
)


def _looks_like_device(text: str) -> bool:
    return text not in _DTYPE_NAMES
