"""The operator registry: one :class:`OperatorDef` per operator, with its kernels.

Registration goes through :class:`plugboard.Library`; this module holds the
tables and the argument binder that turns a Python call into the values of
the schema's arguments.
"""

from __future__ import annotations

import reprlib
import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DType, as_dtype
from plugboard._core.errors import ArgumentError, PlugboardError, RegistrationError
from plugboard._core.tensor import Tensor
from plugboard._dispatch.aliases import KEYWORD_ALIASES, resolve_alias
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
    "describe_value",
    "describe_values",
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
        values = list(args)
        try:
            if n > self.n_positional:
                raise ArgumentError(
                    f"takes {self.n_positional} positional argument(s) but {n} were given. "
                    f"Fix: pass the others by keyword, as the schema says: {self.schema}"
                )
            values.extend(self.defaults[n:])
            for name, value in kwargs.items():
                i = self.index.get(name)
                if i is None and name in KEYWORD_ALIASES:
                    alias = resolve_alias(name, self.index, kwargs)  # sum(x, axis=0)
                    i = None if alias is None else self.index[alias]
                if i is None:
                    import difflib  # loaded for error messages only

                    close = difflib.get_close_matches(str(name), self.names, n=1)
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    raise ArgumentError(
                        f"got an unexpected keyword argument {name!r}. Fix: {hint}the "
                        f"arguments are {', '.join(self.names) or 'none'}; schema: {self.schema}"
                    )
                if i < n:
                    raise ArgumentError(
                        f"got argument {name!r} both by position and by keyword. "
                        "Fix: pass it once"
                    )
                values[i] = value
            kinds = self.kinds
            for i in self._convert:
                value = values[i]
                # Tensors and Python numbers where they are expected need no converting.
                if type(value) is Tensor and kinds[i] is _ArgKind.TENSOR:
                    continue
                if kinds[i] is _ArgKind.SCALAR and (
                    type(value) is float or type(value) is bool
                    or (type(value) is int and _INT64_MIN <= value <= _INT64_MAX)
                ):
                    continue
                values[i] = self._check(i, value)
            if self.numbers_as_tensors:
                # Numbers stand in for tensors beside a tensor (2 - x), not alone (neg(1)).
                for i in self.tensor_positions:
                    if isinstance(values[i], Tensor):
                        break
                else:
                    raise self._numbers_only(values)
        except PlugboardError as error:
            if error.op is not None:
                raise
            shown = values + [NO_DEFAULT] * (len(self.names) - len(values))
            raise error.in_op(
                self.schema.qualified_name, describe_values(self.schema, shown) or "none"
            ) from None
        return values

    def _check(self, i: int, value: Any) -> Any:
        kind = self.kinds[i]
        if value is NO_DEFAULT:
            raise ArgumentError(
                f"missing required argument {self.names[i]!r}. Fix: pass it; "
                f"schema: {self.schema}"
            )
        if value is None:
            if self.optional[i] or kind is _ArgKind.OPTIONAL_TENSOR:
                return None
            return self._fail(i, value)
        if kind is _ArgKind.TENSOR or kind is _ArgKind.OPTIONAL_TENSOR:
            if isinstance(value, Tensor):
                return value
            if self.numbers_as_tensors:
                number = _python_number(value)
                if number is not None:
                    return self._in_range(i, number)
            return self._fail(i, value)
        if kind is _ArgKind.SCALAR:
            number = _python_number(value)
            if number is None and isinstance(value, Tensor) and value.numel() == 1:
                number = value.item()
            if number is not None:
                return self._in_range(i, number)
            return self._fail(i, value)
        if kind is _ArgKind.INT:
            if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
                return self._in_range(i, int(value))
            return self._fail(i, value)
        if kind is _ArgKind.INT_LIST:
            return self._int_list(i, value)
        if kind is _ArgKind.FLOAT:
            number = _python_number(value)
            if number is not None and not isinstance(number, bool):
                return float(self._in_range(i, number))
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

    def _numbers_only(self, values: list[Any]) -> ArgumentError:
        name = self.schema.name
        numbers = [values[i] for i in self.tensor_positions]
        if len(numbers) == 1:
            shown = _short(numbers[0])
            return ArgumentError(
                f"{name} takes a tensor, not {type(numbers[0]).__name__} ({shown}). Fix: wrap "
                f"it, e.g. pb.tensor({shown}), or use Python's math module"
            )
        return ArgumentError(
            f"{name} takes at least one tensor, not only Python numbers. Fix: wrap one, e.g. "
            f"pb.tensor({_short(numbers[0])}), or compute with Python's math module"
        )

    def _in_range(self, i: int, number: bool | int | float) -> bool | int | float:
        """``number``, unless it is an int that a 64-bit integer cannot hold."""
        if type(number) is int and not _INT64_MIN <= number <= _INT64_MAX:
            raise ArgumentError(
                f"argument {self.names[i]!r} is {_short(number)}, which does not fit in a 64-bit "
                f"integer ({_INT64_MIN} to {_INT64_MAX}). Fix: pass a smaller value, or "
                "a float"
            )
        return number

    def _int_list(self, i: int, value: Any) -> tuple[int, ...]:
        if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            size = self.list_sizes[i] or 1
            return (int(self._in_range(i, int(value))),) * size
        if isinstance(value, (list, tuple)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
            for v in value
        ):
            # int[N] pins the length for N > 1 (a conv's stride); int[1] is "one or more".
            fixed = self.list_sizes[i]
            if fixed is not None and fixed > 1 and len(value) != fixed:
                raise ArgumentError(
                    f"argument {self.names[i]!r} takes {fixed} ints, got {len(value)}: "
                    f"{_short(value)}. Fix: pass {fixed} ints, or one int for all {fixed}"
                )
            return tuple(int(self._in_range(i, int(v))) for v in value)
        if isinstance(value, Tensor) and not value.dtype.is_floating_point and value.ndim <= 1:
            return tuple(int(v) for v in value.numpy().reshape(-1).tolist())
        self._fail(i, value)
        raise AssertionError  # unreachable: _fail raises

    def _fail(self, i: int, value: Any) -> Any:
        arg = self.schema.arguments[i]
        kind = self.kinds[i]
        expected = str(arg.type)
        if kind is _ArgKind.TENSOR and self.numbers_as_tensors:
            expected = "Tensor or a Python number"
        fix = _FIXES[kind]
        if kind is _ArgKind.TENSOR and self.numbers_as_tensors:
            fix = "pass a tensor, e.g. pb.tensor([1.0, 2.0]), or a Python number"
        if self.optional[i] and kind is not _ArgKind.OPTIONAL_TENSOR:
            fix += ", or None"
        raise ArgumentError(
            f"argument {arg.name!r} must be {expected}, not {type(value).__name__} "
            f"({_short(value)}). Fix: {fix}"
        )


# What to pass instead of a wrong value, per kind of argument.
_FIXES: Final = {
    _ArgKind.TENSOR: "pass a tensor, e.g. pb.tensor([1.0, 2.0])",
    _ArgKind.OPTIONAL_TENSOR: "pass a tensor or None",
    _ArgKind.TENSOR_LIST: "pass a list or tuple of tensors, e.g. [x, y]",
    _ArgKind.SCALAR: "pass a Python bool, int or float (or a one-element tensor)",
    _ArgKind.INT: "pass a Python int",
    _ArgKind.INT_LIST: "pass an int or a list of ints, e.g. [2, 3]",
    _ArgKind.FLOAT: "pass a Python float",
    _ArgKind.BOOL: "pass True or False",
    _ArgKind.STR: "pass a str",
    _ArgKind.DTYPE: "pass a dtype such as pb.float32",
    _ArgKind.DEVICE: "pass a device such as 'cpu'",
    _ArgKind.GENERATOR: "pass a pb.Generator",
    _ArgKind.OTHER: "pass a value of the schema's type",
}

_INT64_MIN: Final = -(1 << 63)
_INT64_MAX: Final = (1 << 63) - 1


class _ShortRepr(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        # repr() refuses ints of more than 4300 digits (about 14,000 bits).
        if x.bit_length() > 10_000:
            return f"<int of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_REPR: Final = _ShortRepr()
_REPR.maxstring = _REPR.maxother = 60


def _short(value: Any) -> str:
    """A repr of bounded length and cost (a list of a million ints is not rendered)."""
    try:
        return _REPR.repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        return f"<{type(value).__name__}>"


def _python_number(value: Any) -> bool | int | float | None:
    """``value`` as a Python number (NumPy scalars included), or None if it is not one."""
    if isinstance(value, _NUMBER):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        number: bool | int | float = value.item()
        return number
    return None


def describe_values(schema: FunctionSchema, values: Sequence[Any]) -> str:
    """The arguments of a call, for error messages: names, dtypes, shapes and devices.

    Arguments left at their defaults (and missing ones) are not shown.

    Example:
        >>> import plugboard as pb
        >>> from plugboard._dispatch.schema import parse_schema
        >>> schema = parse_schema("f(Tensor self, int dim=0, str mode='a') -> Tensor")
        >>> describe_values(schema, [pb.ones(2, 3), 1, "a"])
        'self=float32[2, 3] on cpu:0, dim=1'
    """
    parts = []
    for arg, value in zip(schema.arguments, values, strict=False):
        if value is NO_DEFAULT or (
            value is not None and type(value) in _DEFAULT_TYPES
            and type(value) is type(arg.default) and _equal(value, arg.default)
        ):
            continue
        parts.append(f"{arg.name}={describe_value(value)}")
    return ", ".join(parts)


_DEFAULT_TYPES: Final = frozenset({bool, int, float, str, tuple})


def _equal(value: Any, default: Any) -> bool:
    # A tuple may hold anything a caller passed (tensors compare elementwise).
    try:
        return bool(value == default)
    except Exception:  # then it is not the default
        return False


def describe_value(value: Any) -> str:
    """One argument, for error messages: a tensor's dtype, shape and device, else a repr.

    Example:
        >>> import plugboard as pb
        >>> describe_value(pb.ones(2, 3)), describe_value("mean")
        ('float32[2, 3] on cpu:0', "'mean'")
    """
    if isinstance(value, Tensor):
        shape = ", ".join(str(s) for s in value.shape)
        return f"{value.dtype}[{shape}] on {value.device}"
    if isinstance(value, tuple) and value and isinstance(value[0], Tensor):
        return f"[{len(value)} tensors]"
    return _short(value)


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
        # Its meta function reads only the call signature: the dispatcher caches plans.
        self.signature_cached = self.pointwise or "pure_meta" in tags
        self.is_mutating = schema.is_mutable
        self.binder = Binder(schema, numbers_as_tensors=self.pointwise)
        tensor_args = [schema.arguments[i].name for i in self.binder.tensor_positions]
        if promotes is None:
            promotes = tensor_args
        unknown = [name for name in promotes if name not in self.binder.index]
        if unknown:
            raise RegistrationError(
                f"{self.name}: promotes= names {unknown}, which are not arguments of {schema}. "
                "Fix: name arguments of the schema"
            )
        self.promoted = tuple(self.binder.index[name] for name in promotes)
        # (backend key, computation dtype, fallback policy) -> resolved kernel
        self.cache: dict[tuple[DispatchKey, DType | None, str], Any] = {}
        # (backend key, fallback policy, default dtype, variant, call signature) -> plan:
        # the dispatcher's signature cache (functional and in-place calls)
        self.plans: dict[tuple[DispatchKey, str, DType, Any, tuple[Any, ...]], Any] = {}
        # raw positional arguments and the thread's dispatch state -> the handle's fast
        # entry over a plan (dispatcher._FastCall)
        self.fast_calls: dict[tuple[Any, ...], Any] = {}
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
                f"{existing.schema}); an operator is defined once. Fix: implement it per "
                "dispatch key with Library.impl, or define another name"
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
                f"{op.name} already has a meta function (from library {op.meta_library!r}). "
                "Fix: an operator has one meta function; close that library to replace it"
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
        import difflib  # loaded for error messages only

        close = difflib.get_close_matches(name, list(_ops), n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise ArgumentError(
            f"no operator named {name!r:.80} is defined. Fix: {hint}`plugboard ops` lists "
            "the operators"
        )
    return op


def find_op(name: str) -> OperatorDef | None:
    """The operator ``namespace::name``, or None."""
    return _ops.get(name)


def registered_ops() -> list[OperatorDef]:
    """Every defined operator, sorted by qualified name: the one operator list."""
    return sorted(_ops.values(), key=lambda op: op.name)


def invalidate_caches() -> None:
    """Forget every resolved kernel and call plan; called on every registration."""
    for op in _ops.values():
        # Start-up registers ~400 times before any call fills one.
        if op.cache or op.plans or op.fast_calls:
            op.cache.clear()
            op.plans.clear()
            op.fast_calls.clear()


def set_kernel(op: OperatorDef, kernel: Kernel) -> Registration:
    """Add ``kernel`` to ``op`` for its dispatch key; one kernel per key."""
    with _lock:
        existing = op.kernels.get(kernel.key)
        if existing is not None:
            raise RegistrationError(
                f"{op.name} already has a {kernel.key} kernel ({existing.origin}, from library "
                f"{existing.library!r}); a second registration ({kernel.origin}) is rejected. "
                "Fix: close the first library (Library.close()) to replace it"
            )
        op.kernels[kernel.key] = kernel
        invalidate_caches()

    def undo() -> None:
        if op.kernels.get(kernel.key) is kernel:
            del op.kernels[kernel.key]

    return Registration(f"{kernel.key} kernel of {op.name}", undo)
