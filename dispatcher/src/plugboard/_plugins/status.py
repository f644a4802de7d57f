"""What ``pb.backends()`` says of each installed backend: :class:`BackendStatus`.

Its own module, loaded when statuses are first asked for (``pb.backends()``,
``plugboard devices``, ``plugboard doctor``): making a dataclass costs about a
millisecond, which ``import plugboard`` need not pay.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BackendStatus"]


@dataclass(frozen=True)
class BackendStatus:
    """What ``pb.backends()`` says of one installed backend.

    Example:
        >>> import plugboard as pb
        >>> status = {s.device_type: s for s in pb.backends()}["cpu"]
        >>> status.loaded, status.available, status.device_count
        (True, True, 1)
    """

    device_type: str
    distribution: str
    version: str
    api_version: tuple[int, int] | None
    loaded: bool
    available: bool
    reason: str
    device_count: int
    error: str | None = None
    traceback: str | None = None
