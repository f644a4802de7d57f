"""Optimizers and learning-rate schedules, as ``torch.optim``.

``SGD``, ``Adam`` and ``AdamW`` update parameters in place from their
gradients, under ``pb.no_grad``, with plugboard operators: they run on any
backend, on the parameters' own device and in their dtype. Their update
rules, defaults and state dicts are PyTorch's.

Example:
    >>> import plugboard as pb
    >>> w = pb.tensor([4.0], requires_grad=True)
    >>> optimizer = pb.optim.SGD([w], lr=0.25)
    >>> for _ in range(3):
    ...     optimizer.zero_grad()
    ...     loss = ((w - 1.0) ** 2).sum()
    ...     loss.backward()
    ...     optimizer.step()
    >>> round(w.item(), 4)   # halves the distance to 1 each step
    1.375
"""

from plugboard.optim import lr_scheduler as lr_scheduler
from plugboard.optim.adam import Adam
from plugboard.optim.adamw import AdamW
from plugboard.optim.optimizer import Optimizer
from plugboard.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "lr_scheduler"]
