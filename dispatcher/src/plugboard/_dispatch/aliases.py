"""NumPy's keyword names that PyTorch accepts for its own: ``sum(x, axis=0, keepdims=True)``.

PyTorch's argument parser takes ``axis`` for ``dim`` and ``keepdims`` for
``keepdim`` in every function and method that has them. Here the binder does
the same for every operator, the generated functions included (they hand a
call their signature does not fit to the binder), and :func:`numpy_keywords`
does it for the Python front ends with their own signatures (``pb.max``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, cast

from plugboard._core.errors import ArgumentError

__all__ = ["KEYWORD_ALIASES", "numpy_keywords", "resolve_alias"]

# alias -> the argument it names
KEYWORD_ALIASES: Final[Mapping[str, str]] = {"axis": "dim", "keepdims": "keepdim"}

F = TypeVar("F", bound=Callable[..., Any])


def resolve_alias(alias: str, names: Any, kwargs: Mapping[str, Any]) -> str | None:
    """The argument ``alias`` stands for, if a function with arguments ``names`` has it.

    Passing both the argument and its alias is an error.
    """
    name = KEYWORD_ALIASES.get(alias)
    if name is None or name not in names:
        return None
    if name in kwargs:
        raise ArgumentError(
            f"got {name!r} and its alias {alias!r}. Fix: pass one of them"
        )
    return name


def numpy_keywords(fn: F) -> F:
    """Let the Python function ``fn`` take ``axis=`` for its ``dim`` and ``keepdims=`` for
    its ``keepdim``, as PyTorch's functions do.

    Example:
        >>> from plugboard._dispatch.aliases import numpy_keywords
        >>> @numpy_keywords
        ... def total(values, dim=None):
        ...     return dim
        >>> total([1], axis=0)
        0
    """
    names = frozenset(inspect.signature(fn).parameters)
    if not any(name in names for name in KEYWORD_ALIASES.values()):
        return fn

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        for alias in [k for k in kwargs if k in KEYWORD_ALIASES]:
            try:
                name = resolve_alias(alias, names, kwargs)
            except ArgumentError as error:
                raise error.in_op(fn.__name__, None) from None
            if name is not None:
                kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return cast(F, call)
