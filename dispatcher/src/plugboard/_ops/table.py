"""``OpTable``: one opset section's definitions, recorded now and registered later.

A section module (``plugboard._ops.elementwise``, ...) fills its table when it
is imported: schemas, meta functions, composites, in the order they are
written. Nothing reaches the operator registry then; the tables are data.
:func:`plugboard._ops.register_core_opset` replays them, section by section,
on the core library, and gets back a library whose ``close()`` undoes it all.
The calls mirror :class:`plugboard.Library`, so a section reads like a
vendor's own registration code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from plugboard._dispatch.library import Library
from plugboard._dispatch.schema import parse_schema

__all__ = ["OpTable"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class _Step:
    method: str  # "define", "register_meta" or "impl"
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


class OpTable:
    """The recorded ``define``, ``register_meta`` and ``impl`` calls of one opset section."""

    def __init__(self, section: str, tags: Iterable[str] = ()):
        self.section = section
        self.tags = tuple(tags)  # given to every operator of the section
        self._steps: list[_Step] = []

    def define(
        self, schema: str, *, tags: Iterable[str] = (), promotes: Iterable[str] | None = None
    ) -> str:
        """Record an operator's schema; returns the operator's name."""
        self._steps.append(
            _Step("define", (schema,), {"tags": (*self.tags, *tags),
                                         "promotes": None if promotes is None else tuple(promotes)})
        )
        return parse_schema(schema).name

    @overload
    def register_meta(self, name: str) -> Callable[[F], F]: ...
    @overload
    def register_meta(self, name: str, fn: F) -> F: ...
    def register_meta(self, name: str, fn: F | None = None) -> Any:
        """Record an operator's meta function (a decorator when ``fn`` is omitted)."""

        def record(fn: F) -> F:
            self._steps.append(_Step("register_meta", (name, fn)))
            return fn

        return record if fn is None else record(fn)

    @overload
    def impl(self, name: str, dispatch_key: str) -> Callable[[F], F]: ...
    @overload
    def impl(self, name: str, dispatch_key: str, fn: F) -> F: ...
    def impl(self, name: str, dispatch_key: str, fn: F | None = None) -> Any:
        """Record a kernel (the core records composites) for a dispatch key."""

        def record(fn: F) -> F:
            self._steps.append(_Step("impl", (name, dispatch_key, fn)))
            return fn

        return record if fn is None else record(fn)

    def names(self) -> list[str]:
        """The operators this section defines, in order."""
        return [parse_schema(s.args[0]).name for s in self._steps if s.method == "define"]

    def register(self, library: Library, docs: Callable[[str], str] | None = None) -> None:
        """Replay the recorded calls on ``library``, in order.

        ``docs`` gives each operator's one-line description by name.
        """
        for step in self._steps:
            if step.method == "define":
                doc = docs(parse_schema(step.args[0]).name) if docs is not None else ""
                library.define(*step.args, doc=doc, **step.kwargs)
            elif step.method == "register_meta":
                library.register_meta(*step.args)
            else:
                library.impl(*step.args)
