"""The CPU kernels that run in C++ (``plugboard_cpu._native``) where they can.

Each kernel here replaces the NumPy kernel of the same operator in the CPU
table, and chooses per call: the native kernel when every array has a dtype
and a layout it covers (one dtype, aligned, no partial overlap between
``out`` and an input; any strides for the elementwise kernels, whose results
so do not depend on the layout; C-contiguous for the others), else the NumPy
kernel, which stays the reference and reads any strides and dtype. The native kernels convert
nothing: ``_native`` refuses any other array with a plugboard error rather
than copying it, and writes ``out`` in place.

What they cover, and why (NumPy is slow there, or uses one core):

- exp, log, tanh on float16 and bfloat16 (NumPy's float32 and float64 loops
  are already vectorised); erf, sigmoid, silu and both forms of gelu on every
  float dtype (NumPy's are several Python-level passes);
- softmax and log_softmax over the last dimension, layer_norm, rms_norm (a
  weight of the input's dtype), the sum over the last dimension (or over
  everything), on every float dtype;
- var and std over the last dimension (or over everything) on float32, float16
  and bfloat16 (NumPy's are seven passes, which cost most on small tensors);
- conv2d's im2col into a (C*KH*KW, N*OH*OW) column matrix, so that one BLAS GEMM
  per group covers every image;
- float16 and bfloat16 add, sub, mul and div (ml_dtypes converts element by
  element).

float16 and bfloat16 compute in float32 and round to nearest even once, as the
NumPy kernels do. The kernels are threaded over their outer dimension (rows,
images and channels, slices of elements) with a minimum size per thread, and
release the GIL.

Example:
    >>> import plugboard as pb
    >>> x = pb.tensor([[-1.0, 0.0, 2.0]])
    >>> [round(v, 4) for v in pb.gelu(x).tolist()[0]]
    [-0.1587, 0.0, 1.9545]
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from . import _kernels, _kernels_elementwise, _kernels_nn, _kernels_reductions, _native
from ._kernel_tools import ALL, FLOATING, NUMERIC, CPUKernel

# The NumPy kernels these replace, and fall back to.
REFERENCE: dict[str, CPUKernel] = {
    spec.op: spec
    for module in (_kernels, _kernels_elementwise, _kernels_nn, _kernels_reductions)
    for spec in module.KERNELS
}

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
# dtypes by their type characters: bfloat16's dtype object would import ml_dtypes (most
# of a second) when the backend loads. float16 "e", bfloat16 "E" (ml_dtypes').
_HALVES = frozenset({"e", "E"})
_FLOATS = frozenset({"f", "d"}) | _HALVES
_NARROW = frozenset({"f"}) | _HALVES  # the dtypes whose squares always fit in a double
_FLOAT16, _BFLOAT16 = pb.float16, pb.bfloat16  # plugboard's dtypes: ml_dtypes stays unloaded


def _plain(*arrays: np.ndarray) -> bool:
    """Every array C-contiguous and aligned: the layout the native kernels read."""
    for a in arrays:
        flags = a.flags
        if not (flags.c_contiguous and flags.aligned):
            return False
    return True


def _aligned(*arrays: np.ndarray) -> bool:
    return all(a.flags.aligned for a in arrays)


def _separate(out: np.ndarray, *inputs: np.ndarray) -> bool:
    """``out`` is each input's memory exactly (an in-place call) or none of it: a
    partial overlap would read elements the kernel has already written."""
    for a in inputs:
        if np.may_share_memory(out, a) and not (
            a.ctypes.data == out.ctypes.data and a.shape == out.shape
            and a.strides == out.strides
        ):
            return False
    return True


def _covered(dtypes: frozenset[Any], out: np.ndarray, *inputs: np.ndarray,
             strided: bool = False) -> bool:
    """The native kernel reads these arrays: one covered dtype, no partial overlap, and a
    plain layout (any strides, for the elementwise kernels: ``strided``)."""
    # One pass, each array's checks together: this runs in every call of these kernels,
    # where it costs more than the native kernel itself on small tensors.
    dtype = out.dtype
    if dtype.char not in dtypes:
        return False
    flags = out.flags
    if not flags.aligned or not (strided or flags.c_contiguous):
        return False
    for a in inputs:
        flags = a.flags
        if a.dtype != dtype or not flags.aligned or not (strided or flags.c_contiguous):
            return False
    return _separate(out, *inputs)


# Unary --------------------------------------------------------------------------------


def _unary(op: str, dtypes: frozenset[Any]) -> Callable[..., None]:
    reference = REFERENCE[op].fn

    def kernel(self: pb.Tensor, *, out: pb.Tensor) -> None:
        x, o = host_array(self), host_array(out)
        if _covered(dtypes, o, x, strided=True):
            _native.unary(op, x, o)
        else:
            reference(self, out=out)

    kernel.__name__ = kernel.__qualname__ = f"native_{op}"
    return kernel


def _gelu(self: pb.Tensor, approximate: str, *, out: pb.Tensor) -> None:
    x, o = host_array(self), host_array(out)
    if _covered(_FLOATS, o, x, strided=True):
        _native.unary("gelu_tanh" if approximate == "tanh" else "gelu", x, o)
    else:
        REFERENCE["gelu"].fn(self, approximate, out=out)


# softmax, log_softmax, layer_norm -----------------------------------------------------


def _last_dim(dim: int, ndim: int) -> bool:
    return ndim > 0 and dim % ndim == ndim - 1


def _softmax_kernel(op: str) -> Callable[..., None]:
    reference = REFERENCE[op].fn
    log = op == "log_softmax"

    def kernel(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
        x, o = host_array(self), host_array(out)
        if _last_dim(dim, x.ndim) and _covered(_FLOATS, o, x):
            _native.softmax(x, o, log)
        else:
            reference(self, dim, dtype, out=out)

    kernel.__name__ = kernel.__qualname__ = f"native_{op}"
    return kernel


def _layer_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
                bias: pb.Tensor | None, eps: float, *, out: pb.Tensor) -> None:
    x, o = host_array(input), host_array(out)
    affine = [host_array(t) for t in (weight, bias) if t is not None]
    normalized = math.prod(normalized_shape)
    if normalized > 0 and _covered(_FLOATS, o, x, *affine):
        _native.layer_norm(x, host_array(weight) if weight is not None else None,
                           host_array(bias) if bias is not None else None,
                           float(eps), normalized, o)
    else:
        REFERENCE["layer_norm"].fn(input, normalized_shape, weight, bias, eps, out=out)


def _rms_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
              eps: float | None, *, out: pb.Tensor) -> None:
    x, o = host_array(input), host_array(out)
    affine = [host_array(weight)] if weight is not None else []
    normalized = math.prod(normalized_shape)
    # A weight of another dtype promotes the product: the reference computes that.
    if normalized > 0 and _covered(_FLOATS, o, x, *affine):
        wide = _F64 if x.dtype == _F64 else _F32
        epsilon = float(np.finfo(wide).eps) if eps is None else float(eps)
        _native.rms_norm(x, affine[0] if affine else None, epsilon, normalized, o)
    else:
        REFERENCE["rms_norm"].fn(input, normalized_shape, weight, eps, out=out)


# Reductions ---------------------------------------------------------------------------


def _row_length(dim: Sequence[int] | None, x: np.ndarray) -> int | None:
    """The row a reduction over ``dim`` reads as ``_native`` does (the last dimension, or
    everything), or None: a reduction of other dimensions, or of nothing."""
    if x.ndim == 0 or x.size == 0:
        return None
    if not dim:
        return x.size
    return x.shape[-1] if len(dim) == 1 and _last_dim(dim[0], x.ndim) else None


def _sum(self: pb.Tensor, dim: Sequence[int] | None, keepdim: bool, dtype: Any, *,
         out: pb.Tensor) -> None:
    x, o = host_array(self), host_array(out)
    n = _row_length(dim, x)
    if n is not None and _covered(_FLOATS, o, x):
        _native.sum_last(x, n, o)
    else:
        REFERENCE["sum"].fn(self, dim, keepdim, dtype, out=out)


def _moment(op: str) -> Callable[..., None]:
    """var and std: float32, float16 and bfloat16 over the last dimension or everything
    (float64 keeps the reference, which rescales rows whose squares would overflow)."""
    reference = REFERENCE[op].fn

    def kernel(self: pb.Tensor, dim: Sequence[int] | None, correction: float,
               keepdim: bool, *, out: pb.Tensor) -> None:
        x, o = host_array(self), host_array(out)
        n = _row_length(dim, x)
        if n is not None and _covered(_NARROW, o, x):
            divisor = n - correction if n > correction else 0
            _native.moment_last(x, n, float(divisor), op == "std", o)
        else:
            reference(self, dim, correction, keepdim, out=out)

    kernel.__name__ = kernel.__qualname__ = f"native_{op}"
    return kernel


# conv2d -------------------------------------------------------------------------------


class Scratch:
    """conv2d's scratch arrays (the column matrix, the GEMM's result), kept between calls:
    a fresh matrix of tens of megabytes is mapped anew and costs more in page faults than
    the im2col that fills it. One call holds them at a time (a concurrent call, in another
    thread, makes its own arrays), each at most ``limit`` bytes; ``pb.empty_cache("cpu")``
    gives them back (:meth:`clear`). They are the backend's cache, not tensors, so
    ``pb.memory_stats`` does not count them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._buffers: dict[str, np.ndarray] = {}

    @contextlib.contextmanager
    def arrays(self) -> Iterator[Callable[[str, tuple[int, ...], np.dtype[Any]], np.ndarray]]:
        """``with scratch.arrays() as array:`` where ``array(name, shape, dtype)`` is an
        uninitialised C-contiguous array, the kept buffer ``name`` where it may be."""
        held = self._lock.acquire(blocking=False)
        try:
            yield self._array if held else _fresh
        finally:
            if held:
                self._lock.release()

    def _array(self, name: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
        size = math.prod(shape) * dtype.itemsize
        if size > self.limit:
            return _fresh(name, shape, dtype)
        buffer = self._buffers.get(name)
        if buffer is None or buffer.nbytes < size:
            buffer = self._buffers[name] = np.empty(size, np.uint8)
        return buffer[:size].view(dtype).reshape(shape)

    def clear(self) -> int:
        """Give the kept arrays back (once no call holds them); the bytes released."""
        with self._lock:
            released = sum(b.nbytes for b in self._buffers.values())
            self._buffers.clear()
        return released


def _fresh(name: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
    return np.empty(shape, dtype)


SCRATCH = Scratch(limit=128 << 20)


def _conv2d(input: pb.Tensor, weight: pb.Tensor, bias: pb.Tensor | None,
            stride: Sequence[int], padding: Sequence[int], dilation: Sequence[int],
            groups: int, *, out: pb.Tensor) -> None:
    x, w, o = host_array(input), host_array(weight), host_array(out)
    if not (x.dtype.char in _FLOATS and w.dtype == x.dtype and o.dtype == x.dtype
            and _plain(x) and x.ndim in (3, 4) and o.size > 0):
        REFERENCE["conv2d"].fn(input, weight, bias, stride, padding, dilation, groups,
                               out=out)
        return
    wide = _F64 if x.dtype == _F64 else _F32
    images = x if x.ndim == 4 else x[None]
    n, c = images.shape[:2]
    channels, per_group, kh, kw = w.shape
    oh, ow = o.shape[-2:]
    kernel = w.reshape(groups, channels // groups, per_group * kh * kw).astype(wide, copy=False)
    with SCRATCH.arrays() as array, ignore_fp_errors():
        cols = array("cols", (c * kh * kw, n * oh * ow), wide)
        _native.im2col(images, cols, kh, kw, stride[0], stride[1], padding[0], padding[1],
                       dilation[0], dilation[1])
        # One GEMM per group over every image: (O/G, K/G) x (K/G, N * OH * OW).
        result = array("result", (groups, channels // groups, n * oh * ow), wide)
        np.matmul(kernel, cols.reshape(groups, per_group * kh * kw, n * oh * ow), out=result)
        result = result.reshape(channels, n, oh, ow)
        if bias is not None:
            result += host_array(bias).astype(wide, copy=False)[:, None, None, None]
        # (O, N, OH, OW) into out's (N, O, OH, OW), rounded once for float16 and bfloat16.
        np.copyto(o, result.transpose(1, 0, 2, 3).reshape(o.shape), casting="unsafe")


# float16 and bfloat16 arithmetic -----------------------------------------------------


def _operand(value: Any, out: np.ndarray) -> Any:
    """A value the native arithmetic reads: an array like ``out``, or a number at float32's
    precision (as the NumPy kernels take it); None where it reads neither."""
    if isinstance(value, pb.Tensor):
        a = host_array(value)
        return a if a.dtype == out.dtype and a.shape == out.shape else None
    if isinstance(value, (bool, int, float)):
        return float(np.float32(value))
    return None


def _native_arithmetic(op: str, self: Any, other: Any, alpha: Any, out: pb.Tensor) -> bool:
    """Run ``op`` natively when it covers the call; False where the reference must."""
    dtype = out.dtype
    if dtype is not _FLOAT16 and dtype is not _BFLOAT16:
        return False  # first and cheaply: most calls are float32's, which NumPy runs well
    o = host_array(out)
    a, b = _operand(self, o), _operand(other, o)
    if a is None or b is None:
        return False
    arrays = [v for v in (a, b) if isinstance(v, np.ndarray)]
    if not (_aligned(o, *arrays) and _separate(o, *arrays)):
        return False
    _native.binary(op, a, b, float(np.float32(alpha)), o)
    return True


def _scaled(op: str) -> Callable[..., None]:
    """add and sub, with their alpha."""
    reference = REFERENCE[op].fn

    def kernel(self: Any, other: Any, alpha: Any, *, out: pb.Tensor) -> None:
        if not _native_arithmetic(op, self, other, alpha, out):
            reference(self, other, alpha, out=out)

    kernel.__name__ = kernel.__qualname__ = f"native_{op}"
    return kernel


def _mul(self: Any, other: Any, *, out: pb.Tensor) -> None:
    if not _native_arithmetic("mul", self, other, 1, out):
        REFERENCE["mul"].fn(self, other, out=out)


def _div(self: Any, other: Any, rounding_mode: str | None, *, out: pb.Tensor) -> None:
    if rounding_mode is not None or not _native_arithmetic("div", self, other, 1, out):
        REFERENCE["div"].fn(self, other, rounding_mode, out=out)


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("exp", _unary("exp", _HALVES), FLOATING),
    CPUKernel("log", _unary("log", _HALVES), FLOATING),
    CPUKernel("tanh", _unary("tanh", _HALVES), FLOATING),
    CPUKernel("erf", _unary("erf", _FLOATS), FLOATING),
    CPUKernel("sigmoid", _unary("sigmoid", _FLOATS), FLOATING),
    CPUKernel("silu", _unary("silu", _FLOATS), FLOATING),
    CPUKernel("gelu", _gelu, FLOATING),
    CPUKernel("softmax", _softmax_kernel("softmax"), FLOATING),
    CPUKernel("log_softmax", _softmax_kernel("log_softmax"), FLOATING),
    CPUKernel("layer_norm", _layer_norm, FLOATING),
    CPUKernel("rms_norm", _rms_norm, FLOATING, mixed_dtypes=True),
    CPUKernel("sum", _sum, ALL),
    CPUKernel("var", _moment("var"), FLOATING),
    CPUKernel("std", _moment("std"), FLOATING),
    CPUKernel("conv2d", _conv2d, NUMERIC),
    CPUKernel("add", _scaled("add"), ALL),
    CPUKernel("sub", _scaled("sub"), NUMERIC),
    CPUKernel("mul", _mul, ALL),
    CPUKernel("div", _div, NUMERIC),
)
