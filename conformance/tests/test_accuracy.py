"""The accuracy model: one limit per operator, documented, and applied as stated."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import plugboard as pb
from plugboard_conformance._accuracy import LIMITS, Bound, duplicates, limit_for, markdown_table
from plugboard_conformance._checks import compare
from plugboard_conformance._opdb import all_ops
from plugboard_conformance._schema import upgrade

ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"


def test_the_documented_table_is_the_table() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    found = re.search(r"<!-- accuracy-limits:start -->\n(.*?)<!-- accuracy-limits:end -->",
                      text, re.S)
    assert found, "docs/architecture.md has no accuracy-limits block"
    assert found[1] == markdown_table(), "regenerate the block from _accuracy.markdown_table()"


def test_every_operator_with_floating_results_has_one_limit() -> None:
    floating = {i.name for i in all_ops()
                if i.check is None and any(d.is_floating_point for d in i.dtypes)}
    comparisons = {"pb::eq", "pb::ne", "pb::lt", "pb::le", "pb::gt", "pb::ge", "pb::isnan",
                   "pb::isinf", "pb::isfinite", "pb::logical_not", "pb::logical_and",
                   "pb::logical_or", "pb::logical_xor", "pb::argmax", "pb::argmin",
                   "pb::argsort", "pb::all", "pb::any"}  # bool or int64 results: exact
    assert sorted(floating - comparisons - set(LIMITS)) == []
    assert sorted(set(LIMITS) - floating) == []
    assert duplicates() == []


def _f32(values: list[float]) -> np.ndarray:
    return np.array(values, np.float32)


def test_a_correctly_rounded_result_is_0_ulp_off_and_one_ulp_more_fails_an_exact_op() -> None:
    expected = np.array([1.0 / 3.0, 1e-40, -7.25])
    rounded = expected.astype(np.float32)
    exact = compare(rounded, expected, pb.float32, limit_for("pb::add"))
    assert exact.ok and exact.max_ulp == 0.0
    off = rounded.copy()
    off[0] = np.nextafter(off[0], np.float32(1))
    result = compare(off, expected, pb.float32, limit_for("pb::add"))
    assert not result.ok
    assert "worst at (0,)" in result.problem and "1 ULP (limit 0 ULP there)" in result.problem
    assert result.worst is not None and result.worst.index == (0,)


def test_a_limit_in_ulp_allows_that_many_and_no_more() -> None:
    expected = np.exp(np.array([0.5, 1.5, 2.5]))
    rounded = expected.astype(np.float32)
    three = rounded + 3 * np.spacing(rounded)
    four = rounded + 4 * np.spacing(rounded)
    assert compare(three, expected, pb.float32, limit_for("pb::exp")).ok
    assert not compare(four, expected, pb.float32, limit_for("pb::exp")).ok


def test_a_sum_allowance_follows_the_terms_and_the_accumulation_type() -> None:
    sum_limit = limit_for("pb::sum")
    assert sum_limit.bound is Bound.TERMS
    # Near zero after cancellation: many ULP of the result, few of the terms' size.
    expected = np.array(1e-6)
    got = np.array(1e-6 + 1e-12)
    assert compare(got, expected, pb.float64, sum_limit, magnitude=1e3, terms=1000).ok
    # The same error is a float32 accumulation's when the terms are small.
    assert not compare(got, expected, pb.float64, sum_limit, magnitude=1.0, terms=1000).ok


def test_special_values_must_match_whatever_the_limit() -> None:
    result = compare(_f32([np.inf, 1.0]), np.array([np.nan, 1.0]), pb.float32,
                     limit_for("pb::sum"), magnitude=1e30, terms=10)
    assert not result.ok and "special value" in result.problem


def test_1_1_reports_upgrade_to_1_2_without_accuracy_statistics() -> None:
    old = {"schema_version": "1.1", "backend": {"device": "cpu:0"},
           "cases": [{"op": "pb::add", "traceback": ""}], "contract": []}
    new = upgrade(old)
    assert new["schema_version"] == "1.2"
    assert new["cases"] == [{"op": "pb::add", "traceback": "", "mean_ulp_error": None,
                             "limit": "", "worst": None, "device": "cpu:0"}]
    assert new["backend"]["devices"] == ["cpu:0"]
    assert upgrade({"schema_version": "1.0", "cases": [{"op": "pb::add"}], "contract": []}
                   )["cases"][0]["traceback"] == ""


def test_an_exact_operation_keeps_the_sign_of_zero_and_a_selection_may_pick_either() -> None:
    expected = np.array([-0.0, 0.0, 2.0])  # neg([0.0, -0.0, -2.0])
    positive_zero = _f32([0.0, 0.0, 2.0])  # what 0 - x gives
    result = compare(positive_zero, expected, pb.float32, limit_for("pb::neg"))
    assert not result.ok
    assert "signed zero" in result.problem and "first at (0,)" in result.problem
    assert compare(_f32([-0.0, 0.0, 2.0]), expected, pb.float32, limit_for("pb::neg")).ok
    # maximum(-0.0, 0.0): IEEE 754 leaves the choice open, so either zero passes.
    assert compare(positive_zero, expected, pb.float32, limit_for("pb::maximum")).ok
