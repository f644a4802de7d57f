"""Small models end to end on the CPU: an MLP and a CNN forward pass.

Each model is written once with plugboard operators and once in NumPy
(float64, from the same float32 parameters); the results agree to float32
precision. With PyTorch installed, the same forward pass through
``torch.nn.functional`` agrees too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb

RTOL, ATOL = 1e-5, 1e-5


def _parameters(seed: int, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {}
    for name, shape in shapes.items():
        fan_in = math.prod(shape[1:]) if len(shape) > 1 else shape[0]
        params[name] = rng.uniform(-1, 1, size=shape).astype(np.float32) / math.sqrt(fan_in)
    return params


# The MLP: linear -> gelu -> layer_norm -> linear -> softmax, and its cross-entropy loss ----

MLP_SHAPES = {"w1": (32, 20), "b1": (32,), "ln_w": (32,), "ln_b": (32,), "w2": (10, 32),
              "b2": (10,)}


def mlp_plugboard(x: pb.Tensor, target: pb.Tensor, p: dict[str, pb.Tensor]
                  ) -> tuple[pb.Tensor, pb.Tensor]:
    h = pb.gelu(pb.linear(x, p["w1"], p["b1"]))
    h = pb.layer_norm(h, [32], p["ln_w"], p["ln_b"])
    logits = pb.linear(h, p["w2"], p["b2"])
    return pb.softmax(logits, -1), pb.cross_entropy(logits, target)


def mlp_numpy(x: np.ndarray, target: np.ndarray, p: dict[str, np.ndarray]
              ) -> tuple[np.ndarray, float]:
    erf = np.vectorize(math.erf)
    h = x @ p["w1"].T + p["b1"]
    h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
    h = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + 1e-5)
    logits = (h * p["ln_w"] + p["ln_b"]) @ p["w2"].T + p["b2"]
    shifted = logits - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return np.exp(logp), float(-logp[np.arange(len(target)), target].mean())


# The CNN: (conv2d -> relu -> max_pool2d) twice -> flatten -> linear -------------------------

CNN_SHAPES = {"c1": (8, 3, 3, 3), "c1_b": (8,), "c2": (16, 8, 3, 3), "c2_b": (16,),
              "fc": (10, 16 * 3 * 3), "fc_b": (10,)}


def cnn_plugboard(x: pb.Tensor, p: dict[str, pb.Tensor]) -> pb.Tensor:
    h = pb.max_pool2d(pb.relu(pb.conv2d(x, p["c1"], p["c1_b"], padding=1)), 2)
    h = pb.max_pool2d(pb.relu(pb.conv2d(h, p["c2"], p["c2_b"])), 2)
    return pb.linear(pb.flatten(h, 1), p["fc"], p["fc_b"])  # type: ignore[no-any-return]


def _conv2d_numpy(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> np.ndarray:
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    result: np.ndarray = np.einsum("nchwij,ocij->nohw", windows, w) + b[:, None, None]
    return result


def _max_pool_numpy(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    result: np.ndarray = x[:, :, : h // 2 * 2, : w // 2 * 2].reshape(
        n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return result


def cnn_numpy(x: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    h = _max_pool_numpy(np.maximum(_conv2d_numpy(x, p["c1"], p["c1_b"], 1), 0))
    h = _max_pool_numpy(np.maximum(_conv2d_numpy(h, p["c2"], p["c2_b"], 0), 0))
    result: np.ndarray = h.reshape(len(h), -1) @ p["fc"].T + p["fc_b"]
    return result


# Inputs -------------------------------------------------------------------------------


def _mlp_inputs() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 20)).astype(np.float32)
    target = rng.integers(0, 10, size=16)
    return x, target, _parameters(1, MLP_SHAPES)


def _cnn_inputs() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    x = np.random.default_rng(2).normal(size=(4, 3, 16, 16)).astype(np.float32)
    return x, _parameters(3, CNN_SHAPES)


def _on_device(params: dict[str, np.ndarray]) -> dict[str, pb.Tensor]:
    return {name: pb.tensor(value) for name, value in params.items()}


def _wide(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: value.astype(np.float64) for name, value in params.items()}


def test_mlp_forward_agrees_with_numpy() -> None:
    x, target, params = _mlp_inputs()
    probs, loss = mlp_plugboard(pb.tensor(x), pb.tensor(target), _on_device(params))
    expected_probs, expected_loss = mlp_numpy(x.astype(np.float64), target, _wide(params))
    assert (probs.shape, probs.dtype, loss.shape) == ((16, 10), pb.float32, ())
    np.testing.assert_allclose(probs.numpy(), expected_probs, rtol=RTOL, atol=ATOL)
    assert loss.item() == pytest.approx(expected_loss, rel=RTOL)


def test_cnn_forward_agrees_with_numpy() -> None:
    x, params = _cnn_inputs()
    logits = cnn_plugboard(pb.tensor(x), _on_device(params))
    expected = cnn_numpy(x.astype(np.float64), _wide(params))
    assert (logits.shape, logits.dtype) == ((4, 10), pb.float32)
    np.testing.assert_allclose(logits.numpy(), expected, rtol=RTOL, atol=ATOL)


def _torch_params(torch: Any, params: dict[str, np.ndarray]) -> dict[str, Any]:
    return {name: torch.from_numpy(value) for name, value in params.items()}


def test_mlp_and_cnn_agree_with_pytorch() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    x, target, params = _mlp_inputs()
    p = _torch_params(torch, params)
    h = F.gelu(F.linear(torch.from_numpy(x), p["w1"], p["b1"]))
    logits = F.linear(F.layer_norm(h, [32], p["ln_w"], p["ln_b"]), p["w2"], p["b2"])
    probs, loss = mlp_plugboard(pb.tensor(x), pb.tensor(target), _on_device(params))
    np.testing.assert_allclose(probs.numpy(), F.softmax(logits, -1).numpy(), rtol=RTOL,
                               atol=ATOL)
    expected_loss = F.cross_entropy(logits, torch.from_numpy(target)).item()
    assert loss.item() == pytest.approx(expected_loss, rel=RTOL)

    x, params = _cnn_inputs()
    p = _torch_params(torch, params)
    h = F.max_pool2d(F.relu(F.conv2d(torch.from_numpy(x), p["c1"], p["c1_b"], padding=1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, p["c2"], p["c2_b"])), 2)
    expected = F.linear(torch.flatten(h, 1), p["fc"], p["fc_b"]).numpy()
    logits_pb = cnn_plugboard(pb.tensor(x), _on_device(params))
    np.testing.assert_allclose(logits_pb.numpy(), expected, rtol=RTOL, atol=ATOL)
