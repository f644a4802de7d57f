"""CuPy kernel for matmul: 1-D, 2-D and batched operands, broadcasting, any strides.

Floating point runs on cuBLAS (``cupy.matmul``; hipBLAS on ROCm). TF32 stays off,
as in PyTorch: CuPy computes float32 products in TF32 only when the environment
sets ``CUPY_TF32=1``, which is how a user opts in. float16 and bfloat16 compute in
float32 and round once per result, as PyTorch's kernels accumulate them. Integers
run on CuPy's integer matmul, wrapping in their own width as PyTorch's do.
"""

from __future__ import annotations

import plugboard as pb
from plugboard.backend import NUMERIC

from ._arrays import array_module, compute_dtype, kernels, read_as, write

__all__ = ["KERNELS"]


def _matmul(self: pb.Tensor, other: pb.Tensor, *, out: pb.Tensor) -> None:
    if out.numel() == 0:
        return
    xp = array_module(out)
    compute = compute_dtype(out.dtype)
    a, b = read_as(self, compute), read_as(other, compute)
    if self.shape[-1] == 0:  # an empty inner dimension sums nothing
        write(out, xp.zeros((), dtype=compute))
        return
    write(out, xp.matmul(a, b))


KERNELS = kernels(NUMERIC, matmul=_matmul)
