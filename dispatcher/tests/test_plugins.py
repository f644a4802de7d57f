"""Plugin discovery and loading through the plugboard.backends entry point group."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch.registry import find_op, registered_ops
from plugboard._plugins import registry as _registry
from plugboard._plugins.registry import registry
from plugboard.library import include_keys

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


# Dispatch keys and device types are unique (one backend cannot take over another) -----

FAILING_KERNELS = '''
@backend.hookimpl
def plugboard_register_kernels(library):
    raise RuntimeError("kernel registration failed")
'''


def _status(device_type: str) -> Any:
    return next(b for b in pb.backends() if b.device_type == device_type)


@pytest.mark.parametrize("extra", ["", FAILING_KERNELS], ids=["loads", "kernels-fail"])
@pytest.mark.parametrize("key", ["CPU", "cpu", "OpenCL", "Meta"])
def test_a_plugin_naming_another_backends_key_is_refused_and_that_backend_keeps_working(
    plugins: Any, capsys: pytest.CaptureFixture[str], key: str, extra: str
) -> None:
    plugins.install("hijack", plugins.host_backend("hijack", key, extra))
    with pytest.raises(pb.PluginError, match="failed to load.*dispatch key"):
        pb.zeros(1, device="hijack")
    x = pb.tensor([1.0]) + 1
    assert x.device == pb.device("cpu") and x.tolist() == [2.0]
    assert pb.ops.pb.relu(pb.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert pb.zeros(2, device="meta").device == pb.device("meta")
    status = _status("hijack")
    assert not status.loaded
    assert f"dispatch key {key!r}" in (status.error or "") and "Fix:" in (status.error or "")

    from plugboard._cli import main as cli

    assert cli(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "hijack" in out and "No problems found" not in out


def test_a_second_plugin_claiming_a_vendors_key_is_refused(plugins: Any) -> None:
    plugins.install("first", plugins.host_backend("first", "Shared"))
    plugins.install("second", plugins.host_backend("second", "Shared"))
    assert pb.tensor([1.0], device="first:1").tolist() == [1.0]
    with pytest.raises(pb.PluginError, match="'Shared' belongs to the first backend"):
        pb.tensor([1.0], device="second")
    assert pb.tensor([2.0], device="first").device == pb.device("first:0")
    assert pb.ones(1).device == pb.device("cpu")


def _write_plugin(site: Any, module: str, entry_point: str, distribution: str,
                  source: str) -> None:
    """A plugin installed by hand: any distribution name and entry point name."""
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    dist = site / f"{module}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        f"[plugboard.backends]\n{entry_point} = {module}\n", encoding="utf-8")
    importlib.invalidate_caches()
    registry().refresh()


def test_a_device_type_claimed_by_two_plugins_loads_neither(plugins: Any) -> None:
    plugins.install("twin", plugins.host_backend("twin", "Twin"))
    _write_plugin(plugins.site, "plugboard_test_twin_copy", "twin", "twin-copy",
                  plugins.host_backend("twin", "TwinCopy"))
    with pytest.raises(pb.PluginError, match="claimed by several installed plugins"):
        pb.zeros(1, device="twin")
    rows = [b for b in pb.backends() if b.device_type == "twin"]
    assert len(rows) == 1 and not rows[0].loaded
    assert "plugboard-test-twin" in (rows[0].error or "")
    assert "twin-copy" in (rows[0].error or "")


def test_a_plugin_claiming_cpu_is_refused_and_the_cpu_backend_keeps_it(plugins: Any) -> None:
    _write_plugin(plugins.site, "plugboard_test_fake_cpu", "cpu", "fake-cpu",
                  plugins.host_backend("cpu", "FakeCPU"))
    rows = [b for b in pb.backends() if b.device_type == "cpu"]
    assert [(r.distribution, r.loaded) for r in rows] == [
        ("plugboard-cpu", True), ("fake-cpu", False)
    ]
    assert "belongs to plugboard-cpu" in (rows[1].error or "")
    assert "plugboard_test_fake_cpu" not in sys.modules
    x = pb.tensor([1.0]) * 2
    assert x.tolist() == [2.0] and registry().get("cpu").info.distribution == "plugboard-cpu"


@pytest.mark.parametrize("name", ["Upper", "meta"])
def test_an_entry_point_that_is_not_a_device_type_is_refused(plugins: Any, name: str) -> None:
    plugins.install(name, plugins.host_backend(name, "NotADeviceType"))
    status = next(b for b in pb.backends() if b.device_type == name)
    assert not status.loaded
    assert "Fix: name the" in (status.error or "")
    assert pb.zeros(1, device="meta").device == pb.device("meta")


# A plugin registers for its own key and defines operators in its own namespace -------

# Each registers something that would change another backend's behaviour.
FOREIGN_REGISTRATIONS = {
    "cpu-kernel": '''
        @backend.hookimpl
        def plugboard_register_kernels(library):
            library.impl("relu", "CPU", lambda self, *, out: out.fill_(42.0))
    ''',
    "composite-for-every-backend": '''
        @backend.hookimpl
        def plugboard_register_kernels(library):
            library.impl("add", "CompositeImplicit", lambda self, other, alpha=1: self)
    ''',
    "functionality-kernel": '''
        @backend.hookimpl
        def plugboard_register_kernels(library):
            library.impl("add", "Autograd", lambda handle, values, out: None)
    ''',
    "cpu-kernel-at-import": '''
        pb.Library("pb").impl("relu", "CPU", lambda self, *, out: out.fill_(42.0))
    ''',
    "meta-function-of-a-core-operator": '''
        @backend.hookimpl
        def plugboard_register_kernels(library):
            library.register_meta("relu", lambda self: None)
    ''',
    "operator-in-another-namespace": '''
        pb.Library("elsewhere").define("taken(Tensor self) -> Tensor")
    ''',
}


def _core_still_works() -> None:
    assert pb.relu(pb.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
    with include_keys("Autograd"):
        assert (pb.tensor([1.0, 2.0]) + 1).tolist() == [2.0, 3.0]
    # A backend with no add kernel has no add: no other plugin's composite stands in.
    with pytest.raises(pb.KernelNotFoundError):
        pb.add(pb.tensor([1.0], device="bare"), 1.0)


@pytest.mark.parametrize("source", FOREIGN_REGISTRATIONS.values(), ids=FOREIGN_REGISTRATIONS)
def test_registrations_outside_the_plugins_key_and_namespace_are_refused(
    plugins: Any, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    plugins.install("bare", plugins.host_backend("bare", "Bare"))
    plugins.install("intruder", plugins.host_backend("intruder", "Intruder", source))
    status = _status("intruder")
    assert not status.loaded
    assert "RegistrationError: the intruder plugin" in (status.error or "")
    assert "Fix:" in (status.error or "")
    _core_still_works()
    assert find_op("elsewhere::taken") is None

    from plugboard._cli import main as cli

    assert cli(["doctor"]) == 1
    assert "the intruder plugin" in capsys.readouterr().out


def test_a_library_the_plugin_makes_later_belongs_to_it(plugins: Any) -> None:
    # The plugin's own code makes a library when its kernel first runs.
    plugins.install("late", plugins.host_backend("late", "Late", '''
        from plugboard_cpu._plugin import register_kernels

        def _neg(self, *, out):
            pb.Library("pb").impl("relu", "CPU", lambda self, *, out: out.fill_(42.0))

        @backend.hookimpl
        def plugboard_register_kernels(library):
            register_kernels(library, only={"copy_"})
            library.impl("neg", fn=_neg)
    '''))
    with pytest.raises(pb.RegistrationError, match="late plugin registers a CPU kernel"):
        pb.neg(pb.tensor([1.0, 2.0], device="late"))
    _core_still_works_on_cpu()


def _core_still_works_on_cpu() -> None:
    assert pb.all(pb.tensor([1.0, 2.0])).item() is True
    assert (pb.tensor([1.0, 2.0]) + 1).tolist() == [2.0, 3.0]


def test_a_plugin_imported_before_it_loads_is_checked_when_it_loads(plugins: Any) -> None:
    module = plugins.install("early", plugins.host_backend("early", "Early", '''
        _own = pb.Library("early")
        _own.define("twice(Tensor self) -> Tensor")
        _own.impl("twice", "CompositeImplicit", lambda self: self + self)
        _foreign = pb.Library("pb")
        # pb::all has no CPU kernel (it decomposes), so the import itself is accepted.
        _foreign.impl("all", "CPU", lambda self, dim, keepdim, *, out: out.fill_(False))
    '''))
    importlib.import_module(module)  # a user's script imports it first
    assert find_op("early::twice") is not None
    assert not _status("early").loaded
    assert "early plugin registers a CPU kernel of pb::all" in (_status("early").error or "")
    _core_still_works_on_cpu()
    assert find_op("early::twice") is None


# A plugin that fails leaves nothing registered; kernels that raise ---------------------

DEFINES = '''
_lib = pb.Library("pbfail")
_lib.define("twice(Tensor self) -> Tensor")
_lib.impl("twice", "CompositeImplicit", lambda self: self + self)
pb.Library("pbfail").define("thrice(Tensor self) -> Tensor")  # kept by no one
'''

FAILURES = {
    "at-import": "import plugboard as pb\n" + DEFINES + "raise RuntimeError('too old')\n",
    "in-kernel-registration": DEFINES + '''
@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("pbfail::twice", fn=lambda self: self)
    raise RuntimeError("the driver is too old")
''',
    "bad-device-count": DEFINES + "Runtime.device_count = lambda self: -1\n",
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_plugin_that_fails_leaves_no_operator_of_its_namespace(
    plugins: Any, failure: str
) -> None:
    source = FAILURES[failure]
    if failure != "at-import":
        source = plugins.host_backend("pbfail", "PBFail", source)
    plugins.install("pbfail", source)
    assert not _status("pbfail").loaded
    assert [op.name for op in registered_ops() if op.name.startswith("pbfail::")] == []
    with pytest.raises(pb.ArgumentError, match="no operator named 'pbfail::twice'"):
        pb.ops.pbfail.twice(pb.ones(1))
    # Fixed, it loads, and defines its operators again.
    plugins.install("pbfail", plugins.host_backend("pbfail", "PBFail", DEFINES))
    assert pb.ops.pbfail.twice(pb.tensor([1.0])).tolist() == [2.0]
    assert _status("pbfail").loaded


# Every failure of a plugin is recorded, once --------------------------------------------


@pytest.mark.parametrize("raised", ["SystemExit(3)", "GeneratorExit()", "RuntimeError('x')"])
def test_a_plugin_raising_any_exception_at_import_is_recorded_and_imported_once(
    plugins: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str], raised: str
) -> None:
    imports = tmp_path / "imports.txt"
    plugins.install("quits", f"open({str(imports)!r}, 'a').write('imported\\n')\nraise {raised}\n")
    for _ in range(3):
        assert pb.device("cpu") in pb.devices()
        with pytest.raises(pb.PluginError, match="quits backend failed to load"):
            pb.zeros(1, device="quits")
    assert imports.read_text() == "imported\n"
    assert (_status("quits").error or "").startswith(raised.split("(", maxsplit=1)[0])

    from plugboard._cli import main as cli

    assert cli(["doctor"]) == 1
    assert "quits" in capsys.readouterr().out


def test_keyboard_interrupt_at_import_reaches_the_user_and_is_not_recorded(
    plugins: Any, tmp_path: Any
) -> None:
    flag = tmp_path / "interrupt"
    flag.write_text("")
    plugins.install("ctrlc", plugins.host_backend("ctrlc", "CtrlC", f'''
        import os
        if os.path.exists({str(flag)!r}):
            raise KeyboardInterrupt
    '''))
    with pytest.raises(KeyboardInterrupt):
        pb.zeros(1, device="ctrlc")
    flag.unlink()  # the user presses Ctrl-C no more: the next use loads the plugin
    assert pb.tensor([1.0, 2.0], device="ctrlc:1").tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("10**9", "returned 1000000000, but a backend has 0 to 128"),
        ("10**5000", "returned a 16610-bit int"),
        ("-1", "returned -1, but a backend has 0 to 128"),
        ("2.0", r"returned 2.0 \(float\), not an int"),
        ("True", r"returned True \(bool\), not an int"),
        ("'2'", r"returned '2' \(str\), not an int"),
        ("None", r"returned None \(NoneType\), not an int"),
    ],
)
def test_device_count_is_validated(plugins: Any, count: str, message: str) -> None:
    plugins.install("counted", plugins.host_backend("counted", "Counted", f'''
        Runtime.device_count = lambda self: {count}
    '''))
    assert pb.device("cpu") in pb.devices()
    status = _status("counted")
    assert not status.loaded and status.device_count == 0
    assert re.search(message, status.error or ""), status.error
    assert "Fix:" in (status.error or "")


def test_availability_must_be_an_availability(plugins: Any) -> None:
    plugins.install("vague", plugins.host_backend("vague", "Vague", '''
        Runtime.availability = lambda self: True
    '''))
    assert "availability() returned True, not a plugboard.backend.Availability" in (
        _status("vague").error or "")


def test_probing_that_raises_system_exit_makes_the_backend_unavailable(plugins: Any) -> None:
    plugins.install("probe", plugins.host_backend("probe", "Probe", '''
        def _count(self):
            raise SystemExit("no driver")
        Runtime.device_count = _count
    '''))
    status = _status("probe")
    assert status.loaded and not status.available
    assert "SystemExit: no driver" in status.reason
    assert pb.devices("probe") == []


# A kernel that raises leaves its targets unchanged ---------------------------------

FLAKY = '''
from plugboard.backend import host_array
from plugboard_cpu import _plugin as cpu

FLAKY_OPS = ("add", "sum", "max_dim")

def _half_written(*args, out, **kwargs):
    for t in out if isinstance(out, tuple) else (out,):
        host_array(t).reshape(-1)[:2] = 99
    raise ValueError("the device fell over")

@backend.hookimpl
def plugboard_register_kernels(library):
    names = {k.op for m in cpu.KERNEL_MODULES for k in m.KERNELS} - set(FLAKY_OPS)
    cpu.register_kernels(library, only=names)
    for name in FLAKY_OPS:
        library.impl(name, fn=_half_written, strided=True, mixed_dtypes=True)
'''

FLAKY_CALLS = {
    "add-in-place": (lambda x, o, o64, i: x.add_(1), "pb::add"),
    "add-out": (lambda x, o, o64, i: pb.add(x, 1, out=o), "pb::add"),
    "add-out-other-dtype": (lambda x, o, o64, i: pb.add(x, 1, out=o64), "pb::add"),
    "add-out-strided": (lambda x, o, o64, i: pb.add(x, 1, out=o.T), "pb::add"),
    "sum-out": (lambda x, o, o64, i: pb.sum(x, 1, out=o[:, 0]), "pb::sum"),
    "max-dim-out": (lambda x, o, o64, i: pb.max(x, 1, out=(o[:, 1], i)), "pb::max_dim"),
}


@pytest.mark.parametrize(("call", "op"), FLAKY_CALLS.values(), ids=FLAKY_CALLS)
def test_a_kernel_that_raises_leaves_targets_unchanged_and_names_the_operator(
    plugins: Any, call: Any, op: str
) -> None:
    plugins.install("flaky", plugins.host_backend("flaky", "Flaky", FLAKY))
    x = pb.tensor([[1.0, 2.0], [3.0, 4.0]], device="flaky")
    o = pb.tensor([[5.0, 6.0], [7.0, 8.0]], device="flaky")
    o64 = pb.tensor([[5.0, 6.0], [7.0, 8.0]], dtype=pb.float64, device="flaky")
    i = pb.tensor([5, 6], device="flaky")
    with pytest.raises(pb.KernelError) as caught:
        call(x, o, o64, i)
    assert caught.value.op == op
    assert "ValueError: the device fell over" in str(caught.value)
    assert "Fix:" in str(caught.value) and "inputs: self=float32[2, 2] on flaky:0" in str(
        caught.value)
    assert isinstance(caught.value.__cause__, ValueError)
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert o.tolist() == o64.tolist() == [[5.0, 6.0], [7.0, 8.0]]
    assert i.tolist() == [5, 6]


@pytest.mark.parametrize("variant", ["functional", "out"])
def test_a_composite_that_raises_is_a_plugboard_error_naming_the_operator(variant: str) -> None:
    with pb.Library("pbraise") as lib:
        lib.define("boom(Tensor self) -> Tensor")
        lib.register_meta("boom", lambda self: pb.backend.TensorSpec(
            self.shape, self.dtype, self.device))

        def _boom(self: pb.Tensor) -> pb.Tensor:
            raise ZeroDivisionError("composite bug")

        lib.impl("boom", "CompositeImplicit", _boom)
        out = pb.tensor([5.0, 6.0])
        with pytest.raises(pb.KernelError, match=r"pbraise::boom: .*ZeroDivisionError") as caught:
            pb.ops.pbraise.boom(pb.ones(2), **({"out": out} if variant == "out" else {}))
        assert isinstance(caught.value.__cause__, ZeroDivisionError)
        assert out.tolist() == [5.0, 6.0]


# Environment switches: any case, tolerant separators, unknown names are errors ----------


@pytest.mark.parametrize(
    ("allow", "expected"),
    [
        ("CPU", ["cpu"]),
        ("cpu;extra", ["cpu", "extra"]),
        ("cpu extra", ["cpu", "extra"]),
        (" Cpu ,\tEXTRA; ", ["cpu", "extra"]),
        ("EXTRA,,", ["extra"]),
    ],
)
def test_allow_list_names_are_case_insensitive_with_any_separator(
    plugins: Any, monkeypatch: pytest.MonkeyPatch, allow: str, expected: list[str]
) -> None:
    plugins.install("extra", plugins.host_backend("extra", "Extra"))
    monkeypatch.delenv("PLUGBOARD_DISABLE_BACKENDS", raising=False)
    monkeypatch.setenv("PLUGBOARD_BACKENDS", allow)
    assert registry().installed_device_types() == [*expected, "meta"]
    assert sorted({d.type for d in pb.devices()}) == expected


@pytest.mark.parametrize("deny", ["EXTRA", "Extra;", "opencl extra", "cpu,EXTRA"])
def test_deny_list_names_are_case_insensitive_with_any_separator(
    plugins: Any, monkeypatch: pytest.MonkeyPatch, deny: str
) -> None:
    plugins.install("extra", plugins.host_backend("extra", "Extra"))
    monkeypatch.delenv("PLUGBOARD_BACKENDS", raising=False)
    monkeypatch.setenv("PLUGBOARD_DISABLE_BACKENDS", deny)
    assert "extra" not in registry().installed_device_types()
    with pytest.raises(pb.DeviceError, match="switched off"):
        pb.device("extra")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PLUGBOARD_BACKENDS", "opencll", "names 'opencll'.*did you mean 'opencl'"),
        ("PLUGBOARD_BACKENDS", "cpu;cdua", "names 'cdua', which no.*Installed backends: cpu"),
        ("PLUGBOARD_BACKENDS", "cpu,npu", "names 'npu'.*package plugboard-npu"),
        ("PLUGBOARD_DISABLE_BACKENDS", "OPENCLL", "names 'opencll'.*did you mean 'opencl'"),
        ("PLUGBOARD_DISABLE_BACKENDS", "meta", "meta.*cannot be switched off"),
    ],
)
def test_an_unknown_name_in_a_switch_is_an_error_with_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    for name in ("PLUGBOARD_BACKENDS", "PLUGBOARD_DISABLE_BACKENDS"):
        monkeypatch.delenv(name, raising=False)
    # A backend maintained with plugboard that is not installed here (plugboard's own
    # are all installed in the test environment): the error names its package.
    monkeypatch.setitem(_registry.KNOWN_DISTRIBUTIONS, "npu", "plugboard-npu")
    monkeypatch.setenv(variable, value)
    for use in (pb.devices, lambda: pb.device("cpu"), registry().installed_device_types):
        with pytest.raises(pb.DeviceError, match=f"{variable}=.*{message}") as caught:
            use()
        assert "Fix: correct" in str(caught.value) or "Fix: remove" in str(caught.value)
    # pb.backends() reports rather than raises: plugboard doctor shows the problem.
    assert any(b.device_type == "cpu" for b in pb.backends())


@pytest.mark.parametrize("value", ["opencll", "CPU OPENCLL"])
def test_an_unknown_backend_name_is_raised_at_first_use(value: str) -> None:
    code = (
        "import plugboard as pb\n"
        "try:\n"
        "    pb.tensor([1.0]) + 1\n"
        "except pb.DeviceError as error:\n"
        "    print(error)\n"
    )
    env = {**os.environ, "PLUGBOARD_BACKENDS": value}
    env.pop("PLUGBOARD_DISABLE_BACKENDS", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert "names 'opencll', which no installed backend has; did you mean 'opencl'?" in out
