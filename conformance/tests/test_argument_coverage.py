"""Every argument of every operator is exercised by the op database's value samples.

A kernel that ignores an argument (``alpha``, ``keepdim``, ``correction``,
``descending``, ``dtype=``, a negative ``dim``) passes every sample that leaves
the argument at its default, so for each operator with a schema, every value
sample of every dtype is bound to the schema as a call binds it, and:

- every argument with a default receives another value in at least one sample
  (``dtype=`` a dtype, an optional tensor a tensor);
- every dim argument receives a negative dim, and a list of two or more dims
  where the schema takes a list.

The samples are bound, not computed: the operator's binder runs and the call
stops there, so the whole database binds in about a second. Arguments that no
value sample can exercise are listed in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard.library import registered_ops
from plugboard_conformance._cases import _to_device
from plugboard_conformance._opdb import OpInfo, all_ops

# (operator, argument) -> why no value sample gives it another value.
EXEMPT: dict[tuple[str, str], str] = {
    ("pb::to", "device"): "the suite runs on one device: transfers are the device "
                          "contract's checks",
    ("pb::empty_like", "device"): "the suite runs on one device, the input's",
    ("pb::full_like", "device"): "the suite runs on one device, the input's",
    ("pb::zeros_like", "device"): "the suite runs on one device, the input's",
    ("pb::ones_like", "device"): "the suite runs on one device, the input's",
    ("pb::copy_", "non_blocking"): "non-blocking copies are the device contract's check "
                                   "(test_non_blocking_copies_give_the_values_once_read)",
    ("pb::pad", "mode"): "the core supports mode='constant' only; another mode is an "
                         "error input",
    ("pb::batch_norm", "momentum"): "it only weighs the update of running statistics, "
                                    "which this functional form never makes",
    ("pb::dropout", "generator"): "dropout is checked statistically, the same with any "
                                  "generator; seeded streams are rand's, randn's and "
                                  "randint's Philox check",
    ("pb::scaled_dot_product_attention", "dropout_p"): "a nonzero dropout_p makes the "
                                                       "result random: there is no "
                                                       "reference to compare with",
    ("pb::tile", "dims"): "repetition counts (PyTorch's name), not dimension indices",
}

# Entries named like operators that are front-end functions, with no schema to bind to.
FRONT_END: dict[str, str] = {
    "pb::tensor": "pb.tensor: host data to a tensor",
    "pb::from_numpy": "pb.from_numpy: a NumPy array shared as a cpu tensor",
    "pb::asarray": "pb.asarray: host data or a tensor, copied only where needed",
}

_OPERATORS = {op.name: op for op in registered_ops()}
_DIM = re.compile(r"dims?|dim\d|\w+_dim")


def _entries() -> list[OpInfo]:
    # Features ("indexing:basic") are not one operator: they have no schema.
    return [info for info in all_ops() if "::" in info.name and info.name not in FRONT_END]


class _Bound(Exception):
    """Raised once the operator under test has bound a call: no kernel runs."""


@contextmanager
def _binding_of(name: str) -> Iterator[list[list[Any]]]:
    """The argument values, in schema order, of the calls of ``name`` made in the block:
    each call stops at its first binding of ``name``, so no kernel runs."""
    binder = _OPERATORS[name].binder
    binder_class = type(binder)
    bind = binder_class.bind
    calls: list[list[Any]] = []

    def recording(self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        values: list[Any] = bind(self, args, kwargs)
        if self is binder:
            calls.append(values)
            raise _Bound
        return values

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(binder_class, "bind", recording)
        yield calls


def bound_samples(info: OpInfo) -> list[list[Any]]:
    """Every value sample of ``info``, in every dtype, as its operator binds it."""
    device = pb.device("cpu")
    bound: list[list[Any]] = []
    for dtype in info.dtypes:
        for sample in info.samples(dtype, np.random.default_rng(0)):
            # Tensors are made first: making a view binds operators too.
            args = [_to_device(a, device) for a in sample.args]
            kwargs = dict(sample.kwargs, device=device) if info.creation else sample.kwargs
            with _binding_of(info.name) as calls, suppress(_Bound):
                info.call(*args, **kwargs)
            bound.extend(calls)
    return bound


def _is_default(value: Any, default: Any) -> bool:
    if isinstance(value, pb.Tensor) or (
        isinstance(value, tuple) and any(isinstance(v, pb.Tensor) for v in value)
    ):
        return False
    return bool(value == default)


def _dims(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def uncovered(info: OpInfo, exempt: dict[tuple[str, str], str] = EXEMPT) -> list[str]:
    """What the value samples of ``info`` leave unexercised (but ``exempt``), one line
    per requirement: ``"argument: problem"``."""
    schema = _OPERATORS[info.name].schema
    calls = bound_samples(info)
    if not calls:
        return ["no value sample calls the operator"]
    problems = []
    for i, argument in enumerate(schema.arguments):
        values = [call[i] for call in calls]
        if argument.has_default and all(_is_default(v, argument.default) for v in values):
            problems.append(f"{argument.name}: every value sample leaves it at its default "
                            f"{argument.default!r}")
        if not _DIM.fullmatch(argument.name):
            continue
        if not any(d < 0 for v in values for d in _dims(v)):
            problems.append(f"{argument.name}: no value sample gives a negative dim")
        takes_list = "[" in str(argument.type)  # int[], int[1], int[1]?
        if takes_list and not any(len(_dims(v)) >= 2 for v in values):
            problems.append(f"{argument.name}: no value sample gives a list of two or "
                            "more dims")
    return [p for p in problems if (info.name, p.split(":", 1)[0]) not in exempt]


@pytest.mark.parametrize("info", _entries(), ids=lambda info: info.name)
def test_every_argument_gets_a_non_default_value(info: OpInfo) -> None:
    assert info.name in _OPERATORS, f"{info.name}: no registered operator of that name"
    problems = uncovered(info)
    assert not problems, f"{info.name}: " + "; ".join(problems)


def test_every_exemption_is_needed() -> None:
    """An exemption names a real argument that the value samples do not exercise."""
    entries = {info.name: info for info in all_ops()}
    stale = []
    for (name, argument), reason in EXEMPT.items():
        assert reason
        assert argument in [a.name for a in _OPERATORS[name].schema.arguments], (name, argument)
        if not any(p.startswith(f"{argument}:") for p in uncovered(entries[name], exempt={})):
            stale.append(f"{name} {argument}")
    assert not stale, f"exempt, but exercised by a value sample: {', '.join(stale)}"


def test_a_sample_that_leaves_an_argument_at_its_default_is_named() -> None:
    """The check fails naming the operator's argument when no sample sets it."""
    info = next(info for info in all_ops() if info.name == "pb::sub")

    def default_alpha(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Any]:
        for sample in info.samples(dtype, rng):
            if "alpha" not in sample.kwargs:
                yield sample

    problems = uncovered(replace(info, samples=default_alpha))
    assert problems == ["alpha: every value sample leaves it at its default 1"]
