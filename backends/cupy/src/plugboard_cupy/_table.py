"""The kernel table of the CuPy backends (CUDA and ROCm): one module per section of
docs/opset.md, and the generated pointwise kernels where they are present.

A backend registers ``kernel_table(PLATFORM)``: the same kernels, with a runtime
error CuPy raises inside one (a failed launch, memory) turned into the platform's
plugboard error naming the operator and the device.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from plugboard.backend import KernelSpec, KernelTable

from ._arrays import device_of
from ._errors import translated
from ._platform import Platform

__all__ = ["KERNELS", "KERNEL_MODULES", "kernel_table"]

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


def _translating(spec: KernelSpec, platform: Platform) -> Callable[..., Any]:
    fn = spec.fn

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        device = device_of(args, kwargs)
        if device is None:
            return fn(*args, **kwargs)
        with translated(f"pb::{spec.op}", platform.label(device.index), platform):
            return fn(*args, **kwargs)

    return run


def kernel_table(platform: Platform) -> KernelTable:
    """:data:`KERNELS` for ``platform``'s devices: CuPy's runtime errors inside a kernel
    become ``platform``'s plugboard errors."""
    return KernelTable(spec.with_(fn=_translating(spec, platform)) for spec in KERNELS)
