"""The CPU backend's hook implementations: identity, runtime, kernels."""

from __future__ import annotations

from collections.abc import Collection
from importlib import resources

from plugboard import Library, backend
from plugboard.backend import KernelTable

from . import (
    __version__,
    _kernels,
    _kernels_creation,
    _kernels_elementwise,
    _kernels_indexing,
    _kernels_native,
    _kernels_nn,
    _kernels_reductions,
    _kernels_shape,
)
from ._runtime import CPURuntime

# The kernel tables, one module per section of docs/opset.md (the starter kernels first; the
# linear-algebra section's one primitive, matmul, is among them).
KERNEL_MODULES = (_kernels, _kernels_creation, _kernels_elementwise, _kernels_reductions,
                  _kernels_shape, _kernels_indexing, _kernels_nn)
# The NumPy kernels: the reference, and what runs where a native kernel does not apply.
REFERENCE_KERNELS = KernelTable.from_modules(*KERNEL_MODULES)
# The table the backend registers: the native (C++) kernels in place of their NumPy ones,
# each choosing per call between the two (plugboard_cpu._kernels_native).
KERNELS = REFERENCE_KERNELS.replacing(*_kernels_native.KERNELS)


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    return backend.BackendInfo(
        device_type="cpu",
        dispatch_key="CPU",
        version=__version__,
        api_version=backend.API_VERSION,
        distribution="plugboard-cpu",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    return CPURuntime()


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    register_kernels(library)


def register_kernels(library: Library, only: Collection[str] | None = None) -> None:
    """Register the CPU kernels on ``library``; with ``only``, those of these operators.

    ``only`` makes test and benchmark backends from the CPU kernels: with the
    names of docs/opset.md's primitives, a backend that runs every composite by
    its decomposition.
    """
    (KERNELS if only is None else KERNELS.only(only)).register(library)


@backend.hookimpl
def plugboard_conformance_expectations() -> str:
    return str(resources.files("plugboard_cpu") / "conformance-expectations.toml")
