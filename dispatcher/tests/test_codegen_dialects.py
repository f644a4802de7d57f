"""plugboard._codegen.dialects: how OpenCL C, CUDA C++ and HIP C++ spell kernels."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

import plugboard as pb
from plugboard.codegen import CUDA, HIP, LAYOUT_DTYPE, OPENCL, Dialect

DIALECTS = (OPENCL, CUDA, HIP)


def test_64_bit_integers_are_spelled_explicitly() -> None:
    # CUDA's and HIP's long is 64-bit only on LP64 hosts: they say long long.
    assert OPENCL.ctype(pb.int64).storage == "long"
    assert CUDA.ctype(pb.int64).storage == "long long"
    assert HIP.ctype(pb.uint8).storage == "unsigned char"
    assert CUDA.ctype(pb.int8).storage == "signed char"  # plain char's sign is the host's


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_limits_are_literals_valid_at_the_extremes(dialect: Dialect) -> None:
    for dtype in (pb.int8, pb.int16, pb.int32, pb.int64, pb.uint8):
        ct = dialect.ctype(dtype)
        info = np.iinfo(dtype.numpy)
        for text, value in ((ct.min, info.min), (ct.max, info.max)):
            # Strip the cast and the suffixes: the rest is the value, as C evaluates it.
            inner = text[len(f"(({ct.compute})"):-1]
            assert eval(re.sub(r"(\d)(U?L?L?)\b", r"\1", inner)) == value, text
    assert dialect.ctype(pb.float32).min == f"-{dialect.infinity}"


def test_float16_loads_and_stores_per_dialect() -> None:
    assert OPENCL.ctype(pb.float16).load("p", "i") == "vload_half(i, p)"
    assert OPENCL.ctype(pb.float16).store("p", "i", "v") == "vstore_half_rte(v, i, p);"
    assert CUDA.ctype(pb.float16).load("p", "i") == "pb_f16_load(p[i])"
    assert CUDA.ctype(pb.float16).storage == "unsigned short"
    assert HIP.ctype(pb.float16).store("p", "i", "v") == "p[i] = (_Float16)(v);"
    for dialect in DIALECTS:
        bf16 = dialect.ctype(pb.bfloat16)
        assert (bf16.compute, bf16.load("p", "i")) == ("float", "pb_bf16_load(p[i])")
        assert dialect.ctype(pb.bool).store("p", "i", "v").endswith("((v) != 0);")


def test_cuda_prelude_needs_no_header() -> None:
    prelude = CUDA.prelude()
    assert "#include" not in prelude  # the NVRTC wheel has no cuda_fp16.h
    assert "cvt.f32.f16" in prelude and "cvt.rn.f16.f32" in prelude
    assert "__device__ inline float pb_bf16_load" in prelude
    # hipcc needs the runtime header; hiprtc has it built in.
    assert "#if !defined(__HIPCC_RTC__)" in HIP.prelude()


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_the_layout_struct_matches_the_host_record(dialect: Dialect) -> None:
    prelude = dialect.prelude()
    i64 = dialect.type("i64")
    struct = prelude[prelude.index("typedef struct {"):prelude.index("} pb_layout;")]
    fields = re.findall(rf"{i64} (\w+)", struct)
    assert fields == list(LAYOUT_DTYPE.names)
    assert LAYOUT_DTYPE.itemsize == 8 * (1 + 8 + 4 + 4 * 8)
    assert prelude is dialect.prelude()  # generated once


def test_a_new_dialect_is_a_small_change_of_an_existing_one() -> None:
    musa = dataclasses.replace(CUDA, name="musa", kernel='extern "C" __global__ __launch__ void')
    head = musa.kernel_head("k", ["long long n"])
    assert head.startswith('extern "C" __global__ __launch__ void k(long long n) {')
    assert CUDA.ctype(pb.int32).dialect is CUDA
    assert musa.ctype(pb.int32).dialect is musa  # its own descriptors, not CUDA's
    assert musa.ctype(pb.int32).storage == "int"
