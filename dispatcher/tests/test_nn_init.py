"""nn.init: PyTorch's gains and fans, the bounds and spreads of each initialiser, the generator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import plugboard as pb
from plugboard import nn
from plugboard.nn import init


def test_calculate_gain_matches_pytorch() -> None:
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("conv2d") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01**2))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2.0 / 6)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(pb.ArgumentError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_count_the_receptive_field() -> None:
    assert init._calculate_fan_in_and_fan_out(pb.empty(8, 3, 5, 5)) == (75, 200)
    assert init._calculate_fan_in_and_fan_out(pb.empty(4, 6)) == (6, 4)
    with pytest.raises(pb.ShapeError, match="at least 2 dims"):
        init.xavier_uniform_(pb.empty(4))


def _values(t: pb.Tensor) -> np.ndarray:
    return t.numpy().astype(np.float64).ravel()


def test_uniform_initialisers_reach_their_bounds() -> None:
    pb.manual_seed(0)
    w = pb.empty(200, 300)
    bound = math.sqrt(6.0 / 500)
    v = _values(init.xavier_uniform_(w))
    assert v.max() <= bound and v.min() >= -bound and v.max() > 0.99 * bound
    bound = math.sqrt(2.0) * math.sqrt(3.0 / 200)
    v = _values(init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"))
    assert v.max() <= bound and v.max() > 0.99 * bound


def test_normal_initialisers_have_their_spread() -> None:
    pb.manual_seed(0)
    w = pb.empty(400, 500)
    assert np.std(_values(init.kaiming_normal_(w, nonlinearity="relu"))) == pytest.approx(
        math.sqrt(2.0 / 500), rel=0.02)
    assert np.std(_values(init.xavier_normal_(w, gain=2.0))) == pytest.approx(
        2.0 * math.sqrt(2.0 / 900), rel=0.02)
    v = _values(init.normal_(w, 1.0, 0.1))
    assert np.mean(v) == pytest.approx(1.0, abs=0.001) and np.std(v) == pytest.approx(0.1,
                                                                                        rel=0.02)


def test_constants_and_eye() -> None:
    assert init.ones_(pb.empty(2)).tolist() == [1.0, 1.0]
    assert init.zeros_(pb.empty(2)).tolist() == [0.0, 0.0]
    assert init.constant_(pb.empty(1), 3.5).tolist() == [3.5]
    assert init.eye_(pb.empty(2, 2)).tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_initialisers_fill_parameters_without_recording() -> None:
    p = nn.Parameter(pb.empty(3, 4))
    out = init.kaiming_uniform_(p, a=math.sqrt(5))
    assert out is p and p.is_leaf and p.grad_fn is None


def test_a_generator_makes_draws_repeatable() -> None:
    a = init.uniform_(pb.empty(5), generator=pb.Generator().manual_seed(3))
    b = init.uniform_(pb.empty(5), generator=pb.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()
    c = init.normal_(pb.empty(5, dtype=pb.bfloat16), generator=pb.Generator().manual_seed(3))
    assert c.dtype == pb.bfloat16
    with pytest.raises(pb.DTypeError, match="floating"):
        init.uniform_(pb.empty(2, dtype=pb.int32))


@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(300, 200), 300),
    (lambda: nn.Conv2d(16, 64, 3), 16 * 9),
])
def test_linear_and_conv2d_initialise_as_pytorch(make: object, fan_in: int) -> None:
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and so is the bias.
    pb.manual_seed(0)
    layer = make()  # type: ignore[operator]
    bound = 1 / math.sqrt(fan_in)
    w = _values(layer.weight)
    assert w.max() <= bound and w.min() >= -bound and w.max() > 0.99 * bound
    assert np.std(w) == pytest.approx(bound / math.sqrt(3), rel=0.02)
    b = _values(layer.bias)
    assert b.max() <= bound and b.min() >= -bound
