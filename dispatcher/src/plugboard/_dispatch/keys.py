"""Dispatch keys: the ordered, extensible set that routes every call.

A key set is a Python ``int`` used as a bit set; a higher bit is a higher
priority. The layout, from the top:

- functionality keys (``Tracing``, ``Autograd``, then any registered later),
  bits 94 down to 65: implemented once, they work on every backend;
- ``BackendSelect`` (bit 64): factory ops with no tensor input take their
  backend from ``device=``;
- backend keys (bits 0 to 63): one per backend, created when it registers;
- alias keys, used only at registration and never in a key set:
  ``CompositeImplicit`` (a decomposition valid for every backend).

Thread-local include and exclude sets let a functionality kernel redispatch
below itself (``exclude``) or switch a functionality on (``include``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum
from typing import Final

from plugboard._core.errors import RegistrationError

__all__ = [
    "DispatchKey",
    "KeyKind",
    "exclude_keys",
    "include_keys",
    "key_named",
    "keys_in",
    "register_backend_key",
    "register_functionality_key",
]


class KeyKind(Enum):
    FUNCTIONALITY = "functionality"
    BACKEND_SELECT = "backend select"
    BACKEND = "backend"
    ALIAS = "alias"


class DispatchKey:
    """One dispatch key. Create keys with the ``register_*`` functions."""

    __slots__ = ("bit", "kind", "mask", "name")

    def __init__(self, name: str, kind: KeyKind, bit: int | None):
        self.name = name
        self.kind = kind
        self.bit = bit
        self.mask = 0 if bit is None else 1 << bit

    def __repr__(self) -> str:
        return f"DispatchKey.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __lt__(self, other: DispatchKey) -> bool:
        return (self.bit if self.bit is not None else -1) < (
            other.bit if other.bit is not None else -1
        )


# Backend keys are created once per process and never freed: room for plugboard's own,
# the vendors' and the test backends a test session installs.
_MAX_BACKENDS: Final = 64
_BACKEND_SELECT_BIT: Final = 64
_LOWEST_FUNCTIONALITY_BIT: Final = 65
_HIGHEST_FUNCTIONALITY_BIT: Final = 94

_by_name: dict[str, DispatchKey] = {}
_by_bit: dict[int, DispatchKey] = {}
_owners: dict[str, str] = {}  # backend key name -> the device type it routes to
_lock = threading.Lock()


def _add(name: str, kind: KeyKind, bit: int | None) -> DispatchKey:
    if name in _by_name:
        raise RegistrationError(f"dispatch key {name!r} already exists")
    key = DispatchKey(name, kind, bit)
    _by_name[name] = key
    if bit is not None:
        _by_bit[bit] = key
    return key


def register_functionality_key(name: str) -> DispatchKey:
    """Add a functionality key below the existing ones (e.g. a profiler)."""
    with _lock:
        used = [k.bit for k in _by_name.values() if k.kind is KeyKind.FUNCTIONALITY]
        bit = min(b for b in used if b is not None) - 1
        if bit < _LOWEST_FUNCTIONALITY_BIT:
            raise RegistrationError(f"no room for functionality key {name!r}")
        return _add(name, KeyKind.FUNCTIONALITY, bit)


def register_backend_key(name: str, owner: str | None = None) -> DispatchKey:
    """Create the backend key of a backend (``CPU``, ``OpenCL``, a vendor's own).

    ``owner`` is the device type of the backend the key routes to. A key
    belongs to the first owner that registers it: registering it again for the
    same owner returns the existing key (a reloaded backend keeps its key),
    for another owner is refused, so one backend cannot take over another's
    calls. A name that differs from an existing key's only in case is refused.
    """
    with _lock:
        existing = _by_name.get(name)
        if existing is not None:
            if existing.kind is not KeyKind.BACKEND:
                raise RegistrationError(
                    f"{name!r} is a {existing.kind.value} key and cannot name a backend. "
                    "Fix: give the backend a dispatch key of its own"
                )
            holder = _owners.setdefault(name, owner) if owner is not None else None
            if holder is not None and holder != owner:
                raise RegistrationError(
                    f"the dispatch key {name!r} belongs to the {holder} backend; the {owner} "
                    "backend cannot use it. Fix: give the backend a dispatch key of its own "
                    "(BackendInfo.dispatch_key)"
                )
            return existing
        same = next((k for k in _by_name if k.lower() == name.lower()), None)
        if same is not None:
            raise RegistrationError(
                f"the dispatch key {name!r} differs from the existing key {same!r} only in "
                "case. Fix: give the backend a dispatch key of its own"
            )
        bit = sum(1 for k in _by_name.values() if k.kind is KeyKind.BACKEND)
        if bit >= _MAX_BACKENDS:
            raise RegistrationError(f"at most {_MAX_BACKENDS} backend keys can exist")
        key = _add(name, KeyKind.BACKEND, bit)
        if owner is not None:
            _owners[name] = owner
        return key


def key_named(name: str | DispatchKey) -> DispatchKey:
    """The key with this name; a clear error lists the keys when it does not exist."""
    if isinstance(name, DispatchKey):
        return name
    key = _by_name.get(name)
    if key is None:
        known = ", ".join(sorted(_by_name))
        raise RegistrationError(f"unknown dispatch key {name!r}; known keys: {known}")
    return key


def keys_in(keyset: int) -> list[DispatchKey]:
    """The keys of a key set, highest priority first."""
    keys = []
    while keyset:
        bit = keyset.bit_length() - 1
        keys.append(_by_bit[bit])
        keyset &= ~(1 << bit)
    return keys


def all_keys() -> list[DispatchKey]:
    return list(_by_name.values())


# The built-in keys. Backend keys are created by the backends themselves.
Tracing: Final = _add("Tracing", KeyKind.FUNCTIONALITY, _HIGHEST_FUNCTIONALITY_BIT)
Autograd: Final = _add("Autograd", KeyKind.FUNCTIONALITY, _HIGHEST_FUNCTIONALITY_BIT - 1)
BackendSelect: Final = _add("BackendSelect", KeyKind.BACKEND_SELECT, _BACKEND_SELECT_BIT)
CompositeImplicit: Final = _add("CompositeImplicit", KeyKind.ALIAS, None)

FUNCTIONALITY_MASK: Final = ((1 << (_HIGHEST_FUNCTIONALITY_BIT + 1)) - 1) & ~(
    (1 << _LOWEST_FUNCTIONALITY_BIT) - 1
)
BACKEND_MASK: Final = (1 << _MAX_BACKENDS) - 1


class _LocalKeys(threading.local):
    included: int = 0
    excluded: int = 0


tls: Final = _LocalKeys()


@contextmanager
def thread_keys(field: str, mask: int) -> Iterator[None]:
    """Add ``mask`` to this thread's ``included`` or ``excluded`` set inside the block."""
    saved = getattr(tls, field)
    setattr(tls, field, saved | mask)
    try:
        yield
    finally:
        setattr(tls, field, saved)


def include_keys(*keys: str | DispatchKey) -> AbstractContextManager[None]:
    """Add keys to every key set computed on this thread inside the block."""
    return thread_keys("included", sum(key_named(k).mask for k in keys))


def exclude_keys(*keys: str | DispatchKey) -> AbstractContextManager[None]:
    """Remove keys from every key set computed on this thread inside the block.

    A functionality kernel redispatches below itself by excluding its own key.
    """
    return thread_keys("excluded", sum(key_named(k).mask for k in keys))
