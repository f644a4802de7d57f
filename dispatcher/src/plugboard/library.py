"""Registering operators and kernels, and the dispatch keys they are registered for.

See :class:`Library`. Functionality kernels (registered for a functionality
key such as ``Autograd``, or one made with :func:`register_functionality_key`)
are called as ``fn(handle, values, out)`` and let the rest of the stack
compute with ``handle.redispatch(values, out, below=key)``.
"""

from ._dispatcher import OperatorHandle, record_paths, resolve_kernel
from ._keys import (
    DispatchKey,
    KeyKind,
    exclude_keys,
    include_keys,
    key_named,
    register_functionality_key,
)
from ._library import Library
from ._registry import Kernel, MetaResult, Path, TensorSpec, registered_ops
from ._schema import FunctionSchema, parse_schema

__all__ = [
    "DispatchKey",
    "FunctionSchema",
    "Kernel",
    "KeyKind",
    "Library",
    "MetaResult",
    "OperatorHandle",
    "Path",
    "TensorSpec",
    "exclude_keys",
    "include_keys",
    "key_named",
    "parse_schema",
    "record_paths",
    "register_functionality_key",
    "registered_ops",
    "resolve_kernel",
]
