"""Comparing results with references: exact for integers and bool, accuracy limits for floats.

The float64 reference is first rounded to the result's dtype, so the errors
measure what the backend lost beyond the dtype's own precision, in ULP of that
dtype as well as absolute and relative. Each operator's limit comes from the
accuracy table (``_accuracy.py``). NaN must be where the reference has NaN,
infinities where it has them, with their sign. Where the limit says so, a zero
must also carry the reference's sign (``neg(0.0)`` is ``-0.0``; ``0 - x`` is not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import plugboard as pb

from ._accuracy import Limit, allowance, ulp_of

_EXACT = Limit(0)


@dataclass
class Worst:
    """The element with the largest ULP error (among those beyond the limit, if any)."""

    index: tuple[int, ...]
    got: float
    expected: float
    ulp: float


@dataclass
class Comparison:
    ok: bool
    max_abs: float | None = None
    max_rel: float | None = None
    max_ulp: float | None = None
    ulp_sum: float = 0.0  # the sum and number of finite ULP errors, for a mean
    ulp_count: int = 0
    worst: Worst | None = None
    problem: str = ""


def compare(
    actual: np.ndarray, expected: np.ndarray, dtype: pb.DType, limit: Limit = _EXACT,
    magnitude: np.ndarray | float = 0.0, terms: int = 1,
) -> Comparison:
    """Check ``actual`` (in ``dtype``) against a reference of the same shape.

    ``magnitude`` and ``terms`` are the ``M`` and ``n`` of the limit's absolute
    allowance (``_accuracy.scale``).
    """
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
        both = finite & np.isfinite(got)
        special_wrong = ~finite & ~((got == rounded) | (np.isnan(got) & np.isnan(rounded)))
        unexpected_special = finite & ~np.isfinite(got)
        if limit.signed_zeros:
            zeros = (rounded == 0) & (got == 0)
            special_wrong |= zeros & (np.signbit(rounded) != np.signbit(got))
        diff = np.where(both, np.abs(got - rounded), 0.0)
        rel = np.where(both & (rounded != 0), diff / np.abs(rounded), 0.0)
        spacing = ulp_of(np.where(finite, rounded, 1.0), dtype)
        ulp = diff / spacing
        allowed = allowance(limit, dtype, spacing, magnitude, terms)
    outside = both & (diff > allowed)
    result = Comparison(True, float(diff.max()), float(rel.max()), float(ulp.max()),
                        ulp_sum=float(ulp[both].sum()), ulp_count=int(both.sum()))
    beyond = outside if outside.any() else both
    if beyond.any():
        flat = int(np.argmax(np.where(beyond, ulp, -1.0)))
        index = tuple(int(v) for v in np.unravel_index(flat, ulp.shape))
        result.worst = Worst(index, float(got[index]), float(rounded[index]), float(ulp[index]))
    specials = special_wrong | unexpected_special
    if specials.any():
        i = tuple(int(v) for v in np.argwhere(specials)[0])
        result.ok = False
        result.problem = (f"{int(specials.sum())} special value(s) wrong (NaN, inf, "
                          f"signed zero); first at {i}: {got[i]!r}, expected {rounded[i]!r}")
    elif outside.any():
        assert result.worst is not None
        w = result.worst
        allowed_ulp = float(allowed[w.index] / spacing[w.index])
        result.ok = False
        result.problem = (
            f"{int(outside.sum())} value(s) beyond the accuracy limit ({limit.describe()}); "
            f"worst at {w.index}: {w.got!r}, expected {w.expected!r}, {w.ulp:.4g} ULP "
            f"(limit {allowed_ulp:.3g} ULP there)"
        )
    return result
