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

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from plugboard._autograd import install as _install_autograd
from plugboard._autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from plugboard._core.device import Device
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
from plugboard._core.dtype import float16 as half
from plugboard._core.dtype import float32 as float
from plugboard._core.dtype import float64 as double
from plugboard._core.dtype import int16 as short
from plugboard._core.dtype import int32 as int
from plugboard._core.dtype import int64 as long
from plugboard._core.errors import (
    ArgumentError,
    AutogradError,
    BackendUnavailableError,
    DeviceError,
    DeviceFaultError,
    DTypeError,
    FallbackWarning,
    IndexingError,
    KernelError,
    KernelNotFoundError,
    OutOfMemoryError,
    PlugboardError,
    PluginError,
    RegistrationError,
    SchemaError,
    ShapeError,
)
from plugboard._core.tensor import Tensor

# Start-up, in this order: connect the dispatcher to the installed backend
# plugins (loaded lazily, on first use), register the core opset, give Tensor
# its front-end methods, and install autograd (its kernel on the Autograd key,
# the Tensor attributes). Nothing else happens at import.
from plugboard._dispatch.backends import set_backend_source as _set_backend_source
from plugboard._dispatch.dispatcher import OperatorHandle
from plugboard._dispatch.fallback import fallback_counts, fallback_policy
from plugboard._dispatch.library import Library
from plugboard._dispatch.namespaces import ops
from plugboard._dispatch.random import Generator, default_generator, initial_seed, manual_seed, seed
from plugboard._dispatch.streams import Event, Stream, current_stream, stream
from plugboard._frontend import functions as _functions
from plugboard._frontend.clamps import clamp_max, clamp_min, clip
from plugboard._frontend.comparison import allclose, equal, isclose
from plugboard._frontend.devices import (
    backends,
    device,
    device_properties,
    devices,
    empty_cache,
    memory_stats,
    synchronize,
)
from plugboard._frontend.dlpack import from_dlpack
from plugboard._frontend.factories import asarray, from_numpy, tensor
from plugboard._frontend.functions import *  # noqa: F403 - pb.add, ...: every operator
from plugboard._frontend.methods import install as _install_methods
from plugboard._frontend.selection import masked_select, nonzero
from plugboard._frontend.shapes import broadcast_to, movedim
from plugboard._ops import register_core_opset as _register_core_opset
from plugboard._ops.meta import broadcast_shapes
from plugboard._plugins.registry import BackendRegistry as _BackendRegistry
from plugboard._version import API_VERSION, __version__

_set_backend_source(_BackendRegistry())
_register_core_opset()
_install_methods()
_install_autograd()

from plugboard import autograd as autograd  # noqa: E402 - public submodules, after start-up

if _TYPE_CHECKING:
    from plugboard import backend as backend
    from plugboard import codegen as codegen
    from plugboard import library as library
    from plugboard import nn as nn
    from plugboard import optim as optim
    from plugboard._frontend.einsum import einsum
    from plugboard.serialization import load, save

# Imported on first use (PEP 562), so that `import plugboard` stays short: nn and
# optim are many modules, backend brings pluggy (a plugin's first load does too), and
# einsum's module makes dataclasses that only its calls use.
_LAZY_SUBMODULES = frozenset({"backend", "codegen", "library", "nn", "optim"})
_LAZY_NAMES = {"load": "plugboard.serialization", "save": "plugboard.serialization",
               "einsum": "plugboard._frontend.einsum"}


def __getattr__(name: str) -> _Any:
    if name in _LAZY_SUBMODULES:
        return _import_module(f"plugboard.{name}")
    if name in _LAZY_NAMES:
        value = getattr(_import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'plugboard' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The same list as when einsum was imported at start-up (and __dir__ did not exist).
    return sorted({*globals(), "einsum"} - {"__dir__"})

__all__ = [
    "API_VERSION", "__version__",
    # devices and backends
    "Device", "device", "devices", "backends", "device_properties", "memory_stats",
    "empty_cache",
    "synchronize", "Stream", "Event", "current_stream", "stream",
    # dtypes
    "DType", "bool", "int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "promote_types", "result_type", "can_cast", "get_default_dtype",
    "set_default_dtype",
    # PyTorch's other names for dtypes: pb.float is pb.float32, ...
    "float", "double", "half", "short", "int", "long",
    # tensors
    "Tensor", "tensor", "from_numpy", "from_dlpack", "asarray", "broadcast_shapes",
    # functions of the front end, built from operators
    "allclose", "isclose", "equal", "clip", "clamp_min", "clamp_max", "broadcast_to",
    "movedim", "nonzero", "masked_select", "einsum",
    # autograd
    "autograd", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled",
    # random numbers
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed",
    "ops", "OperatorHandle", "Library", "fallback_policy", "fallback_counts",
    # errors
    "PlugboardError", "ArgumentError", "AutogradError", "BackendUnavailableError", "DeviceError",
    "DeviceFaultError", "DTypeError", "FallbackWarning", "IndexingError", "KernelError",
    "KernelNotFoundError", "OutOfMemoryError", "PluginError",
    "RegistrationError", "SchemaError", "ShapeError",
    # state dicts in files (safetensors)
    "save", "load",
    # public submodules
    "backend", "library", "nn", "optim",
]
# Every operator as a function, from the registry (tools/generate.py).
__all__ += _functions.__all__
