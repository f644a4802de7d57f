"""DLPack: sharing tensors with NumPy, PyTorch, CuPy and others without copies.

``pb.from_dlpack(obj)`` takes anything with ``__dlpack__`` (or a DLPack
capsule) and returns a tensor over the same memory; ``Tensor.__dlpack__`` and
``__dlpack_device__`` give plugboard tensors to ``np.from_dlpack``,
``torch.from_dlpack``, .... The capsules are built here with ctypes rather
than borrowed from NumPy, because NumPy cannot carry bfloat16 and DLPack can.

A backend takes part through two optional runtime methods:
``dlpack_device(index)`` (the DLPack device type code and id; host-memory
runtimes are ``kDLCPU``) and ``data_pointer(handle)`` (the address of a
buffer). Importing needs host memory for now: DLPack's device memory types
need a runtime that can wrap foreign buffers, which no backend offers yet.

Example:
    >>> import numpy as np, plugboard as pb
    >>> a = np.arange(4, dtype=np.float32)
    >>> x = pb.from_dlpack(a)
    >>> a[0] = 9
    >>> x.tolist(), np.from_dlpack(x).tolist()
    ([9.0, 1.0, 2.0, 3.0], [9.0, 1.0, 2.0, 3.0])
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any, Final

import numpy as np

from plugboard._core.device import Device
from plugboard._core.dtype import DType, as_dtype
from plugboard._core.errors import ArgumentError, DeviceError, DTypeError
from plugboard._core.tensor import Storage, Tensor, contiguous_strides
from plugboard._dispatch.backends import backend_source

__all__ = ["dlpack_device", "from_dlpack", "to_dlpack"]

KDL_CPU: Final = 1
# DLPack's type codes: int, uint, float, bfloat, bool.
_INT, _UINT, _FLOAT, _BFLOAT, _BOOL = 0, 1, 2, 4, 6
_CODES: Final[dict[str, tuple[int, int]]] = {
    "bool": (_BOOL, 8), "int8": (_INT, 8), "uint8": (_UINT, 8), "int16": (_INT, 16),
    "int32": (_INT, 32), "int64": (_INT, 64), "float16": (_FLOAT, 16),
    "bfloat16": (_BFLOAT, 16), "float32": (_FLOAT, 32), "float64": (_FLOAT, 64),
}
_DTYPES: Final = {code: name for name, code in _CODES.items()}


class _Device(ctypes.Structure):
    _fields_ = (("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32))


class _DataType(ctypes.Structure):
    _fields_ = (("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16))


class _DLTensor(ctypes.Structure):
    _fields_ = (
        ("data", ctypes.c_void_p),
        ("device", _Device),
        ("ndim", ctypes.c_int32),
        ("dtype", _DataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    )


class _Managed(ctypes.Structure):
    pass


_DELETER = ctypes.CFUNCTYPE(None, ctypes.POINTER(_Managed))
_Managed._fields_ = (
    ("dl_tensor", _DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _DELETER),
)


class _Version(ctypes.Structure):
    _fields_ = (("major", ctypes.c_uint32), ("minor", ctypes.c_uint32))


class _ManagedVersioned(ctypes.Structure):
    """DLPack 1.0's ``DLManagedTensorVersioned``: a version and flags (read-only, copied)."""


_VERSIONED_DELETER = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ManagedVersioned))
_ManagedVersioned._fields_ = (
    ("version", _Version), ("manager_ctx", ctypes.c_void_p),
    ("deleter", _VERSIONED_DELETER), ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor),
)

_api = ctypes.pythonapi
# The destructor gets the dying capsule as a raw pointer: a py_object argument would
# take a new reference to an object whose reference count is already zero.
_CAPSULE_DESTRUCTOR = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_raw_is_valid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _api)
)
_raw_get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api)
)
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = (ctypes.c_void_p, ctypes.c_char_p, _CAPSULE_DESTRUCTOR)
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = (ctypes.py_object, ctypes.c_char_p)
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = (ctypes.py_object, ctypes.c_char_p)
_api.PyCapsule_SetName.restype = ctypes.c_int
_api.PyCapsule_SetName.argtypes = (ctypes.py_object, ctypes.c_char_p)

# What keeps an exported tensor alive until its consumer calls the deleter.
_exports: dict[int, tuple[Any, ...]] = {}
_exports_lock = threading.Lock()


def _forget_export(managed: Any) -> None:
    with _exports_lock:
        _exports.pop(ctypes.addressof(managed.contents), None)


# The deleters consumers call, as C function pointers (kept alive for the process).
_delete = _DELETER(_forget_export)
_delete_versioned = _VERSIONED_DELETER(_forget_export)


def _destroy(capsule: int) -> None:
    # A capsule nobody consumed still owns its tensor: free it the way a consumer would.
    if _raw_is_valid(capsule, b"dltensor"):
        address = _raw_get_pointer(capsule, b"dltensor")
        _delete(ctypes.cast(address, ctypes.POINTER(_Managed)))
    elif _raw_is_valid(capsule, b"dltensor_versioned"):
        address = _raw_get_pointer(capsule, b"dltensor_versioned")
        _delete_versioned(ctypes.cast(address, ctypes.POINTER(_ManagedVersioned)))


_destroy_capsule = _CAPSULE_DESTRUCTOR(_destroy)


def dlpack_device(t: Tensor) -> tuple[int, int]:
    """``Tensor.__dlpack_device__``: the DLPack device type code and device id."""
    runtime = t.untyped_storage().runtime
    if runtime.host_memory:
        return (KDL_CPU, 0)
    found = runtime.dlpack_device(t.device.index)
    if found is None:
        raise DeviceError(_no_dlpack(t))
    code, device_id = found
    return int(code), int(device_id)


def _no_dlpack(t: Tensor) -> str:
    return (
        f"the {t.device.type} backend does not share memory through DLPack (its runtime has "
        "no dlpack_device and data_pointer). Fix: copy to the cpu first, "
        "pb.from_dlpack(...) of x.to('cpu')"
    )


def to_dlpack(
    t: Tensor,
    stream: Any = None,
    *,
    max_version: tuple[int, int] | None = None,
    dl_device: tuple[int, int] | None = None,
    copy: bool | None = None,
) -> Any:
    """``Tensor.__dlpack__``: a capsule over ``t``'s memory (no copy).

    A consumer that asks for DLPack 1.0 or newer (``max_version``) gets a
    ``dltensor_versioned`` capsule, writable; others the original ``dltensor``.
    ``stream`` follows the protocol; host memory has no streams.
    """
    del stream
    if copy:
        raise ArgumentError(
            "Tensor.__dlpack__(copy=True): plugboard shares memory only. Fix: pass "
            "x.clone() to from_dlpack for a copy"
        )
    if dl_device is not None and tuple(dl_device) != dlpack_device(t):
        raise DeviceError(
            f"Tensor.__dlpack__: the tensor is on {t.device}, DLPack device {dlpack_device(t)}, "
            f"not {tuple(dl_device)}. Fix: move it with .to(...) first"
        )
    device_type, device_id = dlpack_device(t)
    storage = t.untyped_storage()
    runtime = storage.runtime
    if runtime.host_memory:
        runtime.synchronize(storage.device.index)
        address = int(storage.handle.ctypes.data) if storage.nbytes else 0
    else:
        address = int(runtime.data_pointer(storage.handle))
    code, bits = _CODES[t.dtype.name]
    ndim = t.ndim
    shape = (ctypes.c_int64 * max(ndim, 1))(*t.shape)
    strides = (ctypes.c_int64 * max(ndim, 1))(*t.stride())
    dl_tensor = _DLTensor(
        address or None, _Device(device_type, device_id), ndim, _DataType(code, bits, 1),
        ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64)),
        ctypes.cast(strides, ctypes.POINTER(ctypes.c_int64)),
        t.storage_offset() * t.itemsize,
    )
    managed: ctypes.Structure
    if max_version is not None and tuple(max_version) >= (1, 0):
        managed = _ManagedVersioned(_Version(1, 0), None, _delete_versioned, 0, dl_tensor)
        name = b"dltensor_versioned"
    else:
        managed = _Managed(dl_tensor, None, _delete)
        name = b"dltensor"
    with _exports_lock:
        _exports[ctypes.addressof(managed)] = (managed, shape, strides, t)
    return _api.PyCapsule_New(ctypes.addressof(managed), name, _destroy_capsule)


class _Imported:
    """Holds an imported DLPack tensor; calls its producer's deleter when collected."""

    __slots__ = ("__weakref__", "managed")

    def __init__(self, managed: Any):
        self.managed = managed

    def __del__(self) -> None:
        deleter = self.managed.contents.deleter
        if deleter:
            deleter(self.managed)


def from_dlpack(obj: Any) -> Tensor:
    """A tensor over the memory of ``obj`` (a DLPack producer, or a capsule), without a copy.

    Example:
        >>> import numpy as np, plugboard as pb
        >>> pb.from_dlpack(np.ones((2, 2), dtype=np.int16)).dtype
        pb.int16
    """
    if hasattr(obj, "__dlpack__"):
        device_type, _ = obj.__dlpack_device__()
        if device_type != KDL_CPU:
            raise DeviceError(
                f"pb.from_dlpack: the {type(obj).__name__} lives on DLPack device type "
                f"{device_type}; plugboard imports host memory (kDLCPU) only. Fix: move it "
                "to the host first (e.g. .cpu()), then call pb.from_dlpack"
            )
        capsule = obj.__dlpack__()
    else:
        capsule = obj
    if not _api.PyCapsule_IsValid(capsule, b"dltensor"):
        raise ArgumentError(
            f"pb.from_dlpack takes an object with __dlpack__ or an unused 'dltensor' capsule, "
            f"not {type(obj).__name__}. Fix: pass the array itself, e.g. pb.from_dlpack(array)"
        )
    managed = ctypes.cast(
        _api.PyCapsule_GetPointer(capsule, b"dltensor"), ctypes.POINTER(_Managed)
    )
    dl = managed.contents.dl_tensor
    if dl.device.device_type != KDL_CPU:
        raise DeviceError("pb.from_dlpack: only host memory (kDLCPU) can be imported")
    name = _DTYPES.get((dl.dtype.code, dl.dtype.bits))
    if name is None or dl.dtype.lanes != 1:
        raise DTypeError(
            f"pb.from_dlpack: DLPack dtype (code {dl.dtype.code}, {dl.dtype.bits} bits, "
            f"{dl.dtype.lanes} lanes) has no plugboard dtype. Fix: convert it to one of "
            f"{', '.join(_CODES)} first"
        )
    _api.PyCapsule_SetName(capsule, b"used_dltensor")  # the capsule is consumed now
    dtype: DType = as_dtype(name)
    shape = tuple(dl.shape[i] for i in range(dl.ndim))
    if dl.strides:
        strides = tuple(dl.strides[i] for i in range(dl.ndim))
    else:  # NULL strides: row-major, by the DLPack standard
        strides = contiguous_strides(shape)
    owner = _Imported(managed)
    span = 1 + sum((n - 1) * s for n, s in zip(shape, strides, strict=True)) \
        if all(shape) else 0
    nbytes = span * dtype.itemsize
    address = (dl.data or 0) + dl.byte_offset
    raw = (ctypes.c_uint8 * nbytes).from_address(address) if nbytes else None
    buffer = (np.frombuffer(memoryview(raw).cast("B"), dtype=np.uint8) if raw is not None
              else np.empty(0, np.uint8))
    cpu = backend_source().get("cpu")
    storage = Storage(_Owned(buffer, owner), nbytes, Device("cpu"), cpu.runtime, cpu.key.mask)
    return Tensor._make(storage, shape, strides, 0, dtype)


class _Owned(np.ndarray):
    """A uint8 view of imported memory that keeps its producer alive while NumPy uses it."""

    _owner: Any

    def __new__(cls, buffer: np.ndarray, owner: Any) -> _Owned:
        view = buffer.view(cls)
        view._owner = owner
        return view

    def __array_finalize__(self, obj: Any) -> None:
        self._owner = getattr(obj, "_owner", None)
