"""Reductions of docs/opset.md beyond the starter set (sum, mean, amax, argmax).

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.

Primitives: ``prod``, ``amin``, ``argmin``, ``cumsum``, ``cumprod``.
Composites: ``var``, ``std``, ``all``, ``any``, ``logsumexp``, ``norm``, and
``max``/``min`` in their two reducing forms. PyTorch overloads ``torch.max``
three ways; the core has one schema per name (``max`` reduces everything,
``max_dim`` reduces one dim into a named pair ``(values, indices)``, and
``maximum`` is the elementwise form), and :func:`max` / :func:`min` here choose
among them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from plugboard._core.dtype import DType, bfloat16, bool_, float16, float32, int64, uint8
from plugboard._core.errors import ArgumentError, ShapeError
from plugboard._core.spec import MetaResult, TensorSpec
from plugboard._core.tensor import Tensor, wrap_dim
from plugboard._dispatch import dispatcher as _copy
from plugboard._dispatch.aliases import numpy_keywords
from plugboard._dispatch.calls import signature_checked
from plugboard._dispatch.registry import describe_value
from plugboard._ops.meta import check_nonempty, float_of, reduction_shape, require_dtype
from plugboard._ops.meta import op as _op
from plugboard._ops.table import OpTable

# Every meta function here reads only the call signature: see the "pure_meta" tag.
lib = OpTable("reductions", tags=("pure_meta",))

_COMPOSITE = "CompositeImplicit"


def _accumulate(dtype: DType) -> DType:
    """The dtype a composite reduction computes in: float32 for float16 and bfloat16."""
    return float32 if dtype is float16 or dtype is bfloat16 else dtype


def _reduced_count(shape: tuple[int, ...], dims: Sequence[int]) -> int:
    return math.prod(shape[d] for d in dims)


def _one_dim(dim: int | None) -> list[int] | None:
    return None if dim is None else [dim]


# Primitives -----------------------------------------------------------------------


lib.define(
    "prod(Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor"
)


@lib.register_meta("prod")
def _prod_meta(self: Tensor, dim: int | None, keepdim: bool, dtype: DType | None) -> TensorSpec:
    shape, _ = reduction_shape(self.shape, _one_dim(dim), keepdim)
    if dtype is None:
        # Integers and bool multiply in int64, as in PyTorch.
        dtype = self.dtype if self.dtype.is_floating_point else int64
    return TensorSpec(shape, dtype, self.device)


lib.define("amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor")


@lib.register_meta("amin")
def _amin_meta(self: Tensor, dim: Sequence[int], keepdim: bool) -> TensorSpec:
    shape, dims = reduction_shape(self.shape, dim, keepdim)
    check_nonempty(self, dims, "amin")
    return TensorSpec(shape, self.dtype, self.device)


lib.define("argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor")


@lib.register_meta("argmin")
def _argmin_meta(self: Tensor, dim: int | None, keepdim: bool) -> MetaResult:
    # PyTorch refuses bool ("argmin(): does not support bool input"), on every backend.
    require_dtype(self.dtype, "numeric", "argmin of a bool tensor",
                  "cast it first, e.g. x.to(pb.uint8).argmin(), as PyTorch asks too")
    if dim is None:
        if self.numel() == 0:
            raise ShapeError("argmin of an empty tensor has no answer. Fix: pass a dim")
        shape = (1,) * self.ndim if keepdim else ()
    else:
        shape, dims = reduction_shape(self.shape, [dim], keepdim)
        check_nonempty(self, dims, "argmin")
    return MetaResult((TensorSpec(shape, int64, self.device),), self.dtype)


def _scan_meta(self: Tensor, dim: int, dtype: DType | None) -> TensorSpec:
    wrap_dim(dim, self.ndim)
    if dtype is None:
        dtype = self.dtype if self.dtype.is_floating_point else int64
    return TensorSpec(self.shape, dtype, self.device)


for _name in ("cumsum", "cumprod"):
    lib.define(f"{_name}(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor")
    lib.register_meta(_name, _scan_meta)


# Variance and standard deviation ---------------------------------------------------


_VAR_SIGNATURE = (
    "(Tensor self, int[1]? dim=None, *, Scalar correction=1, bool keepdim=False) -> Tensor"
)


def _var_meta(self: Tensor, dim: Sequence[int] | None, correction: float,
              keepdim: bool) -> TensorSpec:
    require_dtype(self.dtype, "floating", "var and std of a non-floating tensor",
                  "cast first, e.g. x.to(pb.float32).var()")
    if isinstance(correction, bool):
        raise ArgumentError(
            f"correction must be a number, not {correction!r}. Fix: pass correction=0 for "
            "the population variance or correction=1 (the default) for the sample variance"
        )
    shape, _ = reduction_shape(self.shape, dim, keepdim)
    return TensorSpec(shape, self.dtype, self.device)


def _scale(magnitude: Tensor, low: float, high: float, shape: tuple[int, ...]
           ) -> tuple[Tensor, Tensor]:
    """Per reduced row, what to divide its values by so that powers of them neither
    overflow nor underflow: the row's largest ``magnitude`` (kept dims) where it lies
    outside [low, high], else 1, which changes no value. Returns it with kept dims and
    in the result's ``shape``, to multiply the result back."""
    outside = _op("logical_or")(_op("gt")(magnitude, high), _op("lt")(magnitude, low))
    # 0 (all zeros), inf and NaN rows keep 1: scaling cannot help them.
    usable = _op("logical_and")(_op("gt")(magnitude, 0), _op("lt")(magnitude, math.inf))
    kept = _op("where")(_op("logical_and")(outside, usable), magnitude, 1.0)
    return kept, _op("reshape")(kept, shape)


def _variance(self: Tensor, dim: Sequence[int] | None, correction: float,
              keepdim: bool) -> tuple[Tensor, Tensor | None]:
    """The variance in the accumulation dtype (two passes: the mean, then the squares),
    as ``(variance, scale)``: the variance of the values divided by ``scale`` (None: 1).

    Rows whose values are so large or small that their squares would overflow or
    underflow are divided by their largest magnitude first, so that var and std of
    huge or tiny finite values are finite and accurate (PyTorch's CPU kernels
    accumulate in float64 for float32); other rows are computed unchanged.
    """
    x = _copy.cast(self, _accumulate(self.dtype))
    shape, dims = reduction_shape(self.shape, dim, keepdim)
    n = _reduced_count(self.shape, dims)
    scale = None
    if n > 0:
        # Centered values are at most 2 max|x|, so n of their squares stay below the
        # dtype's largest value up to `high`; below `low`, squares lose precision.
        info = np.finfo(x.dtype.numpy)
        high = math.sqrt(float(info.max) / (4 * n))
        low = math.sqrt(float(info.tiny)) / float(info.eps)
        magnitude = _op("amax")(_op("abs")(x), list(dims), True)
        kept, scale = _scale(magnitude, low, high, shape)
        x = _op("div")(x, kept)
    mean = _op("div")(_op("sum")(x, dim, True), n)  # n == 0 gives NaN, as in PyTorch
    centered = _op("sub")(x, mean)
    squares = _op("sum")(_op("mul")(centered, centered), dim, keepdim)
    # More correction than samples divides by zero (inf or NaN), as PyTorch does.
    # (This module defines its own max, so no builtin max here.)
    divisor = n - correction if n > correction else 0
    return _op("div")(squares, divisor), scale


def _var(self: Tensor, dim: Sequence[int] | None, correction: float, keepdim: bool) -> Tensor:
    variance, scale = _variance(self, dim, correction, keepdim)
    if scale is not None:
        # Twice by the scale, not by its square: that could overflow on its own.
        variance = _op("mul")(_op("mul")(variance, scale), scale)
    return _copy.cast(variance, self.dtype)


def _std(self: Tensor, dim: Sequence[int] | None, correction: float, keepdim: bool) -> Tensor:
    variance, scale = _variance(self, dim, correction, keepdim)
    std = _op("sqrt")(variance)
    if scale is not None:
        std = _op("mul")(std, scale)
    return _copy.cast(std, self.dtype)


for _name, _fn in (("var", _var), ("std", _std)):
    lib.define(_name + _VAR_SIGNATURE)
    lib.register_meta(_name, _var_meta)
    lib.impl(_name, _COMPOSITE, _fn)


# all and any -----------------------------------------------------------------------


def _logical_dtype(dtype: DType) -> DType:
    # PyTorch keeps uint8 (a legacy of masks before bool existed); every other dtype gives bool.
    return uint8 if dtype is uint8 else bool_


def _logical_reduction_meta(self: Tensor, dim: Sequence[int] | None,
                            keepdim: bool) -> TensorSpec:
    shape, _ = reduction_shape(self.shape, dim, keepdim)
    return TensorSpec(shape, _logical_dtype(self.dtype), self.device)


def _zero(t: Tensor) -> bool | int:
    return False if t.dtype.is_bool else 0  # compares a bool tensor without a cast


def _all(self: Tensor, dim: Sequence[int] | None, keepdim: bool) -> Tensor:
    # True where no element is zero (NaN counts as true); an empty reduction is True.
    zeros = _op("sum")(_op("eq")(self, _zero(self)), dim, keepdim)
    return _as_logical(_op("eq")(zeros, 0), self.dtype)


def _any(self: Tensor, dim: Sequence[int] | None, keepdim: bool) -> Tensor:
    nonzeros = _op("sum")(_op("ne")(self, _zero(self)), dim, keepdim)
    return _as_logical(_op("ne")(nonzeros, 0), self.dtype)


def _as_logical(result: Tensor, dtype: DType) -> Tensor:
    target = _logical_dtype(dtype)
    return result if target is bool_ else _copy.cast(result, target)


for _name, _logical in (("all", _all), ("any", _any)):
    lib.define(f"{_name}(Tensor self, int[1]? dim=None, bool keepdim=False) -> Tensor")
    lib.register_meta(_name, _logical_reduction_meta)
    lib.impl(_name, _COMPOSITE, _logical)


# logsumexp -------------------------------------------------------------------------


lib.define("logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor")


@lib.register_meta("logsumexp")
def _logsumexp_meta(self: Tensor, dim: Sequence[int], keepdim: bool) -> TensorSpec:
    shape, _ = reduction_shape(self.shape, dim, keepdim)
    return TensorSpec(shape, float_of(self.dtype), self.device)


@lib.impl("logsumexp", _COMPOSITE)
def _logsumexp(self: Tensor, dim: Sequence[int], keepdim: bool) -> Tensor:
    out_dtype = float_of(self.dtype)
    shape, dims = reduction_shape(self.shape, dim, keepdim)
    if self.numel() == 0:
        # The log of an empty sum is log(0) = -inf; nothing to reduce has no max to shift by.
        return _op("full")(
            shape, -math.inf, dtype=out_dtype, device=self.device
        )
    x = _copy.cast(self, _accumulate(out_dtype))
    # Shift by the max so exp cannot overflow; an infinite max is not a usable shift
    # (inf - inf is NaN), so those rows shift by 0 and give +inf or -inf, as in PyTorch.
    shift = _op("amax")(x, list(dims), True)
    shift = _op("where")(_op("eq")(_op("abs")(shift), math.inf), 0.0, shift)
    total = _op("sum")(_op("exp")(_op("sub")(x, shift)), list(dims), True)
    result = _op("reshape")(_op("add")(_op("log")(total), shift), shape)
    return _copy.cast(result, out_dtype)


# norm ------------------------------------------------------------------------------


lib.define(
    "norm(Tensor self, Scalar p=2, int[1]? dim=None, bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor"
)


@lib.register_meta("norm")
def _norm_meta(self: Tensor, p: float, dim: Sequence[int] | None, keepdim: bool,
               dtype: DType | None) -> TensorSpec:
    require_dtype(self.dtype, "floating", "norm of a non-floating tensor",
                  "cast first, e.g. x.to(pb.float32).norm()")
    if dtype is not None:
        require_dtype(dtype, "floating", "norm with a non-floating dtype=",
                      "pass a floating dtype, e.g. dtype=pb.float64")
    if isinstance(p, bool) or math.isnan(p):
        raise ArgumentError(f"p must be a number (inf allowed), not {p!r}. Fix: e.g. p=2")
    shape, dims = reduction_shape(self.shape, dim, keepdim)
    if (p < 0 or math.isinf(p)) and _reduced_count(self.shape, dims) == 0:
        raise ShapeError(
            f"the {p} norm of an empty reduction has no identity. Fix: reduce over "
            "non-empty dims, or use p >= 0 (finite)"
        )
    return TensorSpec(shape, dtype or self.dtype, self.device)


@lib.impl("norm", _COMPOSITE)
def _norm(self: Tensor, p: float, dim: Sequence[int] | None, keepdim: bool,
          dtype: DType | None) -> Tensor:
    out_dtype = dtype or self.dtype
    x = _copy.cast(self, _accumulate(out_dtype))
    reduce_dims = list(dim) if dim is not None else []
    if p == 1:
        result = _op("sum")(_op("abs")(x), dim, keepdim)
    elif p == math.inf:
        result = _op("amax")(_op("abs")(x), reduce_dims, keepdim)
    elif p == -math.inf:
        result = _op("amin")(_op("abs")(x), reduce_dims, keepdim)
    elif p == 0:
        # The number of nonzero elements.
        result = _op("sum")(_op("ne")(x, 0), dim, keepdim, dtype=x.dtype)
    else:
        result = _power_norm(x, float(p), dim, keepdim)
    return _copy.cast(result, out_dtype)


def _power_norm(x: Tensor, p: float, dim: Sequence[int] | None, keepdim: bool) -> Tensor:
    """sum(|x| ** p) ** (1 / p), without overflow or underflow on the way.

    For p > 1 the powers of huge values overflow (and of tiny ones underflow) even
    where the norm is finite: those rows are divided by their largest magnitude first
    and the norm multiplied back (for p < 0, by the smallest: its power dominates).
    Other rows, and 0 < p < 1 (whose powers are no further from 1 than the norm),
    are computed unchanged.
    """
    magnitude = _op("abs")(x)
    shape, dims = reduction_shape(x.shape, dim, keepdim)
    n = _reduced_count(x.shape, dims)
    scale = None
    if n > 0 and (p > 1 or p < 0):
        info = np.finfo(x.dtype.numpy)
        # Rows with n powers below the largest value, and each above float's precision
        # at the smallest normal value, need no scaling.
        big = (float(info.max) / n) ** (1 / p)
        small = (float(info.tiny) / float(info.eps)) ** (1 / p)
        low, high = (small, big) if p > 0 else (big, small)
        extreme = "amax" if p > 0 else "amin"
        kept, scale = _scale(_op(extreme)(magnitude, list(dims), True), low, high, shape)
        magnitude = _op("div")(magnitude, kept)
    if p == 2:
        result = _op("sqrt")(_op("sum")(_op("mul")(magnitude, magnitude), dim, keepdim))
    else:
        powered = _op("pow")(magnitude, p)
        result = _op("pow")(_op("sum")(powered, dim, keepdim), 1.0 / p)
    return result if scale is None else _op("mul")(result, scale)


# max and min -----------------------------------------------------------------------


def _full_extremum_meta(name: str) -> Any:
    def meta(self: Tensor) -> TensorSpec:
        if self.numel() == 0:
            raise ShapeError(
                f"{name} of an empty tensor has no answer: {name} has no identity. "
                f"Fix: pass a dim, e.g. pb.{name}(x, dim=0), or check x.numel() first"
            )
        return TensorSpec((), self.dtype, self.device)

    return meta


def _extremum_dim_meta(name: str) -> Any:
    def meta(self: Tensor, dim: int, keepdim: bool) -> MetaResult:
        shape, dims = reduction_shape(self.shape, [dim], keepdim)
        check_nonempty(self, dims, name)
        return MetaResult((TensorSpec(shape, self.dtype, self.device),
                           TensorSpec(shape, int64, self.device)), self.dtype)

    return meta


def _extremum_dim(values_op: str, index_op: str) -> Any:
    def composite(self: Tensor, dim: int, keepdim: bool) -> tuple[Tensor, Tensor]:
        values = _op(values_op)(self, [dim], keepdim)
        # argmax/argmin are numeric; bool orders like 0 and 1.
        ordered = _copy.cast(self, uint8) if self.dtype.is_bool else self
        return values, _op(index_op)(ordered, dim, keepdim)

    return composite


for _name, _values, _index in (("max", "amax", "argmax"), ("min", "amin", "argmin")):
    lib.define(f"{_name}(Tensor self) -> Tensor")
    lib.register_meta(_name, _full_extremum_meta(_name))
    lib.impl(_name, _COMPOSITE, lambda self, _v=_values: _op(_v)(self, []))
    lib.define(
        f"{_name}_dim(Tensor self, int dim, bool keepdim=False) -> "
        "(Tensor values, Tensor indices)"
    )
    lib.register_meta(f"{_name}_dim", _extremum_dim_meta(_name))
    lib.impl(f"{_name}_dim", _COMPOSITE, _extremum_dim(_values, _index))


def _extremum(name: str, elementwise: str, input: Tensor, dim: Any, keepdim: bool,
              other: Tensor | None, out: Any) -> Any:
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if other is not None:
        if dim is not None:
            raise ArgumentError(
                f"takes a dim or another tensor, not both. Fix: pb.{name}(x, dim) "
                f"reduces, pb.{name}(x, y) compares elementwise",
                op=f"pb::{name}",
                inputs=f"input={describe_value(input)}, dim={dim!r:.40}, "
                f"other={describe_value(other)}",
            )
        return _op(elementwise)(input, other, out=out)
    if dim is None:
        if keepdim is not False:
            # Only the dim form has a keepdim; anything else here is a mistake.
            raise ArgumentError(
                f"takes keepdim only with a dim, got keepdim={keepdim!r:.40}. Fix: pass a "
                f"dim, or pb.a{name}(x, keepdim=True) to keep every dimension",
                op=f"pb::{name}",
                inputs=f"input={describe_value(input)}, keepdim={keepdim!r:.40}",
            )
        return _op(name)(input, out=out)
    return _op(f"{name}_dim")(input, dim, keepdim, out=out)


@numpy_keywords
@signature_checked("pb::max")
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *,
        other: Tensor | None = None, out: Any = None) -> Any:
    """PyTorch's ``torch.max``, in its three forms.

    ``max(x)`` is the largest element (a 0-d tensor); ``max(x, dim,
    keepdim=False)`` is a named pair ``(values, indices)`` along ``dim``, the
    first index of the largest value (NaN counts as largest); ``max(x, y)``
    is ``maximum(x, y)``. ``out=`` takes a tensor, or a pair for the dim form.

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> pb.max(x).item()
        7.0
        >>> pb.max(x, 0, keepdim=True).indices.tolist()
        [[1, 0]]
        >>> pb.max(x, pb.tensor(3.0)).tolist()
        [[3.0, 5.0], [7.0, 3.0]]
    """
    return _extremum("max", "maximum", input, dim, keepdim, other, out)


@numpy_keywords
@signature_checked("pb::min")
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *,
        other: Tensor | None = None, out: Any = None) -> Any:
    """PyTorch's ``torch.min``, in its three forms (see :func:`max`).

    Example:
        >>> import plugboard as pb
        >>> x = pb.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> pb.min(x).item()
        1.0
        >>> pb.min(x, 1).values.tolist()
        [1.0, 2.0]
    """
    return _extremum("min", "minimum", input, dim, keepdim, other, out)
