"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode; per thread."""

from __future__ import annotations

import threading

import pytest

import plugboard as pb
from plugboard._dispatch import keys


def leaf() -> pb.Tensor:
    return pb.tensor([1.0, 2.0], requires_grad=True)


def test_grad_mode_is_on_by_default_and_operations_record() -> None:
    assert pb.is_grad_enabled()
    y = leaf() * 2
    assert y.requires_grad and not y.is_leaf
    assert repr(y.grad_fn) == "<MulBackward>" and y.grad_fn.name() == "pb::mul"


@pytest.mark.parametrize("mode", [pb.no_grad, pb.inference_mode,
                                  lambda: pb.set_grad_enabled(False)])
def test_modes_that_turn_recording_off(mode) -> None:
    x = leaf()
    with mode():
        assert not pb.is_grad_enabled()
        y = x * 2
    assert pb.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None


def test_no_grad_excludes_the_autograd_key_so_calls_skip_it() -> None:
    with pb.no_grad():
        assert keys.tls.excluded & keys.Autograd.mask
    assert not keys.tls.excluded & keys.Autograd.mask


def test_enable_grad_inside_no_grad_records() -> None:
    x = leaf()
    with pb.no_grad():
        with pb.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad


def test_modes_are_decorators() -> None:
    x = leaf()

    @pb.no_grad()
    def f(t: pb.Tensor) -> pb.Tensor:
        return t * 2

    @pb.set_grad_enabled(False)
    def g(t: pb.Tensor) -> pb.Tensor:
        return t * 2

    @pb.enable_grad()
    def h(t: pb.Tensor) -> pb.Tensor:
        return t * 2

    assert pb.is_grad_enabled()  # decorating set_grad_enabled(False) changed nothing
    assert not f(x).requires_grad and not g(x).requires_grad
    with pb.no_grad():
        assert h(x).requires_grad


def test_set_grad_enabled_called_as_a_function() -> None:
    pb.set_grad_enabled(False)
    try:
        assert not pb.is_grad_enabled()
        assert not (leaf() * 2).requires_grad
    finally:
        pb.set_grad_enabled(True)
    assert (leaf() * 2).requires_grad


def test_inference_mode_false_changes_nothing() -> None:
    with pb.inference_mode(False):
        assert (leaf() * 2).requires_grad


def test_grad_mode_is_thread_local() -> None:
    seen: list[bool] = []

    def other() -> None:
        seen.append(pb.is_grad_enabled())
        seen.append((leaf() * 2).requires_grad)

    with pb.no_grad():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert not pb.is_grad_enabled()
    assert seen == [True, True]


def test_an_error_inside_no_grad_restores_the_mode() -> None:
    with pytest.raises(ZeroDivisionError), pb.no_grad():
        1 / 0
    assert pb.is_grad_enabled()


# Tensor state ------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: pb.zeros(3, requires_grad=True), lambda: pb.ones(2, 2, requires_grad=True),
    lambda: pb.empty(2, requires_grad=True), lambda: pb.full((2,), 1.5, requires_grad=True),
    lambda: pb.tensor([1.0], requires_grad=True), lambda: pb.arange(3.0, requires_grad=True),
    lambda: pb.rand(2, requires_grad=True), lambda: pb.randn(2, requires_grad=True),
    lambda: pb.linspace(0, 1, 3, requires_grad=True), lambda: pb.eye(2, requires_grad=True),
    lambda: pb.zeros_like(pb.ones(2), requires_grad=True),
    lambda: pb.ones_like(pb.ones(2), requires_grad=True),
    lambda: pb.empty_like(pb.ones(2), requires_grad=True),
    lambda: pb.full_like(pb.ones(2), 3.0, requires_grad=True),
    lambda: pb.asarray([1.0, 2.0], requires_grad=True),
])
def test_factories_take_requires_grad(make) -> None:
    t = make()
    assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None


@pytest.mark.parametrize("make", [
    lambda: pb.zeros(3, dtype=pb.int64, requires_grad=True),
    lambda: pb.tensor([1, 2], requires_grad=True),
    lambda: pb.arange(3, requires_grad=True),
    lambda: pb.randint(5, (2,), requires_grad=True),
])
def test_integer_factories_cannot_require_grad(make) -> None:
    with pytest.raises(pb.DTypeError, match=r"only floating-point .* int64. Fix"):
        make()


def test_integer_and_bool_tensors_cannot_require_grad() -> None:
    with pytest.raises(pb.DTypeError, match=r"Tensor.requires_grad_: .* bool\. Fix"):
        pb.tensor([True]).requires_grad_()
    t = pb.tensor([1, 2])
    with pytest.raises(pb.DTypeError, match="int64"):
        t.requires_grad = True
    assert not t.requires_grad


def test_requires_grad_attribute_on_leaves_and_non_leaves() -> None:
    x = pb.ones(2)
    assert not x.requires_grad and x.is_leaf
    x.requires_grad = True
    assert x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad and not (x * 2).requires_grad
    y = leaf() * 2
    y.requires_grad = True  # already does: fine
    with pytest.raises(pb.AutogradError, match="only be changed on leaf tensors"):
        y.requires_grad = False


def test_detach_shares_data_outside_the_graph() -> None:
    x = leaf()
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    with pb.no_grad():
        d.add_(1)
    assert y.tolist() == [3.0, 5.0]  # the same memory
    y.detach_()
    assert not y.requires_grad and y.grad_fn is None


def test_grad_can_be_assigned_and_cleared() -> None:
    x = leaf()
    x.grad = pb.ones(2)
    assert x.grad is not None and x.grad.tolist() == [1.0, 1.0]
    x.grad = None
    assert x.grad is None
    with pytest.raises(pb.ShapeError, match="assigned grad"):
        x.grad = pb.ones(3)


def test_requires_grad_must_be_a_bool() -> None:
    with pytest.raises(pb.ArgumentError, match=r"pb::zeros: requires_grad must be True or "
                                               r"False, not str"):
        pb.zeros(2, requires_grad="yes")
