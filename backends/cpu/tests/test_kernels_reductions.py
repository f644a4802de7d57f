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
    }
    return np.asarray(results[op]())


@pytest.mark.parametrize(("op", "dtype"), [(k.op, d) for k in KERNELS for d in k.dtypes],
                         ids=str)
def test_every_declared_dtype_runs_natively_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    x = pb.tensor(VALUES, dtype=dtype)
    args: tuple[object, ...] = ([1],) if op == "amin" else (1,)
    with record_paths() as records:
        result = getattr(ops, op)(x, *args)
    assert records[0][2] is Path.NATIVE
    expected = _reference(op, np.asarray(VALUES).astype(dtype.numpy))
    np.testing.assert_allclose(result.numpy().astype(np.float64), expected.astype(np.float64))


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
