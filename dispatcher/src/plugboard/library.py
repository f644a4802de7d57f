"""Registering operators and kernels, and the dispatch keys they are registered for.

See :class:`Library`. Functionality kernels (registered for a functionality
key such as ``Autograd``, or one made with :func:`register_functionality_key`)
are called as ``fn(handle, values, out)`` and let the rest of the stack
compute with ``handle.redispatch(values, out, below=key)``.
"""

from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._dispatch.dispatcher import OperatorHandle
from plugboard._dispatch.keys import (
    DispatchKey,
    KeyKind,
    exclude_keys,
    include_keys,
    key_named,
    register_functionality_key,
)
from plugboard._dispatch.library import Library
from plugboard._dispatch.provenance import record_paths
from plugboard._dispatch.registry import Kernel, Path, registered_ops
from plugboard._dispatch.resolution import resolve_kernel
from plugboard._dispatch.schema import FunctionSchema, parse_schema
from plugboard._ops import OPSET_VERSION

__all__ = [
    "OPSET_VERSION",
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
