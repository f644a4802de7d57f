"""The pytest plugin: ``pytest --pyargs plugboard_conformance --backend NAME``.

It adds the options, parametrizes ``test_ops.py`` with every case of the op
database, gives the device-contract tests their device, applies the
backend's expectations file, and at the end writes the report (JSON,
Markdown, HTML) to ``--report-dir``. The suite runs under the fallback
policy ``error``: an operator a backend lacks is reported, never quietly run
elsewhere.
"""

from __future__ import annotations

import datetime
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import plugboard as pb

from . import __version__, _expectations
from ._cases import CaseRunner, CaseSpec, blame_composites
from ._model import (
    SCHEMA_VERSION,
    BackendIdentity,
    CaseRecord,
    ContractRecord,
    Environment,
    Outcome,
    Report,
    Variant,
)
from ._opdb import all_ops
from ._timeout import DEFAULT_TIMEOUT_S, time_limit

SESSION_KEY = pytest.StashKey["ConformanceSession"]()
CONTRACT_MODULE = "test_device_contract.py"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("plugboard-conformance", "plugboard conformance suite")
    group.addoption("--backend", metavar="NAME", help="the backend (device type) to test")
    group.addoption("--device", metavar="DEVICE",
                    help="the device to test, e.g. opencl:1 (default: index 0)")
    group.addoption("--report-dir", metavar="DIR",
                    help="write NAME.json, NAME.md and NAME.html here")
    group.addoption("--case-timeout", metavar="SECONDS", type=float, default=DEFAULT_TIMEOUT_S,
                    help="fail a case that runs longer (default %(default)s; 0: no limit)")


def pytest_configure(config: pytest.Config) -> None:
    backend = config.getoption("--backend")
    if backend:
        config.stash[SESSION_KEY] = ConformanceSession(config, backend)


def _session(config: pytest.Config) -> ConformanceSession:
    session = config.stash.get(SESSION_KEY, None)
    if session is None:
        raise pytest.UsageError(
            "the plugboard conformance suite needs --backend NAME "
            "(e.g. pytest --pyargs plugboard_conformance --backend cpu)"
        )
    return session


def all_cases() -> list[CaseSpec]:
    """Every case of the op database: each op on each of its dtypes, in each variant."""
    cases: list[CaseSpec] = []
    for info in all_ops():
        variants = [Variant.FUNCTIONAL]
        if info.inplace:
            variants.append(Variant.INPLACE)
        if info.out:
            variants.append(Variant.OUT)
        cases.extend(CaseSpec(info, dtype, v) for dtype in info.dtypes for v in variants)
        if info.errors is not None:
            cases.append(CaseSpec(info, None, Variant.ERRORS))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "op_case" in metafunc.fixturenames:
        cases = all_cases()
        metafunc.parametrize("op_case", cases, ids=[c.id for c in cases])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    suite = Path(__file__).parent
    if SESSION_KEY not in config.stash and any(suite in Path(i.path).parents for i in items):
        _session(config)  # one clear usage error rather than one per test


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> ConformanceSession:
    return _session(request.config)


@pytest.fixture(scope="session")
def pb_device_type(conformance: ConformanceSession) -> str:
    return conformance.device_type


@pytest.fixture(scope="session")
def pb_device(conformance: ConformanceSession) -> pb.Device:
    return conformance.require_device()


@pytest.fixture(scope="session")
def pb_devices(conformance: ConformanceSession) -> list[pb.Device]:
    conformance.require_device()
    return pb.devices(conformance.device_type)


def _report_dir(value: str) -> Path:
    """``--report-dir``, checked at configuration: a run must not end unable to write."""
    from ._render import report_directory  # with write_reports: not loaded by other runs

    try:
        return report_directory(value)
    except ValueError as error:
        raise pytest.UsageError(f"--report-dir: {error}") from None


class ConformanceSession:
    """State of one conformance run: the backend, its device, and the records."""

    def __init__(self, config: pytest.Config, backend: str):
        self.config = config
        self.device_type = backend
        self.device_option: str | None = config.getoption("--device")
        report_dir = config.getoption("--report-dir")
        self.report_dir = None if report_dir is None else _report_dir(report_dir)
        self.cases: list[CaseRecord] = []
        self.contract: list[ContractRecord] = []
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.clock = time.perf_counter()
        self.unavailable: str | None = None
        self.device: pb.Device | None = None
        self.runner: CaseRunner | None = None
        self.expectations: list[_expectations.Expectation] = []
        self.expectations_error: str | None = None
        self._policy: Any = None
        self._setup()

    def _setup(self) -> None:
        status = {b.device_type: b for b in pb.backends()}.get(self.device_type)
        if status is None:
            installed = ", ".join(b.device_type for b in pb.backends())
            raise pytest.UsageError(
                f"no backend {self.device_type!r} is installed (installed: {installed})"
            )
        self.status = status
        if not status.loaded:
            self.unavailable = f"the plugin failed to load: {status.error}"
            return
        if not status.available:
            self.unavailable = f"the backend is unavailable: {status.reason}"
            return
        self.device = pb.device(self.device_option or f"{self.device_type}:0")
        if self.device.type != self.device_type:
            raise pytest.UsageError(f"--device {self.device} is not a {self.device_type} device")
        self.runner = CaseRunner(self.device)
        path = pb.backend.conformance_expectations(self.device_type)
        if path is not None:
            try:
                self.expectations = _expectations.load(path)
            except _expectations.ExpectationsError as error:
                self.expectations_error = str(error)
        # Nothing may run elsewhere unnoticed: no fallback during the run.
        self._policy = pb.fallback_policy("error")
        self._policy.__enter__()

    def require_device(self) -> pb.Device:
        if self.device is None:
            pytest.skip(f"{Outcome.UNAVAILABLE.value}: {self.unavailable}")
        return self.device

    # Cases -----------------------------------------------------------------------------
    def run_case(self, spec: CaseSpec, item_name: str) -> CaseRecord:
        if self.runner is None:
            record = CaseRecord(spec.info.name, spec.dtype_name, spec.variant.value,
                                Outcome.UNAVAILABLE.value, message=self.unavailable or "")
        else:
            record = self.runner.run(spec)
            self._apply_expectation(record)
        record.reproduce = self.reproduce(item_name)
        self.cases.append(record)
        return record

    def _apply_expectation(self, record: CaseRecord) -> None:
        expectation = _expectations.find(self.expectations, record.op, record.dtype,
                                         record.variant)
        if expectation is None:
            return
        record.expectation = expectation.reason + (f" ({expectation.link})"
                                                   if expectation.link else "")
        if record.outcome == Outcome.PASS.value:
            record.outcome = Outcome.UNEXPECTED_PASS.value
            record.message = f"listed as {expectation.kind} but passed: update the expectations"
        elif expectation.kind == "unsupported":
            record.outcome = Outcome.UNSUPPORTED.value
        elif record.outcome in (Outcome.FAIL.value, Outcome.ERROR.value):
            record.outcome = Outcome.EXPECTED_FAILURE.value

    def reproduce(self, item_name: str) -> str:
        device = f" --device {self.device}" if self.device_option else ""
        return (f"pytest --pyargs plugboard_conformance --backend {self.device_type}{device} "
                f"-k '{item_name}'")

    # The report --------------------------------------------------------------------------
    def record_contract(self, report: pytest.TestReport) -> None:
        name = report.nodeid.split("::")[-1]
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            if report.passed:
                outcome, message = Outcome.PASS, ""
            elif report.skipped:
                reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
                reason = reason.removeprefix("Skipped: ")
                unavailable = reason.startswith(Outcome.UNAVAILABLE.value)
                outcome = Outcome.UNAVAILABLE if unavailable else Outcome.SKIPPED
                message = reason
            else:
                outcome = Outcome.FAIL if report.when == "call" else Outcome.ERROR
                message = _summary_line(report.longreprtext)
            self.contract.append(ContractRecord(
                name, outcome.value, message, report.duration, self.reproduce(name),
                traceback=report.longreprtext.strip() if outcome in (
                    Outcome.FAIL, Outcome.ERROR) else "",
            ))

    def finish(self, full_run: bool) -> Report:
        if self._policy is not None:
            self._policy.__exit__(None, None, None)
            self._policy = None
        self._expectations_record(full_run)
        from ._levels import compute_levels

        if self.runner is not None:
            blame_composites(self.cases, self.runner.called)

        summary: dict[str, int] = {}
        for outcome in [*(c.outcome for c in self.cases), *(c.outcome for c in self.contract)]:
            summary[outcome] = summary.get(outcome, 0) + 1
        return Report(
            schema_version=SCHEMA_VERSION,
            suite_version=__version__,
            opset_version=_opset_version(),
            plugboard_version=pb.__version__,
            backend=self._identity(),
            environment=self._environment(),
            started=self.started.isoformat(timespec="seconds"),
            duration_s=round(time.perf_counter() - self.clock, 3),
            summary=summary,
            levels=compute_levels(self.cases),
            contract=self.contract,
            cases=self.cases,
        )

    def _expectations_record(self, full_run: bool) -> None:
        if self.expectations_error is not None:
            self.contract.append(ContractRecord("expectations file", Outcome.ERROR.value,
                                                self.expectations_error))
            return
        unmatched = [e for e in self.expectations if e.matched == 0]
        if not self.expectations or not full_run:
            return
        if unmatched:
            listed = "; ".join(e.describe() for e in unmatched)
            self.contract.append(ContractRecord(
                "expectations file", Outcome.ERROR.value,
                f"entries that match no case (remove or fix them): {listed}"))
        else:
            self.contract.append(ContractRecord("expectations file", Outcome.PASS.value))

    def _identity(self) -> BackendIdentity:
        status = self.status
        emulation = ""
        if self.device is not None:
            emulation = str(pb.device_properties(self.device).extra.get("emulation", ""))
        return BackendIdentity(
            device_type=self.device_type,
            distribution=status.distribution,
            version=status.version,
            api_version=list(status.api_version or ()),
            device=str(self.device) if self.device else "",
            emulation=emulation,
        )

    def _environment(self) -> Environment:
        name = driver = ""
        if self.device is not None:
            props = pb.device_properties(self.device)
            name, driver = props.name, props.driver
        return Environment(
            device_name=name, driver=driver,
            os=f"{platform.system()} {platform.release()}",
            python=platform.python_version(), numpy=np.__version__,
            machine=platform.machine(),
        )


def _summary_line(text: str) -> str:
    """The line of a pytest failure that says what went wrong (the ``E`` lines' first)."""
    lines = text.strip().splitlines()
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    if errors:
        return errors[0]
    return lines[-1] if lines else ""


def _opset_version() -> str:
    return pb.library.OPSET_VERSION


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Every test of the suite runs under the case time limit (``--case-timeout``)."""
    if item.config.stash.get(SESSION_KEY, None) is None:
        return (yield)
    with time_limit(item.config.getoption("--case-timeout")):
        return (yield)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid.split("::")[0].endswith(CONTRACT_MODULE):
        session = _CURRENT.get("session")
        if session is not None:
            session.record_contract(report)


_CURRENT: dict[str, ConformanceSession] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    conformance = session.config.stash.get(SESSION_KEY, None)
    if conformance is not None:
        _CURRENT["session"] = conformance


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    conformance = session.config.stash.get(SESSION_KEY, None)
    _CURRENT.pop("session", None)
    if conformance is None:
        return
    deselected = bool(session.config.getoption("keyword") or session.config.getoption(
        "markexpr"))
    report = conformance.finish(full_run=not deselected)
    session.config.stash[REPORT_KEY] = report
    if conformance.report_dir is not None:
        from ._render import write_reports

        write_reports(report, conformance.report_dir)
    if report.failed and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


REPORT_KEY = pytest.StashKey[Report]()
