"""Op database entries for creation, copies, host data and random numbers (docs/opset.md, creation).

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).

- ``empty`` and ``empty_like`` allocate without writing: only the result's shape,
  dtype and device are checked, not its values.
- ``tensor``, ``from_numpy`` and ``asarray`` are the core's ways from host data to
  a device; their samples hold the host data wrapped in :class:`HostData`, so the
  suite hands it over as it is instead of making a device tensor of it first.
- ``rand``, ``randn`` and ``randint`` are checked statistically: the range, the
  mean and variance of a large sample within generous bounds, the same values
  for the same seed on this backend, and different values for different seeds
  and successive draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.backend import Generator

from ._opdb import (
    ALL,
    FLOATING,
    NUMERIC,
    ErrorSample,
    Layout,
    OpInfo,
    Sample,
    creation_samples,
    random_values,
    same,
    special_values,
    unary_samples,
)

__all__ = ["ENTRIES", "HostData"]

ENTRIES: list[OpInfo] = []


def _handle(name: str) -> Callable[..., Any]:
    return getattr(pb.ops.pb, name)  # type: ignore[no-any-return]


def _errors(make: Callable[[], Iterator[ErrorSample]]) -> Callable[[], Iterator[ErrorSample]]:
    return make


def _any_values(values: np.ndarray, sample: Sample) -> str:
    """Uninitialized memory: any values are right (shape, dtype and device are checked)."""
    return ""


def _requested(dtype: pb.DType, sample: Sample) -> pb.DType:
    """The ``dtype=`` of the sample, else the input's dtype."""
    requested = sample.kwargs.get("dtype")
    return requested if requested is not None else dtype


_F32 = np.ones((2, 3), np.float32)
_SIZES: tuple[tuple[int, ...], ...] = ((), (0,), (2, 0), (1,), (257,), (1025,), (3, 5))


# empty, empty_like ---------------------------------------------------------------


def _empty_samples(dtype: pb.DType) -> Iterator[Sample]:
    for size in _SIZES:
        yield Sample(f"size {size}", (size,), {"dtype": dtype})


ENTRIES.append(OpInfo(
    "pb::empty", _handle("empty"), ALL, creation_samples(_empty_samples),
    lambda size, dtype: np.empty(size, dtype=dtype.numpy), lambda dtype, sample: dtype,
    creation=True, check=_any_values,
    errors=_errors(lambda: iter((
        ErrorSample("negative size", ((2, -1),), {}, pb.ShapeError, "sizes must be >= 0"),
    ))),
))


def _like_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    """Inputs of every layout, alone and with another dtype= for the result."""
    other = pb.float64 if dtype is not pb.float64 else pb.int32
    for sample in unary_samples(special=False)(dtype, rng):
        yield sample
        if sample.name in ("0-d", "empty (2, 0)", "transposed (7, 5)"):
            yield Sample(f"{sample.name}, dtype={other}", sample.args, {"dtype": other})


ENTRIES.append(OpInfo(
    "pb::empty_like", _handle("empty_like"), ALL, _like_samples,
    lambda x, dtype=None: np.empty_like(x), _requested, out=False, check=_any_values,
    errors=_errors(lambda: iter((
        ErrorSample("a list, not a tensor", ([1, 2],), {}, pb.ArgumentError, "must be Tensor"),
    ))),
))


# full_like, zeros_like, ones_like -------------------------------------------------


def _fill_value(dtype: pb.DType) -> bool | int | float:
    return True if dtype.is_bool else (2.5 if dtype.is_floating_point else 7)


def _full_like_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    value = _fill_value(dtype)
    for sample in _like_samples(dtype, rng):
        fill = _fill_value(sample.kwargs["dtype"]) if "dtype" in sample.kwargs else value
        yield Sample(sample.name, (*sample.args, fill), sample.kwargs)


def _full_like(x: np.ndarray, fill_value: Any, dtype: pb.DType | None = None) -> np.ndarray:
    return np.full(x.shape, fill_value, dtype=(dtype.numpy if dtype else x.dtype))


ENTRIES.append(OpInfo(
    "pb::full_like", _handle("full_like"), ALL, _full_like_samples, _full_like, _requested,
    out=True,
    errors=_errors(lambda: iter((
        ErrorSample("value out of range", (np.ones(2, np.int8), 300), {}, pb.DTypeError,
                    "overflows"),
        ErrorSample("a fraction for an integer tensor", (np.ones(2, np.int64), 0.5), {},
                    pb.DTypeError, "not representable"),
    ))),
))
for _name, _value in (("zeros_like", 0), ("ones_like", 1)):
    ENTRIES.append(OpInfo(
        f"pb::{_name}", _handle(_name), ALL, _like_samples,
        lambda x, dtype=None, _v=_value: np.full(x.shape, _v, dtype=(
            dtype.numpy if dtype else x.dtype)),
        _requested, out=True,
        errors=_errors(lambda: iter((
            ErrorSample("a list, not a tensor", ([1, 2],), {}, pb.ArgumentError,
                        "must be Tensor"),
            ErrorSample("an unknown dtype", (_F32,), {"dtype": "float7"}, pb.DTypeError,
                        "unknown dtype"),
        ))),
    ))


# copy_: strided, cross-dtype, broadcasting ----------------------------------------


def _copy_call(src: pb.Tensor, *, shape: tuple[int, ...], dtype: pb.DType, layout: str,
               out: Any = None) -> pb.Tensor:
    """Copy ``src`` into a new destination of ``shape`` and ``dtype``, laid out as asked."""
    if layout == "T":  # a transposed destination
        dst: pb.Tensor = pb.zeros(shape[::-1], dtype=dtype, device=src.device).T
    elif layout == "::2":  # every other row of a taller destination
        dst = pb.zeros((2 * shape[0], *shape[1:]), dtype=dtype, device=src.device)[::2]
    else:
        dst = pb.zeros(shape, dtype=dtype, device=src.device)
    result: pb.Tensor = dst.copy_(src)
    if result is not dst:
        raise AssertionError("copy_ did not return its destination")
    return result


def _copy_samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    for target in ALL:
        # Casting NaN, inf or out-of-range floats to integers is undefined (as in C and
        # PyTorch), and negative values to uint8 too: those inputs are not compared.
        narrowing = dtype.is_floating_point and not target.is_floating_point
        low = 0 if target.name == "uint8" else -4

        def r(shape: Sequence[int], low: float = low) -> np.ndarray:
            return random_values(dtype, shape, rng, low, 4)

        def kw(shape: tuple[int, ...], layout: str = "", t: pb.DType = target) -> dict[str, Any]:
            return {"shape": shape, "dtype": t, "layout": layout}

        to = f"to {target}"
        yield Sample(f"0-d {to}", (r(()),), kw(()))
        yield Sample(f"empty {to}", (r((0, 3)),), kw((0, 3)))
        yield Sample(f"1025 elements {to}", (r((1025,)),), kw((1025,)))
        yield Sample(f"(5, 7) into a transposed destination {to}", (r((5, 7)),),
                     kw((5, 7), "T"))
        yield Sample(f"(4, 3) into a strided destination {to}", (r((4, 3)),),
                     kw((4, 3), "::2"))
        yield Sample(f"transposed source {to}", (Layout(r((5, 7)), "T"),), kw((7, 5)))
        yield Sample(f"strided source into a transposed destination {to}",
                     (Layout(r((10, 3)), "::2"),), kw((5, 3), "T"))
        yield Sample(f"broadcast (3, 1) into (2, 3, 4) {to}", (r((3, 1)),), kw((2, 3, 4)))
        yield Sample(f"0-d source into (2, 3) {to}", (r(()),), kw((2, 3)))
        if not narrowing:
            yield Sample(f"special values {to}", (special_values(dtype),),
                         kw(special_values(dtype).shape))


def _copy_reference(src: np.ndarray, shape: tuple[int, ...], dtype: pb.DType,
                    layout: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.broadcast_to(src, shape).astype(dtype.numpy)


ENTRIES.append(OpInfo(
    "pb::copy_", _copy_call, ALL, _copy_samples, _copy_reference,
    lambda dtype, sample: sample.kwargs["dtype"], out=False,
    errors=_errors(lambda: iter((
        ErrorSample("a source that does not broadcast", (np.ones(3, np.float32),),
                    {"shape": (2,), "dtype": pb.float32, "layout": ""}, pb.ShapeError,
                    "cannot be broadcast"),
    ))),
))


# tensor, from_numpy, asarray: host data to the device -----------------------------


@dataclass(frozen=True)
class HostData:
    """Host data (a NumPy array, nested lists, a number), handed to the call unchanged."""

    value: Any

    def array(self) -> np.ndarray:
        return np.asarray(self.value)


def _host_samples(lists: bool) -> Callable[[pb.DType, np.random.Generator], Iterator[Sample]]:
    def samples(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
        def r(shape: Sequence[int]) -> np.ndarray:
            return random_values(dtype, shape, rng)

        for name, shape in (("0-d", ()), ("empty (0,)", (0,)), ("empty (2, 0)", (2, 0)),
                            ("one element", (1,)), ("257 elements", (257,)),
                            ("1025 elements", (1025,)), ("matrix (5, 7)", (5, 7)),
                            ("3-d (2, 3, 4)", (2, 3, 4))):
            yield Sample(name, (HostData(r(shape)),))
        yield Sample("transposed array (7, 5)", (HostData(r((5, 7)).T),))
        yield Sample("strided array [::2] of (9, 3)", (HostData(r((9, 3))[::2]),))
        yield Sample("special values", (HostData(special_values(dtype)),))
        if lists:
            values = r((3, 4))
            yield Sample("nested lists with dtype=", (HostData(values.tolist()),),
                         {"dtype": dtype})
            if dtype in (pb.bool, pb.int64, pb.float32):  # what Python values infer
                yield Sample("nested lists, dtype inferred", (HostData(values.tolist()),))

    return samples


def _host_reference(data: HostData, dtype: pb.DType | None = None) -> np.ndarray:
    array = data.array()
    return array.astype(dtype.numpy) if dtype is not None else array


def _tensor_call(data: HostData, *, device: pb.Device, dtype: pb.DType | None = None
                 ) -> pb.Tensor:
    return pb.tensor(data.value, dtype=dtype, device=device)


def _from_numpy_call(data: HostData, *, device: pb.Device) -> pb.Tensor:
    # from_numpy makes a cpu tensor sharing the array's memory; .to() moves it.
    moved: pb.Tensor = pb.from_numpy(data.value).to(device)
    return moved


def _asarray_call(data: HostData, *, device: pb.Device, dtype: pb.DType | None = None,
                  copy: bool | None = None) -> pb.Tensor:
    return pb.asarray(data.value, dtype=dtype, device=device, copy=copy)


ENTRIES.append(OpInfo(
    "pb::tensor", _tensor_call, ALL, _host_samples(lists=True), _host_reference, same,
    out=False, creation=True,
    errors=_errors(lambda: iter((
        ErrorSample("ragged nested lists", (HostData([[1, 2], [3]]),), {}, pb.ShapeError,
                    "rectangular"),
        ErrorSample("strings", (HostData(["a"]),), {}, pb.DTypeError, "str"),
        ErrorSample("a value that does not fit the dtype", (HostData([300]),),
                    {"dtype": pb.int8}, pb.DTypeError, "does not fit"),
    ))),
))
ENTRIES.append(OpInfo(
    "pb::from_numpy", _from_numpy_call, ALL, _host_samples(lists=False), _host_reference,
    same, out=False, creation=True,
    errors=_errors(lambda: iter((
        ErrorSample("a list, not an array", (HostData([1.0, 2.0]),), {}, pb.ArgumentError,
                    "numpy.ndarray"),
    ))),
))
ENTRIES.append(OpInfo(
    "pb::asarray", _asarray_call, ALL, _host_samples(lists=True), _host_reference, same,
    out=False, creation=True,
    errors=_errors(lambda: iter((
        ErrorSample("copy=False from nested lists", (HostData([1.0, 2.0]),),
                    {"copy": False}, pb.ArgumentError, "copy=False"),
    ))),
))


# linspace, eye ----------------------------------------------------------------------


def _linspace_samples(dtype: pb.DType) -> Iterator[Sample]:
    top = 100 if dtype.itemsize == 1 else 1000
    low = 0 if dtype.name == "uint8" else -10
    for name, args in (
        ("0 to 1 in 5", (0, 1, 5)),
        (f"{low} to 10 in 1025", (low, 10, 1025)),
        (f"0 to {top} in 257", (0, top, 257)),
        (f"10 down to {low} in 7", (10, low, 7)),
        ("fractional bounds 0.5 to 10.5 in 6", (0.5, 10.5, 6)),
        ("one step", (3, 7, 1)),
        ("no steps", (3, 7, 0)),
        ("equal bounds", (2, 2, 4)),
    ):
        yield Sample(name, args, {"dtype": dtype})


def _linspace_reference(start: float, end: float, steps: int, dtype: pb.DType) -> np.ndarray:
    """PyTorch's formula in float64: up from start for the first half, down from end after."""
    if steps <= 1:
        values = np.full(steps, float(start))
    else:
        step = (float(end) - float(start)) / (steps - 1)
        index = np.arange(steps, dtype=np.float64)
        values = np.where(index < steps // 2, index * step + start,
                          end - (steps - 1 - index) * step)
    return values.astype(dtype.numpy)


ENTRIES.append(OpInfo(
    "pb::linspace", _handle("linspace"), NUMERIC, creation_samples(_linspace_samples),
    _linspace_reference, lambda dtype, sample: dtype, creation=True,
    errors=_errors(lambda: iter((
        ErrorSample("negative steps", (0, 1, -1), {}, pb.ArgumentError, "steps must be >= 0"),
        ErrorSample("bool dtype", (0, 1, 3), {"dtype": pb.bool}, pb.DTypeError, "bool"),
    ))),
))


def _eye_samples(dtype: pb.DType) -> Iterator[Sample]:
    for args in ((0,), (1,), (3,), (2, 5), (5, 2), (0, 3), (33, 257)):
        yield Sample(f"eye{args}", args, {"dtype": dtype})


ENTRIES.append(OpInfo(
    "pb::eye", _handle("eye"), ALL, creation_samples(_eye_samples),
    lambda n, m=None, dtype=pb.float32: np.eye(n, m, dtype=dtype.numpy),
    lambda dtype, sample: dtype, creation=True,
    errors=_errors(lambda: iter((
        ErrorSample("negative n", (-1,), {}, pb.ArgumentError, "must be >= 0"),
        ErrorSample("negative m", (2, -3), {}, pb.ArgumentError, "must be >= 0"),
    ))),
))


# rand, randn, randint: statistical checks -----------------------------------------

_LARGE = (64, 1024)  # 65536 values: the mean's standard error is under 0.4% of the spread


def _random_call(op: str) -> Callable[..., pb.Tensor]:
    """Draws with generators of the device under test, seeded by the sample.

    ``compare`` turns the draw into a bool tensor checked by ``_check_random``:
    ``"same seed"`` (``ne`` of two draws with one seed: all False), ``"other seed"``
    and ``"next draw"`` (``eq`` of draws that must differ: mostly False).
    """
    handle = _handle(op)

    def call(*args: Any, device: pb.Device, seed: int | None = None, compare: str = "",
             out: Any = None, **kwargs: Any) -> pb.Tensor:
        def draw(generator: Any, out: Any = None) -> pb.Tensor:
            extra = {} if out is None else {"out": out}
            result: pb.Tensor = handle(*args, generator=generator, device=device, **kwargs,
                                       **extra)
            return result

        if seed is None:  # error inputs bring their own generator=, or none
            generator = kwargs.pop("generator", None)
            return draw(generator, out)
        generator = Generator(device).manual_seed(seed)
        if not compare:
            return draw(generator, out)
        first = draw(generator)
        if compare == "same seed":
            again = draw(Generator(device).manual_seed(seed))
            return pb.ops.pb.ne(first, again, out=out)  # type: ignore[no-any-return]
        other = draw(generator) if compare == "next draw" else draw(
            Generator(device).manual_seed(seed + 1))
        return pb.ops.pb.eq(first, other, out=out)  # type: ignore[no-any-return]

    return call


def _random_samples(
    leading: Callable[[pb.DType], tuple[Any, ...]],
) -> Callable[[pb.DType], Iterator[Sample]]:
    def make(dtype: pb.DType) -> Iterator[Sample]:
        head = leading(dtype)
        for i, size in enumerate(((), (0,), (2, 0), (1,), (257,), (1025,), _LARGE)):
            yield Sample(f"size {size}", (*head, size), {"dtype": dtype, "seed": 100 + i})
        for compare in ("same seed", "other seed", "next draw"):
            yield Sample(f"{compare}, size (4097,)", (*head, (4097,)),
                         {"dtype": dtype, "seed": 7, "compare": compare})
        yield Sample("a large seed, size (513,)", (*head, (513,)),
                     {"dtype": dtype, "seed": 2**64 - 1})

    return make


def _random_dtype(dtype: pb.DType, sample: Sample) -> pb.DType:
    return pb.bool if sample.kwargs.get("compare") else dtype


def _shape_only(*args: Any, **kwargs: Any) -> np.ndarray:
    return np.zeros(args[-1])


def _check_compare(values: np.ndarray, sample: Sample, chance: float) -> str | None:
    """The comparison samples; ``chance``: how often two independent values are equal."""
    compare = sample.kwargs.get("compare")
    if not compare:
        return None
    if compare == "same seed":
        return f"{int(values.sum())} value(s) differ between two draws with one seed" if (
            values.any()) else ""
    fraction = float(values.mean())
    if fraction > chance + 0.05:
        return (f"{fraction:.1%} of the values are equal between the two draws ({compare}; about "
                f"{chance:.1%} expected): the draws are not independent")
    return ""


def _moments(values: np.ndarray, mean: float, var: float, mean_tol: float, var_tol: float
             ) -> str:
    """Mean and variance of a large sample against the distribution's, within bounds."""
    if values.size < 10000:
        return ""
    got_mean, got_var = float(values.mean()), float(values.var())
    if abs(got_mean - mean) > mean_tol:
        return f"the mean is {got_mean:.4f}, expected {mean:.4f} +- {mean_tol:g}"
    if abs(got_var - var) > var_tol:
        return f"the variance is {got_var:.4f}, expected {var:.4f} +- {var_tol:g}"
    return ""


def _philox_draw(op: str, values: np.ndarray, sample: Sample) -> np.ndarray | None:
    """The same draw from the CPU backend, the Philox contract's reference; None without one.

    Random kernels follow the contract (``plugboard.backend.philox_reserve``,
    ``philox_words``), so a seeded draw gives the same bits on every backend.
    """
    seed = sample.kwargs.get("seed")
    if seed is None or sample.kwargs.get("compare"):
        return None
    generator = Generator("cpu").manual_seed(seed)
    reference: pb.Tensor = _handle(op)(*sample.args, dtype=sample.kwargs["dtype"],
                                       generator=generator, device="cpu")
    return reference.numpy()


def _not_the_stream(op: str, values: np.ndarray, sample: Sample, exact: bool) -> str:
    expected = _philox_draw(op, values, sample)
    if expected is None or expected.shape != values.shape:
        return ""
    got, want = values.astype(np.float64), expected.astype(np.float64)
    if exact:
        wrong = np.flatnonzero(got != want)
    else:  # randn's log and cos differ in their last bits between math libraries
        tolerance = 1e-3 if values.dtype.itemsize <= 2 else 1e-5
        wrong = np.flatnonzero(~np.isclose(got, want, rtol=tolerance, atol=tolerance))
    if wrong.size == 0:
        return ""
    i = int(wrong[0])
    return (f"{wrong.size} value(s) differ from the Philox stream of seed "
            f"{sample.kwargs['seed']} (the CPU's draw); first at {i}: {got.flat[i]!r}, "
            f"expected {want.flat[i]!r}. Random kernels draw with "
            "plugboard.backend.philox_reserve")


def _check_rand(values: np.ndarray, sample: Sample) -> str:
    compared = _check_compare(values, sample, 0.01)
    if compared is not None:
        return compared
    stream = _not_the_stream("rand", values, sample, exact=True)
    if stream:
        return stream
    x = values.astype(np.float64)
    if x.size and not ((x >= 0) & (x < 1)).all():
        return f"values outside [0, 1): min {x.min()!r}, max {x.max()!r}"
    return _moments(x, 0.5, 1 / 12, 0.01, 0.005)


def _check_randn(values: np.ndarray, sample: Sample) -> str:
    compared = _check_compare(values, sample, 0.02)
    if compared is not None:
        return compared
    stream = _not_the_stream("randn", values, sample, exact=False)
    if stream:
        return stream
    x = values.astype(np.float64)
    if not np.isfinite(x).all():
        return "values that are not finite"
    if x.size and float(np.abs(x).max()) > 8:  # 8 sigma: not once in 10**14 draws
        return f"a value of {float(np.abs(x).max()):.2f} sigma"
    return _moments(x, 0.0, 1.0, 0.03, 0.05)


def _check_randint(values: np.ndarray, sample: Sample) -> str:
    low, high = sample.args[0], sample.args[1]
    compared = _check_compare(values, sample, 1 / (high - low))
    if compared is not None:
        return compared
    stream = _not_the_stream("randint", values, sample, exact=True)
    if stream:
        return stream
    x = values.astype(np.float64)
    if x.size and not ((x >= low) & (x < high) & (x == np.round(x))).all():
        return f"values outside the integers of [{low}, {high}): min {x.min()}, max {x.max()}"
    span = high - low
    # Uniform on span integers: mean (low + high - 1) / 2, variance (span**2 - 1) / 12.
    problem = _moments(x, (low + high - 1) / 2, (span**2 - 1) / 12, 0.01 * span,
                       0.02 * span**2 / 12)
    if problem or x.size < 10000 or span > 64:
        return problem
    missing = sorted(set(range(low, high)) - {int(v) for v in np.unique(x)})
    return f"never drew {missing[:5]}" if missing else ""


def _randint_bounds(dtype: pb.DType) -> tuple[int, int]:
    if dtype.is_bool:
        return 0, 2
    if dtype.name == "uint8":
        return 0, 200
    if dtype.name in ("int8", "bfloat16"):
        return -100, 100
    if dtype.name in ("int16", "float16"):
        return -1000, 1000
    if dtype.name == "int64":
        return -(2**40), 2**40
    return -(2**20), 2**20


def _randint_small(dtype: pb.DType) -> tuple[int, int]:
    return (0, 2) if dtype.is_bool else (3, 9)


def _randint_samples(dtype: pb.DType) -> Iterator[Sample]:
    yield from _random_samples(_randint_bounds)(dtype)
    yield Sample("a small range [low, high), size (64, 1024)",
                 (*_randint_small(dtype), _LARGE), {"dtype": dtype, "seed": 11})


def _random_errors(op: str) -> Callable[[], Iterator[ErrorSample]]:
    head: tuple[Any, ...] = (0, 10) if op == "randint" else ()

    def errors() -> Iterator[ErrorSample]:
        yield ErrorSample("negative size", (*head, (2, -1)), {}, pb.ShapeError,
                          "sizes must be >= 0")
        yield ErrorSample("a generator of another device", (*head, (3,)),
                          {"generator": Generator("meta")}, pb.DeviceError, "generator")
        yield ErrorSample("a generator that is not one", (*head, (3,)), {"generator": 42},
                          pb.ArgumentError, "generator")
        if op == "randint":
            yield ErrorSample("low >= high", (5, 5, (3,)), {}, pb.ArgumentError, "empty")
            yield ErrorSample("a range the dtype does not hold", (0, 300, (3,)),
                              {"dtype": pb.int8}, pb.DTypeError, "does not fit")
        else:
            yield ErrorSample("an integer dtype", ((3,),), {"dtype": pb.int64},
                              pb.DTypeError, "does not support int64")

    return errors


for _op, _dtypes, _samples, _check in (
    ("rand", FLOATING, _random_samples(lambda dtype: ()), _check_rand),
    ("randn", FLOATING, _random_samples(lambda dtype: ()), _check_randn),
    ("randint", ALL, _randint_samples, _check_randint),
):
    ENTRIES.append(OpInfo(
        f"pb::{_op}", _random_call(_op), _dtypes, creation_samples(_samples), _shape_only,
        _random_dtype, creation=True, check=_check, errors=_random_errors(_op),
    ))
