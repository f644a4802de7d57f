"""Shared fixtures: backend plugins installed by entry point for the duration of a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plugboard._dispatch import fallback as _fallback
from plugboard.testing import PluginInstaller, installed_plugins


@pytest.fixture
def plugins(tmp_path: Path) -> Iterator[PluginInstaller]:
    """An installer whose plugins are uninstalled after the test.

    ``plugins.host_backend(name, key, extra)`` is the source of a complete
    host-memory backend with two devices (``plugboard.testing.host_backend_source``).
    """
    with installed_plugins(tmp_path / "site") as installer:
        yield installer


@pytest.fixture
def fresh_fallback_state() -> Iterator[None]:
    _fallback.reset_fallback_counts()
    _fallback._env_policy = None
    yield
    _fallback.reset_fallback_counts()
    _fallback._env_policy = None
