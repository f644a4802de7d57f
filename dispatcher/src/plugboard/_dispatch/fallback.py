"""The fallback policy: what happens to an operator a backend has no kernel for.

``error`` (the default) raises :class:`plugboard.KernelNotFoundError`; ``cpu``
runs the CPU kernel with copies to and from the device, warns once per
operator and counts every run. ``PLUGBOARD_FALLBACK`` sets the policy for the
process, ``with pb.fallback_policy(...)`` for a block.
"""

from __future__ import annotations

import contextvars
import os
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from plugboard._core.errors import ArgumentError, FallbackWarning

__all__ = [
    "FALLBACK_ENV",
    "FALLBACK_POLICIES",
    "current_fallback_policy",
    "fallback_counts",
    "fallback_policy",
    "record_fallback",
    "reset_fallback_counts",
]


FALLBACK_POLICIES: Final = ("error", "cpu")
FALLBACK_ENV: Final = "PLUGBOARD_FALLBACK"


def _policy_from_env() -> str:
    value = os.environ.get(FALLBACK_ENV, "error").strip().lower() or "error"
    if value not in FALLBACK_POLICIES:
        raise ArgumentError(
            f"{FALLBACK_ENV}={value!r} is not a fallback policy. Fix: set it to one of "
            f"{FALLBACK_POLICIES}"
        )
    return value


_policy: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "plugboard_fallback_policy", default=None
)
_env_policy: str | None = None
_fallback_counts: Counter[str] = Counter()
_fallback_warned: set[str] = set()
_fallback_lock = threading.Lock()


def current_fallback_policy() -> str:
    """The fallback policy in force: the innermost ``fallback_policy`` block, else the env."""
    global _env_policy
    policy = _policy.get()
    if policy is not None:
        return policy
    if _env_policy is None:
        _env_policy = _policy_from_env()
    return _env_policy


@contextmanager
def fallback_policy(policy: str) -> Iterator[None]:
    """Set the fallback policy inside a block: ``"error"`` (default) or ``"cpu"``.

    With ``"cpu"``, an operator that has no kernel for its backend runs on the
    CPU with copies to and from the device. Every such run is counted
    (:func:`fallback_counts`) and the first one of each operator warns with a
    :class:`plugboard.FallbackWarning`. The environment variable
    ``PLUGBOARD_FALLBACK`` sets the policy outside such blocks.

    Example:
        >>> import plugboard as pb
        >>> with pb.fallback_policy("cpu"):
        ...     pass
    """
    if policy not in FALLBACK_POLICIES:
        raise ArgumentError(
            f"unknown fallback policy {policy!r:.40}. Fix: use one of {FALLBACK_POLICIES}"
        )
    token = _policy.set(policy)
    try:
        yield
    finally:
        _policy.reset(token)


def fallback_counts() -> dict[str, int]:
    """How many times each operator ran through the fallback, since start or reset."""
    with _fallback_lock:
        return dict(_fallback_counts)


def reset_fallback_counts() -> None:
    """Forget the counts and warnings so far, and re-read the environment (for tests)."""
    global _env_policy
    _env_policy = None
    with _fallback_lock:
        _fallback_counts.clear()
        _fallback_warned.clear()




def record_fallback(op_name: str, device_type: str) -> None:
    """Count one fallback run of ``op_name``; the first one of each operator warns."""
    with _fallback_lock:
        _fallback_counts[op_name] += 1
        first = op_name not in _fallback_warned
        _fallback_warned.add(op_name)
    if first:
        warnings.warn(
            f"{op_name} has no {device_type} kernel; running it on cpu with copies "
            f"(fallback policy 'cpu')",
            FallbackWarning,
            stacklevel=5,
        )
