#!/usr/bin/env bash
# The main job, from a fresh clone: set-up, then a conformance report for every installed
# backend (reports/NAME.{json,md,html}), checked against the committed docs/conformance/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/bootstrap.sh
.venv/bin/plugboard doctor
.venv/bin/plugboard devices
.venv/bin/python examples/quickstart.py
.venv/bin/plugboard conformance --all --report-dir reports --check-docs docs/conformance
