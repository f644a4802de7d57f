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

from plugboard._core.runtime import Availability, DeviceProperties, DeviceRuntime, format_bytes
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Storage, contiguous_strides, host_array
from plugboard._dispatch.random import Generator, PhiloxState, philox_reserve, philox_words
from plugboard._frontend.indexing import first_out_of_range
from plugboard._plugins.contract import BackendInfo
from plugboard._plugins.hookspecs import ENTRY_POINT_GROUP, hookimpl
from plugboard._plugins.registry import BackendStatus, conformance_expectations
from plugboard._version import API_VERSION

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
    "format_bytes",
    "hookimpl",
    "host_array",
    "philox_reserve",
    "philox_words",
]
