"""CPU kernels of the shape primitives: every declared dtype runs and matches NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard_cpu._kernels_shape import KERNELS

ops = pb.ops.pb

VALUES = np.array([[0, 3, 1], [2, 1, 3]])  # values every dtype holds (as bool, with ties)
INDEX = np.array([[2, 0, 1], [1, 2, 0]])


def _x(dtype: pb.DType) -> pb.Tensor:
    return pb.tensor(VALUES.astype(dtype.numpy))


def _stable_sort(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(a, axis=-1, kind="stable")
    return np.take_along_axis(a, order, -1), order


def _largest_two(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-a, axis=-1, kind="stable")[:, :2]  # ties: the lower index first
    return np.take_along_axis(a, order, -1), order


def _scatter(a: np.ndarray, src: np.ndarray) -> np.ndarray:
    result = a.copy()
    np.put_along_axis(result, INDEX, src, 1)
    return result


# op -> (call on the test tensor, NumPy reference of VALUES in that dtype)
CASES: dict[str, tuple[Callable[[pb.Tensor], Any], Callable[[np.ndarray], Any]]] = {
    "cat": (lambda x: ops.cat([x, x[:1]], 0), lambda a: np.concatenate([a, a[:1]])),
    "flip": (lambda x: ops.flip(x, [0, 1]), np.flip),
    "tril": (ops.tril, np.tril),
    "triu": (lambda x: ops.triu(x, -1), lambda a: np.triu(a, -1)),
    "gather": (lambda x: ops.gather(x, 1, pb.tensor(INDEX)),
               lambda a: np.take_along_axis(a, INDEX, 1)),
    "scatter": (lambda x: ops.scatter(x, 1, pb.tensor(INDEX), ops.flip(x, [1])),
                lambda a: _scatter(a, np.flip(a, 1))),
    "scatter_add": (lambda x: ops.scatter_add(x, 0, pb.zeros(1, 3, dtype=pb.int64), x[1:]),
                    lambda a: a + np.concatenate([a[1:], np.zeros_like(a[1:])])),
    "sort": (lambda x: ops.sort(x, stable=True), _stable_sort),
    "topk": (lambda x: ops.topk(x, 2), _largest_two),
}




def _check(got: Any, expected: Any, dtype: pb.DType) -> None:
    if isinstance(expected, tuple):
        values, indices = got
        np.testing.assert_array_equal(indices.numpy(), expected[1])
        got, expected = values, expected[0]
    assert got.dtype is dtype
    np.testing.assert_array_equal(got.numpy().astype(np.float64), expected.astype(np.float64))


@pytest.mark.parametrize(("op", "dtype"), [(k.op, d) for k in KERNELS for d in k.dtypes], ids=str)
def test_every_declared_dtype_runs_and_matches_numpy(op: str, dtype: pb.DType) -> None:
    call, reference = CASES[op]
    # Exact references: integers in int64, bool as bool (where addition is "or").
    expected = reference(VALUES.astype(np.bool_ if dtype.is_bool else np.int64))
    _check(call(_x(dtype)), expected, dtype)


def test_every_shape_primitive_has_a_case() -> None:
    assert {k.op for k in KERNELS} == set(CASES)


@pytest.mark.parametrize("dtype", [pb.float16, pb.bfloat16, pb.float32])
def test_sort_orders_nan_and_infinities_in_reduced_precision(dtype: pb.DType) -> None:
    x = pb.tensor(np.array([np.nan, 1.0, -np.inf, np.inf, -0.0, np.nan]).astype(dtype.numpy))
    ascending = ops.sort(x, stable=True)
    assert ascending.indices.tolist() == [2, 4, 1, 3, 0, 5]
    descending = ops.sort(x, descending=True, stable=True)
    assert descending.indices.tolist() == [0, 5, 3, 1, 4, 2]


def test_large_stable_sort_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 10, size=(3, 2000)).astype(np.int16)
    result = ops.sort(pb.tensor(a), stable=True)
    order = np.argsort(a, axis=-1, kind="stable")
    np.testing.assert_array_equal(result.indices.numpy(), order)
    np.testing.assert_array_equal(result.values.numpy(), np.sort(a, axis=-1))


def test_cat_casts_mixed_inputs_itself() -> None:
    halves = pb.tensor(np.array([1.5], dtype=np.float16))
    brain = pb.tensor(np.array([2.5], dtype=pb.bfloat16.numpy))
    result = ops.cat([halves, brain, pb.tensor([True])])
    assert result.dtype is pb.float32
    assert result.tolist() == [1.5, 2.5, 1.0]


def test_scatter_add_of_float16_accumulates_each_index() -> None:
    result = ops.scatter_add(pb.zeros(2, dtype=pb.float16), 0, pb.zeros(1025, dtype=pb.int64),
                             pb.ones(1025, dtype=pb.float16))
    # Sequential float16 additions stall at 2048; 1025 ones are still exact.
    assert result.tolist() == [1025.0, 0.0]


def test_kernels_write_a_strided_out() -> None:
    base = pb.zeros(3, 4)
    view = base[:, ::2]
    ops.flip(pb.tensor([[1.0, 2.0]] * 3), [1], out=view)
    assert base.tolist() == [[2.0, 0.0, 1.0, 0.0]] * 3
    values = pb.zeros(2, 6)[:, ::2]
    ops.sort(pb.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]),
             out=(values, pb.empty((2, 3), dtype=pb.int64)))
    assert values.tolist() == [[1.0, 2.0, 3.0], [0.0, 4.0, 5.0]]


def test_index_checks_happen_before_any_write() -> None:
    out = pb.full((3,), 7.0)
    with pytest.raises(pb.IndexingError, match="index 5 is out of bounds for dimension 0"):
        ops.scatter_add(pb.zeros(3), 0, pb.tensor([0, 5]), pb.ones(2), out=out)
    assert out.tolist() == [7.0, 7.0, 7.0]
