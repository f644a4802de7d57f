"""The examples run: examples/train_digits.py, shortened, learns on every available device."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import plugboard as pb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


DEVICES = sorted({d.type for d in pb.devices()})


@pytest.mark.parametrize("device", DEVICES)
def test_train_digits_learns_in_two_epochs(device: str) -> None:
    pytest.importorskip("sklearn")
    train_digits = _load("train_digits")
    results = train_digits.run(device, epochs=2, show_progress=False)
    assert [r.name for r in results] == ["mlp", "cnn"]
    for result in results:
        first, second = result.epoch_losses
        assert second < first, f"{result.name}: the loss did not decrease"
        assert result.test_accuracy > 0.8, f"{result.name}: {result.test_accuracy:.1%}"


def test_train_digits_prints_the_accuracy_of_each_model(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sklearn")
    _load("train_digits").main(["--epochs", "1", "--models", "mlp", "--no-progress"])
    line = capsys.readouterr().out.strip()
    assert line.startswith("mlp: test accuracy ") and "on cpu" in line
