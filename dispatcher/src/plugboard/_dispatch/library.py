"""``Library``: define operators once, implement them per dispatch key.

Example:
    >>> import plugboard as pb
    >>> lib = pb.Library("demo")
    >>> _ = lib.define("twice(Tensor self) -> Tensor")
    >>> @lib.impl("twice", "CompositeImplicit")
    ... def twice(x):
    ...     return x + x
    >>> pb.ops.demo.twice(pb.tensor([1, 2])).tolist()
    [2, 4]
    >>> lib.close()
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from plugboard._core.dtype import DType, as_dtype
from plugboard._core.errors import RegistrationError
from plugboard._dispatch import registry as _registry
from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.convention import check_kernel_signature
from plugboard._dispatch.dispatcher import OperatorHandle
from plugboard._dispatch.keys import DispatchKey, KeyKind, key_named
from plugboard._dispatch.registry import Kernel, OperatorDef, Registration
from plugboard._dispatch.schema import parse_schema

__all__ = ["Library"]

F = TypeVar("F", bound=Callable[..., Any])

# The core opset lives in pb::; only plugboard itself defines operators there
# (plugboard._ops.register_core_opset, through Library.for_core_opset()).
CORE_NAMESPACE = "pb"
CORE_OWNER = "plugboard"

_libraries: weakref.WeakSet[Library] = weakref.WeakSet()


class Library:
    """Registers operators of one namespace and kernels for them.

    ``define`` declares an operator's schema (once); ``register_meta`` gives it
    the meta function that validates inputs and computes output shapes and
    dtypes; ``impl`` adds a kernel for a dispatch key: a backend key (``"CPU"``),
    ``"CompositeImplicit"`` (a decomposition for every backend) or a
    functionality key. A second kernel for the same operator and key is
    rejected. ``close()`` removes everything the library registered.

    A library made with ``dispatch_key=`` uses it as the default key of
    ``impl``: backends get such a library in ``plugboard_register_kernels``.
    """

    def __init__(
        self,
        namespace: str,
        dispatch_key: str | DispatchKey | None = None,
        *,
        owner: str | None = None,
    ):
        if not namespace.isidentifier():
            raise RegistrationError(f"a namespace is an identifier, not {namespace!r}")
        self.namespace = namespace
        self.dispatch_key = None if dispatch_key is None else _key(dispatch_key)
        self.owner = owner
        self.name = owner or namespace
        self._defines_core = False
        self._registrations: list[Registration] = []
        _libraries.add(self)

    @classmethod
    def for_core_opset(cls) -> Library:
        """The library that defines the ``pb::`` operators (only the core uses it)."""
        library = cls(CORE_NAMESPACE, owner=CORE_OWNER)
        library._defines_core = True
        return library

    @property
    def registrations(self) -> tuple[Registration, ...]:
        """What this library registered, in order; :meth:`close` undoes it in reverse."""
        return tuple(r for r in self._registrations if r.active)

    def __repr__(self) -> str:
        key = f", dispatch_key={self.dispatch_key}" if self.dispatch_key else ""
        return f"Library({self.namespace!r}{key})"

    # Definition ------------------------------------------------------------
    def define(
        self,
        schema: str,
        *,
        tags: Iterable[str] = (),
        promotes: Iterable[str] | None = None,
        doc: str = "",
    ) -> OperatorHandle:
        """Declare an operator from its schema; returns its handle.

        ``tags``: ``"pointwise"`` (elementwise: Python numbers are accepted for
        tensor arguments, inputs broadcast, an in-place form ``name_`` exists),
        ``"allocation"`` (the backend's allocator is the whole kernel).
        ``promotes``: the arguments cast to the computation dtype for kernels
        that do not take mixed dtypes (default: every tensor argument).
        ``doc``: a one-line description, shown by ``help`` and in docs/opset.md.
        """
        parsed = parse_schema(schema)
        namespace = parsed.namespace or self.namespace
        if namespace != self.namespace:
            raise RegistrationError(
                f"schema {schema!r} names namespace {namespace!r}, but this library "
                f"defines operators of {self.namespace!r}"
            )
        if namespace == CORE_NAMESPACE and not self._defines_core:
            raise RegistrationError(
                f"the {CORE_NAMESPACE!r} namespace holds plugboard's core opset; define custom "
                "operators in your own namespace, e.g. Library('acme')"
            )
        if parsed.namespace is None:
            parsed = parse_schema(f"{namespace}::{schema}")
        op = OperatorDef(
            parsed,
            frozenset(tags),
            None if promotes is None else tuple(promotes),
            self.name,
            doc=doc,
        )
        self._registrations.append(_registry.add_op(op))
        return OperatorHandle(op)

    @overload
    def register_meta(self, name: str) -> Callable[[F], F]: ...
    @overload
    def register_meta(self, name: str, fn: F) -> F: ...
    def register_meta(self, name: str, fn: F | None = None) -> Any:
        """Give an operator its meta function (decorator form when ``fn`` is omitted).

        The meta function takes the operator's arguments and returns a
        ``TensorSpec`` (or a tuple of them, or a ``MetaResult``). It raises a
        plugboard error for bad input; the core adds the operator's name and
        a description of the inputs.
        """

        def register(fn: F) -> F:
            op = _registry.get_op(self._qualify(name))
            registration = _registry.set_meta(op, fn, self.name)
            try:
                # Backend kernels registered before the meta function become structured.
                for kernel in op.kernels.values():
                    check_kernel_signature(op, kernel.key, kernel.fn)
            except RegistrationError:
                registration.remove()
                raise
            self._registrations.append(registration)
            return fn

        return register if fn is None else register(fn)

    # Implementation ------------------------------------------------------------
    @overload
    def impl(
        self,
        name: str,
        dispatch_key: str | DispatchKey | None = None,
        fn: None = None,
        *,
        dtypes: Iterable[DType | str] | None = None,
        strided: bool = False,
        mixed_dtypes: bool = False,
    ) -> Callable[[F], F]: ...
    @overload
    def impl(
        self,
        name: str,
        dispatch_key: str | DispatchKey | None = None,
        *,
        fn: F,
        dtypes: Iterable[DType | str] | None = None,
        strided: bool = False,
        mixed_dtypes: bool = False,
    ) -> F: ...
    @overload
    def impl(
        self,
        name: str,
        dispatch_key: str | DispatchKey | None,
        fn: F,
        *,
        dtypes: Iterable[DType | str] | None = None,
        strided: bool = False,
        mixed_dtypes: bool = False,
    ) -> F: ...
    def impl(
        self,
        name: str,
        dispatch_key: str | DispatchKey | None = None,
        fn: F | None = None,
        *,
        dtypes: Iterable[DType | str] | None = None,
        strided: bool = False,
        mixed_dtypes: bool = False,
    ) -> Any:
        """Register a kernel of ``name`` for a dispatch key (a decorator when ``fn`` is omitted).

        ``dtypes``: the computation dtypes the kernel handles (default: all);
        ``strided``: it handles any strides, so the core passes views as they
        are; ``mixed_dtypes``: it takes inputs of any dtype, so the core does not
        cast them. What a kernel does not declare, the core adapts (copies and
        casts) before calling it.

        Structured kernels (operators with a meta function) are called with
        the operator's arguments and ``out=``, the output tensor(s) the core
        allocated; they write ``out`` and return nothing. Composite kernels
        and kernels of operators without a meta function return their result.
        """
        key_spec = dispatch_key if dispatch_key is not None else self.dispatch_key
        if key_spec is None:
            raise RegistrationError(
                f"impl({name!r}) needs a dispatch key: pass one, or make the library with "
                "Library(namespace, dispatch_key=...)"
            )
        key = _key(key_spec)
        if key.kind is KeyKind.BACKEND_SELECT:
            raise RegistrationError("BackendSelect is handled by the core; register for a backend")
        accepted = None if dtypes is None else frozenset(as_dtype(d) for d in dtypes)

        def register(fn: F) -> F:
            if not callable(fn):
                raise RegistrationError(f"a kernel must be callable, not {fn!r}")
            op = _registry.get_op(self._qualify(name))
            kernel = Kernel(fn, key, accepted, strided, mixed_dtypes, self.name)
            if key not in op.kernels:  # a second kernel for the key: set_kernel says so
                check_kernel_signature(op, key, fn)
            self._registrations.append(_registry.set_kernel(op, kernel))
            return fn

        return register if fn is None else register(fn)

    def _qualify(self, name: str) -> str:
        return name if "::" in name else f"{self.namespace}::{name}"

    # Life cycle --------------------------------------------------------------------
    def close(self) -> None:
        """Remove every operator, meta function and kernel this library registered."""
        while self._registrations:
            self._registrations.pop().remove()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _key(spec: str | DispatchKey) -> DispatchKey:
    if isinstance(spec, DispatchKey):
        return spec
    try:
        return key_named(spec)
    except RegistrationError:
        # Backend keys exist once their plugin has loaded.
        backend_source().load_all()
        return key_named(spec)


def close_owned(owner: str) -> None:
    """Close the libraries a backend plugin registered (when it is unloaded)."""
    for library in list(_libraries):
        if library.owner == owner:
            library.close()
