"""plugboard._codegen.pointwise: the table covers every elementwise operator it names."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard.codegen import BY_NAME, CUDA, ELEMENTWISE, POINTWISE, Elementwise


def test_names_are_unique() -> None:
    assert len(BY_NAME) == len(POINTWISE)


def _rows(e: Elementwise, dtype: pb.DType) -> list[str]:
    if e.kind == "div":
        return ["div", "div_trunc", "div_floor"] if dtype.is_floating_point else [
            "div_trunc", "div_floor"]  # true division of integers computes in float
    if e.kind == "round":
        return ["round", "round_scaled", "round_unscaled"] if dtype.is_floating_point else [
            "round"]
    return [e.op]


@pytest.mark.parametrize("e", ELEMENTWISE, ids=lambda e: e.op)
def test_every_operator_has_an_expression_for_each_of_its_dtypes(e: Elementwise) -> None:
    for dtype in e.dtypes:
        for row in _rows(e, dtype):
            op = BY_NAME[row]
            assert len(op.inputs) == e.n_inputs or e.kind != "row"
            assert op.expression(CUDA.ctype(dtype)) is not None, (row, dtype)


def test_kinds_fall_back_from_specific_to_any() -> None:
    abs_ = BY_NAME["abs"]
    assert abs_.expression(CUDA.ctype(pb.uint8)) == "$a"
    assert abs_.expression(CUDA.ctype(pb.int8)) == "($T)($a < 0 ? -($U)$a : ($U)$a)"
    assert abs_.expression(CUDA.ctype(pb.bool)) is None  # no abs of bool
    assert BY_NAME["eq"].expression(CUDA.ctype(pb.bool)) == "$a == $b"  # "any"
    assert "pb_div_trunc" in BY_NAME["div_trunc"].helper(CUDA.ctype(pb.int16))
    assert BY_NAME["neg"].helper(CUDA.ctype(pb.int16)) == ""
