"""The per-signature launch plans of the pointwise kernels: right kernel, bounded cache."""

from __future__ import annotations

import numpy as np

import plugboard as pb
from plugboard_opencl._runtime import RUNTIME


def _plans(device: pb.Device) -> dict[object, object]:
    return RUNTIME.state(device.index).plans


def test_a_new_dtype_or_layout_gets_its_own_kernel(device: pb.Device) -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = pb.tensor(a, device=device)
    np.testing.assert_array_equal((x + x).numpy(), a + a)
    # Same operator, another dtype: another plan, integer results.
    xi = pb.tensor(a.astype(np.int32), device=device)
    got = (xi + xi).numpy()
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, (a + a).astype(np.int32))
    # Same dtype, a strided layout after the contiguous one: the strided kernel runs.
    t = x.t()
    np.testing.assert_array_equal((t + t).numpy(), a.T + a.T)
    # Contiguous views at offsets into their storage: each reads from its own offset.
    np.testing.assert_array_equal((x[1:2] + x[2:3]).numpy(), a[1:2] + a[2:3])
    # A number operand: its own plan, the number passed by value.
    np.testing.assert_array_equal((x + 2.5).numpy(), a + np.float32(2.5))
    keys = [k for k in _plans(device) if isinstance(k, tuple) and k[1] == "add"]
    assert {(k[2], k[3], k[4]) for k in keys} >= {
        (pb.float32, "tt", True), (pb.int32, "tt", True), (pb.float32, "tt", False),
        (pb.float32, "tn", True)}


def test_plans_do_not_grow_with_shapes_or_values(device: pb.Device) -> None:
    x = pb.ones(8, device=device)
    (x + x).numpy()
    before = len(_plans(device))
    for n in (1, 3, 8, 100, 1000, 4097):
        y = pb.ones(n, device=device)
        np.testing.assert_array_equal((y + y * 3.0).numpy(), np.full(n, 4.0, np.float32))
        m = n // 2 * 2
        np.testing.assert_array_equal(y[:m:2].add(y[1:m:2]).numpy(),
                                      np.full(n // 2, 2.0, np.float32))
    mid = len(_plans(device))
    for n in (5, 77, 2049):
        y = pb.ones(n, device=device)
        (y + y * 3.0).numpy()
        y[:n - 1:2].add(y[1::2]).numpy()
    # New shapes, values and offsets reuse the plans found for their signatures.
    assert len(_plans(device)) == mid
    assert mid - before <= 4
