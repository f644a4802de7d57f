"""The suite catches backends that get special values or long rows wrong.

Each test backend below has one defect that ordinary values in short rows never
show: the suite must fail the operator, in the dtype and variant it is wrong in,
with a message naming the sample that shows it.
"""

from __future__ import annotations

from typing import Any

import pytest

from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source

_HOST = HOST_KERNELS_PRELUDE + '''

def _axes(dim, ndim):
    return tuple(d % ndim for d in dim) if dim and ndim else None
'''

# An amax that skips NaN (as np.fmax does, or a C loop comparing with `>`), where
# PyTorch propagates it: right on every sample without a NaN.
NAN_SKIPPING_AMAX_KERNELS = _HOST + '''
def _amax(self, dim, keepdim, *, out):
    a = host_array(self)
    with np.errstate(all="ignore"):
        result = np.fmax.reduce(a, axis=_axes(dim, a.ndim), keepdims=keepdim) if a.ndim else a
    np.copyto(host_array(out), result)

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("amax", fn=_amax, strided=True)
'''

# An argmax that skips NaN in the same way: PyTorch's argmax is the first NaN's index.
NAN_SKIPPING_ARGMAX_KERNELS = _HOST + '''
def _argmax(self, dim, keepdim, *, out):
    a = host_array(self).astype(np.float64)
    skipped = np.where(np.isnan(a), -np.inf, a)
    if dim is None or a.ndim == 0:
        result = np.argmax(skipped.reshape(-1))
    else:
        result = np.argmax(skipped, axis=dim % a.ndim, keepdims=keepdim)
    np.copyto(host_array(out), np.reshape(result, host_array(out).shape))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("argmax", fn=_argmax, strided=True)
'''


@pytest.mark.parametrize(("op", "kernels", "expected"), [
    ("amax", NAN_SKIPPING_AMAX_KERNELS, "np.float64(nan)"),
    ("argmax", NAN_SKIPPING_ARGMAX_KERNELS, "np.int64(0)"),
])
def test_a_reduction_that_skips_nan_fails_on_the_row_holding_nan(
    plugins: PluginInstaller, faulty_suite: Any, op: str, kernels: str, expected: str
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", kernels))
    report = faulty_suite.run(f"{op}.float32.functional")
    case = report.cases(f"pb::{op}", "float32")["functional"]
    assert case["outcome"] == "fail", case
    # Row 0 of the special-value rows holds the NaN, at column 0: that sample alone
    # fails, and in it that row alone, where amax must be NaN and argmax 0.
    message = case["message"]
    assert message.startswith("special values, one per row, dim=1: 1 "), message
    assert "first at (0,): " in message and message.endswith(f"expected {expected}"), message


# A log_softmax whose float16 kernel sums the exponentials in float16, element after
# element, on rows of 2048 or more (a vectorized fast path): right on the rows of up to
# 1025 the other samples have.
NARROW_LOG_SOFTMAX_KERNELS = _HOST + '''
def _log_softmax(self, dim, dtype, *, out):
    x = host_array(self)
    o = host_array(out)
    if x.ndim == 0 or x.size == 0:
        np.copyto(o, np.zeros_like(x), casting="unsafe")
        return
    axis = dim % x.ndim
    with np.errstate(all="ignore"):
        shifted = x.astype(np.float32) - np.max(x, axis=axis, keepdims=True)
        e = np.exp(shifted)
        if o.dtype == np.float16 and x.shape[axis] >= 2048:
            total = np.add.accumulate(e.astype(np.float16), axis=axis, dtype=np.float16)
            total = np.take(total, [-1], axis=axis).astype(np.float32)
        else:
            total = np.sum(e, axis=axis, keepdims=True)
        np.copyto(o, shifted - np.log(total), casting="unsafe")

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("log_softmax", fn=_log_softmax, strided=True)
'''


def test_a_float16_log_softmax_that_sums_in_float16_fails_on_rows_of_4096(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty",
                                                  NARROW_LOG_SOFTMAX_KERNELS))
    report = faulty_suite.run("log_softmax and (float16 or float32) and functional")
    assert report.cases("pb::log_softmax", "float32")["functional"]["outcome"] == "pass"
    case = report.cases("pb::log_softmax", "float16")["functional"]
    assert case["outcome"] == "fail", case
    assert case["message"].startswith("4096 along dim 1 of (2, 4096): "), case["message"]
    assert "beyond the accuracy limit" in case["message"], case["message"]


# A neg computed as 0 - x (a common shortcut in generated kernels): right everywhere
# except at 0.0, where PyTorch's -x is -0.0 and 0 - 0.0 is 0.0.
SUBTRACTING_NEG_KERNELS = _HOST + '''
def _neg(self, *, out):
    np.subtract(0, host_array(self), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("neg", fn=_neg, strided=True)
'''


def test_a_neg_that_loses_the_sign_of_zero_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", SUBTRACTING_NEG_KERNELS))
    report = faulty_suite.run("neg.float32.functional")
    case = report.cases("pb::neg", "float32")["functional"]
    assert case["outcome"] == "fail", case
    message = case["message"]
    assert "special value(s) wrong (NaN, inf, signed zero)" in message, message
    assert message.endswith("np.float64(0.0), expected np.float64(-0.0)"), message
