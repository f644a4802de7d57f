"""pytest-benchmark suite of the speed targets' cases (plugboard only), for regressions.

The same cases as ``vs_torch.py``, built by it; that script gives the ratios against
PyTorch and NumPy. Run ``.venv/bin/python -m pytest benchmarks/test_vs_torch.py
--benchmark-only`` and compare runs with ``--benchmark-compare``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import plugboard as pb


def _load_script() -> Any:
    path = Path(__file__).with_name("vs_torch.py")
    if str(path.parent) not in sys.path:  # as when it runs as a script: _timing beside it
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("benchmarks_vs_torch", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_script = _load_script()
CASES = {case.name: case for case in [
    *_script._small_cases(pb, np, None),
    _script._mlp(pb, np, None, 1, 1.3),
    _script._mlp(pb, np, None, 256, 1.0),
    _script._transformer(pb, np, None),
    *_script._throughput_cases(pb, np, None),
]}


@pytest.mark.parametrize("name", list(CASES))
def test_case(benchmark: Any, name: str) -> None:
    benchmark(CASES[name].plugboard)
