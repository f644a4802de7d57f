"""With the same weights and batch, plugboard's gradients match PyTorch's (float32, 1e-5 relative).

Optional: skipped where torch is not installed. Covers an MLP, a CNN (conv,
batch norm in training, pooling) and a transformer block (multi-head
attention, layer norm, a GELU MLP, residuals).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import plugboard as pb
from plugboard import nn

torch = pytest.importorskip("torch")
tnn = torch.nn


def _copy_weights(source: nn.Module, target: torch.nn.Module) -> None:
    state = {k: torch.from_numpy(v.numpy().copy()) for k, v in source.state_dict().items()}
    target.load_state_dict(state, strict=True)


def _assert_close(actual: pb.Tensor, expected: torch.Tensor, what: str, rtol: float) -> None:
    a = actual.detach().numpy().astype(np.float64)
    e = expected.detach().numpy().astype(np.float64)
    assert a.shape == e.shape, what
    scale = max(float(np.abs(e).max()), 1e-30)
    # Relative to the tensor's largest entry: elements near zero do not demand more digits.
    np.testing.assert_allclose(a, e, rtol=rtol, atol=rtol * scale, err_msg=what)


def _compare(make_pb: Callable[[], nn.Module], make_torch: Callable[[], torch.nn.Module],
             x: np.ndarray, target: np.ndarray, loss: str, rtol: float = 1e-5) -> None:
    pb.manual_seed(0)
    ours = make_pb()
    theirs = make_torch()
    _copy_weights(ours, theirs)
    if loss == "cross_entropy":
        out = nn.CrossEntropyLoss()(ours(pb.tensor(x)), pb.tensor(target))
        ref = tnn.CrossEntropyLoss()(theirs(torch.from_numpy(x)), torch.from_numpy(target))
    else:
        out = nn.MSELoss()(ours(pb.tensor(x)), pb.tensor(target))
        ref = tnn.MSELoss()(theirs(torch.from_numpy(x)), torch.from_numpy(target))
    out.backward()
    ref.backward()
    assert out.item() == pytest.approx(ref.item(), rel=rtol)
    grads = dict(theirs.named_parameters())
    names = [n for n, _ in ours.named_parameters()]
    assert names == list(grads)
    for name, param in ours.named_parameters():
        assert param.grad is not None, name
        _assert_close(param.grad, grads[name].grad, name, rtol)
    for name, buffer in ours.named_buffers():
        _assert_close(buffer, dict(theirs.named_buffers())[name], name, rtol)


def test_mlp_gradients_match_pytorch() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 64)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    _compare(lambda: nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64),
                                   nn.Tanh(), nn.Linear(64, 10)),
             lambda: tnn.Sequential(tnn.Linear(64, 128), tnn.ReLU(), tnn.Linear(128, 64),
                                    tnn.Tanh(), tnn.Linear(64, 10)),
             x, y, "cross_entropy")


def test_cnn_gradients_match_pytorch() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 10, 16)

    def ours() -> nn.Module:
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8),
                             nn.ReLU(),
                             nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.SiLU(),
                             nn.AvgPool2d(2), nn.Flatten(), nn.Linear(64, 10))

    def theirs() -> torch.nn.Module:
        return tnn.Sequential(tnn.Conv2d(1, 8, 3, padding=1, bias=False),
                              tnn.BatchNorm2d(8), tnn.ReLU(),
                              tnn.MaxPool2d(2), tnn.Conv2d(8, 16, 3, padding=1), tnn.SiLU(),
                              tnn.AvgPool2d(2), tnn.Flatten(), tnn.Linear(64, 10))

    # The first conv has no bias: before batch norm its gradient is zero, up to rounding.
    _compare(ours, theirs, x, y, "cross_entropy")


class _Block(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: pb.Tensor) -> pb.Tensor:
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        out: pb.Tensor = x + self.mlp(self.norm2(x))
        return out


class _TorchBlock(torch.nn.Module):  # type: ignore[misc]
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.norm1 = tnn.LayerNorm(dim)
        self.attn = tnn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = tnn.LayerNorm(dim)
        self.mlp = tnn.Sequential(tnn.Linear(dim, 4 * dim), tnn.GELU(), tnn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


def test_transformer_block_gradients_match_pytorch() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 10, 32)).astype(np.float32)
    y = rng.standard_normal((4, 10, 32)).astype(np.float32)
    _compare(lambda: _Block(32, 4), lambda: _TorchBlock(32, 4), x, y, "mse")


def test_attention_weights_and_masks_match_pytorch() -> None:
    pb.manual_seed(0)
    ours = nn.MultiheadAttention(8, 2)
    theirs = tnn.MultiheadAttention(8, 2)
    _copy_weights(ours, theirs)
    rng = np.random.default_rng(3)
    q, k = (rng.standard_normal((5, 3, 8)).astype(np.float32) for _ in range(2))
    padding = np.zeros((3, 5), dtype=bool)
    padding[2, 4] = True
    mask = np.triu(np.ones((5, 5), dtype=bool), 1)
    out, w = ours(pb.tensor(q), pb.tensor(k), pb.tensor(k), key_padding_mask=pb.tensor(padding),
                  attn_mask=pb.tensor(mask), average_attn_weights=False)
    ref, ref_w = theirs(torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(k),
                        key_padding_mask=torch.from_numpy(padding),
                        attn_mask=torch.from_numpy(mask), average_attn_weights=False)
    _assert_close(out, ref, "output", 1e-5)
    assert w is not None
    _assert_close(w, ref_w, "weights", 1e-5)


def test_batchnorm_running_statistics_match_pytorch() -> None:
    rng = np.random.default_rng(4)
    ours, theirs = nn.BatchNorm2d(3, momentum=0.3), tnn.BatchNorm2d(3, momentum=0.3)
    for _ in range(3):
        x = (rng.standard_normal((4, 3, 5, 5)) * 2 + 1).astype(np.float32)
        ours(pb.tensor(x))
        theirs(torch.from_numpy(x))
    for name in ("running_mean", "running_var"):
        _assert_close(getattr(ours, name), getattr(theirs, name), name, 1e-5)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 3
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    _assert_close(ours(pb.tensor(x)), theirs(torch.from_numpy(x)), "eval output", 1e-5)
