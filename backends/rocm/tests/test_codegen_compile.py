"""Every pointwise kernel of plugboard.codegen, rendered as HIP C++, compiles for each
architecture plugboard-rocm supports: with hipcc, and with hiprtc where its library is.

One program per dtype (every kernel of the table in it); no GPU needed. Skipped, with
the reason, where the compiler is not installed (tools/bootstrap.sh installs hipcc).
"""

from __future__ import annotations

import shutil

import pytest

import plugboard as pb
from plugboard import codegen
from plugboard_rocm import HIPCompileError
from plugboard_rocm._compile import ARCHITECTURES, compile_hipcc, compile_hiprtc, hiprtc_version


def _has_hiprtc() -> bool:
    try:
        hiprtc_version()
    except HIPCompileError:
        return False
    return True


@pytest.mark.skipif(shutil.which("hipcc") is None,
                    reason="hipcc is not on PATH (apt-get install hipcc)")
@pytest.mark.parametrize("arch", ARCHITECTURES)
@pytest.mark.parametrize("dtype", pb.backend.ALL, ids=str)
def test_every_pointwise_kernel_compiles_with_hipcc(dtype: pb.DType, arch: str) -> None:
    # -O0 (after the default -O3): a check that every kernel compiles, kept quick for CI.
    source = codegen.program(codegen.HIP, dtype)
    bundle = compile_hipcc(source, f"pointwise_{dtype}", arch, ("-O0",))
    assert f"amdgcn-amd-amdhsa--{arch}".encode() in bundle
    names = codegen.kernel_names(codegen.HIP, dtype)
    assert all(name.encode() + b"\0" in bundle for name in names)


@pytest.mark.skipif(not _has_hiprtc(), reason="no hiprtc library here")
@pytest.mark.parametrize("dtype", [pb.float16, pb.int64], ids=str)
def test_the_pointwise_program_compiles_with_hiprtc(dtype: pb.DType) -> None:
    # hiprtc has the runtime header built in: the prelude includes it only under hipcc.
    source = codegen.program(codegen.HIP, dtype)
    code = compile_hiprtc(source, f"pointwise_{dtype}", ARCHITECTURES[0])
    assert code[:4] == b"\x7fELF"
    names = codegen.kernel_names(codegen.HIP, dtype)
    assert all(name.encode() + b"\0" in code for name in names)
