"""Operator schemas: the data model and a parser for PyTorch's schema syntax.

A schema names an operator and describes its arguments and returns::

    pb::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor

The text is split into tokens by :func:`_tokenize`, then read by
:class:`_Parser`, one method per rule of this grammar (whitespace is ignored
between tokens)::

    schema    = operator "(" [ params ] ")" "->" returns ;
    operator  = [ IDENT "::" ] IDENT [ "." IDENT ] ;
    params    = param { "," param } ;
    param     = "*" | argument ;
    argument  = type IDENT [ "=" default ] ;
    type      = IDENT [ alias ] { "?" | "[" [ INT ] "]" } ;
    alias     = "(" IDENT [ "!" ] [ "->" after { "|" after } ] ")" ;
    after     = "*" | IDENT ;
    default   = "[" [ scalar { "," scalar } ] "]" | scalar ;
    scalar    = [ "-" ] ( INT | FLOAT | "inf" | "nan" )
              | "True" | "False" | "None" | STRING ;
    returns   = "(" [ return { "," return } ] ")" | return ;
    return    = type [ IDENT ] ;

    IDENT     = ( letter | "_" ) { letter | digit | "_" } ;
    INT       = digit { digit } ;
    FLOAT     = INT ( "." INT [ exponent ] | exponent ) ;
    exponent  = ( "e" | "E" ) [ "+" | "-" ] INT ;
    STRING    = "'" { char } "'" | '"' { char } '"' ;   (escapes: \\\\ \\' \\")

Beyond the grammar the parser checks that type names are known, that an alias
annotation sits on a Tensor, that a list's elements are not lists (``int[][]``,
as PyTorch's parser refuses), that a fixed list size is at most
:data:`MAX_LIST_SIZE`, that integers fit in 64 bits and floats are finite
(``inf`` is written ``inf``), that argument and return names are unique, that
positional arguments with defaults come last, that ``*`` appears once and is
followed by an argument, and that each default fits its argument's type. Every
error is a :class:`~plugboard._errors.SchemaError` whose message quotes the
text around the offending column and puts a caret under it. Parsing takes time
and memory linear in the text, whatever the text.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal, NamedTuple, TypeAlias, cast

from plugboard._core.errors import SchemaError

__all__ = [
    "MAX_LIST_SIZE",
    "AliasInfo",
    "Argument",
    "BaseType",
    "DefaultValue",
    "FunctionSchema",
    "ListType",
    "NO_DEFAULT",
    "OptionalType",
    "Return",
    "SchemaType",
    "parse_schema",
    "parse_type",
]

MAX_LIST_SIZE: Final = 64
"""The largest N of ``T[N]``: fixed sizes count dimensions (a conv's ``int[2] stride``),
and a single default stands for N copies, so N is kept small."""

_INT64_MIN: Final = -(1 << 63)
_INT64_MAX: Final = (1 << 63) - 1

_BASE_TYPES: Final = frozenset(
    {"Tensor", "Scalar", "int", "float", "bool", "str", "ScalarType", "Device", "Layout"}
    | {"MemoryFormat", "Generator", "SymInt", "Dimname"}
)


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BaseType:
    """A named type such as ``Tensor``, ``int`` or ``ScalarType``."""

    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or self.name not in _BASE_TYPES:
            raise SchemaError(f"unknown type {self.name!r:.60}; known types: {_known_types()}")

    def __str__(self) -> str:
        return self.name

    @property
    def is_tensor_like(self) -> bool:
        return self.name == "Tensor"

    @property
    def is_optional(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class OptionalType:
    """``T?``: a value of ``elem`` or None."""

    elem: SchemaType

    def __str__(self) -> str:
        return _format_type(self, None)

    @property
    def is_tensor_like(self) -> bool:
        return self.elem.is_tensor_like

    @property
    def is_optional(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class ListType:
    """``T[]`` (``size`` None) or ``T[N]``, whose single-value default stands for N copies."""

    elem: SchemaType
    size: int | None = None

    def __post_init__(self) -> None:
        size = self.size
        if size is not None and (
            isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_LIST_SIZE
        ):
            raise SchemaError(
                f"list size must be a positive integer up to {MAX_LIST_SIZE}, not {size!r:.60}"
            )
        if _is_list(self.elem):
            raise SchemaError(f"a list of lists ({self.elem}[]) is not a schema type")

    def __str__(self) -> str:
        return _format_type(self, None)

    @property
    def is_tensor_like(self) -> bool:
        return self.elem.is_tensor_like

    @property
    def is_optional(self) -> bool:
        return False


SchemaType: TypeAlias = BaseType | OptionalType | ListType


@dataclass(frozen=True, slots=True)
class AliasInfo:
    """An alias annotation: ``(a)``, ``(a!)`` (written in place), ``(a -> *)``.

    ``after`` lists the alias sets the value belongs to after the call; ``*``
    stands for "any", as for the pieces returned by ``split``.
    """

    name: str
    is_write: bool = False
    after: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = self.name + ("!" if self.is_write else "")
        if self.after:
            text += " -> " + "|".join(self.after)
        return f"({text})"


def _format_type(t: SchemaType, alias: AliasInfo | None) -> str:
    # The annotation belongs right after the base name: Tensor(a!)[], Tensor(a)?.
    if isinstance(t, BaseType):
        return t.name + (str(alias) if alias is not None else "")
    if isinstance(t, OptionalType):
        return _format_type(t.elem, alias) + "?"
    size = "" if t.size is None else str(t.size)
    return f"{_format_type(t.elem, alias)}[{size}]"


def _is_list(t: SchemaType) -> bool:
    """Whether ``t`` is a list, or an optional list."""
    return isinstance(t.elem if isinstance(t, OptionalType) else t, ListType)


def _known_types() -> str:
    return ", ".join(sorted(_BASE_TYPES, key=str.lower))


# ------------------------------------------------------------------ arguments, returns


class _NoDefault(Enum):
    NO_DEFAULT = "NO_DEFAULT"

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault.NO_DEFAULT
"""The :attr:`Argument.default` of an argument that has none."""

_Scalar: TypeAlias = int | float | bool | str | None
DefaultValue: TypeAlias = _Scalar | tuple[_Scalar, ...]


def _default_key(value: DefaultValue | _NoDefault) -> object:
    # Compare by type too (True is not 1), and let NaN equal NaN so that a
    # schema with a nan default still equals its own reparse.
    if isinstance(value, tuple):
        return tuple(_default_key(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    return (type(value), value)


def _format_default(value: DefaultValue) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_format_default(v) for v in value) + "]"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    return str(value)


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument: its type, name, default and alias annotation.

    ``default`` is :data:`NO_DEFAULT` or a value of the argument's type: a
    float argument's default is a float, a list's is a tuple, and a single
    number given for a fixed-size list (``int[2] stride=1``) is repeated.
    """

    name: str
    type: SchemaType
    default: DefaultValue | _NoDefault = NO_DEFAULT
    kwarg_only: bool = False
    alias: AliasInfo | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT

    def __str__(self) -> str:
        text = f"{_format_type(self.type, self.alias)} {self.name}"
        if not isinstance(self.default, _NoDefault):
            text += "=" + _format_default(self.default)
        return text

    def _key(self) -> tuple[object, ...]:
        return (self.name, self.type, _default_key(self.default), self.kwarg_only, self.alias)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Argument):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True)
class Return:
    """One returned value: its type, optional name and alias annotation."""

    name: str | None
    type: SchemaType
    alias: AliasInfo | None = None

    def __str__(self) -> str:
        text = _format_type(self.type, self.alias)
        return text if self.name is None else f"{text} {self.name}"


@dataclass(frozen=True, slots=True)
class FunctionSchema:
    """A parsed operator schema; ``str()`` gives back canonical schema text."""

    namespace: str | None
    name: str
    overload_name: str
    arguments: tuple[Argument, ...]
    returns: tuple[Return, ...]

    @property
    def qualified_name(self) -> str:
        """``ns::name``, or the bare name without a namespace; never the overload."""
        return self.name if self.namespace is None else f"{self.namespace}::{self.name}"

    @property
    def is_inplace(self) -> bool:
        """Whether the name follows the in-place convention (``add_``, not ``__and__``)."""
        dunder = self.name.startswith("__") and self.name.endswith("__")
        return self.name.endswith("_") and not dunder

    @property
    def is_mutable(self) -> bool:
        """Whether some argument is written to (``Tensor(a!)``)."""
        return bool(self.mutated_arguments)

    @property
    def mutated_arguments(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.arguments if a.alias is not None and a.alias.is_write)

    @property
    def positional(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if not a.kwarg_only)

    @property
    def kwarg_only(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.kwarg_only)

    def __str__(self) -> str:
        head = self.qualified_name + (f".{self.overload_name}" if self.overload_name else "")
        params: list[str] = []
        for a in self.arguments:
            if a.kwarg_only and "*" not in params:
                params.append("*")
            params.append(str(a))
        if len(self.returns) == 1 and self.returns[0].name is None:
            returns = str(self.returns[0])
        else:
            returns = "(" + ", ".join(str(r) for r in self.returns) + ")"
        return f"{head}({', '.join(params)}) -> {returns}"


# ------------------------------------------------------------------------- lexer

_Kind: TypeAlias = Literal["ident", "int", "float", "string", "op", "eof"]


class _Token(NamedTuple):  # a tuple: made ~30 times a schema, so cheap to build
    kind: _Kind
    text: str  # as written; a string keeps its quotes and escapes
    column: int  # 1-based position of the first character in the source text


_TOKEN_RE: Final = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<float>[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))
    | (?P<int>[0-9]+)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>::|->|[()\[\],=?!*.|-])
    """,
    re.VERBOSE,
)
_ESCAPABLE: Final = "\\'\""


def _error(source: str, what: str, message: str, column: int) -> SchemaError:
    """A SchemaError that quotes the line of ``source`` holding ``column``, with a caret."""
    offset = column - 1
    line_start = source.rfind("\n", 0, offset) + 1
    line_end = source.find("\n", offset)
    line = source[line_start : len(source) if line_end < 0 else line_end]
    col = offset - line_start + 1
    where = f"column {col}"
    if "\n" in source:
        line_number = source.count("\n", 0, line_start) + 1
        where = f"line {line_number}, {where}"
    # A long line is shown around the column only, so the message stays short.
    start = max(col - 1 - _CONTEXT, 0)
    end = min(col - 1 + _CONTEXT, len(line))
    shown = ("..." if start else "") + line[start:end] + ("..." if end < len(line) else "")
    caret = col - 1 - start + (3 if start else 0)
    # A tab would shift the caret, so show it as one space.
    shown = shown.replace("\t", " ")
    return SchemaError(f"invalid {what}: {message} at {where}\n  {shown}\n  {' ' * caret}^")


_CONTEXT: Final = 60  # characters of the source shown on each side of an error


def _tokenize(source: str, what: str) -> list[_Token]:
    """Split ``source`` into tokens, ending with an ``eof`` token."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char in "'\"":
            end = _string_end(source, pos, what)
            tokens.append(_Token("string", source[pos:end], pos + 1))
            pos = end
            continue
        match = _TOKEN_RE.match(source, pos)
        if match is None:
            raise _error(source, what, f"unexpected character {char!r}", pos + 1)
        if match.lastgroup != "space":
            tokens.append(_Token(cast(_Kind, match.lastgroup), match.group(), pos + 1))
        pos = match.end()
    # End of input sits just past the last non-blank character.
    tokens.append(_Token("eof", "", len(source.rstrip()) + 1))
    return tokens


def _string_end(source: str, start: int, what: str) -> int:
    """The offset just past the string literal opening at ``start``."""
    quote = source[start]
    pos = start + 1
    while pos < len(source):
        char = source[pos]
        if char == quote:
            return pos + 1
        if char == "\\" and pos + 1 < len(source):
            if source[pos + 1] not in _ESCAPABLE:
                raise _error(
                    source, what, "invalid escape; only \\\\, \\' and \\\" are allowed", pos + 1
                )
            pos += 1
        pos += 1
    raise _error(source, what, "unterminated string", start + 1)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


# ------------------------------------------------------------------------ parser


class _Mismatch(Exception):
    """A default value that does not fit its type; the message is an optional hint."""


class _Parser:
    """A recursive-descent parser: one method per grammar rule (see the module docstring)."""

    def __init__(self, source: str, what: str) -> None:
        self._source = source
        self._what = what
        self._tokens = _tokenize(source, what)
        self._pos = 0

    # --- token helpers

    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _next(self) -> _Token:
        token = self._tokens[self._pos]
        if token.kind != "eof":
            self._pos += 1
        return token

    def _accept(self, op: str) -> _Token | None:
        token = self._peek()
        if token.kind == "op" and token.text == op:
            return self._next()
        return None

    def _expect(self, *ops: str) -> _Token:
        token = self._peek()
        if token.kind == "op" and token.text in ops:
            return self._next()
        wanted = " or ".join(f"'{op}'" for op in ops)
        raise self._error(f"expected {wanted} but found {_describe(token)}", token)

    def _ident(self, wanted: str) -> _Token:
        token = self._peek()
        if token.kind != "ident":
            raise self._error(f"expected {wanted} but found {_describe(token)}", token)
        return self._next()

    def _error(self, message: str, token: _Token) -> SchemaError:
        return _error(self._source, self._what, message, token.column)

    def _text_from(self, start: _Token) -> str:
        """The source text from ``start`` to the last token read."""
        last = self._tokens[self._pos - 1]
        return self._source[start.column - 1 : last.column - 1 + len(last.text)]

    # --- grammar rules

    def schema(self) -> FunctionSchema:
        namespace, name, overload = self.operator()
        arguments = self.params()
        self._expect("->")
        returns = self.returns()
        self.end()
        return FunctionSchema(namespace, name, overload, arguments, returns)

    def operator(self) -> tuple[str | None, str, str]:
        namespace = None
        name = self._ident("an operator name").text
        if self._accept("::"):
            namespace, name = name, self._ident("an operator name").text
        overload = self._ident("an overload name").text if self._accept(".") else ""
        return namespace, name, overload

    def params(self) -> tuple[Argument, ...]:
        self._expect("(")
        arguments: list[Argument] = []
        seen: set[str] = set()
        star: _Token | None = None
        last_default: str | None = None  # last positional argument with a default
        if self._accept(")"):
            return ()
        while True:
            token = self._peek()
            if self._accept("*"):
                if star is not None:
                    raise self._error("'*' may appear only once", token)
                star = token
            else:
                argument, name = self.argument(kwarg_only=star is not None)
                if argument.name in seen:
                    raise self._error(f"duplicate argument name {argument.name!r}", name)
                if not argument.kwarg_only:
                    if argument.has_default:
                        last_default = argument.name
                    elif last_default is not None:
                        raise self._error(
                            f"argument {argument.name!r} has no default but follows "
                            f"{last_default!r}, which has one",
                            name,
                        )
                seen.add(argument.name)
                arguments.append(argument)
            if self._expect(",", ")").text == ")":
                break
        if star is not None and not any(a.kwarg_only for a in arguments):
            raise self._error("'*' must be followed by keyword-only arguments", star)
        return tuple(arguments)

    def argument(self, kwarg_only: bool) -> tuple[Argument, _Token]:
        type_, alias = self.type(allow_alias=True)
        name = self._ident("an argument name")
        default: DefaultValue | _NoDefault = NO_DEFAULT
        if self._accept("="):
            default = self.default(type_)
        return Argument(name.text, type_, default, kwarg_only, alias), name

    def type(self, allow_alias: bool) -> tuple[SchemaType, AliasInfo | None]:
        token = self._ident("a type")
        if token.text not in _BASE_TYPES:
            raise self._error(
                f"unknown type {token.text!r:.60}; known types: {_known_types()}", token
            )
        result: SchemaType = BaseType(token.text)
        alias = None
        paren = self._peek()
        if paren.kind == "op" and paren.text == "(":
            if not allow_alias:
                raise self._error("alias annotations belong in a schema, not a bare type", paren)
            if token.text != "Tensor":
                raise self._error(f"an alias annotation needs a Tensor, not {token.text}", paren)
            alias = self.alias()
        while True:
            mark = self._peek()
            if self._accept("?"):
                if isinstance(result, OptionalType):
                    raise self._error(f"type '{result}' is already optional", mark)
                result = OptionalType(result)
            elif self._accept("["):
                if _is_list(result):
                    # PyTorch's schemas have no lists of lists; int[][] would also nest
                    # without bound (int[][][]...).
                    raise self._error(
                        f"a list of lists ('{result}[]') is not a schema type; use one level "
                        "of [], as PyTorch's schemas do",
                        mark,
                    )
                size = self._peek()
                if size.kind == "int":
                    self._next()
                    digits = size.text.lstrip("0")
                    if not digits:
                        raise self._error("list size must be a positive integer", size)
                    if len(digits) > 2 or int(digits) > MAX_LIST_SIZE:
                        raise self._error(
                            f"list size {_shorten(size.text)} is larger than {MAX_LIST_SIZE}, the "
                            "most a fixed-size list may hold",
                            size,
                        )
                elif not (size.kind == "op" and size.text == "]"):
                    raise self._error(
                        f"expected a list size (a positive integer) or ']' "
                        f"but found {_describe(size)}",
                        size,
                    )
                self._expect("]")
                result = ListType(result, int(size.text) if size.kind == "int" else None)
            else:
                return result, alias

    def alias(self) -> AliasInfo:
        self._expect("(")
        name = self._ident("an alias set name").text
        is_write = self._accept("!") is not None
        after: list[str] = []
        if self._accept("->"):
            while True:
                after.append("*" if self._accept("*") else self._ident("an alias set").text)
                if not self._accept("|"):
                    break
        self._expect(")")
        return AliasInfo(name, is_write, tuple(after))

    def default(self, type_: SchemaType) -> DefaultValue:
        start = self._peek()
        value: DefaultValue
        if self._accept("["):
            items: list[_Scalar] = []
            if not self._accept("]"):
                while True:
                    items.append(self.scalar())
                    if self._expect(",", "]").text == "]":
                        break
            value = tuple(items)
        else:
            value = self.scalar()
        try:
            return _coerce(type_, value)
        except _Mismatch as mismatch:
            hint = f" ({mismatch})" if str(mismatch) else ""
            message = f"default {self._text_from(start)} does not fit type '{type_}'{hint}"
            raise self._error(message, start) from None

    def scalar(self) -> _Scalar:
        token = self._next()
        if token.kind == "op" and token.text == "-":
            number = self._next()
            if not _is_number(number):
                found = _describe(number)
                raise self._error(f"expected a number after '-' but found {found}", number)
            return self.number(number, negative=True)
        if _is_number(token):
            return self.number(token, negative=False)
        if token.kind == "string":
            return _unquote(token.text)
        constants: dict[str, _Scalar] = {"True": True, "False": False, "None": None}
        if token.kind == "ident" and token.text in constants:
            return constants[token.text]
        raise self._error(f"expected a default value but found {_describe(token)}", token)

    def number(self, token: _Token, negative: bool) -> int | float:
        """An INT, FLOAT, ``inf`` or ``nan`` token: an int64, or a finite float."""
        sign = "-" if negative else ""
        if token.kind == "int":
            # Measured as text first: int() of thousands of digits is refused by Python.
            digits = token.text.lstrip("0") or "0"
            value = int(digits) if len(digits) <= len(str(_INT64_MAX)) else None
            if value is not None and negative:
                value = -value
            if value is None or not _INT64_MIN <= value <= _INT64_MAX:
                raise self._error(
                    f"integer {sign}{_shorten(token.text)} does not fit in 64 bits "
                    f"({_INT64_MIN} to {_INT64_MAX})",
                    token,
                )
            return value
        if token.text == "nan":
            return math.nan
        number = float(token.text)  # also reads "inf"
        if math.isinf(number) and token.text != "inf":
            raise self._error(
                f"float {sign}{_shorten(token.text)} is too large for a float64; write inf "
                "if infinity is meant",
                token,
            )
        return -number if negative else number

    def returns(self) -> tuple[Return, ...]:
        if not self._accept("("):
            return (self.return_(),)
        returns: list[Return] = []
        names: set[str] = set()
        if self._accept(")"):
            return ()
        while True:
            returned = self.return_()
            if returned.name is not None:
                if returned.name in names:
                    name = self._tokens[self._pos - 1]  # a return's name is its last token
                    raise self._error(f"duplicate return name {returned.name!r}", name)
                names.add(returned.name)
            returns.append(returned)
            if self._expect(",", ")").text == ")":
                return tuple(returns)

    def return_(self) -> Return:
        type_, alias = self.type(allow_alias=True)
        name = self._next().text if self._peek().kind == "ident" else None
        return Return(name, type_, alias)

    def end(self) -> None:
        token = self._peek()
        if token.kind != "eof":
            raise self._error(f"expected end of {self._what} but found {_describe(token)}", token)


def _describe(token: _Token) -> str:
    if token.kind == "eof":
        return "end of input"
    if token.kind == "string":
        return f"string {_shorten(token.text)}"
    return f"'{_shorten(token.text)}'"


def _shorten(text: str) -> str:
    """A token's text for a message: long ones (a 5000-digit number) cut in the middle."""
    return text if len(text) <= 40 else f"{text[:18]}...{text[-18:]} ({len(text)} characters)"


def _is_number(token: _Token) -> bool:
    return token.kind in ("int", "float") or (
        token.kind == "ident" and token.text in ("inf", "nan")
    )


def _coerce(type_: SchemaType, value: DefaultValue) -> DefaultValue:
    """``value`` as a default of ``type_``; raises _Mismatch when it does not fit."""
    if isinstance(type_, OptionalType):
        return None if value is None else _coerce(type_.elem, value)
    if value is None:
        raise _Mismatch(_NONE_HINT)
    if type_.is_tensor_like:
        raise _Mismatch("a Tensor can only default to None, as Tensor?")
    if isinstance(type_, ListType):
        if isinstance(value, tuple):
            # The size is not checked, as in PyTorch: int[1] dim=[] means "all dims".
            return tuple(_coerce_scalar(type_.elem, v) for v in value)
        if type_.size is not None:
            # As in PyTorch, one number stands for all elements: int[2] stride=1.
            return (_coerce_scalar(type_.elem, value),) * type_.size
        raise _Mismatch("a list needs a list default such as [0, 1]")
    return _coerce_scalar(type_, value)


_NONE_HINT: Final = "only an optional type, such as int?, can default to None"


def _coerce_scalar(type_: SchemaType, value: DefaultValue) -> _Scalar:
    if isinstance(type_, OptionalType):
        return None if value is None else _coerce_scalar(type_.elem, value)
    if value is None:
        raise _Mismatch(_NONE_HINT)
    if isinstance(type_, ListType) or isinstance(value, tuple):
        raise _Mismatch("")
    name = type_.name
    if name not in ("int", "SymInt", "float", "bool", "str", "Scalar"):
        raise _Mismatch(f"a {name} can only default to None, as {name}?")
    # bool before int: True is an int to Python but not to a schema.
    if isinstance(value, bool):
        fits = name in ("bool", "Scalar")
    elif isinstance(value, int):
        fits = name in ("int", "SymInt", "float", "Scalar")
    elif isinstance(value, float):
        fits = name in ("float", "Scalar")
    else:
        fits = name == "str"
    if not fits:
        raise _Mismatch("")
    return float(value) if name == "float" else value


# ---------------------------------------------------------------------- public API


def _text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise SchemaError(
            f"invalid {what}: a {what} is given as a str, such as "
            f"{'f(Tensor x) -> Tensor' if what == 'schema' else 'Tensor?'!r}, not "
            f"{type(text).__name__}"
        )
    return text


def parse_schema(text: str) -> FunctionSchema:
    """Parse an operator schema written in PyTorch's syntax.

    >>> s = parse_schema("pb::add_(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)")
    >>> s.qualified_name, s.is_inplace, s.mutated_arguments
    ('pb::add_', True, ('self',))
    >>> [a.name for a in s.kwarg_only], s.kwarg_only[0].default
    (['alpha'], 1)
    >>> str(s) == "pb::add_(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)"
    True

    Raises :class:`~plugboard._errors.SchemaError`, pointing at the column, when
    the text is malformed.
    """
    if type(text) is str:
        return _parse_schema_text(text)
    return _Parser(_text(text, "schema"), "schema").schema()  # raises: not a string


# A schema is immutable, and the core's ~160 are read several times at start-up
# (the opset tables, Library.define): each text is parsed once.
@functools.lru_cache(maxsize=2048)
def _parse_schema_text(text: str) -> FunctionSchema:
    return _Parser(_text(text, "schema"), "schema").schema()


def parse_type(text: str) -> SchemaType:
    """Parse a type such as ``Tensor?[]`` or ``int[2]`` (no alias annotation).

    >>> parse_type("int[2]?")
    OptionalType(elem=ListType(elem=BaseType(name='int'), size=2))
    """
    parser = _Parser(_text(text, "type"), "type")
    result, _ = parser.type(allow_alias=False)
    parser.end()
    return result
