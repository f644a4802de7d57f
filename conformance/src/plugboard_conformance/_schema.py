"""The report's JSON Schema (``schema/report-v1.2.json``) and validation against it.

The schema is shipped inside the package; :data:`SCHEMA_PATH` locates it
whether the package is installed as files or in a zip. :func:`validate` checks
a ``Report.to_json()`` dictionary and raises :class:`ReportSchemaError`, naming
the JSON path of the problem (``$.cases[3].outcome``).

JSON has no NaN or Infinity, and the HTML report parses the embedded JSON with
the browser's strict parser: :func:`validate` rejects non-finite numbers too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from plugboard import PlugboardError

__all__ = ["SCHEMA_PATH", "ReportSchemaError", "load_schema", "upgrade", "validate"]

SCHEMA_PATH = resources.files("plugboard_conformance").joinpath("schema").joinpath(
    "report-v1.2.json")


class ReportSchemaError(PlugboardError, ValueError):
    """A report that does not follow the report schema.

    ``path`` is the JSON path of the first problem found (``$`` for the whole
    report) and ``reason`` says what is wrong there.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"invalid conformance report at {path}: {reason}")


def load_schema() -> dict[str, Any]:
    """The report schema, as a fresh dictionary."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A report of an older schema version as the current one (for reading old reports).

    1.0 -> 1.1: case and contract records gained ``traceback`` (empty for old ones).
    1.1 -> 1.2: case records gained ``mean_ulp_error``, ``limit`` and ``worst`` (the
    accuracy statistics; null, empty and null for old ones); the backend gained
    ``devices`` and case and contract records ``device``: an older report ran on one
    device, ``backend.device``, so ``devices`` becomes ``[device]`` (``[]`` when there
    was none) and every record gets that ``device``; ``seed`` (0) and ``quick`` (false)
    say how the run drew its cases; the ``autograd`` level stays absent (a 1.1 run had
    no grad cases: its reports say "not computed").
    """
    if data.get("schema_version") == "1.0":
        data = {**data, "schema_version": "1.1"}
        for key in ("cases", "contract"):
            data[key] = _with_defaults(data.get(key), {"traceback": ""})
    if data.get("schema_version") == "1.1":
        backend = data.get("backend")
        device = backend.get("device", "") if isinstance(backend, dict) else ""
        data = {**data, "schema_version": "1.2", "seed": 0, "quick": False,
                "cases": _with_defaults(data.get("cases"), {
                    "mean_ulp_error": None, "limit": "", "worst": None, "device": device}),
                "contract": _with_defaults(data.get("contract"), {"device": device})}
        if isinstance(backend, dict):
            data["backend"] = {**backend, "devices": [device] if device else []}
    return data


def _with_defaults(records: Any, defaults: dict[str, Any]) -> Any:
    """``records`` (a list of record dictionaries) with ``defaults`` for missing fields."""
    if not isinstance(records, list):
        return records
    return [{**defaults, **r} if isinstance(r, dict) else r for r in records]


def validate(data: dict[str, Any]) -> None:
    """Check ``data`` (a ``Report.to_json()`` result) against the report schema.

    Raises :class:`ReportSchemaError` with the JSON path of the problem.
    """
    from jsonschema.exceptions import best_match

    for path, value in _non_finite(data, "$"):
        raise ReportSchemaError(path, f"{value!r} is not a finite number (JSON has none)")
    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    # The problems at the first path (indices in order, keys sorted); the most relevant of those.
    first = min(_path_key(e.absolute_path) for e in errors)
    error = best_match(e for e in errors if _path_key(e.absolute_path) == first)
    raise ReportSchemaError(str(error.json_path), str(error.message))


def _path_key(path: Iterable[str | int]) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _non_finite(value: Any, path: str) -> Iterator[tuple[str, float]]:
    """The floats in ``value`` that are NaN or infinite, with their JSON paths."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, f"{path}[{index}]")
