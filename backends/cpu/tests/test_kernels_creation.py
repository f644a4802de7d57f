"""CPU creation kernels: full_like, and random values made from the Philox stream by contract."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard.backend import Generator, PhiloxState, philox_words
from plugboard.library import Path, record_paths
from plugboard_cpu._kernels_creation import KERNELS

ops = pb.ops.pb
DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
SEED = 0x1234_5678_9ABC_DEF0


def _declared(op: str) -> tuple[pb.DType, ...]:
    return next(k.dtypes for k in KERNELS if k.op == op)


def _words(count: int) -> np.ndarray:
    return philox_words(PhiloxState(SEED, 0), count).astype(np.uint64)


def _bits64(words: np.ndarray) -> np.ndarray:
    result: np.ndarray = words[0::2] | (words[1::2] << np.uint64(32))
    return result


def _uniform(n: int, digits: int) -> np.ndarray:
    if digits > 32:
        bits = _bits64(_words(2 * n)) >> np.uint64(64 - digits)
    else:
        bits = _words(n) >> np.uint64(32 - digits)
    result: np.ndarray = bits.astype(np.float64) / 2.0**digits
    return result


@pytest.mark.parametrize("dtype", _declared("full_like"), ids=str)
def test_full_like_fills_every_dtype_without_reading_its_input(dtype: pb.DType) -> None:
    value = True if dtype.is_bool else (2.5 if dtype.is_floating_point else 7)
    source = pb.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).T  # float32, transposed
    with record_paths() as records:
        x = ops.full_like(source, value, dtype=dtype)
    assert [r[0] for r in records] == ["pb::full_like"]  # no cast or copy of the input
    assert records[0][2] is Path.NATIVE
    np.testing.assert_array_equal(x.numpy(), np.full((3, 2), value, dtype=dtype.numpy))
    out = pb.empty(2, 3, dtype=dtype).T
    assert ops.full_like(source, value, dtype=dtype, out=out) is out
    np.testing.assert_array_equal(out.numpy(), np.full((3, 2), value, dtype=dtype.numpy))


def test_declared_dtypes_are_pytorchs() -> None:
    floating = (pb.float16, pb.bfloat16, pb.float32, pb.float64)
    assert set(_declared("rand")) == set(_declared("randn")) == set(floating)
    assert len(_declared("randint")) == 10  # every dtype, bool included


@pytest.mark.parametrize("dtype", _declared("rand"), ids=str)
def test_rand_is_the_top_bits_of_the_stream(dtype: pb.DType) -> None:
    x = ops.rand((3, 67), generator=Generator().manual_seed(SEED), dtype=dtype)
    expected = _uniform(3 * 67, DIGITS[dtype.name]).astype(dtype.numpy).reshape(3, 67)
    np.testing.assert_array_equal(x.numpy(), expected)
    values = x.numpy().astype(np.float64)
    assert values.min() >= 0 and values.max() < 1


@pytest.mark.parametrize("dtype", _declared("randn"), ids=str)
def test_randn_is_box_muller_of_the_stream(dtype: pb.DType) -> None:
    n = 7  # odd: the last pair's second value is drawn and dropped
    x = ops.randn((n,), generator=Generator().manual_seed(SEED), dtype=dtype)
    u = _uniform(n + 1, 53 if dtype is pb.float64 else 24)
    radius = np.sqrt(-2 * np.log(1 - u[0::2]))
    expected = np.empty(n + 1)
    expected[0::2] = radius * np.cos(2 * np.pi * u[1::2])
    expected[1::2] = radius * np.sin(2 * np.pi * u[1::2])
    tolerance = 1e-12 if dtype is pb.float64 else 1e-5
    np.testing.assert_allclose(x.numpy().astype(np.float64),
                               expected[:n].astype(dtype.numpy).astype(np.float64),
                               rtol=max(tolerance, 2.0 ** -DIGITS[dtype.name]), atol=tolerance)


def test_randn_moments_on_a_large_sample() -> None:
    x = ops.randn((200_000,), generator=Generator().manual_seed(1), dtype=pb.float64).numpy()
    assert abs(x.mean()) < 0.01 and abs(x.var() - 1) < 0.02
    assert abs(np.mean(np.abs(x) < 1) - 0.6827) < 0.005  # one sigma


@pytest.mark.parametrize("dtype", _declared("randint"), ids=str)
def test_randint_is_the_stream_modulo_the_range(dtype: pb.DType) -> None:
    low, high = (0, 2) if dtype is pb.bool else (-3, 100) if dtype.name != "uint8" else (7, 250)
    x = ops.randint(low, high, (513,), generator=Generator().manual_seed(SEED), dtype=dtype)
    expected = (_bits64(_words(2 * 513)) % np.uint64(high - low)).astype(np.int64) + low
    np.testing.assert_array_equal(x.numpy(), expected.astype(dtype.numpy))


def test_randint_over_the_widest_int64_range() -> None:
    # high is an int64, as in PyTorch, so the widest range is [-2**63, 2**63 - 1).
    x = ops.randint(-(2**63), 2**63 - 1, (64,), generator=Generator().manual_seed(SEED))
    expected = [-(2**63) + int(bits) % (2**64 - 1) for bits in _bits64(_words(128))]
    assert x.tolist() == expected


def test_each_draw_continues_the_stream() -> None:
    g = Generator().manual_seed(SEED)
    first = ops.rand((5,), generator=g)  # 5 words: two blocks
    second = ops.rand((4,), generator=g)
    words = philox_words(PhiloxState(SEED, 2), 4).astype(np.uint64)
    expected = ((words >> np.uint64(8)).astype(np.float64) / 2.0**24).astype(np.float32)
    np.testing.assert_array_equal(second.numpy(), expected)
    assert first.shape == (5,)


def test_empty_draws_reserve_nothing() -> None:
    g = Generator().manual_seed(2)
    assert ops.rand((0, 4), generator=g).shape == (0, 4)
    assert ops.randint(0, 5, (0,), generator=g).shape == (0,)
    assert g.reserve(1) == PhiloxState(2, 0)
