"""Every error a user can cause is a plugboard error that names the operator and the fix.

The walkers call every public operator function (``pb.add``, ``pb.zeros``,
...) and every core operator (``pb.ops.pb.NAME``) with a wrong value in each
argument position, and every core operator with 0-d tensors and huge
integers; whatever they raise must be a :class:`plugboard.PlugboardError`
that names the operator, describes the inputs and says how to fix the call,
not a crash in disguise (a raw exception as its cause).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import plugboard as pb
from plugboard._dispatch.registry import OperatorDef, registered_ops
from plugboard._dispatch.schema import Argument, ListType, OptionalType, SchemaType
from plugboard._frontend import functions as _functions

# Wrong values of every kind: none of them is a tensor, a number, a dtype or a device.
BAD_VALUES: dict[str, Any] = {
    "a str": "x",
    "None": None,
    "a list of str": ["x"],
    "an object()": object(),
}

CORE_OPS = [op for op in registered_ops() if op.name.startswith("pb::")]

# The callables of pb.__all__ that are not operators: devices, dtypes, random state,
# the fallback policy, and tensors from host data (tested on their own below), and
# state-dict files (test_nn_serialization.py).
NOT_OPERATORS = frozenset({
    "device", "devices", "backends", "device_properties", "memory_stats", "synchronize",
    "promote_types", "result_type", "can_cast", "get_default_dtype", "set_default_dtype",
    "tensor", "from_numpy", "asarray", "broadcast_shapes", "default_generator",
    "manual_seed", "seed", "initial_seed", "fallback_policy", "fallback_counts",
    "empty_cache", "current_stream", "stream", "from_dlpack", "is_grad_enabled",
    "save", "load",
})
OPERATOR_FUNCTIONS = [
    name for name in pb.__all__
    if callable(getattr(pb, name)) and not isinstance(getattr(pb, name), type)
    and name not in NOT_OPERATORS
]


def _call(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> BaseException | None:
    try:
        fn(*args, **kwargs)
    except BaseException as error:  # what escapes is what is tested
        if isinstance(error, KeyboardInterrupt):
            raise
        return error
    return None


def _problem(error: BaseException | None, *names: str, expected: bool = True) -> str | None:
    """What is wrong with how a call failed (None when it failed well, or did not fail
    where that is allowed); ``names``: what the message may name the operator as."""
    if error is None:
        return "no error" if expected else None
    text = str(error)
    if not isinstance(error, pb.PlugboardError):
        return f"raw {type(error).__name__}: {text[:200]}"
    cause = error.__cause__
    if cause is not None and not isinstance(cause, pb.PlugboardError):
        return f"{type(error).__name__} wrapping a raw {type(cause).__name__}: {text[:200]}"
    missing = [
        what
        for what, present in (
            (f"the operator ({' or '.join(names)})", any(n in text for n in names)),
            ("'Fix:'", "Fix:" in text),
            ("the inputs", "\n  inputs: " in text),
        )
        if not present
    ]
    if missing:
        return f"{type(error).__name__} without {', '.join(missing)}: {text[:300]!r}"
    return None


def _value_for(t: SchemaType) -> Any:
    """A valid value of a schema type (the binder accepts it)."""
    if isinstance(t, OptionalType):
        return None
    if isinstance(t, ListType):
        return [pb.ones(2, 2)] if t.elem.is_tensor_like else [1] * (t.size or 1)
    values: dict[str, Any] = {
        "Tensor": pb.ones(2, 2), "Scalar": 1, "int": 1, "SymInt": 1, "float": 0.5,
        "bool": False, "str": "mean", "ScalarType": pb.float32, "Device": "cpu",
    }
    return values[t.name]


def _accepts(argument: Argument, value: Any) -> bool:
    """Whether ``value`` is a valid value of ``argument`` (None where None is allowed)."""
    return value is None and (isinstance(argument.type, OptionalType) or argument.default is None)


@pytest.mark.parametrize("op", CORE_OPS, ids=lambda op: op.name)
def test_every_core_operator_reports_wrong_argument_types(op: OperatorDef) -> None:
    handle = getattr(pb.ops.pb, op.schema.name)
    arguments = op.schema.arguments
    required = [a for a in arguments if not a.kwarg_only and not a.has_default]
    problems = []
    for argument in arguments:
        for label, bad in BAD_VALUES.items():
            if _accepts(argument, bad):
                continue
            args = [_value_for(a.type) for a in required]
            kwargs = {}
            if argument in required:
                args[required.index(argument)] = bad
            else:
                kwargs[argument.name] = bad
            problem = _problem(_call(handle, args, kwargs), op.name)
            if problem is not None:
                problems.append(f"{argument.name}={label}: {problem}")
    assert not problems, "\n".join(problems)


def _base_value(parameter: inspect.Parameter) -> Any:
    """A valid value for a required parameter of an operator function, by its annotation."""
    annotation = str(parameter.annotation)
    if annotation.startswith("Sequence[Tensor"):
        return [pb.ones(2, 2)]
    if annotation.startswith("Tensor") or annotation == "Any":
        return pb.ones(2, 2)
    if "Sequence[int]" in annotation:
        return [1]
    if annotation.startswith("int"):
        return 1
    if annotation.startswith(("float", "bool | float", "bool | int | float", "Bound")):
        return 1
    if annotation == "str":
        return "ij->ij"  # einsum's equation
    raise AssertionError(f"no base value for {parameter}")


_VARARGS_BASE: dict[str, list[Any]] = {"randint": [0, 10, (2,)], "einsum": [pb.ones(2, 2)]}


@pytest.mark.parametrize("name", OPERATOR_FUNCTIONS)
def test_every_operator_function_reports_wrong_argument_types(name: str) -> None:
    fn = getattr(pb, name)
    # The generated functions call pb::NAME; other front ends (pb.clip) name themselves
    # or the operator they call.
    names = ("pb::" + name.rstrip("_"),) if name in _functions.__all__ else ("pb.", "pb::")
    parameters = list(inspect.signature(fn).parameters.values())
    positional = [
        p for p in parameters
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is inspect.Parameter.empty
    ]
    varargs = next((p for p in parameters if p.kind is p.VAR_POSITIONAL), None)
    base = [_base_value(p) for p in positional]
    if varargs is not None:
        base += _VARARGS_BASE.get(name, [2])
    problems = []
    for label, bad in BAD_VALUES.items():
        for i in range(len(base)):
            args = list(base)
            args[i] = bad
            problem = _problem(_call(fn, args, {}), *names)
            if problem is not None:
                problems.append(f"argument {i}={label}: {problem}")
        for p in parameters:
            if p in positional or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if bad is None and (p.default is None or "None" in str(p.annotation)):
                continue
            problem = _problem(_call(fn, base, {p.name: bad}), *names)
            if problem is not None:
                problems.append(f"{p.name}={label}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", OPERATOR_FUNCTIONS)
def test_every_operator_function_reports_calls_that_do_not_fit_its_signature(name: str) -> None:
    # Python front ends (pb.zeros, pb.max, pb.split, ...) raised a bare TypeError.
    fn = getattr(pb, name)
    names = ("pb::" + name.rstrip("_"),) if name in _functions.__all__ else ("pb.", "pb::")
    required = [
        p for p in inspect.signature(fn).parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is inspect.Parameter.empty
    ]
    base = [_base_value(p) for p in required]
    calls = {
        "no arguments": ([], {}, bool(required)),
        "twelve extra arguments": ([*base, *[object()] * 12], {}, True),
        "an unknown keyword": (base, {"bogus": 1}, True),
    }
    problems = []
    for what, (args, kwargs, must_fail) in calls.items():
        problem = _problem(_call(fn, args, kwargs), *names, expected=must_fail)
        if problem is not None:
            problems.append(f"{what}: {problem}")
    assert not problems, "\n".join(problems)


def _edge_value(t: SchemaType, number: int, dtype: pb.DType) -> Any:
    """A value of a schema type built from a 0-d tensor of ``dtype`` and the int ``number``."""
    if isinstance(t, OptionalType):
        return None
    if isinstance(t, ListType):
        if t.elem.is_tensor_like:
            return [pb.tensor(1, dtype=dtype)]
        return [number] * (t.size or 1)
    values: dict[str, Any] = {
        "Tensor": pb.tensor(1, dtype=dtype), "Scalar": number, "int": number,
        "SymInt": number, "float": 0.5, "bool": False, "str": "mean",
        "ScalarType": pb.float32, "Device": "cpu",
    }
    return values[t.name]


@pytest.mark.parametrize("op", CORE_OPS, ids=lambda op: op.name)
def test_every_core_operator_takes_0d_tensors_and_huge_ints_or_says_why(op: OperatorDef) -> None:
    # narrow, split and chunk of a 0-d tensor raised IndexError; sizes of 2**62 and
    # steps of 2**63 raised NumPy's ValueError and OverflowError.
    handle = getattr(pb.ops.pb, op.schema.name)
    required = [a for a in op.schema.arguments if not a.kwarg_only and not a.has_default]
    problems = []
    for number in (0, -1, 2, 2**62, 2**63, -(2**63) - 1):
        for dtype in (pb.float32, pb.int64, pb.bool):
            args = [_edge_value(a.type, number, dtype) for a in required]
            problem = _problem(_call(handle, args, {}), op.name, expected=False)
            if problem is not None:
                problems.append(f"{number}, {dtype}: {problem}")
    assert not problems, "\n".join(problems)


_SCALAR = pb.tensor(1.0)

# The cases of the issue, and their neighbours: (call, error type, operator named).
CASES = [
    pytest.param(lambda: pb.neg(1), pb.ArgumentError, "pb::neg", id="neg(1)"),
    pytest.param(lambda: pb.add(1, 2.5), pb.ArgumentError, "pb::add", id="add(1, 2.5)"),
    pytest.param(lambda: pb.narrow(_SCALAR, 0, 0, 1), pb.IndexingError, "pb::narrow",
                 id="narrow-0d"),
    pytest.param(lambda: pb.split(_SCALAR, 1), pb.ShapeError, "pb::split", id="split-0d"),
    pytest.param(lambda: pb.split(_SCALAR, [1]), pb.ShapeError, "pb::split_with_sizes",
                 id="split-sizes-0d"),
    pytest.param(lambda: pb.chunk(_SCALAR, 1), pb.ShapeError, "pb::chunk", id="chunk-0d"),
    pytest.param(lambda: pb.unbind(_SCALAR), pb.IndexingError, "pb::unbind", id="unbind-0d"),
    pytest.param(lambda: pb.unflatten(_SCALAR, 0, (1,)), pb.ShapeError, "pb::unflatten",
                 id="unflatten-0d"),
    pytest.param(lambda: _SCALAR.size(-1), pb.IndexingError, "Tensor.size", id="size(-1)-0d"),
    pytest.param(lambda: _SCALAR.stride(0), pb.IndexingError, "Tensor.stride",
                 id="stride(0)-0d"),
    pytest.param(lambda: pb.ones(2).size("x"), pb.ArgumentError, "Tensor.size", id="size('x')"),
    pytest.param(lambda: pb.zeros(2**62, 4), pb.ShapeError, "pb::zeros", id="zeros(2**62, 4)"),
    pytest.param(lambda: pb.zeros(2**62, 4, device="meta"), pb.ShapeError, "pb::zeros",
                 id="zeros(2**62, 4)-meta"),
    pytest.param(lambda: pb.ones(1, 4).expand(2**62, 4), pb.ShapeError, "pb::expand",
                 id="expand(2**62, 4)"),
    pytest.param(lambda: pb.zeros([1] * 65), pb.ShapeError, "pb::zeros", id="65-dims"),
    pytest.param(lambda: pb.zeros(1).view([1] * 65), pb.ShapeError, "pb::view",
                 id="view-65-dims"),
    pytest.param(lambda: pb.zeros(2**64), pb.ArgumentError, "pb::zeros", id="zeros(2**64)"),
    pytest.param(lambda: pb.arange(0, 10, 2**63), pb.ArgumentError, "pb::arange",
                 id="arange-step-2**63"),
    pytest.param(lambda: pb.arange(0, 1e300, 1e-300), pb.ShapeError, "pb::arange",
                 id="arange-1e600-values"),
    pytest.param(lambda: pb.ones(2) + 2**64, pb.ArgumentError, "pb::add", id="x + 2**64"),
    pytest.param(lambda: pb.ones(2).to(dtype="x"), pb.DTypeError, "pb::to", id="to(dtype='x')"),
    pytest.param(lambda: pb.ones(2).to("cdua"), pb.DeviceError, "pb::to", id="to('cdua')"),
    pytest.param(lambda: pb.ones(2).to(device=3), pb.DeviceError, "pb::to", id="to(device=3)"),
    pytest.param(lambda: pb.zeros(2, dtype="x"), pb.DTypeError, "pb::zeros",
                 id="zeros(dtype='x')"),
    pytest.param(lambda: pb.zeros(2, device="cpu:7"), pb.DeviceError, "pb::zeros",
                 id="zeros(device='cpu:7')"),
    pytest.param(lambda: pb.rand(2, dtype=object()), pb.DTypeError, "pb::rand",
                 id="rand(dtype=object())"),
    pytest.param(lambda: pb.max(pb.ones(2), keepdim=True), pb.ArgumentError, "pb::max",
                 id="max(keepdim=True)"),
    pytest.param(lambda: pb.ones(2).copy_("x"), pb.DTypeError, "pb::copy_", id="copy_('x')"),
    pytest.param(lambda: pb.tensor([[1], [1, 2]]), pb.ShapeError, "pb.tensor", id="ragged"),
    pytest.param(lambda: pb.tensor(["x"]), pb.DTypeError, "pb.tensor", id="tensor(['x'])"),
    pytest.param(lambda: pb.tensor([1.0], device="cdua"), pb.DeviceError, "pb.tensor",
                 id="tensor(device='cdua')"),
    pytest.param(lambda: pb.ones(2, 3)[0:"x"], pb.IndexingError, "x[index]", id="x[0:'x']"),
    pytest.param(lambda: pb.ones(2, 3)[[[0], [0, 1]]], pb.IndexingError, "x[index]",
                 id="x[ragged]"),
]


@pytest.mark.parametrize(("call", "error", "op"), CASES)
def test_bad_calls_raise_plugboard_errors_that_name_the_operator_and_the_fix(
    call: Callable[[], Any], error: type[pb.PlugboardError], op: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert _problem(info.value, op) is None
    assert str(info.value).startswith(op)


def test_an_error_inside_a_composite_names_the_operator_called() -> None:
    # embedding reads its rows with index_select, whose error named pb::index_select.
    weight = pb.zeros(3, 2)
    with pytest.raises(pb.IndexingError) as info:
        pb.embedding(pb.tensor([5]), weight)
    message = str(info.value)
    assert message.startswith("pb::embedding: ")
    assert "index 5 is out of range" in message
    assert "weight=float32[3, 2] on cpu:0" in message
    cause = info.value.__cause__
    assert isinstance(cause, pb.IndexingError) and str(cause).startswith("pb::index_select")


def test_a_cpu_allocation_that_fails_is_an_out_of_memory_error() -> None:
    # 4 TiB: NumPy's MemoryError reached the user.
    with pytest.raises(pb.OutOfMemoryError) as info:
        pb.empty(2**40)
    error = info.value
    assert isinstance(error, MemoryError)
    message = str(error)
    assert message.startswith("pb::empty: cannot allocate 4398046511104 bytes (4.0 TiB)")
    assert "on cpu:0" in message
    assert _problem(error, "pb::empty") is None


@pytest.mark.parametrize("device", ["cpu", "meta"])
def test_more_bytes_than_a_tensor_addresses_is_a_shape_error(device: str) -> None:
    # 2**61 float64 values are 2**64 bytes: NumPy raised ValueError. PyTorch checks the
    # storage size on every device, the meta device too.
    with pytest.raises(pb.ShapeError, match=r"needs 18446744073709551616 bytes \(16.0 EiB\)"):
        pb.empty(2**61, dtype=pb.float64, device=device)
    assert pb.empty(2**59, dtype=pb.float64, device="meta").shape == (2**59,)


def test_a_broadcast_past_the_element_limit_is_a_shape_error() -> None:
    # Two views of 2**40 elements each (no memory) broadcast to 2**80.
    row, column = pb.ones(1).expand(2**40), pb.ones(1, 1).expand(2**40, 1)
    with pytest.raises(pb.ShapeError, match="more than a tensor can count") as info:
        pb.add(row, column)
    assert _problem(info.value, "pb::add") is None
