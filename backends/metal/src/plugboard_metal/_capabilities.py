"""What an Apple GPU under MLX computes: the one table both modes declare.

Host emulation (``PLUGBOARD_METAL_EMULATION=1``) runs on MLX's CPU device, which
could compute more (float64, for one); it declares this table all the same, so
that its conformance report predicts what a Mac user gets.

Example:
    >>> import plugboard as pb
    >>> from plugboard_metal._capabilities import DTYPES
    >>> pb.float64 in DTYPES, pb.bfloat16 in DTYPES
    (False, True)
"""

from __future__ import annotations

from typing import Any, Final

import plugboard as pb

__all__ = ["DTYPES", "EMULATION_LABEL", "EMULATION_VARIABLE", "FLOATING", "INTEGRAL",
           "NUMERIC", "UNSUPPORTED", "mx_dtype", "numpy_dtype"]

# Metal has no 64-bit floating point: MLX refuses float64 arrays on the GPU.
DTYPES: Final = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64, pb.float16,
                 pb.bfloat16, pb.float32)
UNSUPPORTED: Final = {
    pb.float64: "Apple GPUs have no 64-bit floating point (MLX refuses float64 on Metal)",
}
NUMERIC: Final = tuple(d for d in DTYPES if not d.is_bool)
INTEGRAL: Final = tuple(d for d in DTYPES if not d.is_floating_point)
FLOATING: Final = tuple(d for d in DTYPES if d.is_floating_point)

EMULATION_VARIABLE: Final = "PLUGBOARD_METAL_EMULATION"
EMULATION_LABEL: Final = "host emulation on MLX's CPU device, not Metal"


def numpy_dtype(dtype: Any) -> Any:
    """The NumPy dtype of an MLX dtype (ml_dtypes' for bfloat16).

    >>> import mlx.core as mx
    >>> numpy_dtype(mx.bfloat16).name
    'bfloat16'
    """
    import mlx.core as mx
    import numpy as np

    if dtype == mx.bfloat16:
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(str(dtype).rsplit(".", 1)[-1].replace("bool_", "bool"))


def mx_dtype(dtype: pb.DType) -> Any:
    """MLX's dtype of a plugboard dtype of the table (float64 is refused).

    >>> import plugboard as pb
    >>> mx_dtype(pb.bfloat16)
    mlx.core.bfloat16
    """
    import mlx.core as mx

    if dtype in UNSUPPORTED:
        raise pb.DTypeError(
            f"metal does not compute {dtype.name}: {UNSUPPORTED[dtype]}. Fix: convert with "
            f".to(pb.float32) first, or compute on 'cpu'"
        )
    return {"bool": mx.bool_}.get(dtype.name) or getattr(mx, dtype.name)
