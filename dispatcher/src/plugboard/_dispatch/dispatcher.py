"""The dispatcher: how one operator call runs.

``pb.add(x, y)`` calls an :class:`OperatorHandle`, which

1. binds the arguments to the schema (defaults, checks, conversions);
2. computes the key set: the keys of the tensor arguments (or of ``device=``
   for factories), plus the thread's included keys, minus its excluded keys;
3. gives the call to the highest functionality key with a kernel (which
   redispatches below itself), or else to :func:`execute` on the backend;
4. :func:`execute` runs the meta function (validation, output shapes and
   dtypes, before any device work), asks :func:`resolve_kernel` what runs the
   operator (cached), and takes one of three paths: no kernel at all (meta
   tensors and allocation-only factories), a kernel that computes its own
   result (composites, the CPU fallback, operators without a meta function),
   or a structured kernel that writes outputs the core allocated.

One functional kernel serves three forms: ``pb.add(x, y)``, ``x.add_(y)`` and
``pb.add(x, y, out=z)``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DType, can_cast, get_default_dtype, opmath_dtype
from plugboard._core.errors import (
    ArgumentError,
    DeviceError,
    DTypeError,
    KernelError,
    KernelNotFoundError,
    PlugboardError,
    RegistrationError,
    ShapeError,
)
from plugboard._core.faults import note_queued
from plugboard._core.overlap import Overlap, check_writable, overlap
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, check_numel, contiguous_strides, host_array
from plugboard._core.views import expand_to
from plugboard._dispatch import keys as _keys
from plugboard._dispatch.backends import Backend, backend_source
from plugboard._dispatch.fallback import current_fallback_policy, record_fallback
from plugboard._dispatch.keys import BACKEND_MASK, FUNCTIONALITY_MASK, DispatchKey
from plugboard._dispatch.provenance import recorder
from plugboard._dispatch.registry import (
    Kernel,
    OperatorDef,
    Path,
    describe_values,
    find_op,
    get_op,
)
from plugboard._dispatch.resolution import Resolved, resolve_kernel
from plugboard._dispatch.transfers import new_tensor, to_device, write_from_host

__all__ = [
    "OperatorHandle",
    "OperatorRef",
    "Variant",
    "cast",
    "clone",
    "contiguous",
    "copy_into",
    "describe_inputs",
    "execute",
    "handle",
    "move",
    "run_decomposition",
    "set_key_fallback",
]

# Functionality kernels that serve every operator of their key (autograd's): looked up
# only when a call's key set holds the key and the operator has no kernel of its own.
_KEY_FALLBACKS: dict[DispatchKey, Callable[[OperatorHandle, list[Any], Any], Any]] = {}


def set_key_fallback(
    key: DispatchKey, fn: Callable[[OperatorHandle, list[Any], Any], Any]
) -> Callable[[], None]:
    """Make ``fn`` the ``key`` kernel of every operator without one; returns the undo.

    ``fn`` is called as functionality kernels are, ``fn(handle, values, out)``.
    """
    if key.kind is not _keys.KeyKind.FUNCTIONALITY or key in _KEY_FALLBACKS:
        raise RegistrationError(
            f"{key} is not a functionality key, or already has a fallback. Fix: give each "
            "functionality key one fallback"
        )
    _KEY_FALLBACKS[key] = fn

    def undo() -> None:
        if _KEY_FALLBACKS.get(key) is fn:
            del _KEY_FALLBACKS[key]

    return undo


class Variant(Enum):
    """Which form of an operator a handle calls: functional (with ``out=``) or in-place."""

    FUNCTIONAL = "functional"
    INPLACE = "inplace"


class OperatorHandle:
    """A callable operator: ``pb.ops.pb.add``; ``pb.add`` is a function that calls it.

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

    @property
    def variant(self) -> Variant:
        """Whether this handle calls the functional or the in-place form."""
        return self._variant

    def __repr__(self) -> str:
        suffix = "_" if self._variant is Variant.INPLACE else ""
        return f"<operator {self._op.name}{suffix}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        op = self._op
        fast_key = None
        if op.signature_cached:
            fast_key = _fast_key(self._variant, args, kwargs)
            if fast_key is not None:
                fast = op.fast_calls.get(fast_key)
                if fast is not None:
                    return fast.run(op, args)
        out = None
        if kwargs and "out" in kwargs:
            out = kwargs.pop("out")
            if out is not None and self._variant is Variant.INPLACE:
                raise ArgumentError(
                    "is in-place and takes no out=. Fix: drop out=, or call the functional "
                    f"{self._op.name} with out=",
                    op=self._op.name + "_",
                )
        values = op.binder.bind(args, kwargs)
        if fast_key is None:
            return self._call_values(values, self._variant, out)
        result = self._call_values(list(values), self._variant, out)
        _remember_fast_call(op, self._variant, fast_key, args, values)
        return result

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
        keyset = _keyset(op, values)

        # Functionality keys first, highest priority first; those without a kernel fall through.
        functionality = keyset & FUNCTIONALITY_MASK
        while functionality:
            key = _keys.keys_in(functionality)[0]
            kernel = op.kernels.get(key)
            fn = kernel.fn if kernel is not None else _KEY_FALLBACKS.get(key)
            if fn is not None:
                handle = self if variant is self._variant else OperatorHandle(op, variant)
                return fn(handle, values, out)
            functionality &= ~key.mask

        backend = _select_backend(op, values, keyset)
        try:
            return execute(op, backend, values, variant, out)
        except PlugboardError as error:
            # Allocation (out of memory, too many elements) raises without an operator.
            if error.op is not None:
                raise
            raise error.in_op(op.name, describe_inputs(op, values)) from None


def _keyset(op: OperatorDef, values: list[Any]) -> int:
    """The call's key set: its tensors' keys, plus the thread's included, minus excluded."""
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
    return (keyset | tls.included) & ~tls.excluded


def _select_backend(op: OperatorDef, values: list[Any], keyset: int) -> Backend:
    """BackendSelect: ``device=`` names the backend (factories, ``*_like`` with device=),
    else the one backend key of the call's tensors (cpu for none)."""
    device_pos = op.binder.device_position
    if device_pos is not None and values[device_pos] is not None:
        try:
            backend = backend_source().get(values[device_pos].type)
            backend.check_device(values[device_pos])
        except PlugboardError as error:
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        return backend
    backends = keyset & BACKEND_MASK
    if backends == 0:
        return backend_source().get("cpu")
    if backends & (backends - 1):
        raise DeviceError(
            "expected all tensors on one device, but they are on several backends. "
            "Fix: move them to one device with .to(...) first",
            op=op.name,
            inputs=describe_inputs(op, values),
        )
    return backend_source().for_key(backends.bit_length() - 1)


def execute(
    op: OperatorDef, backend: Backend, values: list[Any], variant: Variant, out: Any
) -> Any:
    """Run ``op`` on ``backend``: meta, resolution, then the path resolution chose."""
    signature = None
    if op.signature_cached and out is None and not recorder.active:
        signature = call_signature(values)
        if signature is not None:
            plan = op.plans.get((backend.key, current_fallback_policy(), get_default_dtype(),
                                 variant, signature))
            if plan is not None:
                return _run_plan(op, backend, plan, values)
    specs, compute_dtype = _run_meta(op, values)
    resolved = _resolve(op, backend, compute_dtype, values)
    if specs is None and (variant is Variant.INPLACE or out is not None):
        form = "an in-place form" if variant is Variant.INPLACE else "out="
        raise ArgumentError(
            "this operator computes its own result (it has no meta function), so it has no "
            f"{form}. Fix: call the functional form and copy the result, e.g. y.copy_(...)",
            op=op.name,
            inputs=describe_inputs(op, values),
        )
    targets = _targets(op, specs, values, variant, out) if specs is not None else None
    if signature is not None and specs is not None:
        # Only now: an in-place target the result cannot be cast to is refused above, and
        # must be refused on every call, so a refused call leaves no plan.
        _remember_plan(op, backend, variant, signature, specs, compute_dtype, resolved, values)
    if op.is_mutating:
        for i in _written_positions(op):
            _check_target(op, op.name, values[i], values)
            values[i]._storage.version += 1
    if targets is not None:
        for target in targets:
            target._storage.version += 1  # autograd's check of tensors saved for backward
    if recorder.active:
        recorder.record(op.name, backend.device_type, resolved.path, compute_dtype)
    if resolved.path is Path.META or (resolved.path is Path.NATIVE and resolved.fn is None):
        assert specs is not None
        return _allocate_only(op, backend, specs, values, targets)
    if resolved.path is Path.FALLBACK:
        return _run_unstructured(op, _on_cpu(op, resolved), values, targets)
    if resolved.path is Path.COMPOSITE or specs is None:
        assert resolved.fn is not None
        return _run_unstructured(op, resolved.fn, values, targets)
    assert compute_dtype is not None
    return _run_structured(op, backend, resolved, values, specs, compute_dtype, targets)


def run_decomposition(op: OperatorDef, values: list[Any]) -> Any:
    """The functional call of a composite through its decomposition, on every backend.

    The meta function validates first, as on every path; the composite's own calls
    then dispatch with the thread's keys as they are, so a functionality key above
    (autograd) sees each of them. Errors are named after ``op``.
    """
    kernel = op.kernels.get(_keys.CompositeImplicit)
    assert kernel is not None, f"{op.name} has no decomposition"
    _run_meta(op, values)
    return _run_unstructured(op, kernel.fn, values, None)


def _run_meta(
    op: OperatorDef, values: list[Any]
) -> tuple[tuple[TensorSpec, ...] | None, DType | None]:
    """The meta function's output specs and computation dtype (``None``s without one)."""
    meta = op.meta
    if meta is None:
        return None, None
    try:
        result = meta(*values)
    except PlugboardError as error:
        raise error.in_op(op.name, describe_inputs(op, values)) from None
    if type(result) is TensorSpec:
        return (result,), result.dtype
    if type(result) is MetaResult:
        return result.outputs, result.compute_dtype
    specs = tuple(result)
    return specs, specs[0].dtype if specs else None


def _resolve(
    op: OperatorDef, backend: Backend, dtype: DType | None, values: list[Any]
) -> Resolved:
    """:func:`resolve_kernel`, cached on the operator per (backend, dtype, policy)."""
    policy = current_fallback_policy()
    cache_key = (backend.key, dtype, policy)
    resolved: Resolved | None = op.cache.get(cache_key)
    if resolved is None:
        try:
            resolved = resolve_kernel(op, backend, dtype, policy)
        except PlugboardError as error:
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        op.cache[cache_key] = resolved
    return resolved


def _allocate_only(
    op: OperatorDef,
    backend: Backend,
    specs: tuple[TensorSpec, ...],
    values: list[Any],
    targets: tuple[Tensor, ...] | None,
) -> Any:
    """Meta tensors, and factories whose kernel is the allocator (``empty``)."""
    if op.is_mutating:
        return values[0]
    if targets is not None:
        return _single(targets, op)
    return _single(tuple(backend.new_tensor(s) for s in specs), op)


def _run_unstructured(
    op: OperatorDef,
    fn: Callable[..., Any],
    values: list[Any],
    targets: tuple[Tensor, ...] | None,
) -> Any:
    """A kernel that computes its own result; in-place and ``out=`` copy it into place."""
    try:
        result = fn(*values)
    except PlugboardError as error:
        if error.op is None:
            raise error.in_op(op.name, describe_inputs(op, values)) from None
        if error.op in (op.name, op.name + "_"):
            raise
        # An operator a composite called failed (embedding's index_select): the user
        # called this one, so the error names it; the inner error is the cause.
        raise error.in_op(op.name, describe_inputs(op, values)) from error
    except Exception as error:
        raise _kernel_failed(op, fn, values, error) from error
    if targets is None:
        named = op.result_tuple
        return named(*result) if named is not None and type(result) is tuple else result
    results = result if isinstance(result, tuple) else (result,)
    for target, value in zip(targets, results, strict=True):
        copy_into(target, value)
    return _single(targets, op)


def _run_structured(
    op: OperatorDef,
    backend: Backend,
    resolved: Resolved,
    values: list[Any],
    specs: tuple[TensorSpec, ...],
    compute_dtype: DType,
    targets: tuple[Tensor, ...] | None,
) -> Any:
    """A backend's own kernel: inputs adapted as it declared, outputs allocated by the core."""
    kernel = resolved.kernel
    assert kernel is not None and resolved.fn is not None
    note_queued(specs[0].device, op.name)  # named if the device reports a failure later
    if op.is_mutating:
        # Operators whose schema mutates an argument (copy_, index_put_) write it
        # themselves; what they read must not change under their writes.
        inputs = _apart_from_written(op, values)
        if inputs is not None:
            args = _adapt_inputs(op, kernel, inputs, compute_dtype, specs[0].shape)
            _call_kernel(op, resolved.fn, args, values, None)
        return values[0]
    args = _adapt_inputs(op, kernel, values, compute_dtype, specs[0].shape)
    # The kernel writes new outputs, never the in-place or out= targets: they are
    # written by copy_ once it has succeeded, so a kernel that fails midway leaves
    # them as they were, and inputs that overlap them are read unchanged.
    outputs = tuple(backend.new_tensor(spec) for spec in specs)
    _call_kernel(op, resolved.fn, args, values, outputs[0] if len(outputs) == 1 else outputs)
    if targets is None:
        return _single(outputs, op)
    for target, output in zip(targets, outputs, strict=True):
        _write_result(target, output)
    return _single(targets, op)


def _write_result(target: Tensor, output: Tensor) -> None:
    """Copy a kernel's new contiguous output into the in-place or ``out=`` target."""
    if target._dtype is output._dtype and target.is_contiguous():
        # The same bytes in the same layout: the runtime's copy, without a dispatch.
        if target.nbytes:
            dst, src = target.untyped_storage(), output.untyped_storage()
            dst.runtime.copy_between(
                dst.handle, target.storage_offset() * target.itemsize, dst.device.index,
                src.handle, 0, src.device.index, target.nbytes,
            )
    else:
        copy_into(target, output)


def _apart_from_written(op: OperatorDef, values: list[Any]) -> list[Any] | None:
    """``values`` with every input that shares memory with a mutated argument copied.

    Any backend's kernel may then read and write in any order (``m[1:] = m[:-1]``,
    ``m.copy_(m.t())``). Only an elementwise read of the very elements written is
    passed as it is; ``None``: nothing to do, a copy_ of a tensor onto itself.
    """
    positions = _written_positions(op)
    storages = {id(values[i]._storage) for i in positions}
    result = values
    for i in op.binder.tensor_positions:
        if i in positions:
            continue
        v = values[i]
        if isinstance(v, Tensor):
            if id(v._storage) not in storages:
                continue  # the usual case: another tensor's memory
            shared = [overlap(values[w], v) for w in positions]
            if all(s is Overlap.NONE for s in shared):
                continue
            if op.pointwise and all(s is not Overlap.PARTIAL for s in shared):
                if op.name == "pb::copy_" and v._dtype is values[0]._dtype:
                    return None  # a tensor copied onto its very elements: nothing changes
                continue
            copied: Any = clone(v)
        elif isinstance(v, tuple) and any(
            isinstance(t, Tensor) and id(t._storage) in storages for t in v
        ):
            copied = tuple(
                clone(t) if isinstance(t, Tensor) and any(
                    overlap(values[w], t) is not Overlap.NONE for w in positions
                ) else t
                for t in v
            )
        else:
            continue
        if result is values:
            result = list(values)
        result[i] = copied
    return result


_WRITTEN: weakref.WeakKeyDictionary[OperatorDef, tuple[int, ...]] = weakref.WeakKeyDictionary()


def _written_positions(op: OperatorDef) -> tuple[int, ...]:
    """The positions of the arguments a mutating operator writes (``Tensor(a!)``)."""
    positions = _WRITTEN.get(op)
    if positions is None:
        names = op.schema.mutated_arguments
        positions = _WRITTEN[op] = tuple(op.binder.index[name] for name in names)
    return positions


def _on_cpu(op: OperatorDef, resolved: Resolved) -> Callable[..., Any]:
    """The fallback: ``op`` run on the CPU, its tensors moved there and back."""

    def run_on_cpu(*values: Any) -> Any:
        device = next(v.device for v in values if isinstance(v, Tensor))
        record_fallback(op.name, device.type)
        cpu = Device("cpu")
        moved = [_move(v, cpu) for v in values]
        result = OperatorHandle(op)._call_values(moved, Variant.FUNCTIONAL, None)
        if op.is_mutating:
            # The kernel changed the CPU copies: write them back where they belong.
            for name in op.schema.mutated_arguments:
                i = op.binder.index[name]
                _write_back(values[i], moved[i])
            return values[0]
        return _move(result, device)

    return run_on_cpu


def _write_back(target: Tensor, source: Tensor) -> None:
    if not target.is_contiguous():
        raise KernelNotFoundError(
            f"the CPU fallback cannot write into a non-contiguous tensor on {target.device}. "
            f"Fix: give the {target.device.type} backend a pb::copy_ kernel"
        )
    write_from_host(host_array(source), target)


def _move(value: Any, device: Device) -> Any:
    if isinstance(value, Tensor):
        return move(value, device)
    if isinstance(value, tuple):
        return tuple(_move(v, device) for v in value)
    return value


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
    except Exception as error:
        raise _kernel_failed(op, fn, values, error) from error


def _kernel_failed(
    op: OperatorDef, fn: Callable[..., Any], values: list[Any], error: Exception
) -> KernelError:
    """A kernel's own exception (a bug, a driver failure) as a plugboard error; cause kept."""
    origin = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    # Kernels write new outputs, copied into in-place and out= targets on success; only
    # operators that mutate an argument by nature (copy_, index_put_) write it directly.
    state = (
        "The tensor it mutates may be partly written" if op.is_mutating
        else "The in-place or out= target, if any, is unchanged"
    )
    return KernelError(
        f"the kernel {origin} raised {type(error).__name__}: {error}. {state}. Fix: this is "
        "a bug in the kernel or its driver, not in the call; report it to the kernel's "
        "maintainers (`plugboard doctor` names the installed plugins), and meanwhile run the "
        "operator on another device",
        op=op.name,
        inputs=describe_inputs(op, values),
    )


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
            raise ArgumentError(
                f"the first argument is written in place, so it must be a tensor, not "
                f"{type(self).__name__}. Fix: pass a tensor, or call {op.name} for a new one",
                op=op.name + "_",
                inputs=describe_inputs(op, values),
            )
        targets: tuple[Tensor, ...] = (self,)
        what = "the in-place target"
    elif out is None:
        return None
    else:
        targets = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        what = "out="
        if len(targets) != len(specs) or not all(isinstance(t, Tensor) for t in targets):
            raise ArgumentError(
                f"out= takes {len(specs)} tensor(s) for this operator, got {out!r:.80}. "
                f"Fix: pass {'a tensor' if len(specs) == 1 else f'a tuple of {len(specs)} tensors'}"
                " of the result's shape, or no out=",
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
    name = op.name + ("_" if variant is Variant.INPLACE else "")
    for i, target in enumerate(targets):
        _check_target(op, name, target, values)
        for j in range(i):
            if overlap(targets[j], target) is not Overlap.NONE:
                raise ArgumentError(
                    f"out= tensors {j} and {i} share memory, so one result would overwrite "
                    "the other. Fix: pass tensors that do not overlap",
                    op=name,
                    inputs=describe_inputs(op, values),
                )
    return targets


def _check_target(op: OperatorDef, name: str, target: Tensor, values: list[Any]) -> None:
    """Refuse a target whose elements share memory (an expanded tensor), before any work."""
    try:
        check_writable(target)
    except PlugboardError as error:
        raise error.in_op(name, describe_inputs(op, values)) from None


def _adapt_inputs(
    op: OperatorDef, kernel: Kernel, values: list[Any], dtype: DType, shape: tuple[int, ...]
) -> list[Any]:
    """What the kernel receives: inputs cast, broadcast and made contiguous as it declared."""
    return _adaptation(op, kernel, values, dtype, shape).apply(values)


class _Adaptation:
    """How a kernel's inputs are adapted, by argument position: it depends only on the
    call signature (dtypes, shapes, the numbers' values), except contiguity, which the
    strides decide and :meth:`apply` checks on every call."""

    __slots__ = ("cast", "contiguous", "dtype", "expand", "none", "numbers", "shape")

    def __init__(
        self,
        dtype: DType,
        shape: tuple[int, ...],
        cast: tuple[int, ...],
        numbers: tuple[tuple[int, bool | int | float], ...],
        expand: tuple[int, ...],
        contiguous: tuple[int, ...],
    ):
        self.dtype, self.shape = dtype, shape
        self.cast = cast  # tensors converted to the computation dtype
        self.numbers = numbers  # Python numbers, as the computation takes them
        self.expand = expand  # inputs broadcast to the output's shape
        self.contiguous = contiguous  # inputs the kernel takes contiguous
        self.none = not (cast or numbers or expand or contiguous)  # the inputs as they are

    def apply(self, values: list[Any]) -> list[Any]:
        if self.none:
            return values
        args = list(values)
        for i in self.cast:
            args[i] = cast(args[i], self.dtype)
        for i, number in self.numbers:
            args[i] = number
        for i in self.expand:
            args[i] = expand_to(args[i], self.shape)
        for i in self.contiguous:
            if not args[i].is_contiguous():
                args[i] = contiguous(args[i])
        return args


def _adaptation(
    op: OperatorDef, kernel: Kernel, values: list[Any], dtype: DType, shape: tuple[int, ...]
) -> _Adaptation:
    casts: list[int] = []
    numbers: list[tuple[int, bool | int | float]] = []
    if not kernel.mixed_dtypes:
        selects = "selects" in op.tags  # takes Python numbers in dtype itself (cast_scalar)
        for i in op.promoted:
            v = values[i]
            if isinstance(v, Tensor):
                if v._dtype is not dtype:
                    casts.append(i)
            elif isinstance(v, (bool, int, float)):
                numbers.append((i, cast_scalar(v, dtype, selects)))
    expands: list[int] = []
    contiguous: list[int] = []
    if op.pointwise or not kernel.strided:
        for i in op.binder.tensor_positions:
            v = values[i]
            if not isinstance(v, Tensor):
                continue
            if op.pointwise and v._shape != shape:
                expands.append(i)
            if not kernel.strided:
                contiguous.append(i)
    return _Adaptation(dtype, shape, tuple(casts), tuple(numbers), tuple(expands),
                       tuple(contiguous))


# The signature cache ------------------------------------------------------------------
# The meta function and kernel resolution of a pointwise operator, or of one tagged
# "pure_meta", depend only on its call signature (each tensor's dtype, shape and device,
# and the other arguments' types and values), the default dtype (which Python floats
# take) and the fallback policy. A repeated signature skips both, and the adaptation of
# the inputs, and goes straight to allocating the output and calling the kernel: a plan.
# Registrations clear the plans with the resolution cache (registry.invalidate_caches).

_MAX_PLANS = 256  # per operator; a program with ever new shapes starts over, not grows


def call_signature(values: list[Any]) -> tuple[Any, ...] | None:
    """The key of a call's plan, or None for a call with arguments outside the key."""
    parts: list[Any] = []
    for v in values:
        kind = type(v)
        if kind is Tensor:
            parts.append((v._dtype, v._shape, v._storage.device))
        elif kind is float:
            if math.isnan(v):
                return None  # NaN equals no key: each call would make a plan
            # 1 == 1.0 == True: the type keeps them apart; -0.0 == 0.0: its sign does.
            parts.append((kind, v) if v else (kind, v, math.copysign(1.0, v)))
        elif kind is int or kind is bool or v is None or kind is str:
            parts.append((kind, v))
        elif kind is DType:
            parts.append(v)
        elif kind is tuple and all(type(e) is int for e in v):  # int[]: dims, sizes
            parts.append((kind, v))
        elif isinstance(v, Tensor):  # a subclass: nn.Parameter
            parts.append((v._dtype, v._shape, v._storage.device))
        else:
            return None
    return tuple(parts)


class _Plan:
    """What a repeated call signature does: its outputs, and the call of the backend's
    kernel (with its inputs' adaptation) or, without one, of the composite. A mutating
    operator's plan (copy_, index_put_) has no outputs: ``writes`` holds the positions
    of the arguments it writes, which are checked on every call (their strides and
    memory are not in the signature). An in-place call's plan (``inplace``) computes
    its one output as the functional call does and writes it into ``self``."""

    __slots__ = ("adaptation", "fn", "inplace", "outputs", "writes")

    def __init__(
        self, specs: tuple[TensorSpec, ...], fn: Callable[..., Any],
        adaptation: _Adaptation | None, writes: tuple[int, ...] = (), inplace: bool = False,
    ):
        self.fn, self.adaptation, self.writes, self.inplace = fn, adaptation, writes, inplace
        # What Backend.new_checked takes for each output: checked once, here.
        self.outputs = tuple(
            (s.shape, contiguous_strides(s.shape), s.dtype, s.device,
             check_numel(s.shape) * s.dtype.itemsize)
            for s in specs
        )


def _remember_plan(
    op: OperatorDef,
    backend: Backend,
    variant: Variant,
    signature: tuple[Any, ...],
    specs: tuple[TensorSpec, ...],
    compute_dtype: DType | None,
    resolved: Resolved,
    values: list[Any],
) -> None:
    if resolved.fn is None:
        return
    if resolved.path is Path.NATIVE:
        assert resolved.kernel is not None and compute_dtype is not None
        adaptation = _adaptation(op, resolved.kernel, values, compute_dtype, specs[0].shape)
        if op.is_mutating:
            plan = _Plan((), resolved.fn, adaptation, _written_positions(op))
        elif variant is Variant.INPLACE:
            if len(specs) != 1:
                return
            plan = _Plan(specs, resolved.fn, adaptation, inplace=True)
        else:
            plan = _Plan(specs, resolved.fn, adaptation)
    elif op.is_mutating or variant is Variant.INPLACE:
        return  # a composite writes its targets through its own calls, which have plans
    elif resolved.path is Path.COMPOSITE:
        plan = _Plan(specs, resolved.fn, None)
    else:
        return  # the CPU fallback counts and warns on every call
    if len(op.plans) >= _MAX_PLANS:
        op.plans.clear()
    op.plans[(backend.key, current_fallback_policy(), get_default_dtype(), variant,
              signature)] = plan


def _run_plan(op: OperatorDef, backend: Backend, plan: _Plan, values: list[Any]) -> Any:
    if plan.adaptation is None:  # a composite: its decomposition runs
        return _run_unstructured(op, plan.fn, values, None)
    if plan.writes:
        return _run_mutating_plan(op, plan, values)
    records = plan.outputs
    if plan.inplace:
        assert plan.adaptation is not None
        # What execute checks of an in-place target beyond the signature: that no two of
        # its elements share memory. Its shape, dtype and device passed with the first call.
        target = values[0]
        _check_target(op, op.name + "_", target, values)
        target._storage.version += 1
        note_queued(records[0][3], op.name)
        output = backend.new_checked(*records[0])
        _call_kernel(op, plan.fn, plan.adaptation.apply(values), values, output)
        _write_result(target, output)
        return target
    note_queued(records[0][3], op.name)
    args = plan.adaptation.apply(values)
    if len(records) == 1:
        output = backend.new_checked(*records[0])
        _call_kernel(op, plan.fn, args, values, output)
        return output
    outputs = tuple(backend.new_checked(*record) for record in records)
    _call_kernel(op, plan.fn, args, values, outputs)
    return _single(outputs, op)


def _run_mutating_plan(op: OperatorDef, plan: _Plan, values: list[Any]) -> Any:
    """A mutating operator's plan: what execute and _run_structured check on every
    call, without the meta function and resolution."""
    assert plan.adaptation is not None
    for i in plan.writes:
        _check_target(op, op.name, values[i], values)
        values[i]._storage.version += 1
    note_queued(values[plan.writes[0]]._storage.device, op.name)
    inputs = _apart_from_written(op, values)
    if inputs is not None:
        _call_kernel(op, plan.fn, plan.adaptation.apply(inputs), values, None)
    return values[0]


# The handle's fast path ------------------------------------------------------------
# A plan still pays for binding, the key set and backend selection on every call. A
# repeated call whose tensors are passed by position and whose key set has no
# functionality key (no autograd, no tracing) skips those too: OperatorHandle.__call__
# keys a _FastCall by the raw arguments and the thread's dispatch state, and the entry
# holds what they decided (the bound values other than the tensors, the backend, the
# plan). Entries live beside the plans and are cleared with them.


def _fast_key(
    variant: Variant, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...] | None:
    """The key of a call's fast entry, or None for a call it cannot key.

    Each argument adds a group that starts with a type (a Python value, marked by its
    type), or with a dtype (a tensor: dtype, shape, device, keys), so groups never run
    into each other. Keyword arguments follow their names; tensors passed by keyword,
    and ``out=``, take the full path.
    """
    if recorder.active:
        return None
    tls = _keys.tls
    parts: list[Any] = [variant, tls.included, tls.excluded, current_fallback_policy(),
                        get_default_dtype()]
    append = parts.append
    for v in args:
        kind = type(v)
        if isinstance(v, Tensor):  # nn.Parameter too, as in call_signature
            append(v._dtype)
            append(v._shape)
            append(v._storage.device)
            append(v._keyset)
        elif kind is float:
            if math.isnan(v):
                return None  # NaN equals no key
            append(kind if v else (kind, math.copysign(1.0, v)))  # -0.0 is not 0.0
            append(v)
        elif (kind is int or kind is bool or v is None or kind is str or kind is DType
              or (kind is tuple and all(type(e) is int for e in v))):
            append(kind)
            append(v)
        else:
            return None
    for name, v in kwargs.items():  # the front ends' dtype=None, out=None, keepdim=...
        kind = type(v)
        if v is None or kind is bool or kind is int or kind is str or kind is DType:
            append(name)
            append(kind)
            append(v)
        else:
            return None  # out=, and tensors and floats by keyword: the full path
    return tuple(parts)


class _FastCall:
    """A repeated call: its bound values but the tensors, its backend and its plan.

    ``direct``: the plan's kernel has one output and takes the tensors as they
    are (no cast, broadcast or copy), so a hit calls it with ``arguments``, the
    values with the plan's Python numbers already as the computation takes them.
    """

    __slots__ = ("arguments", "backend", "direct", "plan", "template", "tensors")

    def __init__(
        self, backend: Backend, plan: _Plan, template: list[Any], tensors: tuple[int, ...]
    ):
        self.backend, self.plan, self.template, self.tensors = (
            backend, plan, template, tensors
        )
        adaptation = plan.adaptation
        self.direct = (
            adaptation is not None and len(plan.outputs) == 1 and not plan.writes
            and not plan.inplace
            and not (adaptation.cast or adaptation.expand or adaptation.contiguous)
        )
        self.arguments = list(template)
        if self.direct:
            assert adaptation is not None
            for i, number in adaptation.numbers:
                self.arguments[i] = number

    def run(self, op: OperatorDef, args: tuple[Any, ...]) -> Any:
        if not self.direct:
            values = self._values(args)
            try:
                return _run_plan(op, self.backend, self.plan, values)
            except PlugboardError as error:
                if error.op is not None:
                    raise
                raise self._named(op, args, error) from None
        # _run_plan's steps inline: each call frame shows on small tensors.
        arguments = self.arguments.copy()
        for i in self.tensors:
            arguments[i] = args[i]
        record = self.plan.outputs[0]
        note_queued(record[3], op.name)
        try:
            output = self.backend.new_checked(*record)
        except PlugboardError as error:
            if error.op is not None:
                raise
            raise self._named(op, args, error) from None
        try:
            self.plan.fn(*arguments, out=output)
        except PlugboardError as error:
            if error.op is not None:
                raise
            raise self._named(op, args, error) from None
        except Exception as error:
            raise _kernel_failed(op, self.plan.fn, self._values(args), error) from error
        return output

    def _values(self, args: tuple[Any, ...]) -> list[Any]:
        """The bound values as the caller gave them (numbers not yet cast), for errors."""
        values = self.template.copy()
        for i in self.tensors:
            values[i] = args[i]
        return values

    def _named(self, op: OperatorDef, args: tuple[Any, ...],
               error: PlugboardError) -> PlugboardError:
        """``error`` naming the operator and its inputs, as the full path's errors do."""
        return error.in_op(op.name, describe_inputs(op, self._values(args)))


def _remember_fast_call(
    op: OperatorDef, variant: Variant, key: tuple[Any, ...], args: tuple[Any, ...],
    values: list[Any],
) -> None:
    """After a call that succeeded, keep its fast entry if its plan covers the call."""
    keyset = _keyset(op, values)
    if keyset & FUNCTIONALITY_MASK or op.binder.device_position is not None:
        return
    signature = call_signature(values)
    if signature is None:
        return
    backend = _select_backend(op, values, keyset)
    plan = op.plans.get(
        (backend.key, current_fallback_policy(), get_default_dtype(), variant, signature)
    )
    if plan is None:
        return
    tensors = tuple(i for i, v in enumerate(args) if isinstance(v, Tensor))
    if any(values[i] is not args[i] for i in tensors):
        return  # binding read a tensor (a 0-d tensor as a number): not the signature's
    template = list(values)
    for i in tensors:
        template[i] = None  # the entry must not keep the first call's tensors alive
    if len(op.fast_calls) >= _MAX_PLANS:
        op.fast_calls.clear()
    op.fast_calls[key] = _FastCall(backend, plan, template, tensors)


def cast_scalar(
    value: bool | int | float, dtype: DType, selects: bool = False
) -> bool | int | float:
    """A Python number as an operator computing in ``dtype`` takes it, still a number.

    The rule of docs/architecture.md (section 3, "Python numbers"): integers wrap
    as in PyTorch; float16 and bfloat16 compute in float32 (PyTorch's opmath),
    so they take the number as a float32 value, as PyTorch does, and their
    kernels round only the result (``float16 0.001 * 1e5`` is 100.06, not inf).
    ``selects``: the operator only compares or selects values (the ``selects``
    tag: comparisons, logical operators, ``where``, ``maximum``, ``minimum``), so
    the number goes on to ``dtype`` itself, float32 first as PyTorch converts it
    (``float16 0.1 == 0.1`` is True, as in PyTorch).

    Example:
        >>> import plugboard as pb
        >>> cast_scalar(0.1, pb.float16), cast_scalar(0.1, pb.float16, selects=True)
        (0.10000000149011612, 0.0999755859375)
        >>> cast_scalar(1e5, pb.float16), cast_scalar(300, pb.int8)
        (100000.0, 44)
    """
    if dtype.is_bool:
        return bool(value)
    if dtype.is_floating_point:
        number = float(value)
        if opmath_dtype(dtype) is not dtype:
            # float32 and float64 kernels round a Python float themselves; here the
            # number's value is settled once, for every backend.
            with np.errstate(over="ignore"):  # beyond the range: inf, as kernels compute
                wide = np.float64(number).astype(np.float32)
                number = float(wide.astype(dtype.numpy) if selects else wide)
        return number
    if isinstance(value, float):
        value = int(value)
    bits = dtype.itemsize * 8
    if dtype.is_signed:
        return ((int(value) + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))
    return int(value) % (1 << bits)


def copy_into(target: Tensor, value: Tensor) -> None:
    """``target.copy_(value)`` on one device: the ``pb::copy_`` operator."""
    _COPY(target, value)


def cast(t: Tensor, dtype: DType) -> Tensor:
    """``t`` converted to ``dtype`` on its device (a copy, unless it already is ``dtype``)."""
    if t._dtype is dtype:
        return t
    result = new_tensor(t._shape, dtype, t.device)
    copy_into(result, t)
    return result


def clone(t: Tensor) -> Tensor:
    """A contiguous copy of ``t`` on its device."""
    result = new_tensor(t._shape, t._dtype, t.device)
    copy_into(result, t)
    return result


def contiguous(t: Tensor) -> Tensor:
    """``t`` itself when contiguous, else a contiguous copy on its device."""
    return t if t.is_contiguous() else clone(t)


def move(t: Tensor, device: Device) -> Tensor:
    """A contiguous copy of ``t`` on ``device`` (``t`` itself if it is there already)."""
    if t.device == device:
        return t
    runtime = t.untyped_storage().runtime
    if not t.is_contiguous() and not runtime.host_memory and (
        backend_source().get(device.type).runtime is runtime
    ):
        t = contiguous(t)  # a device-to-device copy moves contiguous bytes
    return to_device(t, device)


def describe_inputs(op: OperatorDef, values: Sequence[Any]) -> str:
    """The inputs of a call, for error messages: names, dtypes, shapes and devices."""
    return describe_values(op.schema, values)


def handle(qualified: str, inplace: bool = False) -> OperatorHandle:
    """The handle of a defined operator, e.g. ``handle("pb::add")``."""
    return OperatorHandle(get_op(qualified), Variant.INPLACE if inplace else Variant.FUNCTIONAL)


class OperatorRef:
    """An operator named by its qualified name, resolved on first call.

    Generated front-end functions (``pb.add``) call operators through these, so
    the modules that hold them can be imported before the opset is registered.
    """

    __slots__ = ("_handle", "_inplace", "name")

    def __init__(self, qualified: str, inplace: bool = False):
        self.name = qualified
        self._handle: OperatorHandle | None = None
        self._inplace = inplace

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        h = self._handle
        if h is None or find_op(self.name) is not h.op:
            h = self._handle = handle(self.name, self._inplace)
        return h(*args, **kwargs)


_COPY = OperatorRef("pb::copy_")  # copy_into's handle, made once
