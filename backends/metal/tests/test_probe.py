"""Availability: unavailable with the reason where Metal is missing, unless host emulation
is asked for, and then labelled wherever the device shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import plugboard as pb
from plugboard_metal._capabilities import EMULATION_LABEL
from plugboard_metal._probe import emulation_requested, probe


def _mlx(metal: bool) -> SimpleNamespace:
    return SimpleNamespace(__version__="0.32.4",
                           metal=SimpleNamespace(is_available=lambda: metal))


def test_linux_without_the_variable_is_unavailable_with_the_reason() -> None:
    found = probe(_mlx(False), environ={}, platform_name="Linux", machine="x86_64")
    assert not found.available
    assert "Metal is not available on Linux x86_64" in found.reason
    assert "PLUGBOARD_METAL_EMULATION=1" in found.reason  # the fix


def test_the_variable_asks_for_host_emulation() -> None:
    found = probe(_mlx(False), environ={"PLUGBOARD_METAL_EMULATION": "1"},
                  platform_name="Linux", machine="x86_64")
    assert found.available and found.emulated
    assert EMULATION_LABEL in found.reason


def test_a_mac_with_metal_runs_on_the_gpu() -> None:
    found = probe(_mlx(True), environ={}, platform_name="Darwin", machine="arm64")
    assert found.available and not found.emulated
    assert found.reason == "Metal through MLX 0.32.4"


def test_emulation_values() -> None:
    assert emulation_requested({"PLUGBOARD_METAL_EMULATION": "yes"})
    assert not emulation_requested({"PLUGBOARD_METAL_EMULATION": "0"})
    assert not emulation_requested({})


def test_mlx_that_cannot_import_is_the_reason(monkeypatch: object) -> None:
    import plugboard_metal._probe as module

    def broken() -> None:
        raise ImportError("libmlx.so: cannot open shared object file")

    setattr_ = monkeypatch.setattr  # type: ignore[attr-defined]
    setattr_(module, "_import_mlx", broken)
    found = probe(environ={"PLUGBOARD_METAL_EMULATION": "1"})
    assert not found.available
    assert "libmlx.so" in found.reason and "mlx[cpu]" in found.reason


def test_linux_without_the_variable_does_not_import_mlx() -> None:
    if sys.platform == "darwin":
        return  # a Mac asks MLX
    code = ("import os, sys; os.environ.pop('PLUGBOARD_METAL_EMULATION', None); "
            "import plugboard as pb; pb.devices(); "
            "s, = [b for b in pb.backends() if b.device_type == 'metal']; "
            "print('mlx' in sys.modules, s.available)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "False"]


def _plugboard(*args: str, emulate: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PLUGBOARD_METAL_EMULATION"}
    if emulate:
        env["PLUGBOARD_METAL_EMULATION"] = "1"
    env["PLUGBOARD_BACKENDS"] = "cpu,metal"
    done = subprocess.run([sys.executable, "-m", "plugboard", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_doctor_shows_metal_unavailable_without_the_variable() -> None:
    if sys.platform == "darwin":
        return  # a Mac may have Metal
    out = " ".join(_plugboard("doctor", emulate=False).split())
    assert "metal" in out
    assert "Metal is not available on Linux" in out


def test_devices_label_the_emulated_device() -> None:
    listed = json.loads(_plugboard("devices", "--json", emulate=True))
    text = json.dumps(listed)
    assert "metal:0" in text
    assert "host emulation on MLX's CPU device, not Metal" in text


def test_properties_say_host_emulation(metal: pb.Device) -> None:
    props = pb.device_properties(metal)
    assert props.name.startswith(EMULATION_LABEL)
    assert EMULATION_LABEL in props.driver
    assert props.extra["emulation"] == EMULATION_LABEL
    assert pb.float64 not in props.dtypes and pb.bfloat16 in props.dtypes
    json.dumps(props.extra)  # reports serialise it


def test_a_metal_device_is_not_labelled_as_emulation() -> None:
    from plugboard_metal._probe import Probe
    from plugboard_metal._runtime import MetalRuntime

    runtime = MetalRuntime(environ={})
    runtime._probe = Probe(True, False, "Metal through MLX 0.32.4", "0.32.4")  # a Mac's
    props = runtime.device_properties(0)
    assert "emulation" not in props.extra  # reports show a non-empty one in their header
    assert EMULATION_LABEL not in props.name and props.driver.endswith(", Metal")
    assert props.dtypes == pb.device_properties("metal").dtypes  # one table, both modes
