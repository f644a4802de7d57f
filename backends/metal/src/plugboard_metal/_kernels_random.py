"""metal kernels for the random operators: rand, randn, randint from the Philox stream.

Each kernel follows the contract of plugboard's generators: it reserves the
32-bit words it needs once (``philox_reserve``), draws them with the core's
Philox4x32-10 (``philox_words``, on the host), and turns them into values on
the device with MLX, with the transforms the contract names, so that a seed
gives the same numbers as on every other backend.
"""

from __future__ import annotations

import math
from typing import Any, Final

import mlx.core as mx

import plugboard as pb
from plugboard.backend import KernelSpec, philox_reserve, philox_words

from ._arrays import write
from ._capabilities import DTYPES, FLOATING
from ._kernels import MetalKernel

__all__ = ["KERNELS"]

# Significand digits: a uniform value is an integer of this many bits times 2**-digits,
# exact in its dtype and never 1.0.
_DIGITS: Final = {"float16": 11, "bfloat16": 8, "float32": 24}


def _words(out: pb.Tensor, generator: Any, count: int) -> Any:
    state = philox_reserve(generator, out.device, count)
    return mx.array(philox_words(state, count))  # uint32 host words, copied to the device


def _uniform(words: Any, digits: int) -> Any:
    shift = mx.array(32 - digits, dtype=mx.uint32)
    return mx.right_shift(words, shift).astype(mx.float32) * mx.array(2.0 ** -digits,
                                                                      dtype=mx.float32)


def _rand(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    n = out.numel()
    write(out, _uniform(_words(out, generator, n), _DIGITS[out.dtype.name]).reshape(out.shape))


def _randn(size: Any, generator: Any, dtype: Any, device: Any, *, out: pb.Tensor) -> None:
    n = out.numel()
    pairs = -(-n // 2)
    uniform = _uniform(_words(out, generator, 2 * pairs), 24)
    u1 = 1.0 - uniform[0::2]  # in (0, 1]: log(u1) is finite
    u2 = uniform[1::2]
    radius = mx.sqrt(mx.array(-2.0, dtype=mx.float32) * mx.log(u1))
    angle = mx.array(2.0 * math.pi, dtype=mx.float32) * u2
    normal = mx.stack([radius * mx.cos(angle), radius * mx.sin(angle)], axis=1).reshape(-1)
    write(out, normal[:n].reshape(out.shape))


def _u64(value: int) -> Any:
    """A uint64 scalar for any value below 2**64 (MLX takes Python ints up to int64's)."""
    high = mx.array(value >> 32, dtype=mx.uint64)
    return mx.bitwise_or(mx.left_shift(high, mx.array(32, mx.uint64)),
                         mx.array(value & 0xFFFFFFFF, dtype=mx.uint64))


def _randint(low: int, high: int, size: Any, generator: Any, dtype: Any, device: Any, *,
             out: pb.Tensor) -> None:
    n = out.numel()
    pairs = _words(out, generator, 2 * n).reshape(-1, 2).astype(mx.uint64)
    bits = mx.bitwise_or(pairs[:, 0], mx.left_shift(pairs[:, 1], mx.array(32, mx.uint64)))
    span = high - low  # at most 2**64: the whole uint64 range
    offsets = bits if span == 1 << 64 else mx.remainder(bits, _u64(span))
    # low + offset in two's complement: exact for every result in [low, high).
    values = mx.view(offsets + _u64(low % (1 << 64)), mx.int64)
    write(out, values.reshape(out.shape))


KERNELS: tuple[KernelSpec, ...] = (
    MetalKernel("rand", _rand, FLOATING),
    MetalKernel("randn", _randn, FLOATING),
    MetalKernel("randint", _randint, DTYPES),
)
