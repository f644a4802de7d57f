"""Every pointwise kernel of plugboard.codegen, rendered as HIP C++, compiles for gfx90a.

One program per dtype, compiled to a code object by hipcc (``HIP_PLATFORM=amd``);
no GPU needed. Skipped where hipcc is not installed (``apt-get install hipcc``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import plugboard as pb
from plugboard import codegen

HIPCC = shutil.which("hipcc")
pytestmark = pytest.mark.skipif(HIPCC is None, reason="hipcc is not on PATH "
                                "(apt-get install hipcc): HIP sources cannot be compiled")
ARCH = "gfx90a"  # MI200 (MI210, MI250)


@pytest.mark.parametrize("dtype", pb.backend.ALL, ids=str)
def test_every_pointwise_kernel_compiles_for_gfx90a(dtype: pb.DType, tmp_path: Path) -> None:
    assert HIPCC is not None
    source = tmp_path / f"pointwise_{dtype}.hip"
    source.write_text(codegen.HIP.prelude() + codegen.source(codegen.HIP, dtype))
    target = tmp_path / f"pointwise_{dtype}.co"
    # -O0: this checks that every kernel compiles, quickly; the runtime compiles optimised.
    result = subprocess.run(
        [HIPCC, f"--offload-arch={ARCH}", "--genco", "-O0", str(source), "-o", str(target)],
        capture_output=True, text=True, env={**os.environ, "HIP_PLATFORM": "amd"},
        check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    data = target.read_bytes()
    # A clang offload bundle holding the gfx90a code object, every kernel named in it.
    assert data.startswith(b"__CLANG_OFFLOAD_BUNDLE__") and ARCH.encode() in data
    ct = codegen.HIP.ctype(dtype)
    names = {codegen.kernel_name(op, p) for op in codegen.POINTWISE
             if op.expression(ct) is not None for p in [*codegen.patterns(op), None]}
    assert all(name.encode() + b"\0" in data for name in names)
