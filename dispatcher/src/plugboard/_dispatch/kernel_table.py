"""Kernel tables: a backend's kernels as data, registered with one call.

A backend lists its kernels as :class:`KernelSpec` records (the operator, the
function, and what it declares: dtypes, strides, mixed dtypes) in a
:class:`KernelTable`, usually one table per opset section, and registers
them from ``plugboard_register_kernels`` with ``table.register(library)``.
A table is immutable: ``only``, ``without`` and ``replacing`` make new ones,
so a backend can start from another backend's table and replace some
entries, and a test can make a primitives-only backend from a full one.

Example:
    >>> import plugboard as pb
    >>> from plugboard.backend import FLOATING, KernelSpec, KernelTable
    >>> def relu(self, *, out):
    ...     out.copy_(pb.where(self > 0, self, 0))
    >>> table = KernelTable([KernelSpec("relu", relu, FLOATING)])
    >>> table.names()
    ['relu']
    >>> table.replacing(KernelSpec("relu", relu, (pb.float32,)))["relu"].dtypes
    (pb.float32,)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from plugboard._core.dtype import DType
from plugboard._core.errors import RegistrationError
from plugboard._dispatch.library import Library

__all__ = ["KernelSpec", "KernelTable"]


@dataclass(frozen=True)
class KernelSpec:
    """One kernel: operator ``op`` (a ``pb::`` name without the namespace, or a
    qualified ``acme::name``), the function, and what it declares.

    ``dtypes``: the computation dtypes it handles (None: every dtype);
    ``strided``: it reads inputs and writes ``out`` through their strides (else
    the core hands it contiguous tensors); ``mixed_dtypes``: it takes inputs of
    any dtype (else the core casts them to the computation dtype). See
    :meth:`plugboard.Library.impl` and docs/vendor-guide.md for the calling
    convention.
    """

    op: str
    fn: Callable[..., Any]
    dtypes: tuple[DType, ...] | None = None
    strided: bool = False
    mixed_dtypes: bool = False

    def with_(self, **changes: Any) -> KernelSpec:
        """A copy with some fields changed, e.g. ``spec.with_(dtypes=(pb.float32,))``."""
        return replace(self, **changes)


class KernelTable:
    """An ordered, immutable collection of :class:`KernelSpec`, one per operator."""

    __slots__ = ("_specs",)

    def __init__(self, specs: Iterable[KernelSpec] = ()):
        self._specs: dict[str, KernelSpec] = {}
        for spec in specs:
            if not isinstance(spec, KernelSpec):
                raise RegistrationError(
                    f"a kernel table holds plugboard.backend.KernelSpec records, not "
                    f"{type(spec).__name__} ({spec!r:.60})"
                )
            if spec.op in self._specs:
                raise RegistrationError(
                    f"the kernel table lists {spec.op!r} twice; a table has one kernel per "
                    "operator. Fix: drop one, or use table.replacing(spec) to replace it"
                )
            self._specs[spec.op] = spec

    @classmethod
    def from_modules(cls, *modules: Any) -> KernelTable:
        """One table from the ``KERNELS`` of each module (one module per opset section)."""
        return cls(spec for module in modules for spec in module.KERNELS)

    def names(self) -> list[str]:
        """The operators, in table order."""
        return list(self._specs)

    def only(self, ops: Collection[str]) -> KernelTable:
        """The kernels of the operators ``ops`` (e.g. the opset's primitives)."""
        return KernelTable(s for s in self._specs.values() if s.op in ops)

    def without(self, ops: Collection[str]) -> KernelTable:
        """Every kernel but those of ``ops``."""
        return KernelTable(s for s in self._specs.values() if s.op not in ops)

    def replacing(self, *specs: KernelSpec) -> KernelTable:
        """This table with ``specs`` in place of (or in addition to) its own entries."""
        merged = dict(self._specs)
        for spec in specs:
            merged[spec.op] = spec
        return KernelTable(merged.values())

    def register(self, library: Library) -> None:
        """Register every kernel on ``library`` (bound to the backend's dispatch key)."""
        for spec in self._specs.values():
            library.impl(spec.op, fn=spec.fn, dtypes=spec.dtypes, strided=spec.strided,
                         mixed_dtypes=spec.mixed_dtypes)

    def __getitem__(self, op: str) -> KernelSpec:
        try:
            return self._specs[op]
        except KeyError:
            raise RegistrationError(f"the kernel table has no kernel for {op!r}") from None

    def __contains__(self, op: object) -> bool:
        return op in self._specs

    def __iter__(self) -> Iterator[KernelSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"<KernelTable of {len(self._specs)} kernels>"
