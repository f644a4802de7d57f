"""The report's data model: outcomes, one record per case, and the report itself.

A *case* is one operator on one dtype in one variant (``functional``,
``inplace``, ``out``, ``errors`` or ``grad``) on one device. Its record says what
happened, which kernel ran, how large the error was and on which input. The JSON form
is described by ``schema/report-v1.2.json``; ``Report.to_json`` and
``Report.from_json`` are its only writer and reader.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

SCHEMA_VERSION = "1.2"


class Outcome(str, Enum):
    """What happened to one case. The order is the order reports list them in."""

    PASS = "pass"
    FAIL = "fail"  # wrong values, dtype, shape or device; a mutated input; ran elsewhere
    ERROR = "error"  # an unexpected exception
    UNSUPPORTED = "unsupported"  # declared unsupported (kernel dtypes or the expectations file)
    EXPECTED_FAILURE = "expected failure"  # a known bug listed in the expectations file
    UNEXPECTED_PASS = "unexpected pass"  # listed as a known bug, but passed
    SKIPPED = "skipped"  # not applicable here, with the reason
    UNAVAILABLE = "unavailable"  # the backend is installed but has no device

    @property
    def is_problem(self) -> bool:
        """Outcomes that make a conformance run fail."""
        return self in (Outcome.FAIL, Outcome.ERROR, Outcome.UNEXPECTED_PASS)


class Variant(str, Enum):
    FUNCTIONAL = "functional"  # pb.op(x, ...)
    INPLACE = "inplace"  # x.op_(...)
    OUT = "out"  # pb.op(x, ..., out=y)
    ERRORS = "errors"  # bad inputs that must raise a clear error
    GRAD = "grad"  # gradients on the device against finite differences of the reference


@dataclass
class WorstInput:
    """Where a case's largest error was: the sample, the element and its values."""

    sample: str  # the sample's name, as worst_input
    index: list[int]  # the element of the result (of output ``output`` for several)
    got: float
    expected: float  # the reference rounded to the result dtype
    ulp_error: float
    # Element-wise operators: the input values at that index (tensors broadcast, numbers
    # as given), in argument order; None for other operators.
    inputs: list[float] | None = None
    output: int = 0  # which result, for operators with several


@dataclass
class CaseRecord:
    """One operator, dtype and variant on one device of a backend."""

    op: str  # "pb::add"
    dtype: str  # "float32"; "-" for dtype-independent cases
    variant: str  # a Variant value
    outcome: str  # an Outcome value
    device: str = ""  # the device it ran on, "opencl:1"; empty when no device was available
    path: str | None = None  # how it ran: "native", "composite", "fallback" (None: did not run)
    message: str = ""  # why, for anything but a plain pass
    samples: int = 0  # sample inputs checked
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    max_ulp_error: float | None = None
    worst_input: str | None = None  # the sample that produced the largest error
    mean_ulp_error: float | None = None  # over every finite element compared
    limit: str = ""  # the accuracy limit applied to floating results ("3 ULP", ...)
    worst: WorstInput | None = None  # the element with the largest ULP error
    declared: bool | None = None  # whether the backend declares this dtype for the op
    expectation: str | None = None  # the expectations file's reason, when an entry applies
    time_s: float = 0.0
    reproduce: str = ""  # a one-line command that runs this case alone
    traceback: str = ""  # the full traceback of an error (the kernel's frames included)


@dataclass
class ContractRecord:
    """One device-contract check (allocation, copies, devices, ...)."""

    name: str
    outcome: str
    message: str = ""
    time_s: float = 0.0
    reproduce: str = ""
    traceback: str = ""  # the full failure text of a failed or broken check
    device: str = ""  # the device it checked; empty for checks of all devices together


@dataclass
class BackendIdentity:
    device_type: str
    distribution: str
    version: str
    api_version: list[int]
    device: str  # the (first) device the suite ran on, e.g. "opencl:0"
    emulation: str = ""  # non-empty when the device is emulated, saying how
    devices: list[str] = field(default_factory=list)  # every device tested, in index order


@dataclass
class Environment:
    device_name: str
    driver: str
    os: str
    python: str
    numpy: str
    machine: str


@dataclass
class Level:
    """A conformance level (docs/opset.md's profiles), computed from the cases."""

    conformant: bool
    ops_tested: int
    ops_failing: list[str] = field(default_factory=list)
    ops_not_in_suite: list[str] = field(default_factory=list)


@dataclass
class Report:
    schema_version: str
    suite_version: str
    opset_version: str
    plugboard_version: str
    backend: BackendIdentity
    environment: Environment
    started: str  # ISO 8601, UTC
    duration_s: float
    summary: dict[str, int]  # outcome -> number of cases (contract checks included)
    levels: dict[str, Level]  # "core", "nn", "autograd" (absent in upgraded 1.1 reports)
    contract: list[ContractRecord]
    cases: list[CaseRecord]
    seed: int = 0  # --seed: 0 unless the run drew other sample inputs
    quick: bool = False  # --quick: one floating and one integer dtype per operator

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            schema_version=data["schema_version"],
            suite_version=data["suite_version"],
            opset_version=data["opset_version"],
            plugboard_version=data["plugboard_version"],
            backend=BackendIdentity(**data["backend"]),
            environment=Environment(**data["environment"]),
            started=data["started"],
            duration_s=data["duration_s"],
            summary=dict(data["summary"]),
            levels={name: Level(**level) for name, level in data["levels"].items()},
            contract=[ContractRecord(**c) for c in data["contract"]],
            cases=[_case(c) for c in data["cases"]],
            seed=data["seed"],
            quick=data["quick"],
        )

    @property
    def failed(self) -> bool:
        """Whether any case or contract check has a problem outcome."""
        problems = {o.value for o in Outcome if o.is_problem}
        return any(c.outcome in problems for c in self.cases) or any(
            c.outcome in problems for c in self.contract
        )


def _case(data: dict[str, Any]) -> CaseRecord:
    worst = data.get("worst")
    fields = {**data, "worst": WorstInput(**worst) if worst is not None else None}
    return CaseRecord(**fields)
