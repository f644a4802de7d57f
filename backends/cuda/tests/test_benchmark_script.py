"""benchmarks/cuda_vs_torch.py: on a machine where cuda is unavailable it says why and exits 1
(rather than failing in an import or a device call); on a GPU it is run by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import plugboard as pb

SCRIPT = Path(__file__).parents[3] / "benchmarks" / "cuda_vs_torch.py"


@pytest.mark.skipif(bool(pb.devices("cuda")), reason="a GPU is here: run the script by hand")
def test_without_a_gpu_the_script_gives_the_backends_reason() -> None:
    status = next(b for b in pb.backends() if b.device_type == "cuda")
    done = subprocess.run([sys.executable, str(SCRIPT), "--rounds", "1"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("cuda_vs_torch: cannot run here: cuda is unavailable")
    assert status.reason is not None and status.reason in done.stdout
