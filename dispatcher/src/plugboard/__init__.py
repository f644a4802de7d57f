"""plugboard: a hardware-backend plugin SDK for tensor computation.

An operator registry and a dispatcher route each tensor operation to the
backend of its tensors' device; backends are pip packages found through entry
points.

Example:
    >>> import plugboard as pb
    >>> x = pb.tensor([[1., 2.], [3., 4.]])
    >>> (x @ x + 1).sum(dim=0).tolist()
    [24.0, 34.0]
"""

from . import _opset as _opset  # defines the pb:: operators
from . import backend as backend
from . import library as library
from ._api import backends, device_properties, devices, memory_stats, synchronize
from ._copy import copy_
from ._device import Device, device
from ._dispatcher import OperatorHandle, fallback_counts, fallback_policy, ops
from ._dtype import (
    DType,
    bfloat16,
    can_cast,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    result_type,
    set_default_dtype,
    uint8,
)
from ._dtype import bool_ as bool
from ._errors import (
    ArgumentError,
    BackendUnavailableError,
    DeviceError,
    DTypeError,
    FallbackWarning,
    IndexingError,
    KernelNotFoundError,
    PlugboardError,
    PluginError,
    RegistrationError,
    SchemaError,
    ShapeError,
)
from ._factories import (
    arange,
    asarray,
    empty,
    empty_like,
    from_numpy,
    full,
    full_like,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._functions import (
    abs,
    add,
    amax,
    argmax,
    as_strided,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    chunk,
    clone,
    contiguous,
    diagonal,
    div,
    eq,
    exp,
    expand,
    flatten,
    ge,
    gt,
    le,
    log,
    lt,
    matmul,
    maximum,
    mean,
    minimum,
    mul,
    narrow,
    ne,
    neg,
    permute,
    pow,
    relu,
    remainder,
    reshape,
    select,
    softmax,
    split_with_sizes,
    sqrt,
    squeeze,
    sub,
    sum,
    t,
    transpose,
    unbind,
    unflatten,
    unsqueeze,
    view,
    where,
)
from ._library import Library
from ._meta import broadcast_shapes
from ._tensor import Tensor
from ._tensor_methods import install as _install_methods
from ._version import API_VERSION, __version__

_install_methods()


def split(
    tensor: Tensor, split_size_or_sections: "int | list[int]", dim: int = 0
) -> "tuple[Tensor, ...]":
    """Split ``tensor`` into chunks of one size (an int) or of the given sizes (a list).

    Example:
        >>> import plugboard as pb
        >>> [p.tolist() for p in pb.split(pb.arange(5), 2)]
        [[0, 1], [2, 3], [4]]
    """
    return tensor.split(split_size_or_sections, dim)  # type: ignore[no-any-return]


__all__ = [
    "API_VERSION", "__version__",
    # devices and backends
    "Device", "device", "devices", "backends", "device_properties", "memory_stats",
    "synchronize",
    # dtypes
    "DType", "bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "promote_types", "result_type", "can_cast", "get_default_dtype",
    "set_default_dtype",
    # tensors
    "Tensor", "tensor", "from_numpy", "asarray", "empty", "empty_like", "zeros",
    "zeros_like", "ones", "ones_like", "full", "full_like", "arange", "copy_",
    "broadcast_shapes",
    # operators
    "ops", "OperatorHandle", "Library", "fallback_policy", "fallback_counts",
    "neg", "abs", "exp", "log", "sqrt", "bitwise_not", "add", "sub", "mul", "div",
    "remainder", "pow", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor",
    "eq", "ne", "lt", "le", "gt", "ge", "where", "relu", "softmax", "sum", "mean", "amax",
    "argmax", "matmul", "view", "reshape", "as_strided", "permute", "transpose", "t",
    "expand", "squeeze", "unsqueeze", "flatten", "unflatten", "narrow", "select",
    "diagonal", "split", "split_with_sizes", "chunk", "unbind", "clone", "contiguous",
    # errors
    "PlugboardError", "ArgumentError", "BackendUnavailableError", "DeviceError",
    "DTypeError", "FallbackWarning", "IndexingError", "KernelNotFoundError", "PluginError",
    "RegistrationError", "SchemaError", "ShapeError",
    # public submodules
    "backend", "library",
]
