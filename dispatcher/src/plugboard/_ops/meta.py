"""Helpers for meta functions: broadcasting, devices, reductions, dtype checks.

Meta functions raise plugboard errors that say the problem and the fix; the
dispatcher adds the operator's name and a description of its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from plugboard._core.device import Device
from plugboard._core.dtype import DType, float32, float64, get_default_dtype, int64, result_type
from plugboard._core.errors import ArgumentError, DeviceError, DTypeError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, wrap_dims
from plugboard._dispatch.dispatcher import handle

__all__ = [
    "broadcast_shapes",
    "check_nonempty",
    "check_operand",
    "check_size",
    "check_value",
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
    if len(shapes) == 2 and shapes[0] == shapes[1] and isinstance(shapes[0], tuple):
        return shapes[0]
    try:
        ndim = max((len(s) for s in shapes), default=0)
    except TypeError:
        raise _not_shapes(shapes) from None
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            if isinstance(size, bool) or not isinstance(size, int):
                raise _not_shapes(shapes)
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


def _not_shapes(shapes: tuple[Any, ...]) -> ShapeError:
    return ShapeError(
        f"broadcast_shapes takes shapes, sequences of ints, got {shapes!r:.80}. Fix: pass "
        "tuples such as (2, 1) and (3,)"
    )


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
        # A 0-d tensor accepts dim 0 or -1 (as in PyTorch), checked like any other dim,
        # and has nothing to reduce.
        dims = wrap_dims(dim, ndim)
        dims = dims if ndim else ()
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


def pointwise_spec(
    dtype: DType, compute: DType, *operands: Any, modular: bool = False
) -> TensorSpec | MetaResult:
    """The output of a pointwise operator; Python numbers among ``operands`` are checked
    against ``compute`` with :func:`check_operand`, unless the operator is ``modular``."""
    if not modular and not compute.is_floating_point:
        for o in operands:
            if type(o) is int or type(o) is float:
                check_operand(o, compute)
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
        raise ShapeError(f"sizes must be >= 0, got {tuple(size)}. Fix: pass sizes >= 0")
    return tuple(size)


def device_or_cpu(device: Device | None) -> Device:
    return device if device is not None else Device("cpu")


def fill_dtype(fill_value: bool | int | float, dtype: DType | None) -> DType:
    """The dtype a fill makes: ``dtype``, which must hold ``fill_value`` (see
    :func:`check_value`), or the number's own dtype."""
    if dtype is None:
        return result_type(fill_value)
    check_value(fill_value, dtype, "fill value")
    return dtype


_Number = bool | int | float


def _wider(dtype: DType) -> DType | None:
    """The dtype to suggest when a number overflows ``dtype``."""
    if dtype.is_floating_point:
        return float64 if dtype is float32 else (None if dtype is float64 else float32)
    return None if dtype is int64 else int64


def _unheld(value: _Number, dtype: DType, unsigned_negatives: bool = False) -> str | None:
    """Why ``dtype`` cannot hold the Python number ``value``; None if it can."""
    if type(value) is bool:
        return None  # False and True are 0 and 1 in every dtype
    if dtype.is_floating_point:
        if abs(value) <= dtype.max or (isinstance(value, float) and not math.isfinite(value)):
            return None  # in range (rounded to nearest), or nan and inf themselves
        return f"overflows {dtype} (its largest finite value is {dtype.max:g})"
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"is not representable in {dtype}, which has no {value}"
        if value != int(value):
            return (f"is not representable in {dtype}: it has a fractional part, and "
                    "plugboard does not truncate it")
    if dtype.is_bool:
        if value in (0, 1):
            return None
        return "is not representable in bool, which holds only True and False (1 and 0)"
    low = -dtype.max if unsigned_negatives and not dtype.is_signed else dtype.min
    if low <= value <= dtype.max:
        return None
    return f"overflows {dtype} (range {dtype.min} to {dtype.max})"


def check_value(value: _Number, dtype: DType, what: str = "value") -> None:
    """Raise a DTypeError unless a ``dtype`` tensor can hold the Python number ``value``.

    The one rule for numbers written into tensors (``full``, ``masked_fill``,
    ``scatter(value=)``, ``pad``, ``where``, ``clamp``'s bounds, ``arange``'s
    values, ``x[i] = v``): an integer dtype holds integral values in its range
    (2.5, nan and 300 for int8 are errors, never truncated or wrapped); bool holds
    True and False (0 and 1); a floating dtype holds inf, nan and every value up
    to its largest finite one, rounded to nearest.

    Example:
        >>> import plugboard as pb
        >>> from plugboard._ops.meta import check_value
        >>> check_value(65504.0, pb.float16)  # the largest finite float16
        >>> try:
        ...     check_value(2.5, pb.int64)
        ... except pb.DTypeError as error:
        ...     print(str(error).split(":")[0])
        value 2.5 is not representable in int64
    """
    problem = _unheld(value, dtype)
    if problem is None:
        return
    if "overflows" in problem:
        wider = _wider(dtype)
        fix = (f"use a wider dtype such as pb.{wider}, or a value in range" if wider
               else "use a value in range")
    elif dtype.is_bool:
        fix = "pass a bool (e.g. value != 0), or use a numeric dtype"
    else:
        fix = "pass an integral value (e.g. round it first), or use a floating dtype"
    raise DTypeError(f"{what} {value!r:.40} {problem}. Fix: {fix}")


def check_operand(value: _Number, dtype: DType, unsigned_negatives: bool = False) -> None:
    """Raise a DTypeError unless the number ``value`` fits ``dtype``, the integer or bool
    dtype an operator computes in: ``int8_x == 1000`` and ``uint8_x < -1`` are errors,
    where PyTorch compares with the number wrapped (-24, 255).

    Operands of modular integer arithmetic (add, sub, mul, the bitwise ones) are not
    checked: a number wrapped modulo 2**bits gives exactly the wrapped result of the
    exact arithmetic (``int8_x + 1000`` is ``int8_x + 1000 - 1024``), as in PyTorch.
    Multipliers (``alpha=``, ``value=``) are checked as PyTorch checks them, with
    ``unsigned_negatives``: down to ``-max`` for an unsigned dtype, where -1 is 255 and
    ``add(x, y, alpha=-1)`` subtracts modulo 2**bits.
    """
    problem = _unheld(value, dtype, unsigned_negatives)
    if problem is None:
        return
    wider = _wider(dtype) or float64
    raise DTypeError(
        f"the number {value!r:.40} {problem}, the dtype this computes in. Fix: cast the "
        f"tensor to a dtype that holds it first, e.g. x.to(pb.{wider}), or pass a value "
        "in range"
    )


def check_nonempty(self: Tensor, dims: Sequence[int], name: str) -> None:
    for d in dims:
        if self.shape[d] == 0:
            raise ShapeError(
                f"{name} of an empty dimension: dimension {d} has size 0, and {name} has "
                "no identity. Fix: reduce over non-empty dims only"
            )


def with_requires_grad(
    requires_grad: bool, front_end: str, make: Callable[[], Tensor]
) -> Tensor:
    """A factory's ``requires_grad=``: what ``make`` creates, as a leaf that requires grad
    when asked. Only floating tensors have gradients (as in PyTorch); errors name the
    factory, and a value that is not a bool is refused before anything is made.
    """
    if not isinstance(requires_grad, bool):
        raise ArgumentError(
            f"requires_grad must be True or False, not {type(requires_grad).__name__}. "
            "Fix: pass requires_grad=True or requires_grad=False",
            op=front_end, inputs=f"requires_grad={requires_grad!r:.40}",
        )
    t = make()
    if not requires_grad:
        return t
    if not t.dtype.is_floating_point:
        raise DTypeError(
            f"only floating-point tensors can require gradients, and this one is {t.dtype}. "
            "Fix: pass a floating dtype (dtype=pb.float32), or drop requires_grad=True",
            op=front_end,
            inputs=f"requires_grad=True, result={t.dtype}[{', '.join(map(str, t.shape))}]",
        )
    result: Tensor = t.requires_grad_()  # attached by autograd at start-up
    return result


def op(name: str) -> Callable[..., Tensor]:
    """``pb::name``, an operator with one tensor result, for composites that call it."""
    return handle(f"pb::{name}")
