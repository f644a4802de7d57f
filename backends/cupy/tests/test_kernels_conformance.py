"""The conformance suite over the CuPy kernel table, with NumPy standing in for CuPy: a
host-memory backend whose kernels are the cpu backend's NumPy reference kernels with
every kernel of plugboard_cupy's table written on the array module in their place (one
device, ``--quick``). The generated pointwise kernels need a GPU compiler: their C runs
on OpenCL (the same plugboard.codegen table) and compiles for CUDA and HIP in the
compile checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plugboard.testing import PluginInstaller, host_backend_source

_KERNELS = '''
from plugboard_cpu._plugin import REFERENCE_KERNELS
from plugboard_cupy._table import ARRAY_KERNELS as CUPY

@backend.hookimpl
def plugboard_register_kernels(library):
    REFERENCE_KERNELS.replacing(*CUPY).register(library)
'''


def test_the_suite_passes_on_the_cupy_kernels(tmp_path: Path) -> None:
    site = tmp_path / "site"
    PluginInstaller(site).install("cupyhost", host_backend_source("cupyhost", "CupyHost",
                                                                  _KERNELS))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    run = subprocess.run(
        [sys.executable, "-m", "plugboard", "conformance", "--backend", "cupyhost",
         "--device", "cupyhost:0", "--quick", "--no-progress", "--report-dir",
         str(tmp_path / "reports")],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "cupyhost:" in summary and " pass" in summary and "fail" not in summary, summary
