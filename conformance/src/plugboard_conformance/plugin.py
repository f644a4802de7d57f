"""The pytest plugin: ``pytest --pyargs plugboard_conformance --backend NAME``.

It adds the options, parametrizes ``test_ops.py`` with every case of the op
database, gives the device-contract tests their device, applies the
backend's expectations file, and at the end writes the report (JSON,
Markdown, HTML) to ``--report-dir``. The suite runs under the fallback
policy ``error``: an operator a backend lacks is reported, never quietly run
elsewhere.

``--device all`` (the default) tests every device of the backend: each op case
and each device-contract check that takes ``pb_device`` runs once per device.
Only when more than one device is tested does a test's id gain the device
(``test_op[add.float32.functional-opencl:1]``), so single-device runs keep
their ids, ``reproduce`` commands and Markdown reports. ``--device opencl:1``
tests that device alone.
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
from ._gradients import differentiable
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
ALL_DEVICES = "all"  # --device: every device of the backend


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("plugboard-conformance", "plugboard conformance suite")
    group.addoption("--backend", metavar="NAME", help="the backend (device type) to test")
    group.addoption("--device", metavar="DEVICE", default=ALL_DEVICES,
                    help="the devices to test: all (every device of the backend, the "
                    "default) or one, e.g. opencl:1")
    group.addoption("--report-dir", metavar="DIR",
                    help="write NAME.json, NAME.md and NAME.html here")
    group.addoption("--seed", metavar="N", type=int, default=0,
                    help="draw other sample inputs (default 0: the inputs every run draws)")
    group.addoption("--quick", action="store_true",
                    help="one floating and one integer dtype per operator, for development "
                    "(claims no conformance level)")
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


# --quick: these dtypes, where an operator has them (else its first one).
QUICK_DTYPES = (pb.float32, pb.int32)
# The grad variant's dtypes, where an operator declares them.
GRAD_DTYPES = (pb.float32, pb.float64)


def all_cases(quick: bool = False) -> list[CaseSpec]:
    """Every case of the op database: each op on each of its dtypes, in each variant
    (with ``quick``, on ``QUICK_DTYPES`` only), and the grad variant of every
    differentiable op in ``GRAD_DTYPES``."""
    cases: list[CaseSpec] = []
    for info in all_ops():
        variants = [Variant.FUNCTIONAL]
        if info.inplace:
            variants.append(Variant.INPLACE)
        if info.out:
            variants.append(Variant.OUT)
        dtypes = info.dtypes
        if quick:
            dtypes = tuple(d for d in info.dtypes if d in QUICK_DTYPES) or info.dtypes[:1]
        cases.extend(CaseSpec(info, dtype, v) for dtype in dtypes for v in variants)
        if differentiable(info):  # gradients in the floating dtypes autograd is checked in
            cases.extend(CaseSpec(info, dtype, Variant.GRAD) for dtype in dtypes
                         if dtype in GRAD_DTYPES)
        if info.errors is not None:
            cases.append(CaseSpec(info, None, Variant.ERRORS))
    return cases


# Last, after pytest's own parametrize marks: the device is the last part of an id.
@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "op_case" in metafunc.fixturenames:
        cases = all_cases(quick=bool(metafunc.config.getoption("--quick")))
        metafunc.parametrize("op_case", cases, ids=[c.id for c in cases])
    session = metafunc.config.stash.get(SESSION_KEY, None)
    if session is None or len(session.devices) < 2:
        return  # one device (or none): the fixtures give it, and ids stay as they are
    for name in DEVICE_FIXTURES:
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, session.devices, ids=[str(d) for d in session.devices])
            break


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    suite = Path(__file__).parent
    if SESSION_KEY not in config.stash and any(suite in Path(i.path).parents for i in items):
        _session(config)  # one clear usage error rather than one per test
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.note_contract_items(items)


@pytest.fixture(scope="session")
def conformance(request: pytest.FixtureRequest) -> ConformanceSession:
    return _session(request.config)


@pytest.fixture(scope="session")
def pb_device_type(conformance: ConformanceSession) -> str:
    return conformance.device_type


@pytest.fixture(scope="session")
def pb_device(conformance: ConformanceSession) -> pb.Device:
    """The device under test (parametrized with each device when several are tested)."""
    return conformance.require_device()


@pytest.fixture(scope="session")
def case_device(conformance: ConformanceSession) -> pb.Device | None:
    """The device ``test_op`` runs its case on, like ``pb_device``; None when there is none
    (the case is then recorded as unavailable rather than skipped)."""
    return conformance.device


# The fixtures that name the device a test runs on: parametrized when several are tested.
DEVICE_FIXTURES = ("case_device", "pb_device")


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
    """State of one conformance run: the backend, its devices, and the records."""

    def __init__(self, config: pytest.Config, backend: str):
        self.config = config
        self.device_type = backend
        self.device_option: str = config.getoption("--device") or ALL_DEVICES
        self.seed: int = config.getoption("--seed")
        if self.seed < 0:
            raise pytest.UsageError(f"--seed takes a number 0 or above, not {self.seed}")
        self.quick: bool = config.getoption("--quick")
        report_dir = config.getoption("--report-dir")
        self.report_dir = None if report_dir is None else _report_dir(report_dir)
        self.cases: list[CaseRecord] = []
        self.contract: list[ContractRecord] = []
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.clock = time.perf_counter()
        self.unavailable: str | None = None
        self.devices: list[pb.Device] = []  # the devices under test, in index order
        self.device: pb.Device | None = None  # the first of them
        self.runners: dict[str, CaseRunner] = {}  # by device string
        # The device each contract check's test item runs on, by node id ("": every device).
        self.contract_devices: dict[str, str] = {}
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
        if self.device_option == ALL_DEVICES:
            self.devices = pb.devices(self.device_type)
            if not self.devices:
                self.unavailable = "the backend is available but reports no device"
                return
        else:
            device = pb.device(self.device_option)
            if device.type != self.device_type:
                raise pytest.UsageError(f"--device {device} is not a {self.device_type} device")
            self.devices = [device]
        self.device = self.devices[0]
        self.runners = {str(d): CaseRunner(d, self.seed) for d in self.devices}
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
    def run_case(self, spec: CaseSpec, device: pb.Device | None, item_name: str) -> CaseRecord:
        """Run ``spec`` on ``device`` (None: no device is available) and record it."""
        if device is None:
            record = CaseRecord(spec.info.name, spec.dtype_name, spec.variant.value,
                                Outcome.UNAVAILABLE.value, message=self.unavailable or "")
        else:
            record = self.runners[str(device)].run(spec)
            record.device = str(device)
            self._apply_expectation(record)
        record.reproduce = self.reproduce(item_name, device)
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

    def reproduce(self, item_name: str, device: pb.Device | str | None) -> str:
        """The command that runs this test alone, on ``device`` (None: on every device)."""
        option = ""
        if device and (self.device_option != ALL_DEVICES or len(self.devices) > 1):
            option = f" --device {device}"
        if self.seed:
            option += f" --seed {self.seed}"
        name = _single_device_name(item_name, str(device)) if device else item_name
        return (f"pytest --pyargs plugboard_conformance --backend {self.device_type}{option} "
                f"-k '{name}'")

    def note_contract_items(self, items: list[pytest.Item]) -> None:
        """Remember the device each device-contract check runs on ("" for all devices)."""
        for item in items:
            if not item.nodeid.split("::")[0].endswith(CONTRACT_MODULE):
                continue
            params = getattr(item, "callspec", None)
            device = params.params.get("pb_device") if params is not None else None
            if device is None and "pb_device" in getattr(item, "fixturenames", ()):
                device = self.device
            self.contract_devices[item.nodeid] = str(device) if device is not None else ""

    # The report --------------------------------------------------------------------------
    def record_contract(self, report: pytest.TestReport) -> None:
        device = self.contract_devices.get(report.nodeid, "")
        item_name = report.nodeid.split("::")[-1]
        name = _single_device_name(item_name, device) if device else item_name
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
                name, outcome.value, message, report.duration,
                self.reproduce(item_name, device or None),
                traceback=report.longreprtext.strip() if outcome in (
                    Outcome.FAIL, Outcome.ERROR) else "",
                device=device,
            ))

    def finish(self, full_run: bool) -> Report:
        if self._policy is not None:
            self._policy.__exit__(None, None, None)
            self._policy = None
        self._expectations_record(full_run)
        from ._levels import compute_levels

        for device, runner in self.runners.items():  # blame within each device's cases
            blame_composites([c for c in self.cases if c.device == device], runner.called)

        levels = compute_levels(self.cases)
        if self.quick:  # most dtypes were not run: no level is shown
            for level in levels.values():
                level.conformant = False
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
            levels=levels,
            contract=self.contract,
            cases=self.cases,
            seed=self.seed,
            quick=self.quick,
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
            devices=[str(d) for d in self.devices],
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


def _single_device_name(item_name: str, device: str) -> str:
    """``item_name`` without the device part its id gains when several devices are tested.

    >>> _single_device_name("test_op[add.float32.functional-opencl:1]", "opencl:1")
    'test_op[add.float32.functional]'
    >>> _single_device_name("test_synchronize[opencl:1]", "opencl:1")
    'test_synchronize'
    >>> _single_device_name("test_synchronize", "opencl:0")
    'test_synchronize'
    """
    for suffix, replacement in ((f"-{device}]", "]"), (f"[{device}]", "")):
        if item_name.endswith(suffix):
            return item_name[: -len(suffix)] + replacement
    return item_name


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
