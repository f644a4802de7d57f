"""The plugboard OpenCL backend: device buffers, one in-order queue per device, and
OpenCL C kernels generated per dtype from templates, compiled at run time.

It reaches plugboard only through the entry point ``plugboard.backends: opencl``
and plugboard's public API, as every vendor backend does. Devices are every
device of every OpenCL platform whose compiler works, numbered ``opencl:0`` to
``opencl:N-1`` (see :mod:`plugboard_opencl._platforms`); ``plugboard doctor``
says which platforms are used and which were skipped, and why.

Example:
    >>> import plugboard as pb
    >>> "opencl" in [b.device_type for b in pb.backends()]
    True

OpenCL failures raise the errors below, all of them :class:`plugboard.PlugboardError`
subclasses that name the operator and the device.
"""

from ._errors import OpenCLBuildError, OpenCLError, OpenCLOutOfMemoryError

__version__ = "0.1.0"

__all__ = ["OpenCLBuildError", "OpenCLError", "OpenCLOutOfMemoryError", "empty_cache"]


def empty_cache(device: str = "opencl:0") -> int:
    """Give the caching allocator's free blocks on ``device`` back to the driver.

    Returns the number of bytes released; live tensors keep their memory.

    Example:
        >>> import plugboard as pb
        >>> from plugboard_opencl import empty_cache
        >>> if pb.devices("opencl"):
        ...     x = pb.empty(1 << 20, dtype=pb.uint8, device="opencl")
        ...     del x
        ...     assert empty_cache("opencl:0") >= 1 << 20
    """
    import plugboard as pb

    from ._runtime import RUNTIME

    d = pb.device(device)
    if d.type != "opencl":
        raise pb.DeviceError(
            f"empty_cache takes an OpenCL device, not {d}. Fix: pass one, e.g. 'opencl:0'",
            op="plugboard_opencl.empty_cache",
        )
    pb.devices("opencl")  # loads the plugin (and its devices) if needed
    return RUNTIME.empty_cache(d.index)
