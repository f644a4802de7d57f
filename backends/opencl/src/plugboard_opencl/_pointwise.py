"""The pointwise kernel generator: one table row per operator, kernels per dtype.

A :class:`PointwiseOp` gives an operator's C expression over its inputs'
compute-type values (``$a``, ``$b``, ``$c``) and its scalar parameters
(``$alpha``), per kind of dtype (``float``, ``int``, ``uint``, ``bool``, with
``integral`` and ``any`` as catch-alls). For each dtype, :func:`source`
writes one program holding every operator of the table in two variants:

- ``{name}_c_{pattern}``: contiguous operands indexed directly (the fast path),
  each input a tensor (``t``) or a Python number passed by value (``n``);
- ``{name}_g``: the general case: strided and broadcast inputs indexed through a
  ``pb_layout``, and any input may be a number (bit ``k`` of ``numbers`` says
  input ``k`` is one).

One general kernel rather than one per combination of layouts and numbers: the
driver compiles each kernel at its first launch (PoCL: a fraction of a second),
so fewer kernels make the first call of each operator cheaper. Adding an operator
is adding a row; the program is generated and compiled once per dtype, on first
use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from string import Template
from typing import Any

import numpy as np
import pyopencl as cl

import plugboard as pb

from ._device import DeviceState
from ._errors import translate
from ._launch import LOCAL_SIZE, buffer, collapse, device_of, global_size, layouts
from ._templates import CType, ctype

__all__ = ["NUMPY_OF_C", "PointwiseOp", "launch", "scalar_value", "source"]

_ROLES = "abc"  # names of the inputs in expressions, in order
_KIND_ORDER = {
    "float": ("float", "any"),
    "int": ("int", "integral", "any"),
    "uint": ("uint", "integral", "any"),
    "bool": ("bool", "integral", "any"),
}

NUMPY_OF_C: Mapping[str, Any] = {
    "uchar": np.uint8, "char": np.int8, "short": np.int16, "int": np.int32, "long": np.int64,
    "ushort": np.uint16, "uint": np.uint32, "ulong": np.uint64, "float": np.float32,
    "double": np.float64,
}


@dataclass(frozen=True)
class PointwiseOp:
    """One elementwise kernel family.

    ``inputs``: per input, ``"x"`` (the computation dtype) or ``"bool"`` (a mask);
    ``out``: ``"x"`` or ``"bool"``; ``params``: scalar parameters in the computation
    dtype; ``exprs``: the C expression per kind of dtype (a missing kind means the
    dtype has no kernel); ``helpers``: C functions the expressions call, per kind.
    """

    name: str
    exprs: Mapping[str, str]
    inputs: tuple[str, ...] = ("x",)
    out: str = "x"
    params: tuple[str, ...] = ()
    helpers: Mapping[str, str] = field(default_factory=dict)

    def expression(self, ct: CType) -> str | None:
        for kind in _KIND_ORDER[ct.kind]:
            if kind in self.exprs:
                return self.exprs[kind]
        return None

    def helper(self, ct: CType) -> str:
        for kind in _KIND_ORDER[ct.kind]:
            if kind in self.helpers:
                return self.helpers[kind]
        return ""


def _patterns(op: PointwiseOp) -> list[str]:
    """Tensor (``t``) or number (``n``) per input, at least one tensor; masks are tensors."""
    patterns = [""]
    for role in op.inputs:
        patterns = [p + c for p in patterns for c in ("t" if role == "bool" else "tn")]
    return [p for p in patterns if "t" in p]


def _substitute(text: str, ct: CType, names: Mapping[str, str]) -> str:
    return Template(text).substitute(T=ct.compute, U=ct.unsigned, S=ct.storage, MIN=ct.min,
                                     MAX=ct.max, **names)


_BOOL = ctype(pb.bool)


def _kernel(op: PointwiseOp, ct: CType, contiguous: bool, expr: str, pattern: str = "") -> str:
    out_ct = _BOOL if op.out == "bool" else ct
    args = ["long n"]
    if contiguous:
        args += [f"__global {out_ct.storage}* out", "long out_off"]
    else:
        args += ["pb_layout l", "uint numbers", f"__global {out_ct.storage}* out"]
    body = []
    names: dict[str, str] = {}
    for k, (role, letter) in enumerate(zip(op.inputs, _ROLES, strict=False)):
        in_ct = _BOOL if role == "bool" else ct
        names[letter] = letter
        if contiguous and pattern[k] == "n":
            args.append(f"{in_ct.compute} {letter}")
            continue
        args.append(f"__global const {in_ct.storage}* {letter}_p")
        if contiguous:
            args.append(f"long {letter}_off")
            value = in_ct.load(f"{letter}_p", f"{letter}_off + i")
        else:
            args.append(f"{in_ct.compute} {letter}_number")
            # Always load (a number's operand reads out's first element, with stride 0),
            # then select: no branch, so a device can vectorise across work-items.
            load = in_ct.load(f"{letter}_p", f"PB_AT({k + 1})")
            body.append(f"    const {in_ct.compute} {letter}_loaded = {load};")
            value = f"(numbers & {1 << k}u) ? {letter}_number : {letter}_loaded"
        body.append(f"    const {in_ct.compute} {letter} = {value};")
    for param in op.params:
        args.append(f"{ct.compute} {param}")
        names[param] = param
    result = _substitute(expr, ct, names)
    out_index = "out_off + i" if contiguous else "PB_AT(0)"
    body.append("    " + out_ct.store("out", out_index, f"({result})"))
    name = f"{op.name}_c_{pattern}" if contiguous else f"{op.name}_g"
    return (f"__kernel void {name}({', '.join(args)}) {{\n"
            f"    const long i = get_global_id(0);\n    if (i >= n) return;\n"
            + "\n".join(body) + "\n}\n")


def source(ops: Sequence[PointwiseOp], dtype: pb.DType) -> str:
    """The program of every operator in ``ops`` that has an expression for ``dtype``."""
    ct = ctype(dtype)
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
        kernels += [_kernel(op, ct, True, expr, p) for p in _patterns(op)]
        kernels.append(_kernel(op, ct, False, expr))
    return "\n".join(helpers + kernels)


def scalar_value(value: Any, ct: CType) -> Any:
    """A Python number as the kernel argument of compute type ``ct.compute``."""
    return NUMPY_OF_C[ct.compute](value)


def _scalar_types(op: PointwiseOp, ct: CType, pattern: str | None) -> list[Any]:
    """Argument types of the contiguous kernel for ``pattern``, or of the general one."""
    contiguous = pattern is not None
    types: list[Any] = [np.int64, None, np.int64] if contiguous else [np.int64, None,
                                                                      np.uint32, None]
    for k, role in enumerate(op.inputs):
        in_ct = _BOOL if role == "bool" else ct
        if pattern is not None and pattern[k] == "n":
            types.append(NUMPY_OF_C[in_ct.compute])
        else:
            types += [None, np.int64 if contiguous else NUMPY_OF_C[in_ct.compute]]
    types.extend(NUMPY_OF_C[ct.compute] for _ in op.params)
    return types


@dataclass(frozen=True)
class _Plan:
    """What a launch of one signature needs, found once per device: the kernel and the
    compute type of each input (the mask's or the computation's)."""

    kernel: Any
    ct: CType
    input_cts: tuple[CType, ...]


def _plan(state: DeviceState, table: Callable[[pb.DType], str], op: PointwiseOp,
          dtype: pb.DType, pattern: str, contiguous: bool, what: str) -> _Plan:
    key = (table, op.name, dtype, pattern if contiguous else None)
    plan: _Plan | None = state.plans.get(key)
    if plan is None:
        state_require(state, dtype, what)
        ct = ctype(dtype)
        name = f"{op.name}_c_{pattern}" if contiguous else f"{op.name}_g"
        kernel = state.kernel(table(dtype), name,
                              _scalar_types(op, ct, pattern if contiguous else None),
                              f"{what} ({dtype})")
        plan = _Plan(kernel, ct, tuple(_BOOL if role == "bool" else ct for role in op.inputs))
        state.plans[key] = plan
    return plan


def launch(
    table: Callable[[pb.DType], str],
    op: PointwiseOp,
    dtype: pb.DType,
    inputs: Sequence[Any],
    params: Sequence[Any],
    out: pb.Tensor,
    what: str,
) -> None:
    """Run ``op`` on ``inputs`` (tensors of ``out``'s shape, or Python numbers) into ``out``.

    ``table(dtype)`` is the program source of ``op``'s table for ``dtype``. The kernel
    and argument types of each signature (operator, dtype, tensors or numbers,
    contiguous or not) are found once per device, so a repeat launch only packs its
    arguments.
    """
    n = out.numel()
    if n == 0:
        return
    state = device_of(out)
    pattern = "".join("t" if isinstance(x, pb.Tensor) else "n" for x in inputs)
    # Inputs have out's shape (broadcast ones stride 0): row-major all, or strided.
    contiguous = out.is_contiguous() and all(
        x.is_contiguous() for x in inputs if isinstance(x, pb.Tensor))
    plan = _plan(state, table, op, dtype, pattern, contiguous, what)
    kernel, ct = plan.kernel, plan.ct
    extra = [scalar_value(p, ct) for p in params]
    try:
        if contiguous:
            args: list[Any] = [buffer(out), out.storage_offset()]
            for x, in_ct in zip(inputs, plan.input_cts, strict=True):
                if isinstance(x, pb.Tensor):
                    args += [buffer(x), x.storage_offset()]
                else:
                    args.append(scalar_value(x, in_ct))
            kernel(state.queue, global_size(n), (LOCAL_SIZE,), np.int64(n), *args, *extra)
            return
        # A number is an operand of stride 0 (it reads, then ignores, out's first element).
        layout = collapse(out.shape, [out.stride()] + [
            x.stride() if isinstance(x, pb.Tensor) else (0,) * out.ndim for x in inputs])
        numbers = 0
        operands: list[Any] = []
        offsets = [out.storage_offset()]
        for k, (x, in_ct) in enumerate(zip(inputs, plan.input_cts, strict=True)):
            if isinstance(x, pb.Tensor):
                operands += [buffer(x), NUMPY_OF_C[in_ct.compute](0)]
                offsets.append(x.storage_offset())
            else:
                numbers |= 1 << k
                operands += [buffer(out), scalar_value(x, in_ct)]
                offsets.append(0)
        for count, record in layouts(layout, offsets):
            kernel(state.queue, global_size(count), (LOCAL_SIZE,), np.int64(count), record,
                   np.uint32(numbers), buffer(out), *operands, *extra)
    except cl.Error as error:
        raise translate(error, f"{what} ({dtype})", state.label) from error


def state_require(state: DeviceState, dtype: pb.DType, what: str) -> None:
    """Raise a clear error for a dtype the device cannot compute (float64 without fp64)."""
    if dtype not in state.dtypes:
        raise pb.DTypeError(
            f"{state.label} ({state.found.name}) does not support {dtype} "
            f"(no cl_khr_fp64). Fix: use float32, e.g. x.to(pb.float32)"
        )
