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

import contextvars
import dataclasses
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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

__all__ = ["Library", "PluginScope"]

F = TypeVar("F", bound=Callable[..., Any])

# The core opset lives in pb::; only plugboard itself defines operators there
# (plugboard._ops.register_core_opset, through Library.for_core_opset()).
CORE_NAMESPACE = "pb"
CORE_OWNER = "plugboard"

_libraries: weakref.WeakSet[Library] = weakref.WeakSet()


class PluginScope:
    """The backend plugin a :class:`Library` belongs to, and what that lets it register.

    A library belongs to a plugin when it is made while the plugin registry
    loads that plugin (imports its module, calls its hooks: :meth:`active`),
    or, at any time, by code of the plugin's top-level package (:meth:`claim`).
    A plugin's library may

    - define operators, and give them meta functions, only in the plugin's own
      namespace, named after its device type (``acme::fused`` for ``acme``);
    - implement operators of its own namespace for any dispatch key, and
      other operators (``pb::add``) only for the plugin's own backend key,
      which exists once ``plugboard_backend_info`` has named it (so in
      ``plugboard_register_kernels``, not at import).

    Anything else raises a :class:`plugboard.RegistrationError`, which fails
    the plugin's loading. The scope keeps its libraries: :meth:`close` (when
    the plugin fails or is unloaded) removes all they registered. Libraries
    made elsewhere (a script, a test) belong to no plugin and may register for
    any key.

    Example:
        >>> from plugboard._dispatch.library import Library, PluginScope
        >>> scope = PluginScope("acme")
        >>> with scope.active():
        ...     lib = Library("acme")
        >>> lib.owner, lib in scope.libraries
        ('acme', True)
        >>> scope.close()
    """

    def __init__(self, device_type: str) -> None:
        self.device_type = device_type
        self.namespace = device_type
        self.key: DispatchKey | None = None  # known once plugboard_backend_info named it
        self.libraries: list[Library] = []
        self.packages: list[str] = []

    def __repr__(self) -> str:
        return f"<plugin scope {self.device_type}>"

    @contextmanager
    def active(self) -> Iterator[PluginScope]:
        """Inside the block, every Library made on this thread belongs to the plugin."""
        token = _active_scope.set(self)
        try:
            yield self
        finally:
            _active_scope.reset(token)

    def claim(self, package: str) -> None:
        """Attribute to the plugin the libraries made by code of ``package``, then and later.

        Libraries that package made before (it was imported before the plugin
        loaded) are checked as if made at import; the first registration the
        plugin may not make raises.
        """
        if package in (CORE_OWNER, "") or package in _claimed:
            return  # the core's own package, or one another plugin shares
        _claimed[package] = self
        self.packages.append(package)
        made = [lib for lib in _libraries if lib._package == package and lib.scope is None]
        for library in made:  # all first: a refusal closes them all with the scope
            library._join(self)
        for library in made:
            for kind, qualified, key in library._records:
                self.check(kind, qualified, key)

    def check(self, kind: str, qualified: str, key: DispatchKey | None = None) -> None:
        """Raise unless the plugin may make this registration (``kind``: define, meta, impl)."""
        namespace = qualified.partition("::")[0]
        if namespace == self.namespace:
            return
        plugin = f"the {self.device_type} plugin"
        own = f"its own namespace {self.namespace!r} ({self.namespace}::NAME)"
        if kind == "define":
            raise RegistrationError(
                f"{plugin} defines {qualified}, outside {own}. Fix: a plugin defines its "
                f"custom operators in {own}, e.g. Library({self.namespace!r})"
            )
        if kind == "meta":
            raise RegistrationError(
                f"{plugin} registers a meta function of {qualified}, an operator outside "
                f"{own}. Fix: a plugin gives meta functions only to operators it defines"
            )
        if self.key is None:
            raise RegistrationError(
                f"{plugin} registers a {key} kernel of {qualified} when it is imported. Fix: "
                "register kernels of operators outside the plugin's namespace in "
                "plugboard_register_kernels, on the library it receives"
            )
        if key is not self.key:
            raise RegistrationError(
                f"{plugin} registers a {key} kernel of {qualified}, but its own dispatch key "
                f"is {self.key}: a plugin implements other namespaces' operators only for "
                f"its own key. Fix: register the kernel for {self.key} (library.impl(name) "
                "on the library plugboard_register_kernels receives), or implement "
                f"operators of {own} for other keys"
            )

    def close(self) -> None:
        """Remove everything the plugin's libraries registered, newest first."""
        for package in self.packages:
            if _claimed.get(package) is self:
                del _claimed[package]
        self.packages.clear()
        while self.libraries:
            self.libraries.pop().close()


_active_scope: contextvars.ContextVar[PluginScope | None] = contextvars.ContextVar(
    "plugboard_plugin_scope", default=None
)
_claimed: dict[str, PluginScope] = {}  # top-level package -> the plugin it belongs to


def _caller_package(depth: int) -> str:
    """The top-level package of the code ``depth`` frames up the stack."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return ""
    return str(frame.f_globals.get("__name__", "")).partition(".")[0]


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

    A library made by a backend plugin belongs to it (:class:`PluginScope`
    says when) and may register only for the plugin's own key and namespace.
    """

    def __init__(
        self,
        namespace: str,
        dispatch_key: str | DispatchKey | None = None,
        *,
        owner: str | None = None,
    ):
        if not isinstance(namespace, str) or not namespace.isidentifier():
            raise RegistrationError(
                f"a namespace is an identifier, not {namespace!r}. Fix: name the library "
                "after your project, e.g. Library('acme')"
            )
        self.namespace = namespace
        self.dispatch_key = None if dispatch_key is None else _key(dispatch_key)
        self.owner = owner
        self.name = owner or namespace
        self._defines_core = False
        self._registrations: list[Registration] = []
        # What it registered, for a plugin that claims its package later: (kind, name, key).
        self._records: list[tuple[str, str, DispatchKey | None]] = []
        self._package = _caller_package(1)
        self.scope: PluginScope | None = None
        scope = _active_scope.get() or _claimed.get(self._package)
        if scope is not None and owner is None:
            self._join(scope)
        _libraries.add(self)

    def _join(self, scope: PluginScope) -> None:
        self.scope = scope
        self.owner = self.name = scope.device_type
        scope.libraries.append(self)

    def _add(
        self,
        kind: str,
        qualified: str,
        key: DispatchKey | None,
        register: Callable[[], Registration],
    ) -> None:
        """Make one registration, after the plugin scope (if any) allowed it; keep its undo."""
        if self.scope is not None:
            self.scope.check(kind, qualified, key)
        self._registrations.append(register())
        self._records.append((kind, qualified, key))

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
        ``"selects"`` (a pointwise operator that only compares or selects values:
        Python numbers reach it rounded to the computation dtype, not at float32's
        precision for float16 and bfloat16), ``"allocation"`` (the backend's
        allocator is the whole kernel), ``"pure_meta"`` (the meta function reads
        only the call signature: each tensor's dtype, shape and device and the
        other arguments' values, never strides, storage or data; the dispatcher
        then runs it once per signature, as for every pointwise operator).
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
            parsed = dataclasses.replace(parsed, namespace=namespace)
        op = OperatorDef(
            parsed,
            frozenset(tags),
            None if promotes is None else tuple(promotes),
            self.name,
            doc=doc,
        )
        self._add("define", op.name, None, lambda: _registry.add_op(op))
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
            def set_meta() -> Registration:
                registration = _registry.set_meta(op, fn, self.name)
                try:
                    # Backend kernels registered before the meta function become structured.
                    for kernel in op.kernels.values():
                        check_kernel_signature(op, kernel.key, kernel.fn)
                except RegistrationError:
                    registration.remove()
                    raise
                return registration

            self._add("meta", op.name, None, set_meta)
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
            # A second kernel for the key: set_kernel says so. The core opset's own
            # composites are checked by its tests instead, which keeps start-up short.
            if key not in op.kernels and not self._defines_core:
                check_kernel_signature(op, key, fn)
            self._add("impl", op.name, key, lambda: _registry.set_kernel(op, kernel))
            return fn

        return register if fn is None else register(fn)

    def _qualify(self, name: str) -> str:
        return name if "::" in name else f"{self.namespace}::{name}"

    # Life cycle --------------------------------------------------------------------
    def close(self) -> None:
        """Remove every operator, meta function and kernel this library registered."""
        while self._registrations:
            self._registrations.pop().remove()
        self._records.clear()

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

