"""Dispatch keys: order, extension, and the thread-local include and exclude sets."""

from __future__ import annotations

import threading

import pytest

import plugboard as pb
from plugboard._dispatch import keys as _keys
from plugboard.library import KeyKind, key_named


def test_functionality_keys_rank_above_backend_select_above_backends() -> None:
    pb.tensor([1.0])  # the cpu backend registers its key
    tracing, autograd = key_named("Tracing"), key_named("Autograd")
    select, cpu = key_named("BackendSelect"), key_named("CPU")
    assert tracing.mask > autograd.mask > select.mask > cpu.mask
    ordered = _keys.keys_in(tracing.mask | cpu.mask | autograd.mask | select.mask)
    assert ordered == [tracing, autograd, select, cpu]


def test_alias_keys_are_never_in_key_sets() -> None:
    composite = key_named("CompositeImplicit")
    assert composite.kind is KeyKind.ALIAS
    assert composite.mask == 0


def test_backend_keys_are_created_once() -> None:
    first = _keys.register_backend_key("KeysTestBackend")
    assert _keys.register_backend_key("KeysTestBackend") is first
    assert first.kind is KeyKind.BACKEND
    with pytest.raises(pb.RegistrationError, match="functionality key"):
        _keys.register_backend_key("Autograd")


def test_include_and_exclude_nest_and_are_per_thread() -> None:
    autograd = key_named("Autograd")
    seen: list[int] = []
    with _keys.include_keys("Autograd"):
        assert _keys.tls.included & autograd.mask
        with _keys.exclude_keys(autograd):
            assert _keys.tls.excluded & autograd.mask
        assert not _keys.tls.excluded & autograd.mask
        thread = threading.Thread(target=lambda: seen.append(_keys.tls.included))
        thread.start()
        thread.join()
    assert seen == [0]
    assert not _keys.tls.included & autograd.mask
