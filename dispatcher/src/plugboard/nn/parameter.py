"""``Parameter``: a tensor that a :class:`~plugboard.nn.Module` trains.

Example:
    >>> import plugboard as pb
    >>> w = pb.nn.Parameter(pb.zeros(2))
    >>> w.requires_grad, w.is_leaf, isinstance(w, pb.Tensor)
    (True, True, True)
"""

from __future__ import annotations

from typing import Any, SupportsIndex

import plugboard as pb

__all__ = ["Parameter", "Buffer"]


class Parameter(pb.Tensor):
    """A leaf tensor that requires grad and that modules register as a parameter.

    ``Parameter(data)`` shares ``data``'s storage (as ``torch.nn.Parameter``
    does): no copy is made. Assigning one to a module attribute registers it,
    so ``module.parameters()`` yields it and optimizers train it. Operations on
    a parameter return plain tensors.

    Example:
        >>> import plugboard as pb
        >>> p = pb.nn.Parameter(pb.ones(3), requires_grad=False)
        >>> p.requires_grad, p.shape
        (False, (3,))
    """

    __slots__ = ()

    def __new__(cls, data: pb.Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = pb.empty(0)
        if not isinstance(data, pb.Tensor):
            raise pb.ArgumentError(
                f"Parameter(data) takes a plugboard Tensor, got {type(data).__name__}. Fix: "
                "wrap the values first, Parameter(pb.tensor(values))",
                op="nn.Parameter",
            )
        # A new tensor object over the same storage and layout, outside any graph.
        param = cls._make(data._storage, data._shape, data._strides, data._offset, data._dtype)
        param.requires_grad_(requires_grad)
        assert isinstance(param, Parameter)
        return param

    def __init__(self, data: pb.Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__; Tensor.__init__ would refuse the call

    def _set_data(self, data: pb.Tensor) -> None:
        """Take ``data``'s storage and layout, keeping this object (``param.data = data``).

        ``Module.to()`` uses it, so optimizers built before a move keep valid references,
        as in PyTorch. The gradient, if any, must be moved by the caller.
        """
        requires_grad = self.requires_grad
        self.grad = None
        self._storage, self._shape, self._strides = data._storage, data._shape, data._strides
        self._offset, self._dtype, self._host = data._offset, data._dtype, None
        self._keyset = data._storage.keyset  # the new device's keys, without autograd's
        self.requires_grad_(False)  # drops the old accumulator; then adds autograd's key back
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        raise pb.ArgumentError(
            "Parameters are not pickled. Fix: save a state dict with "
            "pb.save(module.state_dict(), 'model.safetensors')",
            op="nn.Parameter",
        )


class Buffer:
    """Marks a tensor assigned to a module attribute as a buffer, as ``torch.nn.Buffer``.

    ``module.name = Buffer(t, persistent=True)`` is ``module.register_buffer(name, t)``.

    Example:
        >>> import plugboard as pb
        >>> m = pb.nn.Module()
        >>> m.steps = pb.nn.Buffer(pb.zeros(()))
        >>> [name for name, _ in m.named_buffers()]
        ['steps']
    """

    __slots__ = ("data", "persistent")

    def __init__(self, data: pb.Tensor, *, persistent: bool = True) -> None:
        self.data = data
        self.persistent = persistent
