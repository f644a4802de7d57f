"""The front end's PyTorch methods and functions on an OpenCL device: results stay there and
match the CPU's."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb

NAN = float("nan")


def _on(device: pb.Device, data: object, dtype: pb.DType | None = None) -> pb.Tensor:
    return pb.tensor(data, dtype=dtype, device=device)


@pytest.mark.parametrize("dtype", [pb.int32, pb.float16, pb.float32, pb.bool])
def test_conversions_and_new_factories_stay_on_the_device(device: pb.Device,
                                                          dtype: pb.DType) -> None:
    x = _on(device, [0, 1, 2]).to(dtype)
    assert x.float().device == device and x.float().dtype is pb.float32
    assert x.long().tolist() == pb.tensor([0, 1, 2]).to(dtype).long().tolist()
    for y in (x.new_zeros(2, 2), x.new_ones(3), x.new_full((2,), 1), x.new_tensor([1, 0]),
              x.new_empty(2)):
        assert (y.device, y.dtype) == (device, dtype)
    moved = pb.tensor([1, 2]).type_as(pb.zeros(1, device=device))
    assert (moved.device, moved.dtype, moved.tolist()) == (device, pb.float32, [1.0, 2.0])


def test_in_place_methods_on_views(device: pb.Device) -> None:
    x = _on(device, np.arange(12, dtype=np.float32).reshape(3, 4) - 6)
    x[:, 1::2].fill_(9)
    x.diagonal().relu_()
    x[0].zero_()
    expected = np.arange(12, dtype=np.float32).reshape(3, 4) - 6
    expected[:, 1::2] = 9
    np.fill_diagonal(expected, np.maximum(np.diag(expected), 0))
    expected[0] = 0
    np.testing.assert_array_equal(x.numpy(), expected)
    x.clamp_min_(1).clip_(max=5)
    np.testing.assert_array_equal(x.numpy(), np.clip(expected, 1, 5))
    s = pb.zeros(2, 3, device=device)
    s.scatter_(1, _on(device, [[2], [0]]), 5.0)
    assert s.tolist() == [[0.0, 0.0, 5.0], [5.0, 0.0, 0.0]]
    s.unsqueeze_(0)
    assert s.shape == (1, 2, 3) and s.squeeze_().tolist() == [[0.0, 0.0, 5.0],
                                                             [5.0, 0.0, 0.0]]
    with pytest.raises(pb.DTypeError, match="Tensor.fill_"):
        _on(device, [1, 2]).fill_(2.5)


@pytest.mark.parametrize("dtype", [pb.uint8, pb.int64, pb.float16, pb.float32, pb.bool])
def test_nonzero_and_masked_select(device: pb.Device, dtype: pb.DType) -> None:
    values = np.array([[0, 1, 0], [2, 0, 1]])
    x = _on(device, values).to(dtype)
    got = pb.nonzero(x)
    assert got.device == device and got.dtype is pb.int64
    np.testing.assert_array_equal(got.numpy(), np.argwhere(values))
    rows, cols = x.nonzero(as_tuple=True)
    np.testing.assert_array_equal(rows.numpy(), np.nonzero(values)[0])
    np.testing.assert_array_equal(cols.numpy(), np.nonzero(values)[1])
    mask = _on(device, [True, False, True])
    selected = pb.masked_select(x, mask)  # the mask broadcasts over the rows
    assert selected.device == device
    as_stored = x.numpy().astype(np.float64)  # bool holds 2 as True
    np.testing.assert_array_equal(selected.numpy().astype(np.float64),
                                  as_stored[:, [True, False, True]].reshape(-1))


def test_comparisons(device: pb.Device) -> None:
    x = _on(device, [1.0, float("inf"), NAN, 2.0])
    y = _on(device, [1.0 + 1e-6, float("inf"), NAN, 2.1])
    close = pb.isclose(x, y)
    assert close.device == device and close.tolist() == [True, True, False, False]
    assert pb.isclose(x, y, equal_nan=True, atol=0.2).tolist() == [True] * 4
    assert pb.allclose(x, y, equal_nan=True, atol=0.2) is True
    assert pb.equal(x[:2], x[:2].clone()) is True and pb.equal(x, x) is False
    with pytest.raises(pb.DeviceError, match="pb.isclose"):
        pb.isclose(x, pb.tensor([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize(("equation", "shapes"), [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk", [(2, 3, 4), (2, 4, 5)]), ("ii", [(3, 3)]),
    ("...ij,j->...i", [(2, 3, 4), (4,)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
])
def test_einsum(device: pb.Device, equation: str, shapes: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    got = pb.einsum(equation, *[_on(device, a) for a in arrays])
    assert got.device == device
    np.testing.assert_allclose(got.numpy(), np.einsum(equation, *arrays), rtol=1e-5, atol=1e-5)


def test_shapes_and_axis(device: pb.Device) -> None:
    x = _on(device, np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    assert pb.movedim(x, [0, 2], [2, 0]).shape == (4, 3, 2)
    assert pb.broadcast_to(_on(device, [1, 2]), (3, 2)).tolist() == [[1, 2]] * 3
    np.testing.assert_array_equal(x.sum(axis=1, keepdims=True).numpy(),
                                  x.numpy().sum(axis=1, keepdims=True))
