"""Platform discovery: working platforms are used, failing ones skipped with a reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyopencl as cl
import pytest

from plugboard_opencl import _platforms
from plugboard_opencl._verdicts import VERDICTS_FILE, VerdictCache, user_cache_dir


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


# The probe's remembered verdicts ------------------------------------------------------


@pytest.fixture
def verdicts(tmp_path: Any) -> VerdictCache:
    return VerdictCache(tmp_path / "cache" / VERDICTS_FILE)


def _counting_probe(monkeypatch: pytest.MonkeyPatch, answer: str | None = None) -> list[int]:
    """Count the probe's builds; ``answer``: what each says instead of building."""
    builds: list[int] = []
    real = _platforms._run_probe

    def run(context: Any, devices: list[Any]) -> str:
        builds.append(len(devices))
        return real(context, devices) if answer is None else answer

    monkeypatch.setattr(_platforms, "_run_probe", run)
    return builds


def test_a_pass_is_remembered_and_not_built_for_again(
    monkeypatch: pytest.MonkeyPatch, verdicts: VerdictCache
) -> None:
    builds = _counting_probe(monkeypatch)
    first = _platforms.discover(verdicts)
    if not first.devices:
        pytest.skip("no working OpenCL platform")
    assert builds and verdicts.path.exists()
    built = len(builds)
    # A new process: a fresh cache object over the same file.
    again = _platforms.discover(VerdictCache(verdicts.path))
    assert len(builds) == built
    assert [d.name for d in again.devices] == [d.name for d in first.devices]
    assert again.summary() == first.summary()


def test_a_failure_is_never_remembered(
    monkeypatch: pytest.MonkeyPatch, verdicts: VerdictCache
) -> None:
    if not cl.get_platforms():
        pytest.skip("no OpenCL platform")
    builds = _counting_probe(monkeypatch, answer="the probe kernel computed [0, 0, 0, 0] on x")
    counts = []
    for _ in range(2):
        found = _platforms.discover(VerdictCache(verdicts.path))
        assert not found.devices
        assert "computed [0, 0, 0, 0]" in found.summary()
        counts.append(len(builds))
    assert counts[0] > 0 and counts[1] == 2 * counts[0]
    assert not VerdictCache(verdicts.path).passed(
        _platforms.identity(cl.get_platforms()[0], cl.get_platforms()[0].get_devices()))


def test_a_changed_driver_is_probed_again(
    monkeypatch: pytest.MonkeyPatch, verdicts: VerdictCache
) -> None:
    builds = _counting_probe(monkeypatch)
    if not _platforms.discover(verdicts).devices:
        pytest.skip("no working OpenCL platform")
    built = len(builds)
    real = _platforms.identity

    def upgraded(platform: Any, devices: list[Any]) -> dict[str, Any]:
        key = real(platform, devices)
        key["devices"] = [[*d[:3], d[3] + ".1", d[4]] for d in key["devices"]]
        return key

    monkeypatch.setattr(_platforms, "identity", upgraded)
    _platforms.discover(VerdictCache(verdicts.path))
    assert len(builds) > built


@pytest.mark.parametrize("content", ["", "{not json", '{"format": 0, "passed": []}', "[1, 2]",
                                     '{"format": 1, "passed": 3}'])
def test_a_malformed_cache_file_counts_as_empty(
    monkeypatch: pytest.MonkeyPatch, verdicts: VerdictCache, content: str
) -> None:
    verdicts.path.parent.mkdir(parents=True)
    verdicts.path.write_text(content)
    builds = _counting_probe(monkeypatch)
    found = _platforms.discover(verdicts)
    if not found.devices:
        pytest.skip("no working OpenCL platform")
    assert builds
    assert VerdictCache(verdicts.path).passed(
        _platforms.identity(found.devices[0].platform, found.devices[0].platform.get_devices()))


def test_an_unwritable_cache_only_costs_the_probe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    verdicts = VerdictCache(blocker / "plugboard" / VERDICTS_FILE)  # under a file: cannot write
    builds = _counting_probe(monkeypatch)
    first = _platforms.discover(verdicts)
    second = _platforms.discover(VerdictCache(verdicts.path))
    assert [d.name for d in first.devices] == [d.name for d in second.devices]
    if first.devices:
        assert len(builds) == 2 * len({id(d.platform) for d in first.devices})
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_cache_is_in_the_user_cache_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = _platforms.default_verdicts().path
    if sys.platform.startswith("linux"):
        assert path == tmp_path / "plugboard" / VERDICTS_FILE
    assert path.parent == user_cache_dir()


def test_without_a_home_directory_nothing_is_remembered(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_home() -> Any:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    verdicts = _platforms.default_verdicts()
    assert verdicts.path is None
    builds = _counting_probe(monkeypatch)
    first = _platforms.discover(verdicts)
    second = _platforms.discover(verdicts)
    assert [d.name for d in first.devices] == [d.name for d in second.devices]
    if first.devices:  # remembered in memory by this cache object only
        assert len(builds) == len({id(d.platform) for d in first.devices})


def _devices_json(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "plugboard", "devices", "--json"],
                            capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, **env})
    assert result.returncode in (0, 1), result.stderr
    listed: dict[str, Any] = json.loads(result.stdout)
    return listed


def test_plugboard_devices_lists_the_same_with_a_remembered_pass(tmp_path: Any) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path), "PLUGBOARD_BACKENDS": "opencl"}
    probed = _devices_json(env)
    if not probed["devices"]:
        pytest.skip("no working OpenCL platform")
    assert (tmp_path / "plugboard" / VERDICTS_FILE).exists()
    assert _devices_json(env) == probed


def test_a_remembered_pass_does_not_hide_a_missing_driver(tmp_path: Any) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path), "PLUGBOARD_BACKENDS": "opencl"}
    if not _devices_json(env)["devices"]:
        pytest.skip("no working OpenCL platform")
    # The ICD loader reads its drivers from OCL_ICD_VENDORS: an empty directory, no driver.
    empty = tmp_path / "vendors"
    empty.mkdir()
    listed = _devices_json({**env, "OCL_ICD_VENDORS": str(empty)})
    assert listed["devices"] == []
    [opencl] = [row for row in listed["unavailable"] if row["device_type"] == "opencl"]
    assert "no OpenCL platform" in opencl["reason"]
