"""Native CPU kernels for the nn composites whose decompositions are much slower.

softmax, log_softmax, layer_norm, rms_norm, conv2d, cross_entropy and
scaled_dot_product_attention are composites in the core; these kernels
override them on the CPU, so ``plugboard ops`` reports them as native here
while a backend with only the primitives runs the decompositions. Each one
is vectorised NumPy; float16 and bfloat16 compute in float32 and round once,
as PyTorch's CPU kernels do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import host_array, ignore_fp_errors

from ._kernel_tools import FLOATING, NUMERIC, CPUKernel, accumulator, quiet


def _wide(a: np.ndarray) -> np.ndarray:
    """``a`` in its computation dtype: float32 for float16 and bfloat16."""
    wide = accumulator(a.dtype)
    return a.astype(wide) if wide is not None else a


def _write(out: pb.Tensor, result: Any) -> None:
    np.copyto(host_array(out), result, casting="unsafe")


# softmax, log_softmax -----------------------------------------------------------------


def _buffer(out: pb.Tensor) -> np.ndarray:
    """Where a kernel computes: ``out`` itself, or a float32 array for half types."""
    o = host_array(out)
    wide = accumulator(o.dtype)
    return o if wide is None else np.empty(o.shape, wide)


def _finish(out: pb.Tensor, buffer: np.ndarray) -> None:
    o = host_array(out)
    if buffer is not o:
        np.copyto(o, buffer, casting="unsafe")


# The kernels below work in out (or one float32 buffer) in place: on large rows the
# temporaries of a straightforward NumPy expression cost as much as the arithmetic.


def _shift_into(buffer: np.ndarray, self: pb.Tensor, dim: int) -> int | None:
    x = host_array(self)
    axis = dim % x.ndim if x.ndim else None
    # dtype=: in the buffer's type. Two float16 operands would subtract in float16 and
    # round x - max before the float32 exp (4 ULP off in the result).
    np.subtract(x, np.max(x, axis=axis, keepdims=True), out=buffer, dtype=buffer.dtype)
    return axis


def _softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel() == 0:
        return
    buffer = _buffer(out)
    with ignore_fp_errors():
        axis = _shift_into(buffer, self, dim)
        np.exp(buffer, out=buffer)
        buffer /= np.sum(buffer, axis=axis, keepdims=True)
    _finish(out, buffer)


def _log_softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel() == 0:
        return
    buffer = _buffer(out)
    with ignore_fp_errors():
        axis = _shift_into(buffer, self, dim)
        buffer -= np.log(np.sum(np.exp(buffer), axis=axis, keepdims=True))
    _finish(out, buffer)


# layer_norm ---------------------------------------------------------------------------


def _layer_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
                bias: pb.Tensor | None, eps: float, *, out: pb.Tensor) -> None:
    x = host_array(input)
    buffer = _buffer(out)
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    with ignore_fp_errors():
        np.subtract(x, np.mean(x, axis=axes, keepdims=True, dtype=buffer.dtype), out=buffer)
        var = np.mean(np.square(buffer), axis=axes, keepdims=True)
        buffer *= 1 / np.sqrt(var + np.asarray(eps, dtype=buffer.dtype))
        if weight is not None:
            buffer *= host_array(weight)
        if bias is not None:
            buffer += host_array(bias)
    _finish(out, buffer)


def _rms_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
              eps: float | None, *, out: pb.Tensor) -> None:
    x = _wide(host_array(input))
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    # PyTorch's default epsilon: the computation type's (float32's for float16 inputs).
    epsilon = np.asarray(np.finfo(x.dtype).eps if eps is None else eps, dtype=x.dtype)
    with ignore_fp_errors():
        y = x / np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True) + epsilon)
        if weight is not None:
            # A weight of any dtype multiplies in the computation dtype promoted with its
            # own (PyTorch's), and the result keeps the input's dtype.
            w = host_array(weight)
            y = y * w.astype(np.result_type(y.dtype, w.dtype), copy=False)
    _write(out, y)


# conv2d -------------------------------------------------------------------------------


@quiet
def _conv2d(input: pb.Tensor, weight: pb.Tensor, bias: pb.Tensor | None,
            stride: Sequence[int], padding: Sequence[int], dilation: Sequence[int],
            groups: int, *, out: pb.Tensor) -> None:
    x = _wide(host_array(input))
    w = _wide(host_array(weight))
    if x.ndim == 3:
        x = x[None]
    ph, pw = padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n = x.shape[0]
    o, cg, kh, kw = w.shape
    oh, ow = out.shape[-2:]
    # im2col: the windows as a strided view, then one matmul per group (batched).
    sn, sc, sh, sw = x.strides
    cols = np.lib.stride_tricks.as_strided(
        x, (n, groups, oh, ow, cg, kh, kw),
        (sn, sc * cg, sh * stride[0], sw * stride[1], sc, sh * dilation[0], sw * dilation[1]),
        writeable=False,
    ).reshape(n, groups, oh * ow, cg * kh * kw)
    kernel = w.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)
    y = np.matmul(cols, kernel)  # (N, G, OH*OW, O/G)
    y = y.transpose(0, 1, 3, 2).reshape(n, o, oh, ow)
    if bias is not None:
        y = y + _wide(host_array(bias))[:, None, None]
    _write(out, y.reshape(out.shape))


# scaled_dot_product_attention ---------------------------------------------------------


def _repeat_heads(t: np.ndarray, group: int) -> np.ndarray:
    return np.repeat(t, group, axis=-3) if group > 1 else t


def _sdpa(query: pb.Tensor, key: pb.Tensor, value: pb.Tensor, attn_mask: pb.Tensor | None,
          dropout_p: float, is_causal: bool, scale: float | None, enable_gqa: bool, *,
          out: pb.Tensor) -> None:
    if key.shape[-2] == 0:  # no keys: every query attends to nothing
        host_array(out).fill(0)
        return
    q, k, v = (_wide(host_array(t)) for t in (query, key, value))
    group = q.shape[-3] // k.shape[-3] if enable_gqa and min(q.ndim, k.ndim) >= 3 else 1
    k, v = _repeat_heads(k, group), _repeat_heads(v, group)
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    with ignore_fp_errors():
        scores = np.matmul(q, np.swapaxes(k, -2, -1))
        scores *= np.asarray(factor, dtype=q.dtype)
        allowed = None
        if is_causal:
            allowed = np.tri(q.shape[-2], k.shape[-2], dtype=np.bool_)  # top-left aligned
        mask = host_array(attn_mask) if attn_mask is not None else None
        if mask is not None and mask.dtype == np.bool_:
            allowed = mask if allowed is None else allowed & mask
        elif mask is not None:
            scores = scores + mask.astype(q.dtype)  # a new array: the mask may broadcast it
        if allowed is not None:
            np.copyto(scores, -np.inf, where=~allowed)
        # The softmax over keys, in place in scores.
        peak = np.max(scores, axis=-1, keepdims=True)
        scores -= peak
        np.exp(scores, out=scores)
        scores /= np.sum(scores, axis=-1, keepdims=True)
        if mask is not None or allowed is not None:
            # A query that may see no key attends to nothing, as PyTorch's safe softmax.
            np.copyto(scores, 0.0, where=peak == -np.inf)
        weights = scores
        if dropout_p > 0:
            weights = _dropout(weights, dropout_p, out.device)
        _write(out, np.matmul(weights, v))


def _dropout(weights: np.ndarray, p: float, device: pb.Device) -> np.ndarray:
    """Dropout of the attention weights from the device's default generator: the same
    numbers the decomposition draws (pb::dropout over pb::rand)."""
    if p >= 1.0:
        return weights * 0
    dtype = pb.float64 if weights.dtype == np.float64 else pb.float32
    noise = host_array(pb.ops.pb.rand(weights.shape, dtype=dtype, device=device))
    return np.where(noise < 1.0 - p, weights / (1.0 - p), 0.0).astype(weights.dtype)


# cross_entropy ------------------------------------------------------------------------


def _log_probs(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - np.max(x, axis=axis, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    result: np.ndarray = shifted - lse
    return result


def _cross_entropy(input: pb.Tensor, target: pb.Tensor, weight: pb.Tensor | None,
                   ignore_index: int, reduction: str, label_smoothing: float, *,
                   out: pb.Tensor) -> None:
    x = _wide(host_array(input))
    axis = 0 if x.ndim == 1 else 1
    c = x.shape[axis]
    t = host_array(target)
    w = _wide(host_array(weight)) if weight is not None else None
    shape = [1] * x.ndim
    shape[axis] = c
    wb = w.reshape(shape) if w is not None else None
    with ignore_fp_errors():
        logp = _log_probs(x, axis)
        if t.shape == x.shape:  # class probabilities
            p = _wide(t).astype(x.dtype)
            if label_smoothing > 0:
                p = p * (1.0 - label_smoothing) + label_smoothing / c
            terms = logp * p if wb is None else logp * p * wb
            if reduction == "none":
                _write(out, -np.sum(terms, axis=axis))
            else:
                total = -np.sum(terms)
                if reduction == "mean":
                    total = total / (x.size // c) if x.size else np.nan
                _write(out, total)
            return
        t = t.astype(np.int64)
        valid = t != ignore_index
        if np.any(valid & ((t < 0) | (t >= c))):
            raise pb.IndexingError(
                f"a target class index is out of bounds: the input has {c} classes. Fix: "
                f"targets must lie in [0, {c}), or equal ignore_index={ignore_index}"
            )
        safe = np.where(valid, t, 0)
        picked = np.squeeze(np.take_along_axis(logp, np.expand_dims(safe, axis), axis), axis)
        weights = (w[safe] if w is not None else np.ones_like(picked)) * valid
        nll = np.where(valid, -picked * weights, 0.0)
        total = np.sum(weights)
        loss: Any = nll if reduction == "none" else np.sum(nll)
        if reduction == "mean":
            loss = loss / total
        if label_smoothing > 0:
            smooth = -np.sum(logp if wb is None else logp * wb, axis=axis)
            smooth = np.where(valid, smooth, 0.0)
            if reduction != "none":
                smooth = np.sum(smooth)
            if reduction == "mean":
                smooth = smooth / total
            loss = loss * (1.0 - label_smoothing) + smooth * (label_smoothing / c)
        _write(out, loss)


KERNELS: tuple[CPUKernel, ...] = (
    CPUKernel("softmax", _softmax, FLOATING),
    CPUKernel("log_softmax", _log_softmax, FLOATING),
    CPUKernel("layer_norm", _layer_norm, FLOATING),
    # mixed_dtypes: the weight keeps its own dtype, as the product's promotion needs.
    CPUKernel("rms_norm", _rms_norm, FLOATING, mixed_dtypes=True),
    CPUKernel("conv2d", _conv2d, NUMERIC),
    CPUKernel("scaled_dot_product_attention", _sdpa, FLOATING),
    CPUKernel("cross_entropy", _cross_entropy, FLOATING),
)
