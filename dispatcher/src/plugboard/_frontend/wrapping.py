"""How a generated operator function turns a bad call into the operator's own error."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from plugboard._dispatch.dispatcher import OperatorRef

__all__ = ["operator_function"]

F = TypeVar("F", bound=Callable[..., Any])


def operator_function(ref: OperatorRef) -> Callable[[F], F]:
    """Decorate the function of operator ``ref``: Python's call errors become plugboard's.

    A call that does not fit the function's signature (an unknown keyword, a
    missing argument) is handed to the operator itself, whose binder raises
    :class:`plugboard.ArgumentError` naming the argument and the schema, as
    ``pb.ops.pb.NAME`` does. Every other error passes through unchanged.
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except TypeError:
                try:
                    # Read only on a failed call: ~200 functions are wrapped at import.
                    inspect.signature(fn).bind(*args, **kwargs)
                except TypeError:
                    return ref(*args, **kwargs)
                raise

        return cast(F, call)

    return wrap
