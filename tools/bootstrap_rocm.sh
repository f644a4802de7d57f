#!/usr/bin/env bash
# .venv-rocm: plugboard-rocm with CuPy's ROCm build (the [cupy] extra), which cannot share
# .venv with plugboard-cuda's cupy-cuda13x (both install the `cupy` package). Holds the
# core, plugboard-cupy, plugboard-rocm[cupy] (editable) and pytest; tools/test.sh runs
# backends/rocm/tests in it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv-rocm/bin/python ]; then
    "$PYTHON" -m venv .venv-rocm
fi
.venv-rocm/bin/python -m pip install --quiet --upgrade "pip>=25.1"
.venv-rocm/bin/python -m pip install --quiet "pytest>=8.0,<10" \
    -e dispatcher -e backends/cupy -e 'backends/rocm[cupy]'
