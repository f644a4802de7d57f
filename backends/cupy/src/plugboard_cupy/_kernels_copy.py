"""CuPy kernels that write a tensor from another or from nothing: copy_ (the strided,
cross-dtype copy behind contiguous, clone and every cast), full, full_like and
arange.

Conversions are CuPy's casts (C's), rounded once: a float64 source goes to
bfloat16 through float32 rounded to odd (see ``_arrays``), so never twice.
"""

from __future__ import annotations

from typing import Any

import plugboard as pb
from plugboard.backend import ALL, device_buffer

from ._arrays import array_module, compute_dtype, kernels, read, store, view, write

__all__ = ["KERNELS"]


def _copy(self: pb.Tensor, src: Any, non_blocking: bool) -> None:
    xp = array_module(self)
    if not isinstance(src, pb.Tensor):
        write(self, xp.asarray(src, dtype=compute_dtype(self.dtype)))
        return
    if src.device != self.device:
        raise pb.DeviceError(
            f"pb::copy_ on {self.device} got a source on {src.device} ({src.dtype}, shape "
            f"{tuple(src.shape)}). Fix: copy between devices with .to(device)"
        )
    values = read(src)
    if not src.dtype.is_floating_point and self.dtype is pb.bfloat16:
        values = values.astype(xp.float64)  # one rounding from an integer, through odd
    if device_buffer(src).handle is device_buffer(self).handle:
        values = values.copy()  # the two may overlap: read everything before writing
    store(xp, view(self), values, self.dtype)


def _fill(out: pb.Tensor, fill_value: Any) -> None:
    xp = array_module(out)
    write(out, xp.asarray(fill_value, dtype=compute_dtype(out.dtype)))


def _full(size: Any, fill_value: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    _fill(out, fill_value)


def _full_like(self: pb.Tensor, fill_value: Any, dtype: Any, device: Any, *,
               out: pb.Tensor) -> None:
    _fill(out, fill_value)


def _arange(start: Any, end: Any, step: Any, dtype: Any, device: Any, *,
            out: pb.Tensor) -> None:
    xp = array_module(out)
    n = out.shape[0]
    # start + i * step in int64 or float64, rounded once into out.
    kind = xp.int64 if all(isinstance(v, int) for v in (start, end, step)) else xp.float64
    i = xp.arange(n, dtype=kind)
    write(out, kind(start) + i * kind(step))


KERNELS = (
    *kernels(ALL, mixed_dtypes=True, copy_=_copy),
    *kernels(ALL, full=_full, arange=_arange),
    # full_like reads only its input's shape: mixed dtypes spare a cast of the input.
    *kernels(ALL, mixed_dtypes=True, full_like=_full_like),
)
