"""What every kernel launch shares: tensors to buffers, layouts, work sizes.

A strided operand is described by its storage offset and strides over the
output's iteration space (broadcast inputs have stride 0). Before a launch,
dimensions that every operand traverses contiguously are merged and size-1
dimensions dropped, so most launches see one dimension, or none: then the
kernel's fast contiguous variant runs, without any index arithmetic. An
iteration space that still has more than ``MAX_DIMS`` dimensions is split
along its leading dimension into several launches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import storage_handle
from plugboard.codegen import LAYOUT_DTYPE, MAX_DIMS, Layout, collapse, layout_records

from ._device import DeviceState
from ._errors import translated
from ._runtime import RUNTIME

__all__ = [
    "LAYOUT_DTYPE",
    "LOCAL_SIZE",
    "Layout",
    "buffer",
    "collapse",
    "device_of",
    "global_size",
    "launch_along",
    "layouts",
]

LOCAL_SIZE = 256  # one fixed work-group size: PoCL compiles a kernel once per local size

# The layout struct, dimension merging and per-launch records are the kernel layer's.
layouts = layout_records


def device_of(t: pb.Tensor) -> DeviceState:
    """The device state a tensor's storage lives on."""
    return RUNTIME.state(t.device.index)


def buffer(t: pb.Tensor) -> Any:
    """The ``cl.Buffer`` behind a tensor (its element offset is ``t.storage_offset()``)."""
    return storage_handle(t).buffer


def global_size(n: int, local: int = LOCAL_SIZE) -> tuple[int]:
    return (max(-(-n // local), 1) * local,)


def is_contiguous(layout: Layout) -> bool:
    """Whether every operand walks the (collapsed) space with stride 1."""
    sizes, strides = layout
    return len(sizes) == 0 or (len(sizes) == 1 and all(s == (1,) for s in strides))


def record(layout: Layout, offsets: Sequence[int], what: str) -> np.ndarray:
    """The one ``pb_layout`` of a kernel that cannot be split into several launches."""
    if len(layout[0]) > MAX_DIMS:
        raise pb.ShapeError(
            f"{what}: the OpenCL kernels index at most {MAX_DIMS} dimensions that cannot "
            f"be merged, got {len(layout[0])}. Fix: make the input contiguous first "
            "(x.contiguous()) or reshape it to fewer dimensions"
        )
    return next(layouts(layout, offsets))[1]


def contiguous_strides(sizes: Sequence[int], scale: int = 1) -> tuple[int, ...]:
    """Row-major strides of ``sizes``, times ``scale``."""
    strides, step = [], scale
    for size in reversed(sizes):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


# (n_lines, length, layout record, out step, self step, out buffer, self buffer)
_ALONG_ARGS: list[Any] = [np.int64, np.int64, None, np.int64, np.int64, None, None]


def launch_along(source: str, name: str, self: pb.Tensor, dim: int, out: pb.Tensor,
                 what: str) -> None:
    """Launch ``name`` of ``source`` with one work-item per line of ``self`` along ``dim``.

    The kernel's arguments are ``(n_lines, length, layout, out_step, self_step, out,
    self)``: the layout places the first element of each line (the other
    dimensions, merged where they can be), the steps walk along it. Kernels that
    make passes over whole rows (scans, softmax) share this launch.
    """
    state = device_of(out)
    ndim = self.ndim
    d = dim % ndim if ndim else 0
    other = [k for k in range(ndim) if k != d]
    layout = collapse([self.shape[k] for k in other],
                      [[out.stride(k) for k in other], [self.stride(k) for k in other]])
    rec = record(layout, [out.storage_offset(), self.storage_offset()], what)
    n_lines = math.prod(self.shape[k] for k in other)
    length = self.shape[d] if ndim else 1
    steps = (out.stride(d), self.stride(d)) if ndim else (0, 0)
    kernel = state.kernel(source, name, _ALONG_ARGS, what)
    with translated(what, state.label):
        kernel(state.queue, global_size(n_lines), (LOCAL_SIZE,), n_lines, length, rec,
               *steps, buffer(out), buffer(self))
