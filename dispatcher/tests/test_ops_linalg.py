"""Tests for mm, bmm, dot, outer, linear and addmm: values, PyTorch's rules, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard.library import Path, record_paths

ops = pb.ops.pb

RNG = np.random.default_rng(0)
A = RNG.uniform(-2, 2, (4, 5)).astype(np.float32)
B = RNG.uniform(-2, 2, (5, 3)).astype(np.float32)


def t(values: object, dtype: pb.DType | None = None) -> pb.Tensor:
    return pb.tensor(np.asarray(values), dtype=dtype)


def test_mm_matches_numpy_for_floats_and_integers() -> None:
    np.testing.assert_allclose(ops.mm(t(A), t(B)).numpy(), A @ B, rtol=1e-5)
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    np.testing.assert_array_equal(ops.mm(t(a), t(a.T.copy())).numpy(), a @ a.T)


def test_mm_of_transposed_views() -> None:
    np.testing.assert_allclose(ops.mm(t(B).T, t(A).T).numpy(), B.T @ A.T, rtol=1e-5)


def test_mm_is_2d_only_unlike_matmul() -> None:
    with pytest.raises(pb.ShapeError, match=r"mm takes 2-D tensors, but self is 3-D.*pb.bmm"):
        ops.mm(pb.empty((2, 4, 5)), t(B))
    with pytest.raises(pb.ShapeError, match="mat2 is 1-D"):
        ops.mm(t(A), pb.empty((5,)))
    with pytest.raises(pb.ShapeError, match=r"inner dimensions differ \(5 vs 4\)"):
        ops.mm(t(A), t(A))
    with pytest.raises(pb.DTypeError, match="one dtype"):
        ops.mm(t(A), t(B, pb.float64))


def test_bmm_batches_without_broadcasting() -> None:
    a = RNG.uniform(-1, 1, (3, 4, 5)).astype(np.float32)
    b = RNG.uniform(-1, 1, (3, 5, 2)).astype(np.float32)
    np.testing.assert_allclose(ops.bmm(t(a), t(b)).numpy(), a @ b, rtol=1e-5)
    with pytest.raises(pb.ShapeError, match="equal batch sizes, got 3 and 1.*does not broadcast"):
        ops.bmm(t(a), pb.empty((1, 5, 2)))
    with pytest.raises(pb.ShapeError, match="bmm takes 3-D"):
        ops.bmm(t(A), t(B))


def test_dot_of_vectors() -> None:
    assert ops.dot(t([1.0, 2.0, 3.0]), t([4.0, 5.0, 6.0])).item() == 32.0
    result = ops.dot(pb.empty((0,)), pb.empty((0,)))
    assert result.shape == ()
    assert result.item() == 0.0
    with pytest.raises(pb.ShapeError, match="same length, got 3 and 2"):
        ops.dot(t([1.0, 2.0, 3.0]), t([1.0, 2.0]))
    with pytest.raises(pb.ShapeError, match="dot takes 1-D"):
        ops.dot(t(A), t(A))


def test_outer_promotes_like_mul() -> None:
    result = ops.outer(t([1, 2], pb.int32), t([0.5, 1.0, 2.0], pb.float32))
    assert result.dtype is pb.float32
    assert result.tolist() == [[0.5, 1.0, 2.0], [1.0, 2.0, 4.0]]
    with pytest.raises(pb.ShapeError, match="outer takes 1-D"):
        ops.outer(t(A), t([1.0]))


def test_linear_is_input_at_weight_transposed_plus_bias() -> None:
    x = RNG.uniform(-1, 1, (2, 4, 5)).astype(np.float32)
    w = RNG.uniform(-1, 1, (3, 5)).astype(np.float32)
    b = RNG.uniform(-1, 1, (3,)).astype(np.float32)
    np.testing.assert_allclose(ops.linear(t(x), t(w), t(b)).numpy(), x @ w.T + b, rtol=1e-5)
    np.testing.assert_allclose(ops.linear(t(x), t(w)).numpy(), x @ w.T, rtol=1e-5)
    assert ops.linear(t(x), t(w[0])).shape == (2, 4)  # a 1-D weight: one output feature


def test_linear_errors_name_the_features() -> None:
    with pytest.raises(pb.ShapeError, match="input has 5 features.*takes 3"):
        ops.linear(t(A), pb.empty((2, 3)))
    with pytest.raises(pb.ShapeError, match="bias of shape \\(4,\\) does not broadcast"):
        ops.linear(t(A), pb.empty((3, 5)), pb.empty((4,)))
    with pytest.raises(pb.ShapeError, match="1-D or 2-D"):
        ops.linear(t(A), pb.empty((1, 3, 5)))


def test_addmm_with_beta_and_alpha() -> None:
    c = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)
    np.testing.assert_allclose(ops.addmm(t(c), t(A), t(B)).numpy(), c + A @ B, rtol=1e-5)
    np.testing.assert_allclose(ops.addmm(t(c[0]), t(A), t(B), beta=0.5, alpha=2.0).numpy(),
                               0.5 * c[0] + 2 * (A @ B), rtol=1e-5)


def test_addmm_with_beta_zero_ignores_nan_in_self() -> None:
    result = ops.addmm(pb.full((4, 3), math.nan), t(A), t(B), beta=0)
    np.testing.assert_allclose(result.numpy(), A @ B, rtol=1e-5)


def test_addmm_errors() -> None:
    with pytest.raises(pb.ShapeError, match="self of shape \\(2, 3\\) does not broadcast"):
        ops.addmm(pb.empty((2, 3)), t(A), t(B))
    ints = t(np.ones((2, 2), np.int64))
    with pytest.raises(pb.DTypeError, match="alpha=0.5 is a float"):
        ops.addmm(ints, ints, ints, alpha=0.5)


def test_out_form_writes_the_given_tensor() -> None:
    out = pb.empty((4, 3))
    assert ops.mm(t(A), t(B), out=out) is out
    np.testing.assert_allclose(out.numpy(), A @ B, rtol=1e-5)


@pytest.mark.parametrize(
    ("name", "args"),
    [("mm", (A, B)), ("bmm", (A[None], B[None])), ("dot", (A[0], A[1])),
     ("outer", (A[0], B[0])), ("linear", (A, B.T.copy())), ("addmm", (A[:, :4], A, A.T.copy()))],
)
def test_every_operator_is_a_decomposition(name: str, args: tuple[np.ndarray, ...]) -> None:
    with record_paths() as records:
        getattr(ops, name)(*(t(a) for a in args))
    assert records[0][:3] == (f"pb::{name}", "cpu", Path.COMPOSITE)
    # outer is a broadcast product; the others reach the matmul primitive.
    assert ("pb::mul" if name == "outer" else "pb::matmul") in {r[0] for r in records}


def test_meta_shapes() -> None:
    x = pb.empty((7, 2, 5), device="meta")
    assert ops.linear(x, pb.empty((3, 5), device="meta")).shape == (7, 2, 3)
    assert ops.bmm(x, pb.empty((7, 5, 4), device="meta")).shape == (7, 2, 4)


# PyTorch, when installed: the same dtypes work, with the same result dtypes and values ------

_TORCH_CASES: dict[str, tuple[Callable[[Any, Any], Any], Callable[[pb.Tensor], Any]]] = {
    # name: (PyTorch call on (torch, x), plugboard call on x), x of shape (2, 3)
    "mm": (lambda torch, x: torch.mm(x, x.T), lambda x: ops.mm(x, x.T)),
    "bmm": (lambda torch, x: torch.bmm(x[None], x.T[None]),
            lambda x: ops.bmm(x.unsqueeze(0), x.T.unsqueeze(0))),
    "dot": (lambda torch, x: torch.dot(x[0], x[1]), lambda x: ops.dot(x[0], x[1])),
    "outer": (lambda torch, x: torch.outer(x[0], x[1]), lambda x: ops.outer(x[0], x[1])),
    "linear": (lambda torch, x: torch.nn.functional.linear(x, x, x[0, :2]),
               lambda x: ops.linear(x, x, x[0, :2])),
    "addmm": (lambda torch, x: torch.addmm(x[:, :2], x, x.T, beta=2, alpha=3),
              lambda x: ops.addmm(x[:, :2], x, x.T, beta=2, alpha=3)),
}
_DTYPES = ("bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
           "float32", "float64")


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("case", list(_TORCH_CASES))
def test_matches_pytorch(case: str, dtype: str) -> None:
    torch = pytest.importorskip("torch")
    values = [[1, 0, 2], [3, 1, 1]]
    torch_call, pb_call = _TORCH_CASES[case]
    try:
        expected = torch_call(torch, torch.tensor(values).to(getattr(torch, dtype)))
    except RuntimeError:
        # What PyTorch's CPU backend rejects, plugboard has no kernel for either.
        with pytest.raises((pb.DTypeError, pb.KernelNotFoundError)):
            pb_call(t(values).to(getattr(pb, dtype)))
        return
    got = pb_call(t(values).to(getattr(pb, dtype)))
    assert got.dtype.name == str(expected.dtype).removeprefix("torch.")
    assert got.shape == tuple(expected.shape)
    np.testing.assert_allclose(got.numpy().astype(np.float64), expected.double().numpy(),
                               rtol=1e-2)
