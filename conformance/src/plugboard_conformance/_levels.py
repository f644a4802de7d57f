"""Conformance levels: docs/opset.md's profiles, computed from a run's cases.

A backend is **core-conformant** when every operator outside the ``nn``
section passes for the dtypes it declares, **nn-conformant** when it is
core-conformant and the ``nn`` section passes too, and **autograd-conformant**
when it is core-conformant and every grad case passes: the gradients of every
differentiable operator of the opset, in float32 and float64 where it declares
them (the ``grad`` variant; core and nn count the other variants only).

An operator keeps the backend from a level when one of its cases, on any
device tested,

- failed, raised, is a known bug (``expected failure``), passed although
  listed as a known bug (``unexpected pass``: the expectations file is
  stale), or could not run because the backend has no device
  (``unavailable``);
- is ``unsupported`` without an entry of the backend's expectations file: a
  dtype the backend does not implement and has not declared a permanent
  limitation.

``pass`` and ``skipped`` (not applicable) are fine. An operator of the
profile that the suite has no case for also keeps the backend from the level:
it was not shown to work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ._model import CaseRecord, Level, Outcome, Variant
from ._opset_v1 import CORE_OPS, NN_OPS

__all__ = ["BLOCKING_OUTCOMES", "blocks_level", "compute_levels", "differentiable_ops"]

# Outcomes that keep an operator from conformance whatever the expectations file says.
BLOCKING_OUTCOMES: Final = frozenset({
    Outcome.FAIL.value,
    Outcome.ERROR.value,
    Outcome.EXPECTED_FAILURE.value,
    Outcome.UNEXPECTED_PASS.value,
    Outcome.UNAVAILABLE.value,
})


def blocks_level(case: CaseRecord) -> bool:
    """Whether ``case`` keeps its operator from conformance."""
    if case.outcome in BLOCKING_OUTCOMES:
        return True
    return case.outcome == Outcome.UNSUPPORTED.value and case.expectation is None


def compute_levels(cases: Iterable[CaseRecord]) -> dict[str, Level]:
    """The ``core``, ``nn`` and ``autograd`` levels that ``cases`` reach.

    Cases of operators outside the opset do not count.

    >>> from plugboard_conformance._model import CaseRecord
    >>> core = compute_levels([CaseRecord("pb::add", "float32", "functional", "pass")])["core"]
    >>> core.conformant, core.ops_tested, "pb::sub" in core.ops_not_in_suite
    (False, 1, True)
    """
    tested: set[str] = set()
    failing: set[str] = set()
    grad_tested: set[str] = set()
    grad_failing: set[str] = set()
    for case in cases:
        is_grad = case.variant == Variant.GRAD.value
        (grad_tested if is_grad else tested).add(case.op)
        if blocks_level(case):
            (grad_failing if is_grad else failing).add(case.op)
    core = _level(CORE_OPS, tested, failing)
    nn = _level(NN_OPS, tested, failing)
    nn.conformant = nn.conformant and core.conformant
    autograd = _level(differentiable_ops(), grad_tested, grad_failing)
    autograd.conformant = autograd.conformant and core.conformant
    return {"core": core, "nn": nn, "autograd": autograd}


def differentiable_ops() -> frozenset[str]:
    """The operators of the opset that have grad cases: those of the op database whose
    floating results are differentiable (``_gradients.differentiable``)."""
    from ._gradients import differentiable  # the op database: only when levels are computed
    from ._opdb import all_ops

    return _DIFFERENTIABLE.setdefault("ops", frozenset(
        info.name for info in all_ops()
        if info.name in CORE_OPS | NN_OPS and differentiable(info)))


_DIFFERENTIABLE: dict[str, frozenset[str]] = {}


def _level(profile: frozenset[str], tested: set[str], failing: set[str]) -> Level:
    ops_failing = sorted(profile & failing)
    ops_not_in_suite = sorted(profile - tested)
    return Level(
        conformant=not ops_failing and not ops_not_in_suite,
        ops_tested=len(profile & tested),
        ops_failing=ops_failing,
        ops_not_in_suite=ops_not_in_suite,
    )
