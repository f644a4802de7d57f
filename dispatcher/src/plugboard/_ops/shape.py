"""Shape operators of docs/opset.md beyond the views: joining, reordering, scattering, sorting.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.

Primitives: ``cat``, ``flip``, ``tril``, ``triu``, ``gather``, ``scatter``,
``scatter_add``, ``sort``, ``topk``. Composites: ``stack`` (unsqueeze and cat),
``roll`` (narrow and cat), ``repeat`` and ``tile`` (expand and clone), ``pad``
(full and a copy into the middle), ``masked_fill`` (where) and ``argsort`` (sort).

``sort`` and ``topk`` return ``(values, indices)`` as a named tuple. ``scatter``
takes ``src`` (a tensor) or ``value=`` (a number), PyTorch's two overloads in
one schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plugboard._core.dtype import DType, int64, promote_types
from plugboard._core.errors import ArgumentError, DTypeError, IndexingError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, wrap_dim, wrap_dims
from plugboard._dispatch.aliases import numpy_keywords
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.dispatcher import handle
from plugboard._ops.meta import broadcast_shapes, check_value, common_device, fill_dtype
from plugboard._ops.meta import op as _op
from plugboard._ops.table import OpTable

lib = OpTable("shape")

_COMPOSITE = "CompositeImplicit"


def _dims_once(dims: Sequence[int], ndim: int, what: str) -> tuple[int, ...]:
    return wrap_dims(dims, ndim, what)


def _nonempty_list(tensors: Sequence[Tensor | None], name: str) -> Sequence[Tensor]:
    if not tensors:
        raise ArgumentError(
            f"{name} needs at least one tensor, got an empty list. Fix: pass a list of "
            "tensors, e.g. pb." + name + "([x, y])"
        )
    for i, t in enumerate(tensors):
        if t is None:
            raise ArgumentError(
                f"{name} got None as entry {i} of its list. Fix: pass tensors only"
            )
    return tensors  # type: ignore[return-value]


# cat ------------------------------------------------------------------------------


def _skipped_by_cat(t: Tensor) -> bool:
    # PyTorch's legacy rule: 1-D empty tensors join anything (and are left out).
    return t.shape == (0,)


lib.define("cat(Tensor[] tensors, int dim=0) -> Tensor", promotes=())


@lib.register_meta("cat")
def _cat_meta(tensors: Sequence[Tensor | None], dim: int) -> MetaResult:
    listed = _nonempty_list(tensors, "cat")
    device = common_device(*listed)
    dtype = listed[0].dtype
    for t in listed[1:]:
        dtype = promote_types(dtype, t.dtype)
    for i, t in enumerate(listed):
        if t.ndim == 0:
            raise ShapeError(
                f"tensor {i} is 0-d, and 0-d tensors cannot be concatenated. Fix: "
                "give it a dimension with x.unsqueeze(0), or use pb.stack"
            )
    joined = [t for t in listed if not _skipped_by_cat(t)]
    if not joined:
        return MetaResult((TensorSpec((0,), dtype, device),), dtype)
    first = joined[0]
    d = wrap_dim(dim, first.ndim)
    size = 0
    for i, t in enumerate(listed):
        if _skipped_by_cat(t):
            continue
        if t.ndim != first.ndim:
            raise ShapeError(
                f"tensors must have the same number of dimensions, but tensor 0 has "
                f"shape {first.shape} and tensor {i} has shape {t.shape}. Fix: reshape or "
                "unsqueeze them to one rank"
            )
        for k in range(t.ndim):
            if k != d and t.shape[k] != first.shape[k]:
                raise ShapeError(
                    f"cat along dim {d}: sizes must match in every other dimension, but "
                    f"tensor {i} has shape {t.shape} where tensor 0 has {first.shape} "
                    f"(dimension {k}). Fix: make them equal, or concatenate along dim {k}"
                )
        size += t.shape[d]
    shape = (*first.shape[:d], size, *first.shape[d + 1:])
    return MetaResult((TensorSpec(shape, dtype, device),), dtype)


# stack: cat of unsqueezed tensors -------------------------------------------------


lib.define("stack(Tensor[] tensors, int dim=0) -> Tensor")


@lib.register_meta("stack")
def _stack_meta(tensors: Sequence[Tensor | None], dim: int) -> TensorSpec:
    listed = _nonempty_list(tensors, "stack")
    device = common_device(*listed)
    first = listed[0]
    for i, t in enumerate(listed):
        if t.shape != first.shape:
            raise ShapeError(
                f"stack needs tensors of one shape, but tensor 0 has shape {first.shape} "
                f"and tensor {i} has shape {t.shape}. Fix: make the shapes equal, or use "
                "pb.cat to join along an existing dimension"
            )
    d = wrap_dim(dim, first.ndim + 1)
    dtype = first.dtype
    for t in listed[1:]:
        dtype = promote_types(dtype, t.dtype)
    return TensorSpec((*first.shape[:d], len(listed), *first.shape[d:]), dtype, device)


@lib.impl("stack", _COMPOSITE)
def _stack(tensors: Sequence[Tensor], dim: int) -> Tensor:
    d = wrap_dim(dim, tensors[0].ndim + 1)
    return _op("cat")([_op("unsqueeze")(t, d) for t in tensors], d)


# flip, tril, triu -----------------------------------------------------------------


lib.define("flip(Tensor self, int[] dims) -> Tensor")


@lib.register_meta("flip")
def _flip_meta(self: Tensor, dims: Sequence[int]) -> TensorSpec:
    _dims_once(dims, self.ndim, "flip's dims")
    return TensorSpec(self.shape, self.dtype, self.device)


def _triangle_meta(name: str) -> Any:
    def meta(self: Tensor, diagonal: int) -> TensorSpec:
        if self.ndim < 2:
            raise ShapeError(
                f"{name} needs a matrix or a batch of matrices (2 or more dimensions), got "
                f"shape {self.shape}. Fix: reshape it, e.g. x.unsqueeze(0)"
            )
        return TensorSpec(self.shape, self.dtype, self.device)

    return meta


for _name in ("tril", "triu"):
    lib.define(f"{_name}(Tensor self, int diagonal=0) -> Tensor")
    lib.register_meta(_name, _triangle_meta(_name))


# gather, scatter, scatter_add -------------------------------------------------------


def _check_index(index: Tensor, name: str) -> None:
    if index.dtype is not int64:
        raise DTypeError(
            f"{name}'s index must be int64, got {index.dtype}. Fix: index.to(pb.int64)"
        )


def _check_rank(self: Tensor, other: Tensor, what: str) -> None:
    # PyTorch counts a 0-d tensor as having one dimension of size 1 here.
    if max(other.ndim, 1) != max(self.ndim, 1):
        raise ShapeError(
            f"{what} must have as many dimensions as self ({self.ndim}), got shape "
            f"{other.shape}. Fix: reshape {what} to {max(self.ndim, 1)} dimension(s)"
        )


def _size(t: Tensor, d: int) -> int:
    return t.shape[d] if t.ndim else 1


lib.define("gather(Tensor self, int dim, Tensor index) -> Tensor", promotes=("self",))


@lib.register_meta("gather")
def _gather_meta(self: Tensor, dim: int, index: Tensor) -> TensorSpec:
    device = common_device(self, index)
    d = wrap_dim(dim, self.ndim)
    # As in PyTorch, an empty index gathers nothing and is not checked further.
    if index.numel():
        _check_index(index, "gather")
        _check_rank(self, index, "index")
        for k in range(max(self.ndim, 1)):
            if k != d and _size(index, k) > _size(self, k):
                raise ShapeError(
                    f"gather along dim {d}: index of shape {index.shape} is larger than self "
                    f"of shape {self.shape} in dimension {k}. Fix: index may be at most as "
                    "large as self outside dim"
                )
    return TensorSpec(index.shape, self.dtype, device)


lib.define(
    "scatter(Tensor self, int dim, Tensor index, Tensor? src=None, *, Scalar? value=None) "
    "-> Tensor",
    promotes=("self", "src", "value"),  # a number value arrives in self's dtype
)
lib.define("scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor",
           promotes=("self", "src"))


def _scatter_checks(name: str, self: Tensor, dim: int, index: Tensor,
                    src: Tensor | None) -> None:
    d = wrap_dim(dim, self.ndim)
    if src is not None and src.dtype is not self.dtype:
        raise DTypeError(
            f"{name} needs src in self's dtype {self.dtype}, got {src.dtype}. Fix: "
            f"src.to(pb.{self.dtype})"
        )
    if not index.numel():
        return
    _check_index(index, name)
    _check_rank(self, index, "index")
    if src is not None:
        _check_rank(self, src, "src")
    for k in range(max(self.ndim, 1)):
        if src is not None and _size(index, k) > _size(src, k):
            raise ShapeError(
                f"index of shape {index.shape} is larger than src of shape "
                f"{src.shape} in dimension {k}. Fix: index may be at most as large as src"
            )
        if k != d and _size(index, k) > _size(self, k):
            raise ShapeError(
                f"{name} along dim {d}: index of shape {index.shape} is larger than self of "
                f"shape {self.shape} in dimension {k}. Fix: index may be at most as large "
                "as self outside dim"
            )


@lib.register_meta("scatter")
def _scatter_meta(self: Tensor, dim: int, index: Tensor, src: Tensor | None,
                  value: bool | int | float | None) -> TensorSpec:
    if (src is None) == (value is None):
        raise ArgumentError(
            "scatter takes src (a tensor) or value (a number), exactly one of them. Fix: "
            "x.scatter(dim, index, src) or x.scatter(dim, index, value=1.0)"
        )
    device = common_device(self, index, src)
    if value is not None:
        fill_dtype(value, self.dtype)  # the value must be representable in self's dtype
    _scatter_checks("scatter", self, dim, index, src)
    return TensorSpec(self.shape, self.dtype, device)


@lib.register_meta("scatter_add")
def _scatter_add_meta(self: Tensor, dim: int, index: Tensor, src: Tensor) -> TensorSpec:
    device = common_device(self, index, src)
    _scatter_checks("scatter_add", self, dim, index, src)
    return TensorSpec(self.shape, self.dtype, device)


# sort, argsort, topk ----------------------------------------------------------------


lib.define(
    "sort(Tensor self, int dim=-1, bool descending=False, *, bool stable=False) "
    "-> (Tensor values, Tensor indices)",
    promotes=("self",),
)


@lib.register_meta("sort")
def _sort_meta(self: Tensor, dim: int, descending: bool, stable: bool) -> MetaResult:
    wrap_dim(dim, self.ndim)
    return MetaResult((TensorSpec(self.shape, self.dtype, self.device),
                       TensorSpec(self.shape, int64, self.device)), self.dtype)


lib.define("argsort(Tensor self, int dim=-1, bool descending=False, *, bool stable=False) "
           "-> Tensor")


@lib.register_meta("argsort")
def _argsort_meta(self: Tensor, dim: int, descending: bool, stable: bool) -> TensorSpec:
    wrap_dim(dim, self.ndim)
    return TensorSpec(self.shape, int64, self.device)


@lib.impl("argsort", _COMPOSITE)
def _argsort(self: Tensor, dim: int, descending: bool, stable: bool) -> Tensor:
    indices: Tensor = handle("pb::sort")(self, dim, descending, stable=stable).indices
    return indices


lib.define(
    "topk(Tensor self, int k, int dim=-1, bool largest=True, bool sorted=True) "
    "-> (Tensor values, Tensor indices)",
    promotes=("self",),
)


@lib.register_meta("topk")
def _topk_meta(self: Tensor, k: int, dim: int, largest: bool, sorted: bool) -> MetaResult:
    d = wrap_dim(dim, self.ndim)
    size = _size(self, d)
    if not 0 <= k <= size or (self.ndim == 0 and k != 1):
        raise IndexingError(
            f"k={k} is out of range for dimension {d} of size {size}. Fix: pick k "
            f"from 0 to {size}" + (" (a 0-d tensor takes k=1)" if self.ndim == 0 else "")
        )
    shape = (*self.shape[:d], k, *self.shape[d + 1:]) if self.ndim else ()
    return MetaResult((TensorSpec(shape, self.dtype, self.device),
                       TensorSpec(shape, int64, self.device)), self.dtype)


# roll: narrow and cat ---------------------------------------------------------------


lib.define("roll(Tensor self, int[1] shifts, int[1] dims=[]) -> Tensor")


@lib.register_meta("roll")
def _roll_meta(self: Tensor, shifts: Sequence[int], dims: Sequence[int]) -> TensorSpec:
    if not shifts:
        raise ArgumentError("roll needs at least one shift. Fix: e.g. x.roll(1, 0)")
    if dims or len(shifts) != 1:
        if len(shifts) != len(dims):
            raise ArgumentError(
                f"roll takes one shift per dim, got {len(shifts)} shift(s) and "
                f"{len(dims)} dim(s). Fix: pass as many shifts as dims, or one shift and no "
                "dims to roll the flattened tensor"
            )
        for d in dims:
            wrap_dim(d, self.ndim)
    return TensorSpec(self.shape, self.dtype, self.device)


@lib.impl("roll", _COMPOSITE)
def _roll(self: Tensor, shifts: Sequence[int], dims: Sequence[int]) -> Tensor:
    if not dims:
        # One shift and no dims: roll the flattened tensor, then restore the shape.
        flat = _op("reshape")(self, [-1])
        return _op("view")(_roll(flat, shifts, [0]), self.shape)
    x = self
    for shift, dim in zip(shifts, dims, strict=True):
        d = wrap_dim(dim, self.ndim)
        size = _size(self, d)
        s = shift % size if size else 0
        if s and self.ndim:
            tail = _op("narrow")(x, d, size - s, s)
            head = _op("narrow")(x, d, 0, size - s)
            x = _op("cat")([tail, head], d)
    # A roll is a new tensor even when nothing moved.
    return x if x is not self else _op("clone")(self)


# repeat and tile: expand and clone -------------------------------------------------


lib.define("repeat(Tensor self, int[] repeats) -> Tensor")


@lib.register_meta("repeat")
def _repeat_meta(self: Tensor, repeats: Sequence[int]) -> TensorSpec:
    if len(repeats) < self.ndim:
        raise ShapeError(
            f"repeat needs a count for each of the {self.ndim} dimension(s) of shape "
            f"{self.shape}, got {tuple(repeats)}. Fix: pass at least {self.ndim} counts "
            "(pb.tile pads with ones)"
        )
    if any(r < 0 for r in repeats):
        raise ShapeError(
            f"repeat counts must be >= 0, got {tuple(repeats)}. Fix: pass counts >= 0"
        )
    lead = len(repeats) - self.ndim
    padded = (1,) * lead + self.shape
    return TensorSpec(tuple(s * r for s, r in zip(padded, repeats, strict=True)),
                      self.dtype, self.device)


@lib.impl("repeat", _COMPOSITE)
def _repeat(self: Tensor, repeats: Sequence[int]) -> Tensor:
    lead = len(repeats) - self.ndim
    padded = (1,) * lead + self.shape
    # Each dim of size s, repeated r times, becomes (r, s) from a stride-0 view.
    interleaved = [v for s in padded for v in (1, s)]
    wanted = [v for s, r in zip(padded, repeats, strict=True) for v in (r, s)]
    expanded = _op("expand")(_op("reshape")(self, interleaved), wanted)
    shape = [s * r for s, r in zip(padded, repeats, strict=True)]
    return _op("view")(_op("clone")(expanded), shape)


lib.define("tile(Tensor self, int[] dims) -> Tensor")


def _tile_repeats(self: Tensor, dims: Sequence[int]) -> list[int]:
    return [1] * (self.ndim - len(dims)) + list(dims)


@lib.register_meta("tile")
def _tile_meta(self: Tensor, dims: Sequence[int]) -> TensorSpec:
    if any(r < 0 for r in dims):
        raise ShapeError(f"tile counts must be >= 0, got {tuple(dims)}. Fix: pass counts >= 0")
    return _repeat_meta(self, _tile_repeats(self, dims))


@lib.impl("tile", _COMPOSITE)
def _tile(self: Tensor, dims: Sequence[int]) -> Tensor:
    return _op("repeat")(self, _tile_repeats(self, dims))


# pad: a full tensor with the input copied into its middle ---------------------------


lib.define(
    "pad(Tensor self, int[] pad, str mode=\"constant\", Scalar? value=None) -> Tensor"
)


def _pad_plan(self: Tensor, pad: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """Per dim: (output size, start in the input, start in the output, length copied)."""
    plan = [(s, 0, 0, s) for s in self.shape]
    for i in range(len(pad) // 2):
        d = self.ndim - 1 - i  # the pad list starts with the last dimension
        before, after = pad[2 * i], pad[2 * i + 1]
        size = self.shape[d]
        out = size + before + after
        if out < 0:
            raise ShapeError(
                f"pad {tuple(pad)} crops dimension {d} of size {size} to {out}. Fix: crop "
                f"at most {size} elements of that dimension"
            )
        length = max(size - max(-before, 0) - max(-after, 0), 0)
        plan[d] = (out, max(-before, 0), max(before, 0), length)
    return plan


@lib.register_meta("pad")
def _pad_meta(self: Tensor, pad: Sequence[int], mode: str,
              value: bool | int | float | None) -> TensorSpec:
    if mode != "constant":
        raise ArgumentError(
            f"pad supports mode='constant' only, got mode={mode!r}. Fix: use "
            "mode='constant', with value= for the fill"
        )
    if len(pad) % 2:
        raise ShapeError(
            f"pad takes pairs (before, after) per dimension, got {len(pad)} values: "
            f"{tuple(pad)}. Fix: pass an even number of values"
        )
    if len(pad) // 2 > self.ndim:
        raise ShapeError(
            f"pad {tuple(pad)} pads {len(pad) // 2} dimensions, but the tensor has shape "
            f"{self.shape}. Fix: pass at most {2 * self.ndim} values"
        )
    if value is not None:
        fill_dtype(value, self.dtype)
    shape = tuple(out for out, _, _, _ in _pad_plan(self, pad))
    return TensorSpec(shape, self.dtype, self.device)


@lib.impl("pad", _COMPOSITE)
def _pad(self: Tensor, pad: Sequence[int], mode: str,
         value: bool | int | float | None) -> Tensor:
    plan = _pad_plan(self, pad)
    fill: bool | int | float = 0 if value is None else value
    if not self.dtype.is_floating_point:
        fill = bool(fill) if self.dtype.is_bool else int(fill)
    result = _op("full")([p[0] for p in plan], fill, dtype=self.dtype, device=self.device)
    if all(length for _, _, _, length in plan):
        src, dst = self, result
        for d, (_, start_in, start_out, length) in enumerate(plan):
            src = _op("narrow")(src, d, start_in, length)
            dst = _op("narrow")(dst, d, start_out, length)
        _op("copy_")(dst, src)
    return result


# masked_fill: where -----------------------------------------------------------------


# Pointwise: the mask broadcasts, and x.masked_fill_(mask, value) is the in-place form.
lib.define("masked_fill(Tensor self, Tensor mask, Tensor value) -> Tensor",
           tags=("pointwise",), promotes=("self", "value"))


@lib.register_meta("masked_fill")
def _masked_fill_meta(self: Any, mask: Any, value: Any) -> TensorSpec:
    if not isinstance(self, Tensor):
        raise ArgumentError(
            f"masked_fill fills a tensor, got self={self!r}. Fix: pass a tensor"
        )
    if not isinstance(mask, Tensor) or not mask.dtype.is_bool:
        got = mask.dtype if isinstance(mask, Tensor) else type(mask).__name__
        raise DTypeError(
            f"masked_fill's mask must be a bool tensor, got {got}. Fix: compare to get a "
            "mask, e.g. x.masked_fill(x < 0, 0), or cast with .to(pb.bool)"
        )
    if isinstance(value, Tensor):
        if value.ndim:
            raise ShapeError(
                f"masked_fill takes a number or a 0-d tensor as value, got shape "
                f"{value.shape}. Fix: to fill from a tensor of values use pb.where(mask, "
                "values, x)"
            )
        if value.dtype is not self.dtype and value.device.type != "meta":
            # Any dtype, as in PyTorch, if self's dtype holds the value (read: one wait).
            check_value(value.item(), self.dtype)
    else:
        fill_dtype(value, self.dtype)  # representable in self's dtype, or an error
    shape = broadcast_shapes(self.shape, mask.shape)
    return TensorSpec(shape, self.dtype, common_device(self, mask, value))


@lib.impl("masked_fill", _COMPOSITE)
def _masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    fill = _same_dtype(value, self.dtype)
    return _op("where")(mask, fill, self)


def _same_dtype(value: Any, dtype: DType) -> Any:
    """``value`` as a number or tensor that does not promote a ``dtype`` tensor."""
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else _op("to")(value, None, dtype)
    if dtype.is_bool:
        return bool(value)
    return value if dtype.is_floating_point else int(value)



# The Python front end -------------------------------------------------------------------


@numpy_keywords
@signature_checked("pb::scatter")
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            out: Any = None) -> Any:
    """``torch.scatter``: write ``src`` (a tensor) or a number at ``index`` along ``dim``.

    A number may be passed in ``src``'s place, as PyTorch's ``scatter.value``
    overload takes it; ``pb::scatter`` itself takes it as ``value=``.

    Example:
        >>> import plugboard as pb
        >>> pb.scatter(pb.zeros(2, 3), 1, pb.tensor([[2], [0]]), 5.0).tolist()
        [[0.0, 0.0, 5.0], [5.0, 0.0, 0.0]]
    """
    src, value = scatter_arguments(src, value)
    return _op("scatter")(input, dim, index, src, value=value, out=out)


def scatter_arguments(src: Any, value: Any) -> tuple[Tensor | None, Any]:
    """``pb::scatter``'s ``src`` and ``value=`` from a call of ``scatter`` or ``scatter_``:
    a number in ``src``'s place is the value."""
    if src is not None and not isinstance(src, Tensor):
        if value is not None:
            raise ArgumentError(
                "scatter got a number for src and value= too. Fix: pass one of them"
            )
        return None, src
    return src, value
