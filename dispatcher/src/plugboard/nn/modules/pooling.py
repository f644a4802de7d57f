"""``MaxPool2d`` and ``AvgPool2d``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.MaxPool2d(2)(pb.ones(1, 3, 8, 8)).shape
    (1, 3, 4, 4)
"""

from __future__ import annotations

from collections.abc import Sequence

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.modules.module import Module

__all__ = ["MaxPool2d", "AvgPool2d"]

Size = int | Sequence[int]


class MaxPool2d(Module):
    """2-d max pooling; ``stride`` defaults to ``kernel_size``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.MaxPool2d(kernel_size=2, stride=2)
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
                 dilation: Size = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise pb.ArgumentError(
                "MaxPool2d(return_indices=True) is not supported: the opset's max_pool2d "
                "returns values only. Fix: pass return_indices=False", op="nn.MaxPool2d",
            )
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """2-d average pooling; ``stride`` defaults to ``kernel_size``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.AvgPool2d(2)(pb.ones(1, 1, 4, 4)).tolist()
        [[[[1.0, 1.0], [1.0, 1.0]]]]
    """

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
