"""Every pointwise kernel of plugboard.codegen, rendered as CUDA C, compiles with NVRTC.

One program per dtype (every kernel of the table in it), for each architecture
plugboard-cuda supports; no GPU needed.
"""

from __future__ import annotations

import re

import pytest

import plugboard as pb
from plugboard import codegen
from plugboard_cuda._compile import ARCHITECTURES, compile_cubin, compile_ptx, nvrtc_version

try:
    nvrtc_version()
except Exception as error:  # the nvrtc wheel (plugboard-cuda[nvrtc]) is not installed
    pytest.skip(f"NVRTC is not installed ({error}); pip install 'plugboard-cuda[nvrtc]'",
                allow_module_level=True)


@pytest.mark.parametrize("arch", ARCHITECTURES)
@pytest.mark.parametrize("dtype", pb.backend.ALL, ids=str)
def test_every_pointwise_kernel_compiles_to_ptx(dtype: pb.DType, arch: str) -> None:
    source = codegen.program(codegen.CUDA, dtype)
    ptx = compile_ptx(source, f"pointwise_{dtype}", arch.replace("sm_", "compute_"))
    assert f".target {arch}" in ptx
    entries = set(re.findall(r"\.entry (\w+)\(", ptx))
    assert entries == codegen.kernel_names(codegen.CUDA, dtype)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16], ids=str)
def test_half_precision_assembles_to_machine_code(dtype: pb.DType) -> None:
    # The float16 conversions are inline PTX: only the assembler (ptxas) checks them.
    source = codegen.program(codegen.CUDA, dtype)
    cubin = compile_cubin(source, f"pointwise_{dtype}", ARCHITECTURES[0])
    assert cubin[:4] == b"\x7fELF"
