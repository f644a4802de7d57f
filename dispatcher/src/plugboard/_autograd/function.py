"""``pb.autograd.Function``: an operation with a forward and a backward of its own."""

from __future__ import annotations

from typing import Any

from plugboard._autograd.grad_mode import is_grad_enabled, no_grad
from plugboard._autograd.graph import (
    Edge,
    Node,
    Saved,
    TensorMeta,
    alias,
    attach,
    edge_of,
)
from plugboard._core.errors import AutogradError
from plugboard._core.tensor import Tensor

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """What ``forward`` leaves for ``backward``: saved tensors and which inputs need grads."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Saved | None, ...] = ()
        self._non_differentiable: set[int] = set()
        self._node: FunctionNode | None = None
        self._freed = False
        self._inputs: tuple[TensorMeta, ...] = ()  # the inputs that have edges

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for backward; changing them in place before then is an error."""
        self._saved = tuple(None if t is None else Saved(t) for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to :meth:`save_for_backward`, checked unchanged."""
        if self._freed:
            assert self._node is not None
            self._node.check_not_freed()
        node = self._node
        return tuple(
            None if s is None else (s.unpack(node, False) if node is not None else s.tensor)
            for s in self._saved
        )

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Outputs that never get a gradient (indices, masks)."""
        self._non_differentiable.update(id(t) for t in outputs)


class FunctionNode(Node):
    __slots__ = ("_cls", "_ctx", "_positions")

    def __init__(self, cls: type[Function], ctx: FunctionCtx,
                 edges: tuple[Edge | None, ...], positions: tuple[int, ...],
                 outputs: tuple[TensorMeta, ...]) -> None:
        super().__init__(edges, outputs)
        self._cls = cls
        self._ctx = ctx
        self._positions = positions  # the forward argument of each edge

    def name(self) -> str:
        return self._cls.__qualname__

    def __repr__(self) -> str:
        return f"<{self._cls.__name__}Backward>"

    def apply(self, grads: tuple[Tensor | None, ...], create_graph: bool
              ) -> tuple[Tensor | None, ...]:
        self.check_not_freed()
        result = self._cls.backward(self._ctx, *grads)
        results = result if isinstance(result, tuple) else (result,)
        expected = len(self._ctx.needs_input_grad)
        if len(results) != expected:
            raise AutogradError(
                f"{self._cls.__qualname__}.backward returned {len(results)} gradient(s), but "
                f"forward took {expected} argument(s). Fix: return one gradient per forward "
                "argument, None for those that have none",
                op=self.name(),
            )
        picked = []
        for i, meta in zip(self._positions, self.outputs_of_inputs(), strict=True):
            g = results[i]
            if g is not None and tuple(g.shape) != meta.shape:
                raise AutogradError(
                    f"{self._cls.__qualname__}.backward returned a gradient of shape "
                    f"{g.shape} for argument {i}, whose shape is {meta.shape}. Fix: return "
                    "gradients of the inputs' shapes",
                    op=self.name(),
                )
            picked.append(g)
        return tuple(picked)

    def outputs_of_inputs(self) -> tuple[TensorMeta, ...]:
        return self._ctx._inputs

    def release(self) -> None:
        super().release()
        self._ctx._saved = ()
        self._ctx._freed = True


class Function:
    """An operation with its own derivative: subclass it, write ``forward`` and ``backward``
    as static methods, and call ``apply``.

    ``forward(ctx, *args)`` computes the outputs (autograd records nothing inside
    it); ``backward(ctx, *grads)`` gets one gradient per output and returns one per
    forward argument (None for arguments that need none, see ``ctx.needs_input_grad``).

    Example:
        >>> import plugboard as pb
        >>> class Cube(pb.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x * x
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 3 * x * x * g
        >>> x = pb.tensor([1., 2.], requires_grad=True)
        >>> y = Cube.apply(x)
        >>> y.grad_fn
        <CubeBackward>
        >>> y.sum().backward()
        >>> x.grad.tolist()
        [3.0, 12.0]
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass defines forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        raise NotImplementedError("a Function subclass defines backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` and, when an input requires grad, record ``backward``."""
        recording = is_grad_enabled()
        edges = [edge_of(a) if recording and isinstance(a, Tensor) else None for a in args]
        ctx = FunctionCtx(tuple(e is not None for e in edges))
        with no_grad():
            result = cls.forward(ctx, *args)
        if not any(e is not None for e in edges):
            return result
        outputs = result if isinstance(result, tuple) else (result,)
        # An input returned as it is becomes a new tensor, so the input keeps its history.
        ids = {id(a) for a in args if isinstance(a, Tensor)}
        outputs = tuple(alias(t) if isinstance(t, Tensor) and id(t) in ids else t
                        for t in outputs)
        positions = tuple(i for i, e in enumerate(edges) if e is not None)
        ctx._inputs = tuple(TensorMeta.of(args[i]) for i in positions)
        node = FunctionNode(
            cls, ctx, tuple(e for e in edges if e is not None), positions,
            tuple(TensorMeta.of(t) for t in outputs if isinstance(t, Tensor)),
        )
        ctx._node = node
        nr = 0
        for t in outputs:
            if not isinstance(t, Tensor):
                continue
            if t._dtype.is_floating_point and id(t) not in ctx._non_differentiable:
                attach(t, node, nr)
            nr += 1
        return outputs if isinstance(result, tuple) else outputs[0]

