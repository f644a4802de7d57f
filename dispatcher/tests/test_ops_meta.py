"""The rules the meta functions share (``_ops/meta.py``): Python numbers meeting a dtype,
and lists of dims. Each is checked across every operator that applies it."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb

P = pb.ops.pb

# Numbers written into tensors ---------------------------------------------------------

_MASK = [True, False, True]


def _setitem(index: Callable[[pb.Tensor], Any]) -> Callable[[pb.Tensor, Any], pb.Tensor]:
    def write(x: pb.Tensor, value: Any) -> pb.Tensor:
        x[index(x)] = value
        return x

    return write


# Each writes a number into (a copy of, or in place) x, keeping x's dtype.
_WRITES: dict[str, Callable[[pb.Tensor, Any], pb.Tensor]] = {
    "full": lambda x, v: pb.full(x.shape, v, dtype=x.dtype),
    "full_like": pb.full_like,
    "masked_fill": lambda x, v: pb.masked_fill(x, pb.tensor(_MASK), v),
    "masked_fill_": lambda x, v: x.masked_fill_(pb.tensor(_MASK), v),
    "scatter(value=)": lambda x, v: pb.scatter(x, 0, pb.tensor([1]), v),
    "pad(value=)": lambda x, v: pb.pad(x, (1, 1), value=v),
    "x[i] = v": _setitem(lambda x: 1),
    "x[:] = v": _setitem(lambda x: slice(None)),
    "x[mask] = v": _setitem(lambda x: pb.tensor(_MASK)),
    "x[positions] = v": _setitem(lambda x: [0, 2]),
}

# (dtype, a number it cannot hold): fractions, nan and inf into integers, integers past
# the range, finite floats past the largest finite value, anything but 0 and 1 into bool.
_UNHELD = [
    (pb.int64, 2.5),
    (pb.int32, -0.5),
    (pb.int8, float("nan")),
    (pb.int16, float("inf")),
    (pb.int8, 128),
    (pb.int8, -129),
    (pb.uint8, -1),
    (pb.uint8, 256),
    (pb.int32, 2**31),
    (pb.int64, 1e19),
    (pb.float16, 1e6),
    (pb.float16, -65520.0),
    (pb.bfloat16, 1e39),
    (pb.float32, 1e39),
    (pb.bool, 2),
    (pb.bool, 0.5),
]


def _ids(cases: list[tuple[pb.DType, Any]]) -> list[str]:
    return [f"{value!r}-into-{dtype}" for dtype, value in cases]


@pytest.mark.parametrize("write", list(_WRITES.values()), ids=list(_WRITES))
@pytest.mark.parametrize(("dtype", "value"), _UNHELD, ids=_ids(_UNHELD))
def test_a_number_the_dtype_cannot_hold_is_never_written(
    write: Callable[[pb.Tensor, Any], pb.Tensor], dtype: pb.DType, value: Any
) -> None:
    x = pb.zeros(3, dtype=dtype)
    with pytest.raises(pb.DTypeError, match=rf"{dtype}.*Fix:") as info:
        write(x, value)
    assert repr(value)[:8] in str(info.value)
    assert x.tolist() == pb.zeros(3, dtype=dtype).tolist()  # nothing written


# (dtype, a number it holds, the value read back): the extremes, integral floats, rounding.
_HELD = [
    (pb.int8, -128, -128),
    (pb.int8, 127.0, 127),
    (pb.uint8, 255, 255),
    (pb.int64, 2**63 - 1, 2**63 - 1),
    (pb.int32, True, 1),
    (pb.bool, 1, True),
    (pb.bool, 0.0, False),
    (pb.float16, 65504.0, 65504.0),
    (pb.float16, 0.1, float(np.float16(0.1))),
    (pb.float16, -math.inf, -math.inf),
    (pb.bfloat16, 3e38, float(np.asarray(3e38).astype(pb.bfloat16.numpy))),
    (pb.float64, 2**62 + 1, float(2**62)),  # an int, rounded to the nearest float64
]


@pytest.mark.parametrize("write", list(_WRITES.values()), ids=list(_WRITES))
@pytest.mark.parametrize(("dtype", "value", "expected"), _HELD,
                         ids=[f"{v!r}-into-{d}" for d, v, _ in _HELD])
def test_a_number_the_dtype_holds_is_written_exactly(
    write: Callable[[pb.Tensor, Any], pb.Tensor], dtype: pb.DType, value: Any, expected: Any
) -> None:
    result = write(pb.zeros(3, dtype=dtype), value)
    assert result.dtype is dtype
    assert expected in result.tolist()


def test_nan_is_held_by_floating_dtypes() -> None:
    for dtype in (pb.float16, pb.bfloat16, pb.float32, pb.float64):
        assert math.isnan(pb.full((1,), math.nan, dtype=dtype).item())


# where and clamp write their numbers too, in the promoted dtype: a number of a higher
# category promotes (int8 with 2.5 is float32), one of the same category must fit.
_SAME_CATEGORY = [(d, v) for d, v in _UNHELD if isinstance(v, int) and not d.is_bool] + [
    (pb.float16, 1e6), (pb.bfloat16, 1e39), (pb.float32, 1e39)]

_PROMOTING: dict[str, Callable[[pb.Tensor, Any], pb.Tensor]] = {
    "where(c, x, v)": lambda x, v: pb.where(pb.tensor(_MASK), x, v),
    "where(c, v, x)": lambda x, v: pb.where(pb.tensor(_MASK), v, x),
    "clamp(min=)": lambda x, v: pb.clamp(x, min=v),
    "clamp(max=)": lambda x, v: pb.clamp(x, max=v),
    "clamp_(min=)": lambda x, v: x.clamp_(min=v),
}


@pytest.mark.parametrize("write", list(_PROMOTING.values()), ids=list(_PROMOTING))
@pytest.mark.parametrize(("dtype", "value"), _SAME_CATEGORY, ids=_ids(_SAME_CATEGORY))
def test_where_and_clamp_never_wrap_their_numbers(
    write: Callable[[pb.Tensor, Any], pb.Tensor], dtype: pb.DType, value: Any
) -> None:
    x = pb.zeros(3, dtype=dtype)
    with pytest.raises(pb.DTypeError, match=rf"{dtype}.*Fix:"):
        write(x, value)
    assert x.tolist() == pb.zeros(3, dtype=dtype).tolist()


def test_where_and_clamp_promote_a_number_of_a_higher_category() -> None:
    x = pb.tensor([1, 2, 3], dtype=pb.int8)
    assert pb.where(pb.tensor(_MASK), x, 2.5).tolist() == [1.0, 2.5, 3.0]
    assert pb.clamp(x, max=1.5).tolist() == [1.0, 1.5, 1.5]
    assert pb.where(pb.tensor(_MASK), x, -128).tolist() == [1, -128, 3]


def test_arange_and_linspace_values_must_fit_the_dtype() -> None:
    with pytest.raises(pb.DTypeError, match="int8"):
        pb.arange(0, 200, dtype=pb.int8)  # 128 ... 199 would wrap
    with pytest.raises(pb.DTypeError, match="float16"):
        pb.arange(0, 70000, 1000, dtype=pb.float16)  # 66000 and up would be inf
    with pytest.raises(pb.DTypeError, match="int8"):
        pb.linspace(0, 300, 3, dtype=pb.int8)
    with pytest.raises(pb.DTypeError, match="float16"):
        pb.linspace(0, 1e6, 3, dtype=pb.float16)
    assert pb.arange(-128, 128, 255, dtype=pb.int8).tolist() == [-128, 127]
    assert pb.linspace(-128, 127, 2, dtype=pb.int8).tolist() == [-128, 127]


# Numbers that are operands ----------------------------------------------------------------

# Modular integer arithmetic: a number wrapped modulo 2**bits gives the wrapped exact result.
_MODULAR: dict[str, tuple[Callable[[pb.Tensor, int], pb.Tensor], Callable[[int, int], int]]] = {
    "add": (lambda x, v: x + v, lambda a, v: a + v),
    "radd": (lambda x, v: v + x, lambda a, v: a + v),
    "sub": (lambda x, v: x - v, lambda a, v: a - v),
    "rsub": (lambda x, v: v - x, lambda a, v: v - a),
    "mul": (lambda x, v: x * v, lambda a, v: a * v),
    "bitwise_and": (lambda x, v: x & v, lambda a, v: a & v),
    "bitwise_or": (lambda x, v: x | v, lambda a, v: a | v),
    "bitwise_xor": (lambda x, v: x ^ v, lambda a, v: a ^ v),
}
# Everything else computes with the number itself, which must fit.
_CHECKED: dict[str, Callable[[pb.Tensor, Any], pb.Tensor]] = {
    "floor_divide": lambda x, v: x // v,
    "div trunc": lambda x, v: pb.div(x, v, rounding_mode="trunc"),
    "remainder": lambda x, v: x % v,
    "fmod": pb.fmod,
    "maximum": pb.maximum,
    "minimum": pb.minimum,
    "eq": lambda x, v: x == v,
    "ne": lambda x, v: x != v,
    "lt": lambda x, v: x < v,
    "ge": lambda x, v: x >= v,
    "bitwise_left_shift": lambda x, v: x << v,
    "remainder_": lambda x, v: x.remainder_(v),
}

_OUT_OF_RANGE = [(pb.int8, 1000), (pb.int8, -129), (pb.uint8, 256), (pb.uint8, -1),
                 (pb.int16, 2**15), (pb.int32, -(2**31) - 1)]


def _wrapped(value: int, dtype: pb.DType) -> int:
    bits = 8 * dtype.itemsize
    value %= 1 << bits
    return value - (1 << bits) if dtype.is_signed and value >= 1 << (bits - 1) else value


@pytest.mark.parametrize("device", ["cpu", "opencl"])
@pytest.mark.parametrize("compute", list(_MODULAR.values()), ids=list(_MODULAR))
@pytest.mark.parametrize(("dtype", "value"), _OUT_OF_RANGE, ids=_ids(_OUT_OF_RANGE))
def test_modular_arithmetic_wraps_a_number_past_the_dtype_as_pytorch(
    device: str, compute: tuple[Callable[[pb.Tensor, int], pb.Tensor], Callable[[int, int], int]],
    dtype: pb.DType, value: int,
) -> None:
    if not pb.devices(device):
        pytest.skip(f"no {device} device")
    operator, exact = compute
    values = [1, 2, 100]
    result = operator(pb.tensor(values, dtype=dtype, device=device), value)
    assert result.dtype is dtype
    assert result.tolist() == [_wrapped(exact(a, value), dtype) for a in values]


_MULTIPLIERS: dict[str, Callable[[pb.Tensor, int], pb.Tensor]] = {
    "add alpha": lambda x, v: pb.add(x, x, alpha=v),
    "sub alpha": lambda x, v: pb.sub(x, x, alpha=v),
    "add_ alpha": lambda x, v: x.add_(x, alpha=v),
    "addcmul value": lambda x, v: pb.addcmul(x, x, x, value=v),
}


@pytest.mark.parametrize("device", ["cpu", "opencl"])
@pytest.mark.parametrize("compute", list(_MULTIPLIERS.values()), ids=list(_MULTIPLIERS))
def test_multipliers_are_checked_as_pytorch_checks_them(
    device: str, compute: Callable[[pb.Tensor, int], pb.Tensor]
) -> None:
    # alpha= and value= must fit the dtype, except that an unsigned dtype takes negative
    # numbers down to -max (two's complement: alpha=-1 subtracts), as in PyTorch.
    if not pb.devices(device):
        pytest.skip(f"no {device} device")
    for dtype, value in [(pb.int8, 1000), (pb.int8, -129), (pb.uint8, 256), (pb.uint8, -256)]:
        x = pb.tensor([1, 2], dtype=dtype, device=device)
        with pytest.raises(pb.DTypeError, match=rf"{value}.*{dtype}.*Fix:"):
            compute(x, value)
        assert x.tolist() == [1, 2]
    x = pb.tensor([3, 0, 100], dtype=pb.uint8, device=device)
    assert pb.add(x, pb.ones(3, dtype=pb.uint8, device=device), alpha=-1).tolist() == [2, 255, 99]
    assert pb.sub(x, x, alpha=-255).tolist() == [0, 0, 0]  # x + 255 x = 256 x
    assert pb.add(x, x, alpha=127).dtype is pb.uint8


@pytest.mark.parametrize("compute", list(_CHECKED.values()), ids=list(_CHECKED))
@pytest.mark.parametrize(("dtype", "value"), _OUT_OF_RANGE, ids=_ids(_OUT_OF_RANGE))
def test_other_operators_refuse_a_number_the_computation_dtype_cannot_hold(
    compute: Callable[[pb.Tensor, Any], pb.Tensor], dtype: pb.DType, value: int
) -> None:
    # PyTorch compares uint8_x == -1 as uint8_x == 255: a wrong answer, refused here.
    x = pb.tensor([1, 2, 3], dtype=dtype)
    with pytest.raises(pb.DTypeError, match=rf"{value}.*{dtype}.*Fix:"):
        compute(x, value)
    assert x.tolist() == [1, 2, 3]


# Lists of dims --------------------------------------------------------------------------

_SCALAR = pb.tensor(5.0)

# Every operator that takes a dim, called on a 0-d tensor with ``d``.
_DIM_OPS: dict[str, Callable[[pb.Tensor, int], Any]] = {
    "sum": pb.sum,
    "sum list": lambda x, d: pb.sum(x, [d]),
    "mean": pb.mean,
    "amax": pb.amax,
    "amin": pb.amin,
    "all": pb.all,
    "any": pb.any,
    "prod": pb.prod,
    "argmax": pb.argmax,
    "argmin": pb.argmin,
    "max(dim)": pb.max,
    "min(dim)": pb.min,
    "logsumexp": pb.logsumexp,
    "norm": lambda x, d: pb.norm(x, 2, d),
    "std": pb.std,
    "var": pb.var,
    "cumsum": pb.cumsum,
    "softmax": pb.softmax,
    "squeeze": pb.squeeze,
    "flip": lambda x, d: pb.flip(x, [d]),
    "flatten": pb.flatten,
    "sort": pb.sort,
    "x.sum(d)": lambda x, d: x.sum(d),
    "cumprod": pb.cumprod,
    "log_softmax": pb.log_softmax,
    "argsort": pb.argsort,
    "topk": lambda x, d: pb.topk(x, 1, d),
    "gather": lambda x, d: pb.gather(x, d, pb.tensor(0)),
    "index_select": lambda x, d: pb.index_select(x, d, pb.tensor([0])),
    "transpose": lambda x, d: pb.transpose(x, d, 0),
    "roll": lambda x, d: pb.roll(x, [1], [d]),
}


@pytest.mark.parametrize("call", list(_DIM_OPS.values()), ids=list(_DIM_OPS))
@pytest.mark.parametrize("dim", [1, -2, 5])
def test_a_0d_tensor_takes_dims_0_and_minus_1_only(
    call: Callable[[pb.Tensor, int], Any], dim: int
) -> None:
    # As in PyTorch: "Dimension out of range (expected to be in range of [-1, 0])".
    with pytest.raises(pb.ShapeError, match=rf"dimension {dim} is out of range"):
        call(_SCALAR, dim)
    for valid in (0, -1):
        call(_SCALAR, valid)


_M = pb.arange(6.0).reshape(2, 3)

# Every operator that takes a list of dims, with one named twice.
_DIM_LISTS: dict[str, Callable[[pb.Tensor, list[int]], Any]] = {
    "sum": pb.sum,
    "mean": pb.mean,
    "amax": pb.amax,
    "amin": pb.amin,
    "all": pb.all,
    "any": pb.any,
    "logsumexp": pb.logsumexp,
    "norm": lambda x, d: pb.norm(x, 2, d),
    "std": pb.std,
    "var": pb.var,
    "squeeze": pb.squeeze,
    "flip": pb.flip,
    "permute": pb.permute,
}


_TWICE = [("2-d [0, 0]", _M, [0, 0]), ("2-d [1, -1]", _M, [1, -1]),
          ("3-d [0, 1, -3]", _M.reshape(1, 2, 3)[:, :1], [0, 1, -3]),
          ("0-d [0, 0]", _SCALAR, [0, 0]), ("0-d [0, -1]", _SCALAR, [0, -1])]
# permute takes exactly one entry per dimension: it has no 0-d case with two.
_TWICE_CASES = [pytest.param(call, x, dims, id=f"{name}-{case}")
                for name, call in _DIM_LISTS.items() for case, x, dims in _TWICE
                if name != "permute" or len(dims) == x.ndim]


@pytest.mark.parametrize(("call", "x", "dims"), _TWICE_CASES)
def test_a_dim_named_twice_is_an_error(
    call: Callable[[pb.Tensor, list[int]], Any], x: pb.Tensor, dims: list[int]
) -> None:
    with pytest.raises(pb.ShapeError, match="twice.*Fix:"):
        call(x, dims)
