"""A backend's expectations file: the cases it knows it does not pass.

The file is TOML, shipped by the plugin (not by the suite) and named by its
``plugboard_conformance_expectations`` hook::

    [[expectation]]
    op = "pb::matmul"              # required
    dtypes = ["bool"]              # optional: every dtype when absent
    variants = ["functional"]      # optional: every variant when absent
    kind = "unsupported"           # or "expected failure"
    reason = "no boolean GEMM in the vendor library"
    link = "https://example.com/issue/12"   # optional

``unsupported`` is a permanent limitation; ``expected failure`` a known bug.
An entry that matches no case is an error, and an expected failure that
passes is an unexpected pass: the file can never silently go stale.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KINDS = ("unsupported", "expected failure")
_KEYS = {"op", "dtypes", "variants", "kind", "reason", "link"}


class ExpectationsError(ValueError):
    """A malformed expectations file."""


@dataclass
class Expectation:
    op: str
    kind: str
    reason: str
    dtypes: tuple[str, ...] | None = None
    variants: tuple[str, ...] | None = None
    link: str = ""
    matched: int = field(default=0, compare=False)

    def matches(self, op: str, dtype: str, variant: str) -> bool:
        return (
            self.op == op
            and (self.dtypes is None or dtype in self.dtypes)
            and (self.variants is None or variant in self.variants)
        )

    def describe(self) -> str:
        parts = [self.op]
        if self.dtypes:
            parts.append("dtypes " + ", ".join(self.dtypes))
        if self.variants:
            parts.append("variants " + ", ".join(self.variants))
        return f"{' / '.join(parts)} ({self.kind}: {self.reason})"


def load(path: str | Path) -> list[Expectation]:
    """Read and check an expectations file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ExpectationsError(f"cannot read the expectations file {path}: {error}") from None
    entries = data.pop("expectation", [])
    if data:
        raise ExpectationsError(f"{path}: unknown tables {sorted(data)}; use [[expectation]]")
    return [_entry(path, i, entry) for i, entry in enumerate(entries, start=1)]


def _entry(path: str | Path, number: int, entry: dict[str, Any]) -> Expectation:
    where = f"{path}, expectation {number}"
    unknown = set(entry) - _KEYS
    if unknown:
        raise ExpectationsError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(_KEYS)}")
    for key in ("op", "kind", "reason"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ExpectationsError(f"{where}: {key!r} is required (a non-empty string)")
    if entry["kind"] not in KINDS:
        raise ExpectationsError(f"{where}: kind must be one of {KINDS}, not {entry['kind']!r}")
    lists = {}
    for key in ("dtypes", "variants"):
        value = entry.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise ExpectationsError(f"{where}: {key!r} must be a list of strings")
        lists[key] = None if value is None else tuple(value)
    return Expectation(
        op=entry["op"], kind=entry["kind"], reason=entry["reason"],
        dtypes=lists["dtypes"], variants=lists["variants"], link=entry.get("link", ""),
    )


def find(expectations: list[Expectation], op: str, dtype: str, variant: str) -> Expectation | None:
    """The first entry that matches the case, counting the match."""
    for expectation in expectations:
        if expectation.matches(op, dtype, variant):
            expectation.matched += 1
            return expectation
    return None
