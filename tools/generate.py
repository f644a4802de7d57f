"""Write the files derived from the operator registry, or check that they are current.

    python tools/generate.py           # rewrite them
    python tools/generate.py --check   # exit 1 if any is stale (CI runs this)

From the registered ``pb::`` operators (their schemas, one-line descriptions
and examples) this writes:

- ``plugboard/_frontend/functions.py``: ``pb.add`` and every other operator as
  a real function, with its signature, types and a docstring whose example
  runs as a doctest; and the table of tensor methods;
- ``plugboard/_core/tensor_methods.pyi``: the methods of ``pb.Tensor``,
  declared for type checkers and editors;
- ``docs/opset.md``: the opset specification.

The registry is the one operator list: to add an operator, define it in its
section module (``plugboard/_ops/``), give it a line in
``plugboard/_ops/descriptions.py``, and run this script.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from collections.abc import Iterable
from pathlib import Path

import plugboard as pb
from plugboard._dispatch.keys import CompositeImplicit
from plugboard._dispatch.registry import OperatorDef, registered_ops
from plugboard._dispatch.schema import (
    NO_DEFAULT,
    Argument,
    BaseType,
    ListType,
    OptionalType,
    SchemaType,
)
from plugboard._frontend.like import DTYPE_METHODS
from plugboard._ops import OPSET_VERSION, SECTIONS
from plugboard._ops.descriptions import DESCRIPTIONS
from plugboard_conformance._levels import differentiable_ops
from plugboard_conformance._opset_v1 import OPSET as OPSET_V1

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dispatcher" / "src" / "plugboard"
FUNCTIONS = PACKAGE / "_frontend" / "functions.py"
STUB = PACKAGE / "_core" / "tensor_methods.pyi"
OPSET = ROOT / "docs" / "opset.md"

# Operators users reach through a Python front end (a function that chooses
# between forms or takes varargs), not through a generated function. The
# front end is re-exported under its own name; None: no pb.* function.
FRONT_ENDS: dict[str, str | None] = {
    # factories: sizes as varargs
    "empty": "plugboard._frontend.factories", "zeros": "plugboard._frontend.factories",
    "ones": "plugboard._frontend.factories", "full": "plugboard._frontend.factories",
    "arange": "plugboard._frontend.factories",
    "empty_like": "plugboard._frontend.factories", "zeros_like": "plugboard._frontend.factories",
    "ones_like": "plugboard._frontend.factories", "full_like": "plugboard._frontend.factories",
    "eye": "plugboard._ops.creation", "linspace": "plugboard._ops.creation",
    "rand": "plugboard._ops.creation", "randn": "plugboard._ops.creation",
    "randint": "plugboard._ops.creation",
    # one PyTorch function, several operators
    "max": "plugboard._ops.reductions", "max_dim": None,
    "min": "plugboard._ops.reductions", "min_dim": None,
    "conv2d": "plugboard._ops.nn", "conv2d_padding": None,
    "scatter": "plugboard._ops.shape",
    "split": "plugboard._frontend.shapes",
    # conversions
    "copy_": "plugboard._frontend.conversion", "to": None,
}
# Tensor methods with their own front end (varargs sizes, several forms): the
# stub declares them by hand below, and methods.install attaches them.
METHOD_FRONT_ENDS = frozenset(
    {"max", "min", "scatter", "view", "reshape", "permute", "expand", "repeat", "tile",
     "flip", "split", "to", "copy_", "where"}
)

_NUMBER = "bool | int | float"


def _python_type(t: SchemaType, numbers: bool) -> str:
    """The annotation of a schema type; ``numbers``: Python numbers stand for tensors."""
    if isinstance(t, OptionalType):
        return f"{_python_type(t.elem, numbers)} | None"
    if isinstance(t, ListType):
        elem = t.elem
        if isinstance(elem, OptionalType) and str(elem.elem) == "Tensor":
            return "Sequence[Tensor | None]"
        if str(elem) == "Tensor":
            return "Sequence[Tensor]"
        return f"{_python_type(elem, False)} | Sequence[{_python_type(elem, False)}]"
    assert isinstance(t, BaseType)
    simple = {
        "Tensor": f"Tensor | {_NUMBER}" if numbers else "Tensor",
        "Scalar": _NUMBER,
        "int": "int",
        "SymInt": "int",
        "float": "float",
        "bool": "bool",
        "str": "str",
        "ScalarType": "DType | str",
        "Device": "Device | str",
        "Generator": "Generator",
    }
    return simple[t.name]


def _default(arg: Argument) -> str:
    value = arg.default
    return repr(value)


def _parameters(op: OperatorDef, *, self_type: str | None = None) -> list[str]:
    """The parameters of the generated function, ``*`` and ``out`` included."""
    params: list[str] = []
    star = False
    numbers = op.pointwise
    for i, arg in enumerate(op.schema.arguments):
        if arg.kwarg_only and not star:
            params.append("*")
            star = True
        annotation = _python_type(arg.type, numbers)
        if i == 0 and self_type is not None:
            annotation = self_type
        text = f"{arg.name}: {annotation}"
        if arg.default is not NO_DEFAULT:
            text += f" = {_default(arg)}"
        params.append(text)
    if _takes_out(op):
        if not star:
            params.append("*")
        params.append(f"out: {_out_type(op)} = None")
    return params


def _takes_out(op: OperatorDef) -> bool:
    return op.meta is not None and not op.is_mutating and "view" not in op.tags


def _returns(op: OperatorDef) -> str:
    returns = op.schema.returns
    if len(returns) == 1:
        return "tuple[Tensor, ...]" if isinstance(returns[0].type, ListType) else "Tensor"
    return f"tuple[{', '.join('Tensor' for _ in returns)}]"


def _out_type(op: OperatorDef) -> str:
    n = len(op.schema.returns)
    return "Tensor | None" if n == 1 else f"tuple[{', '.join('Tensor' for _ in range(n))}] | None"


def kind(op: OperatorDef) -> str:
    """primitive, composite or view, as docs/opset.md says."""
    if "view" in op.tags:
        return "view"
    return "composite" if CompositeImplicit in op.kernels else "primitive"


def _call_arguments(op: OperatorDef) -> str:
    parts = []
    for arg in op.schema.arguments:
        parts.append(f"{arg.name}={arg.name}" if arg.kwarg_only else arg.name)
    if _takes_out(op):
        parts.append("out=out")
    return ", ".join(parts)


class _PlugboardAsGenerated:
    """``pb`` with every operator function, including those this run is about to write."""

    def __getattr__(self, name: str) -> object:
        if hasattr(pb, name):
            return getattr(pb, name)
        return getattr(pb.ops.pb, name)


def _example(name: str) -> list[str]:
    """The doctest lines of ``name``'s example, with the output computed now."""
    example = DESCRIPTIONS[name].example
    value = eval(example, {"pb": _PlugboardAsGenerated()})  # the table's own expressions
    lines = [">>> import plugboard as pb", f">>> {example}"]
    lines += [line if line.strip() else "<BLANKLINE>" for line in repr(value).splitlines()]
    return lines


def _docstring(op: OperatorDef, indent: str) -> str:
    name = op.schema.name
    summary = op.doc or f"The ``{op.name}`` operator."
    body = [
        summary,
        "",
        f"Schema: ``{op.schema}`` ({kind(op)}).",
    ]
    if op.pointwise:
        body.append(f"Also the tensor methods ``x.{name}(...)`` and ``x.{name}_(...)`` "
                    "(in place).")
    elif _is_method(op):
        body.append(f"Also the tensor method ``x.{name}(...)``.")
    body += ["", "Example:"]
    body += ["    " + line for line in _example(name)]
    text = "\n".join((indent + line) if line else "" for line in body)
    return f'{indent}"""{text.lstrip()}\n{indent}"""'


def _is_method(op: OperatorDef) -> bool:
    args = op.schema.arguments
    return bool(args) and str(args[0].type) == "Tensor" and not args[0].kwarg_only


def core_ops() -> list[OperatorDef]:
    return [op for op in registered_ops() if op.name.startswith("pb::")]


def _function_names() -> list[str]:
    return [op.schema.name for op in core_ops() if op.schema.name not in FRONT_ENDS]


def render_functions() -> str:
    """``plugboard/_frontend/functions.py``."""
    ops = [op for op in core_ops() if op.schema.name not in FRONT_ENDS]
    exported = sorted({*(op.schema.name for op in ops),
                       *(n for n, m in FRONT_ENDS.items() if m)})
    out = [
        '"""The core operators as functions: ``pb.add``, ``pb.sum``, ... (generated).',
        "",
        "Written by ``tools/generate.py`` from the operator registry; do not edit.",
        "Each function calls its operator through the dispatcher, so",
        "``pb.add(x, y, out=z)`` is ``pb.ops.pb.add(x, y, out=z)``. Operators with a",
        "Python front end (``pb.max``, ``pb.zeros``, ...) are re-exported from the",
        "module that holds it. :data:`METHODS` are the tensor methods these make.",
        '"""',
        "",
        "# ruff: noqa: E501 - signatures are one line each, as the schema",
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Callable, Sequence",
        "from typing import Any, Final",
        "",
        "IMPORTS",
    ]
    imports = [
        "from plugboard._core.device import Device",
        "from plugboard._core.dtype import DType",
        "from plugboard._core.tensor import Tensor",
        "from plugboard._dispatch.dispatcher import OperatorRef",
        "from plugboard._dispatch.random import Generator",
        "from plugboard._frontend.wrapping import operator_function",
    ]
    by_module: dict[str, list[str]] = {}
    for name, module in FRONT_ENDS.items():
        if module:
            by_module.setdefault(module, []).append(name)
    for module in sorted(by_module):
        names = sorted(by_module[module])
        line = f"from {module} import {', '.join(names)}"
        if len(line) > 100:  # wrapped as isort wraps it
            line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
        imports.append(line)
    out += ["", "__all__ = ["]
    out += [f'    "{name}",' for name in exported]
    out += ["]", ""]
    methods: list[tuple[str, str]] = []
    for op in ops:
        name = op.schema.name
        ref = f"_{name}"
        out += ["", "", f'{ref} = OperatorRef("{op.name}")', "", ""]
        params = ", ".join(_parameters(op))
        out.append(f"@operator_function({ref})")
        out.append(f"def {name}({params}) -> {_returns(op)}:")
        out.append(_docstring(op, "    "))
        out.append(f"    result: {_returns(op)} = {ref}({_call_arguments(op)})")
        out.append("    return result")
        if _is_method(op) and name not in METHOD_FRONT_ENDS:
            methods.append((name, name))
        if op.pointwise and op.meta is not None and not name.endswith("_"):
            params_inplace = ", ".join(p for p in _parameters(op) if not p.startswith("out:"))
            params_inplace = params_inplace.removesuffix(", *")
            args = ", ".join(a for a in _call_arguments(op).split(", ") if a != "out=out")
            out += ["", "", f'_{name}_ = OperatorRef("{op.name}", inplace=True)', "", ""]
            out.append(f"@operator_function(_{name}_)")
            out.append(f"def {name}_({params_inplace}) -> Tensor:")
            out.append(f'    """``{name}`` in place: writes the result into ``self``; returns it."""')
            out.append(f"    result: Tensor = _{name}_({args})")
            out.append("    return result")
            methods.append((name + "_", name + "_"))
    out += ["", "", "# Tensor methods that are these functions with the tensor first.",
            "METHODS: Final[dict[str, Callable[..., Any]]] = {"]
    out += [f'    "{m}": {f},' for m, f in methods]
    out += ["}", ""]
    body = "\n".join(out)
    # Only the names the signatures use; sorted as ruff's isort sorts them.
    used = [line for line in imports
            if any(f"{n.strip()}" in body.split("IMPORTS", 1)[1].replace(line, "")
                   for n in line.split(" import ", 1)[1].strip("()\n ").split(","))]
    return body.replace("IMPORTS", "\n".join(sorted(used, key=lambda s: s.split()[1])))


_DUNDERS_BINARY = (
    "add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
    "rfloordiv", "mod", "rmod", "pow", "rpow", "matmul", "rmatmul", "and", "rand", "or",
    "ror", "xor", "rxor", "lshift", "rlshift", "rshift", "rrshift", "lt", "le", "gt", "ge",
)
_DUNDERS_INPLACE = (
    "iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "iand", "ior", "ixor",
    "ilshift", "irshift",
)

_STUB_FRONT_ENDS = '''
    # Autograd (plugboard._autograd.tensor_api).
    @property
    def requires_grad(self) -> bool:
        """Whether autograd records operations on this tensor."""
    @requires_grad.setter
    def requires_grad(self, value: bool) -> None: ...
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward (None until then)."""
    @grad.setter
    def grad(self, value: Tensor | None) -> None: ...
    @property
    def grad_fn(self) -> Any:
        """The node that computed this tensor (None for leaves)."""
    @property
    def is_leaf(self) -> bool:
        """Whether this tensor was made by the user, not an op."""
    @property
    def retains_grad(self) -> bool:
        """Whether retain_grad() was called."""
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether autograd records operations on this leaf tensor; returns it."""
    def detach(self) -> Tensor:
        """A tensor sharing this one's data, outside the graph."""
    def detach_(self) -> Tensor:
        """Take this tensor out of the graph, in place."""
    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` during backward."""
    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None, create_graph: bool = False, inputs: Sequence[Tensor] | None = None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves below it."""
    # Front ends: one method, several operators or argument forms.
    @property
    def T(self) -> Tensor:
        """The dimensions reversed (a view)."""
    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a view)."""
    def __getitem__(self, index: Any) -> Tensor:
        """``x[index]`` with PyTorch's rules: views for basic indices, copies for advanced."""
    def __setitem__(self, index: Any, value: Tensor | bool | int | float) -> None:
        """``x[index] = value``: writes ``value`` (cast, broadcast) into ``x`` in place."""
    def __reduce__(self) -> Any: ...
    def __dlpack__(self, stream: Any = None, **kwargs: Any) -> Any:
        """A DLPack capsule over this tensor's memory (``np.from_dlpack(x)``, ``torch.from_dlpack(x)``)."""
    def __dlpack_device__(self) -> tuple[int, int]:
        """The DLPack device type code and device id."""
    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        """``x == y``, elementwise: ``pb.eq``."""
    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        """``x != y``, elementwise: ``pb.ne``."""
    def __neg__(self) -> Tensor: ...
    def __pos__(self) -> Tensor: ...
    def __abs__(self) -> Tensor: ...
    def __invert__(self) -> Tensor: ...
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``x.to(device)``, ``x.to(dtype)``, ``x.to(device, dtype)``, ``x.to(other)``."""
    def cpu(self) -> Tensor:
        """This tensor on the cpu (itself if it is there)."""
    def copy_(
        self, src: Tensor | bool | int | float | Sequence[Any], non_blocking: bool = False
    ) -> Tensor:
        """Copy ``src`` into this tensor in place: broadcasting, casting, across devices."""
    def split(self, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Chunks of one size (an int) or of the given sizes (a list)."""
    def view(self, *size: int | Sequence[int]) -> Tensor:
        """The same storage seen with another shape (``x.view(2, 3)`` or ``x.view((2, 3))``)."""
    def reshape(self, *size: int | Sequence[int]) -> Tensor:
        """Another shape: a view when the layout allows, else a copy."""
    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        """The dimensions in another order (a view)."""
    def expand(self, *size: int | Sequence[int]) -> Tensor:
        """Size-1 dimensions broadcast to ``size`` (a view)."""
    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
        """Tiled ``sizes`` times along each dimension."""
    def tile(self, *dims: int | Sequence[int]) -> Tensor:
        """Tiled, as NumPy's ``tile``."""
    def flip(self, *dims: int | Sequence[int]) -> Tensor:
        """The order of elements reversed along ``dims``."""
    def max(self, dim: Tensor | int | None = None, keepdim: bool = False) -> Any:
        """The largest element, or the largest along ``dim`` (values, indices)."""
    def min(self, dim: Tensor | int | None = None, keepdim: bool = False) -> Any:
        """The smallest element, or the smallest along ``dim`` (values, indices)."""
    def scatter(
        self, dim: int, index: Tensor, src: Tensor | bool | int | float | None = None, *,
        value: bool | int | float | None = None, out: Tensor | None = None,
    ) -> Tensor:
        """``src`` (a tensor or a number) written at ``index`` along ``dim``."""
    def where(self, condition: Tensor, other: Tensor | bool | int | float) -> Tensor:
        """This tensor where ``condition`` is true, ``other`` elsewhere: ``pb.where(condition, x, other)``."""
    # PyTorch's methods built from operators (plugboard/_frontend: like, inplace, ...).
    def type_as(self, other: Tensor) -> Tensor:
        """This tensor with ``other``'s dtype, on ``other``'s device."""
    def view_as(self, other: Tensor) -> Tensor:
        """``x.view(other.shape)``."""
    def expand_as(self, other: Tensor) -> Tensor:
        """``x.expand(other.shape)``."""
    def new_empty(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """An uninitialized tensor with this one's dtype and device (unless given)."""
    def new_zeros(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """Zeros with this tensor's dtype and device (unless given)."""
    def new_ones(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """Ones with this tensor's dtype and device (unless given)."""
    def new_full(self, size: Sequence[int], fill_value: bool | int | float, *, dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """``fill_value`` everywhere, with this tensor's dtype and device (unless given)."""
    def new_tensor(self, data: Any, *, dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """A copy of ``data`` with this tensor's dtype and device (unless given)."""
    def fill_(self, value: Tensor | bool | int | float) -> Tensor:
        """``value`` (a number or a 0-d tensor) written into every element, in place."""
    def zero_(self) -> Tensor:
        """Zeros written into every element, in place."""
    def relu_(self) -> Tensor:
        """``relu`` in place."""
    def scatter_(
        self, dim: int, index: Tensor, src: Tensor | bool | int | float | None = None, *,
        value: bool | int | float | None = None,
    ) -> Tensor:
        """``scatter`` in place."""
    def unsqueeze_(self, dim: int) -> Tensor:
        """``unsqueeze`` in place: this tensor's own shape changes."""
    def squeeze_(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """``squeeze`` in place: this tensor's own shape changes."""
    def clip(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
        """``clamp``, under NumPy's name."""
    def clip_(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None) -> Tensor:
        """``clamp_``, under NumPy's name."""
    def clamp_min(self, min: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """``clamp(min=min)``."""
    def clamp_min_(self, min: Tensor | bool | int | float) -> Tensor:
        """``clamp_(min=min)``."""
    def clamp_max(self, max: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """``clamp(max=max)``."""
    def clamp_max_(self, max: Tensor | bool | int | float) -> Tensor:
        """``clamp_(max=max)``."""
    def isclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        """Whether each element is close to ``other``'s: ``pb.isclose``."""
    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether every element is close to ``other``'s: ``pb.allclose``."""
    def equal(self, other: Tensor) -> bool:
        """The same shape and elements as ``other``: ``pb.equal``."""
    def broadcast_to(self, size: Sequence[int]) -> Tensor:
        """Broadcast to ``size`` (a view): ``pb.broadcast_to``."""
    def movedim(self, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """Dimensions ``source`` moved to ``destination`` (a view): ``pb.movedim``."""
    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """The indices of the nonzero elements: ``pb.nonzero``."""
    def masked_select(self, mask: Tensor) -> Tensor:
        """The elements where ``mask`` is true, as a 1-D tensor: ``pb.masked_select``."""
'''

# x.float(), x.int(), ...: in a base class, so that in TensorMethods' own body the
# names bool, int and float are the built-in types the annotations mean.
_STUB_CONVERSIONS = """
class _DTypeConversions:
    \"\"\"``x.float()`` is ``x.to(pb.float32)``, and so on: ``x`` itself if it has the dtype.\"\"\"
""" + "".join(
    f"    def {name}(self) -> Tensor:\n        \"\"\"This tensor as {dtype}.\"\"\"\n"
    for name, dtype in DTYPE_METHODS.items()
)


def render_stub() -> str:
    """``plugboard/_core/tensor_methods.pyi``."""
    out = [
        '"""The methods plugboard.Tensor gets from the front end (tools/generate.py)."""',
        "",
        "# ruff: noqa: E501",
        "",
        "from collections.abc import Sequence",
        "from typing import Any",
        "",
        "from plugboard._core.device import Device",
        "from plugboard._core.dtype import DType",
        "from plugboard._core.tensor import Tensor",
        "from plugboard._dispatch.random import Generator",
        _STUB_CONVERSIONS,
        "class TensorMethods(_DTypeConversions):",
    ]
    for dunder in _DUNDERS_BINARY:
        out.append(f"    def __{dunder}__(self, other: Tensor | bool | int | float) -> Tensor: ...")
    for dunder in _DUNDERS_INPLACE:
        out.append(f"    def __{dunder}__(self, other: Tensor | bool | int | float) -> Tensor: ...")
    out.append(_STUB_FRONT_ENDS.rstrip("\n"))
    out.append("    # Operators, with the tensor first.")
    for op in core_ops():
        name = op.schema.name
        if not _is_method(op) or name in METHOD_FRONT_ENDS:
            continue
        params = ", ".join(["self", *_parameters(op)[1:]])
        out.append(f"    def {name}({params}) -> {_returns(op)}:")
        out.append(f'        """{op.doc or op.name}"""')
        if op.pointwise and op.meta is not None:
            inplace = ", ".join(["self", *(p for p in _parameters(op)[1:]
                                          if not p.startswith("out:"))]).removesuffix(", *")
            out.append(f"    def {name}_({inplace}) -> Tensor:")
            out.append(f'        """``{name}`` in place."""')
    return "\n".join(out) + "\n"


def _section_of() -> dict[str, str]:
    return {name: table.section for table in SECTIONS for name in table.names()}


_SECTION_TITLES = {
    "starter": "Pointwise, copies, views and factories (the starter set)",
    "creation": "Creation and random numbers",
    "elementwise": "Elementwise",
    "reductions": "Reductions",
    "linalg": "Linear algebra",
    "shape": "Shape",
    "indexing": "Indexing",
    "nn": "nn",
}


def render_opset() -> str:
    """``docs/opset.md``."""
    sections = _section_of()
    # The profiles are the conformance suite's (a versioned spec); an operator
    # that is another's second form (max_dim) shares its section's profile.
    profiles: dict[str, set[str]] = {}
    for entry in OPSET_V1:
        profiles.setdefault(entry.name, set()).add("nn" if entry.section == "nn" else "core")
    for name in differentiable_ops():  # those with grad cases
        profiles.setdefault(name, set()).add("autograd")
    out = [
        f"# The plugboard core opset, v{OPSET_VERSION}",
        "",
        "Generated from the operator registry by `tools/generate.py`; CI fails when it is",
        "stale. Semantics, argument names and defaults follow PyTorch's operator of the",
        "same name; where plugboard differs on purpose, docs/architecture.md says so.",
        "",
        "Kinds: **primitive**, every backend implements it (or the fallback policy sends",
        "it to the CPU); **composite**, one decomposition into other operators serves",
        "every backend, which may override it natively; **view**, metadata only, in the",
        "core. Profiles: a backend is **core-conformant** when every operator outside",
        "the `nn` profile passes for the dtypes it declares, **nn-conformant** when the",
        "`nn` operators pass too, **autograd-conformant** when it is core-conformant and",
        "the gradients of every `autograd` operator (the differentiable ones) pass, in",
        "float32 and float64 where it declares them.",
        "",
    ]
    counts: dict[str, int] = {}
    for op in core_ops():
        counts[kind(op)] = counts.get(kind(op), 0) + 1
    out.append(
        f"{len(core_ops())} operators: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        + "."
    )
    for section in (t.section for t in SECTIONS):
        ops = [op for op in core_ops() if sections.get(op.schema.name) == section]
        out += ["", f"## {_SECTION_TITLES[section]}", "",
                "| operator | kind | profile | schema | description |", "|---|---|---|---|---|"]
        for op in ops:
            named = profiles.get(op.name, set())
            if not named - {"autograd"}:
                named = named | {"nn" if section == "nn" else "core"}
            profile = ", ".join(sorted(named))
            schema = str(op.schema).replace("|", "\\|")
            out.append(f"| `{op.schema.name}` | {kind(op)} | {profile} | `{schema}` | "
                       f"{op.doc} |")
    return "\n".join(out) + "\n"


def outputs() -> dict[Path, str]:
    missing = [op.schema.name for op in core_ops() if op.schema.name not in DESCRIPTIONS]
    if missing:
        raise SystemExit(
            f"operators without a description in plugboard/_ops/descriptions.py: {missing}"
        )
    return {FUNCTIONS: render_functions(), STUB: render_stub(), OPSET: render_opset()}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    args = parser.parse_args(list(argv) if argv is not None else None)
    stale = []
    for path, text in outputs().items():
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print("stale (run python tools/generate.py):", *map(str, stale), file=sys.stderr)
        return 1
    for path in stale:
        print("wrote", path)
    return 0


if __name__ == "__main__":
    assert not keyword.iskeyword("pb")
    sys.exit(main())
