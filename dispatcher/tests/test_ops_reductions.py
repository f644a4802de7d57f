"""Tests for the reductions: PyTorch semantics, values against NumPy, errors, forms."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._ops.reductions import max as pb_max
from plugboard._ops.reductions import min as pb_min
from plugboard.library import Path, record_paths

ops = pb.ops.pb

X = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype=np.float32)


def t(values: object, dtype: pb.DType | None = None) -> pb.Tensor:
    return pb.tensor(np.asarray(values), dtype=dtype)


# prod, cumsum, cumprod: result dtypes --------------------------------------------


@pytest.mark.parametrize("dtype", [pb.bool, pb.int8, pb.uint8, pb.int32, pb.int64])
def test_integer_prod_and_scans_accumulate_in_int64(dtype: pb.DType) -> None:
    x = t([[1, 1, 0], [1, 1, 1]], dtype)
    assert ops.prod(x).dtype is pb.int64
    assert ops.cumsum(x, 1).dtype is pb.int64
    assert ops.cumprod(x, 0).dtype is pb.int64


def test_prod_and_cumsum_do_not_wrap_in_the_input_dtype() -> None:
    x = t([100, 100, 100], pb.int8)
    assert ops.prod(x).item() == 1_000_000
    assert ops.cumsum(x, 0).tolist() == [100, 200, 300]


def test_dtype_argument_sets_the_accumulation_and_result() -> None:
    x = t([1, 2, 3], pb.int32)
    assert ops.prod(x, dtype=pb.int32).dtype is pb.int32
    result = ops.cumsum(x, 0, dtype=pb.float64)
    assert result.dtype is pb.float64
    assert result.tolist() == [1.0, 3.0, 6.0]


def test_integer_dtype_argument_truncates_float_inputs_first() -> None:
    x = t([1.5, 2.5, -1.7], pb.float32)
    assert ops.cumsum(x, 0, dtype=pb.int64).tolist() == [1, 3, 2]
    assert ops.prod(x, dtype=pb.int64).item() == -2


def test_prod_of_empty_is_one_and_keeps_float_dtype() -> None:
    assert ops.prod(pb.empty((0,))).item() == 1.0
    assert ops.prod(pb.empty((2, 0)), 1).tolist() == [1.0, 1.0]
    assert ops.prod(pb.empty((0,), dtype=pb.float16)).dtype is pb.float16


def test_prod_with_dim_and_keepdim() -> None:
    result = ops.prod(t(X), 1, True)
    assert result.shape == (2, 1)
    np.testing.assert_allclose(result.numpy(), np.prod(X, axis=1, keepdims=True), rtol=1e-6)


def test_cumsum_of_a_0d_tensor_is_itself() -> None:
    assert ops.cumsum(t(2.5), 0).item() == 2.5
    assert ops.cumsum(t(2.5), -1).shape == ()


def test_cumprod_matches_numpy_along_each_dim() -> None:
    for dim in (0, 1, -1):
        np.testing.assert_allclose(ops.cumprod(t(X), dim).numpy(), np.cumprod(X, axis=dim),
                                   rtol=1e-6)


# amin, argmin -----------------------------------------------------------------------


def test_amin_over_dims_and_nan_propagates() -> None:
    assert ops.amin(t(X)).item() == -2.0
    np.testing.assert_array_equal(ops.amin(t(X), [0, 1], True).numpy(), [[-2.0]])
    assert math.isnan(ops.amin(t([1.0, math.nan, -3.0])).item())


def test_argmin_is_the_first_smallest_and_nan_counts_as_smallest() -> None:
    assert ops.argmin(t([3, 1, 2, 1])).item() == 1
    assert ops.argmin(t([3.0, math.nan, -1.0, math.nan])).item() == 1
    assert ops.argmin(t(X), 1, True).tolist() == [[1], [2]]
    assert ops.argmin(t(X), keepdim=True).shape == (1, 1)


@pytest.mark.parametrize("device", ["cpu", "opencl", "meta"])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_and_argmin_of_bool_are_refused_alike_on_every_backend(
    device: str, name: str
) -> None:
    # PyTorch: "argmax(): does not support bool input". The cpu backend used to compute
    # it and the opencl one to have no kernel: one DTypeError now, before any kernel.
    if device != "meta" and not pb.devices(device):
        pytest.skip(f"no {device} device")
    x = pb.zeros(2, 3, dtype=pb.bool, device=device)
    for call in (lambda: getattr(ops, name)(x), lambda: getattr(ops, name)(x, 1)):
        with pytest.raises(pb.DTypeError, match=rf"pb::{name}: {name} of a bool.*Fix:"):
            call()
    # max and min with a dim give bool values and their positions, as in PyTorch.
    _, indices = (pb.max if name == "argmax" else pb.min)(
        pb.tensor([[False, True], [True, True]], device=device if device != "meta" else "cpu"),
        1)
    assert indices.tolist() == ([1, 0] if name == "argmax" else [0, 0])


def test_amin_and_argmin_of_an_empty_dim_are_errors() -> None:
    with pytest.raises(pb.ShapeError, match="pb::amin: amin of an empty dimension"):
        ops.amin(pb.empty((0, 3)), 0)
    assert ops.amin(pb.empty((0, 3)), 1).shape == (0,)
    with pytest.raises(pb.ShapeError, match="argmin of an empty tensor.*Fix: pass a dim"):
        ops.argmin(pb.empty((0,)))


# var, std -------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("correction", [0, 1, 2, 0.5])
@pytest.mark.parametrize("dim", [None, 0, [0, 1], -1])
def test_var_and_std_match_numpy(correction: float, dim: object) -> None:
    axis = tuple(dim) if isinstance(dim, list) else dim
    var = ops.var(t(X), dim, correction=correction)
    std = ops.std(t(X), dim, correction=correction, keepdim=True)
    expected = np.var(X.astype(np.float64), axis=axis, ddof=correction)
    np.testing.assert_allclose(var.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(
        std.numpy(), np.sqrt(np.var(X.astype(np.float64), axis=axis, ddof=correction,
                                    keepdims=True)), rtol=1e-6)


def test_var_default_correction_is_one_like_pytorch() -> None:
    assert ops.var(t([1.0, 2.0, 3.0, 4.0])).item() == pytest.approx(5 / 3)


def test_var_with_too_few_samples_is_nan_or_inf_as_in_pytorch() -> None:
    assert math.isnan(ops.var(t([2.0])).item())  # 0 / 0
    assert ops.var(t([1.0, 2.0]), correction=3).item() == math.inf  # positive / 0
    assert math.isnan(ops.var(pb.empty((0,))).item())


def test_var_of_float16_accumulates_in_float32() -> None:
    # 4096 values near 1000: their squares' sum overflows float16, the variance does not.
    x = 1000 + np.arange(4096, dtype=np.float64) % 4
    result = ops.var(t(x, pb.float16))
    assert result.dtype is pb.float16
    assert result.item() == pytest.approx(np.var(x, ddof=1), rel=1e-3)


def test_var_of_an_integer_tensor_is_an_error() -> None:
    with pytest.raises(pb.DTypeError, match="var and std of a non-floating tensor.*Fix"):
        ops.var(t([1, 2, 3]))
    with pytest.raises(pb.ArgumentError, match="positional"):
        ops.var(t(X), 0, 1)  # correction is keyword-only, as in PyTorch


# all, any -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [pb.bool, pb.int8, pb.int64, pb.float16, pb.float32])
def test_all_and_any_give_bool(dtype: pb.DType) -> None:
    x = t([[1, 0, 1], [1, 1, 1]], dtype)
    assert ops.all(x).dtype is pb.bool
    assert ops.any(x, 1).dtype is pb.bool
    assert ops.all(x).item() is False
    assert ops.all(x, 1).tolist() == [False, True]
    assert ops.any(x, [0], True).tolist() == [[True, True, True]]


def test_all_and_any_of_uint8_give_uint8_as_in_pytorch() -> None:
    x = t([[1, 0, 7], [1, 2, 3]], pb.uint8)
    assert ops.all(x).dtype is pb.uint8
    assert ops.all(x, 1).tolist() == [0, 1]
    assert ops.any(x, 0, True).tolist() == [[1, 1, 1]]


def test_all_of_empty_is_true_and_any_is_false() -> None:
    assert ops.all(pb.empty((0,))).item() is True
    assert ops.any(pb.empty((0,))).item() is False
    assert ops.any(pb.empty((0, 2)), 0).tolist() == [False, False]


def test_nan_is_true_in_all_and_any() -> None:
    assert ops.all(t([math.nan, 1.0])).item() is True
    assert ops.any(t([math.nan, 0.0])).item() is True


# logsumexp ------------------------------------------------------------------------


def test_logsumexp_is_stable_for_large_values() -> None:
    x = np.array([[1000.0, 1000.0], [-1000.0, -1001.0]], dtype=np.float32)
    result = ops.logsumexp(t(x), 1).numpy()
    np.testing.assert_allclose(result, [1000 + math.log(2), -1000 + math.log1p(math.exp(-1))],
                               rtol=1e-6)


def test_logsumexp_of_infinite_rows_is_as_in_pytorch() -> None:
    x = t([[-math.inf, -math.inf], [math.inf, 1.0], [math.inf, -math.inf], [math.nan, 1.0]])
    result = ops.logsumexp(x, [1]).numpy()
    assert result[0] == -math.inf
    assert result[1] == math.inf
    assert result[2] == math.inf
    assert math.isnan(result[3])


def test_logsumexp_of_an_empty_dim_is_minus_inf() -> None:
    assert ops.logsumexp(pb.empty((0, 3)), 0).tolist() == [-math.inf] * 3


def test_logsumexp_of_integers_is_in_the_default_float() -> None:
    result = ops.logsumexp(t([0, 0], pb.int32), 0, keepdim=True)
    assert result.dtype is pb.float32
    assert result.shape == (1,)
    assert result.item() == pytest.approx(math.log(2))


# norm -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [2, 1, math.inf, -math.inf, 0, 3, 0.5])
def test_norm_matches_numpy(p: float) -> None:
    x = np.array([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]], dtype=np.float32)
    for dim, axis in ((None, None), ([1], 1)):
        expected = np.linalg.norm(x.astype(np.float64).reshape(-1) if axis is None else x,
                                  ord=p, axis=axis)
        np.testing.assert_allclose(ops.norm(t(x), p, dim).numpy(), expected, rtol=1e-6)


def test_norm_default_is_the_2_norm_and_dtype_casts_first() -> None:
    assert ops.norm(t([3.0, 4.0])).item() == 5.0
    result = ops.norm(t([3.0, 4.0], pb.float16), dtype=pb.float64)
    assert result.dtype is pb.float64
    assert result.item() == 5.0


def test_norm_errors() -> None:
    with pytest.raises(pb.DTypeError, match="norm of a non-floating tensor"):
        ops.norm(t([1, 2]))
    with pytest.raises(pb.ShapeError, match="empty reduction has no identity"):
        ops.norm(pb.empty((0,)), math.inf)
    assert ops.norm(pb.empty((0,))).item() == 0.0


# max, min ---------------------------------------------------------------------------


def test_max_and_min_have_three_forms() -> None:
    x = t(X)
    assert pb_max(x).item() == 4.0
    assert pb_min(x).item() == -2.0
    values, indices = pb_max(x, 1)
    assert values.tolist() == [3.0, 4.0]
    assert indices.tolist() == [2, 1]
    result = pb_min(x, dim=0, keepdim=True)
    assert result.values.shape == (1, 3)
    assert result.indices.tolist() == [[1, 0, 1]]
    np.testing.assert_array_equal(pb_max(x, t(0.0)).numpy(), np.maximum(X, 0))
    np.testing.assert_array_equal(pb_min(x, other=t([0.0, 0.0, 0.0])).numpy(),
                                  np.minimum(X, 0))


def test_max_dim_of_bool_and_ties_pick_the_first_index() -> None:
    result = ops.max_dim(t([[False, True, True], [False, False, False]]), 1)
    assert result.values.tolist() == [True, False]
    assert result.indices.tolist() == [1, 0]
    assert ops.min_dim(t([2, 1, 1]), 0).indices.item() == 1


def test_max_dim_nan_is_the_largest() -> None:
    result = ops.max_dim(t([1.0, math.nan, 5.0]), 0)
    assert math.isnan(result.values.item())
    assert result.indices.item() == 1


def test_max_dim_out_pair() -> None:
    values, indices = pb.empty((2,)), pb.empty((2,), dtype=pb.int64)
    result = pb_max(t(X), 1, out=(values, indices))
    assert result.values is values and result.indices is indices
    assert indices.tolist() == [2, 1]


def test_max_errors() -> None:
    with pytest.raises(pb.ShapeError, match=r"max of an empty tensor.*Fix: pass a dim"):
        pb_max(pb.empty((0, 2)))
    with pytest.raises(pb.ShapeError, match="empty dimension"):
        pb_min(pb.empty((0, 2)), 0)
    with pytest.raises(pb.ArgumentError, match="not both"):
        pb_max(t(X), 0, other=t(X))
    with pytest.raises(pb.ArgumentError, match="keepdim only with a dim"):
        pb_max(t(X), keepdim=True)


# Composites decompose; meta shapes -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    # (var and std have CPU kernels: their decomposition runs on backends without one.)
    [("all", ()), ("any", ()), ("logsumexp", ([1],)),
     ("norm", ()), ("max", ()), ("min", ()), ("max_dim", (1,)), ("min_dim", (0,))],
)
def test_composites_run_by_decomposition(name: str, args: tuple[object, ...]) -> None:
    with record_paths() as records:
        getattr(ops, name)(t(X), *args)
    assert records[0][:3] == (f"pb::{name}", "cpu", Path.COMPOSITE)


def test_meta_device_gives_shapes_and_dtypes_without_data() -> None:
    x = pb.empty((4, 5, 6), device="meta")
    assert ops.var(x, [0, 2], keepdim=True).shape == (1, 5, 1)
    assert ops.cumsum(pb.empty((3,), dtype=pb.int8, device="meta"), 0).dtype is pb.int64
    values, indices = ops.max_dim(x, 1)
    assert (values.shape, indices.shape, indices.dtype) == ((4, 6), (4, 6), pb.int64)
    assert ops.logsumexp(x, [1]).device.type == "meta"


# PyTorch, when installed: the same dtypes work, with the same result dtypes and values ------

_TORCH_CASES: dict[str, tuple[Callable[[Any, Any], Any], Callable[[pb.Tensor], Any]]] = {
    # name: (PyTorch call on (torch, x), plugboard call on x)
    "prod": (lambda torch, x: torch.prod(x, 1, True), lambda x: ops.prod(x, 1, True)),
    "prod full": (lambda torch, x: torch.prod(x), ops.prod),
    "amin": (lambda torch, x: torch.amin(x, (0, 1)), lambda x: ops.amin(x, [0, 1])),
    "argmin": (lambda torch, x: torch.argmin(x, 1), lambda x: ops.argmin(x, 1)),
    "cumsum": (lambda torch, x: torch.cumsum(x, 1), lambda x: ops.cumsum(x, 1)),
    "cumprod": (lambda torch, x: torch.cumprod(x, 0), lambda x: ops.cumprod(x, 0)),
    "var": (lambda torch, x: torch.var(x, 1), lambda x: ops.var(x, 1)),
    "std": (lambda torch, x: torch.std(x, correction=0, keepdim=True),
            lambda x: ops.std(x, correction=0, keepdim=True)),
    "all": (lambda torch, x: torch.all(x, 1), lambda x: ops.all(x, 1)),
    "any": (lambda torch, x: torch.any(x), ops.any),
    "logsumexp": (lambda torch, x: torch.logsumexp(x, 1), lambda x: ops.logsumexp(x, 1)),
    "norm": (lambda torch, x: torch.norm(x), ops.norm),
    "norm p=3": (lambda torch, x: torch.norm(x, 3, 1), lambda x: ops.norm(x, 3, [1])),
    "max": (lambda torch, x: torch.max(x), pb_max),
    "max dim": (lambda torch, x: torch.max(x, 1), lambda x: pb_max(x, 1)),
    "min dim keepdim": (lambda torch, x: torch.min(x, 0, True), lambda x: pb_min(x, 0, True)),
}
_DTYPES = ("bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
           "float32", "float64")


@pytest.mark.parametrize("dtype", _DTYPES)
@pytest.mark.parametrize("case", list(_TORCH_CASES))
def test_matches_pytorch(case: str, dtype: str) -> None:
    torch = pytest.importorskip("torch")
    values = [[1, 0, 2], [3, 1, 1]]
    torch_call, pb_call = _TORCH_CASES[case]

    def run(call: Callable[..., Any], *args: Any) -> tuple[Any, ...] | Exception:
        try:
            result = call(*args)
        except Exception as error:
            return error
        return tuple(result) if isinstance(result, tuple) else (result,)

    expected = run(torch_call, torch, torch.tensor(values).to(getattr(torch, dtype)))
    got = run(pb_call, t(values).to(getattr(pb, dtype)))
    if isinstance(expected, Exception):
        # What PyTorch's CPU backend rejects, plugboard rejects too (no kernel or a dtype error).
        assert isinstance(got, (pb.DTypeError, pb.KernelNotFoundError)), got
        return
    assert not isinstance(got, Exception), got
    for want, have in zip(expected, got, strict=True):
        assert isinstance(have, pb.Tensor)
        want_dtype = str(want.dtype).removeprefix("torch.")
        assert (have.dtype.name, have.shape) == (want_dtype, tuple(want.shape))
        np.testing.assert_allclose(have.numpy().astype(np.float64), want.double().numpy(),
                                   rtol=1e-2)
