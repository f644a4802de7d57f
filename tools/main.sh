#!/usr/bin/env bash
# The main job, from a fresh clone: set-up, then a conformance report for every installed
# backend (reports/NAME.{json,md,html}), checked against the committed docs/conformance/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/bootstrap.sh
.venv/bin/plugboard doctor
.venv/bin/plugboard devices
.venv/bin/python examples/quickstart.py
# metal runs on MLX's CPU device here (host emulation, labelled so in its report): Linux
# has no Metal, and without the variable doctor above shows it unavailable, with why.
PLUGBOARD_METAL_EMULATION=1 .venv/bin/plugboard conformance --all --report-dir reports \
    --check-docs docs/conformance
