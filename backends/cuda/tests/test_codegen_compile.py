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


def _program(dtype: pb.DType) -> str:
    return codegen.CUDA.prelude() + codegen.source(codegen.CUDA, dtype)


def _expected(dtype: pb.DType) -> set[str]:
    ct = codegen.CUDA.ctype(dtype)
    return {codegen.kernel_name(op, pattern) for op in codegen.POINTWISE
            if op.expression(ct) is not None for pattern in [*codegen.patterns(op), None]}


@pytest.mark.parametrize("arch", ARCHITECTURES)
@pytest.mark.parametrize("dtype", pb.backend.ALL, ids=str)
def test_every_pointwise_kernel_compiles_to_ptx(dtype: pb.DType, arch: str) -> None:
    ptx = compile_ptx(_program(dtype), f"pointwise_{dtype}", arch.replace("sm_", "compute_"))
    assert f".target {arch}" in ptx
    entries = set(re.findall(r"\.entry (\w+)\(", ptx))
    assert entries == _expected(dtype)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16], ids=str)
def test_half_precision_assembles_to_machine_code(dtype: pb.DType) -> None:
    # The float16 conversions are inline PTX: only the assembler (ptxas) checks them.
    cubin = compile_cubin(_program(dtype), f"pointwise_{dtype}", ARCHITECTURES[0])
    assert cubin[:4] == b"\x7fELF"
