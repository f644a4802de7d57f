"""A time limit per conformance case, so that one hung kernel fails and the run goes on.

A backend that waits forever (a queue that never drains, a buffer freed
while work on it is pending) must not hang the whole suite. Each test runs
under a SIGALRM timer; when it fires, :class:`CaseTimeout` is raised inside
the waiting Python code (lock and event waits, sleeps and most blocking
calls return to the interpreter for a signal) and the case fails with
"timed out after N s". A kernel stuck inside a C call that never returns to
Python cannot be interrupted this way; the timer still reports which case it
was in when the run is stopped.

Where SIGALRM does not exist (Windows) or the suite runs outside the main
thread, cases run without a limit.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["DEFAULT_TIMEOUT_S", "CaseTimeout", "time_limit"]

DEFAULT_TIMEOUT_S = 60.0


class CaseTimeout(Exception):
    """A conformance case ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in this thread if the block runs past ``seconds``."""
    usable = (
        seconds is not None and seconds > 0 and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"timed out after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
