"""``plugboard conformance``: run the suite on backends and write their reports; compare reports.

- ``plugboard conformance --backend NAME`` (repeatable) or ``--all``: runs the
  suite on every device of each backend (``--device all``, the default;
  ``--device opencl:1`` picks one device of a single backend) and writes
  ``<report-dir>/<name>.json``, ``.md`` and ``.html``. A backend that fails to
  load or has no device still gets a report saying so. The
  report directory (``~`` expanded) is checked before the run: an empty
  value or a file is a usage error. A run leaves nothing in the current
  directory (pytest's cache and pytest-benchmark are off).
  ``--check-docs DIR`` then compares each Markdown report with the committed
  ``DIR/<name>.md``, environment block aside; a backend unavailable here (a GPU
  backend on a machine without one) is not compared, its committed report
  being the one from a machine with the device.
- ``plugboard conformance diff OLD.json NEW.json``: the regressions from one
  report to the other.

Exit codes: 0 when all is well; 1 when a run failed, a committed report is
stale, or ``diff`` found regressions; 2 for usage errors and unreadable or
invalid reports.

The ``plugboard`` command adds this through the ``plugboard.commands`` entry
point group, calling :func:`register`.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.text import Text

from ._diff import diff_reports, format_regressions
from ._model import Outcome, Report
from ._render import comparable, report_directory
from ._schema import ReportSchemaError, upgrade, validate

__all__ = ["register"]

OK: Final = 0
PROBLEM: Final = 1
USAGE: Final = 2

DEFAULT_REPORT_DIR: Final = Path("reports")
REPORT_SUFFIXES: Final = ("json", "md", "html")
META: Final = "meta"  # the shapes-only device: nothing to test
ALL_DEVICES: Final = "all"  # --device: every device of each backend


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``conformance`` (and ``conformance diff``) to the ``plugboard`` command's subparsers.

    ``commands`` is the ``plugboard`` parser's subparsers object; ``common`` a
    parent parser holding the options every command takes (``--json``).
    """
    parser = commands.add_parser(
        "conformance", parents=[common], help="run the conformance suite and write reports",
        description="Run the conformance suite on backends and write a report per backend "
        "(JSON, Markdown, HTML). Exits with 1 when a backend fails the suite or, with "
        "--check-docs, when a committed report is stale.",
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--backend", action="append", metavar="NAME",
        help="run the suite on this backend (repeatable)",
    )
    chosen.add_argument(
        "--all", action="store_true", help="run the suite on every installed backend",
    )
    parser.add_argument(
        "--device", metavar="DEV", default=ALL_DEVICES,
        help="the devices to test: all (every device of each backend, the default) or one "
        "device of a single backend, e.g. opencl:1",
    )
    parser.add_argument(
        "--report-dir", type=_report_dir, default=DEFAULT_REPORT_DIR, metavar="DIR",
        help=f"where to write the reports (default: {DEFAULT_REPORT_DIR}; checked before the "
        "run starts)",
    )
    parser.add_argument(
        "--check-docs", type=Path, metavar="DIR",
        help="fail when DIR/<name>.md differs from the new Markdown report "
        "(the environment block aside); backends unavailable here are not compared",
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="test one floating and one integer dtype per operator (float32, int32): "
        "for development; the report claims no conformance level",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, metavar="N",
        help="draw other sample inputs (default 0: the inputs every run draws); a "
        "result that passes by luck fails under another seed",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="do not show the suite's progress",
    )
    parser.set_defaults(command=_run_command)

    subcommands = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND")
    diff = subcommands.add_parser(
        "diff", parents=[common], help="list the regressions between two reports",
        description="Compare two JSON reports of a backend and list what regressed: new "
        "failures, lost support, and errors that grew. Exits with 1 when something "
        "regressed, 2 when a report cannot be read or is invalid.",
    )
    diff.add_argument("old", type=Path, metavar="OLD.json", help="the earlier report")
    diff.add_argument("new", type=Path, metavar="NEW.json", help="the later report")
    diff.set_defaults(command=_diff_command)


# plugboard conformance -----------------------------------------------------------


def _seed(value: str) -> int:
    """``--seed``: a whole number, 0 or above."""
    try:
        seed = int(value)
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or above, got {value!r}")
    return seed


def _report_dir(value: str) -> Path:
    """``--report-dir``, checked when the arguments are parsed: before the suite runs."""
    try:
        return report_directory(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


@dataclass
class _Result:
    backend: str
    exit_code: int
    report: Report | None
    paths: dict[str, Path] = field(default_factory=dict)
    crash: str | None = None

    @property
    def failed(self) -> bool:
        return self.exit_code != OK or self.report is None or self.report.failed


def _run_command(args: argparse.Namespace, console: Console) -> int:
    names, code = _selected_backends(args)
    if code != OK:
        return code
    from ._runner import run_suite

    try:  # the default, which type= does not see (a given value was checked by it)
        report_dir = report_directory(args.report_dir)
    except ValueError as error:
        print(f"plugboard conformance: error: --report-dir: {error}", file=sys.stderr)
        return USAGE
    progress = not args.no_progress and not args.json
    results: list[_Result] = []
    for name in names:
        try:
            exit_code, report = run_suite(
                backend=name, device=None if args.device == ALL_DEVICES else args.device,
                report_dir=report_dir, progress=progress, seed=args.seed, quick=args.quick,
            )
        except Exception as error:  # one backend's crash must not hide the others' results
            crash = f"{type(error).__name__}: {error}"
            print(f"plugboard conformance: error: the suite crashed on {name}: {crash}",
                  file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            results.append(_Result(name, PROBLEM, None, _written(report_dir, name), crash))
            continue
        result = _Result(name, exit_code, report, _written(report_dir, name))
        results.append(result)
        if not args.json:
            console.print(_summary_line(result), soft_wrap=True)

    stale: list[tuple[Path, Path]] = []
    if args.check_docs:
        # A backend unavailable here (no GPU on a CI machine) keeps the report committed
        # from a machine that has its device.
        unavailable = _unavailable(names)
        for name, reason in unavailable.items():
            if not args.json:
                console.print(Text(f"{args.check_docs / (name + '.md')}: not checked, {name} "
                                   f"is unavailable here ({reason})", style="yellow"),
                              soft_wrap=True)
        checked = [name for name in names if name not in unavailable]
        stale = _stale_docs(checked, report_dir, args.check_docs)
    if args.json:
        print(json.dumps({
            "backends": [_result_json(r) for r in results],
            "stale_docs": [{"committed": str(c), "generated": str(g)} for c, g in stale],
        }, indent=2))
    else:
        for committed, generated in stale:
            console.print(
                Text(f"{committed} is stale: copy {generated} over it", style="red"),
                soft_wrap=True,
            )
    return PROBLEM if stale or any(r.failed for r in results) else OK


def _selected_backends(args: argparse.Namespace) -> tuple[list[str], int]:
    import plugboard as pb

    installed = [s.device_type for s in pb.backends() if s.device_type != META]
    if args.all:
        names = installed
        if not names:
            print("plugboard conformance: error: no backend plugins are installed",
                  file=sys.stderr)
            return [], PROBLEM
    elif args.backend:
        names = list(dict.fromkeys(args.backend))
        unknown = [name for name in names if name not in installed]
        if unknown:
            known = ", ".join(installed) or "none"
            print(f"plugboard conformance: error: no backend named {unknown[0]!r} is "
                  f"installed; installed backends: {known}", file=sys.stderr)
            return [], USAGE
    else:
        print("plugboard conformance: error: choose the backends: --backend NAME "
              "(repeatable) or --all", file=sys.stderr)
        return [], USAGE
    if args.check_docs and (args.quick or args.seed):
        print("plugboard conformance: error: --check-docs compares full runs with the "
              "default inputs: drop --quick and --seed", file=sys.stderr)
        return [], USAGE
    if args.device != ALL_DEVICES:
        if len(names) != 1:
            print("plugboard conformance: error: --device needs exactly one backend",
                  file=sys.stderr)
            return [], USAGE
        device_type = str(args.device).partition(":")[0]
        if device_type != names[0]:
            print(f"plugboard conformance: error: the device {args.device!r} does not "
                  f"belong to the {names[0]} backend", file=sys.stderr)
            return [], USAGE
    return names, OK


def _written(report_dir: Path, name: str) -> dict[str, Path]:
    paths = {suffix: report_dir / f"{name}.{suffix}" for suffix in REPORT_SUFFIXES}
    return {suffix: path for suffix, path in paths.items() if path.is_file()}


def _counts(report: Report) -> str:
    known = [o.value for o in Outcome]
    order = known + sorted(k for k in report.summary if k not in known)
    return ", ".join(
        f"{report.summary[o]} {o}" for o in order if report.summary.get(o)
    ) or "no cases"


def _summary_line(result: _Result) -> Text:
    if result.report is None:
        why = result.crash or f"pytest exit code {result.exit_code}"
        return Text(f"{result.backend}: no report ({why})", style="red")
    report = result.report
    parts = [f"{result.backend}: {_counts(report)}"]
    for name in ("core", "nn", "autograd"):
        level = report.levels.get(name)
        if report.quick:
            parts.append("quick run: no level claimed")
            break
        if level is not None:
            parts.append(f"{name}-conformant: {'yes' if level.conformant else 'no'}")
    if result.exit_code != OK and not report.failed:
        parts.append(f"pytest exit code {result.exit_code}")
    if result.paths:
        parts.append(", ".join(str(p) for p in result.paths.values()))
    return Text(" · ".join(parts), style="red" if result.failed else "green")


def _result_json(result: _Result) -> dict[str, Any]:
    report = result.report
    return {
        "backend": result.backend,
        "exit_code": result.exit_code,
        "failed": result.failed,
        "error": result.crash,
        "summary": None if report is None else report.summary,
        "levels": None if report is None else {
            name: asdict(level) for name, level in report.levels.items()
        },
        "reports": {suffix: str(path) for suffix, path in result.paths.items()},
    }


def _unavailable(names: list[str]) -> dict[str, str]:
    """The backends among ``names`` that are installed but cannot run here, with why."""
    import plugboard as pb

    return {s.device_type: s.reason for s in pb.backends()
            if s.device_type in names and not s.available}


def _stale_docs(names: list[str], report_dir: Path, docs: Path) -> list[tuple[Path, Path]]:
    """The committed reports (and the new ones) that differ, the machine's parts aside
    (the environment block, the measured errors: see ``_render.comparable``)."""
    stale = []
    for name in names:
        generated = report_dir / f"{name}.md"
        committed = docs / f"{name}.md"
        new = _read_markdown(generated)
        if new is None or _read_markdown(committed) != new:
            stale.append((committed, generated))
    return stale


def _read_markdown(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return comparable(text.replace("\r\n", "\n"))


# plugboard conformance diff ------------------------------------------------------


class _UnreadableReport(Exception):
    pass


def _diff_command(args: argparse.Namespace, console: Console) -> int:
    try:
        old = _load_report(args.old)
        new = _load_report(args.new)
    except _UnreadableReport as error:
        print(f"plugboard conformance diff: error: {error}", file=sys.stderr)
        return USAGE
    if old.backend.device_type != new.backend.device_type:
        print(f"plugboard conformance diff: note: the reports are of different backends "
              f"({old.backend.device_type}, {new.backend.device_type})", file=sys.stderr)
    regressions = diff_reports(old, new)
    if args.json:
        print(json.dumps({"regressions": [asdict(r) for r in regressions]}, indent=2))
    else:
        console.print(Text(format_regressions(regressions)), soft_wrap=True)
    return PROBLEM if regressions else OK


def _load_report(path: Path) -> Report:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _UnreadableReport(f"cannot read {path}: {error}") from error
    if not isinstance(data, dict):
        raise _UnreadableReport(f"{path} is not a conformance report: not a JSON object")
    data = upgrade(data)
    try:
        validate(data)
    except ReportSchemaError as error:
        raise _UnreadableReport(f"{path}: {error}") from error
    return Report.from_json(data)
