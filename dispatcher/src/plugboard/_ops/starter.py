"""The core opset in ``pb::``: schemas, meta functions, composites and views.

Operators that share a shape are defined from tables. Each operator has
exactly one schema and one meta function here; backends implement the
primitives (``Library.impl`` on their key), the composites below serve every
backend, and the views are metadata-only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from plugboard._core import views as _views
from plugboard._core.device import Device
from plugboard._core.dtype import (
    DType,
    bool_,
    get_default_dtype,
    int64,
    opmath_dtype,
    result_type,
)
from plugboard._core.errors import ArgumentError, DTypeError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import MAX_NUMEL, Tensor, wrap_dim
from plugboard._dispatch.dispatcher import cast, clone, contiguous, move
from plugboard._ops.meta import (
    broadcast_shapes,
    check_operand,
    check_value,
    common_device,
    reduction_shape,
    require_dtype,
    shape_of,
)
from plugboard._ops.meta import check_nonempty as _check_nonempty
from plugboard._ops.meta import check_size as _check_size
from plugboard._ops.meta import device_or_cpu as _device_or_cpu
from plugboard._ops.meta import fill_dtype as _fill_dtype
from plugboard._ops.meta import float_of as _float_of
from plugboard._ops.meta import op as _op
from plugboard._ops.meta import pointwise_spec as _pointwise
from plugboard._ops.meta import promote as _promote
from plugboard._ops.table import OpTable

lib = OpTable("starter")

POINTWISE = ("pointwise",)
PURE_META = ("pure_meta",)  # the meta function reads only the call signature


# Unary pointwise ----------------------------------------------------------------


def _numeric_unary(name: str, fix: str) -> Callable[[Tensor], TensorSpec | MetaResult]:
    def meta(self: Tensor) -> TensorSpec | MetaResult:
        require_dtype(self.dtype, "numeric", f"{name} of a bool tensor", fix)
        return _pointwise(self.dtype, self.dtype, self)

    return meta


def _float_unary(self: Tensor) -> TensorSpec | MetaResult:
    dtype = _float_of(self.dtype)
    return _pointwise(dtype, dtype, self)


def _integral_unary(self: Tensor) -> TensorSpec | MetaResult:
    require_dtype(
        self.dtype, "integral", "bitwise_not of a floating tensor",
        "use an integer or bool tensor (for floats, negate with -x)",
    )
    return _pointwise(self.dtype, self.dtype, self)


_UNARY: tuple[tuple[str, Callable[[Tensor], TensorSpec | MetaResult]], ...] = (
    ("neg", _numeric_unary("neg", "to invert a mask use ~x or x.logical_not()")),
    ("abs", _numeric_unary("abs", "cast with x.to(pb.int64) first")),
    ("exp", _float_unary),
    ("log", _float_unary),
    ("sqrt", _float_unary),
    ("bitwise_not", _integral_unary),
)

for _name, _meta_fn in _UNARY:
    lib.define(f"{_name}(Tensor self) -> Tensor", tags=POINTWISE)
    lib.register_meta(_name, _meta_fn)


# Binary pointwise ---------------------------------------------------------------


def _check_alpha(dtype: DType, alpha: bool | int | float) -> None:
    if isinstance(alpha, float) and not dtype.is_floating_point:
        raise DTypeError(
            f"alpha={alpha!r} is a float, but the inputs compute in {dtype}. "
            "Fix: pass an integer alpha, or use floating-point inputs"
        )
    if isinstance(alpha, bool) and not dtype.is_bool:
        raise DTypeError(
            f"alpha={alpha!r} is a bool, which only bool inputs take. Fix: pass alpha=1 or 0"
        )
    if not dtype.is_floating_point:
        # alpha reaches kernels in the computation dtype (add and sub promote it), checked
        # as PyTorch does: -1 for uint8 is 255, which subtracts modulo 256; 1000 for int8
        # is an error.
        check_operand(alpha, dtype, unsigned_negatives=True)


def _add_meta(self: Any, other: Any, alpha: bool | int | float) -> TensorSpec | MetaResult:
    dtype = _promote(self, other)
    _check_alpha(dtype, alpha)
    return _pointwise(dtype, dtype, self, other, modular=True)


def _is_bool(value: Any) -> bool:
    return value.dtype.is_bool if isinstance(value, Tensor) else isinstance(value, bool)


def _sub_meta(self: Any, other: Any, alpha: bool | int | float) -> TensorSpec | MetaResult:
    # As in PyTorch, any bool operand is refused, even one that promotes (x - mask).
    if _is_bool(self) or _is_bool(other):
        raise DTypeError(
            "subtraction with a bool tensor or number is not supported. Fix: to invert a "
            "mask use ~mask or mask.logical_not(); for x ^ y use logical_xor; otherwise "
            "cast the bool operand to an integer dtype first, e.g. mask.to(pb.int64)"
        )
    dtype = _promote(self, other)
    _check_alpha(dtype, alpha)
    return _pointwise(dtype, dtype, self, other, modular=True)


def _same_meta(self: Any, other: Any) -> TensorSpec | MetaResult:
    dtype = _promote(self, other)
    return _pointwise(dtype, dtype, self, other)


def _modular_meta(self: Any, other: Any) -> TensorSpec | MetaResult:
    """mul: integer products wrap, so a negative number may meet an unsigned dtype."""
    dtype = _promote(self, other)
    return _pointwise(dtype, dtype, self, other, modular=True)


def _numeric_binary(name: str) -> Callable[[Any, Any], TensorSpec | MetaResult]:
    def meta(self: Any, other: Any) -> TensorSpec | MetaResult:
        dtype = _promote(self, other)
        require_dtype(dtype, "numeric", f"{name} of bool inputs", "cast to an integer dtype")
        return _pointwise(dtype, dtype, self, other)

    return meta


def _pow_meta(self: Any, exponent: Any) -> TensorSpec | MetaResult:
    # As in PyTorch: a bool tensor to a Python bool power is bool (x ** True is x,
    # x ** False is True), other bool powers are refused; integer tensors take negative
    # integer exponent tensors (2 ** -1 is 0, (-1) ** -1 is -1), not a negative Python int.
    dtype = _promote(self, exponent)
    if dtype.is_bool and not (isinstance(self, Tensor) and isinstance(exponent, bool)):
        raise DTypeError(
            "pow of a bool base and a bool tensor exponent is not supported (PyTorch has no "
            "such kernel). Fix: cast to an integer dtype, e.g. x.to(pb.int64) ** e, or "
            "raise to a Python bool, x ** True"
        )
    if not dtype.is_floating_point and type(exponent) is int and exponent < 0:
        raise DTypeError(
            f"integers to negative integer powers are not allowed (exponent {exponent}). "
            "Fix: use a floating-point base, e.g. x.to(pb.float32) ** -1"
        )
    return _pointwise(dtype, dtype, self, exponent)


def _div_meta(self: Any, other: Any, rounding_mode: str | None) -> TensorSpec | MetaResult:
    dtype = _promote(self, other)
    if rounding_mode is None:
        dtype = _float_of(dtype)
    elif rounding_mode in ("trunc", "floor"):
        require_dtype(dtype, "numeric", f"division with rounding_mode={rounding_mode!r} of "
                      "bool inputs", "cast to an integer dtype")
    else:
        raise ArgumentError(
            f"rounding_mode must be None, 'trunc' or 'floor', not {rounding_mode!r:.40}. "
            "Fix: pass one of them"
        )
    return _pointwise(dtype, dtype, self, other)


def _bitwise_meta(self: Any, other: Any) -> TensorSpec | MetaResult:
    dtype = _promote(self, other)
    require_dtype(dtype, "integral", "bitwise operations on floating inputs",
                  "use integer or bool tensors")
    # Bits in two's complement: x & -1 keeps every bit of a uint8 x.
    return _pointwise(dtype, dtype, self, other, modular=True)


def _comparison_meta(self: Any, other: Any) -> TensorSpec | MetaResult:
    return _pointwise(bool_, _promote(self, other), self, other)


_BINARY: tuple[tuple[str, str, Callable[..., TensorSpec | MetaResult]], ...] = (
    ("add", "Tensor self, Tensor other, *, Scalar alpha=1", _add_meta),
    ("sub", "Tensor self, Tensor other, *, Scalar alpha=1", _sub_meta),
    ("mul", "Tensor self, Tensor other", _modular_meta),
    ("div", "Tensor self, Tensor other, *, str? rounding_mode=None", _div_meta),
    ("remainder", "Tensor self, Tensor other", _numeric_binary("remainder")),
    ("pow", "Tensor self, Tensor exponent", _pow_meta),
    ("maximum", "Tensor self, Tensor other", _same_meta),
    ("minimum", "Tensor self, Tensor other", _same_meta),
    ("bitwise_and", "Tensor self, Tensor other", _bitwise_meta),
    ("bitwise_or", "Tensor self, Tensor other", _bitwise_meta),
    ("bitwise_xor", "Tensor self, Tensor other", _bitwise_meta),
    ("eq", "Tensor self, Tensor other", _comparison_meta),
    ("ne", "Tensor self, Tensor other", _comparison_meta),
    ("lt", "Tensor self, Tensor other", _comparison_meta),
    ("le", "Tensor self, Tensor other", _comparison_meta),
    ("gt", "Tensor self, Tensor other", _comparison_meta),
    ("ge", "Tensor self, Tensor other", _comparison_meta),
)

# Operators that compare or select values, with no arithmetic: a Python number enters
# them rounded to the computation dtype (float16 0.1 == 0.1), not at float32's precision
# (docs/architecture.md, "Python numbers").
SELECTS = ("pointwise", "selects")
_SELECTING = {"maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge"}

for _name, _args, _meta_fn in _BINARY:
    # alpha reaches add's and sub's kernels in the computation dtype, as Python numbers do.
    _promotes = ("self", "other", "alpha") if "alpha" in _args else None
    lib.define(f"{_name}({_args}) -> Tensor",
               tags=SELECTS if _name in _SELECTING else POINTWISE, promotes=_promotes)
    lib.register_meta(_name, _meta_fn)


lib.define("where(Tensor condition, Tensor self, Tensor other) -> Tensor", tags=SELECTS,
            promotes=("self", "other"))


@lib.register_meta("where")
def _where_meta(condition: Any, self: Any, other: Any) -> TensorSpec | MetaResult:
    if not isinstance(condition, Tensor) or not condition.dtype.is_bool:
        got = condition.dtype if isinstance(condition, Tensor) else type(condition).__name__
        raise DTypeError(
            f"where's condition must be a bool tensor, got {got}. Fix: compare to get a "
            "mask, e.g. pb.where(x > 0, x, 0), or cast with .to(pb.bool)"
        )
    dtype = _promote(self, other)
    for name, value in (("self", self), ("other", other)):
        if not isinstance(value, Tensor):
            check_value(value, dtype, name)  # it is written: 1000 into int8 is an error
    return _pointwise(dtype, dtype, condition, self, other)


# copy_: the strided, cross-dtype copy behind contiguous, clone and casts ----------


# copy_ is the cast itself: no argument is cast to a computation dtype before it runs.
lib.define("copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)",
           tags=POINTWISE, promotes=())


@lib.register_meta("copy_")
def _copy_meta(self: Tensor, src: Any, non_blocking: bool) -> MetaResult:
    device = common_device(self, src)
    if broadcast_shapes(self.shape, shape_of(src)) != self.shape:
        raise ShapeError(
            f"cannot copy a tensor of shape {shape_of(src)} into one of shape {self.shape}: "
            "the source must broadcast to the destination's shape. Fix: copy a tensor of "
            "that shape, or one that broadcasts to it"
        )
    return MetaResult((TensorSpec(self.shape, self.dtype, device),), self.dtype)


# Reductions ---------------------------------------------------------------------


lib.define(
    "sum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    tags=PURE_META,
)


@lib.register_meta("sum")
def _sum_meta(self: Tensor, dim: Sequence[int] | None, keepdim: bool,
              dtype: DType | None) -> TensorSpec:
    shape, _ = reduction_shape(self.shape, dim, keepdim)
    if dtype is None:
        dtype = self.dtype if self.dtype.is_floating_point else int64
    return TensorSpec(shape, dtype, self.device)


lib.define("amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", tags=PURE_META)


@lib.register_meta("amax")
def _amax_meta(self: Tensor, dim: Sequence[int], keepdim: bool) -> TensorSpec:
    shape, dims = reduction_shape(self.shape, dim, keepdim)
    _check_nonempty(self, dims, "amax")
    return TensorSpec(shape, self.dtype, self.device)


lib.define("argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", tags=PURE_META)


@lib.register_meta("argmax")
def _argmax_meta(self: Tensor, dim: int | None, keepdim: bool) -> MetaResult:
    # PyTorch refuses bool ("argmax(): does not support bool input"), on every backend.
    require_dtype(self.dtype, "numeric", "argmax of a bool tensor",
                  "cast it first, e.g. x.to(pb.uint8).argmax(), as PyTorch asks too")
    if dim is None:
        if self.numel() == 0:
            raise ShapeError("argmax of an empty tensor has no answer. Fix: pass a dim")
        shape = (1,) * self.ndim if keepdim else ()
    else:
        shape, dims = reduction_shape(self.shape, [dim], keepdim)
        _check_nonempty(self, dims, "argmax")
    return MetaResult((TensorSpec(shape, int64, self.device),), self.dtype)


# Linear algebra -----------------------------------------------------------------


lib.define("matmul(Tensor self, Tensor other) -> Tensor", tags=PURE_META)


@lib.register_meta("matmul")
def _matmul_meta(self: Tensor, other: Tensor) -> TensorSpec:
    a, b = self.shape, other.shape
    device = common_device(self, other)
    if not a or not b:
        raise ShapeError(
            "both arguments to matmul need at least one dimension. Fix: multiply 0-d "
            "tensors with pb.mul (or x * y)"
        )
    if self.dtype is not other.dtype:
        raise DTypeError(
            f"matmul needs both inputs in one dtype, got {self.dtype} and {other.dtype}. "
            f"Fix: cast one, e.g. other.to(pb.{self.dtype})"
        )
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ShapeError(
            f"matmul of shapes {a} and {b}: the inner dimensions differ "
            f"({a2[-1]} vs {b2[-2]}). Fix: transpose one side, e.g. x @ y.mT"
        )
    batch = broadcast_shapes(a2[:-2], b2[:-2])
    shape = (*batch, a2[-2], b2[-1])
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(b) == 1:
        shape = shape[:-1]
    return TensorSpec(shape, self.dtype, device)


# Factories ----------------------------------------------------------------------


lib.define(
    "empty(int[] size, *, ScalarType? dtype=None, Device? device=None) -> Tensor",
    tags=("allocation",),
)


@lib.register_meta("empty")
def _empty_meta(size: Sequence[int], dtype: DType | None, device: Device | None) -> TensorSpec:
    return TensorSpec(_check_size(size), dtype or get_default_dtype(), _device_or_cpu(device))


lib.define(
    "empty_like(Tensor self, *, ScalarType? dtype=None, Device? device=None) -> Tensor",
    tags=("allocation",),
)


@lib.register_meta("empty_like")
def _empty_like_meta(self: Tensor, dtype: DType | None, device: Device | None) -> TensorSpec:
    return TensorSpec(self.shape, dtype or self.dtype, device or self.device)


lib.define(
    "full(int[] size, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None) "
    "-> Tensor"
)


@lib.register_meta("full")
def _full_meta(size: Sequence[int], fill_value: bool | int | float, dtype: DType | None,
               device: Device | None) -> TensorSpec:
    return TensorSpec(_check_size(size), _fill_dtype(fill_value, dtype), _device_or_cpu(device))


# Kernels get start, end and step in the result's dtype: integers for an integer
# arange (truncated toward zero, as PyTorch converts them), so they count exactly.
lib.define(
    "arange(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, "
    "Device? device=None) -> Tensor",
    promotes=("start", "end", "step"),
)


@lib.register_meta("arange")
def _arange_meta(start: float, end: float, step: float, dtype: DType | None,
                 device: Device | None) -> TensorSpec:
    if step == 0:
        raise ArgumentError("arange's step must be nonzero. Fix: pass a step, e.g. 1")
    if not all(math.isfinite(v) for v in (start, end, step)):
        raise ArgumentError(
            f"arange needs finite bounds and step, got {start}, {end}, {step}. Fix: pass "
            "finite numbers"
        )
    if dtype is None:
        dtype = result_type(start, end, step)
        if dtype.is_bool:
            dtype = int64
    if not dtype.is_floating_point:
        # PyTorch converts the bounds and step to integers first, then counts:
        # arange(-1.5, 2, dtype=int64) is [-1, 0, 1] (-1.5 becomes -1), not four values.
        start, end, whole = int(start), int(end), int(step)
        if whole == 0:
            raise ArgumentError(
                f"arange's step {step!r} is 0 as an integer, and an integer arange counts "
                f"in whole steps. Fix: pass a step of at least 1 in size, or a floating "
                "dtype, e.g. dtype=pb.float32"
            )
        step = whole
    if (end - start) * step < 0:
        raise ArgumentError(
            f"arange from {start} to {end} with step {step} goes the wrong way. Fix: "
            "make the step's sign match end - start"
        )
    if isinstance(step, int) and isinstance(start, int) and isinstance(end, int):
        length = max(-((start - end) // step), 0)  # ceil((end - start) / step), exactly
    else:
        count = (end - start) / step
        if not count <= MAX_NUMEL:  # inf too: 1e300 / 1e-300 overflows a float
            raise ShapeError(
                f"arange from {start} to {end} by {step} has more than {MAX_NUMEL} values, "
                "more than a tensor can count. Fix: use a larger step or a shorter range"
            )
        length = max(math.ceil(count), 0)
    if length:
        # The values must fit the dtype: never wrapped (int8 past 127) or made inf.
        for value in (start, start + (length - 1) * step):
            check_value(value, dtype, "the value")
    return TensorSpec((length,), dtype, _device_or_cpu(device))


# Composites (one decomposition for every backend) ---------------------------------

_COMPOSITE = "CompositeImplicit"


lib.define(
    "mean(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) "
    "-> Tensor",
    tags=PURE_META,
)


@lib.register_meta("mean")
def _mean_meta(self: Tensor, dim: Sequence[int] | None, keepdim: bool,
               dtype: DType | None) -> TensorSpec:
    out_dtype = dtype or self.dtype
    require_dtype(
        out_dtype, "floating", "mean of a non-floating tensor",
        "cast first, e.g. x.to(pb.float32).mean(), or pass dtype=pb.float32",
    )
    shape, _ = reduction_shape(self.shape, dim, keepdim)
    return TensorSpec(shape, out_dtype, self.device)


@lib.impl("mean", _COMPOSITE)
def _mean(self: Tensor, dim: Sequence[int] | None, keepdim: bool,
          dtype: DType | None) -> Tensor:
    _, dims = reduction_shape(self.shape, dim, keepdim)
    count = math.prod(self.shape[d] for d in dims)
    # As PyTorch: the input in dtype= first; float16 and bfloat16 sum and divide in
    # float32 and round once (their sum alone may overflow: 6e4 + 6e4 in float16).
    out_dtype = dtype or self.dtype
    total = _op("sum")(cast(self, out_dtype), dim, keepdim, dtype=opmath_dtype(out_dtype))
    return cast(_op("div")(total, count), out_dtype)


lib.define("relu(Tensor self) -> Tensor", tags=PURE_META)


@lib.register_meta("relu")
def _relu_meta(self: Tensor) -> TensorSpec:
    require_dtype(self.dtype, "numeric", "relu of a bool tensor", "cast to a numeric dtype")
    return TensorSpec(self.shape, self.dtype, self.device)


@lib.impl("relu", _COMPOSITE)
def _relu(self: Tensor) -> Tensor:
    # NaN stays NaN, as in PyTorch: only values known to be negative become 0.
    return _op("where")(_op("lt")(self, 0), 0, self)


for _name, _value in (("zeros", 0), ("ones", 1)):
    lib.define(f"{_name}(int[] size, *, ScalarType? dtype=None, Device? device=None) -> Tensor")
    lib.register_meta(_name, _empty_meta)
    lib.impl(
        _name, _COMPOSITE,
        lambda size, dtype, device, _v=_value: _op("full")(
            size, _v, dtype=dtype or get_default_dtype(), device=device
        ),
    )
    lib.define(
        f"{_name}_like(Tensor self, *, ScalarType? dtype=None, Device? device=None) -> Tensor"
    )
    lib.register_meta(f"{_name}_like", _empty_like_meta)
    lib.impl(
        f"{_name}_like", _COMPOSITE,
        lambda self, dtype, device, _v=_value: _op("full")(
            self.shape, _v, dtype=dtype or self.dtype, device=device or self.device
        ),
    )


lib.define(
    "full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None) "
    "-> Tensor"
)


@lib.register_meta("full_like")
def _full_like_meta(self: Tensor, fill_value: bool | int | float, dtype: DType | None,
                    device: Device | None) -> TensorSpec:
    return TensorSpec(self.shape, _fill_dtype(fill_value, dtype or self.dtype),
                      device or self.device)


@lib.impl("full_like", _COMPOSITE)
def _full_like(self: Tensor, fill_value: bool | int | float, dtype: DType | None,
               device: Device | None) -> Tensor:
    return _op("full")(
        self.shape, fill_value, dtype=dtype or self.dtype, device=device or self.device
    )


lib.define("contiguous(Tensor(a) self) -> Tensor(a)")
lib.impl("contiguous", _COMPOSITE, contiguous)
lib.define("clone(Tensor self) -> Tensor")
lib.impl("clone", _COMPOSITE, clone)
lib.define(
    "to(Tensor(a) self, Device? device=None, ScalarType? dtype=None, bool copy=False) "
    "-> Tensor(a)"
)


@lib.impl("to", _COMPOSITE)
def _to(
    self: Tensor, device: Device | None = None, dtype: DType | None = None, copy: bool = False
) -> Tensor:
    """``self`` on ``device`` in ``dtype``; ``self`` itself if nothing changes (unless ``copy``)."""
    device = device or self.device
    dtype = dtype or self.dtype
    if device == self.device and dtype is self.dtype:
        return clone(self) if copy else self
    if device != self.device:
        # Cast where the data is smaller, so fewer bytes travel.
        if dtype.itemsize < self.dtype.itemsize:
            return move(cast(self, dtype), device)
        moved = move(self, device)
        return cast(moved, dtype) if dtype is not self.dtype else moved
    return cast(self, dtype)


# Views that copy when the layout allows no view ---------------------------------


def _reshape(self: Tensor, size: Sequence[int]) -> Tensor:
    """A view when the layout allows, else a contiguous copy."""
    result = _views.reshape_view(self, size)
    if result is not None:
        return result
    return _views.view(contiguous(self), size)


def _flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flattened as a view when the dims are contiguous with each other, else copied."""
    # Checked first, as in PyTorch: a 0-d tensor takes dims 0 and -1 only.
    start, end = wrap_dim(start_dim, self.ndim), wrap_dim(end_dim, self.ndim)
    if self.ndim == 0:
        return _reshape(self, (1,))
    if start > end:
        raise ShapeError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim}. Fix: pass "
            "start_dim <= end_dim"
        )
    shape = (*self.shape[:start], math.prod(self.shape[start : end + 1]), *self.shape[end + 1 :])
    return _reshape(self, shape)


def _unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    _views.require_dims(self, "unflatten")
    d = wrap_dim(dim, self.ndim)
    inner = _views.infer_size(sizes, self.shape[d], (self.shape[d],))
    return _reshape(self, (*self.shape[:d], *inner, *self.shape[d + 1 :]))


# Views (metadata only) ------------------------------------------------------------

_VIEWS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("view(Tensor(a) self, int[] size)", _views.view),
    ("reshape(Tensor(a) self, int[] shape)", _reshape),
    ("as_strided(Tensor(a) self, int[] size, int[] stride, int? storage_offset=None)",
     _views.as_strided),
    ("permute(Tensor(a) self, int[] dims)", _views.permute),
    ("transpose(Tensor(a) self, int dim0, int dim1)", _views.transpose),
    ("t(Tensor(a) self)", _views.t),
    ("expand(Tensor(a) self, int[] size)", _views.expand),
    ("squeeze(Tensor(a) self, int[1]? dim=None)", _views.squeeze),
    ("unsqueeze(Tensor(a) self, int dim)", _views.unsqueeze),
    ("flatten(Tensor(a) self, int start_dim=0, int end_dim=-1)", _flatten),
    ("unflatten(Tensor(a) self, int dim, int[] sizes)", _unflatten),
    ("narrow(Tensor(a) self, int dim, int start, int length)", _views.narrow),
    ("select(Tensor(a) self, int dim, int index)", _views.select),
    ("diagonal(Tensor(a) self, int offset=0, int dim1=0, int dim2=1)", _views.diagonal),
)
_MULTI_VIEWS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("split(Tensor(a -> *) self, int split_size, int dim=0)", _views.split),
    ("split_with_sizes(Tensor(a -> *) self, int[] split_sizes, int dim=0)",
     _views.split_with_sizes),
    ("chunk(Tensor(a -> *) self, int chunks, int dim=0)", _views.chunk),
    ("unbind(Tensor(a -> *) self, int dim=0)", _views.unbind),
)

for _signature, _fn in _VIEWS:
    lib.impl(lib.define(f"{_signature} -> Tensor(a)", tags=("view",)), _COMPOSITE, _fn)
for _signature, _fn in _MULTI_VIEWS:
    lib.impl(lib.define(f"{_signature} -> Tensor(a)[]", tags=("view",)), _COMPOSITE, _fn)
