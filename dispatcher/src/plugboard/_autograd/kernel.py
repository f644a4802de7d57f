"""The Autograd functionality kernel: records a node for every differentiable call.

It is the ``Autograd`` key's fallback, so it serves every operator, a vendor's
custom ones included, on every backend. A call reaches it only when one of its
tensors requires grad (carries the ``Autograd`` key) and grad mode is on; it
then

1. refuses what autograd cannot record (``out=``, in-place writes of leaves
   that require grad and of views of tensors that require grad);
2. runs a composite without a formula, or whose formula does not cover the
   call (:func:`_formula`), through its decomposition, with autograd on, so
   its inner calls record their own nodes;
3. otherwise runs the operator below itself (``handle.redispatch``) and, for
   floating outputs, records an :class:`OpNode` holding the formula of
   :mod:`~plugboard._autograd.formulas` (or none: backward then says how to
   add one) and the tensors it saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from plugboard._autograd.formulas import FORMULAS, NON_DIFFERENTIABLE, Formula
from plugboard._autograd.grad_mode import is_grad_enabled, set_grad_enabled
from plugboard._autograd.graph import (
    AutogradMeta,
    Edge,
    Node,
    Saved,
    TensorMeta,
    attach,
    edge_of,
)
from plugboard._core.dtype import promote_types
from plugboard._core.errors import AutogradError, KernelNotFoundError
from plugboard._core.tensor import Tensor
from plugboard._dispatch import keys as _keys
from plugboard._dispatch.dispatcher import (
    OperatorHandle,
    Variant,
    describe_inputs,
    handle,
    run_decomposition,
    set_key_fallback,
)
from plugboard._dispatch.registry import OperatorDef

__all__ = ["OpNode", "autograd_kernel", "install"]

AUTOGRAD = _keys.Autograd
T = TypeVar("T")


class Args:
    """A recorded call's arguments by name, for formulas: ``a.self``, ``a.dim``, ``a.result``."""

    __slots__ = ("_create_graph", "_memo", "_node", "_values")

    def __init__(self, node: OpNode, values: dict[str, Any], create_graph: bool) -> None:
        self._node = node
        self._values = values
        self._create_graph = create_graph
        self._memo: dict[Callable[..., Any], Any] = {}

    def once(self, fn: Callable[[Args, Any], T], g: Any) -> T:
        """``fn(self, g)``, computed once per backward of the node: the work that the
        gradients of several inputs share (attention's weights, layer_norm's x-hat)."""
        if fn not in self._memo:
            self._memo[fn] = fn(self, g)
        return cast("T", self._memo[fn])

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(name) from None
        return _unpack(value, self._node, self._create_graph)


def _unpack(value: Any, node: Node, create_graph: bool) -> Any:
    if isinstance(value, Saved):
        return value.unpack(node, create_graph)
    if type(value) is tuple:  # a list argument (TensorMeta is a tuple too)
        return tuple(_unpack(v, node, create_graph) for v in value)
    return value


class OpNode(Node):
    """The node of one operator call: its formula, its saved values, its inputs' metadata."""

    __slots__ = ("_base", "_formula", "_inputs", "_name", "_values")

    def __init__(
        self,
        name: str,
        formula: Formula | None,
        values: dict[str, Any],
        edges: list[tuple[str, int | None, TensorMeta, Edge | None]],
        outputs: tuple[TensorMeta, ...],
    ) -> None:
        super().__init__(tuple(e for _, _, _, e in edges), outputs)
        self._name = name
        self._formula = formula
        self._values = values
        self._inputs = tuple((n, i, m) for n, i, m, _ in edges)
        self._base: Saved | None = None  # a view's input: its values must not change

    def name(self) -> str:
        return self._name

    def apply(self, grads: tuple[Tensor | None, ...], create_graph: bool
              ) -> tuple[Tensor | None, ...]:
        self.check_not_freed()
        formula = self._formula
        if formula is None:
            raise KernelNotFoundError(
                f"no derivative formula for {self._name}, and a gradient must flow through "
                "it. Fix: register one with pb.autograd.register_formula("
                f"'{self._name}', {{'self': lambda a, g: ...}}, saves=(...)), or compute it "
                "in a pb.autograd.Function with its own backward",
                op=self._name,
            )
        if self._base is not None:
            # The view's gradient is only right for the values it was taken from.
            self._base.unpack(self, False)
        g: Any = grads[0] if len(self.outputs) == 1 else grads
        args = Args(self, self._values, create_graph)
        results: list[Tensor | None] = []
        computed: dict[str, Any] = {}
        for name, index, meta in self._inputs:
            fn = formula.grads.get(name)
            if fn is None:
                results.append(None)  # not differentiable in this argument
                continue
            if name not in computed:
                computed[name] = fn(args, g)
            grad = computed[name]
            if index is not None and grad is not None:
                grad = grad[index]
            results.append(_fit(grad, meta, self._name, name) if grad is not None else None)
        return tuple(results)

    def release(self) -> None:
        super().release()
        self._values = {}
        self._base = None


def sum_to(grad: Tensor, shape: tuple[int, ...], op: str, name: str) -> Tensor:
    """``grad`` summed over the dimensions that broadcasting added or stretched."""
    lead = grad.ndim - len(shape)
    stretched = [lead + i for i, size in enumerate(shape)
                 if size == 1 and grad.shape[lead + i] != 1]
    if lead < 0 or any(size not in (1, g) for size, g in zip(shape, grad.shape[lead:],
                                                               strict=True)):
        raise AutogradError(
            f"the derivative formula gave {name} a gradient of shape {grad.shape}, which "
            f"does not broadcast to its shape {shape}. Fix: correct the formula of {op}",
            op=op,
        )
    dims = (*range(lead), *stretched)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    return grad.reshape(shape)


def _fit(grad: Tensor, meta: TensorMeta, op: str, name: str) -> Tensor:
    """A formula's gradient in its input's shape and dtype: broadcasting summed away, in
    the wider of the two dtypes (a float32 input of a float16 result sums in float32)."""
    if grad.dtype is not meta.dtype and promote_types(grad.dtype, meta.dtype) is meta.dtype:
        grad = grad.to(dtype=meta.dtype)
    if grad.shape != meta.shape:
        grad = sum_to(grad, meta.shape, op, name)
    if grad.dtype is not meta.dtype:
        grad = grad.to(dtype=meta.dtype)
    return grad


# The kernel -------------------------------------------------------------------------


def autograd_kernel(handle_: OperatorHandle, values: list[Any], out: Any) -> Any:
    """The ``Autograd`` kernel of every operator: ``fn(handle, values, out)``."""
    op = handle_.op
    edges = _edges(op, values) if is_grad_enabled() else []
    if not edges:
        return handle_.redispatch(values, out, below=AUTOGRAD)
    if out is not None:
        raise AutogradError(
            "out= does not record gradients, and an input requires grad. Fix: call it "
            "without out= (y = op(...)), or under pb.no_grad() if no gradient is needed",
            op=op.name, inputs=describe_inputs(op, values),
        )
    inplace = handle_.variant is Variant.INPLACE or op.is_mutating
    if inplace:
        _check_inplace(handle_, values)
    formula = _formula(op, values, edges)
    if formula is None:
        if op.name in NON_DIFFERENTIABLE:
            return handle_.redispatch(values, None, below=AUTOGRAD)
        if _keys.CompositeImplicit in op.kernels:
            return _decompose(handle_, values, edges)
    saved = _save(op, values, formula, inplace)
    result = handle_.redispatch(values, None, below=AUTOGRAD)
    outputs = _flat(result)
    inputs = {id(v) for v in values if isinstance(v, Tensor)} if not inplace else set()
    differentiable = [
        (nr, t) for nr, t in enumerate(outputs)
        if isinstance(t, Tensor) and t._dtype.is_floating_point and id(t) not in inputs
    ]
    if not differentiable:
        return result
    node = OpNode(op.name, formula, saved, edges,
                  tuple(TensorMeta.of(t) for t in outputs))
    if formula is not None and "result" in formula.saves:
        saved["result"] = _saved_outputs(outputs)
    is_view = "view" in op.tags
    if is_view and isinstance(values[0], Tensor):
        node._base = Saved(values[0])
    for nr, t in differentiable:
        attach(t, node, nr, is_view)
    return result


def _formula(op: OperatorDef, values: list[Any],
             edges: list[tuple[str, int | None, TensorMeta, Edge | None]]) -> Formula | None:
    """The call's formula. A composite's serves the calls it covers: ``Formula.when`` holds
    and every input that requires grad has a function; the others (attention with
    dropout, a cross_entropy weight that requires grad) use the decomposition."""
    formula = FORMULAS.get(op.name)
    if formula is None or _keys.CompositeImplicit not in op.kernels:
        return formula
    if any(name not in formula.grads for name, _, _, _ in edges):
        return None
    if formula.when is not None:
        named = {name: values[i] for i, name in enumerate(op.binder.names)}
        if not formula.when(named):
            return None
    return formula


def _edges(op: OperatorDef, values: list[Any]
           ) -> list[tuple[str, int | None, TensorMeta, Edge | None]]:
    """One entry per tensor input that requires grad: (argument, list index, meta, edge)."""
    names = op.binder.names
    found: list[tuple[str, int | None, TensorMeta, Edge | None]] = []
    for i in op.binder.tensor_positions:
        v = values[i]
        if isinstance(v, Tensor):
            if v._autograd is not None and (edge := edge_of(v)) is not None:
                found.append((names[i], None, TensorMeta.of(v), edge))
        elif isinstance(v, tuple):
            for j, t in enumerate(v):
                if isinstance(t, Tensor) and t._autograd is not None:
                    edge = edge_of(t)
                    if edge is not None:
                        found.append((names[i], j, TensorMeta.of(t), edge))
    return found


def _save(op: OperatorDef, values: list[Any], formula: Formula | None,
          inplace: bool) -> dict[str, Any]:
    """The call's arguments as backward sees them: saved tensors, metadata of the others."""
    saves = formula.saves if formula is not None else ()
    result: dict[str, Any] = {}
    tensors = set(op.binder.tensor_positions)
    for i, name in enumerate(op.binder.names):
        v = values[i]
        if i not in tensors:
            result[name] = v
        elif name in saves:
            if inplace and isinstance(v, Tensor) and v._storage is values[0]._storage:
                # The in-place call overwrites self (and what shares its memory, h.mul_(h)):
                # keep the value as it was.
                with set_grad_enabled(False):
                    v = v.clone()
            result[name] = _saved(v)
        else:
            result[name] = _meta(v)
    return result


def _saved(v: Any) -> Any:
    if isinstance(v, Tensor):
        return Saved(v)
    if isinstance(v, tuple):
        return tuple(_saved(t) for t in v)
    return v


def _meta(v: Any) -> Any:
    if isinstance(v, Tensor):
        return TensorMeta.of(v)
    if isinstance(v, tuple):
        return tuple(_meta(t) for t in v)
    return v


def _saved_outputs(outputs: tuple[Any, ...]) -> Any:
    saved = tuple(Saved(t, is_output=True, nr=nr) if isinstance(t, Tensor) else t
                  for nr, t in enumerate(outputs))
    return saved[0] if len(saved) == 1 else saved


def _flat(result: Any) -> tuple[Any, ...]:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _check_inplace(handle_: OperatorHandle, values: list[Any]) -> None:
    """Refuse in-place writes autograd cannot record, before anything runs."""
    op = handle_.op
    target = values[0]
    if not isinstance(target, Tensor):
        return
    name = op.name + ("_" if handle_.variant is Variant.INPLACE else "")
    meta: AutogradMeta | None = target._autograd
    if meta is not None and meta.requires_grad and meta.grad_fn is None:
        raise AutogradError(
            "a leaf tensor that requires grad is being used in an in-place operation. "
            "Fix: update it under pb.no_grad() (as an optimizer does), or work on a copy: "
            "y = x.clone()",
            op=name, inputs=describe_inputs(op, values),
        )
    partial = target.storage_offset() != 0 or not target.is_contiguous() or (
        target.nbytes != target.untyped_storage().nbytes)
    if (meta is not None and meta.is_view) or (meta is None and partial and target.numel()):
        raise AutogradError(
            "an in-place operation on a view, with a tensor that requires grad: plugboard's "
            "autograd records in-place operations on whole tensors only, not on views of "
            "them (x[i] = v, x.t().add_(...)). Fix: compute the result out of place "
            "(y = pb.where(mask, v, x), pb.cat(...)), or clone() the view first",
            op=name, inputs=describe_inputs(op, values),
        )


def _decompose(handle_: OperatorHandle, values: list[Any],
               edges: list[tuple[str, int | None, TensorMeta, Edge | None]]) -> Any:
    """A composite without a formula: its decomposition, each inner call recorded."""
    op = handle_.op
    if handle_.variant is Variant.INPLACE:
        result = run_decomposition(op, values)
        return handle("pb::copy_")(values[0], result)
    result = run_decomposition(op, values)
    outputs = _flat(result)
    lost = [
        (nr, t) for nr, t in enumerate(outputs)
        if isinstance(t, Tensor) and t._dtype.is_floating_point and t._autograd is None
    ]
    if lost and not op.is_mutating:
        # The decomposition computed these outside autograd (on the host, say): backward
        # through them must raise, not return a wrong gradient.
        node = OpNode(op.name, None, {}, edges, tuple(TensorMeta.of(t) for t in outputs))
        for nr, t in lost:
            attach(t, node, nr)
    return result


_undo: Any = None


def install() -> None:
    """Make :func:`autograd_kernel` the Autograd key's kernel of every operator (start-up)."""
    global _undo
    if _undo is None:
        _undo = set_key_fallback(AUTOGRAD, autograd_kernel)
