"""What the CPU kernels share: the kernel record, dtype groups and NumPy helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import (
    ALL,
    FLOATING,
    INTEGRAL,
    NUMERIC,
    KernelSpec,
    host_array,
    ignore_fp_errors,
)

__all__ = ["ALL", "FLOATING", "INTEGRAL", "NUMERIC", "CPUKernel"]

# float16 and bfloat16 (ml_dtypes'), known by their type characters: a dtype's .name is
# slow enough to show in every call, and bfloat16's object would import ml_dtypes, which
# takes most of a second, when the backend loads.
_REDUCED = frozenset({"e", "E"})
_NUMBERS = (bool, int, float)
_Tensor = pb.Tensor


@dataclass(frozen=True)
class CPUKernel(KernelSpec):
    """A CPU kernel record: NumPy reads any strides, so every CPU kernel is strided."""

    strided: bool = True


def array(value: Any) -> Any:
    """A tensor's NumPy view; Python numbers pass through."""
    return host_array(value) if isinstance(value, pb.Tensor) else value


def operands(*values: Any) -> list[Any]:
    """A pointwise kernel's inputs for NumPy: tensors' views, and Python numbers.

    NumPy rounds a Python number to a float16 or bfloat16 array's dtype before it
    computes; plugboard computes with it in float32 (the core hands it over at
    float32's precision, docs/architecture.md "Python numbers"). So beside a
    float16 or bfloat16 tensor a number becomes a float32 scalar: NumPy then
    computes in float32 and rounds once, into ``out``.
    """
    # One plain loop: this runs in every pointwise call, where generator expressions
    # cost more than the NumPy call on small tensors.
    arrays: list[Any] = []
    number = reduced = False
    for v in values:
        if isinstance(v, _Tensor):
            a = host_array(v)
            reduced = reduced or a.dtype.char in _REDUCED
            arrays.append(a)
        else:
            number = number or isinstance(v, _NUMBERS)
            arrays.append(v)
    if number and reduced:
        arrays = [np.float32(a) if isinstance(a, _NUMBERS) else a for a in arrays]
    return arrays


def accumulator(dtype: np.dtype[Any]) -> Any:
    return np.float32 if dtype.char in _REDUCED else None


def quiet(kernel: Callable[..., None]) -> Callable[..., None]:
    """``kernel`` without NumPy's floating-point warnings: inf and NaN are results (as
    in PyTorch), not warnings for the user."""

    @functools.wraps(kernel)
    def quiet_kernel(*args: Any, **kwargs: Any) -> None:
        with ignore_fp_errors():
            kernel(*args, **kwargs)

    return quiet_kernel


def unary(ufunc: np.ufunc) -> Callable[..., None]:
    def kernel(self: pb.Tensor, *, out: pb.Tensor) -> None:
        with ignore_fp_errors():
            ufunc(host_array(self), out=host_array(out))

    return kernel


def binary(ufunc: np.ufunc) -> Callable[..., None]:
    def kernel(self: Any, other: Any, *, out: pb.Tensor) -> None:
        with ignore_fp_errors():
            ufunc(*operands(self, other), out=host_array(out))

    return kernel


