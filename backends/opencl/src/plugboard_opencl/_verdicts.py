"""The probe's verdicts, remembered between processes in the user's cache directory.

Building and running the probe program is most of what listing OpenCL devices
costs (PoCL starts its compiler for it). Once a platform has passed, its
identity is written to ``<cache dir>/plugboard/opencl-probe.json``; a later
process that finds the same identity skips the build. The identity is
everything that would change the verdict: the platform's name, vendor and
full version (PoCL's names its LLVM), each device's name, vendor, OpenCL and
driver versions and type, the host's name (a home directory may be shared by
several machines), pyopencl's and this backend's versions, and the probe's
source.

Only passes are remembered: a failing platform is probed again by every
process, so its reason is always current and a repaired driver is seen at once.
A platform that breaks while all of its identity stays the same (a library
under the driver removed, say) is listed as before, and its first program
build raises :class:`plugboard_opencl.OpenCLBuildError` naming the operator
and the device.
Deleting the file is always safe (the next process probes again); an
unreadable or malformed file counts as empty, and one that cannot be written
only means the next process probes again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Final

__all__ = ["VERDICTS_FILE", "VerdictCache", "user_cache_dir"]

VERDICTS_FILE: Final = "opencl-probe.json"

# Bumped when the identity's fields change, so that older entries never match.
_FORMAT: Final = 1

# Identities kept: the newest ones, enough for every driver a machine switches between.
_MAX_ENTRIES: Final = 32


def user_cache_dir() -> Path:
    """The directory for plugboard's caches: ``$XDG_CACHE_HOME/plugboard`` (``~/.cache``
    by default), ``~/Library/Caches/plugboard`` on macOS, ``%LOCALAPPDATA%\\plugboard``
    on Windows.

    Example:
        >>> user_cache_dir().name
        'plugboard'
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        # The XDG spec ignores a relative XDG_CACHE_HOME.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else str(Path.home() / ".cache")
    return Path(base) / "plugboard"


class VerdictCache:
    """The identities of platforms that passed the probe, read from and written to ``path``
    (None: remembered by nothing, every process probes).

    Example:
        >>> import tempfile
        >>> identity = {"platform": ["PoCL", "The pocl project", "OpenCL 3.0 PoCL 3.1"]}
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = Path(directory) / "opencl-probe.json"
        ...     before = VerdictCache(path).passed(identity)
        ...     VerdictCache(path).remember(identity)
        ...     after = VerdictCache(path).passed(identity)
        >>> before, after
        (False, True)
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: list[Any] | None = None

    def _load(self) -> list[Any]:
        if self._entries is None:
            self._entries = []
            if self.path is None:
                return self._entries
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # missing, unreadable or not JSON: probe again
                return self._entries
            if isinstance(data, dict) and data.get("format") == _FORMAT:
                entries = data.get("passed")
                if isinstance(entries, list):
                    self._entries = entries
        return self._entries

    def passed(self, identity: dict[str, Any]) -> bool:
        """Whether a platform of exactly this identity passed the probe before."""
        # Compared as JSON would read it back: tuples become lists.
        return json.loads(json.dumps(identity)) in self._load()

    def remember(self, identity: dict[str, Any]) -> None:
        """Record a pass; a file that cannot be written is left as it is."""
        entry = json.loads(json.dumps(identity))
        entries = [e for e in self._load() if e != entry] + [entry]
        self._entries = entries[-_MAX_ENTRIES:]
        path = self.path
        if path is None:
            return
        text = json.dumps({"format": _FORMAT, "passed": self._entries}, indent=1)
        # Written beside the file and renamed over it: a process reading at the same
        # time sees the old file or the new one, never half of one.
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            # A read-only or full cache directory costs the next process the probe only.
            with contextlib.suppress(OSError):
                temporary.unlink()
