"""What a meta function says of an operator's outputs, before any device work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from plugboard._core.device import Device
from plugboard._core.dtype import DType

__all__ = ["MetaResult", "TensorSpec"]


class TensorSpec(NamedTuple):
    """What a meta function says of one output: shape, dtype and device."""

    shape: tuple[int, ...]
    dtype: DType
    device: Device


@dataclass(frozen=True, slots=True)
class MetaResult:
    """A meta function's full answer, when the outputs' dtype is not the computation dtype.

    ``compute_dtype`` is the dtype kernels compute in (e.g. ``eq`` compares in
    the promoted dtype and writes bool): inputs are cast to it for kernels
    that do not accept mixed dtypes.
    """

    outputs: tuple[TensorSpec, ...]
    compute_dtype: DType
