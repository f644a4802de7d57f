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

from plugboard._core.allocator import Block, CachingAllocator, MemoryLimits, size_class
from plugboard._core.dtype import ALL_DTYPES as ALL
from plugboard._core.dtype import FLOATING_DTYPES as FLOATING
from plugboard._core.dtype import INTEGRAL_DTYPES as INTEGRAL
from plugboard._core.dtype import NUMERIC_DTYPES as NUMERIC
from plugboard._core.fp_errors import ignore_fp_errors
from plugboard._core.runtime import Availability, DeviceProperties, DeviceRuntime, format_bytes
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import (
    DeviceBuffer,
    Storage,
    contiguous_strides,
    device_buffer,
    host_array,
    storage_handle,
)
from plugboard._dispatch.kernel_table import KernelSpec, KernelTable
from plugboard._dispatch.random import Generator, PhiloxState, philox_reserve, philox_words
from plugboard._dispatch.streams import current_stream_handle
from plugboard._frontend.indexing import check_index_bounds, check_index_range, first_out_of_range
from plugboard._plugins.contract import BackendInfo
from plugboard._plugins.hookspecs import ENTRY_POINT_GROUP, hookimpl
from plugboard._plugins.registry import conformance_expectations
from plugboard._plugins.status import BackendStatus
from plugboard._version import API_VERSION

__all__ = [
    "ALL",
    "API_VERSION",
    "FLOATING",
    "INTEGRAL",
    "NUMERIC",
    "KernelSpec",
    "KernelTable",
    "ENTRY_POINT_GROUP",
    "Availability",
    "Block",
    "MemoryLimits",
    "CachingAllocator",
    "BackendInfo",
    "BackendStatus",
    "DeviceBuffer",
    "DeviceProperties",
    "DeviceRuntime",
    "Generator",
    "MetaResult",
    "PhiloxState",
    "Storage",
    "TensorSpec",
    "check_index_bounds",
    "check_index_range",
    "conformance_expectations",
    "contiguous_strides",
    "current_stream_handle",
    "device_buffer",
    "first_out_of_range",
    "ignore_fp_errors",
    "format_bytes",
    "hookimpl",
    "host_array",
    "philox_reserve",
    "philox_words",
    "size_class",
    "storage_handle",
]
