"""The Markdown and HTML reports, and the files write_reports writes."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from plugboard_conformance._model import CaseRecord, Environment, Report
from plugboard_conformance._render import (
    ENVIRONMENT_END,
    ENVIRONMENT_START,
    comparable,
    render_html,
    render_markdown,
    strip_environment,
    worst_outcome,
    write_reports,
)
from plugboard_conformance._schema import ReportSchemaError

UNSUPPORTED = "\N{EN DASH}"

# Markdown ---------------------------------------------------------------------------


def section(markdown: str, title: str) -> str:
    """The text of the ``## title`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def matrix(markdown: str) -> dict[str, dict[str, str]]:
    """The operator matrix: op -> column -> cell."""
    rows = [
        line for line in section(markdown, "Operators").splitlines() if line.startswith("|")
    ]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table: dict[str, dict[str, str]] = {}
    for line in rows[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0].strip("`")] = dict(zip(header, cells, strict=True))
    return table


def test_markdown_is_deterministic(report: Report) -> None:
    assert render_markdown(report) == render_markdown(report)


def test_markdown_does_not_depend_on_case_order_timings_or_dates(report: Report) -> None:
    cases = [replace(c, time_s=c.time_s * 7 + 1) for c in report.cases]
    random.Random(4).shuffle(cases)
    other = replace(report, cases=cases, started="2031-12-24T23:59:59Z", duration_s=999.25)
    assert render_markdown(other) == render_markdown(report)


def test_markdown_holds_no_timing(report: Report) -> None:
    markdown = render_markdown(report)
    assert "2024" not in markdown
    assert "12.5" not in markdown
    assert "0.0125" not in markdown
    assert not re.search(r"\d\s*(ms|s)\b", markdown)


def test_markdown_identity(make_report: Any) -> None:
    report = make_report()
    report.backend.emulation = "host emulation: MLX CPU device"
    markdown = render_markdown(report)
    assert markdown.startswith("# Conformance report: synth\n")
    head = markdown.split(ENVIRONMENT_START)[0]
    for text in ("plugboard-synth 0.3.1", "plugboard 0.1.0", "suite 0.1.0", "opset v1",
                 "synth:0", "**host emulation: MLX CPU device**"):
        assert text in " ".join(head.split()), text


def test_no_emulation_label_for_real_hardware(report: Report) -> None:
    assert "emulation" not in render_markdown(report)


def test_environment_block_is_strippable(report: Report) -> None:
    markdown = render_markdown(report)
    assert markdown.count(f"\n{ENVIRONMENT_START}\n") == 1
    assert markdown.count(f"\n{ENVIRONMENT_END}\n") == 1
    assert "Synthetic Device 9000" in markdown
    stripped = strip_environment(markdown)
    assert "Synthetic Device 9000" not in stripped
    assert "environment" not in stripped
    elsewhere = replace(
        report, environment=Environment("Other GPU", "9.9", "Darwin", "3.12.1", "2.2.0", "arm64")
    )
    assert render_markdown(elsewhere) != markdown
    assert strip_environment(render_markdown(elsewhere)) == stripped


def test_strip_environment_leaves_text_without_a_block_alone() -> None:
    assert strip_environment("# title\n\nbody\n") == "# title\n\nbody\n"


def test_levels_section(report: Report) -> None:
    levels = section(render_markdown(report), "Levels")
    assert "core-conformant: no" in levels
    assert "nn-conformant: no" in levels
    assert "failing (4): `pb::add`, `pb::exp`, `pb::sin`, `pb::sum`" in levels
    assert "not in the suite (139):" in levels
    assert "`pb::zeros_like`" in levels
    assert max(len(line) for line in levels.splitlines()) <= 100


def test_levels_say_yes(make_report: Any) -> None:
    from plugboard_conformance._opset_v1 import CORE_OPS, NN_OPS

    cases = [CaseRecord(op, "float32", "functional", "pass") for op in sorted(CORE_OPS | NN_OPS)]
    levels = section(render_markdown(make_report(cases=cases)), "Levels")
    assert "core-conformant: yes" in levels
    assert "nn-conformant: yes" in levels
    assert "failing" not in levels


def test_summary_table(report: Report) -> None:
    summary = section(render_markdown(report), "Summary")
    assert "| ✓ pass | 10 |" in summary
    assert "| ✗ fail | 3 |" in summary
    assert "| x expected failure | 1 |" in summary
    assert "| total | 21 |" in summary


def test_matrix_cells(report: Report) -> None:
    table = matrix(render_markdown(report))
    add = table["pb::add"]
    assert add["float32"] == "✓"
    assert add["float16"] == "✗"  # a failing functional case beats a passing inplace one
    assert add["int8"] == UNSUPPORTED
    assert add["bool"] == ""
    assert add["path"] == "native"
    assert add["errors"] == "✓"
    assert table["pb::sum"]["bfloat16"] == "E"
    assert table["pb::sum"]["bool"] == UNSUPPORTED
    assert table["pb::sin"]["float32"] == "x"
    assert table["pb::sin"]["float64"] == "!"
    assert table["pb::relu"]["float32"] == "s"  # skipped beats pass
    assert table["pb::relu"]["path"] == "composite"
    assert table["pb::softmax"]["errors"] == "✗"
    assert table["pb::softmax"]["float32"] == "✓"
    assert table["pb::exp"]["float32"] == "u"
    assert table["pb::matmul"]["path"] == "fallback"


def test_matrix_columns_and_rows_are_ordered(report: Report) -> None:
    markdown = render_markdown(report)
    header = next(line for line in section(markdown, "Operators").splitlines()
                  if line.startswith("| operator"))
    assert header == (
        "| operator | bool | int8 | float16 | bfloat16 | float32 | float64 | path | errors |"
    )
    assert list(matrix(markdown)) == sorted(matrix(markdown))


@pytest.mark.parametrize(
    ("outcomes", "worst"),
    [
        (["pass", "error", "fail"], "error"),
        (["fail", "unexpected pass"], "fail"),
        (["unexpected pass", "expected failure"], "unexpected pass"),
        (["expected failure", "unsupported"], "expected failure"),
        (["skipped", "unsupported"], "unsupported"),
        (["pass", "skipped"], "skipped"),
        (["pass"], "pass"),
        (["pass", "something new"], "something new"),
    ],
)
def test_worst_outcome(outcomes: list[str], worst: str) -> None:
    assert worst_outcome(outcomes) == worst


def test_legend_and_contract(report: Report) -> None:
    markdown = render_markdown(report)
    assert f"Legend: ✓ pass · ✗ fail · E error · {UNSUPPORTED} unsupported" in markdown
    contract = section(markdown, "Device contract")
    assert "| `copy to host` | ✗ fail | copy\\_ to host returned stale data |" in contract


def test_problems_list_every_case_but_passes_and_skips(report: Report) -> None:
    problems = section(render_markdown(report), "Problems")
    items = [line for line in problems.splitlines() if line.startswith("- ")]
    expected = [c for c in report.cases if c.outcome not in ("pass", "skipped")]
    assert len(items) == len(expected) + 1  # and the failed contract check
    assert "- contract check `copy to host`: **fail**" in items
    assert "- `pb::add` · float16 · functional: **fail**" in items
    assert "- `pb::softmax` · no dtype · errors: **fail**" in items
    assert "expectation: known bug: sin loses precision above 1e4" in problems
    assert ("reproduce: `pytest --pyargs plugboard_conformance --backend synth "
            "-k 'test_op and add and float16 and functional'`") in problems
    assert "max abs error 0.5 exceeds atol 0.001 at index \\[3\\]" in problems
    assert "pb::relu` · float32 · functional" not in problems


def test_markdown_escapes_messages(report: Report) -> None:
    markdown = render_markdown(report)
    assert "</script>" not in markdown
    assert "<b>" not in markdown
    assert "\\</script\\>" in markdown


def test_markdown_hides_object_addresses(make_report: Any) -> None:
    def with_address(address: str) -> Report:
        case = CaseRecord("pb::add", "float32", "functional", "error",
                          message=f"TypeError: <object at {address}> is not a tensor")
        built: Report = make_report(cases=[case])
        return built

    first = render_markdown(with_address("0x7f3a2b1c9d10"))
    assert first == render_markdown(with_address("0x7f00aa000010"))
    assert "0x7f3a" not in first


def test_an_empty_report_renders(make_report: Any) -> None:
    report = make_report(cases=[], contract=[])
    markdown = render_markdown(report)
    assert "No cases ran." in markdown
    assert "No device-contract checks ran." in markdown
    assert "None: every case passed or was skipped." in markdown
    assert 'id="report-data"' in render_html(report)


# HTML -------------------------------------------------------------------------------

DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def test_html_embeds_the_report_json(report: Report) -> None:
    page = render_html(report)
    match = DATA.search(page)
    assert match
    assert json.loads(match.group(1)) == report.to_json()


def test_html_embeds_json_safely(report: Report) -> None:
    page = render_html(report)
    assert "alert(" in page  # the hostile message is there, but inert:
    assert "</script><script>alert" not in page
    assert page.count("</script>") == 2  # the data's and the code's
    assert page.count("<script") == 2
    embedded = DATA.search(page)
    assert embedded and "</" not in embedded.group(1) and "<!--" not in embedded.group(1)


def test_html_is_self_contained(report: Report) -> None:
    page = render_html(report)
    outside_data = DATA.sub("", page)
    assert "http://" not in outside_data and "https://" not in outside_data
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<style>" in page and "<script>" in page
    assert "<link rel=\"stylesheet\"" not in page


def test_html_matrix_cells(report: Report) -> None:
    page = render_html(report)
    cell = re.search(
        r'<td class="cell ([^"]+)" data-op="pb::add" data-dtype="float16" title="([^"]*)"', page,
    )
    assert cell
    assert cell.group(1) == "o-fail"
    assert "functional: fail [native]" in cell.group(2)
    assert "inplace: pass" in cell.group(2)
    assert 'data-op="pb::softmax" data-dtype="-" data-variant="errors"' in page
    assert 'class="cell o-expected-failure"' in page
    assert 'id="legend"' in page and 'id="matrix"' in page and 'id="details"' in page


def test_html_header(make_report: Any) -> None:
    report = make_report()
    report.backend.emulation = "host emulation: <NumPy>"
    page = render_html(report)
    assert "<title>Conformance report: synth</title>" in page
    assert 'class="emulation">host emulation: &lt;NumPy&gt;</p>' in page
    assert "core-conformant: no" in page and "nn-conformant: no" in page
    assert "Synthetic Device 9000" in page
    assert "copy to host" in page


def test_html_escapes_text_outside_the_data(report: Report) -> None:
    outside_data = DATA.sub("", render_html(report))
    assert "<b>|pipes|</b>" not in outside_data
    assert "&lt;b&gt;|pipes|&lt;/b&gt;" in outside_data


# Files ------------------------------------------------------------------------------


def test_write_reports(report: Report, tmp_path: Path) -> None:
    directory = tmp_path / "out" / "reports"
    paths = write_reports(report, directory)
    assert paths == {
        "json": directory / "synth.json",
        "md": directory / "synth.md",
        "html": directory / "synth.html",
    }
    text = paths["json"].read_text(encoding="utf-8")
    assert json.loads(text) == report.to_json()
    assert text.startswith('{\n  "schema_version": "1.2",\n  "suite_version"')
    assert text.endswith("}\n")
    assert paths["md"].read_text(encoding="utf-8") == render_markdown(report)
    assert paths["html"].read_text(encoding="utf-8") == render_html(report)


def test_write_reports_refuses_an_invalid_report(make_report: Any, tmp_path: Path) -> None:
    report = make_report()
    report.cases[0].outcome = "great"
    with pytest.raises(ReportSchemaError, match=r"\$\.cases\[0\]\.outcome"):
        write_reports(report, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_write_reports_refuses_an_unsafe_file_name(make_report: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="device type"):
        write_reports(make_report(backend="../evil"), tmp_path)


def test_the_markdown_shows_each_operators_limit_and_ulp_errors(report: Report) -> None:
    text = render_markdown(report)
    section = text.split("## Accuracy\n", 1)[1].split("\n## ", 1)[0]
    assert "| operator | limit | float32 |" in section
    # The largest ULP error over the variants, the mean in parentheses.
    assert "| `pb::add` | 0 ULP | 0.5 (0.013) |" in section


def test_the_html_case_details_show_the_limit_and_the_worst_element(report: Report) -> None:
    html = render_html(report)
    assert '"limit":"0 ULP"' in html and '"mean_ulp_error":0.0125' in html
    assert '"inputs":[-1.5,3.0]' in html
    assert 'row("worst element", worstText(c.worst))' in html


# Comparing a committed report with a new one ---------------------------------------------

_ACCURACY = """## Accuracy

| operator | limit | float16 | float32 |
|---|---|---:|---:|
| `pb::atan2` | 6 ULP | 0 (0) | 1.8 (0.46) |
| `pb::bmm` | 1 ULP + 3 sqrt(n) eps(acc) sum\\|terms\\| |   | 7.3e+03 (8.3) |

## Device contract
"""


def test_measured_errors_from_another_machine_compare_equal() -> None:
    other_machine = _ACCURACY.replace("0 (0)", "1 (0.25)").replace("7.3e+03 (8.3)", "1.3e+04 (11)")
    assert comparable(other_machine) == comparable(_ACCURACY)
    assert comparable(_ACCURACY) != _ACCURACY  # the values are what is masked


@pytest.mark.parametrize(("old", "new"), [
    ("| 6 ULP |", "| 5 ULP |"),  # a limit changed
    ("|   | 7.3e+03 (8.3) |", "| 7 (0.1) | 7.3e+03 (8.3) |"),  # a dtype newly measured
    ("| `pb::atan2` |", "| `pb::atan` |"),  # another operator
])
def test_what_the_accuracy_table_says_apart_from_the_values_is_compared(
    old: str, new: str
) -> None:
    assert old in _ACCURACY
    assert comparable(_ACCURACY.replace(old, new)) != comparable(_ACCURACY)


def test_outside_the_accuracy_section_numbers_are_compared() -> None:
    text = "## Summary\n| cases | 3 (1) |\n"
    assert comparable(text) == text
    assert comparable(text.replace("3 (1)", "4 (1)")) != comparable(text)
