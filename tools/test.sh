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
.venv/bin/python -m pytest "$@"
