"""StepLR and CosineAnnealingLR: the learning rates of each epoch, and their state dicts."""

from __future__ import annotations

import math
from typing import Any

import pytest

import plugboard as pb
from plugboard.optim import lr_scheduler

EPOCHS = 25
SCHEDULES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 1, "gamma": 0.7}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),  # past T_max the cosine climbs
]
IDS = [f"{name}-{options}" for name, options in SCHEDULES]


def _lrs(module: Any, optimizer: Any, name: str, options: dict[str, Any]) -> list[list[float]]:
    scheduler = getattr(module, name)(optimizer, **options)
    lrs = []
    for _ in range(EPOCHS):
        lrs.append(scheduler.get_last_lr())
        optimizer.step()
        scheduler.step()
    return lrs


def _optimizer() -> pb.optim.SGD:
    return pb.optim.SGD([{"params": [pb.zeros(1, requires_grad=True)]},
                         {"params": [pb.zeros(1, requires_grad=True)], "lr": 0.3}], lr=1.0)


def test_step_lr_decays_every_step_size_epochs() -> None:
    lrs = _lrs(lr_scheduler, _optimizer(), "StepLR", {"step_size": 3, "gamma": 0.5})
    assert [lr[0] for lr in lrs[:7]] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert [lr[1] for lr in lrs[:4]] == [0.3, 0.3, 0.3, 0.15]


def test_cosine_annealing_follows_the_closed_form() -> None:
    lrs = _lrs(lr_scheduler, _optimizer(), "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.1})
    for t in range(11):
        expected = 0.1 + 0.9 * (1 + math.cos(math.pi * t / 10)) / 2
        assert lrs[t][0] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert lrs[10][0] == pytest.approx(0.1)


@pytest.mark.parametrize(("name", "options"), SCHEDULES, ids=IDS)
def test_learning_rates_equal_pytorchs(name: str, options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    theirs_optimizer = torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)]},
         {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.3}], lr=1.0)
    theirs = _lrs(torch.optim.lr_scheduler, theirs_optimizer, name, options)
    ours = _lrs(lr_scheduler, _optimizer(), name, options)
    for epoch, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == pytest.approx(reference, rel=1e-12, abs=1e-15), f"epoch {epoch}"


@pytest.mark.parametrize(("name", "options"), SCHEDULES, ids=IDS)
def test_a_state_dict_resumes_the_schedule(name: str, options: dict[str, Any]) -> None:
    expected = _lrs(lr_scheduler, _optimizer(), name, options)
    optimizer = _optimizer()
    scheduler = getattr(lr_scheduler, name)(optimizer, **options)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()

    resumed_optimizer = _optimizer()
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed = getattr(lr_scheduler, name)(resumed_optimizer, **options)
    resumed.load_state_dict(saved_scheduler)
    lrs = []
    for _ in range(EPOCHS - 5):
        lrs.append(resumed.get_last_lr())
        resumed_optimizer.step()
        resumed.step()
    for epoch, (mine, reference) in enumerate(zip(lrs, expected[5:], strict=True), start=5):
        assert mine == pytest.approx(reference, rel=1e-12), f"epoch {epoch}"


def test_the_optimizer_uses_the_scheduled_lr() -> None:
    w = pb.tensor([1.0], requires_grad=True)
    optimizer = pb.optim.SGD([w], lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    w.grad = pb.tensor([1.0])
    optimizer.step()
    assert w.item() == 0.5
    assert optimizer.param_groups[0]["initial_lr"] == 1.0


def test_bad_arguments_raise_clear_errors() -> None:
    with pytest.raises(pb.ArgumentError, match="step_size is a positive int, got 0"):
        lr_scheduler.StepLR(_optimizer(), step_size=0)
    with pytest.raises(pb.ArgumentError, match="T_max is a positive int"):
        lr_scheduler.CosineAnnealingLR(_optimizer(), T_max=0)
    with pytest.raises(pb.ArgumentError, match="drives an optimizer, got list"):
        lr_scheduler.StepLR([], step_size=1)  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="needs 'initial_lr' in parameter group 0"):
        lr_scheduler.StepLR(_optimizer(), step_size=1, last_epoch=3)
