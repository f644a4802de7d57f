"""Train an MLP and a small CNN on scikit-learn's 8x8 digits, on any plugboard device.

The 1,797 digits ship inside scikit-learn (no download). Pixels are
standardised with the training split's statistics; 20% of the images, drawn
stratified by class, are held out for the test accuracy. Each model trains
with Adam and a cosine learning-rate schedule, on the device you name:

    python examples/train_digits.py --device cpu
    python examples/train_digits.py --device opencl --epochs 5

scikit-learn is a development dependency (the root pyproject's dev group),
not one of plugboard's.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import plugboard as pb
from plugboard import nn


@dataclass
class Split:
    """Images and labels on one device: ``x`` is (N, 1, 8, 8) float32, ``y`` (N,) int64."""

    x: pb.Tensor
    y: pb.Tensor


@dataclass
class Result:
    """What one model's training gave: the mean training loss of each epoch, test accuracy."""

    name: str
    epoch_losses: list[float]
    test_accuracy: float
    seconds: float


def load_digits(device: str, seed: int, test_fraction: float = 0.2) -> tuple[Split, Split]:
    """The digits, standardised and split stratified into training and test sets."""
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    images, labels = sklearn_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std[std == 0] = 1.0  # border pixels that are blank in every training image

    def split(x: np.ndarray, y: np.ndarray) -> Split:
        standard = ((x - mean) / std).astype(np.float32).reshape(-1, 1, 8, 8)
        return Split(pb.tensor(standard, device=device), pb.tensor(y, device=device))

    return split(x_train, y_train), split(x_test, y_test)


def mlp() -> nn.Module:
    """64 pixels, one hidden layer of 128, 10 classes."""
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn() -> nn.Module:
    """One 3x3 convolution to 16 channels, 2x2 max pooling, a linear classifier."""
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )


MODELS: dict[str, Callable[[], nn.Module]] = {"mlp": mlp, "cnn": cnn}


def accuracy(model: nn.Module, data: Split) -> float:
    """The fraction of ``data`` the model classifies correctly."""
    model.eval()
    with pb.no_grad():
        predictions = model(data.x).argmax(dim=1)
    return float((predictions == data.y).float().mean().item())


def train(
    name: str,
    model: nn.Module,
    train_split: Split,
    test_split: Split,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    progress: Progress,
) -> Result:
    """Train ``model`` with Adam and a cosine schedule; return its losses and test accuracy."""
    device = train_split.x.device
    model.to(device)
    optimizer = pb.optim.Adam(model.parameters(), lr=lr)
    scheduler = pb.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    count = train_split.x.shape[0]
    batches = (count + batch_size - 1) // batch_size
    order = np.random.default_rng(seed)
    task = progress.add_task(f"{name:>3}", total=epochs * batches, loss=float("nan"))
    epoch_losses = []
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        permutation = pb.tensor(order.permutation(count), device=device)
        total = pb.zeros((), device=device)
        for first in range(0, count, batch_size):
            index = permutation[first:first + batch_size]
            x, y = train_split.x.index_select(0, index), train_split.y.index_select(0, index)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total = total + loss.detach() * index.shape[0]  # summed on the device: no wait
            progress.advance(task)
        scheduler.step()
        epoch_losses.append(total.item() / count)
        progress.update(task, loss=epoch_losses[-1])
    seconds = time.perf_counter() - start
    return Result(name, epoch_losses, accuracy(model, test_split), seconds)


def run(
    device: str = "cpu",
    *,
    models: Sequence[str] = ("mlp", "cnn"),
    epochs: int = 20,
    batch_size: int = 64,
    lr: float = 1e-2,
    seed: int = 0,
    show_progress: bool = True,
) -> list[Result]:
    """Train each of ``models`` on ``device``; the same seed gives the same initial weights."""
    train_split, test_split = load_digits(device, seed)
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"), TimeElapsedColumn(),
    )
    results = []
    with Progress(*columns, disable=not show_progress) as progress:
        for name in models:
            pb.manual_seed(seed)
            model = MODELS[name]()  # initialised on the cpu, so every device starts alike
            results.append(train(
                name, model, train_split, test_split, epochs=epochs, batch_size=batch_size,
                lr=lr, seed=seed, progress=progress,
            ))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="a plugboard device: cpu, opencl, ...")
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=["mlp", "cnn"])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-2, help="Adam's initial learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    results = run(
        args.device, models=args.models, epochs=args.epochs, batch_size=args.batch_size,
        lr=args.lr, seed=args.seed, show_progress=not args.no_progress,
    )
    for result in results:
        print(
            f"{result.name}: test accuracy {result.test_accuracy:.2%} on {args.device} "
            f"({args.epochs} epochs, {result.seconds:.1f} s, "
            f"final training loss {result.epoch_losses[-1]:.4f})"
        )


if __name__ == "__main__":
    main()
