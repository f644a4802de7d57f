"""``pb.ops``: every operator by namespace, ``pb.ops.pb.add``, ``pb.ops.acme.fused``."""

from __future__ import annotations

from typing import Final

from plugboard._dispatch.backends import backend_source
from plugboard._dispatch.dispatcher import OperatorHandle, Variant
from plugboard._dispatch.registry import find_op, get_op, registered_ops

__all__ = ["ops"]


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
            backend_source().load_all()
            handle = _handle(f"{self._name}::{name}")
        if handle is None:
            get_op(f"{self._name}::{name}")  # raises, with suggestions
            raise AttributeError(name)
        return handle

    def __dir__(self) -> list[str]:
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
