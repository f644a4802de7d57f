"""Tensors as ndarrays: a view of a tensor's device memory, at its offset and strides,
for the CuPy kernels; and, for host tensors, the same view over host memory in NumPy.

Every kernel takes its array module from :func:`array_module` (CuPy for a tensor on
a CUDA or ROCm device, NumPy for a tensor in host memory), so the very same kernel
functions run on a cpu tensor in the tests. The CuPy-only calls are the three small
functions at the end of this module (``_device_view``, ``_on_device``) and ``_cupy``
(``_platform.import_cupy``).

CuPy has no bfloat16 dtype: a bfloat16 tensor is viewed as its uint16 bits, read as
float32 (exact: its top 16 bits) and written back rounded to nearest even, with the
bit arithmetic below, in NumPy and CuPy alike. float16 is CuPy's own.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import KernelSpec, device_buffer, host_array

from ._platform import import_cupy as _cupy  # CuPy, imported on first use

__all__ = ["array_module", "as_stored", "compute_dtype", "device_of", "kernel", "kernels",
           "numpy_dtype", "read", "read_as", "store", "view", "wide", "write"]

_REDUCED = ("float16", "bfloat16")


def numpy_dtype(dtype: pb.DType) -> np.dtype[Any]:
    """The ndarray dtype a tensor of ``dtype`` is stored as (uint16 bits for bfloat16)."""
    return np.dtype("uint16" if dtype is pb.bfloat16 else dtype.name)


def compute_dtype(dtype: pb.DType) -> np.dtype[Any]:
    """The ndarray dtype a computation in ``dtype`` runs in: float32 for float16 and
    bfloat16 (rounded once when written, as PyTorch's kernels do)."""
    return np.dtype("float32" if dtype.name in _REDUCED else dtype.name)


def _on_host(t: pb.Tensor) -> bool:
    # A host-memory runtime's handle is its storage's uint8 NumPy array.
    return isinstance(device_buffer(t).handle, np.ndarray)


def array_module(t: pb.Tensor) -> Any:
    """NumPy for a tensor in host memory, CuPy for one on a device."""
    return np if _on_host(t) else _cupy()


def view(t: pb.Tensor) -> Any:
    """An ndarray over ``t``'s elements in place (no copy), of their stored dtype."""
    if _on_host(t):
        a = host_array(t)
        return a.view(np.uint16) if t.dtype is pb.bfloat16 else a
    b = device_buffer(t)
    itemsize = b.dtype.itemsize
    return _device_view(b.handle, b.byte_offset, b.shape, tuple(s * itemsize for s in b.strides),
                        numpy_dtype(b.dtype))


def _bfloat16_to_float32(xp: Any, bits: Any) -> Any:
    return (bits.astype(xp.uint32) << xp.uint32(16)).view(xp.float32)


def _float32_to_bfloat16(xp: Any, x: Any) -> Any:
    """float32 to bfloat16 bits, rounded to nearest even; NaN stays a (quiet) NaN."""
    bits = xp.asarray(x, dtype=xp.float32).view(xp.uint32)
    rounded = (bits + xp.uint32(0x7FFF) + ((bits >> xp.uint32(16)) & xp.uint32(1))) \
        >> xp.uint32(16)
    nan = (bits >> xp.uint32(16)) | xp.uint32(0x40)
    return xp.where(xp.isnan(x), nan, rounded).astype(xp.uint16)


def _float64_to_float32_odd(xp: Any, x: Any) -> Any:
    """float64 to float32 rounded to odd: rounding that once more to bfloat16 is the
    correctly rounded bfloat16 of ``x`` (no double rounding)."""
    near = x.astype(xp.float32)
    toward_zero = xp.where(xp.abs(near.astype(xp.float64)) > xp.abs(x),
                           xp.nextafter(near, xp.float32(0)), near)
    inexact = (toward_zero.astype(xp.float64) != x) & xp.isfinite(x)
    bits = toward_zero.view(xp.uint32)
    return xp.where(inexact, bits | xp.uint32(1), bits).view(xp.float32)


def read(t: pb.Tensor) -> Any:
    """``t``'s elements as an ndarray view, in its dtype (float32 for bfloat16, exact)."""
    a = view(t)
    if t.dtype is pb.bfloat16:
        return _bfloat16_to_float32(array_module(t), a)
    return a


def wide(a: Any) -> Any:
    """``a`` in its computation dtype: float16 computes in float32."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def read_as(t: pb.Tensor, dtype: Any) -> Any:
    """``t``'s elements cast to the ndarray dtype ``dtype``."""
    a = read(t)
    return a if a.dtype == dtype else a.astype(dtype)


def as_stored(xp: Any, result: Any, dtype: pb.DType) -> Any:
    """``result`` converted to how ``dtype`` is stored, rounded once (bfloat16: its bits)."""
    result = xp.asarray(result)
    if dtype is not pb.bfloat16:
        return result.astype(numpy_dtype(dtype), copy=False)
    if result.dtype == xp.float64:
        result = _float64_to_float32_odd(xp, result)
    return _float32_to_bfloat16(xp, result.astype(xp.float32, copy=False))


def store(xp: Any, target: Any, result: Any, dtype: pb.DType) -> None:
    """Write ``result`` (broadcast, rounded once to ``dtype``) into the view ``target``."""
    if target.size:
        target[...] = xp.broadcast_to(as_stored(xp, result, dtype), target.shape)


def write(out: pb.Tensor, result: Any) -> None:
    """Write ``result`` (broadcast to ``out``'s shape, cast to its dtype) into ``out``."""
    if out.numel():
        store(array_module(out), view(out), result, out.dtype)


def kernels(dtypes: tuple[pb.DType, ...], mixed_dtypes: bool = False,
            **fns: Callable[..., None]) -> tuple[KernelSpec, ...]:
    """Kernel records, one per ``op=fn``: ``fn`` on its device's current stream, for
    ``dtypes``. The views of :func:`view` read and write any strides, so every kernel
    here is strided."""
    return tuple(KernelSpec(op, kernel(fn), dtypes, strided=True, mixed_dtypes=mixed_dtypes)
                 for op, fn in fns.items())


def device_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> pb.Device | None:
    """The device of a kernel call's first tensor argument; None for a host tensor."""
    for value in (*kwargs.values(), *args):
        for t in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(t, pb.Tensor):
                return None if _on_host(t) else t.device
    return None


def kernel(fn: Callable[..., None]) -> Callable[..., None]:
    """``fn`` run on its tensors' device and that device's current plugboard stream
    (for host tensors, as it is)."""

    @functools.wraps(fn)
    def on_device(*args: Any, **kwargs: Any) -> None:
        device = device_of(args, kwargs)
        if device is None:
            with np.errstate(all="ignore"):  # as on the device: inf and NaN, no warnings
                fn(*args, **kwargs)
            return
        with _on_device(device):
            fn(*args, **kwargs)

    return on_device


# The CuPy-only part: untested on a machine without a GPU. ------------------------------


def _device_view(handle: Any, byte_offset: int, shape: tuple[int, ...],
                 byte_strides: tuple[int, ...], dtype: np.dtype[Any]) -> Any:
    """A cupy.ndarray over a runtime block (``handle.buffer``: the device pointer, of
    ``handle.size`` bytes), kept alive by the block while the view lives."""
    cupy = _cupy()
    memory = cupy.cuda.UnownedMemory(int(handle.buffer), handle.size, handle)
    pointer = cupy.cuda.MemoryPointer(memory, byte_offset)
    return cupy.ndarray(shape, dtype=dtype, memptr=pointer, strides=byte_strides)


@contextlib.contextmanager
def _on_device(device: pb.Device) -> Iterator[None]:
    cupy = _cupy()
    with cupy.cuda.Device(device.index), pb.current_stream(device).handle:
        yield
