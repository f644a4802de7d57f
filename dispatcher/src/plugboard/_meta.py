"""Helpers for meta functions: broadcasting, devices, reductions, dtype checks.

Meta functions raise plugboard errors that say the problem and the fix; the
dispatcher adds the operator's name and a description of its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._device import Device
from ._dtype import DType
from ._errors import DeviceError, DTypeError, ShapeError
from ._tensor import Tensor, wrap_dim

__all__ = [
    "broadcast_shapes",
    "common_device",
    "reduction_shape",
    "require_dtype",
    "shape_of",
]


def shape_of(value: Any) -> tuple[int, ...]:
    """A tensor's shape; a Python number counts as 0-d."""
    return value.shape if isinstance(value, Tensor) else ()


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The shape that ``shapes`` broadcast to, with PyTorch's (and NumPy's) rules.

    Example:
        >>> import plugboard as pb
        >>> pb.broadcast_shapes((2, 1), (3,))
        (2, 3)
    """
    if len(shapes) == 2 and shapes[0] == shapes[1]:
        return tuple(shapes[0])
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            current = result[offset + i]
            if size in (current, 1):
                continue
            if current == 1:
                result[offset + i] = size
                continue
            listed = " and ".join(str(tuple(s)) for s in shapes)
            raise ShapeError(
                f"shapes {listed} cannot be broadcast: dimension {offset + i - ndim} "
                f"(counting from the end) is {current} in one and {size} in another. "
                "Fix: make the sizes equal, or 1 where a tensor should repeat "
                "(e.g. with x.unsqueeze(dim))"
            )
    return tuple(result)


def common_device(*values: Any, default: Device | None = None) -> Device:
    """The one device of the tensors among ``values`` (numbers have none)."""
    device = None
    for value in values:
        if isinstance(value, Tensor):
            if device is None:
                device = value.device
            elif value.device is not device and value.device != device:
                raise DeviceError(
                    f"expected all tensors on one device, but found {device} and "
                    f"{value.device}. Fix: move them with .to('{device}') first"
                )
    if device is None:
        device = default if default is not None else Device("cpu")
    return device


def reduction_shape(
    shape: tuple[int, ...], dim: Sequence[int] | None, keepdim: bool
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The output shape of reducing ``dim`` (None or empty: every dim), and the dims."""
    ndim = len(shape)
    if not dim:
        dims = tuple(range(ndim))
    else:
        # A 0-d tensor accepts dim 0 or -1 (as in PyTorch) and has nothing to reduce.
        dims = tuple(wrap_dim(d, ndim) for d in dim) if ndim else ()
        if len(set(dims)) != len(dims):
            raise ShapeError(
                f"dim {tuple(dim)} names a dimension twice; list each dimension once"
            )
    if keepdim:
        out = tuple(1 if i in dims else s for i, s in enumerate(shape))
    else:
        out = tuple(s for i, s in enumerate(shape) if i not in dims)
    return out, dims


def require_dtype(dtype: DType, allowed: str, what: str, fix: str) -> None:
    """Raise a DTypeError unless ``dtype`` is of the ``allowed`` kind.

    ``allowed``: ``"floating"``, ``"integral"`` (integers and bool), ``"numeric"`` (not bool).
    """
    ok = {
        "floating": dtype.is_floating_point,
        "integral": not dtype.is_floating_point,
        "numeric": not dtype.is_bool,
    }[allowed]
    if not ok:
        raise DTypeError(f"{what} does not support {dtype}. Fix: {fix}")
