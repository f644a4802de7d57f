"""The suite tests every device of a backend: a defect on one device fails on that one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source

# Two devices (the host test backend has two) whose add is right on device 0 and off by
# one on device 1, as a kernel that picks a code path, or a compiled binary, per device
# would be when only one device's path is wrong.
SECOND_DEVICE_ADD_KERNELS = HOST_KERNELS_PRELUDE + '''

def _add(self, other, alpha, *, out):
    np.add(_a(self), np.multiply(_a(other), alpha), out=host_array(out))
    if out.device.index == 1:
        host_array(out)[...] += 1  # the defect: device 1 only

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("add", fn=_add, strided=True, dtypes=[pb.float32])
'''

# The add cases (not its grad cases: add's backward sums with pb::sum, which this backend
# lacks), and a device-contract check that runs per device and one of all devices.
KEYWORD = ("test_op and add.float32 and not scatter_add and not grad"
           " or test_synchronize or test_device_strings")


def _run(report_dir: Path, *options: str) -> dict[str, Any]:
    """The JSON report of the suite's tests matching KEYWORD on the faulty backend."""
    pytest.main([
        "--pyargs", "plugboard_conformance", "--backend", "faulty", *options,
        "--report-dir", str(report_dir), "-k", KEYWORD, "-q", "-p", "no:cacheprovider",
        "-p", "no:doctest", "-p", "no:randomly", "-o", "addopts=",
        "-o", "python_files=test_*.py",
    ])
    data: dict[str, Any] = json.loads((report_dir / "faulty.json").read_text())
    return data


def _add_cases(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The float32 pb::add records by (variant, device)."""
    return {(c["variant"], c["device"]): c for c in report["cases"]
            if c["op"] == "pb::add" and c["dtype"] == "float32"}


def test_an_add_wrong_on_the_second_device_fails_there_only(
    plugins: PluginInstaller, tmp_path: Path
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", SECOND_DEVICE_ADD_KERNELS))
    report = _run(tmp_path / "all")
    assert report["backend"]["devices"] == ["faulty:0", "faulty:1"]
    assert report["backend"]["device"] == "faulty:0"

    cases = _add_cases(report)
    for variant in ("functional", "inplace", "out"):
        first, second = cases[(variant, "faulty:0")], cases[(variant, "faulty:1")]
        assert first["outcome"] == "pass", first["message"]
        assert second["outcome"] == "fail", variant
        assert "beyond the accuracy limit" in second["message"], second["message"]
        # The failing case's command runs it alone, on its device.
        assert "--device faulty:1 " in second["reproduce"], second["reproduce"]
        assert f"-k 'test_op[add.float32.{variant}]'" in second["reproduce"]
    assert not report["levels"]["core"]["conformant"]
    assert "pb::add" in report["levels"]["core"]["ops_failing"]

    # Checks that take the device under test run on each; the others once, on all devices.
    checks = {(c["name"], c["device"]): c["outcome"] for c in report["contract"]}
    assert checks == {
        ("test_synchronize", "faulty:0"): "pass",
        ("test_synchronize", "faulty:1"): "pass",
        ("test_device_strings", ""): "pass",
    }

    markdown = (tmp_path / "all" / "faulty.md").read_text()
    assert "devices faulty:0, faulty:1" in markdown
    assert "`pb::add` · float32 · functional on faulty:1: **fail**" in markdown
    assert "on faulty:0: **" not in markdown


def test_the_first_device_alone_passes(plugins: PluginInstaller, tmp_path: Path) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", SECOND_DEVICE_ADD_KERNELS))
    report = _run(tmp_path / "one", "--device", "faulty:0")
    assert report["backend"]["devices"] == ["faulty:0"]
    cases = _add_cases(report)
    assert {key: c["outcome"] for key, c in cases.items()} == {
        ("functional", "faulty:0"): "pass",
        ("inplace", "faulty:0"): "pass",
        ("out", "faulty:0"): "pass",
    }
    # One device tested: ids (and so the commands) carry no device part.
    assert cases[("functional", "faulty:0")]["reproduce"].endswith(
        "--device faulty:0 -k 'test_op[add.float32.functional]'")
