"""Native CPU kernels of nn composites: they run natively and agree with the decompositions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch import random as _random
from plugboard.library import Path, key_named, record_paths, registered_ops
from plugboard_cpu._kernels_nn import KERNELS

P = pb.ops.pb
DECLARED = {k.op: k.dtypes for k in KERNELS}


def _decomposition(name: str, *args: Any, **kwargs: Any) -> Any:
    """The operator's result through its CompositeImplicit kernel (its decomposition)."""
    op = next(o for o in registered_ops() if o.name == f"pb::{name}")
    values = op.binder.bind(args, kwargs)
    return op.kernels[key_named("CompositeImplicit")].fn(*values)


def _random_tensor(rng: np.random.Generator, shape: tuple[int, ...], dtype: pb.DType,
                   low: float = -2, high: float = 2) -> pb.Tensor:
    if dtype.is_floating_point:
        return pb.tensor(rng.uniform(low, high, size=shape)).to(dtype)
    lo = max(int(low), int(dtype.min))
    return pb.tensor(rng.integers(lo, int(high) + 1, size=shape)).to(dtype)


def _cases(rng: np.random.Generator, dtype: pb.DType) -> dict[str, tuple[Any, ...]]:
    """Positional arguments for each natively implemented operator."""
    def r(*shape: int, low: float = -2, high: float = 2) -> pb.Tensor:
        return _random_tensor(rng, shape, dtype, low, high)

    logits = r(12, 5).T  # non-contiguous (5, 12)
    target = pb.tensor(rng.integers(0, 12, size=5))
    return {
        "softmax": (r(4, 9).T, 0, None),
        "log_softmax": (r(3, 5, 7), -1, None),
        "layer_norm": (r(6, 4, 5)[::2], [4, 5], r(4, 5, low=0.5), r(4, 5), 1e-5),
        "rms_norm": (r(6, 4, 5)[::2], [4, 5], r(4, 5, low=0.5), None),
        "conv2d": (r(2, 4, 7, 6), r(6, 2, 3, 2), r(6), (2, 1), (1, 0), (1, 2), 2),
        "scaled_dot_product_attention": (r(2, 4, 5, 8), r(2, 2, 6, 8), r(2, 2, 6, 3),
                                         pb.tensor(rng.integers(0, 2, (5, 6)).astype(bool)),
                                         0.0, True),
        "cross_entropy": (logits, target, r(12, low=0.5), 3, "mean", 0.1),
    }


_TOLERANCE = {"float16": 2e-3, "bfloat16": 2e-2, "float32": 1e-5, "float64": 1e-12}


@pytest.mark.parametrize(
    ("op", "dtype"), [(op, d) for op, dtypes in DECLARED.items() for d in dtypes], ids=str
)
def test_native_kernel_runs_and_agrees_with_the_decomposition(op: str, dtype: pb.DType
                                                                ) -> None:
    args = _cases(np.random.default_rng(0), dtype)[op]
    kwargs = {"enable_gqa": True} if op == "scaled_dot_product_attention" else {}
    with record_paths() as records:
        native = getattr(P, op)(*args, **kwargs)
    assert next(r[2] for r in records if r[0] == f"pb::{op}") is Path.NATIVE
    expected = _decomposition(op, *args, **kwargs)
    assert (native.shape, native.dtype) == (expected.shape, expected.dtype)
    if not dtype.is_floating_point:
        assert np.array_equal(native.numpy(), expected.numpy())  # both wrap around alike
        return
    tolerance = _TOLERANCE[dtype.name]
    np.testing.assert_allclose(native.numpy().astype(np.float64),
                               expected.numpy().astype(np.float64),
                               rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16])
def test_reduced_precision_accumulates_in_float32(dtype: pb.DType) -> None:
    # A bfloat16 running sum of 4096 ones stalls at 256; float32 accumulates them exactly.
    zeros = pb.zeros(4096, dtype=dtype)
    assert np.all(P.softmax(zeros, 0).numpy() == np.float32(2.0**-12))
    loss = P.cross_entropy(pb.zeros(1, 4096, dtype=dtype), pb.tensor([7])).item()
    assert loss == pytest.approx(math.log(4096), rel=4e-3)
    ones = pb.ones(1, 4096, dtype=dtype)
    assert P.layer_norm(ones, [4096]).numpy().max() == 0  # mean exactly 1: no residue


def test_attention_dropout_draws_the_numbers_the_decomposition_draws() -> None:
    rng = np.random.default_rng(3)
    q, k, v = (pb.tensor(rng.normal(size=(2, 6, 4)).astype(np.float32)) for _ in range(3))
    _random.manual_seed(11)
    native = P.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    _random.manual_seed(11)
    decomposed = _decomposition("scaled_dot_product_attention", q, k, v, dropout_p=0.4)
    np.testing.assert_allclose(native.numpy(), decomposed.numpy(), rtol=1e-6, atol=1e-7)
    _random.manual_seed(12)
    other = P.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    assert not np.allclose(native.numpy(), other.numpy())


def test_cross_entropy_kernel_raises_for_out_of_bounds_targets() -> None:
    with pytest.raises(pb.IndexingError, match=r"out of bounds.*\[0, 3\)"):
        P.cross_entropy(pb.zeros(2, 3), pb.tensor([1, -1]))
    # ignore_index may lie outside the classes.
    assert P.cross_entropy(pb.zeros(2, 3), pb.tensor([1, -7]), ignore_index=-7).item() == (
        pytest.approx(math.log(3)))


def test_conv2d_kernel_handles_unbatched_and_empty_inputs() -> None:
    w = pb.ones(2, 3, 2, 2)
    assert P.conv2d(pb.ones(3, 4, 4), w).shape == (2, 3, 3)
    assert P.conv2d(pb.ones(3, 4, 4), w).numpy().min() == 12
    assert P.conv2d(pb.ones(0, 3, 4, 4), w, padding=1).shape == (0, 2, 5, 5)
