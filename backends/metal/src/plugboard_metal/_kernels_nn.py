"""Native metal kernels for the hot nn composites, on MLX's own kernels.

softmax, log_softmax, layer_norm, rms_norm, scaled_dot_product_attention and
conv2d are composites in the core; these kernels override them with MLX's
(``mx.softmax``, ``mx.logsumexp``, ``mx.fast.layer_norm``, ``mx.fast.rms_norm``,
``mx.fast.scaled_dot_product_attention``, ``mx.conv2d``), so ``plugboard ops``
reports them as native here. float16 and bfloat16 compute in float32 and round
once, as PyTorch's kernels do. MLX's convolution is channels-last and floating
point only: the kernel transposes, and integer convolutions run the core's
decomposition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mlx.core as mx

import plugboard as pb
from plugboard.backend import KernelSpec

from ._arrays import read, read_as, wide, write
from ._capabilities import FLOATING
from ._kernels import MetalKernel

__all__ = ["KERNELS"]


def _softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel():
        x = wide(read(self))
        write(out, mx.softmax(x, axis=dim % x.ndim if x.ndim else None))


def _log_softmax(self: pb.Tensor, dim: int, dtype: Any, *, out: pb.Tensor) -> None:
    if self.numel():
        x = wide(read(self))
        axis = dim % x.ndim if x.ndim else None
        result = x - mx.logsumexp(x, axis=axis, keepdims=True)
        # A row whose largest value is not finite is NaN throughout, as x - max(x) makes it
        # in PyTorch (MLX's logsumexp of a row with inf is inf, leaving -inf entries).
        finite = mx.isfinite(mx.max(x, axis=axis, keepdims=True))
        write(out, mx.where(finite, result, mx.array(float("nan"), dtype=result.dtype)))


def _rows(x: Any, normalized: Sequence[int]) -> Any:
    """``x`` with its normalized dims as one last dim (MLX normalizes over the last)."""
    return x.reshape((*x.shape[: x.ndim - len(normalized)], math.prod(normalized)))


def _layer_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
                bias: pb.Tensor | None, eps: float, *, out: pb.Tensor) -> None:
    if not input.numel():
        return
    x = wide(read(input))
    w = None if weight is None else wide(read(weight)).reshape(-1)
    b = None if bias is None else wide(read(bias)).reshape(-1)
    y = mx.fast.layer_norm(_rows(x, normalized_shape), w, b, eps)
    write(out, y.reshape(out.shape))


def _rms_norm(input: pb.Tensor, normalized_shape: Sequence[int], weight: pb.Tensor | None,
              eps: float | None, *, out: pb.Tensor) -> None:
    if not input.numel():
        return
    x = wide(read(input))
    # PyTorch's default eps is the computation dtype's machine epsilon (float32's for
    # float16 and bfloat16).
    epsilon = float(mx.finfo(x.dtype).eps) if eps is None else eps
    # A weight of another dtype multiplies in float32 (the widest float here); the result
    # keeps the input's dtype, as in PyTorch.
    w = None if weight is None else read_as(weight, mx.float32).reshape(-1)
    write(out, mx.fast.rms_norm(_rows(x, normalized_shape), w, epsilon).reshape(out.shape))


def _conv2d(input: pb.Tensor, weight: pb.Tensor, bias: pb.Tensor | None,
            stride: Sequence[int], padding: Sequence[int], dilation: Sequence[int],
            groups: int, *, out: pb.Tensor) -> None:
    if not out.numel():
        return
    x = wide(read(input))
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    w = wide(read(weight))
    if x.size == 0 or w.size == 0:
        y = mx.zeros((x.shape[0], *out.shape[-3:]), dtype=x.dtype)
    else:
        # NCHW and OIHW to MLX's NHWC and OHWI, and the result back.
        y = mx.conv2d(x.transpose(0, 2, 3, 1), w.transpose(0, 2, 3, 1),
                      stride=(stride[0], stride[1]), padding=(padding[0], padding[1]),
                      dilation=(dilation[0], dilation[1]), groups=groups)
        y = y.transpose(0, 3, 1, 2)
    if bias is not None:
        y = y + wide(read(bias)).reshape(-1, 1, 1)
    write(out, y.reshape(out.shape))


def _sdpa(query: pb.Tensor, key: pb.Tensor, value: pb.Tensor, attn_mask: pb.Tensor | None,
          dropout_p: float, is_causal: bool, scale: float | None, enable_gqa: bool, *,
          out: pb.Tensor) -> None:
    if not out.numel():
        return
    if key.shape[-2] == 0:  # no keys: every query attends to nothing
        write(out, mx.zeros(out.shape, dtype=mx.float32))
        return
    q, k, v = (wide(read(t)) for t in (query, key, value))
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    if (attn_mask is None and dropout_p == 0 and q.ndim == 4 and k.ndim == 4
            and (not is_causal or q.shape[-2] == k.shape[-2])
            and (enable_gqa or q.shape[1] == k.shape[1])):
        # MLX's fused kernel (grouped heads included): no mask, or the square causal one.
        y = mx.fast.scaled_dot_product_attention(q, k, v, scale=factor,
                                                 mask="causal" if is_causal else None)
        write(out, y)
        return
    group = q.shape[-3] // k.shape[-3] if enable_gqa and min(q.ndim, k.ndim) >= 3 else 1
    if group > 1:
        k, v = mx.repeat(k, group, axis=-3), mx.repeat(v, group, axis=-3)
    scores = mx.matmul(q, mx.swapaxes(k, -2, -1)) * mx.array(factor, dtype=q.dtype)
    allowed = None
    if is_causal:  # top-left aligned, as PyTorch's
        rows, cols = q.shape[-2], k.shape[-2]
        allowed = mx.arange(cols).reshape(1, -1) <= mx.arange(rows).reshape(-1, 1)
    if attn_mask is not None:
        mask = read(attn_mask)
        if attn_mask.dtype.is_bool:
            allowed = mask if allowed is None else mx.logical_and(allowed, mask)
        else:
            scores = scores + wide(mask)
    if allowed is not None:
        scores = mx.where(allowed, scores, mx.array(-math.inf, dtype=scores.dtype))
    peak = mx.max(scores, axis=-1, keepdims=True)
    weights = mx.softmax(scores, axis=-1)
    if allowed is not None or attn_mask is not None:
        # A query that may see no key attends to nothing, as PyTorch's safe softmax.
        weights = mx.where(peak == -math.inf, mx.zeros_like(weights), weights)
    if dropout_p > 0:
        weights = _dropout(weights, dropout_p, out.device)
    write(out, mx.matmul(weights, v))


def _dropout(weights: Any, p: float, device: pb.Device) -> Any:
    """Dropout of the attention weights from the device's default generator: the same
    numbers the decomposition draws (pb::dropout over pb::rand)."""
    if p >= 1.0:
        return mx.zeros_like(weights)
    noise = read(pb.ops.pb.rand(tuple(weights.shape), dtype=pb.float32, device=device))
    kept = weights / mx.array(1.0 - p, dtype=weights.dtype)
    return mx.where(noise < 1.0 - p, kept, mx.zeros_like(weights))


KERNELS: tuple[KernelSpec, ...] = (
    MetalKernel("softmax", _softmax, FLOATING),
    MetalKernel("log_softmax", _log_softmax, FLOATING),
    MetalKernel("layer_norm", _layer_norm, FLOATING),
    MetalKernel("rms_norm", _rms_norm, FLOATING),
    MetalKernel("conv2d", _conv2d, FLOATING),
    MetalKernel("scaled_dot_product_attention", _sdpa, FLOATING),
)
