"""``pb.isclose``, ``pb.allclose`` and ``pb.equal``: PyTorch's comparisons, from pb operators.

``isclose`` is PyTorch's decomposition: ``input == other``, or (with
``equal_nan``) both NaN, or a finite ``|input - other| <= atol + rtol * |other|``.
So infinities are close only to themselves, and integer and bool inputs
compute the difference and the tolerance in the default float dtype (never
wrapping: ``|5 - 6|`` is 1 in uint8 too).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from plugboard._core.dtype import get_default_dtype
from plugboard._core.errors import ArgumentError, DTypeError
from plugboard._core.tensor import Tensor
from plugboard._frontend.naming import front_end, naming, require_same_device, require_tensor
from plugboard._ops.meta import broadcast_shapes
from plugboard._ops.meta import op as _op

__all__ = ["allclose", "equal", "isclose"]


def _tolerance(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise ArgumentError(
            f"{name} must be a number, not {type(value).__name__}. Fix: pass a float, "
            f"e.g. {name}=1e-5"
        )
    if not value >= 0:  # NaN too
        raise ArgumentError(
            f"{name} must be greater than or equal to zero, got {value}. Fix: pass a "
            "non-negative tolerance"
        )
    return float(value)


def _check(what: str, input: Any, other: Any, rtol: Any, atol: Any, equal_nan: Any) -> None:
    """The arguments of ``isclose`` and ``allclose``, checked as PyTorch checks them."""
    with naming(what, input=input, other=other, rtol=rtol, atol=atol, equal_nan=equal_nan):
        require_tensor(input, "input")
        require_tensor(other, "other")
        _tolerance(rtol, "rtol")
        _tolerance(atol, "atol")
        if not isinstance(equal_nan, bool):
            raise ArgumentError(
                f"equal_nan must be a bool, not {type(equal_nan).__name__}. Fix: pass True "
                "or False"
            )
        if input.dtype is not other.dtype:
            raise DTypeError(
                f"input and other must have the same dtype, got {input.dtype} and "
                f"{other.dtype}. Fix: cast one of them, e.g. other.to(pb.{input.dtype})"
            )
        require_same_device([input, other], ["input", "other"])
        broadcast_shapes(input.shape, other.shape)


def _isclose(input: Tensor, other: Tensor, rtol: float, atol: float, equal_nan: bool) -> Tensor:
    close: Tensor = _op("eq")(input, other)
    if equal_nan and input.dtype.is_floating_point:
        both_nan = _op("logical_and")(_op("isnan")(input), _op("isnan")(other))
        close = _op("logical_or")(close, both_nan)
    if rtol == 0 and atol == 0:
        return close  # the inequality below would only repeat ==
    if not input.dtype.is_floating_point:
        # As PyTorch: other in the default float dtype, so that input - other promotes
        # to it instead of wrapping in the integer dtype; bool input too (it cannot sub).
        default = get_default_dtype()
        other = _op("to")(other, None, default)
        if input.dtype.is_bool:
            input = _op("to")(input, None, default)
    allowed = _op("add")(_op("abs")(_op("mul")(other, rtol)), atol)
    actual = _op("abs")(_op("sub")(input, other))
    within = _op("logical_and")(_op("isfinite")(actual), _op("le")(actual, allowed))
    result: Tensor = _op("logical_or")(close, within)
    return result


@front_end("pb.isclose")
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Whether each element of ``input`` is close to ``other``'s, as a bool tensor.

    Close means ``|input - other| <= atol + rtol * |other|`` (finite), or equal
    (infinities of one sign), or both NaN with ``equal_nan=True``. The tensors
    broadcast; they must have one dtype, as in PyTorch.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1.0, float("inf"), float("nan"), 2.0])
        >>> pb.isclose(x, pb.tensor([1.0 + 1e-6, float("inf"), float("nan"), 2.1])).tolist()
        [True, True, False, False]
        >>> pb.isclose(x, x, equal_nan=True).tolist()
        [True, True, True, True]
    """
    _check("pb.isclose", input, other, rtol, atol, equal_nan)
    return _isclose(input, other, float(rtol), float(atol), equal_nan)


@front_end("pb.allclose")
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element of ``input`` is close to ``other``'s (see :func:`isclose`).

    Example:
        >>> import plugboard as pb
        >>> pb.allclose(pb.tensor([1.0, 2.0]), pb.tensor([1.0, 2.0 + 1e-6]))
        True
        >>> pb.allclose(pb.tensor([1.0]), pb.tensor([1.1]), atol=0.2)
        True
    """
    _check("pb.allclose", input, other, rtol, atol, equal_nan)
    with naming("pb.allclose", input=input, other=other):
        _require_values(input)
    close = _isclose(input, other, float(rtol), float(atol), equal_nan)
    return bool(_op("all")(close).item())


@front_end("pb.equal")
def equal(input: Tensor, other: Tensor) -> bool:
    """Whether ``input`` and ``other`` have the same shape and the same elements.

    Dtypes promote as for ``==``; NaN equals nothing. Shapes do not broadcast:
    different shapes are simply not equal.

    Example:
        >>> import plugboard as pb
        >>> pb.equal(pb.tensor([1, 2]), pb.tensor([1.0, 2.0]))
        True
        >>> pb.equal(pb.tensor([1, 2]), pb.tensor([[1, 2]]))
        False
    """
    with naming("pb.equal", input=input, other=other):
        require_tensor(input, "input")
        require_tensor(other, "other")
        require_same_device([input, other], ["input", "other"])
        _require_values(input)
    if input.shape != other.shape:
        return False
    return bool(_op("all")(_op("eq")(input, other)).item())


def _require_values(t: Tensor) -> None:
    if t.device.type == "meta":
        raise ArgumentError(
            "the answer is a Python bool, which needs the tensors' values, and meta "
            "tensors have none. Fix: compare tensors on a device with data"
        )
