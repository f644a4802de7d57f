"""The kernel tests share ``kernel_harness`` (this folder): pytest's importlib mode puts
no test folder on the path, so this one is added for them."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
