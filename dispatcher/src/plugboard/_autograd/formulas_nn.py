"""The derivative formulas of the nn composites: for speed and numerical stability.

A composite without a formula differentiates through its decomposition: right,
but under autograd its forward pass then runs the decomposition even where the
backend has a native kernel, and the graph keeps every intermediate. With a
formula, forward runs the backend's kernel (the cpu and opencl softmax,
layer_norm, conv2d, ...) and backward recomputes what it needs from the saved
inputs: one node per call, its gradient in closed form. These are PyTorch's
formulas, in the same table as the primitives' (:mod:`formulas`), written with
plugboard operators so that backward runs on every backend and is itself
differentiable.

A formula serves the calls it covers; the others keep the decomposition
(``Formula.when``, and an input that requires grad without a function here:
a float ``attn_mask`` or a cross_entropy ``weight`` that requires grad).
float16 and bfloat16 gradients are computed in float32, as the forward passes
are, and rounded once by the node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plugboard._autograd.formulas import _f
from plugboard._core.dtype import DType, int64
from plugboard._core.tensor import Tensor
from plugboard._ops.meta import op
from plugboard._ops.nn import (
    _attention_weights,
    _class_dim,
    _class_view,
    _heads,
    _normalized_dims,
    _opmath,
    _pad2d,
    _pool_geometry,
    _probability_target,
    _repeat_heads,
    _rms_eps,
    _windows,
)

__all__: list[str] = []


def _wide(t: Tensor, dtype: DType | None = None) -> Tensor:
    """``t`` in the computation dtype of ``dtype`` (its own by default)."""
    wide = _opmath(dtype or t.dtype)
    return t if t.dtype is wide else t.to(dtype=wide)


# softmax, log_softmax ---------------------------------------------------------------


def _softmax(a: Any, g: Tensor) -> Tensor:
    y, g = _wide(a.result), _wide(g)
    return y * (g - (g * y).sum(a.dim, keepdim=True))


def _log_softmax(a: Any, g: Tensor) -> Tensor:
    y, g = _wide(a.result), _wide(g)
    return g - y.exp() * g.sum(a.dim, keepdim=True)


_f("softmax", ("result",), self=_softmax)
_f("log_softmax", ("result",), self=_log_softmax)


# layer_norm, rms_norm ---------------------------------------------------------------


_Parts = tuple[Tensor, Tensor, list[int]]


def _layer_norm_parts(a: Any, g: Tensor) -> _Parts:
    """x-hat (the normalized input) and 1 / std, recomputed in the computation dtype."""
    dims = _normalized_dims(a.input, a.normalized_shape)
    x = _wide(a.input)
    centered = x - x.mean(dims, keepdim=True)
    rstd = 1 / ((centered * centered).mean(dims, keepdim=True) + a.eps).sqrt()
    return centered * rstd, rstd, dims


def _layer_norm_input(a: Any, g: Tensor) -> Tensor:
    parts: _Parts = a.once(_layer_norm_parts, g)
    xhat, rstd, dims = parts
    gx = _wide(g) if a.weight is None else _wide(g) * _wide(a.weight)
    return rstd * (gx - gx.mean(dims, keepdim=True)
                   - xhat * (gx * xhat).mean(dims, keepdim=True))


def _layer_norm_weight(a: Any, g: Tensor) -> Tensor:
    parts: _Parts = a.once(_layer_norm_parts, g)
    xhat = parts[0]
    return _wide(g) * xhat  # the node sums the leading dimensions


_f("layer_norm", ("input", "weight"), input=_layer_norm_input, weight=_layer_norm_weight,
   bias=lambda a, g: g)


def _rms_norm_parts(a: Any, g: Tensor) -> _Parts:
    """The input and 1 / rms, in the computation dtype."""
    dims = _normalized_dims(a.input, a.normalized_shape)
    x = _wide(a.input)
    eps = _rms_eps(x.dtype, a.eps)
    return x, 1 / ((x * x).mean(dims, keepdim=True) + eps).sqrt(), dims


def _rms_norm_input(a: Any, g: Tensor) -> Tensor:
    parts: _Parts = a.once(_rms_norm_parts, g)
    x, r, dims = parts
    gy = _wide(g) if a.weight is None else _wide(g) * a.weight
    return r * (gy - x * (r * r) * (gy * x).mean(dims, keepdim=True))


def _rms_norm_weight(a: Any, g: Tensor) -> Tensor:
    parts: _Parts = a.once(_rms_norm_parts, g)
    x, r, _ = parts
    return _wide(g) * x * r


_f("rms_norm", ("input", "weight"), input=_rms_norm_input, weight=_rms_norm_weight)


# cross_entropy ----------------------------------------------------------------------


def _cross_entropy_input(a: Any, g: Tensor) -> Tensor:
    """``G * (softmax(x) * sum(q) - q)``, where ``-q`` is the loss's derivative in the
    log-probabilities (the smoothed, weighted target) and ``G`` the gradient per sample."""
    x = a.input
    dim = _class_dim(x)
    c = x.shape[dim]
    probabilities = _wide(x).softmax(dim)
    g = _wide(g, x.dtype)
    w = None if a.weight is None else _class_view(_wide(a.weight), x)
    smoothing = a.label_smoothing
    if _probability_target(x, a.target):
        q = _wide(a.target)
        if smoothing > 0:
            q = q * (1.0 - smoothing) + smoothing / c
        if w is not None:
            q = q * w
        samples: Any = x.numel() // c
    else:
        target = a.target.to(dtype=int64)
        classes = op("arange")(0, c, device=x.device)
        onehot = target.unsqueeze(dim) == _class_view(classes, x)
        valid = target != a.ignore_index
        weights = (valid.to(dtype=g.dtype) if w is None
                   else op("where")(valid, op("where")(onehot, w, 0.0).sum(dim), 0.0))
        q = op("where")(onehot, weights.unsqueeze(dim), 0.0)
        if smoothing > 0:
            spread = valid.unsqueeze(dim).to(dtype=g.dtype) * (smoothing / c)
            q = q * (1.0 - smoothing) + (spread if w is None else spread * w)
        samples = weights.sum()  # the mean divides by the targets' total weight
    if a.reduction == "none":
        g = g.unsqueeze(dim)
    elif a.reduction == "mean":
        g = g / samples
    return g * (probabilities * q.sum(dim, keepdim=True) - q)


_f("cross_entropy", ("input", "target", "weight"), input=_cross_entropy_input)


# conv2d -----------------------------------------------------------------------------


def _spread(g: Tensor, stride: Sequence[int]) -> Tensor:
    """(N, C, H, W) ``g`` with ``stride - 1`` zeros between its rows and its columns."""
    for d, s in ((2, stride[0]), (3, stride[1])):
        if s > 1 and g.shape[d] > 1:
            size = g.shape[d]
            g = op("pad")(g.unsqueeze(d + 1), (0, 0) * (3 - d) + (0, s - 1))
            g = g.flatten(d, d + 1).narrow(d, 0, (size - 1) * s + 1)
    return g


def _conv2d_input(a: Any, g: Tensor) -> Tensor:
    """The transposed convolution of ``g``: a convolution of ``g`` spread by the stride
    and padded by the dilated kernel, with the kernel flipped and its channels swapped
    per group; then the input's padding cut away."""
    shape, weight = a.input.shape, a.weight
    batched = len(shape) == 3
    g = g.unsqueeze(0) if batched else g
    o, cg, kh, kw = weight.shape
    groups, (ph, pw), (dh, dw) = a.groups, a.padding, a.dilation
    h, w = shape[-2:]
    spread = _spread(g, a.stride)
    # Rows and columns of the padded input after the last window's reach get zeros.
    extra_h = h + 2 * ph - (spread.shape[2] + dh * (kh - 1))
    extra_w = w + 2 * pw - (spread.shape[3] + dw * (kw - 1))
    spread = op("pad")(spread, (dw * (kw - 1), dw * (kw - 1) + extra_w,
                                dh * (kh - 1), dh * (kh - 1) + extra_h))
    flipped = (weight.reshape((groups, o // groups, cg, kh, kw)).transpose(1, 2)
               .reshape((groups * cg, o // groups, kh, kw)).flip((2, 3)))
    padded = op("conv2d")(spread, flipped, None, (1, 1), (0, 0), a.dilation, groups)
    grad = padded.narrow(2, ph, h).narrow(3, pw, w)
    return grad.squeeze(0) if batched else grad


def _conv2d_weight(a: Any, g: Tensor) -> Tensor:
    """Each output's gradient times the input window it came from, summed: one batched
    matmul over the groups, (G, O/G, N*OH*OW) @ (G, N*OH*OW, C/G*kH*kW)."""
    x = a.input.unsqueeze(0) if a.input.ndim == 3 else a.input
    g = g.unsqueeze(0) if g.ndim == 3 else g
    o, cg, kh, kw = a.weight.shape
    groups = a.groups
    n, _, oh, ow = g.shape
    padded = _pad2d(x, a.padding[0], a.padding[0], a.padding[1], a.padding[1], 0)
    cols = _windows(padded, groups, (oh, ow), (kh, kw), a.stride, a.dilation)
    cols = cols.permute((1, 0, 3, 4, 2, 5, 6)).reshape((groups, n * oh * ow, cg * kh * kw))
    rows = g.reshape((n, groups, o // groups, oh * ow)).permute((1, 2, 0, 3))
    rows = rows.reshape((groups, o // groups, n * oh * ow))
    return (rows @ cols).reshape((o, cg, kh, kw))


def _conv2d_bias(a: Any, g: Tensor) -> Tensor:
    return g.sum((1, 2) if g.ndim == 3 else (0, 2, 3))


_f("conv2d", ("input", "weight"), input=_conv2d_input, weight=_conv2d_weight,
   bias=_conv2d_bias)


# max_pool2d -------------------------------------------------------------------------


def _max_pool2d(a: Any, g: Tensor) -> Tensor:
    """The gradient of each window goes to its first maximum (PyTorch's choice on ties),
    added up where windows overlap."""
    x = a.input
    strides, out, extra = _pool_geometry("max_pool2d", x, a.kernel_size, a.stride, a.padding,
                                         a.dilation, a.ceil_mode)
    batched = x.ndim == 3
    x, g = (x.unsqueeze(0), g.unsqueeze(0)) if batched else (x, g)
    n, c, h, w = x.shape
    (kh, kw), (ph, pw), (dh, dw) = a.kernel_size, a.padding, a.dilation
    padded = _pad2d(x, ph, ph + extra[0], pw, pw + extra[1], -float("inf"))
    width = padded.shape[3]
    windows = _windows(padded, 1, out, (kh, kw), strides, a.dilation).squeeze(1)
    first = windows.reshape((n, c, *out, kh * kw)).argmax(-1)  # (N, C, OH, OW)
    rows = op("arange")(0, out[0], device=x.device).unsqueeze(1) * strides[0]
    cols = op("arange")(0, out[1], device=x.device) * strides[1]
    row = rows + op("div")(first, kw, rounding_mode="floor") * dh
    col = cols + op("remainder")(first, kw) * dw
    position = (row * width + col).reshape((n, c, -1))
    zeros = op("zeros")((n, c, padded.shape[2] * width), dtype=g.dtype, device=g.device)
    grad = op("scatter_add")(zeros, 2, position, g.reshape((n, c, -1)))
    grad = grad.reshape((n, c, padded.shape[2], width)).narrow(2, ph, h).narrow(3, pw, w)
    return grad.squeeze(0) if batched else grad


_f("max_pool2d", ("input",), input=_max_pool2d)


# embedding --------------------------------------------------------------------------


def _embedding(a: Any, g: Tensor) -> Tensor:
    """Each looked-up row's gradient added to its row, none to ``padding_idx``'s."""
    rows, dim = a.weight.shape
    index = a.input.reshape((-1,))
    values = g.reshape((-1, dim))
    if a.padding_idx is not None:
        padding = (index == a.padding_idx % rows).unsqueeze(-1)
        values = op("where")(padding, 0.0, values)
    zeros = op("zeros")((rows, dim), dtype=g.dtype, device=g.device)
    return op("index_put")(zeros, (index,), values, True)


_f("embedding", ("input",), weight=_embedding)


# scaled_dot_product_attention -------------------------------------------------------


def _attention(a: Any, g: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The gradients of query, key and value, from the recomputed probabilities P:
    dV = P^T g, dS = P * (dP - sum(dP * P)) with dP = g V^T, dQ = s dS K, dK = s dS^T Q;
    key and value heads shared by several query heads sum their gradients."""
    query, key, value = a.query, a.key, a.value
    group = _heads(query, key, a.enable_gqa)
    if key.shape[-2] == 0:  # no keys: the output is zeros whatever the inputs
        return (op("zeros_like")(query), op("zeros_like")(key), op("zeros_like")(value))
    q, k, p, scale = _attention_weights(query, key, a.attn_mask, a.is_causal, a.scale, group)
    v = _repeat_heads(_wide(value), group)
    g = _wide(g, query.dtype)
    dv = p.transpose(-2, -1) @ g
    dp = g @ v.transpose(-2, -1)
    ds = p * (dp - (dp * p).sum(-1, keepdim=True))
    dq = (ds @ k) * scale
    dk = (ds.transpose(-2, -1) @ q) * scale
    return dq, _shared_heads(dk, group), _shared_heads(dv, group)


def _shared_heads(grad: Tensor, group: int) -> Tensor:
    """(..., H * group, S, E) -> (..., H, S, E): the sum over the heads sharing one."""
    if group == 1:
        return grad
    shape = grad.shape
    return grad.reshape((*shape[:-3], shape[-3] // group, group, *shape[-2:])).sum(-3)


_f("scaled_dot_product_attention", ("query", "key", "value", "attn_mask"),
   when=lambda call: call["dropout_p"] == 0,  # dropout's mask is drawn once, in forward
   query=lambda a, g: a.once(_attention, g)[0], key=lambda a, g: a.once(_attention, g)[1],
   value=lambda a, g: a.once(_attention, g)[2])
