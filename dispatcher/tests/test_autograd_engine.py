"""The engine: accumulation, retain_graph, create_graph, version counters, in-place rules."""

from __future__ import annotations

import sys
import weakref

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch import keys
from plugboard._dispatch.dispatcher import set_key_fallback


def leaf(*values: float) -> pb.Tensor:
    return pb.tensor(list(values), requires_grad=True)


def test_gradients_accumulate_into_leaves_across_backward_calls() -> None:
    x = leaf(1.0, 2.0)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [5.0, 7.0]


def test_a_tensor_used_twice_gets_both_gradients() -> None:
    x = leaf(3.0)
    (x * x + x).backward()
    assert x.grad is not None and x.grad.tolist() == [7.0]


def test_leaves_get_their_own_grad_tensors() -> None:
    a, b = leaf(1.0), leaf(2.0)
    (a + b).backward()
    assert a.grad is not None and b.grad is not None
    with pb.no_grad():
        a.grad.zero_() if hasattr(a.grad, "zero_") else a.grad.mul_(0)
    assert b.grad.tolist() == [1.0]


def test_backward_needs_a_gradient_for_non_scalar_outputs() -> None:
    y = leaf(1.0, 2.0) * 2
    with pytest.raises(pb.AutogradError, match="only for outputs with one element"):
        y.backward()
    y.backward(pb.tensor([1.0, 0.5]))


def test_backward_of_a_tensor_without_history_is_an_error() -> None:
    with pytest.raises(pb.AutogradError, match="does not require grad and has no grad_fn"):
        pb.ones(1).backward()


def test_a_second_backward_through_freed_buffers_is_a_clear_error() -> None:
    x = leaf(1.0, 2.0)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(pb.AutogradError, match=r"backward through the graph a second time.*"
                                               r"retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward() -> None:
    x = leaf(1.0, 2.0)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.tolist()  # type: ignore[union-attr]
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array(first))  # type: ignore[union-attr]


def test_create_graph_gives_second_derivatives() -> None:
    x = leaf(0.5, 2.0)
    y = (x * x * x).sum()
    (g,) = pb.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad
    np.testing.assert_allclose(g.numpy(), 3 * np.array([0.5, 2.0]) ** 2)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.array([0.5, 2.0]))  # type: ignore[union-attr]


def test_create_graph_through_saved_outputs() -> None:
    x = leaf(0.3)
    (g,) = pb.autograd.grad(x.exp(), x, create_graph=True)
    (gg,) = pb.autograd.grad(g, x)
    np.testing.assert_allclose(gg.numpy(), np.exp([0.3]), rtol=1e-6)


def test_autograd_grad_leaves_grad_alone_and_reports_unused_inputs() -> None:
    x, unused = leaf(1.0, 2.0), leaf(3.0)
    y = (x * x).sum()
    (g,) = pb.autograd.grad(y, x, retain_graph=True)
    assert g.tolist() == [2.0, 4.0] and x.grad is None
    with pytest.raises(pb.AutogradError, match="input 1 was not used"):
        pb.autograd.grad(y, (x, unused), retain_graph=True)
    assert pb.autograd.grad(y, (x, unused), allow_unused=True)[1] is None


def test_grad_with_respect_to_a_non_leaf() -> None:
    x = leaf(1.0, 2.0)
    h = x * 3
    y = (h * h).sum()
    (g,) = pb.autograd.grad(y, h)
    assert g.tolist() == [6.0, 12.0]


def test_retain_grad_keeps_a_non_leaf_gradient() -> None:
    x = leaf(1.0, 2.0)
    h = x * 3
    h.retain_grad()
    assert h.retains_grad
    (h * h).sum().backward()
    assert h.grad is not None and h.grad.tolist() == [6.0, 12.0]
    assert (x * 2).grad is None


def test_backward_with_inputs_accumulates_only_into_them() -> None:
    a, b = leaf(1.0), leaf(2.0)
    (a * b).backward(inputs=[a])
    assert a.grad is not None and a.grad.tolist() == [2.0] and b.grad is None


def test_a_chain_of_5000_operations_stays_within_the_recursion_limit() -> None:
    x = leaf(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    assert sys.getrecursionlimit() // 2 < 5000
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** 5000], rtol=1e-3)  # type: ignore[union-attr]
    del y  # freeing the chain must not recurse either


def test_saved_tensors_are_freed_after_backward() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    y = (h * h).sum()
    ref = weakref.ref(h)
    del h
    assert ref() is not None  # saved by mul for backward
    y.backward()
    assert ref() is None


def test_a_saved_tensor_changed_in_place_raises_the_version_error() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    y = (h * h).sum()  # mul saves h at version 0
    h.add_(1)
    with pytest.raises(pb.AutogradError, match=r"pb::mul.*modified by an inplace operation.*"
                                               r"version 1; expected version 0"):
        y.backward()


def test_an_unsaved_tensor_may_change_in_place() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    y = (h + 1).sum()  # add saves nothing
    h.add_(1)
    y.backward()
    assert x.grad is not None and x.grad.tolist() == [2.0, 2.0]


def test_in_place_on_a_leaf_that_requires_grad_is_refused() -> None:
    x = leaf(1.0, 2.0)
    with pytest.raises(pb.AutogradError, match=r"pb::add_: a leaf tensor that requires grad"):
        x.add_(1)
    assert x.tolist() == [1.0, 2.0]
    with pb.no_grad():
        x.add_(1)  # an optimizer's update
    assert x.tolist() == [2.0, 3.0]


def test_in_place_on_a_non_leaf_is_recorded() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    h.mul_(h)  # h = (2x)^2, its grad_fn rebased
    assert repr(h.grad_fn) == "<MulBackward>"
    h.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [8.0, 16.0]


def test_copy_into_a_plain_tensor_records_the_source() -> None:
    x = leaf(1.0, 2.0)
    buf = pb.zeros(2)
    buf.copy_(x * 3)
    assert buf.requires_grad and repr(buf.grad_fn) == "<CopyBackward>"
    buf.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [3.0, 3.0]


def test_in_place_on_views_of_tensors_that_require_grad_is_refused() -> None:
    x = leaf(1.0, 2.0, 3.0)
    h = x * 1
    with pytest.raises(pb.AutogradError, match="in-place operation on a view"):
        h[1:].add_(1)
    with pytest.raises(pb.AutogradError, match="x\\[index\\] = value"):
        h[0] = 5.0
    buf = pb.zeros(3)
    with pytest.raises(pb.AutogradError, match="x\\[index\\] = value"):
        buf[0] = x[0]
    with pb.no_grad():
        h[0] = 5.0
    assert h.tolist() == [5.0, 2.0, 3.0]


def test_a_view_whose_base_changed_in_place_raises() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    v = h[0]
    h.add_(1)
    with pytest.raises(pb.AutogradError, match="modified by an inplace operation"):
        v.backward()


def test_views_pass_gradients_to_their_base() -> None:
    x = pb.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    # x.reshape(4)[3] is one element, broadcast over two: its gradient is 2.
    (x[0] * 2 + x.t()[1] * 3 + x.reshape(4)[3]).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[2.0, 5.0], [0.0, 5.0]]


def test_out_is_refused_when_an_input_requires_grad() -> None:
    with pytest.raises(pb.AutogradError, match=r"pb::add: out= does not record"):
        pb.add(leaf(1.0), 1, out=pb.zeros(1))
    with pb.no_grad():
        out = pb.zeros(1)
        pb.add(leaf(1.0), 1, out=out)
    assert out.tolist() == [2.0]


def test_calls_without_grad_do_not_reach_autograd() -> None:
    x = pb.ones(2)
    y = x + x
    assert y._autograd is None and not y.requires_grad


def test_unsqueeze_in_place_takes_the_view_node_and_leaves_refuse_it() -> None:
    x = leaf(1.0, 2.0)
    h = x * 2
    h.unsqueeze_(0)
    assert h.shape == (1, 2) and repr(h.grad_fn) == "<UnsqueezeBackward>"
    (h * pb.tensor([[1.0, 3.0]])).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [2.0, 6.0]
    with pytest.raises(pb.AutogradError, match=r"Tensor.squeeze_: a leaf tensor"):
        pb.ones(1, 2, requires_grad=True).squeeze_()


def test_tensors_show_their_autograd_state() -> None:
    x = leaf(1.0)
    assert repr(x).endswith("requires_grad=True)")
    assert repr(x * 2).endswith("grad_fn=<MulBackward>)")
    assert "grad" not in repr(pb.ones(1))


def test_the_autograd_key_has_one_fallback() -> None:
    with pytest.raises(pb.RegistrationError, match="already has a fallback"):
        set_key_fallback(keys.Autograd, lambda handle, values, out: None)


def test_an_operator_autograd_kernel_takes_precedence_over_the_fallback() -> None:
    calls = []

    def kernel(handle, values, out):
        calls.append(handle.op.name)
        return handle.redispatch(values, out, below=keys.Autograd)

    with pb.Library("agtest6") as lib:
        lib.define("ident(Tensor self) -> Tensor")
        lib.impl("ident", "CompositeImplicit", fn=lambda t: t * 1)
        lib.impl("ident", "Autograd", fn=kernel)
        y = pb.ops.agtest6.ident(leaf(1.0))
    assert calls == ["agtest6::ident"]
    assert not y.requires_grad  # this kernel records nothing
