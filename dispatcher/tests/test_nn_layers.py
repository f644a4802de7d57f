"""Each layer's forward against a NumPy reference, and its gradients by gradcheck (float64, cpu)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import plugboard as pb
from plugboard import nn
from plugboard.autograd import gradcheck


@pytest.fixture(autouse=True)
def _seed() -> None:
    pb.manual_seed(0)


def _np(t: pb.Tensor) -> np.ndarray:
    return t.detach().numpy().astype(np.float64)


def _close(actual: pb.Tensor, expected: np.ndarray, tol: float = 1e-5) -> None:
    np.testing.assert_allclose(_np(actual), expected, rtol=tol, atol=tol)


def _params_require_grad_check(layer: nn.Module, *inputs: pb.Tensor) -> None:
    """gradcheck of the layer's output with respect to its floating inputs and parameters."""
    layer.double()
    names = [n for n, _ in layer.named_parameters()]
    params = [p for _, p in layer.named_parameters()]
    floating = [x.requires_grad_() for x in inputs if x.is_floating_point()]

    def fn(*args: pb.Tensor) -> pb.Tensor:
        xs, ps = iter(args[:len(floating)]), args[len(floating):]
        actual = [next(xs) if x.is_floating_point() else x for x in inputs]
        return _call_with(layer, names, ps, actual)

    assert gradcheck(fn, [*floating, *params])


def _call_with(layer: nn.Module, names: list[str], values: tuple[pb.Tensor, ...],
               inputs: list[pb.Tensor]) -> pb.Tensor:
    # Run the layer with the given tensors in place of its parameters (gradcheck perturbs
    # copies of them), then restore the parameters.
    owners = []
    for name, value in zip(names, values, strict=True):
        *path, leaf = name.split(".")
        owner = layer
        for part in path:
            owner = getattr(owner, part)
        owners.append((owner, leaf, owner._parameters[leaf]))
        owner._parameters[leaf] = value  # type: ignore[assignment]
    try:
        out = layer(*inputs)
        return out[0] if isinstance(out, tuple) else out
    finally:
        for owner, leaf, param in owners:
            owner._parameters[leaf] = param


def test_linear_forward_and_gradients() -> None:
    layer = nn.Linear(4, 3)
    x = pb.randn(5, 4)
    _close(layer(x), _np(x) @ _np(layer.weight).T + _np(layer.bias))
    _params_require_grad_check(layer, pb.randn(2, 4, dtype=pb.float64))
    assert nn.Linear(4, 3, bias=False)(x).shape == (5, 3)


def _conv_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, pad: int) -> np.ndarray:
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out + b[None, :, None, None]


def test_conv2d_forward_and_gradients() -> None:
    layer = nn.Conv2d(2, 3, 3, stride=2, padding=1)
    x = pb.randn(2, 2, 7, 7)
    _close(layer(x), _conv_ref(_np(x), _np(layer.weight), _np(layer.bias), 2, 1))
    assert nn.Conv2d(2, 3, 3, padding="same")(x).shape == (2, 3, 7, 7)
    _params_require_grad_check(nn.Conv2d(2, 2, 2), pb.randn(1, 2, 3, 3, dtype=pb.float64))
    with pytest.raises(pb.ArgumentError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(pb.ArgumentError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="reflect")


def test_pooling_forward_and_gradients() -> None:
    x = pb.randn(2, 3, 4, 6)
    a = _np(x).reshape(2, 3, 2, 2, 3, 2)
    _close(nn.MaxPool2d(2)(x), a.max(axis=(3, 5)))
    _close(nn.AvgPool2d(2)(x), a.mean(axis=(3, 5)))
    x64 = pb.randn(1, 1, 4, 4, dtype=pb.float64, requires_grad=True)
    assert gradcheck(nn.MaxPool2d(2, stride=1), [x64])
    assert gradcheck(nn.AvgPool2d(3, stride=1, padding=1), [x64])
    with pytest.raises(pb.ArgumentError, match="return_indices"):
        nn.MaxPool2d(2, return_indices=True)


def test_batchnorm_trains_with_batch_statistics_and_evaluates_with_running_ones() -> None:
    bn = nn.BatchNorm2d(3, momentum=0.2)
    init_weight = pb.tensor([1.0, 2.0, 0.5])
    with pb.no_grad():
        bn.weight.copy_(init_weight)
        bn.bias.fill_(0.1)
    x = pb.randn(4, 3, 2, 2) * 3 + 1
    a = _np(x)
    mean, var = a.mean(axis=(0, 2, 3)), a.var(axis=(0, 2, 3))
    g = _np(init_weight)[None, :, None, None]
    expected = (a - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    _close(bn(x), expected * g + 0.1, 1e-4)
    unbiased = a.var(axis=(0, 2, 3), ddof=1)
    _close(bn.running_mean, 0.2 * mean)
    _close(bn.running_var, 0.8 + 0.2 * unbiased, 1e-4)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    y = bn(x)
    rm, rv = _np(bn.running_mean), _np(bn.running_var)
    _close(y, (a - rm[None, :, None, None]) / np.sqrt(rv[None, :, None, None] + 1e-5) * g
           + 0.1, 1e-4)
    assert bn.num_batches_tracked.item() == 1  # eval leaves the statistics alone
    _close(bn.running_mean, 0.2 * mean)


def test_batchnorm_cumulative_average_and_no_tracking() -> None:
    bn = nn.BatchNorm2d(2, momentum=None)
    xs = [pb.randn(3, 2, 2, 2) + i for i in range(3)]
    for x in xs:
        bn(x)
    means = [_np(x).mean(axis=(0, 2, 3)) for x in xs]
    _close(bn.running_mean, np.mean(means, axis=0))
    free = nn.BatchNorm2d(2, track_running_stats=False).eval()
    assert free.running_mean is None and list(free.buffers()) == []
    a = _np(xs[0])
    _close(free(xs[0]), (a - a.mean(axis=(0, 2, 3))[None, :, None, None])
           / np.sqrt(a.var(axis=(0, 2, 3))[None, :, None, None] + 1e-5), 1e-4)
    with pytest.raises(pb.ShapeError, match="4-d input"):
        bn(pb.randn(3, 2))


def test_batchnorm_gradients() -> None:
    bn = nn.BatchNorm2d(2)
    _params_require_grad_check(bn, pb.randn(3, 2, 2, 2, dtype=pb.float64))
    bn.eval()
    _params_require_grad_check(bn, pb.randn(3, 2, 2, 2, dtype=pb.float64))


def test_layer_norm_and_rms_norm() -> None:
    x = pb.randn(3, 4, 5)
    a = _np(x)
    ln = nn.LayerNorm([4, 5])
    mean = a.mean(axis=(1, 2), keepdims=True)
    var = a.var(axis=(1, 2), keepdims=True)
    _close(ln(x), (a - mean) / np.sqrt(var + 1e-5), 1e-4)
    assert nn.LayerNorm(5, bias=False).bias is None
    rms = nn.RMSNorm(5, eps=1e-6)
    _close(rms(x), a / np.sqrt((a * a).mean(axis=-1, keepdims=True) + 1e-6), 1e-4)
    _params_require_grad_check(nn.LayerNorm(3), pb.randn(2, 3, dtype=pb.float64))
    _params_require_grad_check(nn.RMSNorm(3), pb.randn(2, 3, dtype=pb.float64))


def test_embedding_looks_up_rows_and_skips_the_padding_gradient() -> None:
    emb = nn.Embedding(5, 3, padding_idx=1)
    idx = pb.tensor([[1, 2], [4, 1]])
    _close(emb(idx), _np(emb.weight)[_np(idx).astype(int)])
    assert emb.weight[1].tolist() == [0.0, 0.0, 0.0]
    emb(idx).sum().backward()
    grad = _np(emb.weight.grad)
    np.testing.assert_array_equal(grad[1], 0.0)  # padding row: no gradient
    np.testing.assert_array_equal(grad[2], 1.0)
    np.testing.assert_array_equal(grad[0], 0.0)
    assert nn.Embedding(5, 3, padding_idx=-1).padding_idx == 4
    frozen = nn.Embedding.from_pretrained(pb.ones(2, 2))
    assert not frozen.weight.requires_grad
    with pytest.raises(pb.ArgumentError, match="padding_idx"):
        nn.Embedding(3, 2, padding_idx=3)


def test_dropout_in_training_only() -> None:
    drop = nn.Dropout(0.25)
    y = _np(drop(pb.ones(20000)))
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02
    drop.eval()
    assert drop(pb.ones(4)).tolist() == [1.0] * 4
    pb.manual_seed(7)
    first = nn.Dropout()(pb.ones(16)).tolist()
    pb.manual_seed(7)
    assert nn.Dropout()(pb.ones(16)).tolist() == first  # drawn from pb's generator
    with pytest.raises(pb.ArgumentError, match="probability"):
        nn.Dropout(1.5)


def test_activations() -> None:
    x = pb.randn(50)
    a = _np(x)
    _close(nn.ReLU()(x), np.maximum(a, 0))
    erf = np.vectorize(math.erf)
    _close(nn.GELU()(x), 0.5 * a * (1 + erf(a / math.sqrt(2))))
    _close(nn.GELU("tanh")(x),
           0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3))))
    _close(nn.SiLU()(x), a / (1 + np.exp(-a)))
    _close(nn.Tanh()(x), np.tanh(a))
    _close(nn.Sigmoid()(x), 1 / (1 + np.exp(-a)))
    e = np.exp(a - a.max())
    _close(nn.Softmax(0)(x), e / e.sum())
    _close(nn.LogSoftmax(0)(x), np.log(e / e.sum()))
    x64 = pb.randn(6, dtype=pb.float64, requires_grad=True)
    for layer in (nn.GELU(), nn.GELU("tanh"), nn.SiLU(), nn.Tanh(), nn.Sigmoid(),
                  nn.Softmax(0)):
        assert gradcheck(layer, [x64])
    with pytest.raises(pb.ArgumentError, match="approximate"):
        nn.GELU("fast")


def test_flatten() -> None:
    x = pb.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)


def test_losses() -> None:
    logits = pb.randn(6, 4)
    target = pb.tensor([0, 3, 1, 1, 2, 0])
    a, t = _np(logits), _np(target).astype(int)
    logp = a - np.log(np.exp(a).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(6), t]
    _close(nn.CrossEntropyLoss()(logits, target), nll.mean())
    _close(nn.CrossEntropyLoss(reduction="sum")(logits, target), nll.sum())
    _close(nn.CrossEntropyLoss(reduction="none")(logits, target), nll)
    smooth = 0.9 * nll - 0.1 * logp.mean(axis=1)
    _close(nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target), smooth.mean())
    ignored = pb.tensor([0, 3, -100, 1, 2, 0])
    keep = np.array([0, 1, 3, 4, 5])
    _close(nn.CrossEntropyLoss()(logits, ignored), nll[keep].mean())
    w = pb.tensor([1.0, 2.0, 0.5, 1.0])
    ww = _np(w)[t]
    _close(nn.CrossEntropyLoss(weight=w)(logits, target), (ww * nll).sum() / ww.sum())
    y = pb.randn(6, 4)
    _close(nn.MSELoss()(logits, y), ((a - _np(y)) ** 2).mean())
    l64 = pb.randn(3, 4, dtype=pb.float64, requires_grad=True)
    assert gradcheck(lambda z: nn.CrossEntropyLoss(label_smoothing=0.2)(z, target[:3]), [l64])
    assert gradcheck(lambda z: nn.MSELoss()(z, pb.zeros(3, 4, dtype=pb.float64)), [l64])
    with pytest.raises(pb.ArgumentError, match="reduction"):
        nn.MSELoss(reduction="avg")


def _mha_reference(mha: nn.MultiheadAttention, x: np.ndarray,
                   mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    e, h = mha.embed_dim, mha.num_heads
    w, b = _np(mha.in_proj_weight), _np(mha.in_proj_bias)
    q, k, v = (x @ w[i * e:(i + 1) * e].T + b[i * e:(i + 1) * e] for i in range(3))
    n, length, _ = x.shape

    def heads(t: np.ndarray) -> np.ndarray:
        return t.reshape(n, length, h, e // h).transpose(0, 2, 1, 3)

    scores = heads(q) @ heads(k).transpose(0, 1, 3, 2) / math.sqrt(e // h)
    if mask is not None:
        scores = np.where(mask, -np.inf, scores)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    out = (p @ heads(v)).transpose(0, 2, 1, 3).reshape(n, length, e)
    return out @ _np(mha.out_proj.weight).T + _np(mha.out_proj.bias), p.mean(axis=1)


def test_multihead_attention() -> None:
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    with pb.no_grad():
        mha.in_proj_bias.copy_(pb.randn(24) * 0.1)
        mha.out_proj.bias.copy_(pb.randn(8) * 0.1)
    x = pb.randn(2, 5, 8)
    out, weights = mha(x, x, x)
    ref_out, ref_w = _mha_reference(mha, _np(x), None)
    _close(out, ref_out, 1e-4)
    assert weights is not None
    _close(weights, ref_w, 1e-5)
    fast, none = mha(x, x, x, need_weights=False)
    assert none is None
    _close(fast, ref_out, 1e-4)
    causal = np.triu(np.ones((5, 5), dtype=bool), 1)
    masked, _ = mha(x, x, x, attn_mask=pb.tensor(causal))
    _close(masked, _mha_reference(mha, _np(x), causal)[0], 1e-4)
    via_flag, _ = mha(x, x, x, is_causal=True, need_weights=False)
    _close(via_flag, _mha_reference(mha, _np(x), causal)[0], 1e-4)
    padding = np.zeros((2, 5), dtype=bool)
    padding[1, 3:] = True
    padded, _ = mha(x, x, x, key_padding_mask=pb.tensor(padding))
    _close(padded, _mha_reference(mha, _np(x), padding[:, None, None, :])[0], 1e-4)
    seq_first = nn.MultiheadAttention(8, 2)
    seq_first.load_state_dict(mha.state_dict())
    out_sf, _ = seq_first(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1))
    _close(out_sf.transpose(0, 1), ref_out, 1e-4)
    unbatched, w1 = mha(x[0], x[0], x[0])
    _close(unbatched, ref_out[0], 1e-4)
    assert w1 is not None and w1.shape == (5, 5)
    cross = nn.MultiheadAttention(4, 2, kdim=3, vdim=6, batch_first=True)
    assert cross.in_proj_weight is None and cross.k_proj_weight.shape == (4, 3)
    assert cross(pb.randn(1, 2, 4), pb.randn(1, 7, 3), pb.randn(1, 7, 6))[0].shape == (1, 2, 4)
    small = nn.MultiheadAttention(4, 2, batch_first=True)
    _params_require_grad_check(small, *(pb.randn(1, 3, 4, dtype=pb.float64) for _ in range(3)))
    with pytest.raises(pb.ArgumentError, match="divisible"):
        nn.MultiheadAttention(6, 4)
