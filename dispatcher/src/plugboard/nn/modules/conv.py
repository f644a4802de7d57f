"""``Conv2d``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.Conv2d(1, 4, 3, padding=1)(pb.ones(2, 1, 8, 8)).shape
    (2, 4, 8, 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.init import _layer_init_
from plugboard.nn.modules.module import Module
from plugboard.nn.parameter import Parameter

__all__ = ["Conv2d"]


def _pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    pair = tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise pb.ArgumentError(f"Conv2d: {name} must be an int or a pair of ints, got "
                               f"{value!r}", op="nn.Conv2d")
    return (pair[0], pair[1])


class Conv2d(Module):
    """2-d convolution over ``(N, C_in, H, W)`` input, with PyTorch's initialisation.

    ``weight`` is (out_channels, in_channels / groups, kH, kW), initialised by
    ``kaiming_uniform_(a=sqrt(5))``; ``bias`` U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    ``padding`` is a size or ``'valid'`` / ``'same'``; ``padding_mode`` is
    ``'zeros'`` only (the opset pads with constants).

    Example:
        >>> import plugboard as pb
        >>> pb.nn.Conv2d(3, 8, kernel_size=3, stride=2)
        Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2))
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | Sequence[int],
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] | str = 0,
                 dilation: int | Sequence[int] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None,
                 dtype: pb.DType | None = None) -> None:
        super().__init__()
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise pb.ArgumentError(
                f"Conv2d: in_channels={in_channels} and out_channels={out_channels} must both "
                f"be divisible by groups={groups}. Fix: choose groups that divides both",
                op="nn.Conv2d",
            )
        if padding_mode != "zeros":
            raise pb.ArgumentError(
                f"Conv2d supports padding_mode='zeros' only, got {padding_mode!r}: the opset's "
                "pad is constant. Fix: pad the input yourself, or use 'zeros'", op="nn.Conv2d",
            )
        if isinstance(padding, str) and padding not in ("valid", "same"):
            raise pb.ArgumentError(
                f"Conv2d: padding={padding!r} is not 'valid' or 'same'", op="nn.Conv2d",
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.padding: tuple[int, int] | str = (
            padding if isinstance(padding, str) else _pair(padding, "padding"))
        self.dilation = _pair(dilation, "dilation")
        self.groups = groups
        self.padding_mode = padding_mode
        self.weight = Parameter(pb.empty((out_channels, in_channels // groups,
                                          *self.kernel_size), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(pb.empty((out_channels,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialise as PyTorch: kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), ...)."""
        _layer_init_(self.weight, self.bias)

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding!r}" if isinstance(self.padding, str) \
                else f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
