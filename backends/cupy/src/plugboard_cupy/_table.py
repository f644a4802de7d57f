"""The kernel table of the CuPy backends (CUDA and ROCm): one module per section of
docs/opset.md, and the generated pointwise kernels where they are present."""

from __future__ import annotations

import importlib
from types import ModuleType

from plugboard.backend import KernelTable

from . import (
    _kernels_copy,
    _kernels_indexing,
    _kernels_linalg,
    _kernels_nn,
    _kernels_random,
    _kernels_reductions,
    _kernels_shape,
)

__all__ = ["KERNELS", "KERNEL_MODULES"]


def _pointwise() -> tuple[ModuleType, ...]:
    try:
        return (importlib.import_module("plugboard_cupy._pointwise"),)
    except ModuleNotFoundError as error:
        if error.name != "plugboard_cupy._pointwise":
            raise
        return ()


KERNEL_MODULES: tuple[ModuleType, ...] = (
    *_pointwise(), _kernels_copy, _kernels_reductions, _kernels_linalg, _kernels_shape,
    _kernels_indexing, _kernels_random, _kernels_nn,
)
KERNELS = KernelTable.from_modules(*KERNEL_MODULES)
