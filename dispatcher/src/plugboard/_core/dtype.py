"""Dtypes and PyTorch's type promotion.

plugboard has ten dtypes, each a singleton :class:`DType`: ``bool_``, ``int8``,
``uint8``, ``int16``, ``int32``, ``int64``, ``float16``, ``bfloat16``,
``float32`` and ``float64``. Each is backed by a NumPy dtype (``bfloat16`` by
``ml_dtypes.bfloat16``).

Type promotion follows PyTorch exactly:

* :func:`promote_types` is ``torch.promote_types``;
* :func:`result_type` is ``torch.result_type``: dimensioned tensors outrank
  0-dim tensors, which outrank Python numbers, and a lower level only matters
  when it belongs to a higher category (bool < integer < floating);
* :func:`can_cast` is ``torch.can_cast``: no cast to a lower category.

>>> import numpy as np
>>> result_type(as_dtype(np.int8), 1)
pb.int8
>>> promote_types(uint8, int8)
pb.int16
"""

from __future__ import annotations

from typing import Any, Final, final

import numpy as np

from plugboard._core.errors import DTypeError

__all__ = [
    "ALL_DTYPES",
    "DTYPE_NAMES",
    "INTEGRAL_DTYPES",
    "FLOATING_DTYPES",
    "INTEGER_DTYPES",
    "NUMERIC_DTYPES",
    "DType",
    "as_dtype",
    "bfloat16",
    "bool_",
    "can_cast",
    "float16",
    "float32",
    "float64",
    "from_numpy_dtype",
    "get_default_dtype",
    "int8",
    "int16",
    "int32",
    "int64",
    "opmath_dtype",
    "promote_types",
    "result_type",
    "scalar_dtype",
    "set_default_dtype",
    "uint8",
]

BOOL: Final = 0
INTEGER: Final = 1
FLOATING: Final = 2


def _ml_dtypes() -> Any:
    """ml_dtypes, imported on first use: it takes most of a second to load, and only
    bfloat16 data (and the messages about other ml_dtypes types) needs it."""
    import ml_dtypes

    return ml_dtypes


def _finfo(dt: Any) -> Any:
    # ml_dtypes' finfo also describes bfloat16 and the other ml_dtypes types.
    return _ml_dtypes().finfo(dt)


def _iinfo(dt: Any) -> Any:
    return _ml_dtypes().iinfo(dt)


@final
class DType:
    """A plugboard dtype. There is exactly one instance per dtype; compare with ``is``.

    >>> float32.name, float32.itemsize, float32.is_floating_point
    ('float32', 4, True)
    >>> int8.min, int8.max
    (-128, 127)
    """

    __slots__ = ("_category", "_eps", "_itemsize", "_max", "_min", "_name", "_numpy")

    _name: str
    _numpy: np.dtype[Any] | None  # None until first asked for (bfloat16: ml_dtypes' type)
    _itemsize: int
    _category: int
    _min: int | float
    _max: int | float
    _eps: float | None

    def __new__(cls, *args: object, **kwargs: object) -> DType:
        raise DTypeError(
            "plugboard dtypes cannot be created. Fix: use one of plugboard's dtypes "
            "(e.g. plugboard.float32) or plugboard.as_dtype('float32')"
        )

    @classmethod
    def _create(cls, name: str, numpy_type: Any, category: int) -> DType:
        self = object.__new__(cls)
        numpy_dt = np.dtype(numpy_type)
        eps: float | None = None
        lo: int | float
        hi: int | float
        if category == BOOL:
            lo, hi = 0, 1
        elif category == INTEGER:
            info = np.iinfo(numpy_dt)
            lo, hi = int(info.min), int(info.max)
        else:
            finfo = np.finfo(numpy_dt)
            lo, hi, eps = float(finfo.min), float(finfo.max), float(finfo.eps)
        self._set(name, numpy_dt, numpy_dt.itemsize, category, lo, hi, eps)
        return self

    @classmethod
    def _create_lazy(cls, name: str, itemsize: int, lo: float, hi: float, eps: float
                     ) -> DType:
        """A floating dtype whose NumPy type is loaded when first asked for."""
        self = object.__new__(cls)
        self._set(name, None, itemsize, FLOATING, lo, hi, eps)
        return self

    def _set(self, name: str, numpy_dt: np.dtype[Any] | None, itemsize: int, category: int,
             lo: int | float, hi: int | float, eps: float | None) -> None:
        fields = ("_name", "_numpy", "_itemsize", "_category", "_min", "_max", "_eps")
        values = (name, numpy_dt, itemsize, category, lo, hi, eps)
        for key, value in zip(fields, values, strict=True):
            object.__setattr__(self, key, value)

    @property
    def name(self) -> str:
        """The dtype's name, e.g. ``"float32"``."""
        return self._name

    @property
    def itemsize(self) -> int:
        """The size of one element in bytes."""
        return self._itemsize

    @property
    def numpy(self) -> np.dtype[Any]:
        """The NumPy dtype that stores this dtype's elements."""
        numpy_dt = self._numpy
        return _load_numpy(self) if numpy_dt is None else numpy_dt

    @property
    def category(self) -> int:
        """0 for bool, 1 for the integers, 2 for the floating-point dtypes."""
        return self._category

    @property
    def is_bool(self) -> bool:
        return self._category == BOOL

    @property
    def is_integer(self) -> bool:
        """True for the integer dtypes; bool is not one."""
        return self._category == INTEGER

    @property
    def is_floating_point(self) -> bool:
        return self._category == FLOATING

    @property
    def is_signed(self) -> bool:
        return self._min < 0

    @property
    def min(self) -> int | float:
        """The lowest representable value (the lowest finite one for floats)."""
        return self._min

    @property
    def max(self) -> int | float:
        """The highest representable value (the highest finite one for floats)."""
        return self._max

    @property
    def eps(self) -> float:
        """The gap between 1.0 and the next representable value (floats only)."""
        if self._eps is None:
            raise DTypeError(
                f"eps is defined for floating-point dtypes only, not {self._name}. Fix: ask "
                "a floating dtype, e.g. pb.float32.eps"
            )
        return self._eps

    def __repr__(self) -> str:
        return f"pb.{self._name}"

    def __str__(self) -> str:
        return self._name

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (as_dtype, (self._name,))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"plugboard dtypes are immutable; cannot set {name!r}")


bool_: Final = DType._create("bool", np.bool_, BOOL)
int8: Final = DType._create("int8", np.int8, INTEGER)
uint8: Final = DType._create("uint8", np.uint8, INTEGER)
int16: Final = DType._create("int16", np.int16, INTEGER)
int32: Final = DType._create("int32", np.int32, INTEGER)
int64: Final = DType._create("int64", np.int64, INTEGER)
float16: Final = DType._create("float16", np.float16, FLOATING)
# bfloat16's NumPy type is ml_dtypes': loaded when first needed (its limits are fixed:
# 8 exponent bits as float32, 7 mantissa bits).
bfloat16: Final = DType._create_lazy("bfloat16", 2, -3.3895313892515355e38,
                                     3.3895313892515355e38, 0.0078125)
float32: Final = DType._create("float32", np.float32, FLOATING)
float64: Final = DType._create("float64", np.float64, FLOATING)

ALL_DTYPES: Final = (bool_, int8, uint8, int16, int32, int64, float16, bfloat16, float32, float64)
FLOATING_DTYPES: Final = tuple(d for d in ALL_DTYPES if d.is_floating_point)
INTEGER_DTYPES: Final = tuple(d for d in ALL_DTYPES if d.is_integer)
NUMERIC_DTYPES: Final = tuple(d for d in ALL_DTYPES if not d.is_bool)
# bool and the integers: what bitwise operators take.
INTEGRAL_DTYPES: Final = tuple(d for d in ALL_DTYPES if not d.is_floating_point)

_BY_NAME: Final = {d.name: d for d in ALL_DTYPES}
# PyTorch's other names (torch.float is torch.float32, never the default dtype).
_ALIASES: Final = {
    "half": float16, "float": float32, "double": float64, "short": int16, "int": int32,
    "long": int64,
}
# Every name a dtype answers to, as a string: pb.tensor(...).to("half").
DTYPE_NAMES: Final = frozenset({*_BY_NAME, *_ALIASES})
# bfloat16 joins when its NumPy type is loaded (an array of it means ml_dtypes is).
_BY_NUMPY: Final = {d._numpy: d for d in ALL_DTYPES if d._numpy is not None}


def _load_numpy(dtype: DType) -> np.dtype[Any]:
    numpy_dt: np.dtype[Any] = np.dtype(getattr(_ml_dtypes(), dtype.name))
    object.__setattr__(dtype, "_numpy", numpy_dt)
    _BY_NUMPY[numpy_dt] = dtype
    return numpy_dt

_SUPPORTED: Final = "supported dtypes: " + ", ".join(d.name for d in ALL_DTYPES)
_FIX: Final = f"Fix: pass a dtype such as pb.float32, or its name; {_SUPPORTED}"

_default: Final[dict[str, DType]] = {"float": float32}


def get_default_dtype() -> DType:
    """The dtype of Python floats: float32 unless changed with :func:`set_default_dtype`.

    >>> get_default_dtype()
    pb.float32
    """
    return _default["float"]


def set_default_dtype(dtype: object) -> None:
    """Set the dtype Python floats take in :func:`result_type` (a floating dtype).

    >>> set_default_dtype("float64")
    >>> result_type(int32, 2.5)
    pb.float64
    >>> set_default_dtype(float32)
    """
    d = as_dtype(dtype)
    if not d.is_floating_point:
        raise DTypeError(
            f"the default dtype must be a floating-point dtype, not {d.name}. "
            f"Fix: choose one of {', '.join(f.name for f in FLOATING_DTYPES)}"
        )
    _default["float"] = d


def _nearest(dt: np.dtype[Any]) -> tuple[DType | None, bool]:
    """The smallest supported dtype holding every value of ``dt`` (else the widest of its
    kind, or None), and whether it holds every value."""
    if dt.kind in "iu" or (dt.kind == "V" and dt.name.startswith(("int", "uint"))):
        ii = _iinfo(dt)
        fits = [d for d in INTEGER_DTYPES if d.min <= ii.min and ii.max <= d.max]
        return (fits[0], True) if fits else (int64, False)
    if dt.kind == "f" or (dt.kind == "V" and dt.name.startswith("float")):
        fi = _finfo(dt)
        for d in FLOATING_DTYPES:
            di = _finfo(d.numpy)
            in_range = fi.max <= di.max and fi.smallest_subnormal >= di.smallest_subnormal
            if in_range and fi.nmant <= di.nmant:
                return d, True
        return float64, False
    return None, False


def _unsupported_numpy(dt: np.dtype[Any]) -> DTypeError:
    near, exact = _nearest(dt)
    if not dt.isnative and dt.newbyteorder("=") in _BY_NUMPY:
        hint = f"Fix: convert the data to native byte order first (.astype({dt.name!r}))"
    elif near is None:
        hint = "no plugboard dtype can hold its values. Fix: convert the data to a number type"
    else:
        caveat = "" if exact else f", which cannot hold every {dt.name} value"
        hint = (
            f"the nearest supported dtype is {near.name}{caveat}. Fix: use "
            f".astype({near.name!r})"
        )
    what = dt.name if dt.isnative else f"{dt.name} ({dt.str}, non-native byte order)"
    return DTypeError(f"dtype {what} is not supported by plugboard; {hint}. {_SUPPORTED}")


def from_numpy_dtype(dtype: np.dtype[Any]) -> DType:
    """The plugboard dtype of a NumPy dtype.

    >>> import numpy as np
    >>> from_numpy_dtype(np.dtype("int16"))
    pb.int16
    """
    found = _BY_NUMPY.get(dtype)
    if found is None and dtype.name == bfloat16.name and bfloat16._numpy is None:
        _load_numpy(bfloat16)  # an ml_dtypes array: load the type, then look again
        found = _BY_NUMPY.get(dtype)
    if found is None:
        raise _unsupported_numpy(dtype)
    return found


def _from_name(name: str) -> DType:
    found = _BY_NAME.get(name) or _ALIASES.get(name)
    if found is not None:
        return found
    try:
        numpy_dt = np.dtype(name)
    except (TypeError, ValueError):
        numpy_dt = None
    if numpy_dt is not None and numpy_dt.name == name:
        raise _unsupported_numpy(numpy_dt)
    import difflib  # loaded for error messages only

    close = difflib.get_close_matches(name, [*_BY_NAME, *_ALIASES], n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise DTypeError(f"unknown dtype name {name!r}{hint}. {_FIX}")


def as_dtype(x: object) -> DType:
    """Convert ``x`` to a plugboard dtype.

    Accepts a :class:`DType`, a dtype name (``"float32"``, also PyTorch's
    ``"half"``, ``"float"`` (float32), ``"double"``, ``"short"``, ``"int"``
    (int32) and ``"long"``), a NumPy dtype or scalar type (``np.float32``,
    ``ml_dtypes.bfloat16``) and the Python types ``bool``, ``int`` (int64) and
    ``float`` (the default dtype).

    >>> import numpy as np
    >>> as_dtype("half"), as_dtype(np.uint8), as_dtype(int)
    (pb.float16, pb.uint8, pb.int64)
    """
    if isinstance(x, DType):
        return x
    if isinstance(x, str):
        return _from_name(x)
    if x is bool:
        return bool_
    if x is int:
        return int64
    if x is float:
        return _default["float"]
    if isinstance(x, np.dtype):
        return from_numpy_dtype(x)
    if isinstance(x, type) and issubclass(x, np.generic):
        return from_numpy_dtype(np.dtype(x))
    what = x.__name__ if isinstance(x, type) else f"{type(x).__name__} {x!r:.60}"
    raise DTypeError(f"cannot interpret {what} as a dtype. {_FIX}")


def promote_types(a: DType, b: DType) -> DType:
    """The smallest dtype both ``a`` and ``b`` convert to, as ``torch.promote_types``.

    The higher category wins (bool < integer < floating). Within a category the
    wider dtype wins, except that uint8 with a signed integer needs a signed type
    (uint8 + int8 -> int16) and float16 + bfloat16 needs float32.

    >>> promote_types(int32, float16), promote_types(float16, bfloat16)
    (pb.float16, pb.float32)
    """
    if type(a) is not DType or type(b) is not DType:
        raise _not_dtypes("promote_types", a, b)
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if {a, b} == {float16, bfloat16}:
        return float32
    if uint8 in (a, b):
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


def _promote_opt(a: DType | None, b: DType) -> DType:
    return b if a is None else promote_types(a, b)


def _combine(higher: DType | None, lower: DType | None) -> DType | None:
    """Fold a lower priority level into a higher one (ATen's ``combine_categories``)."""
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher.is_bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value: object) -> DType:
    """The dtype of a Python number: bool, int64, or the default dtype for floats.

    NumPy scalars count as Python numbers of their kind, as in PyTorch.

    >>> scalar_dtype(True), scalar_dtype(3), scalar_dtype(0.5)
    (pb.bool, pb.int64, pb.float32)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return _default["float"]
    raise DTypeError(
        f"expected a Python bool, int or float, got {type(value).__name__} {value!r:.60}"
        + ("; complex numbers are not supported" if isinstance(value, complex) else "")
        + ". Fix: pass a bool, int or float"
    )


def result_type(*operands: object) -> DType:
    """The dtype of an elementwise operation on ``operands``, as ``torch.result_type``.

    Operands are tensors (anything with a :class:`DType` ``.dtype`` and an
    ``.ndim``), dtypes (treated as dimensioned tensors) and Python numbers.
    Dimensioned tensors have priority over 0-dim tensors, which have priority
    over numbers; a lower level only matters when its category is higher.

    >>> result_type(int8, 1), result_type(int32, 2.5), result_type(bool_, 1)
    (pb.int8, pb.float32, pb.int64)
    """
    if not operands:
        raise DTypeError(
            "result_type() needs at least one operand. Fix: pass tensors, dtypes or numbers"
        )
    dim: DType | None = None
    zero: DType | None = None
    wrapped: DType | None = None
    for op in operands:
        if isinstance(op, DType):
            dim = _promote_opt(dim, op)
        elif isinstance(op, (bool, int, float, complex, np.generic)):
            wrapped = _promote_opt(wrapped, scalar_dtype(op))
        elif isinstance(dtype := getattr(op, "dtype", None), DType) and isinstance(
            ndim := getattr(op, "ndim", None), int
        ):
            if ndim > 0:
                dim = _promote_opt(dim, dtype)
            else:
                zero = _promote_opt(zero, dtype)
        else:
            raise DTypeError(
                f"result_type() operands must be tensors, dtypes or Python numbers, "
                f"got {type(op).__name__}. Fix: pass tensors, dtypes or numbers"
            )
    result = _combine(dim, _combine(zero, wrapped))
    assert result is not None
    return result


def can_cast(from_: DType, to: DType) -> bool:
    """Whether a ``from_`` result may be written into a ``to`` tensor, as ``torch.can_cast``.

    Casting to a lower category (floating -> integer -> bool) is not allowed.

    >>> can_cast(int64, int8), can_cast(float16, int64)
    (True, False)
    """
    if type(from_) is not DType or type(to) is not DType:
        raise _not_dtypes("can_cast", from_, to)
    return from_.category <= to.category


def _not_dtypes(what: str, *values: object) -> DTypeError:
    shown = ", ".join(f"{type(v).__name__} {v!r:.30}" for v in values)
    return DTypeError(
        f"{what}() takes two dtypes, got {shown}. Fix: pass dtypes such as pb.float32"
    )


def opmath_dtype(dtype: DType) -> DType:
    """The dtype arithmetic on ``dtype`` runs in: float32 for float16 and bfloat16.

    As PyTorch's ``opmath_type``: kernels and decompositions load float16 and
    bfloat16 values as float32, compute and accumulate there, and round each
    result once. Every other dtype computes in itself.

    >>> opmath_dtype(float16), opmath_dtype(bfloat16), opmath_dtype(int8)
    (pb.float32, pb.float32, pb.int8)
    """
    return float32 if dtype is float16 or dtype is bfloat16 else dtype
