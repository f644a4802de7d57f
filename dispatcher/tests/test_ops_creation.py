"""Creation operators linspace, eye, rand, randn, randint: schemas, meta, composites, front ends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch.random import Generator
from plugboard._ops.creation import eye, linspace, rand, randint, randn
from plugboard.library import Path, record_paths

ops = pb.ops.pb


# Schemas ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("rand", "pb::rand(int[] size, *, Generator? generator=None, ScalarType? dtype=None, "
                 "Device? device=None) -> Tensor"),
        ("randint", "pb::randint(int low, int high, int[] size, *, Generator? generator=None, "
                    "ScalarType? dtype=None, Device? device=None) -> Tensor"),
        ("linspace", "pb::linspace(Scalar start, Scalar end, int steps, *, "
                     "ScalarType? dtype=None, Device? device=None) -> Tensor"),
        ("eye", "pb::eye(int n, int? m=None, *, ScalarType? dtype=None, Device? device=None) "
                "-> Tensor"),
    ],
)
def test_schemas_follow_pytorch(name: str, schema: str) -> None:
    assert str(getattr(ops, name).schema) == schema


# linspace ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [((0, 1, 5), [0.0, 0.25, 0.5, 0.75, 1.0]), ((3, 7, 1), [3.0]), ((3, 7, 0), []),
     ((1, -1, 3), [1.0, 0.0, -1.0]), ((2, 2, 3), [2.0, 2.0, 2.0])],
)
def test_linspace_values(args: tuple[float, float, int], expected: list[float]) -> None:
    x = linspace(*args)
    assert x.dtype is pb.float32 and x.tolist() == expected


def test_linspace_hits_both_ends_exactly_and_is_symmetric() -> None:
    x = linspace(-0.3, 0.7, 1001, dtype=pb.float64).numpy()
    assert x[0] == -0.3 and x[-1] == 0.7
    np.testing.assert_allclose(x, np.linspace(-0.3, 0.7, 1001), rtol=0, atol=1e-15)
    spacing = np.diff(x)
    np.testing.assert_allclose(spacing, spacing[::-1], rtol=1e-12)


def test_linspace_to_integers_truncates_as_pytorch() -> None:
    assert linspace(-5, 5, 4, dtype=pb.int64).tolist() == [-5, -1, 1, 5]
    assert linspace(0, 10, 4, dtype=pb.int32).tolist() == [0, 3, 6, 10]


def test_linspace_in_float16_computes_in_float32() -> None:
    x = linspace(0, 1000, 257, dtype=pb.float16)
    expected = np.linspace(0, 1000, 257).astype(np.float16)
    np.testing.assert_array_equal(x.numpy(), expected)


def test_linspace_is_a_composite() -> None:
    with record_paths() as records:
        linspace(0, 1, 3)
    assert ("pb::linspace", "cpu", Path.COMPOSITE, pb.float32) in records


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [((0, 1, -2), {}, pb.ArgumentError, "steps must be >= 0, got -2. Fix"),
     ((0, 1, 3), {"dtype": pb.bool}, pb.DTypeError, "linspace does not support bool"),
     ((0, float("inf"), 3), {"dtype": pb.int64}, pb.DTypeError, "finite bounds")],
)
def test_linspace_errors(args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception],
                         match: str) -> None:
    with pytest.raises(error, match=match) as info:
        linspace(*args, **kwargs)
    assert str(info.value).startswith("pb::linspace: ")


def test_linspace_out() -> None:
    out = pb.empty(3, dtype=pb.float64)
    assert ops.linspace(0, 2, 3, out=out) is out
    assert out.tolist() == [0.0, 1.0, 2.0]


# eye --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "m"), [(0, None), (1, None), (3, None), (2, 5), (5, 2), (0, 3)])
@pytest.mark.parametrize("dtype", [pb.float32, pb.int64, pb.bool, pb.bfloat16])
def test_eye_matches_numpy(n: int, m: int | None, dtype: pb.DType) -> None:
    x = eye(n, m, dtype=dtype)
    assert x.dtype is dtype
    np.testing.assert_array_equal(x.numpy(), np.eye(n, m, dtype=dtype.numpy))


def test_eye_defaults_to_the_default_dtype_and_is_a_composite() -> None:
    with record_paths() as records:
        x = eye(2)
    assert x.dtype is pb.float32 and x.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert records[0][:3] == ("pb::eye", "cpu", Path.COMPOSITE)


def test_eye_rejects_negative_sizes() -> None:
    with pytest.raises(pb.ArgumentError, match="eye's m must be >= 0, got -1"):
        eye(2, -1)


# rand, randn, randint ------------------------------------------------------------------


def test_rand_takes_sizes_as_pytorch() -> None:
    assert rand(2, 3).shape == (2, 3)
    assert rand((2, 3)).shape == (2, 3)
    assert rand([4]).shape == (4,)
    assert rand().shape == ()
    assert randn(2, dtype=pb.float64).dtype is pb.float64


@pytest.mark.parametrize("fn", [rand, randn])
def test_random_floats_default_to_the_default_dtype(fn: Any) -> None:
    assert fn(3).dtype is pb.float32
    pb.set_default_dtype(pb.float64)
    try:
        assert fn(3).dtype is pb.float64
    finally:
        pb.set_default_dtype(pb.float32)


@pytest.mark.parametrize(("fn", "match"), [(rand, "pb.randint"), (randn, "floating dtype")])
def test_random_floats_refuse_integer_dtypes(fn: Any, match: str) -> None:
    with pytest.raises(pb.DTypeError, match=f"does not support int32. Fix: .*{match}"):
        fn(3, dtype=pb.int32)


def test_randint_takes_low_optionally_as_pytorch() -> None:
    g = Generator().manual_seed(1)
    x = randint(10, (1000,), generator=g)
    assert x.dtype is pb.int64 and x.shape == (1000,)
    assert int(x.numpy().min()) >= 0 and int(x.numpy().max()) < 10
    y = randint(-3, 3, (1000,), generator=g).numpy()
    assert set(np.unique(y).tolist()) == {-3, -2, -1, 0, 1, 2}
    assert randint(5, size=(2,)).shape == (2,)
    assert randint(low=2, high=4, size=(3,)).shape == (3,)
    assert randint(0, 2, (4,), dtype=pb.bool).dtype is pb.bool


def test_randint_front_end_says_what_is_missing() -> None:
    with pytest.raises(pb.ArgumentError, match="missing size"):
        randint(10)
    with pytest.raises(pb.ArgumentError, match="takes low"):
        randint(1, 2, (3,), 4)
    with pytest.raises(pb.ArgumentError, match="unexpected keyword argument 'lo'"):
        randint(lo=1, high=2, size=(3,))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [((3, 3, (2,)), {}, pb.ArgumentError, r"empty for low=3, high=3. Fix"),
     ((0, 129, (2,)), {"dtype": pb.int8}, pb.DTypeError, "0 to 128 does not fit in int8"),
     ((-1, 5, (2,)), {"dtype": pb.uint8}, pb.DTypeError, "does not fit in uint8"),
     ((0, 3, (2,)), {"dtype": pb.bool}, pb.DTypeError, "does not fit in bool"),
     ((0, 2**12, (2,)), {"dtype": pb.float16}, pb.DTypeError, "does not fit in float16"),
     ((0, 5, (2, -1)), {}, pb.ShapeError, "sizes must be >= 0")],
)
def test_randint_errors(args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception],
                        match: str) -> None:
    with pytest.raises(error, match=match):
        ops.randint(*args, **kwargs)


def test_randint_reaches_the_ends_of_int64() -> None:
    x = ops.randint(-(2**63), 2**63 - 1, (4096,), generator=Generator().manual_seed(0))
    values = x.numpy()
    assert values.min() < -(2**62) and values.max() > 2**62  # both halves drawn


def test_randint_in_a_float_dtype_gives_integral_floats() -> None:
    x = ops.randint(-50, 50, (1000,), dtype=pb.float16).numpy().astype(np.float64)
    assert (x == np.round(x)).all() and x.min() >= -50 and x.max() < 50


def test_random_ops_write_out_and_strided_out() -> None:
    g = Generator().manual_seed(3)
    expected = ops.rand((4, 5), generator=g).numpy()
    g.manual_seed(3)
    out = pb.empty(5, 4).T  # not contiguous
    assert ops.rand((4, 5), generator=g, out=out) is out
    np.testing.assert_array_equal(out.numpy(), expected)


def test_random_ops_are_native_on_cpu_and_reject_a_bad_generator() -> None:
    with record_paths() as records:
        ops.randn((3,))
    assert records == [("pb::randn", "cpu", Path.NATIVE, pb.float32)]
    with pytest.raises(pb.ArgumentError, match="argument 'generator' must be Generator"):
        ops.rand((3,), generator="seed")


def test_a_failed_call_does_not_advance_the_generator() -> None:
    g = Generator().manual_seed(6)
    with pytest.raises(pb.DTypeError):
        ops.rand((3,), generator=g, dtype=pb.int64)
    assert g.reserve(1).offset == 0
