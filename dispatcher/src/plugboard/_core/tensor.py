"""Tensors and storage.

The core owns layout: shape, strides (in elements), storage offset, dtype.
A backend owns storage: a buffer on one of its devices, from its runtime.
Operators and Python's operator methods are attached to :class:`Tensor` by
:mod:`plugboard._frontend.methods`, from a table.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import numpy as np

from plugboard._core.errors import ArgumentError, DeviceError, IndexingError, ShapeError
from plugboard._core.faults import device_faults
from plugboard._core.runtime import DeviceRuntime
from plugboard._core.tensor_methods import TensorMethods

if TYPE_CHECKING:
    from plugboard._core.device import Device
    from plugboard._core.dtype import DType

__all__ = [
    "MAX_NDIM", "MAX_NUMEL", "DeviceBuffer", "Storage", "Tensor", "check_numel",
    "contiguous_strides", "device_buffer", "free_pending", "host_array", "read_to_host",
    "storage_handle",
]

MAX_NUMEL: Final = (1 << 63) - 1
"""The most elements a tensor may have: its element count is an int64, as in PyTorch."""

MAX_NDIM: Final = 64
"""The most dimensions a tensor may have: NumPy's limit, which host kernels share."""


class Storage:
    """A buffer of ``nbytes`` bytes on one device, owned by its backend's runtime.

    ``handle`` is whatever the runtime's ``allocate`` returned.
    """

    __slots__ = (
        "__weakref__", "device", "handle", "keyset", "nbytes", "pending", "runtime", "version",
    )

    # A copy into this storage that may still be running (a non-blocking copy to the
    # host): anything with .synchronize(). Host reads wait for it first.
    pending: Any
    # How many times the data was written in place: autograd checks that a tensor it
    # saved for backward still holds the values it saved (views share the counter).
    version: int

    def __init__(
        self, handle: Any, nbytes: int, device: Device, runtime: DeviceRuntime, keyset: int
    ):
        self.handle = handle
        self.nbytes = nbytes
        self.device = device
        self.runtime = runtime
        self.keyset = keyset
        self.pending = None
        self.version = 0

    def wait(self) -> None:
        """Wait for a pending copy into this storage (a non-blocking copy to the host)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.synchronize()

    def __repr__(self) -> str:
        return f"Storage(nbytes={self.nbytes}, device='{self.device}')"


class FreeingStorage(Storage):
    """Storage whose runtime wants buffers given back explicitly.

    Its finalizer does not call the runtime: it queues the buffer, and
    :func:`free_pending` gives it back from ordinary code (a finalizer can run
    at any point, inside a driver call or while its thread holds a lock the
    runtime's ``free`` takes).
    """

    __slots__ = ()

    def __del__(self) -> None:
        _PENDING_FREES.append((self.runtime, self.handle, self.device.index))  # atomic


class FinalizerFreeingStorage(Storage):
    """Storage whose runtime's ``free`` is safe in a finalizer (``free_from_finalizer``):
    it gives the buffer back as it is collected."""

    __slots__ = ()

    def __del__(self) -> None:
        self.runtime.free(self.handle, self.device.index)


_PENDING_FREES: collections.deque[tuple[DeviceRuntime, Any, int]] = collections.deque()


def free_pending() -> None:
    """Give the buffers of collected tensors back to their runtimes.

    The core calls it before every allocation and in ``pb.synchronize``,
    ``pb.memory_stats`` and ``pb.empty_cache``.
    """
    while _PENDING_FREES:
        try:
            runtime, handle, index = _PENDING_FREES.popleft()
        except IndexError:  # another thread took the last one
            return
        try:
            runtime.free(handle, index)
        except Exception:  # a failing free only leaks: the allocation that drained it goes on
            continue


@functools.lru_cache(maxsize=1024)
def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major strides, in elements, of a tensor of ``shape``."""
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


class Tensor(TensorMethods):
    """An n-dimensional array on a device.

    Create tensors with :func:`plugboard.tensor`, :func:`plugboard.from_numpy`
    or the factory functions; operators run through the dispatcher.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1., 2.], [3., 4.]])
        >>> x.shape, x.dtype, x.device
        ((2, 2), pb.float32, device('cpu:0'))
        >>> (x + 1).tolist()
        [[2.0, 3.0], [4.0, 5.0]]
    """

    __slots__ = (
        "__weakref__", "_autograd", "_dtype", "_host", "_keyset", "_offset", "_shape", "_storage",
        "_strides",
    )

    _storage: Storage
    _shape: tuple[int, ...]
    _strides: tuple[int, ...]
    _offset: int
    _dtype: DType
    _keyset: int
    _host: np.ndarray | None  # the NumPy view of a tensor in host memory, made once
    # Autograd's state (requires_grad, grad, grad_fn), kept by plugboard._autograd;
    # None for the tensors that take no part in it, so they cost nothing.
    _autograd: Any

    # NumPy defers to Tensor's reflected operators: np.float32(2) - x is a Tensor.
    __array_priority__ = 1000

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise ArgumentError(
            "Tensor() is not a constructor. Fix: create tensors with pb.tensor(data), "
            "pb.empty(shape), pb.zeros(shape) or pb.from_numpy(array)",
            op="pb.Tensor",
        )

    @classmethod
    def _make(
        cls,
        storage: Storage,
        shape: tuple[int, ...],
        strides: tuple[int, ...],
        offset: int,
        dtype: DType,
    ) -> Tensor:
        self = object.__new__(cls)
        self._storage = storage
        self._shape = shape
        self._strides = strides
        self._offset = offset
        self._dtype = dtype
        self._keyset = storage.keyset
        self._host = None
        self._autograd = None
        return self

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Tensor:
        """A tensor sharing this one's storage, with other layout metadata."""
        if len(shape) > MAX_NDIM:
            _too_many_dims(shape)
        return Tensor._make(self._storage, shape, strides, offset, self._dtype)

    def _set_layout(self, like: Tensor) -> None:
        """Take the layout of ``like``, a view of this tensor (``squeeze_``, ``unsqueeze_``)."""
        assert like._storage is self._storage
        self._shape = like._shape
        self._strides = like._strides
        self._offset = like._offset
        self._host = None  # the NumPy view made for the old layout

    # Metadata ------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension."""
        return self._shape

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the size of one dimension (negative dims count from the end)."""
        if dim is None:
            return self._shape
        return self._shape[self._dim_of_shape(dim, "size")]

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def dim(self) -> int:
        return len(self._shape)

    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def device(self) -> Device:
        return self._storage.device

    def stride(self, dim: int | None = None) -> Any:
        """The strides in elements, or the stride of one dimension."""
        if dim is None:
            return self._strides
        return self._strides[self._dim_of_shape(dim, "stride")]

    def storage_offset(self) -> int:
        """Where the tensor starts in its storage, in elements."""
        return self._offset

    def untyped_storage(self) -> Storage:
        return self._storage

    def numel(self) -> int:
        return math.prod(self._shape)

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self._dtype.itemsize

    def element_size(self) -> int:
        return self._dtype.itemsize

    def is_contiguous(self) -> bool:
        """Whether the elements lie in row-major order without gaps."""
        expected = 1
        for size, stride in zip(reversed(self._shape), reversed(self._strides), strict=True):
            if size == 0:
                return True
            if size != 1 and stride != expected:
                return False
            expected *= size
        return True

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    def _wrap_dim(self, dim: int) -> int:
        return wrap_dim(dim, len(self._shape))

    def _dim_of_shape(self, dim: int, what: str) -> int:
        """``dim`` as an index into the shape: a 0-d tensor has none (PyTorch's IndexError)."""
        op = f"Tensor.{what}"
        shape = ", ".join(str(s) for s in self._shape)
        inputs = f"self={self._dtype}[{shape}] on {self.device}, dim={dim!r:.40}"
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise ArgumentError(
                f"dim must be an int, not {type(dim).__name__}. Fix: pass an int such as 0",
                op=op, inputs=inputs,
            )
        if not self._shape:
            raise IndexingError(
                f"dimension {dim} was given but the tensor is 0-d and has no dimensions. "
                f"Fix: call x.{what}() for the whole (empty) tuple",
                op=op, inputs=inputs,
            )
        try:
            return wrap_dim(dim, len(self._shape))
        except ShapeError as error:
            raise error.in_op(op, inputs) from None

    # Host access ---------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (sharing memory on host-memory devices).

        Other devices copy to the host; that waits for queued work.
        """
        storage = self._storage
        with device_faults(storage.device, "reading a tensor to the host"):
            if storage.runtime.host_memory:
                # Kernels may still be writing host memory from a queue: wait for them first.
                storage.runtime.synchronize(storage.device.index)
                return host_array(self)
            return read_to_host(self)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = self.numpy()
        if dtype is not None and np.dtype(dtype) != array.dtype:
            converted: np.ndarray = array.astype(dtype)
            return converted
        return array.copy() if copy else array

    def tolist(self) -> Any:
        """The values as (nested) Python lists of Python numbers."""
        result: Any = self.numpy().tolist()
        if self._dtype.name == "bfloat16":
            result = self.numpy().astype(np.float32).tolist()
        return result

    def item(self) -> bool | int | float:
        """The value of a one-element tensor as a Python number."""
        if self.numel() != 1:
            raise ShapeError(
                f"item() needs a tensor with one element; this one has shape {self._shape} "
                f"({self.numel()} elements). Fix: index it first, e.g. x[0].item()",
                op="Tensor.item",
            )
        value: Any = self.numpy().reshape(()).item()
        # bfloat16 items come back as ml_dtypes scalars: give a Python float.
        return value if isinstance(value, (bool, int, float)) else float(value)

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise ShapeError(
                f"the truth value of a tensor with {self.numel()} elements is ambiguous. "
                "Fix: reduce it to one element first, e.g. bool((x != 0).any())",
                op="Tensor.__bool__",
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._dtype.is_floating_point or self.numel() != 1:
            raise ArgumentError(
                f"only integer tensors with one element can be used as an index, not "
                f"{self._dtype}[{', '.join(map(str, self._shape))}]. Fix: use x.item() or "
                "x.to(pb.int64)",
                op="Tensor.__index__",
            )
        return int(self.item())

    def __len__(self) -> int:
        if not self._shape:
            raise ArgumentError(
                "len() of a 0-d tensor. Fix: use x.numel(), or x.item() for its value",
                op="len",
            )
        return self._shape[0]

    def __repr__(self) -> str:
        suffix = f"dtype={self._dtype!r}, device='{self.device}'"
        state = self._autograd  # autograd's, as PyTorch shows it
        if state is not None and state.grad_fn is not None:
            suffix += f", grad_fn={state.grad_fn!r}"
        elif state is not None and state.requires_grad:
            suffix += ", requires_grad=True"
        if self.device.type == "meta":
            return f"tensor(..., shape={self._shape}, {suffix})"
        # Four decimals, as PyTorch prints; the values themselves keep their precision.
        values = np.array2string(
            np.asarray(self.numpy()), separator=", ", prefix="tensor(", threshold=1000,
            precision=4, floatmode="maxprec_equal",
        )
        return f"tensor({values}, {suffix})"

    # Identity, not value, is what hashing means for tensors (== is elementwise).
    __hash__ = object.__hash__

    def __iter__(self) -> Any:
        if not self._shape:
            raise ArgumentError(
                "iteration over a 0-d tensor. Fix: use x.item() for its value, or x.reshape(1)",
                op="iter",
            )
        return (self[i] for i in range(self._shape[0]))


def wrap_dim(dim: int, ndim: int) -> int:
    """A dimension index in ``range(ndim)``; negative dims count from the end."""
    bound = max(ndim, 1)  # a 0-d tensor accepts dims 0 and -1, as in PyTorch
    if not -bound <= dim < bound:
        raise ShapeError(
            f"dimension {dim} is out of range for a tensor with {ndim} dimension(s). "
            f"Fix: use a dim in [{-bound}, {bound - 1}]"
        )
    return dim + bound if dim < 0 else dim


def _too_many_dims(shape: tuple[int, ...]) -> None:
    raise ShapeError(
        f"a tensor of {len(shape)} dimensions was asked for; tensors have at most "
        f"{MAX_NDIM}. Fix: merge dimensions, e.g. with reshape"
    )


def check_numel(shape: tuple[int, ...]) -> int:
    """The element count of ``shape``; a ShapeError past :data:`MAX_NUMEL` elements (an
    int64 counts them, as in PyTorch) or :data:`MAX_NDIM` dimensions.

    Example:
        >>> check_numel((2, 3))
        6
    """
    if len(shape) > MAX_NDIM:
        _too_many_dims(shape)
    numel = math.prod(shape)
    if numel > MAX_NUMEL:
        shown = shape if len(str(numel)) < 40 else f"({len(shape)} sizes)"
        raise ShapeError(
            f"shape {shown} has a {len(str(numel))}-digit number of elements, more than "
            f"a tensor can count ({MAX_NUMEL}, 2**63 - 1). Fix: use smaller sizes"
        )
    return numel


def wrap_dims(dims: Sequence[int], ndim: int, what: str = "dim") -> tuple[int, ...]:
    """``dims`` wrapped with :func:`wrap_dim`, each at most once, as PyTorch checks every
    list of dims (``sum(x, [0, 0])``, ``permute``, ``flip``, ``squeeze``)."""
    wrapped = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        twice = next(d for d in wrapped if wrapped.count(d) > 1)
        raise ShapeError(
            f"{what} {tuple(dims)} names dimension {twice} twice. Fix: list each "
            "dimension once"
        )
    return wrapped


def host_array(t: Tensor) -> np.ndarray:
    """A NumPy view of a tensor in host memory (no copy).

    Kernels of host-memory backends (``DeviceRuntime.host_memory``) use it to
    reach their data.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([1, 2, 3])
        >>> a = pb.backend.host_array(x)
        >>> a[0] = 7
        >>> x.tolist()
        [7, 2, 3]
    """
    storage = t._storage
    if storage.pending is not None:
        storage.wait()  # a non-blocking copy is still filling it
    cached = t._host
    if cached is not None:
        return cached
    if not storage.runtime.host_memory:
        raise DeviceError(
            f"host_array() needs a tensor in host memory; this one is on {storage.device}. "
            "Fix: use .numpy() to copy it to the host"
        )
    itemsize = t._dtype.itemsize
    # An empty view may start past the end of its storage (x[:, 1:] of a (0, 3) tensor);
    # it reads nothing, and NumPy only accepts offsets inside the buffer.
    offset = t._offset * itemsize if math.prod(t._shape) else 0
    view: np.ndarray = np.ndarray(
        t._shape,
        t._dtype.numpy,
        storage.handle,
        offset,
        tuple(s * itemsize for s in t._strides),
    )
    t._host = view
    return view


class DeviceBuffer(NamedTuple):
    """What a kernel needs to reach a tensor's data on its device.

    ``handle`` is what the backend's runtime returned from ``allocate`` (for a
    host-memory runtime, a 1-D uint8 NumPy array); the tensor's first element
    is ``byte_offset`` bytes into it, and element ``(i, j, ...)`` is
    ``i * strides[0] + j * strides[1] + ...`` elements after that.
    """

    handle: Any
    byte_offset: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]  # in elements, as Tensor.stride()
    dtype: DType
    device: Device


def device_buffer(t: Tensor) -> DeviceBuffer:
    """The device buffer behind ``t``, with its offset, shape, strides, dtype and device.

    Example:
        >>> import plugboard as pb
        >>> x = pb.arange(6, dtype=pb.int32).reshape(2, 3)[:, 1:]
        >>> b = pb.backend.device_buffer(x)
        >>> b.byte_offset, b.shape, b.strides, b.dtype
        (4, (2, 2), (3, 1), pb.int32)
    """
    storage = t._storage
    return DeviceBuffer(
        storage.handle, t._offset * t._dtype.itemsize, t._shape, t._strides, t._dtype,
        storage.device,
    )


def storage_handle(t: Tensor) -> Any:
    """The runtime's handle of ``t``'s storage, without building a :class:`DeviceBuffer`.

    For launch paths that need only the handle (the element offset is
    ``t.storage_offset()``): one attribute read instead of a record per call.

    Example:
        >>> import plugboard as pb
        >>> x = pb.arange(4)
        >>> pb.backend.storage_handle(x) is pb.backend.device_buffer(x).handle
        True
    """
    return t._storage.handle


def read_to_host(t: Tensor) -> np.ndarray:
    """A C-contiguous NumPy copy of ``t``'s values, read through its runtime.

    Reads the bytes the tensor spans in its storage with one
    ``copy_to_host`` (which waits for the device), then gathers the elements
    on the host: any strides, no device work.
    """
    storage = t._storage
    if storage.runtime.host_memory:
        storage.runtime.synchronize(storage.device.index)
        return np.array(host_array(t), copy=True)
    result = np.empty(t._shape, dtype=t._dtype.numpy)
    if result.size == 0:
        return result
    itemsize = t._dtype.itemsize
    span = 1 + sum((n - 1) * s for n, s in zip(t._shape, t._strides, strict=True))
    raw = np.empty(span * itemsize, dtype=np.uint8)
    storage.runtime.copy_to_host(raw, storage.handle, t._offset * itemsize, storage.device.index)
    strided = np.lib.stride_tricks.as_strided(
        raw.view(t._dtype.numpy), t._shape, tuple(s * itemsize for s in t._strides)
    )
    result[...] = strided
    return result
