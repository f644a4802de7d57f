"""The native (C++) CPU kernels against the NumPy reference kernels they replace.

Every kernel of ``plugboard_cpu._kernels_native`` runs on each float dtype and
on contiguous, transposed, strided, empty and 0-d inputs; the test records
which calls reached ``_native``, so a layout the native kernel covers is known
to have run there (and one it does not, to have run the reference).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard.backend import host_array
from plugboard_cpu import _kernels_native, _native
from plugboard_cpu._plugin import KERNELS, REFERENCE_KERNELS

FLOATS = (pb.float32, pb.float64, pb.float16, pb.bfloat16)
HALVES = (pb.float16, pb.bfloat16)
# Native and reference round differently computed float32 (or float64) values: they may
# differ by an ulp or two of the computation type, and so by one of a reduced type.
RTOL = {"float32": 4e-6, "float64": 1e-12, "float16": 2e-3, "bfloat16": 1.6e-2}


class Recorder:
    """``_native`` with a log of the functions called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        fn = getattr(_native, name)
        if not callable(fn):
            return fn

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return fn(*args, **kwargs)

        return recorded


@pytest.fixture
def native(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorder = Recorder()
    monkeypatch.setattr(_kernels_native, "_native", recorder)
    yield recorder


def _tensor(values: np.ndarray, dtype: pb.DType) -> pb.Tensor:
    return pb.tensor(values).to(dtype)


def _layouts(rng: np.random.Generator, dtype: pb.DType, low: float, high: float
             ) -> Iterator[tuple[str, pb.Tensor, bool]]:
    """(name, input, whether the row-wise native kernels read it: the elementwise ones
    read every layout)."""
    def r(*shape: int) -> pb.Tensor:
        return _tensor(rng.uniform(low, high, size=shape), dtype)

    layouts = {
        "contiguous": r(37, 129),
        "transposed": r(129, 37).T,
        "strided": r(37, 258)[:, ::2],
        "broadcast": r(1, 129).expand(37, 129),
        "3-d view": r(6, 8, 10).permute(2, 0, 1)[1:, ::3],
        "empty": r(0, 5),
        "scalar": r(),
    }
    for name, x in layouts.items():
        yield name, x, bool(host_array(x).flags.c_contiguous)


def _run(table: Any, op: str, *args: Any, out: pb.Tensor, **kwargs: Any) -> np.ndarray:
    table[op].fn(*args, out=out, **kwargs)
    return host_array(out).astype(np.float64)


def _close(got: np.ndarray, want: np.ndarray, dtype: pb.DType, atol: float = 0.0) -> None:
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype.name], atol=atol, equal_nan=True)


# Unary --------------------------------------------------------------------------------

UNARY = {
    "exp": ((-20, 20), HALVES),
    "log": ((1e-3, 50), HALVES),
    "tanh": ((-5, 5), HALVES),
    "erf": ((-4, 4), FLOATS),
    "sigmoid": ((-30, 30), FLOATS),
    "silu": ((-30, 30), FLOATS),
}


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", UNARY)
def test_unary_matches_the_reference_on_every_layout(op: str, dtype: pb.DType,
                                                     native: Recorder) -> None:
    (low, high), covered = UNARY[op]
    rng = np.random.default_rng(1)
    for layout, x, _ in _layouts(rng, dtype, low, high):
        for out in (pb.empty(x.shape, dtype=dtype), pb.empty(x.shape[::-1], dtype=dtype).T):
            native.calls.clear()
            got = _run(KERNELS, op, x, out=out)
            want = _run(REFERENCE_KERNELS, op, x, out=pb.empty(x.shape, dtype=dtype))
            _close(got, want, dtype, atol=1e-300)
            assert native.calls == (["unary"] if dtype in covered else []), layout
            # The same bits on every layout: a contiguous copy gives them too.
            again = _run(KERNELS, op, x.contiguous(), out=pb.empty(x.shape, dtype=dtype))
            np.testing.assert_array_equal(got, again)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_matches_the_reference_on_every_layout(approximate: str, dtype: pb.DType,
                                                    native: Recorder) -> None:
    rng = np.random.default_rng(2)
    for layout, x, _ in _layouts(rng, dtype, -6, 6):
        native.calls.clear()
        got = _run(KERNELS, "gelu", x, approximate, out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "gelu", x, approximate,
                    out=pb.empty(x.shape, dtype=dtype))
        # Where 1 + erf cancels (x < 0): the float erf's absolute error (1.5e-7), and the
        # reference's own in float64 (native uses erfc there): 3 eps max|x|.
        # float16 and bfloat16 compute in float32: its eps.
        atol = 3 * 2.3e-16 * 6 if dtype == pb.float64 else 3 * 1.2e-7 * 6
        _close(got, want, dtype, atol=atol)
        assert native.calls == ["unary"], layout


SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 1e-40, 88.0, 88.8, -87.0,
           -88.0, -103.0, -104.0, -200.0, 200.0, 3.0, -3.0]


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", ["exp", "log", "tanh", "erf", "sigmoid", "silu", "gelu",
                                "gelu_tanh"])
def test_special_values_match_the_reference(op: str, dtype: pb.DType) -> None:
    values = np.array(SPECIAL if op != "log" else [abs(v) for v in SPECIAL])
    x = _tensor(values, dtype)
    a = host_array(x)
    got = np.empty_like(a)
    _native.unary(op, a, got)
    name, args = ("gelu", ("tanh",)) if op == "gelu_tanh" else (op, ())
    if op == "gelu":
        args = ("none",)
    want = _run(REFERENCE_KERNELS, name, x, *args, out=pb.empty(x.shape, dtype=dtype))
    got64 = got.astype(np.float64)
    assert np.array_equal(np.isnan(got64), np.isnan(want)), (values, got64, want)
    assert np.array_equal(np.isinf(got64), np.isinf(want)), (values, got64, want)
    finite = np.isfinite(want)
    np.testing.assert_allclose(got64[finite], want[finite], rtol=RTOL[dtype.name],
                               atol=1e-6 if dtype == pb.float32 else 1e-300)
    # Zeros keep the reference's sign (silu of a very negative x is -0.0).
    zero = finite & (want == 0)
    assert np.array_equal(np.signbit(got64[zero]), np.signbit(want[zero])), (values, got64)


def test_exp_is_within_one_ulp_in_float32() -> None:
    x = np.linspace(-103, 88.7, 200_001, dtype=np.float32)
    got = np.empty_like(x)
    _native.unary("exp", x, got)
    exact = np.exp(x.astype(np.float64))
    ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got - exact) / ulp) <= 1.0


# softmax, log_softmax, layer_norm -----------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_matches_the_reference(op: str, dtype: pb.DType, native: Recorder) -> None:
    rng = np.random.default_rng(3)
    for layout, x, readable in _layouts(rng, dtype, -8, 8):
        for dim in range(-max(x.ndim, 1), max(x.ndim, 1)):
            native.calls.clear()
            got = _run(KERNELS, op, x, dim, None, out=pb.empty(x.shape, dtype=dtype))
            want = _run(REFERENCE_KERNELS, op, x, dim, None,
                        out=pb.empty(x.shape, dtype=dtype))
            _close(got, want, dtype, atol=1e-6 if dtype == pb.float32 else 1e-12)
            last = x.ndim > 0 and dim % x.ndim == x.ndim - 1
            assert native.calls == (["softmax"] if readable and last else []), (layout, dim)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_softmax_rows_with_infinities_and_nan(dtype: pb.DType) -> None:
    rows = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf], [np.nan, 1.0, 2.0],
                     [np.inf, 1.0, 2.0], [5.0, 5.0, 5.0]])
    x = _tensor(rows, dtype)
    for op in ("softmax", "log_softmax"):
        got = _run(KERNELS, op, x, 1, None, out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, op, x, 1, None, out=pb.empty(x.shape, dtype=dtype))
        _close(got, want, dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_softmax_of_a_row_spread_past_floats_range(dtype: pb.DType) -> None:
    """float's exp of x - max is 0 below about -87.34 (under FLT_MIN, where the reference
    gives subnormals): within 1e-37 of it, and the sum (log_softmax) does not change."""
    row = [0.0, -1.0, -50.0, -87.0, -87.3, -87.4, -90.0, -103.0, -120.0] * 3
    x = _tensor(np.array([row, row[::-1]]), dtype)
    for op in ("softmax", "log_softmax"):
        got = _run(KERNELS, op, x, 1, None, out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, op, x, 1, None, out=pb.empty(x.shape, dtype=dtype))
        _close(got, want, dtype, atol=1e-37 if op == "softmax" else 0.0)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_in_place_gives_the_same_bits(op: str, dtype: pb.DType) -> None:
    """float32 and float64 write the exponentials into out, then scale them there: out
    being the input changes nothing."""
    x = host_array(_tensor(np.random.default_rng(3).uniform(-9, 9, size=(7, 301)), dtype))
    separate = np.empty_like(x)
    _native.softmax(x, separate, op == "log_softmax")
    _native.softmax(x, x, op == "log_softmax")
    np.testing.assert_array_equal(x.view(np.uint8), separate.view(np.uint8))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_layer_norm_matches_the_reference(affine: str, dtype: pb.DType,
                                          native: Recorder) -> None:
    rng = np.random.default_rng(4)
    def r(*shape: int) -> pb.Tensor:
        return _tensor(rng.uniform(-3, 3, size=shape), dtype)

    weight = r(6, 40) if affine in ("weight", "both") else None
    bias = r(6, 40) if affine in ("bias", "both") else None
    cases = [(r(5, 6, 40), True), (r(40, 6, 5).permute(2, 1, 0), False), (r(0, 6, 40), True)]
    for x, readable in cases:
        native.calls.clear()
        got = _run(KERNELS, "layer_norm", x, [6, 40], weight, bias, 1e-5,
                   out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "layer_norm", x, [6, 40], weight, bias, 1e-5,
                    out=pb.empty(x.shape, dtype=dtype))
        _close(got, want, dtype, atol=1e-5 if dtype == pb.float32 else 1e-12)
        assert native.calls == (["layer_norm"] if readable else [])
    # A strided weight is read by the reference.
    if weight is not None:
        native.calls.clear()
        x = r(3, 6, 40)
        strided = r(6, 80)[:, ::2]
        got = _run(KERNELS, "layer_norm", x, [6, 40], strided, bias, 1e-5,
                   out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "layer_norm", x, [6, 40], strided, bias, 1e-5,
                    out=pb.empty(x.shape, dtype=dtype))
        _close(got, want, dtype, atol=1e-5 if dtype == pb.float32 else 1e-12)
        assert native.calls == []


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [None, 1e-6])
def test_rms_norm_matches_the_reference(weighted: bool, eps: float | None, dtype: pb.DType,
                                        native: Recorder) -> None:
    rng = np.random.default_rng(9)
    def r(*shape: int) -> pb.Tensor:
        return _tensor(rng.uniform(-3, 3, size=shape), dtype)

    weight = r(4, 33) if weighted else None
    cases = [(r(7, 4, 33), weight, True), (r(33, 4, 7).permute(2, 1, 0), weight, False),
             (r(0, 4, 33), weight, True)]
    if weighted:
        other = pb.float64 if dtype != pb.float64 else pb.float32
        cases.append((r(7, 4, 33), _tensor(rng.uniform(-3, 3, size=(4, 33)), other), False))
    for x, w, readable in cases:
        native.calls.clear()
        got = _run(KERNELS, "rms_norm", x, [4, 33], w, eps, out=pb.empty(x.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "rms_norm", x, [4, 33], w, eps,
                    out=pb.empty(x.shape, dtype=dtype))
        _close(got, want, dtype, atol=1e-5 if dtype == pb.float32 else 1e-12)
        assert native.calls == (["rms_norm"] if readable else [])
    # Through the dispatcher, against the decomposition's formula in float64.
    x = r(5, 4, 33)
    wide = host_array(x).astype(np.float64)
    epsilon = np.finfo(np.float64 if dtype == pb.float64 else np.float32).eps
    expected = wide / np.sqrt(np.mean(wide**2, axis=(1, 2), keepdims=True) +
                              (epsilon if eps is None else eps))
    if weight is not None:
        expected = expected * host_array(weight).astype(np.float64)
    got = pb.rms_norm(x, [4, 33], weight, eps).numpy().astype(np.float64)
    _close(got, expected, dtype, atol=1e-5 if dtype == pb.float32 else 1e-12)


# Reductions ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_sum_matches_the_reference(dtype: pb.DType, native: Recorder) -> None:
    rng = np.random.default_rng(5)
    x = _tensor(rng.uniform(-1, 1, size=(6, 40_000)), dtype)
    cases: list[tuple[pb.Tensor, Any, bool, bool]] = [
        (x, [-1], False, True), (x, [1], True, True), (x, None, False, True),
        (x, [0], False, False), (x.T, [-1], False, False), (x[:, ::2], [1], False, False),
        (x[:0], [1], False, False), (_tensor(np.array(2.5), dtype), None, False, False),
    ]
    for t, dim, keepdim, readable in cases:
        expected = pb.sum(t, dim, keepdim)  # the output's shape
        native.calls.clear()
        got = _run(KERNELS, "sum", t, dim, keepdim, None,
                   out=pb.empty(expected.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "sum", t, dim, keepdim, None,
                    out=pb.empty(expected.shape, dtype=dtype))
        # Native sums in double: within the reference's own rounding error.
        scale = 4e-3 if dtype in HALVES else 1e-4
        np.testing.assert_allclose(got, want, rtol=RTOL[dtype.name], atol=scale)
        assert native.calls == (["sum_last"] if readable else []), (dim, t.shape)


def test_sum_does_not_depend_on_the_split() -> None:
    x = np.random.default_rng(6).standard_normal(1_000_003).astype(np.float32)
    out = np.empty((), np.float32)
    _native.sum_last(x, x.size, out)
    exact = np.sum(x.astype(np.float64))
    assert abs(float(out) - exact) <= np.spacing(np.float32(exact))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_and_std_match_the_reference(op: str, dtype: pb.DType, native: Recorder) -> None:
    rng = np.random.default_rng(7)
    x = _tensor(rng.uniform(-3, 5, size=(7, 301)), dtype)
    narrow = dtype is not pb.float64  # float64 keeps the reference, which rescales
    cases: list[tuple[pb.Tensor, Any, float, bool, bool]] = [
        (x, [-1], 1, False, narrow), (x, [1], 0, True, narrow), (x, None, 1, False, narrow),
        (x, [], 2.5, False, narrow), (x[:, :1], [1], 1, False, False),  # 1 sample: NaN
        (x[:, :2], [1], 5, False, False),  # more correction than samples: inf
        (x, [0], 1, False, False), (x.T, [-1], 1, False, False),
        (x[:, ::2], [1], 1, False, False), (x[:0], [1], 1, False, False),
        (_tensor(np.array(2.5), dtype), None, 0, False, False),
    ]
    for t, dim, correction, keepdim, readable in cases:
        expected = getattr(pb, op)(t, dim, correction=correction, keepdim=keepdim)
        native.calls.clear()
        got = _run(KERNELS, op, t, dim, correction, keepdim,
                   out=pb.empty(expected.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, op, t, dim, correction, keepdim,
                    out=pb.empty(expected.shape, dtype=dtype))
        _close(got, want, dtype)
        # The slices of one and two columns are contiguous rows only as views: strided.
        assert native.calls == (["moment_last"] if readable else []), (dim, t.shape)


def test_var_of_rows_with_infinities_and_nan() -> None:
    x = np.array([[1.0, np.inf, 2.0], [np.nan, 1.0, 1.0], [3.0, 3.0, 3.0]], np.float32)
    out = np.empty(3, np.float32)
    _native.moment_last(x, 3, 2.0, False, out)
    with np.errstate(invalid="ignore"):
        want = np.var(x.astype(np.float64), axis=1, ddof=1)
    np.testing.assert_array_equal(out, want.astype(np.float32))
    with pytest.raises(pb.DTypeError, match="native var: .*float32, float16 and bfloat16"):
        _native.moment_last(x.astype(np.float64), 3, 2.0, False, out.astype(np.float64))


# conv2d -------------------------------------------------------------------------------

CONV = [  # (input shape, weight shape, stride, padding, dilation, groups)
    ((2, 4, 9, 8), (6, 4, 3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((1, 6, 11, 7), (6, 2, 3, 2), (2, 1), (1, 0), (1, 2), 3),
    ((3, 3, 5, 5), (2, 3, 1, 1), (1, 1), (0, 0), (1, 1), 1),
    ((2, 2, 6, 6), (4, 2, 5, 5), (3, 2), (2, 2), (1, 1), 1),
    ((4, 5, 5), (3, 4, 2, 2), (1, 1), (0, 1), (2, 1), 1),
    # Padding wider than the kernel's reach: whole windows, and rows, of zeros.
    ((2, 1, 3, 4), (1, 1, 2, 6), (1, 1), (2, 5), (1, 1), 1),
    ((1, 2, 4, 3), (2, 2, 3, 5), (2, 3), (3, 4), (2, 2), 1),
]


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("case", CONV, ids=lambda c: "x".join(map(str, c[0])))
@pytest.mark.parametrize("with_bias", [False, True])
def test_conv2d_matches_the_reference(case: Any, with_bias: bool, dtype: pb.DType,
                                      native: Recorder) -> None:
    shape, wshape, stride, padding, dilation, groups = case
    rng = np.random.default_rng(7)
    x = _tensor(rng.uniform(-1, 1, size=shape), dtype)
    w = _tensor(rng.uniform(-1, 1, size=wshape), dtype)
    b = _tensor(rng.uniform(-1, 1, size=wshape[0]), dtype) if with_bias else None
    if groups > 1 or len(shape) == 3:
        # The weight's channels per group are the input's divided by groups.
        w = _tensor(rng.uniform(-1, 1, size=(wshape[0], shape[-3] // groups,
                                             *wshape[2:])), dtype)
    expected = pb.conv2d(x, w, b, stride, padding, dilation, groups)
    for t, readable in ((x, True), (x.transpose(-1, -2).transpose(-1, -2).clone(), True),
                        (pb.empty((*x.shape[:-1], 2 * x.shape[-1]), dtype=dtype)
                         [..., ::2].copy_(x), False)):
        native.calls.clear()
        args = (t, w, b, stride, padding, dilation, groups)
        got = _run(KERNELS, "conv2d", *args, out=pb.empty(expected.shape, dtype=dtype))
        want = _run(REFERENCE_KERNELS, "conv2d", *args,
                    out=pb.empty(expected.shape, dtype=dtype))
        _close(got, want, dtype, atol=1e-5 if dtype != pb.float64 else 1e-12)
        assert native.calls == (["im2col"] if readable else [])


def test_conv2d_scratch_is_shared_safely_and_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    """Concurrent conv2d calls: one fills the kept column matrix, the others their own;
    above the limit the matrices are fresh arrays: the same values either way."""
    rng = np.random.default_rng(10)
    calls = [(_tensor(rng.uniform(-1, 1, size=(2, 3, 12 + i, 9)), pb.float32),
              _tensor(rng.uniform(-1, 1, size=(4, 3, 3, 3)), pb.float32)) for i in range(6)]

    def conv(args: tuple[pb.Tensor, pb.Tensor]) -> np.ndarray:
        x, w = args
        return host_array(pb.conv2d(x, w, padding=1)).copy()

    def reference(x: pb.Tensor, w: pb.Tensor) -> np.ndarray:
        out = pb.empty((2, 4, x.shape[2], 9), dtype=pb.float32)
        return _run(REFERENCE_KERNELS, "conv2d", x, w, None, (1, 1), (1, 1), (1, 1), 1,
                    out=out)

    want = [reference(x, w) for x, w in calls]
    with ThreadPoolExecutor(3) as pool:
        for _ in range(3):
            for got, expected in zip(pool.map(conv, calls), want, strict=True):
                _close(got, expected, pb.float32, atol=1e-5)
    monkeypatch.setattr(_kernels_native.SCRATCH, "limit", 0)
    for args, expected in zip(calls, want, strict=True):
        _close(conv(args), expected, pb.float32, atol=1e-5)


def test_empty_cache_gives_the_conv2d_scratch_back() -> None:
    x, w = pb.ones((1, 3, 16, 16)), pb.ones((4, 3, 3, 3))
    pb.conv2d(x, w)
    kept = 3 * 9 * 14 * 14 * 4 + 4 * 14 * 14 * 4  # the column matrix and the GEMM's result
    assert pb.empty_cache("cpu") >= kept
    assert pb.empty_cache("cpu") == 0  # nothing kept any more
    assert pb.conv2d(x, w).tolist() == [[[[27.0] * 14] * 14] * 4]


def test_conv2d_of_integers_runs_the_reference(native: Recorder) -> None:
    x = pb.ones((1, 2, 4, 4), dtype=pb.int32)
    w = pb.ones((1, 2, 3, 3), dtype=pb.int32)
    assert pb.conv2d(x, w).tolist() == [[[[18, 18], [18, 18]]]]
    assert native.calls == []


# float16 and bfloat16 arithmetic ------------------------------------------------------


@pytest.mark.parametrize("dtype", HALVES, ids=str)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_reduced_arithmetic_is_exactly_the_reference(op: str, dtype: pb.DType,
                                                     native: Recorder) -> None:
    rng = np.random.default_rng(8)
    a = _tensor(rng.uniform(-50, 50, size=(33, 65)), dtype)
    b = _tensor(rng.uniform(0.5, 50, size=(33, 65)), dtype)
    extra: Callable[[Any], tuple[Any, ...]] = (
        (lambda alpha: (alpha,)) if op in ("add", "sub")
        else (lambda alpha: (None,)) if op == "div" else (lambda alpha: ()))
    alphas = [1, 0.3, -2] if op in ("add", "sub") else [1]
    cases: list[tuple[Any, Any, bool]] = [
        (a, b, True), (a, 1.7, True), (3, b, True), (a.T, b.T, True), (a.T, 0.5, True),
        (a, b[:1].expand(a.shape), True), (a[:, :64:2], b[:, 1::2], True),
        (a, _tensor(np.ones((33, 65)), pb.float32), False),
    ]
    for x, y, readable in cases:
        for alpha in alphas:
            native.calls.clear()
            shape = (x if isinstance(x, pb.Tensor) else y).shape
            got = _run(KERNELS, op, x, y, *extra(alpha), out=pb.empty(shape, dtype=dtype))
            want = _run(REFERENCE_KERNELS, op, x, y, *extra(alpha),
                        out=pb.empty(shape, dtype=dtype))
            np.testing.assert_array_equal(got, want)
            assert native.calls == (["binary"] if readable else []), (x, y)


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_every_reduced_value_rounds_as_numpy_does(dtype: pb.DType) -> None:
    """All 65536 bit patterns, times 1 and plus a half-ulp nudge: the conversions both
    ways, subnormals, infinities and NaN, and round-to-nearest-even on every tie."""
    bits = np.arange(65536, dtype=np.uint16)
    x = bits.view(dtype.numpy)
    for op, other in (("mul", 1.0), ("add", 2.0 ** -25), ("mul", 1.0 + 2.0 ** -9),
                      ("div", 3.0)):
        got = np.empty_like(x)
        _native.binary(op, x, other, 1.0, got)
        with np.errstate(all="ignore"):
            wide = x.astype(np.float32)
            want = {"mul": wide * np.float32(other), "add": wide + np.float32(other),
                    "div": wide / np.float32(other)}[op].astype(dtype.numpy)
        same = (got.view(np.uint16) == want.view(np.uint16)) | (
            np.isnan(got.astype(np.float32)) & np.isnan(want.astype(np.float32)))
        assert same.all(), (op, other, bits[~same][:5])


def test_in_place_arithmetic_on_views(native: Recorder) -> None:
    base = pb.arange(24, dtype=pb.float32).reshape(4, 6).to(pb.bfloat16)
    expected = base.numpy().astype(np.float32)
    expected[:, ::2] *= 3
    base[:, ::2].mul_(3)
    np.testing.assert_array_equal(base.numpy().astype(np.float32), expected)
    assert native.calls == ["binary"]


def test_in_place_arithmetic_and_partial_overlap(native: Recorder) -> None:
    x = pb.arange(10, dtype=pb.float32).to(pb.float16)
    x.add_(x)
    assert x.tolist() == [2.0 * i for i in range(10)]
    assert native.calls == ["binary"]
    native.calls.clear()
    y = pb.arange(10, dtype=pb.float32).to(pb.float16)
    KERNELS["add"].fn(y[:-1], y[1:], 1, out=y[1:])  # out overlaps an input, shifted
    assert y.tolist() == [0.0] + [2.0 * i + 1 for i in range(9)]
    assert native.calls == []


# Refusals -----------------------------------------------------------------------------


def test_refuses_a_strided_array_without_copying() -> None:
    x = np.ones((4, 6), np.float32)
    out = np.zeros((6, 4), np.float32)
    with pytest.raises(pb.ArgumentError, match=r"native softmax: self is not a C-contiguous"):
        _native.softmax(x.T, out)
    with pytest.raises(pb.ArgumentError, match=r"native sum: self is not a C-contiguous"):
        _native.sum_last(x.T, 4, np.zeros(6, np.float32))
    with pytest.raises(pb.ArgumentError, match=r"out is not a C-contiguous"):
        _native.layer_norm(x, None, None, 1e-5, 6, np.zeros((4, 12), np.float32)[:, ::2])
    assert not out.any()


def test_row_kernels_refuse_rows_that_do_not_divide_the_input() -> None:
    x = np.ones(12, np.float32)
    with pytest.raises(pb.ShapeError, match="a row of 5 elements does not divide the input's 12"):
        _native.sum_last(x, 5, np.zeros(2, np.float32))
    with pytest.raises(pb.ShapeError, match=r"native var: .*out has 2 elements where the "
                                            r"kernel needs 3"):
        _native.moment_last(x, 4, 3.0, False, np.zeros(2, np.float32))


def test_elementwise_kernels_refuse_what_their_strides_cannot_express() -> None:
    x = np.ones((4, 6), np.float32)
    with pytest.raises(pb.ArgumentError, match="out has a zero stride"):
        _native.unary("exp", x, np.lib.stride_tricks.as_strided(
            np.zeros(6, np.float32), (4, 6), (0, 4)))
    raw = np.zeros(4 * 6 * 4 + 1, np.uint8)[1:].view(np.float32).reshape(4, 6)
    assert not raw.flags.aligned
    with pytest.raises(pb.ArgumentError, match="not aligned"):
        _native.unary("exp", raw, np.zeros((4, 6), np.float32))


def test_refuses_other_dtypes_and_mixed_dtypes() -> None:
    with pytest.raises(pb.DTypeError, match=r"(?s)not int32 \(self\).*inputs: self: int32\[3\]"):
        _native.unary("erf", np.ones(3, np.int32), np.zeros(3, np.int32))
    with pytest.raises(pb.DTypeError, match=r"out is float64 beside float32|float32 beside"):
        _native.unary("erf", np.ones(3, np.float32), np.zeros(3, np.float64))
    with pytest.raises(pb.DTypeError, match="native sub"):
        _native.binary("sub", np.ones(3, np.float32), 1.0, 1.0, np.zeros(3, np.float32))


def test_refuses_read_only_out_shapes_and_non_arrays() -> None:
    out = np.zeros(3, np.float32)
    out.flags.writeable = False
    with pytest.raises(pb.ArgumentError, match="out is read-only"):
        _native.softmax(np.ones(3, np.float32), out)
    with pytest.raises(pb.ShapeError, match="differ in shape"):
        _native.unary("gelu", np.ones(3, np.float32), np.zeros(4, np.float32))
    with pytest.raises(pb.ShapeError, match="weight has 4 elements"):
        _native.layer_norm(np.ones((2, 3), np.float32), np.ones(4, np.float32), None, 1e-5, 3,
                           np.zeros((2, 3), np.float32))
    with pytest.raises(pb.ShapeError, match="column matrix must be"):
        _native.im2col(np.ones((1, 1, 4, 4), np.float32), np.zeros((9, 5), np.float32),
                       3, 3, 1, 1, 0, 0, 1, 1)
    with pytest.raises(TypeError, match="incompatible function arguments"):
        _native.unary("exp", [1.0, 2.0], np.zeros(2, np.float64))  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="no native unary kernel named 'cosh'"):
        _native.unary("cosh", np.ones(2), np.zeros(2))


def test_the_backend_registers_the_native_kernels() -> None:
    for spec in _kernels_native.KERNELS:
        assert KERNELS[spec.op] is spec
        assert REFERENCE_KERNELS[spec.op].fn is _kernels_native.REFERENCE[spec.op].fn
    assert set(_native.UNARY_OPS) == {"exp", "log", "tanh", "erf", "sigmoid", "silu", "gelu",
                                      "gelu_tanh"}
