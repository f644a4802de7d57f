"""Faulty backends whose kernels ignore one argument: the suite's value samples give every
argument a non-default value, so each fails on the operator, dtype and sample it ignores."""

from __future__ import annotations

from typing import Any

import numpy as np

import plugboard as pb
from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source
from plugboard_conformance._opdb import by_name


def failed_samples(op: str, case: dict[str, Any]) -> list[str]:
    """The samples a failed case's message names, in its order ("name: problem; ...")."""
    dtype = getattr(pb, case["dtype"])
    names = {s.name for s in by_name()[op].samples(dtype, np.random.default_rng(0))}
    message = "; " + case["message"]
    found = {message.find(f"; {name}: "): name for name in names if f"; {name}: " in message}
    return [found[i] for i in sorted(found)]


# A sub that ignores alpha: right for every call that leaves it at 1.
ALPHA_BLIND_KERNELS = HOST_KERNELS_PRELUDE + '''
def _sub_without_alpha(self, other, alpha, *, out):
    np.subtract(_a(self), _a(other), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("sub", fn=_sub_without_alpha, strided=True, dtypes=[pb.float32])
'''


def test_a_sub_that_ignores_alpha_fails(plugins: PluginInstaller, faulty_suite: Any) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", ALPHA_BLIND_KERNELS))
    report = faulty_suite.run("sub and float32")
    sub = report.cases("pb::sub", "float32")
    for variant in ("functional", "inplace", "out"):
        assert sub[variant]["outcome"] == "fail", sub[variant]
        # The samples that pass alpha fail, and only those.
        assert failed_samples("pb::sub", sub[variant]) == ["alpha=-1", "alpha=2"]


# A scatter_add that compares each dimension with dim as given, never wrapped: right for
# dim >= 0, while dim=-1 matches no dimension, so src lands at the index's own coordinates.
NEGATIVE_DIM_BLIND_KERNELS = HOST_KERNELS_PRELUDE + '''
def _scatter_add_unwrapped_dim(self, dim, index, src, *, out):
    target = np.atleast_1d(host_array(out))  # 0-d tensors as one element, as views
    np.copyto(target, np.atleast_1d(host_array(self)))
    idx, values = np.atleast_1d(host_array(index)), np.atleast_1d(host_array(src))
    for position in np.ndindex(idx.shape):
        where = tuple(int(idx[position]) if d == dim else p for d, p in enumerate(position))
        target[where] += values[position]

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("scatter_add", fn=_scatter_add_unwrapped_dim, strided=True,
                 dtypes=[pb.float32])
'''


def test_a_scatter_add_that_ignores_negative_dims_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty",
                                                  NEGATIVE_DIM_BLIND_KERNELS))
    report = faulty_suite.run("scatter_add and float32")
    scatter_add = report.cases("pb::scatter_add", "float32")
    for variant in ("functional", "out"):
        assert scatter_add[variant]["outcome"] == "fail", scatter_add[variant]
        # The sample with a negative dim fails, and only that one.
        assert failed_samples("pb::scatter_add", scatter_add[variant]) == [
            "(2, 3, 4) dim -1, repeated indices"]
