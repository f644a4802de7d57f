"""CPU kernels for the elementwise operators of OPSET.md beyond the starter set."""

from __future__ import annotations

from ._kernel_tools import CPUKernel

KERNELS: tuple[CPUKernel, ...] = ()
