"""CPU kernels for the indexing operators of OPSET.md."""

from __future__ import annotations

from ._kernel_tools import CPUKernel

KERNELS: tuple[CPUKernel, ...] = ()
