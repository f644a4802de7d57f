"""C-family kernel generation for backends: one operator table, rendered per language.

A backend that writes its kernels in a C-like language (OpenCL C, CUDA C++,
HIP C++; SYCL or MUSA the same way) renders them from here instead of writing
each operator's C again: the elementwise operators' C expressions per kind of
dtype (:data:`POINTWISE`), how each dtype is stored and computed
(:meth:`Dialect.ctype`), the strided layout struct and index arithmetic every
program starts with (:meth:`Dialect.prelude`), and the kernels' argument
lists (:func:`arguments`), so a launcher packs arguments without parsing C.

A language is a :class:`Dialect`: a small value saying how it spells types,
kernels, device pointers, the global index, inline helpers, bit casts and
float16 loads and stores. :data:`OPENCL`, :data:`CUDA` and :data:`HIP` ship; a
new one is ``dataclasses.replace(CUDA, name=..., ...)`` or a new
:class:`Dialect`. float16 and bfloat16 compute in float and round once per
result, as PyTorch's elementwise kernels do.

>>> import plugboard as pb
>>> from plugboard import codegen
>>> program = codegen.program(codegen.CUDA, pb.float16)  # prelude + kernels
>>> 'extern "C" __global__ void neg_c_t(' in program
True
>>> codegen.kernel_name(codegen.BY_NAME["add"], "tn"), codegen.kernel_name(
...     codegen.BY_NAME["add"], None)
('add_c_tn', 'add_g')

The layout record a general (``_g``) kernel takes is a NumPy structured scalar
of :data:`LAYOUT_DTYPE`, filled by :func:`layout_records`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from plugboard._codegen.dialects import CUDA, HIP, MAX_DIMS, MAX_OPERANDS, OPENCL, CType, Dialect
from plugboard._codegen.dtypes import Scalar, scalar
from plugboard._codegen.pointwise import BY_NAME, POINTWISE, PointwiseOp
from plugboard._codegen.render import Arg, arguments, kernel_name, patterns
from plugboard._codegen.render import source as _source
from plugboard._core import dtype as _dt
from plugboard._core.dtype import ALL_DTYPES, FLOATING_DTYPES, INTEGRAL_DTYPES, NUMERIC_DTYPES
from plugboard._core.errors import ArgumentError
from plugboard._core.tensor import Tensor

__all__ = [
    "BY_NAME",
    "CUDA",
    "ELEMENTWISE",
    "ELEMENTWISE_BY_NAME",
    "HIP",
    "LAYOUT_DTYPE",
    "MAX_DIMS",
    "MAX_OPERANDS",
    "OPENCL",
    "POINTWISE",
    "Arg",
    "CType",
    "Dialect",
    "Elementwise",
    "Layout",
    "PointwiseOp",
    "Run",
    "Scalar",
    "arguments",
    "check_divisor",
    "collapse",
    "compute_dtype",
    "kernel_name",
    "kernel_names",
    "layout_records",
    "patterns",
    "program",
    "scalar",
    "source",
]

# The host side of pb_layout (every field 64-bit, so host and device agree).
LAYOUT_DTYPE = np.dtype([
    ("ndim", "<i8"),
    ("size", "<i8", (MAX_DIMS,)),
    ("offset", "<i8", (MAX_OPERANDS,)),
    ("stride", "<i8", (MAX_OPERANDS, MAX_DIMS)),
])

Layout = tuple[tuple[int, ...], list[tuple[int, ...]]]  # sizes, strides per operand


@functools.cache
def source(dialect: Dialect, dtype: _dt.DType,
           ops: tuple[PointwiseOp, ...] = POINTWISE) -> str:
    """The kernels of every operator in ``ops`` (default: the whole table) that has an
    expression for ``dtype``, without the prelude; generated once per arguments.

    >>> import plugboard as pb
    >>> "__kernel void sqrt_g(" in source(OPENCL, pb.float32)
    True
    >>> "sqrt_g(" in source(OPENCL, pb.int32)  # no sqrt of integers
    False
    """
    return _source(dialect, dtype, ops)


def program(dialect: Dialect, dtype: _dt.DType) -> str:
    """What a dialect's compiler builds for ``dtype``: the prelude, then every kernel of
    the table (a backend needing more, such as OpenCL's fp64 pragma, adds it first)."""
    return dialect.prelude() + source(dialect, dtype)


def kernel_names(dialect: Dialect, dtype: _dt.DType,
                 ops: Sequence[PointwiseOp] = POINTWISE) -> set[str]:
    """The names of the kernels :func:`source` writes for ``dtype``.

    >>> import plugboard as pb
    >>> sorted(n for n in kernel_names(CUDA, pb.bool) if n.startswith("add"))
    ['add_c_nt', 'add_c_tn', 'add_c_tt', 'add_g']
    """
    ct = dialect.ctype(dtype)
    return {kernel_name(op, pattern) for op in ops if op.expression(ct) is not None
            for pattern in [*patterns(op), None]}


def collapse(shape: Sequence[int], strides: Sequence[Sequence[int]]) -> Layout:
    """Merge dimensions every operand walks contiguously; drop size-1 dimensions.

    >>> collapse((2, 3, 4), [(12, 4, 1), (0, 0, 1)])
    ((6, 4), [(4, 1), (0, 1)])
    >>> collapse((2, 1, 4), [(4, 4, 1)])
    ((8,), [(1,)])
    """
    dims = [d for d, size in enumerate(shape) if size != 1]
    sizes: list[int] = []
    merged: list[list[int]] = [[] for _ in strides]
    for d in dims:
        if sizes and all(s[-1] == st[d] * shape[d] for s, st in zip(merged, strides,
                                                                    strict=True)):
            sizes[-1] *= shape[d]
            for s, st in zip(merged, strides, strict=True):
                s[-1] = st[d]
        else:
            sizes.append(shape[d])
            for s, st in zip(merged, strides, strict=True):
                s.append(st[d])
    return tuple(sizes), [tuple(s) for s in merged]


def layout_records(layout: Layout,
                   offsets: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
    """``(elements, pb_layout record)`` for each launch over ``layout``.

    More than ``MAX_DIMS`` dimensions are split along the leading one.

    >>> [(n, int(r["ndim"])) for n, r in layout_records(((2, 3),
    ...                                                 [(3, 1), (0, 1)]), [0, 5])]
    [(6, 2)]
    """
    sizes, strides = layout
    if len(sizes) > MAX_DIMS:
        for i in range(sizes[0]):
            inner = (sizes[1:], [s[1:] for s in strides])
            yield from layout_records(inner, [o + i * s[0] for o, s in zip(offsets, strides,
                                                                          strict=True)])
        return
    record = np.zeros((), LAYOUT_DTYPE)
    record["ndim"] = len(sizes)
    record["size"][: len(sizes)] = sizes
    record["offset"][: len(offsets)] = offsets
    for k, s in enumerate(strides):
        record["stride"][k, : len(s)] = s
    yield math.prod(sizes), record


def compute_dtype(op: PointwiseOp, inputs: Sequence[Any], out: Tensor) -> _dt.DType:
    """The dtype ``op`` computes in: its first non-mask tensor input's, else ``out``'s."""
    for x, role in zip(inputs, op.inputs, strict=True):
        if role == "x" and isinstance(x, Tensor):
            return x.dtype
    return out.dtype


def check_divisor(divisor: Any, dtype: _dt.DType, what: str) -> None:
    """Raise for an integer division by zero (one device-side check, then a wait).

    A kernel cannot raise, so the divisor is checked on the device first;
    floating-point division never checks (it gives inf or nan).
    """
    if dtype.is_floating_point:
        return
    if isinstance(divisor, Tensor):
        # Primitives every backend has: eq, a cast, amax (no composite `any`).
        zero = divisor.numel() > 0 and bool(divisor.eq(0).to(_dt.uint8).amax().item())
    else:
        zero = divisor == 0
    if zero:
        raise ArgumentError(
            f"integer {what} by zero. Fix: make sure the divisor has no zeros, or use "
            "floating-point inputs (which give inf or nan)"
        )


# A backend's launch of one table row: (row name, inputs, params, out, what).
Run = Callable[[str, tuple[Any, ...], tuple[Any, ...], Tensor, str], None]


@dataclass(frozen=True)
class Elementwise:
    """An elementwise ``pb::`` operator the table implements: its dtypes and how a
    call picks the row (``kind``: ``"row"``, ``"divide"`` (checks the integer
    divisor), ``"div"`` (``rounding_mode``) or ``"round"`` (``decimals``))."""

    op: str
    dtypes: tuple[_dt.DType, ...]
    n_inputs: int = 1
    n_params: int = 0
    kind: str = "row"

    def kernel(self, run: Run, prefix: str) -> Callable[..., None]:
        """The kernel function of this operator, launching rows through ``run``.

        >>> calls = []
        >>> k = ELEMENTWISE_BY_NAME["round"].kernel(lambda *a: calls.append(a[:3]), "x")
        >>> k.__name__
        'x_round'
        """
        what = f"pb::{self.op}"
        name, n, m = self.op, self.n_inputs, self.n_params

        def row(*args: Any, out: Tensor) -> None:
            run(name, args[:n], args[n:n + m], out, what)

        def divide(self: Any, other: Any, *, out: Tensor) -> None:
            check_divisor(other, out.dtype, name)
            run(name, (self, other), (), out, what)

        def div(self: Any, other: Any, rounding_mode: str | None, *, out: Tensor) -> None:
            check_divisor(other, out.dtype, "division")
            row_name = "div" if rounding_mode is None else f"div_{rounding_mode}"
            run(row_name, (self, other), (), out, what)

        def round_(self: Any, decimals: int, *, out: Tensor) -> None:
            if decimals == 0 or not out.dtype.is_floating_point:
                run("round", (self,), (), out, what)
                return
            row_name = "round_scaled" if decimals > 0 else "round_unscaled"
            run(row_name, (self,), (10.0 ** abs(decimals),), out, what)

        kinds: dict[str, Callable[..., None]] = {"row": row, "divide": divide, "div": div,
                                                 "round": round_}
        kernel = kinds[self.kind]
        kernel.__name__ = f"{prefix}_{self.op}"
        return kernel


_INTEGER = tuple(d for d in INTEGRAL_DTYPES if d is not _dt.bool_)
_ALL, _FLOAT, _NUM, _INTEGRAL = ALL_DTYPES, FLOATING_DTYPES, NUMERIC_DTYPES, INTEGRAL_DTYPES

# Every elementwise operator the table implements, with PyTorch's dtypes for each.
ELEMENTWISE: tuple[Elementwise, ...] = (
    *(Elementwise(f, _NUM) for f in ("neg", "abs")),
    *(Elementwise(f, _FLOAT) for f in ("exp", "log", "sqrt")),
    Elementwise("bitwise_not", _INTEGRAL),
    Elementwise("add", _ALL, 2, 1),
    Elementwise("sub", _NUM, 2, 1),
    Elementwise("mul", _ALL, 2),
    Elementwise("div", _NUM, 2, kind="div"),
    Elementwise("remainder", _NUM, 2, kind="divide"),
    *(Elementwise(f, _ALL, 2) for f in ("pow", "maximum", "minimum")),
    *(Elementwise(f, _INTEGRAL, 2) for f in ("bitwise_and", "bitwise_or", "bitwise_xor")),
    *(Elementwise(f, _ALL, 2) for f in ("eq", "ne", "lt", "le", "gt", "ge")),
    Elementwise("where", _ALL, 3),
    Elementwise("sign", _ALL),
    *(Elementwise(f, _FLOAT) for f in ("log1p", "sin", "cos", "tan", "tanh", "atan", "erf",
                                       "expm1", "log2", "log10")),
    *(Elementwise(f, _NUM) for f in ("floor", "ceil", "trunc")),
    Elementwise("round", _NUM, kind="round"),
    *(Elementwise(f, _ALL) for f in ("logical_not", "isnan")),
    Elementwise("fmod", _NUM, 2, kind="divide"),
    Elementwise("atan2", _FLOAT, 2),
    *(Elementwise(f, _ALL, 2) for f in ("logical_and", "logical_or", "logical_xor")),
    *(Elementwise(f, _INTEGER, 2) for f in ("bitwise_left_shift", "bitwise_right_shift")),
)

ELEMENTWISE_BY_NAME = {e.op: e for e in ELEMENTWISE}
