"""What this machine has for CUDA: a driver, devices, CuPy. Never raises.

The driver is asked first, through its own library (``libcuda.so.1``) with
ctypes: on a machine without a GPU that answers in microseconds, where
importing CuPy (and the ml_dtypes it loads) takes most of a second, and
``plugboard devices`` probes every installed backend. CuPy is imported only
where the driver sees a GPU.

The reasons are the ones a user can act on, each with the underlying message:
no driver library (the loader's message), a driver that fails to initialise
or is too old for CUDA 13 (``CUDA_ERROR_...`` or ``cudaErrorInsufficientDriver``),
no device, CuPy missing or failing to import (its message names the missing
library).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Mapping
from typing import Any

from plugboard_cupy import Probe

__all__ = ["Probe", "describe", "extra_properties", "probe", "probe_driver"]

# Probe's versions are CUDA's encoding here: 13000 is 13.0; 0 without a driver.


def _version(code: int) -> str:
    return f"{code // 1000}.{code % 1000 // 10}" if code else "none"


def describe(p: Probe) -> str:
    """The driver and runtime versions as doctor shows them.

    >>> describe(Probe(1, "", 13000, 13020))
    'CUDA driver 13.0, runtime 13.2'
    """
    return f"CUDA driver {_version(p.driver_version)}, runtime {_version(p.runtime_version)}"


def extra_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """What a CUDA device's properties add to plugboard's: its compute capability.

    >>> extra_properties({"major": 9, "minor": 0})
    {'compute_capability': '9.0'}
    """
    return {"compute_capability": f"{props.get('major', 0)}.{props.get('minor', 0)}"}


_DRIVER_LIBRARY = "nvcuda.dll" if sys.platform == "win32" else "libcuda.so.1"
_INSTALL_DRIVER = "install the NVIDIA driver (CUDA 13 needs 580 or newer)"


def _driver_error(driver: Any, code: int) -> str:
    """``CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected``, from the driver."""
    name, text = ctypes.c_char_p(), ctypes.c_char_p()
    driver.cuGetErrorName(code, ctypes.byref(name))
    driver.cuGetErrorString(code, ctypes.byref(text))
    if name.value is None:
        return f"CUDA driver error {code}"
    return f"{name.value.decode()}: {(text.value or b'').decode()}"


def probe_driver(driver: Any = None) -> Probe | None:
    """The driver's answer without CuPy: a Probe with no device and the reason, or None
    where the driver sees a GPU (``driver`` given: a stand-in library, for tests)."""
    if driver is None:
        try:
            driver = ctypes.CDLL(_DRIVER_LIBRARY)
        except OSError as error:
            return Probe(0, f"no NVIDIA driver: {error}. Fix: {_INSTALL_DRIVER}")
    code = driver.cuInit(0)
    if code != 0:
        return Probe(0, f"the NVIDIA driver does not initialise: {_driver_error(driver, code)}. "
                        f"Fix: {_INSTALL_DRIVER}, and check that the GPU shows in nvidia-smi")
    version, count = ctypes.c_int(0), ctypes.c_int(0)
    driver.cuDriverGetVersion(ctypes.byref(version))
    code = driver.cuDeviceGetCount(ctypes.byref(count))
    if code != 0:
        return Probe(0, f"the NVIDIA driver cannot count GPUs: {_driver_error(driver, code)}",
                     version.value)
    if count.value == 0:
        return Probe(0, "the NVIDIA driver sees no GPU (cuDeviceGetCount gave 0)",
                     version.value)
    return None


def probe(cupy: Any = None, driver: Any = None) -> Probe:
    """Look for CUDA: the driver first, then CuPy (``cupy`` given: that module, for
    tests, and the driver is not asked)."""
    if cupy is None:
        without_gpu = probe_driver(driver)
        if without_gpu is not None:
            return without_gpu
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
            fix = _INSTALL_DRIVER
        else:
            fix = (f"the driver supports CUDA {_version(driver_version)}; CUDA 13 needs a "
                   "580 or newer driver")
        return Probe(0, f"no usable NVIDIA driver or GPU: {error}. Fix: {fix}",
                     driver_version, runtime_version)
    if count == 0:
        return Probe(0, "the NVIDIA driver sees no GPU (cudaGetDeviceCount gave 0)",
                     driver_version, runtime_version)
    return Probe(count, "", driver_version, runtime_version)
