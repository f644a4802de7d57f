"""The functions of neural networks, as ``torch.nn.functional``, over the ``pb::`` operators.

Each function calls the operator of the same name (docs/opset.md), so it runs
on the backend of its tensors and is differentiable on every backend. Where
PyTorch's function does more than its operator, the difference is done here:
``batch_norm`` in training updates the running statistics it is given.

Example:
    >>> import plugboard as pb
    >>> import plugboard.nn.functional as F
    >>> F.relu(pb.tensor([-1., 2.])).tolist()
    [0.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import plugboard as pb

__all__ = [
    "linear", "conv2d", "max_pool2d", "avg_pool2d", "batch_norm", "layer_norm", "rms_norm",
    "embedding", "dropout", "relu", "gelu", "silu", "tanh", "sigmoid", "softmax",
    "log_softmax", "cross_entropy", "mse_loss", "scaled_dot_product_attention", "pad",
]

Tensor = pb.Tensor
IntPair = int | Sequence[int]


def _pair(value: IntPair, name: str) -> list[int]:
    if isinstance(value, int):
        return [value, value]
    pair = list(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise pb.ArgumentError(
            f"{name} must be an int or a pair of ints, got {value!r}. Fix: pass e.g. "
            f"{name}=3 or {name}=(3, 3)", op="nn.functional",
        )
    return pair


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.linear(pb.ones(1, 2), pb.ones(3, 2)).tolist()
        [[2.0, 2.0, 2.0]]
    """
    return pb.linear(input, weight, bias)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntPair = 1,
           padding: IntPair | str = 0, dilation: IntPair = 1, groups: int = 1) -> Tensor:
    """2-d convolution (cross-correlation, as PyTorch) of ``(N, C, H, W)`` input.

    ``padding`` is a size or ``'valid'`` / ``'same'``.

    Example:
        >>> import plugboard as pb
        >>> x, w = pb.ones(1, 1, 3, 3), pb.ones(1, 1, 2, 2)
        >>> pb.nn.functional.conv2d(x, w).shape
        (1, 1, 2, 2)
    """
    pads: list[int] | str = padding if isinstance(padding, str) else _pair(padding, "padding")
    out: Tensor = pb.conv2d(input, weight, bias, _pair(stride, "stride"), pads,
                            _pair(dilation, "dilation"), groups)
    return out


def max_pool2d(input: Tensor, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0, dilation: IntPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:
    """2-d max pooling; ``stride`` defaults to ``kernel_size``.

    Example:
        >>> import plugboard as pb
        >>> x = pb.arange(16.).reshape(1, 1, 4, 4)
        >>> pb.nn.functional.max_pool2d(x, 2).tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    if return_indices:
        raise pb.ArgumentError(
            "max_pool2d(return_indices=True) is not supported: the opset's max_pool2d "
            "returns values only. Fix: pass return_indices=False", op="nn.functional.max_pool2d",
        )
    return pb.max_pool2d(input, _pair(kernel_size, "kernel_size"),
                         None if stride is None else _pair(stride, "stride"),
                         _pair(padding, "padding"), _pair(dilation, "dilation"), ceil_mode)


def avg_pool2d(input: Tensor, kernel_size: IntPair, stride: IntPair | None = None,
               padding: IntPair = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """2-d average pooling; ``stride`` defaults to ``kernel_size``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.avg_pool2d(pb.ones(1, 1, 4, 4), 2).shape
        (1, 1, 2, 2)
    """
    return pb.avg_pool2d(input, _pair(kernel_size, "kernel_size"),
                         None if stride is None else _pair(stride, "stride"),
                         _pair(padding, "padding"), ceil_mode, count_include_pad,
                         divisor_override)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) of ``input``, as ``torch.nn.functional.batch_norm``.

    In training the batch's statistics normalise, and the running statistics,
    if given, are updated in place: ``running = (1 - momentum) * running +
    momentum * batch``, with the unbiased batch variance. In evaluation the
    running statistics normalise.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1.], [3.]])
        >>> mean, var = pb.zeros(1), pb.ones(1)
        >>> pb.nn.functional.batch_norm(x, mean, var, training=True, eps=0.0).tolist()
        [[-1.0], [1.0]]
        >>> mean.tolist(), var.tolist()
        ([0.20000000298023224], [1.100000023841858])
    """
    if not training:
        return pb.batch_norm(input, running_mean, running_var, weight, bias, False,
                             momentum, eps)
    out = pb.batch_norm(input, None, None, weight, bias, True, momentum, eps)
    if running_mean is not None or running_var is not None:
        dims = [d for d in range(input.ndim) if d != 1]
        with pb.no_grad():
            x = input.detach()
            if running_mean is not None:
                running_mean.lerp_(x.mean(dims).to(running_mean.dtype), momentum)
            if running_var is not None:
                running_var.lerp_(x.var(dims, correction=1).to(running_var.dtype), momentum)
    return out


def layer_norm(input: Tensor, normalized_shape: Sequence[int] | int,
               weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims, then scale and shift.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.layer_norm(pb.tensor([[1., 3.]]), [2], eps=0.0).tolist()
        [[-1.0, 1.0]]
    """
    shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
    return pb.layer_norm(input, shape, weight, bias, eps)


def rms_norm(input: Tensor, normalized_shape: Sequence[int] | int,
             weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """Divide by the root mean square over the trailing ``normalized_shape`` dims.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.rms_norm(pb.tensor([[3., 4.]]), [2], eps=0.0).shape
        (1, 2)
    """
    shape = [normalized_shape] if isinstance(normalized_shape, int) else list(normalized_shape)
    return pb.rms_norm(input, shape, weight, eps)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """The rows of ``weight`` at the indices ``input``; the ``padding_idx`` row gets no gradient.

    Example:
        >>> import plugboard as pb
        >>> w = pb.tensor([[0., 0.], [1., 2.]])
        >>> pb.nn.functional.embedding(pb.tensor([1, 0]), w).tolist()
        [[1.0, 2.0], [0.0, 0.0]]
    """
    return pb.embedding(input, weight, padding_idx)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False, *,
            generator: pb.Generator | None = None) -> Tensor:
    """Zero elements with probability ``p`` in training, scaling the rest by ``1 / (1 - p)``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.dropout(pb.ones(3), 0.5, training=False).tolist()
        [1.0, 1.0, 1.0]
    """
    out = pb.dropout(input, p, training, generator=generator)
    return input.copy_(out) if inplace else out


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)`` elementwise."""
    out = pb.relu(input)
    return input.copy_(out) if inplace else out


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """The Gaussian error linear unit; ``approximate='tanh'`` for its tanh form.

    Example:
        >>> import plugboard as pb
        >>> round(pb.nn.functional.gelu(pb.tensor([1.])).item(), 4)
        0.8413
    """
    return pb.gelu(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` elementwise."""
    out = pb.silu(input)
    return input.copy_(out) if inplace else out


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent elementwise."""
    return pb.tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))`` elementwise."""
    return pb.sigmoid(input)


def softmax(input: Tensor, dim: int, dtype: pb.DType | None = None) -> Tensor:
    """Softmax along ``dim``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.softmax(pb.tensor([0., 0.]), dim=0).tolist()
        [0.5, 0.5]
    """
    return pb.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int, dtype: pb.DType | None = None) -> Tensor:
    """The logarithm of softmax along ``dim``, computed stably."""
    return pb.log_softmax(input, dim, dtype)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits ``input`` (N, C, ...) and class indices or probabilities.

    Example:
        >>> import plugboard as pb
        >>> loss = pb.nn.functional.cross_entropy(pb.zeros(2, 4), pb.tensor([0, 3]))
        >>> round(loss.item(), 4)  # log(4)
        1.3863
    """
    return pb.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """The squared error, reduced by ``reduction`` ('mean', 'sum' or 'none').

    Example:
        >>> import plugboard as pb
        >>> pb.nn.functional.mse_loss(pb.tensor([1., 3.]), pb.tensor([0., 0.])).item()
        5.0
    """
    return pb.mse_loss(input, target, reduction)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(query @ key.mT * scale + attn_mask) @ value``; a bool mask marks kept places.

    Example:
        >>> import plugboard as pb
        >>> q = k = v = pb.ones(1, 2, 3, 4)
        >>> pb.nn.functional.scaled_dot_product_attention(q, k, v).shape
        (1, 2, 3, 4)
    """
    return pb.scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal,
                                           scale=scale, enable_gqa=enable_gqa)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Pad ``input`` by ``pad`` (last dim first, as PyTorch); constant mode only."""
    return pb.pad(input, list(pad), mode, value)
