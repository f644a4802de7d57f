"""Every operator meets the special values of its dtypes, and every reduction long rows.

The op database's value samples are what a backend is checked against: an input
class no sample holds is one a backend can get wrong unnoticed. For each entry
and dtype this asserts that some value sample's tensor inputs of that dtype hold
NaN, +inf, -inf, -0.0, a subnormal and the dtype's largest finite value (either
sign) for floating dtypes, and the dtype's smallest and largest values for
integer dtypes; and that every reduction-like entry has a float16 and bfloat16
sample with 4096 elements along an axis, compared against the float64
reference. Exemptions are explicit, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import ml_dtypes
import numpy as np
import pytest

import plugboard as pb
from plugboard_conformance._opdb import Layout, OpInfo, all_ops
from plugboard_conformance._opdb_creation import HostData
from plugboard_conformance._opdb_special import LONG_ROWS, SPECIAL_INPUTS

FLOAT_VALUES = ("NaN", "+inf", "-inf", "-0.0", "a subnormal", "the dtype's max")
INTEGER_VALUES = ("the dtype's min", "the dtype's max")

_NO_TENSOR_INPUT = "creates a tensor from sizes and numbers: it has no tensor input"
_SHAPE_ONLY = "reads only its input's shape and dtype, never its values"



class Exemption(NamedTuple):
    values: frozenset[str] | None  # None: every value
    dtypes: frozenset[str] | None  # None: every dtype
    reason: str


_EVERY = Exemption(None, None, "")
_SQUARES = ("the square of the dtype's max overflows float32, in which normalizations "
            "accumulate: the result is the accumulation's (PyTorch's layer_norm gives "
            "NaN, its rms_norm 0), not a reference value")
EXEMPT: dict[str, Exemption] = {
    **{f"pb::{name}": _EVERY._replace(reason=_NO_TENSOR_INPUT) for name in (
        "full", "arange", "zeros", "ones", "empty", "linspace", "eye")},
    **{f"pb::{name}": _EVERY._replace(reason="random numbers: no input values, a "
                                             "statistical check")
       for name in ("rand", "randn", "randint")},
    **{f"pb::{name}": _EVERY._replace(reason=_SHAPE_ONLY) for name in (
        "empty_like", "zeros_like", "ones_like", "full_like")},
    "pb::avg_pool2d": Exemption(frozenset(INTEGER_VALUES), frozenset({"int64"}),
                                "a window sum of int64's extremes overflows int64 (in "
                                "PyTorch too): no average is defined"),
    **{f"pb::{name}": Exemption(frozenset({"the dtype's max"}),
                                frozenset({"float32", "bfloat16"}), _SQUARES)
       for name in ("layer_norm", "rms_norm")},
}

# Reduction-like operators: they accumulate along an axis (reductions, scans,
# normalizations, losses, products' inner dimension, attention's keys).
REDUCTIONS = frozenset(f"pb::{name}" for name in (
    "sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "max", "min", "max_dim",
    "min_dim", "all", "any", "var", "std", "norm", "logsumexp", "cumsum", "cumprod",
    "softmax", "log_softmax", "layer_norm", "rms_norm", "batch_norm", "cross_entropy",
    "mse_loss", "scaled_dot_product_attention", "matmul", "mm", "bmm", "dot", "linear",
    "addmm", "conv2d", "conv2d_padding",
))
LONG = 4096  # elements along the reduced axis


def _arrays(value: Any) -> Iterator[np.ndarray]:
    """The host values of the tensor inputs in a sample's arguments."""
    if isinstance(value, Layout):
        yield value.host()
    elif isinstance(value, HostData):
        yield from _arrays(np.asarray(value.value))
    elif isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)


def _inputs(info: OpInfo, dtype: pb.DType) -> Iterator[tuple[str, np.ndarray]]:
    """(sample name, input) for every tensor input of ``dtype`` in the value samples."""
    for sample in info.samples(dtype, np.random.default_rng(0)):
        for array in _arrays((sample.args, sample.kwargs)):
            if array.dtype == dtype.numpy:
                yield sample.name, array


def _held(x: np.ndarray, dtype: pb.DType) -> set[str]:
    if not dtype.is_floating_point:
        return ({"the dtype's min"} if (x == dtype.min).any() else set()) | (
            {"the dtype's max"} if (x == dtype.max).any() else set())
    info: Any = ml_dtypes.finfo(dtype.numpy)  # type: ignore[no-untyped-call]
    v = x.astype(np.float64).reshape(-1)
    checks = {
        "NaN": np.isnan(v), "+inf": v == np.inf, "-inf": v == -np.inf,
        "-0.0": (v == 0) & np.signbit(v),
        "a subnormal": (v != 0) & (np.abs(v) < float(info.tiny)),
        "the dtype's max": np.abs(v) == float(info.max),
    }
    return {name for name, where in checks.items() if where.any()}


def _cases() -> Iterator[tuple[OpInfo, pb.DType]]:
    for info in all_ops():
        for dtype in info.dtypes:
            if not dtype.is_bool:
                yield info, dtype


@pytest.mark.parametrize(("info", "dtype"), list(_cases()),
                         ids=lambda v: v.name if isinstance(v, (OpInfo, pb.DType)) else "")
def test_value_samples_hold_the_special_values_of_the_dtype(info: OpInfo,
                                                            dtype: pb.DType) -> None:
    wanted = set(FLOAT_VALUES if dtype.is_floating_point else INTEGER_VALUES)
    exemption = EXEMPT.get(info.name)
    if exemption is not None and (exemption.dtypes is None or dtype.name in exemption.dtypes):
        wanted -= set(wanted if exemption.values is None else exemption.values)
    held: set[str] = set()
    for _name, x in _inputs(info, dtype):
        held |= _held(x, dtype)
    missing = sorted(wanted - held)
    assert not missing, (f"{info.name} in {dtype}: no value sample has a {dtype} input "
                         f"holding {', '.join(missing)}")


def test_the_tables_name_known_operators() -> None:
    names = {info.name for info in all_ops()}
    for table, label in ((EXEMPT, "exempt"), (REDUCTIONS, "reductions"),
                         (SPECIAL_INPUTS, "SPECIAL_INPUTS"), (LONG_ROWS, "LONG_ROWS")):
        unknown = sorted(set(table) - names)
        assert not unknown, f"{label} names unknown operators: {unknown}"
    for name, exemption in EXEMPT.items():
        assert exemption.reason, f"{name} is exempt without a reason"


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16], ids=lambda d: d.name)
def test_reductions_have_rows_of_4096_in_16_bit_floats(name: str, dtype: pb.DType) -> None:
    info = next(i for i in all_ops() if i.name == name)
    if dtype not in info.dtypes:
        pytest.skip(f"{name} has no {dtype}")
    longest = max((max(x.shape, default=0) for _, x in _inputs(info, dtype)), default=0)
    assert longest >= LONG, (f"{name} in {dtype}: no value sample reduces {LONG} "
                             f"elements (its longest {dtype} input axis has {longest})")
