"""Conformance levels from cases, and the opset data they are computed against."""

from __future__ import annotations

from collections import Counter

import pytest

from plugboard_conformance._levels import blocks_level, compute_levels, differentiable_ops
from plugboard_conformance._model import CaseRecord, Outcome, Report
from plugboard_conformance._opset_v1 import (
    CORE_OPS,
    NN_OPS,
    OPSET,
    OPSET_VERSION,
    SECTIONS,
)


def passing(ops: frozenset[str] | set[str]) -> list[CaseRecord]:
    return [CaseRecord(op, "float32", "functional", "pass", path="native") for op in sorted(ops)]


ALL_OPS = CORE_OPS | NN_OPS


# The opset --------------------------------------------------------------------------


def test_opset_version_and_sections() -> None:
    assert OPSET_VERSION == "1"
    assert {e.section for e in OPSET} == set(SECTIONS)
    assert {e.kind for e in OPSET} == {"P", "C", "V", "core"}


def test_every_entry_is_listed_once_per_section() -> None:
    counts = Counter((e.name, e.section) for e in OPSET)
    assert max(counts.values()) == 1
    assert len(OPSET) == 159
    assert len(CORE_OPS) == 145
    assert len(NN_OPS) == 14


def test_linear_is_in_both_profiles() -> None:
    assert {e.section for e in OPSET if e.name == "pb::linear"} == {"linalg", "nn"}
    shared = CORE_OPS & NN_OPS
    assert shared == {"pb::linear"}


@pytest.mark.parametrize(
    ("name", "section", "kind"),
    [
        ("pb::zeros_like", "creation", "C"),
        ("pb::tensor", "creation", "core"),
        ("pb::from_numpy", "creation", "core"),
        ("pb::asarray", "creation", "core"),
        ("pb::to", "creation", "C"),
        ("pb::copy_", "creation", "P"),
        ("pb::sub", "elementwise", "P"),
        ("pb::div", "elementwise", "P"),
        ("pb::gelu", "elementwise", "C"),
        ("pb::bitwise_right_shift", "elementwise", "P"),
        ("pb::std", "reductions", "C"),
        ("pb::max", "reductions", "C"),
        ("pb::min", "reductions", "C"),
        ("pb::matmul", "linalg", "P"),
        ("pb::reshape", "shape", "V"),
        ("pb::as_strided", "shape", "V"),
        ("indexing:basic", "shape", "V"),
        ("pb::index_put", "shape", "P"),
        ("pb::pad", "shape", "C"),
        ("indexing:advanced", "shape", "C"),
        ("pb::batch_norm", "nn", "C"),
        ("pb::scaled_dot_product_attention", "nn", "C"),
    ],
)
def test_entries(name: str, section: str, kind: str) -> None:
    assert any(e.name == name and e.section == section and e.kind == kind for e in OPSET)


def test_names_are_bare_operator_names() -> None:
    for entry in OPSET:
        assert entry.name.startswith(("pb::", "indexing:")), entry
        assert " " not in entry.name and "(" not in entry.name, entry


# Levels -----------------------------------------------------------------------------


def grads_passing(ops: frozenset[str] | set[str]) -> list[CaseRecord]:
    return [CaseRecord(op, dtype, "grad", "pass") for op in sorted(ops)
            for dtype in ("float32", "float64")]


def test_everything_passing_is_conformant_at_every_level() -> None:
    levels = compute_levels(passing(ALL_OPS) + grads_passing(differentiable_ops()))
    assert set(levels) == {"core", "nn", "autograd"}
    assert levels["autograd"].conformant
    assert levels["autograd"].ops_tested == len(differentiable_ops())
    core, nn = levels["core"], levels["nn"]
    assert core.conformant and nn.conformant
    assert core.ops_tested == len(CORE_OPS)
    assert nn.ops_tested == len(NN_OPS)
    assert core.ops_failing == core.ops_not_in_suite == []


def test_an_op_without_cases_is_not_in_the_suite() -> None:
    levels = compute_levels(passing(ALL_OPS - {"pb::cumprod", "pb::atan2"}))
    core = levels["core"]
    assert not core.conformant
    assert core.ops_not_in_suite == ["pb::atan2", "pb::cumprod"]
    assert core.ops_failing == []
    assert core.ops_tested == len(CORE_OPS) - 2


def test_nn_conformance_requires_core_conformance() -> None:
    levels = compute_levels(passing(ALL_OPS - {"pb::sort"}))
    assert not levels["core"].conformant
    nn = levels["nn"]
    assert not nn.conformant
    assert nn.ops_failing == nn.ops_not_in_suite == []  # its own operators are fine


def test_core_does_not_depend_on_nn() -> None:
    cases = passing(ALL_OPS)
    cases.append(CaseRecord("pb::softmax", "float16", "functional", "fail"))
    levels = compute_levels(cases)
    assert levels["core"].conformant
    assert not levels["nn"].conformant
    assert levels["nn"].ops_failing == ["pb::softmax"]


def test_linear_counts_for_both_levels() -> None:
    cases = passing(ALL_OPS)
    cases.append(CaseRecord("pb::linear", "float16", "out", "error"))
    levels = compute_levels(cases)
    assert levels["core"].ops_failing == ["pb::linear"]
    assert levels["nn"].ops_failing == ["pb::linear"]


@pytest.mark.parametrize(
    "outcome",
    [Outcome.FAIL, Outcome.ERROR, Outcome.EXPECTED_FAILURE, Outcome.UNEXPECTED_PASS,
     Outcome.UNAVAILABLE],
)
def test_outcomes_that_fail_an_op(outcome: Outcome) -> None:
    cases = passing(ALL_OPS)
    cases.append(CaseRecord("pb::add", "int16", "inplace", outcome.value, expectation="why"))
    core = compute_levels(cases)["core"]
    assert core.ops_failing == ["pb::add"]
    assert not core.conformant


@pytest.mark.parametrize("outcome", [Outcome.PASS, Outcome.SKIPPED])
def test_outcomes_that_do_not_fail_an_op(outcome: Outcome) -> None:
    cases = passing(ALL_OPS)
    cases.append(CaseRecord("pb::add", "int16", "inplace", outcome.value))
    assert compute_levels(cases)["core"].conformant


def test_unsupported_is_fine_only_as_a_declared_limitation() -> None:
    limitation = CaseRecord(
        "pb::exp", "float64", "functional", "unsupported", declared=False,
        expectation="the device has no float64",
    )
    missing_kernel = CaseRecord("pb::exp", "bfloat16", "functional", "unsupported", declared=False)
    assert not blocks_level(limitation)
    assert blocks_level(missing_kernel)
    assert compute_levels([*passing(ALL_OPS), limitation])["core"].conformant
    core = compute_levels([*passing(ALL_OPS), limitation, missing_kernel])["core"]
    assert core.ops_failing == ["pb::exp"]


def test_ops_outside_the_opset_do_not_count() -> None:
    cases = [*passing(ALL_OPS), CaseRecord("pb::frobnicate", "float32", "functional", "fail")]
    levels = compute_levels(cases)
    assert levels["core"].conformant and levels["nn"].conformant
    assert levels["core"].ops_tested == len(CORE_OPS)


def test_no_cases_at_all() -> None:
    levels = compute_levels([])
    assert levels["core"].ops_tested == 0
    assert levels["core"].ops_not_in_suite == sorted(CORE_OPS)
    assert levels["nn"].ops_not_in_suite == sorted(NN_OPS)
    assert not levels["core"].conformant and not levels["nn"].conformant


def test_the_synthetic_report(report: Report) -> None:
    core, nn = report.levels["core"], report.levels["nn"]
    # add: float16 fails; sum: error, and bool unsupported without an expectation;
    # sin: expected failure and unexpected pass; exp: unavailable. matmul and relu are fine.
    assert core.ops_failing == ["pb::add", "pb::exp", "pb::sin", "pb::sum"]
    assert core.ops_tested == 6
    assert nn.ops_failing == ["pb::softmax"]
    assert nn.ops_tested == 1
    assert not core.conformant and not nn.conformant


def test_the_opset_lists_every_registered_core_operator() -> None:
    import plugboard.library

    # Second forms of one PyTorch function, reached through its front end.
    forms = {"pb::conv2d_padding", "pb::index_put_", "pb::max_dim", "pb::min_dim",
             "pb::split_with_sizes"}
    registered = {op.name for op in plugboard.library.registered_ops()
                  if op.name.startswith("pb::")}
    listed = {e.name for e in OPSET if e.name.startswith("pb::") and e.kind != "core"}
    assert registered - forms == listed


# The autograd level ----------------------------------------------------------------


def test_the_differentiable_operators_are_the_floating_ones_of_the_opset() -> None:
    ops = differentiable_ops()
    assert ops <= ALL_OPS
    assert {"pb::add", "pb::matmul", "pb::softmax", "pb::conv2d", "pb::sort",
            "indexing:basic"} <= ops
    # Comparisons, integer results, random numbers and creation have no gradient.
    assert not ops & {"pb::eq", "pb::argmax", "pb::randn", "pb::dropout", "pb::zeros",
                      "pb::zeros_like", "pb::bitwise_and", "pb::isnan"}


def test_a_failing_grad_case_keeps_the_backend_from_autograd_only() -> None:
    cases = passing(ALL_OPS) + grads_passing(differentiable_ops())
    cases.append(CaseRecord("pb::tanh", "float64", "grad", "fail"))
    levels = compute_levels(cases)
    assert levels["core"].conformant and levels["nn"].conformant
    assert not levels["autograd"].conformant
    assert levels["autograd"].ops_failing == ["pb::tanh"]


def test_autograd_needs_every_differentiable_operator_and_core_conformance() -> None:
    grads = grads_passing(differentiable_ops() - {"pb::cumprod"})
    levels = compute_levels(passing(ALL_OPS) + grads)
    assert levels["autograd"].ops_not_in_suite == ["pb::cumprod"]
    assert not levels["autograd"].conformant
    everything = grads_passing(differentiable_ops())
    levels = compute_levels(passing(ALL_OPS - {"pb::sort"}) + everything)
    assert not levels["core"].conformant
    assert not levels["autograd"].conformant
    assert levels["autograd"].ops_failing == levels["autograd"].ops_not_in_suite == []
