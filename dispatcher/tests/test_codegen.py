"""plugboard.codegen: layouts, the dtype a row computes in, and how operators pick rows."""

from __future__ import annotations

from typing import Any

import pytest

import plugboard as pb
from plugboard.codegen import (
    BY_NAME,
    ELEMENTWISE_BY_NAME,
    MAX_DIMS,
    check_divisor,
    collapse,
    compute_dtype,
    layout_records,
)


def test_collapse_merges_what_every_operand_walks_contiguously() -> None:
    assert collapse((4, 5), [(5, 1), (5, 1)]) == ((20,), [(1,), (1,)])
    assert collapse((4, 5), [(5, 1), (1, 4)]) == ((4, 5), [(5, 1), (1, 4)])  # transposed
    assert collapse((1, 1), [(1, 1)]) == ((), [()])


def test_layout_records_fill_the_struct_and_split_too_many_dimensions() -> None:
    [(n, record)] = layout_records(((3, 4), [(4, 1), (0, 1)]), [7, 2])
    assert n == 12 and int(record["ndim"]) == 2
    assert list(record["size"][:2]) == [3, 4] and list(record["offset"][:2]) == [7, 2]
    assert list(record["stride"][1, :2]) == [0, 1]
    sizes = (2,) * (MAX_DIMS + 1)
    strides = [tuple(2 ** k for k in reversed(range(MAX_DIMS + 1)))]
    split = list(layout_records((sizes, strides), [5]))
    assert len(split) == 2  # along the leading dimension
    assert [int(r["offset"][0]) for _, r in split] == [5, 5 + 2 ** MAX_DIMS]
    assert all(n == 2 ** MAX_DIMS for n, _ in split)


def test_a_row_computes_in_its_first_tensor_input_dtype() -> None:
    out = pb.zeros(3, dtype=pb.bool)
    x = pb.zeros(3, dtype=pb.int16)
    assert compute_dtype(BY_NAME["lt"], (2, x), out) is pb.int16
    assert compute_dtype(BY_NAME["where"], (out, 1, x), x) is pb.int16  # the mask is not it
    assert compute_dtype(BY_NAME["neg"], (1,), x) is pb.int16  # numbers only: out's


def _calls(op: str, *args: Any, out: pb.Tensor) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    ELEMENTWISE_BY_NAME[op].kernel(lambda *a: calls.append(a), "t")(*args, out=out)
    return calls


def test_operators_pick_their_rows() -> None:
    out = pb.zeros(2)
    x = pb.ones(2)
    assert _calls("add", x, x, 2, out=out) == [("add", (x, x), (2,), out, "pb::add")]
    assert _calls("div", x, x, "floor", out=out)[0][0] == "div_floor"
    assert _calls("div", x, x, None, out=out)[0][0] == "div"
    assert _calls("round", x, 2, out=out)[0][:3] == ("round_scaled", (x,), (100.0,))
    assert _calls("round", x, -1, out=out)[0][:3] == ("round_unscaled", (x,), (10.0,))
    assert _calls("round", x, 0, out=out)[0][:3] == ("round", (x,), ())
    ints = pb.zeros(2, dtype=pb.int32)
    assert _calls("round", ints, 3, out=ints)[0][:3] == ("round", (ints,), ())


def test_integer_division_by_zero_raises_before_any_launch() -> None:
    ints = pb.zeros(2, dtype=pb.int32)
    with pytest.raises(pb.ArgumentError, match="integer remainder by zero. Fix:"):
        _calls("remainder", ints, 0, out=ints)
    with pytest.raises(pb.ArgumentError, match="integer division by zero"):
        check_divisor(pb.tensor([1, 0], dtype=pb.int32), pb.int32, "division")
    check_divisor(0, pb.float32, "division")  # floats give inf or nan
    check_divisor(pb.tensor([1, 2], dtype=pb.int32), pb.int32, "division")
