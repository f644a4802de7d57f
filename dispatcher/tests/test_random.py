"""Generators: seeds, state, default generators per device, and the Philox4x32-10 stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch import random as _random
from plugboard._dispatch.random import (
    DEFAULT_SEED,
    Generator,
    PhiloxState,
    default_generator,
    manual_seed,
    philox_blocks,
    philox_reserve,
    philox_words,
)

rand = pb.ops.pb.rand

# The random kernels of the CPU backend, on a second backend: the contract says a
# backend that follows it draws the same bits for the same seed.
CPU_RANDOM_KERNELS = """
from plugboard_cpu._kernels_creation import KERNELS

@backend.hookimpl
def plugboard_register_kernels(library):
    for kernel in KERNELS:
        library.impl(kernel.op, fn=kernel.fn, dtypes=kernel.dtypes, strided=True)
"""


@pytest.fixture(autouse=True)
def fresh_default_generators() -> Iterator[None]:
    """Each test starts from the default seed, and leaves no default generators behind."""
    saved = dict(_random._defaults), _random._global_seed
    _random._defaults.clear()
    _random._global_seed = DEFAULT_SEED
    yield
    _random._defaults.clear()
    _random._defaults.update(saved[0])
    _random._global_seed = saved[1]


# Philox4x32-10 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counter", "key", "expected"),
    [  # Random123's known-answer vectors (kat_vectors)
        ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
        ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
        ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
         (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
    ],
)
def test_philox_matches_the_known_answers(
    counter: tuple[int, ...], key: tuple[int, int], expected: tuple[int, ...]
) -> None:
    block = philox_blocks(np.array([counter], dtype=np.uint32), key)
    assert block.dtype == np.uint32
    assert tuple(int(w) for w in block[0]) == expected


def test_philox_words_are_blocks_of_consecutive_counters() -> None:
    seed = 0x299F31D0_A4093822  # key words: low half first
    words = philox_words(PhiloxState(seed, 5), 10)
    counters = np.array([[5, 0, 0, 0], [6, 0, 0, 0], [7, 0, 0, 0]], dtype=np.uint32)
    blocks = philox_blocks(counters, (0xA4093822, 0x299F31D0)).reshape(-1)
    np.testing.assert_array_equal(words, blocks[:10])
    # A draw that starts later in the stream sees the same words.
    np.testing.assert_array_equal(philox_words(PhiloxState(seed, 6), 4), blocks[4:8])


def test_philox_counter_carries_into_the_third_word() -> None:
    words = philox_words(PhiloxState(0, 2**64 - 1), 8)
    counters = np.array([[0xFFFFFFFF, 0xFFFFFFFF, 0, 0], [0, 0, 1, 0]], dtype=np.uint32)
    np.testing.assert_array_equal(words, philox_blocks(counters, (0, 0)).reshape(-1))


# Generator ------------------------------------------------------------------------


def test_a_new_generator_starts_from_the_default_seed_on_cpu() -> None:
    g = Generator()
    assert g.device == pb.device("cpu:0")
    assert g.initial_seed() == DEFAULT_SEED == 67280421310721


def test_manual_seed_returns_the_generator_and_restarts_the_offset() -> None:
    g = Generator("cpu")
    assert g.manual_seed(5) is g
    first = rand((6,), generator=g).tolist()
    assert rand((6,), generator=g).tolist() != first  # the offset moved on
    g.manual_seed(5)
    assert g.initial_seed() == 5
    assert rand((6,), generator=g).tolist() == first


def test_negative_seeds_wrap_as_twos_complement() -> None:
    assert Generator().manual_seed(-1).initial_seed() == 2**64 - 1


@pytest.mark.parametrize(("seed", "match"), [(2**64, "out of range"), (-(2**63) - 1,
                                                                       "out of range"),
                                            (1.5, "is an int"), (True, "is an int")])
def test_bad_seeds_are_rejected(seed: Any, match: str) -> None:
    with pytest.raises(pb.ArgumentError, match=match):
        Generator().manual_seed(seed)


def test_seed_draws_a_fresh_seed_from_the_system() -> None:
    g = Generator()
    value = g.seed()
    assert g.initial_seed() == value
    assert 0 <= value < 2**64
    assert Generator().seed() != value  # 2**-64 chance of a false failure


def test_get_state_and_set_state_round_trip() -> None:
    g = Generator().manual_seed(3)
    rand((5,), generator=g)
    state = g.get_state()
    assert state.dtype is pb.uint8 and state.shape == (16,) and state.device == "cpu"
    following = rand((4,), generator=g).tolist()
    other = Generator().set_state(state)
    assert rand((4,), generator=other).tolist() == following
    # The state is a copy: drawing more does not change it.
    assert g.get_state().tolist() != state.tolist()


def test_set_state_rejects_what_get_state_cannot_return() -> None:
    with pytest.raises(pb.ArgumentError, match="uint8 tensor of 16 bytes"):
        Generator().set_state(pb.zeros(16))
    with pytest.raises(pb.ArgumentError, match="Fix: pass what Generator.get_state"):
        Generator().set_state(pb.zeros(8, dtype=pb.uint8))


def test_reserve_advances_by_whole_blocks() -> None:
    g = Generator().manual_seed(9)
    assert g.reserve(5) == PhiloxState(9, 0)
    assert g.reserve(4) == PhiloxState(9, 2)  # 5 words took two blocks of four
    assert g.reserve(0) == PhiloxState(9, 3)
    assert g.reserve(1) == PhiloxState(9, 3)


def test_a_generator_of_an_unknown_device_type_is_a_device_error() -> None:
    with pytest.raises(pb.DeviceError, match="unknown device type"):
        Generator("nosuch")


# Default generators ----------------------------------------------------------------


def test_manual_seed_makes_default_draws_reproducible() -> None:
    manual_seed(1234)
    first = rand((8,)).tolist()
    manual_seed(1234)
    assert rand((8,)).tolist() == first
    manual_seed(1235)
    assert rand((8,)).tolist() != first


def test_manual_seed_returns_the_cpu_default_generator() -> None:
    g = manual_seed(7)
    assert g is default_generator("cpu") and g.initial_seed() == 7


def test_default_draws_equal_draws_from_a_generator_seeded_alike() -> None:
    manual_seed(21)
    assert rand((5,)).tolist() == rand((5,), generator=Generator().manual_seed(21)).tolist()


def test_philox_reserve_uses_the_default_generator_for_none() -> None:
    manual_seed(4)
    cpu = pb.device("cpu")
    assert philox_reserve(None, cpu, 8) == PhiloxState(4, 0)
    assert default_generator("cpu").reserve(1) == PhiloxState(4, 2)


def test_a_generator_of_another_device_is_refused(plugins: Any) -> None:
    plugins.install("rb", plugins.host_backend("rb", "RB", CPU_RANDOM_KERNELS))
    with pytest.raises(pb.DeviceError, match=r"the generator is for rb:0, but the operator "
                       r"runs on cpu:0. Fix: pass a generator of that device"):
        rand((3,), generator=Generator("rb"))
    with pytest.raises(pb.DeviceError, match="generator is for rb:0.*runs on rb:1"):
        rand((3,), generator=Generator("rb:0"), device="rb:1")
    with pytest.raises(pb.DeviceError, match="generator"):
        philox_reserve(Generator("cpu"), pb.device("rb:0"), 4)


def test_a_backend_that_follows_the_contract_draws_the_cpus_values(plugins: Any) -> None:
    plugins.install("rb", plugins.host_backend("rb", "RB", CPU_RANDOM_KERNELS))
    for op, kwargs in (("rand", {}), ("randn", {"dtype": pb.float64}),
                       ("randint", {"low": -5, "high": 5})):
        handle = getattr(pb.ops.pb, op)
        on_cpu = handle(size=(33,), generator=Generator("cpu").manual_seed(8), **kwargs)
        on_rb = handle(size=(33,), generator=Generator("rb:1").manual_seed(8), device="rb:1",
                       **kwargs)
        assert on_rb.device == "rb:1"
        assert on_rb.tolist() == on_cpu.tolist(), op


def test_manual_seed_reaches_backends_loaded_later(plugins: Any) -> None:
    manual_seed(77)
    plugins.install("rb", plugins.host_backend("rb", "RB", CPU_RANDOM_KERNELS))
    expected = rand((6,), generator=Generator().manual_seed(77)).tolist()
    assert rand((6,), device="rb:0").tolist() == expected
    # Each device has its own default generator: rb:1 starts at offset 0 too.
    assert rand((6,), device="rb:1").tolist() == expected
    assert default_generator("rb:0") is not default_generator("rb:1")
    assert default_generator("rb:0").initial_seed() == 77


def test_the_meta_device_draws_nothing() -> None:
    g = Generator().manual_seed(2)
    x = rand((4,), generator=g, device="meta")
    assert x.device == "meta" and x.shape == (4,)
    assert g.reserve(1) == PhiloxState(2, 0)


def test_philox_words_in_another_array_module_are_the_same_words() -> None:
    # An array module with NumPy's API that is not NumPy (as CuPy is): one chunk.
    import types

    other = types.SimpleNamespace(**{name: getattr(np, name) for name in dir(np)
                                     if not name.startswith("__")})
    state = PhiloxState(0x1234_5678_9ABC, 2**64 - 3)
    count = 4 * (1 << 14) + 10  # more than one chunk on the host
    np.testing.assert_array_equal(philox_words(state, count, other), philox_words(state, count))
