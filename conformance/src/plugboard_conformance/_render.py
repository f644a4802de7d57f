"""The report's human-readable forms: Markdown (committed to the docs) and one HTML page.

- :func:`render_markdown` is deterministic: the same results give the same
  text. It holds no dates, timings or durations, so a committed copy goes
  stale only when results change; the machine-dependent environment sits
  between ``<!-- environment -->`` and ``<!-- /environment -->`` lines, which
  :func:`strip_environment` removes before two copies are compared. The
  measured errors of the Accuracy section depend on the machine too (NumPy's
  SIMD paths and BLAS kernels differ between CPU models): :func:`comparable`
  also masks them, keeping which operators and dtypes were measured and their
  limits (whether a case passed shows in the Operators section).
- :func:`render_html` is one self-contained page (inline CSS and JavaScript,
  nothing fetched): the operator x dtype matrix coloured by outcome, with each
  cell's cases in a details panel, built from the report's JSON embedded in
  the page.
- :func:`write_reports` validates a report against the schema and writes its
  three files; :func:`report_directory` checks where, before a run starts.

A matrix cell combines the cases of one operator and dtype across variants
and devices: the worst outcome wins (:data:`SEVERITY`). When a report tested
more than one device, contract checks and problems name their device; a
single-device report renders as it always did.
"""

from __future__ import annotations

import html
import json
import os
import re
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ._model import CaseRecord, ContractRecord, Level, Outcome, Report, Variant
from ._schema import validate

__all__ = [
    "DTYPE_ORDER",
    "ENVIRONMENT_END",
    "ENVIRONMENT_START",
    "OUTCOME_SYMBOLS",
    "SEVERITY",
    "render_html",
    "render_markdown",
    "report_directory",
    "comparable",
    "strip_environment",
    "worst_outcome",
    "write_reports",
]

# Matrix columns, in this order (only the dtypes that occur); others follow, sorted.
DTYPE_ORDER: Final = (
    "bool", "int8", "uint8", "int16", "int32", "int64",
    "float16", "bfloat16", "float32", "float64",
)
NO_DTYPE: Final = "-"  # the dtype of dtype-independent cases

# Worst first: a cell shows the first of these among its cases.
SEVERITY: Final = (
    Outcome.ERROR.value,
    Outcome.FAIL.value,
    Outcome.UNEXPECTED_PASS.value,
    Outcome.UNAVAILABLE.value,
    Outcome.EXPECTED_FAILURE.value,
    Outcome.UNSUPPORTED.value,
    Outcome.SKIPPED.value,
    Outcome.PASS.value,
)

OUTCOME_SYMBOLS: Final = {
    Outcome.PASS.value: "✓",
    Outcome.FAIL.value: "✗",
    Outcome.ERROR.value: "E",
    Outcome.UNSUPPORTED.value: "\N{EN DASH}",
    Outcome.EXPECTED_FAILURE.value: "x",
    Outcome.UNEXPECTED_PASS.value: "!",
    Outcome.SKIPPED.value: "s",
    Outcome.UNAVAILABLE.value: "u",
}
UNKNOWN_SYMBOL: Final = "?"

# Outcomes the Problems section leaves out.
_NOT_PROBLEMS: Final = frozenset({Outcome.PASS.value, Outcome.SKIPPED.value})

PATH_ORDER: Final = ("native", "composite", "fallback", "meta")
VARIANT_ORDER: Final = tuple(v.value for v in Variant)

ENVIRONMENT_START: Final = "<!-- environment -->"
ENVIRONMENT_END: Final = "<!-- /environment -->"
_ENVIRONMENT_BLOCK: Final = re.compile(
    rf"^{re.escape(ENVIRONMENT_START)}[ \t]*\n.*?^{re.escape(ENVIRONMENT_END)}[ \t]*(?:\n|\Z)",
    re.MULTILINE | re.DOTALL,
)

_WRAP: Final = 96  # Markdown lines longer than this are wrapped where the syntax allows
_MESSAGE_LIMIT: Final = 500  # characters of a message the Markdown shows
_ADDRESS: Final = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")  # object addresses differ run to run


# The matrix, shared by both renderings -------------------------------------------


def worst_outcome(outcomes: Iterable[str]) -> str:
    """The worst of ``outcomes`` by :data:`SEVERITY`; unknown values rank worst of all.

    >>> worst_outcome(["pass", "skipped", "fail"])
    'fail'
    """
    rank = {outcome: i for i, outcome in enumerate(SEVERITY)}
    return min(outcomes, key=lambda outcome: rank.get(outcome, -1))


def _symbol(outcome: str) -> str:
    return OUTCOME_SYMBOLS.get(outcome, UNKNOWN_SYMBOL)


@dataclass
class _Row:
    op: str
    cells: dict[str, list[CaseRecord]] = field(default_factory=dict)  # dtype -> cases
    errors: list[CaseRecord] = field(default_factory=list)  # the errors variant's cases
    path: str | None = None  # how the op ran most often


def _variant_rank(variant: str) -> int:
    return VARIANT_ORDER.index(variant) if variant in VARIANT_ORDER else len(VARIANT_ORDER)


def _dtype_key(dtype: str) -> tuple[int, str]:
    if dtype in DTYPE_ORDER:
        return DTYPE_ORDER.index(dtype), dtype
    return (len(DTYPE_ORDER) + 1 if dtype == NO_DTYPE else len(DTYPE_ORDER)), dtype


def _case_key(case: CaseRecord) -> tuple[str, tuple[int, str], int, str, str]:
    return case.op, _dtype_key(case.dtype), _variant_rank(case.variant), case.variant, case.device


def _several_devices(report: Report) -> bool:
    """Whether the report tested more than one device: then records name theirs."""
    return len(report.backend.devices) > 1


def _on_device(device: str, several: bool) -> str:
    """`` on opencl:1`` for a record of one of several devices tested; empty otherwise."""
    return f" on {device}" if several and device else ""


def _matrix(cases: list[CaseRecord]) -> tuple[list[str], list[_Row]]:
    """The matrix's dtype columns and its rows, one per operator, sorted."""
    rows: dict[str, _Row] = {}
    paths: dict[str, Counter[str]] = {}
    for case in sorted(cases, key=_case_key):
        row = rows.setdefault(case.op, _Row(case.op))
        if case.variant == Variant.ERRORS.value:
            row.errors.append(case)
        else:
            row.cells.setdefault(case.dtype, []).append(case)
        if case.path is not None:
            paths.setdefault(case.op, Counter())[case.path] += 1
    for op, counts in paths.items():
        rows[op].path = min(counts, key=lambda p: (-counts[p], _path_rank(p), p))
    dtypes = sorted({dtype for row in rows.values() for dtype in row.cells}, key=_dtype_key)
    return dtypes, [rows[op] for op in sorted(rows)]


def _path_rank(path: str) -> int:
    return PATH_ORDER.index(path) if path in PATH_ORDER else len(PATH_ORDER)


def _dtype_label(dtype: str) -> str:
    return "no dtype" if dtype == NO_DTYPE else dtype


def _level_lines(report: Report) -> list[tuple[str, Level | None]]:
    return [(name, report.levels.get(name)) for name in ("core", "nn", "autograd")]


def _summary_items(summary: dict[str, int]) -> list[tuple[str, int]]:
    known = [(o.value, summary[o.value]) for o in Outcome if summary.get(o.value)]
    others = sorted((k, v) for k, v in summary.items() if k not in OUTCOME_SYMBOLS and v)
    return known + others


def _identity_parts(report: Report) -> list[str]:
    b = report.backend
    return [
        f"plugin {b.distribution} {b.version}",
        f"plugboard {report.plugboard_version}",
        f"conformance suite {report.suite_version}",
        f"opset v{report.opset_version}",
        f"devices {', '.join(b.devices)}" if _several_devices(report) else f"device {b.device}",
        *([f"sample seed {report.seed}"] if report.seed else []),
        *(["quick run: float32 and int32 only, no level claimed"] if report.quick else []),
    ]


def _environment_items(report: Report) -> list[tuple[str, str]]:
    e = report.environment
    return [
        ("device name", e.device_name), ("driver", e.driver), ("OS", e.os),
        ("Python", e.python), ("NumPy", e.numpy), ("machine", e.machine),
    ]


# Markdown ------------------------------------------------------------------------

_MD_SPECIAL: Final = re.compile(r"([\\`*\[\]<>|#~])|((?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def _md_text(text: str, limit: int | None = None) -> str:
    """``text`` on one line, its Markdown syntax escaped, shortened to ``limit`` characters."""
    flat = " ".join(_ADDRESS.sub("0x…", text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), flat)


def _md_code(text: str, in_table: bool = False) -> str:
    """``text`` on one line as an inline code span; in a table cell, its pipes are escaped."""
    flat = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    span = f"{fence}{pad}{flat}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def _wrap(text: str, prefix: str = "", indent: str = "") -> list[str]:
    """``text`` (Markdown inline content) in lines of at most ``_WRAP`` characters."""
    return textwrap.wrap(
        text, width=_WRAP, initial_indent=prefix, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    )


def _md_wrapped(prefix: str, items: list[str], indent: str) -> list[str]:
    return _wrap(", ".join(_md_code(item) for item in items), prefix, indent)


def _md_yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def render_markdown(report: Report) -> str:
    """The report in Markdown, for the docs: deterministic, without timings or dates."""
    b = report.backend
    lines = [f"# Conformance report: {_md_text(b.device_type)}", ""]
    identity = " · ".join(_md_text(part) for part in _identity_parts(report))
    if b.emulation:
        identity += f" · **{_md_text(b.emulation)}**"
    lines += [*_wrap(identity), ""]

    lines += [ENVIRONMENT_START, "", "| environment | |", "|---|---|"]
    lines += [f"| {name} | {_md_text(value)} |" for name, value in _environment_items(report)]
    lines += ["", ENVIRONMENT_END, ""]

    lines += ["## Levels", ""]
    for name, level in _level_lines(report):
        lines += _md_level(name, level, report)
    lines.append("")

    lines += ["## Summary", "", "| outcome | count |", "|---|---:|"]
    items = _summary_items(report.summary)
    lines += [f"| {_symbol(outcome)} {outcome} | {count} |" for outcome, count in items]
    lines += [f"| total | {sum(count for _, count in items)} |", ""]

    lines += _md_matrix(report.cases, _several_devices(report))
    lines += _md_accuracy(report.cases)
    lines += _md_contract(report.contract, _several_devices(report))
    lines += _md_problems(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_level(name: str, level: Level | None, report: Report) -> list[str]:
    if level is None:
        return [f"- **{name}-conformant: not computed**"]
    total = level.ops_tested + len(level.ops_not_in_suite)
    line = (
        f"- **{name}-conformant: {_md_yes_no(level.conformant)}** "
        f"({level.ops_tested} of {total} operators tested)"
    )
    core = report.levels.get("core")
    if (
        name in ("nn", "autograd") and not level.conformant and not level.ops_failing
        and not level.ops_not_in_suite and core is not None and not core.conformant
    ):
        passing = "the nn operators" if name == "nn" else "the grad cases"
        line += f"; {passing} pass, but {name} conformance requires core conformance"
    lines = [line]
    if level.ops_failing:
        lines += _md_wrapped(f"  - failing ({len(level.ops_failing)}): ", level.ops_failing, "    ")
    if level.ops_not_in_suite:
        lines += _md_wrapped(
            f"  - not in the suite ({len(level.ops_not_in_suite)}): ", level.ops_not_in_suite,
            "    ",
        )
    return lines


def _md_matrix(cases: list[CaseRecord], several: bool) -> list[str]:
    lines = ["## Operators", ""]
    if not cases:
        return [*lines, "No cases ran.", ""]
    dtypes, rows = _matrix(cases)
    header = ["operator", *(_dtype_label(d) for d in dtypes), "path", "errors"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|" + ":-:|" * len(dtypes) + "---|:-:|")
    for row in rows:
        cells = [_md_code(row.op, in_table=True)]
        for dtype in dtypes:
            found = row.cells.get(dtype)
            cells.append(_symbol(worst_outcome(c.outcome for c in found)) if found else " ")
        cells.append(row.path or " ")
        cells.append(_symbol(worst_outcome(c.outcome for c in row.errors)) if row.errors else " ")
        lines.append("| " + " | ".join(cells) + " |")
    legend = " · ".join(f"{symbol} {outcome}" for outcome, symbol in OUTCOME_SYMBOLS.items())
    lines += [
        "",
        *_wrap(
            f"Legend: {legend}; blank: no case. A cell shows the worst outcome of the "
            "operator's variants (functional, inplace, out, grad) on that dtype"
            f"{', over every device tested' if several else ''}. *path*: how the "
            "operator ran most often (native kernel, composite, CPU fallback). *errors*: "
            "whether bad inputs raise clear errors."
        ),
        "",
    ]
    return lines


def _ulp_text(value: float) -> str:
    """A ULP error to two significant digits: the Markdown changes when accuracy does."""
    return f"{value:.2g}"


def _md_accuracy(cases: list[CaseRecord]) -> list[str]:
    """Per operator its accuracy limit, and per dtype the largest and the mean ULP error
    over its variants."""
    measured = [c for c in cases if c.max_ulp_error is not None and c.limit]
    if not measured:
        return []
    dtypes = sorted({c.dtype for c in measured}, key=_dtype_key)
    by_op: dict[str, dict[str, list[CaseRecord]]] = {}
    for c in measured:
        by_op.setdefault(c.op, {}).setdefault(c.dtype, []).append(c)
    lines = ["## Accuracy", "",
             "| operator | limit | " + " | ".join(_dtype_label(d) for d in dtypes) + " |",
             "|---|---|" + "---:|" * len(dtypes)]
    for op in sorted(by_op):
        cells = [_md_code(op, in_table=True), _md_text(by_op[op][next(iter(by_op[op]))][0].limit)]
        for dtype in dtypes:
            found = by_op[op].get(dtype)
            if not found:
                cells.append(" ")
                continue
            worst = max(c.max_ulp_error or 0.0 for c in found)
            means = [c.mean_ulp_error for c in found if c.mean_ulp_error is not None]
            mean = f" ({_ulp_text(max(means))})" if means else ""
            cells.append(_ulp_text(worst) + mean)
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        *_wrap(
            "Errors in ULP of the result dtype against the float64 reference rounded to it: "
            "the largest over the variants, and the mean in parentheses. *limit*: the "
            "operator's accuracy limit (docs/architecture.md, Accuracy limits); n is the "
            "number of terms, eps(acc) the epsilon of the type the dtype accumulates in "
            "(float32 for float16 and bfloat16)."
        ),
        "",
    ]
    return lines


def _md_contract(contract: list[ContractRecord], several: bool) -> list[str]:
    lines = ["## Device contract", ""]
    if not contract:
        return [*lines, "No device-contract checks ran.", ""]
    if several:  # a device column: "all" for the checks of every device together
        lines += ["| check | device | outcome | message |", "|---|---|---|---|"]
    else:
        lines += ["| check | outcome | message |", "|---|---|---|"]
    for check in contract:
        message = _md_text(check.message, _MESSAGE_LIMIT)
        device = f" {_md_text(check.device or 'all')} |" if several else ""
        lines.append(
            f"| {_md_code(check.name, in_table=True)} |{device} {_symbol(check.outcome)} "
            f"{check.outcome} | {message} |"
        )
    return [*lines, ""]


def _md_problems(report: Report) -> list[str]:
    lines = ["## Problems", ""]
    checks = [c for c in report.contract if c.outcome not in _NOT_PROBLEMS]
    cases = sorted((c for c in report.cases if c.outcome not in _NOT_PROBLEMS), key=_case_key)
    if not checks and not cases:
        return [*lines, "None: every case passed or was skipped.", ""]
    several = _several_devices(report)
    for check in checks:
        on = _on_device(_md_text(check.device), several)
        lines.append(f"- contract check {_md_code(check.name)}{on}: **{check.outcome}**")
        lines += _md_details(check.message, None, check.reproduce)
    for case in cases:
        lines.append(
            f"- {_md_code(case.op)} · {_md_text(_dtype_label(case.dtype))} · "
            f"{_md_text(case.variant)}{_on_device(_md_text(case.device), several)}: "
            f"**{case.outcome}**"
        )
        lines += _md_details(case.message, case.expectation, case.reproduce)
    return [*lines, ""]


def _md_details(message: str, expectation: str | None, reproduce: str) -> list[str]:
    lines = []
    if message:
        lines.append(f"  - message: {_md_text(message, _MESSAGE_LIMIT)}")
    if expectation is not None:
        lines.append(f"  - expectation: {_md_text(expectation, _MESSAGE_LIMIT)}")
    if reproduce:
        lines.append(f"  - reproduce: {_md_code(reproduce)}")
    return lines


def comparable(markdown: str) -> str:
    """``markdown`` as two reports are compared: without the environment block, and
    with the measured errors of the Accuracy table masked.

    >>> comparable("## Accuracy\n| `pb::sin` | 1 ULP | 0 (0) |   |\n## Device contract\n")
    '## Accuracy\n| `pb::sin` | 1 ULP | # |   |\n## Device contract\n'
    """
    lines = strip_environment(markdown).split("\n")
    in_accuracy = False
    for i, line in enumerate(lines):
        if line.startswith("## "):
            in_accuracy = line == "## Accuracy"
        elif in_accuracy and line.startswith("| ") and not line.startswith("| operator "):
            cells = line[2:-2].split(" | ")
            masked = [c if k < 2 or not c.strip() or set(c) <= {"-", ":"} else "#"
                      for k, c in enumerate(cells)]
            lines[i] = "| " + " | ".join(masked) + " |"
    return "\n".join(lines)


def strip_environment(markdown: str) -> str:
    """``markdown`` without its environment block (the part that differs between machines).

    >>> strip_environment("a\\n<!-- environment -->\\nOS: x\\n<!-- /environment -->\\nb\\n")
    'a\\nb\\n'
    """
    return _ENVIRONMENT_BLOCK.sub("", markdown)


# HTML ----------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _css_class(outcome: str) -> str:
    return "o-" + re.sub(r"[^a-z]+", "-", outcome.lower()).strip("-")


def _embedded_json(data: dict[str, Any]) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c``, ...), so the
    text can hold neither ``</script>`` (nor any ``</``) nor ``<!--``; a JSON
    parser reads the same values.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    b = report.backend
    title = f"Conformance report: {b.device_type}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        '<link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _html_header(report),
        '<div class="layout">',
        '<div class="content">',
        _html_matrix(report.cases, _several_devices(report)),
        _html_contract(report.contract, _several_devices(report)),
        _html_problems(report),
        "</div>",
        '<aside id="details" aria-live="polite">'
        '<p class="hint">Click a cell of the matrix to see its cases.</p></aside>',
        "</div>",
        f'<script type="application/json" id="report-data">{_embedded_json(report.to_json())}'
        "</script>",
        f"<script>{_JS}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _html_header(report: Report) -> str:
    b = report.backend
    identity = " · ".join(_e(part) for part in _identity_parts(report))
    timing = f"started {_e(report.started)} · took {report.duration_s:.1f} s"
    parts = [
        "<header>",
        f"<h1>Conformance report: <code>{_e(b.device_type)}</code></h1>",
        f'<p class="identity">{identity} · {timing}</p>',
    ]
    if b.emulation:
        parts.append(f'<p class="emulation">{_e(b.emulation)}</p>')
    parts.append('<div class="levels">')
    for name, level in _level_lines(report):
        parts.append(_html_level(name, level))
    parts.append("</div>")
    chips = "".join(
        f'<span class="chip {_css_class(outcome)}">{_e(_symbol(outcome))} {_e(outcome)}: '
        f"<b>{count}</b></span>"
        for outcome, count in _summary_items(report.summary)
    )
    parts.append(f'<div class="summary" id="summary">{chips}</div>')
    rows = "".join(
        f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>"
        for name, value in _environment_items(report)
    )
    parts += [
        f'<details class="environment"><summary>Environment</summary><table>{rows}</table>'
        "</details>",
        "</header>",
    ]
    return "\n".join(parts)


def _html_level(name: str, level: Level | None) -> str:
    if level is None:
        return f'<div class="level"><span class="badge no">{_e(name)}-conformant: ?</span></div>'
    state = "yes" if level.conformant else "no"
    total = level.ops_tested + len(level.ops_not_in_suite)
    parts = [
        f'<div class="level"><span class="badge {state}" id="level-{_e(name)}">'
        f"{_e(name)}-conformant: {state}</span> "
        f'<span class="muted">{level.ops_tested} of {total} operators tested</span>'
    ]
    lists = (("failing", level.ops_failing), ("not in the suite", level.ops_not_in_suite))
    for label, ops in lists:
        if ops:
            listed = ", ".join(f"<code>{_e(op)}</code>" for op in ops)
            parts.append(
                f"<details><summary>{_e(label)} ({len(ops)})</summary><p>{listed}</p></details>"
            )
    parts.append("</div>")
    return "".join(parts)


def _html_cell(op: str, dtype: str, variant: str | None, cases: list[CaseRecord],
               several: bool) -> str:
    if not cases:
        return '<td class="cell empty"></td>'
    outcome = worst_outcome(c.outcome for c in cases)
    label = "errors" if variant else _dtype_label(dtype)
    tooltip = "\n".join(
        [f"{op} · {label}: {outcome}"]
        + [
            f"{c.variant}{'' if variant is None else ' (' + c.dtype + ')'}"
            f"{_on_device(c.device, several)}: {c.outcome}"
            + (f" [{c.path}]" if c.path else "")
            for c in cases
        ]
    )
    data = f'data-op="{_e(op)}" data-dtype="{_e(dtype)}"'
    if variant is not None:
        data += f' data-variant="{_e(variant)}"'
    return (
        f'<td class="cell {_css_class(outcome)}" {data} title="{_e(tooltip)}" tabindex="0">'
        f"{_e(_symbol(outcome))}</td>"
    )


def _html_legend(several: bool) -> str:
    items = "".join(
        f'<span class="chip {_css_class(outcome)}">{_e(symbol)} {_e(outcome)}</span>'
        for outcome, symbol in OUTCOME_SYMBOLS.items()
    )
    devices = ", over every device tested" if several else ""
    return (
        f'<div class="legend" id="legend">{items}</div>'
        '<p class="muted">A cell shows the worst outcome of the operator\'s variants '
        f"(functional, inplace, out, grad) on that dtype{devices}; "
        "hover for a summary, click for details. "
        "<i>path</i>: how the operator ran most often. <i>errors</i>: whether bad inputs "
        "raise clear errors.</p>"
    )


def _html_matrix(cases: list[CaseRecord], several: bool) -> str:
    parts = ['<section id="operators">', "<h2>Operators</h2>", _html_legend(several)]
    if not cases:
        parts += ['<p id="matrix">No cases ran.</p>', "</section>"]
        return "\n".join(parts)
    dtypes, rows = _matrix(cases)
    parts.append(
        '<input id="filter" type="search" placeholder="Filter operators" '
        'aria-label="Filter operators">'
    )
    head = "".join(f"<th>{_e(_dtype_label(d))}</th>" for d in dtypes)
    parts += [
        '<div class="matrix-wrap">',
        '<table id="matrix">',
        f'<thead><tr><th class="op">operator</th>{head}<th>path</th><th>errors</th></tr></thead>',
        "<tbody>",
    ]
    for row in rows:
        cells = "".join(_html_cell(row.op, d, None, row.cells.get(d, []), several)
                        for d in dtypes)
        errors = _html_cell(row.op, NO_DTYPE, Variant.ERRORS.value, row.errors, several)
        path = f'<td class="path">{_e(row.path or "")}</td>'
        parts.append(
            f'<tr data-op="{_e(row.op)}"><th class="op">{_e(row.op)}</th>{cells}{path}{errors}'
            "</tr>"
        )
    parts += ["</tbody>", "</table>", "</div>", "</section>"]
    return "\n".join(parts)


def _html_copy(command: str) -> str:
    if not command:
        return ""
    return (
        f'<code class="cmd">{_e(command)}</code> '
        f'<button type="button" class="copy" data-copy="{_e(command)}">copy</button>'
    )


def _html_contract(contract: list[ContractRecord], several: bool) -> str:
    parts = ['<section id="contract-section">', "<h2>Device contract</h2>"]
    if not contract:
        parts += ["<p>No device-contract checks ran.</p>", "</section>"]
        return "\n".join(parts)
    device_head = "<th>device</th>" if several else ""
    parts += [
        '<table id="contract">',
        f"<thead><tr><th>check</th>{device_head}<th>outcome</th><th>time</th><th>message</th>"
        "<th>reproduce</th></tr></thead>",
        "<tbody>",
    ]
    for check in contract:
        device = f"<td>{_e(check.device or 'all')}</td>" if several else ""
        parts.append(
            f"<tr><td>{_e(check.name)}</td>{device}"
            f'<td class="{_css_class(check.outcome)}">{_e(_symbol(check.outcome))} '
            f"{_e(check.outcome)}</td>"
            f'<td class="num">{check.time_s * 1000:.1f} ms</td>'
            f'<td><pre class="message">{_e(check.message)}</pre></td>'
            f"<td>{_html_copy(check.reproduce)}</td></tr>"
        )
    parts += ["</tbody>", "</table>", "</section>"]
    return "\n".join(parts)


def _html_problems(report: Report) -> str:
    cases = sorted((c for c in report.cases if c.outcome not in _NOT_PROBLEMS), key=_case_key)
    parts = ['<section id="problems-section">', "<h2>Problems</h2>"]
    if not cases:
        parts += ["<p>None: every case passed or was skipped.</p>", "</section>"]
        return "\n".join(parts)
    several = _several_devices(report)
    device_head = "<th>device</th>" if several else ""
    parts += [
        '<table id="problems">',
        f"<thead><tr><th>operator</th><th>dtype</th><th>variant</th>{device_head}"
        "<th>outcome</th><th>message</th></tr></thead>",
        "<tbody>",
    ]
    for case in cases:
        message = case.message
        if case.expectation is not None:
            message += f"\nexpectation: {case.expectation}"
        variant = f' data-variant="{_e(case.variant)}"' if case.variant == "errors" else ""
        device = f"<td>{_e(case.device)}</td>" if several else ""
        parts.append(
            f'<tr class="problem" data-op="{_e(case.op)}" data-dtype="{_e(case.dtype)}"'
            f'{variant} tabindex="0">'
            f"<td><code>{_e(case.op)}</code></td><td>{_e(case.dtype)}</td>"
            f"<td>{_e(case.variant)}</td>{device}"
            f'<td class="{_css_class(case.outcome)}">{_e(_symbol(case.outcome))} '
            f"{_e(case.outcome)}</td>"
            f'<td><pre class="message">{_e(message)}</pre></td></tr>'
        )
    parts += ["</tbody>", "</table>", "</section>"]
    return "\n".join(parts)


_CSS: Final = """
:root { color-scheme: light; --border: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.5rem; color: #1f2328; background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
code, pre, .cmd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
h1 code { font-size: inherit; }
pre.message { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 12em;
  overflow: auto; }
#details pre.message, #details .reproduce { margin: .4rem 0 0; padding: .35rem .5rem;
  background: #fff; border: 1px solid var(--border); border-radius: 4px; }
#details .label { display: block; color: var(--muted); font-size: 12px; }
.muted, .identity { color: var(--muted); }
.emulation { display: inline-block; margin: .2rem 0; padding: .15rem .5rem; border-radius: 4px;
  background: #fff8c5; border: 1px solid #d4a72c; font-weight: 600; }
.levels { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .6rem 0; }
.level details { margin: .2rem 0 0; } .level p { margin: .2rem 0; max-width: 60rem; }
.badge { font-weight: 700; padding: .15rem .55rem; border-radius: 999px; }
.badge.yes { background: #1a7f37; color: #fff; } .badge.no { background: #cf222e; color: #fff; }
.summary, .legend { display: flex; flex-wrap: wrap; gap: .35rem; margin: .5rem 0; }
.chip { padding: .1rem .5rem; border-radius: 4px; border: 1px solid var(--border); }
.environment table { border-collapse: collapse; margin: .3rem 0; }
.environment th { text-align: left; padding-right: 1rem; font-weight: 600; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(16rem, 24rem);
  gap: 1.5rem; align-items: start; }
@media (max-width: 1100px) { .layout { grid-template-columns: minmax(0, 1fr); } }
#details { position: sticky; top: 1rem; max-height: calc(100vh - 2rem); overflow: auto;
  border: 1px solid var(--border); border-radius: 6px; padding: .75rem 1rem;
  background: #f6f8fa; margin-top: 1.5rem; }
#details h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
#details .case { border-top: 1px solid var(--border); padding: .5rem 0; }
#details table { border-collapse: collapse; width: 100%; }
#details th { text-align: left; font-weight: 600; padding-right: .75rem; vertical-align: top;
  white-space: nowrap; width: 1%; }
#details td { word-break: break-word; }
.hint { color: var(--muted); margin: 0; }
#filter { margin: .25rem 0 .5rem; padding: .3rem .5rem; width: 18rem; max-width: 100%;
  border: 1px solid var(--border); border-radius: 4px; }
.matrix-wrap { overflow: auto; max-height: 75vh; border: 1px solid var(--border);
  border-radius: 6px; }
table#matrix { border-collapse: separate; border-spacing: 0; }
#matrix th, #matrix td { border-bottom: 1px solid #eaeef2; padding: .2rem .35rem; }
#matrix thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2;
  font-weight: 600; white-space: nowrap; }
#matrix th.op { position: sticky; left: 0; background: #fff; text-align: left; z-index: 1;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 400;
  white-space: nowrap; }
#matrix thead th.op { z-index: 3; background: #f6f8fa; }
#matrix td.cell { text-align: center; min-width: 2rem; cursor: pointer; font-weight: 600; }
#matrix td.cell.empty { cursor: default; }
#matrix td.cell:focus, #matrix td.cell.selected { outline: 2px solid #0969da;
  outline-offset: -2px; }
#matrix td.path { color: var(--muted); }
#contract, #problems { border-collapse: collapse; width: 100%; }
#contract th, #contract td, #problems th, #problems td { border-bottom: 1px solid #eaeef2;
  padding: .25rem .5rem; text-align: left; vertical-align: top; }
tr.problem { cursor: pointer; } tr.problem:hover { background: #f6f8fa; }
td.num { text-align: right; white-space: nowrap; }
button.copy { font-size: 12px; padding: .05rem .45rem; cursor: pointer; border-radius: 4px;
  border: 1px solid var(--border); background: #fff; }
.o-pass { background: #dafbe1; color: #116329; }
.o-fail { background: #ffcecb; color: #a40e26; }
.o-error { background: #cf222e; color: #fff; }
.o-unsupported { background: #eaeef2; color: #57606a; }
.o-expected-failure { background: #fff1c2; color: #7d4e00; }
.o-unexpected-pass { background: #e8d5ff; color: #6639ba; }
.o-skipped { background: #f6f8fa; color: #6e7781; }
.o-unavailable { background: #afb8c1; color: #24292f; }
"""

# Builds the details panel from the embedded report; text goes in with textContent only.
_JS: Final = r"""
(function () {
  "use strict";
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var details = document.getElementById("details");
  var severalDevices = report.backend.devices.length > 1;
  var classes = {};
  ["pass", "fail", "error", "unsupported", "expected failure", "unexpected pass", "skipped",
   "unavailable"].forEach(function (o) { classes[o] = "o-" + o.replace(/[^a-z]+/g, "-"); });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function num(v) {
    if (v === null || v === undefined) { return "—"; }
    return String(Number(v.toPrecision(4)));
  }
  function copyText(text, button) {
    function done(label) {
      button.textContent = label;
      button.setAttribute("data-state", label);
      setTimeout(function () { button.textContent = "copy"; }, 2000);
    }
    function fallback() {
      var area = el("textarea", {}, [text]);
      area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area); area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok ? "copied" : "select and copy");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("copied"); }, fallback);
    } else { fallback(); }
  }
  function copyButton(text) {
    return el("button", {"type": "button", "class": "copy", "data-copy": text}, ["copy"]);
  }
  function row(label, value) {
    return el("tr", {}, [el("th", {}, [label]), el("td", {}, [value])]);
  }
  function worstText(w) {
    if (!w) { return "—"; }
    var text = (w.output ? "output " + w.output + " " : "") + "[" + w.index.join(", ") +
      "]: got " + w.got + ", expected " + w.expected + " (" + num(w.ulp_error) + " ULP)";
    if (w.inputs !== null) { text += "; inputs " + w.inputs.join(", "); }
    return text;
  }
  function caseBlock(c) {
    var table = el("table", {}, [
      row("path", c.path === null ? "did not run" : c.path),
      row("samples", String(c.samples)),
      row("max abs error", num(c.max_abs_error)),
      row("max rel error", num(c.max_rel_error)),
      row("max ULP error", num(c.max_ulp_error)),
      row("mean ULP error", num(c.mean_ulp_error)),
      row("accuracy limit", c.limit || "—"),
      row("worst input", c.worst_input === null ? "—" : c.worst_input),
      row("worst element", worstText(c.worst)),
      row("declared", c.declared === null ? "—" : (c.declared ? "yes" : "no")),
      row("time", (c.time_s * 1000).toFixed(1) + " ms")
    ]);
    if (c.expectation !== null) { table.appendChild(row("expectation", c.expectation)); }
    var block = el("div", {"class": "case"}, [
      el("div", {}, [
        el("b", {}, [c.variant + (c.variant === "errors" ? " (" + c.dtype + ")" : "") +
                     (severalDevices && c.device ? " on " + c.device : "")]),
        " ", el("span", {"class": "chip " + (classes[c.outcome] || "")}, [c.outcome])]),
      table
    ]);
    if (c.message) { block.appendChild(el("pre", {"class": "message"}, [c.message])); }
    if (c.reproduce) {
      block.appendChild(el("div", {"class": "reproduce"}, [
        el("span", {"class": "label"}, ["reproduce"]),
        el("code", {"class": "cmd"}, [c.reproduce]), " ", copyButton(c.reproduce)]));
    }
    return block;
  }
  function show(op, dtype, variant) {
    var cases = report.cases.filter(function (c) {
      if (c.op !== op) { return false; }
      if (variant === "errors") { return c.variant === "errors"; }
      return c.variant !== "errors" && c.dtype === dtype;
    });
    var label = variant === "errors" ? "errors" : (dtype === "-" ? "no dtype" : dtype);
    details.replaceChildren(el("h3", {}, [op + " · " + label]));
    if (cases.length === 0) { details.appendChild(el("p", {"class": "hint"}, ["No cases."])); }
    cases.forEach(function (c) { details.appendChild(caseBlock(c)); });
    details.scrollTop = 0;
  }
  function select(target) {
    var previous = document.querySelector("#matrix td.selected");
    if (previous) { previous.classList.remove("selected"); }
    if (target.tagName === "TD") { target.classList.add("selected"); }
    show(target.getAttribute("data-op"), target.getAttribute("data-dtype"),
         target.getAttribute("data-variant"));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (button) { copyText(button.getAttribute("data-copy"), button); return; }
    var target = event.target.closest("#matrix td.cell[data-op], tr.problem");
    if (target) { select(target); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var target = event.target.closest && event.target.closest(
      "#matrix td.cell[data-op], tr.problem");
    if (target) { event.preventDefault(); select(target); }
  });
  var filter = document.getElementById("filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var text = filter.value.trim().toLowerCase();
      document.querySelectorAll("#matrix tbody tr").forEach(function (tr) {
        tr.hidden = text !== "" && tr.getAttribute("data-op").toLowerCase().indexOf(text) < 0;
      });
    });
  }
  document.body.setAttribute("data-ready", "true");
})();
"""


# Files ---------------------------------------------------------------------------

_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def report_directory(value: str | Path) -> Path:
    """The directory a command-line ``--report-dir`` names, checked before the suite runs.

    ``~`` is expanded. Raises ``ValueError`` for an empty value (which would
    write into the current directory), for a path that is a file, and for
    one that cannot be created (below a file, or in a directory this user
    cannot write), so that a long run does not end unable to write.

    Example:
        >>> import os
        >>> report_directory("~/reports") == Path(os.path.expanduser("~/reports"))
        True
    """
    text = str(value)
    if not text.strip():
        raise ValueError("the report directory is empty. Fix: name a directory, e.g. reports")
    directory = Path(text).expanduser()
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory} is a file, not a directory. Fix: name a directory")
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(
            f"{directory} cannot be created: {existing} is a file. Fix: name a directory"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            f"{directory} cannot be written: {existing} is not writable by this user. "
            "Fix: name a directory you can write"
        )
    return directory


def write_reports(report: Report, directory: Path) -> dict[str, Path]:
    """Validate ``report`` and write ``<device_type>.json``, ``.md`` and ``.html`` to ``directory``.

    Returns the paths written, by suffix: ``{"json": ..., "md": ..., "html": ...}``.
    Raises :class:`~plugboard_conformance._schema.ReportSchemaError` (and writes
    nothing) when the report does not follow the schema.
    """
    data = report.to_json()
    validate(data)
    name = report.backend.device_type
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError(f"cannot name a report file after the device type {name!r}")
    texts = {
        "json": json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False)
        + "\n",
        "md": render_markdown(report),
        "html": render_html(report),
    }
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for suffix, text in texts.items():
        path = directory / f"{name}.{suffix}"
        path.write_text(text, encoding="utf-8", newline="\n")
        paths[suffix] = path
    return paths
