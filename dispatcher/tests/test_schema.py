"""Tests for the operator schema parser and data model (plugboard._dispatch.schema)."""

from __future__ import annotations

import doctest
import gc
import math
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugboard._core.errors import SchemaError
from plugboard._dispatch import schema as _schema
from plugboard._dispatch.schema import (
    NO_DEFAULT,
    AliasInfo,
    Argument,
    BaseType,
    DefaultValue,
    FunctionSchema,
    ListType,
    OptionalType,
    Return,
    SchemaType,
    parse_schema,
    parse_type,
)

TENSOR = BaseType("Tensor")
SCALAR = BaseType("Scalar")
INT = BaseType("int")
FLOAT = BaseType("float")
BOOL = BaseType("bool")
STR = BaseType("str")


def arg(
    name: str,
    type_: SchemaType,
    default: Any = NO_DEFAULT,
    *,
    kw: bool = False,
    alias: AliasInfo | None = None,
) -> Argument:
    return Argument(name, type_, default, kw, alias)


def ret(type_: SchemaType, name: str | None = None, alias: AliasInfo | None = None) -> Return:
    return Return(name, type_, alias)


def schema(
    name: str,
    arguments: tuple[Argument, ...],
    returns: tuple[Return, ...],
    *,
    namespace: str | None = None,
    overload: str = "",
) -> FunctionSchema:
    return FunctionSchema(namespace, name, overload, arguments, returns)


# --------------------------------------------------------------------------- structure

EXAMPLES = [
    pytest.param(
        "add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor",
        schema(
            "add",
            (arg("self", TENSOR), arg("other", TENSOR), arg("alpha", SCALAR, 1, kw=True)),
            (ret(TENSOR),),
            overload="Tensor",
        ),
        id="add.Tensor",
    ),
    pytest.param(
        "pb::add_(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)",
        schema(
            "add_",
            (
                arg("self", TENSOR, alias=AliasInfo("a", True)),
                arg("other", TENSOR),
                arg("alpha", SCALAR, 1, kw=True),
            ),
            (ret(TENSOR, alias=AliasInfo("a", True)),),
            namespace="pb",
        ),
        id="pb::add_",
    ),
    pytest.param(
        "sum(Tensor self, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)"
        " -> Tensor",
        schema(
            "sum",
            (
                arg("self", TENSOR),
                arg("dim", OptionalType(ListType(INT, 1)), None),
                arg("keepdim", BOOL, False),
                arg("dtype", OptionalType(BaseType("ScalarType")), None, kw=True),
            ),
            (ret(TENSOR),),
        ),
        id="sum",
    ),
    pytest.param(
        "max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)",
        schema(
            "max",
            (arg("self", TENSOR), arg("dim", INT), arg("keepdim", BOOL, False)),
            (ret(TENSOR, "values"), ret(TENSOR, "indices")),
            overload="dim",
        ),
        id="max.dim",
    ),
    pytest.param(
        "conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1,"
        " int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor",
        schema(
            "conv2d",
            (
                arg("input", TENSOR),
                arg("weight", TENSOR),
                arg("bias", OptionalType(TENSOR), None),
                arg("stride", ListType(INT, 2), (1, 1)),
                arg("padding", ListType(INT, 2), (0, 0)),
                arg("dilation", ListType(INT, 2), (1, 1)),
                arg("groups", INT, 1),
            ),
            (ret(TENSOR),),
        ),
        id="conv2d",
    ),
    pytest.param(
        "index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor",
        schema(
            "index_put",
            (
                arg("self", TENSOR),
                arg("indices", ListType(OptionalType(TENSOR))),
                arg("values", TENSOR),
                arg("accumulate", BOOL, False),
            ),
            (ret(TENSOR),),
        ),
        id="index_put",
    ),
    pytest.param(
        "full(int[] size, Scalar fill_value, *, ScalarType? dtype=None, Device? device=None)"
        " -> Tensor",
        schema(
            "full",
            (
                arg("size", ListType(INT)),
                arg("fill_value", SCALAR),
                arg("dtype", OptionalType(BaseType("ScalarType")), None, kw=True),
                arg("device", OptionalType(BaseType("Device")), None, kw=True),
            ),
            (ret(TENSOR),),
        ),
        id="full",
    ),
    pytest.param(
        "split(Tensor(a -> *) self, int split_size, int dim=0) -> Tensor(a)[]",
        schema(
            "split",
            (
                arg("self", TENSOR, alias=AliasInfo("a", False, ("*",))),
                arg("split_size", INT),
                arg("dim", INT, 0),
            ),
            (ret(ListType(TENSOR), alias=AliasInfo("a")),),
        ),
        id="split",
    ),
    pytest.param(
        "layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None,"
        " Tensor? bias=None, float eps=1e-05) -> Tensor",
        schema(
            "layer_norm",
            (
                arg("input", TENSOR),
                arg("normalized_shape", ListType(INT)),
                arg("weight", OptionalType(TENSOR), None),
                arg("bias", OptionalType(TENSOR), None),
                arg("eps", FLOAT, 1e-05),
            ),
            (ret(TENSOR),),
        ),
        id="layer_norm",
    ),
    pytest.param(
        "gelu(Tensor self, *, str approximate='none') -> Tensor",
        schema(
            "gelu",
            (arg("self", TENSOR), arg("approximate", STR, "none", kw=True)),
            (ret(TENSOR),),
        ),
        id="gelu",
    ),
    pytest.param("foo() -> ()", schema("foo", (), ()), id="foo"),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_examples_parse_to_expected_structure(text: str, expected: FunctionSchema) -> None:
    assert parse_schema(text) == expected


def test_whitespace_is_insignificant() -> None:
    spaced = (
        " pb :: add_ . out ( Tensor ( a ! ) self ,\n\tTensor other , * , Scalar alpha = 1 )->Tensor"
    )
    tight = "pb::add_.out(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor"
    assert parse_schema(spaced) == parse_schema(tight)


# -------------------------------------------------------------------------- round trip

EXTRA_SCHEMAS = [
    "pb::where.self_out(Tensor condition, Tensor self, Tensor other, *, Tensor(a!) out)"
    " -> Tensor(a!)",
    "f(Tensor(a! -> b|c) x, Tensor(c!)[] z, Tensor(b)? y=None) -> (Tensor(b) p, Tensor(c) q)",
    "f(float a=nan, float b=-inf, float c=inf, float d=1e+16, float e=-0.0) -> ()",
    "f(str a='it\\'s', str b=\"say \\\"hi\\\"\", str c='back\\\\slash', str d='') -> ()",
    "f(int[] a=[], int[3] b=[1, -2, 3], float[] c=[1, 2.5], bool[] d=[True, False]) -> ()",
    "f(int?[] a=[None, 1], Scalar b=True, SymInt[]? c=None, int[2]? d=1) -> ()",
    "f(Dimname[] a, Layout? b=None, MemoryFormat? c=None, Generator? d=None) -> ()",
    "f(*, int a, int b=1) -> Tensor[]?",
    "__iand__.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)",
]


@pytest.mark.parametrize("text", [p.values[0] for p in EXAMPLES] + EXTRA_SCHEMAS)
def test_round_trip(text: str) -> None:
    parsed = parse_schema(text)
    canonical = str(parsed)
    assert parse_schema(canonical) == parsed
    assert str(parse_schema(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "pb :: add_ ( Tensor( a ! )self,Tensor other,*,Scalar alpha = 1 )->Tensor( a! )",
            "pb::add_(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)",
        ),
        ("f(int[2] stride=1) -> ()", "f(int[2] stride=[1, 1]) -> ()"),
        ("f(float x=1, float[] y=[2]) -> ()", "f(float x=1.0, float[] y=[2.0]) -> ()"),
        ("f(float x=0.00001) -> ()", "f(float x=1e-05) -> ()"),
        ('f(str s="mean") -> ()', "f(str s='mean') -> ()"),
        ('f(str s="it\'s") -> ()', "f(str s='it\\'s') -> ()"),
        ("f(int[] x=[0,1]) -> ()", "f(int[] x=[0, 1]) -> ()"),
        ("f(Tensor(a -> *) x) -> Tensor(a)[]", "f(Tensor(a -> *) x) -> Tensor(a)[]"),
        ("f(Tensor(a!->b|*) x) -> ()", "f(Tensor(a! -> b|*) x) -> ()"),
        ("f() -> (Tensor)", "f() -> Tensor"),
        ("f() -> (Tensor out)", "f() -> (Tensor out)"),
        ("f() -> Tensor out", "f() -> (Tensor out)"),
        ("f(int a, * ,int b) -> ()", "f(int a, *, int b) -> ()"),
    ],
)
def test_str_is_canonical(text: str, canonical: str) -> None:
    assert str(parse_schema(text)) == canonical


# ------------------------------------------------------------------------------ errors


def check_error(error: SchemaError, text: str, caret: str, fragment: str, what: str) -> None:
    """The message names the problem and the column and draws a caret under it."""
    column = caret.index("^") + 1
    first, quoted, pointer = str(error).split("\n")
    assert first.startswith(f"invalid {what}: ")
    assert fragment in first
    assert first.endswith(f" at column {column}")
    assert quoted == "  " + text
    assert pointer == "  " + caret.rstrip()


# Each caret string sits under its text: the caret marks the column the error names.
# fmt: off
SCHEMA_ERRORS = [
    # syntax
    ("", "^", "expected an operator name but found end of input"),
    ("add(Tensor self) Tensor",
     "                 ^", "expected '->' but found 'Tensor'"),
    ("add(Tensor self)",
     "                ^", "expected '->' but found end of input"),
    ("add(Tensor self)   ",
     "                ^", "expected '->' but found end of input"),
    ("f() ->",
     "      ^", "expected a type but found end of input"),
    ("f() -> Tensor x y",
     "                ^", "expected end of schema but found 'y'"),
    ("f() -> () x",
     "          ^", "expected end of schema but found 'x'"),
    ("f() -> (Tensor a Tensor b)",
     "                 ^", "expected ',' or ')' but found 'Tensor'"),
    ("f(int a,) -> ()",
     "        ^", "expected a type but found ')'"),
    ("f(int) -> ()",
     "     ^", "expected an argument name but found ')'"),
    ("add.(Tensor a) -> Tensor",
     "    ^", "expected an overload name but found '('"),
    ("a::b::c() -> ()",
     "    ^", "expected '(' but found '::'"),
    ("::add() -> ()",
     "^", "expected an operator name but found '::'"),
    ("f(int[] x=[1 2]) -> ()",
     "             ^", "expected ',' or ']' but found '2'"),
    ("f(int x=foo) -> ()",
     "        ^", "expected a default value but found 'foo'"),
    ("f(int x=) -> ()",
     "        ^", "expected a default value but found ')'"),
    ("f(float x=-True) -> ()",
     "           ^", "expected a number after '-' but found 'True'"),
    ("f(Tensor(a!) x) -> Tensor(a!",
     "                            ^", "expected ')' but found end of input"),
    ("f(Tensor(!) x) -> ()",
     "         ^", "expected an alias set name but found '!'"),
    # lexical
    ("f(int @) -> ()",
     "      ^", "unexpected character '@'"),
    ("f(int x) => ()",
     "          ^", "unexpected character '>'"),
    ("f(str s='abc) -> ()",
     "        ^", "unterminated string"),
    ('f(str s="abc\') -> ()',
     "        ^", "unterminated string"),
    ("f(str s='a\\nb') -> ()",
     "          ^", "invalid escape"),
    # types
    ("f(Foo x) -> ()",
     "  ^", "unknown type 'Foo'"),
    ("f() -> Foo",
     "       ^", "unknown type 'Foo'"),
    ("f(tensor x) -> ()",
     "  ^", "unknown type 'tensor'"),
    ("f(int[0] x) -> ()",
     "      ^", "list size must be a positive integer"),
    ("f(int[-1] x) -> ()",
     "      ^", "expected a list size (a positive integer) or ']' but found '-'"),
    ("f(int[n] x) -> ()",
     "      ^", "expected a list size (a positive integer) or ']' but found 'n'"),
    ("f(int[1.5] x) -> ()",
     "      ^", "expected a list size (a positive integer) or ']' but found '1.5'"),
    ("f(int[2 x) -> ()",
     "        ^", "expected ']' but found 'x'"),
    ("f(Tensor?? x) -> ()",
     "         ^", "type 'Tensor?' is already optional"),
    ("f(int(a) x) -> ()",
     "     ^", "an alias annotation needs a Tensor, not int"),
    # argument lists
    ("f(Tensor a, Tensor a) -> ()",
     "                   ^", "duplicate argument name 'a'"),
    ("f(Tensor a, *, int a=1) -> ()",
     "                   ^", "duplicate argument name 'a'"),
    ("f(int a=1, int b) -> ()",
     "               ^", "argument 'b' has no default but follows 'a', which has one"),
    ("f(*, *, int a) -> ()",
     "     ^", "'*' may appear only once"),
    ("f(int a, *, int b, *) -> ()",
     "                   ^", "'*' may appear only once"),
    ("f(int a, *) -> ()",
     "         ^", "'*' must be followed by keyword-only arguments"),
    ("f(*) -> ()",
     "  ^", "'*' must be followed by keyword-only arguments"),
    ("f() -> (Tensor a, Tensor a)",
     "                         ^", "duplicate return name 'a'"),
    # defaults that do not fit their type
    ("f(bool x=3) -> ()",
     "         ^", "default 3 does not fit type 'bool'"),
    ("f(int x=1.5) -> ()",
     "        ^", "default 1.5 does not fit type 'int'"),
    ("f(int x=-1.5) -> ()",
     "        ^", "default -1.5 does not fit type 'int'"),
    ("f(int x=True) -> ()",
     "        ^", "default True does not fit type 'int'"),
    ("f(float x=False) -> ()",
     "          ^", "default False does not fit type 'float'"),
    ("f(str x=1) -> ()",
     "        ^", "default 1 does not fit type 'str'"),
    ("f(float x='1') -> ()",
     "          ^", "default '1' does not fit type 'float'"),
    ("f(Scalar x='1') -> ()",
     "           ^", "default '1' does not fit type 'Scalar'"),
    ("f(Tensor x=1) -> ()",
     "           ^", "default 1 does not fit type 'Tensor' (a Tensor can only default to None"),
    ("f(Tensor x=None) -> ()",
     "           ^", "default None does not fit type 'Tensor' (only an optional type"),
    ("f(Tensor[] x=[]) -> ()",
     "             ^", "default [] does not fit type 'Tensor[]'"),
    ("f(Tensor?[] x=None) -> ()",
     "              ^", "default None does not fit type 'Tensor?[]'"),
    ("f(int x=None) -> ()",
     "        ^", "default None does not fit type 'int'"),
    ("f(int x=[1]) -> ()",
     "        ^", "default [1] does not fit type 'int'"),
    ("f(int[] x=1) -> ()",
     "          ^", "default 1 does not fit type 'int[]' (a list needs a list default"),
    ("f(int[2] x=[1, 2.5]) -> ()",
     "           ^", "default [1, 2.5] does not fit type 'int[2]'"),
    ("f(int[] x=[1, None]) -> ()",
     "          ^", "default [1, None] does not fit type 'int[]'"),
    ("f(bool[] x=[1]) -> ()",
     "           ^", "default [1] does not fit type 'bool[]'"),
    ("f(ScalarType dtype=1) -> ()",
     "                   ^", "(a ScalarType can only default to None, as ScalarType?)"),
    ("f(Device? d='cpu') -> ()",
     "            ^", "default 'cpu' does not fit type 'Device?'"),
]
# fmt: on


@pytest.mark.parametrize(("text", "caret", "fragment"), SCHEMA_ERRORS)
def test_malformed_schema_points_at_column(text: str, caret: str, fragment: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(text)
    check_error(info.value, text, caret, fragment, "schema")


def test_error_message_format() -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema("add(Tensor self, Tensor other -> Tensor")
    assert str(info.value) == (
        "invalid schema: expected ',' or ')' but found '->' at column 31\n"
        "  add(Tensor self, Tensor other -> Tensor\n"
        "                                ^"
    )


def test_error_in_multiline_schema_names_line_and_column() -> None:
    text = "f(\n    int x,\n    bool y=3,\n) -> ()"
    with pytest.raises(SchemaError) as info:
        parse_schema(text)
    assert str(info.value).split("\n") == [
        "invalid schema: default 3 does not fit type 'bool' at line 3, column 12",
        "      bool y=3,",
        "             ^",
    ]


def test_error_caret_stays_aligned_after_a_tab() -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema("f(\tFoo x) -> ()")
    check_error(info.value, "f( Foo x) -> ()", "   ^", "unknown type 'Foo'", "schema")


def test_schema_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown type"):
        parse_schema("f(Foo x) -> ()")


# --------------------------------------------------------------------------------- types

TYPES = [
    # text, structure, is_tensor_like, is_optional
    ("Tensor", TENSOR, True, False),
    ("Tensor?", OptionalType(TENSOR), True, True),
    ("Tensor[]", ListType(TENSOR), True, False),
    ("Tensor?[]", ListType(OptionalType(TENSOR)), True, False),
    ("Tensor[]?", OptionalType(ListType(TENSOR)), True, True),
    ("int", INT, False, False),
    ("int?", OptionalType(INT), False, True),
    ("int[]", ListType(INT), False, False),
    ("int[2]", ListType(INT, 2), False, False),
    ("int[1]?", OptionalType(ListType(INT, 1)), False, True),
    ("SymInt[]", ListType(BaseType("SymInt")), False, False),
    ("Scalar?", OptionalType(SCALAR), False, True),
    ("float[3]", ListType(FLOAT, 3), False, False),
    (f"int[{_schema.MAX_LIST_SIZE}]", ListType(INT, _schema.MAX_LIST_SIZE), False, False),
]


@pytest.mark.parametrize(("text", "expected", "tensor_like", "optional"), TYPES)
def test_parse_type(text: str, expected: SchemaType, tensor_like: bool, optional: bool) -> None:
    parsed = parse_type(text)
    assert parsed == expected
    assert str(parsed) == text
    assert parsed.is_tensor_like is tensor_like
    assert parsed.is_optional is optional


@pytest.mark.parametrize(
    "name",
    [
        "Tensor",
        "Scalar",
        "int",
        "float",
        "bool",
        "str",
        "ScalarType",
        "Device",
        "Layout",
        "MemoryFormat",
        "Generator",
        "SymInt",
        "Dimname",
    ],
)
def test_every_base_type_is_known(name: str) -> None:
    assert parse_type(name) == BaseType(name)
    assert parse_type(f"{name}?[]") == ListType(OptionalType(BaseType(name)))


def test_parse_type_ignores_whitespace() -> None:
    assert parse_type("  Tensor ? [ 4 ] ") == ListType(OptionalType(TENSOR), 4)


# fmt: off
TYPE_ERRORS = [
    ("Tensor(a)",
     "      ^", "alias annotations belong in a schema, not a bare type"),
    ("Foo[]",
     "^", "unknown type 'Foo'"),
    ("int[0]",
     "    ^", "list size must be a positive integer"),
    ("int x",
     "    ^", "expected end of type but found 'x'"),
    ("float[][3]",
     "       ^", "a list of lists ('float[]"),
    ("int[]?[]",
     "      ^", "a list of lists ('int[]?[]"),
    ("",
     "^", "expected a type but found end of input"),
]
# fmt: on


@pytest.mark.parametrize(("text", "caret", "fragment"), TYPE_ERRORS)
def test_malformed_type_points_at_column(text: str, caret: str, fragment: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_type(text)
    check_error(info.value, text, caret, fragment, "type")


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: BaseType("Foo"), "unknown type 'Foo'"),
        (lambda: ListType(INT, 0), "positive integer"),
        (lambda: ListType(INT, -2), "positive integer"),
        (lambda: ListType(INT, _schema.MAX_LIST_SIZE + 1), "positive integer up to"),
        (lambda: ListType(INT, 2**70), "positive integer up to"),
        (lambda: ListType(ListType(INT)), "a list of lists"),
        (lambda: ListType(OptionalType(ListType(INT))), "a list of lists"),
        (lambda: BaseType(["Tensor"]), "unknown type"),  # type: ignore[arg-type]
    ],
)
def test_types_validate_when_built_directly(make: Callable[[], object], fragment: str) -> None:
    with pytest.raises(SchemaError, match=fragment):
        make()


# ------------------------------------------------------------------------------ aliases

# fmt: off
ALIASES = [
    # schema, alias of the first argument, type of the first argument, return aliases
    ("f(Tensor(a) x) -> Tensor(a)", AliasInfo("a"), TENSOR, (AliasInfo("a"),)),
    ("f(Tensor(a!) x) -> Tensor(a!)", AliasInfo("a", True), TENSOR, (AliasInfo("a", True),)),
    ("f(Tensor(a -> *) x) -> Tensor(a)[]", AliasInfo("a", after=("*",)), TENSOR, (AliasInfo("a"),)),
    ("f(Tensor(a! -> b|c) x) -> ()", AliasInfo("a", True, ("b", "c")), TENSOR, ()),
    ("f(Tensor(a!)[] x) -> ()", AliasInfo("a", True), ListType(TENSOR), ()),
    ("f(Tensor(a!)? x) -> ()", AliasInfo("a", True), OptionalType(TENSOR), ()),
    ("f(Tensor x) -> (Tensor(a) p, Tensor q)", None, TENSOR, (AliasInfo("a"), None)),
]
# fmt: on


@pytest.mark.parametrize(("text", "alias", "type_", "return_aliases"), ALIASES)
def test_alias_annotations(
    text: str,
    alias: AliasInfo | None,
    type_: SchemaType,
    return_aliases: tuple[AliasInfo | None, ...],
) -> None:
    parsed = parse_schema(text)
    assert parsed.arguments[0].alias == alias
    assert parsed.arguments[0].type == type_
    assert tuple(r.alias for r in parsed.returns) == return_aliases


@pytest.mark.parametrize(
    ("alias", "text"),
    [
        (AliasInfo("a"), "(a)"),
        (AliasInfo("a", True), "(a!)"),
        (AliasInfo("a", False, ("*",)), "(a -> *)"),
        (AliasInfo("b", True, ("c", "*")), "(b! -> c|*)"),
    ],
)
def test_alias_str(alias: AliasInfo, text: str) -> None:
    assert str(alias) == text


@pytest.mark.parametrize(
    ("text", "mutated"),
    [
        ("f(Tensor(a!) x, Tensor(b!) y, Tensor(c) z, Tensor w) -> ()", ("x", "y")),
        ("f(Tensor x, *, Tensor(a!)[] out) -> ()", ("out",)),
        ("f(Tensor(a -> *) x) -> Tensor(a)[]", ()),
        ("f(Tensor x) -> Tensor", ()),
    ],
)
def test_mutated_arguments(text: str, mutated: tuple[str, ...]) -> None:
    parsed = parse_schema(text)
    assert parsed.mutated_arguments == mutated
    assert parsed.is_mutable is bool(mutated)


# ----------------------------------------------------------------------------- defaults

DEFAULTS = [
    # declaration, expected default (compared with its type)
    ("int x=3", 3),
    ("int x=-1", -1),
    ("int x=0", 0),
    ("SymInt x=7", 7),
    ("float x=1e-05", 1e-05),
    ("float x=1.5E3", 1500.0),
    ("float x=2", 2.0),
    ("float x=-3", -3.0),
    ("float x=inf", math.inf),
    ("float x=-inf", -math.inf),
    ("Scalar x=1", 1),
    ("Scalar x=0.5", 0.5),
    ("Scalar x=True", True),
    ("bool x=True", True),
    ("bool x=False", False),
    ("int? x=None", None),
    ("Tensor? x=None", None),
    ("ScalarType? x=None", None),
    ("str x='none'", "none"),
    ('str x="mean"', "mean"),
    ("str x=''", ""),
    ("str x='it\\'s'", "it's"),
    ('str x="a \\"b\\""', 'a "b"'),
    ("str x='a\\\\b'", "a\\b"),
    ("str x='->, ()'", "->, ()"),
    ("int[] x=[]", ()),
    ("int[] x=[0, 1]", (0, 1)),
    ("int[] x=[-1,2]", (-1, 2)),
    ("int[2] x=1", (1, 1)),
    ("int[3] x=[1, 2, 3]", (1, 2, 3)),
    ("int[1] x=[]", ()),
    ("int[1]? x=0", (0,)),
    ("int[]? x=None", None),
    ("float[] x=[1, 2.5]", (1.0, 2.5)),
    ("bool[] x=[True, False]", (True, False)),
    ("int?[] x=[None, 2]", (None, 2)),
    ("str[] x=['a', \"b\"]", ("a", "b")),
]


def same_value(a: object, b: object) -> bool:
    """Equal and of the same type, element by element (True is not 1, 2.0 is not 2)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize(("declaration", "expected"), DEFAULTS)
def test_defaults(declaration: str, expected: DefaultValue) -> None:
    (argument,) = parse_schema(f"f({declaration}) -> ()").arguments
    assert argument.has_default
    assert same_value(argument.default, expected)


def test_nan_default() -> None:
    text = "f(float x=nan, float[] y=[1, nan], float z=-nan) -> ()"
    first, second = parse_schema(text), parse_schema(text)
    x, y, z = first.arguments
    assert isinstance(x.default, float) and math.isnan(x.default)
    assert isinstance(y.default, tuple) and isinstance(y.default[1], float)
    assert math.isnan(y.default[1])
    assert isinstance(z.default, float) and math.isnan(z.default)
    assert first == second
    assert hash(first) == hash(second)


def test_missing_default_is_the_sentinel() -> None:
    a, b, c = parse_schema("f(int a, bool b=False, int? c=None) -> ()").arguments
    assert a.default is NO_DEFAULT and not a.has_default
    assert b.default is False and b.has_default
    assert c.default is None and c.has_default
    assert repr(NO_DEFAULT) == "NO_DEFAULT"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("f(Scalar x=1) -> ()", "f(Scalar x=True) -> ()"),
        ("f(Scalar x=1) -> ()", "f(Scalar x=1.0) -> ()"),
        ("f(int x=1) -> ()", "f(int x=2) -> ()"),
        ("f(int x) -> ()", "f(int? x=None) -> ()"),
    ],
)
def test_defaults_of_different_type_or_value_differ(left: str, right: str) -> None:
    assert parse_schema(left) != parse_schema(right)


# ------------------------------------------------------------------------------ schemas


@pytest.mark.parametrize(
    ("text", "positional", "kwarg_only"),
    [
        ("f(Tensor a, Tensor b) -> ()", ("a", "b"), ()),
        ("f(Tensor a, *, int b, int c=1) -> ()", ("a",), ("b", "c")),
        ("f(*, int b) -> ()", (), ("b",)),
        ("f(int a=1, *, int b) -> ()", ("a",), ("b",)),
        ("f() -> ()", (), ()),
    ],
)
def test_kwarg_only_split(
    text: str, positional: tuple[str, ...], kwarg_only: tuple[str, ...]
) -> None:
    parsed = parse_schema(text)
    assert tuple(a.name for a in parsed.positional) == positional
    assert tuple(a.name for a in parsed.kwarg_only) == kwarg_only
    assert all(a.kwarg_only for a in parsed.kwarg_only)
    assert not any(a.kwarg_only for a in parsed.positional)


@pytest.mark.parametrize(
    ("text", "qualified", "overload", "inplace"),
    [
        ("add.Tensor(Tensor a) -> Tensor", "add", "Tensor", False),
        ("pb::add.Tensor(Tensor a) -> Tensor", "pb::add", "Tensor", False),
        ("pb::add_(Tensor(a!) a) -> Tensor(a!)", "pb::add_", "", True),
        ("add_.Scalar(Tensor(a!) a) -> Tensor(a!)", "add_", "Scalar", True),
        ("__iand__.Tensor(Tensor(a!) a) -> Tensor(a!)", "__iand__", "Tensor", False),
        ("_foo(Tensor a) -> Tensor", "_foo", "", False),
    ],
)
def test_names(text: str, qualified: str, overload: str, inplace: bool) -> None:
    parsed = parse_schema(text)
    assert parsed.qualified_name == qualified
    assert parsed.overload_name == overload
    assert parsed.is_inplace is inplace


def test_schemas_are_hashable_values() -> None:
    text = "pb::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor"
    table = {parse_schema(text): "add"}
    assert table[parse_schema(text)] == "add"
    assert parse_schema(text) != parse_schema(text.replace("alpha=1", "alpha=2"))


# ------------------------------------------------------- hostile text, bounded costs

# Each would raise ValueError, OverflowError or RecursionError, or take seconds and
# megabytes, before the parser bounded them; now each is a SchemaError with a column.
# fmt: off
HOSTILE = [
    pytest.param("f(int x=" + "9" * 5000 + ") -> ()", 9, "does not fit in 64 bits",
                 id="int-over-4300-digits"),
    pytest.param("f(int x=9223372036854775808) -> ()", 9, "does not fit in 64 bits",
                 id="int-2**63"),
    pytest.param("f(Scalar x=-9223372036854775809) -> ()", 13, "does not fit in 64 bits",
                 id="int-below-int64"),
    pytest.param(f"f(int[{2**70}] x) -> ()", 7, "is larger than 64", id="list-size-2**70"),
    pytest.param("f(int[10000000] x=1) -> ()", 7, "is larger than 64",
                 id="list-size-ten-million"),
    pytest.param("f(int[" + "0" * 5000 + "1" + "1" * 5000 + "] x) -> ()", 7,
                 "is larger than 64", id="list-size-10000-digits"),
    pytest.param("f(float x=1" + "0" * 400 + ") -> ()", 11, "does not fit in 64 bits",
                 id="int-default-of-float-400-zeros"),
    pytest.param("f(float x=1" + "0" * 400 + ".0) -> ()", 11, "too large for a float64",
                 id="float-400-zeros"),
    pytest.param("f(float x=-1e400) -> ()", 12, "too large for a float64", id="float-1e400"),
    pytest.param("f(int" + "[]" * 1000 + " x) -> ()", 8, "a list of lists",
                 id="a-thousand-brackets"),
    pytest.param("f(Tensor x) -> Tensor" + "[]?" * 1000, 25, "a list of lists",
                 id="nested-return-type"),
]
# fmt: on


@pytest.mark.parametrize(("text", "column", "fragment"), HOSTILE)
def test_hostile_schema_is_a_schema_error_with_a_column(
    text: str, column: int, fragment: str
) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(text)
    message = str(info.value)
    first = message.split("\n", 1)[0]
    assert fragment in first
    assert first.endswith(f"at column {column}")
    # The message quotes the text around the column only, however long the text is.
    assert len(message) < 600


@pytest.mark.parametrize("text", [None, 3, b"f() -> ()", ["f() -> ()"]])
def test_a_schema_that_is_not_a_str_is_a_schema_error(text: Any) -> None:
    with pytest.raises(SchemaError, match="is given as a str"):
        parse_schema(text)
    with pytest.raises(SchemaError, match="is given as a str"):
        parse_type(text)


def test_the_largest_fixed_size_list_default_is_bounded() -> None:
    (argument,) = parse_schema(f"f(int[{_schema.MAX_LIST_SIZE}] x=1) -> ()").arguments
    assert argument.default == (1,) * _schema.MAX_LIST_SIZE
    assert parse_schema("f(int x=-9223372036854775808) -> ()").arguments[0].default == -(2**63)


def test_many_named_returns_parse_in_linear_time() -> None:
    # 20,000 named returns took 11 s with the quadratic duplicate-name check. Ten times
    # the returns must take far less than a hundred times as long (a quadratic check's
    # ratio); against the same parse of fewer names, so a loaded machine slows both. The
    # garbage collector is off while timing: in a long test session its passes over the
    # whole heap grow with what the session keeps, not with the parse.
    def seconds(count: int) -> float:
        names = ", ".join(f"Tensor r{i}" for i in range(count))
        assert len(parse_schema(f"f() -> ({names})").returns) == count
        best = math.inf
        for _ in range(3):
            gc.disable()
            try:
                start = time.perf_counter()
                with pytest.raises(SchemaError, match="duplicate return name 'r0'"):
                    parse_schema(f"f() -> ({names}, Tensor r0)")  # uncached: it fails
                best = min(best, time.perf_counter() - start)
            finally:
                gc.enable()
        return best

    small, large = seconds(2_000), seconds(20_000)
    assert large < 40 * small


# Fragments of schema syntax, good and bad, from which the fuzzer builds texts.
_PIECES = [
    "f", "pb::", ".", "(", ")", "->", ",", "*", "=", "?", "[", "]", "[2]", "[]", "!", "|",
    "-", "Tensor", "Tensor(a!)", "Tensor(a -> *)", "int", "float", "bool", "str", "Scalar",
    "ScalarType", "Device", "x", "self", "None", "True", "inf", "nan", "0", "1", "64", "65",
    "9" * 25, "9" * 4400, "1.5", "1e400", "2e-3", "'s'", '"q\\"', "'", " ", "\t", "\n", "\u00e9",
]
# Numbers of every size: huge integers (past int64, past 4300 digits), long floats.
_NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(0, 6000).map(lambda n: "1" + "0" * n),
    st.integers(0, 500).map(lambda n: "1" + "0" * n + ".5"),
    st.integers(-500, 500).map(lambda n: f"1e{n}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
_DEFAULTS = st.one_of(
    _NUMBERS, _NUMBERS.map(lambda n: "-" + n), _NUMBERS.map(lambda n: f"[{n}, 1]"),
    st.sampled_from(["None", "True", "'s'", "[]", "inf", "-inf", "nan", "[None]"]),
)
_TYPES = st.builds(
    lambda base, suffixes: base + "".join(suffixes),
    st.sampled_from(["Tensor", "Tensor(a!)", "int", "float", "bool", "str", "Scalar", "Device"]),
    st.lists(st.one_of(st.sampled_from(["?", "[]", "[2]", "[0]"]),
                       _NUMBERS.map(lambda n: f"[{n}]")), max_size=4),
)
_SCHEMAS = st.builds(
    lambda t, d, r: f"f({t} x{'' if d is None else '=' + d}) -> {r}",
    _TYPES, st.none() | _DEFAULTS, _TYPES,
)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        _SCHEMAS,
        st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
        st.text(max_size=80),
    )
)
def test_fuzzed_text_raises_only_schema_errors(text: str) -> None:
    for parse in (parse_schema, parse_type):
        try:
            parsed = parse(text)
        except SchemaError as error:
            first = str(error).split("\n", 1)[0]
            assert " at column " in first or " at line " in first
            assert len(str(error)) < 1000
        else:
            # Whatever parses prints back to text that parses to the same thing.
            assert parse(str(parsed)) == parsed


def test_doctests() -> None:
    result = doctest.testmod(_schema, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
