"""Errors of front ends that are not operators (``pb.isclose``, ``x.fill_``) name them.

An operator's errors read ``pb::op: problem. Fix: ...`` followed by its
inputs; a front end built from operators checks its own arguments and raises
the same way, under its own name. Errors of the operators it calls already
name those operators and pass through unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from plugboard._core.errors import ArgumentError, DeviceError, PlugboardError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.calls import signature_checked

__all__ = ["describe", "front_end", "naming", "require_same_device", "require_tensor"]

F = TypeVar("F", bound=Callable[..., Any])


def describe(value: Any) -> str:
    """One input, for error messages: ``float32[2, 3] on cpu:0`` or a short repr."""
    if isinstance(value, Tensor):
        return f"{value.dtype}[{', '.join(str(s) for s in value.shape)}] on {value.device}"
    if isinstance(value, (tuple, list)) and any(isinstance(v, Tensor) for v in value):
        return "(" + ", ".join(describe(v) for v in value) + ")"
    return f"{value!r:.60}"


@contextlib.contextmanager
def naming(what: str, *, every: bool = False, **inputs: Any) -> Iterator[None]:
    """Errors raised in the block without an operator's name get ``what`` and ``inputs``.

    ``every``: those of the operators called in the block too, for a front end
    whose operators only carry out what it was asked (``fill_``'s copy).

    Example:
        >>> import plugboard as pb
        >>> from plugboard._frontend.naming import naming
        >>> try:
        ...     with naming("pb.example", x=pb.ones(2)):
        ...         raise pb.ArgumentError("it failed. Fix: do it right")
        ... except pb.ArgumentError as error:
        ...     print(error)
        pb.example: it failed. Fix: do it right
          inputs: x=float32[2] on cpu:0
    """
    try:
        yield
    except PlugboardError as error:
        if error.op is not None and not every:
            raise
        described = ", ".join(f"{name}={describe(value)}" for name, value in inputs.items())
        raise error.in_op(what, described) from None


def require_tensor(value: Any, name: str) -> Tensor:
    """``value`` itself if it is a tensor; an :class:`ArgumentError` otherwise."""
    if not isinstance(value, Tensor):
        raise ArgumentError(
            f"{name} must be a tensor, not {type(value).__name__}. Fix: pass a tensor, "
            f"e.g. pb.tensor({value!r:.20})"
        )
    return value


def require_same_device(tensors: Sequence[Tensor], names: Sequence[str]) -> None:
    """An error (no operator yet: the caller names it) unless every tensor is on one device."""
    first = tensors[0].device
    for t, name in zip(tensors[1:], names[1:], strict=True):
        if t.device != first:
            raise DeviceError(
                f"{names[0]} is on {first} but {name} is on {t.device}. Fix: move them to "
                f"one device, e.g. {name}.to('{first}')"
            )


def front_end(what: str) -> Callable[[F], F]:
    """Decorate the front end ``what``: a call that does not fit its signature (a missing
    argument, an unknown keyword) is an :class:`ArgumentError` naming it, not Python's
    ``TypeError``.

    Example:
        >>> import plugboard as pb
        >>> try:
        ...     pb.isclose(pb.ones(2))
        ... except pb.ArgumentError as error:
        ...     print(str(error).split(". Fix")[0])
        pb.isclose: missing a required argument: 'other'

    """

    return signature_checked(what, shown=what)
