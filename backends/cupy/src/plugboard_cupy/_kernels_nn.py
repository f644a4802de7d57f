"""CuPy kernels for the hot nn composites: softmax, log_softmax, layer_norm, rms_norm,
conv2d and scaled_dot_product_attention.

These are composites in the core; these kernels override them, so ``plugboard ops``
reports them as native here. Each is a few CuPy operations (its reductions CUB's,
its matrix products cuBLAS's, TF32 off unless ``CUPY_TF32=1``), computing as the
cpu and opencl kernels do: float16 and bfloat16 in float32, rounded once into
``out``; softmax from ``x - max(x)``; layer_norm from the mean and the mean square
of the centred row; conv2d as one matrix product per group over the windows (a
strided view, no copy of the input beyond its padding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plugboard as pb
from plugboard.backend import FLOATING, NUMERIC

from ._arrays import array_module, kernels, read, wide, write

__all__ = ["KERNELS"]


def _along(self: pb.Tensor, dim: int) -> tuple[Any, Any, int | None]:
    """The input in its computation dtype, less its maximum along ``dim``."""
    xp = array_module(self)
    x = wide(read(self))
    axis = dim % x.ndim if x.ndim else None
    return xp, x - xp.max(x, axis=axis, keepdims=True), axis


def _softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel():
        xp, shifted, axis = _along(self, dim)
        e = xp.exp(shifted)
        write(out, e / xp.sum(e, axis=axis, keepdims=True))


def _log_softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel():
        xp, shifted, axis = _along(self, dim)
        write(out, shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True)))


def _trailing(x: Any, normalized: Sequence[int]) -> tuple[int, ...]:
    return tuple(range(x.ndim - len(normalized), x.ndim))


def _layer_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
                bias: pb.Tensor | None, eps: float, *, out: pb.Tensor) -> None:
    if not input.numel():
        return
    xp = array_module(out)
    x = wide(read(input))
    axes = _trailing(x, normalized_shape)
    centred = x - xp.mean(x, axis=axes, keepdims=True)
    variance = xp.mean(centred * centred, axis=axes, keepdims=True)
    y = centred * (1 / xp.sqrt(variance + xp.asarray(eps, dtype=x.dtype)))
    if weight is not None:
        y = y * wide(read(weight))
    if bias is not None:
        y = y + wide(read(bias))
    write(out, y)


def _rms_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
              eps: float | None, *, out: pb.Tensor) -> None:
    if not input.numel():
        return
    xp = array_module(out)
    x = wide(read(input))
    axes = _trailing(x, normalized_shape)
    # PyTorch's default epsilon: the computation dtype's (float32's for float16 inputs).
    epsilon = xp.asarray(xp.finfo(x.dtype).eps if eps is None else eps, dtype=x.dtype)
    y = x / xp.sqrt(xp.mean(x * x, axis=axes, keepdims=True) + epsilon)
    if weight is not None:
        # A weight of another dtype multiplies in the promoted dtype (PyTorch's); the
        # result keeps the input's dtype.
        w = wide(read(weight))
        y = y * w.astype(xp.result_type(y.dtype, w.dtype), copy=False)
    write(out, y)


def _conv2d(input: pb.Tensor, weight: pb.Tensor, bias: pb.Tensor | None,
            stride: Sequence[int], padding: Sequence[int], dilation: Sequence[int],
            groups: int, *, out: pb.Tensor) -> None:
    if not out.numel():
        return
    xp = array_module(out)
    x = wide(read(input))
    w = wide(read(weight))
    x = x[None] if x.ndim == 3 else x
    if padding[0] or padding[1]:
        x = xp.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    x = xp.ascontiguousarray(x)
    batch = x.shape[0]
    channels_out, per_group, kh, kw = w.shape
    oh, ow = out.shape[-2:]
    if x.size == 0 or w.size == 0:
        y = xp.zeros((batch, channels_out, oh, ow), dtype=x.dtype)
    else:
        # The windows as a read-only strided view (im2col without a copy), then one
        # batched matrix product per group.
        sn, sc, sh, sw = x.strides
        windows = xp.lib.stride_tricks.as_strided(
            x, (batch, groups, oh, ow, per_group, kh, kw),
            (sn, sc * per_group, sh * stride[0], sw * stride[1], sc, sh * dilation[0],
             sw * dilation[1]),
        ).reshape(batch, groups, oh * ow, per_group * kh * kw)
        filters = w.reshape(groups, channels_out // groups, per_group * kh * kw)
        y = xp.matmul(windows, filters.transpose(0, 2, 1))  # (N, G, OH*OW, O/G)
        y = y.transpose(0, 1, 3, 2).reshape(batch, channels_out, oh, ow)
    shift = 0 if bias is None else wide(read(bias))[:, None, None]
    write(out, (y + shift).reshape(out.shape))


def _sdpa(query: pb.Tensor, key: pb.Tensor, value: pb.Tensor, attn_mask: pb.Tensor | None,
          dropout_p: float, is_causal: bool, scale: float | None, enable_gqa: bool, *,
          out: pb.Tensor) -> None:
    xp = array_module(out)
    if key.shape[-2] == 0 or not out.numel():  # no keys: every query attends to nothing
        write(out, xp.zeros((), dtype=xp.float32))
        return
    q, k, v = (wide(read(t)) for t in (query, key, value))
    group = q.shape[-3] // k.shape[-3] if enable_gqa and min(q.ndim, k.ndim) >= 3 else 1
    if group > 1:
        k, v = xp.repeat(k, group, axis=-3), xp.repeat(v, group, axis=-3)
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = xp.matmul(q, xp.swapaxes(k, -2, -1)) * xp.asarray(factor, dtype=q.dtype)
    allowed = None
    if is_causal:  # top-left aligned, as PyTorch's
        allowed = xp.tri(q.shape[-2], k.shape[-2], dtype=bool)
    if attn_mask is not None:
        mask = read(attn_mask)
        if attn_mask.dtype.is_bool:
            allowed = mask if allowed is None else allowed & mask
        else:
            scores = scores + wide(mask).astype(q.dtype)
    if allowed is not None:
        scores = xp.where(allowed, scores, xp.asarray(-math.inf, dtype=scores.dtype))
    peak = xp.max(scores, axis=-1, keepdims=True)
    e = xp.exp(scores - peak)
    weights = e / xp.sum(e, axis=-1, keepdims=True)
    if allowed is not None or attn_mask is not None:
        # A query that may see no key attends to nothing, as PyTorch's safe softmax.
        weights = xp.where(peak == -math.inf, xp.zeros((), dtype=weights.dtype), weights)
    if dropout_p > 0:
        weights = _dropout(xp, weights, dropout_p, out.device)
    write(out, xp.matmul(weights, v))


def _dropout(xp: Any, weights: Any, p: float, device: pb.Device) -> Any:
    """Dropout of the attention weights from the device's default generator: the same
    numbers the decomposition draws (pb::dropout over pb::rand)."""
    if p >= 1.0:
        return xp.zeros_like(weights)
    dtype = pb.float64 if weights.dtype == xp.float64 else pb.float32
    noise = read(pb.ops.pb.rand(tuple(weights.shape), dtype=dtype, device=device))
    kept = weights / xp.asarray(1.0 - p, dtype=weights.dtype)
    return xp.where(noise < 1.0 - p, kept, xp.zeros((), dtype=weights.dtype))


KERNELS = (
    *kernels(FLOATING, softmax=_softmax, log_softmax=_log_softmax, layer_norm=_layer_norm,
             scaled_dot_product_attention=_sdpa),
    # A weight of another dtype is the kernel's to promote.
    *kernels(FLOATING, mixed_dtypes=True, rms_norm=_rms_norm),
    *kernels(NUMERIC, conv2d=_conv2d),
)
