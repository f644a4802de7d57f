"""The correct backends pass repeatedly: the same run gives the same report, and other
sample inputs (``--seed``) pass too, so no case of the suite passes by luck."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import plugboard as pb
from plugboard._cli import main as cli
from plugboard_conformance._model import Outcome, Report


def _run(report_dir: Path, backend: str, *options: str) -> Report:
    """Run the suite through the command; the run must pass."""
    code = cli(["conformance", "--backend", backend, "--report-dir", str(report_dir),
                "--no-progress", *options])
    report = Report.from_json(json.loads((report_dir / f"{backend}.json").read_text()))
    problems = [f"{c.op} {c.dtype} {c.variant}: {c.message}" for c in report.cases
                if Outcome(c.outcome).is_problem]
    assert code == 0 and not problems, problems
    return report


def _available(backend: str) -> None:
    status = {b.device_type: b for b in pb.backends()}.get(backend)
    if status is None or not status.available:
        pytest.skip(f"the {backend} backend is not available here")


def _results(report: Report) -> list[dict[str, Any]]:
    """What a run found, without its timings."""
    return [{k: v for k, v in asdict(c).items() if k != "time_s"} for c in report.cases]


def test_the_same_run_gives_the_same_report(tmp_path: Path) -> None:
    first = _run(tmp_path / "first", "cpu", "--quick")
    second = _run(tmp_path / "second", "cpu", "--quick")
    assert _results(first) == _results(second)


@pytest.mark.parametrize("backend, seeds, options", [
    ("cpu", (1, 3), ()),
    # The OpenCL run takes longest: one other seed, one floating and one integer dtype.
    ("opencl", (1,), ("--quick",)),
])
def test_correct_backends_pass_with_other_sample_inputs(
    tmp_path: Path, backend: str, seeds: tuple[int, ...], options: tuple[str, ...]
) -> None:
    _available(backend)
    default = _run(tmp_path / "default", backend, *options)
    for seed in seeds:
        report = _run(tmp_path / f"seed{seed}", backend, "--seed", str(seed), *options)
        assert report.seed == seed
        # Other inputs, not other cases: the same cases ran, each on other values.
        assert [(c.op, c.dtype, c.variant) for c in report.cases] == [
            (c.op, c.dtype, c.variant) for c in default.cases]
        assert [c.max_abs_error for c in report.cases] != [
            c.max_abs_error for c in default.cases]
        assert all(f"--seed {seed}" in c.reproduce for c in report.cases)


def test_a_quick_run_claims_no_level(tmp_path: Path) -> None:
    report = _run(tmp_path, "cpu", "--quick")
    assert report.quick
    assert {c.dtype for c in report.cases} <= {"float32", "int32", "bool", "int64", "-"}
    assert not any(level.conformant for level in report.levels.values())
    markdown = (tmp_path / "cpu.md").read_text()
    assert "quick run" in markdown


@pytest.mark.parametrize("options, message", [
    (["--quick", "--check-docs", "docs"], "--check-docs compares full runs"),
    (["--seed", "2", "--check-docs", "docs"], "--check-docs compares full runs"),
    (["--seed", "-1"], "0 or above"),
    (["--seed", "one"], "0 or above"),
])
def test_quick_and_seed_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    try:
        code = cli(["conformance", "--backend", "cpu", "--report-dir", str(tmp_path),
                    *options])
    except SystemExit as exit:  # argparse refuses a --seed that is not a number >= 0
        code = exit.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "cpu.json").exists()
