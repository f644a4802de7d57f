"""``plugboard conformance``: backend selection, summary lines, exit codes, --check-docs.

The suite itself is replaced by a stand-in runner that writes a synthetic report.
"""

from __future__ import annotations

import json
import shutil
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

import plugboard as pb
from plugboard._cli import main
from plugboard._plugins.registry import BackendStatus
from plugboard.testing import host_backend_source, installed_plugins
from plugboard_conformance._model import Report
from plugboard_conformance._render import ENVIRONMENT_START, write_reports


@dataclass
class FakeRunner:
    """Stands in for ``_runner.run_suite``: writes ``make(backend)``'s report, returns ``code``."""

    make: Callable[[str], Report | None]
    code: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    crash_on: str | None = None

    def run_suite(
        self, backend: str, device: str | None, report_dir: Path, progress: bool = True,
        seed: int = 0, quick: bool = False,
    ) -> tuple[int, Report | None]:
        self.calls.append(
            {"backend": backend, "device": device, "report_dir": report_dir, "progress": progress}
            | ({"seed": seed} if seed else {}) | ({"quick": quick} if quick else {})
        )
        if backend == self.crash_on:
            raise RuntimeError("the suite fell over")
        report = self.make(backend)
        if report is not None:
            write_reports(report, report_dir)
        return self.code, report


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, make_report: Any) -> FakeRunner:
    """A passing run for any backend, installed in place of the real runner."""
    fake = FakeRunner(lambda backend: make_report(cases=[], contract=[], backend=backend))
    module = types.ModuleType("plugboard_conformance._runner")
    module.run_suite = fake.run_suite  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plugboard_conformance._runner", module)
    return fake


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Pretend cpu (available) and opencl (no device) are installed."""

    def status(name: str, available: bool) -> BackendStatus:
        return BackendStatus(
            device_type=name, distribution=f"plugboard-{name}", version="0.1.0",
            api_version=(1, 0), loaded=True, available=available,
            reason="" if available else "no OpenCL platform", device_count=int(available),
        )

    statuses = [status("cpu", True), status("opencl", False)]
    monkeypatch.setattr(pb, "backends", lambda: statuses)
    return [s.device_type for s in statuses]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["conformance", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_command_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for option in ("--backend", "--all", "--device", "--report-dir", "--check-docs",
                   "--no-progress", "diff"):
        assert option in out


def test_one_backend(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports = tmp_path / "reports"
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(reports))
    assert code == 0
    assert runner.calls == [
        {"backend": "cpu", "device": None, "report_dir": reports, "progress": True},
    ]
    line = next(line for line in out.splitlines() if line.startswith("cpu:"))
    assert "core-conformant: no" in line and "nn-conformant: no" in line
    for suffix in ("json", "md", "html"):
        assert str(reports / f"cpu.{suffix}") in line
        assert (reports / f"cpu.{suffix}").is_file()


def test_default_report_dir_and_options(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "--backend", "opencl", "--device", "opencl:1", "--no-progress")
    assert code == 0
    assert runner.calls == [
        {"backend": "opencl", "device": "opencl:1", "report_dir": Path("reports"),
         "progress": False},
    ]
    assert (tmp_path / "reports" / "opencl.md").is_file()


def test_seed_and_quick_reach_the_suite(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, _ = run(capsys, "--backend", "cpu", "--seed", "3", "--quick", "--report-dir",
                     str(tmp_path), "--no-progress")
    assert code == 0
    assert runner.calls[0]["seed"] == 3 and runner.calls[0]["quick"] is True


def test_all_runs_every_installed_backend(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--all", "--report-dir", str(tmp_path))
    assert code == 0
    assert [c["backend"] for c in runner.calls] == ["cpu", "opencl"]
    assert out.count("core-conformant") == 2


def test_a_repeated_backend_runs_once(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "--backend", "cpu", "--backend", "cpu", "--report-dir", str(tmp_path))
    assert len(runner.calls) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "--backend NAME"),
        (("--backend", "cuda"), "no backend named 'cuda'"),
        (("--all", "--device", "cpu:0"), "exactly one backend"),
        (("--backend", "cpu", "--device", "opencl:0"), "does not belong"),
    ],
)
def test_usage_errors(
    runner: FakeRunner, installed: list[str], capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...], message: str,
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert runner.calls == []


def test_backend_and_all_exclude_each_other(
    runner: FakeRunner, installed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--backend", "cpu", "--all")
    assert code == 2
    assert "not allowed with" in err


def test_a_failing_report_fails_the_run(
    runner: FakeRunner, installed: list[str], make_report: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner.make = lambda backend: make_report(backend=backend)  # has fail and error cases
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(tmp_path))
    assert code == 1
    assert "3 fail" in out and "1 error" in out


def test_a_pytest_failure_fails_the_run(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner.code = 3
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(tmp_path))
    assert code == 1
    assert "pytest exit code 3" in out


def test_no_report_fails_the_run(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner.make = lambda backend: None
    runner.code = 4
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(tmp_path))
    assert code == 1
    assert "cpu: no report (pytest exit code 4)" in out


def test_a_crash_on_one_backend_does_not_stop_the_others(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner.crash_on = "cpu"
    code, out, err = run(capsys, "--all", "--report-dir", str(tmp_path))
    assert code == 1
    assert "the suite crashed on cpu: RuntimeError: the suite fell over" in err
    assert "opencl:" in out


def test_json_output(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--json", "--backend", "cpu", "--report-dir", str(tmp_path))
    assert code == 0
    data = json.loads(out)
    [result] = data["backends"]
    assert result["backend"] == "cpu"
    assert result["failed"] is False
    assert result["levels"]["core"]["conformant"] is False
    assert result["reports"]["md"] == str(tmp_path / "cpu.md")
    assert data["stale_docs"] == []
    assert runner.calls[0]["progress"] is False  # progress output would corrupt the JSON


# --report-dir is checked before the run; a run leaves nothing in the current directory ------


@pytest.mark.parametrize(
    ("report_dir", "message"),
    [
        ("", "the report directory is empty"),
        ("  ", "the report directory is empty"),
        ("a_file", "a_file is a file, not a directory"),
        ("a_file/reports", "cannot be created: a_file is a file"),
    ],
)
def test_a_report_dir_that_cannot_hold_reports_is_refused_before_the_run(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    report_dir: str, message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a directory")
    code, _, err = run(capsys, "--backend", "cpu", "--report-dir", report_dir)
    assert code == 2
    assert message in err and "Fix:" in err
    assert runner.calls == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_the_default_report_dir_is_checked_before_the_run(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").write_text("not a directory")
    code, _, err = run(capsys, "--backend", "cpu")
    assert code == 2
    assert "reports is a file, not a directory" in err
    assert runner.calls == []


def test_a_report_dir_under_home_is_expanded(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    code, _, _ = run(capsys, "--backend", "cpu", "--report-dir", "~/reports")
    assert code == 0
    assert runner.calls[0]["report_dir"] == home / "reports"
    assert (home / "reports" / "cpu.json").is_file()
    assert list(cwd.iterdir()) == []


def test_a_run_leaves_nothing_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # A real run of the suite, kept short: the backend has no device, so every case skips.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    with installed_plugins(tmp_path / "site") as plugins:
        plugins.install("nodevice", host_backend_source("nodevice", "NoDevice", """
            Runtime.availability = lambda self: backend.Availability.no("no driver here")
        """))
        code, out, _ = run(capsys, "--backend", "nodevice", "--report-dir",
                           str(tmp_path / "reports"), "--no-progress")
    assert code == 0, out
    assert (tmp_path / "reports" / "nodevice.json").is_file()
    assert list(cwd.iterdir()) == []  # pytest-benchmark's .benchmarks/ among others


# --check-docs ---------------------------------------------------------------------------


def test_check_docs_up_to_date(
    runner: FakeRunner, installed: list[str], make_report: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    docs = tmp_path / "docs"
    committed = make_report(cases=[], contract=[], backend="cpu")
    # Committed on another machine: only the environment block differs.
    other_machine = replace(committed, environment=replace(committed.environment, os="Darwin"))
    write_reports(other_machine, docs)
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(tmp_path / "reports"),
                       "--check-docs", str(docs))
    assert code == 0
    assert "stale" not in out
    assert ENVIRONMENT_START in (docs / "cpu.md").read_text(encoding="utf-8")


def test_check_docs_missing(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports, docs = tmp_path / "reports", tmp_path / "docs"
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(reports),
                       "--check-docs", str(docs))
    assert code == 1
    assert f"{docs / 'cpu.md'} is stale: copy {reports / 'cpu.md'} over it" in out


def test_check_docs_different(
    runner: FakeRunner, installed: list[str], make_report: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports, docs = tmp_path / "reports", tmp_path / "docs"
    write_reports(make_report(backend="cpu"), docs)  # results differ from the new run's
    code, out, _ = run(capsys, "--backend", "cpu", "--report-dir", str(reports),
                       "--check-docs", str(docs))
    assert code == 1
    assert "cpu.md is stale" in out
    # Copying the new report over it, as the message says, fixes it.
    shutil.copy(reports / "cpu.md", docs / "cpu.md")
    code, _, _ = run(capsys, "--backend", "cpu", "--report-dir", str(reports),
                     "--check-docs", str(docs))
    assert code == 0


def test_check_docs_skips_a_backend_unavailable_here(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # opencl has no device here: its committed report (from a machine with one) stands.
    reports, docs = tmp_path / "reports", tmp_path / "docs"
    write_reports(runner.make("cpu"), docs)  # type: ignore[arg-type]
    code, out, _ = run(capsys, "--all", "--report-dir", str(reports), "--check-docs", str(docs))
    assert code == 0, out
    assert "opencl.md: not checked, opencl is unavailable here (no OpenCL platform)" in out
    assert "stale" not in out


def test_check_docs_json(
    runner: FakeRunner, installed: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports, docs = tmp_path / "reports", tmp_path / "docs"
    code, out, _ = run(capsys, "--json", "--backend", "cpu", "--report-dir", str(reports),
                       "--check-docs", str(docs))
    assert code == 1
    assert json.loads(out)["stale_docs"] == [
        {"committed": str(docs / "cpu.md"), "generated": str(reports / "cpu.md")},
    ]
