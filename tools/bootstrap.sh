#!/usr/bin/env bash
# Set up .venv: every plugboard distribution (editable) and the dev tools.
# Safe to run again; it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Dependency groups (PEP 735) need pip 25.1 or newer.
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
.venv/bin/python -m pip install --quiet --group dev \
    -e dispatcher -e backends/cpu -e conformance
