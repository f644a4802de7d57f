"""Provenance: which path each operator call took (native, composite, fallback, meta).

The conformance suite records every call inside a case, so a kernel that
quietly computes on another device fails, and the report says how each
operator ran. Features that are not one operator (indexing) record under
their own name with :func:`record_feature`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from plugboard._core.dtype import DType
from plugboard._dispatch.registry import Path

__all__ = ["record_feature", "record_paths", "recorder"]


class _Recorder(threading.local):
    """Records which path each operator call took, while a ``record_paths`` block runs."""

    active: bool = False
    records: list[tuple[str, str, Path, DType | None]]

    def record(self, op: str, device_type: str, path: Path, dtype: DType | None) -> None:
        self.records.append((op, device_type, path, dtype))


recorder: Final = _Recorder()


@contextmanager
def record_paths() -> Iterator[list[tuple[str, str, Path, DType | None]]]:
    """Collect ``(op, device type, path, dtype)`` for every call in the block (this thread)."""
    saved = (recorder.active, getattr(recorder, "records", None))
    records: list[tuple[str, str, Path, DType | None]] = []
    recorder.active, recorder.records = True, records
    try:
        yield records
    finally:
        recorder.active = saved[0]
        if saved[1] is not None:
            recorder.records = saved[1]


def record_feature(feature: str, device_type: str, dtype: DType | None) -> None:
    """Record a feature built from several operators (``indexing:advanced``) as one call."""
    if recorder.active:
        recorder.record(feature, device_type, Path.COMPOSITE, dtype)
