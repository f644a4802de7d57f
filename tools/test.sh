#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, lint, types, tests (with doctests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
