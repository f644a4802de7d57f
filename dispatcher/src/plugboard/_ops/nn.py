"""The nn section of docs/opset.md: softmax's relatives, norms, conv2d, pooling, losses, attention.

Every operator here is a composite: a schema in PyTorch's syntax (argument
names and defaults of ``torch.nn.functional``), a meta function that checks
the inputs and computes the output before any device work, and one
decomposition into other ``pb::`` operators, so a backend with only the
primitives runs them all. Backends override the hot ones natively (the CPU
backend: softmax, log_softmax, layer_norm, conv2d, cross_entropy and
scaled_dot_product_attention).

float16 and bfloat16 inputs are computed in float32 by the decompositions and
rounded once at the end, as PyTorch's CPU kernels do.

Example:
    >>> import plugboard as pb
    >>> images = pb.ones(2, 3, 8, 8)
    >>> features = pb.conv2d(images, pb.ones(4, 3, 3, 3), padding=1)
    >>> pb.max_pool2d(features, 2).shape
    (2, 4, 4, 4)
    >>> round(pb.cross_entropy(pb.zeros(2, 4), pb.tensor([0, 3])).item(), 4)  # log 4
    1.3863
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from plugboard._core.dtype import DType, bfloat16, bool_, float16, float32, int32, int64, uint8
from plugboard._core.errors import ArgumentError, DTypeError, IndexingError, ShapeError
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import Tensor, wrap_dim
from plugboard._dispatch import dispatcher as _copy
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.random import Generator
from plugboard._dispatch.transfers import new_tensor, write_from_host
from plugboard._ops.meta import broadcast_shapes, common_device, require_dtype
from plugboard._ops.meta import op as _op
from plugboard._ops.meta import promote as _promote
from plugboard._ops.table import OpTable

# Every meta function here reads only the call signature: see the "pure_meta" tag.
lib = OpTable("nn", tags=("pure_meta",))

_COMPOSITE = "CompositeImplicit"
_REDUCED = (float16, bfloat16)


# Helpers ------------------------------------------------------------------------


def _opmath(dtype: DType) -> DType:
    """The dtype a decomposition computes in: float32 for float16 and bfloat16."""
    return float32 if dtype in _REDUCED else dtype


def _cast(x: Tensor, dtype: DType) -> Tensor:
    return x if x.dtype is dtype else _copy.cast(x, dtype)


def _require_floating(x: Tensor, what: str) -> None:
    require_dtype(x.dtype, "floating", f"{what} of a {x.dtype} tensor",
                  f"cast the input first, e.g. x.to(pb.float32).{what}(...)")


def _check_param(name: str, param: Tensor | None, input: Tensor,
                 shape: tuple[int, ...] | None) -> None:
    """A weight, bias or statistic: the input's dtype (or float32 for a float16/bfloat16
    input, as PyTorch's mixed-precision CPU kernels take) and, if given, ``shape``."""
    if param is None:
        return
    if param.dtype is not input.dtype and param.dtype is not _opmath(input.dtype):
        raise DTypeError(
            f"{name} is {param.dtype} but the input is {input.dtype}. Fix: cast it, e.g. "
            f"{name}.to(pb.{input.dtype})"
        )
    if shape is not None and param.shape != shape:
        raise ShapeError(
            f"{name} has shape {param.shape}, expected {shape}. Fix: pass a {name} of "
            f"shape {shape}"
        )


def _reduction_arg(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ArgumentError(
            f"{reduction!r} is not a valid value for reduction. Fix: use 'mean', 'sum' or "
            "'none'"
        )


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return _op("sum")(loss)
    return _op("mean")(loss)


def _pad2d(x: Tensor, top: int, bottom: int, left: int, right: int,
           value: bool | int | float) -> Tensor:
    """A new (N, C, H', W') tensor holding ``x`` with ``value`` around it."""
    if not (top or bottom or left or right):
        return x
    # pb::pad, not a write into a view, so autograd records it (pad has a formula).
    return _op("pad")(x, (left, right, top, bottom), "constant", value)


def _windows(x: Tensor, groups: int, out_hw: tuple[int, int], kernel: Sequence[int],
             stride: Sequence[int], dilation: Sequence[int]) -> Tensor:
    """The sliding windows of (N, C, H, W) ``x`` as a view (N, G, C/G, OH, OW, KH, KW).

    Metadata only: window (oh, ow) starts at row oh * stride and column ow * stride, and
    its element (i, j) is dilation * (i, j) further on, all through ``x``'s own strides.
    """
    n, c, _, _ = x.shape
    sn, sc, sh, sw = x.stride()
    size = (n, groups, c // groups, *out_hw, *kernel)
    strides = (sn, sc * (c // groups), sc, sh * stride[0], sw * stride[1],
               sh * dilation[0], sw * dilation[1])
    return _op("as_strided")(x, size, strides, x.storage_offset())


def _batched(x: Tensor) -> Tensor:
    """A 3-D (C, H, W) input as a batch of one."""
    return _op("unsqueeze")(x, 0) if x.ndim == 3 else x


def _unbatched(result: Tensor, input: Tensor) -> Tensor:
    return _op("squeeze")(result, 0) if input.ndim == 3 else result


def _check_image(input: Tensor, what: str) -> None:
    if input.ndim not in (3, 4):
        raise ShapeError(
            f"{what} expects a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape "
            f"{input.shape}. Fix: add a batch dimension with x.unsqueeze(0), or reshape"
        )


# softmax, log_softmax -----------------------------------------------------------


def _softmax_meta(name: str) -> Callable[[Tensor, int, DType | None], TensorSpec]:
    def meta(self: Tensor, dim: int, dtype: DType | None) -> TensorSpec:
        out_dtype = dtype or self.dtype
        require_dtype(out_dtype, "floating", f"{name} of a non-floating tensor",
                      "pass dtype=pb.float32 or cast the input")
        wrap_dim(dim, self.ndim)
        return TensorSpec(self.shape, out_dtype, self.device)

    return meta


def _softmax(self: Tensor, dim: int, dtype: DType | None) -> Tensor:
    out_dtype = dtype or self.dtype
    x = _cast(self, _opmath(out_dtype))
    if x.numel() == 0:
        return _cast(_copy.clone(x), out_dtype)
    shifted = _op("sub")(x, _op("amax")(x, dim, True))  # exp of <= 0 cannot overflow
    e = _op("exp")(shifted)
    return _cast(_op("div")(e, _op("sum")(e, dim, True)), out_dtype)


def _log_softmax(self: Tensor, dim: int, dtype: DType | None) -> Tensor:
    out_dtype = dtype or self.dtype
    x = _cast(self, _opmath(out_dtype))
    if x.numel() == 0:
        return _cast(_copy.clone(x), out_dtype)
    # log(sum(exp(x - max))) is at least 0 and cannot overflow, so large logits are exact.
    shifted = _op("sub")(x, _op("amax")(x, dim, True))
    lse = _op("log")(_op("sum")(_op("exp")(shifted), dim, True))
    return _cast(_op("sub")(shifted, lse), out_dtype)


for _name, _fn in (("softmax", _softmax), ("log_softmax", _log_softmax)):
    lib.define(f"{_name}(Tensor self, int dim, ScalarType? dtype=None) -> Tensor")
    lib.register_meta(_name, _softmax_meta(_name))
    lib.impl(_name, _COMPOSITE, _fn)


# layer_norm, rms_norm, batch_norm -------------------------------------------------


def _normalized_dims(input: Tensor, normalized_shape: Sequence[int]) -> list[int]:
    k = len(normalized_shape)
    if k == 0:
        raise ShapeError(
            "normalized_shape is empty. Fix: pass the trailing dims to normalize over, "
            "e.g. normalized_shape=x.shape[-1:]"
        )
    if input.ndim < k or input.shape[input.ndim - k:] != tuple(normalized_shape):
        raise ShapeError(
            f"normalized_shape={list(normalized_shape)} does not match the trailing dims of "
            f"an input of shape {input.shape} (expected [*, "
            f"{', '.join(map(str, normalized_shape))}]). Fix: pass input.shape[-k:]"
        )
    return list(range(-k, 0))


lib.define(
    "layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, "
    "float eps=1e-05) -> Tensor",
    promotes=("input",),
)


@lib.register_meta("layer_norm")
def _layer_norm_meta(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,
                     bias: Tensor | None, eps: float) -> TensorSpec:
    _require_floating(input, "layer_norm")
    _normalized_dims(input, normalized_shape)
    _check_param("weight", weight, input, tuple(normalized_shape))
    _check_param("bias", bias, input, tuple(normalized_shape))
    return TensorSpec(input.shape, input.dtype, common_device(input, weight, bias))


@lib.impl("layer_norm", _COMPOSITE)
def _layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,
                bias: Tensor | None, eps: float) -> Tensor:
    dims = _normalized_dims(input, normalized_shape)
    wide = _opmath(input.dtype)
    x = _cast(input, wide)
    centered = _op("sub")(x, _op("mean")(x, dims, True))
    var = _op("mean")(_op("mul")(centered, centered), dims, True)  # biased, as PyTorch
    y = _op("div")(centered, _op("sqrt")(_op("add")(var, eps)))
    if weight is not None:
        y = _op("mul")(y, _cast(weight, wide))
    if bias is not None:
        y = _op("add")(y, _cast(bias, wide))
    return _cast(y, input.dtype)


lib.define(
    "rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) "
    "-> Tensor",
    promotes=("input",),
)


@lib.register_meta("rms_norm")
def _rms_norm_meta(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,
                   eps: float | None) -> TensorSpec:
    _require_floating(input, "rms_norm")
    _normalized_dims(input, normalized_shape)
    if weight is not None:
        # A weight of any dtype, as in PyTorch: the result keeps the input's dtype.
        shape = tuple(normalized_shape)
        if weight.shape != shape:
            raise ShapeError(
                f"weight has shape {weight.shape}, expected {shape}. Fix: pass a weight of "
                f"shape {shape}"
            )
    return TensorSpec(input.shape, input.dtype, common_device(input, weight))


def _rms_eps(wide: DType, eps: float | None) -> float:
    """PyTorch's default epsilon: the computation type's (float32's for float16 inputs)."""
    return float(np.finfo(wide.numpy).eps) if eps is None else eps


@lib.impl("rms_norm", _COMPOSITE)
def _rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,
              eps: float | None) -> Tensor:
    dims = _normalized_dims(input, normalized_shape)
    wide = _opmath(input.dtype)
    eps = _rms_eps(wide, eps)
    x = _cast(input, wide)
    ms = _op("mean")(_op("mul")(x, x), dims, True)
    y = _op("div")(x, _op("sqrt")(_op("add")(ms, eps)))
    if weight is not None:
        # PyTorch 2.13 multiplies in the computation dtype promoted with the weight's,
        # then rounds once to the input's dtype.
        y = _op("mul")(y, weight)
    return _cast(y, input.dtype)


lib.define(
    "batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, "
    "Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor",
    promotes=("input",),
)


@lib.register_meta("batch_norm")
def _batch_norm_meta(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                     weight: Tensor | None, bias: Tensor | None, training: bool,
                     momentum: float, eps: float) -> TensorSpec:
    _require_floating(input, "batch_norm")
    if input.ndim < 2:
        raise ShapeError(
            f"batch_norm expects an input of shape (N, C, *), got {input.shape}. Fix: add a "
            "batch dimension with x.unsqueeze(0)"
        )
    channels = (input.shape[1],)
    for name, param in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        _check_param(name, param, input, channels)
    if training:
        if running_mean is not None or running_var is not None:
            raise ArgumentError(
                "batch_norm with training=True would update running_mean and running_var in "
                "place, which plugboard's functional batch_norm does not do. Fix: pass "
                "running_mean=None, running_var=None to normalize with the batch's "
                "statistics, or training=False to use the running ones"
            )
        if channels[0] and input.numel() // channels[0] <= 1:
            raise ShapeError(
                f"batch_norm in training needs more than 1 value per channel, got input of "
                f"shape {input.shape}. Fix: use a larger batch, or training=False"
            )
    elif running_mean is None or running_var is None:
        raise ArgumentError(
            "batch_norm with training=False needs running_mean and running_var. Fix: pass "
            "them, or training=True to use the batch's statistics"
        )
    return TensorSpec(input.shape, input.dtype,
                      common_device(input, running_mean, running_var, weight, bias))


@lib.impl("batch_norm", _COMPOSITE)
def _batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                weight: Tensor | None, bias: Tensor | None, training: bool, momentum: float,
                eps: float) -> Tensor:
    wide = _opmath(input.dtype)
    x = _cast(input, wide)
    per_channel = (1, input.shape[1], *([1] * (input.ndim - 2)))

    def channel(t: Tensor) -> Tensor:
        return _op("reshape")(_cast(t, wide), per_channel)

    # momentum only weighs the update of running statistics, which this form never makes.
    if training:
        dims = [d for d in range(input.ndim) if d != 1]
        mean = _op("mean")(x, dims, True)
        centered = _op("sub")(x, mean)
        var = _op("mean")(_op("mul")(centered, centered), dims, True)  # biased, as PyTorch
    else:
        assert running_mean is not None and running_var is not None
        centered = _op("sub")(x, channel(running_mean))
        var = channel(running_var)
    y = _op("div")(centered, _op("sqrt")(_op("add")(var, eps)))
    if weight is not None:
        y = _op("mul")(y, channel(weight))
    if bias is not None:
        y = _op("add")(y, channel(bias))
    return _cast(y, input.dtype)


# embedding, dropout ---------------------------------------------------------------


lib.define("embedding(Tensor input, Tensor weight, int? padding_idx=None) -> Tensor",
           promotes=())


@lib.register_meta("embedding")
def _embedding_meta(input: Tensor, weight: Tensor, padding_idx: int | None) -> TensorSpec:
    if input.dtype not in (int64, int32):
        raise DTypeError(
            f"embedding's indices must be int64 or int32, got {input.dtype}. Fix: cast them, "
            "e.g. indices.to(pb.int64)"
        )
    if weight.ndim != 2:
        raise ShapeError(
            f"embedding's weight must be 2-D (num_embeddings, embedding_dim), got shape "
            f"{weight.shape}. Fix: pass a 2-D weight"
        )
    rows = weight.shape[0]
    if padding_idx is not None and not -rows <= padding_idx < rows:
        raise ArgumentError(
            f"padding_idx={padding_idx} is outside the {rows} embeddings. Fix: pass an index "
            f"in [-{rows}, {rows})"
        )
    return TensorSpec((*input.shape, weight.shape[1]), weight.dtype,
                      common_device(input, weight))


@lib.impl("embedding", _COMPOSITE)
def _embedding(input: Tensor, weight: Tensor, padding_idx: int | None) -> Tensor:
    # padding_idx only changes gradients (its row gets none: the formula in
    # _autograd/formulas_nn.py); the forward pass looks every index up.
    rows = _op("index_select")(weight, 0, _op("reshape")(input, (-1,)))
    return _op("reshape")(rows, (*input.shape, weight.shape[1]))


lib.define(
    "dropout(Tensor input, float p=0.5, bool train=True, *, Generator? generator=None) -> Tensor"
)


@lib.register_meta("dropout")
def _dropout_meta(input: Tensor, p: float, train: bool,
                  generator: Generator | None) -> TensorSpec:
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(
            f"dropout probability has to be between 0 and 1, but got {p}. Fix: pass p in "
            "[0, 1]"
        )
    if train and 0.0 < p < 1.0:
        require_dtype(input.dtype, "floating", "dropout with 0 < p < 1 in training",
                      "cast the input to a floating dtype first")
    return TensorSpec(input.shape, input.dtype, input.device)


@lib.impl("dropout", _COMPOSITE)
def _dropout(input: Tensor, p: float, train: bool, generator: Generator | None) -> Tensor:
    if not train or p == 0.0 or input.numel() == 0:
        return _copy.clone(input)
    if p == 1.0:
        return _op("mul")(input, 0)  # NaN * 0 stays NaN
    # Each element is kept with probability 1 - p and scaled by 1 / (1 - p).
    noise = _op("rand")(input.shape, generator=generator, dtype=_opmath(input.dtype),
                        device=input.device)
    keep = _op("lt")(noise, 1.0 - p)
    scale = _cast(_op("where")(keep, 1.0 / (1.0 - p), 0.0), input.dtype)
    return _op("mul")(input, scale)


# conv2d ---------------------------------------------------------------------------


def _conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_conv_args(input: Tensor, weight: Tensor, bias: Tensor | None,
                     stride: Sequence[int], dilation: Sequence[int], groups: int) -> None:
    _check_image(input, "conv2d")
    require_dtype(input.dtype, "numeric", "conv2d of a bool tensor", "cast to a numeric dtype")
    if weight.ndim != 4:
        raise ShapeError(
            f"conv2d's weight must be 4-D (out_channels, in_channels / groups, kH, kW), got "
            f"shape {weight.shape}. Fix: pass a 4-D weight"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype is not input.dtype:
            raise DTypeError(
                f"conv2d's input is {input.dtype} but its {name} is {t.dtype}. Fix: cast "
                f"them to one dtype, e.g. {name}.to(pb.{input.dtype})"
            )
    if groups <= 0:
        raise ArgumentError(
            f"groups must be a positive integer, got {groups}. Fix: pass groups >= 1"
        )
    if any(s <= 0 for s in stride):
        raise ArgumentError(
            f"conv2d's stride must be positive, got {tuple(stride)}. Fix: pass strides >= 1"
        )
    if any(d <= 0 for d in dilation):
        raise ArgumentError(
            f"conv2d's dilation must be positive, got {tuple(dilation)}. Fix: pass "
            "dilations >= 1"
        )
    out_channels, group_channels = weight.shape[0], weight.shape[1]
    if out_channels % groups:
        raise ShapeError(
            f"groups={groups} must divide the weight's out_channels, but the weight has shape "
            f"{weight.shape}. Fix: use a multiple of {groups} output channels"
        )
    channels = input.shape[-3]
    if channels != group_channels * groups:
        raise ShapeError(
            f"conv2d with groups={groups} and weight of shape {weight.shape} expects "
            f"{group_channels * groups} input channels, but the input {input.shape} has "
            f"{channels}. Fix: make in_channels = weight.shape[1] * groups"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise ShapeError(
            f"conv2d's bias must have shape ({out_channels},), one per output channel, got "
            f"{bias.shape}. Fix: pass a bias of shape ({out_channels},), or None"
        )


def _conv_spec(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],
               padding: Sequence[int], dilation: Sequence[int]) -> TensorSpec:
    if any(p < 0 for p in padding):
        raise ArgumentError(
            f"conv2d's padding must be >= 0, got {tuple(padding)}. Fix: pass padding >= 0"
        )
    h, w = input.shape[-2:]
    kh, kw = weight.shape[2:]
    out_hw = tuple(_conv_out(size, k, s, p, d) for size, k, s, p, d in
                   zip((h, w), (kh, kw), stride, padding, dilation, strict=True))
    if min(out_hw) <= 0:
        padded = (h + 2 * padding[0], w + 2 * padding[1])
        effective = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
        raise ShapeError(
            f"conv2d's padded input is {padded[0]} x {padded[1]} per channel, smaller than "
            f"the (dilated) kernel {effective[0]} x {effective[1]}. Fix: pad the input or "
            "use a smaller kernel"
        )
    shape = (*input.shape[:-3], weight.shape[0], *out_hw)
    return TensorSpec(shape, input.dtype, common_device(input, weight, bias))


_CONV_ARGS = ("Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, {padding}, "
              "int[2] dilation=1, int groups=1")
lib.define(f"conv2d({_CONV_ARGS.format(padding='int[2] padding=0')}) -> Tensor")


@lib.register_meta("conv2d")
def _conv2d_meta(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],
                 padding: Sequence[int], dilation: Sequence[int], groups: int) -> TensorSpec:
    _check_conv_args(input, weight, bias, stride, dilation, groups)
    return _conv_spec(input, weight, bias, stride, padding, dilation)


@lib.impl("conv2d", _COMPOSITE)
def _conv2d(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],
            padding: Sequence[int], dilation: Sequence[int], groups: int) -> Tensor:
    # im2col as a view (the windows of the zero-padded input), then one batched matmul
    # over the groups: (N, G, OH*OW, C/G*kH*kW) @ (G, C/G*kH*kW, O/G).
    out = _conv_spec(input, weight, bias, stride, padding, dilation).shape
    oh, ow = out[-2:]
    x = _pad2d(_batched(input), padding[0], padding[0], padding[1], padding[1], 0)
    n = x.shape[0]
    o, cg, kh, kw = weight.shape
    cols = _windows(x, groups, (oh, ow), (kh, kw), stride, dilation)
    cols = _op("reshape")(_op("permute")(cols, (0, 1, 3, 4, 2, 5, 6)),
                          (n, groups, oh * ow, cg * kh * kw))
    w = _op("transpose")(_op("reshape")(weight, (groups, o // groups, cg * kh * kw)), 1, 2)
    # With a bias, float16 and bfloat16 sum it into the float32 products before the one
    # rounding, as PyTorch's kernels do; matmul alone accumulates in float32 already.
    wide = _opmath(input.dtype) if bias is not None else input.dtype
    y = _op("matmul")(_cast(cols, wide), _cast(w, wide))  # (N, G, OH*OW, O/G)
    y = _op("reshape")(_op("transpose")(y, 2, 3), (n, o, oh, ow))
    if bias is not None:
        y = _cast(_op("add")(y, _op("reshape")(_cast(bias, wide), (o, 1, 1))), input.dtype)
    return _unbatched(y, input)


def _same_padding(weight: Tensor, dilation: Sequence[int]) -> list[tuple[int, int]]:
    """PyTorch's padding='same': the total d * (k - 1), the odd one out after the input."""
    pads = []
    for k, d in zip(weight.shape[2:], dilation, strict=True):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return pads


_STR_PADDING = "str padding='valid'"
lib.define(f"conv2d_padding({_CONV_ARGS.format(padding=_STR_PADDING)}) -> Tensor")


@lib.register_meta("conv2d_padding")
def _conv2d_padding_meta(input: Tensor, weight: Tensor, bias: Tensor | None,
                         stride: Sequence[int], padding: str, dilation: Sequence[int],
                         groups: int) -> TensorSpec:
    _check_conv_args(input, weight, bias, stride, dilation, groups)
    if padding == "valid":
        return _conv_spec(input, weight, bias, stride, (0, 0), dilation)
    if padding != "same":
        raise ArgumentError(
            f"padding={padding!r} is not 'valid' or 'same'. Fix: pass one of them, or ints"
        )
    if any(s != 1 for s in stride):
        raise ArgumentError(
            "padding='same' is not supported for strided convolutions. Fix: use stride=1, or "
            "explicit padding"
        )
    shape = (*input.shape[:-3], weight.shape[0], *input.shape[-2:])
    return TensorSpec(shape, input.dtype, common_device(input, weight, bias))


@lib.impl("conv2d_padding", _COMPOSITE)
def _conv2d_padding(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Sequence[int],
                    padding: str, dilation: Sequence[int], groups: int) -> Tensor:
    conv2d = _op("conv2d")
    if padding == "valid":
        return conv2d(input, weight, bias, stride, 0, dilation, groups)
    (top, bottom), (left, right) = _same_padding(weight, dilation)
    if (top, left) == (bottom, right):
        return conv2d(input, weight, bias, stride, (top, left), dilation,
                      groups)
    # An even (dilated) kernel: pad the extra row and column after the input, as PyTorch.
    x = _pad2d(_batched(input), 0, bottom - top, 0, right - left, 0)
    return _unbatched(conv2d(x, weight, bias, stride, (top, left), dilation, groups), input)


# max_pool2d, avg_pool2d -----------------------------------------------------------


def _pool_out(size: int, kernel: int, stride: int, padding: int, dilation: int,
              ceil_mode: bool) -> int:
    """PyTorch's pooling output size: with ceil_mode, a last partial window counts if it
    starts inside the input or its left padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _pool_geometry(name: str, input: Tensor, kernel_size: Sequence[int],
                   stride: Sequence[int] | None, padding: Sequence[int],
                   dilation: Sequence[int], ceil_mode: bool
                   ) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Checks a pooling's arguments; returns (stride, output (OH, OW), extra bottom/right
    padding so that every window lies inside the padded input)."""
    _check_image(input, name)
    if any(s == 0 for s in input.shape[-3:]):
        raise ShapeError(
            f"{name} needs non-empty channel and spatial dims (a batch of 0 is fine), got "
            f"input of shape {input.shape}. Fix: pass an input with channels, height and width"
        )
    strides = tuple(stride) if stride else tuple(kernel_size)
    for label, values in (("kernel_size", kernel_size), ("stride", strides),
                          ("dilation", dilation)):
        if any(v <= 0 for v in values):
            raise ArgumentError(
                f"{name}'s {label} must be positive, got {tuple(values)}. Fix: pass values >= 1"
            )
    for p, k, d in zip(padding, kernel_size, dilation, strict=True):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise ArgumentError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}. Fix: use 0 <= padding <= kernel_size // 2"
            )
    h, w = input.shape[-2:]
    out = tuple(_pool_out(size, k, s, p, d, ceil_mode) for size, k, s, p, d in
                zip((h, w), kernel_size, strides, padding, dilation, strict=True))
    if min(out) <= 0:
        c = input.shape[-3]
        raise ShapeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: "
            f"({c}x{out[0]}x{out[1]}). Output size is too small. Fix: use a smaller "
            "kernel_size or more padding"
        )
    extra = tuple(max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p)) for o, s, d, k, size, p
                  in zip(out, strides, dilation, kernel_size, (h, w), padding, strict=True))
    return (strides[0], strides[1]), (out[0], out[1]), (extra[0], extra[1])


lib.define(
    "max_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, "
    "int[2] dilation=1, bool ceil_mode=False) -> Tensor"
)


@lib.register_meta("max_pool2d")
def _max_pool2d_meta(input: Tensor, kernel_size: Sequence[int], stride: Sequence[int] | None,
                     padding: Sequence[int], dilation: Sequence[int],
                     ceil_mode: bool) -> TensorSpec:
    require_dtype(input.dtype, "numeric", "max_pool2d of a bool tensor",
                  "cast to a numeric dtype, e.g. x.to(pb.uint8)")
    _, out, _ = _pool_geometry("max_pool2d", input, kernel_size, stride, padding, dilation,
                               ceil_mode)
    return TensorSpec((*input.shape[:-2], *out), input.dtype, input.device)


@lib.impl("max_pool2d", _COMPOSITE)
def _max_pool2d(input: Tensor, kernel_size: Sequence[int], stride: Sequence[int] | None,
                padding: Sequence[int], dilation: Sequence[int], ceil_mode: bool) -> Tensor:
    strides, out, extra = _pool_geometry("max_pool2d", input, kernel_size, stride, padding,
                                         dilation, ceil_mode)
    dtype = input.dtype
    lowest = -math.inf if dtype.is_floating_point else dtype.min  # never the maximum
    ph, pw = padding
    x = _pad2d(_batched(input), ph, ph + extra[0], pw, pw + extra[1], lowest)
    windows = _windows(x, 1, out, kernel_size, strides, dilation)
    y = _op("amax")(_op("squeeze")(windows, 1), [-2, -1])
    return _unbatched(y, input)


lib.define(
    "avg_pool2d(Tensor input, int[2] kernel_size, int[2]? stride=None, int[2] padding=0, "
    "bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor"
)


@lib.register_meta("avg_pool2d")
def _avg_pool2d_meta(input: Tensor, kernel_size: Sequence[int], stride: Sequence[int] | None,
                     padding: Sequence[int], ceil_mode: bool, count_include_pad: bool,
                     divisor_override: int | None) -> TensorSpec:
    if not (input.dtype.is_floating_point or input.dtype is int64):
        raise DTypeError(
            f"avg_pool2d supports floating dtypes and int64, not {input.dtype} (as PyTorch). "
            "Fix: cast the input, e.g. x.to(pb.float32)"
        )
    if divisor_override is not None and divisor_override == 0:
        raise ArgumentError("divisor must be not zero. Fix: pass divisor_override=None or > 0")
    _, out, _ = _pool_geometry("avg_pool2d", input, kernel_size, stride, padding, (1, 1),
                               ceil_mode)
    return TensorSpec((*input.shape[:-2], *out), input.dtype, input.device)


def _avg_divisors(size: int, out: int, kernel: int, stride: int, padding: int,
                  count_include_pad: bool) -> list[int]:
    """PyTorch's divisor per output position along one dim: the window clipped to the
    padded input, or to the input itself without count_include_pad."""
    counts = []
    for i in range(out):
        start = i * stride - padding
        end = min(start + kernel, size + padding)
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(min(end, size) - max(start, 0))
    return counts


@lib.impl("avg_pool2d", _COMPOSITE)
def _avg_pool2d(input: Tensor, kernel_size: Sequence[int], stride: Sequence[int] | None,
                padding: Sequence[int], ceil_mode: bool, count_include_pad: bool,
                divisor_override: int | None) -> Tensor:
    strides, out, extra = _pool_geometry("avg_pool2d", input, kernel_size, stride, padding,
                                         (1, 1), ceil_mode)
    dtype = input.dtype
    wide = _opmath(dtype)
    ph, pw = padding
    x = _pad2d(_batched(_cast(input, wide)), ph, ph + extra[0], pw, pw + extra[1], 0)
    windows = _op("squeeze")(_windows(x, 1, out, kernel_size, strides, (1, 1)), 1)
    sums = _op("sum")(windows, [-2, -1], dtype=wide)
    divisor: Any
    if divisor_override is not None:
        divisor = divisor_override
    else:
        rows, cols = (
            _avg_divisors(size, o, k, s, p, count_include_pad) for size, o, k, s, p in
            zip(input.shape[-2:], out, kernel_size, strides, padding, strict=True)
        )
        if len(set(rows)) == 1 and len(set(cols)) == 1:
            divisor = rows[0] * cols[0]
        else:
            divisors = np.array([[r * c for c in cols] for r in rows], dtype=wide.numpy)
            divisor = new_tensor(divisors.shape, wide, input.device)
            write_from_host(divisors, divisor)
    rounding = None if dtype.is_floating_point else "trunc"  # int64: C's division, as PyTorch
    y = _op("div")(sums, divisor, rounding_mode=rounding)
    return _unbatched(_cast(y, dtype), input)


# Losses ---------------------------------------------------------------------------


lib.define(
    "cross_entropy(Tensor input, Tensor target, Tensor? weight=None, int ignore_index=-100, "
    "str reduction='mean', float label_smoothing=0.0) -> Tensor",
    promotes=("input", "weight"),
)


def _class_dim(input: Tensor) -> int:
    return 0 if input.ndim == 1 else 1


def _probability_target(input: Tensor, target: Tensor) -> bool:
    # As PyTorch: a target of the input's shape holds class probabilities.
    return target.shape == input.shape


@lib.register_meta("cross_entropy")
def _cross_entropy_meta(input: Tensor, target: Tensor, weight: Tensor | None,
                        ignore_index: int, reduction: str, label_smoothing: float) -> TensorSpec:
    _reduction_arg(reduction)
    if input.ndim == 0:
        raise ShapeError(
            "cross_entropy's input must hold logits of shape (C,), (N, C) or (N, C, d...), "
            "got a 0-d tensor. Fix: pass at least one class dimension"
        )
    _require_floating(input, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ArgumentError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}. Fix: pass "
            "a value in [0, 1]"
        )
    c = input.shape[_class_dim(input)]
    if weight is not None and (weight.dtype is not input.dtype or weight.shape != (c,)):
        raise DTypeError(
            f"cross_entropy's weight must be a ({c},) tensor of the input's dtype "
            f"{input.dtype}, got {weight.dtype}{list(weight.shape)}. Fix: one weight per "
            f"class, e.g. weight.to(pb.{input.dtype})"
        )
    if _probability_target(input, target):
        if not target.dtype.is_floating_point:
            raise DTypeError(
                f"a target of the input's shape holds class probabilities and must be "
                f"floating, got {target.dtype}. Fix: pass class indices of shape "
                f"{input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()}, or "
                "probabilities as floats"
            )
        if target.dtype is not input.dtype:
            raise DTypeError(
                f"cross_entropy's probabilities are {target.dtype} but its input is "
                f"{input.dtype}. Fix: cast one, e.g. target.to(pb.{input.dtype})"
            )
        if ignore_index >= 0:
            raise ArgumentError(
                "ignore_index is not supported for floating point target (class "
                "probabilities). Fix: leave ignore_index at its default"
            )
        shape = target.shape[:1] + target.shape[2:] if input.ndim > 1 else ()
    else:
        if target.dtype not in (int64, uint8):
            raise DTypeError(
                f"expected target dtype to be Long or Byte (class indices, pb.int64 or "
                f"pb.uint8), but got {target.dtype}. Fix: cast it, e.g. target.to(pb.int64), "
                "or pass probabilities of the input's shape"
            )
        shape = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
        if target.shape != shape:
            raise ShapeError(
                f"cross_entropy's target has shape {target.shape}, but logits of shape "
                f"{input.shape} need class indices of shape {shape} (or probabilities of "
                f"shape {input.shape}). Fix: pass a target of one of those shapes"
            )
    out_shape = shape if reduction == "none" else ()
    return TensorSpec(out_shape, input.dtype, common_device(input, target, weight))


def _class_view(t: Tensor, input: Tensor) -> Tensor:
    """A (C,) tensor shaped to broadcast along the class dim of ``input``."""
    shape = [1] * input.ndim
    shape[_class_dim(input)] = t.shape[0]
    return _op("reshape")(t, shape)


def _check_targets(target: Tensor, classes: int, ignore_index: int) -> None:
    """Class indices outside [0, C) (other than ignore_index) are an error, as in PyTorch."""
    if target.numel() == 0:
        return
    outside = _op("bitwise_or")(_op("lt")(target, 0), _op("ge")(target, classes))
    bad = _op("bitwise_and")(outside, _op("ne")(target, ignore_index))
    if _op("amax")(bad).item():
        raise IndexingError(
            f"a target class index is out of bounds: the input has {classes} classes. Fix: "
            f"targets must lie in [0, {classes}), or equal ignore_index={ignore_index}"
        )


@lib.impl("cross_entropy", _COMPOSITE)
def _cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                   reduction: str, label_smoothing: float) -> Tensor:
    dim = _class_dim(input)
    c = input.shape[dim]
    wide = _opmath(input.dtype)
    logp = _op("log_softmax")(_cast(input, wide), dim)
    w = _class_view(_cast(weight, wide), input) if weight is not None else None
    if _probability_target(input, target):
        p = _cast(target, wide)
        if label_smoothing > 0:
            p = _op("add")(_op("mul")(p, 1.0 - label_smoothing), label_smoothing / c)
        terms = _op("mul")(logp, p)
        if w is not None:
            terms = _op("mul")(terms, w)
        if reduction == "none":
            loss = _op("neg")(_op("sum")(terms, dim))
        else:
            loss = _op("neg")(_op("sum")(terms))
            if reduction == "mean":
                loss = _op("div")(loss, input.numel() // c if input.numel() else 0.0)
        return _cast(loss, input.dtype)

    target = _cast(target, int64)
    _check_targets(target, c, ignore_index)
    # The target's class as a one-hot mask along the class dim (no gather needed).
    classes = _op("arange")(0, c, device=input.device)
    onehot = _op("eq")(_op("unsqueeze")(target, dim), _class_view(classes, input))
    valid = _op("ne")(target, ignore_index)
    picked = _op("sum")(_op("where")(onehot, logp, 0.0), dim)  # log p[target]
    if w is not None:
        weights = _op("sum")(_op("where")(onehot, w, 0.0), dim)  # weight[target]
        weights = _op("where")(valid, weights, 0.0)
    else:
        weights = _cast(valid, wide)
    nll = _op("neg")(_op("mul")(picked, weights))
    total = _op("sum")(weights)
    loss = nll if reduction == "none" else _op("sum")(nll)
    if reduction == "mean":
        loss = _op("div")(loss, total)
    if label_smoothing > 0:
        smooth = _op("neg")(_op("sum")(_op("mul")(logp, w) if w is not None else logp, dim))
        smooth = _op("where")(valid, smooth, 0.0)
        if reduction != "none":
            smooth = _op("sum")(smooth)
        if reduction == "mean":
            smooth = _op("div")(smooth, total)
        loss = _op("add")(_op("mul")(loss, 1.0 - label_smoothing),
                          _op("mul")(smooth, label_smoothing / c))
    return _cast(loss, input.dtype)


lib.define("mse_loss(Tensor input, Tensor target, str reduction='mean') -> Tensor")


@lib.register_meta("mse_loss")
def _mse_loss_meta(input: Tensor, target: Tensor, reduction: str) -> TensorSpec:
    _reduction_arg(reduction)
    dtype = _promote(input, target)
    require_dtype(dtype, "floating", "mse_loss of non-floating tensors",
                  "cast the input and target to a floating dtype")
    shape = broadcast_shapes(input.shape, target.shape)
    if input.shape != target.shape:
        warnings.warn(
            f"mse_loss: the target's shape {target.shape} differs from the input's "
            f"{input.shape}; they broadcast to {shape}, which is likely not intended",
            UserWarning, stacklevel=5,  # the caller of pb.mse_loss
        )
    return TensorSpec(shape if reduction == "none" else (), dtype,
                      common_device(input, target))


@lib.impl("mse_loss", _COMPOSITE)
def _mse_loss(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    # As PyTorch: the squares in the inputs' dtype, then their sum or mean, which
    # accumulates float16 and bfloat16 in float32.
    diff = _op("sub")(input, target)
    return _reduce(_op("mul")(diff, diff), reduction)


# scaled_dot_product_attention -----------------------------------------------------


lib.define(
    "scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, "
    "Tensor? attn_mask=None, float dropout_p=0.0, bool is_causal=False, *, "
    "float? scale=None, bool enable_gqa=False) -> Tensor",
    promotes=("query", "key", "value"),
)


def _heads(q: Tensor, k: Tensor, enable_gqa: bool) -> int:
    """How many query heads share one key/value head (1 without grouped-query attention)."""
    if not enable_gqa or q.ndim < 3 or k.ndim < 3:
        return 1
    hq, hk = q.shape[-3], k.shape[-3]
    if hk == 0 or hq % hk:
        raise ShapeError(
            f"enable_gqa=True needs the query's heads ({hq}) to be a multiple of the key's "
            f"and value's ({hk}). Fix: use a number of query heads divisible by {hk}"
        )
    return hq // hk


@lib.register_meta("scaled_dot_product_attention")
def _sdpa_meta(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
               dropout_p: float, is_causal: bool, scale: float | None,
               enable_gqa: bool) -> TensorSpec:
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise ShapeError(
            f"query, key and value need at least 2 dims (..., L, E), got shapes "
            f"{query.shape}, {key.shape} and {value.shape}. Fix: add the sequence "
            "dimension, e.g. with unsqueeze(-2)"
        )
    if not (query.dtype is key.dtype is value.dtype):
        raise DTypeError(
            f"query, key and value must have one dtype, got {query.dtype}, {key.dtype} and "
            f"{value.dtype}. Fix: cast them, e.g. key.to(pb.{query.dtype})"
        )
    _require_floating(query, "scaled_dot_product_attention")
    if not 0.0 <= dropout_p <= 1.0:
        raise ArgumentError(
            f"dropout_p must be in [0, 1], got {dropout_p}. Fix: pass a probability"
        )
    if key.shape[-1] != query.shape[-1] or value.shape[-2] != key.shape[-2]:
        raise ShapeError(
            f"attention needs query (..., L, E), key (..., S, E) and value (..., S, Ev), got "
            f"{query.shape}, {key.shape} and {value.shape}. Fix: give query and key one E, "
            "and key and value one S"
        )
    group = _heads(query, key, enable_gqa)
    kv_batch = key.shape[:-2]
    if group > 1:
        kv_batch = (*kv_batch[:-1], kv_batch[-1] * group)
    batch = broadcast_shapes(query.shape[:-2], kv_batch, value.shape[:-2] if group == 1 else
                             (*value.shape[:-3], value.shape[-3] * group))
    length, source = query.shape[-2], key.shape[-2]
    if attn_mask is not None:
        if attn_mask.dtype is not bool_ and attn_mask.dtype is not query.dtype:
            raise DTypeError(
                f"attn_mask must be bool or the query's dtype {query.dtype}, got "
                f"{attn_mask.dtype}. Fix: attn_mask.to(pb.{query.dtype}) or a bool mask"
            )
        weights = (*batch, length, source)
        if broadcast_shapes(attn_mask.shape, weights) != weights:
            raise ShapeError(
                f"attn_mask of shape {attn_mask.shape} does not broadcast to the attention "
                f"weights' shape {weights}. Fix: give the mask the weights' shape, or 1 "
                "where it repeats"
            )
    return TensorSpec((*batch, length, value.shape[-1]), query.dtype,
                      common_device(query, key, value, attn_mask))


def _repeat_heads(t: Tensor, group: int) -> Tensor:
    """(..., H, S, E) -> (..., H * group, S, E), each head repeated ``group`` times in a row."""
    if group == 1:
        return t
    shape = t.shape
    expanded = _op("expand")(_op("unsqueeze")(t, -3), (*shape[:-2], group, *shape[-2:]))
    return _op("reshape")(expanded, (*shape[:-3], shape[-3] * group, *shape[-2:]))


def _attention_weights(query: Tensor, key: Tensor, attn_mask: Tensor | None,
                       is_causal: bool, scale: float | None, group: int
                       ) -> tuple[Tensor, Tensor, Tensor, float]:
    """Attention's probabilities (..., L, S), in the computation dtype, with the query and
    the (repeated) keys they came from and the scale: the forward pass and its formula's
    backward (which recomputes them rather than keeping them) share this."""
    wide = _opmath(query.dtype)
    q = _cast(query, wide)
    k = _repeat_heads(_cast(key, wide), group)
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = _op("mul")(_op("matmul")(q, _op("transpose")(k, -2, -1)), factor)
    allowed = None
    if is_causal:
        # Query i sees keys 0..i (the mask aligned at the top left, as PyTorch).
        rows = _op("unsqueeze")(_op("arange")(0, q.shape[-2], device=q.device), 1)
        allowed = _op("ge")(rows, _op("arange")(0, k.shape[-2], device=q.device))
    if attn_mask is not None and attn_mask.dtype is bool_:
        allowed = attn_mask if allowed is None else _op("bitwise_and")(allowed, attn_mask)
    elif attn_mask is not None:
        scores = _op("add")(scores, _cast(attn_mask, wide))
    if allowed is not None:
        scores = _op("where")(allowed, scores, -math.inf)
    weights = _op("softmax")(scores, -1)
    # A query that may see no key attends to nothing (zeros), as PyTorch's safe softmax.
    if allowed is not None or (attn_mask is not None and attn_mask.dtype is not bool_):
        blocked = _op("eq")(_op("amax")(scores, -1, True), -math.inf)
        weights = _op("where")(blocked, 0.0, weights)
    return q, k, weights, factor


@lib.impl("scaled_dot_product_attention", _COMPOSITE)
def _sdpa(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
          dropout_p: float, is_causal: bool, scale: float | None, enable_gqa: bool) -> Tensor:
    group = _heads(query, key, enable_gqa)
    if key.shape[-2] == 0:  # no keys: every query attends to nothing
        shape = _sdpa_meta(query, key, value, attn_mask, dropout_p, is_causal, scale,
                           enable_gqa).shape
        return _op("zeros")(shape, dtype=query.dtype, device=query.device)
    _, _, weights, _ = _attention_weights(query, key, attn_mask, is_causal, scale, group)
    v = _repeat_heads(_cast(value, weights.dtype), group)
    if dropout_p > 0:
        weights = _op("dropout")(weights, dropout_p, True)
    return _cast(_op("matmul")(weights, v), query.dtype)


# The Python front end -------------------------------------------------------------------


@signature_checked("pb::conv2d")
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1, *, out: Any = None) -> Any:
    """``torch.nn.functional.conv2d``: ``padding`` is ints, or ``'valid'`` / ``'same'``.

    Example:
        >>> import plugboard as pb
        >>> pb.conv2d(pb.ones(1, 2, 5, 5), pb.ones(3, 2, 3, 3), padding="same").shape
        (1, 3, 5, 5)
    """
    name = "conv2d_padding" if isinstance(padding, str) else "conv2d"
    return _op(name)(input, weight, bias, stride, padding, dilation, groups, out=out)
