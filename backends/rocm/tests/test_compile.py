"""hipcc and hiprtc compile HIP C++ for every supported architecture, no GPU needed (where
they are installed: tools/bootstrap.sh installs Debian's hipcc)."""

from __future__ import annotations

import shutil

import pytest

from plugboard_rocm import HIPCompileError, _compile
from plugboard_rocm._compile import ARCHITECTURES, compile_hipcc, compile_hiprtc, hiprtc_version

SAXPY = """
extern "C" __global__ void saxpy(float *out, const float *x, const float *y, float a, long n) {
    long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
    if (i < n) out[i] = a * x[i] + y[i];
}
"""
BROKEN = 'extern "C" __global__ void broken() { undeclared = 1; }'

needs_hipcc = pytest.mark.skipif(shutil.which("hipcc") is None, reason="hipcc is not installed")


def has_hiprtc() -> bool:
    try:
        hiprtc_version()
    except HIPCompileError:
        return False
    return True


needs_hiprtc = pytest.mark.skipif(not has_hiprtc(), reason="no hiprtc library here")


@needs_hipcc
@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_hipcc_builds_a_code_object_for_each_architecture(arch: str) -> None:
    bundle = compile_hipcc(SAXPY, "saxpy", arch)
    assert bundle.startswith(b"__CLANG_OFFLOAD_BUNDLE__")
    assert f"amdgcn-amd-amdhsa--{arch}".encode() in bundle
    assert b"saxpy" in bundle  # the kernel's symbol, unmangled (extern "C")


@needs_hipcc
def test_a_hipcc_error_names_the_kernel_and_keeps_the_log() -> None:
    with pytest.raises(HIPCompileError, match="hipcc could not compile broken for gfx90a: "
                                              ".*undeclared") as caught:
        compile_hipcc(BROKEN, "broken")
    assert "undeclared identifier" in caught.value.log


def test_without_hipcc_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compile.shutil, "which", lambda name: None)
    with pytest.raises(HIPCompileError, match="hipcc is not installed .*apt-get install hipcc"):
        compile_hipcc(SAXPY, "saxpy")


@needs_hiprtc
@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_hiprtc_builds_amdgpu_machine_code(arch: str) -> None:
    code = compile_hiprtc(SAXPY, "saxpy", arch)
    assert code[:4] == b"\x7fELF"
    assert int.from_bytes(code[18:20], "little") == 224  # e_machine: EM_AMDGPU
    assert b"saxpy" in code


@needs_hiprtc
def test_a_hiprtc_error_names_the_kernel_and_keeps_the_log() -> None:
    with pytest.raises(HIPCompileError, match="hiprtc could not compile broken for gfx90a") as e:
        compile_hiprtc(BROKEN, "broken")
    assert "undeclared" in e.value.log


def test_without_hiprtc_the_error_names_the_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compile, "HIPRTC_LIBRARIES", ("libhiprtc-missing.so.7",))
    with pytest.raises(HIPCompileError, match="hiprtc is not installed .*libhiprtc-missing"):
        hiprtc_version()
