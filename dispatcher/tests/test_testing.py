"""plugboard.testing: plugins installed by entry point for the duration of a test."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

import plugboard as pb
from plugboard._plugins.registry import registry
from plugboard.testing import PluginInstaller, host_backend_source, installed_plugins

THREE_DEVICES = """
Runtime.device_count = lambda self: 3
"""


def entry_point_names() -> set[str]:
    return {ep.name for ep in metadata.entry_points(group="plugboard.backends")}


def test_install_writes_what_pip_leaves_and_the_plugin_loads(tmp_path: Path) -> None:
    with installed_plugins(tmp_path) as plugins:
        module = plugins.install("kit", host_backend_source("kit", "Kit"))
        assert module == "plugboard_test_kit"
        assert (tmp_path / "plugboard_test_kit.py").is_file()
        entry_points = tmp_path / "plugboard_test_kit-0.1.dist-info" / "entry_points.txt"
        assert entry_points.read_text() == "[plugboard.backends]\nkit = plugboard_test_kit\n"
        assert "kit" in entry_point_names()
        assert plugins.installed == [("kit", "plugboard_test_kit")]
        assert pb.devices("kit") == [pb.device("kit:0"), pb.device("kit:1")]
        x = pb.tensor([1, 2, 3], device="kit:1")
        assert x.to("cpu").tolist() == [1, 2, 3]
        assert pb.device_properties("kit:0").name == "kit device 0"
        assert pb.float32 in pb.device_properties("kit:1").dtypes


def test_leaving_the_block_removes_everything(tmp_path: Path) -> None:
    before = list(sys.path)
    with installed_plugins(tmp_path) as plugins:
        assert sys.path[0] == str(tmp_path)
        plugins.install("kit", host_backend_source("kit", "Kit"))
        pb.tensor([1.0], device="kit")
        assert "plugboard_test_kit" in sys.modules
    assert sys.path == before
    assert "plugboard_test_kit" not in sys.modules
    assert "kit" not in registry().installed_device_types()
    assert "kit" not in {b.device_type for b in pb.backends()}
    assert not (tmp_path / "plugboard_test_kit.py").exists()
    assert not (tmp_path / "plugboard_test_kit-0.1.dist-info").exists()
    assert plugins.installed == []
    # No record is left behind: the device type is unknown again.
    with pytest.raises(pb.DeviceError, match="unknown device type 'kit'"):
        pb.device("kit:1")
    with pytest.raises(pb.DeviceError, match="unknown device type 'kit'"):
        pb.tensor([1.0], device="kit")


def test_the_block_cleans_up_when_it_raises(tmp_path: Path) -> None:
    before = list(sys.path)
    with pytest.raises(RuntimeError, match="inside"), installed_plugins(tmp_path) as plugins:
        plugins.install("kit", host_backend_source("kit", "Kit"))
        pb.tensor([1.0], device="kit")
        raise RuntimeError("inside")
    assert sys.path == before
    assert "kit" not in registry().installed_device_types()


def test_installing_a_device_type_again_replaces_its_plugin(tmp_path: Path) -> None:
    with installed_plugins(tmp_path) as plugins:
        plugins.install("kit", host_backend_source("kit", "Kit"))
        assert len(pb.devices("kit")) == 2
        plugins.install("kit", host_backend_source("kit", "Kit", THREE_DEVICES))
        assert len(pb.devices("kit")) == 3
        assert pb.tensor([7], device="kit:2").tolist() == [7]
        assert plugins.installed == [("kit", "plugboard_test_kit")]


def test_a_failed_plugin_is_forgotten_and_a_fixed_one_loads(tmp_path: Path) -> None:
    with installed_plugins(tmp_path) as plugins:
        plugins.install("kit", "raise ImportError('libkit.so: cannot open shared object')\n")
        status = {b.device_type: b for b in pb.backends()}["kit"]
        assert not status.loaded
        assert "libkit.so" in (status.error or "")
    with installed_plugins(tmp_path) as plugins:
        plugins.install("kit", host_backend_source("kit", "Kit"))
        status = {b.device_type: b for b in pb.backends()}["kit"]
        assert status.loaded and status.available and status.device_count == 2


def test_the_installer_works_on_any_directory_on_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    installer = PluginInstaller(tmp_path)
    try:
        installer.install("kit", host_backend_source("kit", "Kit"))
        assert pb.tensor([0.5, 2.0], device="kit:1").tolist() == [0.5, 2.0]
    finally:
        installer.uninstall_all()
    assert "kit" not in registry().loaded()
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "__pycache__"])


def test_host_backend_source_is_the_installers_static_method() -> None:
    assert PluginInstaller.host_backend("a", "A") == host_backend_source("a", "A")
    source = host_backend_source("acme", "Acme", """
        def plugboard_register_kernels(library):
            pass
    """)
    assert 'backend.BackendInfo("acme", "Acme"' in source
    # The extra source is dedented, so it lands at module level.
    assert "\ndef plugboard_register_kernels(library):\n    pass\n" in source
    compile(source, "<host backend>", "exec")


def test_the_plugins_fixture_is_an_installer(plugins: PluginInstaller) -> None:
    assert isinstance(plugins, PluginInstaller)
    assert str(plugins.site) in sys.path
    plugins.install("kit", plugins.host_backend("kit", "Kit"))
    assert pb.device("kit:1") in pb.devices()
