"""The optimizer base: parameter checks, groups, zero_grad, closures, state dicts, repr."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest

import plugboard as pb


def _params(device: str = "cpu") -> list[pb.Tensor]:
    rng = np.random.default_rng(1)
    return [pb.tensor(rng.normal(size=shape), device=device, requires_grad=True)
            for shape in [(4,), (2, 3)]]


def _train(optimizer: pb.optim.Optimizer, params: list[pb.Tensor], steps: int) -> None:
    for _ in range(steps):
        optimizer.zero_grad()
        loss = sum(((p - 0.5) ** 2 * (i + 1)).sum() for i, p in enumerate(params))
        loss.backward()
        optimizer.step()


OPTIMIZERS = [
    (pb.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    (pb.optim.Adam, {"lr": 0.05, "amsgrad": True}),
    (pb.optim.AdamW, {"lr": 0.05}),
]


@pytest.mark.parametrize(("cls", "options"), OPTIMIZERS, ids=lambda x: getattr(x, "__name__", ""))
def test_a_state_dict_resumes_training_identically(cls: Any, options: dict[str, Any]) -> None:
    params = _params()
    optimizer = cls(params, **options)
    _train(optimizer, params, 5)
    saved_params = [p.detach().clone() for p in params]
    saved_state = copy.deepcopy(optimizer.state_dict())
    _train(optimizer, params, 5)
    expected = [p.tolist() for p in params]

    resumed_params = [p.requires_grad_() for p in saved_params]
    resumed = cls(resumed_params, lr=1.0)  # the loaded groups bring back lr=0.05
    resumed.load_state_dict(saved_state)
    _train(resumed, resumed_params, 5)
    assert [p.tolist() for p in resumed_params] == expected


def test_state_dict_has_pytorchs_layout() -> None:
    w, b = _params()
    optimizer = pb.optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.5}])
    _train(optimizer, [w, b], 1)
    state = optimizer.state_dict()
    assert sorted(state) == ["param_groups", "state"]
    assert [g["params"] for g in state["param_groups"]] == [[0], [1]]
    assert state["param_groups"][1]["lr"] == 0.5
    assert sorted(state["state"][1]) == ["exp_avg", "exp_avg_sq", "step"]
    assert state["state"][1]["step"] == 1


def test_a_state_dict_loads_onto_another_device() -> None:
    if not any(d.type == "opencl" for d in pb.devices()):
        pytest.skip("no OpenCL device")
    params = _params()
    optimizer = pb.optim.SGD(params, lr=0.05, momentum=0.9)
    _train(optimizer, params, 3)
    on_device = [p.detach().to("opencl").requires_grad_() for p in params]
    moved = pb.optim.SGD(on_device, lr=0.05, momentum=0.9)
    moved.load_state_dict(optimizer.state_dict())
    assert moved.state[on_device[1]]["momentum_buffer"].device == pb.device("opencl")
    _train(optimizer, params, 3)
    _train(moved, on_device, 3)
    np.testing.assert_allclose(on_device[1].cpu().tolist(), params[1].tolist(), rtol=1e-5)


def test_loading_a_state_dict_of_other_groups_is_refused() -> None:
    w, b = _params()
    two_groups = pb.optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1).state_dict()
    with pytest.raises(pb.ArgumentError, match="2 parameter groups, the optimizer has 1"):
        pb.optim.SGD([w, b], lr=0.1).load_state_dict(two_groups)
    with pytest.raises(pb.ArgumentError, match="group 0 of the state dict has 2 parameters"):
        pb.optim.SGD([w], lr=0.1).load_state_dict(pb.optim.SGD([w, b]).state_dict())
    with pytest.raises(pb.ArgumentError, match="has the key 'state'"):
        pb.optim.SGD([w]).load_state_dict({"param_groups": []})


def test_loading_copies_the_state() -> None:
    params = _params()
    optimizer = pb.optim.SGD(params, lr=0.1, momentum=0.9)
    _train(optimizer, params, 1)
    other = pb.optim.SGD(params, lr=0.1, momentum=0.9)
    other.load_state_dict(optimizer.state_dict())
    before = optimizer.state[params[0]]["momentum_buffer"].tolist()
    _train(other, params, 1)
    assert optimizer.state[params[0]]["momentum_buffer"].tolist() == before


def test_zero_grad_sets_none_or_zeros() -> None:
    params = _params()
    optimizer = pb.optim.SGD(params)
    _train(optimizer, params, 1)
    (params[0] * 3).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    assert params[0].grad is not None and params[0].grad.tolist() == [0.0] * 4
    optimizer.zero_grad()
    assert all(p.grad is None for p in params)


def test_parameters_without_a_gradient_are_left_alone() -> None:
    w, b = _params()
    optimizer = pb.optim.Adam([w, b], lr=0.1)
    before = b.tolist()
    (w * w).sum().backward()
    optimizer.step()
    assert b.tolist() == before and b not in optimizer.state


def test_step_returns_the_closures_loss_computed_with_grad() -> None:
    (w,) = _params()[:1]
    optimizer = pb.optim.SGD([w], lr=0.1)

    def closure() -> pb.Tensor:
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    first = optimizer.step(closure)
    second = optimizer.step(closure)
    assert second.item() < first.item()


def test_step_records_no_graph() -> None:
    (w,) = _params()[:1]
    optimizer = pb.optim.Adam([w])
    (w * w).sum().backward()
    optimizer.step()
    assert w.is_leaf and w.grad_fn is None
    assert optimizer.state[w]["exp_avg"].requires_grad is False


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.float16])
def test_steps_keep_the_parameters_dtype(dtype: pb.DType) -> None:
    w = pb.ones(3, dtype=dtype, requires_grad=True)
    optimizer = pb.optim.AdamW([w], lr=0.1)
    (w * w).sum().backward()
    optimizer.step()
    assert w.dtype == dtype and optimizer.state[w]["exp_avg"].dtype == dtype
    assert w.tolist()[0] < 1.0


def test_errors_number_parameters_as_the_state_dict_does() -> None:
    w, b = _params()
    with pytest.raises(pb.ArgumentError, match="parameter 2 does not require grad"):
        pb.optim.SGD([{"params": [w, b]}, {"params": [pb.zeros(1)]}])


def test_add_param_group_takes_the_defaults() -> None:
    w, b = _params()
    optimizer = pb.optim.SGD([w], lr=0.1, momentum=0.9)
    optimizer.add_param_group({"params": b, "lr": 0.01})
    assert optimizer.param_groups[1]["momentum"] == 0.9
    assert optimizer.param_groups[1]["lr"] == 0.01
    assert optimizer.param_groups[1]["params"] == [b]


def test_repr_lists_each_group_without_its_tensors() -> None:
    optimizer = pb.optim.SGD(_params(), lr=0.1)
    assert repr(optimizer) == (
        "SGD (\nParameter Group 0\n    dampening: 0.0\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0.0\n    nesterov: False\n    weight_decay: 0.0\n)"
    )


def test_an_optimizer_pickles() -> None:
    params = _params()
    optimizer = pb.optim.Adam(params)
    _train(optimizer, params, 1)
    copy_ = pickle.loads(pickle.dumps(optimizer))
    assert copy_.param_groups[0]["lr"] == 1e-3 and len(copy_.state) == 2


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: pb.optim.SGD(pb.zeros(2, requires_grad=True)), pb.ArgumentError,
         "got one Tensor"),
        (lambda: pb.optim.SGD([]), pb.ArgumentError, "empty parameter list"),
        (lambda: pb.optim.SGD([pb.zeros(2, dtype=pb.int64)]), pb.DTypeError,
         "parameter 0 is int64"),
        (lambda: pb.optim.SGD([pb.zeros(2)]), pb.ArgumentError,
         "parameter 0 does not require grad"),
        (lambda: pb.optim.SGD([pb.zeros(2, requires_grad=True) * 2]), pb.ArgumentError,
         "parameter 0 is not a leaf"),
        (lambda: pb.optim.SGD([[1.0, 2.0]]), pb.ArgumentError, "parameter 0 is a list"),
        (lambda: pb.optim.SGD([{"lr": 0.1}]), pb.ArgumentError, "needs the key 'params'"),
        (lambda: pb.optim.SGD({pb.zeros(1, requires_grad=True)}), pb.ArgumentError,
         "not a set.*Fix: pass a list"),
        (lambda: pb.optim.SGD([{"params": {pb.zeros(1, requires_grad=True)}}]),
         pb.ArgumentError, "not a set"),
        (lambda: pb.optim.SGD([w := pb.zeros(1, requires_grad=True), w]), pb.ArgumentError,
         "appear more than once"),
        (lambda: pb.optim.SGD([pb.zeros(1, requires_grad=True)], lr=-1), pb.ArgumentError,
         "invalid learning rate: -1"),
        (lambda: pb.optim.SGD([pb.zeros(1, requires_grad=True)], momentum=-0.5),
         pb.ArgumentError, "invalid momentum"),
        (lambda: pb.optim.SGD([pb.zeros(1, requires_grad=True)], nesterov=True),
         pb.ArgumentError, "Nesterov momentum needs a momentum and zero dampening"),
        (lambda: pb.optim.SGD([pb.zeros(1, requires_grad=True)], momentum=0.9, dampening=0.1,
                              nesterov=True), pb.ArgumentError, "dampening=0.1"),
        (lambda: pb.optim.Adam([pb.zeros(1, requires_grad=True)], betas=(0.9, 1.0)),
         pb.ArgumentError, "invalid beta parameter at index 1: 1.0"),
        (lambda: pb.optim.Adam([pb.zeros(1, requires_grad=True)], eps=-1e-8),
         pb.ArgumentError, "invalid epsilon"),
        (lambda: pb.optim.AdamW([pb.zeros(1, requires_grad=True)], weight_decay=float("nan")),
         pb.ArgumentError, "invalid weight_decay: nan"),
    ],
)
def test_bad_arguments_raise_clear_errors(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()



def test_an_optimizer_built_before_model_to_trains_on_the_device() -> None:
    if not any(d.type == "opencl" for d in pb.devices()):
        pytest.skip("no OpenCL device")
    pb.manual_seed(0)
    model = pb.nn.Linear(3, 2)
    optimizer = pb.optim.Adam(model.parameters(), lr=0.1)
    model.to("opencl")  # moves each Parameter in place, so the optimizer still holds them
    x = pb.randn(4, 3).to("opencl")
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert all(s["exp_avg"].device == pb.device("opencl") for s in optimizer.state.values())
