"""The plugboard error hierarchy.

Every error plugboard raises derives from :class:`PlugboardError`. Each subclass
also derives from the built-in exception a Python user would expect
(``ValueError``, ``TypeError``, ...), so ``except ValueError`` keeps working.

Messages say what is wrong, with which inputs, and how to fix it. Errors raised
while an operator is validated carry the operator's name and a description of
its inputs (see :meth:`PlugboardError.in_op`).
"""

from __future__ import annotations

__all__ = [
    "DeviceFaultError",
    "ArgumentError",
    "AutogradError",
    "BackendUnavailableError",
    "DTypeError",
    "DeviceError",
    "FallbackWarning",
    "IndexingError",
    "KernelError",
    "KernelNotFoundError",
    "OutOfMemoryError",
    "PluginError",
    "PlugboardError",
    "RegistrationError",
    "SchemaError",
    "ShapeError",
]


class PlugboardError(Exception):
    """Base class of every error raised by plugboard and its backends."""

    def __init__(self, message: str, *, op: str | None = None, inputs: str | None = None):
        self.problem = message
        self.op = op
        self.inputs = inputs
        super().__init__(self._render())

    def _render(self) -> str:
        if self.op is None:
            return self.problem
        text = f"{self.op}: {self.problem}"
        if self.inputs:
            text += f"\n  inputs: {self.inputs}"
        return text

    def in_op(self, op: str, inputs: str | None) -> PlugboardError:
        """Return a copy of this error that names the operator and its inputs."""
        try:
            clone = type(self).__new__(type(self))
        except TypeError:
            # An error that is also a MemoryError: MemoryError.__new__ refuses subclasses
            # whose C base is another exception; BaseException's is the safe one then.
            clone = BaseException.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        PlugboardError.__init__(clone, self.problem, op=op, inputs=inputs)
        return clone


class DeviceError(PlugboardError, ValueError):
    """A malformed or unknown device, or tensors on devices that cannot be mixed."""


class BackendUnavailableError(DeviceError):
    """A backend is installed but cannot run here (no driver, no device)."""


class DTypeError(PlugboardError, TypeError):
    """An unsupported dtype, or a result that cannot be cast to the requested dtype."""


class ShapeError(PlugboardError, ValueError):
    """Shapes that do not broadcast, or an invalid dimension or size."""


class IndexingError(PlugboardError, IndexError):
    """An index out of range or of an unsupported kind."""


class ArgumentError(PlugboardError, TypeError, ValueError):
    """Arguments of the wrong type or value for an operator's schema."""


class SchemaError(PlugboardError, ValueError):
    """A malformed operator schema; the message points at the column."""


class RegistrationError(PlugboardError):
    """A duplicate or inconsistent operator or kernel registration."""


class KernelError(PlugboardError, RuntimeError):
    """A kernel failed with an error that is not a plugboard error (a bug, a driver failure).

    The original exception is its ``__cause__``. The call's in-place and
    ``out=`` targets are unchanged.
    """


class OutOfMemoryError(PlugboardError, MemoryError):
    """A device cannot hold a tensor: more bytes than it has, or than its driver allows."""


class KernelNotFoundError(PlugboardError, NotImplementedError):
    """No kernel can run an operator for the given backend and dtypes."""


class AutogradError(PlugboardError, RuntimeError):
    """A gradient that cannot be computed: freed graph, changed saved tensor, in-place leaf."""


class DeviceFaultError(PlugboardError, RuntimeError):
    """Work queued on a device failed there, after the call that queued it returned."""


class PluginError(PlugboardError, ImportError):
    """A backend plugin failed to load or is incompatible with this plugboard."""


class FallbackWarning(UserWarning):
    """An operator ran on a fallback backend (e.g. on the CPU with copies)."""

