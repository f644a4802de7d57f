"""PyTorch functions built from plugboard operators in the front end: ``pb.isclose``,
``pb.allclose``, ``pb.equal``, ``pb.clip``, ``pb.clamp_min``/``clamp_max``,
``pb.broadcast_to``, ``pb.movedim``, ``pb.nonzero``, ``pb.masked_select`` and ``pb.einsum``,
checked against NumPy (which PyTorch agrees with on these) and PyTorch's documented rules."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb

ALL = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16, pb.bfloat16,
       pb.float32, pb.float64)
NUMERIC = ALL[1:]
FLOATS = (pb.float16, pb.bfloat16, pb.float32, pb.float64)
NP_OF = {d: np.dtype(ml_dtypes.bfloat16) if d is pb.bfloat16 else np.dtype(d.numpy) for d in ALL}
NAN, INF = float("nan"), float("inf")

FUNCTIONS = ("allclose", "isclose", "equal", "clip", "clamp_min", "clamp_max", "broadcast_to",
             "movedim", "nonzero", "masked_select", "einsum")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_exported_with_a_signature_and_an_example(name: str) -> None:
    assert name in pb.__all__
    fn = getattr(pb, name)
    assert "Example:" in (fn.__doc__ or "")
    assert next(iter(inspect.signature(fn).parameters)) in ("input", "equation")
    if name != "einsum":
        assert hasattr(pb.Tensor, name)  # and the method, the tensor first


def _error(fn: Callable[[], Any], kind: type[pb.PlugboardError], name: str) -> str:
    with pytest.raises(kind) as info:
        fn()
    text = str(info.value)
    assert text.startswith(name) and "Fix:" in text and "\n  inputs: " in text, text
    return text


# isclose, allclose -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_isclose_floats(dtype: pb.DType) -> None:
    a = pb.tensor([1.0, INF, -INF, INF, NAN, NAN, 0.0, 100.0, 1.0], dtype=dtype)
    b = pb.tensor([1.0, INF, -INF, -INF, NAN, 1.0, 0.0, 100.5, 2.0], dtype=dtype)
    expected = [True, True, True, False, False, False, True, False, False]
    assert pb.isclose(a, b).tolist() == expected
    assert a.isclose(b).tolist() == expected
    expected[4] = True  # both NaN
    assert pb.isclose(a, b, equal_nan=True).tolist() == expected
    # rtol scales with |other|: 100 and 100.5 are within 1%
    assert pb.isclose(a, b, rtol=0.01).tolist()[7] is True
    assert pb.isclose(a, b, atol=1.0).tolist()[8] is True
    assert pb.isclose(a, b, atol=1.0).tolist()[3] is False  # inf - -inf is not finite
    # zero tolerances: equality (and NaN with equal_nan), nothing else
    assert pb.isclose(a, b, rtol=0, atol=0, equal_nan=True).tolist() == \
        [True, True, True, False, True, False, True, False, False]


def test_isclose_defaults_are_pytorchs() -> None:
    x = pb.tensor([1.0, 1.0, 0.0, 0.0], dtype=pb.float64)
    y = pb.tensor([1.0 + 9e-6, 1.0 + 2e-5, 9e-9, 2e-8], dtype=pb.float64)
    # rtol=1e-05, atol=1e-08: |x - y| <= 1e-08 + 1e-05 * |y|
    assert pb.isclose(x, y).tolist() == [True, False, True, False]
    assert pb.allclose(x[:1], y[:1]) is True
    assert pb.allclose(x, y) is False


@pytest.mark.parametrize("dtype", [d for d in NUMERIC if not d.is_floating_point], ids=str)
def test_isclose_integers(dtype: pb.DType) -> None:
    a = pb.tensor([0, 5, 10, 100], dtype=dtype)
    b = pb.tensor([0, 6, 12, 100], dtype=dtype)
    assert pb.isclose(a, b).tolist() == [True, False, False, True]
    assert pb.isclose(a, b, atol=1).tolist() == [True, True, False, True]
    assert pb.isclose(a, b, rtol=0.2).tolist() == [True, True, True, True]
    assert pb.isclose(a, b).dtype is pb.bool
    # the difference is taken in the default float dtype, never wrapped
    hi = 127 if dtype is pb.int8 else 255 if dtype is pb.uint8 else 1000
    low = -128 if dtype.is_signed else 0
    assert pb.isclose(pb.tensor([low, hi - 1], dtype=dtype),
                      pb.tensor([hi, hi], dtype=dtype), atol=1).tolist() == [False, True]


def test_isclose_bools_broadcasting_and_0d() -> None:
    t, f = pb.tensor([True]), pb.tensor([False])
    assert pb.isclose(t, f).tolist() == [False]
    assert pb.isclose(t, f, atol=1).tolist() == [True]
    grid = pb.isclose(pb.tensor([[1.0], [2.0]]), pb.tensor([1.0, 2.0, 3.0]))
    assert grid.tolist() == [[True, False, False], [False, True, False]]
    assert pb.isclose(pb.tensor(1.0), pb.tensor(1.0)).shape == ()
    assert pb.allclose(pb.zeros(0), pb.zeros(0)) is True


def test_isclose_and_allclose_errors() -> None:
    x = pb.ones(2)
    for name, fn in (("pb.isclose", pb.isclose), ("pb.allclose", pb.allclose)):
        text = _error(lambda f=fn: f(x, pb.ones(2, dtype=pb.float64)), pb.DTypeError, name)
        assert "float32 and float64" in text
        _error(lambda f=fn: f(x, 1.0), pb.ArgumentError, name)
        _error(lambda f=fn: f(x, x, rtol=-1e-5), pb.ArgumentError, name)
        _error(lambda f=fn: f(x, x, atol=NAN), pb.ArgumentError, name)
        _error(lambda f=fn: f(x, x, equal_nan=1), pb.ArgumentError, name)
        _error(lambda f=fn: f(x, pb.ones(3)), pb.ShapeError, name)
        _error(lambda f=fn: f(x, pb.ones(2, device="meta")), pb.DeviceError, name)
    _error(lambda: pb.allclose(pb.ones(2, device="meta"), pb.ones(2, device="meta")),
           pb.ArgumentError, "pb.allclose")


# equal -----------------------------------------------------------------------------------


def test_equal() -> None:
    x = pb.tensor([[1, 2], [3, 4]])
    assert pb.equal(x, x.clone()) is True
    assert x.equal(x.t().t()) is True
    assert pb.equal(x, x.to(pb.float64)) is True  # promoted, as ==
    assert pb.equal(x, x + 1) is False
    assert pb.equal(x, x.reshape(4)) is False  # shapes never broadcast
    assert pb.equal(pb.tensor([1, 1]), pb.tensor([1])) is False
    assert pb.equal(pb.tensor([NAN]), pb.tensor([NAN])) is False
    assert pb.equal(pb.zeros(0, 3), pb.zeros(0, 3)) is True
    _error(lambda: pb.equal(x, [[1, 2], [3, 4]]), pb.ArgumentError, "pb.equal")
    _error(lambda: pb.equal(x, pb.ones(2, 2, device="meta")), pb.DeviceError, "pb.equal")


# clip, clamp_min, clamp_max --------------------------------------------------------------


@pytest.mark.parametrize("dtype", NUMERIC, ids=str)
def test_clip_and_one_sided_clamps(dtype: pb.DType) -> None:
    values = np.arange(0, 12).astype(NP_OF[dtype])
    x = pb.tensor(values)
    as_float = values.astype(np.float64)
    cases = {
        "clip": (pb.clip(x, 2, 9), np.clip(as_float, 2, 9)),
        "clip min": (pb.clip(x, min=3), np.maximum(as_float, 3)),
        "method clip": (x.clip(max=4), np.minimum(as_float, 4)),
        "clamp_min": (pb.clamp_min(x, 5), np.maximum(as_float, 5)),
        "clamp_max": (pb.clamp_max(x, 5), np.minimum(as_float, 5)),
        "method clamp_min": (x.clamp_min(pb.tensor(7, dtype=dtype)), np.maximum(as_float, 7)),
        "method clamp_max": (x.clamp_max(7), np.minimum(as_float, 7)),
    }
    for name, (got, expected) in cases.items():
        assert got.dtype is dtype, name
        np.testing.assert_array_equal(got.numpy().astype(np.float64), expected, err_msg=name)
    out = pb.empty(12, dtype=dtype)
    assert pb.clamp_min(x, 5, out=out) is out
    np.testing.assert_array_equal(out.numpy().astype(np.float64), np.maximum(as_float, 5))


def test_clamp_min_and_max_need_their_bound() -> None:
    _error(lambda: pb.clamp_min(pb.ones(2), None), pb.ArgumentError, "pb.clamp_min")
    _error(lambda: pb.clamp_max(pb.ones(2), None), pb.ArgumentError, "pb.clamp_max")
    _error(lambda: pb.clamp_min(pb.ones(2)), pb.ArgumentError, "pb.clamp_min")


# broadcast_to, movedim ---------------------------------------------------------------------


def test_broadcast_to_is_an_expand_view() -> None:
    x = pb.tensor([[1], [2]])
    y = pb.broadcast_to(x, (3, 2, 4))
    np.testing.assert_array_equal(y.numpy(), np.broadcast_to(x.numpy(), (3, 2, 4)))
    assert y.untyped_storage() is x.untyped_storage()
    assert x.broadcast_to((2, -1)).shape == (2, 1)
    with pytest.raises(pb.ShapeError, match="pb::expand"):
        pb.broadcast_to(x, (3, 3))


MOVES = [
    ((2, 3, 4), 0, 2), ((2, 3, 4), -1, 0), ((2, 3, 4), [0, 1], [2, 0]), ((2, 3, 4), (0, 2),
                                                                          (-1, -3)),
    ((2, 3, 4, 5), [3, 0], [1, 2]), ((2, 3), [], []), ((5,), 0, -1), ((2, 3, 4), 1, 1),
]


@pytest.mark.parametrize(("shape", "source", "destination"), MOVES)
def test_movedim_is_numpys_moveaxis(shape: tuple[int, ...], source: Any, destination: Any) -> None:
    values = np.arange(int(np.prod(shape))).reshape(shape)
    x = pb.tensor(values)
    y = pb.movedim(x, source, destination)
    np.testing.assert_array_equal(y.numpy(), np.moveaxis(values, source, destination))
    assert y.untyped_storage() is x.untyped_storage()  # a view
    np.testing.assert_array_equal(x.movedim(source, destination).numpy(), y.numpy())


def test_movedim_0d_and_errors() -> None:
    assert pb.movedim(pb.tensor(3.0), 0, -1).item() == 3.0
    x = pb.zeros(2, 3, 4)
    _error(lambda: pb.movedim(x, [0, 1], [0]), pb.ShapeError, "pb.movedim")
    _error(lambda: pb.movedim(x, [0, 0], [1, 2]), pb.ShapeError, "pb.movedim")
    _error(lambda: pb.movedim(x, [0, 1], [2, -1]), pb.ShapeError, "pb.movedim")
    _error(lambda: pb.movedim(x, 3, 0), pb.ShapeError, "pb.movedim")
    _error(lambda: pb.movedim(x, 0.5, 0), pb.ArgumentError, "pb.movedim")
    _error(lambda: pb.movedim(x, True, 0), pb.ArgumentError, "pb.movedim")
    _error(lambda: pb.movedim([1, 2], 0, 0), pb.ArgumentError, "pb.movedim")


# nonzero, masked_select ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL, ids=str)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), (2, 0, 3), (1, 1)])
def test_nonzero(dtype: pb.DType, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    values = (rng.integers(0, 3, size=shape) * rng.integers(0, 2, size=shape)).astype(
        NP_OF[dtype])
    x = pb.tensor(values)
    expected = np.argwhere(values.astype(np.float64))
    got = pb.nonzero(x)
    assert got.dtype is pb.int64
    assert got.shape == (len(expected), len(shape))
    np.testing.assert_array_equal(got.numpy(), expected)
    np.testing.assert_array_equal(x.nonzero().numpy(), expected)
    as_tuple = pb.nonzero(x, as_tuple=True)
    assert isinstance(as_tuple, tuple) and len(as_tuple) == len(shape)
    for got_dim, expected_dim in zip(as_tuple, np.nonzero(values.astype(np.float64)),
                                     strict=True):
        assert got_dim.dtype is pb.int64
        np.testing.assert_array_equal(got_dim.numpy(), expected_dim)


def test_nonzero_counts_nan_not_negative_zero_and_0d_inputs() -> None:
    x = pb.tensor([0.0, -0.0, NAN, 2.0])
    assert pb.nonzero(x).tolist() == [[2], [3]]
    assert pb.nonzero(pb.tensor(5)).shape == (1, 0)
    assert pb.nonzero(pb.tensor(0)).shape == (0, 0)
    assert [t.tolist() for t in pb.nonzero(pb.tensor(5), as_tuple=True)] == [[0]]
    assert [t.tolist() for t in pb.nonzero(pb.tensor(0), as_tuple=True)] == [[]]
    m = pb.tensor([[0, 1], [2, 0]])
    assert m[pb.nonzero(m, as_tuple=True)].tolist() == [1, 2]  # ready to index with


def test_nonzero_errors() -> None:
    _error(lambda: pb.nonzero([1, 0]), pb.ArgumentError, "pb.nonzero")
    _error(lambda: pb.nonzero(pb.ones(2), as_tuple="yes"), pb.ArgumentError, "pb.nonzero")
    _error(lambda: pb.nonzero(pb.ones(2, device="meta")), pb.ArgumentError, "pb.nonzero")


@pytest.mark.parametrize("dtype", ALL, ids=str)
@pytest.mark.parametrize(("input_shape", "mask_shape"), [
    ((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)), ((), (5,)), ((2,), ()),
    ((0, 3), (3,)),
])
def test_masked_select(dtype: pb.DType, input_shape: tuple[int, ...],
                       mask_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2, size=input_shape).astype(NP_OF[dtype])
    mask = rng.integers(0, 2, size=mask_shape).astype(bool)
    shape = np.broadcast_shapes(input_shape, mask_shape)
    expected = np.broadcast_to(values, shape)[np.broadcast_to(mask, shape)]
    got = pb.masked_select(pb.tensor(values), pb.tensor(mask))
    assert got.dtype is dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy().astype(np.float64), expected.astype(np.float64))


def test_masked_select_errors() -> None:
    x = pb.ones(2, 3)
    text = _error(lambda: pb.masked_select(x, pb.ones(2, 3, dtype=pb.uint8)), pb.DTypeError,
                  "pb.masked_select")
    assert "bool" in text
    _error(lambda: pb.masked_select(x, pb.ones(4, dtype=pb.bool)), pb.ShapeError,
           "pb.masked_select")
    _error(lambda: pb.masked_select(x, [True, False, True]), pb.ArgumentError,
           "pb.masked_select")
    _error(lambda: x.masked_select(pb.ones(3, dtype=pb.bool, device="meta")), pb.DeviceError,
           "pb.masked_select")


# einsum ----------------------------------------------------------------------------------

EQUATIONS: list[tuple[str, list[tuple[int, ...]]]] = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),             # matrix product
    ("ij,jk", [(2, 3), (3, 4)]),                 # implicit output
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),    # batched
    ("i,j->ij", [(3,), (4,)]),                   # outer
    ("i,i->", [(5,), (5,)]),                     # dot
    ("i,i->i", [(5,), (5,)]),                    # product, no sum
    ("ii->i", [(4, 4)]),                         # diagonal
    ("ii", [(4, 4)]),                            # trace
    ("iij->j", [(3, 3, 2)]),                     # repeated in one operand, then summed
    ("ij->", [(3, 4)]),                          # total
    ("ij->j", [(3, 4)]),                         # column sums
    ("ij->ji", [(3, 4)]),                        # transpose
    ("ba", [(3, 4)]),                            # implicit: alphabetical order
    ("Ab,bA->A", [(2, 3), (3, 2)]),              # upper case
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),  # ellipsis broadcasting
    ("...ij,jk", [(2, 3, 4), (4, 2)]),           # implicit with ellipsis (first)
    ("...ij->ij", [(2, 3, 4)]),                  # ellipsis not in the output: summed
    ("...ij,...jk->ik", [(2, 3, 4), (2, 4, 5)]),
    ("i...->...", [(3, 2, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),  # three operands
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("i,j,k->", [(2,), (3,), (4,)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    (" i j , j k -> i k ", [(2, 3), (3, 4)]),    # spaces
    ("ij,jk->ik", [(2, 0), (0, 3)]),             # an empty contraction is zeros
    (",i->i", [(), (3,)]),                       # a 0-d operand
]


def _operands(shapes: list[tuple[int, ...]], dtype: np.dtype[Any]) -> list[np.ndarray]:
    rng = np.random.default_rng(2)
    return [rng.integers(-3, 4, size=s).astype(dtype) for s in shapes]


@pytest.mark.parametrize(("equation", "shapes"), EQUATIONS)
@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.int64, pb.int32], ids=str)
def test_einsum_is_numpys(equation: str, shapes: list[tuple[int, ...]], dtype: pb.DType) -> None:
    arrays = _operands(shapes, NP_OF[dtype])
    # PyTorch sums the dimensions of an ellipsis missing from the output; NumPy refuses.
    reference = equation.replace(" ", "").replace("...ij->ij", "zij->ij")
    reference = reference.replace("...ij,...jk->ik", "zij,zjk->ik")
    expected = np.einsum(reference, *arrays)
    got = pb.einsum(equation, *[pb.tensor(a) for a in arrays])
    assert got.shape == expected.shape
    if dtype.is_floating_point or len(arrays) > 1:
        assert got.dtype is dtype
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16, pb.int8, pb.uint8, pb.int16],
                         ids=str)
def test_einsum_small_dtypes(dtype: pb.DType) -> None:
    a = np.arange(6).reshape(2, 3).astype(NP_OF[dtype])
    b = np.arange(3).astype(NP_OF[dtype])
    got = pb.einsum("ij,j->i", pb.tensor(a), pb.tensor(b))
    assert got.dtype is dtype
    np.testing.assert_array_equal(got.numpy().astype(np.float64), [5.0, 14.0])


def test_einsum_takes_a_list_and_sums_one_integer_operand_to_int64() -> None:
    a, b = pb.ones(2, 3), pb.ones(3, 4)
    assert pb.einsum("ij,jk->ik", [a, b]).tolist() == [[3.0] * 4] * 2
    assert pb.einsum("ij->", pb.ones(2, 2, dtype=pb.int32)).dtype is pb.int64  # as sum
    view = pb.einsum("ij->ji", a)
    assert view.untyped_storage() is a.untyped_storage()  # a permutation is a view


@pytest.mark.parametrize(("equation", "operands", "kind", "words"), [
    ("ij,jk", [(2, 3)], pb.ArgumentError, "fewer operands"),
    ("ij", [(2, 3), (3,)], pb.ArgumentError, "more operands"),
    ("ij->i->j", [(2, 3)], pb.ArgumentError, "'->'"),
    ("i1", [(2, 3)], pb.ArgumentError, "invalid subscript '1' at index 1"),
    ("i..j", [(2, 3)], pb.ArgumentError, "not part of an ellipsis"),
    ("...i...", [(2, 3)], pb.ArgumentError, "second ellipsis"),
    ("ij->ii", [(2, 3)], pb.ArgumentError, "appears more than once"),
    ("ij->k", [(2, 3)], pb.ArgumentError, "does not appear"),
    ("ijk", [(2, 3)], pb.ShapeError, "3 subscripts but 2"),
    ("i...jk", [(2, 3)], pb.ShapeError, "3 subscripts but only 2"),
    ("ii", [(2, 3)], pb.ShapeError, "repeated for operand 0"),
    ("ij,jk", [(2, 3), (4, 5)], pb.ShapeError, "subscript j has size 3"),
    ("...i,...i", [(2, 3), (4, 3)], pb.ShapeError, "ellipsis dimension 0"),
])
def test_einsum_errors(equation: str, operands: list[tuple[int, ...]],
                       kind: type[pb.PlugboardError], words: str) -> None:
    tensors = [pb.ones(*s) for s in operands]
    text = _error(lambda: pb.einsum(equation, *tensors), kind, "pb.einsum")
    assert words in text


def test_einsum_operand_errors() -> None:
    x = pb.ones(2, 2)
    _error(lambda: pb.einsum("ij,jk", x, x.to(pb.float64)), pb.DTypeError, "pb.einsum")
    _error(lambda: pb.einsum("ij,jk", x, pb.ones(2, 2, device="meta")), pb.DeviceError,
           "pb.einsum")
    _error(lambda: pb.einsum("ij", [[1.0]]), pb.ArgumentError, "pb.einsum")
    _error(lambda: pb.einsum(x, [0, 1]), pb.ArgumentError, "pb.einsum")
    _error(lambda: pb.einsum("ij"), pb.ArgumentError, "pb.einsum")


# Every wrong argument type, every function: a plugboard error naming it, with the fix --

_X = pb.ones(2, 2)
BASE_CALLS: dict[str, tuple[list[Any], tuple[str, ...]]] = {
    # name: (valid arguments, the names an error may carry: the function or its operator)
    "isclose": ([_X, _X], ("pb.isclose",)),
    "allclose": ([_X, _X], ("pb.allclose",)),
    "equal": ([_X, _X], ("pb.equal",)),
    "clip": ([_X], ("pb.clip", "pb::clamp")),
    "clamp_min": ([_X, 0], ("pb.clamp_min", "pb::clamp")),
    "clamp_max": ([_X, 0], ("pb.clamp_max", "pb::clamp")),
    "broadcast_to": ([_X, (2, 2)], ("pb.broadcast_to", "pb::expand")),
    "movedim": ([_X, 0, 1], ("pb.movedim",)),
    "nonzero": ([_X], ("pb.nonzero",)),
    "masked_select": ([_X, _X > 0], ("pb.masked_select",)),
    "einsum": (["ij", _X], ("pb.einsum",)),
}
BAD_VALUES: dict[str, Any] = {"a str": "x", "None": None, "a list of str": ["x"],
                              "an object()": object()}


@pytest.mark.parametrize("name", BASE_CALLS)
def test_every_function_reports_wrong_arguments(name: str) -> None:
    fn = getattr(pb, name)
    base, names = BASE_CALLS[name]
    keywords = [p.name for p in inspect.signature(fn).parameters.values()
                if p.default is not inspect.Parameter.empty and p.name != "out"]
    calls: list[tuple[str, list[Any], dict[str, Any]]] = [
        ("no arguments", [], {}), ("an unknown keyword", base, {"nonsense": 1}),
    ]
    for (label, bad), i in itertools.product(BAD_VALUES.items(), range(len(base))):
        calls.append((f"argument {i} = {label}", [*base[:i], bad, *base[i + 1:]], {}))
    for (label, bad), keyword in itertools.product(BAD_VALUES.items(), keywords):
        if bad is None and inspect.signature(fn).parameters[keyword].default is None:
            continue
        calls.append((f"{keyword} = {label}", base, {keyword: bad}))
    problems = []
    for what, args, kwargs in calls:
        try:
            fn(*args, **kwargs)
        except pb.PlugboardError as error:
            text = str(error)
            if not (text.startswith(names) and "Fix:" in text and "\n  inputs: " in text):
                problems.append(f"{what}: {text[:200]!r}")
        except Exception as error:  # what escapes is what is tested
            problems.append(f"{what}: raw {type(error).__name__}: {error}")
        else:
            problems.append(f"{what}: no error")
    assert not problems, "\n".join(problems)
