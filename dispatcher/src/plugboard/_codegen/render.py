"""The pointwise table as kernel source in a dialect, and the kernels' argument lists.

For each dtype, :func:`source` writes one program holding every operator of the
table in two variants:

- ``{name}_c_{pattern}``: contiguous operands indexed directly (the fast path),
  each input a tensor (``t``) or a Python number passed by value (``n``);
- ``{name}_g``: the general case: strided and broadcast inputs indexed through a
  ``pb_layout``, and any input may be a number (bit ``k`` of ``numbers`` says
  input ``k`` is one).

One general kernel rather than one per combination of layouts and numbers:
drivers compile each kernel at its first launch, so fewer kernels make the first
call of each operator cheaper. :func:`arguments` lists a kernel's parameters in
order, so that a launcher packs them without knowing how the source was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from string import Template
from typing import Any

import numpy as np

from plugboard._core import dtype as _dt

from .dialects import CType, Dialect
from .pointwise import PointwiseOp

__all__ = ["Arg", "arguments", "kernel_name", "patterns", "source"]

_ROLES = "abc"  # names of the inputs in expressions, in order


@dataclass(frozen=True)
class Arg:
    """One kernel parameter: ``kind`` is ``"scalar"`` (a value of NumPy type ``numpy``),
    ``"pointer"`` (a device buffer) or ``"layout"`` (a ``pb_layout`` by value); ``c``
    is its declaration in the dialect."""

    name: str
    kind: str
    c: str
    numpy: Any = None


def patterns(op: PointwiseOp) -> list[str]:
    """Tensor (``t``) or number (``n``) per input, at least one tensor; masks are tensors.

    >>> from .pointwise import BY_NAME
    >>> patterns(BY_NAME["add"])
    ['tt', 'tn', 'nt']
    """
    found = [""]
    for role in op.inputs:
        found = [p + c for p in found for c in ("t" if role == "bool" else "tn")]
    return [p for p in found if "t" in p]


def kernel_name(op: PointwiseOp, pattern: str | None) -> str:
    """The kernel of ``op`` for ``pattern`` (contiguous), or the general one (None)."""
    return f"{op.name}_g" if pattern is None else f"{op.name}_c_{pattern}"


def _substitute(text: str, ct: CType, names: Mapping[str, str]) -> str:
    return Template(text).substitute(T=ct.compute, U=ct.unsigned, S=ct.storage, MIN=ct.min,
                                     MAX=ct.max, INLINE=ct.dialect.inline, **names)


def _bool(dialect: Dialect) -> CType:
    return dialect.ctype(_dt.bool_)


def arguments(dialect: Dialect, op: PointwiseOp, dtype: _dt.DType,
              pattern: str | None) -> list[Arg]:
    """The parameters of ``kernel_name(op, pattern)`` for ``dtype``, in order.

    >>> from .dialects import CUDA
    >>> from .pointwise import BY_NAME
    >>> [a.c for a in arguments(CUDA, BY_NAME["neg"], _dt.float16, "t")]
    ['long long n', 'unsigned short* out', 'long long out_off', \
'const unsigned short* a_p', 'long long a_off']
    """
    ct = dialect.ctype(dtype)
    i64, g = dialect.type("i64"), dialect.global_ptr
    out_ct = _bool(dialect) if op.out == "bool" else ct
    args = [Arg("n", "scalar", f"{i64} n", np.int64)]
    if pattern is not None:
        args += [Arg("out", "pointer", f"{g}{out_ct.storage}* out"),
                 Arg("out_off", "scalar", f"{i64} out_off", np.int64)]
    else:
        args += [Arg("l", "layout", "pb_layout l"),
                 Arg("numbers", "scalar", f"{dialect.type('u32')} numbers", np.uint32),
                 Arg("out", "pointer", f"{g}{out_ct.storage}* out")]
    for k, (role, letter) in enumerate(zip(op.inputs, _ROLES, strict=False)):
        in_ct = _bool(dialect) if role == "bool" else ct
        if pattern is not None and pattern[k] == "n":
            args.append(Arg(letter, "scalar", f"{in_ct.compute} {letter}", in_ct.numpy))
            continue
        args.append(Arg(f"{letter}_p", "pointer", f"{g}const {in_ct.storage}* {letter}_p"))
        if pattern is not None:
            args.append(Arg(f"{letter}_off", "scalar", f"{i64} {letter}_off", np.int64))
        else:
            args.append(Arg(f"{letter}_number", "scalar", f"{in_ct.compute} {letter}_number",
                            in_ct.numpy))
    args += [Arg(p, "scalar", f"{ct.compute} {p}", ct.numpy) for p in op.params]
    return args


def _kernel(dialect: Dialect, op: PointwiseOp, dtype: _dt.DType, expr: str,
            pattern: str | None) -> str:
    ct = dialect.ctype(dtype)
    out_ct = _bool(dialect) if op.out == "bool" else ct
    body = []
    names: dict[str, str] = {p: p for p in op.params}
    for k, (role, letter) in enumerate(zip(op.inputs, _ROLES, strict=False)):
        in_ct = _bool(dialect) if role == "bool" else ct
        names[letter] = letter
        if pattern is not None:
            if pattern[k] == "t":
                load = in_ct.load(f"{letter}_p", f"{letter}_off + i")
                body.append(f"    const {in_ct.compute} {letter} = {load};")
            continue
        # Always load (a number's operand reads out's first element, with stride 0),
        # then select: no branch, so a device can vectorise across work-items.
        load = in_ct.load(f"{letter}_p", f"PB_AT({k + 1})")
        body.append(f"    const {in_ct.compute} {letter}_loaded = {load};")
        body.append(f"    const {in_ct.compute} {letter} = "
                    f"(numbers & {1 << k}u) ? {letter}_number : {letter}_loaded;")
    result = _substitute(expr, ct, names)
    out_index = "PB_AT(0)" if pattern is None else "out_off + i"
    body.append("    " + out_ct.store("out", out_index, f"({result})"))
    head = dialect.kernel_head(kernel_name(op, pattern),
                               [a.c for a in arguments(dialect, op, dtype, pattern)])
    return head + "\n".join(body) + "\n}\n"


def source(dialect: Dialect, dtype: _dt.DType, ops: Sequence[PointwiseOp]) -> str:
    """The kernels (no prelude) of every operator in ``ops`` that has an expression for
    ``dtype``: per operator, one contiguous kernel per pattern and the general one."""
    ct = dialect.ctype(dtype)
    helpers: list[str] = []
    kernels: list[str] = []
    for op in ops:
        expr = op.expression(ct)
        if expr is None:
            continue
        helper = op.helper(ct)
        if helper:
            text = _substitute(helper, ct, {})
            if text not in helpers:
                helpers.append(text)
        kernels += [_kernel(dialect, op, dtype, expr, p) for p in patterns(op)]
        kernels.append(_kernel(dialect, op, dtype, expr, None))
    return "\n".join(helpers + kernels)
