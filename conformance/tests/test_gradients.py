"""The grad variant: gradients on the device against finite differences of the reference."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

import plugboard as pb
from plugboard_conformance._cases import CaseRunner, CaseSpec
from plugboard_conformance._model import Outcome, Variant
from plugboard_conformance._opdb import OpInfo, Sample, by_name
from plugboard_conformance.plugin import all_cases


def run_grad(info: OpInfo, dtype: pb.DType) -> dict[str, object]:
    record = CaseRunner(pb.device("cpu")).run(CaseSpec(info, dtype, Variant.GRAD))
    return vars(record)


@pytest.mark.parametrize("name", ["pb::mul", "pb::softmax", "pb::matmul", "pb::sort"])
@pytest.mark.parametrize("dtype", [pb.float32, pb.float64])
def test_grad_cases_pass_on_cpu_and_record_their_errors(name: str, dtype: pb.DType) -> None:
    record = run_grad(by_name()[name], dtype)
    assert record["outcome"] == Outcome.PASS.value, record["message"]
    assert record["samples"] >= 2
    assert f"eps({dtype.name})" in str(record["limit"])
    assert record["max_ulp_error"] is not None and record["worst"] is not None


def test_a_wrong_gradient_fails_naming_the_input_and_the_worst_element() -> None:
    # tanh's gradient against sin's reference: every element is off.
    info = replace(by_name()["pb::tanh"], reference=np.sin)
    record = run_grad(info, pb.float64)
    assert record["outcome"] == Outcome.FAIL.value
    assert "the gradient of input self is wrong at" in str(record["message"])
    assert "worst at (" in str(record["message"])


def test_a_float64_gradient_computed_in_float32_fails() -> None:
    def rounded(x: pb.Tensor) -> pb.Tensor:
        # Forward in float64, but the gradient passes through float32.
        return pb.exp(x.to(pb.float32).to(pb.float64))

    info = replace(by_name()["pb::exp"], call=rounded)
    assert run_grad(info, pb.float32)["outcome"] == Outcome.PASS.value
    assert run_grad(info, pb.float64)["outcome"] == Outcome.FAIL.value


def kinks(dtype: pb.DType, rng: np.random.Generator) -> Iterator[Sample]:
    # relu at 0 and two values a tiny step apart from it: relu'(0) is 0 for autograd,
    # 0.5 for a central difference.
    yield Sample("kink at 0", (np.array([0.0, 1e-9, -1.5, 2.0], dtype.numpy),))


def test_points_where_the_operator_is_not_differentiable_are_not_compared() -> None:
    info = replace(by_name()["pb::relu"], samples=kinks)
    record = run_grad(info, pb.float64)
    assert record["outcome"] == Outcome.PASS.value, record["message"]


def test_only_differentiable_operators_get_grad_cases_in_float32_and_float64() -> None:
    grads = [c for c in all_cases() if c.variant is Variant.GRAD]
    names = {c.info.name for c in grads}
    assert {"pb::add", "pb::conv2d", "pb::layer_norm", "indexing:advanced"} <= names
    assert not names & {"pb::eq", "pb::argmax", "pb::rand", "pb::dropout", "pb::full",
                        "pb::zeros_like"}
    assert {c.dtype for c in grads} == {pb.float32, pb.float64}
