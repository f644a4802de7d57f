"""Comparing results with references: exact for integers and bool, tolerances for floats.

The float64 reference is first rounded to the result's dtype, so the errors
measure what the backend lost beyond the dtype's own precision. NaN must be
where the reference has NaN, infinities where it has them, with their sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np

import plugboard as pb

from ._opdb import TOLERANCES


@dataclass
class Comparison:
    ok: bool
    max_abs: float | None = None
    max_rel: float | None = None
    max_ulp: float | None = None
    problem: str = ""


def _ulp(values: np.ndarray, dtype: pb.DType) -> np.ndarray:
    """The spacing of ``dtype``'s values around each of ``values`` (float64)."""
    info: Any = ml_dtypes.finfo(dtype.numpy)  # type: ignore[no-untyped-call]
    magnitude = np.maximum(np.abs(values), float(info.tiny))
    exponent = np.floor(np.log2(magnitude))
    spacing: np.ndarray = np.maximum(
        float(info.eps) * np.exp2(exponent), float(info.smallest_subnormal)
    )
    return spacing


def compare(
    actual: np.ndarray, expected: np.ndarray, dtype: pb.DType,
    tolerance: tuple[float, float] | None = None,
) -> Comparison:
    """Check ``actual`` (in ``dtype``) against a reference of the same shape."""
    if actual.shape != expected.shape:
        return Comparison(False, problem=f"shape {actual.shape}, expected {expected.shape}")
    if actual.size == 0:
        return Comparison(True, 0.0, 0.0, 0.0 if dtype.is_floating_point else None)
    if not dtype.is_floating_point:
        wanted = expected.astype(dtype.numpy)
        wrong = actual != wanted
        if wrong.any():
            i = tuple(int(v) for v in np.argwhere(wrong)[0])
            return Comparison(
                False, problem=f"{int(wrong.sum())} wrong value(s); first at {i}: "
                f"{actual[i]!r}, expected {wanted[i]!r}",
            )
        return Comparison(True, 0.0, 0.0, None)

    with np.errstate(all="ignore"):  # inf - inf and the like are masked out below
        rounded = expected.astype(np.float64).astype(dtype.numpy).astype(np.float64)
        got = actual.astype(np.float64)
        finite = np.isfinite(rounded)
        special_wrong = ~finite & ~((got == rounded) | (np.isnan(got) & np.isnan(rounded)))
        unexpected_special = finite & ~np.isfinite(got)
        diff = np.where(finite & np.isfinite(got), np.abs(got - rounded), 0.0)
        rel = np.where(finite & (rounded != 0), diff / np.abs(rounded), 0.0)
        ulp = diff / _ulp(np.where(finite, rounded, 1.0), dtype)
    atol, rtol = tolerance or TOLERANCES[dtype.name]
    outside = diff > atol + rtol * np.abs(np.where(finite, rounded, 0.0))
    result = Comparison(True, float(diff.max()), float(rel.max()), float(ulp.max()))
    bad = special_wrong | unexpected_special | outside
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        result.ok = False
        result.problem = (
            f"{int(bad.sum())} value(s) outside tolerance (atol={atol:g}, rtol={rtol:g}); "
            f"first at {i}: {got[i]!r}, expected {rounded[i]!r}"
        )
    return result
