"""HIP C++ to AMD GPU code objects, with no device needed: hipcc and hiprtc.

Generated kernels are compiled for the GPU's architecture; on a machine without one
the same paths compile them for the architectures plugboard-rocm supports
(:data:`ARCHITECTURES`), which is how CI checks every kernel:

- :func:`compile_hipcc` runs ``hipcc --genco`` (``HIP_PLATFORM=amd``; Debian's
  ``hipcc`` package, or ROCm's), giving a clang offload bundle as
  ``hipModuleLoadData`` takes it;
- :func:`compile_hiprtc` calls hiprtc through ctypes, where its library exists
  (``libhiprtc.so.7`` with ROCm 7; ROCm 5's runtime, ``libamdhip64.so.5``, has it
  inside), giving the code object's ELF. It runs in a child Python process: hiprtc's
  compiler (comgr, with an LLVM of its own) aborts a process that already holds
  another LLVM (PoCL's, loaded by the OpenCL backend) on their duplicated command-line
  options.

Both compile with floating-point contraction off (no fused multiply-add where the
source has a multiply and an add), as NumPy and PyTorch compute on the host.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from plugboard_cupy import HIPCompileError

__all__ = ["ARCHITECTURES", "HIPRTC_LIBRARIES", "OPTIONS", "compile_hipcc", "compile_hiprtc",
           "hipcc_path", "hiprtc_version"]

# CDNA 2 (MI210, MI250, MI250X): the data-centre GPUs plugboard-rocm is written for.
ARCHITECTURES = ("gfx90a",)
# IEEE results: no fast-math, no contraction into FMA.
OPTIONS = ("-O3", "-ffp-contract=off", "-fno-fast-math")
HIPRTC_LIBRARIES = ("libhiprtc.so.7", "libhiprtc.so.6", "libamdhip64.so.5")
_INSTALL_HIPCC = "apt-get install hipcc (Debian 12 and newer), or install ROCm"
# hipcc includes the HIP runtime header itself only for .hip files with ROCm's driver;
# hiprtc needs none, so the hipcc path adds it.
_HIPCC_PRELUDE = "#include <hip/hip_runtime.h>\n"
_BUNDLE_MAGIC = b"__CLANG_OFFLOAD_BUNDLE__"


def _first_error(log: str) -> str:
    errors = [line.strip() for line in log.splitlines() if "error" in line]
    return errors[0] if errors else log.strip().splitlines()[-1] if log.strip() else ""


def hipcc_path() -> str:
    """hipcc's path, or HIPCompileError saying how to install it."""
    path = shutil.which("hipcc")
    if path is None:
        raise HIPCompileError(f"hipcc is not installed (not on PATH). Fix: {_INSTALL_HIPCC}")
    return path


def compile_hipcc(source: str, name: str, arch: str = "gfx90a",
                  options: Sequence[str] = (), timeout: float = 300) -> bytes:
    """A code object (a clang offload bundle) of ``source`` for ``arch``, from hipcc.

    >>> bundle = compile_hipcc('extern "C" __global__ void k(float *x) { x[0] = 1.0f; }',
    ...                        "k")
    >>> b"amdgcn-amd-amdhsa--gfx90a" in bundle
    True
    """
    hipcc = hipcc_path()
    with tempfile.TemporaryDirectory(prefix="plugboard-hipcc-") as folder:
        src, out = Path(folder) / f"{name}.hip", Path(folder) / f"{name}.hsaco"
        src.write_text(_HIPCC_PRELUDE + source)
        command = [hipcc, f"--offload-arch={arch}", "--genco", *OPTIONS, *options, str(src),
                   "-o", str(out)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "HIP_PLATFORM": "amd"}, check=False)
        except subprocess.TimeoutExpired as error:
            raise HIPCompileError(f"hipcc did not finish compiling {name} for {arch} in "
                                  f"{timeout:g} s", log=str(error.stderr or "")) from error
        log = done.stdout + done.stderr
        if done.returncode != 0 or not out.exists():
            raise HIPCompileError(
                f"hipcc could not compile {name} for {arch}: {_first_error(log)}. The "
                "compiler log is in the error's .log", log=log)
        code = out.read_bytes()
    if not code.startswith(_BUNDLE_MAGIC) or arch.encode() not in code:
        raise HIPCompileError(f"hipcc's output for {name} is not a code object for {arch}",
                              log=log)
    return code


def _hiprtc() -> Any:
    errors = []
    for library in HIPRTC_LIBRARIES:
        try:
            lib = ctypes.CDLL(library)
        except OSError as error:
            errors.append(str(error))
            continue
        if not hasattr(lib, "hiprtcCreateProgram"):  # a runtime without hiprtc inside
            errors.append(f"{library} has no hiprtcCreateProgram")
            continue
        lib.hiprtcGetErrorString.restype = ctypes.c_char_p
        return lib
    raise HIPCompileError(f"hiprtc is not installed ({'; '.join(errors)}). Fix: install "
                          "ROCm 7 (libhiprtc.so.7), or Debian's hipcc (ROCm 5's runtime)")


def hiprtc_version() -> tuple[int, int]:
    """hiprtc's (major, minor) version.

    >>> major, minor = hiprtc_version()
    """
    lib = _hiprtc()
    major, minor = ctypes.c_int(0), ctypes.c_int(0)
    lib.hiprtcVersion(ctypes.byref(major), ctypes.byref(minor))
    return major.value, minor.value


def _check(lib: Any, code: int, doing: str) -> None:
    if code != 0:
        raise HIPCompileError(f"hiprtc failed {doing}: {lib.hiprtcGetErrorString(code).decode()}")


def compile_hiprtc(source: str, name: str, arch: str = "gfx90a",
                   options: Sequence[str] = (), timeout: float = 300) -> bytes:
    """A code object (ELF for AMDGPU) of ``source`` for ``arch``, from hiprtc (in a child
    process, see the module's notes).

    >>> code = compile_hiprtc('extern "C" __global__ void k(float *x) { x[0] = 1.0f; }',
    ...                       "k")
    >>> code[:4]
    b'\\x7fELF'
    """
    request = json.dumps({"source": source, "name": name, "arch": arch,
                          "options": list(options)})
    try:
        done = subprocess.run([sys.executable, "-m", "plugboard_rocm._compile"],
                              input=request.encode(), capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as error:
        raise HIPCompileError(f"hiprtc did not finish compiling {name} for {arch} in "
                              f"{timeout:g} s") from error
    if done.returncode == 0:
        return done.stdout
    try:
        failure = json.loads(done.stderr)
    except ValueError:  # the child died (a signal) before it could say why
        raise HIPCompileError(
            f"hiprtc's process compiling {name} for {arch} ended with status "
            f"{done.returncode}: {done.stderr.decode(errors='replace').strip()[-500:]}",
            log=done.stderr.decode(errors="replace")) from None
    raise HIPCompileError(failure["message"], log=failure["log"])


def _compile_in_process(source: str, name: str, arch: str, options: Sequence[str]) -> bytes:
    lib = _hiprtc()
    program = ctypes.c_void_p()
    _check(lib, lib.hiprtcCreateProgram(ctypes.byref(program), source.encode(),
                                        f"{name}.hip".encode(), 0, None, None),
           f"creating the program {name}")
    try:
        flags = [f"--offload-arch={arch}", *OPTIONS, *options]
        argv = (ctypes.c_char_p * len(flags))(*(flag.encode() for flag in flags))
        code = lib.hiprtcCompileProgram(program, len(flags), argv)
        size = ctypes.c_size_t(0)
        lib.hiprtcGetProgramLogSize(program, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value + 1)
        lib.hiprtcGetProgramLog(program, buffer)
        log = buffer.value.decode(errors="replace")
        if code != 0:
            raise HIPCompileError(
                f"hiprtc could not compile {name} for {arch}: "
                f"{_first_error(log) or lib.hiprtcGetErrorString(code).decode()}. The "
                "compiler log is in the error's .log", log=log)
        _check(lib, lib.hiprtcGetCodeSize(program, ctypes.byref(size)), f"sizing {name}")
        binary = ctypes.create_string_buffer(size.value)
        _check(lib, lib.hiprtcGetCode(program, binary), f"reading {name}'s code")
        return binary.raw
    finally:
        lib.hiprtcDestroyProgram(ctypes.byref(program))


def _child() -> None:
    """``python -m plugboard_rocm._compile``: one hiprtc compile, the request as JSON on
    stdin, the code object on stdout, or the error as JSON on stderr (status 1)."""
    request = json.loads(sys.stdin.buffer.read())
    try:
        code = _compile_in_process(request["source"], request["name"], request["arch"],
                                   request["options"])
    except HIPCompileError as error:
        sys.stderr.write(json.dumps({"message": str(error), "log": error.log}))
        sys.exit(1)
    sys.stdout.buffer.write(code)


if __name__ == "__main__":
    _child()
