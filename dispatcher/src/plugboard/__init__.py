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

from plugboard._frontend.devices import (
    backends,
    device,
    device_properties,
    devices,
    memory_stats,
    synchronize,
)
from plugboard._frontend.conversion import copy_
from plugboard._core.device import Device
from plugboard._dispatch.dispatcher import OperatorHandle
from plugboard._dispatch.fallback import fallback_counts, fallback_policy
from plugboard._dispatch.namespaces import ops
from plugboard._core.dtype import (
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
from plugboard._core.dtype import bool_ as bool
from plugboard._core.errors import (
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
from plugboard._frontend.factories import (
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
from plugboard._frontend.functions import (
    abs,
    add,
    addcdiv,
    addcmul,
    addmm,
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    argsort,
    as_strided,
    atan,
    atan2,
    avg_pool2d,
    batch_norm,
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    bmm,
    cat,
    ceil,
    chunk,
    clamp,
    clone,
    contiguous,
    cos,
    cross_entropy,
    cumprod,
    cumsum,
    diagonal,
    div,
    dot,
    dropout,
    embedding,
    eq,
    erf,
    exp,
    expand,
    expm1,
    flatten,
    flip,
    floor,
    fmod,
    gather,
    ge,
    gelu,
    gt,
    index_put,
    index_put_,
    index_select,
    isfinite,
    isinf,
    isnan,
    layer_norm,
    le,
    lerp,
    linear,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logsumexp,
    lt,
    masked_fill,
    matmul,
    max_pool2d,
    maximum,
    mean,
    minimum,
    mm,
    mse_loss,
    mul,
    nan_to_num,
    narrow,
    ne,
    neg,
    norm,
    outer,
    pad,
    permute,
    pow,
    prod,
    reciprocal,
    relu,
    remainder,
    repeat,
    reshape,
    rms_norm,
    roll,
    round,
    rsqrt,
    scaled_dot_product_attention,
    scatter_add,
    select,
    sigmoid,
    sign,
    silu,
    sin,
    softmax,
    softplus,
    sort,
    split_with_sizes,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    sum,
    t,
    tan,
    tanh,
    tile,
    topk,
    transpose,
    tril,
    triu,
    trunc,
    unbind,
    unflatten,
    unsqueeze,
    var,
    view,
    where,
)
from plugboard._dispatch.library import Library
from plugboard._ops.meta import broadcast_shapes
from plugboard._ops.creation import eye, linspace, rand, randint, randn
from plugboard._ops.nn import conv2d
from plugboard._ops.reductions import max, min
from plugboard._ops.shape import scatter
from plugboard._dispatch.random import Generator, default_generator, initial_seed, manual_seed, seed
from plugboard._core.tensor import Tensor
from plugboard._version import API_VERSION, __version__




# Start-up, in this order: connect the dispatcher to the installed backend
# plugins (loaded lazily, on first use), register the core opset, and give
# Tensor its front-end methods. Nothing else happens at import.
from plugboard._dispatch.backends import set_backend_source as _set_backend_source
from plugboard._frontend.methods import install as _install_methods
from plugboard._ops import register_core_opset as _register_core_opset
from plugboard._plugins.registry import BackendRegistry as _BackendRegistry

_set_backend_source(_BackendRegistry())
_register_core_opset()
_install_methods()

from plugboard import backend as backend  # noqa: E402 - public submodules, after start-up
from plugboard import library as library  # noqa: E402

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
    "zeros_like", "ones", "ones_like", "full", "full_like", "arange", "linspace", "eye",
    "copy_", "broadcast_shapes",
    # random numbers
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "rand", "randn",
    "randint",
    # operators
    "ops", "OperatorHandle", "Library", "fallback_policy", "fallback_counts",
    "abs", "add", "addcdiv", "addcmul", "addmm", "all", "amax", "amin", "any", "argmax", "argmin",
    "argsort", "as_strided", "atan", "atan2", "avg_pool2d", "batch_norm", "bitwise_and",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "bmm", "cat", "ceil", "chunk", "clamp", "clone", "contiguous", "conv2d", "cos",
    "cross_entropy", "cumprod", "cumsum", "diagonal", "div", "dot", "dropout", "embedding", "eq",
    "erf", "exp", "expand", "expm1", "flatten", "flip", "floor", "fmod", "gather", "ge", "gelu",
    "gt", "index_put", "index_put_", "index_select", "isfinite", "isinf", "isnan", "layer_norm",
    "le", "lerp", "linear", "log", "log10", "log1p", "log2", "log_softmax", "logical_and",
    "logical_not", "logical_or", "logical_xor", "logsumexp", "lt", "masked_fill", "matmul", "max",
    "max_pool2d", "maximum", "mean", "min", "minimum", "mm", "mse_loss", "mul", "nan_to_num",
    "narrow", "ne", "neg", "norm", "outer", "pad", "permute", "pow", "prod", "reciprocal", "relu",
    "remainder", "repeat", "reshape", "rms_norm", "roll", "round", "rsqrt",
    "scaled_dot_product_attention", "scatter", "scatter_add", "select", "sigmoid", "sign", "silu",
    "sin", "softmax", "softplus", "sort", "split", "split_with_sizes", "sqrt", "square",
    "squeeze", "stack", "std", "sub", "sum", "t", "tan", "tanh", "tile", "topk", "transpose",
    "tril", "triu", "trunc", "unbind", "unflatten", "unsqueeze", "var", "view", "where",
    # errors
    "PlugboardError", "ArgumentError", "BackendUnavailableError", "DeviceError",
    "DTypeError", "FallbackWarning", "IndexingError", "KernelNotFoundError", "PluginError",
    "RegistrationError", "SchemaError", "ShapeError",
    # public submodules
    "backend", "library",
]
