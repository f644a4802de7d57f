"""The methods a tensor gets from the front end, declared for type checkers.

At run time :class:`TensorMethods` is empty: ``plugboard._frontend.methods``
attaches the operator methods (``x.add``, ``x.sum``, ...), Python's operators
(``x + y``), indexing and conversions to :class:`plugboard.Tensor` when
plugboard starts, because they call the dispatcher, which sits above this
layer. ``tensor_methods.pyi`` beside this file declares every one of them with
its signature and docstring; ``tools/generate.py`` writes it from the operator
registry and CI checks that it is current.
"""

from __future__ import annotations

__all__ = ["TensorMethods"]


class TensorMethods:
    """Base of :class:`plugboard.Tensor` that carries the declared front-end methods."""

    __slots__ = ()
