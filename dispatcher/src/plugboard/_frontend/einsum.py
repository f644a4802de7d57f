"""``pb.einsum``: Einstein summation, as PyTorch's ``torch.einsum``, from pb operators.

The equation is parsed and checked first (subscripts, ellipsis, sizes), so a
bad call fails before any device work. Then, as PyTorch does it: each operand
takes the diagonal of a repeated subscript and is permuted, with size-1
dimensions for the subscripts it lacks, to one common order (the output's
dimensions, then the summed ones); the operands are contracted left to right,
each pair with one batched matrix product (``pb::bmm``), a dimension being
summed as soon as no later operand has it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plugboard._core.errors import ArgumentError, DTypeError, ShapeError
from plugboard._core.tensor import Tensor
from plugboard._frontend.naming import front_end, naming, require_same_device
from plugboard._ops.meta import op as _op

__all__ = ["einsum"]

ELLIPSIS = "..."
# An axis of the common order: a subscript letter, or the i-th dimension an ellipsis covers.
Axis = str | int


@dataclass(frozen=True)
class _Term:
    """One operand's subscripts: letters, with ELLIPSIS where it has one."""

    labels: tuple[str, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels if label != ELLIPSIS)

    @property
    def has_ellipsis(self) -> bool:
        return ELLIPSIS in self.labels


def _parse_term(text: str, where: str, start: int) -> _Term:
    """The subscripts of one operand (or the output); ``start``: its column, for messages."""
    labels: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == " ":
            i += 1
        elif c == ".":
            if text[i:i + 3] != ELLIPSIS:
                raise ArgumentError(
                    f"found '.' at index {start + i} for {where} that is not part of an "
                    "ellipsis ('...'). Fix: write the ellipsis as three dots"
                )
            if ELLIPSIS in labels:
                raise ArgumentError(
                    f"{where} has a second ellipsis at index {start + i}. Fix: use at most "
                    "one '...' per operand"
                )
            labels.append(ELLIPSIS)
            i += 3
        elif c.isascii() and c.isalpha():
            labels.append(c)
            i += 1
        else:
            raise ArgumentError(
                f"invalid subscript {c!r} at index {start + i} in the equation. Fix: "
                "subscripts are letters in [a-zA-Z]"
            )
    return _Term(tuple(labels))


def _parse(equation: str, n_operands: int) -> tuple[list[_Term], _Term | None]:
    """The operands' terms and the output's (None: implicit), checked against their count."""
    lhs, arrow, rhs = equation.partition("->")
    if "->" in rhs or "-" in lhs or ">" in lhs:
        raise ArgumentError(
            "the equation has a stray '-' or '>' or more than one '->'. Fix: write it as "
            "'inputs->output', e.g. 'ij,jk->ik'"
        )
    pieces = lhs.split(",")
    terms = []
    column = 0
    for k, piece in enumerate(pieces):
        terms.append(_parse_term(piece, f"operand {k}", column))
        column += len(piece) + 1
    if len(terms) != n_operands:
        more = "more" if n_operands > len(terms) else "fewer"
        raise ArgumentError(
            f"{more} operands were provided ({n_operands}) than the equation has terms "
            f"({len(terms)}). Fix: give one comma-separated term per operand"
        )
    output = _parse_term(rhs, "the output", len(lhs) + 2) if arrow else None
    return terms, output


def _check_operands(operands: Sequence[Any]) -> list[Tensor]:
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]  # einsum("ij,jk", [a, b]), as PyTorch accepts
    if not operands:
        raise ArgumentError("must provide at least one operand. Fix: pass the tensors")
    for k, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise ArgumentError(
                f"operand {k} must be a tensor, not {type(t).__name__}. Fix: pass tensors "
                "(the sublist format einsum(x, [0, 1], ...) is not supported)"
            )
    tensors = list(operands)
    first = tensors[0]
    for k, t in enumerate(tensors[1:], 1):
        if t.dtype is not first.dtype:
            raise DTypeError(
                f"the operands must have one dtype, but operand 0 is {first.dtype} and "
                f"operand {k} is {t.dtype}. Fix: cast them, e.g. x.to(pb.{first.dtype})"
            )
    require_same_device(tensors, [f"operand {k}" for k in range(len(tensors))])
    return tensors


@dataclass(frozen=True)
class _Plan:
    """The common order of axes (output first), each operand's axes, the output's sizes."""

    axes: tuple[Axis, ...]
    n_out: int
    operand_axes: tuple[tuple[Axis, ...], ...]  # per operand, in its order, repeats included
    sizes: dict[Axis, int]


def _plan(terms: list[_Term], output: _Term | None, tensors: list[Tensor]) -> _Plan:
    ell_ndim = 0
    for k, (term, t) in enumerate(zip(terms, tensors, strict=True)):
        n = len(term.letters)
        if term.has_ellipsis:
            if n > t.ndim:
                raise ShapeError(
                    f"operand {k} has {n} subscripts but only {t.ndim} dimension(s). Fix: "
                    "use at most one subscript per dimension"
                )
            ell_ndim = max(ell_ndim, t.ndim - n)
        elif n != t.ndim:
            raise ShapeError(
                f"operand {k} has {n} subscripts but {t.ndim} dimension(s), and no "
                "ellipsis. Fix: give one subscript per dimension, or '...' for the rest"
            )
    ellipsis_axes = tuple(range(ell_ndim))
    # Each operand's axes in its own order; an ellipsis covers the last ell dims, right-aligned.
    raw_axes: list[list[Axis]] = []
    for term, t in zip(terms, tensors, strict=True):
        covered = t.ndim - len(term.letters)
        axes: list[Axis] = []
        for label in term.labels:
            if label == ELLIPSIS:
                axes.extend(range(ell_ndim - covered, ell_ndim))
            else:
                axes.append(label)
        raw_axes.append(axes)
    letters = [label for term in terms for label in term.letters]
    if output is None:
        # Implicit output: the ellipsis, then the letters seen once, in alphabetical order
        # (A-Z before a-z).
        once = sorted(label for label in set(letters) if letters.count(label) == 1)
        out_axes: tuple[Axis, ...] = (*ellipsis_axes, *once)
    else:
        seen: set[str] = set()
        out: list[Axis] = []
        for label in output.labels:
            if label == ELLIPSIS:
                out.extend(ellipsis_axes)
                continue
            if label in seen:
                raise ArgumentError(
                    f"output subscript {label} appears more than once in the output. Fix: "
                    "name each output dimension once"
                )
            if label not in letters:
                raise ArgumentError(
                    f"output subscript {label} does not appear in the equation for any "
                    "input operand. Fix: use the inputs' subscripts"
                )
            seen.add(label)
            out.append(label)
        out_axes = tuple(out)
    everything: list[Axis] = [*ellipsis_axes, *dict.fromkeys(letters)]
    summed = tuple(a for a in everything if a not in out_axes)
    common = (*out_axes, *summed)
    sizes: dict[Axis, int] = {}
    where: dict[Axis, int] = {}
    operand_axes = []
    for k, (axes, t) in enumerate(zip(raw_axes, tensors, strict=True)):
        own: dict[Axis, int] = {}
        for axis, size in zip(axes, t.shape, strict=True):
            if axis in own and own[axis] != size:
                raise ShapeError(
                    f"subscript {axis} is repeated for operand {k} but the sizes don't match, "
                    f"{own[axis]} != {size}. Fix: a repeated subscript takes a diagonal of "
                    "dimensions of one size"
                )
            own[axis] = size
        for axis, size in own.items():
            known = sizes.get(axis, 1)
            if size != 1 and known not in (1, size):
                name = f"subscript {axis}" if isinstance(axis, str) else \
                    f"ellipsis dimension {axis}"
                raise ShapeError(
                    f"{name} has size {known} in operand {where[axis]} but {size} in "
                    f"operand {k}; sizes must match or be 1 (broadcast). Fix: use operands "
                    "whose dimensions of one subscript agree"
                )
            if size != 1 or axis not in sizes:
                sizes[axis] = size
                where[axis] = k
        operand_axes.append(tuple(axes))
    return _Plan(common, len(out_axes), tuple(operand_axes), sizes)


def _aligned(t: Tensor, axes: list[Axis], plan: _Plan) -> Tensor:
    """``t`` with one dimension per axis of the common order (size 1 where it has none)."""
    # A repeated subscript: its diagonal, which pb::diagonal puts last.
    while len(set(axes)) != len(axes):
        axis = next(a for a in axes if axes.count(a) > 1)
        first = axes.index(axis)
        second = axes.index(axis, first + 1)
        t = _op("diagonal")(t, 0, first, second)
        axes = [a for i, a in enumerate(axes) if i not in (first, second)] + [axis]
    present = [a for a in plan.axes if a in axes]
    t = _op("permute")(t, tuple(axes.index(a) for a in present))
    shape = tuple(t.shape[present.index(a)] if a in axes else 1 for a in plan.axes)
    return _op("reshape")(t, shape) if shape != t.shape else t


def _sum_keep(t: Tensor, dims: Sequence[int]) -> Tensor:
    # The operands' dtype throughout, so that integer operands stay one dtype for bmm.
    if not dims:
        return t
    result: Tensor = _op("sum")(t, list(dims), True, dtype=t.dtype)
    return result


def _numel(t: Tensor, dims: Sequence[int]) -> int:
    return math.prod(t.shape[d] for d in dims)


def _contract_pair(left: Tensor, right: Tensor, summed: Sequence[int]) -> Tensor:
    """``left * right`` summed over the dims ``summed`` (kept with size 1), by one bmm.

    Both have the same number of dimensions, which broadcast; PyTorch's
    ``sumproduct_pair``.
    """
    if not summed:
        return _op("mul")(left, right)
    batch, left_only, right_only, both = [], [], [], []
    for d in range(left.ndim):
        in_left, in_right = left.shape[d] != 1, right.shape[d] != 1
        if d in summed:
            if in_left and in_right:
                both.append(d)
            elif in_left:
                left = _sum_keep(left, [d])
            elif in_right:
                right = _sum_keep(right, [d])
        elif in_left and in_right:
            batch.append(d)
        elif in_left:
            left_only.append(d)
        else:
            right_only.append(d)
    b, m = _numel(left, batch), _numel(left, left_only)
    k, n = _numel(left, both), _numel(right, right_only)
    lhs = _op("reshape")(_op("permute")(left, (*batch, *left_only, *both, *right_only,
                                               *[d for d in summed if d not in both])),
                         (b, m, k))
    rhs = _op("reshape")(_op("permute")(right, (*batch, *both, *right_only, *left_only,
                                                *[d for d in summed if d not in both])),
                         (b, k, n))
    product = _op("bmm")(lhs, rhs)
    # Back to every dimension, in the order batch, left-only, summed (size 1), right-only.
    order = (*batch, *left_only, *summed, *right_only)
    shape = [left.shape[d] for d in batch] + [left.shape[d] for d in left_only] \
        + [1] * len(summed) + [right.shape[d] for d in right_only]
    result = _op("reshape")(product, tuple(shape))
    return _op("permute")(result, tuple(order.index(d) for d in range(left.ndim)))


@front_end("pb.einsum")
def einsum(equation: str, *operands: Any) -> Tensor:
    """Sums of products of the operands' elements, along subscripts the equation names.

    ``equation`` gives each operand's dimensions a letter (``"ij,jk->ik"`` is
    a matrix product); letters missing from the output are summed over. Without
    ``->``, the output is the letters that appear once, in alphabetical order.
    A repeated letter in one operand takes a diagonal (``"ii->i"``); ``...``
    stands for dimensions that broadcast. The operands (varargs, or one list)
    have one dtype and device; the result has that dtype, except that a single
    operand summed to an integer result is int64, as ``sum`` makes it.

    Example:
        >>> import plugboard as pb
        >>> a, b = pb.tensor([[1., 2.], [3., 4.]]), pb.tensor([[1., 0.], [0., 2.]])
        >>> pb.einsum("ij,jk->ik", a, b).tolist()
        [[1.0, 4.0], [3.0, 8.0]]
        >>> pb.einsum("ii", a).item(), pb.einsum("...j,j", a, pb.tensor([1., 1.])).tolist()
        (5.0, [3.0, 7.0])
    """
    with naming("pb.einsum", equation=equation, operands=operands):
        if not isinstance(equation, str):
            raise ArgumentError(
                f"the equation must be a str, not {type(equation).__name__}. Fix: pass the "
                "subscripts first, e.g. pb.einsum('ij,jk->ik', a, b)"
            )
        tensors = _check_operands(operands)
        terms, output = _parse(equation, len(tensors))
        plan = _plan(terms, output, tensors)
    aligned = [_aligned(t, list(axes), plan)
               for t, axes in zip(tensors, plan.operand_axes, strict=True)]
    summed_dims = range(plan.n_out, len(plan.axes))
    # The last operand that has each summed dimension (size > 1); -1: none has it.
    last = {d: max((k for k, t in enumerate(aligned) if t.shape[d] != 1), default=-1)
            for d in summed_dims}
    out_shape = tuple(plan.sizes.get(a, 1) for a in plan.axes[:plan.n_out])
    result = aligned[0]
    if len(aligned) == 1:
        dims = [d for d in summed_dims if last[d] == 0]
        if dims:
            # One operand: PyTorch's einsum is then its sum (int64 for integers).
            result = _op("sum")(result, dims, True)
        return _op("reshape")(result, out_shape)
    result = _sum_keep(result, [d for d in summed_dims if last[d] == 0])
    for k, operand in enumerate(aligned[1:], 1):
        result = _contract_pair(result, operand, [d for d in summed_dims if last[d] == k])
    return _op("reshape")(result, out_shape)
