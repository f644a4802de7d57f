"""Tests for plugboard dtypes and type promotion."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np
import pytest

from plugboard._core import dtype as pbd
from plugboard._core.dtype import (
    ALL_DTYPES,
    FLOATING_DTYPES,
    INTEGER_DTYPES,
    NUMERIC_DTYPES,
    DType,
    as_dtype,
    bfloat16,
    bool_,
    can_cast,
    float16,
    float32,
    float64,
    from_numpy_dtype,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    result_type,
    scalar_dtype,
    set_default_dtype,
    uint8,
)
from plugboard._core.errors import DTypeError

BY_NAME = {d.name: d for d in ALL_DTYPES}

# torch.promote_types over plugboard's dtypes: row dtype promoted with column dtype.
PROMOTE_TABLE = """
         bool     int8     uint8    int16    int32    int64    float16  bfloat16 float32  float64
bool     bool     int8     uint8    int16    int32    int64    float16  bfloat16 float32  float64
int8     int8     int8     int16    int16    int32    int64    float16  bfloat16 float32  float64
uint8    uint8    int16    uint8    int16    int32    int64    float16  bfloat16 float32  float64
int16    int16    int16    int16    int16    int32    int64    float16  bfloat16 float32  float64
int32    int32    int32    int32    int32    int32    int64    float16  bfloat16 float32  float64
int64    int64    int64    int64    int64    int64    int64    float16  bfloat16 float32  float64
float16  float16  float16  float16  float16  float16  float16  float16  float32  float32  float64
bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 float32  bfloat16 float32  float64
float32  float32  float32  float32  float32  float32  float32  float32  float32  float32  float64
float64  float64  float64  float64  float64  float64  float64  float64  float64  float64  float64
"""

# torch.can_cast(row, column): Y where a row result may be written to a column tensor.
CAN_CAST_TABLE = """
          bool int8 uint8 int16 int32 int64 float16 bfloat16 float32 float64
bool      Y    Y    Y     Y     Y     Y     Y       Y        Y       Y
int8      .    Y    Y     Y     Y     Y     Y       Y        Y       Y
uint8     .    Y    Y     Y     Y     Y     Y       Y        Y       Y
int16     .    Y    Y     Y     Y     Y     Y       Y        Y       Y
int32     .    Y    Y     Y     Y     Y     Y       Y        Y       Y
int64     .    Y    Y     Y     Y     Y     Y       Y        Y       Y
float16   .    .    .     .     .     .     Y       Y        Y       Y
bfloat16  .    .    .     .     .     .     Y       Y        Y       Y
float32   .    .    .     .     .     .     Y       Y        Y       Y
float64   .    .    .     .     .     .     Y       Y        Y       Y
"""


def parse_table(text: str) -> dict[tuple[DType, DType], str]:
    header, *rows = (line.split() for line in text.strip().splitlines())
    table = {}
    for row in rows:
        for column, cell in zip(header, row[1:], strict=True):
            table[BY_NAME[row[0]], BY_NAME[column]] = cell
    return table


PROMOTE = {k: BY_NAME[v] for k, v in parse_table(PROMOTE_TABLE).items()}
CAN_CAST = {k: v == "Y" for k, v in parse_table(CAN_CAST_TABLE).items()}
PAIRS = [(a, b) for a in ALL_DTYPES for b in ALL_DTYPES]


@dataclass(frozen=True)
class FakeTensor:
    """Anything with a plugboard ``dtype`` and an ``ndim`` counts as a tensor."""

    dtype: DType
    ndim: int

    def __repr__(self) -> str:
        return f"{'T' if self.ndim else 'Z'}({self.dtype.name})"


def T(d: DType) -> FakeTensor:
    return FakeTensor(d, 1)


def Z(d: DType) -> FakeTensor:
    return FakeTensor(d, 0)


@pytest.fixture
def restore_default_dtype() -> Iterator[None]:
    saved = get_default_dtype()
    try:
        yield
    finally:
        set_default_dtype(saved)


# -- DType objects ---------------------------------------------------------------------------

PROPERTIES = [
    # name, itemsize, category, is_signed, min, max
    ("bool", 1, 0, False, 0, 1),
    ("int8", 1, 1, True, -128, 127),
    ("uint8", 1, 1, False, 0, 255),
    ("int16", 2, 1, True, -(2**15), 2**15 - 1),
    ("int32", 4, 1, True, -(2**31), 2**31 - 1),
    ("int64", 8, 1, True, -(2**63), 2**63 - 1),
    ("float16", 2, 2, True, -65504.0, 65504.0),
    ("bfloat16", 2, 2, True, -3.3895313892515355e38, 3.3895313892515355e38),
    ("float32", 4, 2, True, -3.4028234663852886e38, 3.4028234663852886e38),
    ("float64", 8, 2, True, -1.7976931348623157e308, 1.7976931348623157e308),
]


@pytest.mark.parametrize(("name", "itemsize", "category", "signed", "lo", "hi"), PROPERTIES)
def test_properties(
    name: str, itemsize: int, category: int, signed: bool, lo: float, hi: float
) -> None:
    d = BY_NAME[name]
    assert d.name == name
    assert str(d) == name
    assert repr(d) == f"pb.{name}"
    assert d.itemsize == itemsize == d.numpy.itemsize
    assert d.category == category
    assert d.is_bool == (category == 0)
    assert d.is_integer == (category == 1)
    assert d.is_floating_point == (category == 2)
    assert d.is_signed is signed
    assert (d.min, d.max) == (lo, hi)
    assert type(d.min) is type(d.max) is (float if category == 2 else int)


def test_eps() -> None:
    assert float16.eps == 2.0**-10
    assert bfloat16.eps == 2.0**-7
    assert float32.eps == 2.0**-23
    assert float64.eps == 2.0**-52
    with pytest.raises(DTypeError, match="floating-point dtypes only"):
        _ = int32.eps


def test_module_constants() -> None:
    assert [d.name for d in ALL_DTYPES] == [
        "bool", "int8", "uint8", "int16", "int32", "int64",
        "float16", "bfloat16", "float32", "float64",
    ]  # fmt: skip
    assert (float16, bfloat16, float32, float64) == FLOATING_DTYPES
    assert (int8, uint8, int16, int32, int64) == INTEGER_DTYPES
    assert ALL_DTYPES[1:] == NUMERIC_DTYPES
    assert pbd.bool_ is bool_ and bool_.name == "bool"


def test_singletons() -> None:
    with pytest.raises(TypeError, match="cannot be created"):
        DType("float32")
    with pytest.raises(AttributeError, match="immutable"):
        float32._name = "float64"
    assert len(set(ALL_DTYPES)) == 10
    assert {float32: "x"}[as_dtype("float32")] == "x"
    assert float32 != float64
    numpy_float32: object = np.float32
    assert float32 != numpy_float32  # compared by identity only


@pytest.mark.parametrize("d", ALL_DTYPES, ids=str)
def test_pickle_and_copy_return_the_singleton(d: DType) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(d, protocol)) is d
    assert copy.copy(d) is d
    assert copy.deepcopy([d])[0] is d


# -- numpy interop ---------------------------------------------------------------------------


@pytest.mark.parametrize("d", ALL_DTYPES, ids=str)
def test_numpy_round_trip(d: DType) -> None:
    array = np.zeros(3, dtype=d.numpy)
    assert from_numpy_dtype(array.dtype) is d
    assert as_dtype(array.dtype) is d
    assert as_dtype(array.dtype.type) is d
    assert as_dtype(d.name) is d
    assert as_dtype(d) is d
    assert np.dtype(d.numpy.name) == d.numpy


def test_numpy_dtypes() -> None:
    assert bfloat16.numpy == np.dtype(ml_dtypes.bfloat16)
    assert as_dtype(ml_dtypes.bfloat16) is bfloat16
    assert as_dtype(np.dtype("<f4")) is float32
    assert as_dtype(np.dtype("q")) is as_dtype(np.dtype("l")) is int64
    assert from_numpy_dtype(np.dtype(np.bool_)) is bool_


# -- as_dtype --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("float32", float32),
        ("bfloat16", bfloat16),
        ("bool", bool_),
        ("half", float16),
        ("double", float64),
        ("long", int64),
        ("int", int32),
        ("float", float32),  # PyTorch's name, as pb.float: float32, not the default dtype
        ("short", int16),
        (bool, bool_),
        (int, int64),
        (float, float32),
        (np.float32, float32),
        (np.int8, int8),
        (np.bool_, bool_),
        (np.dtype("uint8"), uint8),
        (ml_dtypes.bfloat16, bfloat16),
        (int16, int16),
    ],
    ids=repr,
)
def test_as_dtype(value: object, expected: DType) -> None:
    assert as_dtype(value) is expected


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        (np.uint32, ["uint32 is not supported by plugboard", "nearest supported dtype is int64"]),
        (np.dtype("uint16"), ["uint16 is not supported", "nearest supported dtype is int32"]),
        ("uint32", ["uint32 is not supported", "nearest supported dtype is int64"]),
        (np.uint64, ["nearest supported dtype is int64, which cannot hold every uint64 value"]),
        (np.complex64, ["complex64 is not supported", "no plugboard dtype can hold its values"]),
        ("complex128", ["complex128 is not supported", "no plugboard dtype can hold"]),
        (np.longdouble, ["not supported", "nearest supported dtype is float64, which cannot"]),
        (np.dtype(object), ["object is not supported", "no plugboard dtype can hold"]),
        (
            ml_dtypes.float8_e4m3fn,
            ["float8_e4m3fn is not supported", "nearest supported dtype is float16"],
        ),
        (ml_dtypes.int4, ["int4 is not supported", "nearest supported dtype is int8"]),
        (np.dtype(">f4"), ["non-native byte order", "astype('float32')"]),
        ("floaat", ["unknown dtype name 'floaat'", "did you mean", "float"]),
        ("bool_", ["unknown dtype name 'bool_'", "did you mean bool"]),
        ("Float32", ["unknown dtype name 'Float32'"]),
        ("f4", ["unknown dtype name 'f4'"]),
        ("", ["unknown dtype name ''"]),
        (complex, ["cannot interpret complex as a dtype"]),
        (str, ["cannot interpret str as a dtype"]),
        (None, ["cannot interpret NoneType None as a dtype"]),
        (3, ["cannot interpret int 3 as a dtype"]),
        (np.float32(1.0), ["cannot interpret float32"]),
    ],
    ids=repr,
)
def test_as_dtype_errors(value: object, fragments: list[str]) -> None:
    with pytest.raises(DTypeError) as info:
        as_dtype(value)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert "supported dtypes: bool, int8, uint8, int16, int32, int64, float16, bfloat16" in message
    assert isinstance(info.value, TypeError)


def test_from_numpy_dtype_rejects_unsupported() -> None:
    with pytest.raises(DTypeError, match="uint32 is not supported by plugboard"):
        from_numpy_dtype(np.dtype(np.uint32))


# -- promote_types ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=str)
def test_promote_types_table(a: DType, b: DType) -> None:
    assert promote_types(a, b) is PROMOTE[a, b]


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=str)
def test_promote_types_symmetric(a: DType, b: DType) -> None:
    assert promote_types(a, b) is promote_types(b, a)


def test_promote_types_named_rules() -> None:
    assert promote_types(bool_, float16) is float16
    assert promote_types(uint8, int8) is int16
    assert promote_types(uint8, int16) is int16
    assert promote_types(uint8, int64) is int64
    assert promote_types(float16, bfloat16) is float32
    assert promote_types(int64, float16) is float16


# -- result_type -----------------------------------------------------------------------------

RESULT_TYPE_CASES: list[tuple[tuple[Any, ...], DType]] = [
    # a dimensioned tensor and a Python number
    ((T(int8), 1), int8),
    ((T(uint8), -1), uint8),
    ((T(uint8), 1000), uint8),
    ((T(int32), 2.5), float32),
    ((T(int64), 2.5), float32),
    ((T(float16), 2.5), float16),
    ((T(bfloat16), 2.5), bfloat16),
    ((T(float64), 2.5), float64),
    ((T(bool_), 1), int64),
    ((T(bool_), True), bool_),
    ((T(bool_), 2.5), float32),
    ((T(int8), True), int8),
    ((T(float16), True), float16),
    # a dimensioned tensor and a 0-dim tensor
    ((T(int32), Z(float64)), float64),
    ((T(float32), Z(float64)), float32),
    ((T(float16), Z(float64)), float16),
    ((T(bfloat16), Z(float16)), bfloat16),
    ((T(int8), Z(int64)), int8),
    ((T(uint8), Z(int8)), uint8),
    ((T(bool_), Z(uint8)), uint8),
    ((T(bool_), Z(float64)), float64),
    # two tensors of the same priority
    ((T(uint8), T(int8)), int16),
    ((T(float16), T(bfloat16)), float32),
    ((Z(uint8), Z(int8)), int16),
    ((Z(int16), Z(int32)), int32),
    # a 0-dim tensor and a Python number
    ((Z(int8), 1), int8),
    ((Z(int8), 2.5), float32),
    ((Z(bool_), 1), int64),
    ((Z(float64), 2.5), float64),
    # three priority levels
    ((T(int8), Z(float16), 1.0), float16),
    ((T(int8), Z(int64), 2.5), float32),
    ((T(int8), Z(bool_), 2.5), float32),
    ((T(bool_), Z(int32), 2.5), float32),
    ((T(bool_), Z(bool_), 1), int64),
    ((T(uint8), Z(int8), 1), uint8),
    ((T(float16), Z(float64), 1), float16),
    # Python numbers only
    ((1, 2.5), float32),
    ((1, 2), int64),
    ((True, False), bool_),
    ((True, 1), int64),
    ((2.5,), float32),
    # dtypes count as dimensioned tensors
    ((int8, 1), int8),
    ((int8, Z(float64)), float64),
    ((uint8, int8), int16),
    ((int32,), int32),
    # NumPy scalars count as Python numbers of their kind
    ((T(int8), np.int64(1)), int8),
    ((T(int8), np.float64(1.0)), float32),
    ((T(float16), np.float64(1.0)), float16),
    ((T(int8), np.int16(1)), int8),
    ((T(bool_), np.bool_(True)), bool_),
    ((np.float64(1.0),), float32),
    ((np.int8(1),), int64),
    # single operands
    ((T(int16),), int16),
    ((Z(float64),), float64),
]


@pytest.mark.parametrize(("operands", "expected"), RESULT_TYPE_CASES, ids=repr)
def test_result_type(operands: tuple[Any, ...], expected: DType) -> None:
    assert result_type(*operands) is expected
    assert result_type(*reversed(operands)) is expected


@pytest.mark.parametrize(
    ("operands", "match"),
    [
        ((), "at least one operand"),
        ((1j,), "complex numbers are not supported"),
        ((T(int8), "float32"), "got str"),
        ((T(int8), np.zeros(3)), "got ndarray"),
        ((T(int8), None), "got NoneType"),
    ],
    ids=repr,
)
def test_result_type_errors(operands: tuple[Any, ...], match: str) -> None:
    with pytest.raises(DTypeError, match=match):
        result_type(*operands)


def test_scalar_dtype() -> None:
    assert scalar_dtype(True) is bool_
    assert scalar_dtype(np.bool_(False)) is bool_
    assert scalar_dtype(3) is int64
    assert scalar_dtype(2**70) is int64
    assert scalar_dtype(np.uint32(3)) is int64
    assert scalar_dtype(0.5) is float32
    with pytest.raises(DTypeError, match="expected a Python bool, int or float"):
        scalar_dtype("1")


# -- can_cast --------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=str)
def test_can_cast_table(a: DType, b: DType) -> None:
    assert can_cast(a, b) is CAN_CAST[a, b]


# -- the default dtype -----------------------------------------------------------------------


@pytest.mark.usefixtures("restore_default_dtype")
def test_set_default_dtype() -> None:
    assert get_default_dtype() is float32
    set_default_dtype(float64)
    assert get_default_dtype() is float64
    assert result_type(T(int32), 2.5) is float64
    assert result_type(1, 2.5) is float64
    assert result_type(T(float16), 2.5) is float16
    assert result_type(T(int32), 1) is int32
    assert scalar_dtype(0.5) is float64
    assert as_dtype(float) is float64
    set_default_dtype("bfloat16")
    assert result_type(T(uint8), 2.5) is bfloat16


@pytest.mark.usefixtures("restore_default_dtype")
@pytest.mark.parametrize("d", [bool_, int32, "int64", np.uint8])
def test_set_default_dtype_rejects_non_floats(d: object) -> None:
    with pytest.raises(DTypeError, match="must be a floating-point dtype"):
        set_default_dtype(d)
    assert get_default_dtype() is float32


# -- against PyTorch itself (optional) ---------------------------------------------------------

SCALARS: list[Any] = [None, False, True, 0, -3, 2.5, np.int64(1), np.int16(2), np.float64(1.0)]


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def to_torch(torch: Any) -> dict[DType, Any]:
    return {d: getattr(torch, d.name) for d in ALL_DTYPES}


class TestAgainstTorch:
    """The same rules, checked against an installed PyTorch."""

    def test_promote_types(self, torch: Any, to_torch: dict[DType, Any]) -> None:
        for a, b in PAIRS:
            assert to_torch[promote_types(a, b)] == torch.promote_types(to_torch[a], to_torch[b])

    def test_can_cast(self, torch: Any, to_torch: dict[DType, Any]) -> None:
        for a, b in PAIRS:
            assert can_cast(a, b) == torch.can_cast(to_torch[a], to_torch[b]), (a, b)

    def torch_result_type(
        self, torch: Any, to_torch: dict[DType, Any], dim: DType, zero: DType | None, scalar: Any
    ) -> Any:
        """torch.result_type takes two operands; fold the lower levels first."""
        tensor = torch.zeros(2, dtype=to_torch[dim])
        if zero is None:
            return torch.result_type(tensor, scalar) if scalar is not None else tensor.dtype
        zero_tensor = torch.zeros((), dtype=to_torch[zero])
        if scalar is not None:
            zero_tensor = torch.zeros((), dtype=torch.result_type(zero_tensor, scalar))
        return torch.result_type(tensor, zero_tensor)

    @pytest.mark.parametrize("default", [float32, float64])
    def test_result_type_grid(self, torch: Any, to_torch: dict[DType, Any], default: DType) -> None:
        saved, saved_torch = get_default_dtype(), torch.get_default_dtype()
        try:
            set_default_dtype(default)
            torch.set_default_dtype(to_torch[default])
            for dim in ALL_DTYPES:
                for zero in [None, *ALL_DTYPES]:
                    for scalar in SCALARS:
                        operands = [T(dim)]
                        operands += [Z(zero)] if zero is not None else []
                        operands += [scalar] if scalar is not None else []
                        expected = self.torch_result_type(torch, to_torch, dim, zero, scalar)
                        assert to_torch[result_type(*operands)] == expected, operands
        finally:
            set_default_dtype(saved)
            torch.set_default_dtype(saved_torch)

    def test_result_type_pairs(self, torch: Any, to_torch: dict[DType, Any]) -> None:
        """Every pair of operands of every kind, straight through torch.result_type."""

        def kinds(d: DType) -> list[tuple[Any, Any]]:
            ours: list[Any] = [T(d), Z(d)]
            theirs: list[Any] = [
                torch.zeros(2, dtype=to_torch[d]),
                torch.zeros((), dtype=to_torch[d]),
            ]
            return list(zip(ours, theirs, strict=True))

        operands = [pair for d in ALL_DTYPES for pair in kinds(d)]
        operands += [(s, s) for s in [False, 1, 2.5, np.int64(1), np.float64(1.0)]]
        for ours_a, theirs_a in operands:
            for ours_b, theirs_b in operands:
                expected = torch.result_type(theirs_a, theirs_b)
                assert to_torch[result_type(ours_a, ours_b)] == expected, (ours_a, ours_b)
