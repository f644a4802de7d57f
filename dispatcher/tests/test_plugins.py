"""Plugin discovery and loading through the plugboard.backends entry point group."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._plugins.registry import registry

CUSTOM_OP_PLUGIN = '''
import numpy as np
import plugboard as pb
from plugboard.backend import host_array

_definitions = pb.Library("pbtest")
_definitions.define("scale(Tensor self, float factor) -> Tensor")

@_definitions.register_meta("scale")
def _scale_meta(self, factor):
    return pb.backend.TensorSpec(self.shape, self.dtype, self.device)

def _scale(self, factor, *, out):
    np.multiply(host_array(self), factor, out=host_array(out), casting="unsafe")

@backend.hookimpl
def plugboard_register_kernels(library):
    # The plugin's own op, for its own device and for the CPU.
    library.impl("pbtest::scale", fn=_scale, strided=True)
    library.impl("pbtest::scale", "CPU", _scale, strided=True)
'''


def test_custom_op_from_a_plugin_runs_on_cpu(plugins: Any) -> None:
    plugins.install("pbtest", plugins.host_backend("pbtest", "PBTest", CUSTOM_OP_PLUGIN))
    x = pb.tensor([1.0, 2.0, 3.0])
    # pb.ops.<namespace> loads the plugins when it does not know the operator yet.
    result = pb.ops.pbtest.scale(x, 2.5)
    assert result.device == pb.device("cpu")
    assert result.tolist() == [2.5, 5.0, 7.5]
    # Custom ops work like core ops: out= and the plugin's own device.
    out = pb.empty(3)
    pb.ops.pbtest.scale(x, 2.0, out=out)
    assert out.tolist() == [2.0, 4.0, 6.0]
    on_device = pb.ops.pbtest.scale(x.to("pbtest:1"), 3.0)
    assert on_device.device == pb.device("pbtest:1")
    assert on_device.tolist() == [3.0, 6.0, 9.0]


def test_a_plugin_that_raises_at_import_is_reported_and_harms_no_other(
    plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("broken", "raise RuntimeError('driver library missing: libbroken.so')\n")
    x = pb.tensor([1.0, 2.0]) + 1
    assert x.tolist() == [2.0, 3.0]
    assert pb.device("cpu") in pb.devices()
    status = {b.device_type: b for b in pb.backends()}
    assert status["cpu"].available
    assert not status["broken"].loaded
    assert "driver library missing" in (status["broken"].error or "")
    assert "Traceback" in (status["broken"].traceback or "")

    from plugboard._cli import main as cli

    assert cli(["doctor"]) == 1
    report = capsys.readouterr().out
    assert "broken" in report
    assert "driver library missing: libbroken.so" in report
    with pytest.raises(pb.PluginError, match="failed to load.*driver library missing"):
        pb.tensor([1.0], device="broken")


def test_incompatible_api_version_is_refused_with_a_clear_message(
    plugins: Any,
) -> None:
    source = plugins.host_backend("future", "Future").replace(
        "backend.API_VERSION", f"({pb.API_VERSION[0] + 1}, 0)"
    )
    plugins.install("future", source)
    status = {b.device_type: b for b in pb.backends()}["future"]
    assert not status.loaded
    assert "built for plugboard backend API" in (status.error or "")
    assert status.api_version == (pb.API_VERSION[0] + 1, 0)


def test_newer_minor_api_version_is_refused_and_older_accepted(
    plugins: Any,
) -> None:
    major, minor = pb.API_VERSION
    plugins.install("newer", plugins.host_backend("newer", "Newer").replace(
        "backend.API_VERSION", f"({major}, {minor + 1})"))
    plugins.install("same", plugins.host_backend("same", "Same"))
    status = {b.device_type: b for b in pb.backends()}
    assert not status["newer"].loaded
    assert status["same"].loaded and status["same"].available


def test_entry_point_name_must_match_the_device_type(plugins: Any) -> None:
    plugins.install("alias", plugins.host_backend("other", "Other"))
    status = {b.device_type: b for b in pb.backends()}["alias"]
    assert "must match" in (status.error or "")


def test_a_misspelled_hook_is_rejected_at_registration(plugins: Any) -> None:
    plugins.install("typo", plugins.host_backend("typo", "Typo", '''
        @backend.hookimpl
        def plugboard_register_kernel(library):
            pass
    '''))
    status = {b.device_type: b for b in pb.backends()}["typo"]
    assert not status.loaded
    assert "plugboard_register_kernel" in (status.error or "")


def test_an_unavailable_backend_says_why(plugins: Any) -> None:
    source = plugins.host_backend("absent", "Absent").replace(
        "return backend.Availability.yes()",
        "return backend.Availability.no('no Absent driver found (libabsent.so.1)')",
    )
    plugins.install("absent", source)
    status = {b.device_type: b for b in pb.backends()}["absent"]
    assert status.loaded and not status.available
    assert "libabsent" in status.reason
    assert pb.devices("absent") == []
    with pytest.raises(pb.BackendUnavailableError, match="libabsent"):
        pb.tensor([1.0], device="absent")


def test_environment_allow_and_deny_lists(
    plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins.install("extra", plugins.host_backend("extra", "Extra"))
    monkeypatch.setenv("PLUGBOARD_DISABLE_BACKENDS", "extra")
    assert "extra" not in registry().installed_device_types()
    with pytest.raises(pb.DeviceError, match="installed but switched off.*DISABLE"):
        pb.device("extra")
    monkeypatch.delenv("PLUGBOARD_DISABLE_BACKENDS")
    monkeypatch.setenv("PLUGBOARD_BACKENDS", "cpu")
    assert "extra" not in registry().installed_device_types()
    monkeypatch.setenv("PLUGBOARD_BACKENDS", "cpu,extra")
    assert "extra" in registry().installed_device_types()
    assert pb.tensor([1, 2], device="extra:1").tolist() == [1, 2]


def test_copies_between_devices_and_backends_round_trip(plugins: Any) -> None:
    plugins.install("twin", plugins.host_backend("twin", "Twin"))
    for dtype in (pb.bool, pb.int8, pb.int64, pb.float16, pb.bfloat16, pb.float64):
        x = pb.tensor([[1, 0, 3], [4, 5, 0]], dtype=dtype)
        on_0 = x.to("twin:0")
        on_1 = on_0.to("twin:1")  # device to device, one backend
        back = on_1.T.to("cpu")  # non-contiguous, across backends
        assert on_1.device == pb.device("twin:1")
        assert back.dtype is dtype
        np.testing.assert_array_equal(back.numpy(), x.numpy().T)


def test_device_index_out_of_range_names_the_count(plugins: Any) -> None:
    plugins.install("pair", plugins.host_backend("pair", "Pair"))
    with pytest.raises(pb.DeviceError, match="has 2 device"):
        pb.zeros(2, device="pair:2")


def test_import_loads_no_plugin() -> None:
    code = (
        "import plugboard, sys\n"
        "from plugboard._plugins.registry import registry\n"
        "assert not registry().loaded(), registry().loaded()\n"
        "assert 'plugboard_cpu' not in sys.modules\n"
        "x = plugboard.tensor([1.0])\n"
        "assert 'cpu' in registry().loaded()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_fresh_registry_can_be_connected_and_the_old_one_restored(plugins: Any) -> None:
    from plugboard._dispatch.backends import set_backend_source
    from plugboard._plugins.registry import BackendRegistry, registry

    plugins.install("fresh", plugins.host_backend("fresh", "Fresh"))
    fresh = BackendRegistry()
    previous = set_backend_source(fresh)
    try:
        assert registry() is fresh
        assert fresh.loaded() == {}
        assert pb.tensor([1.0, 2.0], device="fresh:1").tolist() == [1.0, 2.0]
        assert list(fresh.loaded()) == ["fresh"]
    finally:
        set_backend_source(previous)
        fresh.forget("fresh")
    assert registry() is previous
    assert "fresh" not in previous.loaded()
