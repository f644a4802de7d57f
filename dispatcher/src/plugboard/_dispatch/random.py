"""Random numbers: a counter-based generator per device, reproducible on every backend.

A :class:`Generator` holds a Philox4x32-10 state of two numbers, as PyTorch's
CUDA generator does: a 64-bit ``seed`` (the Philox key) and a 64-bit
``offset`` (the first unused 128-bit counter). Drawing never changes the
seed; it moves the offset past the counters it used. Each device has a
default generator, used when an operator's ``generator=`` is ``None``;
:func:`manual_seed` seeds the default generator of every device, including
those of backends loaded later.

The contract a backend implements (the CPU backend is the reference):

1. A random kernel (``rand``, ``randn``, ``randint``) receives the operator's
   ``generator`` argument, a :class:`Generator` or ``None``, and calls
   ``plugboard.backend.philox_reserve(generator, out.device, words)`` once,
   before it writes ``out``. That checks the generator's device, picks the
   device's default generator for ``None``, and returns a
   :class:`PhiloxState` ``(seed, offset)`` while advancing the generator's
   offset by ``ceil(words / 4)`` counters, atomically.
2. Word ``j`` of the draw (``0 <= j < words``) is word ``j % 4`` of the
   Philox4x32-10 block with key ``(seed & 0xFFFFFFFF, seed >> 32)`` and the
   128-bit counter ``offset + j // 4``, split into four 32-bit words, least
   significant first. :func:`philox_words` computes this stream with NumPy:
   a device's stream must equal it bit for bit.
3. Value ``i`` of ``out`` (in row-major order) is made from ``w``
   consecutive words, ``i*w`` to ``i*w + w - 1``; two words make a 64-bit
   number, the first word its low half:

   - ``rand``: ``w`` = 2 for float64, else 1; the value is
     ``(bits >> (B - d)) * 2**-d``, with ``B`` = 64 or 32 the number of bits
     and ``d`` the dtype's significand digits (53, 24, 11 for float16, 8 for
     bfloat16), so it is exact in the dtype and never 1.0;
   - ``randn``: ``w`` as for rand; Box-Muller on pairs (an odd count draws one
     value more): values ``2k`` and ``2k + 1`` come from the uniforms
     ``u1 = 1 - U(2k)`` and ``u2 = U(2k + 1)``, where ``U`` is rand's value
     with ``d`` = 53 for float64 and 24 otherwise, as
     ``sqrt(-2 log u1) * cos(2 pi u2)`` and ``sqrt(-2 log u1) * sin(2 pi u2)``,
     computed in float64 for float64 and in float32 otherwise;
   - ``randint``: ``w`` = 2; the value is ``low + bits % (high - low)``.

So for a given seed, a backend's numbers are the same on every run, and two
backends that follow the contract draw the same bits (``rand`` values are
equal; ``randn`` values agree to the precision of their ``log`` and ``cos``).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Final, NamedTuple

import numpy as np

from plugboard._core.device import Device, DeviceLike
from plugboard._core.dtype import uint8
from plugboard._core.errors import ArgumentError, DeviceError, PlugboardError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.transfers import new_tensor, write_from_host

__all__ = [
    "DEFAULT_SEED",
    "Generator",
    "PhiloxState",
    "default_generator",
    "initial_seed",
    "manual_seed",
    "philox_reserve",
    "philox_words",
    "seed",
]

# PyTorch's default seed, so a fresh process starts from a known state.
DEFAULT_SEED: Final = 67280421310721
_MASK64: Final = (1 << 64) - 1
_STATE_BYTES: Final = 16  # seed and offset, little-endian uint64 each


class PhiloxState(NamedTuple):
    """What a random kernel draws from: the Philox key (``seed``) and first counter."""

    seed: int
    offset: int


def _as_seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentError(
            f"a seed is an int, not {type(value).__name__} ({value!r:.40}). "
            "Fix: pass an integer, e.g. pb.manual_seed(0)"
        )
    number = int(value)
    if not -(1 << 63) <= number <= _MASK64:
        raise ArgumentError(
            f"seed {number} is out of range: seeds are 64-bit, from -2**63 to 2**64 - 1. "
            "Fix: pass a smaller integer"
        )
    return number & _MASK64  # negative seeds wrap, as two's complement


class Generator:
    """A random number generator for one device: a Philox4x32-10 ``(seed, offset)`` state.

    Pass it as ``generator=`` to random operators; each draw advances its
    offset, so two generators seeded alike give the same numbers on one
    backend.

    Example:
        >>> import plugboard as pb
        >>> g = pb.Generator("cpu").manual_seed(42)
        >>> a = pb.rand(3, generator=g)
        >>> b = pb.rand(3, generator=pb.Generator("cpu").manual_seed(42))
        >>> a.tolist() == b.tolist()
        True
    """

    __slots__ = ("_device", "_initial_seed", "_lock", "_offset", "_seed")

    def __init__(self, device: DeviceLike = "cpu"):
        try:
            self._device = Device(device)
            backend_source().check_device_type(self._device.type)
        except PlugboardError as error:
            raise error.in_op("pb.Generator", f"device={device!r:.40}") from None
        self._lock = threading.Lock()
        self._seed = self._initial_seed = DEFAULT_SEED
        self._offset = 0

    @property
    def device(self) -> Device:
        """The device whose operators draw from this generator."""
        return self._device

    def manual_seed(self, seed: int) -> Generator:
        """Restart from ``seed`` (offset 0); returns the generator itself."""
        value = _as_seed(seed)
        with self._lock:
            self._seed = self._initial_seed = value
            self._offset = 0
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the new seed."""
        value = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed of the last ``manual_seed`` or ``seed`` (the default seed otherwise)."""
        return self._initial_seed

    def get_state(self) -> Tensor:
        """The state as a cpu uint8 tensor of 16 bytes (seed, offset), for ``set_state``."""
        with self._lock:
            raw = np.array([self._seed, self._offset], dtype="<u8").view(np.uint8)
        state = new_tensor(raw.shape, uint8, Device("cpu"))
        write_from_host(raw, state)
        return state

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from ``get_state``; returns the generator itself."""
        if not isinstance(new_state, Tensor) or new_state.dtype.name != "uint8" or (
            new_state.shape != (_STATE_BYTES,)
        ):
            got = (f"{new_state.dtype}{list(new_state.shape)}" if isinstance(new_state, Tensor)
                   else type(new_state).__name__)
            raise ArgumentError(
                f"a generator state is a uint8 tensor of {_STATE_BYTES} bytes, got {got}. "
                "Fix: pass what Generator.get_state() returned"
            )
        seed_, offset = (int(v) for v in np.ascontiguousarray(new_state.numpy()).view("<u8"))
        with self._lock:
            self._seed, self._offset = seed_, offset
        return self

    def reserve(self, words: int) -> PhiloxState:
        """The state to draw ``words`` 32-bit words from; moves the offset past them."""
        if words < 0:
            raise ArgumentError(
                f"cannot reserve {words} random words. Fix: reserve a count >= 0"
            )
        blocks = -(-words // 4)
        with self._lock:
            state = PhiloxState(self._seed, self._offset)
            self._offset = (self._offset + blocks) & _MASK64
        return state

    def __repr__(self) -> str:
        return f"<plugboard.Generator on {self._device}, seed {self._initial_seed}>"


# Default generators: one per device, created on first use with the global seed.

_defaults: dict[Device, Generator] = {}
_defaults_lock = threading.Lock()
_global_seed: int = DEFAULT_SEED


def default_generator(device: DeviceLike = "cpu") -> Generator:
    """The generator random operators on ``device`` use when given none."""
    target = Device(device)
    generator = _defaults.get(target)
    if generator is None:
        with _defaults_lock:
            generator = _defaults.get(target)
            if generator is None:
                generator = Generator(target).manual_seed(_global_seed)
                _defaults[target] = generator
    return generator


def manual_seed(seed: int) -> Generator:
    """Seed the default generator of every device, now and for backends loaded later.

    Returns the cpu default generator, as ``torch.manual_seed`` does.

    Example:
        >>> import plugboard as pb
        >>> _ = pb.manual_seed(0)
        >>> a = pb.randn(4)
        >>> _ = pb.manual_seed(0)
        >>> a.tolist() == pb.randn(4).tolist()
        True
    """
    global _global_seed
    value = _as_seed(seed)
    with _defaults_lock:
        _global_seed = value
        generators = list(_defaults.values())
    for generator in generators:
        generator.manual_seed(value)
    return default_generator("cpu")


def seed() -> int:
    """Seed every device's default generator from the operating system; returns the seed."""
    value = int.from_bytes(os.urandom(8), "little")
    manual_seed(value)
    return value


def initial_seed() -> int:
    """The initial seed of the cpu default generator."""
    return default_generator("cpu").initial_seed()


def philox_reserve(generator: Generator | None, device: Device, words: int) -> PhiloxState:
    """For kernels: the state to draw ``words`` words on ``device``, advancing the generator.

    ``generator`` is the operator's argument: ``None`` means the device's
    default generator. A generator of another device is an error (the
    operators' meta functions check this first).
    """
    if generator is None:
        generator = default_generator(device)
    else:
        check_generator(generator, device)
    return generator.reserve(words)


def check_generator(generator: Generator | None, device: Device) -> None:
    """Raise a DeviceError unless ``generator`` is None or belongs to ``device``."""
    if generator is not None and generator.device != device:
        raise DeviceError(
            f"the generator is for {generator.device}, but the operator runs on {device}. "
            f"Fix: pass a generator of that device, pb.Generator('{device}'), or "
            f"device='{generator.device}'"
        )


# The Philox4x32-10 stream, vectorised with NumPy: the reference for every backend.

_M0: Final = np.uint64(0xD2511F53)
_M1: Final = np.uint64(0xCD9E8D57)
_W0: Final = 0x9E3779B9
_W1: Final = 0xBB67AE85
_LOW32: Final = np.uint64(0xFFFFFFFF)
_SHIFT32: Final = np.uint64(32)
_CHUNK: Final = 1 << 14  # blocks per pass: a few arrays of this many uint64 fit in the cache


def philox_blocks(counters: np.ndarray, key: tuple[int, int], xp: Any = np) -> np.ndarray:
    """Philox4x32-10 of ``counters`` (shape ``(n, 4)``, uint32 words) under ``key``.

    Returns ``(n, 4)`` uint32 words. Products of two 32-bit words are exact in
    uint64, so a round is a few vectorised integer operations; they run in place
    on chunks that stay in the cache. ``xp`` is the array module (NumPy, or one
    with its API, e.g. CuPy, whose arrays ``counters`` then is): on a device the
    whole array is one chunk.
    """
    n = counters.shape[0]
    result: np.ndarray = xp.empty((n, 4), dtype=xp.uint32)
    keys = []
    k0, k1 = key[0] & 0xFFFFFFFF, key[1] & 0xFFFFFFFF
    for _ in range(10):
        keys.append((np.uint64(k0), np.uint64(k1)))
        k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
    chunk = _CHUNK if xp is np else max(n, 1)
    for begin in range(0, n, chunk):
        block = counters[begin:begin + chunk]
        c0, c1, c2, c3 = (block[:, i].astype(xp.uint64) for i in range(4))
        p0, p1 = xp.empty_like(c0), xp.empty_like(c0)
        for r0, r1 in keys:
            xp.multiply(c0, _M0, out=p0)
            xp.multiply(c2, _M1, out=p1)
            # (c0, c1, c2, c3) <- (hi(p1) ^ c1 ^ k0, lo(p1), hi(p0) ^ c3 ^ k1, lo(p0))
            xp.right_shift(p1, _SHIFT32, out=c0)
            xp.bitwise_xor(c0, c1, out=c0)
            xp.bitwise_xor(c0, r0, out=c0)
            xp.bitwise_and(p1, _LOW32, out=c1)
            xp.right_shift(p0, _SHIFT32, out=c2)
            xp.bitwise_xor(c2, c3, out=c2)
            xp.bitwise_xor(c2, r1, out=c2)
            xp.bitwise_and(p0, _LOW32, out=c3)
        out = result[begin:begin + chunk]
        for i, word in enumerate((c0, c1, c2, c3)):
            out[:, i] = word
    return result


def philox_words(state: PhiloxState, words: int, xp: Any = np) -> np.ndarray:
    """The first ``words`` 32-bit words drawn from ``state``, as a uint32 array.

    ``xp`` is the array module the words are computed with and returned in: NumPy
    (the host), or one with its API such as CuPy, so that a backend on it draws
    them on its device (the same words).

    Example:
        >>> from plugboard._dispatch.random import PhiloxState, philox_words
        >>> [hex(w) for w in philox_words(PhiloxState(0, 0), 4)]
        ['0x6627e8d5', '0xe169c58d', '0xbc57ac4c', '0x9b00dbd8']
    """
    blocks = -(-words // 4)
    start = state.offset & _MASK64
    index = xp.arange(blocks, dtype=xp.uint64)
    low64 = index + np.uint64(start)  # wraps modulo 2**64; the carry goes to word 2
    carry = (low64 < np.uint64(start)).astype(xp.uint64)
    counters = xp.empty((blocks, 4), dtype=xp.uint32)
    counters[:, 0] = (low64 & _LOW32).astype(xp.uint32)
    counters[:, 1] = (low64 >> _SHIFT32).astype(xp.uint32)
    counters[:, 2] = carry.astype(xp.uint32)
    counters[:, 3] = 0
    key = (state.seed & 0xFFFFFFFF, (state.seed >> 32) & 0xFFFFFFFF)
    drawn: np.ndarray = philox_blocks(counters, key, xp).reshape(-1)[:words]
    return drawn
