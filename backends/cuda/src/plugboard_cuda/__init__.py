"""The plugboard CUDA backend, on CuPy: device memory from CuPy's allocator, CUDA
streams and events behind ``pb.Stream`` and ``pb.Event``, and CUDA C kernels
compiled at run time by NVRTC.

It reaches plugboard only through the entry point ``plugboard.backends: cuda``
and plugboard's public API, as every vendor backend does. Devices are
``cuda:0`` to ``cuda:N-1``, CUDA's own numbering. Where CuPy cannot import, or no
driver or device answers, the backend is unavailable and ``plugboard doctor``
gives the driver's own message (:mod:`plugboard_cuda._probe`).

The runtime (memory, copies, streams, events, DLPack), error translation and the
kernels are plugboard-cupy's, shared with the ROCm backend: the elementwise
operators are plugboard.codegen's table rendered as CUDA C (the entries the
OpenCL backend renders as OpenCL C), the rest run on CuPy. This package has the
probe and the compile path (:mod:`plugboard_cuda._compile`).

Example:
    >>> import plugboard as pb
    >>> "cuda" in [b.device_type for b in pb.backends()]
    True
"""

from plugboard_cupy import CUDAError, CUDAOutOfMemoryError, NVRTCError

__version__ = "0.1.0"

__all__ = ["CUDAError", "CUDAOutOfMemoryError", "NVRTCError"]
