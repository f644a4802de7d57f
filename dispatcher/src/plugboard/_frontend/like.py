"""Tensor methods that take a dtype, device or shape from a tensor, as PyTorch names them.

``x.float()`` is ``x.to(pb.float32)``; ``x.type_as(y)``, ``x.view_as(y)`` and
``x.expand_as(y)`` take ``y``'s dtype and device, or its shape;
``x.new_zeros(2, 3)`` and the other ``new_*`` factories make a tensor with
``x``'s dtype and device unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from plugboard._core.device import DeviceLike
from plugboard._core.dtype import (
    DType,
    bfloat16,
    bool_,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import handle
from plugboard._frontend.factories import empty, full, ones, tensor, zeros
from plugboard._frontend.naming import front_end, naming, require_tensor

__all__ = [
    "DTYPE_METHODS",
    "dtype_method",
    "expand_as",
    "new_empty",
    "new_full",
    "new_ones",
    "new_tensor",
    "new_zeros",
    "type_as",
    "view_as",
]

# PyTorch's conversion methods: x.float() is x.to(pb.float32), one per dtype.
DTYPE_METHODS: Final[dict[str, DType]] = {
    "bool": bool_,
    "byte": uint8,
    "char": int8,
    "short": int16,
    "int": int32,
    "long": int64,
    "half": float16,
    "bfloat16": bfloat16,
    "float": float32,
    "double": float64,
}


def _to(t: Tensor, device: Any, dtype: DType | None) -> Tensor:
    result: Tensor = handle("pb::to")(t, device, dtype, False)
    return result


def dtype_method(name: str) -> Callable[[Tensor], Tensor]:
    """The method ``x.name()`` of :data:`DTYPE_METHODS`: ``x`` in that dtype.

    Like PyTorch's, it returns ``x`` itself when it already has the dtype, and
    a converted copy otherwise (with ``pb::to``'s casting rules).

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1, 2])
        >>> x.float().dtype, x.half().dtype, x.long() is x
        (pb.float32, pb.float16, True)
    """
    dtype = DTYPE_METHODS[name]

    def method(self: Tensor) -> Tensor:
        return _to(self, None, dtype)

    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    method.__doc__ = (
        f"This tensor as {dtype}: ``x.to(pb.{dtype})``, ``x`` itself if it already is.\n\n"
        f"Example:\n    >>> import plugboard as pb\n"
        f"    >>> pb.tensor([1, 0]).{name}().dtype\n    pb.{dtype}\n"
    )
    return front_end(f"Tensor.{name}")(method)


@front_end("Tensor.type_as")
def type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` with ``other``'s dtype and on its device (``self`` if it has both).

    PyTorch's ``type_as`` is ``self.to(other.options())``: the device comes too.

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([1, 2]).type_as(pb.zeros(1)).tolist()
        [1.0, 2.0]
    """
    with naming("Tensor.type_as", self=self, other=other):
        require_tensor(other, "other")
    return _to(self, other.device, other.dtype)


@front_end("Tensor.view_as")
def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.shape)``: the same storage seen with ``other``'s shape.

    Example:
        >>> import plugboard as pb
        >>> pb.arange(6).view_as(pb.zeros(2, 3)).shape
        (2, 3)
    """
    with naming("Tensor.view_as", self=self, other=other):
        require_tensor(other, "other")
    result: Tensor = handle("pb::view")(self, other.shape)
    return result


@front_end("Tensor.expand_as")
def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.shape)``: size-1 dimensions broadcast to ``other``'s shape (a view).

    Example:
        >>> import plugboard as pb
        >>> pb.tensor([[1], [2]]).expand_as(pb.zeros(2, 3)).tolist()
        [[1, 1, 1], [2, 2, 2]]
    """
    with naming("Tensor.expand_as", self=self, other=other):
        require_tensor(other, "other")
    result: Tensor = handle("pb::expand")(self, other.shape)
    return result


def _options(self: Tensor, dtype: Any, device: DeviceLike | None) -> dict[str, Any]:
    """``dtype=`` and ``device=`` for a ``new_*`` factory: ``self``'s unless given."""
    return {
        "dtype": self.dtype if dtype is None else dtype,
        "device": self.device if device is None else device,
    }


@front_end("Tensor.new_empty")
def new_empty(self: Tensor, *size: Any, dtype: Any = None,
              device: DeviceLike | None = None) -> Tensor:
    """An uninitialized tensor of ``size`` with ``self``'s dtype and device (unless given).

    Example:
        >>> import plugboard as pb
        >>> y = pb.ones(2, dtype=pb.int8).new_empty(3, 4)
        >>> y.shape, y.dtype
        ((3, 4), pb.int8)
    """
    return empty(*size, **_options(self, dtype, device))


@front_end("Tensor.new_zeros")
def new_zeros(self: Tensor, *size: Any, dtype: Any = None,
              device: DeviceLike | None = None) -> Tensor:
    """Zeros of ``size`` with ``self``'s dtype and device (unless given).

    Example:
        >>> import plugboard as pb
        >>> pb.ones(2, dtype=pb.int32).new_zeros((2, 2)).tolist()
        [[0, 0], [0, 0]]
    """
    return zeros(*size, **_options(self, dtype, device))


@front_end("Tensor.new_ones")
def new_ones(self: Tensor, *size: Any, dtype: Any = None,
             device: DeviceLike | None = None) -> Tensor:
    """Ones of ``size`` with ``self``'s dtype and device (unless given).

    Example:
        >>> import plugboard as pb
        >>> pb.zeros(1, dtype=pb.float64).new_ones(2)
        tensor([1., 1.], dtype=pb.float64, device='cpu:0')
    """
    return ones(*size, **_options(self, dtype, device))


@front_end("Tensor.new_full")
def new_full(self: Tensor, size: Sequence[int], fill_value: bool | float, *,
             dtype: Any = None, device: DeviceLike | None = None) -> Tensor:
    """``fill_value`` everywhere in a tensor of ``size``, with ``self``'s dtype and device.

    The dtype is ``self``'s, not the fill value's, as in PyTorch; a value that
    dtype cannot hold is an error (``pb.full``'s rule).

    Example:
        >>> import plugboard as pb
        >>> pb.zeros(1).new_full((2,), 7).tolist()
        [7.0, 7.0]
    """
    return full(size, fill_value, **_options(self, dtype, device))


@front_end("Tensor.new_tensor")
def new_tensor(self: Tensor, data: Any, *, dtype: Any = None,
               device: DeviceLike | None = None) -> Tensor:
    """A new tensor holding a copy of ``data``, with ``self``'s dtype and device (unless given).

    Example:
        >>> import plugboard as pb
        >>> pb.zeros(1, dtype=pb.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=pb.float64, device='cpu:0')
    """
    return tensor(data, **_options(self, dtype, device))
