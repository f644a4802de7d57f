"""Creation and random numbers: linspace, eye, rand, randn, randint (docs/opset.md, creation).

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.
The random operators are primitives that draw from a :class:`plugboard.Generator`
(``_random.py`` states the contract their kernels follow). The Python front ends
at the end take sizes as PyTorch's do (``rand(2, 3)``, ``randint(10, (3,))``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from plugboard._core.device import Device, DeviceLike
from plugboard._core.dtype import DType, float32, float64, get_default_dtype, int64
from plugboard._core.errors import ArgumentError, DTypeError
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import Tensor
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.dispatcher import cast
from plugboard._dispatch.random import Generator, check_generator
from plugboard._dispatch.registry import describe_value
from plugboard._ops.meta import check_size as _check_size
from plugboard._ops.meta import check_value, require_dtype, with_requires_grad
from plugboard._ops.meta import device_or_cpu as _device_or_cpu
from plugboard._ops.meta import op as _op
from plugboard._ops.table import OpTable

__all__ = ["eye", "linspace", "rand", "randint", "randn"]

lib = OpTable("creation")

_COMPOSITE = "CompositeImplicit"


def _generator_device(generator: Generator | None, device: Device) -> None:
    # The meta device draws nothing, so any generator (or none) will do there.
    if device.type != "meta":
        check_generator(generator, device)


# rand, randn: uniform on [0, 1) and standard normal ---------------------------------


def _random_float_meta(name: str, fix: str) -> Any:
    def meta(size: Sequence[int], generator: Generator | None, dtype: DType | None,
             device: Device | None) -> TensorSpec:
        out_dtype = dtype or get_default_dtype()
        require_dtype(out_dtype, "floating", name, fix)
        target = _device_or_cpu(device)
        _generator_device(generator, target)
        return TensorSpec(_check_size(size), out_dtype, target)

    return meta


_RANDOM_FLOAT = (
    ("rand", "use pb.randint for random integers, or a floating dtype such as pb.float32"),
    ("randn", "draw in a floating dtype, e.g. dtype=pb.float32, and cast the result"),
)
for _name, _fix in _RANDOM_FLOAT:
    lib.define(
        f"{_name}(int[] size, *, Generator? generator=None, ScalarType? dtype=None, "
        "Device? device=None) -> Tensor"
    )
    lib.register_meta(_name, _random_float_meta(_name, _fix))


# randint: integers uniform on [low, high) ------------------------------------------

lib.define(
    "randint(int low, int high, int[] size, *, Generator? generator=None, "
    "ScalarType? dtype=None, Device? device=None) -> Tensor"
)


def _randint_bounds(dtype: DType) -> tuple[int, int]:
    """The integers a dtype holds exactly: its range, or +-2**digits for floats."""
    if dtype.is_bool:
        return 0, 1
    if dtype.is_floating_point:
        digits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[dtype.name]
        return -(1 << digits), 1 << digits
    return int(dtype.min), int(dtype.max)


@lib.register_meta("randint")
def _randint_meta(low: int, high: int, size: Sequence[int], generator: Generator | None,
                  dtype: DType | None, device: Device | None) -> TensorSpec:
    out_dtype = dtype or int64
    if low >= high:
        raise ArgumentError(
            f"randint draws from [low, high), which is empty for low={low}, high={high}. "
            "Fix: pass high > low, e.g. pb.randint(0, 10, (3,))"
        )
    lowest, highest = _randint_bounds(out_dtype)
    if low < lowest or high - 1 > highest:
        raise DTypeError(
            f"randint from {low} to {high - 1} does not fit in {out_dtype} (it holds "
            f"{lowest} to {highest}). Fix: narrow the range or pass a wider dtype, "
            "e.g. dtype=pb.int64"
        )
    target = _device_or_cpu(device)
    _generator_device(generator, target)
    return TensorSpec(_check_size(size), out_dtype, target)


# linspace: steps values from start to end, both included ----------------------------

lib.define(
    "linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, "
    "Device? device=None) -> Tensor"
)


@lib.register_meta("linspace")
def _linspace_meta(start: bool | int | float, end: bool | int | float, steps: int,
                   dtype: DType | None, device: Device | None) -> TensorSpec:
    out_dtype = dtype or get_default_dtype()
    if steps < 0:
        raise ArgumentError(
            f"linspace's steps must be >= 0, got {steps}. Fix: pass the number of values "
            "wanted, end included"
        )
    require_dtype(out_dtype, "numeric", "linspace", "pass a numeric dtype, e.g. pb.float32")
    if not out_dtype.is_floating_point and not all(
        math.isfinite(float(v)) for v in (start, end)
    ):
        raise DTypeError(
            f"linspace from {start} to {end} cannot be stored in {out_dtype}. Fix: pass "
            "finite bounds or a floating dtype"
        )
    if steps:
        # Every value lies between the ends, so the dtype must hold both: never wrapped
        # (int8 past 127) or made inf. Integer values are truncated, as in PyTorch.
        for name, value in (("start", start), ("end", end)):
            held = value if out_dtype.is_floating_point else math.trunc(value)
            check_value(held, out_dtype, name)
    return TensorSpec((steps,), out_dtype, _device_or_cpu(device))


@lib.impl("linspace", _COMPOSITE)
def _linspace(start: bool | int | float, end: bool | int | float, steps: int,
              dtype: DType | None, device: Device | None) -> Tensor:
    out_dtype = dtype or get_default_dtype()
    # float16/bfloat16 compute in float32, integers in float64 (then truncate), as PyTorch.
    compute = out_dtype if out_dtype in (float32, float64) else (
        float32 if out_dtype.is_floating_point else float64
    )
    if steps <= 1:
        first = _op("full")((steps,), float(start), dtype=compute, device=device)
        return cast(first, out_dtype)
    step = (float(end) - float(start)) / (steps - 1)
    index = _op("arange")(0, steps, 1, dtype=compute, device=device)
    # The first half counts up from start and the second half down from end, so both
    # ends are exact and the values are symmetric (PyTorch's formula).
    up = _op("add")(_op("mul")(index, step), float(start))
    down = _op("sub")(float(end), _op("mul")(_op("sub")(steps - 1, index), step))
    values = _op("where")(_op("lt")(index, steps // 2), up, down)
    return cast(values, out_dtype)


# eye: ones on the diagonal ----------------------------------------------------------

lib.define("eye(int n, int? m=None, *, ScalarType? dtype=None, Device? device=None) -> Tensor")


@lib.register_meta("eye")
def _eye_meta(n: int, m: int | None, dtype: DType | None, device: Device | None) -> TensorSpec:
    for name, value in (("n", n), ("m", m)):
        if value is not None and value < 0:
            raise ArgumentError(f"eye's {name} must be >= 0, got {value}. Fix: pass a size")
    return TensorSpec((n, n if m is None else m), dtype or get_default_dtype(),
                      _device_or_cpu(device))


@lib.impl("eye", _COMPOSITE)
def _eye(n: int, m: int | None, dtype: DType | None, device: Device | None) -> Tensor:
    rows = _op("unsqueeze")(_op("arange")(0, n, 1, dtype=int64, device=device), 1)
    columns = _op("arange")(0, n if m is None else m, 1, dtype=int64, device=device)
    diagonal = _op("eq")(rows, columns)
    return cast(diagonal, dtype or get_default_dtype())


# Python front ends -------------------------------------------------------------------


def _sizes(size: tuple[Any, ...]) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` both mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        return tuple(size[0])
    return tuple(size)


@signature_checked("pb::rand")
def rand(*size: Any, generator: Generator | None = None, dtype: Any = None,
         device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Values drawn uniformly from [0, 1) (default dtype float32).

    Example:
        >>> import plugboard as pb
        >>> x = pb.rand(2, 3, generator=pb.Generator().manual_seed(0))
        >>> x.shape, bool(((x >= 0) & (x < 1)).all())
        ((2, 3), True)
    """
    return with_requires_grad(
        requires_grad, "pb::rand",
        lambda: _op("rand")(
            _sizes(size), generator=generator, dtype=dtype, device=device
        ),
    )


@signature_checked("pb::randn")
def randn(*size: Any, generator: Generator | None = None, dtype: Any = None,
          device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """Values drawn from the standard normal distribution (default dtype float32).

    Example:
        >>> import plugboard as pb
        >>> pb.randn(4, generator=pb.Generator().manual_seed(0)).shape
        (4,)
    """
    return with_requires_grad(
        requires_grad, "pb::randn",
        lambda: _op("randn")(
            _sizes(size), generator=generator, dtype=dtype, device=device
        ),
    )


@signature_checked("pb::randint")
def randint(*args: Any, generator: Generator | None = None, dtype: Any = None,
            device: DeviceLike | None = None, requires_grad: bool = False, **bounds: Any) -> Tensor:
    """Integers drawn uniformly from [low, high): ``randint([low=0,] high, size)``.

    The default dtype is int64, as in PyTorch.

    Example:
        >>> import plugboard as pb
        >>> x = pb.randint(10, (5,), generator=pb.Generator().manual_seed(0))
        >>> x.dtype, bool(((x >= 0) & (x < 10)).all())
        (pb.int64, True)
        >>> pb.randint(3, 5, (2,)).shape
        (2,)
    """
    inputs = ", ".join(
        [describe_value(a) for a in args] + [f"{k}={describe_value(v)}" for k, v in bounds.items()]
    ) or "none"
    unknown = set(bounds) - {"low", "high", "size"}
    if unknown:
        raise ArgumentError(
            f"got an unexpected keyword argument {sorted(unknown)[0]!r}. Fix: pass low, "
            "high, size, generator, dtype or device",
            op="pb::randint",
            inputs=inputs,
        )
    count = len(args) + len(bounds)
    names = ("low", "high", "size") if count == 3 or "low" in bounds else ("high", "size")
    free = iter(name for name in names if name not in bounds)
    values = dict(bounds)
    for value in args:
        name = next(free, None)
        if name is None:
            raise ArgumentError(
                f"randint() takes low (optional), high and size, got {count} arguments. "
                "Fix: call randint(high, size) or randint(low, high, size)",
                op="pb::randint",
                inputs=inputs,
            )
        values[name] = value
    missing = [name for name in names if name not in values]
    if missing:
        raise ArgumentError(
            f"randint() is missing {' and '.join(missing)}. Fix: call randint(high, size) "
            "or randint(low, high, size), e.g. pb.randint(10, (3,))",
            op="pb::randint",
            inputs=inputs,
        )
    return with_requires_grad(
        requires_grad, "pb::randint",
        lambda: _op("randint")(
            values.get("low", 0), values["high"], values["size"], generator=generator,
            dtype=dtype, device=device,
        ),
    )


@signature_checked("pb::linspace")
def linspace(start: float, end: float, steps: int, *, dtype: Any = None,
             device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end``, both included.

    Example:
        >>> import plugboard as pb
        >>> pb.linspace(0, 1, 5).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return with_requires_grad(
        requires_grad, "pb::linspace",
        lambda: _op("linspace")(
            start, end, steps, dtype=dtype, device=device
        ),
    )


@signature_checked("pb::eye")
def eye(n: int, m: int | None = None, *, dtype: Any = None,
        device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """An ``n`` by ``m`` (default ``n``) matrix with ones on the diagonal.

    Example:
        >>> import plugboard as pb
        >>> pb.eye(2, 3, dtype=pb.int64).tolist()
        [[1, 0, 0], [0, 1, 0]]
    """
    return with_requires_grad(
        requires_grad, "pb::eye",
        lambda: _op("eye")(n, m, dtype=dtype, device=device),
    )

