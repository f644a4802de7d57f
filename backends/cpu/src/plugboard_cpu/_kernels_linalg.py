"""CPU kernels for the linear-algebra operators of OPSET.md beyond matmul."""

from __future__ import annotations

from ._kernel_tools import CPUKernel

KERNELS: tuple[CPUKernel, ...] = ()
