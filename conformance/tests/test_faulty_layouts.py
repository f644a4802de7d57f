"""The suite catches kernels that get a layout wrong: a permuted input read as if it were
contiguous, an expanded (stride-0) input read as one row, and a cast into a wider out=
that misses its destination's storage offset. Each passes the samples' own layouts."""

from __future__ import annotations

from typing import Any

from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source

# A bmm with a fast path for "dense" inputs, judged by size alone: the elements span
# exactly numel() elements of memory. Every permutation of a contiguous tensor passes that
# test, not only the row-major one the fast path then reads.
DENSE_BY_SIZE_KERNELS = HOST_KERNELS_PRELUDE + '''
def _read(t):
    span = 1 + sum((n - 1) * s for n, s in zip(t.shape, t.stride()))
    if span == t.numel():  # the defect: strides not checked
        b = device_buffer(t)
        return np.ndarray(t.shape, t.dtype.numpy, b.handle, b.byte_offset)
    return host_array(t)

def _bmm(self, mat2, *, out):
    np.matmul(_read(self), _read(mat2), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("bmm", fn=_bmm, strided=True, dtypes=[pb.float32])
'''


def test_a_kernel_that_reads_permuted_inputs_as_contiguous_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", DENSE_BY_SIZE_KERNELS))
    report = faulty_suite.run("bmm and float32")
    for variant in ("functional", "out"):
        bmm = report.cases("pb::bmm", "float32")[variant]
        assert bmm["outcome"] == "fail", variant
        assert "permuted (dim 0 innermost in memory)" in bmm["message"], bmm["message"]
        assert "beyond the accuracy limit" in bmm["message"], bmm["message"]


# A sum that reads a stride-0 dimension once, as a broadcast dimension of size 1, and
# broadcasts the result back: right for amax, for which repeats do not matter, wrong for
# sum, which must count every repeat.
STRIDE0_ONCE_KERNELS = HOST_KERNELS_PRELUDE + '''
def _sum(self, dim, keepdim, dtype, *, out):
    once = tuple(slice(0, 1) if s == 0 else slice(None) for s in self.stride())
    a = host_array(self)[once]  # the defect
    axes = tuple(d % a.ndim for d in dim) if dim and a.ndim else None
    total = np.sum(a, axis=axes, keepdims=True, dtype=np.float64)
    kept = tuple(1 if axes is None or i in axes else n for i, n in enumerate(self.shape))
    np.copyto(host_array(out), np.broadcast_to(total, kept).reshape(out.shape),
              casting="unsafe")

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("sum", fn=_sum, strided=True, dtypes=[pb.float32, pb.float64])
'''


def test_a_kernel_that_reads_an_expanded_input_once_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", STRIDE0_ONCE_KERNELS))
    report = faulty_suite.run("sum and float32")
    for variant in ("functional", "out"):
        total = report.cases("pb::sum", "float32")[variant]
        assert total["outcome"] == "fail", variant
        assert "expanded (argument 0 repeats its first row along dim 0, stride 0)" in (
            total["message"]), total["message"]


# A copy_ whose casting path addresses a strided destination from the start of its
# storage, ignoring its offset. The core writes an out= tensor of a wider dtype than the
# result (float32 into float64) with copy_, so only such an out= goes wrong: same-dtype
# copies, contiguous destinations and every destination at offset 0 are right.
OFFSET_BLIND_CAST_KERNELS = HOST_KERNELS_PRELUDE + '''
def _copy_casting(self, src, non_blocking):
    if getattr(src, "dtype", self.dtype) is self.dtype or self.is_contiguous():
        return _copy(self, src, non_blocking)
    itemsize = self.dtype.itemsize
    span = 1 + sum((n - 1) * s for n, s in zip(self.shape, self.stride()))
    storage = np.ndarray((span,), self.dtype.numpy, device_buffer(self).handle, 0)  # the defect
    dst = np.lib.stride_tricks.as_strided(
        storage, self.shape, tuple(s * itemsize for s in self.stride()))
    np.copyto(dst, _a(src), casting="unsafe")

def _add(self, other, alpha, *, out):
    np.add(_a(self), np.multiply(_a(other), alpha), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("copy_", fn=_copy_casting, strided=True, mixed_dtypes=True)
    library.impl("full", fn=_full, strided=True)
    library.impl("add", fn=_add, strided=True, dtypes=[pb.float32])
'''


def test_a_cast_into_a_wider_strided_out_that_ignores_its_offset_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty",
                                                  OFFSET_BLIND_CAST_KERNELS))
    report = faulty_suite.run("add and float32")
    add = report.cases("pb::add", "float32")
    assert add["functional"]["outcome"] == "pass"
    assert add["inplace"]["outcome"] == "pass"
    assert add["out"]["outcome"] == "fail"
    assert "into a float64 out= at storage offset 3" in add["out"]["message"], (
        add["out"]["message"])


# A cat that copies each input's distinct elements only, a stride-0 dimension counted
# once (as a deduplicating copy engine might): right for every dense input; an expanded
# input in the list leaves the rest of its rows in the result unwritten.
LIST_STRIDE0_ONCE_KERNELS = HOST_KERNELS_PRELUDE + '''
def _cat(tensors, dim, *, out):
    o = host_array(out)
    axis = dim % o.ndim
    start = 0
    for t in tensors:
        if t.shape == (0,):
            continue
        once = tuple(slice(0, 1) if s == 0 else slice(None) for s in t.stride())
        part = host_array(t)[once]  # the defect
        target = o[(slice(None),) * axis + (slice(start, start + t.shape[axis]),)]
        target[tuple(slice(0, n) for n in part.shape)] = part
        start += t.shape[axis]

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("cat", fn=_cat, strided=True, dtypes=[pb.float32])
'''


def test_a_kernel_that_reads_an_expanded_tensor_of_a_list_once_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", LIST_STRIDE0_ONCE_KERNELS))
    report = faulty_suite.run("cat and float32 and functional")
    case = report.cases("pb::cat", "float32")["functional"]
    assert case["outcome"] == "fail", case
    assert "expanded (argument 0[0] repeats its first row along dim 0, stride 0)" in (
        case["message"]), case["message"]
