"""The ``plugboard`` command: what is installed, what runs here, and what each backend implements.

- ``plugboard devices``: the available devices, and why other backends are not available;
- ``plugboard doctor``: versions, installed backend plugins, load errors with their
  tracebacks, and the environment switches in force;
- ``plugboard ops``: every operator and, per backend, how it runs there (native,
  composite, view, allocator, fallback or missing; ``--fallback-policy cpu`` shows
  what the CPU fallback would run without setting ``PLUGBOARD_FALLBACK``).

Each command takes ``--json`` for machine-readable output. Exit codes: 0 when all is
well, 1 when something is wrong (a plugin failed to load, a device could not be
queried), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, Final

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

import plugboard as pb
from plugboard._dispatch import fallback as _fallback
from plugboard._dispatch.registry import OperatorDef, Path, registered_ops
from plugboard._dispatch.resolution import resolve_kernel
from plugboard._plugins import registry as _plugins
from plugboard._plugins.registry import LoadedBackend, registry
from plugboard._plugins.status import BackendStatus

__all__ = ["main"]

OK: Final = 0
PROBLEM: Final = 1
USAGE: Final = 2

# The order statuses are counted and listed in.
SUPPORT_STATUSES: Final = ("native", "composite", "view", "allocator", "fallback", "missing")

ENVIRONMENT_SWITCHES: Final = (
    (_plugins.ALLOW_ENV, "load only these backends (separated by , ; or spaces)"),
    (_plugins.DENY_ENV, "never load these backends (separated by , ; or spaces)"),
    (_fallback.FALLBACK_ENV, "what runs an operator a backend lacks: error or cpu"),
)

Command = Callable[[argparse.Namespace, Console], int]


# new-backend ---------------------------------------------------------------------


def _new_backend_command(args: argparse.Namespace, console: Console) -> int:
    # The templates load for this command only, not for every `plugboard` run.
    from plugboard._scaffold import NEXT_STEPS, write_backend

    root = write_backend(args.name, args.dir)
    console.print(f"wrote {root}")
    console.print(f"install it with: pip install -e '{root}[test]'")
    console.print(NEXT_STEPS.format(name=args.name,
                                    Key=args.name.replace("_", " ").title().replace(" ", "")),
                  markup=False)
    return OK


# Entry point ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``plugboard`` command with ``argv`` (default: ``sys.argv[1:]``); the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # A built-in command does not load the other distributions' commands (importing
    # plugboard-conformance is a fifth of `plugboard devices`).
    parser = _parser(plugins=not argv or argv[0] not in _BUILT_IN)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits for --help, --version and usage errors
        return _exit_code(stop.code)
    command: Command = args.command
    try:
        return command(args, _console())
    except pb.PlugboardError as error:  # e.g. an invalid PLUGBOARD_FALLBACK value
        print(f"plugboard: error: {error}", file=sys.stderr)
        return PROBLEM


def _exit_code(code: str | int | None) -> int:
    if code is None:
        return OK
    return code if isinstance(code, int) else PROBLEM


_BUILT_IN: Final = frozenset({"devices", "doctor", "new-backend", "ops"})


def _parser(plugins: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plugboard",
        description="Inspect plugboard's backends, devices and operators.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"plugboard {pb.__version__} (backend API {_api(pb.API_VERSION)})",
    )
    # --json is accepted after the subcommand name, where users type it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of tables")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    devices = commands.add_parser(
        "devices", parents=[common], help="list the available devices",
        description="List the available devices, and why other installed backends are not.",
    )
    devices.set_defaults(command=_devices_command)

    doctor = commands.add_parser(
        "doctor", parents=[common], help="check the installation",
        description="Versions, installed backend plugins, load errors and environment "
        "switches. Exits with 1 when a plugin failed to load.",
    )
    doctor.set_defaults(command=_doctor_command)

    new_backend = commands.add_parser(
        "new-backend", help="write a new backend package to start from",
        description="Write plugboard-NAME, a complete backend package (entry point, runtime, "
        "kernel table, expectations file, tests, README) that installs with pip install -e "
        "and passes the conformance suite as generated; then print how to move it to real "
        "device memory.",
    )
    new_backend.add_argument("name", help="the device type, e.g. acme (devices acme:0 ...)")
    new_backend.add_argument("--dir", type=pathlib.Path, default=pathlib.Path(), metavar="DIR",
                             help="where to write plugboard-NAME/ (default: here)")
    new_backend.set_defaults(command=_new_backend_command)

    ops = commands.add_parser(
        "ops", parents=[common], help="list operators and how each backend runs them",
        description="Every registered operator and, per loaded backend, how it runs there: "
        "native (the backend's kernel), composite (a decomposition into other operators), "
        "view (a view decomposition), allocator (the backend's allocator), fallback (on the "
        "CPU with copies, under the fallback policy cpu: PLUGBOARD_FALLBACK=cpu or "
        "--fallback-policy cpu) or missing.",
    )
    ops.add_argument(
        "--backend", action="append", metavar="NAME",
        help="show only this backend's column (repeatable)",
    )
    ops.add_argument("--namespace", metavar="NS", help="show only the operators of NS (e.g. pb)")
    ops.add_argument("--schemas", action="store_true", help="show each operator's schema")
    ops.add_argument(
        "--fallback-policy", choices=_fallback.FALLBACK_POLICIES, metavar="POLICY",
        help="say how operators run under this fallback policy (error or cpu) instead of "
        "the one in force (PLUGBOARD_FALLBACK)",
    )
    ops.set_defaults(command=_ops_command)
    assert set(commands.choices) == _BUILT_IN
    if plugins:
        _add_plugin_commands(commands, common)
    return parser


COMMANDS_GROUP: Final = "plugboard.commands"


def _add_plugin_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Subcommands that other distributions add (``plugboard conformance``).

    An entry point of the group ``plugboard.commands`` names a function
    ``register(commands, common)`` that adds its subparser, with
    ``set_defaults(command=fn)`` where ``fn(args, console) -> int``. A command
    that fails to load stays listed and reports its error when run.
    """
    from importlib import metadata

    for ep in metadata.entry_points(group=COMMANDS_GROUP):
        try:
            ep.load()(commands, common)
        except Exception as error:
            broken = commands.add_parser(ep.name, help=f"(failed to load: {error})")
            message = f"the {ep.name!r} command failed to load: {type(error).__name__}: {error}"
            broken.set_defaults(command=_broken_command(message))


def _broken_command(message: str) -> Command:
    def run(args: argparse.Namespace, console: Console) -> int:
        print(f"plugboard: error: {message}", file=sys.stderr)
        return PROBLEM

    return run


def _console() -> Console:
    # Piped or captured output gets a generous fixed width, so that table rows stay on
    # one line for grep and tests; markup and emoji codes are off because cells hold
    # arbitrary text (schemas, error messages) that may contain "[...]" or ":...:".
    width = None if sys.stdout.isatty() else max(120, shutil.get_terminal_size().columns)
    return Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False)


# plugboard devices ---------------------------------------------------------------


def _devices_command(args: argparse.Namespace, console: Console) -> int:
    rows = [_device_row(d) for d in pb.devices()]
    missing = [_unavailable_row(s) for s in pb.backends() if not s.available]
    if args.json:
        _print_json({"devices": rows, "unavailable": missing})
    else:
        _print_devices(console, rows, missing)
    return PROBLEM if any(row["error"] for row in rows) else OK


def _device_row(device: pb.Device) -> dict[str, Any]:
    row: dict[str, Any] = {"device": str(device), "type": device.type, "index": device.index}
    try:
        props = pb.device_properties(device)
    except BaseException as error:  # a plugin's bug, SystemExit too, must not hide the others
        if isinstance(error, KeyboardInterrupt):
            raise
        return {**row, "name": None, "total_memory": None, "driver": None, "dtypes": [],
                "extra": {}, "error": f"{type(error).__name__}: {error}"}
    return {
        **row,
        "name": props.name,
        "total_memory": props.total_memory,
        "driver": props.driver,
        "dtypes": [dtype.name for dtype in props.dtypes],
        "extra": props.extra,
        "error": None,
    }


def _unavailable_row(status: BackendStatus) -> dict[str, str]:
    state = "failed to load" if status.error is not None else "unavailable"
    return {
        "device_type": status.device_type,
        "state": state,
        "reason": status.error or status.reason,
    }


def _print_devices(
    console: Console, rows: list[dict[str, Any]], missing: list[dict[str, str]]
) -> None:
    table = Table(title="Devices", title_justify="left")
    table.add_column("device", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("memory", no_wrap=True)
    table.add_column("driver", overflow="fold")
    table.add_column("dtypes", overflow="fold")
    for row in rows:
        if row["error"] is not None:
            table.add_row(row["device"], Text(f"error: {row['error']}", style="red"))
            continue
        table.add_row(
            row["device"], row["name"], _human_bytes(row["total_memory"]), row["driver"],
            ", ".join(row["dtypes"]),
        )
    if rows:
        console.print(table)
    else:
        console.print(Text("No devices are available.", style="yellow"))
    for other in missing:
        console.print(
            Text(f"{other['device_type']}: {other['state']} — {other['reason']}"),
            soft_wrap=True,
        )


def _human_bytes(n: int) -> str:
    """``25276502016`` -> ``"23.5 GiB"``."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f} {unit}"


# plugboard doctor ----------------------------------------------------------------


def _doctor_command(args: argparse.Namespace, console: Console) -> int:
    statuses = pb.backends()
    environment = _environment()
    policy, policy_error = _fallback_policy()
    problems = [
        f"the {s.device_type} backend ({s.distribution or 'unknown distribution'}) failed to load"
        for s in statuses if s.error
    ]
    # A misspelt switch would otherwise turn backends on or off without a word.
    problems += registry().environment_problems()
    if policy_error is not None:
        problems.append(policy_error)
    if args.json:
        _print_json({
            "versions": _versions(),
            "backends": [_status_json(s) for s in statuses],
            "environment": environment,
            "fallback_policy": policy,
            "problems": problems,
        })
    else:
        _print_versions(console)
        _print_backends(console, statuses)
        _print_failures(console, [s for s in statuses if s.error is not None])
        _print_environment(console, environment, policy, policy_error)
        _print_verdict(console, problems)
    return PROBLEM if problems else OK


def _versions() -> dict[str, Any]:
    return {
        "plugboard": pb.__version__,
        "api_version": list(pb.API_VERSION),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "python_executable": sys.executable,
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def _api(version: tuple[int, int] | None) -> str:
    return "?" if version is None else f"{version[0]}.{version[1]}"


def _status_json(status: BackendStatus) -> dict[str, Any]:
    data = asdict(status)
    data["api_version"] = list(status.api_version) if status.api_version else None
    return data


def _environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name, _ in ENVIRONMENT_SWITCHES}


def _fallback_policy() -> tuple[str | None, str | None]:
    """The fallback policy in force, or the error an invalid environment value gives."""
    try:
        return _fallback.current_fallback_policy(), None
    except pb.PlugboardError as error:
        return None, str(error)


def _heading(console: Console, title: str, first: bool = False) -> None:
    if not first:
        console.print()
    console.print(Text(title, style="bold"))


def _print_versions(console: Console) -> None:
    _heading(console, "Versions", first=True)
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    versions = _versions()
    python = (
        f"{versions['python']} ({versions['python_implementation']}, "
        f"{versions['python_executable']})"
    )
    table.add_row("plugboard", versions["plugboard"])
    table.add_row("backend API", _api(pb.API_VERSION))
    table.add_row("Python", python)
    table.add_row("NumPy", versions["numpy"])
    table.add_row("platform", versions["platform"])
    console.print(table)


def _print_backends(console: Console, statuses: list[BackendStatus]) -> None:
    _heading(console, "Backend plugins")
    if not statuses:
        console.print(Text(
            "No backend plugins are installed; `pip install plugboard-cpu` adds the CPU backend.",
            style="yellow",
        ))
        return
    table = Table()
    # Only the free text wraps: the identifying columns stay whole for grep.
    for column in ("device type", "distribution", "version", "API", "loaded", "available",
                   "devices"):
        table.add_column(column, no_wrap=True)
    table.add_column("reason / error", overflow="fold")
    for s in statuses:
        # Errors can be long; the full text is in the next section, unwrapped.
        note = "failed to load (see below)" if s.error is not None else s.reason
        table.add_row(
            s.device_type, s.distribution, s.version, _api(s.api_version), _yes_no(s.loaded),
            _yes_no(s.available), str(s.device_count), note,
        )
    console.print(table)


def _yes_no(flag: bool) -> Text:
    return Text("yes", style="green") if flag else Text("no", style="red")


def _print_failures(console: Console, failed: list[BackendStatus]) -> None:
    if not failed:
        return
    _heading(console, "Load errors")
    for i, s in enumerate(failed):
        if i:
            console.print()
        console.print(Text(f"{s.device_type} ({s.distribution}): {s.error}", style="red"),
                      soft_wrap=True)
        if s.traceback:
            console.print(Text(s.traceback.rstrip()), soft_wrap=True)


def _print_environment(
    console: Console, environment: dict[str, str | None], policy: str | None,
    policy_error: str | None,
) -> None:
    _heading(console, "Environment switches")
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_column(overflow="fold", style="dim")
    for name, effect in ENVIRONMENT_SWITCHES:
        value = environment[name]
        shown = "(not set)" if value is None else repr(value)
        if name == _fallback.FALLBACK_ENV:
            shown += f" -> policy: {policy}" if policy is not None else f" -> {policy_error}"
        table.add_row(name, shown, effect)
    console.print(table)


def _print_verdict(console: Console, problems: list[str]) -> None:
    console.print()
    if problems:
        for problem in problems:
            console.print(Text(f"Problem: {problem}", style="red"), soft_wrap=True)
    else:
        console.print(Text("No problems found.", style="green"))


# plugboard ops -------------------------------------------------------------------


def _ops_command(args: argparse.Namespace, console: Console) -> int:
    loaded = backends = _loaded_backends()
    if args.backend:
        backends, code = _select_backends(loaded, args.backend)
        if code != OK:
            return code
    operators = registered_ops()
    if args.namespace:
        operators = [op for op in operators if _namespace(op) == args.namespace]
        if not operators:
            known = ", ".join(sorted({_namespace(op) for op in registered_ops()}))
            print(f"plugboard ops: error: no operators in namespace {args.namespace!r}; "
                  f"namespaces: {known}", file=sys.stderr)
            return USAGE
    policy = args.fallback_policy or _fallback.current_fallback_policy()
    rows = [
        (op, {b.device_type: _support(op, b, policy) for b in backends})
        for op in operators
    ]
    counts = {
        b.device_type: Counter(support[b.device_type] for _, support in rows) for b in backends
    }
    if args.json:
        _print_json({
            "backends": [b.device_type for b in backends],
            "fallback_policy": policy,
            "operators": [_op_json(op, support) for op, support in rows],
            "counts": {
                name: {status: c[status] for status in SUPPORT_STATUSES}
                for name, c in counts.items()
            },
        })
    else:
        _print_ops(console, backends, rows, counts, args.schemas)
    return OK


def _loaded_backends() -> list[LoadedBackend]:
    """Every loaded backend, available or not (``pb.backends()`` loads them; meta is not listed)."""
    return [registry().get(s.device_type) for s in pb.backends() if s.loaded]


def _select_backends(
    backends: list[LoadedBackend], names: list[str]
) -> tuple[list[LoadedBackend], int]:
    by_name = {b.device_type: b for b in backends}
    statuses = {s.device_type: s for s in pb.backends()}
    for name in names:
        if name in by_name:
            continue
        status = statuses.get(name)
        if status is None:
            known = ", ".join(by_name) or "none"
            print(f"plugboard ops: error: no backend named {name!r} is installed; "
                  f"loaded backends: {known}", file=sys.stderr)
            return [], USAGE
        # Installed but not loaded (switched off or failed): a state to fix, not a typo.
        print(f"plugboard ops: error: the {name} backend is not loaded: "
              f"{status.error or status.reason}. `plugboard doctor` has the details",
              file=sys.stderr)
        return [], PROBLEM
    return [by_name[name] for name in dict.fromkeys(names)], OK


def _namespace(op: OperatorDef) -> str:
    return op.name.partition("::")[0]


def _support(op: OperatorDef, backend: LoadedBackend, policy: str) -> str:
    """How ``op`` runs on ``backend``, as the dispatcher itself resolves it (for any dtype).

    ``fallback``: the policy in force would run it on the CPU with copies.
    """
    try:
        resolved = resolve_kernel(op, backend, None, policy)
    except pb.KernelNotFoundError:
        return "missing"
    except (pb.DeviceError, pb.PluginError):
        # The fallback needs the cpu backend, which is switched off or failed to load:
        # nothing can run the operator (`plugboard doctor` says why).
        return "missing"
    if resolved.path is Path.NATIVE:
        return "native" if resolved.fn is not None else "allocator"
    if resolved.path is Path.COMPOSITE:
        return "view" if "view" in op.tags else "composite"
    return str(resolved.path.value)


def _kind(op: OperatorDef) -> str:
    return ", ".join(sorted(op.tags)) or "-"


def _nonzero_counts(counts: Counter[str]) -> dict[str, int]:
    return {status: counts[status] for status in SUPPORT_STATUSES if counts[status]}


def _op_json(op: OperatorDef, support: dict[str, str]) -> dict[str, Any]:
    return {
        "name": op.name,
        "tags": sorted(op.tags),
        "schema": str(op.schema),
        "support": support,
    }


_STATUS_STYLES: Final = {
    "native": "green", "composite": "cyan", "view": "cyan", "allocator": "green",
    "fallback": "yellow", "missing": "red",
}


def _print_ops(
    console: Console,
    backends: list[LoadedBackend],
    rows: list[tuple[OperatorDef, dict[str, str]]],
    counts: dict[str, Counter[str]],
    schemas: bool,
) -> None:
    table = Table(title="Operators", title_justify="left")
    # Long schemas wrap; names and statuses stay whole so each row greps as one line.
    table.add_column("operator", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    for backend in backends:
        table.add_column(backend.device_type, no_wrap=True)
    if schemas:
        table.add_column("schema", overflow="fold")
    for op, support in rows:
        cells: list[str | Text] = [op.name, _kind(op)]
        cells += [
            Text(support[b.device_type], style=_STATUS_STYLES[support[b.device_type]])
            for b in backends
        ]
        if schemas:
            cells.append(str(op.schema))
        table.add_row(*cells)
    console.print(table)
    for name, count in counts.items():
        summary = ", ".join(f"{n} {status}" for status, n in _nonzero_counts(count).items())
        console.print(Text(f"{name}: {summary or 'no operators'}"), soft_wrap=True)


# Output helpers ------------------------------------------------------------------


def _print_json(data: Any) -> None:
    # default=str: backends' DeviceProperties.extra may hold values JSON cannot encode.
    print(json.dumps(data, indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
