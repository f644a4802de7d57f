"""What the kernel tests share: inputs in every layout, outputs allocated as the core
would (contiguous, or a strided view), and the comparison with the cpu backend.

The CuPy kernels run here with NumPy standing in for CuPy: ``_arrays`` gives a cpu
tensor's kernels NumPy, over the tensor's host memory, so the very same kernel
functions run, and their results are compared with plugboard's cpu backend on the
same inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import KernelSpec

FLOATS = (pb.float16, pb.bfloat16, pb.float32, pb.float64)
INTEGERS = (pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64)
EVERY = (pb.bool, *INTEGERS, *FLOATS)
LAYOUTS = ("contiguous", "offset", "transposed", "broadcast")


def values(shape: tuple[int, ...], dtype: pb.DType, seed: int = 0) -> pb.Tensor:
    """Values of ``dtype``: small integers (exact everywhere), or normal floats."""
    rng = np.random.default_rng(seed)
    if dtype.is_bool:
        data: Any = rng.random(shape) < 0.5
    elif dtype.is_floating_point:
        data = rng.standard_normal(shape)
    else:
        data = rng.integers(0 if dtype is pb.uint8 else -5, 6, shape)
    return pb.tensor(np.asarray(data)).to(dtype)


def laid_out(t: pb.Tensor, layout: str) -> pb.Tensor:
    """``t``'s values in ``layout``: at an offset in a larger storage, as a transposed
    view, or broadcast from one row (the values then repeat along dimension 0)."""
    if layout == "contiguous" or t.ndim == 0:
        return t.clone()
    if layout == "offset":
        flat = pb.cat([pb.zeros((3,), dtype=t.dtype), t.reshape(-1)])
        return flat[3:].reshape(*t.shape)
    if layout == "transposed":
        dims = list(range(t.ndim))[::-1]
        return t.permute(*dims).clone().permute(*dims)
    assert layout == "broadcast"
    return t[:1].expand(*t.shape)


def empty_out(shape: tuple[int, ...], dtype: pb.DType, strided: bool = False) -> pb.Tensor:
    """An output as the core allocates it, or (``strided``) a transposed view."""
    if not strided or len(shape) < 2:
        return pb.empty(shape, dtype=dtype)
    return pb.empty(shape[::-1], dtype=dtype).permute(*range(len(shape))[::-1])


def call(spec: KernelSpec, *args: Any, out: Any) -> Any:
    spec.fn(*args, out=out)
    return out


def tolerance(dtype: pb.DType) -> float:
    return {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 2e-6, "float64": 1e-12}.get(
        dtype.name, 0.0)


def assert_same(actual: pb.Tensor, expected: pb.Tensor, rtol: float | None = None,
                atol: float = 0.0) -> None:
    """Same shape, dtype and values (floats within a few units of their precision; NaN
    where NaN)."""
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype is expected.dtype, (actual.dtype, expected.dtype)
    a = actual.to(pb.float64).numpy() if actual.dtype.is_floating_point else actual.numpy()
    e = expected.to(pb.float64).numpy() if expected.dtype.is_floating_point \
        else expected.numpy()
    if not actual.dtype.is_floating_point:
        np.testing.assert_array_equal(a, e)
        return
    r = tolerance(actual.dtype) if rtol is None else rtol
    np.testing.assert_allclose(a, e, rtol=r, atol=atol or r, equal_nan=True)


def cases(dtypes: tuple[pb.DType, ...], layouts: tuple[str, ...] = LAYOUTS
          ) -> list[tuple[pb.DType, str]]:
    """Every dtype in every layout, as pytest parameters."""
    return [(dtype, layout) for dtype in dtypes for layout in layouts]


Check = Callable[..., None]
