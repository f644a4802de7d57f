"""Backward: runs the recorded graph from outputs to inputs, iteratively.

The engine walks the graph twice without recursion (a chain of any depth is
fine): once to count, for each node, the edges that lead into it, then in
topological order (Kahn's algorithm), calling each node once all the
gradients that flow into it have been summed.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from plugboard._autograd.grad_mode import set_grad_enabled
from plugboard._autograd.graph import AccumulateGrad, Edge, Node, accumulate, edge_of
from plugboard._core.errors import AutogradError, ShapeError
from plugboard._core.tensor import Tensor
from plugboard._ops.meta import op

__all__ = ["backward", "grad", "run_backward"]


def _roots(tensors: Sequence[Tensor], grads: Sequence[Tensor | None], what: str
           ) -> list[tuple[Edge, Tensor]]:
    roots = []
    for i, (t, given) in enumerate(zip(tensors, grads, strict=True)):
        g = given
        edge = edge_of(t)
        if edge is None:
            raise AutogradError(
                f"element {i} of the tensors does not require grad and has no grad_fn. "
                "Fix: make an input require grad (x.requires_grad_()) before computing it, "
                "outside pb.no_grad()",
                op=what,
            )
        if g is None:
            if t.numel() != 1:
                raise AutogradError(
                    f"a gradient can be created implicitly only for outputs with one element; "
                    f"element {i} has shape {t.shape}. Fix: pass gradient= (a tensor of its "
                    "shape), or reduce it first, e.g. y.sum().backward()",
                    op=what,
                )
            with set_grad_enabled(False):
                g = op("ones_like")(t)
        elif tuple(g.shape) != tuple(t.shape):
            raise ShapeError(
                f"the gradient for element {i} has shape {g.shape} but the tensor has shape "
                f"{t.shape}. Fix: pass a gradient of the tensor's shape",
                op=what,
            )
        roots.append((edge, g))
    return roots


def run_backward(
    roots: list[tuple[Edge, Tensor]],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Edge] | None = None,
) -> list[Tensor | None]:
    """Run the graph below ``roots``; with ``capture``, return the gradients at those edges
    (``autograd.grad``: nothing accumulates into ``.grad``), else accumulate into leaves."""
    # 1. Count the edges into each node reachable from the roots (iteratively).
    dependencies: dict[Node, int] = {}
    # Each node once: several roots may be outputs of one node (the pieces of a split).
    stack = list(dict.fromkeys(edge.node for edge, _ in roots))
    seen = set(stack)
    order: list[Node] = []
    while stack:
        node = stack.pop()
        order.append(node)
        for edge in node.next_edges:
            if edge is None:
                continue
            dependencies[edge.node] = dependencies.get(edge.node, 0) + 1
            if edge.node not in seen:
                seen.add(edge.node)
                stack.append(edge.node)

    targets: dict[tuple[Node, int], int] = {}
    needed: set[Node] | None = None
    if capture is not None:
        targets = {(e.node, e.nr): i for i, e in enumerate(capture)}
        needed = _needed(order, {e.node for e in capture})

    buffers: dict[Node, list[Tensor | None]] = {}
    for edge, g in roots:
        _add(buffers, edge.node, edge.nr, g)
    captured: list[Tensor | None] = [None] * (len(capture) if capture is not None else 0)

    ready = [node for node in {edge.node for edge, _ in roots} if not dependencies.get(node)]
    with set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None) or [None] * len(node.outputs)
            if targets:
                for nr, arrived in enumerate(grads):
                    i = targets.get((node, nr))
                    if i is not None:
                        captured[i] = arrived
            _retain(node, grads, create_graph)
            run = needed is None or node in needed
            if run and isinstance(node, AccumulateGrad) and capture is not None:
                run = False  # autograd.grad leaves .grad alone
            inputs: tuple[Tensor | None, ...] = ()
            if run and any(g is not None for g in grads):
                inputs = node.apply(_filled(node, grads), create_graph)
                if not retain_graph:
                    node.release()
            for edge, passed in zip(node.next_edges,
                                    inputs or (None,) * len(node.next_edges), strict=True):
                if edge is None:
                    continue
                if passed is not None:
                    _add(buffers, edge.node, edge.nr, passed)
                dependencies[edge.node] -= 1
                if dependencies[edge.node] == 0:
                    ready.append(edge.node)
    return captured


def _needed(order: list[Node], wanted: set[Node]) -> set[Node]:
    """The nodes from which a wanted node can be reached (run in reverse discovery order)."""
    needed = set(wanted)
    # Repeat until stable: discovery order is not topological, but each pass is linear.
    changed = True
    while changed:
        changed = False
        for node in reversed(order):
            if node in needed:
                continue
            if any(e is not None and e.node in needed for e in node.next_edges):
                needed.add(node)
                changed = True
    return needed


def _add(buffers: dict[Node, list[Tensor | None]], node: Node, nr: int, g: Tensor) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * max(len(node.outputs), nr + 1)
    current = slots[nr]
    slots[nr] = g if current is None else current + g


def _filled(node: Node, grads: list[Tensor | None]) -> tuple[Tensor | None, ...]:
    """Zeros for the outputs no gradient reached, when the node has several."""
    if len(grads) == 1:
        return tuple(grads)
    filled = []
    for g, meta in zip(grads, node.outputs, strict=True):
        if g is None and meta.dtype.is_floating_point:
            from_meta: Any = _zeros(meta)
            filled.append(from_meta)
        else:
            filled.append(g)
    return tuple(filled)


def _zeros(meta: Any) -> Tensor:
    return op("zeros")(meta.shape, dtype=meta.dtype, device=meta.device)


def _retain(node: Node, grads: list[Tensor | None], create_graph: bool) -> None:
    if node.retained is None:
        return
    for nr, refs in node.retained.items():
        g = grads[nr] if nr < len(grads) else None
        for ref in refs:
            t = ref()
            if t is not None and g is not None:
                accumulate(t, g, create_graph)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves below them.

    ``grad_tensors``: one gradient per tensor (None for one-element tensors: 1).

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1.0, 2.0], requires_grad=True)
        >>> pb.autograd.backward([x * 2, x * x], [pb.ones(2), pb.ones(2)])
        >>> x.grad.tolist()
        [4.0, 6.0]
    """
    outputs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grads = _as_list(grad_tensors, len(outputs))
    roots = _roots(outputs, grads, "backward")
    run_backward(roots, create_graph if retain_graph is None else retain_graph, create_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``; ``.grad`` is left alone.

    ``create_graph=True`` records the computation, for higher derivatives;
    ``allow_unused=True`` gives None for inputs the outputs do not depend on.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([3.0], requires_grad=True)
        >>> (g,) = pb.autograd.grad(x * x * x, x, create_graph=True)
        >>> g.tolist(), pb.autograd.grad(g, x)[0].tolist()
        ([27.0], [18.0])
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    roots = _roots(outs, _as_list(grad_outputs, len(outs)), "autograd.grad")
    edges = []
    for i, t in enumerate(ins):
        edge = edge_of(t)
        if edge is None:
            raise AutogradError(
                f"input {i} does not require grad. Fix: pass tensors that require grad "
                "(x.requires_grad_()) and that the outputs were computed from",
                op="autograd.grad",
            )
        edges.append(edge)
    result = run_backward(roots, create_graph if retain_graph is None else retain_graph,
                          create_graph, edges)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise AutogradError(
                f"input {i} was not used to compute the outputs, so it has no gradient. "
                "Fix: pass allow_unused=True to get None for it, or drop it from inputs",
                op="autograd.grad",
            )
    return tuple(result)


def _as_list(grads: Tensor | Sequence[Tensor | None] | None, n: int) -> list[Tensor | None]:
    if grads is None:
        return [None] * n
    if isinstance(grads, Tensor):
        return [grads]
    result = list(grads)
    if len(result) != n:
        raise AutogradError(
            f"got {len(result)} gradient(s) for {n} output(s). Fix: pass one gradient (or "
            "None) per output",
            op="backward",
        )
    return result


def retain(t: Tensor, node: Node, nr: int) -> None:
    """Keep ``t``'s gradient in ``t.grad`` when backward passes ``node``'s output ``nr``."""
    if node.retained is None:
        node.retained = {}
    node.retained.setdefault(nr, []).append(weakref.ref(t))
