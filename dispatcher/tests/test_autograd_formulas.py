"""Every derivative formula, and every differentiable composite, passes gradcheck."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._autograd.formulas import FORMULAS, NON_DIFFERENTIABLE
from plugboard._dispatch import keys
from plugboard._dispatch.registry import registered_ops

_rng = np.random.default_rng(1234)


def r(*shape: int, low: float = -1.0, high: float = 1.0, grad: bool = True,
      device: str = "cpu") -> pb.Tensor:
    """A float64 tensor of uniform values in [low, high), requiring grad."""
    values = _rng.uniform(low, high, shape)
    return pb.tensor(values, dtype=pb.float64, device=device, requires_grad=grad)


def pos(*shape: int, device: str = "cpu") -> pb.Tensor:
    return r(*shape, low=0.5, high=2.0, device=device)


def distinct(*shape: int, device: str = "cpu") -> pb.Tensor:
    """Values far apart, so sorts, maxima and floors are stable under eps."""
    n = int(np.prod(shape))
    values = _rng.permutation(n).reshape(shape) * 0.37 + 0.1
    return pb.tensor(values, dtype=pb.float64, device=device, requires_grad=True)


def idx(*values: int, device: str = "cpu") -> pb.Tensor:
    return pb.tensor(list(values), dtype=pb.int64, device=device)


Sample = tuple[Callable[..., Any], tuple[Any, ...]]

# One sample per operator: the function checked and its inputs (float64 on cpu).
SAMPLES: dict[str, Callable[[], Sample]] = {
    # pointwise
    "neg": lambda: (pb.neg, (r(3),)),
    "add": lambda: (lambda a, b: pb.add(a, b, alpha=2.5), (r(2, 3), r(3))),
    "sub": lambda: (lambda a, b: pb.sub(a, b, alpha=0.5), (r(2, 3), r(2, 1))),
    "mul": lambda: (pb.mul, (r(2, 3), r(3))),
    "div": lambda: (pb.div, (r(2, 3), pos(3))),
    "pow": lambda: (pb.pow, (pos(3), r(3))),
    "remainder": lambda: (pb.remainder, (pos(4), pb.tensor([0.3, 0.7, 1.1, 0.45],
                                                            dtype=pb.float64,
                                                            requires_grad=True))),
    "fmod": lambda: (pb.fmod, (r(4), pb.tensor([0.3, 0.7, 1.1, 0.45], dtype=pb.float64,
                                                requires_grad=True))),
    "atan2": lambda: (pb.atan2, (r(3), pos(3))),
    "maximum": lambda: (pb.maximum, (distinct(4), distinct(4))),
    "minimum": lambda: (pb.minimum, (distinct(4), distinct(4))),
    "where": lambda: (lambda a, b: pb.where(pb.tensor([True, False, True]), a, b),
                      (r(3), r(2, 3))),
    "abs": lambda: (pb.abs, (distinct(4) - 1.2,)),
    "exp": lambda: (pb.exp, (r(3),)),
    "log": lambda: (pb.log, (pos(3),)),
    "log1p": lambda: (pb.log1p, (pos(3),)),
    "sqrt": lambda: (pb.sqrt, (pos(3),)),
    "sin": lambda: (pb.sin, (r(3),)),
    "cos": lambda: (pb.cos, (r(3),)),
    "tan": lambda: (pb.tan, (r(3),)),
    "tanh": lambda: (pb.tanh, (r(3),)),
    "atan": lambda: (pb.atan, (r(3),)),
    "erf": lambda: (pb.erf, (r(3),)),
    "floor": lambda: (pb.floor, (distinct(3),)),
    "ceil": lambda: (pb.ceil, (distinct(3),)),
    "round": lambda: (pb.round, (distinct(3),)),
    "trunc": lambda: (pb.trunc, (distinct(3),)),
    "sign": lambda: (pb.sign, (distinct(3),)),
    "copy_": lambda: (lambda s: pb.zeros(2, 3, dtype=pb.float64).copy_(s), (r(3),)),
    # reductions and scans
    "sum": lambda: (lambda t: pb.sum(t, dim=1, keepdim=False), (r(2, 3),)),
    "amax": lambda: (lambda t: pb.amax(t, dim=0), (distinct(3, 2),)),
    "amin": lambda: (pb.amin, (distinct(3, 2),)),
    "prod": lambda: (lambda t: pb.prod(t, dim=1), (pos(2, 3),)),
    "cumsum": lambda: (lambda t: pb.cumsum(t, 1), (r(2, 3),)),
    "cumprod": lambda: (lambda t: pb.cumprod(t, 0), (pos(3, 2),)),
    # linear algebra
    "matmul": lambda: (pb.matmul, (r(2, 2, 3), r(3, 4))),
    # shape and indexing
    "cat": lambda: (lambda a, b: pb.cat((a, b), 1), (r(2, 1), r(2, 3))),
    "flip": lambda: (lambda t: pb.flip(t, (0,)), (r(3, 2),)),
    "tril": lambda: (lambda t: pb.tril(t, -1), (r(3, 3),)),
    "triu": lambda: (pb.triu, (r(3, 3),)),
    "gather": lambda: (lambda t: pb.gather(t, 1, pb.tensor([[0, 0], [1, 0]])), (r(2, 3),)),
    "scatter": lambda: (lambda t, s: pb.scatter(t, 0, pb.tensor([[1, 0, 2]]), s),
                        (r(3, 3), r(1, 3))),
    "scatter_add": lambda: (lambda t, s: pb.scatter_add(t, 0, pb.tensor([[1, 1, 0]]), s),
                            (r(3, 3), r(1, 3))),
    "sort": lambda: (lambda t: pb.sort(t, dim=1).values, (distinct(2, 3),)),
    "topk": lambda: (lambda t: pb.topk(t, 2).values, (distinct(2, 4),)),
    "index_select": lambda: (lambda t: pb.index_select(t, 1, idx(2, 0, 2)), (r(2, 3),)),
    "index_put": lambda: (lambda t, v: pb.index_put(t, (idx(0, 2),), v), (r(3, 2), r(2, 2))),
    "to": lambda: (lambda t: t.to("cpu", copy=True), (r(3),)),
    "pad": lambda: (lambda t: pb.pad(t, (1, -1, 2, 0)), (r(2, 3),)),
    # views
    "view": lambda: (lambda t: t.view(3, 2), (r(2, 3),)),
    "reshape": lambda: (lambda t: t.t().reshape(6), (r(2, 3),)),
    "flatten": lambda: (lambda t: t.flatten(), (r(2, 3),)),
    "unflatten": lambda: (lambda t: t.unflatten(0, (2, 3)), (r(6),)),
    "squeeze": lambda: (lambda t: t.squeeze(), (r(2, 1, 3),)),
    "unsqueeze": lambda: (lambda t: t.unsqueeze(1), (r(2, 3),)),
    "expand": lambda: (lambda t: t.expand(2, 3, 4), (r(3, 1),)),
    "permute": lambda: (lambda t: t.permute(2, 0, 1), (r(2, 3, 4),)),
    "transpose": lambda: (lambda t: t.transpose(0, 1), (r(2, 3),)),
    "t": lambda: (lambda t: t.t(), (r(2, 3),)),
    "narrow": lambda: (lambda t: t.narrow(1, 1, 2), (r(2, 4),)),
    "select": lambda: (lambda t: t.select(1, 2), (r(2, 4),)),
    "diagonal": lambda: (lambda t: t.diagonal(1), (r(3, 4),)),
    "as_strided": lambda: (lambda t: t.as_strided((2, 2), (1, 2), 1), (r(6),)),
    "split": lambda: (lambda t: pb.split(t, 2)[1] * 2, (r(5, 2),)),
    "split_with_sizes": lambda: (lambda t: t.split_with_sizes((1, 2), 1)[1], (r(2, 3),)),
    "chunk": lambda: (lambda t: t.chunk(2)[0], (r(4, 2),)),
    "unbind": lambda: (lambda t: t.unbind(1)[2], (r(2, 3),)),
    # nn composites with a formula (formulas_nn)
    "log_softmax": lambda: (lambda t: pb.log_softmax(t, 1), (r(2, 3),)),
    "softmax": lambda: (lambda t: pb.softmax(t, 0), (r(3, 2),)),
    "layer_norm": lambda: (lambda t, w, b: pb.layer_norm(t, (3,), w, b), (r(2, 3), r(3), r(3))),
    "rms_norm": lambda: (lambda t, w: pb.rms_norm(t, (3,), w), (r(2, 3), r(3))),
    "cross_entropy": lambda: (lambda t: pb.cross_entropy(t, pb.tensor([0, 2])), (r(2, 3),)),
    "embedding": lambda: (lambda w: pb.embedding(pb.tensor([[0, 2], [1, 1]]), w), (r(3, 2),)),
    "conv2d": lambda: (lambda x, w, b: pb.conv2d(x, w, b, padding=(1, 1)),
                       (r(1, 2, 3, 3), r(2, 2, 2, 2), r(2))),
    "max_pool2d": lambda: (lambda x: pb.max_pool2d(x, 2, 1), (distinct(1, 1, 3, 3),)),
    "scaled_dot_product_attention": lambda: (pb.scaled_dot_product_attention,
                                             (r(1, 2, 3), r(1, 2, 3), r(1, 2, 3))),
}

# Composites, differentiated through their decompositions.
COMPOSITE_SAMPLES: dict[str, Callable[[], Sample]] = {
    "addcdiv": lambda: (lambda a, b, c: pb.addcdiv(a, b, c, value=0.5), (r(3), r(3), pos(3))),
    "addcmul": lambda: (pb.addcmul, (r(3), r(3), r(3))),
    "addmm": lambda: (pb.addmm, (r(2, 2), r(2, 3), r(3, 2))),
    "bmm": lambda: (pb.bmm, (r(2, 2, 3), r(2, 3, 2))),
    "clamp": lambda: (lambda t: pb.clamp(t, -0.5, 0.5), (distinct(5) - 0.9,)),
    "clone": lambda: (pb.clone, (r(3),)),
    "contiguous": lambda: (lambda t: t.t().contiguous(), (r(2, 3),)),
    "dot": lambda: (pb.dot, (r(3), r(3))),
    "expm1": lambda: (pb.expm1, (r(3),)),
    "gelu": lambda: (pb.gelu, (r(4),)),
    "lerp": lambda: (pb.lerp, (r(3), r(3), r(3))),
    "linear": lambda: (pb.linear, (r(2, 3), r(4, 3), r(4))),
    "log10": lambda: (pb.log10, (pos(3),)),
    "log2": lambda: (pb.log2, (pos(3),)),
    "logsumexp": lambda: (lambda t: pb.logsumexp(t, (1,)), (r(2, 3),)),
    "masked_fill": lambda: (lambda t: pb.masked_fill(t, pb.tensor([True, False, True]),
                                                     pb.tensor(0.0, dtype=pb.float64)),
                            (r(3),)),
    "max": lambda: (pb.max, (distinct(2, 3),)),
    "min": lambda: (pb.min, (distinct(2, 3),)),
    "max_dim": lambda: (lambda t: pb.max(t, 1).values, (distinct(2, 3),)),
    "min_dim": lambda: (lambda t: pb.min(t, 0).values, (distinct(2, 3),)),
    "mean": lambda: (lambda t: pb.mean(t, dim=0), (r(2, 3),)),
    "mm": lambda: (pb.mm, (r(2, 3), r(3, 2))),
    "mse_loss": lambda: (pb.mse_loss, (r(2, 3), r(2, 3))),
    "nan_to_num": lambda: (pb.nan_to_num, (r(3),)),
    "norm": lambda: (pb.norm, (r(2, 3),)),
    "outer": lambda: (pb.outer, (r(2), r(3))),
    "reciprocal": lambda: (pb.reciprocal, (pos(3),)),
    "relu": lambda: (pb.relu, (distinct(4) - 0.6,)),
    "repeat": lambda: (lambda t: t.repeat(2, 1), (r(2, 3),)),
    "roll": lambda: (lambda t: pb.roll(t, 1, 1), (r(2, 3),)),
    "rsqrt": lambda: (pb.rsqrt, (pos(3),)),
    "sigmoid": lambda: (pb.sigmoid, (r(3),)),
    "silu": lambda: (pb.silu, (r(3),)),
    "softplus": lambda: (pb.softplus, (r(3),)),
    "square": lambda: (pb.square, (r(3),)),
    "stack": lambda: (lambda a, b: pb.stack((a, b), 1), (r(2, 3), r(2, 3))),
    "std": lambda: (lambda t: pb.std(t, dim=1), (r(2, 4),)),
    "var": lambda: (pb.var, (r(2, 4),)),
    "tile": lambda: (lambda t: t.tile((2,)), (r(3),)),
    "batch_norm": lambda: (lambda t, w, b: pb.batch_norm(t, None, None, w, b, training=True),
                           (r(4, 2), r(2), r(2))),
    "conv2d_padding": lambda: (lambda x, w: pb.conv2d(x, w, padding="same"),
                               (r(1, 1, 3, 3), r(1, 1, 3, 3))),
    "avg_pool2d": lambda: (lambda x: pb.avg_pool2d(x, 2, 1), (r(1, 1, 3, 3),)),
    "dropout": lambda: (lambda t: pb.dropout(t, 0.5, generator=pb.Generator().manual_seed(3)),
                        (r(6),)),
    "index_put_": lambda: (lambda v: pb.zeros(3, 2, dtype=pb.float64).index_put_(
        (idx(0, 2),), v), (r(2, 2),)),
}

# Front ends built from operators differentiate through them.
FRONT_END_SAMPLES: dict[str, Callable[[], Sample]] = {
    "x[index]": lambda: (lambda t: t[idx(2, 0, 2)], (r(3, 2),)),
    "x[i, j]": lambda: (lambda t: t[idx(0, 1), idx(1, 0)], (r(2, 3),)),
    "x[mask]": lambda: (lambda t: t[t > 0], (r(4),)),
    "x[1:, ::2]": lambda: (lambda t: t[1:, ::2], (r(3, 4),)),
    "einsum": lambda: (lambda a, b: pb.einsum("ij,jk->ik", a, b), (r(2, 3), r(3, 2))),
    "movedim": lambda: (lambda t: pb.movedim(t, 0, 1), (r(2, 3),)),
    "broadcast_to": lambda: (lambda t: pb.broadcast_to(t, (2, 3)), (r(3),)),
    "clip": lambda: (lambda t: pb.clip(t, -0.5, 0.5), (distinct(5) - 0.9,)),
    "masked_select": lambda: (lambda t: pb.masked_select(t, pb.tensor([True, False, True])),
                              (r(3),)),
    "x.T": lambda: (lambda t: t.T, (r(2, 3),)),
    "split": lambda: (lambda t: pb.split(t, [1, 2], 1)[1], (r(2, 3),)),
    "relu_": lambda: (lambda t: (t * 1).relu_(), (distinct(4) - 0.6,)),
    "sigmoid_": lambda: (lambda t: (t * 1).sigmoid_(), (r(4),)),
    "fill_": lambda: (lambda t: (t * 1).fill_(2.0) + t, (r(4),)),
    "index_put two indices": lambda: (
        lambda t, v: pb.index_put(t, (idx(0, 1), idx(1, 0)), v), (r(2, 3), r(2))),
}

# Composites whose outputs carry no gradient (bool, integer, or creation).
NOT_DIFFERENTIABLE_COMPOSITES = {
    "all", "any", "argsort", "isfinite", "isinf", "eye", "linspace", "ones", "zeros",
    "ones_like", "zeros_like", "full_like",
}


def test_every_formula_has_a_sample() -> None:
    names = {name.removeprefix("pb::") for name in FORMULAS}
    assert names - set(SAMPLES) == set()


def test_every_composite_is_sampled_or_not_differentiable() -> None:
    composites = {op.schema.name for op in registered_ops() if op.name.startswith("pb::")
                  and keys.CompositeImplicit in op.kernels and op.name not in FORMULAS}
    assert composites - set(COMPOSITE_SAMPLES) - NOT_DIFFERENTIABLE_COMPOSITES == set()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_gradcheck_of_each_formula_in_float64(name: str) -> None:
    fn, inputs = SAMPLES[name]()
    assert pb.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(COMPOSITE_SAMPLES))
def test_gradcheck_of_each_composite_through_its_decomposition(name: str) -> None:
    fn, inputs = COMPOSITE_SAMPLES[name]()
    assert pb.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(FRONT_END_SAMPLES))
def test_gradcheck_of_front_ends(name: str) -> None:
    fn, inputs = FRONT_END_SAMPLES[name]()
    assert pb.autograd.gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["mul", "div", "exp", "tanh", "matmul", "sum", "pow",
                                  "cumsum", "gather", "as_strided", "softmax", "log_softmax",
                                  "layer_norm", "rms_norm", "cross_entropy", "conv2d",
                                  "max_pool2d", "embedding", "scaled_dot_product_attention"])
def test_gradgradcheck_of_formulas(name: str) -> None:
    fn, inputs = SAMPLES[name]()
    assert pb.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["sigmoid", "gelu", "var"])
def test_gradgradcheck_of_composites(name: str) -> None:
    fn, inputs = COMPOSITE_SAMPLES[name]()
    assert pb.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_prod_is_exact_with_zeros(dim: int | None) -> None:
    x = pb.tensor([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0]], dtype=pb.float64, requires_grad=True)
    assert pb.autograd.gradcheck(lambda t: pb.prod(t) if dim is None else pb.prod(t, dim),
                                 (x,))


def test_non_differentiable_operators_give_outputs_without_grad() -> None:
    x = r(3)
    for y in (x > 0, x.argmax(), pb.zeros_like(x), pb.ones_like(x), x.isnan(),
              pb.full_like(x, 2.0), pb.argsort(x)):
        assert not y.requires_grad
        assert y.grad_fn is None
    assert pb.sort(x).values.requires_grad and not pb.sort(x).indices.requires_grad
    assert sorted(NON_DIFFERENTIABLE) == ["pb::empty_like", "pb::full_like", "pb::ones_like",
                                         "pb::zeros_like"]


def test_integer_inputs_get_no_gradient() -> None:
    x = r(3)
    n = pb.tensor([1, 2, 3])
    (x * n).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 2.0, 3.0]
    assert n.grad is None and not n.requires_grad


def test_python_number_arguments_get_no_gradient() -> None:
    x = r(3)
    (2.0 ** x).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), np.log(2.0) * 2.0 ** x.detach().numpy())


def test_broadcast_gradients_are_reduced_to_the_input_shape() -> None:
    a, b = r(2, 3), r(3)
    (a * b).sum().backward()
    assert b.grad is not None and b.grad.shape == (3,)
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy().sum(0))


def test_mixed_dtypes_get_gradients_in_their_own_dtype() -> None:
    a = pb.tensor([1.0, 2.0], dtype=pb.float32, requires_grad=True)
    b = pb.tensor([3.0, 4.0], dtype=pb.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad is not None and a.grad.dtype == pb.float32
    assert b.grad is not None and b.grad.dtype == pb.float64


def test_a_custom_operator_without_formula_raises_when_a_gradient_is_needed() -> None:
    with pb.Library("agtest") as lib:
        lib.define("twice(Tensor self) -> Tensor")
        lib.impl("twice", "CPU", fn=lambda t: pb.tensor(t.numpy() * 2))
        x = r(2)
        y = pb.ops.agtest.twice(x)  # forward works: only backward needs the derivative
        assert y.requires_grad
        with pytest.raises(pb.KernelNotFoundError, match=r"agtest::twice.*register_formula"):
            y.sum().backward()


def test_a_custom_composite_differentiates_through_its_decomposition() -> None:
    with pb.Library("agtest4") as lib:
        lib.define("softsign(Tensor self) -> Tensor")
        lib.impl("softsign", "CompositeImplicit", fn=lambda t: t / (1 + t.abs()))
        assert pb.autograd.gradcheck(pb.ops.agtest4.softsign, (distinct(4) - 0.7,))


def test_a_custom_composite_computed_outside_operators_raises_in_backward() -> None:
    with pb.Library("agtest5") as lib:
        lib.define("host_double(Tensor self) -> Tensor")
        lib.impl("host_double", "CompositeImplicit", fn=lambda t: pb.tensor(t.numpy() * 2))
        y = pb.ops.agtest5.host_double(r(2))
        with pytest.raises(pb.KernelNotFoundError, match="agtest5::host_double"):
            y.sum().backward()


def test_register_formula_adds_a_derivative_and_its_removal_undoes_it() -> None:
    with pb.Library("agtest2") as lib:
        lib.define("scale3(Tensor self) -> Tensor")
        lib.impl("scale3", "CPU", fn=lambda t: pb.tensor(t.numpy() * 3))
        registration = pb.autograd.register_formula(
            "agtest2::scale3", {"self": lambda a, g: g * 3})
        try:
            x = r(2)
            assert pb.autograd.gradcheck(pb.ops.agtest2.scale3, (x,))
        finally:
            registration.remove()
        assert "agtest2::scale3" not in FORMULAS


def test_register_formula_errors_name_the_problem() -> None:
    with pytest.raises(pb.RegistrationError, match="no operator 'nope::x'"):
        pb.autograd.register_formula("nope::x", {"self": lambda a, g: g})
    with pytest.raises(pb.RegistrationError, match="already has a derivative formula"):
        pb.autograd.register_formula("pb::add", {"self": lambda a, g: g})
    with pb.Library("agtest3") as lib:
        lib.define("f(Tensor self) -> Tensor")
        with pytest.raises(pb.RegistrationError, match=r"no argument\(s\) \['x'\]"):
            pb.autograd.register_formula("agtest3::f", {"x": lambda a, g: g})


def test_grad_of_several_outputs_of_one_node() -> None:
    # Every piece of a split is an output of one node: the engine runs it once.
    x = r(7, 3)
    pieces = pb.split(x, 3)
    (g,) = pb.autograd.grad(list(pieces), [x], [pb.ones_like(p) * (i + 1)
                                                for i, p in enumerate(pieces)])
    assert g is not None
    assert g.numpy()[:, 0].tolist() == [1, 1, 1, 2, 2, 2, 3]


@pytest.mark.parametrize("fn", [lambda t: pb.split(t, 10)[0], lambda t: pb.chunk(t, 1)[0],
                                lambda t: pb.unbind(t[:1], 0)[0]])
def test_split_into_one_piece_differentiates(fn: Callable[..., Any]) -> None:
    assert pb.autograd.gradcheck(fn, (r(4, 3),))


def test_scatter_source_larger_than_its_index_gets_zeros_beyond_it() -> None:
    index = pb.tensor([[1, 0, 2, 0]])
    for fn in (pb.scatter, pb.scatter_add):
        assert pb.autograd.gradcheck(lambda t, s, f=fn: f(t, 0, index, s), (r(3, 4), r(2, 4)))


@pytest.mark.parametrize("indices", [(None, idx(1, 3, 6)), (None, idx(0, 2), None),
                                     (idx(1, 0), None)])
def test_index_put_values_with_whole_dimensions(indices: tuple[Any, ...]) -> None:
    target = r(2, 7, 3, grad=False)
    shape = pb.index_put(target, indices, pb.zeros(1, dtype=pb.float64)).shape
    probe = target[tuple(slice(None) if i is None else i for i in indices)]
    assert shape == target.shape
    assert pb.autograd.gradcheck(lambda v: pb.index_put(target, indices, v),
                                 (r(*probe.shape),))


def test_index_put_values_at_negative_positions() -> None:
    target = r(5, 3, grad=False)
    assert pb.autograd.gradcheck(lambda v: pb.index_put(target, (idx(-1, 1),), v), (r(2, 3),))


def test_a_float32_input_of_a_float16_broadcast_result_sums_in_float32() -> None:
    x = pb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = pb.zeros(4097, 3, dtype=pb.float16).copy_(x)
    (g,) = pb.autograd.grad(y, x, pb.ones(4097, 3, dtype=pb.float16))
    assert g is not None and g.dtype is pb.float32
    assert g.tolist() == [4097.0] * 3  # float16 holds no 4097: a float16 sum gives 4096


# Against PyTorch, where it is installed ------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "layer_norm", "cross_entropy", "conv2d",
                                  "matmul", "max_pool2d"])
def test_gradients_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    fn, inputs = {**SAMPLES, **COMPOSITE_SAMPLES}[name]()
    ours = fn(*inputs)
    weights = _rng.standard_normal(ours.shape)
    (ours * pb.tensor(weights, dtype=pb.float64)).sum().backward()
    torch_fn = {
        "softmax": lambda t: torch.softmax(t, 0),
        "layer_norm": lambda t, w, b: torch.nn.functional.layer_norm(t, (3,), w, b),
        "cross_entropy": lambda t: torch.nn.functional.cross_entropy(t, torch.tensor([0, 2])),
        "conv2d": lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=(1, 1)),
        "matmul": torch.matmul,
        "max_pool2d": lambda x: torch.nn.functional.max_pool2d(x, 2, 1),
    }[name]
    theirs_in = [torch.tensor(t.detach().numpy(), requires_grad=True) for t in inputs]
    theirs = torch_fn(*theirs_in)
    (theirs * torch.tensor(weights)).sum().backward()
    for mine, other in zip(inputs, theirs_in, strict=True):
        assert mine.grad is not None and other.grad is not None
        np.testing.assert_allclose(mine.grad.numpy(), other.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)


# On OpenCL: backward runs on the tensors' own device ----------------------------------


@pytest.fixture(scope="module")
def opencl() -> str:
    devices = pb.devices("opencl")
    if not devices:
        pytest.skip("no OpenCL device")
    return "opencl"


@pytest.mark.parametrize("name", ["mul", "exp", "sum", "matmul", "div", "cat", "narrow", "log"])
def test_gradients_on_opencl_match_the_cpu(opencl: str, name: str) -> None:
    fn, inputs = SAMPLES[name]()
    (fn(*inputs) * 1.5).sum().backward()
    moved = [pb.tensor(t.detach().numpy(), dtype=pb.float32, device=opencl,
                       requires_grad=True) for t in inputs]
    (fn(*moved) * 1.5).sum().backward()
    for cpu, other in zip(inputs, moved, strict=True):
        assert other.grad is not None and other.grad.device.type == "opencl"
        assert cpu.grad is not None
        np.testing.assert_allclose(other.grad.numpy(), cpu.grad.numpy(), rtol=1e-4,
                                   atol=1e-5)


def test_softmax_training_step_on_opencl(opencl: str) -> None:
    w = pb.zeros(3, 2, device=opencl, requires_grad=True)
    x = pb.tensor([[1.0, 2.0, 3.0]], device=opencl)
    loss = pb.cross_entropy(x @ w, pb.tensor([1], device=opencl))
    loss.backward()
    assert w.grad is not None and w.grad.device.type == "opencl"
    np.testing.assert_allclose(w.grad.numpy(), [[0.5, -0.5], [1.0, -1.0], [1.5, -1.5]],
                               rtol=1e-5)
