"""The indexing operators of docs/opset.md: index_select, index_put, advanced indexing.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.

``index_select`` and ``index_put`` are primitives. ``index_put_`` is the
in-place form ``x[idx] = v`` needs: its decomposition writes the result of
``index_put`` back with ``copy_``, and a backend may register a native kernel
that writes only the indexed elements. Advanced indexing itself (``x[idx]``,
``x[mask]``, ``x[idx] = v``) is built from these in ``_indexing.py``.

Example:
    >>> import plugboard as pb
    >>> x = pb.tensor([[1, 2], [3, 4], [5, 6]])
    >>> pb.index_select(x, 0, pb.tensor([2, 0])).tolist()
    [[5, 6], [1, 2]]
    >>> pb.index_put(x, (pb.tensor([0, 0]),), pb.tensor([10, 20]), True).tolist()
    [[21, 42], [3, 4], [5, 6]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plugboard._core.dtype import int32, int64
from plugboard._core.errors import DTypeError, IndexingError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, wrap_dim
from plugboard._ops.meta import broadcast_shapes, common_device
from plugboard._ops.meta import op as _op
from plugboard._ops.table import OpTable

lib = OpTable("indexing")

_COMPOSITE = "CompositeImplicit"
INDEX_DTYPES = (int64, int32)


def check_index_dtype(index: Tensor, what: str) -> None:
    """Index tensors hold int64 or int32 positions (bool masks are resolved before)."""
    if index.dtype not in INDEX_DTYPES:
        fix = (
            "for a boolean mask index the tensor itself, x[mask]"
            if index.dtype.is_bool else "cast it with .to(pb.int64)"
        )
        raise IndexingError(
            f"{what} must be an int64 or int32 tensor, got {index.dtype}. Fix: {fix}"
        )


def broadcast_indices(shapes: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """The shape that index tensors of ``shapes`` broadcast to (IndexingError if none)."""
    try:
        return broadcast_shapes(*shapes)
    except ShapeError:
        listed = ", ".join(str(s) for s in shapes)
        raise IndexingError(
            f"the index tensors cannot be broadcast together (shapes {listed}). Fix: give "
            "them one shape, or shapes that broadcast (e.g. (n, 1) and (m,))"
        ) from None


def indexed_shape(
    shape: Sequence[int], indices: Sequence[Tensor | None]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shape ``x[indices]`` has, and the shape the index tensors broadcast to.

    ``indices`` are index tensors, or None for a dimension taken whole, as in
    ``index_put``. As in PyTorch (and NumPy), the broadcast index dimensions
    replace the indexed dimensions where those are adjacent, and come first
    where a dimension taken whole separates them.
    """
    positions = [i for i, t in enumerate(indices) if t is not None]
    index_shape = broadcast_indices([t.shape for t in indices if t is not None])
    rest = list(shape)
    for i in reversed(positions):
        del rest[i]
    adjacent = positions == list(range(positions[0], positions[-1] + 1))
    at = positions[0] if adjacent else 0
    return (*rest[:at], *index_shape, *rest[at:]), index_shape


# index_select -------------------------------------------------------------------


# Its meta function reads only the call signature (dtypes, shapes, dim): "pure_meta".
lib.define("index_select(Tensor self, int dim, Tensor index) -> Tensor", promotes=("self",),
           tags=("pure_meta",))


@lib.register_meta("index_select")
def _index_select_meta(self: Tensor, dim: int, index: Tensor) -> TensorSpec:
    device = common_device(self, index)
    d = wrap_dim(dim, self.ndim)
    check_index_dtype(index, "index_select's index")
    if index.ndim > 1:
        raise IndexingError(
            f"index_select's index must be 0-d or 1-D, got shape {index.shape}. Fix: "
            "flatten it with index.reshape(-1), or index with x[index] for any shape"
        )
    if self.ndim == 0:
        if index.numel() != 1:
            raise IndexingError(
                f"index_select of a 0-d tensor takes one index, got {index.numel()}. "
                "Fix: pass a one-element index"
            )
        return TensorSpec((), self.dtype, device)
    shape = list(self.shape)
    shape[d] = index.numel()
    return TensorSpec(tuple(shape), self.dtype, device)


# index_put and index_put_ ----------------------------------------------------------


def _index_put_spec(self: Tensor, indices: Sequence[Tensor | None], values: Tensor,
                    what: str) -> MetaResult:
    device = common_device(self, values, *[t for t in indices if t is not None])
    if not any(t is not None for t in indices):
        raise IndexingError(
            f"{what} needs at least one index tensor (None takes a dimension whole), got "
            f"{len(indices)} None entries. Fix: to write every element use x.copy_(values)"
        )
    if len(indices) > self.ndim:
        raise IndexingError(
            f"too many indices: {len(indices)} for a tensor with {self.ndim} dimension(s) "
            f"(shape {self.shape}). Fix: pass at most {self.ndim} index tensor(s)"
        )
    for i, index in enumerate(indices):
        if index is not None:
            check_index_dtype(index, f"index {i} of {what}")
    if values.dtype is not self.dtype:
        raise DTypeError(
            f"{what} writes values of dtype {values.dtype} into a tensor of dtype "
            f"{self.dtype}; they must match. Fix: cast them, values.to(pb.{self.dtype})"
        )
    target, _ = indexed_shape(self.shape, indices)
    try:
        fits = broadcast_shapes(values.shape, target) == target
    except ShapeError:
        fits = False
    if not fits:
        raise ShapeError(
            f"{what}: values of shape {values.shape} cannot be broadcast to the indexed "
            f"shape {target}. Fix: give values that shape, or one that broadcasts to it"
        )
    return MetaResult((TensorSpec(self.shape, self.dtype, device),), self.dtype)


lib.define(
    "index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor",
    promotes=("self", "values"),
)


@lib.register_meta("index_put")
def _index_put_meta(self: Tensor, indices: Sequence[Tensor | None], values: Tensor,
                    accumulate: bool) -> MetaResult:
    return _index_put_spec(self, indices, values, "index_put")


lib.define(
    "index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) "
    "-> Tensor(a!)",
    promotes=("self", "values"),
)


@lib.register_meta("index_put_")
def _index_put_inplace_meta(self: Tensor, indices: Sequence[Tensor | None], values: Tensor,
                            accumulate: bool) -> MetaResult:
    return _index_put_spec(self, indices, values, "index_put_")


@lib.impl("index_put_", _COMPOSITE)
def _index_put_inplace(self: Tensor, indices: Sequence[Tensor | None], values: Tensor,
                       accumulate: bool) -> Any:
    # Every backend with the index_put primitive gets the in-place form; a native
    # kernel saves the copy of the whole tensor.
    return _op("copy_")(self, _op("index_put")(self, indices, values, accumulate))
