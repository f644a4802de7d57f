"""Dialects: how one C-family kernel language spells what generated kernels use.

A :class:`Dialect` is a small value: type names, the kernel qualifier, the
pointer qualifier of device memory, the global index, the inline qualifier of
helper functions, bit casts, infinity, and how float16 is loaded and stored.
Everything else (the pointwise table, the index arithmetic, bfloat16 rounding)
is written once and spelled through it. Three dialects ship:

- :data:`OPENCL`: OpenCL C 1.2. float16 is read and written with
  ``vload_half``/``vstore_half_rte`` (core OpenCL, no ``cl_khr_fp16``).
- :data:`CUDA`: CUDA C++ as NVRTC compiles it, with no header: the NVRTC wheel
  ships neither ``cuda_fp16.h`` nor ``cuda_bf16.h``, so float16 converts with
  inline PTX (``cvt.f32.f16`` to load, ``cvt.rn.f16.f32`` to store, rounding to
  nearest even).
- :data:`HIP`: HIP C++ as hipcc and hiprtc compile it: clang's ``_Float16`` is
  float16's storage type (conversions round to nearest even).

In every dialect float16 and bfloat16 compute in float and round once per
result, as PyTorch's elementwise kernels do (they load into float, compute, and
round on the store); bfloat16 loads by a 16-bit shift and stores rounding to
nearest even, NaN kept quiet. Integer types are spelled with explicit widths
(``long`` is 64-bit in OpenCL C, so OpenCL says ``long``; CUDA and HIP say
``long long``).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from plugboard._core import dtype as _dt

from .dtypes import Scalar, scalar

__all__ = ["CUDA", "HIP", "MAX_DIMS", "MAX_OPERANDS", "OPENCL", "CType", "Dialect"]

MAX_DIMS = 8
MAX_OPERANDS = 4  # the output and up to three inputs


@dataclass(frozen=True)
class Dialect:
    """How kernels are written in one C-family language.

    ``types`` spells each neutral type (see :mod:`plugboard._codegen.dtypes`);
    ``kernel`` starts a kernel's definition (before its name); ``global_ptr``
    qualifies device-memory pointers; ``global_index`` is the work-item's linear
    index; ``inline`` qualifies helper functions; ``as_float``/``as_uint`` are
    the bit casts between float and uint32; ``half_load``/``half_store`` are
    float16's load expression and store statement (``{pointer}``, ``{index}``,
    ``{value}``); ``header`` is dialect-only prelude text (helpers the
    loads and stores call); ``long_suffix`` is the 64-bit literal suffix.

    >>> OPENCL.type("i64"), CUDA.type("i64"), HIP.type("f16")
    ('long', 'long long', '_Float16')
    """

    name: str
    types: dict[str, str]
    kernel: str
    global_ptr: str
    global_index: str
    inline: str
    as_float: str
    as_uint: str
    infinity: str
    half_load: str
    half_store: str
    long_suffix: str
    header: str = ""
    # Each dialect's own descriptors (not copied by dataclasses.replace: init=False).
    _ctypes: dict[str, CType] = field(default_factory=dict, init=False, compare=False,
                                      repr=False)

    def type(self, neutral: str) -> str:
        """The spelling of neutral type ``neutral`` (``"i32"``, ``"f16"``...)."""
        return self.types[neutral]

    def ctype(self, dtype: _dt.DType) -> CType:
        """``dtype`` as this dialect spells it.

        >>> ct = CUDA.ctype(_dt.int8)
        >>> ct.storage, ct.unsigned, ct.min
        ('signed char', 'unsigned char', '((signed char)-128)')
        """
        ct = self._ctypes.get(dtype.name)
        if ct is None:
            ct = self._ctypes.setdefault(dtype.name, CType(self, scalar(dtype)))
        return ct

    def literal(self, value: int, neutral: str) -> str:
        """An integer constant of neutral type ``neutral``, valid at the type's limits.

        >>> OPENCL.literal(-2**63, "i64"), CUDA.literal(2**64 - 1, "u64")
        ('((long)(-9223372036854775807L - 1))', '((unsigned long long)18446744073709551615ULL)')
        """
        suffix = {"i64": self.long_suffix, "u64": "U" + self.long_suffix, "u32": "U"}
        text = f"{value}{suffix.get(neutral, '')}"
        if value < 0 and neutral in ("i32", "i64"):  # -2**31 and -2**63 have no literal
            text = f"({value + 1}{suffix.get(neutral, '')} - 1)"
        return f"(({self.types[neutral]}){text})"

    def prelude(self) -> str:
        """The text every program of this dialect starts with: the strided layout
        struct ``pb_layout``, its index arithmetic (``pb_at``, ``PB_AT``) and the
        float16/bfloat16 conversions."""
        return _prelude(self)

    def kernel_head(self, name: str, args: list[str]) -> str:
        """A kernel's first lines: signature, ``i`` (the linear index), bound check."""
        i64 = self.types["i64"]
        return (f"{self.kernel} {name}({', '.join(args)}) {{\n"
                f"    const {i64} i = {self.global_index};\n    if (i >= n) return;\n")

    def __hash__(self) -> int:
        return hash(self.name)


@dataclass(frozen=True, eq=False)
class CType:
    """One dtype as a dialect spells it: storage, compute and wrapping types,
    limits, and how an element is loaded, stored and converted."""

    dialect: Dialect
    scalar: Scalar

    @property
    def dtype(self) -> _dt.DType:
        return self.scalar.dtype

    @property
    def name(self) -> str:
        return self.scalar.dtype.name

    @property
    def kind(self) -> str:
        """``"bool"``, ``"int"``, ``"uint"`` or ``"float"``."""
        return self.scalar.kind

    @property
    def is_float(self) -> bool:
        return self.scalar.kind == "float"

    @functools.cached_property
    def storage(self) -> str:
        """The buffer's element type."""
        return self.dialect.type(self.scalar.storage)

    @functools.cached_property
    def compute(self) -> str:
        """The arithmetic type."""
        return self.dialect.type(self.scalar.compute)

    @functools.cached_property
    def unsigned(self) -> str:
        """The type integer arithmetic wraps in (the compute type for floats)."""
        return self.dialect.type(self.scalar.unsigned)

    @functools.cached_property
    def min(self) -> str:
        """The smallest value (minus infinity for floats), for max reductions."""
        if self.scalar.min is None:
            return f"-{self.dialect.infinity}"
        return self.dialect.literal(self.scalar.min, self.scalar.compute)

    @functools.cached_property
    def max(self) -> str:
        if self.scalar.max is None:
            return self.dialect.infinity
        return self.dialect.literal(self.scalar.max, self.scalar.compute)

    @functools.cached_property
    def numpy(self) -> Any:
        """The NumPy type of a compute-type value: how a number is passed by value."""
        return self.scalar.numpy

    def value(self, number: Any) -> Any:
        """A Python number as a kernel argument of the compute type.

        >>> OPENCL.ctype(_dt.float16).value(1.5)
        np.float32(1.5)
        """
        return self.numpy(number)

    def load(self, pointer: str, index: str) -> str:
        """An expression of the compute type: element ``index`` of ``pointer``."""
        if self.scalar.storage == "f16":
            return self.dialect.half_load.format(pointer=pointer, index=index)
        if self.scalar.storage == "bf16":
            return f"pb_bf16_load({pointer}[{index}])"
        return f"{pointer}[{index}]"

    def store(self, pointer: str, index: str, value: str) -> str:
        """A statement writing the compute-type ``value`` to element ``index``."""
        if self.scalar.storage == "f16":
            return self.dialect.half_store.format(pointer=pointer, index=index, value=value)
        if self.scalar.storage == "bf16":
            return f"{pointer}[{index}] = pb_bf16_store({value});"
        if self.kind == "bool":
            return f"{pointer}[{index}] = ({self.storage})(({value}) != 0);"
        return f"{pointer}[{index}] = ({self.storage})({value});"

    def convert(self, value: str, source: CType) -> str:
        """``value`` (of ``source``'s compute type) converted to this compute type."""
        if self.kind == "bool":
            return f"({self.compute})(({value}) != 0)"
        return f"({self.compute})({value})"


_OPENCL_TYPES = {
    "bool": "uchar", "i8": "char", "u8": "uchar", "i16": "short", "u16": "ushort",
    "i32": "int", "u32": "uint", "i64": "long", "u64": "ulong", "f16": "half",
    "bf16": "ushort", "f32": "float", "f64": "double",
}
_CXX_TYPES = {
    "bool": "unsigned char", "i8": "signed char", "u8": "unsigned char", "i16": "short",
    "u16": "unsigned short", "i32": "int", "u32": "unsigned int", "i64": "long long",
    "u64": "unsigned long long", "f16": "unsigned short", "bf16": "unsigned short",
    "f32": "float", "f64": "double",
}

OPENCL = Dialect(
    name="opencl",
    types=_OPENCL_TYPES,
    kernel="__kernel void",
    global_ptr="__global ",
    global_index="get_global_id(0)",
    inline="inline",
    as_float="as_float",
    as_uint="as_uint",
    infinity="INFINITY",
    half_load="vload_half({index}, {pointer})",
    half_store="vstore_half_rte({value}, {index}, {pointer});",
    long_suffix="L",
)

# No cuda_fp16.h under NVRTC: float16 converts with one PTX instruction each way.
_CUDA_HEADER = """
__device__ inline float pb_f16_load(unsigned short h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}
__device__ inline unsigned short pb_f16_store(float f) {
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}
"""

CUDA = Dialect(
    name="cuda",
    types=_CXX_TYPES,
    kernel='extern "C" __global__ void',
    global_ptr="",
    global_index="(long long)blockIdx.x * blockDim.x + threadIdx.x",
    inline="__device__ inline",
    as_float="__uint_as_float",
    as_uint="__float_as_uint",
    infinity="__int_as_float(0x7f800000)",
    half_load="pb_f16_load({pointer}[{index}])",
    half_store="{pointer}[{index}] = pb_f16_store({value});",
    long_suffix="LL",
    header=_CUDA_HEADER,
)

# hipcc needs the runtime header for blockIdx and the bit casts; hiprtc has them built in.
_HIP_HEADER = """
#if !defined(__HIPCC_RTC__)
#include <hip/hip_runtime.h>
#endif
"""

# HIP is CUDA's spelling but for float16 (clang's _Float16) and infinity.
HIP = dataclasses.replace(
    CUDA,
    name="hip",
    types={**_CXX_TYPES, "f16": "_Float16"},
    infinity="__builtin_huge_valf()",
    half_load="(float){pointer}[{index}]",
    half_store="{pointer}[{index}] = (_Float16)({value});",
    header=_HIP_HEADER,
)


@functools.cache
def _prelude(d: Dialect) -> str:
    i64, u16, u32 = d.types["i64"], d.types["u16"], d.types["u32"]
    # The layout of up to MAX_OPERANDS strided operands over one iteration space, passed
    # by value to kernels (all fields 64-bit, so host and device agree on the layout).
    return d.header + f"""
#define PB_MAX_DIMS {MAX_DIMS}
#define PB_MAX_OPERANDS {MAX_OPERANDS}
typedef struct {{
    {i64} ndim;
    {i64} size[PB_MAX_DIMS];
    {i64} offset[PB_MAX_OPERANDS];
    {i64} stride[PB_MAX_OPERANDS][PB_MAX_DIMS];
}} pb_layout;

/* The element offset of operand k at linear (row-major) index i. */
{d.inline} {i64} pb_at(const pb_layout* l, int k, {i64} i) {{
    {i64} at = l->offset[k];
    for (int d = (int)l->ndim - 1; d > 0; --d) {{
        {i64} s = l->size[d];
        at += (i % s) * l->stride[k][d];
        i /= s;
    }}
    return l->ndim > 0 ? at + i * l->stride[k][0] : at;
}}

/* Operand k's offset at index i; one dimension (the common case) needs no division. */
#define PB_AT(k) (l.ndim == 1 ? l.offset[k] + i * l.stride[k][0] : pb_at(&l, k, i))

{d.inline} float pb_bf16_load({u16} bits) {{ return {d.as_float}(({u32})bits << 16); }}

/* float to bfloat16, rounding to nearest even; NaN stays a quiet NaN. */
{d.inline} {u16} pb_bf16_store(float value) {{
    {u32} bits = {d.as_uint}(value);
    if (isnan(value)) return ({u16})((bits >> 16) | 0x40);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return ({u16})(bits >> 16);
}}
"""
