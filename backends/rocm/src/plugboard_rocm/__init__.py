"""The plugboard ROCm backend, on CuPy's ROCm build: AMD GPUs through HIP, with the
device runtime shared with the CUDA backend (plugboard-cupy) and HIP kernels compiled
by hipcc or hiprtc.

It reaches plugboard only through the entry point ``plugboard.backends: rocm`` and
plugboard's public API, as every vendor backend does. Devices are ``rocm:0`` to
``rocm:N-1``, HIP's own numbering. Where the HIP runtime (``libamdhip64.so.7``) is
missing, sees no GPU, or CuPy's ROCm build cannot import, the backend is unavailable
and ``plugboard doctor`` gives the reason in the runtime's or the loader's words
(:mod:`plugboard_rocm._probe`).

The kernels are plugboard-cupy's, as for CUDA: plugboard.codegen's elementwise
table rendered as HIP, the rest on CuPy. This package has the probe and the
compile path (:mod:`plugboard_rocm._compile`).

Example:
    >>> import plugboard as pb
    >>> "rocm" in [b.device_type for b in pb.backends()]
    True
"""

from plugboard_cupy import HIPCompileError, HIPError, HIPOutOfMemoryError

__version__ = "0.1.0"

__all__ = ["HIPCompileError", "HIPError", "HIPOutOfMemoryError"]
