"""CPU kernels for the creation operators of docs/opset.md beyond the starter set.

``full_like`` fills ``out``; the random operators draw from a generator.

Each random kernel follows the contract of ``plugboard._dispatch.random``: it reserves
the 32-bit words it needs from the generator once (``philox_reserve``), draws
them with the core's vectorised Philox4x32-10 (``philox_words``), and turns
them into values with the transforms the contract names, so a seed gives the
same numbers on every run.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, philox_reserve, philox_words

from ._kernel_tools import ALL, FLOATING, CPUKernel

# Significand digits: a uniform value is an integer of this many bits times 2**-digits,
# exact in its dtype and never 1.0.
_DIGITS: Final = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _words_per_value(dtype: pb.DType) -> int:
    return 2 if dtype.name == "float64" else 1


def _bits64(words: np.ndarray) -> np.ndarray:
    """Pairs of words as uint64, the first word of each pair the low half."""
    pairs = words.reshape(-1, 2).astype(np.uint64)
    result: np.ndarray = pairs[:, 0] | (pairs[:, 1] << np.uint64(32))
    return result


def _uniform(words: np.ndarray, digits: int) -> np.ndarray:
    """Uniform values on [0, 1), ``digits`` random bits each: exact in float32 up to 24."""
    if digits > 24:
        wide: np.ndarray = (_bits64(words) >> np.uint64(64 - digits)).astype(np.float64)
        return wide * 2.0 ** -digits
    narrow: np.ndarray = (words >> np.uint32(32 - digits)).astype(np.float32)
    narrow *= np.float32(2.0 ** -digits)
    return narrow


def _rand(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    o = host_array(out)
    words = o.size * _words_per_value(out.dtype)
    state = philox_reserve(generator, out.device, words)
    values = _uniform(philox_words(state, words), _DIGITS[out.dtype.name])
    o[...] = values.reshape(o.shape)


def _randn(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    o = host_array(out)
    wide = out.dtype.name == "float64"
    pairs = -(-o.size // 2)
    words = 2 * pairs * _words_per_value(out.dtype)
    state = philox_reserve(generator, out.device, words)
    uniform = _uniform(philox_words(state, words), 53 if wide else 24)
    compute = np.float64 if wide else np.float32
    u1 = (1.0 - uniform[0::2]).astype(compute)  # in (0, 1]: log(u1) is finite
    u2 = uniform[1::2].astype(compute)
    radius = np.sqrt(compute(-2.0) * np.log(u1))
    angle = compute(2.0 * np.pi) * u2
    normal = np.empty(2 * pairs, dtype=compute)
    normal[0::2] = radius * np.cos(angle)
    normal[1::2] = radius * np.sin(angle)
    o[...] = normal[: o.size].reshape(o.shape)


def _randint(low: int, high: int, size: Any, generator: Any, dtype: Any, device: Any, *,
             out: pb.Tensor) -> None:
    o = host_array(out)
    words = 2 * o.size
    state = philox_reserve(generator, out.device, words)
    bits = _bits64(philox_words(state, words))
    span = high - low  # at most 2**64: the whole uint64 range
    offsets = bits if span == 1 << 64 else bits % np.uint64(span)
    # low + offset in two's complement: exact for every result in [low, high).
    values = (offsets + np.uint64(low % (1 << 64))).view(np.int64)
    np.copyto(o, values.reshape(o.shape), casting="unsafe")


def _full_like(self: pb.Tensor, fill_value: Any, dtype: Any, device: Any, *,
               out: pb.Tensor) -> None:
    host_array(out).fill(fill_value)


KERNELS: tuple[CPUKernel, ...] = (
    # full_like reads only its input's shape: mixed dtypes spare a cast of the input.
    CPUKernel("full_like", _full_like, ALL, mixed_dtypes=True),
    CPUKernel("rand", _rand, FLOATING),
    CPUKernel("randn", _randn, FLOATING),
    CPUKernel("randint", _randint, ALL),
)
