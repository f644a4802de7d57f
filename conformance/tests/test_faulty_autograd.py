"""The grad cases catch a primitive that is wrong only on the inputs backward gives it.

Autograd is in the core, so a backend cannot get backward wrong by itself; what it can
get wrong is a kernel on the calls that backward makes and forward samples do not. The
sum below has a fast path for reducing a tensor's leading dimensions with keepdim=True,
the reduction that sums a broadcast operand's gradient back to its shape (``sum_to``),
and that path merges one dimension too few. Every forward sample of sum passes; the
gradient of mul's broadcast operand is wrong."""

from __future__ import annotations

from typing import Any

from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source

LEADING_SUM_KERNELS = HOST_KERNELS_PRELUDE + '''
def _sum(self, dim, keepdim, dtype, *, out):
    a = host_array(self)
    dims = tuple(sorted(d % a.ndim for d in dim)) if dim and a.ndim else None
    if keepdim and dims is not None and len(dims) >= 2 and dims == tuple(range(len(dims))):
        # A column sum over the leading dims, viewed as one: the defect, one dim too few.
        rows = int(np.prod(a.shape[:len(dims) - 1]))
        total = a.reshape(rows, -1).sum(axis=0, dtype=np.float64)
        np.copyto(host_array(out), total[:out.numel()].reshape(out.shape), casting="unsafe")
        return
    np.copyto(host_array(out), np.sum(a, axis=dims, keepdims=keepdim, dtype=np.float64),
              casting="unsafe")

def _mul(self, other, *, out):
    np.multiply(_a(self), _a(other), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("sum", fn=_sum, strided=True, dtypes=[pb.float32, pb.float64])
    library.impl("mul", fn=_mul, strided=True, dtypes=[pb.float32, pb.float64])
'''


def test_a_sum_wrong_only_for_broadcast_gradients_fails_the_grad_cases_only(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", LEADING_SUM_KERNELS))
    report = faulty_suite.run("(sum or mul) and float")
    for dtype in ("float32", "float64"):
        total, product = report.cases("pb::sum", dtype), report.cases("pb::mul", dtype)
        # The forward suite misses the defect: every sum and mul case passes ...
        for variant in ("functional", "out"):
            assert total[variant]["outcome"] == "pass", (dtype, variant, total[variant])
            assert product[variant]["outcome"] == "pass", (dtype, variant, product[variant])
        assert total["grad"]["outcome"] == "pass", total["grad"]  # its backward is a view
        # ... and mul's gradient, which backward sums with it, is wrong.
        grad = product["grad"]
        assert grad["outcome"] == "fail", grad
        assert "the gradient of input other is wrong" in grad["message"], grad["message"]
        assert "broadcast (2, 3, 4) and (4,)" in grad["message"], grad["message"]
        assert grad["worst"]["sample"].endswith("input other"), grad["worst"]
