"""What the kernel tables share: the kernel record and dtype groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import plugboard as pb

__all__ = ["ALL", "FLOATING", "INTEGRAL", "NUMERIC", "OpenCLKernel"]

ALL = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
       pb.float16, pb.bfloat16, pb.float32, pb.float64)
NUMERIC = tuple(d for d in ALL if d is not pb.bool)
INTEGRAL = tuple(d for d in ALL if not d.is_floating_point)
FLOATING = tuple(d for d in ALL if d.is_floating_point)


@dataclass(frozen=True)
class OpenCLKernel:
    """One kernel registration: the operator, the function and what it declares.

    ``strided``: it reads views through their strides and writes ``out`` wherever it
    lies (otherwise the core hands it contiguous tensors); ``mixed_dtypes``: it takes
    inputs of any dtype.
    """

    op: str
    fn: Callable[..., Any]
    dtypes: tuple[pb.DType, ...]
    mixed_dtypes: bool = False
    strided: bool = True
