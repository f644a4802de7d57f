"""How each plugboard dtype is stored and computed in C, before a dialect names it.

Types are named neutrally (``i8`` ... ``u64``, ``f16``, ``bf16``, ``f32``,
``f64``, ``bool``); a :class:`~plugboard._codegen.dialects.Dialect` spells
them. float16 and bfloat16 are stored in 16 bits and computed in float, one
rounding per result; bool is stored as one byte holding 0 or 1 and computed as
an unsigned byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from plugboard._core import dtype as _dt
from plugboard._core.errors import DTypeError

__all__ = ["NUMPY", "Scalar", "scalar"]

# The NumPy type of each neutral compute type: how a number is passed by value.
NUMPY: dict[str, Any] = {
    "bool": np.uint8, "i8": np.int8, "u8": np.uint8, "i16": np.int16, "u16": np.uint16,
    "i32": np.int32, "u32": np.uint32, "i64": np.int64, "u64": np.uint64,
    "f32": np.float32, "f64": np.float64,
}


@dataclass(frozen=True)
class Scalar:
    """One dtype's C types, neutrally named.

    ``storage``: what a buffer holds; ``compute``: what arithmetic uses;
    ``unsigned``: the type integer arithmetic wraps in (the compute type for
    floats and bool); ``kind``: ``"bool"``, ``"int"``, ``"uint"`` or ``"float"``;
    ``min``/``max``: the extreme values (None for floats: minus and plus infinity).
    """

    dtype: _dt.DType
    storage: str
    compute: str
    unsigned: str
    kind: str
    min: int | None = None
    max: int | None = None

    @property
    def numpy(self) -> Any:
        """The NumPy type of a compute-type value (a number passed by value)."""
        return NUMPY[self.compute]


def _int(dtype: _dt.DType, name: str) -> Scalar:
    info = np.iinfo(dtype.numpy)
    kind = "uint" if name.startswith("u") else "int"
    return Scalar(dtype, name, name, "u" + name[1:], kind, int(info.min), int(info.max))


_SCALARS = {
    s.dtype.name: s
    for s in (
        Scalar(_dt.bool_, "bool", "bool", "bool", "bool", 0, 1),
        _int(_dt.int8, "i8"),
        _int(_dt.uint8, "u8"),
        _int(_dt.int16, "i16"),
        _int(_dt.int32, "i32"),
        _int(_dt.int64, "i64"),
        Scalar(_dt.float16, "f16", "f32", "f32", "float"),
        Scalar(_dt.bfloat16, "bf16", "f32", "f32", "float"),
        Scalar(_dt.float32, "f32", "f32", "f32", "float"),
        Scalar(_dt.float64, "f64", "f64", "f64", "float"),
    )
}


def scalar(dtype: _dt.DType) -> Scalar:
    """The neutral C description of ``dtype``.

    >>> s = scalar(_dt.float16)
    >>> s.storage, s.compute, s.kind
    ('f16', 'f32', 'float')
    """
    try:
        return _SCALARS[dtype.name]
    except KeyError:
        raise DTypeError(f"plugboard.codegen has no C type for {dtype!r}. Fix: use one of "
                         f"{', '.join(sorted(_SCALARS))}") from None
