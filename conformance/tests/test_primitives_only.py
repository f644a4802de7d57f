"""A backend with kernels for the primitives only passes the suite through decompositions.

This is the proof that the composites of the core opset cover it: the
backend registers the CPU backend's kernels for the operators docs/opset.md marks
as primitives (P), and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

from plugboard._cli import main as cli
from plugboard.testing import PluginInstaller, host_backend_source
from plugboard_conformance._opset_v1 import OPSET

PRIMITIVES_ONLY = '''
from plugboard_conformance._opset_v1 import OPSET
from plugboard_cpu._plugin import register_kernels

PRIMITIVES = {entry.name.split("::", 1)[1] for entry in OPSET if entry.kind == "P"}

@backend.hookimpl
def plugboard_register_kernels(library):
    register_kernels(library, only=PRIMITIVES)
'''

COMPOSITES = {entry.name for entry in OPSET if entry.kind == "C"}


def test_primitives_only_backend_passes_through_composites(
    plugins: PluginInstaller, tmp_path: Path
) -> None:
    plugins.install("prims", host_backend_source("prims", "Prims", PRIMITIVES_ONLY))
    assert cli(["conformance", "--backend", "prims", "--device", "prims:0",
                "--report-dir", str(tmp_path / "prims"),
                "--no-progress"]) == 0
    assert cli(["conformance", "--backend", "cpu", "--report-dir", str(tmp_path / "cpu"),
                "--no-progress"]) == 0
    prims = json.loads((tmp_path / "prims" / "prims.json").read_text())
    cpu = json.loads((tmp_path / "cpu" / "cpu.json").read_text())

    # The same cases pass on both: nothing depends on the CPU's native composites.
    outcomes = {(c["op"], c["dtype"], c["variant"]): c["outcome"] for c in cpu["cases"]}
    differ = [
        (c["op"], c["dtype"], c["variant"], c["outcome"])
        for c in prims["cases"]
        if outcomes.get((c["op"], c["dtype"], c["variant"])) != c["outcome"]
    ]
    assert differ == []

    composite_cases = [c for c in prims["cases"] if c["op"] in COMPOSITES and c["path"]]
    assert composite_cases, "the suite has composite operators"
    assert {c["path"] for c in composite_cases} == {"composite"}
    assert prims["levels"]["core"] == {**cpu["levels"]["core"]}
