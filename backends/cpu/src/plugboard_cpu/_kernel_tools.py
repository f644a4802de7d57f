"""What the CPU kernels share: the kernel record, dtype groups and NumPy helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import ALL, FLOATING, INTEGRAL, NUMERIC, KernelSpec, host_array

__all__ = ["ALL", "FLOATING", "INTEGRAL", "NUMERIC", "CPUKernel"]

_REDUCED = ("float16", "bfloat16")


@dataclass(frozen=True)
class CPUKernel(KernelSpec):
    """A CPU kernel record: NumPy reads any strides, so every CPU kernel is strided."""

    strided: bool = True


def array(value: Any) -> Any:
    """A tensor's NumPy view; Python numbers pass through."""
    return host_array(value) if isinstance(value, pb.Tensor) else value


def accumulator(dtype: np.dtype[Any]) -> Any:
    return np.float32 if dtype.name in _REDUCED else None


def unary(ufunc: np.ufunc) -> Callable[..., None]:
    def kernel(self: pb.Tensor, *, out: pb.Tensor) -> None:
        with np.errstate(all="ignore"):
            ufunc(host_array(self), out=host_array(out))

    return kernel


def binary(ufunc: np.ufunc) -> Callable[..., None]:
    def kernel(self: Any, other: Any, *, out: pb.Tensor) -> None:
        with np.errstate(all="ignore"):
            ufunc(array(self), array(other), out=host_array(out))

    return kernel


