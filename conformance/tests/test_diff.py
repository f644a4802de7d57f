"""Regressions between two reports, and ``plugboard conformance diff``."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from plugboard._cli import main
from plugboard_conformance._diff import (
    ERROR_GROWTH_FACTOR,
    ERROR_GROWTH_MIN_ABS,
    ERROR_GROWTH_MIN_ULP,
    Regression,
    diff_reports,
    format_regressions,
)
from plugboard_conformance._model import CaseRecord, ContractRecord, Report
from plugboard_conformance._render import write_reports

ADD = ("pb::add", "float32", "functional")


def with_case(report: Report, key: tuple[str, str, str], **changes: Any) -> Report:
    """A copy of ``report`` whose case ``key`` has ``changes`` (the case removed if None)."""
    cases: list[CaseRecord] = []
    for c in report.cases:
        if (c.op, c.dtype, c.variant) != key:
            cases.append(c)
        elif changes:
            cases.append(replace(c, **changes))
    return replace(report, cases=cases)


def test_identical_reports_have_no_regressions(report: Report, make_report: Any) -> None:
    assert diff_reports(report, make_report()) == []
    assert format_regressions([]) == "No regressions."


@pytest.mark.parametrize("outcome", ["fail", "error", "expected failure"])
def test_new_failure(report: Report, outcome: str) -> None:
    new = with_case(report, ADD, outcome=outcome, message="wrong values at [1]")
    assert diff_reports(report, new) == [
        Regression("new failure", *ADD, "pass", outcome, "wrong values at [1]"),
    ]


@pytest.mark.parametrize("outcome", ["unsupported", "skipped", "unavailable"])
def test_lost_support(report: Report, outcome: str) -> None:
    new = with_case(report, ADD, outcome=outcome, message="float32 is not declared")
    [regression] = diff_reports(report, new)
    assert regression.kind == "lost support"
    assert (regression.old_outcome, regression.new_outcome) == ("pass", outcome)


def test_a_case_missing_from_the_new_report_lost_support(report: Report) -> None:
    [regression] = diff_reports(report, with_case(report, ADD))
    assert regression == Regression(
        "lost support", *ADD, "pass", "missing", "not in the new report",
    )


def test_only_passing_cases_can_regress(report: Report) -> None:
    key = ("pb::add", "float16", "functional")  # fails in the old report
    assert diff_reports(report, with_case(report, key, outcome="error")) == []
    assert diff_reports(report, with_case(report, key)) == []


def test_new_cases_and_fixes_are_not_regressions(report: Report) -> None:
    key = ("pb::add", "float16", "functional")
    fixed = with_case(report, key, outcome="pass")
    extra = CaseRecord("pb::mul", "float32", "functional", "fail")
    assert diff_reports(report, replace(fixed, cases=[*fixed.cases, extra])) == []


@pytest.mark.parametrize(
    ("old", "new", "grew"),
    [
        ({"max_ulp_error": 0.5}, {"max_ulp_error": 3.0}, True),
        ({"max_ulp_error": 0.5}, {"max_ulp_error": 1.4}, False),  # more than 2x, not 1 ULP
        ({"max_ulp_error": 4.0}, {"max_ulp_error": 7.0}, False),  # 3 ULP, not 2x
        ({"max_ulp_error": 0.0}, {"max_ulp_error": 2.5}, True),
        ({"max_abs_error": 1e-7}, {"max_abs_error": 1e-6}, True),
        ({"max_abs_error": 0.0}, {"max_abs_error": 1e-13}, False),  # noise around zero
        ({"max_abs_error": 1e-7}, {"max_abs_error": 1.5e-7}, False),
        ({"max_abs_error": None}, {"max_abs_error": 1.0}, False),  # not measured before
    ],
)
def test_error_growth(
    report: Report, old: dict[str, Any], new: dict[str, Any], grew: bool
) -> None:
    unmeasured = {"max_abs_error": None, "max_ulp_error": None}
    before = with_case(report, ADD, **{**unmeasured, **old})
    after = with_case(report, ADD, **{**unmeasured, **new})
    regressions = diff_reports(before, after)
    if grew:
        [regression] = regressions
        assert regression.kind == "error growth"
        assert (regression.old_outcome, regression.new_outcome) == ("pass", "pass")
        assert "->" in regression.detail
    else:
        assert regressions == []


def test_error_growth_rule_is_documented_constants() -> None:
    assert (ERROR_GROWTH_FACTOR, ERROR_GROWTH_MIN_ULP, ERROR_GROWTH_MIN_ABS) == (2.0, 1.0, 1e-12)


def test_contract_check_that_now_fails(report: Report) -> None:
    contract = [replace(c, outcome="error", message="boom") if c.name == "allocation" else c
                for c in report.contract]
    [regression] = diff_reports(report, replace(report, contract=contract))
    assert regression == Regression(
        "new failure", "allocation", "-", "contract", "pass", "error", "boom",
    )


def test_regressions_are_sorted_contract_first(report: Report) -> None:
    new = with_case(report, ADD, outcome="fail")
    new = with_case(new, ("pb::softmax", "float32", "functional"))
    new = replace(new, contract=[ContractRecord("copy to host", "fail")])
    regressions = diff_reports(report, new)
    assert [(r.kind, r.op) for r in regressions] == [
        ("lost support", "allocation"),
        ("new failure", "pb::add"),
        ("lost support", "pb::softmax"),
    ]
    text = format_regressions(regressions)
    assert text.splitlines() == [
        "3 regressions:",
        "  lost support: contract check allocation: pass -> missing (not in the new report)",
        "  new failure: pb::add [float32, functional]: pass -> fail",
        "  lost support: pb::softmax [float32, functional]: pass -> missing "
        "(not in the new report)",
    ]


# plugboard conformance diff -----------------------------------------------------------


def write(report: Report, directory: Path) -> str:
    return str(write_reports(report, directory)["json"])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["conformance", "diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_diff_without_regressions(
    report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(report, tmp_path / "old")
    code, out, _ = run(capsys, old, write(report, tmp_path / "new"))
    assert code == 0
    assert "No regressions." in out


def test_cli_diff_with_regressions(
    report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(report, tmp_path / "old")
    new = write(with_case(report, ADD, outcome="fail", message="off by one"), tmp_path / "new")
    code, out, _ = run(capsys, old, new)
    assert code == 1
    assert "new failure: pb::add [float32, functional]: pass -> fail (off by one)" in out


def test_cli_diff_json(
    report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(report, tmp_path / "old")
    new = write(with_case(report, ADD), tmp_path / "new")
    code, out, _ = run(capsys, "--json", old, new)
    assert code == 1
    [regression] = json.loads(out)["regressions"]
    assert regression["kind"] == "lost support"
    assert regression["op"] == "pb::add"


def test_cli_diff_notes_different_backends(
    report: Report, make_report: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(report, tmp_path / "old")
    new = write(make_report(backend="other"), tmp_path / "new")
    code, _, err = run(capsys, old, new)
    assert code == 0
    assert "different backends (synth, other)" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "cannot read"),
        ("[1, 2]", "not a JSON object"),
        ('{"schema_version": "1.0"}', "is a required property"),
    ],
)
def test_cli_diff_unreadable_reports(
    report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    content: str | None, message: str,
) -> None:
    good = write(report, tmp_path)
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, good, str(bad))
    assert code == 2
    assert message in err
    assert "bad.json" in err
    code, _, _ = run(capsys, str(bad), good)
    assert code == 2


def test_cli_diff_invalid_report_names_the_problem(
    report: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report.to_json()
    data["cases"][5]["outcome"] = "meh"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, str(bad), write(report, tmp_path))
    assert code == 2
    assert "$.cases[5].outcome" in err
