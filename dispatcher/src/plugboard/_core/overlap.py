"""Whether tensors share memory: the layout arithmetic that keeps writes correct.

Two questions, answered from the layouts alone (shape, strides, offset,
itemsize), for every backend:

- :func:`internal_overlap`: whether two different elements of one tensor are
  the same memory (an ``expand``-ed tensor, an ``as_strided`` window). Such a
  tensor cannot be written: which value would an element keep?
- :func:`overlap`: whether two tensors have memory in common, and how. An
  elementwise kernel may read the very elements it writes (``x.add_(1)``);
  any other sharing (``m[1:] = m[:-1]``, ``m.copy_(m.t())``) must go through
  a temporary.

Both are exact. Two strided views share memory when some index of one and
some index of the other land on a common byte: a bounded linear Diophantine
problem, ``sum(stride_k * i_k)`` in a window, solved by a depth-first search
that prunes by range and by the greatest common divisor of the strides left.
Views of one tensor have few distinct strides, so the search takes a handful
of steps; a search past its budget lists the elements' offsets instead (up to
about a million). Only a larger layout on which both give up is left
undecided: :func:`overlap` then says ``PARTIAL`` (a copy through a temporary
is right either way) and :func:`internal_overlap` says ``None``.

Example:
    >>> import plugboard as pb
    >>> from plugboard._core.overlap import Overlap, internal_overlap, overlap
    >>> m = pb.zeros(3, 4)
    >>> overlap(m[:, ::2], m[:, 1::2]), overlap(m[1:], m[:-1]), overlap(m, m)
    (<Overlap.NONE: 'none'>, <Overlap.PARTIAL: 'partial'>, <Overlap.SAME: 'same'>)
    >>> internal_overlap(pb.zeros(1, 4).expand(3, 4)), internal_overlap(m.t())
    (True, False)
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np

from plugboard._core.errors import ArgumentError
from plugboard._core.tensor import Tensor

__all__ = ["Overlap", "check_writable", "internal_overlap", "overlap"]

# Search steps before listing offsets, and the most offsets listed.
_SEARCH_BUDGET = 20_000
_LIST_LIMIT = 1 << 20


class Overlap(Enum):
    """How two tensors share memory."""

    NONE = "none"  # no byte in common
    SAME = "same"  # the very same elements in the same layout
    PARTIAL = "partial"  # any other sharing (or a layout too large to tell)


class _TooHard(Exception):
    """The search ran out of budget."""


def overlap(a: Tensor, b: Tensor) -> Overlap:
    """How ``a`` and ``b`` share memory: not at all, as the same elements, or otherwise.

    ``SAME`` means equal layouts over one storage: element ``i`` of ``a`` is
    element ``i`` of ``b``, so an elementwise kernel that reads ``b`` and
    writes ``a`` reads each element before writing it.

    Example:
        >>> import plugboard as pb
        >>> from plugboard._core.overlap import overlap
        >>> x = pb.arange(8.)
        >>> overlap(x[::2], x[1::2]).value, overlap(x[2:], x[:4]).value
        ('none', 'partial')
    """
    if a._storage is not b._storage or 0 in a._shape or 0 in b._shape:
        return Overlap.NONE
    size_a, size_b = a._dtype.itemsize, b._dtype.itemsize
    if (size_a == size_b and a._offset == b._offset and a._shape == b._shape
            and a._strides == b._strides):
        return Overlap.SAME
    start_a, terms_a = _byte_terms(a)
    start_b, terms_b = _byte_terms(b)
    end_a = start_a + sum(c * u for c, u in terms_a) + size_a
    end_b = start_b + sum(c * u for c, u in terms_b) + size_b
    if end_a <= start_b or end_b <= start_a:
        return Overlap.NONE
    # A byte of a's element (start_a + sum(c x) + alpha, 0 <= alpha < size_a) equals one of
    # b's (start_b + sum(d y) + beta). With y -> u - y and beta -> size_b - 1 - beta every
    # unknown is in [0, bound]: sum(c x) + sum(d y) lies in the window below.
    shift = start_b - start_a + sum(d * u for d, u in terms_b)
    try:
        shared = _reachable(terms_a + terms_b, shift - (size_a - 1), shift + size_b - 1)
    except _TooHard:
        listed = _listed_overlap(a, b)
        shared = True if listed is None else listed
    return Overlap.PARTIAL if shared else Overlap.NONE


def internal_overlap(t: Tensor) -> bool | None:
    """Whether two different elements of ``t`` are the same memory (``None``: cannot tell).

    True for a tensor expanded along a dimension (stride 0, size above 1) and
    for ``as_strided`` layouts whose elements coincide; False for every view
    that slicing, transposing, ``diagonal`` or ``select`` make of a tensor
    that does not overlap itself. Writing such a tensor has no meaning:
    PyTorch refuses it, and so does plugboard.

    Example:
        >>> import plugboard as pb
        >>> from plugboard._core.overlap import internal_overlap
        >>> x = pb.zeros(4, 4)
        >>> internal_overlap(x.diagonal()), internal_overlap(x[:1].expand(4, 4))
        (False, True)
        >>> internal_overlap(x.as_strided((3, 2), (1, 1)))
        True
    """
    if 0 in t._shape:
        return False
    terms = []
    for size, stride in zip(t._shape, t._strides, strict=True):
        if size == 1:
            continue
        if stride == 0:
            return True
        terms.append((abs(stride), size - 1))
    if len(terms) < 2:
        return False
    # Nested strides (each past the whole extent of the smaller ones): the usual case.
    terms.sort()
    extent = 0
    for stride, bound in terms:
        if stride <= extent:
            break
        extent += stride * bound
    else:
        return False
    # Two indices i != j with sum(s (i - j)) == 0. By symmetry the first nonzero
    # difference d_p (largest strides first) is positive: d_p = 1 + f with f in
    # [0, u_p - 1], and every later d_k = e_k - u_k with e_k in [0, 2 u_k].
    terms.sort(reverse=True)
    try:
        for p, (stride, bound) in enumerate(terms):
            rest = terms[p + 1:]
            target = sum(c * u for c, u in rest) - stride
            problem = [(c, 2 * u) for c, u in rest]
            if bound > 1:
                problem.append((stride, bound - 1))
            if _reachable(problem, target, target):
                return True
        return False
    except _TooHard:
        return _listed_internal_overlap(t)


def check_writable(t: Tensor) -> None:
    """Raise :class:`ArgumentError` unless every element of ``t`` is memory of its own.

    Every in-place and ``out=`` write checks its target with this before any
    device work, on every backend (PyTorch raises the same).

    Example:
        >>> import plugboard as pb
        >>> from plugboard._core.overlap import check_writable
        >>> check_writable(pb.zeros(2, 3).t())
        >>> check_writable(pb.zeros(1, 3).expand(2, 3))
        Traceback (most recent call last):
        ...
        plugboard._core.errors.ArgumentError: unsupported operation: more than one element \
of the written-to tensor refers to a single memory location (shape (2, 3), strides (0, 1)). \
Fix: write into a tensor of its own, e.g. x = x.clone() first (expand() and as_strided() \
make tensors whose elements share memory)
    """
    overlapping = internal_overlap(t)
    if overlapping is False:
        return
    layout = f"shape {t._shape}, strides {t._strides}"
    if overlapping:
        problem = (
            "unsupported operation: more than one element of the written-to tensor refers "
            f"to a single memory location ({layout})"
        )
    else:
        problem = (
            "cannot tell whether two elements of the written-to tensor refer to a single "
            f"memory location ({layout}): the layout is too irregular and too large to check"
        )
    raise ArgumentError(
        problem + ". Fix: write into a tensor of its own, e.g. x = x.clone() first (expand() "
        "and as_strided() make tensors whose elements share memory)"
    )


def _byte_terms(t: Tensor) -> tuple[int, list[tuple[int, int]]]:
    """The byte offset of ``t``'s lowest element, and ``(stride, size - 1)`` in bytes of
    each dimension that moves, with strides made positive."""
    itemsize = t._dtype.itemsize
    start = t._offset * itemsize
    terms = []
    for size, stride in zip(t._shape, t._strides, strict=True):
        if size == 1 or stride == 0:
            continue
        step = stride * itemsize
        if step < 0:
            start += step * (size - 1)
            step = -step
        terms.append((step, size - 1))
    return start, terms


def _reachable(terms: list[tuple[int, int]], low: int, high: int) -> bool:
    """Whether ``sum(c * x)`` over ``(c, bound)`` in ``terms``, each ``x`` in ``[0, bound]``,
    can lie in ``[low, high]``. Raises ``_TooHard`` past the search budget."""
    merged: dict[int, int] = {}
    for c, bound in terms:
        if c > 0 and bound > 0:
            # c x + c y with x, y in [0, a], [0, b] is exactly c z with z in [0, a + b].
            merged[c] = merged.get(c, 0) + bound
    ordered = sorted(merged.items(), reverse=True)
    count = len(ordered)
    most = [0] * (count + 1)
    divisor = [0] * (count + 1)
    for k in range(count - 1, -1, -1):
        c, bound = ordered[k]
        most[k] = most[k + 1] + c * bound
        divisor[k] = math.gcd(divisor[k + 1], c)
    failed: set[tuple[int, int, int]] = set()
    budget = [_SEARCH_BUDGET]

    def search(k: int, lo: int, hi: int) -> bool:
        lo, hi = max(lo, 0), min(hi, most[k])
        if lo > hi:
            return False
        g = divisor[k]
        if g == 0:
            return True  # no terms left: the empty sum 0 is in the window
        if -(-lo // g) * g > hi:
            return False  # no multiple of the strides' gcd in the window
        if (k, lo, hi) in failed:
            return False
        c, bound = ordered[k]
        first = max(0, -(-(lo - most[k + 1]) // c))
        for x in range(min(bound, hi // c), first - 1, -1):
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooHard
            if search(k + 1, lo - c * x, hi - c * x):
                return True
        failed.add((k, lo, hi))
        return False

    return search(0, low, high)


def _element_offsets(t: Tensor) -> np.ndarray:
    """Every element's offset in ``t``'s storage, in elements."""
    offsets = np.full((1,) * t.ndim, t._offset, dtype=np.int64)
    for dim, (size, stride) in enumerate(zip(t._shape, t._strides, strict=True)):
        shape = [1] * t.ndim
        shape[dim] = size
        offsets = offsets + (np.arange(size, dtype=np.int64) * stride).reshape(shape)
    return offsets.reshape(-1)


def _listed_overlap(a: Tensor, b: Tensor) -> bool | None:
    itemsize = a._dtype.itemsize
    if b._dtype.itemsize != itemsize or a.numel() + b.numel() > _LIST_LIMIT:
        return None
    common = np.intersect1d(_element_offsets(a), _element_offsets(b), assume_unique=False)
    return bool(common.size)


def _listed_internal_overlap(t: Tensor) -> bool | None:
    if t.numel() > _LIST_LIMIT:
        return None
    offsets = _element_offsets(t)
    return bool(np.unique(offsets).size < offsets.size)
