"""The recorded graph: each tensor's autograd state, nodes, edges and saved tensors.

A tensor that requires grad has an :class:`AutogradMeta` (``Tensor._autograd``)
and the ``Autograd`` key in its key set. A leaf (made by the user) has
``requires_grad`` set and no ``grad_fn``; every other tensor that requires grad
was made by an operator, and ``grad_fn`` is the :class:`Node` that operator
recorded, ``output_nr`` which of its outputs the tensor is. A node's
``next_edges`` lead to the nodes of its differentiable inputs: another
operator's node, or the :class:`AccumulateGrad` node of a leaf.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

from plugboard._autograd.grad_mode import set_grad_enabled
from plugboard._core.device import Device
from plugboard._core.dtype import DType
from plugboard._core.errors import AutogradError, DTypeError
from plugboard._core.tensor import Tensor
from plugboard._dispatch import keys as _keys

__all__ = [
    "AccumulateGrad",
    "AutogradMeta",
    "Edge",
    "Node",
    "Saved",
    "TensorMeta",
    "alias",
    "attach",
    "check_can_require_grad",
    "edge_of",
    "node_label",
    "requires_grad",
]

AUTOGRAD_MASK = _keys.Autograd.mask


class TensorMeta(NamedTuple):
    """What backward needs of an input it did not save: its layout, dtype and device."""

    shape: tuple[int, ...]
    dtype: DType
    device: Device
    strides: tuple[int, ...]
    offset: int

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @classmethod
    def of(cls, t: Tensor) -> TensorMeta:
        return cls(t._shape, t._dtype, t.device, t._strides, t._offset)


class AutogradMeta:
    """A tensor's autograd state; tensors that take no part in autograd have none."""

    __slots__ = ("accumulator", "grad", "grad_fn", "is_view", "output_nr", "requires_grad",
                 "retains_grad")

    def __init__(self) -> None:
        self.requires_grad = False  # set on leaves; non-leaves require grad by grad_fn
        self.grad: Tensor | None = None
        self.grad_fn: Node | None = None
        self.output_nr = 0
        self.retains_grad = False
        self.accumulator: AccumulateGrad | None = None
        self.is_view = False  # made by a view operator from a tensor that requires grad


def meta_of(t: Tensor) -> AutogradMeta:
    """``t``'s autograd state, made on first use."""
    meta: AutogradMeta | None = t._autograd
    if meta is None:
        meta = t._autograd = AutogradMeta()
    return meta


def requires_grad(t: Tensor) -> bool:
    meta: AutogradMeta | None = t._autograd
    return meta is not None and (meta.requires_grad or meta.grad_fn is not None)


def check_can_require_grad(t: Tensor, op: str) -> None:
    """Only floating tensors have gradients, as in PyTorch."""
    if not t._dtype.is_floating_point:
        raise DTypeError(
            f"only floating-point tensors can require gradients; this one is {t._dtype}. "
            "Fix: convert it first, e.g. x.to(pb.float32).requires_grad_(), or create it "
            "with a floating dtype",
            op=op,
            inputs=f"self={t._dtype}[{', '.join(map(str, t._shape))}] on {t.device}",
        )


def alias(t: Tensor) -> Tensor:
    """A new tensor object over ``t``'s elements, with no autograd state (``detach``)."""
    return Tensor._make(t._storage, t._shape, t._strides, t._offset, t._dtype)


class Edge(NamedTuple):
    """Where a gradient goes: output ``nr`` of ``node``."""

    node: Node
    nr: int


def edge_of(t: Tensor) -> Edge | None:
    """The edge a gradient of ``t`` flows along; None when ``t`` requires no grad."""
    meta: AutogradMeta | None = t._autograd
    if meta is None:
        return None
    if meta.grad_fn is not None:
        return Edge(meta.grad_fn, meta.output_nr)
    if not meta.requires_grad:
        return None
    if meta.accumulator is None:
        meta.accumulator = AccumulateGrad(t)
    return Edge(meta.accumulator, 0)


def attach(t: Tensor, node: Node, nr: int, is_view: bool = False) -> None:
    """Make ``t`` output ``nr`` of ``node`` (a non-leaf that requires grad)."""
    meta = meta_of(t)
    meta.grad_fn = node
    meta.output_nr = nr
    meta.requires_grad = False
    meta.accumulator = None
    meta.is_view = is_view or meta.is_view
    t._keyset |= AUTOGRAD_MASK


def node_label(name: str) -> str:
    """``pb::add`` -> ``AddBackward``, PyTorch's way of naming backward nodes."""
    base = name.rpartition("::")[2].strip("_")
    return "".join(part.capitalize() for part in base.split("_")) + "Backward"


class Saved:
    """A tensor saved for backward, with the version it had then.

    An output of the node itself is kept as an alias without the node, so the
    graph holds no cycle; unpacking it for a differentiable backward
    (``create_graph``) reconnects it to the node.
    """

    __slots__ = ("is_output", "nr", "tensor", "version")

    def __init__(self, t: Tensor, is_output: bool = False, nr: int = 0) -> None:
        self.tensor = alias(t) if is_output else t
        self.version = t._storage.version
        self.is_output = is_output
        self.nr = nr

    def unpack(self, node: Node, create_graph: bool) -> Tensor:
        t = self.tensor
        if t._storage.version != self.version:
            shape = ", ".join(map(str, t._shape))
            raise AutogradError(
                "one of the variables needed for gradient computation has been modified by "
                f"an inplace operation: [{t._dtype}[{shape}] on {t.device}], "
                f"{'an output' if self.is_output else 'an input'} of {node.name()}, is at "
                f"version {t._storage.version}; expected version {self.version} instead. "
                "Fix: do not change it in place after using it, e.g. use x = x.op(...) "
                "instead of x.op_(...), or clone() it first",
                op=node.name(),
            )
        if self.is_output and create_graph:
            reconnected = alias(t)
            attach(reconnected, node, self.nr)
            return reconnected
        return t


class Node:
    """One recorded operation: turns the gradients of its outputs into its inputs'.

    ``next_edges`` lists, for each differentiable input, where its gradient goes;
    ``apply`` takes one gradient per output (``None``: none flowed) and returns one
    per edge. ``outputs`` describes each output, to make zeros for missing ones.
    """

    __slots__ = ("__weakref__", "_freed", "next_edges", "outputs", "retained")

    def __init__(self, next_edges: tuple[Edge | None, ...],
                 outputs: tuple[TensorMeta, ...]) -> None:
        self.next_edges = next_edges
        self.outputs = outputs
        self._freed = False
        # Non-leaf tensors that asked for their .grad (retain_grad), per output.
        self.retained: dict[int, list[weakref.ref[Tensor]]] | None = None

    def name(self) -> str:
        """The operator that recorded the node, e.g. ``pb::add``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{node_label(self.name())}>"

    def apply(self, grads: tuple[Tensor | None, ...], create_graph: bool
              ) -> tuple[Tensor | None, ...]:
        raise NotImplementedError

    def release(self) -> None:
        """Free the saved tensors once backward has passed (unless retain_graph)."""
        self._freed = True

    def check_not_freed(self) -> None:
        if self._freed:
            raise AutogradError(
                "trying to backward through the graph a second time (or to use saved "
                f"tensors after they have been freed): the saved tensors of {self.name()} "
                "were freed by the first backward. Fix: pass retain_graph=True to the first "
                "backward() or autograd.grad() call",
                op=self.name(),
            )


class AccumulateGrad(Node):
    """The node of a leaf: adds the gradient that reaches it into the leaf's ``.grad``."""

    __slots__ = ("variable",)

    def __init__(self, leaf: Tensor) -> None:
        super().__init__((), (TensorMeta.of(leaf),))
        self.variable: weakref.ref[Tensor] = weakref.ref(leaf)

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"

    def apply(self, grads: tuple[Tensor | None, ...], create_graph: bool
              ) -> tuple[Tensor | None, ...]:
        leaf = self.variable()
        grad = grads[0]
        if leaf is None or grad is None:
            return ()
        accumulate(leaf, grad, create_graph)
        return ()


def accumulate(t: Tensor, grad: Tensor, create_graph: bool) -> None:
    """``t.grad += grad``; the sum is part of the graph only with ``create_graph``.

    A first gradient is copied (unless ``create_graph``): the same gradient may
    reach several leaves, and each ``.grad`` must be its own tensor.
    """
    meta = meta_of(t)
    with set_grad_enabled(create_graph):
        if meta.grad is None:
            meta.grad = grad if create_graph else grad.clone()
        else:
            meta.grad = meta.grad + grad
