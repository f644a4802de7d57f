"""The operator registry: one :class:`OperatorDef` per operator, with its kernels.

Registration goes through :class:`plugboard.Library`; this module holds the
tables and the argument binder that turns a Python call into the values of
the schema's arguments.
"""

from __future__ import annotations

import difflib
import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DType, as_dtype
from plugboard._core.errors import ArgumentError, RegistrationError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.keys import DispatchKey
from plugboard._dispatch.random import Generator
from plugboard._dispatch.schema import (
    NO_DEFAULT,
    BaseType,
    FunctionSchema,
    ListType,
    OptionalType,
    SchemaType,
)

__all__ = [
    "Kernel",
    "OperatorDef",
    "Path",
    "Registration",
    "add_op",
    "find_op",
    "get_op",
    "invalidate_caches",
    "registered_ops",
    "set_kernel",
    "set_meta",
]


class Path(Enum):
    """How an operator ran, for reports and ``plugboard ops``."""

    NATIVE = "native"
    COMPOSITE = "composite"
    FALLBACK = "fallback"
    META = "meta"


@dataclass(frozen=True, slots=True)
class Kernel:
    """A kernel registered for one operator and dispatch key, with what it accepts.

    ``dtypes``: the computation dtypes it handles (``None``: every dtype).
    ``strided``: it reads and writes any strides (the core passes views, and
    for pointwise ops inputs broadcast with stride 0); otherwise it gets
    contiguous tensors. ``mixed_dtypes``: it takes inputs of any dtype;
    otherwise inputs arrive in the computation dtype.
    """

    fn: Callable[..., Any]
    key: DispatchKey
    dtypes: frozenset[DType] | None
    strided: bool
    mixed_dtypes: bool
    library: str

    def accepts(self, dtype: DType | None) -> bool:
        return self.dtypes is None or dtype is None or dtype in self.dtypes

    @property
    def origin(self) -> str:
        fn = self.fn
        return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


class _ArgKind(Enum):
    TENSOR = "Tensor"
    OPTIONAL_TENSOR = "Tensor?"
    TENSOR_LIST = "Tensor[]"
    SCALAR = "Scalar"
    INT = "int"
    INT_LIST = "int[]"
    FLOAT = "float"
    BOOL = "bool"
    STR = "str"
    DTYPE = "ScalarType"
    DEVICE = "Device"
    GENERATOR = "Generator"
    OTHER = "other"


def _kind_of(t: SchemaType) -> tuple[_ArgKind, bool]:
    """The binder's kind of a schema type, and whether None is allowed."""
    optional = isinstance(t, OptionalType)
    if isinstance(t, OptionalType):
        t = t.elem
    if isinstance(t, ListType):
        if t.elem.is_tensor_like:
            return _ArgKind.TENSOR_LIST, optional
        if str(t.elem) in ("int", "SymInt"):
            return _ArgKind.INT_LIST, optional
        return _ArgKind.OTHER, optional
    name = t.name if isinstance(t, BaseType) else ""
    simple = {
        "Tensor": _ArgKind.OPTIONAL_TENSOR if optional else _ArgKind.TENSOR,
        "Scalar": _ArgKind.SCALAR,
        "int": _ArgKind.INT,
        "SymInt": _ArgKind.INT,
        "float": _ArgKind.FLOAT,
        "bool": _ArgKind.BOOL,
        "str": _ArgKind.STR,
        "ScalarType": _ArgKind.DTYPE,
        "Device": _ArgKind.DEVICE,
        "Generator": _ArgKind.GENERATOR,
    }
    return simple.get(name, _ArgKind.OTHER), optional


def _list_size(t: SchemaType) -> int | None:
    """The N of an ``int[N]`` argument (optional or not), else None."""
    if isinstance(t, OptionalType):
        t = t.elem
    return t.size if isinstance(t, ListType) else None


_NUMBER = (bool, int, float)
_PYTHON_NUMBERS = frozenset(_NUMBER)


class Binder:
    """Binds ``(*args, **kwargs)`` to a schema: defaults, checks and conversions."""

    def __init__(self, schema: FunctionSchema, numbers_as_tensors: bool):
        self.schema = schema
        args = schema.arguments
        self.names = tuple(a.name for a in args)
        self.index = {a.name: i for i, a in enumerate(args)}
        self.n_positional = sum(1 for a in args if not a.kwarg_only)
        self.defaults = tuple(a.default for a in args)
        kinds = [_kind_of(a.type) for a in args]
        self.kinds = tuple(k for k, _ in kinds)
        self.optional = tuple(o for _, o in kinds)
        # int[2]? (an optional pair, e.g. max_pool2d's stride) pins its length like int[2].
        self.list_sizes = tuple(_list_size(a.type) for a in args)
        self.numbers_as_tensors = numbers_as_tensors
        self.tensor_positions = tuple(
            i
            for i, k in enumerate(self.kinds)
            if k in (_ArgKind.TENSOR, _ArgKind.OPTIONAL_TENSOR, _ArgKind.TENSOR_LIST)
        )
        self.device_position = next(
            (i for i, k in enumerate(self.kinds) if k is _ArgKind.DEVICE), None
        )
        # Positions whose values need checking or converting on every call.
        self._convert = tuple(
            i for i, k in enumerate(self.kinds) if k is not _ArgKind.OTHER
        )

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        n = len(args)
        if n > self.n_positional:
            raise ArgumentError(
                f"{self.schema.qualified_name}() takes {self.n_positional} positional "
                f"argument(s) but {n} were given; schema: {self.schema}"
            )
        values = list(args)
        values.extend(self.defaults[n:])
        for name, value in kwargs.items():
            i = self.index.get(name)
            if i is None:
                raise ArgumentError(
                    f"{self.schema.qualified_name}() got an unexpected keyword argument "
                    f"{name!r}; schema: {self.schema}"
                )
            if i < n:
                raise ArgumentError(
                    f"{self.schema.qualified_name}() got argument {name!r} both by "
                    "position and by keyword"
                )
            values[i] = value
        kinds = self.kinds
        for i in self._convert:
            value = values[i]
            # Tensors passed where tensors are expected need no checking.
            if type(value) is Tensor and kinds[i] is _ArgKind.TENSOR:
                continue
            if type(value) in _PYTHON_NUMBERS and kinds[i] is _ArgKind.SCALAR:
                continue
            values[i] = self._check(i, value)
        return values

    def _check(self, i: int, value: Any) -> Any:
        kind = self.kinds[i]
        if value is NO_DEFAULT:
            raise ArgumentError(
                f"{self.schema.qualified_name}() missing required argument "
                f"{self.names[i]!r}; schema: {self.schema}"
            )
        if value is None:
            if self.optional[i] or kind is _ArgKind.OPTIONAL_TENSOR:
                return None
            return self._fail(i, value)
        if kind is _ArgKind.TENSOR or kind is _ArgKind.OPTIONAL_TENSOR:
            if isinstance(value, Tensor):
                return value
            if self.numbers_as_tensors:
                if isinstance(value, _NUMBER):
                    return value
                if isinstance(value, np.generic) and value.dtype.kind in "biuf":
                    return value.item()
            return self._fail(i, value)
        if kind is _ArgKind.SCALAR:
            if isinstance(value, _NUMBER):
                return value
            if isinstance(value, np.generic) and value.dtype.kind in "biuf":
                return value.item()
            if isinstance(value, Tensor) and value.numel() == 1:
                return value.item()
            return self._fail(i, value)
        if kind is _ArgKind.INT:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, np.integer):
                return int(value)
            return self._fail(i, value)
        if kind is _ArgKind.INT_LIST:
            return self._int_list(i, value)
        if kind is _ArgKind.FLOAT:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            return self._fail(i, value)
        if kind is _ArgKind.BOOL:
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            return self._fail(i, value)
        if kind is _ArgKind.STR:
            return value if isinstance(value, str) else self._fail(i, value)
        if kind is _ArgKind.DTYPE:
            return value if isinstance(value, DType) else as_dtype(value)
        if kind is _ArgKind.DEVICE:
            return value if isinstance(value, Device) else Device(value)
        if kind is _ArgKind.GENERATOR:
            return value if isinstance(value, Generator) else self._fail(i, value)
        if kind is _ArgKind.TENSOR_LIST:
            if isinstance(value, (list, tuple)) and all(
                v is None or isinstance(v, Tensor) for v in value
            ):
                return tuple(value)
            return self._fail(i, value)
        return value

    def _int_list(self, i: int, value: Any) -> tuple[int, ...]:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            size = self.list_sizes[i] or 1
            return (int(value),) * size
        if isinstance(value, (list, tuple)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
        ):
            # int[N] pins the length for N > 1 (a conv's stride); int[1] is "one or more".
            fixed = self.list_sizes[i]
            if fixed is not None and fixed > 1 and len(value) != fixed:
                raise ArgumentError(
                    f"{self.schema.qualified_name}(): argument {self.names[i]!r} takes "
                    f"{fixed} ints, got {len(value)}: {value!r}"
                )
            return tuple(int(v) for v in value)
        if isinstance(value, Tensor) and not value.dtype.is_floating_point and value.ndim <= 1:
            return tuple(int(v) for v in value.numpy().reshape(-1).tolist())
        self._fail(i, value)
        raise AssertionError  # unreachable: _fail raises

    def _fail(self, i: int, value: Any) -> Any:
        arg = self.schema.arguments[i]
        expected = str(arg.type)
        if self.kinds[i] is _ArgKind.TENSOR and self.numbers_as_tensors:
            expected = "Tensor or a Python number"
        raise ArgumentError(
            f"{self.schema.qualified_name}(): argument {arg.name!r} must be {expected}, "
            f"not {type(value).__name__} ({value!r:.60})"
        )


class OperatorDef:
    """An operator: its schema, meta function, tags and kernels per dispatch key."""

    def __init__(
        self,
        schema: FunctionSchema,
        tags: frozenset[str],
        promotes: Sequence[str] | None,
        library: str,
        doc: str = "",
    ):
        self.schema = schema
        self.doc = doc
        self.name = schema.qualified_name
        self.tags = tags
        self.library = library
        self.meta: Callable[..., Any] | None = None
        self.meta_library: str | None = None
        self.kernels: dict[DispatchKey, Kernel] = {}
        self.pointwise = "pointwise" in tags
        self.is_mutating = schema.is_mutable
        self.binder = Binder(schema, numbers_as_tensors=self.pointwise)
        tensor_args = [schema.arguments[i].name for i in self.binder.tensor_positions]
        if promotes is None:
            promotes = tensor_args
        unknown = [name for name in promotes if name not in self.binder.index]
        if unknown:
            raise RegistrationError(
                f"{self.name}: promotes= names {unknown}, which are not arguments of {schema}"
            )
        self.promoted = tuple(self.binder.index[name] for name in promotes)
        # (backend key, computation dtype, fallback policy) -> resolved kernel
        self.cache: dict[tuple[DispatchKey, DType | None, str], Any] = {}
        # Several named returns, "-> (Tensor values, Tensor indices)": results are a
        # named tuple, as PyTorch's torch.return_types.
        self.result_tuple = named_results(schema)

    def __repr__(self) -> str:
        return f"<operator {self.name}>"


def named_results(schema: FunctionSchema) -> type[tuple[Any, ...]] | None:
    """The named tuple of an operator's results, when it has several named returns.

    Example:
        >>> from plugboard._dispatch.schema import parse_schema
        >>> pair = named_results(parse_schema("f(Tensor x) -> (Tensor values, Tensor indices)"))
        >>> pair._fields
        ('values', 'indices')
    """
    names = [r.name for r in schema.returns if r.name is not None]
    if len(names) < 2 or len(names) != len(schema.returns):
        return None
    return namedtuple(schema.name, names)


@dataclass(eq=False)
class Registration:
    """One registration (an operator, a meta function, a kernel) and how to undo it.

    The registry's ``add_*`` functions return one; :class:`plugboard.Library`
    keeps them and :meth:`Library.close` removes them in reverse order, which
    is also how an unloaded plugin's kernels go away.
    """

    what: str
    _undo: Callable[[], None]
    active: bool = True

    def remove(self) -> None:
        """Undo the registration (once; later calls do nothing)."""
        if self.active:
            self.active = False
            with _lock:
                self._undo()
                invalidate_caches()

    def __repr__(self) -> str:
        state = "" if self.active else ", removed"
        return f"<registration {self.what}{state}>"


_lock = threading.RLock()
_ops: dict[str, OperatorDef] = {}


def add_op(op: OperatorDef) -> Registration:
    """Add an operator to the table; a name is defined once."""
    with _lock:
        existing = _ops.get(op.name)
        if existing is not None:
            raise RegistrationError(
                f"operator {op.name} is already defined (by library {existing.library!r}: "
                f"{existing.schema}); an operator is defined once, then implemented per "
                "dispatch key with Library.impl"
            )
        _ops[op.name] = op
        invalidate_caches()

    def undo() -> None:
        if _ops.get(op.name) is op:
            del _ops[op.name]

    return Registration(f"operator {op.name}", undo)


def set_meta(op: OperatorDef, fn: Callable[..., Any], library: str) -> Registration:
    """Give ``op`` its meta function; an operator has one."""
    with _lock:
        if op.meta is not None:
            raise RegistrationError(
                f"{op.name} already has a meta function (from library {op.meta_library!r})"
            )
        op.meta = fn
        op.meta_library = library
        invalidate_caches()

    def undo() -> None:
        if op.meta is fn:
            op.meta = None
            op.meta_library = None

    return Registration(f"meta function of {op.name}", undo)


def get_op(name: str) -> OperatorDef:
    """The operator ``namespace::name``; a clear error when it is not defined."""
    op = _ops.get(name)
    if op is None:
        close = difflib.get_close_matches(name, list(_ops), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ArgumentError(f"no operator named {name!r} is defined{hint}")
    return op


def find_op(name: str) -> OperatorDef | None:
    """The operator ``namespace::name``, or None."""
    return _ops.get(name)


def registered_ops() -> list[OperatorDef]:
    """Every defined operator, sorted by qualified name: the one operator list."""
    return sorted(_ops.values(), key=lambda op: op.name)


def invalidate_caches() -> None:
    """Forget every resolved kernel; called on every registration."""
    for op in _ops.values():
        op.cache.clear()


def set_kernel(op: OperatorDef, kernel: Kernel) -> Registration:
    """Add ``kernel`` to ``op`` for its dispatch key; one kernel per key."""
    with _lock:
        existing = op.kernels.get(kernel.key)
        if existing is not None:
            raise RegistrationError(
                f"{op.name} already has a {kernel.key} kernel ({existing.origin}, from library "
                f"{existing.library!r}); a second registration ({kernel.origin}) is rejected. "
                "Close the first library (Library.close()) to replace it"
            )
        op.kernels[kernel.key] = kernel
        invalidate_caches()

    def undo() -> None:
        if op.kernels.get(kernel.key) is kernel:
            del op.kernels[kernel.key]

    return Registration(f"{kernel.key} kernel of {op.name}", undo)
