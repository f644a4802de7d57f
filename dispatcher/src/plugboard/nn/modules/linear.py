"""``Linear`` and ``Identity``.

Example:
    >>> import plugboard as pb
    >>> pb.nn.Linear(4, 3)(pb.ones(2, 4)).shape
    (2, 3)
"""

from __future__ import annotations

from typing import Any

import plugboard as pb
import plugboard.nn.functional as F
from plugboard.nn.init import _layer_init_
from plugboard.nn.modules.module import Module
from plugboard.nn.parameter import Parameter

__all__ = ["Identity", "Linear"]


def _positive(value: object, name: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise pb.ArgumentError(
            f"{layer}: {name} must be a non-negative int, got {value!r}", op=f"nn.{layer}",
        )
    return value


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); ignores its arguments.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.Identity()(pb.tensor([1.])).tolist()
        [1.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``, with PyTorch's initialisation.

    ``weight`` (out_features, in_features) is ``kaiming_uniform_(a=sqrt(5))``,
    which is U(-1/sqrt(in_features), 1/sqrt(in_features)), and so is ``bias``.

    Example:
        >>> import plugboard as pb
        >>> layer = pb.nn.Linear(20, 30)
        >>> layer
        Linear(in_features=20, out_features=30, bias=True)
        >>> layer(pb.randn(128, 20)).shape
        (128, 30)
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: pb.DType | None = None) -> None:
        super().__init__()
        self.in_features = _positive(in_features, "in_features", "Linear")
        self.out_features = _positive(out_features, "out_features", "Linear")
        self.weight = Parameter(pb.empty((out_features, in_features), dtype=dtype,
                                         device=device))
        if bias:
            self.bias = Parameter(pb.empty((out_features,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialise as PyTorch: kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), ...)."""
        _layer_init_(self.weight, self.bias)

    def forward(self, input: pb.Tensor) -> pb.Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
