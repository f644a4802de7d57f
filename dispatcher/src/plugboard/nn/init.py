"""Parameter initialisation, with PyTorch's formulas and names (``torch.nn.init``).

Every function fills its tensor in place without recording a gradient, draws
from plugboard's random generator (``generator=``, else the default one, seeded
by ``pb.manual_seed``) and returns the tensor. The formulas match PyTorch's;
the numbers drawn differ, since the generators differ.

Example:
    >>> import plugboard as pb
    >>> w = pb.empty(256, 128)
    >>> _ = pb.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    >>> bound = (2 ** 0.5) * (3 / 128) ** 0.5
    >>> bool(w.abs().max() <= bound)
    True
"""

from __future__ import annotations

import math

import plugboard as pb

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "trunc_normal_",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    Example:
        >>> import plugboard as pb
        >>> round(pb.nn.init.calculate_gain("relu"), 4), pb.nn.init.calculate_gain("tanh")
        (1.4142, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise pb.ArgumentError(
                f"leaky_relu's negative slope must be a number, got {slope!r}",
                op="nn.init.calculate_gain",
            )
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise pb.ArgumentError(
        f"unsupported nonlinearity {nonlinearity!r}. Fix: pass one of 'linear', 'conv2d', "
        "'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'",
        op="nn.init.calculate_gain",
    )


def _calculate_fan_in_and_fan_out(tensor: pb.Tensor) -> tuple[int, int]:
    """Fans as PyTorch counts them: dims 1 and 0, times the receptive field (dims 2+)."""
    if tensor.ndim < 2:
        raise pb.ShapeError(
            f"fan in and fan out need a tensor of at least 2 dims, got shape {tensor.shape}. "
            "Fix: use uniform_ or normal_ with explicit bounds for 1-d tensors",
            op="nn.init",
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: pb.Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise pb.ArgumentError(
            f"mode must be 'fan_in' or 'fan_out', got {mode!r}", op="nn.init",
        )
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _draw_dtype(tensor: pb.Tensor) -> pb.DType:
    if not tensor.is_floating_point():
        raise pb.DTypeError(
            f"initialisers fill floating tensors, got {tensor.dtype}. Fix: create the tensor "
            "with a floating dtype", op="nn.init",
        )
    # Half-precision draws are made in float32, then rounded by the copy.
    return tensor.dtype if tensor.dtype in (pb.float32, pb.float64) else pb.float32


def uniform_(tensor: pb.Tensor, a: float = 0.0, b: float = 1.0, *,
             generator: pb.Generator | None = None) -> pb.Tensor:
    """Fill ``tensor`` with values drawn uniformly from [``a``, ``b``).

    Example:
        >>> import plugboard as pb
        >>> t = pb.nn.init.uniform_(pb.empty(100), -2.0, 2.0)
        >>> bool((t >= -2).all() and (t < 2).all())
        True
    """
    with pb.no_grad():
        u = pb.rand(tensor.shape, generator=generator, dtype=_draw_dtype(tensor),
                    device=tensor.device)
        return tensor.copy_(u * (b - a) + a)


def normal_(tensor: pb.Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: pb.Generator | None = None) -> pb.Tensor:
    """Fill ``tensor`` with values drawn from the normal distribution N(mean, std²).

    Example:
        >>> import plugboard as pb
        >>> t = pb.nn.init.normal_(pb.empty(10000), mean=3.0, std=0.5)
        >>> abs(t.mean().item() - 3.0) < 0.05
        True
    """
    with pb.no_grad():
        n = pb.randn(tensor.shape, generator=generator, dtype=_draw_dtype(tensor),
                     device=tensor.device)
        return tensor.copy_(n * std + mean)


def trunc_normal_(tensor: pb.Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, *, generator: pb.Generator | None = None) -> pb.Tensor:
    """Fill ``tensor`` from N(mean, std²) truncated to [``a``, ``b``], redrawing outliers.

    Example:
        >>> import plugboard as pb
        >>> t = pb.nn.init.trunc_normal_(pb.empty(1000), std=1.0, a=-1.0, b=1.0)
        >>> bool((t.abs() <= 1).all())
        True
    """
    if not a < b:
        raise pb.ArgumentError(f"trunc_normal_ needs a < b, got a={a}, b={b}",
                               op="nn.init.trunc_normal_")
    with pb.no_grad():
        dtype = _draw_dtype(tensor)
        values = pb.randn(tensor.shape, generator=generator, dtype=dtype,
                          device=tensor.device) * std + mean
        for _ in range(100):  # rejection sampling; each round keeps the values inside
            outside = (values < a) | (values > b)
            if not outside.any().item():
                break
            fresh = pb.randn(tensor.shape, generator=generator, dtype=dtype,
                             device=tensor.device) * std + mean
            values = pb.where(outside, fresh, values)
        return tensor.copy_(values.clamp(a, b))


def constant_(tensor: pb.Tensor, val: float) -> pb.Tensor:
    """Fill ``tensor`` with ``val``.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.init.constant_(pb.empty(2), 0.5).tolist()
        [0.5, 0.5]
    """
    with pb.no_grad():
        return tensor.fill_(val)


def ones_(tensor: pb.Tensor) -> pb.Tensor:
    """Fill ``tensor`` with ones."""
    return constant_(tensor, 1.0)


def zeros_(tensor: pb.Tensor) -> pb.Tensor:
    """Fill ``tensor`` with zeros."""
    return constant_(tensor, 0.0)


def eye_(tensor: pb.Tensor) -> pb.Tensor:
    """Fill the 2-d ``tensor`` with the identity matrix.

    Example:
        >>> import plugboard as pb
        >>> pb.nn.init.eye_(pb.empty(2, 3)).tolist()
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    if tensor.ndim != 2:
        raise pb.ShapeError(f"eye_ fills 2-d tensors, got shape {tensor.shape}",
                            op="nn.init.eye_")
    with pb.no_grad():
        return tensor.copy_(pb.eye(tensor.shape[0], tensor.shape[1], device=tensor.device))


def xavier_uniform_(tensor: pb.Tensor, gain: float = 1.0, *,
                    generator: pb.Generator | None = None) -> pb.Tensor:
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import plugboard as pb
        >>> w = pb.nn.init.xavier_uniform_(pb.empty(30, 20))
        >>> bool(w.abs().max() <= (6 / 50) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_normal_(tensor: pb.Tensor, gain: float = 1.0, *,
                   generator: pb.Generator | None = None) -> pb.Tensor:
    """Glorot normal: N(0, std²) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator=generator)


def kaiming_uniform_(tensor: pb.Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", *,
                     generator: pb.Generator | None = None) -> pb.Tensor:
    """He uniform: U(-b, b) with ``b = gain * sqrt(3 / fan)``, ``gain`` from ``nonlinearity``.

    ``Linear`` and ``Conv2d`` call it with ``a=sqrt(5)``, as PyTorch does, which
    gives ``b = 1 / sqrt(fan_in)``.

    Example:
        >>> import plugboard as pb
        >>> w = pb.nn.init.kaiming_uniform_(pb.empty(8, 16), a=5 ** 0.5)
        >>> bool(w.abs().max() <= 1 / 16 ** 0.5)
        True
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor: pb.Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", *,
                    generator: pb.Generator | None = None) -> pb.Tensor:
    """He normal: N(0, std²) with ``std = gain / sqrt(fan)``."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator=generator)


def _layer_init_(weight: pb.Tensor, bias: pb.Tensor | None) -> None:
    """PyTorch's initialisation of Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) for the
    weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)
