"""Synthetic conformance reports (a handful of operators, dtypes and every outcome), and
runs of the suite on faulty test backends."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from plugboard.testing import PluginInstaller, installed_plugins
from plugboard_conformance._levels import compute_levels
from plugboard_conformance._model import (
    SCHEMA_VERSION,
    BackendIdentity,
    CaseRecord,
    ContractRecord,
    Environment,
    Report,
    WorstInput,
)

ReportFactory = Callable[..., Report]

# A message that would break out of a <script> element if embedded carelessly.
HOSTILE = "RuntimeError: kernel crashed </script><script>alert('x')</script> & <b>|pipes|</b>"


def reproduce(op: str, dtype: str, variant: str) -> str:
    name = op.partition("::")[2]
    return (
        "pytest --pyargs plugboard_conformance --backend synth "
        f"-k 'test_op and {name} and {dtype} and {variant}'"
    )


def case(op: str, dtype: str, variant: str, outcome: str, **fields: Any) -> CaseRecord:
    fields.setdefault("reproduce", reproduce(op, dtype, variant))
    fields.setdefault("time_s", 0.0125)
    return CaseRecord(op, dtype, variant, outcome, **fields)


def synthetic_cases() -> list[CaseRecord]:
    """Cases covering every outcome, path and variant (deliberately not sorted)."""
    return [
        case("pb::add", "float32", "functional", "pass", path="native", samples=12,
             max_abs_error=1.2e-7, max_rel_error=3e-8, max_ulp_error=0.5,
             worst_input="x=tensor([1e30, -1.5]), y=tensor([3.0, 2.0])", declared=True,
             mean_ulp_error=0.0125, limit="0 ULP",
             worst=WorstInput("x=tensor([1e30, -1.5]), y=tensor([3.0, 2.0])", [1],
                              1.5000001, 1.5, 0.5, [-1.5, 3.0])),
        case("pb::add", "float32", "inplace", "pass", path="native", samples=12,
             max_abs_error=1.2e-7, max_ulp_error=0.5, declared=True),
        case("pb::add", "float32", "out", "pass", path="native", samples=12, declared=True),
        case("pb::add", "float16", "functional", "fail", path="native", samples=12,
             max_abs_error=0.5, max_rel_error=0.01, max_ulp_error=512.0,
             worst_input="x=tensor([65504.0])", declared=True,
             message="max abs error 0.5 exceeds atol 0.001 at index [3]"),
        case("pb::add", "float16", "inplace", "pass", path="native", declared=True),
        case("pb::add", "int8", "functional", "unsupported", declared=False,
             expectation="int8 arithmetic is not implemented by the device",
             message="int8 is not among the kernel's dtypes"),
        case("pb::add", "-", "errors", "pass"),
        case("pb::sum", "float32", "functional", "pass", path="composite", samples=8,
             max_abs_error=2e-6, max_ulp_error=3.0, declared=True),
        case("pb::sum", "bfloat16", "functional", "error", path="native", message=HOSTILE,
             declared=True),
        case("pb::sum", "bool", "functional", "unsupported", declared=False,
             message="bool is not among the kernel's dtypes"),
        case("pb::sin", "float32", "functional", "expected failure", path="native",
             expectation="known bug: sin loses precision above 1e4", message="max ULP 40"),
        case("pb::sin", "float64", "functional", "unexpected pass", path="fallback",
             expectation="known bug: float64 sin is wrong"),
        case("pb::relu", "float32", "functional", "skipped", message="not applicable"),
        case("pb::relu", "float32", "inplace", "pass", path="composite"),
        case("pb::softmax", "float32", "functional", "pass", path="composite", samples=4,
             max_abs_error=1e-7, max_ulp_error=1.0),
        case("pb::softmax", "-", "errors", "fail",
             message="pb.softmax(x, dim=5) raised no error"),
        case("pb::exp", "float32", "functional", "unavailable", message="no synth device"),
        case("pb::matmul", "int8", "functional", "pass", path="fallback"),
    ]


def synthetic_contract() -> list[ContractRecord]:
    return [
        ContractRecord("allocation", "pass", time_s=0.002,
                       reproduce="pytest --pyargs plugboard_conformance -k allocation"),
        ContractRecord("copy to host", "fail", message="copy_ to host returned stale data",
                       time_s=0.004,
                       reproduce="pytest --pyargs plugboard_conformance -k copy_to_host"),
        ContractRecord("streams", "skipped", message="the device has no streams"),
    ]


def build_report(
    cases: list[CaseRecord] | None = None,
    contract: list[ContractRecord] | None = None,
    backend: str = "synth",
    **changes: Any,
) -> Report:
    """A valid report of the synthetic backend; ``changes`` replace top-level fields."""
    cases = synthetic_cases() if cases is None else cases
    contract = synthetic_contract() if contract is None else contract
    summary = Counter(c.outcome for c in cases) + Counter(c.outcome for c in contract)
    report = Report(
        schema_version=SCHEMA_VERSION,
        suite_version="0.1.0",
        opset_version="1",
        plugboard_version="0.1.0",
        backend=BackendIdentity(
            device_type=backend, distribution=f"plugboard-{backend}", version="0.3.1",
            api_version=[1, 0], device=f"{backend}:0", emulation="",
        ),
        environment=Environment(
            device_name="Synthetic Device 9000", driver="synthdriver 1.2.3",
            os="Linux-6.1.0-x86_64-with-glibc2.36", python="3.11.7", numpy="2.1.0",
            machine="x86_64",
        ),
        started="2024-05-01T12:00:00Z",
        duration_s=12.5,
        summary=dict(summary),
        levels=compute_levels(cases),
        contract=contract,
        cases=cases,
    )
    return replace(report, **changes)


@pytest.fixture
def make_report() -> ReportFactory:
    """``make_report(cases=None, contract=None, backend="synth", **field_changes)``."""
    return build_report


@pytest.fixture
def report() -> Report:
    return build_report()


# Faulty backends -------------------------------------------------------------------


class SuiteRun(dict[str, Any]):
    """A JSON report of a suite run, with its cases by operator and dtype."""

    def cases(self, op: str, dtype: str) -> dict[str, dict[str, Any]]:
        """The records of ``op`` in ``dtype``, by variant."""
        return {c["variant"]: c for c in self["cases"] if c["op"] == op and c["dtype"] == dtype}


class FaultySuite:
    """Runs the suite's tests on an installed test backend ("faulty" by default).

    Test backends have two devices; a defect of one kernel shows on both, so runs test
    the first device only unless told otherwise.
    """

    def __init__(self, report_dir: Path):
        self.report_dir = report_dir

    def run(self, keyword: str, backend: str = "faulty", device: str | None = None
            ) -> SuiteRun:
        """The report of the suite's tests matching ``keyword`` (pytest's ``-k``)."""
        pytest.main([
            "--pyargs", "plugboard_conformance", "--backend", backend,
            "--device", device or f"{backend}:0", "--report-dir",
            str(self.report_dir), "-k", keyword, "-q", "-p", "no:cacheprovider",
            "-p", "no:doctest", "-p", "no:randomly", "-o", "addopts=",
            "-o", "python_files=test_*.py",
        ])
        return self.load(self.report_dir / f"{backend}.json")

    @staticmethod
    def load(path: Path) -> SuiteRun:
        return SuiteRun(json.loads(path.read_text()))


@pytest.fixture
def plugins(tmp_path: Path) -> Iterator[PluginInstaller]:
    """Installs test backends for the test's duration."""
    with installed_plugins(tmp_path / "site") as installer:
        yield installer


@pytest.fixture
def faulty_suite(tmp_path: Path) -> FaultySuite:
    return FaultySuite(tmp_path)
