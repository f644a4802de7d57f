"""What the kernel tables share: the kernel record (the dtype groups are the core's)."""

from __future__ import annotations

from dataclasses import dataclass

from plugboard.backend import ALL, FLOATING, INTEGRAL, NUMERIC, KernelSpec

__all__ = ["ALL", "FLOATING", "INTEGRAL", "NUMERIC", "OpenCLKernel"]


@dataclass(frozen=True)
class OpenCLKernel(KernelSpec):
    """An OpenCL kernel record: the generated kernels read and write through strides,
    so ``strided`` defaults to True (a kernel that needs contiguous tensors says so)."""

    strided: bool = True
