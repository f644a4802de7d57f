"""A device that does not declare a dtype is not tested in it through the back door: a
wider out= widens only to declared dtypes, and a sample that asks for an undeclared dtype
(dtype=pb.float64) does not apply to it."""

from __future__ import annotations

import numpy as np

import plugboard as pb
from plugboard_conformance._cases import CaseRunner, _widened, _wider_out
from plugboard_conformance._opdb import Sample

EVERY = {d.name for d in (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
                          pb.float16, pb.bfloat16, pb.float32, pb.float64)}
NO_FLOAT64 = EVERY - {"float64"}


def test_a_wider_out_is_float64_where_declared_else_float32() -> None:
    assert _widened(pb.float16, EVERY) is pb.float64
    assert _widened(pb.float16, NO_FLOAT64) is pb.float32
    assert _widened(pb.float32, NO_FLOAT64) is None
    assert _widened(pb.int8, NO_FLOAT64) is pb.int64


def test_no_wider_out_when_nothing_wider_is_declared() -> None:
    result = np.zeros(3, np.float32)
    assert _wider_out(result, pb.float32, EVERY) == (pb.float64,)
    assert _wider_out(result, pb.float32, NO_FLOAT64) == ()
    # sort's (values, indices): the values widen, the int64 indices stay.
    pair = (np.zeros(3, np.float16), np.zeros(3, np.int64))
    assert _wider_out(pair, (pb.float16, pb.int64), NO_FLOAT64) == (pb.float32, pb.int64)


def test_samples_naming_an_undeclared_dtype_do_not_apply() -> None:
    runner = CaseRunner(pb.device("cpu"))
    runner.declared_dtypes = set(NO_FLOAT64)
    assert runner._declares(Sample("plain", (np.zeros(2, np.float32),)))
    assert not runner._declares(Sample("dtype=float64", (np.zeros(2, np.float32),),
                                       {"dtype": pb.float64}))
    assert not runner._declares(Sample("to float64", (np.zeros(2, np.float32), None,
                                                      pb.float64)))
    runner.declared_dtypes = set(EVERY)
    assert runner._declares(Sample("dtype=float64", (np.zeros(2, np.float32),),
                                   {"dtype": pb.float64}))
