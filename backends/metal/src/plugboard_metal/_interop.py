"""Tensors to and from MLX arrays, without a trip through the host.

MLX arrays are values, not memory: :func:`to_mlx` gives the tensor's current
elements as an MLX array that later writes to the tensor do not change (MLX
may share the bytes; nothing can write through them), and :func:`from_mlx`
copies an array's elements into a new tensor on ``metal:0``. With an array in
hand, MLX's own DLPack export (``np.from_dlpack``) takes it on to NumPy where
MLX supports it (its CPU device).
"""

from __future__ import annotations

from typing import Any

import mlx.core as mx

import plugboard as pb

from ._arrays import read, write
from ._capabilities import DTYPES, mx_dtype
from ._runtime import RUNTIME

__all__ = ["from_mlx", "to_mlx"]


def _metal(t: pb.Tensor, op: str) -> None:
    if t.device.type != "metal":
        raise pb.DeviceError(
            f"it takes a tensor on metal, not one on {t.device} ({t.dtype.name}, shape "
            f"{tuple(t.shape)}). Fix: move it first with .to('metal')", op=op)


def to_mlx(t: pb.Tensor) -> Any:
    """The elements of the metal tensor ``t`` as an MLX array (lazy: no copy made here).

    Example:
        >>> import plugboard as pb
        >>> from plugboard_metal import to_mlx
        >>> if pb.devices("metal"):
        ...     x = pb.tensor([[1, 2], [3, 4]], device="metal")
        ...     print(to_mlx(x.T).tolist())
        ... else:
        ...     print([[1, 3], [2, 4]])
        [[1, 3], [2, 4]]
    """
    _metal(t, "plugboard_metal.to_mlx")
    if t.dtype not in DTYPES:
        raise pb.DTypeError(f"metal stores but does not compute {t.dtype.name}. Fix: "
                            "read it with .numpy()", op="plugboard_metal.to_mlx")
    with mx.stream(RUNTIME.current().stream):
        return read(t)


def from_mlx(array: Any) -> pb.Tensor:
    """A new tensor on metal:0 holding the elements of the MLX array ``array``.

    Example:
        >>> import mlx.core as mx
        >>> import plugboard as pb
        >>> from plugboard_metal import from_mlx
        >>> if pb.devices("metal"):
        ...     print(from_mlx(mx.arange(3, dtype=mx.int32)).tolist())
        ... else:
        ...     print([0, 1, 2])
        [0, 1, 2]
    """
    if not isinstance(array, mx.array):
        raise pb.ArgumentError(f"it takes an mlx.core.array, not {type(array).__name__}."
                               " Fix: use pb.tensor for other values",
                               op="plugboard_metal.from_mlx")
    dtype = next((d for d in DTYPES if mx_dtype(d) == array.dtype), None)
    if dtype is None:
        names = ", ".join(d.name for d in DTYPES)
        raise pb.DTypeError(f"an MLX array of {array.dtype} (shape "
                            f"{tuple(array.shape)}) has no metal dtype (metal computes "
                            f"{names}). Fix: array.astype(...) one of them first",
                            op="plugboard_metal.from_mlx")
    out = pb.empty(tuple(array.shape), dtype=dtype, device="metal")
    with mx.stream(RUNTIME.current().stream):
        write(out, array)
    return out
