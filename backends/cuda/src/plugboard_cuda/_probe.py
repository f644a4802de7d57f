"""What this machine has for CUDA: CuPy, a driver, devices. Never raises.

The reasons are the ones a user can act on, each with the underlying message:
CuPy missing or failing to import (its message names the missing library), no
driver or one too old for CUDA 13 (``cudaErrorInsufficientDriver``), no device
(``cudaErrorNoDevice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Probe", "probe"]


@dataclass(frozen=True)
class Probe:
    """The result of looking for CUDA: the device count, or why there is none."""

    devices: int
    reason: str = ""
    driver_version: int = 0  # CUDA's encoding: 13000 is 13.0; 0 without a driver
    runtime_version: int = 0


def _version(code: int) -> str:
    return f"{code // 1000}.{code % 1000 // 10}" if code else "none"


def describe(p: Probe) -> str:
    """The driver and runtime versions as doctor shows them."""
    return f"CUDA driver {_version(p.driver_version)}, runtime {_version(p.runtime_version)}"


def probe(cupy: Any = None) -> Probe:
    """Look for CUDA through CuPy (``cupy`` given: that module, for tests)."""
    if cupy is None:
        try:
            import cupy as module
        except Exception as error:  # ImportError, or a missing shared library
            return Probe(0, f"CuPy (cupy-cuda13x) cannot be imported: {error}. Fix: pip "
                            "install plugboard-cuda on Linux or Windows with an NVIDIA GPU")
        cupy = module
    runtime = cupy.cuda.runtime
    try:
        runtime_version = int(runtime.runtimeGetVersion())
        driver_version = int(runtime.driverGetVersion())
    except Exception as error:
        return Probe(0, f"the CUDA runtime does not load: {error}")
    try:
        count = int(runtime.getDeviceCount())
    except Exception as error:  # CUDARuntimeError, with the driver's message
        if not driver_version:
            fix = "install the NVIDIA driver (CUDA 13 needs 580 or newer)"
        else:
            fix = (f"the driver supports CUDA {_version(driver_version)}; CUDA 13 needs a "
                   "580 or newer driver")
        return Probe(0, f"no usable NVIDIA driver or GPU: {error}. Fix: {fix}",
                     driver_version, runtime_version)
    if count == 0:
        return Probe(0, "the NVIDIA driver sees no GPU (cudaGetDeviceCount gave 0)",
                     driver_version, runtime_version)
    return Probe(count, "", driver_version, runtime_version)
