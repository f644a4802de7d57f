"""Tensors as MLX arrays: reading a tensor's elements from its storage's bytes, and
writing a result into them, at any offset and strides.

A storage is one flat uint8 MLX array (:class:`~plugboard_metal._runtime.Buffer`);
MLX arrays are values, not strided memory, so a tensor is read as ``mx.view`` of
the bytes it spans and ``mx.as_strided`` over them, and a result is written as
an update of those bytes: a slice update where ``out`` is contiguous, a scatter
at the computed element positions where it is not.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import mlx.core as mx

import plugboard as pb
from plugboard.backend import contiguous_strides, device_buffer

from ._capabilities import mx_dtype, numpy_dtype
from ._runtime import RUNTIME

__all__ = ["compute_dtype", "input_dtype", "kernel", "operands", "read", "read_as", "wide",
           "write"]

_REDUCED = frozenset({mx.float16, mx.bfloat16})


def _span(shape: Sequence[int], strides: Sequence[int]) -> int:
    return 1 + sum((n - 1) * s for n, s in zip(shape, strides, strict=True))


def read(t: pb.Tensor) -> Any:
    """The elements of ``t`` as an MLX array of its shape and dtype (lazy, no copy made)."""
    b = device_buffer(t)
    dtype = mx_dtype(b.dtype)
    if math.prod(b.shape) == 0:
        return mx.zeros(b.shape, dtype=dtype)
    itemsize = b.dtype.itemsize
    span = _span(b.shape, b.strides)
    flat = mx.view(b.handle.data[b.byte_offset : b.byte_offset + span * itemsize], dtype)
    if tuple(b.strides) == contiguous_strides(b.shape):
        return flat.reshape(b.shape)
    return mx.as_strided(flat, b.shape, b.strides, 0)


def read_as(t: pb.Tensor, dtype: Any) -> Any:
    """``t``'s elements cast to the MLX dtype ``dtype``, as the core casts a kernel's inputs
    to its computation dtype. A float64 tensor (which metal stores but cannot compute:
    Apple GPUs have no float64) is cast on the host, in NumPy, and its values copied in."""
    if t.dtype is pb.float64:
        import numpy as np

        with np.errstate(all="ignore"):  # a value past the dtype's range is inf, as in PyTorch
            return mx.array(t.numpy().astype(numpy_dtype(dtype)))
    a = read(t)
    return a if a.dtype == dtype else a.astype(dtype)


def _positions(shape: Sequence[int], strides: Sequence[int]) -> Any:
    """The element offset of each element of a strided layout, as a flat index array."""
    index = mx.zeros((), dtype=mx.int32)
    for axis, (n, s) in enumerate(zip(shape, strides, strict=True)):
        view = [1] * len(shape)
        view[axis] = n
        index = index + (mx.arange(n, dtype=mx.int32) * s).reshape(view)
    return mx.broadcast_to(index, tuple(shape)).reshape(-1)


def write(out: pb.Tensor, result: Any) -> None:
    """Write ``result`` (broadcast to ``out``'s shape, cast to its dtype) into ``out``."""
    b = device_buffer(out)
    n = math.prod(b.shape)
    if n == 0:
        return
    dtype = mx_dtype(b.dtype)
    if not isinstance(result, mx.array):
        result = mx.array(result, dtype=dtype)
    flat = mx.broadcast_to(result.astype(dtype), b.shape).reshape(-1)
    if tuple(b.strides) == contiguous_strides(b.shape):
        RUNTIME.write_bytes(b.handle, b.byte_offset, mx.view(flat, mx.uint8))
        return
    itemsize = b.dtype.itemsize
    span = _span(b.shape, b.strides)
    typed = mx.view(b.handle.data[b.byte_offset : b.byte_offset + span * itemsize], dtype)
    typed = mx.put_along_axis(typed, _positions(b.shape, b.strides), flat, axis=0)
    RUNTIME.write_bytes(b.handle, b.byte_offset, mx.view(typed, mx.uint8))


def wide(x: Any) -> Any:
    """``x`` in its computation dtype: float32 for float16 and bfloat16."""
    return x.astype(mx.float32) if x.dtype in _REDUCED else x


def compute_dtype(dtype: pb.DType) -> Any:
    """The MLX dtype a computation in ``dtype`` runs in (float32 for float16 and bfloat16,
    rounded once when written, as PyTorch's kernels do)."""
    d = mx_dtype(dtype)
    return mx.float32 if d in _REDUCED else d


def operands(*values: Any, dtype: pb.DType) -> list[Any]:
    """Pointwise inputs as MLX arrays in the computation dtype of ``dtype``: tensors read,
    Python numbers (already the dtype's values) made arrays of it, so no weak typing."""
    compute = compute_dtype(dtype)
    arrays = []
    for v in values:
        if isinstance(v, pb.Tensor):
            arrays.append(read_as(v, compute))
        else:
            arrays.append(mx.array(v, dtype=compute))
    return arrays


def input_dtype(*values: Any) -> pb.DType:
    """The dtype of the first tensor among ``values`` (the computation's, cast by the core)."""
    for v in values:
        if isinstance(v, pb.Tensor):
            return v.dtype
    raise pb.ArgumentError("a metal kernel got no tensor input")


def kernel(fn: Callable[..., None]) -> Callable[..., None]:
    """``fn`` run on the current stream of metal:0 (its MLX stream)."""

    @functools.wraps(fn)
    def on_stream(*args: Any, **kwargs: Any) -> None:
        with mx.stream(RUNTIME.current().stream):
            fn(*args, **kwargs)

    return on_stream
