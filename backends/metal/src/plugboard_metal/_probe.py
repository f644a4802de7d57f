"""What this machine has for metal: MLX, Metal, or host emulation asked for. Never raises.

``metal:0`` is the Apple GPU through MLX where Metal is available. Elsewhere the
backend is unavailable, with the reason, unless ``PLUGBOARD_METAL_EMULATION=1``
asks for host emulation: ``metal:0`` then runs on MLX's CPU device, and says so
wherever it is shown.

Example:
    >>> found = probe(environ={}, platform_name="Linux", machine="x86_64")
    >>> found.available, "PLUGBOARD_METAL_EMULATION=1" in found.reason
    (False, True)
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._capabilities import EMULATION_LABEL, EMULATION_VARIABLE

__all__ = ["Probe", "emulation_requested", "probe"]


@dataclass(frozen=True)
class Probe:
    """The result of looking for metal: the mode it runs in, or why it cannot run."""

    available: bool
    emulated: bool = False
    reason: str = ""
    mlx_version: str = ""


def emulation_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``PLUGBOARD_METAL_EMULATION`` asks for host emulation (1, true, yes, on).

    >>> emulation_requested({"PLUGBOARD_METAL_EMULATION": "1"}), emulation_requested({})
    (True, False)
    """
    value = (os.environ if environ is None else environ).get(EMULATION_VARIABLE, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _import_mlx() -> Any:
    import mlx.core as mx

    return mx


def probe(mx: Any = None, environ: Mapping[str, str] | None = None,
          platform_name: str | None = None, machine: str | None = None) -> Probe:
    """Look for Metal through MLX (``mx``, ``environ``, ``platform_name``: given in tests)."""
    system = platform_name or platform.system()
    arch = machine or platform.machine()
    emulate = emulation_requested(environ)
    hint = (f"Fix: on a Mac with Apple silicon, pip install plugboard-metal; elsewhere set "
            f"{EMULATION_VARIABLE}=1 to run metal:0 on MLX's CPU device ({EMULATION_LABEL}, "
            "for testing)")
    if mx is None and system != "Darwin" and not emulate:
        # Metal exists only on macOS: said without importing MLX, which would take a
        # good part of every `plugboard devices` on the machines that cannot use it.
        return Probe(False, False, f"Metal is not available on {system} {arch} (Metal "
                     f"needs macOS on Apple silicon). {hint}")
    if mx is None:
        try:
            mx = _import_mlx()
        except Exception as error:  # ImportError, or libmlx missing (plain `mlx` on Linux)
            return Probe(False, False, f"MLX cannot be imported on {system} {arch}: {error}. "
                         f"{hint}; on Linux MLX's CPU build is `mlx[cpu]`")
    version = str(getattr(mx, "__version__", "?"))
    try:
        metal = bool(mx.metal.is_available())
    except Exception:  # a CPU-only build of MLX
        metal = False
    if metal and not emulate:
        return Probe(True, False, f"Metal through MLX {version}", version)
    if emulate:
        return Probe(True, True, f"{EMULATION_LABEL} ({EMULATION_VARIABLE}=1, MLX {version})",
                     version)
    return Probe(False, False, f"Metal is not available on {system} {arch} (MLX {version}: "
                 f"mx.metal.is_available() is False; Metal needs macOS on Apple silicon). "
                 f"{hint}", version)
