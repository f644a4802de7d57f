"""NVRTC from the pip wheel compiles CUDA C for every supported architecture, no GPU needed."""

from __future__ import annotations

import pytest

from plugboard_cuda import NVRTCError
from plugboard_cuda._compile import ARCHITECTURES, compile_cubin, compile_ptx, nvrtc_version

pytest.importorskip("cupy")

SAXPY = """
extern "C" __global__ void saxpy(float *out, const float *x, const float *y, float a, long n) {
    long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
    if (i < n) out[i] = a * x[i] + y[i];
}
"""


def test_nvrtc_is_cuda_13() -> None:
    assert nvrtc_version()[0] == 13


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_ptx_and_cubin_for_each_architecture(arch: str) -> None:
    ptx = compile_ptx(SAXPY, "saxpy", arch.replace("sm_", "compute_"))
    assert ".entry saxpy" in ptx and f".target {arch}" in ptx
    cubin = compile_cubin(SAXPY, "saxpy", arch)
    assert cubin[:4] == b"\x7fELF"  # machine code for that GPU


def test_a_compile_error_names_the_kernel_and_keeps_the_log() -> None:
    with pytest.raises(NVRTCError, match="could not compile broken for compute_90") as caught:
        compile_ptx('extern "C" __global__ void broken() { undeclared = 1; }', "broken")
    assert "undeclared" in caught.value.log
