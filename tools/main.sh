#!/usr/bin/env bash
# The main job, from a fresh clone: set-up, then what every available backend can do.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/bootstrap.sh
.venv/bin/plugboard doctor
.venv/bin/plugboard devices
.venv/bin/python examples/quickstart.py
