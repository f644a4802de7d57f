"""The nn kernels on the CuPy kernels' code path (NumPy for CuPy), against the cpu
backend's kernels on the same inputs."""

from __future__ import annotations

from typing import Any

import pytest
from kernel_harness import FLOATS, assert_same, cases, empty_out, laid_out, values

import plugboard as pb
from plugboard_cupy import _kernels_nn

K = {spec.op: spec for spec in _kernels_nn.KERNELS}
P = pb.ops.pb


def _run(op: str, expected: pb.Tensor, *args: Any, strided: bool = False) -> pb.Tensor:
    out = empty_out(tuple(expected.shape), expected.dtype, strided)
    K[op].fn(*args, out=out)
    return out


@pytest.mark.parametrize(("dtype", "layout"), cases(FLOATS))
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_matches_cpu(dtype: pb.DType, layout: str, op: str) -> None:
    x = laid_out(values((3, 5), dtype) * 4, layout)
    for dim in (0, 1, -1):
        expected = getattr(P, op)(x, dim, None)
        assert_same(_run(op, expected, x, dim, None, strided=True), expected, atol=1e-5)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_rows_with_infinities(op: str) -> None:
    inf = float("inf")
    x = pb.tensor([[0.0, -inf, 1.0], [inf, 0.0, 1.0], [-inf, -inf, -inf]])
    expected = getattr(P, op)(x, 1, None)
    assert_same(_run(op, expected, x, 1, None), expected)


@pytest.mark.parametrize(("dtype", "layout"), cases(FLOATS))
@pytest.mark.parametrize("affine", [False, True])
def test_layer_norm_and_rms_norm_match_cpu(dtype: pb.DType, layout: str, affine: bool) -> None:
    x = laid_out(values((2, 3, 4), dtype) * 3 + 1, layout)
    w = values((3, 4), dtype, seed=1) if affine else None
    b = values((3, 4), dtype, seed=2) if affine else None
    for shape in ([4], [3, 4]):
        wk = None if w is None else w[-shape[0]:] if len(shape) == 2 else w[0]
        bk = None if b is None else b[-shape[0]:] if len(shape) == 2 else b[0]
        expected = P.layer_norm(x, shape, wk, bk, 1e-5)
        assert_same(_run("layer_norm", expected, x, shape, wk, bk, 1e-5), expected, atol=1e-5)
        for eps in (None, 1e-3):
            expected = P.rms_norm(x, shape, wk, eps)
            assert_same(_run("rms_norm", expected, x, shape, wk, eps), expected, atol=1e-5)


def test_rms_norm_with_a_weight_of_another_dtype() -> None:
    x = values((2, 4), pb.float16)
    w = values((4,), pb.float32, seed=4)
    expected = P.rms_norm(x, [4], w, None)
    assert_same(_run("rms_norm", expected, x, [4], w, None), expected)


CONVOLUTIONS = [
    ((2, 4, 6, 5), (6, 2, 3, 2), (1, 1), (0, 0), (1, 1), 2),
    ((1, 3, 7, 7), (4, 3, 3, 3), (2, 1), (1, 2), (1, 2), 1),
    ((3, 5, 5), (2, 3, 1, 1), (1, 1), (0, 0), (1, 1), 1),
]


@pytest.mark.parametrize("dtype", (*FLOATS, pb.int32))
@pytest.mark.parametrize("case", range(len(CONVOLUTIONS)))
@pytest.mark.parametrize("bias", [False, True])
def test_conv2d_matches_cpu(dtype: pb.DType, case: int, bias: bool) -> None:
    xs, ws, stride, padding, dilation, groups = CONVOLUTIONS[case]
    x = laid_out(values(xs, dtype), "transposed")
    w = values(ws, dtype, seed=1)
    bs = values((ws[0],), dtype, seed=2) if bias else None
    expected = P.conv2d(x, w, bs, stride, padding, dilation, groups)
    out = _run("conv2d", expected, x, w, bs, stride, padding, dilation, groups)
    assert_same(out, expected, atol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mask", [None, "bool", "float"])
@pytest.mark.parametrize("is_causal", [False, True])
def test_sdpa_matches_cpu(dtype: pb.DType, mask: str | None, is_causal: bool) -> None:
    q = values((2, 4, 3, 8), dtype)
    k = laid_out(values((2, 2, 5, 8), dtype, seed=1), "transposed")
    v = values((2, 2, 5, 8), dtype, seed=2)
    attn: pb.Tensor | None = None
    if mask == "bool":
        attn = pb.tensor([[True, False, True, True, False]] * 2 + [[False] * 5])
    elif mask == "float":
        attn = values((3, 5), dtype, seed=3)
    expected = P.scaled_dot_product_attention(q, k, v, attn, 0.0, is_causal, scale=None,
                                              enable_gqa=True)
    out = _run("scaled_dot_product_attention", expected, q, k, v, attn, 0.0, is_causal, None,
               True)
    assert_same(out, expected, atol=1e-5)


def test_sdpa_dropout_draws_the_default_generator() -> None:
    q, k, v = (values((1, 3, 4), pb.float32, seed=s) for s in range(3))
    pb.manual_seed(7)
    expected = P.scaled_dot_product_attention(q, k, v, None, 0.5, False, scale=None,
                                              enable_gqa=False)
    pb.manual_seed(7)
    out = _run("scaled_dot_product_attention", expected, q, k, v, None, 0.5, False, None, False)
    assert_same(out, expected)
