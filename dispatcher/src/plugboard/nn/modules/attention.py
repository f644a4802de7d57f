"""``MultiheadAttention``, over ``scaled_dot_product_attention``.

Example:
    >>> import plugboard as pb
    >>> mha = pb.nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = pb.randn(3, 5, 8)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    ((3, 5, 8), (3, 5, 5))
"""

from __future__ import annotations

import math
from typing import Any

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.init import xavier_uniform_, zeros_
from plugboard.nn.modules.linear import Linear
from plugboard.nn.modules.module import Module
from plugboard.nn.parameter import Parameter

__all__ = ["MultiheadAttention"]


def _additive(mask: pb.Tensor, dtype: pb.DType) -> pb.Tensor:
    """PyTorch's MultiheadAttention masks: True (bool) hides a place; floats are added."""
    if mask.dtype == pb.bool:
        return pb.where(mask, pb.tensor(-math.inf, dtype=dtype, device=mask.device),
                        pb.tensor(0.0, dtype=dtype, device=mask.device))
    if not mask.is_floating_point():
        raise pb.DTypeError(
            f"attention masks must be bool or floating, got {mask.dtype}. Fix: pass a bool "
            "mask (True hides) or a float mask that is added to the scores",
            op="nn.MultiheadAttention",
        )
    return mask.to(dtype)


class MultiheadAttention(Module):
    """Multi-head attention, as ``torch.nn.MultiheadAttention``.

    Inputs are (L, N, E) (sequence first), or (N, L, E) with
    ``batch_first=True``, or unbatched (L, E). ``forward`` returns the output
    and, if ``need_weights`` (the default), the attention weights averaged
    over heads (N, L, S) (per head, (N, H, L, S), with
    ``average_attn_weights=False``), else None. In ``key_padding_mask`` (N, S)
    and a bool ``attn_mask`` (L, S) or (N * H, L, S), True hides a key, as in
    PyTorch (the opposite of ``scaled_dot_product_attention``'s bool masks).
    ``is_causal=True`` without a mask builds the causal mask (PyTorch needs
    the mask as well). ``add_bias_kv`` and ``add_zero_attn`` are not supported.

    Example:
        >>> import plugboard as pb
        >>> mha = pb.nn.MultiheadAttention(4, 2)
        >>> q = pb.randn(6, 1, 4)
        >>> out, weights = mha(q, q, q, need_weights=False)
        >>> out.shape, weights
        ((6, 1, 4), None)
    """

    in_proj_weight: Parameter | None
    in_proj_bias: Parameter | None

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: int | None = None, vdim: int | None = None, batch_first: bool = False,
                 device: Any = None, dtype: pb.DType | None = None) -> None:
        super().__init__()
        if num_heads <= 0 or embed_dim % num_heads:
            raise pb.ArgumentError(
                f"MultiheadAttention: embed_dim={embed_dim} must be divisible by "
                f"num_heads={num_heads}. Fix: choose num_heads dividing embed_dim",
                op="nn.MultiheadAttention",
            )
        if add_bias_kv or add_zero_attn:
            raise pb.ArgumentError(
                "MultiheadAttention does not support add_bias_kv or add_zero_attn. Fix: "
                "leave them False", op="nn.MultiheadAttention",
            )
        self.embed_dim = embed_dim
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        factory: dict[str, Any] = {"dtype": dtype, "device": device}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(pb.empty((3 * embed_dim, embed_dim), **factory))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(pb.empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(pb.empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(pb.empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(pb.empty((3 * embed_dim,), **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, **factory)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        # As PyTorch: xavier_uniform_ projections, zero biases; out_proj's weight keeps
        # Linear's initialisation.
        if self._qkv_same_embed_dim:
            xavier_uniform_(self.in_proj_weight)  # type: ignore[arg-type]
        else:
            xavier_uniform_(self.q_proj_weight)
            xavier_uniform_(self.k_proj_weight)
            xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            zeros_(self.in_proj_bias)
        if self.out_proj.bias is not None:
            zeros_(self.out_proj.bias)

    def _projections(self, query: pb.Tensor, key: pb.Tensor,
                     value: pb.Tensor) -> tuple[pb.Tensor, pb.Tensor, pb.Tensor]:
        e = self.embed_dim
        if self.in_proj_weight is not None:
            wq, wk, wv = self.in_proj_weight.split(e)
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        bq = bk = bv = None
        if self.in_proj_bias is not None:
            bq, bk, bv = self.in_proj_bias.split(e)
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def _heads(self, x: pb.Tensor) -> pb.Tensor:
        n, length, _ = x.shape
        return x.reshape(n, length, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(self, query: pb.Tensor, key: pb.Tensor, value: pb.Tensor,
                key_padding_mask: pb.Tensor | None = None, need_weights: bool = True,
                attn_mask: pb.Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[pb.Tensor, pb.Tensor | None]:
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise pb.ShapeError(
                f"MultiheadAttention expects query, key and value of 3 dims (or 2, unbatched), "
                f"got {query.shape}, {key.shape}, {value.shape}", op="nn.MultiheadAttention",
            )
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        if not self.batch_first or not batched:  # work in (N, L, E)
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        n, length, _ = query.shape
        source = key.shape[1]
        q, k, v = (self._heads(t) for t in self._projections(query, key, value))

        mask: pb.Tensor | None = None  # additive, broadcast to (N, H, L, S)
        if attn_mask is not None:
            mask = _additive(attn_mask, q.dtype)
            if mask.ndim == 3:
                mask = mask.reshape(n, self.num_heads, length, source)
        elif is_causal:
            mask = _additive(pb.ones(length, source, dtype=pb.bool, device=q.device)
                             .triu(1), q.dtype)
        if key_padding_mask is not None:
            padding = _additive(key_padding_mask, q.dtype).reshape(n, 1, 1, source)
            mask = padding if mask is None else mask + padding
        dropout_p = self.dropout if self.training else 0.0

        weights: pb.Tensor | None = None
        if need_weights:
            scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
            if mask is not None:
                scores = scores + mask
            weights = F.softmax(scores, dim=-1)
            if dropout_p > 0.0:
                weights = F.dropout(weights, dropout_p)
            out = weights @ v
            if average_attn_weights:
                weights = weights.mean(dim=1)
        else:
            out = F.scaled_dot_product_attention(q, k, v, mask, dropout_p)
        out = self.out_proj(out.transpose(1, 2).reshape(n, length, self.embed_dim))
        if not self.batch_first or not batched:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(1)
            if weights is not None:
                weights = weights.squeeze(0)
        return out, weights

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
