"""The pointwise kernels of the CuPy backends: plugboard.codegen's table on CUDA and ROCm.

The operators' C is the kernel layer's (:mod:`plugboard.codegen`), rendered as
CUDA C++ for a ``cuda`` device and as HIP C++ for a ``rocm`` one; this module
builds one program per (dialect, dtype, device) with ``cupy.RawModule`` (NVRTC on
CUDA, hiprtc on ROCm), picks the kernel of each call's signature, packs its
arguments and launches it on the device's current plugboard stream.

Arguments: device pointers as 64-bit integers (a tensor's block address; the
kernels add the element offset), numbers as NumPy scalars of the kernel's
parameter type, and the general kernels' ``pb_layout`` as a NumPy structured
scalar (CuPy passes any NumPy scalar by its bytes: ``_scalar.CScalar``).
Everything but the launch itself (:func:`_launch`) runs without a GPU.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import plugboard as pb
from plugboard import codegen
from plugboard.backend import KernelSpec, device_buffer
from plugboard.codegen import CUDA, HIP, Arg, Dialect, Layout, PointwiseOp

from ._errors import CUDAError, GPUCompileError, GPUError, HIPCompileError, HIPError, NVRTCError
from ._platform import import_cupy

__all__ = ["BLOCK", "KERNELS", "MAX_LAUNCH", "Call", "calls", "dialect_of", "grid", "run"]

BLOCK = 256  # threads per block: a multiple of both warp (32) and wavefront (64) sizes
# Elements of one launch: the grid's x dimension and HIP's limit of 2**32 threads per
# launch both hold; a larger launch is split into several.
MAX_LAUNCH = 2**31 - BLOCK

_DIALECTS = {"cuda": CUDA, "rocm": HIP}
# Compiler options: no contraction of a * b + c into an FMA, so results match the
# other backends' (IEEE division and square root are NVRTC's default).
_OPTIONS = {"cuda": ("--std=c++17", "--fmad=false"), "hip": ("-ffp-contract=off",)}
# The platform's errors: a compile failure, and a launch the driver refused.
_COMPILE_ERROR: dict[str, type[GPUCompileError]] = {"cuda": NVRTCError, "hip": HIPCompileError}
_LAUNCH_ERROR: dict[str, type[GPUError]] = {"cuda": CUDAError, "hip": HIPError}


def dialect_of(device: pb.Device) -> Dialect:
    """The kernel dialect of a CuPy device: CUDA C++ on ``cuda``, HIP C++ on ``rocm``.

    >>> dialect_of(pb.Device("rocm", 0)).name
    'hip'
    """
    try:
        return _DIALECTS[device.type]
    except KeyError:
        raise pb.DeviceError(
            f"plugboard_cupy's pointwise kernels run on cuda and rocm devices, not "
            f"{device}. Fix: move the tensors to a GPU, e.g. x.to('cuda')") from None


def grid(count: int) -> tuple[int]:
    """Blocks of :data:`BLOCK` threads covering ``count`` elements (at least one block).

    >>> grid(1), grid(256), grid(257)
    ((1,), (1,), (2,))
    """
    return (max(-(-count // BLOCK), 1),)


@dataclass(frozen=True)
class Call:
    """One launch: the kernel's name, the elements it covers, its packed arguments."""

    kernel: str
    count: int
    args: tuple[Any, ...]


def _split(layout: Layout, offsets: Sequence[int],
           limit: int) -> Iterator[tuple[Layout, list[int]]]:
    """``layout`` in pieces of at most ``limit`` elements, each with its operands' offsets:
    runs of whole rows of the leading dimension, a row too long split along the next."""
    sizes, strides = layout
    if math.prod(sizes) <= limit:
        yield layout, list(offsets)
        return
    inner = math.prod(sizes[1:])  # 1 for one dimension: runs of `limit` elements
    rows = max(limit // inner, 1)
    for start in range(0, sizes[0], rows):
        piece = [o + start * s[0] for o, s in zip(offsets, strides, strict=True)]
        taken = min(rows, sizes[0] - start)
        if taken * inner <= limit:
            yield ((taken, *sizes[1:]), list(strides)), piece
        else:  # one row holds more than `limit` (so there is a next dimension)
            yield from _split((sizes[1:], [s[1:] for s in strides]), piece, limit)


def _pack(args: Sequence[Arg], values: dict[str, Any]) -> tuple[Any, ...]:
    """The kernel's arguments in order: numbers as their NumPy type, pointers as 64-bit
    addresses, the layout as a structured scalar of ``codegen.LAYOUT_DTYPE``."""
    packed: list[Any] = []
    for a in args:
        value = values[a.name]
        if a.kind == "scalar":
            packed.append(a.numpy(value))
        elif a.kind == "pointer":
            packed.append(np.uint64(value))
        else:
            packed.append(value[()] if isinstance(value, np.ndarray) else value)
    return tuple(packed)


def _address(t: pb.Tensor) -> int:
    """The device address of the block holding ``t`` (kernels add its element offset)."""
    return int(device_buffer(t).handle.buffer)


_ROLES = "abc"


def calls(op: PointwiseOp, dialect: Dialect, dtype: pb.DType, inputs: Sequence[Any],
          params: Sequence[Any], out: pb.Tensor,
          address: Callable[[pb.Tensor], int] | None = None,
          limit: int = MAX_LAUNCH) -> list[Call]:
    """The launches of ``op`` on ``inputs`` (tensors of ``out``'s shape, or numbers):
    the contiguous kernel of the inputs' pattern when every operand is contiguous,
    else the general one over the collapsed layout; split where a launch would
    exceed ``limit`` elements. ``address`` gives a tensor's block address."""
    n = out.numel()
    if n == 0:
        return []
    address = address or _address
    pattern = "".join("t" if isinstance(x, pb.Tensor) else "n" for x in inputs)
    contiguous = out.is_contiguous() and all(
        x.is_contiguous() for x in inputs if isinstance(x, pb.Tensor))
    values: dict[str, Any] = {"out": address(out)}
    values.update(zip(op.params, params, strict=True))
    result: list[Call] = []
    if contiguous:
        name = codegen.kernel_name(op, pattern)
        args = codegen.arguments(dialect, op, dtype, pattern)
        for start in range(0, n, limit):
            values.update(n=min(limit, n - start), out_off=out.storage_offset() + start)
            for x, letter in zip(inputs, _ROLES, strict=False):
                if isinstance(x, pb.Tensor):
                    values.update({f"{letter}_p": address(x),
                                   f"{letter}_off": x.storage_offset() + start})
                else:
                    values[letter] = x
            result.append(Call(name, values["n"], _pack(args, values)))
        return result
    # A number is an operand of stride 0 that reads, then ignores, out's first element.
    name = codegen.kernel_name(op, None)
    args = codegen.arguments(dialect, op, dtype, None)
    numbers = 0
    offsets = [out.storage_offset()]
    for k, (x, letter) in enumerate(zip(inputs, _ROLES, strict=False)):
        if isinstance(x, pb.Tensor):
            values.update({f"{letter}_p": address(x), f"{letter}_number": 0})
            offsets.append(x.storage_offset())
        else:
            numbers |= 1 << k
            values.update({f"{letter}_p": address(out), f"{letter}_number": x})
            offsets.append(0)
    values["numbers"] = numbers
    layout = codegen.collapse(out.shape, [out.stride()] + [
        x.stride() if isinstance(x, pb.Tensor) else (0,) * out.ndim for x in inputs])
    for piece, piece_offsets in _split(layout, offsets, limit):
        for count, record in codegen.layout_records(piece, piece_offsets):
            values.update(n=count, l=record)
            result.append(Call(name, count, _pack(args, values)))
    return result


# The CuPy-only part: the program, the function, the launch (needs a GPU). ---------------


@functools.cache
def _module(dialect: Dialect, dtype: pb.DType, device: int) -> Any:
    cupy = import_cupy()
    with cupy.cuda.Device(device):
        return cupy.RawModule(code=codegen.program(dialect, dtype),
                              options=_OPTIONS[dialect.name])


@functools.cache
def _function(dialect: Dialect, dtype: pb.DType, device: int, name: str) -> Any:
    cupy = import_cupy()
    with cupy.cuda.Device(device):
        try:  # CuPy compiles the module on its first function
            return _module(dialect, dtype, device).get_function(name)
        except cupy.cuda.compiler.CompileException as error:
            raise _COMPILE_ERROR[dialect.name](
                f"the {dtype} pointwise kernels did not compile for {dialect.name}: "
                f"{str(error).strip().splitlines()[0]}. The compiler log is in the error's "
                ".log; this is a plugboard bug, please report it",
                log=str(error)) from error


def _launch(device: pb.Device, dialect: Dialect, dtype: pb.DType, launches: Sequence[Call],
            what: str) -> None:
    cupy = import_cupy()
    from cupy_backends.cuda.api.driver import CUDADriverError

    with cupy.cuda.Device(device.index), pb.current_stream(device).handle:
        for call in launches:
            function = _function(dialect, dtype, device.index, call.kernel)
            try:
                function(grid(call.count), (BLOCK,), call.args)
            except CUDADriverError as error:
                raise _LAUNCH_ERROR[dialect.name](
                    f"{what} ({dtype}) on {device}: launching {call.kernel} failed: "
                    f"{error}") from error


def run(name: str, inputs: tuple[Any, ...], params: tuple[Any, ...], out: pb.Tensor,
        what: str) -> None:
    """Launch the row ``name`` of the pointwise table on ``out``'s device."""
    op = codegen.BY_NAME[name]
    dtype = codegen.compute_dtype(op, inputs, out)
    dialect = dialect_of(out.device)
    launches = calls(op, dialect, dtype, inputs, params, out)
    if launches:
        _launch(out.device, dialect, dtype, launches, what)


# One kernel per elementwise operator, with the OpenCL backend's dtypes and semantics.
KERNELS: tuple[KernelSpec, ...] = tuple(
    KernelSpec(e.op, e.kernel(run, "cupy"), e.dtypes, strided=True)
    for e in codegen.ELEMENTWISE)
