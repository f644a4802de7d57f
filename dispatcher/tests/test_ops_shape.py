"""Tests for the shape operators: PyTorch semantics, values against NumPy, errors, forms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._ops.shape import scatter
from plugboard.library import Path, record_paths

ops = pb.ops.pb

X = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype=np.float32)


def t(values: object, dtype: pb.DType | None = None) -> pb.Tensor:
    return pb.tensor(np.asarray(values), dtype=dtype)


def meta(shape: tuple[int, ...], dtype: pb.DType = pb.float32) -> pb.Tensor:
    return pb.empty(shape, dtype=dtype, device="meta")


# cat and stack -------------------------------------------------------------------


def test_cat_promotes_across_inputs_as_pytorch() -> None:
    result = ops.cat([t([1, 2], pb.int8), t([True]), t([2.5], pb.float16)])
    assert result.dtype is pb.float16
    assert result.tolist() == [1.0, 2.0, 1.0, 2.5]
    assert ops.cat([t([1], pb.uint8), t([-1], pb.int8)]).dtype is pb.int16


def test_cat_skips_legacy_1d_empty_tensors_but_promotes_with_them() -> None:
    empty = pb.empty((0,), dtype=pb.float64)
    result = ops.cat([empty, t(X), empty], 1)
    assert result.shape == (2, 3)
    assert result.dtype is pb.float64
    assert ops.cat([empty, pb.empty((0,), dtype=pb.int8)]).shape == (0,)


def test_cat_along_negative_dim_matches_numpy() -> None:
    a, b = np.arange(6).reshape(2, 3), np.arange(4).reshape(2, 2)
    assert ops.cat([t(a), t(b)], -1).tolist() == np.concatenate([a, b], -1).tolist()


def test_cat_of_non_contiguous_views() -> None:
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    result = ops.cat([t(base).T, t(base).T[::2]])
    np.testing.assert_array_equal(result.numpy(), np.concatenate([base.T, base.T[::2]]))


@pytest.mark.parametrize(
    ("tensors", "error", "fragment"),
    [
        ([], pb.ArgumentError, "at least one tensor"),
        ([pb.tensor(1.0)], pb.ShapeError, "0-d"),
        ([pb.ones(2, 3), pb.ones(3)], pb.ShapeError, "same number of dimensions"),
        ([pb.ones(2, 3), pb.ones(2, 4)], pb.ShapeError, "dimension 1"),
    ],
)
def test_cat_errors_say_what_and_how_to_fix(tensors: list[pb.Tensor], error: type[Exception],
                                            fragment: str) -> None:
    with pytest.raises(error, match=fragment) as info:
        ops.cat(tensors)
    assert "pb::cat" in str(info.value)
    assert "Fix:" in str(info.value)


def test_cat_into_one_of_its_inputs() -> None:
    x = t([0, 1, 2, 3, 4])
    assert ops.cat([x[1:], x[:1]], out=x) is x
    assert x.tolist() == [1, 2, 3, 4, 0]


def test_cat_on_two_devices_is_a_device_error() -> None:
    with pytest.raises(pb.DeviceError):
        ops.cat([pb.ones(2), meta((2,))])


def test_stack_inserts_a_dim_and_decomposes_into_cat() -> None:
    a, b = np.arange(6).reshape(2, 3), np.arange(6, 12).reshape(2, 3)
    with record_paths() as records:
        result = ops.stack([t(a), t(b)], -1)
    assert result.tolist() == np.stack([a, b], -1).tolist()
    paths = {op: path for op, _, path, _ in records}
    assert paths["pb::stack"] is Path.COMPOSITE
    assert "pb::cat" in paths
    with pytest.raises(pb.ShapeError, match="one shape"):
        ops.stack([pb.ones(2), pb.ones(3)])


def test_stack_of_0d_tensors() -> None:
    assert ops.stack([pb.tensor(1), pb.tensor(2)]).tolist() == [1, 2]


# flip, tril, triu ----------------------------------------------------------------


def test_flip_several_dims_and_rejects_a_repeated_dim() -> None:
    a = np.arange(24).reshape(2, 3, 4)
    assert ops.flip(t(a), [0, -1]).tolist() == np.flip(a, (0, 2)).tolist()
    with pytest.raises(pb.ShapeError, match="twice"):
        ops.flip(t(a), [2, -1])


@pytest.mark.parametrize("diagonal", [-2, -1, 0, 1, 4])
def test_tril_triu_batched_match_numpy(diagonal: int) -> None:
    a = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    assert ops.tril(t(a), diagonal).tolist() == np.tril(a, diagonal).tolist()
    assert ops.triu(t(a), diagonal=diagonal).tolist() == np.triu(a, diagonal).tolist()


def test_tril_needs_a_matrix() -> None:
    with pytest.raises(pb.ShapeError, match="2 or more dimensions"):
        ops.tril(pb.ones(3))


# gather, scatter, scatter_add -----------------------------------------------------


def test_gather_with_an_index_smaller_than_self() -> None:
    x = t([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    index = t([[2, 0], [1, 1]])
    # Rows 0 and 1 only, as torch.gather: index may be smaller outside dim.
    assert ops.gather(x, 1, index).tolist() == [[3, 1], [5, 5]]
    assert x.gather(0, t([[2, 1, 0]])).tolist() == [[7, 5, 3]]


def test_gather_errors() -> None:
    x = pb.ones(2, 3)
    with pytest.raises(pb.DTypeError, match="int64"):
        ops.gather(x, 0, t([[0]], pb.int32))
    with pytest.raises(pb.ShapeError, match="larger than self"):
        ops.gather(x, 0, pb.zeros(2, 4, dtype=pb.int64))
    with pytest.raises(pb.IndexingError, match="index 3 is out of bounds for dimension 1"):
        ops.gather(x, 1, t([[3]]))
    with pytest.raises(pb.IndexingError, match="-1 is out of bounds"):
        ops.gather(x, 1, t([[-1]]))


def test_gather_of_an_empty_index_checks_nothing_else() -> None:
    # As PyTorch: an empty index of any dtype gathers nothing.
    assert ops.gather(pb.ones(2, 3), 0, pb.empty((0,))).shape == (0,)


def test_scatter_src_and_value_forms() -> None:
    src = t(np.arange(1, 11, dtype=np.float32).reshape(2, 5))
    index = t([[0, 1, 2, 0]])
    result = ops.scatter(pb.zeros(3, 5), 0, index, src)
    assert result.tolist() == [[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]
    filled = pb.zeros(2, 4).scatter(1, t([[2], [3]]), value=1.5)
    assert filled.tolist() == [[0, 0, 1.5, 0], [0, 0, 0, 1.5]]


def test_scatter_front_end_takes_a_number_in_src_position() -> None:
    result = scatter(pb.zeros(2, 2, dtype=pb.int32), 0, t([[1, 0]]), 4)
    assert result.tolist() == [[0, 4], [4, 0]]
    assert scatter(pb.zeros(2), 0, t([1]), pb.ones(1)).tolist() == [0, 1]
    with pytest.raises(pb.ArgumentError, match="one of them"):
        scatter(pb.zeros(2), 0, t([1]), 1.0, value=2.0)


def test_scatter_needs_exactly_one_of_src_and_value() -> None:
    x, index = pb.zeros(2), t([0])
    with pytest.raises(pb.ArgumentError, match="exactly one"):
        ops.scatter(x, 0, index)
    with pytest.raises(pb.ArgumentError, match="exactly one"):
        ops.scatter(x, 0, index, pb.ones(1), value=1.0)


def test_scatter_does_not_promote_and_does_not_truncate() -> None:
    with pytest.raises(pb.DTypeError, match="src.to"):
        ops.scatter(pb.zeros(3), 0, t([0]), pb.ones(1, dtype=pb.float64))
    with pytest.raises(pb.DTypeError, match="not representable"):
        ops.scatter(pb.zeros(3, dtype=pb.int32), 0, t([0]), value=0.5)


def test_scatter_out_of_bounds_changes_nothing() -> None:
    x = pb.zeros(3)
    with pytest.raises(pb.IndexingError, match="out of bounds"):
        ops.scatter(x, 0, t([1, 3]), pb.ones(2), out=x)
    assert x.tolist() == [0, 0, 0]


def test_scatter_into_self_through_out() -> None:
    x = pb.zeros(4)
    assert ops.scatter(x, 0, t([3, 1]), pb.tensor([5.0, 6.0]), out=x) is x
    assert x.tolist() == [0, 6, 0, 5]


def test_scatter_add_accumulates_repeated_indices() -> None:
    x = t([1, 1, 1, 1])
    result = ops.scatter_add(x, 0, t([0, 0, 3, 0]), t([1, 2, 3, 4]))
    assert result.tolist() == [8, 1, 1, 4]
    assert x.tolist() == [1, 1, 1, 1]


def test_scatter_add_index_may_not_outgrow_src() -> None:
    with pytest.raises(pb.ShapeError, match="larger than src"):
        ops.scatter_add(pb.zeros(2, 3), 0, pb.zeros(2, 3, dtype=pb.int64), pb.ones(2, 2))


# sort, argsort, topk ----------------------------------------------------------------


def test_sort_returns_named_values_and_indices() -> None:
    result = ops.sort(t([3.0, 1.0, 2.0]))
    assert result.values.tolist() == [1.0, 2.0, 3.0]
    assert result.indices.tolist() == [1, 2, 0]
    assert result.indices.dtype is pb.int64
    values, indices = t([2, 1]).sort(descending=True)
    assert (values.tolist(), indices.tolist()) == ([2, 1], [0, 1])


def test_sort_puts_nan_last_ascending_and_first_descending() -> None:
    x = t([1.0, np.nan, -np.inf, 0.0, np.nan])
    ascending = ops.sort(x)
    assert ascending.values.numpy()[:3].tolist() == [-np.inf, 0.0, 1.0]
    assert ascending.indices.tolist() == [2, 3, 0, 1, 4]
    descending = ops.sort(x, descending=True)
    assert descending.indices.tolist() == [1, 4, 0, 3, 2]


def test_stable_sort_keeps_equal_values_in_order_both_ways() -> None:
    x = t([1, 0, 1, 0, 1])
    assert ops.sort(x, stable=True).indices.tolist() == [1, 3, 0, 2, 4]
    assert ops.sort(x, descending=True, stable=True).indices.tolist() == [0, 2, 4, 1, 3]
    assert ops.argsort(x, stable=True).tolist() == [1, 3, 0, 2, 4]


def test_sort_along_dim_0_of_a_transposed_tensor() -> None:
    a = np.array([[3, 1], [2, 5], [0, 4]])
    result = ops.sort(t(a.T).T, 0)
    assert result.values.tolist() == np.sort(a, 0).tolist()
    assert result.indices.tolist() == np.argsort(a, 0, kind="stable").tolist()


def test_sort_out_gives_the_out_tensors_back() -> None:
    values, indices = pb.empty((3,)), pb.empty((3,), dtype=pb.int64)
    result = ops.sort(t([2.0, 0.0, 1.0]), out=(values, indices))
    assert result.values is values and result.indices is indices
    assert indices.tolist() == [1, 2, 0]


def test_argsort_decomposes_into_sort() -> None:
    with record_paths() as records:
        result = ops.argsort(t([3, 1, 2]), descending=True)
    assert result.tolist() == [0, 2, 1]
    assert [(op, path) for op, _, path, _ in records][:2] == [
        ("pb::argsort", Path.COMPOSITE), ("pb::sort", Path.NATIVE)]


def test_topk_largest_and_smallest() -> None:
    x = t([[1.0, 5.0, 3.0, 4.0], [8.0, 2.0, 9.0, 0.0]])
    top = ops.topk(x, 2)
    assert top.values.tolist() == [[5.0, 4.0], [9.0, 8.0]]
    assert top.indices.tolist() == [[1, 3], [2, 0]]
    low = x.topk(1, dim=0, largest=False)
    assert low.values.tolist() == [[1.0, 2.0, 3.0, 0.0]]


def test_topk_counts_nan_as_the_largest() -> None:
    assert ops.topk(t([1.0, np.nan, 3.0]), 1).indices.tolist() == [1]
    assert ops.topk(t([1.0, np.nan, 3.0]), 2, largest=False).values.tolist() == [1.0, 3.0]


@pytest.mark.parametrize("k", [-1, 4])
def test_topk_k_out_of_range(k: int) -> None:
    with pytest.raises(pb.IndexingError, match=f"k={k} is out of range"):
        ops.topk(pb.ones(3), k)


def test_topk_k_zero_and_0d() -> None:
    assert ops.topk(pb.ones(2, 3), 0).values.shape == (2, 0)
    result = ops.topk(pb.tensor(7.0), 1)
    assert result.values.shape == () and result.indices.item() == 0


def test_topk_of_bool_is_not_supported_on_cpu_as_in_pytorch() -> None:
    with pytest.raises(pb.KernelNotFoundError, match="bool"):
        ops.topk(t([True, False]), 1)


# roll, repeat, tile -------------------------------------------------------------------


def test_roll_matches_numpy() -> None:
    a = np.arange(12).reshape(3, 4)
    assert ops.roll(t(a), 5).tolist() == np.roll(a, 5).tolist()
    assert ops.roll(t(a), [1, -1], [0, 1]).tolist() == np.roll(a, (1, -1), (0, 1)).tolist()
    assert ops.roll(t(a), 9, -1).tolist() == np.roll(a, 9, -1).tolist()


def test_roll_is_a_new_tensor_even_when_nothing_moves() -> None:
    x = t([1, 2, 3])
    rolled = ops.roll(x, 3, 0)
    rolled.copy_(t([0, 0, 0]))
    assert x.tolist() == [1, 2, 3]


def test_roll_needs_one_shift_per_dim() -> None:
    with pytest.raises(pb.ArgumentError, match="one shift per dim"):
        ops.roll(pb.ones(2, 2), [1, 2], [0])
    with pytest.raises(pb.ArgumentError, match="one shift per dim"):
        ops.roll(pb.ones(2, 2), [1, 2])


def test_repeat_and_tile_match_numpy_tile() -> None:
    a = np.arange(6).reshape(2, 3)
    assert ops.repeat(t(a), [2, 1, 3]).tolist() == np.tile(a, (2, 1, 3)).tolist()
    assert t(a).tile([2]).tolist() == np.tile(a, 2).tolist()
    assert ops.repeat(t(a), [0, 1]).shape == (0, 3)
    with pytest.raises(pb.ShapeError, match="count for each"):
        ops.repeat(t(a), [2])


def test_size_methods_take_varargs_as_pytorch() -> None:
    x = t([[1, 2]])
    assert x.repeat(2, 2).tolist() == [[1, 2, 1, 2], [1, 2, 1, 2]]
    assert x.tile(2).tolist() == [[1, 2, 1, 2]]
    assert x.flip(0, 1).tolist() == x.flip([0, 1]).tolist() == [[2, 1]]
    assert x.flip(dims=[1]).tolist() == [[2, 1]]


def test_repeat_with_all_ones_is_a_copy() -> None:
    x = t([1, 2])
    copy = ops.repeat(x, [1])
    copy.copy_(t([0, 0]))
    assert x.tolist() == [1, 2]


# pad, masked_fill ----------------------------------------------------------------------


def test_pad_orders_pairs_from_the_last_dim() -> None:
    result = ops.pad(pb.ones(2, 3), [1, 0, 0, 2])
    assert result.shape == (4, 4)
    assert result.tolist() == [[0, 1, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_pad_negative_crops_and_value_fills() -> None:
    x = t(np.arange(12).reshape(3, 4))
    result = ops.pad(x, [-1, 1], value=9.0)
    assert result.dtype is pb.int64
    assert result.tolist() == [[1, 2, 3, 9], [5, 6, 7, 9], [9, 10, 11, 9]]


def test_pad_errors() -> None:
    x = pb.ones(2, 3)
    with pytest.raises(pb.ArgumentError, match="mode='constant'"):
        ops.pad(x, [1, 1], mode="reflect")
    with pytest.raises(pb.ShapeError, match="even"):
        ops.pad(x, [1])
    with pytest.raises(pb.ShapeError, match="crops dimension 1 of size 3 to -1"):
        ops.pad(x, [-2, -2])
    with pytest.raises(pb.DTypeError, match="not representable"):
        ops.pad(pb.ones(2, dtype=pb.int32), [1, 1], value=0.5)


def test_masked_fill_with_a_number_a_0d_tensor_and_in_place() -> None:
    x = t(X)
    mask = x < 0
    assert ops.masked_fill(x, mask, 0.0).tolist() == np.where(X < 0, 0, X).tolist()
    assert x.masked_fill(mask, pb.tensor(7.0, dtype=pb.float64)).dtype is pb.float32
    y = pb.zeros(2, 3, dtype=pb.int8)
    assert y.masked_fill_(t([True, False, True]), 3) is y
    assert y.tolist() == [[3, 0, 3], [3, 0, 3]]


def test_masked_fill_broadcasts_self_out_of_place_only() -> None:
    x, mask = pb.zeros(3), pb.ones(2, 3, dtype=pb.bool)
    assert ops.masked_fill(x, mask, 1).shape == (2, 3)
    with pytest.raises(pb.ShapeError, match="in-place"):
        x.masked_fill_(mask, 1)


def test_masked_fill_errors() -> None:
    x = pb.zeros(2, dtype=pb.int32)
    with pytest.raises(pb.DTypeError, match="bool tensor"):
        ops.masked_fill(x, pb.ones(2), 1)
    with pytest.raises(pb.DTypeError, match="not representable"):
        ops.masked_fill(x, pb.ones(2, dtype=pb.bool), 2.5)
    with pytest.raises(pb.ShapeError, match="0-d tensor"):
        ops.masked_fill(x, pb.ones(2, dtype=pb.bool), pb.ones(2, dtype=pb.int32))


@pytest.mark.parametrize("device", ["cpu", "opencl"])
@pytest.mark.parametrize(
    ("dtype", "value", "expected"),
    [
        (pb.int32, pb.tensor(7.0), 7),
        (pb.int8, pb.tensor(-128, dtype=pb.int64), -128),
        (pb.uint8, pb.tensor(255.0, dtype=pb.float64), 255),
        (pb.bool, pb.tensor(1), True),
        (pb.float32, pb.tensor(0.5, dtype=pb.float64), 0.5),
        (pb.float16, pb.tensor(True), 1.0),
        (pb.int64, pb.tensor(3.0, dtype=pb.bfloat16), 3),
    ],
)
def test_masked_fill_writes_a_0d_value_of_another_dtype_that_it_holds(
    device: str, dtype: pb.DType, value: pb.Tensor, expected: Any
) -> None:
    # As PyTorch: the value of any dtype is written if self's dtype holds it.
    if not pb.devices(device):
        pytest.skip(f"no {device} device")
    x = pb.zeros(3, dtype=dtype, device=device)
    mask = pb.tensor([True, False, True], device=device)
    result = ops.masked_fill(x, mask, value.to(device))
    assert result.dtype is dtype
    assert result.tolist() == [expected, pb.zeros(1, dtype=dtype).item(), expected]
    assert x.masked_fill_(mask, value.to(device)).tolist() == result.tolist()


@pytest.mark.parametrize(
    ("dtype", "value"),
    [(pb.int32, pb.tensor(2.5)), (pb.int8, pb.tensor(128)), (pb.uint8, pb.tensor(-1)),
     (pb.bool, pb.tensor(2)), (pb.float16, pb.tensor(1e6)), (pb.int64, pb.tensor(math.nan))],
)
def test_masked_fill_refuses_a_0d_value_its_dtype_cannot_hold(
    dtype: pb.DType, value: pb.Tensor
) -> None:
    x = pb.zeros(3, dtype=dtype)
    with pytest.raises(pb.DTypeError, match=rf"pb::masked_fill_?: value .* {dtype}.*Fix:"):
        x.masked_fill_(pb.tensor([True, False, True]), value)
    assert x.tolist() == pb.zeros(3, dtype=dtype).tolist()


@pytest.mark.parametrize(
    ("x", "value", "expected"),
    [
        (pb.tensor([True, False]), True, [True, True, False, True]),
        (pb.tensor([True, False]), False, [False, True, False, False]),
        (pb.tensor([1.5]), True, [1.0, 1.5, 1.0]),
        (pb.tensor([2], dtype=pb.int8), True, [1, 2, 1]),
        (pb.tensor([2**62 + 1]), 2**62 + 1, [2**62 + 1] * 3),  # an int stays exact
    ],
)
def test_pad_takes_bool_and_int_values(x: pb.Tensor, value: Any, expected: list) -> None:
    result = ops.pad(x, [1, 1], value=value)
    assert result.dtype is x.dtype
    assert result.tolist() == expected


# The meta device: shapes and dtypes without data ------------------------------------


def test_meta_device_shapes() -> None:
    x = meta((4, 5, 6))
    assert ops.cat([x, meta((2, 5, 6), pb.float64)]).shape == (6, 5, 6)
    assert ops.cat([x, meta((2, 5, 6), pb.float64)]).dtype is pb.float64
    assert ops.stack([x, x], 3).shape == (4, 5, 6, 2)
    sort = ops.sort(x, 1)
    assert sort.values.shape == (4, 5, 6) and sort.indices.dtype is pb.int64
    top = ops.topk(x, 2, 0)
    assert top.values.shape == (2, 5, 6) and top.indices.device.type == "meta"
    assert ops.gather(x, 2, meta((4, 5, 1), pb.int64)).shape == (4, 5, 1)
    assert ops.pad(x, [1, 2, -1, 0]).shape == (4, 4, 9)
    assert ops.repeat(x, [2, 1, 1, 3]).shape == (2, 4, 5, 18)
    assert ops.tile(x, [2]).shape == (4, 5, 12)
    assert ops.roll(x, 1).shape == (4, 5, 6)
    assert ops.argsort(x).dtype is pb.int64
