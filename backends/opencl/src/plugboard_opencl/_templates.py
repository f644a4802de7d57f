"""OpenCL C building blocks: how each plugboard dtype is stored, loaded and stored back,
and the prelude every generated program starts with.

Kernels are written once, as templates over these descriptors: no kernel is
copied per dtype. Each dtype has a storage type (what a buffer holds) and a
compute type (what arithmetic uses). float16 is stored as ``half`` and read
and written with ``vload_half``/``vstore_half_rte`` (core OpenCL, no
``cl_khr_fp16`` needed), computing in float; bfloat16 is stored as ``ushort``
and computes in float, rounding to nearest even on the way back. Both round
once per result, as PyTorch's CPU kernels do. bool is stored as ``uchar``
holding 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import plugboard as pb

__all__ = ["MAX_DIMS", "MAX_OPERANDS", "PRELUDE", "CType", "ctype", "prelude"]

MAX_DIMS = 8
MAX_OPERANDS = 4  # the output and up to three inputs


@dataclass(frozen=True)
class CType:
    """How one plugboard dtype lives in OpenCL C."""

    dtype: pb.DType
    storage: str  # the buffer's element type
    compute: str  # the arithmetic type
    unsigned: str  # the type integer arithmetic wraps in (compute type for floats)
    kind: str  # "bool", "int", "uint" or "float"
    min: str  # the smallest value (-INFINITY for floats), for max reductions
    max: str

    @property
    def name(self) -> str:
        return self.dtype.name

    @property
    def is_float(self) -> bool:
        return self.kind == "float"

    def load(self, pointer: str, index: str) -> str:
        """An expression of the compute type: element ``index`` of ``pointer``."""
        if self.name == "float16":
            return f"vload_half({index}, {pointer})"
        if self.name == "bfloat16":
            return f"pb_bf16_load({pointer}[{index}])"
        return f"{pointer}[{index}]"

    def store(self, pointer: str, index: str, value: str) -> str:
        """A statement writing the compute-type ``value`` to element ``index``."""
        if self.name == "float16":
            return f"vstore_half_rte({value}, {index}, {pointer});"
        if self.name == "bfloat16":
            return f"{pointer}[{index}] = pb_bf16_store({value});"
        if self.kind == "bool":
            return f"{pointer}[{index}] = (uchar)(({value}) != 0);"
        return f"{pointer}[{index}] = ({self.storage})({value});"

    def convert(self, value: str, source: CType) -> str:
        """``value`` (of ``source``'s compute type) converted to this compute type."""
        if self.kind == "bool":
            return f"(uchar)(({value}) != 0)"
        return f"({self.compute})({value})"


def _int(dtype: pb.DType, c: str, lo: str, hi: str) -> CType:
    unsigned = c if c.startswith("u") else "u" + c
    return CType(dtype, c, c, unsigned, "uint" if c.startswith("u") else "int", lo, hi)


_CTYPES = {
    ct.name: ct
    for ct in (
        CType(pb.bool, "uchar", "uchar", "uchar", "bool", "0", "1"),
        _int(pb.int8, "char", "CHAR_MIN", "CHAR_MAX"),
        _int(pb.uint8, "uchar", "0", "UCHAR_MAX"),
        _int(pb.int16, "short", "SHRT_MIN", "SHRT_MAX"),
        _int(pb.int32, "int", "INT_MIN", "INT_MAX"),
        _int(pb.int64, "long", "LONG_MIN", "LONG_MAX"),
        CType(pb.float16, "half", "float", "float", "float", "-INFINITY", "INFINITY"),
        CType(pb.bfloat16, "ushort", "float", "float", "float", "-INFINITY", "INFINITY"),
        CType(pb.float32, "float", "float", "float", "float", "-INFINITY", "INFINITY"),
        CType(pb.float64, "double", "double", "double", "float", "-INFINITY", "INFINITY"),
    )
}


def ctype(dtype: pb.DType) -> CType:
    """The OpenCL C descriptor of a plugboard dtype.

    >>> ctype(pb.int32).storage, ctype(pb.float16).compute
    ('int', 'float')
    """
    return _CTYPES[dtype.name]


# The layout of up to MAX_OPERANDS strided operands over one iteration space, passed by
# value to kernels (all fields 64-bit, so host and device agree on the layout).
PRELUDE = f"""
#define PB_MAX_DIMS {MAX_DIMS}
#define PB_MAX_OPERANDS {MAX_OPERANDS}
typedef struct {{
    long ndim;
    long size[PB_MAX_DIMS];
    long offset[PB_MAX_OPERANDS];
    long stride[PB_MAX_OPERANDS][PB_MAX_DIMS];
}} pb_layout;

/* The element offset of operand k at linear (row-major) index i. */
inline long pb_at(const pb_layout* l, int k, long i) {{
    long at = l->offset[k];
    for (int d = (int)l->ndim - 1; d > 0; --d) {{
        long s = l->size[d];
        at += (i % s) * l->stride[k][d];
        i /= s;
    }}
    return l->ndim > 0 ? at + i * l->stride[k][0] : at;
}}

/* Operand k's offset at index i; one dimension (the common case) needs no division. */
#define PB_AT(k) (l.ndim == 1 ? l.offset[k] + i * l.stride[k][0] : pb_at(&l, k, i))

inline float pb_bf16_load(ushort bits) {{ return as_float((uint)bits << 16); }}

/* float to bfloat16, rounding to nearest even; NaN stays a quiet NaN. */
inline ushort pb_bf16_store(float value) {{
    uint bits = as_uint(value);
    if (isnan(value)) return (ushort)((bits >> 16) | 0x40);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (ushort)(bits >> 16);
}}
"""


def prelude(fp64: bool) -> str:
    """The text every program starts with; enables double where the device has it."""
    pragma = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" if fp64 else ""
    return pragma + PRELUDE
