"""plugboard._codegen.dtypes: each dtype's neutral storage and compute types."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard._codegen.dtypes import NUMPY, scalar


def test_every_dtype_has_a_description() -> None:
    for dtype in pb.backend.ALL:
        s = scalar(dtype)
        assert s.dtype is dtype
        assert s.compute in NUMPY


@pytest.mark.parametrize(("dtype", "storage", "compute", "kind"), [
    (pb.bool, "bool", "bool", "bool"),
    (pb.uint8, "u8", "u8", "uint"),
    (pb.int64, "i64", "i64", "int"),
    (pb.float16, "f16", "f32", "float"),
    (pb.bfloat16, "bf16", "f32", "float"),
    (pb.float64, "f64", "f64", "float"),
])
def test_storage_and_compute(dtype: pb.DType, storage: str, compute: str, kind: str) -> None:
    s = scalar(dtype)
    assert (s.storage, s.compute, s.kind) == (storage, compute, kind)


def test_integers_wrap_in_their_unsigned_type_and_know_their_limits() -> None:
    for dtype in (pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64):
        s = scalar(dtype)
        assert s.unsigned == "u" + s.compute[1:]
        info = np.iinfo(dtype.numpy)
        assert (s.min, s.max) == (info.min, info.max)
    assert scalar(pb.float32).min is None  # floats: minus infinity, spelled by the dialect


def test_half_precision_passes_numbers_as_float() -> None:
    assert scalar(pb.float16).numpy is np.float32
    assert scalar(pb.bfloat16).numpy is np.float32
    assert scalar(pb.bool).numpy is np.uint8
