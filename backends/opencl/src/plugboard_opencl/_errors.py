"""OpenCL failures as plugboard errors that name the operator and the device.

``pyopencl`` raises ``cl.Error`` subclasses (``MemoryError``, ``RuntimeError``,
``LogicError``) carrying an OpenCL status code. Kernels and the runtime turn
them into :class:`OpenCLError` (a :class:`plugboard.PlugboardError`), so users
catch plugboard errors only; a failed program build carries the compiler log.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pyopencl as cl

import plugboard as pb

__all__ = ["OpenCLBuildError", "OpenCLError", "OpenCLOutOfMemoryError", "translated"]

# Status codes that mean the device ran out of something (CL_OUT_OF_RESOURCES,
# CL_OUT_OF_HOST_MEMORY, CL_MEM_OBJECT_ALLOCATION_FAILURE).
_OUT_OF_MEMORY = {-5, -6, -4}


class OpenCLError(pb.PlugboardError, RuntimeError):
    """An OpenCL call failed on a device (the message names the device and the call)."""


class OpenCLOutOfMemoryError(OpenCLError, pb.OutOfMemoryError):
    """The device or its driver ran out of memory or resources."""


class OpenCLBuildError(OpenCLError):
    """An OpenCL program failed to build; ``log`` holds the compiler's output."""

    def __init__(self, message: str, *, log: str = "", op: str | None = None,
                 inputs: str | None = None):
        self.log = log
        super().__init__(message, op=op, inputs=inputs)


def _code(error: cl.Error) -> int | None:
    try:
        return int(error.code)
    except (AttributeError, TypeError, ValueError):
        return None


@contextlib.contextmanager
def translated(what: str, device: str) -> Iterator[None]:
    """Turn an OpenCL error raised inside the block into a plugboard error.

    ``what`` says what was being done (``"pb::add (float32)"``, ``"allocate 4096 bytes"``);
    ``device`` is the plugboard device string (``"opencl:0"``).

    >>> with translated("allocate 1 byte", "opencl:0"):
    ...     pass
    """
    try:
        yield
    except cl.Error as error:
        raise translate(error, what, device) from error


def translate(error: cl.Error, what: str, device: str) -> OpenCLError:
    """The plugboard error for an OpenCL error: :func:`translated` without the block, for
    the launch paths that run on every call (a ``with`` costs a microsecond there)."""
    problem = f"{what} failed on {device}: {error}"
    if _code(error) in _OUT_OF_MEMORY or isinstance(error, cl.MemoryError):
        return OpenCLOutOfMemoryError(
            problem + ". Fix: free tensors you no longer need, or use smaller inputs"
        )
    return OpenCLError(
        problem + ". Fix: this is the driver's failure, not the call's; `plugboard "
        "doctor` shows the device, and another device (or the CPU) runs the operator"
    )
