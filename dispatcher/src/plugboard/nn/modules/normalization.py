"""Normalisation layers: ``BatchNorm2d``, ``LayerNorm``, ``RMSNorm``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.LayerNorm(4)(pb.randn(2, 4)).shape
    (2, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.init import ones_, zeros_
from plugboard.nn.modules.module import Module
from plugboard.nn.parameter import Parameter

__all__ = ["BatchNorm2d", "LayerNorm", "RMSNorm"]


class BatchNorm2d(Module):
    """Batch normalisation over the channels of ``(N, C, H, W)`` input.

    In training (``model.train()``) it normalises with the batch's mean and
    biased variance and updates the buffers ``running_mean`` and
    ``running_var`` with ``momentum`` (the unbiased variance, as PyTorch;
    ``momentum=None`` keeps a cumulative average); in evaluation it normalises
    with the running statistics. ``track_running_stats=False`` always uses the
    batch's statistics.

    Example:
        >>> import plugboard as pb
        >>> bn = pb.nn.BatchNorm2d(3)
        >>> _ = bn(pb.randn(4, 3, 5, 5) + 2.0)
        >>> bn.num_batches_tracked.item(), bool(bn.running_mean.min() > 0.1)
        (1, True)
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: pb.DType | None = None) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(pb.ones(num_features, dtype=dtype, device=device))
            self.bias = Parameter(pb.zeros(num_features, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", pb.zeros(num_features, dtype=dtype,
                                                          device=device))
            self.register_buffer("running_var", pb.ones(num_features, dtype=dtype,
                                                        device=device))
            self.register_buffer("num_batches_tracked", pb.zeros((), dtype=pb.int64,
                                                                 device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, variance 1, no batches counted."""
        if self.track_running_stats:
            zeros_(self.running_mean)
            ones_(self.running_var)
            with pb.no_grad():
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, and weight to 1 and bias to 0."""
        self.reset_running_stats()
        if self.affine:
            ones_(self.weight)
            zeros_(self.bias)

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        if input.ndim != 4:
            raise pb.ShapeError(
                f"BatchNorm2d expects 4-d input (N, C, H, W), got shape {input.shape}. Fix: "
                "add the batch dimension with x.unsqueeze(0)", op="nn.BatchNorm2d",
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with pb.no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / self.num_batches_tracked.item()
        use_batch = self.training or not self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, use_batch, momentum, self.eps,
        )

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


def _shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(normalized_shape)


class LayerNorm(Module):
    """Normalises over the trailing ``normalized_shape`` dims, with a learned scale and shift.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.LayerNorm(8)
        LayerNorm((8,), eps=1e-05, elementwise_affine=True)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: pb.DType | None = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(pb.ones(self.normalized_shape, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(pb.zeros(self.normalized_shape, dtype=dtype,
                                               device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class RMSNorm(Module):
    """Divides by the root mean square over the trailing dims, with a learned scale.

    ``eps=None`` uses the dtype's machine epsilon, as PyTorch.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.RMSNorm(4)(pb.full((1, 4), 2.0)).tolist()
        [[1.0, 1.0, 1.0, 1.0]]
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: pb.DType | None = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(pb.ones(self.normalized_shape, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
