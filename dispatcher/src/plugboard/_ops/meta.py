"""Helpers for meta functions: broadcasting, devices, reductions, dtype checks.

Meta functions raise plugboard errors that say the problem and the fix; the
dispatcher adds the operator's name and a description of its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from plugboard._core.device import Device
from plugboard._core.dtype import DType, get_default_dtype, result_type
from plugboard._core.errors import DeviceError, DTypeError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, wrap_dim
from plugboard._dispatch.dispatcher import handle

__all__ = [
    "broadcast_shapes",
    "check_nonempty",
    "check_size",
    "common_device",
    "device_or_cpu",
    "fill_dtype",
    "float_of",
    "op",
    "pointwise_spec",
    "promote",
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


def pointwise_spec(dtype: DType, compute: DType, *operands: Any) -> TensorSpec | MetaResult:
    shape = broadcast_shapes(*[shape_of(o) for o in operands])
    spec = TensorSpec(shape, dtype, common_device(*operands))
    return spec if compute is dtype else MetaResult((spec,), compute)


def promote(self: Any, other: Any) -> DType:
    """``result_type(self, other)``, with the common case of one dtype made cheap."""
    if type(self) is Tensor and type(other) is Tensor and self._dtype is other._dtype:
        return self._dtype
    return result_type(self, other)


def float_of(dtype: DType) -> DType:
    """The floating dtype an integer or bool input computes in (PyTorch: the default)."""
    return dtype if dtype.is_floating_point else get_default_dtype()


def check_size(size: Sequence[int]) -> tuple[int, ...]:
    if any(s < 0 for s in size):
        raise ShapeError(f"sizes must be >= 0, got {tuple(size)}")
    return tuple(size)


def device_or_cpu(device: Device | None) -> Device:
    return device if device is not None else Device("cpu")


def fill_dtype(fill_value: bool | int | float, dtype: DType | None) -> DType:
    if dtype is None:
        return result_type(fill_value)
    if isinstance(fill_value, float) and not dtype.is_floating_point and math.isfinite(
        fill_value
    ) and fill_value != int(fill_value):
        raise DTypeError(
            f"fill value {fill_value!r} is not representable in {dtype}. Fix: pass a "
            "floating dtype or an integral value"
        )
    if not dtype.is_floating_point and not dtype.is_bool:
        if isinstance(fill_value, float) and not math.isfinite(fill_value):
            raise DTypeError(f"fill value {fill_value!r} cannot be stored in {dtype}")
        if not dtype.min <= fill_value <= dtype.max:
            raise DTypeError(
                f"fill value {fill_value!r} overflows {dtype} (range {dtype.min} to "
                f"{dtype.max}). Fix: use a wider dtype"
            )
    return dtype


def check_nonempty(self: Tensor, dims: Sequence[int], name: str) -> None:
    for d in dims:
        if self.shape[d] == 0:
            raise ShapeError(
                f"{name} of an empty dimension: dimension {d} has size 0, and {name} has "
                "no identity. Fix: reduce over non-empty dims only"
            )


def op(name: str) -> Callable[..., Tensor]:
    """``pb::name``, an operator with one tensor result, for composites that call it."""
    return handle(f"pb::{name}")
