"""OpenCL kernels of the elementwise operators: the pointwise table of
:mod:`plugboard.codegen`, rendered as OpenCL C, one program per dtype.

Integer division, remainder and fmod by zero raise ``ArgumentError`` as on the
CPU: a kernel cannot raise, so the divisor is checked on the device first, and
that check waits for the device (floating-point division never waits).
"""

from __future__ import annotations

import functools
from typing import Any

import plugboard as pb
from plugboard import codegen
from plugboard.codegen import OPENCL

from . import _pointwise
from ._kernel_tools import OpenCLKernel


@functools.cache
def program(dtype: pb.DType) -> str:
    """The program of every row of the pointwise table for ``dtype``.

    One program per dtype: PoCL's build has a fixed cost of a fraction of a second,
    and its first launch of each kernel compiles that kernel alone.
    """
    return codegen.source(OPENCL, dtype)


def run(name: str, inputs: tuple[Any, ...], params: tuple[Any, ...], out: pb.Tensor,
        what: str) -> None:
    """Launch the row ``name`` of the table (used by the kernels below and by composites)."""
    op = codegen.BY_NAME[name]
    _pointwise.launch(program, op, codegen.compute_dtype(op, inputs, out), inputs, params,
                      out, what)


KERNELS: tuple[OpenCLKernel, ...] = tuple(
    OpenCLKernel(e.op, e.kernel(run, "opencl"), e.dtypes) for e in codegen.ELEMENTWISE)
