"""index_put and its in-place form: writing values at positions given by index tensors.

The element offset of every written position is computed on the device with
plugboard operators (wrapping negative positions, broadcasting the index
tensors, adding each whole dimension's ``arange * stride``), laid out in the
indexed shape as NumPy orders it (index tensors that are not adjacent come
first). One ``put`` kernel then writes ``values``, broadcast to that shape: one
work-item per position, or, with ``accumulate=True``, one work-item for all of
them in order, so repeated positions add up without atomics.

Positions are checked before anything is written: one out of range raises
``IndexingError`` (the check waits for the device).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import check_index_range
from plugboard.codegen import OPENCL

from ._errors import translated
from ._kernel_tools import ALL, OpenCLKernel
from ._kernels_copy import copy_view
from ._launch import LOCAL_SIZE, buffer, collapse, device_of, global_size
from ._launch import record as layout_record
from ._pointwise import state_require

_P = pb.ops.pb


@functools.cache
def program(dtype: pb.DType) -> str:
    c = OPENCL.ctype(dtype)
    if c.kind == "bool":
        add = "old | v"
    elif c.is_float:
        add = "old + v"
    else:
        add = f"({c.compute})(({c.unsigned})old + ({c.unsigned})v)"
    return f"""
__kernel void put(long n, pb_layout l, long base, int accumulate, __global {c.storage}* out,
                  __global const long* positions, __global const {c.storage}* values) {{
    const long gid = get_global_id(0);
    if (accumulate) {{
        if (gid != 0) return;
        for (long i = 0; i < n; ++i) {{
            const long at = base + positions[pb_at(&l, 0, i)];
            const {c.compute} old = {c.load("out", "at")};
            const {c.compute} v = {c.load("values", "pb_at(&l, 1, i)")};
            {c.store("out", "at", add)}
        }}
        return;
    }}
    const long i = gid;
    if (i >= n) return;
    {c.store("out", "base + positions[pb_at(&l, 0, i)]",
             c.load("values", "pb_at(&l, 1, i)"))}
}}
"""


def positions(target: pb.Tensor, indices: Sequence[pb.Tensor | None]
              ) -> tuple[pb.Tensor, tuple[int, ...]]:
    """The element offsets (from the target's storage offset) that ``target[indices]``
    names, as an int64 tensor of the indexed shape; and that shape."""
    shape, strides = target.shape, target.stride()
    slots = list(indices) + [None] * (target.ndim - len(indices))
    dims = [d for d, t in enumerate(slots) if t is not None]
    wrapped: dict[int, pb.Tensor] = {}
    for d in dims:
        index = slots[d]
        assert index is not None
        index = index if index.dtype is pb.int64 else index.to(pb.int64)
        check_index_range(index, shape[d], d)
        wrapped[d] = _P.where(_P.lt(index, 0), _P.add(index, shape[d]), index)
    batch = pb.broadcast_shapes(*(wrapped[d].shape for d in dims))
    whole = [d for d in range(target.ndim) if slots[d] is None]
    adjacent = dims == list(range(dims[0], dims[-1] + 1))
    start = dims[0] if adjacent else 0
    if adjacent:
        indexed = (*shape[:start], *batch, *shape[dims[-1] + 1:])
    else:
        indexed = (*batch, *(shape[d] for d in whole))
    rank = len(indexed)
    offset: Any = 0
    for d in dims:
        offset = _P.add(_P.mul(wrapped[d], strides[d]), offset)
    offset = offset.reshape(*((1,) * start), *batch, *((1,) * (rank - start - len(batch))))
    for k, d in enumerate(whole):
        # Where dimension d lands: around the index block when it is adjacent, else after.
        before = d < start
        axis = (d if before else d - len(dims) + len(batch)) if adjacent else len(batch) + k
        steps = _P.mul(pb.arange(shape[d], device=target.device), strides[d])
        offset = _P.add(offset, steps.reshape(*((1,) * axis), shape[d],
                                              *((1,) * (rank - axis - 1))))
    return offset.expand(*indexed), indexed


def _put(target: pb.Tensor, indices: Sequence[pb.Tensor | None], values: pb.Tensor,
         accumulate: bool, what: str) -> None:
    state = device_of(target)
    state_require(state, target.dtype, what)
    where, indexed = positions(target, indices)
    n = where.numel()
    if n == 0:
        return
    # The core gives index_put_ values and positions that do not share the target's memory.
    values = values.expand(*indexed)
    layout = collapse(indexed, [where.stride(), values.stride()])
    rec = layout_record(layout, [where.storage_offset(), values.storage_offset()], what)
    kernel = state.kernel(program(target.dtype), "put",
                          [np.int64, None, np.int64, np.int32, None, None, None], what)
    with translated(what, state.label):
        kernel(state.queue, global_size(1 if accumulate else n), (LOCAL_SIZE,), n, rec,
               target.storage_offset(), int(accumulate), buffer(target), buffer(where),
               buffer(values))


def _index_put(self: pb.Tensor, indices: Sequence[pb.Tensor | None], values: pb.Tensor,
               accumulate: bool, *, out: pb.Tensor) -> None:
    positions(self, indices)  # every check before the first write
    copy_view(out, self, self.storage_offset(), self.stride(), "pb::index_put")
    _put(out, indices, values, accumulate, "pb::index_put")


def _index_put_inplace(self: pb.Tensor, indices: Sequence[pb.Tensor | None],
                       values: pb.Tensor, accumulate: bool) -> None:
    _put(self, indices, values, accumulate, "pb::index_put_")


KERNELS: tuple[OpenCLKernel, ...] = (
    OpenCLKernel("index_put", _index_put, ALL),
    # Native in-place form: writes only the indexed elements (the composite copies all).
    OpenCLKernel("index_put_", _index_put_inplace, ALL),
)
