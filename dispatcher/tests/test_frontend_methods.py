"""Tensor methods PyTorch users reach for: conversions, ``*_as``, ``new_*``, in-place forms,
the dtype aliases and NumPy's ``axis=``/``keepdims=``."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb
from plugboard._frontend import methods

ALL = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16, pb.bfloat16,
       pb.float32, pb.float64)
NUMERIC = ALL[1:]
FLOATS = (pb.float16, pb.bfloat16, pb.float32, pb.float64)
NP_OF = {d: np.dtype(ml_dtypes.bfloat16) if d is pb.bfloat16 else np.dtype(d.numpy) for d in ALL}


def _error(fn: Callable[[], Any], kind: type[pb.PlugboardError], name: str) -> str:
    """The message of the error ``fn`` raises: a ``kind`` naming ``name``, with a fix."""
    with pytest.raises(kind) as info:
        fn()
    text = str(info.value)
    assert name in text and "Fix:" in text and "inputs:" in text, text
    return text


def test_every_front_end_method_is_declared_in_the_stub() -> None:
    stub = Path(pb.__file__).parent / "_core" / "tensor_methods.pyi"
    declared = {
        node.name
        for cls in ast.parse(stub.read_text()).body if isinstance(cls, ast.ClassDef)
        for node in cls.body if isinstance(node, ast.FunctionDef)
    }
    attached = set(methods._pytorch_methods())
    assert attached - declared == set()
    for name in attached:
        assert getattr(pb.Tensor, name) is not None
        assert "Example:" in (getattr(pb.Tensor, name).__doc__ or ""), name


# dtype aliases -------------------------------------------------------------------------


@pytest.mark.parametrize(("alias", "dtype"), [
    ("float", pb.float32), ("double", pb.float64), ("half", pb.float16), ("long", pb.int64),
    ("int", pb.int32), ("short", pb.int16),
])
def test_dtype_aliases_are_pytorchs(alias: str, dtype: pb.DType) -> None:
    assert getattr(pb, alias) is dtype
    assert alias in pb.__all__
    # the same names as strings, wherever a dtype is taken
    assert pb.zeros(2, dtype=alias).dtype is dtype
    assert pb.tensor([1, 2]).to(alias).dtype is dtype


def test_pb_float_is_float32_whatever_the_default_dtype() -> None:
    pb.set_default_dtype(pb.float64)
    try:
        assert pb.ones(1, dtype=pb.float).dtype is pb.float32
        assert pb.ones(1, dtype="float").dtype is pb.float32
    finally:
        pb.set_default_dtype(pb.float32)


# x.float(), x.int(), ... ---------------------------------------------------------------

CONVERSIONS = {
    "bool": pb.bool, "byte": pb.uint8, "char": pb.int8, "short": pb.int16, "int": pb.int32,
    "long": pb.int64, "half": pb.float16, "bfloat16": pb.bfloat16, "float": pb.float32,
    "double": pb.float64,
}


@pytest.mark.parametrize("source", ALL, ids=str)
@pytest.mark.parametrize("name", CONVERSIONS)
def test_conversion_methods(name: str, source: pb.DType) -> None:
    target = CONVERSIONS[name]
    values = np.array([0, 1, 1, 0], dtype=NP_OF[source]).reshape(2, 2)
    x = pb.tensor(values).t()  # a strided view
    y = getattr(x, name)()
    assert y.dtype is target
    assert y.shape == (2, 2)
    np.testing.assert_array_equal(y.numpy().astype(np.float64), values.T.astype(np.float64))
    if source is target:
        assert y is x  # PyTorch returns the tensor itself
    else:
        assert y.untyped_storage() is not x.untyped_storage()


def test_conversions_keep_values_pytorch_keeps() -> None:
    x = pb.tensor([1.75, -2.5, 300.0])
    assert x.double().tolist() == [1.75, -2.5, 300.0]
    assert x.half().tolist() == [1.75, -2.5, 300.0]
    assert x.bool().tolist() == [True, True, True]
    assert pb.tensor([True, False]).float().tolist() == [1.0, 0.0]


def test_type_as_view_as_expand_as() -> None:
    x = pb.arange(6)
    assert x.type_as(pb.zeros(1, dtype=pb.float16)).dtype is pb.float16
    assert x.type_as(pb.zeros(1, dtype=pb.int64)) is x
    v = x.view_as(pb.zeros(2, 3))
    assert v.shape == (2, 3)
    v[0, 0] = 9  # a view: the same storage
    assert x[0].item() == 9
    e = pb.tensor([[1], [2]]).expand_as(pb.zeros(2, 3))
    assert e.tolist() == [[1, 1, 1], [2, 2, 2]]
    assert e.stride() == (1, 0)
    _error(lambda: x.view_as((2, 3)), pb.ArgumentError, "Tensor.view_as")
    _error(lambda: x.expand_as([1]), pb.ArgumentError, "Tensor.expand_as")
    _error(lambda: x.type_as(pb.float32), pb.ArgumentError, "Tensor.type_as")
    with pytest.raises(pb.ShapeError, match="pb::view"):
        x.view_as(pb.zeros(4))


# new_* ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_new_factories_take_dtype_and_device_from_self(dtype: pb.DType) -> None:
    x = pb.zeros(1, dtype=dtype)
    for y, value in ((x.new_zeros(2, 3), 0), (x.new_ones((2, 3)), 1),
                     (x.new_full((2, 3), 1), 1)):
        assert (y.dtype, y.device, y.shape) == (dtype, x.device, (2, 3))
        np.testing.assert_array_equal(y.numpy().astype(np.float64), np.full((2, 3), value))
    empty = x.new_empty(4)
    assert (empty.dtype, empty.shape) == (dtype, (4,))
    t = x.new_tensor([[0, 1]])
    assert (t.dtype, t.tolist()) == (dtype, [[False, True]] if dtype.is_bool else [[0, 1]])
    assert x.new_zeros(2, dtype=pb.int8).dtype is pb.int8
    assert x.new_ones(()).shape == ()


def test_new_full_and_new_tensor_follow_self_not_the_data() -> None:
    ints = pb.tensor([1, 2])
    assert ints.new_full((2,), 7).tolist() == [7, 7]
    assert pb.zeros(1).new_full((1,), 7).dtype is pb.float32
    with pytest.raises(pb.DTypeError):
        ints.new_full((2,), 2.5)  # pb.full's rule: no truncation
    src = pb.tensor([1.0, 2.0])
    copy = pb.zeros(1, dtype=pb.float64).new_tensor(src)
    assert copy.dtype is pb.float64
    copy[0] = 5.0
    assert src.tolist() == [1.0, 2.0]  # a copy, never shared


# fill_ and zero_ -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_fill_and_zero_every_dtype(dtype: pb.DType) -> None:
    x = pb.zeros(3, 4, dtype=dtype)
    view = x[:, 1::2]  # strided: only these elements change
    assert view.fill_(True if dtype.is_bool else 5) is view
    expected = np.zeros((3, 4))
    expected[:, 1::2] = 1 if dtype.is_bool else 5
    np.testing.assert_array_equal(x.numpy().astype(np.float64), expected)
    assert x.zero_() is x
    np.testing.assert_array_equal(x.numpy().astype(np.float64), np.zeros((3, 4)))
    assert x.fill_(pb.tensor(1, dtype=pb.int64)).numpy().astype(np.float64).tolist() == \
        np.ones((3, 4)).tolist()  # a 0-d tensor value
    assert x.fill_(np.int16(0)).numpy().astype(np.float64).tolist() == \
        np.zeros((3, 4)).tolist()  # a NumPy number


@pytest.mark.parametrize(("dtype", "value"), [
    (pb.int32, 2.5), (pb.int8, 300), (pb.uint8, -1), (pb.int64, float("nan")),
    (pb.int16, float("inf")), (pb.bool, 2),
])
def test_fill_refuses_values_the_dtype_cannot_hold(dtype: pb.DType, value: float) -> None:
    x = pb.ones(3, dtype=dtype)
    _error(lambda: x.fill_(value), pb.DTypeError, "Tensor.fill_")
    assert x.tolist() == pb.ones(3, dtype=dtype).tolist()


def test_fill_refuses_bad_values_and_overlapping_targets() -> None:
    x = pb.zeros(2)
    _error(lambda: x.fill_(pb.ones(2)), pb.ArgumentError, "Tensor.fill_")
    _error(lambda: x.fill_("1"), pb.ArgumentError, "Tensor.fill_")
    _error(lambda: x.fill_(None), pb.ArgumentError, "Tensor.fill_")
    base = pb.zeros(1, 4)
    _error(lambda: base.expand(3, 4).fill_(1), pb.ArgumentError, "Tensor.fill_")
    assert base.tolist() == [[0.0] * 4]


# relu_, clamp_, scatter_ ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
def test_relu_in_place(dtype: pb.DType) -> None:
    low = 0 if dtype is pb.uint8 else -3
    x = pb.arange(low, low + 9, dtype=dtype).reshape(3, 3)
    diagonal = x.diagonal()
    expected = x.numpy().astype(np.float64)
    np.fill_diagonal(expected, np.maximum(np.diag(expected), 0))
    assert diagonal.relu_() is diagonal
    np.testing.assert_array_equal(x.numpy().astype(np.float64), expected)


def test_relu_in_place_keeps_nan_and_refuses_bool() -> None:
    x = pb.tensor([float("nan"), -1.0, 2.0])
    x.relu_()
    assert np.isnan(x.numpy()[0]) and x.tolist()[1:] == [0.0, 2.0]
    with pytest.raises(pb.DTypeError, match="pb::relu"):
        pb.tensor([True]).relu_()


CLAMPS_IN_PLACE: dict[str, tuple[Callable[..., pb.Tensor], float | None, float | None]] = {
    "clamp_": (lambda x: x.clamp_(2, 9), 2, 9),
    "clip_": (lambda x: x.clip_(2, 9), 2, 9),
    "clip_ max": (lambda x: x.clip_(max=9), None, 9),
    "clamp_min_": (lambda x: x.clamp_min_(2), 2, None),
    "clamp_max_": (lambda x: x.clamp_max_(9), None, 9),
}


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
@pytest.mark.parametrize("name", CLAMPS_IN_PLACE)
def test_clamps_in_place(name: str, dtype: pb.DType) -> None:
    call, low, high = CLAMPS_IN_PLACE[name]
    x = pb.arange(0, 12, dtype=dtype).reshape(3, 4)
    expected = x.numpy().astype(np.float64)
    expected[:, 1] = np.clip(expected[:, 1], low, high)
    column = x[:, 1]  # a strided view: only it changes
    assert call(column) is column
    np.testing.assert_array_equal(x.numpy().astype(np.float64), expected)


def test_clamp_in_place_refuses_a_float_result_in_an_int_tensor() -> None:
    x = pb.tensor([1, 5])
    with pytest.raises(pb.DTypeError, match="pb::clamp_"):
        x.clamp_(0.5, 2.5)
    assert x.tolist() == [1, 5]


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_scatter_in_place(dtype: pb.DType) -> None:
    x = pb.zeros(2, 3, dtype=dtype)
    index = pb.tensor([[2], [0]])
    assert x.scatter_(1, index, 1) is x  # a number in src's place
    assert x.numpy().astype(np.float64).tolist() == [[0, 0, 1], [1, 0, 0]]
    src = pb.ones(2, 1, dtype=dtype)
    x.zero_().scatter_(1, pb.tensor([[1], [1]]), src)
    assert x.numpy().astype(np.float64).tolist() == [[0, 1, 0], [0, 1, 0]]


def test_scatter_in_place_errors_leave_the_tensor() -> None:
    x = pb.ones(2, 3)
    with pytest.raises(pb.IndexingError):
        x.scatter_(1, pb.tensor([[5], [0]]), 2.0)
    _error(lambda: x.scatter_(1, pb.tensor([[0], [0]]), 2.0, value=3.0), pb.ArgumentError,
           "Tensor.scatter_")
    assert x.tolist() == [[1.0] * 3] * 2


# unsqueeze_, squeeze_ ------------------------------------------------------------------


def test_unsqueeze_and_squeeze_change_the_tensor_itself() -> None:
    x = pb.arange(6.0).reshape(2, 3)[:, ::2]  # a strided view, its NumPy view made
    before = x.numpy().copy()
    assert x.unsqueeze_(1) is x
    assert x.shape == (2, 1, 2) and x.numpy().shape == (2, 1, 2)
    np.testing.assert_array_equal(x.numpy()[:, 0], before)
    x.unsqueeze_(-1)
    assert x.shape == (2, 1, 2, 1)
    assert x.squeeze_(1) is x and x.shape == (2, 2, 1)
    assert x.squeeze_().shape == (2, 2)
    np.testing.assert_array_equal(x.numpy(), before)
    y = pb.zeros(1, 3, 1)
    y.squeeze_([0, 2])
    assert y.shape == (3,)


def test_unsqueeze_and_squeeze_errors_leave_the_shape() -> None:
    x = pb.zeros(2, 3)
    with pytest.raises(pb.ShapeError, match="pb::unsqueeze"):
        x.unsqueeze_(5)
    with pytest.raises(pb.ShapeError, match="pb::squeeze"):
        x.squeeze_(4)
    assert x.shape == (2, 3) and x.stride() == (3, 1)


# axis= and keepdims= -------------------------------------------------------------------

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)

DIM_CALLS: dict[str, Callable[..., Any]] = {
    "sum": pb.sum, "mean": pb.mean, "amax": pb.amax, "amin": pb.amin, "all": pb.all,
    "any": pb.any, "argmax": pb.argmax, "argmin": pb.argmin, "logsumexp": pb.logsumexp,
    "std": pb.std, "var": pb.var, "norm": pb.norm, "prod": pb.prod,
    "max": lambda x, **k: pb.max(x, **k).values, "min": lambda x, **k: pb.min(x, **k).values,
    "method sum": lambda x, **k: x.sum(**k), "method max": lambda x, **k: x.max(**k).values,
    "ops sum": pb.ops.pb.sum,
}


@pytest.mark.parametrize("name", DIM_CALLS)
def test_reductions_take_axis_and_keepdims(name: str) -> None:
    fn = DIM_CALLS[name]
    x = pb.tensor(X)
    for keepdim in (False, True):
        expected = fn(x, dim=1, keepdim=keepdim)
        got = fn(x, axis=1, keepdims=keepdim)
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


@pytest.mark.parametrize(("name", "call"), [
    ("pb::cumsum", lambda x: pb.cumsum(x, axis=2)),
    ("pb::softmax", lambda x: pb.softmax(x, axis=0)),
    ("pb::cat", lambda x: pb.cat([x, x], axis=1)),
    ("pb::stack", lambda x: pb.stack([x, x], axis=1)),
    ("pb::unsqueeze", lambda x: x.unsqueeze(axis=0)),
    ("pb::squeeze", lambda x: x[:1].squeeze(axis=0)),
    ("pb::split", lambda x: pb.split(x, 1, axis=0)[0]),
    ("pb::gather", lambda x: x.gather(axis=2, index=pb.zeros(2, 3, 1, dtype=pb.int64))),
    ("pb::scatter", lambda x: x.scatter(axis=0, index=pb.zeros(1, 3, 4, dtype=pb.int64),
                                        src=1.0)),
    ("Tensor.unsqueeze_", lambda x: x.clone().unsqueeze_(axis=1)),
    ("Tensor.scatter_", lambda x: x.clone().scatter_(axis=0, index=pb.zeros(1, 3, 4,
                                                     dtype=pb.int64), src=1.0)),
])
def test_every_dim_argument_takes_axis(name: str, call: Callable[[pb.Tensor], Any]) -> None:
    x = pb.tensor(X)
    result = call(x)
    assert isinstance(result, pb.Tensor), name


def test_dim_and_axis_together_is_an_error() -> None:
    x = pb.tensor(X)
    with pytest.raises(pb.ArgumentError, match="pb::sum.*alias 'axis'"):
        pb.sum(x, dim=0, axis=1)
    with pytest.raises(pb.ArgumentError, match="pb::sum.*both by position and by keyword"):
        x.sum(0, axis=1)
    with pytest.raises(pb.ArgumentError, match="max.*alias 'axis'"):
        pb.max(x, dim=0, axis=1)
    with pytest.raises(pb.ArgumentError, match="unexpected keyword argument 'axis'"):
        pb.neg(x, axis=0)  # no dim to stand for
