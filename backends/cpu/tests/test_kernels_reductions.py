"""CPU reduction kernels: every declared dtype runs, accumulation as PyTorch's CPU backend."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard.library import Path, record_paths
from plugboard_cpu._kernels_reductions import KERNELS

VALUES = [[1, 0, 2], [3, 1, 1]]

ops = pb.ops.pb


def _reference(op: str, a: np.ndarray) -> np.ndarray:
    wide = a.astype(np.float64 if a.dtype.kind == "f" else np.int64)
    results = {
        "prod": lambda: np.prod(wide, axis=1),
        "amin": lambda: np.amin(a, axis=1),
        "argmin": lambda: np.argmin(a, axis=1),
        "cumsum": lambda: np.cumsum(wide, axis=1),
        "cumprod": lambda: np.cumprod(wide, axis=1),
        "var": lambda: np.var(wide, axis=1, ddof=1),
        "std": lambda: np.std(wide, axis=1, ddof=1),
    }
    return np.asarray(results[op]())


@pytest.mark.parametrize(("op", "dtype"), [(k.op, d) for k in KERNELS for d in k.dtypes],
                         ids=str)
def test_every_declared_dtype_runs_natively_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    x = pb.tensor(VALUES, dtype=dtype)
    args: tuple[object, ...] = ([1],) if op in ("amin", "var", "std") else (1,)
    with record_paths() as records:
        result = getattr(ops, op)(x, *args)
    assert records[0][2] is Path.NATIVE
    expected = _reference(op, np.asarray(VALUES).astype(dtype.numpy))
    # var and std round their float results once, to the dtype's precision.
    tolerance = {"float16": 1e-3, "bfloat16": 1e-2}.get(dtype.name, 1e-7)
    np.testing.assert_allclose(result.numpy().astype(np.float64), expected.astype(np.float64),
                               rtol=tolerance)


def test_float16_cumsum_accumulates_in_float32() -> None:
    # 1 + 2048 * 1/4096: each 1/4096 is below half of float16's spacing at 1 (1/1024), so a
    # float16 accumulator stays at 1.0; a float32 one reaches 1.5.
    x = np.full(2049, 1 / 4096, dtype=np.float16)
    x[0] = 1.0
    result = ops.cumsum(pb.tensor(x), 0)
    assert result.dtype is pb.float16
    assert float(result.numpy()[-1]) == 1.5


def test_float32_cumsum_accumulates_in_float64_as_pytorch() -> None:
    # 1e-8 is lost when added to 1.0 in float32, but a thousand of them are not.
    x = np.array([1.0] + [1e-8] * 1000, dtype=np.float32)
    expected = np.cumsum(x.astype(np.float64)).astype(np.float32)
    result = ops.cumsum(pb.tensor(x), 0).numpy()
    np.testing.assert_array_equal(result, expected)
    assert result[-1] > 1.0


def test_bfloat16_prod_accumulates_in_float32() -> None:
    x = np.full(64, 1.01, dtype=np.float64)
    result = ops.prod(pb.tensor(x, dtype=pb.bfloat16))
    assert result.dtype is pb.bfloat16
    assert float(result.numpy()) == pytest.approx(
        np.prod(x.astype(pb.bfloat16.numpy).astype(np.float64)), rel=8e-3)


def test_scans_write_a_strided_out() -> None:
    base = pb.zeros((3, 4), dtype=pb.int64)
    out = base.T  # a non-contiguous (4, 3) view
    ops.cumsum(pb.tensor([[1, 2, 3]] * 4, dtype=pb.int8), 1, out=out)
    assert base.tolist() == [[1] * 4, [3] * 4, [6] * 4]


def test_prod_of_a_transposed_input() -> None:
    x = pb.tensor([[1.0, 2.0], [3.0, 4.0]]).T
    assert ops.prod(x, 1).tolist() == [3.0, 8.0]
    assert ops.argmin(x, 0).tolist() == [0, 0]


@pytest.mark.parametrize("root", [False, True], ids=["var", "std"])
def test_var_and_std_of_huge_and_tiny_float64_rows_are_finite(root: bool) -> None:
    # Squares of 1e200 overflow float64 and squares of 1e-200 underflow to 0: those rows
    # are scaled by their largest magnitude first; other rows are computed as they are.
    rows = np.array([[1e200, -3e200, 2e200, 5e199], [1e-200, 3e-200, -2e-200, 0.0],
                     [1.0, 2.0, 4.0, 8.0], [1.0, np.nan, 2.0, 3.0]])
    fn = pb.std if root else pb.var
    got = fn(pb.tensor(rows), dim=[1]).numpy()
    scale = np.array([1e200, 1e-200, 1.0, 1.0])
    with np.errstate(over="ignore"):
        expected = np.var(rows / scale[:, None], axis=1, ddof=1)
        expected = np.sqrt(expected) * scale if root else expected * scale * scale
    np.testing.assert_allclose(got[:3], expected[:3], rtol=1e-12)
    assert np.isnan(got[3])
    assert np.isfinite(got[0]) == root  # the variance of 1e200s is beyond float64 itself


def test_var_of_a_transposed_view_with_more_correction_than_samples() -> None:
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    x = pb.tensor(a).transpose(0, 1)  # strided input
    np.testing.assert_allclose(pb.var(x, dim=[0], keepdim=True, correction=0).numpy(),
                               np.var(a.T, axis=0, keepdims=True), rtol=1e-6)
    # n - correction <= 0 divides by zero: inf, or NaN where every value is equal.
    assert np.isinf(pb.var(x, dim=[1], correction=4).numpy()).all()
    assert np.isnan(pb.var(pb.ones(2, 1), dim=[1]).numpy()).all()
