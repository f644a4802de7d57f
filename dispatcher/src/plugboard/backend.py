"""The API for backend plugins: everything a vendor's package needs from plugboard.

A backend package registers a module under the entry point group
``plugboard.backends`` (entry point name = device type) that implements three
hooks, marked with :data:`hookimpl`::

    from plugboard import backend

    @backend.hookimpl
    def plugboard_backend_info():
        return backend.BackendInfo("acme", "Acme", "1.0", backend.API_VERSION, "plugboard-acme")

    @backend.hookimpl
    def plugboard_device_runtime():
        return AcmeRuntime()          # a backend.DeviceRuntime

    @backend.hookimpl
    def plugboard_register_kernels(library):
        library.impl("add", AcmeAdd, dtypes=[pb.float32])
"""

from ._backend import Availability, BackendInfo, DeviceProperties, DeviceRuntime
from ._hookspecs import ENTRY_POINT_GROUP, hookimpl
from ._indexing import first_out_of_range
from ._plugins import BackendStatus, conformance_expectations
from ._random import Generator, PhiloxState, philox_reserve, philox_words
from ._registry import MetaResult, TensorSpec
from ._tensor import Storage, contiguous_strides, host_array
from ._version import API_VERSION

__all__ = [
    "API_VERSION",
    "ENTRY_POINT_GROUP",
    "Availability",
    "BackendInfo",
    "BackendStatus",
    "DeviceProperties",
    "DeviceRuntime",
    "Generator",
    "MetaResult",
    "PhiloxState",
    "Storage",
    "TensorSpec",
    "conformance_expectations",
    "contiguous_strides",
    "first_out_of_range",
    "hookimpl",
    "host_array",
    "philox_reserve",
    "philox_words",
]
