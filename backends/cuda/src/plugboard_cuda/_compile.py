"""CUDA C to PTX and cubin through NVRTC, with no device needed.

Generated kernels are compiled at run time for the device's architecture;
on a machine without a GPU the same path compiles them for the architectures
plugboard-cuda supports (:data:`ARCHITECTURES`), which is how CI checks every
kernel. NVRTC comes from the ``nvidia-cuda-nvrtc`` wheel (the ``nvrtc``
extra): CuPy finds it, and its raw binding (``cupy.cuda.nvrtc``) compiles
without a CUDA context, unlike ``cupy.RawModule``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plugboard_cupy import NVRTCError

__all__ = ["ARCHITECTURES", "OPTIONS", "compile_cubin", "compile_ptx", "nvrtc_version"]

# Ampere (A100) and Hopper (H100, H200): the data-centre GPUs plugboard-cuda is tested for.
ARCHITECTURES = ("sm_80", "sm_90")
# IEEE division and square root, as NumPy and PyTorch compute them; no fast-math.
OPTIONS = ("--std=c++17", "--prec-div=true", "--prec-sqrt=true", "--fmad=false")


def _nvrtc() -> Any:
    try:
        from cupy.cuda import nvrtc
    except Exception as error:
        raise NVRTCError(f"NVRTC cannot be loaded through CuPy: {error}. Fix: pip install "
                         "'plugboard-cuda[nvrtc]'") from error
    return nvrtc


def nvrtc_version() -> tuple[int, int]:
    """NVRTC's (major, minor) version.

    >>> nvrtc_version() >= (13, 0)
    True
    """
    try:
        major, minor = _nvrtc().getVersion()
    except NVRTCError:
        raise
    except Exception as error:  # the library itself is missing
        raise NVRTCError(f"NVRTC is not installed: {error}. Fix: pip install "
                         "'plugboard-cuda[nvrtc]'") from error
    return int(major), int(minor)


def _compile(source: str, name: str, arch: str, options: Sequence[str]) -> Any:
    nvrtc = _nvrtc()
    nvrtc_version()
    program = nvrtc.createProgram(source, f"{name}.cu", [], [])
    try:
        nvrtc.compileProgram(program, [*OPTIONS, f"--gpu-architecture={arch}", *options])
    except Exception as error:
        log = str(nvrtc.getProgramLog(program))
        errors = [line.strip() for line in log.splitlines() if "error" in line]
        raise NVRTCError(
            f"NVRTC could not compile {name} for {arch}: "
            f"{errors[0] if errors else error}. The compiler log is in the error's .log",
            log=log,
        ) from error
    return program


def compile_ptx(source: str, name: str, arch: str = "compute_90",
                options: Sequence[str] = ()) -> str:
    """PTX of ``source`` for virtual architecture ``arch`` (``compute_80``, ``compute_90``).

    >>> ptx = compile_ptx('extern "C" __global__ void k(float *x) { x[0] = 1.0f; }', "k")
    >>> ".entry k" in ptx and ".target sm_90" in ptx
    True
    """
    nvrtc = _nvrtc()
    ptx = nvrtc.getPTX(_compile(source, name, arch, options))
    return ptx.decode() if isinstance(ptx, bytes) else str(ptx)


def compile_cubin(source: str, name: str, arch: str = "sm_90",
                  options: Sequence[str] = ()) -> bytes:
    """A cubin of ``source`` for real architecture ``arch`` (``sm_80``, ``sm_90``): machine
    code for that GPU, so the assembler's checks (registers, shared memory) run too."""
    nvrtc = _nvrtc()
    return bytes(nvrtc.getCUBIN(_compile(source, name, arch, options)))
