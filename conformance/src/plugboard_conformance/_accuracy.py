"""The accuracy model: how far a floating result may be from the reference, per operator.

Every error is measured against the float64 reference rounded to the result's
dtype, in ULP of that dtype (the spacing of its values at the expected value),
as the OpenCL conformance tests measure their built-in functions. A correctly
rounded result is then 0 ULP off; OpenCL's limit of L ULP from the exact value
is at most ``floor(L + 0.5)`` ULP from the rounded one.

Each operator has one :class:`Limit` in :data:`LIMITS`:

- ``ulp``: the allowance in ULP of the result dtype. For element-wise functions
  this is the whole limit: the OpenCL full-profile limit for single precision
  where OpenCL has the function, or the sum of the limits of the steps of its
  formula where it has not.
- ``bound``: for results of many roundings where cancellation makes ULP
  meaningless (a sum near zero, a matmul entry, a variance), an absolute
  allowance is added to the ULP one (:class:`Bound`): ``LAMBDA / 2 * sqrt(n) *
  eps * M``, with ``n`` the number of terms (the size of the sample's largest
  floating input, which bounds the terms behind any one result element; 1 for
  element-wise operators), ``M`` a magnitude of the terms and ``eps`` the
  machine epsilon of the dtype the backend accumulates in. That is
  Higham and Mary's probabilistic bound for sums (SIAM J. Sci. Comput. 41(5),
  2019): with unit roundoff ``u = eps / 2``, the error of a sum of ``n`` terms
  exceeds ``LAMBDA * sqrt(n) * u * sum|terms|`` with probability at most
  ``2 * exp(-LAMBDA**2 / 2)``, for any order of summation. The deterministic
  bound ``n * u * sum|terms|`` would let a float16 accumulator of 4096 terms
  pass.
- ``eps`` comes from the dtype (``ml_dtypes.finfo``), never from a number per
  dtype: float16 and bfloat16 accumulate in float32 (as PyTorch does), so a
  16-bit result may only lose its final rounding; an operator that by its
  definition accumulates in the dtype itself (``index_put`` with
  ``accumulate=True``, ``scatter_add``: each addition is a store) says so with
  ``in_dtype``.

Integer and bool results are always exact. NaN and infinities must match the
reference exactly (``_checks.compare``), whatever the limit.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import ml_dtypes
import numpy as np

import plugboard as pb

__all__ = ["LAMBDA", "LIMITS", "Bound", "Limit", "accumulator_eps", "allowance", "duplicates",
           "limit_for", "markdown_table", "scale", "ulp_of"]

# Higham and Mary's lambda: a sum exceeds the bound with probability <= 2 exp(-18) ~ 3e-8.
LAMBDA = 6.0


class Bound(str, Enum):
    """What magnitude ``M`` the absolute allowance ``LAMBDA / 2 * sqrt(n) * eps * M`` scales."""

    NONE = "none"  # no absolute allowance: the ULP limit alone
    # Sums of products (sum, matmul, convolution): M is the reference applied to the
    # inputs' absolute values, the sum of |terms| behind each result element.
    TERMS = "terms"
    # Products of n factors (prod, cumprod): relative error, M = |expected|.
    RESULT = "result"
    # Composites whose error follows the inputs' size rather than the result's (a variance,
    # a normalization, softmax, a loss, a fused multiply-add that cancels):
    # M = the largest finite |input| or |expected| of the sample.
    SCALE = "scale"


@dataclass(frozen=True)
class Limit:
    """An operator's accuracy limit, in ULP of its result dtype plus an optional bound."""

    ulp: float
    bound: Bound = Bound.NONE
    reason: str = ""
    in_dtype: bool = False  # accumulates in the result dtype itself, not float32
    # Keyword arguments that scale terms (addmm's alpha, beta): |value| for Bound.TERMS.
    coefficients: tuple[str, ...] = ()
    # Each result element comes from the input elements at its index, through a fixed
    # number of roundings: n = 1, and the worst input's values are reported.
    elementwise: bool = False
    # A zero result must carry the reference's sign (neg(0.0) is -0.0): exact
    # operations whose result is defined to the bit. Not where IEEE 754 leaves the
    # choice between equal values open (max(-0.0, 0.0) may be either zero).
    signed_zeros: bool = False

    def describe(self) -> str:
        """The limit as the report and the docs state it: "3 ULP",
        "1 ULP + 3 sqrt(n) eps(acc) sum|terms|"."""
        text = f"{self.ulp:g} ULP"
        if self.bound is Bound.NONE:
            return text
        magnitude = {Bound.TERMS: "sum|terms|", Bound.RESULT: "|expected|",
                     Bound.SCALE: "max|x|"}[self.bound]
        eps = "eps(dtype)" if self.in_dtype else "eps(acc)"
        n = "" if self.elementwise else "sqrt(n) "
        return f"{text} + {LAMBDA / 2:g} {n}{eps} {magnitude}"


def accumulator_eps(dtype: pb.DType, limit: Limit) -> tuple[float, float]:
    """The machine epsilon and the smallest normal number of the type ``dtype``'s
    results accumulate in."""
    wide = dtype if limit.in_dtype or dtype is pb.float64 else pb.float32
    info = _finfo(wide)
    return float(info.eps), float(info.tiny)


def _elementwise(ulp: float, bound: Bound = Bound.NONE, reason: str = "",
                 *, signed_zeros: bool = False) -> Limit:
    return Limit(ulp, bound, reason, elementwise=True, signed_zeros=signed_zeros)


_EXACT = "exact: a correctly rounded operation, a copy or a selection of input values"
_MOVES = "moves or selects values: bit-exact, the sign of a zero included"

# One row per group of operators: (operators, limit). The OpenCL figures are the
# full-profile single-precision limits of the OpenCL C specification (section 7.4,
# "Relative Error as ULPs"), in ULP from the rounded result: floor(L + 0.5).
_TABLE: tuple[tuple[tuple[str, ...], Limit], ...] = (
    (("pb::neg", "pb::abs", "pb::add", "pb::sub", "pb::mul", "pb::square", "pb::sign",
      "pb::floor", "pb::ceil", "pb::trunc", "pb::round", "pb::fmod", "pb::nan_to_num",
      "pb::where", "pb::outer"),
     _elementwise(0, reason=f"{_EXACT} (OpenCL: +, -, *, fmod, rounding: 0 ULP); the sign "
                            "of a zero counts", signed_zeros=True)),
    (("pb::maximum", "pb::minimum", "pb::clamp", "pb::relu"),
     _elementwise(0, reason="selects an input value (OpenCL fmin/fmax: 0 ULP); between "
                            "-0.0 and 0.0 either zero")),
    (("pb::remainder",),
     _elementwise(1, reason="fmod(a, b) (exact) plus b where the signs differ: one rounding")),
    (("pb::div",),
     _elementwise(3, reason="OpenCL x / y: 2.5 ULP; the floor and trunc modes round the "
                            "quotient to an integer")),
    (("pb::reciprocal",), _elementwise(3, reason="OpenCL 1 / x: 2.5 ULP")),
    (("pb::sqrt",), _elementwise(3, reason="OpenCL sqrt: 3 ULP")),
    (("pb::rsqrt",), _elementwise(2, reason="OpenCL rsqrt: 2 ULP")),
    # The core's decompositions of expm1, log2 and log10 reach 4 ULP on some inputs: a
    # backend implements them natively to meet the limit (cpu and opencl do).
    (("pb::exp", "pb::expm1"),
     _elementwise(3, reason="OpenCL exp, expm1: 3 ULP (expm1 native: the core's "
                            "decomposition reaches 4)")),
    (("pb::log", "pb::log2", "pb::log10"),
     _elementwise(3, reason="OpenCL log, log2, log10: 3 ULP (log2, log10 native: the "
                            "core's decompositions reach 4)")),
    (("pb::log1p",), _elementwise(2, reason="OpenCL log1p: 2 ULP")),
    (("pb::sin", "pb::cos"), _elementwise(4, reason="OpenCL sin, cos: 4 ULP")),
    (("pb::tan",), _elementwise(5, reason="OpenCL tan: 5 ULP")),
    (("pb::atan", "pb::tanh"), _elementwise(5, reason="OpenCL atan, tanh: 5 ULP")),
    (("pb::atan2",), _elementwise(6, reason="OpenCL atan2: 6 ULP")),
    (("pb::erf",), _elementwise(16, reason="OpenCL erf: 16 ULP")),
    (("pb::pow",), _elementwise(16, reason="OpenCL pow: 16 ULP")),
    (("pb::sigmoid",),
     _elementwise(6, reason="1 / (1 + exp(-x)): exp (3) and a division (2.5)")),
    (("pb::silu",), _elementwise(7, reason="x * sigmoid(x): sigmoid (6) and a product")),
    (("pb::softplus",), _elementwise(5, reason="log1p(exp(x)): log1p (2) and exp (3)")),
    (("pb::gelu",),
     _elementwise(16, Bound.SCALE, "x / 2 * (1 + erf(x / sqrt 2)) (erf: 16), or its tanh "
                                   "form: 1 + erf cancels for negative x, eps * |x| off")),
    (("pb::lerp", "pb::addcmul", "pb::addcdiv"),
     _elementwise(1, Bound.SCALE, "a + w * (b - a), a + v * b * c, a + v * b / c: "
                                  "two or three roundings that cancel")),
    (("pb::arange", "pb::linspace"),
     Limit(1, Bound.SCALE, "start + i * step, rounded once; linspace's step is a quotient")),
    (("pb::sum", "pb::mean", "pb::cumsum", "pb::matmul", "pb::mm", "pb::bmm", "pb::dot",
      "pb::linear", "pb::conv2d", "pb::conv2d_padding", "pb::avg_pool2d"),
     Limit(1, Bound.TERMS, "sums of n products (Higham and Mary's probabilistic bound), "
                           "then one rounding to the result dtype")),
    (("pb::addmm",),
     Limit(1, Bound.TERMS, "beta * input + alpha * (mat1 @ mat2): a sum of products",
           coefficients=("alpha", "beta"))),
    (("pb::scatter_add", "pb::index_put", "pb::index_put_"),
     Limit(1, Bound.TERMS, "duplicate targets add in the dtype itself, one store each "
                           "(PyTorch's semantics)", in_dtype=True)),
    (("pb::prod", "pb::cumprod"),
     Limit(1, Bound.RESULT, "n roundings of a product: a relative error of sqrt(n) * eps")),
    (("pb::var", "pb::std", "pb::norm", "pb::logsumexp", "pb::softmax", "pb::log_softmax",
      "pb::layer_norm", "pb::rms_norm", "pb::batch_norm", "pb::cross_entropy",
      "pb::mse_loss", "pb::scaled_dot_product_attention"),
     Limit(2, Bound.SCALE, "reductions with a nonlinear step (square, exp, log, sqrt, "
                           "a division): their error follows the inputs' magnitude")),
    (("pb::amax", "pb::amin", "pb::max", "pb::min", "pb::max_dim", "pb::min_dim",
      "pb::max_pool2d", "pb::sort", "pb::topk"),
     Limit(0, reason="selects input values: bit-exact, but between -0.0 and 0.0 either "
                     "zero")),
    (("pb::to", "pb::clone", "pb::contiguous", "pb::copy_", "pb::full", "pb::zeros",
      "pb::ones", "pb::eye", "pb::full_like", "pb::zeros_like", "pb::ones_like",
      "pb::tensor", "pb::from_numpy", "pb::asarray"),
     Limit(0, reason="a copy, a cast (rounded to nearest even) or a constant: bit-exact, "
                     "the sign of a zero included",
           signed_zeros=True)),
    (("pb::cat", "pb::stack", "pb::flip", "pb::tril", "pb::triu", "pb::gather", "pb::scatter",
      "pb::roll", "pb::repeat", "pb::tile", "pb::pad", "pb::masked_fill", "pb::view",
      "pb::reshape", "pb::flatten", "pb::unflatten", "pb::permute", "pb::transpose", "pb::t",
      "pb::expand", "pb::squeeze", "pb::unsqueeze", "pb::narrow", "pb::select",
      "pb::diagonal", "pb::as_strided", "pb::split", "pb::split_with_sizes", "pb::chunk",
      "pb::unbind", "indexing:basic", "indexing:advanced", "pb::index_select",
      "pb::embedding"),
     Limit(0, reason=_MOVES, signed_zeros=True)),
)


def _limits() -> Iterator[tuple[str, Limit]]:
    for names, limit in _TABLE:
        for name in names:
            yield name, limit


LIMITS: dict[str, Limit] = dict(_limits())
# Operators whose results are bool or integer only, or judged by a ``check`` function.
_EXACT_BY_DTYPE = Limit(0, reason="integer or bool results: exact")


def limit_for(op: str) -> Limit:
    """The limit of ``op``; integer and bool results are exact whatever it says."""
    return LIMITS.get(op, _EXACT_BY_DTYPE)


def markdown_table() -> str:
    """The table of limits as docs/architecture.md shows it (one row per group)."""
    lines = ["| operators | limit | why |", "|---|---|---|"]
    for names, limit in _TABLE:
        ops = ", ".join(f"`{n.removeprefix('pb::')}`" for n in names)
        described = limit.describe().replace("|", "\\|")  # a bar ends a table cell
        lines.append(f"| {ops} | {described} | {limit.reason} |")
    return "\n".join(lines) + "\n"


def duplicates() -> list[str]:
    """Operators listed in more than one row (the table must give each one limit)."""
    seen: set[str] = set()
    repeated = []
    for names, _ in _TABLE:
        for name in names:
            if name in seen:
                repeated.append(name)
            seen.add(name)
    return repeated


def _finfo(dtype: pb.DType) -> Any:
    return ml_dtypes.finfo(dtype.numpy)  # type: ignore[no-untyped-call]


def ulp_of(values: np.ndarray, dtype: pb.DType) -> np.ndarray:
    """The spacing of ``dtype``'s values around each of ``values`` (float64)."""
    info = _finfo(dtype)
    magnitude = np.maximum(np.abs(values), float(info.tiny))
    exponent = np.floor(np.log2(magnitude))
    spacing: np.ndarray = np.maximum(
        float(info.eps) * np.exp2(exponent), float(info.smallest_subnormal)
    )
    return spacing


def _finite_abs_max(values: Any) -> float:
    array = np.abs(np.asarray(values, dtype=np.float64))
    finite = array[np.isfinite(array)]
    return float(finite.max()) if finite.size else 0.0


def scale(
    limit: Limit, reference: Any, args: list[Any], kwargs: dict[str, Any],
    expected: np.ndarray,
) -> tuple[np.ndarray | float, int]:
    """The magnitude ``M`` (per result element or for the whole sample) and the number of
    terms ``n`` behind the absolute allowance, for reference inputs ``args`` (float64)."""
    if limit.bound is Bound.NONE:
        return 0.0, 1
    floats = [a for a in _arrays(args) if a.dtype.kind == "f"]
    terms = 1 if limit.elementwise else max([a.size for a in floats], default=1)
    if limit.bound is Bound.RESULT:
        return np.abs(expected.astype(np.float64)), terms
    if limit.bound is Bound.TERMS:
        # The reference of |inputs| is sum|terms| for each result element.
        absolute = [_absolute(a) for a in args]
        coefficients = {k: abs(v) if k in limit.coefficients else v for k, v in kwargs.items()}
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice
            magnitude = np.abs(np.asarray(reference(*absolute, **coefficients), np.float64))
        if magnitude.shape == expected.shape:
            return np.where(np.isfinite(magnitude), magnitude, 0.0), terms
    return max([_finite_abs_max(a) for a in floats] + [_finite_abs_max(expected)]), terms


def _arrays(args: list[Any]) -> Iterator[np.ndarray]:
    for a in args:
        if isinstance(a, np.ndarray):
            yield a
        elif isinstance(a, list):
            yield from _arrays(a)


def _absolute(value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.abs(value)
    if isinstance(value, list):
        return [_absolute(v) for v in value]
    return value


def allowance(
    limit: Limit, dtype: pb.DType, spacing: np.ndarray, magnitude: np.ndarray | float,
    terms: int,
) -> np.ndarray:
    """The largest absolute error allowed at each element of a result whose ULP are
    ``spacing`` (``ulp_of`` the expected values): ``ulp`` of them plus
    ``LAMBDA / 2 * sqrt(n) * eps * M``."""
    allowed: np.ndarray = limit.ulp * spacing
    if limit.bound is not Bound.NONE:
        eps, tiny = accumulator_eps(dtype, limit)
        # Below the smallest normal number a rounding costs one subnormal spacing (eps *
        # tiny), not eps relative: gradual underflow (Higham, Accuracy and Stability of
        # Numerical Algorithms, section 2.1). A product of many factors gets there.
        per_rounding = eps * np.maximum(np.asarray(magnitude), tiny)
        allowed = allowed + LAMBDA / 2 * np.sqrt(terms) * per_rounding
    return allowed
