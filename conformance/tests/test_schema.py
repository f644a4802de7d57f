"""The report schema: it describes Report.to_json() exactly, and validation names the problem."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

import plugboard as pb
from plugboard_conformance._model import (
    SCHEMA_VERSION,
    BackendIdentity,
    CaseRecord,
    ContractRecord,
    Environment,
    Level,
    Outcome,
    Report,
    Variant,
    WorstInput,
)
from plugboard_conformance._schema import SCHEMA_PATH, ReportSchemaError, load_schema, validate


def reject(data: dict[str, Any]) -> ReportSchemaError:
    with pytest.raises(ReportSchemaError) as caught:
        validate(data)
    return caught.value


def test_the_schema_ships_in_the_package_and_is_draft_2020_12() -> None:
    assert SCHEMA_PATH.is_file()
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION == "1.2"
    load_schema()["title"] = "changed"
    assert load_schema()["title"] != "changed"  # each call returns a fresh copy


def test_enums_are_the_models() -> None:
    defs = load_schema()["$defs"]
    assert defs["outcome"]["enum"] == [o.value for o in Outcome]
    case = defs["case_record"]["properties"]
    assert case["variant"]["enum"] == [v.value for v in Variant]
    assert case["path"]["enum"] == ["native", "composite", "fallback", "meta", None]


@pytest.mark.parametrize(
    ("pointer", "model"),
    [
        (("properties",), Report),
        (("properties", "backend", "properties"), BackendIdentity),
        (("properties", "environment", "properties"), Environment),
        (("$defs", "level", "properties"), Level),
        (("$defs", "contract_record", "properties"), ContractRecord),
        (("$defs", "case_record", "properties"), CaseRecord),
        (("$defs", "worst_element", "properties"), WorstInput),
    ],
)
def test_every_field_is_in_the_schema_required_and_described(
    pointer: tuple[str, ...], model: type
) -> None:
    schema = load_schema()
    node: dict[str, Any] = schema
    for key in pointer:
        node = node[key]
    fields = [f.name for f in dataclasses.fields(model)]
    assert list(node) == fields
    parent = schema
    for key in pointer[:-1]:
        parent = parent[key]
    assert parent["required"] == fields
    assert parent["additionalProperties"] is False
    for name, prop in node.items():
        assert prop.get("description"), f"{name} has no description"


def test_a_synthetic_report_validates(report: Report) -> None:
    validate(report.to_json())
    validate(json.loads(json.dumps(report.to_json())))


def test_an_empty_report_validates(make_report: Any) -> None:
    validate(make_report(cases=[], contract=[]).to_json())


def test_errors_are_plugboard_value_errors() -> None:
    error = reject({})
    assert isinstance(error, pb.PlugboardError)
    assert isinstance(error, ValueError)


def test_a_missing_top_level_field(report: Report) -> None:
    data = report.to_json()
    del data["suite_version"]
    error = reject(data)
    assert error.path == "$"
    assert "'suite_version' is a required property" in str(error)


def test_a_missing_case_field_names_the_case(report: Report) -> None:
    data = report.to_json()
    del data["cases"][2]["outcome"]
    error = reject(data)
    assert error.path == "$.cases[2]"
    assert "outcome" in str(error)
    assert "$.cases[2]" in str(error)


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        (("cases", 1, "outcome"), "passed", "$.cases[1].outcome"),
        (("cases", 0, "variant"), "strided", "$.cases[0].variant"),
        (("cases", 0, "path"), "gpu", "$.cases[0].path"),
        (("contract", 1, "outcome"), "PASS", "$.contract[1].outcome"),
        (("schema_version",), "2.0", "$.schema_version"),
        (("levels", "core", "conformant"), "yes", "$.levels.core.conformant"),
        (("cases", 3, "samples"), -1, "$.cases[3].samples"),
        (("backend", "api_version"), ["1", "0"], "$.backend.api_version[0]"),
    ],
)
def test_a_wrong_value_names_its_path(
    report: Report, where: tuple[Any, ...], value: Any, path: str
) -> None:
    data = report.to_json()
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    error = reject(data)
    assert error.path == path
    assert path in str(error)


def test_a_null_path_is_valid(report: Report) -> None:
    data = report.to_json()
    data["cases"][0]["path"] = None
    validate(data)


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ((), "$"),
        (("backend",), "$.backend"),
        (("cases", 4), "$.cases[4]"),
        (("levels",), "$.levels"),
    ],
)
def test_an_extra_field_is_refused(report: Report, where: tuple[Any, ...], path: str) -> None:
    data = report.to_json()
    node = data
    for key in where:
        node = node[key]
    node["colour"] = "red"
    error = reject(data)
    assert error.path == path
    assert "colour" in str(error)


def test_an_unknown_outcome_in_the_summary(report: Report) -> None:
    data = report.to_json()
    data["summary"]["crashed"] = 1
    assert "crashed" in str(reject(data))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_are_refused(report: Report, value: float) -> None:
    data = copy.deepcopy(report.to_json())
    data["cases"][3]["max_abs_error"] = value
    error = reject(data)
    assert error.path == "$.cases[3].max_abs_error"
    assert "finite" in str(error)
