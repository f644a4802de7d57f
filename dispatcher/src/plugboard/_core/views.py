"""Views: new shape, strides and offset over the same storage, for every backend.

Each function here is the CompositeImplicit kernel of a view operator
(``pb::transpose`` ...), or a helper the dispatcher uses (``expand_to``).
None of them touches data, so every backend gets them for free. The view
operators that copy when the layout does not allow a view (``reshape``,
``flatten``, ``unflatten``) are in :mod:`plugboard._ops.starter`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from plugboard._core.errors import IndexingError, ShapeError
from plugboard._core.tensor import Tensor, check_numel, contiguous_strides, wrap_dim, wrap_dims

__all__ = [
    "as_strided",
    "chunk",
    "diagonal",
    "expand",
    "expand_to",
    "narrow",
    "permute",
    "require_dims",
    "reshape_view",
    "select",
    "split",
    "split_with_sizes",
    "squeeze",
    "t",
    "transpose",
    "unbind",
    "unsqueeze",
    "view",
]


def infer_size(size: Sequence[int], numel: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Resolve one ``-1`` in ``size`` so that the element count is ``numel``."""
    unknown = [i for i, s in enumerate(size) if s == -1]
    if len(unknown) > 1:
        raise ShapeError(
            f"only one dimension can be -1, got shape {tuple(size)}. Fix: give every size "
            "but one"
        )
    if any(s < -1 for s in size):
        raise ShapeError(
            f"invalid shape {tuple(size)}: sizes are >= 0 (or one -1). Fix: use "
            "non-negative sizes"
        )
    known = math.prod(s for s in size if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise ShapeError(
                f"shape {tuple(size)} is invalid for a tensor of shape {shape} "
                f"({numel} elements). Fix: give sizes whose product is {numel}"
            )
        result = list(size)
        result[unknown[0]] = numel // known
        return tuple(result)
    if known != numel:
        raise ShapeError(
            f"shape {tuple(size)} ({known} elements) is invalid for a tensor of shape "
            f"{shape} ({numel} elements). Fix: give sizes whose product is {numel}"
        )
    return tuple(size)


def _view_strides(
    shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]
) -> tuple[int, ...] | None:
    """Strides that show the same elements in ``new_shape`` without a copy, or None.

    Runs of dimensions that are contiguous with each other can be split and
    merged freely; a new shape that would cut across a gap needs a copy.
    """
    if math.prod(shape) == 0 or not shape:
        return contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base = strides[-1]
    tensor_numel = 1
    view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        # A chunk ends where the next outer dimension is not contiguous with this one.
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_base = strides[d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def view(self: Tensor, size: Sequence[int]) -> Tensor:
    shape = infer_size(size, self.numel(), self.shape)
    strides = _view_strides(self.shape, self.stride(), shape)
    if strides is None:
        raise ShapeError(
            f"view{shape} is not compatible with the strides {self.stride()} of a tensor of "
            f"shape {self.shape}: it would need a copy. Fix: use .reshape(...) (copies "
            "when it must) or .contiguous().view(...)"
        )
    return self._view(shape, strides, self.storage_offset())


def reshape_view(self: Tensor, size: Sequence[int]) -> Tensor | None:
    """The reshape of ``self`` as a view, or None when it needs a copy."""
    shape = infer_size(size, self.numel(), self.shape)
    strides = _view_strides(self.shape, self.stride(), shape)
    if strides is None:
        return None
    return self._view(shape, strides, self.storage_offset())


def as_strided(
    self: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    size, stride = tuple(size), tuple(stride)
    offset = self.storage_offset() if storage_offset is None else storage_offset
    if len(size) != len(stride):
        raise ShapeError(
            f"size {size} and stride {stride} must have the same length. Fix: give one "
            "stride per size"
        )
    if any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
        raise ShapeError(
            f"as_strided takes non-negative sizes, strides and offset; got size {size}, "
            f"stride {stride}, offset {offset}. Fix: pass non-negative values"
        )
    if check_numel(size):
        last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
        capacity = self.untyped_storage().nbytes // self.itemsize
        if last >= capacity:
            raise ShapeError(
                f"as_strided(size={size}, stride={stride}, storage_offset={offset}) reaches "
                f"element {last}, beyond the storage's {capacity} elements. Fix: keep the "
                "view inside the storage"
            )
    return self._view(size, stride, offset)


def permute(self: Tensor, dims: Sequence[int]) -> Tensor:
    ndim = self.ndim
    if len(dims) != ndim:
        raise ShapeError(
            f"permute needs one entry per dimension: the tensor has {ndim}, got "
            f"{tuple(dims)}. Fix: list each of the {ndim} dimensions once"
        )
    order = wrap_dims(dims, ndim, "permute's dims")
    shape, strides = self.shape, self.stride()
    return self._view(
        tuple(shape[d] for d in order), tuple(strides[d] for d in order), self.storage_offset()
    )


def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    a, b = wrap_dim(dim0, self.ndim), wrap_dim(dim1, self.ndim)
    if self.ndim == 0:
        return self._view((), (), self.storage_offset())
    order = list(range(self.ndim))
    order[a], order[b] = order[b], order[a]
    return permute(self, order)


def t(self: Tensor) -> Tensor:
    if self.ndim > 2:
        raise ShapeError(
            f"t() expects a tensor with <= 2 dimensions, got {self.ndim}. "
            "Fix: use .transpose(dim0, dim1) or .mT"
        )
    return transpose(self, 0, 1) if self.ndim == 2 else self._view(
        self.shape, self.stride(), self.storage_offset()
    )


def expand(self: Tensor, size: Sequence[int]) -> Tensor:
    size = tuple(size)
    if any(s < -1 for s in size):
        raise ShapeError(
            f"expand{size}: sizes are >= 0, or -1 to keep a dimension's size. Fix: use "
            "non-negative sizes or -1"
        )
    if len(size) < self.ndim:
        raise ShapeError(
            f"expand{size} has fewer dimensions than the tensor's shape {self.shape}. Fix: "
            f"give at least {self.ndim} sizes"
        )
    lead = len(size) - self.ndim
    shape: list[int] = []
    strides: list[int] = []
    for i, target in enumerate(size):
        if i < lead:
            if target < 0:
                raise ShapeError(
                    f"expand{size}: -1 is not allowed for new leading dims. Fix: give "
                    "their sizes"
                )
            shape.append(target)
            strides.append(0)
            continue
        current, stride = self.shape[i - lead], self.stride()[i - lead]
        if target in (-1, current):
            shape.append(current)
            strides.append(stride)
        elif current == 1:
            shape.append(target)
            strides.append(0)
        else:
            raise ShapeError(
                f"cannot expand shape {self.shape} to {size}: dimension {i} has size "
                f"{current}, and only size-1 dimensions can be expanded. Fix: keep size "
                f"{current} there (or -1)"
            )
    check_numel(tuple(shape))  # a view's element count must fit in int64 as well
    return self._view(tuple(shape), tuple(strides), self.storage_offset())


def expand_to(self: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Broadcast ``self`` to ``shape`` (known to be compatible) as a view."""
    if self.shape == shape:
        return self
    return expand(self, shape)


def squeeze(self: Tensor, dim: Sequence[int] | None = None) -> Tensor:
    if dim is None:
        dims = {i for i, s in enumerate(self.shape) if s == 1}
    else:
        dims = {d for d in wrap_dims(dim, self.ndim) if self.ndim and self.shape[d] == 1}
    keep = [i for i in range(self.ndim) if i not in dims]
    return self._view(
        tuple(self.shape[i] for i in keep),
        tuple(self.stride()[i] for i in keep),
        self.storage_offset(),
    )


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    d = wrap_dim(dim, self.ndim + 1)
    shape, strides = list(self.shape), list(self.stride())
    new_stride = shape[d] * strides[d] if d < self.ndim else 1
    shape.insert(d, 1)
    strides.insert(d, new_stride)
    return self._view(tuple(shape), tuple(strides), self.storage_offset())


def require_dims(
    self: Tensor, what: str, error: type[ShapeError | IndexingError] = ShapeError
) -> None:
    """Raise ``error`` for a 0-d ``self``: ``what`` needs a dimension to work along.

    :func:`wrap_dim` lets a 0-d tensor take dim 0 or -1, as reductions do (PyTorch);
    narrow, split, chunk, unbind and unflatten need a real dimension.
    """
    if self.ndim == 0:
        raise error(
            f"{what}() needs a tensor with at least one dimension, got a 0-d tensor. "
            "Fix: reshape it first, e.g. x.reshape(1)"
        )


def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    require_dims(self, "narrow", IndexingError)
    d = wrap_dim(dim, self.ndim)
    size = self.shape[d]
    if start < 0:
        start += size
    if not (0 <= start <= size and length >= 0 and start + length <= size):
        raise IndexingError(
            f"narrow(dim={dim}, start={start}, length={length}) is out of range for "
            f"dimension {d} of size {size}. Fix: keep 0 <= start and start + length <= {size}"
        )
    shape = list(self.shape)
    shape[d] = length
    offset = self.storage_offset() + start * self.stride()[d]
    return self._view(tuple(shape), self.stride(), offset)


def select(self: Tensor, dim: int, index: int) -> Tensor:
    if self.ndim == 0:
        raise IndexingError(
            "select() cannot be applied to a 0-d tensor. Fix: use x.item(), or reshape it "
            "first, e.g. x.reshape(1)"
        )
    d = wrap_dim(dim, self.ndim)
    size = self.shape[d]
    if not -size <= index < size:
        raise IndexingError(
            f"index {index} is out of range for dimension {d} of size {size}. "
            + (f"Fix: use an index in [-{size}, {size - 1}]" if size else
               "The dimension is empty: nothing can be selected from it. Fix: select from "
               "a non-empty dimension")
        )
    if index < 0:
        index += size
    offset = self.storage_offset() + index * self.stride()[d]
    return self._view(
        self.shape[:d] + self.shape[d + 1 :], self.stride()[:d] + self.stride()[d + 1 :], offset
    )


def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    a, b = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
    if a == b:
        raise ShapeError(
            f"diagonal dims must differ, got dim1={dim1} and dim2={dim2}. Fix: name two "
            "different dimensions"
        )
    start = self.storage_offset()
    if offset >= 0:
        length = max(min(self.shape[a], self.shape[b] - offset), 0)
        start += offset * self.stride()[b] if length else 0
    else:
        length = max(min(self.shape[a] + offset, self.shape[b]), 0)
        start += -offset * self.stride()[a] if length else 0
    keep = [i for i in range(self.ndim) if i not in (a, b)]
    shape = (*[self.shape[i] for i in keep], length)
    strides = (*[self.stride()[i] for i in keep], self.stride()[a] + self.stride()[b])
    return self._view(shape, strides, start)


def split(self: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    require_dims(self, "split", ShapeError)
    d = wrap_dim(dim, self.ndim)
    size = self.shape[d]
    if split_size <= 0 and size > 0:
        raise ShapeError(
            f"split_size must be positive, got {split_size}. Fix: pass the size of each "
            "piece, e.g. 1"
        )
    if size == 0:
        return (self._view(self.shape, self.stride(), self.storage_offset()),)
    sizes = [min(split_size, size - start) for start in range(0, size, split_size)]
    return split_with_sizes(self, sizes, dim)


def split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    require_dims(self, "split_with_sizes", ShapeError)
    d = wrap_dim(dim, self.ndim)
    if sum(split_sizes) != self.shape[d] or any(s < 0 for s in split_sizes):
        raise ShapeError(
            f"split sizes {tuple(split_sizes)} must be >= 0 and add up to the size "
            f"{self.shape[d]} of dimension {d}. Fix: give sizes that add up to {self.shape[d]}"
        )
    parts = []
    start = 0
    for length in split_sizes:
        parts.append(narrow(self, d, start, length))
        start += length
    return tuple(parts)


def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise ShapeError(
            f"chunk needs a positive number of chunks, got {chunks}. Fix: pass chunks >= 1"
        )
    require_dims(self, "chunk", ShapeError)
    size = self.shape[wrap_dim(dim, self.ndim)]
    return split(self, max(-(-size // chunks), 1), dim)


def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    require_dims(self, "unbind", IndexingError)
    d = wrap_dim(dim, self.ndim)
    return tuple(select(self, d, i) for i in range(self.shape[d]))
