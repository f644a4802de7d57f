"""Regressions between two reports of the same backend: ``plugboard conformance diff OLD NEW``.

Cases are matched by operator, dtype, variant and device index (``opencl:1``
with ``opencl:1``, or with ``acme:1`` when two backends are compared);
contract checks by name and device index (a check of all devices together has
none, and one recorded before checks had devices finds it too). When each
report tested a single device, the two devices are matched whatever their
indices (the same check on another machine's device: ``opencl:0`` there,
``opencl:1`` here). Only what passed in the old report can regress:

- **new failure**: it now fails, raises or is listed as a known bug
  (``fail``, ``error``, ``expected failure``);
- **lost support**: it is now ``unsupported``, ``skipped`` or ``unavailable``,
  or the new report has no such case;
- **error growth**: it passes in both, but its largest error grew beyond
  :data:`ERROR_GROWTH_FACTOR` times the old one *and* by more than a minimum
  step (:data:`ERROR_GROWTH_MIN_ULP` for the ULP error,
  :data:`ERROR_GROWTH_MIN_ABS` for the absolute error), so that noise around
  zero is not a regression.

Contract checks regress only as new failures (or by disappearing, as lost
support); their ``variant`` is ``"contract"`` and their ``dtype`` ``"-"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ._model import CaseRecord, ContractRecord, Outcome, Report

__all__ = [
    "ERROR_GROWTH_FACTOR",
    "ERROR_GROWTH_MIN_ABS",
    "ERROR_GROWTH_MIN_ULP",
    "KINDS",
    "Regression",
    "diff_reports",
    "format_regressions",
]

NEW_FAILURE: Final = "new failure"
LOST_SUPPORT: Final = "lost support"
ERROR_GROWTH: Final = "error growth"
KINDS: Final = (NEW_FAILURE, LOST_SUPPORT, ERROR_GROWTH)

# An error grew when new > FACTOR * old and new - old > the minimum step.
ERROR_GROWTH_FACTOR: Final = 2.0
ERROR_GROWTH_MIN_ULP: Final = 1.0
ERROR_GROWTH_MIN_ABS: Final = 1e-12

CONTRACT_VARIANT: Final = "contract"
MISSING: Final = "missing"  # the new outcome of a case the new report lacks

_FAILED: Final = frozenset({
    Outcome.FAIL.value, Outcome.ERROR.value, Outcome.EXPECTED_FAILURE.value,
})
_LOST: Final = frozenset({
    Outcome.UNSUPPORTED.value, Outcome.SKIPPED.value, Outcome.UNAVAILABLE.value,
})


@dataclass(frozen=True)
class Regression:
    """One case or contract check that is worse in the new report."""

    kind: str  # one of KINDS
    op: str  # the operator, or the contract check's name
    dtype: str
    variant: str  # a Variant value, or "contract"
    old_outcome: str
    new_outcome: str  # an Outcome value, or "missing"
    detail: str
    device: str = ""  # the device, when a report tested several; "" otherwise


def diff_reports(old: Report, new: Report) -> list[Regression]:
    """What regressed from ``old`` to ``new``: contract checks first, then cases, sorted."""
    by_device = len(old.backend.devices) > 1 or len(new.backend.devices) > 1
    new_checks = {_check_key(c, by_device): c for c in new.contract}
    regressions: list[Regression] = []
    for check in old.contract:
        current = new_checks.get(_check_key(check, by_device), new_checks.get((check.name, "")))
        found = _outcome_regression(
            check.name, "-", CONTRACT_VARIANT, check.device if by_device else "", check.outcome,
            MISSING if current is None else current.outcome,
            "" if current is None else current.message,
        )
        if found is not None:
            regressions.append(found)
    new_cases = {_case_key(c, by_device): c for c in new.cases}
    case_regressions: list[Regression] = []
    for before in old.cases:
        after = new_cases.get(_case_key(before, by_device))
        outcome = MISSING if after is None else after.outcome
        message = "" if after is None else after.message
        found = _outcome_regression(
            before.op, before.dtype, before.variant, before.device if by_device else "",
            before.outcome, outcome, message,
        )
        if found is None and after is not None:
            found = _error_growth(before, after, by_device)
        if found is not None:
            case_regressions.append(found)
    case_regressions.sort(
        key=lambda r: (r.op, r.dtype, r.variant, r.device, KINDS.index(r.kind)))
    return regressions + case_regressions


def _device_index(device: str, by_device: bool) -> str:
    """The part of a record's key that names its device: its index ("1" of "opencl:1")."""
    return device.rpartition(":")[2] if by_device else ""


def _case_key(case: CaseRecord, by_device: bool) -> tuple[str, str, str, str]:
    return case.op, case.dtype, case.variant, _device_index(case.device, by_device)


def _check_key(check: ContractRecord, by_device: bool) -> tuple[str, str]:
    return check.name, _device_index(check.device, by_device)


def _outcome_regression(
    op: str, dtype: str, variant: str, device: str, old: str, new: str, message: str
) -> Regression | None:
    if old != Outcome.PASS.value:
        return None
    if new in _FAILED:
        return Regression(NEW_FAILURE, op, dtype, variant, old, new, message, device)
    if new in _LOST or new == MISSING:
        detail = message if new != MISSING else "not in the new report"
        return Regression(LOST_SUPPORT, op, dtype, variant, old, new, detail, device)
    return None


def _grew(old: float | None, new: float | None, min_step: float) -> bool:
    if old is None or new is None:
        return False
    return new > ERROR_GROWTH_FACTOR * old and new - old > min_step


def _error_growth(old: CaseRecord, new: CaseRecord, by_device: bool) -> Regression | None:
    if old.outcome != Outcome.PASS.value or new.outcome != Outcome.PASS.value:
        return None
    grown = []
    if _grew(old.max_ulp_error, new.max_ulp_error, ERROR_GROWTH_MIN_ULP):
        grown.append(f"max ULP error {old.max_ulp_error:.4g} -> {new.max_ulp_error:.4g}")
    if _grew(old.max_abs_error, new.max_abs_error, ERROR_GROWTH_MIN_ABS):
        grown.append(f"max abs error {old.max_abs_error:.4g} -> {new.max_abs_error:.4g}")
    if not grown:
        return None
    return Regression(
        ERROR_GROWTH, old.op, old.dtype, old.variant, old.outcome, new.outcome, "; ".join(grown),
        old.device if by_device else "",
    )


def format_regressions(regressions: list[Regression]) -> str:
    """``regressions`` as text, one line each (and the detail's first line after it).

    >>> format_regressions([])
    'No regressions.'
    """
    if not regressions:
        return "No regressions."
    count = len(regressions)
    lines = [f"{count} regression{'s' if count != 1 else ''}:"]
    for r in regressions:
        on = f" on {r.device}" if r.device else ""
        where = (
            f"contract check {r.op}{on}" if r.variant == CONTRACT_VARIANT
            else f"{r.op} [{r.dtype}, {r.variant}]{on}"
        )
        line = f"  {r.kind}: {where}: {r.old_outcome} -> {r.new_outcome}"
        detail = r.detail.strip().splitlines()[0] if r.detail.strip() else ""
        if detail:
            line += f" ({detail})"
        lines.append(line)
    return "\n".join(lines)
