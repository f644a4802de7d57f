"""The kernel table of the CuPy backends (CUDA and ROCm): one module per section of
docs/opset.md, and the generated pointwise kernels where they are present."""

from __future__ import annotations

import importlib
from types import ModuleType

from plugboard.backend import KernelTable

__all__ = ["KERNELS", "KERNEL_MODULES"]

_SECTIONS = ("copy", "reductions", "linalg", "shape", "indexing", "random", "nn")


def _pointwise() -> tuple[ModuleType, ...]:
    try:
        return (importlib.import_module(f"{__package__}._pointwise"),)
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}._pointwise":
            raise
        return ()


KERNEL_MODULES: tuple[ModuleType, ...] = (
    *_pointwise(),
    *(importlib.import_module(f"{__package__}._kernels_{section}") for section in _SECTIONS),
)
KERNELS = KernelTable.from_modules(*KERNEL_MODULES)
