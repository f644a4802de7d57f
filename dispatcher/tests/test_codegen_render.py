"""plugboard._codegen.render: the table as kernels, per dialect and dtype."""

from __future__ import annotations

import re

import pytest

import plugboard as pb
from plugboard.codegen import (
    BY_NAME,
    CUDA,
    HIP,
    OPENCL,
    POINTWISE,
    Dialect,
    arguments,
    kernel_name,
    patterns,
    source,
)

DIALECTS = (OPENCL, CUDA, HIP)


def _signatures(text: str) -> dict[str, list[str]]:
    """Kernel name -> its parameter declarations, read back from the source."""
    found = re.findall(r"(?:__kernel void|__global__ void) (\w+)\(([^)]*)\)", text)
    return {name: [a.strip() for a in args.split(",")] for name, args in found}


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("dtype", pb.backend.ALL, ids=str)
def test_every_kernel_is_rendered_with_the_arguments_it_declares(dialect: Dialect,
                                                                 dtype: pb.DType) -> None:
    text = source(dialect, dtype)
    assert "$" not in text  # every placeholder substituted
    signatures = _signatures(text)
    expected = set()
    for op in POINTWISE:
        if op.expression(dialect.ctype(dtype)) is None:
            continue
        for pattern in [*patterns(op), None]:
            name = kernel_name(op, pattern)
            expected.add(name)
            assert signatures[name] == [a.c for a in arguments(dialect, op, dtype, pattern)]
    assert set(signatures) == expected


def test_helpers_are_written_once_per_program() -> None:
    text = source(CUDA, pb.int32)
    assert text.count("__device__ inline int pb_div_trunc(int a, int b)") == 1
    assert "pb_floordiv" not in text  # the float helpers only in float programs


def test_contiguous_and_general_variants() -> None:
    text = source(CUDA, pb.float16)
    contiguous = text[text.index("void add_c_tn("):text.index("void add_c_nt(")]
    assert "pb_f16_load(a_p[a_off + i])" in contiguous
    assert "float b," in contiguous  # a number, passed by value in the compute type
    assert "out[out_off + i] = pb_f16_store(" in contiguous
    general = text[text.index("void add_g("):]
    general = general[:general.index("}\n")]
    assert "pb_layout l" in general and "PB_AT(2)" in general
    assert "(numbers & 2u) ? b_number : b_loaded" in general
    assert "const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;" in general


def test_comparisons_store_bool_whatever_the_dtype() -> None:
    args = arguments(OPENCL, BY_NAME["lt"], pb.float64, "tt")
    assert [a.c for a in args][:2] == ["long n", "__global uchar* out"]
    assert [a.kind for a in args] == ["scalar", "pointer", "scalar", "pointer", "scalar",
                                      "pointer", "scalar"]
    where = arguments(CUDA, BY_NAME["where"], pb.int16, None)
    assert [a.c for a in where][4:6] == ["const unsigned char* a_p", "unsigned char a_number"]
    assert where[1].kind == "layout"


def test_a_program_is_generated_once_per_dialect_and_dtype() -> None:
    assert source(OPENCL, pb.float32) is source(OPENCL, pb.float32)
    assert source(OPENCL, pb.float32) != source(CUDA, pb.float32)
