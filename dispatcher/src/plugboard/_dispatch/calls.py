"""Calls that do not fit a Python front end's signature, as the operator's own error.

A front end (``pb.zeros(*size, ...)``, ``pb.max(input, dim, ...)``) is a Python
function over one or more operators. A call Python cannot bind to it (an
unknown keyword, a missing or extra argument) raised a bare ``TypeError``
before any operator saw it; :func:`signature_checked` makes it an
:class:`~plugboard.ArgumentError` that names the operator, the inputs, and
the signature to call it with. Front ends live in ``_ops`` and ``_frontend``,
so the decorator lives below both.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from plugboard._core.errors import ArgumentError
from plugboard._dispatch.registry import describe_value

__all__ = ["signature_checked"]

F = TypeVar("F", bound=Callable[..., Any])


def signature_checked(op: str, shown: str | None = None) -> Callable[[F], F]:
    """Decorate the front end of operator ``op`` (shown to users as ``shown``).

    Example:
        >>> import plugboard as pb
        >>> try:
        ...     pb.eye(2, bogus=1)
        ... except pb.ArgumentError as error:
        ...     print(error.op, "|", error.problem.split(". Fix: ")[1])
        pb::eye | call it as pb.eye(n, m=None, *, dtype=None, device=None, requires_grad=False)
    """

    def wrap(fn: F) -> F:
        name = shown or f"pb.{fn.__name__}"

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except TypeError:
                # Read only on a failed call: the front end has ~60 of these at import.
                signature = inspect.signature(fn)
                try:
                    signature.bind(*args, **kwargs)
                except TypeError as misfit:
                    plain = signature.replace(
                        parameters=[p.replace(annotation=inspect.Parameter.empty)
                                    for p in signature.parameters.values()],
                        return_annotation=inspect.Signature.empty,
                    )
                    inputs = ", ".join(
                        [describe_value(a) for a in args]
                        + [f"{k}={describe_value(v)}" for k, v in kwargs.items()]
                    )
                    raise ArgumentError(
                        f"{misfit}. Fix: call it as {name}{plain}",
                        op=op,
                        inputs=inputs or "none",
                    ) from None
                raise  # the call fit: a TypeError of the operators (a DTypeError) stands

        return cast(F, call)

    return wrap
