"""Reductions in float16 and bfloat16, and decompositions on huge finite inputs, on every path.

Each case runs on the CPU backend (its native kernels, and the composites it
does not override), on a backend with the CPU kernels of the primitives only,
where every composite runs by its decomposition, and on the first device of
every other installed backend (opencl: its native reductions, matmul and nn
kernels, and the composites over its primitives); a backend without a device
here is skipped with its reason.

- float16 and bfloat16 reductions accumulate in float32 and round once, as
  PyTorch's kernels do: the inputs are chosen so that accumulating in the
  reduced dtype would overflow (6e4 + 6e4 in float16) or lose the answer
  (2048 + 1 is 2048 in float16, 256 + 1 is 256 in bfloat16).
- Decompositions stay finite where the answer is, as PyTorch's kernels do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb
from plugboard.testing import host_backend_source, installed_plugins

PRIMITIVES_ONLY = '''
from plugboard_conformance._opset_v1 import OPSET
from plugboard_cpu._plugin import register_kernels

PRIMITIVES = {entry.name.split("::", 1)[1] for entry in OPSET if entry.kind == "P"}

@backend.hookimpl
def plugboard_register_kernels(library):
    register_kernels(library, only=PRIMITIVES)
'''


# Backends installed into this environment, known without starting any of them.
_DEVICE_BACKENDS = sorted(b.device_type for b in pb.backends() if b.device_type != "cpu")


@pytest.fixture(scope="module", params=["cpu", "prims", *_DEVICE_BACKENDS])
def device(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[pb.Device]:
    if request.param == "cpu":
        yield pb.device("cpu")
        return
    if request.param != "prims":
        devices = pb.devices(request.param)
        if not devices:
            status = {b.device_type: b for b in pb.backends()}[request.param]
            pytest.skip(f"no {request.param} device: {status.error or status.reason}")
        yield devices[0]
        return
    with installed_plugins(tmp_path_factory.mktemp("site")) as plugins:
        plugins.install("prims", host_backend_source("prims", "Prims", PRIMITIVES_ONLY))
        yield pb.device("prims:0")


REDUCED = [pb.float16, pb.bfloat16]
Array = np.ndarray


def _cancelling(dtype: pb.DType) -> Array:
    """[B, 1, -B, 0.5] with B + 1 a tie the dtype rounds back to B."""
    big = 2.0 / float(ml_dtypes.finfo(dtype.numpy).eps)  # type: ignore[no-untyped-call]
    return np.array([big, 1.0, -big, 0.5])


def _hard(dtype: pb.DType) -> Array:
    """float16: values whose sum overflows it; bfloat16 (float32's range): cancelling."""
    return np.array([6e4, 6e4, 5e4]) if dtype is pb.float16 else _cancelling(dtype)


def _roots(dtype: pb.DType) -> Array:
    """Values whose squares the dtype holds exactly but whose squares' sum float16 does not."""
    return np.array([240.0, 248.0, 232.0]) if dtype is pb.float16 else _cancelling(dtype)


def _product(dtype: pb.DType) -> Array:
    """Factors whose running product, rounded to the dtype at each step, ends one ulp off."""
    if dtype is pb.float16:
        return np.array([1.0078125, 3.0, 1.875, 1.125])
    return np.array([3.0, 1.875, 1.875, 1.015625])


def _tie(dtype: pb.DType) -> Array:
    """[B, 1]: their sum B + 1 is a tie the dtype rounds to B, so B + 1 + 1 rounded once is
    B + 2 and rounded twice B."""
    return _cancelling(dtype)[:2]


def _many(dtype: pb.DType) -> Array:
    return np.zeros(3000)  # 3000 terms of exp(0): a float16 running sum stops at 2048


def _softmax(a: Array) -> Array:
    e = np.exp(a - a.max())
    return e / e.sum()


def _norm(a: Array, eps: float = 1e-5) -> Array:
    return (a - a.mean()) / np.sqrt(a.var() + eps)


T = pb.Tensor
Call = Callable[[Any, Any, Any], Any]  # (pb or torch, its functional module, x) -> result
# (name, inputs for a dtype, the call, the float64 reference)
ACCUMULATING: list[tuple[str, Callable[[pb.DType], Array], Call, Callable[[Array], Any]]] = [
    ("sum", _cancelling, lambda m, F, x: m.sum(x), np.sum),
    ("sum over a dim", _cancelling, lambda m, F, x: m.sum(x.reshape(1, -1), 1),
     lambda a: [a.sum()]),
    ("mean", _hard, lambda m, F, x: m.mean(x), np.mean),
    ("mean over a dim", _hard, lambda m, F, x: m.mean(x.reshape(1, -1), 1),
     lambda a: [a.mean()]),
    ("cumsum", _cancelling, lambda m, F, x: m.cumsum(x, 0), np.cumsum),
    ("prod", _product, lambda m, F, x: m.prod(x), np.prod),
    ("cumprod", _product, lambda m, F, x: m.cumprod(x, 0), np.cumprod),
    ("var", _cancelling, lambda m, F, x: m.var(x), lambda a: a.var(ddof=1)),
    ("std", _cancelling, lambda m, F, x: m.std(x), lambda a: a.std(ddof=1)),
    ("norm", _hard, lambda m, F, x: m.norm(x), np.linalg.norm),
    ("norm p=3", _hard, lambda m, F, x: m.norm(x, 3),
     lambda a: np.sum(np.abs(a) ** 3) ** (1 / 3)),
    ("logsumexp", _many, lambda m, F, x: m.logsumexp(x, [0]), lambda a: math.log(a.size)),
    ("softmax", _many, lambda m, F, x: m.softmax(x, 0), _softmax),
    ("log_softmax", _many, lambda m, F, x: m.log_softmax(x, 0), lambda a: np.log(_softmax(a))),
    ("layer_norm", _cancelling, lambda m, F, x: F.layer_norm(x, x.shape), _norm),
    ("rms_norm", _hard, lambda m, F, x: F.rms_norm(x, x.shape),
     lambda a: a / np.sqrt(np.mean(a * a) + float(np.finfo(np.float32).eps))),
    ("batch_norm", _cancelling,
     lambda m, F, x: F.batch_norm(x.reshape(-1, 1), None, None, training=True).reshape(-1),
     _norm),
    ("mse_loss", _roots, lambda m, F, x: F.mse_loss(x, m.zeros_like(x)),
     lambda a: np.mean(a * a)),
    ("cross_entropy", _many,
     lambda m, F, x: F.cross_entropy(x.reshape(1, -1), m.tensor([0], device=x.device)),
     lambda a: math.log(a.size)),
    ("avg_pool2d", _hard,
     lambda m, F, x: F.avg_pool2d(x.reshape(1, 1, 1, -1), (1, x.numel())),
     lambda a: [[[[a.mean()]]]]),
    ("dot", _cancelling, lambda m, F, x: m.dot(x, m.ones_like(x)), np.sum),
    ("matmul", _cancelling, lambda m, F, x: x.reshape(1, -1) @ m.ones_like(x).reshape(-1, 1),
     lambda a: [[a.sum()]]),
    ("linear with bias", _tie,
     lambda m, F, x: F.linear(x, m.ones_like(x).reshape(1, -1), m.ones_like(x)[:1]),
     lambda a: [a.sum() + 1]),
    ("addmm", _tie,
     lambda m, F, x: m.addmm(m.ones_like(x)[:1], x.reshape(1, -1),
                             m.ones_like(x).reshape(-1, 1), alpha=2, beta=2),
     lambda a: [[a.sum() * 2 + 2]]),
    ("conv2d with bias", _tie,
     lambda m, F, x: F.conv2d(x.reshape(1, -1, 1, 1), m.ones_like(x).reshape(1, -1, 1, 1),
                              m.ones_like(x)[:1]),
     lambda a: [[[[a.sum() + 1]]]]),
    ("scaled_dot_product_attention", _cancelling,
     lambda m, F, x: F.scaled_dot_product_attention(m.ones_like(x).reshape(-1, 1),
                                                    m.ones_like(x).reshape(-1, 1),
                                                    x.reshape(-1, 1)),
     lambda a: np.full((a.size, 1), a.mean())),
]


def _rounded(values: Any, dtype: pb.DType) -> Array:
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float64).astype(dtype.numpy).astype(np.float64)


@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "inputs", "call", "reference"), ACCUMULATING,
                         ids=[case[0] for case in ACCUMULATING])
def test_reduced_precision_accumulates_in_float32(
    device: pb.Device, dtype: pb.DType, name: str, inputs: Callable[[pb.DType], Array],
    call: Call, reference: Callable[[Array], Any],
) -> None:
    a = _rounded(inputs(dtype), dtype)
    result = call(pb, pb, pb.tensor(a, dtype=pb.float64).to(dtype).to(device))
    assert result.dtype is dtype and result.device == device
    # The exact answer rounded once (accumulating in the dtype misses it by far).
    expected = _rounded(reference(a), dtype)
    np.testing.assert_array_equal(result.to("cpu", pb.float64).numpy(), expected)


@pytest.mark.parametrize("dtype", REDUCED)
@pytest.mark.parametrize(("name", "inputs", "call", "reference"), ACCUMULATING,
                         ids=[case[0] for case in ACCUMULATING])
def test_reduced_precision_matches_pytorch(
    device: pb.Device, dtype: pb.DType, name: str, inputs: Callable[[pb.DType], Array],
    call: Call, reference: Callable[[Array], Any],
) -> None:
    torch = pytest.importorskip("torch")
    if name == "prod":
        # PyTorch's CPU prod multiplies in float16 and bfloat16 themselves (its cumprod
        # does not); plugboard accumulates both in float32 (docs/architecture.md, 12).
        pytest.skip("prod: a documented departure from PyTorch")
    a = _rounded(inputs(dtype), dtype)
    expected = call(torch, torch.nn.functional,
                    torch.tensor(a, dtype=torch.float64).to(getattr(torch, dtype.name)))
    result = call(pb, pb, pb.tensor(a, dtype=pb.float64).to(dtype).to(device))
    np.testing.assert_array_equal(result.to("cpu", pb.float64).numpy(),
                                  expected.to(torch.float64).numpy())


def test_float16_mean_and_mse_loss_are_pytorchs(device: pb.Device) -> None:
    x = pb.tensor([6e4, 6e4, 5e4], dtype=pb.float16, device=device)
    assert pb.mean(x).item() == 56672.0  # PyTorch: 56672; float16's own sum is inf
    roots = pb.tensor([245.0, 245.0, 224.0], dtype=pb.float16, device=device)
    assert pb.mse_loss(roots, pb.zeros_like(roots)).item() == 56736.0  # 56742.33, rounded


# Huge and tiny finite inputs ------------------------------------------------------

FLOATS = [pb.float32, pb.float64]


def _require(device: pb.Device, dtype: pb.DType) -> None:
    if dtype not in pb.device_properties(device).dtypes:
        pytest.skip(f"{device} does not declare {dtype}")


def _huge(dtype: pb.DType) -> float:
    return 1e20 if dtype is pb.float32 else 1e200  # their squares overflow


def _large(dtype: pb.DType) -> float:
    return 1e19 if dtype is pb.float32 else 1e154  # four of their squares overflow


def _tiny(dtype: pb.DType) -> float:
    return 1e-25 if dtype is pb.float32 else 1e-170  # their squares underflow


STABLE: list[tuple[str, Callable[[pb.DType], list[float]], Callable[[T], T], float]] = [
    # (name, inputs, the call, the answer relative to the inputs' magnitude v)
    ("std of huge values", lambda d: [_huge(d), -_huge(d)], pb.std, math.sqrt(2)),
    ("std of tiny values", lambda d: [_tiny(d), -_tiny(d)], pb.std, math.sqrt(2)),
    ("std over a dim", lambda d: [_huge(d), -_huge(d)],
     lambda x: pb.std(x.reshape(1, 2), 1, keepdim=True).reshape(-1), math.sqrt(2)),
    # [v, -v, v, -v]: the squares' sum overflows, the variance 4 v**2 / 3 does not.
    ("var of huge values", lambda d: [_large(d), -_large(d)] * 2,
     lambda x: pb.var(x) / _large(x.dtype), 4 / 3),
    ("norm of huge values", lambda d: [_huge(d), _huge(d)], pb.norm,
     math.sqrt(2)),
    ("norm of tiny values", lambda d: [_tiny(d), _tiny(d)], pb.norm,
     math.sqrt(2)),
    ("norm p=3 of huge values", lambda d: [_huge(d), _huge(d)], lambda x: pb.norm(x, 3),
     2 ** (1 / 3)),
    ("norm p=-2 of tiny values", lambda d: [_tiny(d), _tiny(d)], lambda x: pb.norm(x, -2),
     2 ** -0.5),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("name", "inputs", "call", "relative"), STABLE,
                         ids=[case[0] for case in STABLE])
def test_reductions_of_huge_and_tiny_values_are_finite(
    device: pb.Device, dtype: pb.DType, name: str, inputs: Callable[[pb.DType], list[float]],
    call: Callable[[T], T], relative: float,
) -> None:
    _require(device, dtype)
    values = inputs(dtype)
    result = call(pb.tensor(values, dtype=dtype, device=device))
    expected = relative * abs(values[0])
    assert result.to("cpu", pb.float64).numpy() == pytest.approx(expected, rel=1e-6, abs=0)


_AS_PYTORCH: list[tuple[str, list[float], Callable[[Any, Any], Any]]] = [
    # float32 cases PyTorch's CPU kernels answer finitely too (they accumulate var and
    # std in float64); norm and lerp there overflow (docs/architecture.md, section 12).
    ("std of huge values", [1e20, -1e20], lambda m, x: m.std(x)),
    ("std of tiny values", [1e-25, -1e-25], lambda m, x: m.std(x)),
    ("var of huge values", [1e19, -1e19, 1e19, -1e19], lambda m, x: m.var(x)),
    ("var beyond float32", [1e20, -1e20], lambda m, x: m.var(x)),
    ("expm1 near exp's top", [87.0, 88.5, 1e-10], lambda m, x: m.expm1(x)),
    ("addcmul with a small value", [1e30],
     lambda m, x: m.addcmul(x * 0, x, x, value=1e-30)),
    ("addcdiv with a small value", [1e30],
     lambda m, x: m.addcdiv(x * 0, x, 1 / x, value=1e-30)),
]


@pytest.mark.parametrize(("name", "values", "call"), _AS_PYTORCH,
                         ids=[case[0] for case in _AS_PYTORCH])
def test_huge_finite_inputs_match_pytorch(device: pb.Device, name: str, values: list[float],
                                          call: Callable[[Any, Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    expected = call(torch, torch.tensor(values)).reshape(-1).tolist()
    result = call(pb, pb.tensor(values, device=device)).reshape(-1).tolist()
    assert result == pytest.approx(expected, rel=1e-6, abs=0)


def test_var_overflows_only_where_the_variance_does(device: pb.Device) -> None:
    # 2e40 is beyond float32: inf, as in PyTorch; its std, 1.4e20, is not.
    x = pb.tensor([1e20, -1e20], device=device)
    assert pb.var(x).item() == math.inf
    assert pb.std(x).item() == pytest.approx(math.sqrt(2) * 1e20, rel=1e-6)


@pytest.mark.parametrize("dtype", FLOATS)
def test_expm1_near_the_top_of_exps_range(device: pb.Device, dtype: pb.DType) -> None:
    _require(device, dtype)
    x = 87.0 if dtype is pb.float32 else 709.0  # exp(x) is finite, x * exp(x) is not
    result = pb.expm1(pb.tensor([x, 1e-10, -1e-10], dtype=dtype, device=device))
    expected = [math.expm1(x), 1e-10, -1e-10]
    assert result.to("cpu", pb.float64).tolist() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("weight_kind", ["number", "tensor"])
@pytest.mark.parametrize("weight", [0.25, 0.5, 0.75])
def test_lerp_between_huge_values_of_opposite_signs(
    device: pb.Device, dtype: pb.DType, weight_kind: str, weight: float
) -> None:
    _require(device, dtype)
    big = float(dtype.max) * 0.9
    start = pb.tensor([-big, big], dtype=dtype, device=device)
    end = pb.neg(start)
    w: Any = weight if weight_kind == "number" else pb.full_like(start, weight)
    result = pb.lerp(start, end, w).to("cpu", pb.float64).tolist()
    assert result == pytest.approx([big * (2 * weight - 1), big * (1 - 2 * weight)],
                                   rel=1e-6, abs=big * 1e-7)


def test_lerp_keeps_pytorchs_formula_and_its_special_values(device: pb.Device) -> None:
    x = pb.tensor([1.0, 2.0, math.inf, 1.0], device=device)
    y = pb.tensor([3.0, 5.0, 1.0, math.nan], device=device)
    assert pb.lerp(x, y, 1.0).tolist()[:2] == [3.0, 5.0]  # exactly end at weight 1
    assert pb.lerp(x, y, 0.0).tolist()[:2] == [1.0, 2.0]
    result = pb.lerp(x, y, 0.25).tolist()
    assert result[:2] == [1.5, 2.75] and math.isnan(result[2]) and math.isnan(result[3])


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
def test_addcmul_and_addcdiv_scale_tensor1_first(device: pb.Device, op: str) -> None:
    # PyTorch computes self + (value * tensor1) * tensor2 (or / tensor2): with a small
    # value, tensor1 * tensor2 alone would overflow float32.
    ones = pb.ones(1, device=device)
    tensor2 = ones * (1e30 if op == "addcmul" else 1e-30)
    result = getattr(pb, op)(ones * 0, ones * 1e30, tensor2, value=1e-30)
    assert result.item() == pytest.approx(1e30, rel=1e-6)
