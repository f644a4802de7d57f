"""CuPy kernels for rand, randn and randint: the core's Philox4x32-10 stream.

Each kernel follows the contract of plugboard's generators: it reserves the 32-bit
words it needs once (``philox_reserve``), draws them with the core's Philox
(``philox_words`` with CuPy as its array module: on the device) and turns them
into values there with the transforms the contract names (uniform values from the top
``digits`` bits of a word, two words for float64; normal ones by Box-Muller on
pairs of uniforms; integers from 64 bits modulo the range), so that a seed gives
the same numbers as on every other backend.
"""

from __future__ import annotations

import math
from typing import Any, Final

import plugboard as pb
from plugboard.backend import ALL, FLOATING, philox_reserve, philox_words

from ._arrays import array_module, kernels, write

__all__ = ["KERNELS"]

# Significand digits: a uniform value is an integer of this many bits times 2**-digits,
# exact in its dtype and never 1.0.
_DIGITS: Final = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _words(xp: Any, out: pb.Tensor, generator: Any, count: int) -> Any:
    state = philox_reserve(generator, out.device, count)
    return philox_words(state, count, xp)  # drawn where the array module computes


def _bits64(xp: Any, words: Any) -> Any:
    """Pairs of words as uint64, the first word of each pair the low half."""
    pairs = words.reshape(-1, 2).astype(xp.uint64)
    return pairs[:, 0] | (pairs[:, 1] << xp.uint64(32))


def _uniform(xp: Any, words: Any, digits: int) -> Any:
    if digits > 24:
        return (_bits64(xp, words) >> xp.uint64(64 - digits)).astype(xp.float64) \
            * 2.0 ** -digits
    return (words >> xp.uint32(32 - digits)).astype(xp.float32) * xp.float32(2.0 ** -digits)


def _per_value(dtype: pb.DType) -> int:
    return 2 if dtype is pb.float64 else 1


def _rand(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    xp = array_module(out)
    n = out.numel()
    words = _words(xp, out, generator, n * _per_value(out.dtype))
    write(out, _uniform(xp, words, _DIGITS[out.dtype.name]).reshape(out.shape))


def _randn(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    xp = array_module(out)
    n = out.numel()
    wide = out.dtype is pb.float64
    pairs = -(-n // 2)
    uniform = _uniform(xp, _words(xp, out, generator, 2 * pairs * _per_value(out.dtype)),
                       53 if wide else 24)
    real = xp.float64 if wide else xp.float32
    u1 = (real(1.0) - uniform[0::2]).astype(real)  # in (0, 1]: log(u1) is finite
    u2 = uniform[1::2].astype(real)
    radius = xp.sqrt(real(-2.0) * xp.log(u1))
    angle = real(2.0 * math.pi) * u2
    normal = xp.stack([radius * xp.cos(angle), radius * xp.sin(angle)], axis=1).reshape(-1)
    write(out, normal[:n].reshape(out.shape))


def _randint(low: int, high: int, size: Any, generator: Any, dtype: Any, device: Any, *,
             out: pb.Tensor) -> None:
    xp = array_module(out)
    bits = _bits64(xp, _words(xp, out, generator, 2 * out.numel()))
    span = high - low  # at most 2**64: the whole uint64 range
    offsets = bits if span == 1 << 64 else bits % xp.uint64(span)
    # low + offset in two's complement: exact for every result in [low, high).
    values = (offsets + xp.uint64(low % (1 << 64))).view(xp.int64)
    write(out, values.reshape(out.shape))


KERNELS = (
    *kernels(FLOATING, rand=_rand, randn=_randn),
    *kernels(ALL, randint=_randint),
)
