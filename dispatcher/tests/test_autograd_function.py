"""pb.autograd.Function and gradcheck's verdicts."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb


class Scale(pb.autograd.Function):
    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        ctx.save_for_backward(x)
        return x * factor

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        assert x is not None
        return g * ctx.factor, None


class SortWithIndices(pb.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, indices = pb.sort(x)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, g_values, g_indices):
        (indices,) = ctx.saved_tensors
        return pb.scatter_add(pb.zeros_like(g_values), 0, indices, g_values)


def test_function_forward_and_backward() -> None:
    x = pb.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 3.0)
    assert repr(y.grad_fn) == "<ScaleBackward>"
    y.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [3.0, 3.0]


def test_needs_input_grad_and_non_differentiable_outputs() -> None:
    seen = []

    class Probe(pb.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen.append(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, None

    Probe.apply(pb.ones(2, requires_grad=True), pb.ones(2))
    assert seen == [(True, False)]
    values, indices = SortWithIndices.apply(pb.tensor([3.0, 1.0, 2.0], requires_grad=True))
    assert values.requires_grad and not indices.requires_grad


def test_gradcheck_of_a_function() -> None:
    x = pb.tensor([3.0, 1.0, 2.0], dtype=pb.float64, requires_grad=True)
    assert pb.autograd.gradcheck(lambda t: SortWithIndices.apply(t)[0] * t, (x,))


def test_forward_records_nothing_inside() -> None:
    class Inner(pb.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            assert not pb.is_grad_enabled()
            return x.exp()

        @staticmethod
        def backward(ctx, g):
            return g

    y = Inner.apply(pb.ones(1, requires_grad=True))
    assert repr(y.grad_fn) == "<InnerBackward>"


def test_a_wrong_number_of_gradients_is_a_clear_error() -> None:
    class Bad(pb.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    y = Bad.apply(pb.ones(1, requires_grad=True), pb.ones(1))
    with pytest.raises(pb.AutogradError, match=r"returned 1 gradient\(s\), but forward took 2"):
        y.backward()


def test_saved_tensors_of_a_function_are_version_checked() -> None:
    x = pb.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = Scale.apply(h, 2.0)
    h.add_(1)
    with pytest.raises(pb.AutogradError, match="modified by an inplace operation"):
        y.sum().backward()


def test_a_function_without_inputs_requiring_grad_records_nothing() -> None:
    y = Scale.apply(pb.ones(2), 2.0)
    assert not y.requires_grad


# gradcheck ---------------------------------------------------------------------------


class WrongSin(pb.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.cos() * 1.1


def test_gradcheck_names_the_input_and_the_worst_element() -> None:
    a = pb.tensor([0.1, 0.2], dtype=pb.float64, requires_grad=True)
    b = pb.tensor([0.5, 1.5, 0.0], dtype=pb.float64, requires_grad=True)
    with pytest.raises(pb.AutogradError, match=r"output 0 with respect to input 1: the worst "
                                               r"element, d output\[4\] / d input\[2\]"):
        pb.autograd.gradcheck(lambda x, y: pb.cat((x, WrongSin.apply(y))), (a, b))
    with pytest.warns(RuntimeWarning, match=r"with respect to input 0: the worst element, "
                                            r"d output\[2\] / d input\[2\]"):
        assert not pb.autograd.gradcheck(WrongSin.apply, (b,), raise_exception=False)


def test_gradcheck_and_gradgradcheck_pass_correct_gradients() -> None:
    x = pb.tensor(np.linspace(0.2, 1.4, 4), dtype=pb.float64, requires_grad=True)
    assert pb.autograd.gradcheck(lambda t: (t.sin() * t).softmax(0), (x,))
    assert pb.autograd.gradgradcheck(lambda t: (t.sin() * t).softmax(0), (x,))


def test_gradcheck_needs_an_input_that_requires_grad() -> None:
    with pytest.raises(pb.AutogradError, match="no input requires grad"):
        pb.autograd.gradcheck(pb.sin, (pb.ones(2, dtype=pb.float64),))
