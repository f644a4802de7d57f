"""What this machine has for ROCm: the HIP runtime, GPUs, CuPy's ROCm build. Never raises.

The HIP runtime is asked first, through its own library (``libamdhip64.so.7``, ROCm 7)
with ctypes: on a machine without one that answers in microseconds, where importing
CuPy takes most of a second, and ``plugboard devices`` probes every installed backend.
CuPy is imported only where the runtime sees a GPU.

The reasons are the ones a user can act on, each with the underlying message: no HIP
runtime (the loader's message), a runtime that fails to initialise or sees no GPU
(``hipErrorNoDevice`` and the like, by name), CuPy missing or failing to import, or the
CUDA build of CuPy where the ROCm build is needed (both install the ``cupy`` package).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Mapping
from typing import Any

from plugboard_cupy import Probe

__all__ = ["RUNTIME_LIBRARY", "Probe", "describe", "extra_properties", "probe",
           "probe_runtime"]

RUNTIME_LIBRARY = "amdhip64_7.dll" if sys.platform == "win32" else "libamdhip64.so.7"
_INSTALL_ROCM = ("install ROCm 7 with the amdgpu driver (https://rocm.docs.amd.com), which "
                 f"provides {RUNTIME_LIBRARY}, on a machine with an AMD Instinct or Radeon GPU")
_INSTALL_CUPY = ("pip install 'plugboard-rocm[cupy]' (CuPy's ROCm 7 build, cupy-rocm-7-0) in an "
                 "environment without cupy-cuda13x: both install the `cupy` package")


def _version(code: int) -> str:
    """HIP's version encoding: major * 10**7 + minor * 10**5 + patch."""
    return f"{code // 10_000_000}.{code // 100_000 % 100}" if code else "none"


def describe(p: Probe) -> str:
    """The HIP driver and runtime versions as doctor shows them.

    >>> describe(Probe(1, "", 70051831, 70051831))
    'HIP driver 7.0, runtime 7.0'
    """
    return f"HIP driver {_version(p.driver_version)}, runtime {_version(p.runtime_version)}"


def extra_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """What a ROCm device's properties add to plugboard's: its GCN architecture.

    >>> extra_properties({"gcnArchName": b"gfx90a:sramecc+:xnack-"})
    {'gcn_arch': 'gfx90a:sramecc+:xnack-'}
    """
    arch = props.get("gcnArchName", b"")
    return {"gcn_arch": arch.decode() if isinstance(arch, bytes) else str(arch)}


def _load() -> Any:
    hip = ctypes.CDLL(RUNTIME_LIBRARY)
    hip.hipGetErrorName.restype = ctypes.c_char_p
    hip.hipGetErrorString.restype = ctypes.c_char_p
    return hip


def _hip_error(hip: Any, code: int) -> str:
    """``hipErrorNoDevice: no ROCm-capable device is detected``, from the runtime."""
    name, text = hip.hipGetErrorName(code), hip.hipGetErrorString(code)
    if not name:
        return f"HIP error {code}"
    return f"{name.decode()}: {(text or b'').decode()}"


def probe_runtime(hip: Any = None) -> Probe | None:
    """The HIP runtime's answer without CuPy: a Probe with no device and the reason, or
    None where the runtime sees a GPU (``hip`` given: a stand-in library, for tests)."""
    if hip is None:
        try:
            hip = _load()
        except OSError as error:
            return Probe(0, f"ROCm runtime ({RUNTIME_LIBRARY}) not found: {error}. "
                            f"Fix: {_INSTALL_ROCM}")
    code = hip.hipInit(0)
    if code != 0:
        return Probe(0, f"the HIP runtime does not initialise: {_hip_error(hip, code)}. "
                        f"Fix: {_INSTALL_ROCM}, and check that the GPU shows in rocm-smi")
    version, count = ctypes.c_int(0), ctypes.c_int(0)
    hip.hipDriverGetVersion(ctypes.byref(version))
    code = hip.hipGetDeviceCount(ctypes.byref(count))
    if code != 0:
        return Probe(0, f"the HIP runtime sees no GPU: hipGetDeviceCount gave "
                        f"{_hip_error(hip, code)}. Fix: check that the GPU shows in rocm-smi "
                        "and that this user may open /dev/kfd (the render group)",
                     version.value)
    if count.value == 0:
        return Probe(0, "the HIP runtime sees no GPU (hipGetDeviceCount gave 0)", version.value)
    return None


def _import_error(error: Exception) -> str:
    """CuPy's import error without its installation advice: the loader's words.

    >>> _import_error(ImportError("Failed to import CuPy. Check the guide. Original error: "
    ...                           "ImportError: libamdhip64.so.7: cannot open ===="))
    'ImportError: libamdhip64.so.7: cannot open'
    """
    text = str(error).split("Original error:", 1)[-1].split("====", 1)[0]
    return " ".join(text.split()) or type(error).__name__


def probe(cupy: Any = None, hip: Any = None) -> Probe:
    """Look for ROCm: the HIP runtime first, then CuPy (``cupy`` given: that module, for
    tests, and the runtime is not asked)."""
    if cupy is None:
        without_gpu = probe_runtime(hip)
        if without_gpu is not None:
            return without_gpu
        try:
            import cupy as module
        except Exception as error:  # ImportError, or a missing shared library
            return Probe(0, "CuPy's ROCm build (cupy-rocm-7-0) cannot be imported: "
                            f"{_import_error(error)}. Fix: {_INSTALL_CUPY}")
        cupy = module
    runtime = cupy.cuda.runtime
    if not getattr(runtime, "is_hip", False):
        return Probe(0, "the installed CuPy is its CUDA build (cupy.cuda.runtime.is_hip is "
                        f"False), which cannot reach AMD GPUs. Fix: {_INSTALL_CUPY}")
    try:
        runtime_version = int(runtime.runtimeGetVersion())
        driver_version = int(runtime.driverGetVersion())
    except Exception as error:
        return Probe(0, f"the HIP runtime does not load through CuPy: {error}")
    try:
        count = int(runtime.getDeviceCount())
    except Exception as error:  # CUDARuntimeError, with the runtime's hipError name
        return Probe(0, f"no usable AMD GPU: {error}. Fix: {_INSTALL_ROCM}",
                     driver_version, runtime_version)
    if count == 0:
        return Probe(0, "the HIP runtime sees no GPU (hipGetDeviceCount gave 0)",
                     driver_version, runtime_version)
    return Probe(count, "", driver_version, runtime_version)
