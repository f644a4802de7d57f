#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, lint, types, import layers, generated
# files current, tests (with doctests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python tools/generate.py --check
# metal's tests, and the tests that run on every installed backend, use host emulation.
# One worker per core, at most four (each holds every backend and its compiled kernels).
PLUGBOARD_METAL_EMULATION=1 .venv/bin/python -m pytest --numprocesses auto \
    --maxprocesses 4 "$@"
# The ROCm backend again, with CuPy's ROCm build (its own environment: see the script).
bash tools/bootstrap_rocm.sh
.venv-rocm/bin/python -c 'import importlib.metadata as m, sys
try:
    m.version("cupy-rocm-7-0")
except m.PackageNotFoundError:
    sys.exit("test: .venv-rocm has no cupy-rocm-7-0 (the [cupy] extra of plugboard-rocm)")'
# (The generated kernels' compile checks need no CuPy: the run in .venv has done them.)
.venv-rocm/bin/python -m pytest backends/rocm/tests -q \
    --ignore=backends/rocm/tests/test_codegen_compile.py
