"""NumPy's floating-point errors ignored around a kernel, cheaply.

Host kernels compute inf and NaN as results, as PyTorch does, so they run NumPy with
its floating-point warnings off. ``np.errstate(all="ignore")`` builds a new error
state on every entry: about 2 us, more than NumPy's add of 8 elements, and paid by
every kernel call. NumPy keeps that state in a context variable, so
:class:`ignore_fp_errors` sets it to one state prepared here, once (about 0.2 us).
The variable's name is private to NumPy: it is checked when this module loads, and
without it (another NumPy) ``ignore_fp_errors`` is ``np.errstate`` itself.
"""

from __future__ import annotations

import contextvars
import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import numpy as np

__all__ = ["ignore_fp_errors"]

_IGNORED = {"divide": "ignore", "over": "ignore", "under": "ignore", "invalid": "ignore"}


def _error_state() -> tuple[contextvars.ContextVar[Any], Any] | None:
    """NumPy's error-state variable and its "ignore everything" value, if it has them."""
    try:
        config = importlib.import_module("numpy._core._ufunc_config")
    except ImportError:
        return None
    variable = getattr(config, "_extobj_contextvar", None)
    if not isinstance(variable, contextvars.ContextVar):
        return None
    with np.errstate(all="ignore"):
        ignoring = variable.get()
    token = variable.set(ignoring)
    try:
        works = np.geterr() == _IGNORED  # the variable is what NumPy reads
    finally:
        variable.reset(token)
    return (variable, ignoring) if works else None


_STATE = _error_state()


class _IgnoreFPErrors:
    """A context manager: NumPy's floating-point errors ignored in its body, as
    ``np.errstate(all="ignore")`` does, set in a tenth of the time. Entries nest, and
    each thread has its own state (each entry resets what it set).

    Example:
        >>> import numpy as np
        >>> from plugboard.backend import ignore_fp_errors
        >>> with ignore_fp_errors():
        ...     print(np.divide(np.float32(1), np.float32(0)))
        inf
    """

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _SET(_IGNORING)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _RESET(self._token)


def _errstate() -> AbstractContextManager[Any]:
    """What ``ignore_fp_errors`` is with a NumPy that has no error-state variable."""
    return np.errstate(all="ignore")


ignore_fp_errors: Callable[[], AbstractContextManager[Any]]
if _STATE is not None:
    _SET, _RESET, _IGNORING = _STATE[0].set, _STATE[0].reset, _STATE[1]
    ignore_fp_errors = _IgnoreFPErrors
else:  # pragma: no cover - a NumPy without the variable
    ignore_fp_errors = _errstate
