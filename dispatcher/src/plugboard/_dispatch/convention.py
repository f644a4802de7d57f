"""The kernel calling convention, stated once and checked at registration.

How the core calls a kernel registered with :meth:`plugboard.Library.impl`:

- **Every schema argument arrives positionally, in schema order**, keyword-only
  ones included (``add(self, other, alpha)``), with defaults filled in and
  values converted (``device=`` is a :class:`plugboard.Device`, ``dtype=`` a
  :class:`plugboard.DType`, ``Tensor[]`` a tuple, ``int[]`` a tuple).
- **Structured kernels** (a backend kernel of an operator with a meta function
  that mutates nothing) also get ``out=``: the output tensor the core
  allocated, or a tuple of them for several results. They write ``out`` and
  return nothing. This covers pointwise operators, reductions, factories
  (which get ``dtype`` and ``device`` like any argument), and operators with
  several results (``sort``: ``out=(values, indices)``).
- **Mutating operators** (``copy_``, ``index_put_``: the schema marks the
  written argument ``Tensor(a!)``) get no ``out``: they write that argument.
- **Composites and operators without a meta function** get no ``out`` and
  return their result.
- **Functionality kernels** (``Autograd`` and other functionality keys) are
  called as ``fn(handle, values, out)``.

A kernel whose signature cannot take its call is rejected when it is
registered (:func:`check_kernel_signature`), naming the operator, the call it
will get and the fix, rather than failing on first use with a bare TypeError.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

from plugboard._core.errors import RegistrationError
from plugboard._dispatch.keys import DispatchKey, KeyKind
from plugboard._dispatch.registry import OperatorDef

__all__ = ["check_kernel_signature", "expected_call"]


def gets_out(op: OperatorDef, key: DispatchKey) -> bool:
    """Whether a kernel of ``op`` for ``key`` is called with ``out=``."""
    return key.kind is KeyKind.BACKEND and op.meta is not None and not op.is_mutating


def expected_call(op: OperatorDef, key: DispatchKey) -> str:
    """The call a kernel of ``op`` for ``key`` gets, e.g. ``fn(self, other, alpha, *, out)``."""
    if key.kind is KeyKind.FUNCTIONALITY:
        return "fn(handle, values, out)"
    names = [a.name for a in op.schema.arguments]
    if gets_out(op, key):
        names += ["*", "out"]
    return f"fn({', '.join(names)})"


def _plainly_fits(fn: Callable[..., Any], positional: int, out: bool) -> bool:
    """Whether a plain function surely takes ``positional`` arguments (and ``out=``).

    Read from the code object: inspect.signature costs ~50 us a kernel, and
    a backend registers hundreds when it loads. False means "not sure": the
    caller then asks inspect, which also words the error.
    """
    # As inspect.signature does: a functools.wraps wrapper shows its wrapped function.
    fn = inspect.unwrap(fn, stop=lambda f: hasattr(f, "__signature__"))
    if type(fn) is not types.FunctionType or hasattr(fn, "__signature__"):
        return False  # a partial, a method, a declared signature: inspect knows it
    code = fn.__code__
    varargs = bool(code.co_flags & inspect.CO_VARARGS)
    varkw = bool(code.co_flags & inspect.CO_VARKEYWORDS)
    defaults = len(fn.__defaults__ or ())
    if positional > code.co_argcount and not varargs:
        return False
    if positional < code.co_argcount - defaults:
        return False
    if out and "out" in code.co_varnames[:code.co_argcount]:
        return False  # out= could land on a positional parameter: inspect decides
    kwonly = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    kwdefaults = fn.__kwdefaults__ or {}
    if any(name not in kwdefaults and not (out and name == "out") for name in kwonly):
        return False
    return not out or "out" in kwonly or varkw


def check_kernel_signature(op: OperatorDef, key: DispatchKey, fn: Callable[..., Any]) -> None:
    """Raise a RegistrationError unless ``fn`` can take the call the core will make."""
    if key.kind is KeyKind.FUNCTIONALITY:
        if _plainly_fits(fn, 3, out=False):
            return
    elif _plainly_fits(fn, len(op.schema.arguments), out=gets_out(op, key)):
        return
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin or extension function without a signature: nothing to check
    if key.kind is KeyKind.FUNCTIONALITY:
        args: tuple[Any, ...] = (None, None, None)
        kwargs: dict[str, Any] = {}
    else:
        args = tuple(None for _ in op.schema.arguments)
        kwargs = {"out": None} if gets_out(op, key) else {}
    try:
        signature.bind(*args, **kwargs)
    except TypeError as error:
        name = getattr(fn, "__qualname__", repr(fn))
        raise RegistrationError(
            f"the {key} kernel {name}{signature} of {op.name} cannot take the call the core "
            f"makes, {expected_call(op, key)} ({error}). Every schema argument arrives "
            "positionally, keyword-only ones included"
            + ("; structured kernels also get out= (the output to write)"
               if gets_out(op, key) else "")
            + f". Fix: define it as def {op.schema.name}"
            f"{expected_call(op, key).removeprefix('fn')}: ... (schema: {op.schema})"
        ) from None
