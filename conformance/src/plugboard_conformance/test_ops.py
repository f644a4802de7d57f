"""Every operator of the op database, on every dtype, in every variant, on every device.

Collected by ``pytest --pyargs plugboard_conformance --backend NAME``; the
plugin parametrizes ``op_case`` (and ``case_device``, when it tests several
devices) and records each case for the report.
"""

from __future__ import annotations

import pytest

import plugboard as pb

from ._cases import CaseSpec
from ._model import Outcome
from .plugin import ConformanceSession


def test_op(op_case: CaseSpec, case_device: pb.Device | None, conformance: ConformanceSession,
            request: pytest.FixtureRequest) -> None:
    record = conformance.run_case(op_case, case_device, request.node.name)
    outcome = Outcome(record.outcome)
    if outcome is Outcome.PASS:
        return
    if outcome in (Outcome.UNSUPPORTED, Outcome.SKIPPED, Outcome.UNAVAILABLE):
        pytest.skip(f"{outcome.value}: {record.expectation or record.message}")
    if outcome is Outcome.EXPECTED_FAILURE:
        pytest.xfail(f"{record.expectation}: {record.message}")
    pytest.fail(f"{outcome.value} [{record.path or 'did not run'}]: {record.message}",
                pytrace=False)
