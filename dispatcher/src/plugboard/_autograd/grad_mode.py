"""Grad mode: whether operators record the graph, per thread.

Turning grad mode off also excludes the ``Autograd`` dispatch key on the
thread, so inside ``no_grad`` a call costs no more than without autograd.
Each thread starts with grad mode on.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

from plugboard._dispatch import keys as _keys

__all__ = ["enable_grad", "inference_mode", "is_grad_enabled", "no_grad", "set_grad_enabled"]

F = TypeVar("F", bound=Callable[..., Any])

_MASK = _keys.Autograd.mask


class _State(threading.local):
    enabled: bool = True


_state = _State()


def is_grad_enabled() -> bool:
    """Whether operators on this thread record gradients.

    Example:
        >>> import plugboard as pb
        >>> pb.is_grad_enabled()
        True
        >>> with pb.no_grad():
        ...     pb.is_grad_enabled()
        False
    """
    return _state.enabled


def _set(enabled: bool, excluded_bit: int) -> None:
    _state.enabled = enabled
    tls = _keys.tls
    tls.excluded = (tls.excluded & ~_MASK) | excluded_bit


class _GradMode:
    """A context manager and decorator that sets grad mode inside it, then restores it."""

    _mode: bool

    def __init__(self) -> None:
        self._saved: list[tuple[bool, int]] = []

    def __enter__(self) -> None:
        self._saved.append((_state.enabled, _keys.tls.excluded & _MASK))
        _set(self._mode, 0 if self._mode else _MASK)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _set(*self._saved.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return cast(F, run)


class no_grad(_GradMode):
    """Operators inside record no gradients (a context manager or a decorator).

    Example:
        >>> import plugboard as pb
        >>> x = pb.ones(2, requires_grad=True)
        >>> with pb.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @pb.no_grad()
        ... def double(t):
        ...     return t * 2
        >>> double(x).requires_grad
        False
    """

    _mode = False


class enable_grad(_GradMode):
    """Operators inside record gradients, even within ``no_grad``.

    Example:
        >>> import plugboard as pb
        >>> x = pb.ones(2, requires_grad=True)
        >>> with pb.no_grad(), pb.enable_grad():
        ...     (x * 2).requires_grad
        True
    """

    _mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode to ``mode``: at once when called, and back when used as a block ends.

    Example:
        >>> import plugboard as pb
        >>> x = pb.ones(2, requires_grad=True)
        >>> with pb.set_grad_enabled(False):
        ...     (x * 2).requires_grad
        False
        >>> _ = pb.set_grad_enabled(False)
        >>> pb.is_grad_enabled()
        False
        >>> _ = pb.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._mode = bool(mode)
        # As PyTorch: calling it sets the mode now; leaving the block restores it.
        self._saved.append((_state.enabled, _keys.tls.excluded & _MASK))
        _set(self._mode, 0 if self._mode else _MASK)

    def __enter__(self) -> None:
        pass  # the mode was set by the call

    def __call__(self, fn: F) -> F:
        _set(*self._saved.pop())  # as a decorator it sets the mode only while fn runs
        mode = self._mode

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return cast(F, run)


class inference_mode(_GradMode):
    """``no_grad`` for inference (``mode=False``: grad mode unchanged).

    plugboard's tensors need no separate inference state, so this is ``no_grad``
    when ``mode`` is true.

    Example:
        >>> import plugboard as pb
        >>> with pb.inference_mode():
        ...     (pb.ones(2, requires_grad=True) + 1).requires_grad
        False
    """

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._active = bool(mode)

    def __enter__(self) -> None:
        self._saved.append((_state.enabled, _keys.tls.excluded & _MASK))
        if self._active:
            _set(False, _MASK)
