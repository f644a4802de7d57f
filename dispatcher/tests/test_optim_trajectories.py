"""Each optimizer's trajectory over 20 steps equals the published update and PyTorch's.

The problem is a quadratic with a different curvature per element,
``loss = sum(a * (w - c) ** 2)`` over two parameters in two groups (the second
with its own learning rate). The reference is a NumPy re-implementation of
each optimizer's documented algorithm, so the test runs without PyTorch; where
PyTorch is installed its optimizers are compared as well.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb

STEPS = 20
SHAPES = [(3,), (2, 2)]
LRS = [None, 0.05]  # the second group overrides the optimizer's lr

CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.3, "amsgrad": True}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in options.items())}" for name, options in CASES]


def _problem() -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(0)
    starts = [rng.normal(size=shape) for shape in SHAPES]
    curvatures = [rng.uniform(0.5, 3.0, size=shape) for shape in SHAPES]
    centres = [rng.normal(size=shape) for shape in SHAPES]
    return starts, curvatures, centres


def _groups(params: list[Any]) -> list[dict[str, Any]]:
    return [{"params": [p]} if lr is None else {"params": [p], "lr": lr}
            for p, lr in zip(params, LRS, strict=True)]


def plugboard_trajectory(
    name: str, options: dict[str, Any], dtype: pb.DType, device: str = "cpu"
) -> list[list[np.ndarray]]:
    starts, curvatures, centres = _problem()
    params = [pb.tensor(s, dtype=dtype, device=device, requires_grad=True) for s in starts]
    a = [pb.tensor(x, dtype=dtype, device=device) for x in curvatures]
    c = [pb.tensor(x, dtype=dtype, device=device) for x in centres]
    optimizer = getattr(pb.optim, name)(_groups(params), **options)
    trajectory = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = sum(((ai * (p - ci) ** 2).sum() for p, ai, ci in zip(params, a, c, strict=True)))
        loss.backward()
        optimizer.step()
        trajectory.append([p.detach().cpu().numpy().copy() for p in params])
        assert all(p.dtype == dtype and p.device == pb.device(device) for p in params)
    return trajectory


def numpy_trajectory(name: str, options: dict[str, Any]) -> list[list[np.ndarray]]:
    """The documented algorithms (PyTorch's docs for SGD, Adam and AdamW), in float64."""
    starts, curvatures, centres = _problem()
    update = _sgd if name == "SGD" else _adam
    if name == "AdamW":
        options = {"weight_decay": 0.01, **options, "decoupled": True}
    params = [s.copy() for s in starts]
    states: list[dict[str, Any]] = [{} for _ in params]
    trajectory = []
    for _ in range(STEPS):
        for i, (a, c) in enumerate(zip(curvatures, centres, strict=True)):
            grad = 2 * a * (params[i] - c)
            lr = LRS[i] or options["lr"]
            params[i] = update(params[i], grad, states[i], {**options, "lr": lr})
        trajectory.append([p.copy() for p in params])
    return trajectory


def _sgd(p: np.ndarray, g: np.ndarray, state: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    momentum, dampening = o.get("momentum", 0.0), o.get("dampening", 0.0)
    if o.get("maximize"):
        g = -g
    g = g + o.get("weight_decay", 0.0) * p
    if momentum:
        b = g if "b" not in state else momentum * state["b"] + (1 - dampening) * g
        state["b"] = b
        g = g + momentum * b if o.get("nesterov") else b
    return p - o["lr"] * g


def _adam(p: np.ndarray, g: np.ndarray, state: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    lr, (beta1, beta2), eps = o["lr"], o.get("betas", (0.9, 0.999)), o.get("eps", 1e-8)
    weight_decay = o.get("weight_decay", 0.0)
    t = state["t"] = state.get("t", 0) + 1
    if o.get("maximize"):
        g = -g
    if o.get("decoupled"):
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
    v_max = state["v_max"] = np.maximum(state.get("v_max", 0.0), v)
    m_hat = m / (1 - beta1**t)
    v_hat = (v_max if o.get("amsgrad") else v) / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


def torch_trajectory(name: str, options: dict[str, Any], dtype: str) -> list[list[np.ndarray]]:
    torch = pytest.importorskip("torch")
    starts, curvatures, centres = _problem()
    tdtype = getattr(torch, dtype)
    params = [torch.tensor(s, dtype=tdtype, requires_grad=True) for s in starts]
    a = [torch.tensor(x, dtype=tdtype) for x in curvatures]
    c = [torch.tensor(x, dtype=tdtype) for x in centres]
    optimizer = getattr(torch.optim, name)(_groups(params), **options)
    trajectory = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = sum((ai * (p - ci) ** 2).sum() for p, ai, ci in zip(params, a, c, strict=True))
        loss.backward()
        optimizer.step()
        trajectory.append([p.detach().numpy().copy() for p in params])
    return trajectory


def assert_trajectories_equal(ours: Any, reference: Any, rtol: float, atol: float) -> None:
    for step, (mine, theirs) in enumerate(zip(ours, reference, strict=True), start=1):
        for number, (x, y) in enumerate(zip(mine, theirs, strict=True)):
            np.testing.assert_allclose(
                x, y, rtol=rtol, atol=atol, err_msg=f"step {step}, parameter {number}"
            )


@pytest.mark.parametrize(("name", "options"), CASES, ids=IDS)
def test_float64_follows_the_published_update(name: str, options: dict[str, Any]) -> None:
    ours = plugboard_trajectory(name, options, pb.float64)
    assert_trajectories_equal(ours, numpy_trajectory(name, options), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "options"), CASES, ids=IDS)
def test_float32_follows_the_published_update(name: str, options: dict[str, Any]) -> None:
    ours = plugboard_trajectory(name, options, pb.float32)
    assert_trajectories_equal(ours, numpy_trajectory(name, options), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("name", "options"), CASES, ids=IDS)
@pytest.mark.parametrize(("dtype", "rtol"), [("float64", 1e-12), ("float32", 1e-6)])
def test_trajectory_equals_pytorchs(
    name: str, options: dict[str, Any], dtype: str, rtol: float
) -> None:
    reference = torch_trajectory(name, options, dtype)
    ours = plugboard_trajectory(name, options, getattr(pb, dtype))
    atol = 1e-14 if dtype == "float64" else 1e-6  # parameters are O(1): 1e-6 of their scale
    assert_trajectories_equal(ours, reference, rtol=rtol, atol=atol)


def _has_opencl() -> bool:
    return any(d.type == "opencl" for d in pb.devices())


@pytest.mark.skipif(not _has_opencl(), reason="no OpenCL device")
@pytest.mark.parametrize(("name", "options"), CASES[1::3], ids=IDS[1::3])
def test_opencl_steps_on_the_device_like_cpu(name: str, options: dict[str, Any]) -> None:
    ours = plugboard_trajectory(name, options, pb.float32, device="opencl")
    assert_trajectories_equal(
        ours, plugboard_trajectory(name, options, pb.float32), rtol=1e-5, atol=1e-6
    )


def test_numpy_reference_is_not_trivial() -> None:
    # The reference moves the parameters towards the minimum: the comparison is not vacuous.
    _, _, centres = _problem()
    end = numpy_trajectory("Adam", {"lr": 0.1})[-1]
    start = _problem()[0]
    assert all(np.abs(e - c).sum() < np.abs(s - c).sum()
               for e, s, c in zip(end, start, centres, strict=True))
    assert not math.isclose(end[0][0], start[0][0])
