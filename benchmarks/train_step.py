"""One training step of the digits MLP at batch 64: plugboard (cpu) beside PyTorch (CPU).

A step is what examples/train_digits.py runs per batch: ``zero_grad``, the
forward pass of the MLP (64-128-10, ReLU), the cross-entropy loss, backward,
and an Adam step. Both libraries start from the same weights and see the same
batch (random standardised pixels and labels: the time does not depend on the
values), on the same number of threads. The contenders alternate and each
figure is the median of many timed steps; the machine is shared and noisy, so
compare the ratio, not the absolute times.

    .venv/bin/python benchmarks/train_step.py [--repeat 15] [--number 20] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import timeit
from collections.abc import Callable

BATCH, FEATURES, HIDDEN, CLASSES = 64, 64, 128, 10


def _limit_threads(threads: int) -> None:
    # NumPy's BLAS (the cpu backend's matmul) reads these when it loads: set them first.
    if "numpy" in sys.modules:
        print("NumPy was imported first: its BLAS keeps the thread count it started with")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


def plugboard_step(inputs: object, labels: object) -> tuple[Callable[[], object], list[object]]:
    """A closure that runs one plugboard training step, and the model's initial weights."""
    import numpy as np

    import plugboard as pb
    from plugboard import nn

    pb.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES)
    )
    optimizer = pb.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    x, y = pb.tensor(inputs), pb.tensor(labels)
    weights = [np.array(p.detach().numpy()) for p in model.parameters()]

    def step() -> object:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step, weights


def torch_step(
    torch: object, inputs: object, labels: object, weights: list[object]
) -> Callable[[], object]:
    """The same step in PyTorch eager, from the same weights."""
    nn = torch.nn  # type: ignore[attr-defined]
    model = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    with torch.no_grad():  # type: ignore[attr-defined]
        for param, value in zip(model.parameters(), weights, strict=True):
            param.copy_(torch.from_numpy(value))  # type: ignore[attr-defined]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)  # type: ignore[attr-defined]
    loss_fn = nn.CrossEntropyLoss()
    x, y = torch.from_numpy(inputs), torch.from_numpy(labels)  # type: ignore[attr-defined]

    def step() -> object:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timings per round")
    parser.add_argument("--number", type=int, default=20, help="steps per timing")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, contenders alternating")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    _limit_threads(args.threads)

    import numpy as np

    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((BATCH, FEATURES), dtype=np.float32)
    labels = rng.integers(0, CLASSES, size=BATCH)
    ours, weights = plugboard_step(inputs, labels)
    cases: dict[str, Callable[[], object]] = {"plugboard": ours}
    try:
        import torch

        torch.set_num_threads(args.threads)
        cases["pytorch"] = torch_step(torch, inputs, labels, weights)
    except ImportError:
        print("PyTorch is not installed: timing plugboard only")

    for fn in cases.values():
        for _ in range(5):  # warm up: plugin loading, dispatch caches, the allocator
            fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            times = timeit.repeat(fn, repeat=args.repeat, number=args.number)
            samples[name].extend(t / args.number for t in times)
    medians = {name: statistics.median(values) for name, values in samples.items()}

    print(
        f"one training step (forward, backward, Adam) of the {FEATURES}-{HIDDEN}-{CLASSES} MLP, "
        f"batch {BATCH}, float32 on cpu, {args.threads} thread(s); median of "
        f"{args.rounds * args.repeat} x {args.number} steps"
    )
    print(f"{'library':<10} {'time per step':>14}")
    for name, seconds in medians.items():
        print(f"{name:<10} {seconds * 1e3:>11.3f} ms")
    if "pytorch" in medians:
        print(f"plugboard / pytorch: {medians['plugboard'] / medians['pytorch']:.1f}x")


if __name__ == "__main__":
    main()
