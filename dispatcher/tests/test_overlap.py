"""Memory overlap: the layout arithmetic of _core/overlap.py, and what the core does with it.

The arithmetic is checked against the offsets every element lands on. The core's
use of it is checked on the CPU, on OpenCL and on a host test backend whose kernels
copy one element at a time, in order, as a simple device kernel does: writes into
tensors whose elements share memory are refused before any work, and copies between
overlapping views of one tensor go through a temporary, on every backend.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plugboard as pb
from plugboard._core import overlap as _overlap
from plugboard._core.overlap import Overlap, check_writable, internal_overlap, overlap
from plugboard._core.tensor import Tensor

# The arithmetic ---------------------------------------------------------------------

_STORAGE = pb.zeros(4096, dtype=pb.float64).untyped_storage()


def _layout(shape: tuple[int, ...], strides: tuple[int, ...], offset: int,
            dtype: pb.DType = pb.float32) -> Tensor:
    return Tensor._make(_STORAGE, shape, strides, offset, dtype)


def _bytes(t: Tensor) -> list[set[int]]:
    """The bytes of each element of ``t``, by brute force."""
    size = t.itemsize
    starts = [
        (t.storage_offset() + sum(i * s for i, s in zip(index, t.stride(), strict=True))) * size
        for index in itertools.product(*(range(n) for n in t.shape))
    ]
    return [set(range(b, b + size)) for b in starts]


layouts = st.integers(0, 3).flatmap(
    lambda ndim: st.tuples(
        st.tuples(*[st.integers(0, 4)] * ndim),
        st.tuples(*[st.integers(-7, 7)] * ndim),
        st.integers(0, 12),
    )
)


def _made(layout: tuple[tuple[int, ...], tuple[int, ...], int],
          dtype: pb.DType = pb.float32) -> Tensor:
    shape, strides, extra = layout
    # The offset keeps every element inside the storage, whatever the strides' signs.
    low = sum(s * (n - 1) for n, s in zip(shape, strides, strict=True) if s < 0 and n)
    return _layout(shape, strides, extra - low, dtype)


@settings(max_examples=3000, deadline=None)
@given(layouts)
def test_internal_overlap_is_exact(layout: Any) -> None:
    t = _made(layout)
    starts = [min(b) for b in _bytes(t)]
    assert internal_overlap(t) is (len(set(starts)) < len(starts))


@settings(max_examples=3000, deadline=None)
@given(layouts, layouts, st.sampled_from([pb.uint8, pb.int16, pb.float32, pb.float64]),
       st.sampled_from([pb.uint8, pb.int16, pb.float32, pb.float64]))
def test_overlap_is_exact_to_the_byte(first: Any, second: Any, da: pb.DType,
                                      db: pb.DType) -> None:
    a, b = _made(first, da), _made(second, db)
    shared = bool(set().union(*_bytes(a), set()) & set().union(*_bytes(b), set()))
    result = overlap(a, b)
    if result is Overlap.SAME:
        assert (a.shape, a.stride(), a.storage_offset(), a.itemsize) == \
            (b.shape, b.stride(), b.storage_offset(), b.itemsize)
        assert shared or a.numel() == 0
    else:
        assert (result is Overlap.PARTIAL) is shared


def _views() -> dict[str, tuple[Callable[[pb.Tensor], pb.Tensor], Callable[[pb.Tensor],
                                                                       pb.Tensor], Overlap]]:
    return {
        "rows shifted by one": (lambda m: m[1:], lambda m: m[:-1], Overlap.PARTIAL),
        "columns shifted by one": (lambda m: m[:, 1:], lambda m: m[:, :-1], Overlap.PARTIAL),
        "the transpose": (lambda m: m, lambda m: m.t(), Overlap.PARTIAL),
        "even and odd columns": (lambda m: m[:, ::2], lambda m: m[:, 1::2], Overlap.NONE),
        "column blocks": (lambda m: m[:, 5:7], lambda m: m[:, :2], Overlap.NONE),
        "separate halves": (lambda m: m[:4], lambda m: m[4:], Overlap.NONE),
        "itself": (lambda m: m, lambda m: m, Overlap.SAME),
        "the diagonal and row 0": (lambda m: m.diagonal(), lambda m: m[0], Overlap.PARTIAL),
        "the diagonal and row 1": (lambda m: m.diagonal()[2:], lambda m: m[1], Overlap.NONE),
        "another tensor": (lambda m: m, lambda m: pb.zeros(8, 8), Overlap.NONE),
        "an empty slice": (lambda m: m[3:3], lambda m: m, Overlap.NONE),
    }


@pytest.mark.parametrize("name", list(_views()))
def test_views_of_one_tensor(name: str) -> None:
    first, second, expected = _views()[name]
    m = pb.zeros(8, 8)
    assert overlap(first(m), second(m)) is expected
    assert overlap(second(m), first(m)) is expected


def test_internal_overlap_of_views() -> None:
    m = pb.zeros(6, 6)
    for view in (m, m.t(), m.diagonal(), m[::2, 1::3], m[2], m[:, 4:], m.unsqueeze(1),
                 pb.zeros(0, 3).expand(0, 3), pb.zeros(1).expand(1, 1)):
        assert internal_overlap(view) is False
    for view in (m[:1].expand(6, 6), m[0].unsqueeze(0).expand(3, 6),
                 m.as_strided((4, 3), (1, 1)), m.as_strided((2, 6), (3, 1))):
        assert internal_overlap(view) is True


def test_large_views_are_decided_by_the_search_in_few_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No listing of elements, and a search budget of 50 steps: views of a large tensor
    # have few distinct strides, and the search needs a handful of steps for them.
    monkeypatch.setattr(_overlap, "_SEARCH_BUDGET", 50)
    monkeypatch.setattr(_overlap, "_LIST_LIMIT", 0)
    m = pb.empty(1_000_000, 10)
    assert overlap(m[:, 5:7], m[:, :2]) is Overlap.NONE
    assert overlap(m[::2], m[1::2]) is Overlap.NONE
    assert overlap(m[1:], m[:-1]) is Overlap.PARTIAL
    assert overlap(m[:, 1:], m[:, :-1]) is Overlap.PARTIAL
    square = pb.empty(3000, 3000)
    assert overlap(square, square.t()) is Overlap.PARTIAL
    assert overlap(square.diagonal()[1:], square[0]) is Overlap.NONE
    flat = pb.empty(8_000_000)
    assert internal_overlap(flat.as_strided((1000, 1000), (7, 1000))) is False
    assert internal_overlap(flat.as_strided((1000, 1000), (7, 1001))) is True
    assert internal_overlap(flat.as_strided((100, 100, 100), (10000, 1, 100))) is False


def test_past_the_search_budget_the_offsets_are_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Irregular as_strided layouts that a 3-step search does not settle: the listed
    # offsets answer exactly; past the listing limit too, the answer is "cannot tell",
    # so a copy goes through a temporary and a write is refused.
    monkeypatch.setattr(_overlap, "_SEARCH_BUDGET", 3)
    flat = pb.empty(1000)
    a, b = flat.as_strided((10, 10), (14, 28)), flat.as_strided((2, 9), (24, 37), 17)
    window = flat.as_strided((9, 5), (26, 27))
    assert overlap(a, b) is Overlap.NONE
    assert internal_overlap(window) is False
    assert internal_overlap(flat.as_strided((20, 20), (7, 10))) is True
    monkeypatch.setattr(_overlap, "_LIST_LIMIT", 10)
    assert overlap(a, b) is Overlap.PARTIAL
    assert internal_overlap(window) is None
    with pytest.raises(pb.ArgumentError, match="cannot tell whether two elements"):
        check_writable(window)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(2, 12), st.integers(1, 40)), min_size=2, max_size=3),
       st.lists(st.tuples(st.integers(2, 12), st.integers(1, 40)), min_size=2, max_size=3),
       st.integers(0, 30))
def test_listing_agrees_with_the_search(first: list[tuple[int, int]],
                                        second: list[tuple[int, int]], offset: int) -> None:
    flat = pb.empty(2000)
    a = flat.as_strided(tuple(n for n, _ in first), tuple(s for _, s in first))
    b = flat.as_strided(tuple(n for n, _ in second), tuple(s for _, s in second), offset)
    searched = overlap(a, b), internal_overlap(a)
    listed = _overlap._listed_overlap(a, b), _overlap._listed_internal_overlap(a)
    assert (searched[0] is not Overlap.NONE, searched[1]) == listed


def test_check_writable_names_the_layout_and_the_fix() -> None:
    check_writable(pb.zeros(3, 3).diagonal())
    with pytest.raises(pb.ArgumentError) as caught:
        check_writable(pb.zeros(1, 4).expand(3, 4))
    message = str(caught.value)
    assert "more than one element of the written-to tensor refers to a single memory " \
        "location" in message
    assert "shape (3, 4), strides (0, 1)" in message
    assert "Fix: write into a tensor of its own, e.g. x = x.clone()" in message


# The core's use of it, on every backend ------------------------------------------------

# One element at a time, in index order: what a simple device kernel does. Reading a
# source that the same call has already overwritten gives wrong values, so these kernels
# are right only if the core never hands them overlapping inputs. CALLS records every
# kernel call: a refused write must not reach one.
NAIVE_KERNELS = '''
import itertools

CALLS = []

def _elements(shape):
    return itertools.product(*(range(n) for n in shape))

def _read(value, index):
    return backend.host_array(value)[index] if isinstance(value, pb.Tensor) else value

def _copy(self, src, non_blocking):
    CALLS.append("copy_")
    dst = backend.host_array(self)
    for i in _elements(self.shape):
        dst[i] = _read(src, i)

def _add(self, other, alpha, *, out):
    CALLS.append("add")
    o = backend.host_array(out)
    for i in _elements(out.shape):
        o[i] = _read(self, i) + alpha * _read(other, i)

def _index_put_(self, indices, values, accumulate):
    CALLS.append("index_put_")
    dst, (where,) = backend.host_array(self), indices
    for k, position in enumerate(backend.host_array(where).tolist()):
        dst[position] = _read(values, (k,))

@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("copy_", fn=_copy, strided=True, mixed_dtypes=True)
    library.impl("add", fn=_add, strided=True)
    library.impl("index_put_", fn=_index_put_, strided=True)
'''


@pytest.fixture(params=["cpu", "opencl", "naive"])
def device(request: pytest.FixtureRequest, plugins: Any) -> Iterator[str]:
    """The device under test: the CPU, the first OpenCL device, a naive host backend."""
    if request.param == "opencl":
        devices = pb.devices("opencl")
        if not devices:
            pytest.skip("no OpenCL device")
        yield str(devices[0])
    elif request.param == "naive":
        plugins.install("naive", plugins.host_backend("naive", "Naive", NAIVE_KERNELS))
        yield "naive:0"
    else:
        yield "cpu"


def _calls(device: str) -> list[str]:
    if not device.startswith("naive"):
        return []
    module = __import__("plugboard_test_naive")
    calls: list[str] = module.CALLS
    return calls


def _matrix(device: str, n: int = 4) -> tuple[pb.Tensor, np.ndarray]:
    values = np.arange(n * n, dtype=np.float32).reshape(n, n)
    return pb.tensor(values, device=device), values


# (plugboard, NumPy): NumPy's assignments behave as if the source were copied first.
OVERLAPPING_COPIES: dict[str, tuple[Callable[[pb.Tensor], Any], Callable[[np.ndarray], Any]]] = {
    "m[1:] = m[:-1]": (lambda m: m.__setitem__(slice(1, None), m[:-1]),
                       lambda a: a.__setitem__(slice(1, None), a[:-1])),
    "m[:-1] = m[1:]": (lambda m: m.__setitem__(slice(None, -1), m[1:]),
                       lambda a: a.__setitem__(slice(None, -1), a[1:])),
    "m[:, 1:] = m[:, :-1]": (lambda m: m.__setitem__((slice(None), slice(1, None)), m[:, :-1]),
                             lambda a: a.__setitem__((slice(None), slice(1, None)), a[:, :-1])),
    "m[1:, 1:] = m[:-1, :-1]": (
        lambda m: m.__setitem__((slice(1, None), slice(1, None)), m[:-1, :-1]),
        lambda a: a.__setitem__((slice(1, None), slice(1, None)), a[:-1, :-1])),
    "m.copy_(m.t())": (lambda m: m.copy_(m.t()), lambda a: a.__setitem__(..., a.T)),
    "m.t().copy_(m)": (lambda m: m.t().copy_(m), lambda a: a.T.__setitem__(..., a)),
    "m[2:].copy_(m[1])": (lambda m: m[2:].copy_(m[1]), lambda a: a.__setitem__(slice(2, None),
                                                                              a[1])),
    "m.copy_(m)": (lambda m: m.copy_(m), lambda a: None),
    "m[::2] = m[1::2]": (lambda m: m.__setitem__(slice(None, None, 2), m[1::2]),
                         lambda a: a.__setitem__(slice(None, None, 2), a[1::2])),
    "m[1:].add_(m[:-1])": (lambda m: m[1:].add_(m[:-1]),
                           lambda a: a[1:].__iadd__(a[:-1].copy())),
    "pb.add(m[:-1], 1, out=m[1:])": (lambda m: pb.add(m[:-1], 1, out=m[1:]),
                                     lambda a: np.add(a[:-1], 1, out=a[1:])),
}


@pytest.mark.parametrize("case", list(OVERLAPPING_COPIES))
def test_copies_between_overlapping_views_go_through_a_temporary(device: str,
                                                                  case: str) -> None:
    ours, numpy = OVERLAPPING_COPIES[case]
    m, expected = _matrix(device)
    ours(m)
    numpy(expected)
    np.testing.assert_array_equal(m.numpy(), expected)


def test_index_put_with_values_that_overlap_the_target(device: str) -> None:
    x = pb.arange(8.0).to(device)
    x[pb.tensor([1, 2, 3], device=device)] = x[:3]
    assert x.tolist() == [0.0, 0.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0]


def _expanded(device: str) -> pb.Tensor:
    return pb.zeros(1, 4).to(device).expand(3, 4)


def _ones(like: pb.Tensor, *shape: int) -> pb.Tensor:
    return pb.ones(*shape).to(like.device)  # made on the CPU: the naive backend has no fill


# Every way to write a tensor, each given an expanded (3, 4) tensor whose rows are one
# row of memory: PyTorch refuses them all, and so does plugboard, naming the operator.
WRITES: dict[str, tuple[str, Callable[[pb.Tensor], Any]]] = {
    "add_": ("pb::add_", lambda e: e.add_(1)),
    "sigmoid_ (a composite)": ("pb::sigmoid_", lambda e: e.sigmoid_()),
    "out= of add": ("pb::add", lambda e: pb.add(_ones(e, 3, 4), 1, out=e)),
    "out= of sum": ("pb::sum", lambda e: pb.sum(_ones(e, 2, 3, 4), 0, out=e)),
    "out= of scatter": ("pb::scatter", lambda e: pb.scatter(
        _ones(e, 3, 4), 0, pb.zeros(1, 4, dtype=pb.int64).to(e.device), 2.0, out=e)),
    "copy_": ("pb::copy_", lambda e: e.copy_(_ones(e, 3, 4))),
    "copy_ from another device": ("pb::copy_", lambda e: e.copy_(pb.ones(3, 4))),
    "copy_ of a list": ("pb::copy_", lambda e: e.copy_([1.0, 2.0, 3.0, 4.0])),
    "fill_": ("Tensor.fill_", lambda e: e.fill_(1.0)),
    "index_put_": ("pb::index_put_", lambda e: pb.ops.pb.index_put_(
        e, [pb.tensor([0, 2], device=e.device)], _ones(e, 2, 4))),
    "x[:] = number": ("x[index] = value", lambda e: e.__setitem__(slice(None), 1.0)),
    "x[mask] = number": ("x[index] = value",
                         lambda e: e.__setitem__((pb.ones(3, 4) > 0).to(e.device), 1.0)),
    "x[positions] = tensor": ("x[index] = value", lambda e: e.__setitem__(
        pb.tensor([0, 1], device=e.device), _ones(e, 2, 4))),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_writes_into_self_overlapping_tensors_are_refused_before_any_work(
    device: str, write: str
) -> None:
    op, call = WRITES[write]
    target = _expanded(device)
    calls = _calls(device)
    calls.clear()
    # Under the CPU fallback every operator resolves on the naive backend: the refusal
    # is the core's, not a missing kernel's.
    with pb.fallback_policy("cpu"), pytest.raises(pb.ArgumentError) as caught:
        call(target)
    assert str(caught.value).startswith(
        f"{op}: unsupported operation: more than one element of the written-to tensor refers "
        "to a single memory location (shape (3, 4), strides (0, 1))"
    )
    assert "Fix: " in str(caught.value)
    assert calls == []
    assert target.tolist() == [[0.0] * 4] * 3


def test_writing_one_row_of_an_expanded_tensor_is_allowed(device: str) -> None:
    # The row itself does not overlap itself; that the other rows show it too is aliasing.
    e = _expanded(device)
    e[1] = 5.0
    assert e.tolist() == [[5.0] * 4] * 3


def test_several_outputs_that_share_memory_are_refused() -> None:
    x = pb.tensor([3, 1, 2])
    out = pb.zeros(3, dtype=pb.int64)
    with pytest.raises(pb.ArgumentError, match="out= tensors 0 and 1 share memory"):
        pb.sort(x, out=(out, out))
    assert out.tolist() == [0, 0, 0]
    values, indices = pb.zeros(2, 3, dtype=pb.int64)
    pb.sort(x, out=(values, indices))
    assert (values.tolist(), indices.tolist()) == ([1, 2, 3], [1, 2, 0])


def test_meta_tensors_are_checked_too() -> None:
    with pytest.raises(pb.ArgumentError, match="more than one element"):
        pb.zeros(1, 4, device="meta").expand(3, 4).add_(1)
    assert pb.zeros(3, 4, device="meta").add_(1).shape == (3, 4)
