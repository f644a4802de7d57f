"""The accuracy limits catch results that are close, but not as close as the dtype allows.

Each backend here is right to within a fixed absolute and relative tolerance per
dtype, and wrong by the limits of ``_accuracy.py``: in ULP of the result dtype,
and in multiples of the accumulation type's epsilon for sums of products.
"""

from __future__ import annotations

import re
from typing import Any

from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source

# A float64 matmul whose path for two vectors (a dot product kernel) rounds its inputs to
# float32 and multiplies there: about 1e-7 relative, the float32 result it stores in
# float64. Matrix products are right.
FLOAT32_MATMUL_KERNELS = HOST_KERNELS_PRELUDE + '''
def _float32_matmul(self, other, *, out):
    a, b = host_array(self), host_array(other)
    if a.ndim == b.ndim == 1:
        a, b = a.astype(np.float32), b.astype(np.float32)
    np.copyto(host_array(out), np.matmul(a, b))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("matmul", fn=_float32_matmul, strided=True, dtypes=[pb.float64])
'''

# A float32 exp whose finite results are 8 ULP too large (a fast exp of poor accuracy):
# 5e-7 to 1e-6 relative.
INACCURATE_EXP_KERNELS = HOST_KERNELS_PRELUDE + '''
def _inaccurate_exp(self, *, out):
    with np.errstate(all="ignore"):
        v = np.exp(host_array(self).astype(np.float64)).astype(np.float32)  # correctly rounded
        np.copyto(host_array(out), np.where(np.isfinite(v) & (v != 0), v + 8 * np.spacing(v), v))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("exp", fn=_inaccurate_exp, strided=True, dtypes=[pb.float32])
'''


def _ulp_and_limit(message: str) -> tuple[float, float]:
    """The worst element's ULP error and the limit there, as the message states them."""
    found = re.search(r", ([0-9.e+]+) ULP \(limit ([0-9.e+]+) ULP there\)", message)
    assert found, message
    return float(found[1]), float(found[2])


def test_a_float64_matmul_computed_in_float32_fails(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", FLOAT32_MATMUL_KERNELS))
    report = faulty_suite.run("matmul and float64 and functional")
    case = report.cases("pb::matmul", "float64")["functional"]
    assert case["outcome"] == "fail"
    assert "beyond the accuracy limit (1 ULP + 3 sqrt(n) eps(acc) sum|terms|)" in case["message"]
    ulp, limit = _ulp_and_limit(case["message"])
    # float32's rounding is 2**29 float64 ULP: far beyond any sum's allowance.
    assert ulp > 1e6 * limit
    # The report keeps the worst element of all samples, one beyond the limit; the
    # message gives ULP errors to 4 digits.
    assert case["worst"]["ulp_error"] >= ulp * (1 - 1e-3)
    assert case["worst"]["sample"] == "vector . vector"
    assert case["max_ulp_error"] == case["worst"]["ulp_error"]


def test_a_float32_exp_8_ulp_off_fails(plugins: PluginInstaller, faulty_suite: Any) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", INACCURATE_EXP_KERNELS))
    report = faulty_suite.run("exp and float32 and functional")
    case = report.cases("pb::exp", "float32")["functional"]
    assert case["outcome"] == "fail"
    assert "beyond the accuracy limit (3 ULP)" in case["message"]
    ulp, limit = _ulp_and_limit(case["message"])
    assert (ulp, limit) == (8.0, 3.0)
    worst = case["worst"]
    assert worst["ulp_error"] == case["max_ulp_error"] == 8.0
    assert worst["got"] > worst["expected"]
    # An element-wise operator's worst element names its input: exp of it is expected.
    (x,) = worst["inputs"]
    assert abs(worst["expected"] - 2.718281828459045 ** x) <= 1e-6 * worst["expected"]
