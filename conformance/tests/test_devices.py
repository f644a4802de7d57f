"""Reports of several devices: the device of each record, old reports upgraded, regressions
matched by device, renders that name the device, and ``--device all`` on the command line."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from plugboard._cli import main
from plugboard_conformance._diff import diff_reports, format_regressions
from plugboard_conformance._levels import compute_levels
from plugboard_conformance._model import BackendIdentity, CaseRecord, ContractRecord, Report
from plugboard_conformance._render import render_html, render_markdown
from plugboard_conformance._schema import upgrade, validate

DEVICES = ["synth:0", "synth:1"]


def two_device_report(make_report: Any, add_on_1: str = "pass") -> Report:
    """A report of pb::add on two devices (``add_on_1``: its outcome on device 1), with a
    contract check per device and one of both devices together."""
    cases = [
        CaseRecord("pb::add", "float32", "functional", "pass", device="synth:0", path="native"),
        CaseRecord("pb::add", "float32", "functional", add_on_1, device="synth:1",
                   path="native", message="" if add_on_1 == "pass" else "values outside"),
    ]
    contract = [
        ContractRecord("test_synchronize", "pass", device="synth:0"),
        ContractRecord("test_synchronize", "pass", device="synth:1"),
        ContractRecord("test_device_strings", "pass"),
    ]
    report: Report = make_report(cases=cases, contract=contract)
    backend = replace(report.backend, devices=list(DEVICES))
    return replace(report, backend=backend, levels=compute_levels(cases))


def old_report_json(report: Report) -> dict[str, Any]:
    """``report`` as a 1.1 report: written before records had devices (or accuracy
    statistics)."""
    data = report.to_json()
    data["schema_version"] = "1.1"
    del data["backend"]["devices"]
    for key in ("cases", "contract"):
        for record in data[key]:
            del record["device"]
    for record in data["cases"]:
        for field in ("mean_ulp_error", "limit", "worst"):
            del record[field]
    return data


def test_an_old_report_is_read_as_one_of_its_device(report: Report) -> None:
    data = upgrade(old_report_json(report))
    validate(data)
    upgraded = Report.from_json(data)
    assert upgraded.backend.devices == ["synth:0"]
    assert {c.device for c in upgraded.cases} == {"synth:0"}
    assert {c.device for c in upgraded.contract} == {"synth:0"}
    assert diff_reports(upgraded, report) == []


def test_an_old_report_without_a_device_gets_none(report: Report) -> None:
    data = old_report_json(replace(report, backend=replace(report.backend, device="")))
    upgraded = upgrade(data)
    validate(upgraded)
    assert upgraded["backend"]["devices"] == []


def test_a_failure_on_one_device_keeps_the_level(make_report: Any) -> None:
    report = two_device_report(make_report, add_on_1="fail")
    assert "pb::add" in report.levels["core"].ops_failing
    assert report.failed


def test_regressions_are_matched_by_device(make_report: Any) -> None:
    old, new = two_device_report(make_report), two_device_report(make_report, "fail")
    regressions = diff_reports(old, new)
    assert [(r.op, r.device, r.new_outcome) for r in regressions] == [
        ("pb::add", "synth:1", "fail"),
    ]
    assert "pb::add [float32, functional] on synth:1: pass -> fail" in format_regressions(
        regressions)


def test_a_device_the_new_report_lacks_lost_support(make_report: Any) -> None:
    old = two_device_report(make_report)
    new = replace(
        old, backend=replace(old.backend, devices=["synth:0"]),
        cases=[c for c in old.cases if c.device == "synth:0"],
        contract=[c for c in old.contract if c.device != "synth:1"],
    )
    lost = {(r.op, r.device) for r in diff_reports(old, new) if r.kind == "lost support"}
    assert lost == {("pb::add", "synth:1"), ("test_synchronize", "synth:1")}


def test_an_old_single_device_report_matches_a_two_device_one(
    make_report: Any, report: Report
) -> None:
    new = two_device_report(make_report)
    old = Report.from_json(upgrade(old_report_json(replace(
        new, backend=replace(new.backend, devices=["synth:0"]),
        cases=new.cases[:1], contract=[new.contract[0], new.contract[2]],
    ))))
    assert diff_reports(old, new) == []


def test_single_device_reports_match_whatever_the_index(report: Report) -> None:
    elsewhere = replace(
        report,
        backend=replace(report.backend, device="synth:1", devices=["synth:1"]),
        cases=[replace(c, device="synth:1") for c in report.cases],
    )
    assert diff_reports(report, elsewhere) == []


def test_renders_name_the_device_of_each_record(make_report: Any) -> None:
    report = two_device_report(make_report, add_on_1="fail")
    markdown = render_markdown(report)
    assert "devices synth:0, synth:1" in " ".join(markdown.split())
    assert "| check | device | outcome | message |" in markdown
    assert "| `test_device_strings` | all | ✓ pass |" in markdown
    assert "- `pb::add` · float32 · functional on synth:1: **fail**" in markdown
    legend = "(functional, inplace, out, grad) on that dtype, over every device tested"
    assert legend in " ".join(markdown.split())
    page = render_html(report)
    assert "<th>device</th>" in page and "<td>synth:1</td>" in page


def test_a_single_device_report_renders_without_devices(report: Report) -> None:
    single = replace(report, backend=replace(report.backend, devices=["synth:0"]))
    markdown = render_markdown(single)
    assert "device synth:0" in " ".join(markdown.split()) and "devices" not in markdown
    assert " on synth:0" not in markdown
    assert "<th>device</th>" not in render_html(single)


def test_device_all_is_the_default_and_takes_any_backends(
    monkeypatch: pytest.MonkeyPatch, make_report: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[str, str | None]] = []

    def run_suite(backend: str, device: str | None, report_dir: Path, progress: bool = True,
                  seed: int = 0, quick: bool = False) -> tuple[int, Report]:
        calls.append((backend, device))
        report: Report = make_report(cases=[], contract=[], backend=backend)
        return 0, replace(report, backend=BackendIdentity(**{
            **report.to_json()["backend"], "devices": [f"{backend}:0"]}))

    module = types.ModuleType("plugboard_conformance._runner")
    module.run_suite = run_suite  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plugboard_conformance._runner", module)
    argv = ["conformance", "--report-dir", str(tmp_path), "--no-progress"]
    assert main([*argv, "--backend", "cpu"]) == 0
    assert main([*argv, "--backend", "cpu", "--device", "all"]) == 0
    assert main([*argv, "--backend", "cpu", "--device", "cpu:0"]) == 0
    assert calls == [("cpu", None), ("cpu", None), ("cpu", "cpu:0")]
    capsys.readouterr()


def test_an_old_report_has_no_autograd_level_and_says_it_was_not_computed(
        report: Report) -> None:
    data = old_report_json(report)
    data["levels"] = {k: v for k, v in data["levels"].items() if k != "autograd"}
    upgraded = upgrade(data)
    validate(upgraded)
    old = Report.from_json(upgraded)
    assert "autograd" not in old.levels
    assert "**autograd-conformant: not computed**" in render_markdown(old)
    assert "autograd-conformant: ?" in render_html(old)
    assert "**autograd-conformant: no**" in render_markdown(report)  # no grad case ran
