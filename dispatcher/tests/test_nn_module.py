"""nn.Module bookkeeping: registration, traversal, state dicts, to(), modes, zero_grad, repr."""

from __future__ import annotations

import numpy as np
import pytest

import plugboard as pb
from plugboard import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(pb.ones(4))
        self.register_buffer("steps", pb.zeros((), dtype=pb.int64))
        self.register_buffer("cache", pb.zeros(4), persistent=False)
        self.act = nn.ReLU()

    def forward(self, x: pb.Tensor) -> pb.Tensor:
        out: pb.Tensor = self.act(self.fc(x)) * self.scale
        return out


def test_assignment_registers_parameters_modules_and_buffers() -> None:
    m = Block()
    assert [n for n, _ in m.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert [n for n, _ in m.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in m.named_children()] == ["fc", "act"]
    assert [n for n, _ in m.named_modules()] == ["", "fc", "act"]
    assert list(m.children()) == [m.fc, m.act]
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["scale"]
    assert all(p.requires_grad and p.is_leaf for p in m.parameters())


def test_reassigning_and_deleting_attributes() -> None:
    m = Block()
    m.scale = None
    assert m.scale is None and "scale" not in dict(m.named_parameters())
    m.steps = pb.ones((), dtype=pb.int64)
    assert m.steps.item() == 1
    del m.fc
    assert not hasattr(m, "fc")
    m.fc = nn.Linear(3, 4)  # back as a module, not a plain attribute
    assert "fc.weight" in dict(m.named_parameters())


def test_bad_registrations_are_plugboard_errors() -> None:
    m = nn.Module()
    with pytest.raises(pb.ArgumentError, match="nn.Parameter"):
        m.register_parameter("w", pb.ones(2))  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="without '.'"):
        m.register_buffer("a.b", pb.ones(2))
    m.w = nn.Parameter(pb.ones(2))
    with pytest.raises(pb.ArgumentError, match="assign an nn.Parameter or None"):
        m.w = pb.ones(2)

    class Early(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(pb.ones(1))

    with pytest.raises(pb.ArgumentError, match="super"):
        Early()


def test_shared_parameters_are_yielded_once() -> None:
    a = nn.Linear(2, 2)
    net = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_modules()] == ["", "0", "1"]


def test_state_dict_holds_detached_persistent_state() -> None:
    m = Block()
    sd = m.state_dict()
    assert list(sd) == ["scale", "steps", "fc.weight", "fc.bias"]  # not the cache
    assert not sd["scale"].requires_grad
    assert sd["fc.weight"].untyped_storage() is m.fc.weight.untyped_storage()
    assert m.state_dict(keep_vars=True)["scale"] is m.scale


def test_load_state_dict_copies_in_place() -> None:
    a, b = Block(), Block()
    weight = b.fc.weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc.weight is weight  # an optimizer's reference stays valid
    np.testing.assert_array_equal(b.fc.weight.numpy(), a.fc.weight.numpy())


def test_load_state_dict_strict_names_every_problem() -> None:
    m = Block()
    sd = dict(m.state_dict())
    del sd["scale"]
    sd["extra"] = pb.ones(1)
    sd["fc.bias"] = pb.ones(5)
    with pytest.raises(pb.ArgumentError) as info:
        m.load_state_dict(sd)
    text = str(info.value)
    assert "missing keys: ['scale']" in text
    assert "unexpected keys: ['extra']" in text
    assert "fc.bias: checkpoint [5], model [4]" in text
    sd["fc.bias"] = pb.ones(4)
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["scale"] and result.unexpected_keys == ["extra"]
    assert m.fc.bias.tolist() == [1.0] * 4
    sd["fc.bias"] = pb.ones(5)
    with pytest.raises(pb.ArgumentError, match="shape mismatches"):
        m.load_state_dict(sd, strict=False)


def test_to_dtype_casts_floating_state_only() -> None:
    m = Block()
    params = list(m.parameters())
    m.to(pb.float64)
    assert all(a is b for a, b in zip(m.parameters(), params, strict=True))  # same objects
    assert {p.dtype for p in m.parameters()} == {pb.float64}
    assert m.steps.dtype == pb.int64 and m.cache.dtype == pb.float64
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())
    out = m(pb.ones(2, 3, dtype=pb.float64))
    assert out.dtype == pb.float64
    with pytest.raises(pb.DTypeError, match="floating"):
        m.to(pb.int32)


def test_to_opencl_moves_parameters_buffers_and_grads() -> None:
    if not pb.devices("opencl"):
        pytest.skip("no OpenCL device")
    m = Block()
    m(pb.ones(2, 3)).sum().backward()
    values = m.fc.weight.numpy().copy()
    weight = m.fc.weight
    m.to("opencl")
    assert m.fc.weight is weight  # an optimizer's reference stays valid
    for t in [*m.parameters(), *m.buffers()]:
        assert t.device.type == "opencl"
    assert m.fc.weight.grad is not None and m.fc.weight.grad.device.type == "opencl"
    np.testing.assert_array_equal(m.fc.weight.numpy(), values)
    m.zero_grad()
    m(pb.ones(2, 3, device="opencl")).sum().backward()
    assert m.fc.weight.grad is not None and m.fc.weight.grad.device.type == "opencl"
    m.cpu()
    assert m.fc.weight.device.type == "cpu"


def test_train_eval_and_requires_grad() -> None:
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout()))
    assert all(x.training for x in m.modules())
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_zero_grad() -> None:
    m = nn.Linear(2, 1)
    m(pb.ones(3, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is not None and m.weight.grad.tolist() == [[0.0, 0.0]]
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_apply_visits_children_first() -> None:
    seen: list[str] = []
    nn.Sequential(nn.Linear(1, 1), nn.ReLU()).apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "ReLU", "Sequential"]


def test_repr_reads_like_pytorch() -> None:
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64, 10, bias=False))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        "  (3): Flatten(start_dim=1, end_dim=-1)\n"
        "  (4): Linear(in_features=64, out_features=10, bias=False)\n"
        ")"
    )
    assert repr(nn.Parameter(pb.zeros(1))).startswith("Parameter containing:\ntensor(")


def test_parameter_shares_the_data_and_requires_grad() -> None:
    data = pb.zeros(3)
    p = nn.Parameter(data)
    assert p.untyped_storage() is data.untyped_storage() and p.requires_grad
    assert type(p * 2) is pb.Tensor
    with pytest.raises(pb.ArgumentError, match="plugboard Tensor"):
        nn.Parameter([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(pb.DTypeError):
        nn.Parameter(pb.zeros(2, dtype=pb.int64))


def test_containers() -> None:
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(seq[-1], nn.Linear) and len(seq[1:]) == 2
    with pytest.raises(IndexError):
        seq[3]
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers.append(nn.Linear(2, 2))
    assert len(layers) == 2 and [n for n, _ in layers.named_parameters()][2] == "1.weight"
    heads = nn.ModuleDict({"a": nn.Linear(2, 1)})
    heads["b"] = nn.Linear(2, 2)
    assert list(heads) == ["a", "b"] and "b" in heads
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight",
                                                        "b.bias"]
    with pytest.raises(pb.ArgumentError, match="modules"):
        nn.Sequential(pb.ones(1))  # type: ignore[arg-type]
