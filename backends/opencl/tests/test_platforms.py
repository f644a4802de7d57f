"""Platform discovery: working platforms are used, failing ones skipped with a reason."""

from __future__ import annotations

from typing import Any

import pyopencl as cl
import pytest

from plugboard_opencl import _platforms


class BrokenPlatform:
    """A platform whose compiler fails, like the old PoCL of some pyopencl wheels."""

    name = "Portable Computing Language"
    vendor = "The pocl project"
    version = "OpenCL 3.0 PoCL 1.8  Linux, RELOC, LLVM 11"

    def get_devices(self) -> list[Any]:
        raise cl.RuntimeError("clBuildProgram failed: error: unknown target CPU 'sapphirerapids'")


def test_a_failing_platform_is_skipped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cl.get_platforms()
    monkeypatch.setattr(cl, "get_platforms", lambda: [BrokenPlatform(), *real])
    found = _platforms.discover()
    assert [s.name for s in found.skipped] == ["Portable Computing Language"]
    assert "unknown target CPU" in found.skipped[0].reason
    assert "unknown target CPU" in found.summary()
    assert all(not isinstance(d.platform, BrokenPlatform) for d in found.devices)


def test_no_platform_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    def none() -> list[Any]:
        raise cl.LogicError("clGetPlatformIDs failed: PLATFORM_NOT_FOUND_KHR")

    monkeypatch.setattr(cl, "get_platforms", none)
    found = _platforms.discover()
    assert not found.devices
    assert "pocl-opencl-icd" in found.summary()


def test_devices_come_in_a_stable_order() -> None:
    first, second = _platforms.discover(), _platforms.discover()
    assert [d.name for d in first.devices] == [d.name for d in second.devices]
    if not first.devices:
        pytest.skip("no working OpenCL platform")
    assert first.summary().startswith("using ")


def test_platform_label_drops_build_options() -> None:
    assert _platforms.platform_label(BrokenPlatform()) == \
        "Portable Computing Language (OpenCL 3.0 PoCL 1.8)"
