"""The nn composites' formulas: gradcheck over their arguments' variety, agreement with the
gradients of their decompositions, and the calls they leave to the decomposition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._autograd.formulas import FORMULAS

_rng = np.random.default_rng(4321)


def r(*shape: int, low: float = -1.0, high: float = 1.0, grad: bool = True) -> pb.Tensor:
    return pb.tensor(_rng.uniform(low, high, shape), dtype=pb.float64, requires_grad=grad)


def distinct(*shape: int) -> pb.Tensor:
    """Values far apart: every pooling window has one maximum."""
    values = _rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 - 3.0
    return pb.tensor(values, dtype=pb.float64, requires_grad=True)


def labels(*values: int) -> pb.Tensor:
    return pb.tensor(list(values), dtype=pb.int64)


Case = tuple[str, Callable[..., pb.Tensor], Callable[[], tuple[pb.Tensor, ...]]]

_MASK = pb.tensor([[True, False, True, True], [False, False, False, False],
                   [True, True, True, False]])

CASES: list[Case] = [
    ("softmax", lambda t: pb.softmax(t, -1), lambda: (r(2, 3, 4),)),
    ("softmax", lambda t: pb.softmax(t, 0), lambda: (r(3, 1, 2),)),
    ("log_softmax", lambda t: pb.log_softmax(t, 1), lambda: (r(2, 5, 3),)),
    ("log_softmax", lambda t: pb.log_softmax(t.t(), 0), lambda: (r(4, 3),)),
    ("layer_norm", lambda t, w, b: pb.layer_norm(t, (3, 4), w, b),
     lambda: (r(2, 3, 4), r(3, 4), r(3, 4))),
    ("layer_norm", lambda t: pb.layer_norm(t, (5,), eps=1e-3), lambda: (r(3, 5),)),
    ("layer_norm", lambda t, w: pb.layer_norm(t, (4,), w), lambda: (r(2, 2, 4), r(4))),
    ("rms_norm", lambda t, w: pb.rms_norm(t, (2, 3), w), lambda: (r(4, 2, 3), r(2, 3))),
    ("rms_norm", lambda t: pb.rms_norm(t, (4,), eps=1e-2), lambda: (r(3, 4),)),
    ("rms_norm", lambda t: pb.rms_norm(t, (1,)), lambda: (r(3, 1, low=0.5, high=1.0),)),
    ("cross_entropy", lambda t: pb.cross_entropy(t, labels(0, 2, 1, 2), reduction="sum"),
     lambda: (r(4, 3),)),
    ("cross_entropy", lambda t: pb.cross_entropy(t, labels(0, 2, -100, 1), reduction="none"),
     lambda: (r(4, 3),)),
    ("cross_entropy", lambda t: pb.cross_entropy(
        t, labels(0, 2, 1, 1), weight=pb.tensor([0.2, 1.0, 3.0], dtype=pb.float64),
        ignore_index=1), lambda: (r(4, 3),)),
    ("cross_entropy", lambda t: pb.cross_entropy(
        t, labels(3, 0, 1), weight=pb.tensor([0.5, 1.0, 2.0, 1.5], dtype=pb.float64),
        label_smoothing=0.2), lambda: (r(3, 4),)),
    ("cross_entropy", lambda t: pb.cross_entropy(t, labels(1, 0, 0, 1, 2, 2).reshape(2, 3),
                                                 label_smoothing=0.1),
     lambda: (r(2, 3, 3),)),
    ("cross_entropy", lambda t: pb.cross_entropy(t, pb.tensor(2)), lambda: (r(4),)),
    ("cross_entropy", lambda t, p: pb.cross_entropy(
        t, p.softmax(1), weight=pb.tensor([1.0, 2.0, 0.5], dtype=pb.float64),
        label_smoothing=0.3), lambda: (r(2, 3), r(2, 3, grad=False))),
    ("conv2d", lambda x, w, b: pb.conv2d(x, w, b, stride=2, padding=1),
     lambda: (r(2, 2, 5, 6), r(3, 2, 3, 3), r(3))),
    ("conv2d", lambda x, w: pb.conv2d(x, w, stride=(2, 3), dilation=(2, 1)),
     lambda: (r(1, 1, 7, 8), r(2, 1, 2, 3))),
    ("conv2d", lambda x, w, b: pb.conv2d(x, w, b, padding=(0, 2), groups=2),
     lambda: (r(1, 4, 4, 3), r(6, 2, 2, 2), r(6))),
    ("conv2d", lambda x, w: pb.conv2d(x, w, padding=1), lambda: (r(2, 4, 4), r(3, 2, 3, 3))),
    ("conv2d", lambda x, w: pb.conv2d(x, w, padding="same", dilation=2),
     lambda: (r(1, 1, 5, 5), r(1, 1, 2, 3))),
    ("max_pool2d", lambda x: pb.max_pool2d(x, 3, 1, padding=1), lambda: (distinct(1, 2, 4, 5),)),
    ("max_pool2d", lambda x: pb.max_pool2d(x, 2, ceil_mode=True), lambda: (distinct(2, 1, 5, 5),)),
    ("max_pool2d", lambda x: pb.max_pool2d(x, (2, 3), (2, 1), dilation=(2, 1)),
     lambda: (distinct(1, 1, 6, 5),)),
    ("max_pool2d", lambda x: pb.max_pool2d(x, 2), lambda: (distinct(2, 4, 4),)),
    ("embedding", lambda w: pb.embedding(labels(3, 0, 3, 1).reshape(2, 2), w),
     lambda: (r(4, 3),)),
    ("scaled_dot_product_attention", lambda q, k, v: pb.scaled_dot_product_attention(
        q, k, v, is_causal=True), lambda: (r(2, 3, 4), r(2, 3, 4), r(2, 3, 2))),
    ("scaled_dot_product_attention", lambda q, k, v: pb.scaled_dot_product_attention(
        q, k, v, attn_mask=_MASK, scale=0.7), lambda: (r(3, 2), r(4, 2), r(4, 3))),
    ("scaled_dot_product_attention", lambda q, k, v, m: pb.scaled_dot_product_attention(
        q, k, v, attn_mask=m), lambda: (r(2, 3, 2), r(1, 4, 2), r(1, 4, 2), r(3, 4, grad=False))),
    ("scaled_dot_product_attention", lambda q, k, v: pb.scaled_dot_product_attention(
        q, k, v, enable_gqa=True), lambda: (r(1, 4, 2, 3), r(1, 2, 3, 3), r(1, 2, 3, 2))),
]
IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(CASES)]


@pytest.mark.parametrize(("name", "fn", "make"), CASES, ids=IDS)
def test_gradcheck(name: str, fn: Callable[..., pb.Tensor],
                   make: Callable[[], tuple[pb.Tensor, ...]]) -> None:
    inputs = make()
    assert f"pb::{name}" in FORMULAS
    assert pb.autograd.gradcheck(fn, inputs)


def _gradients(fn: Callable[..., pb.Tensor], inputs: tuple[pb.Tensor, ...],
               cotangent: pb.Tensor | None) -> tuple[pb.Tensor, pb.Tensor, list[Any]]:
    wanted = [t for t in inputs if t.requires_grad]
    y = fn(*inputs)
    c = cotangent if cotangent is not None else pb.tensor(
        _rng.uniform(-1, 1, y.shape), dtype=y.dtype)
    return y, c, list(pb.autograd.grad([y], wanted, [c]))


@pytest.mark.parametrize(("name", "fn", "make"), CASES, ids=IDS)
def test_formula_and_decomposition_agree(name: str, fn: Callable[..., pb.Tensor],
                                         make: Callable[[], tuple[pb.Tensor, ...]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = make()
    y, c, by_formula = _gradients(fn, inputs, None)
    assert y.grad_fn is not None
    monkeypatch.delitem(FORMULAS, f"pb::{name}")
    _, _, by_decomposition = _gradients(fn, inputs, c)
    for got, expected in zip(by_formula, by_decomposition, strict=True):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-10, atol=1e-12)


def test_a_call_records_one_node_named_after_the_composite() -> None:
    x = r(2, 3)
    assert pb.softmax(x, 1).grad_fn.name() == "pb::softmax"
    assert pb.conv2d(r(1, 1, 3, 3), r(1, 1, 2, 2)).grad_fn.name() == "pb::conv2d"
    loss = pb.cross_entropy(x, labels(0, 1))
    assert loss.grad_fn.name() == "pb::cross_entropy"


def test_reduced_precision_gradients_are_computed_in_float32_and_rounded_once() -> None:
    x64 = r(4, 6)
    x16 = x64.detach().to(pb.float16).requires_grad_()
    wide = x16.detach().to(pb.float32).requires_grad_()
    c = pb.tensor(_rng.uniform(-1, 1, (4, 6)), dtype=pb.float16)
    (g16,) = pb.autograd.grad([pb.layer_norm(x16, (6,))], [x16], [c])
    (g32,) = pb.autograd.grad([pb.layer_norm(wide, (6,))], [wide], [c.to(pb.float32)])
    assert g16.dtype == pb.float16
    assert g16.numpy().tolist() == g32.to(pb.float16).numpy().tolist()


def test_max_pool2d_gives_a_tied_window_gradient_to_its_first_maximum() -> None:
    # As PyTorch: the whole gradient goes to one element (the first), none is split.
    x = pb.tensor([[[[1.0, 1.0, 0.0], [1.0, 0.5, 1.0]]]], requires_grad=True)
    pb.max_pool2d(x, 2, 1).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[[[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]]]


@pytest.mark.parametrize("padding_idx", [1, -2])
def test_embedding_gives_the_padding_row_no_gradient(padding_idx: int) -> None:
    weight = r(3, 2)
    out = pb.embedding(labels(1, 0, 1, 2), weight, padding_idx=padding_idx)
    assert out.tolist() == weight.detach()[labels(1, 0, 1, 2)].tolist()  # forward unchanged
    out.sum().backward()
    assert weight.grad is not None
    assert weight.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]


def test_attention_with_dropout_differentiates_through_its_decomposition() -> None:
    q, k, v = r(2, 3), r(3, 3), r(3, 2)
    y = pb.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert y.grad_fn is not None and y.grad_fn.name() != "pb::scaled_dot_product_attention"
    y.sum().backward()
    assert q.grad is not None and k.grad is not None and v.grad is not None


def test_arguments_without_a_formula_use_the_decomposition() -> None:
    # A cross_entropy weight and a float attention mask that require grad get their
    # gradients through the decompositions, which have them.
    weight = r(3, low=0.5, high=2.0)
    assert pb.autograd.gradcheck(
        lambda t, w: pb.cross_entropy(t, labels(0, 2, 2), weight=w), (r(3, 3), weight))
    assert pb.autograd.gradcheck(
        lambda t, p: pb.cross_entropy(t, p.softmax(1)), (r(2, 4), r(2, 4)))
    assert pb.autograd.gradcheck(
        lambda q, m: pb.scaled_dot_product_attention(q, q, q, attn_mask=m), (r(3, 2), r(3, 3)))


def test_attention_without_keys_has_zero_gradients() -> None:
    q, k, v = r(2, 3), r(0, 3), r(0, 4)
    pb.scaled_dot_product_attention(q, k, v).sum().backward()
    assert q.grad is not None and q.grad.tolist() == [[0.0] * 3] * 2
    assert k.grad is not None and k.grad.shape == (0, 3)
    assert v.grad is not None and v.grad.shape == (0, 4)
