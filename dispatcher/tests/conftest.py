"""Shared fixtures: backend plugins installed by entry point for the duration of a test."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugboard import _dispatcher, _plugins

# A complete host-memory backend with two devices, for tests that need a
# second device type. The source is formatted with {name}, {key} and {extra}.
HOST_BACKEND = '''
import numpy as np
from plugboard import backend

class Runtime(backend.DeviceRuntime):
    host_memory = True

    def availability(self):
        return backend.Availability.yes()

    def device_count(self):
        return 2

    def device_properties(self, index):
        return backend.DeviceProperties("{name} device " + str(index), 1 << 20, "test", ())

    def allocate(self, nbytes, index):
        return np.empty(nbytes, np.uint8)

    def copy_from_host(self, dst, dst_offset, src, index):
        flat = src.reshape(-1).view(np.uint8)
        dst[dst_offset:dst_offset + flat.nbytes] = flat

    def copy_to_host(self, dst, src, src_offset, index):
        flat = dst.reshape(-1).view(np.uint8)
        flat[:] = src[src_offset:src_offset + flat.nbytes]

    def copy_between(self, dst, dst_offset, dst_index, src, src_offset, src_index, nbytes):
        dst[dst_offset:dst_offset + nbytes] = src[src_offset:src_offset + nbytes]

@backend.hookimpl
def plugboard_backend_info():
    return backend.BackendInfo("{name}", "{key}", "0.1", backend.API_VERSION, "plugboard-{name}")

@backend.hookimpl
def plugboard_device_runtime():
    return Runtime()

{extra}
'''


class PluginInstaller:
    """Installs plugin modules under entry points of group plugboard.backends.

    ``install(device_type, source)`` writes the module and a ``.dist-info``
    with ``entry_points.txt`` on ``sys.path``: what ``pip install`` of a plugin
    package leaves behind.
    """

    def __init__(self, site: Path):
        self.site = site
        self.installed: list[tuple[str, str]] = []

    @staticmethod
    def host_backend(name: str, key: str, extra: str = "") -> str:
        """Source of a complete host-memory backend with two devices."""
        return HOST_BACKEND.format(name=name, key=key, extra=textwrap.dedent(extra))

    def install(self, device_type: str, source: str) -> str:
        module = f"plugboard_test_{device_type}"
        (self.site / f"{module}.py").write_text(source)
        dist = self.site / f"plugboard_test_{device_type}-0.1.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: plugboard-test-{device_type}\nVersion: 0.1\n"
        )
        (dist / "entry_points.txt").write_text(
            f"[plugboard.backends]\n{device_type} = {module}\n"
        )
        self.installed.append((device_type, module))
        _plugins.refresh()
        return module

    def uninstall_all(self) -> None:
        for device_type, module in self.installed:
            _plugins.forget(device_type)
            sys.modules.pop(module, None)
        _plugins.refresh()


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginInstaller]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    installer = PluginInstaller(site)
    yield installer
    installer.uninstall_all()


@pytest.fixture
def fresh_fallback_state() -> Iterator[None]:
    _dispatcher.reset_fallback_counts()
    _dispatcher._env_policy = None
    yield
    _dispatcher.reset_fallback_counts()
    _dispatcher._env_policy = None
