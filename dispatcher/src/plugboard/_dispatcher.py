"""The dispatcher: how one operator call runs.

``pb.add(x, y)`` calls an :class:`OperatorHandle`, which

1. binds the arguments to the schema (defaults, checks, conversions);
2. computes the key set: the keys of the tensor arguments (or of ``device=``
   for factories), plus the thread's included keys, minus its excluded keys;
3. gives the call to the highest functionality key with a kernel (which
   redispatches below itself), or else to the backend's executor;
4. the executor runs the meta function (validation, output shapes and dtypes,
   before any device work), resolves the kernel for (backend, dtype) through
   :func:`resolve_kernel` (cached), allocates outputs and calls the kernel.

One functional kernel serves three forms: ``pb.add(x, y)``, ``x.add_(y)`` and
``pb.add(x, y, out=z)``.
"""

from __future__ import annotations

import contextvars
import os
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from . import _keys
from ._copy import cast, contiguous
from ._device import Device
from ._dtype import DType, can_cast
from ._errors import (
    ArgumentError,
    DeviceError,
    DTypeError,
    FallbackWarning,
    KernelNotFoundError,
    PlugboardError,
    ShapeError,
)
from ._keys import BACKEND_MASK, FUNCTIONALITY_MASK, CompositeImplicit, DispatchKey
from ._plugins import LoadedBackend, backend_for_key, get_backend
from ._registry import Kernel, MetaResult, OperatorDef, Path, TensorSpec, find_op, get_op
from ._tensor import Tensor
from ._views import expand_to

__all__ = [
    "FALLBACK_POLICIES",
    "OperatorHandle",
    "Variant",
    "handle",
    "record_paths",
    "fallback_counts",
    "fallback_policy",
    "ops",
    "resolve_kernel",
]


# Fallback policy ---------------------------------------------------------------

FALLBACK_POLICIES: Final = ("error", "cpu")
FALLBACK_ENV: Final = "PLUGBOARD_FALLBACK"


def _policy_from_env() -> str:
    value = os.environ.get(FALLBACK_ENV, "error").strip().lower() or "error"
    if value not in FALLBACK_POLICIES:
        raise ArgumentError(
            f"{FALLBACK_ENV}={value!r} is not a fallback policy; use one of {FALLBACK_POLICIES}"
        )
    return value


_policy: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "plugboard_fallback_policy", default=None
)
_env_policy: str | None = None
_fallback_counts: Counter[str] = Counter()
_fallback_warned: set[str] = set()
_fallback_lock = threading.Lock()


def current_fallback_policy() -> str:
    """The fallback policy in force: the innermost ``fallback_policy`` block, else the env."""
    global _env_policy
    policy = _policy.get()
    if policy is not None:
        return policy
    if _env_policy is None:
        _env_policy = _policy_from_env()
    return _env_policy


@contextmanager
def fallback_policy(policy: str) -> Iterator[None]:
    """Set the fallback policy inside a block: ``"error"`` (default) or ``"cpu"``.

    With ``"cpu"``, an operator that has no kernel for its backend runs on the
    CPU with copies to and from the device. Every such run is counted
    (:func:`fallback_counts`) and the first one of each operator warns with a
    :class:`plugboard.FallbackWarning`. The environment variable
    ``PLUGBOARD_FALLBACK`` sets the policy outside such blocks.

    Example:
        >>> import plugboard as pb
        >>> with pb.fallback_policy("cpu"):
        ...     pass
    """
    if policy not in FALLBACK_POLICIES:
        raise ArgumentError(
            f"unknown fallback policy {policy!r}; use one of {FALLBACK_POLICIES}"
        )
    token = _policy.set(policy)
    try:
        yield
    finally:
        _policy.reset(token)


def fallback_counts() -> dict[str, int]:
    """How many times each operator ran through the fallback, since start or reset."""
    with _fallback_lock:
        return dict(_fallback_counts)


def reset_fallback_counts() -> None:
    with _fallback_lock:
        _fallback_counts.clear()
        _fallback_warned.clear()


# Resolution --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """The outcome of kernel resolution for one (operator, backend, dtype)."""

    path: Path
    fn: Callable[..., Any] | None
    kernel: Kernel | None


def resolve_kernel(
    op: OperatorDef, backend: LoadedBackend, dtype: DType | None, policy: str
) -> Resolved:
    """Choose what runs ``op`` on ``backend`` when it computes in ``dtype``.

    The order, in one place:
    """
    key = backend.key
    # 1. The meta backend computes no values: the meta function is all it needs.
    if backend.is_meta and op.meta is not None:
        return Resolved(Path.META, None, None)
    # 2. Factories that only allocate (empty): the backend's allocator is the kernel.
    if "allocation" in op.tags:
        return Resolved(Path.NATIVE, None, None)
    # 3. The backend's own kernel, when it declares this dtype.
    kernel = op.kernels.get(key)
    if kernel is not None and kernel.accepts(dtype):
        return Resolved(Path.NATIVE, kernel.fn, kernel)
    # 4. A decomposition registered once for every backend.
    composite = op.kernels.get(CompositeImplicit)
    if composite is not None:
        return Resolved(Path.COMPOSITE, composite.fn, composite)
    # 5. The fallback policy: run on the CPU with copies, if the policy allows it.
    if policy == "cpu" and backend.device_type != "cpu" and not backend.is_meta:
        cpu = get_backend("cpu")
        cpu_kernel = op.kernels.get(cpu.key)
        if cpu_kernel is not None and cpu_kernel.accepts(dtype):
            return Resolved(Path.FALLBACK, _cpu_fallback(op), cpu_kernel)
    # 6. Nothing can run it: say what exists and what to do.
    raise KernelNotFoundError(_no_kernel_message(op, backend, dtype, kernel, policy))


def _no_kernel_message(
    op: OperatorDef, backend: LoadedBackend, dtype: DType | None, kernel: Kernel | None,
    policy: str,
) -> str:
    where = backend.key.name
    if kernel is not None and kernel.dtypes is not None:
        declared = ", ".join(sorted(d.name for d in kernel.dtypes))
        problem = f"the {where} kernel does not support {dtype} (it declares: {declared})"
        names = {d.name for d in kernel.dtypes}
        suggestion = "float32" if "float32" in names else sorted(names)[0]
        fix = f"cast the inputs to a supported dtype, e.g. x.to(pb.{suggestion})"
    else:
        problem = f"there is no {where} kernel and no decomposition"
        fix = (
            f"install or write a {backend.device_type} kernel for {op.name}, or move the "
            "inputs to a device that has one, e.g. .to('cpu')"
        )
    if policy == "error" and backend.device_type != "cpu" and not backend.is_meta:
        fix += (
            "; or allow running it on the CPU with copies: pb.fallback_policy('cpu') "
            f"or {FALLBACK_ENV}=cpu"
        )
    return f"{problem}. Fix: {fix}"


def _cpu_fallback(op: OperatorDef) -> Callable[..., Any]:
    """A kernel that runs ``op`` on the CPU, moving tensors there and back."""

    def run_on_cpu(*values: Any) -> Any:
        device = next(v.device for v in values if isinstance(v, Tensor))
        with _fallback_lock:
            _fallback_counts[op.name] += 1
            first = op.name not in _fallback_warned
            _fallback_warned.add(op.name)
        if first:
            warnings.warn(
                f"{op.name} has no {device.type} kernel; running it on cpu with copies "
                f"(fallback policy 'cpu')",
                FallbackWarning,
                stacklevel=4,
            )
        cpu = Device("cpu")
        moved = [_to_device(v, cpu) for v in values]
        result = OperatorHandle(op)._call_values(moved, Variant.FUNCTIONAL, None)
        if op.is_mutating:
            # The kernel changed the CPU copies: write them back where they belong.
            for name in op.schema.mutated_arguments:
                i = op.binder.index[name]
                _write_back(values[i], moved[i])
            return values[0]
        return _to_device(result, device)

    return run_on_cpu


def _write_back(target: Tensor, source: Tensor) -> None:
    from ._copy import from_host
    from ._tensor import host_array

    if not target.is_contiguous():
        raise KernelNotFoundError(
            f"the CPU fallback cannot write into a non-contiguous tensor on {target.device}. "
            f"Fix: give the {target.device.type} backend a pb::copy_ kernel"
        )
    from_host(host_array(source), target)


def _to_device(value: Any, device: Device) -> Any:
    from ._copy import to_device

    if isinstance(value, Tensor):
        return to_device(value, device)
    if isinstance(value, tuple):
        return tuple(_to_device(v, device) for v in value)
    return value


# The call path -----------------------------------------------------------------


class Variant(Enum):
    FUNCTIONAL = "functional"
    INPLACE = "inplace"


class OperatorHandle:
    """A callable operator: ``pb.ops.pb.add``, also exported as ``pb.add``.

    Functional operators with a meta function take ``out=`` (a tensor, or a
    tuple for several outputs). Pointwise operators also have an in-place
    handle, ``pb.ops.pb.add_``.
    """

    __slots__ = ("__name__", "__qualname__", "_op", "_variant")

    def __init__(self, op: OperatorDef, variant: Variant = Variant.FUNCTIONAL):
        self._op = op
        self._variant = variant
        name = op.schema.name + ("_" if variant is Variant.INPLACE else "")
        self.__name__ = name
        self.__qualname__ = name

    @property
    def op(self) -> OperatorDef:
        return self._op

    @property
    def schema(self) -> Any:
        return self._op.schema

    def __repr__(self) -> str:
        suffix = "_" if self._variant is Variant.INPLACE else ""
        return f"<operator {self._op.name}{suffix}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = None
        if kwargs and "out" in kwargs:
            out = kwargs.pop("out")
            if out is not None and self._variant is Variant.INPLACE:
                raise ArgumentError(f"{self!r} is in-place and takes no out=")
        values = self._op.binder.bind(args, kwargs)
        return self._call_values(values, self._variant, out)

    def redispatch(self, values: list[Any], out: Any = None, *, below: DispatchKey) -> Any:
        """Run a call again with ``below`` and every functionality key above it excluded.

        Functionality kernels receive ``(handle, values, out)``, do their work,
        and call this to let the keys below them compute.
        """
        assert below.bit is not None
        mask = FUNCTIONALITY_MASK & ~((1 << below.bit) - 1)
        with _keys.thread_keys("excluded", mask):
            return self._call_values(list(values), self._variant, out)

    def _call_values(self, values: list[Any], variant: Variant, out: Any) -> Any:
        op = self._op
        keyset = 0
        for i in op.binder.tensor_positions:
            v = values[i]
            if isinstance(v, Tensor):
                keyset |= v._keyset
            elif isinstance(v, tuple):
                for t in v:
                    if t is not None:
                        keyset |= t._keyset
        tls = _keys.tls
        keyset = (keyset | tls.included) & ~tls.excluded

        # Functionality keys first, highest priority first; those without a kernel fall through.
        functionality = keyset & FUNCTIONALITY_MASK
        while functionality:
            key = _keys.keys_in(functionality)[0]
            kernel = op.kernels.get(key)
            if kernel is not None:
                handle = self if variant is self._variant else OperatorHandle(op, variant)
                return kernel.fn(handle, values, out)
            functionality &= ~key.mask

        # BackendSelect: device= names the backend (factories, *_like with device=).
        device_pos = op.binder.device_position
        if device_pos is not None and values[device_pos] is not None:
            backend = get_backend(values[device_pos].type)
            backend.check_device(values[device_pos])
        else:
            backends = keyset & BACKEND_MASK
            if backends == 0:
                backend = get_backend("cpu")
            elif backends & (backends - 1):
                raise DeviceError(
                    "expected all tensors on one device, but they are on several backends. "
                    "Move them to one device with .to(...) first",
                    op=op.name,
                    inputs=describe_inputs(op, values),
                )
            else:
                backend = backend_for_key(backends.bit_length() - 1)
        return execute(op, backend, values, variant, out)


def execute(
    op: OperatorDef, backend: LoadedBackend, values: list[Any], variant: Variant, out: Any
) -> Any:
    """Run ``op`` on ``backend``: meta, resolution, outputs, adaptation, kernel."""
    # Meta: validation and output specs, before any device work.
    meta = op.meta
    specs: tuple[TensorSpec, ...] | None = None
    compute_dtype: DType | None = None
    if meta is not None:
        try:
            result = meta(*values)
        except PlugboardError as error:
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        if type(result) is TensorSpec:
            specs = (result,)
            compute_dtype = result.dtype
        elif type(result) is MetaResult:
            specs = result.outputs
            compute_dtype = result.compute_dtype
        else:
            specs = tuple(result)
            compute_dtype = specs[0].dtype if specs else None

    policy = current_fallback_policy()
    cache_key = (backend.key, compute_dtype, policy)
    resolved = op.cache.get(cache_key)
    if resolved is None:
        try:
            resolved = resolve_kernel(op, backend, compute_dtype, policy)
        except PlugboardError as error:
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        op.cache[cache_key] = resolved

    targets = _targets(op, specs, values, variant, out) if specs is not None else None
    if variant is Variant.INPLACE and specs is None:
        raise ArgumentError(f"{op.name} has no meta function, so it has no in-place form")

    path = resolved.path
    if _recorder.active:
        _recorder.record(op.name, backend.device_type, path, compute_dtype)
    if path is Path.META or (path is Path.NATIVE and resolved.fn is None):
        assert specs is not None
        if op.is_mutating:
            return values[0]
        if targets is not None:
            return _single(targets, op)
        return _single(tuple(backend.new_tensor(s) for s in specs), op)
    if path is not Path.NATIVE or specs is None:
        # Composites, the fallback, and kernels of operators without a meta function
        # compute their own results; in-place and out= forms copy them into place.
        assert resolved.fn is not None
        try:
            result = resolved.fn(*values)
        except PlugboardError as error:
            if error.op is not None:
                raise
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        if targets is None:
            named = op.result_tuple
            return named(*result) if named is not None and type(result) is tuple else result
        results = result if isinstance(result, tuple) else (result,)
        for target, value in zip(targets, results, strict=True):
            copy_into(target, value)
        return _single(targets, op)

    kernel = resolved.kernel
    assert kernel is not None and resolved.fn is not None and compute_dtype is not None
    args = _adapt_inputs(op, kernel, values, compute_dtype, specs[0].shape)
    if op.is_mutating:
        # Operators whose schema mutates an argument (copy_) write it themselves.
        _call_kernel(op, resolved.fn, args, values, None)
        return values[0]
    outputs = []
    for i, spec in enumerate(specs):
        if targets is not None and _writable_directly(
            targets[i], spec, kernel, args, op.pointwise
        ):
            outputs.append(targets[i])
        else:
            outputs.append(backend.new_tensor(spec))
    _call_kernel(op, resolved.fn, args, values, outputs[0] if len(outputs) == 1 else tuple(outputs))
    if targets is None:
        return _single(tuple(outputs), op)
    for target, output in zip(targets, outputs, strict=True):
        if target is not output:
            copy_into(target, output)
    return _single(targets, op)


def _call_kernel(
    op: OperatorDef, fn: Callable[..., Any], args: list[Any], values: list[Any], out: Any
) -> None:
    try:
        if out is None:
            fn(*args)
        else:
            fn(*args, out=out)
    except PlugboardError as error:
        if error.op is not None:
            raise
        raise error.in_op(op.name, describe_inputs(op, values)) from None


def _single(results: tuple[Tensor, ...], op: OperatorDef | None = None) -> Any:
    if len(results) == 1:
        return results[0]
    named = op.result_tuple if op is not None else None
    return named(*results) if named is not None else results


def _targets(
    op: OperatorDef,
    specs: tuple[TensorSpec, ...],
    values: list[Any],
    variant: Variant,
    out: Any,
) -> tuple[Tensor, ...] | None:
    """The tensors an in-place or ``out=`` call writes, checked against the meta specs."""
    if variant is Variant.INPLACE:
        self = values[0]
        if not isinstance(self, Tensor):
            raise ArgumentError(f"{op.name}_: the first argument must be a tensor")
        targets: tuple[Tensor, ...] = (self,)
        what = "the in-place target"
    elif out is None:
        return None
    else:
        targets = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        what = "out="
        if len(targets) != len(specs) or not all(isinstance(t, Tensor) for t in targets):
            raise ArgumentError(
                f"out= takes {len(specs)} tensor(s) for this operator, got {out!r:.80}",
                op=op.name,
                inputs=describe_inputs(op, values),
            )
    for target, spec in zip(targets, specs, strict=True):
        error: type[PlugboardError]
        if target.shape != spec.shape:
            message = f"{what} has shape {target.shape} but the result has shape {spec.shape}"
            error = ShapeError
        elif target.device != spec.device:
            message = f"{what} is on {target.device} but the result is on {spec.device}"
            error = DeviceError
        elif not can_cast(spec.dtype, target.dtype):
            message = (
                f"the result type {spec.dtype} can't be cast to {what}'s dtype {target.dtype}"
            )
            error = DTypeError
        else:
            continue
        raise error(
            message + ". Fix: use a tensor of the result's shape, dtype and device, "
            "or the functional form",
            op=op.name + ("_" if variant is Variant.INPLACE else ""),
            inputs=describe_inputs(op, values),
        )
    return targets


def _adapt_inputs(
    op: OperatorDef, kernel: Kernel, values: list[Any], dtype: DType, shape: tuple[int, ...]
) -> list[Any]:
    """What the kernel receives: inputs cast, broadcast and made contiguous as it declared."""
    args = list(values)
    if not kernel.mixed_dtypes:
        for i in op.promoted:
            v = args[i]
            if isinstance(v, Tensor):
                if v._dtype is not dtype:
                    args[i] = cast(v, dtype)
            elif isinstance(v, (bool, int, float)):
                args[i] = cast_scalar(v, dtype)
    if op.pointwise or not kernel.strided:
        for i in op.binder.tensor_positions:
            v = args[i]
            if not isinstance(v, Tensor):
                continue
            if op.pointwise and v._shape != shape:
                v = expand_to(v, shape)
            if not kernel.strided and not v.is_contiguous():
                v = contiguous(v)
            args[i] = v
    return args


def _writable_directly(
    target: Tensor, spec: TensorSpec, kernel: Kernel, args: list[Any], pointwise: bool
) -> bool:
    """Whether the kernel can write ``target`` itself rather than a temporary."""
    if target._dtype is not spec.dtype:
        return False
    if not kernel.strided and not target.is_contiguous():
        return False
    for a in args:
        if isinstance(a, Tensor) and a._storage is target._storage:
            # Elementwise reads of the very elements being written are safe; anything
            # else that shares memory with the output goes through a temporary.
            same_layout = (
                a._offset == target._offset
                and a._strides == target._strides
                and a._shape == target._shape
            )
            if not (pointwise and same_layout):
                return False
        elif isinstance(a, tuple) and any(
            isinstance(t, Tensor) and t._storage is target._storage for t in a
        ):
            return False  # a tensor of a Tensor[] argument (cat) shares memory with out
    return True


def cast_scalar(value: bool | int | float, dtype: DType) -> bool | int | float:
    """A Python number converted to ``dtype``'s values, wrapping integers as PyTorch does."""
    if dtype.is_bool:
        return bool(value)
    if dtype.is_floating_point:
        return float(value)
    if isinstance(value, float):
        value = int(value)
    bits = dtype.itemsize * 8
    if dtype.is_signed:
        return ((int(value) + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))
    return int(value) % (1 << bits)


def copy_into(target: Tensor, value: Tensor) -> None:
    """``target.copy_(value)`` through the dispatcher."""
    copy_ = find_op("pb::copy_")
    assert copy_ is not None
    OperatorHandle(copy_)(target, value)


def describe_inputs(op: OperatorDef, values: Sequence[Any]) -> str:
    """The inputs of a call, for error messages: names, dtypes, shapes and devices."""
    parts = []
    for arg, value in zip(op.schema.arguments, values, strict=False):
        if isinstance(value, Tensor):
            shape = ", ".join(str(s) for s in value.shape)
            parts.append(f"{arg.name}={value.dtype}[{shape}] on {value.device}")
        elif isinstance(value, tuple) and value and isinstance(value[0], Tensor):
            parts.append(f"{arg.name}=[{len(value)} tensors]")
        elif value is not None and arg.has_default and value == arg.default:
            continue
        else:
            parts.append(f"{arg.name}={value!r:.40}")
    return ", ".join(parts)


# Provenance --------------------------------------------------------------------


class _Recorder(threading.local):
    """Records which path each operator call took, while a ``record_paths`` block runs."""

    active: bool = False
    records: list[tuple[str, str, Path, DType | None]]

    def record(self, op: str, device_type: str, path: Path, dtype: DType | None) -> None:
        self.records.append((op, device_type, path, dtype))


_recorder: Final = _Recorder()


@contextmanager
def record_paths() -> Iterator[list[tuple[str, str, Path, DType | None]]]:
    """Collect ``(op, device type, path, dtype)`` for every call in the block (this thread)."""
    saved = (_recorder.active, getattr(_recorder, "records", None))
    records: list[tuple[str, str, Path, DType | None]] = []
    _recorder.active, _recorder.records = True, records
    try:
        yield records
    finally:
        _recorder.active = saved[0]
        if saved[1] is not None:
            _recorder.records = saved[1]


# pb.ops ------------------------------------------------------------------------


class _Namespace:
    """``pb.ops.<namespace>``: the operators of one namespace as attributes."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, name: str) -> OperatorHandle:
        if name.startswith("__"):
            raise AttributeError(name)
        handle = _handle(f"{self._name}::{name}")
        if handle is None:
            # A plugin's custom operators exist once it has loaded.
            from ._plugins import load_all

            load_all()
            handle = _handle(f"{self._name}::{name}")
        if handle is None:
            get_op(f"{self._name}::{name}")  # raises, with suggestions
            raise AttributeError(name)
        return handle

    def __dir__(self) -> list[str]:
        from ._registry import registered_ops

        prefix = self._name + "::"
        return [op.name[len(prefix):] for op in registered_ops() if op.name.startswith(prefix)]

    def __repr__(self) -> str:
        return f"<operator namespace {self._name!r}>"


def _handle(qualified: str) -> OperatorHandle | None:
    op = find_op(qualified)
    if op is not None:
        return OperatorHandle(op)
    if qualified.endswith("_") and not qualified.endswith("__"):
        base = find_op(qualified[:-1])
        if base is not None and base.pointwise and base.meta is not None:
            return OperatorHandle(base, Variant.INPLACE)
    return None


class _Ops:
    """``pb.ops``: operator namespaces, e.g. ``pb.ops.pb.add``.

    Example:
        >>> import plugboard as pb
        >>> pb.ops.pb.add(pb.tensor([1, 2]), 1).tolist()
        [2, 3]
    """

    def __getattr__(self, namespace: str) -> _Namespace:
        if namespace.startswith("__"):
            raise AttributeError(namespace)
        return _Namespace(namespace)


ops: Final = _Ops()


def handle(qualified: str, inplace: bool = False) -> OperatorHandle:
    """The handle of a defined operator, e.g. ``handle("pb::add")``."""
    return OperatorHandle(get_op(qualified), Variant.INPLACE if inplace else Variant.FUNCTIONAL)

