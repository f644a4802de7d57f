"""The derivative formulas: one table, one entry per differentiable primitive.

Each entry names the tensors backward needs (``saves``: argument names, or
``"result"`` for the outputs) and gives, per differentiable argument, a
function ``(a, g) -> gradient``: ``a`` holds the call's arguments by name
(saved tensors, the shape, dtype and device of the others, and every
non-tensor argument), ``a.result`` the saved outputs, and ``g`` the gradient
of the output (a tuple for operators with several results). Formulas are
written with plugboard operators, so backward runs on the tensors' own
backend and is itself differentiable (``create_graph=True``). The node
reduces a gradient over broadcast dimensions back to the input's shape and
casts it to the input's dtype, so formulas need not; ``a.once(fn, g)``
computes work that several inputs' gradients share once per backward.
:mod:`~plugboard._autograd.formulas_nn` adds the entries of the nn composites
(softmax, conv2d, attention, ...), which serve the calls their ``when`` and
``grads`` cover.

Operators not listed: composites differentiate through their decomposition;
:data:`NON_DIFFERENTIABLE` ones give outputs that do not require grad, as do
all integer and bool outputs; any other operator raises when a gradient must
flow through it. :func:`register_formula` adds an entry (a vendor's custom
operator).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from plugboard._core.dtype import int64
from plugboard._core.errors import RegistrationError
from plugboard._core.tensor import Tensor, wrap_dim
from plugboard._dispatch.registry import Registration, find_op
from plugboard._ops.meta import op, reduction_shape

__all__ = ["FORMULAS", "NON_DIFFERENTIABLE", "Formula", "register_formula"]

Grad = Callable[[Any, Any], Any]


class Formula(NamedTuple):
    """The derivative of one operator: what it saves and one function per input.

    ``when``, for a composite, says which calls the formula serves, from the call's
    arguments by name; the others differentiate through the decomposition, as do calls
    where an argument without a function in ``grads`` requires grad.
    """

    grads: Mapping[str, Grad]
    saves: tuple[str, ...] = ()
    when: Callable[[Mapping[str, Any]], bool] | None = None


FORMULAS: dict[str, Formula] = {}

# Floating outputs that carry no gradient: creation from a tensor's metadata.
NON_DIFFERENTIABLE: Final = frozenset({
    "pb::empty_like", "pb::zeros_like", "pb::ones_like", "pb::full_like",
})


def _f(name: str, saves: tuple[str, ...] = (),
       when: Callable[[Mapping[str, Any]], bool] | None = None, **grads: Grad) -> None:
    FORMULAS[f"pb::{name}"] = Formula(grads, saves, when)


def register_formula(
    name: str, grads: Mapping[str, Grad], saves: Sequence[str] = ()
) -> Registration:
    """Give operator ``name`` a derivative formula; returns the registration (``remove()``).

    ``grads`` maps each differentiable argument to ``(a, g) -> gradient`` (see the
    module's description); ``saves`` names the tensors those functions read.

    Example:
        >>> import plugboard as pb
        >>> lib = pb.Library("demo_grad")
        >>> _ = lib.define("cube(Tensor self) -> Tensor")
        >>> _ = lib.impl("cube", "CompositeImplicit", fn=lambda t: pb.tensor(t.numpy() ** 3))
        >>> registration = pb.autograd.register_formula(
        ...     "demo_grad::cube", {"self": lambda a, g: 3 * a.self * a.self * g}, saves=("self",))
        >>> x = pb.tensor([2.0], requires_grad=True)
        >>> pb.ops.demo_grad.cube(x).backward()
        >>> x.grad.tolist()
        [12.0]
        >>> registration.remove(); lib.close()
    """
    if find_op(name) is None:
        raise RegistrationError(
            f"register_formula: no operator {name!r} is defined. Fix: define it first "
            "(Library.define) and pass its qualified name, e.g. 'acme::fused_gelu'"
        )
    if name in FORMULAS:
        raise RegistrationError(
            f"register_formula: {name} already has a derivative formula. Fix: remove the "
            "first registration (its .remove()) before registering another"
        )
    schema_args = {a.name for a in find_op(name).schema.arguments}  # type: ignore[union-attr]
    unknown = [n for n in [*grads, *saves] if n not in schema_args and n != "result"]
    if unknown:
        raise RegistrationError(
            f"register_formula: {name} has no argument(s) {unknown}. Fix: use the schema's "
            f"argument names: {sorted(schema_args)}"
        )
    formula = Formula(dict(grads), tuple(saves))
    FORMULAS[name] = formula

    def undo() -> None:
        if FORMULAS.get(name) is formula:
            del FORMULAS[name]

    return Registration(f"derivative formula of {name}", undo)


# Helpers, written with operators ----------------------------------------------------


def _zeros(shape: Sequence[int], like: Tensor) -> Tensor:
    return op("zeros")(tuple(shape), dtype=like.dtype, device=like.device)


def _no_grad(g: Tensor) -> Tensor:
    """The zero gradient of a piecewise-constant function (floor, sign, ...)."""
    return op("zeros_like")(g)


def _unreduce(g: Tensor, shape: tuple[int, ...], dims: tuple[int, ...],
              keepdim: bool) -> Tensor:
    """The gradient of a reduction over ``dims``, put back in the input's shape."""
    if not keepdim:
        for d in sorted(dims):
            g = g.unsqueeze(d)
    return g.expand(shape)


def _dims(a: Any) -> tuple[int, ...]:
    """The dims a reduction reduced (``dim`` None or empty: all of them)."""
    dim = a.dim
    if isinstance(dim, int):
        dim = (dim,)
    return reduction_shape(a.self.shape, dim, a.keepdim)[1]


def _embed(g: Tensor, shape: tuple[int, ...], dim: int, start: int) -> Tensor:
    """``g`` placed at ``start`` along ``dim`` of zeros of ``shape`` (narrow's backward)."""
    parts = []
    before, after = start, shape[dim] - start - g.shape[dim]
    for size in (before, after):
        parts.append(_zeros((*shape[:dim], size, *shape[dim + 1:]), g) if size else None)
    tensors = [t for t in (parts[0], g, parts[1]) if t is not None]
    return tensors[0] if len(tensors) == 1 else op("cat")(tuple(tensors), dim)


def _mT(t: Tensor) -> Tensor:
    return t.transpose(-2, -1)


def _matmul_self(a: Any, g: Tensor) -> Any:
    x, y = a.self, a.other
    if x.ndim == 1 and y.ndim == 1:
        return g * y
    if y.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        return g.unsqueeze(-1) * y
    if x.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        return (y @ g.unsqueeze(-1)).squeeze(-1)
    return g @ _mT(y)


def _matmul_other(a: Any, g: Tensor) -> Any:
    x, y = a.self, a.other
    if x.ndim == 1 and y.ndim == 1:
        return g * x
    if y.ndim == 1:
        return (_mT(x) @ g.unsqueeze(-1)).squeeze(-1)
    if x.ndim == 1:
        return x.unsqueeze(-1) * g.unsqueeze(-2)
    return _mT(x) @ g


def _pow_self(a: Any, g: Tensor) -> Tensor:
    e = a.exponent
    if isinstance(e, (bool, int, float)):
        return _no_grad(g) if e == 0 else g * e * a.self ** (e - 1)
    return op("where")(e == 0, 0.0, g * e * a.self ** (e - 1))


def _pow_exponent(a: Any, g: Tensor) -> Tensor:
    x = a.self
    if not isinstance(x, Tensor):  # 2 ** t
        return g * a.result * math.log(x) if x > 0 else _no_grad(g)
    return op("where")((x == 0) & (a.exponent >= 0), 0.0, g * a.result * x.log())


def _extreme(a: Any, g: Tensor) -> Any:
    """amax and amin: the gradient shared evenly among the elements that tie."""
    dims = _dims(a)
    result = _unreduce(a.result, a.self.shape, dims, a.keepdim)
    mask = (a.self == result).to(dtype=g.dtype)
    count = _unreduce(mask.sum(dims, keepdim=True), a.self.shape, dims, True)
    return _unreduce(g, a.self.shape, dims, a.keepdim) * mask / count


def _pick(first: Callable[..., Tensor]) -> tuple[Grad, Grad]:
    """maximum and minimum: the gradient goes to the chosen input, halved on ties."""

    def grad(x: Any, y: Any, g: Tensor) -> Tensor:
        half = op("where")(x == y, g / 2, 0.0)
        return op("where")(first(x, y), g, half)

    return (lambda a, g: grad(a.self, a.other, g)), (lambda a, g: grad(a.other, a.self, g))


def _others(x: Tensor, dim: int) -> Tensor:
    """For each element, the product of the others along ``dim``: exact with zeros."""
    n = x.shape[dim]
    one = op("ones")((*x.shape[:dim], 1, *x.shape[dim + 1:]), dtype=x.dtype, device=x.device)
    before = op("cat")((one, x.narrow(dim, 0, n - 1)), dim).cumprod(dim)
    after = op("cat")((x.narrow(dim, 1, n - 1), one), dim).flip((dim,)).cumprod(dim)
    return before * after.flip((dim,))


def _prod(a: Any, g: Tensor) -> Any:
    """prod's backward, g times the product of the other elements (no division)."""
    x = a.self
    if a.dim is None:
        return (g * _others(x.reshape((-1,)), 0)).reshape(x.shape)
    dim = wrap_dim(a.dim, x.ndim)
    if not x.ndim:
        return g
    return (g if a.keepdim else g.unsqueeze(dim)) * _others(x, dim)


def _reverse_cumsum(t: Tensor, dim: int) -> Tensor:
    return t.flip((dim,)).cumsum(dim).flip((dim,))


def _scatter_values(g: Tensor, shape: tuple[int, ...], dim: int, indices: Tensor) -> Tensor:
    """The values' gradient of sort and topk: back where each value came from."""
    return op("scatter_add")(_zeros(shape, g), dim, indices, g)


def _index_select(a: Any, g: Tensor) -> Tensor:
    d = wrap_dim(a.dim, len(a.self.shape))
    zeros = _zeros(a.self.shape, g).transpose(0, d)
    summed = op("index_put")(zeros, (a.index,), g.transpose(0, d), True)
    return summed.transpose(0, d)


def _scatter_src(a: Any, g: Tensor) -> Tensor:
    """scatter's source gradient: the gradient where each source element went; the source
    elements beyond the index's shape went nowhere (zeros)."""
    gathered = g.gather(a.dim, a.index)
    shape = a.src.shape
    if gathered.shape == shape or len(shape) != gathered.ndim:
        return gathered  # a 0-d source: the node sums the gradient to its shape
    pads: list[int] = []
    for have, want in zip(reversed(gathered.shape), reversed(shape), strict=True):
        pads += [0, want - have]
    return op("pad")(gathered, tuple(pads))


def _full_slices_as_indices(indices: list[Any], shape: tuple[int, ...], like: Tensor
                            ) -> list[Any]:
    """index_put's indices with their ``None`` (whole dimensions) replaced: trailing ones
    dropped (the dimensions after the last index are kept whole anyway), leading ones by
    the positions along their dimension, shaped to come first in the result, as ``x[:,
    idx]`` orders them."""
    while indices and indices[-1] is None:
        indices.pop()
    leading = 0
    while leading < len(indices) and indices[leading] is None:
        leading += 1
    if any(i is None for i in indices[leading:]):
        raise NotImplementedError(
            "the gradient of index_put's values with a None index between index tensors")
    if not leading:
        return indices
    rank = max(i.ndim for i in indices[leading:])
    for d in range(leading):
        positions = op("arange")(0, shape[d], 1, dtype=int64, device=like.device)
        indices[d] = positions.reshape((*(1,) * d, shape[d], *(1,) * (leading - 1 - d + rank)))
    return indices


def _index_put_values(a: Any, g: Tensor) -> Tensor:
    """The values' gradient of index_put: the gradient at the indexed positions."""
    indices = _full_slices_as_indices(list(a.indices), a.self.shape, g)
    k = len(indices)
    shape = a.self.shape
    flat = g.reshape((math.prod(shape[:k]), *shape[k:]))
    position: Any = 0
    for i, index in enumerate(indices):
        wide = index.to(dtype=int64)
        wrapped = op("where")(wide < 0, wide + shape[i], wide)  # from the end, as index_put
        position = position + wrapped * math.prod(shape[i + 1:k])
    chosen = op("index_select")(flat, 0, position.reshape((-1,)))
    return chosen.reshape((*position.shape, *shape[k:]))


def _index_put_self(a: Any, g: Tensor) -> Tensor:
    if a.accumulate:
        return g
    return op("index_put")(g, a.indices, _zeros((), g), False)


def _diagonal(a: Any, g: Tensor) -> Any:
    """diagonal's backward: ``g`` on the diagonal of zeros, through operators only."""
    shape = a.self.shape
    d1, d2 = wrap_dim(a.dim1, len(shape)), wrap_dim(a.dim2, len(shape))
    n, m, k = shape[d1], shape[d2], a.offset
    rows = op("arange")(0, n, device=g.device).unsqueeze(-1)
    cols = op("arange")(0, m, device=g.device).unsqueeze(0)
    mask = (cols - rows == k).to(dtype=g.dtype)  # (n, m)
    length = g.shape[-1]
    if k >= 0:  # element (i, i + k) is g[..., i]
        spread = _embed(g, (*g.shape[:-1], n), g.ndim - 1, 0).unsqueeze(-1)
    else:  # element (j - k, j) is g[..., j]
        spread = _embed(g, (*g.shape[:-1], m), g.ndim - 1, 0).unsqueeze(-2)
    del length
    full = spread * mask  # (..., n, m): the other dims first, as diagonal returns them
    order = [i for i in range(len(shape)) if i not in (d1, d2)]
    # full's dims are (*order, d1, d2); put them back where they came from.
    inverse = [0] * len(shape)
    for position, source in enumerate([*order, d1, d2]):
        inverse[source] = position
    return full.permute(tuple(inverse))


def _positions(shape: Sequence[int], strides: Sequence[int], offset: int,
               like: Tensor) -> Tensor:
    """The storage position of every element of a layout, as an int64 tensor."""
    position = op("full")((), offset, device=like.device)
    for d, (size, stride) in enumerate(zip(shape, strides, strict=True)):
        steps = op("arange")(0, size, device=like.device) * stride
        position = position.unsqueeze(-1) + steps if d else position + steps
    return position.reshape(tuple(shape))


def _as_strided(a: Any, g: Tensor) -> Tensor:
    """as_strided's backward: through the storage both layouts index (x[i] is one)."""
    x = a.self
    offset = x.offset if a.storage_offset is None else a.storage_offset
    if not g.numel() or not math.prod(x.shape):
        return _zeros(x.shape, g)
    out = _positions(a.size, a.stride, offset, g).reshape((-1,))
    inp = _positions(x.shape, x.strides, x.offset, g).reshape((-1,))
    # The range both layouts span, from their metadata: no device read.
    layouts = ((a.size, a.stride, offset), (x.shape, x.strides, x.offset))
    low = min(o + sum(min(0, (n - 1) * st) for n, st in zip(sz, sd, strict=True))
              for sz, sd, o in layouts)
    high = max(o + sum(max(0, (n - 1) * st) for n, st in zip(sz, sd, strict=True))
               for sz, sd, o in layouts)
    span = high + 1 - low
    storage = op("index_put")(_zeros((span,), g), (out - low,), g.reshape((-1,)), True)
    return op("index_select")(storage, 0, inp - low).reshape(x.shape)


def _pad(a: Any, g: Tensor) -> Tensor:
    """pad's backward: the copied region of ``g``, put back where it came from."""
    shape = a.self.shape
    ndim = len(shape)
    for i in range(len(a.pad) // 2):
        d = ndim - 1 - i  # the pad list starts with the last dimension
        before, after = a.pad[2 * i], a.pad[2 * i + 1]
        length = max(shape[d] - max(-before, 0) - max(-after, 0), 0)
        g = g.narrow(d, max(before, 0), length)
        g = _embed(g, (*g.shape[:d], shape[d], *g.shape[d + 1:]), d, max(-before, 0))
    return g


def _permute(a: Any, g: Tensor) -> Tensor:
    dims = [wrap_dim(d, len(a.self.shape)) for d in a.dims]
    inverse = [0] * len(dims)
    for position, d in enumerate(dims):
        inverse[d] = position
    return g.permute(tuple(inverse))


def _pieces(g: Tensor | tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    """The gradients of a list of outputs; a list of one comes as that one tensor."""
    return g if isinstance(g, tuple) else (g,)


def _split(a: Any, g: Tensor | tuple[Tensor, ...]) -> Tensor:
    dim = wrap_dim(a.dim, len(a.self.shape))
    return op("cat")(_pieces(g), dim)


def _unbind(a: Any, g: Tensor | tuple[Tensor, ...]) -> Tensor:
    dim = wrap_dim(a.dim, len(a.self.shape))
    return op("cat")(tuple(t.unsqueeze(dim) for t in _pieces(g)), dim)


def _cat(a: Any, g: Tensor) -> tuple[Tensor, ...]:
    dim = wrap_dim(a.dim, g.ndim)
    sizes = [t.shape[dim] if len(t.shape) == g.ndim else 0 for t in a.tensors]
    return tuple(op("split_with_sizes")(g, sizes, dim))


def _to_input(a: Any, g: Tensor) -> Tensor:
    return g.to(device=a.self.device, dtype=a.self.dtype)


def _reshape(a: Any, g: Tensor) -> Tensor:
    return g.reshape(a.self.shape)


_SELF_SO = ("self",)
_BOTH = ("self", "other")

# Pointwise ----------------------------------------------------------------------------
_f("neg", self=lambda a, g: -g)
_f("add", self=lambda a, g: g, other=lambda a, g: g if a.alpha == 1 else g * a.alpha)
_f("sub", self=lambda a, g: g, other=lambda a, g: -g if a.alpha == 1 else g * -a.alpha)
_f("mul", _BOTH, self=lambda a, g: g * a.other, other=lambda a, g: g * a.self)
_f("div", _BOTH,
   self=lambda a, g: g / a.other if a.rounding_mode is None else _no_grad(g),
   other=lambda a, g: (-g * a.self / (a.other * a.other)
                       if a.rounding_mode is None else _no_grad(g)))
_f("pow", ("self", "exponent", "result"), self=_pow_self, exponent=_pow_exponent)
_f("remainder", _BOTH, self=lambda a, g: g,
   other=lambda a, g: -g * op("div")(a.self, a.other, rounding_mode="floor"))
_f("fmod", _BOTH, self=lambda a, g: g,
   other=lambda a, g: -g * op("div")(a.self, a.other, rounding_mode="trunc"))
_f("atan2", _BOTH,
   self=lambda a, g: g * a.other / (a.self * a.self + a.other * a.other),
   other=lambda a, g: -g * a.self / (a.self * a.self + a.other * a.other))
_max_self, _max_other = _pick(lambda x, y: x > y)
_min_self, _min_other = _pick(lambda x, y: x < y)
_f("maximum", _BOTH, self=_max_self, other=_max_other)
_f("minimum", _BOTH, self=_min_self, other=_min_other)
_f("where", ("condition",),
   self=lambda a, g: op("where")(a.condition, g, 0.0),
   other=lambda a, g: op("where")(a.condition, 0.0, g))
_f("abs", _SELF_SO, self=lambda a, g: g * a.self.sign())
_f("exp", ("result",), self=lambda a, g: g * a.result)
_f("log", _SELF_SO, self=lambda a, g: g / a.self)
_f("log1p", _SELF_SO, self=lambda a, g: g / (a.self + 1))
_f("sqrt", ("result",), self=lambda a, g: g / (2 * a.result))
_f("sin", _SELF_SO, self=lambda a, g: g * a.self.cos())
_f("cos", _SELF_SO, self=lambda a, g: -g * a.self.sin())
_f("tan", ("result",), self=lambda a, g: g * (1 + a.result * a.result))
_f("tanh", ("result",), self=lambda a, g: g * (1 - a.result * a.result))
_f("atan", _SELF_SO, self=lambda a, g: g / (1 + a.self * a.self))
_f("erf", _SELF_SO,
   self=lambda a, g: g * (2 / math.sqrt(math.pi)) * (-(a.self * a.self)).exp())
for _name in ("floor", "ceil", "round", "trunc", "sign"):
    _f(_name, self=lambda a, g: _no_grad(g))
_f("copy_", src=lambda a, g: g)  # self is overwritten: its old value gets no gradient

# Reductions and scans -------------------------------------------------------------
_f("sum", self=lambda a, g: _unreduce(g, a.self.shape, _dims(a), a.keepdim))
_f("amax", ("self", "result"), self=_extreme)
_f("amin", ("self", "result"), self=_extreme)
_f("prod", ("self",), self=_prod)
_f("cumsum", self=lambda a, g: _reverse_cumsum(g, wrap_dim(a.dim, g.ndim)))
# cumprod divides by the input: exact where no element is 0.
_f("cumprod", ("self", "result"),
   self=lambda a, g: _reverse_cumsum(g * a.result, wrap_dim(a.dim, g.ndim)) / a.self)

# Linear algebra -------------------------------------------------------------------
_f("matmul", _BOTH, self=_matmul_self, other=_matmul_other)

# Shape, selection and indexing ------------------------------------------------------
_f("cat", tensors=_cat)
_f("flip", self=lambda a, g: g.flip(a.dims))
_f("tril", self=lambda a, g: g.tril(a.diagonal))
_f("triu", self=lambda a, g: g.triu(a.diagonal))
_f("gather", ("index",),
   self=lambda a, g: op("scatter_add")(_zeros(a.self.shape, g), a.dim, a.index, g))
_f("scatter", ("index",),
   self=lambda a, g: op("scatter")(g, a.dim, a.index, None, value=0),
   src=_scatter_src)
_f("scatter_add", ("index",), self=lambda a, g: g, src=_scatter_src)
_f("sort", ("result",),
   self=lambda a, g: _scatter_values(g[0], a.self.shape, wrap_dim(a.dim, len(a.self.shape)),
                                     a.result[1]))
_f("topk", ("result",),
   self=lambda a, g: _scatter_values(g[0], a.self.shape, wrap_dim(a.dim, len(a.self.shape)),
                                     a.result[1]))
_f("index_select", ("index",), self=_index_select)
_f("index_put", ("indices",), self=_index_put_self, values=_index_put_values)
_f("to", self=_to_input)  # moves between devices: the gradient moves back
_f("pad", self=_pad)  # its decomposition writes into a view of a new tensor

# Views: the gradient takes the input's layout back ---------------------------------------
for _name in ("view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze"):
    _f(_name, self=_reshape)
_f("expand", self=lambda a, g: g)  # the node sums the broadcast dimensions
_f("permute", self=_permute)
_f("as_strided", self=_as_strided)
_f("transpose", self=lambda a, g: g.transpose(a.dim0, a.dim1))
_f("t", self=lambda a, g: g.t())
_f("narrow", self=lambda a, g: _embed(
    g, a.self.shape, wrap_dim(a.dim, len(a.self.shape)),
    a.start % a.self.shape[wrap_dim(a.dim, len(a.self.shape))] if a.start < 0 else a.start))
_f("select", self=lambda a, g: _embed(
    g.unsqueeze(wrap_dim(a.dim, len(a.self.shape))), a.self.shape,
    wrap_dim(a.dim, len(a.self.shape)),
    a.index % a.self.shape[wrap_dim(a.dim, len(a.self.shape))]))
_f("diagonal", self=_diagonal)
for _name in ("split", "split_with_sizes", "chunk"):
    _f(_name, self=_split)
_f("unbind", self=_unbind)
