"""Asynchronous device errors: work that fails after the call that queued it returned.

A device runs queued work later; when a kernel fails there (an illegal
address, a watchdog, a lost device), the driver says so at the next
synchronization. The runtime reports it by raising from ``synchronize``,
``copy_to_host``, ``stream_synchronize`` or ``event_synchronize``; the core
turns that into a :class:`plugboard.DeviceFaultError` that names the device
and the operator that last queued work there (the dispatcher notes it for
every kernel it runs), with the runtime's own error as the cause. A runtime
that raises a plugboard error of its own (OpenCL translates its driver's)
keeps it.

Example:
    >>> import plugboard as pb
    >>> from plugboard._core.faults import device_faults, note_queued
    >>> note_queued(pb.Device("cpu"), "pb::add")
    >>> try:
    ...     with device_faults(pb.Device("cpu"), "synchronize"):
    ...         raise RuntimeError("illegal memory access")
    ... except pb.DeviceFaultError as error:
    ...     print(str(error).split(".")[0])
    cpu:0: synchronize reported a failure of queued work: RuntimeError: illegal memory access
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from plugboard._core.device import Device
from plugboard._core.errors import DeviceFaultError, PlugboardError

__all__ = ["device_faults", "note_queued"]

_last: dict[Device, str] = {}


def note_queued(device: Device, op: str) -> None:
    """Remember that ``op`` queued work on ``device`` (the dispatcher calls this)."""
    _last[device] = op


@contextmanager
def device_faults(device: Device, what: str) -> Iterator[None]:
    """Turn an error a runtime raises while waiting for ``device`` into a DeviceFaultError."""
    try:
        yield
    except PlugboardError:
        raise  # already says what went wrong (a runtime's own translated error, meta's)
    except Exception as error:
        raise _fault(device, what, error) from error


def _fault(device: Device, what: str, error: BaseException) -> DeviceFaultError:
    op = _last.get(device)
    queued = (f"the last operator that queued work there was {op}" if op is not None
              else "no operator queued work there yet")
    return DeviceFaultError(
        f"{device}: {what} reported a failure of queued work: {type(error).__name__}: "
        f"{error}. The failing work ran after the call that queued it returned; {queued}. "
        "Fix: run with the device synchronized after each operator "
        "(pb.synchronize after each call) to find the failing one, and check its inputs"
    )
