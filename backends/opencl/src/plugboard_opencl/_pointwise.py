"""Launching the pointwise kernels of :mod:`plugboard.codegen` on OpenCL.

The table, its C expressions and the kernel source are the kernel layer's
(``plugboard.codegen``, rendered in the OpenCL dialect); this module finds the
kernel of each call's signature once per device and packs its arguments. The
program is generated and compiled once per dtype, on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyopencl as cl

import plugboard as pb
from plugboard.backend import storage_handle
from plugboard.codegen import OPENCL, CType, PointwiseOp, arguments, collapse, kernel_name

from ._device import DeviceState
from ._errors import translate
from ._launch import LOCAL_SIZE, buffer, device_of, global_size, layouts

__all__ = ["launch", "state_require"]


@dataclass(frozen=True)
class _Plan:
    """What a launch of one signature needs, found once per device: the ``cl.Kernel``
    (scalar argument types set) and the compute type of each input (the mask's or the
    computation's)."""

    kernel: Any
    ct: CType
    input_cts: tuple[CType, ...]


def _plan(state: DeviceState, table: Callable[[pb.DType], str], op: PointwiseOp,
          dtype: pb.DType, pattern: str, contiguous: bool, what: str) -> _Plan:
    # Keyed by small values: the table, the row, the dtype, which inputs are tensors and
    # contiguity. The set of keys is finite (rows x dtypes x patterns), so it stays small.
    key = (table, op.name, dtype, pattern, contiguous)
    plan: _Plan | None = state.plans.get(key)
    if plan is None:
        state_require(state, dtype, what)
        ct = OPENCL.ctype(dtype)
        variant = pattern if contiguous else None
        # pyopencl's scalar argument types: None for buffers and the layout record.
        types = [a.numpy if a.kind == "scalar" else None
                 for a in arguments(OPENCL, op, dtype, variant)]
        kernel = state.kernel(table(dtype), kernel_name(op, variant), types,
                              f"{what} ({dtype})")
        bool_ct = OPENCL.ctype(pb.bool)
        plan = _Plan(kernel.kernel, ct,
                     tuple(bool_ct if role == "bool" else ct for role in op.inputs))
        state.plans[key] = plan
    return plan


def _contiguous(x: pb.Tensor, strides: tuple[int, ...]) -> bool:
    # Same strides as the contiguous output answers at once; size-1 dimensions may
    # carry any stride, so a mismatch asks the tensor.
    return x.stride() == strides or x.is_contiguous()


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
    arguments and enqueues, without waiting.
    """
    n = out.numel()
    if n == 0:
        return
    state = device_of(out)
    pattern = "".join(["t" if isinstance(x, pb.Tensor) else "n" for x in inputs])
    # Inputs have out's shape (broadcast ones stride 0): row-major all, or strided.
    contiguous = out.is_contiguous()
    if contiguous:
        strides = out.stride()
        for x in inputs:
            if isinstance(x, pb.Tensor) and not _contiguous(x, strides):
                contiguous = False
                break
    plan = _plan(state, table, op, dtype, pattern, contiguous, what)
    kernel, ct = plan.kernel, plan.ct
    extra = [ct.value(p) for p in params]
    try:
        if contiguous:
            args: list[Any] = [storage_handle(out).buffer, out.storage_offset()]
            for x, in_ct in zip(inputs, plan.input_cts, strict=True):
                if isinstance(x, pb.Tensor):
                    args += [storage_handle(x).buffer, x.storage_offset()]
                else:
                    args.append(in_ct.value(x))
            kernel(state.queue, (-(-n // LOCAL_SIZE) * LOCAL_SIZE,), (LOCAL_SIZE,), n,
                   *args, *extra)
            return
        # A number is an operand of stride 0 (it reads, then ignores, out's first element).
        layout = collapse(out.shape, [out.stride()] + [
            x.stride() if isinstance(x, pb.Tensor) else (0,) * out.ndim for x in inputs])
        numbers = 0
        operands: list[Any] = []
        offsets = [out.storage_offset()]
        for k, (x, in_ct) in enumerate(zip(inputs, plan.input_cts, strict=True)):
            if isinstance(x, pb.Tensor):
                operands += [buffer(x), in_ct.value(0)]
                offsets.append(x.storage_offset())
            else:
                numbers |= 1 << k
                operands += [buffer(out), in_ct.value(x)]
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
