"""Neural-network layers, as ``torch.nn``: modules, parameters, losses, init, functional.

Layers are built from the ``pb::`` operators, so a model runs and trains on
any backend: ``model.to("opencl")`` moves its parameters and buffers, and
autograd differentiates it there (docs/architecture.md, "nn").

Example:
    >>> import plugboard as pb
    >>> model = pb.nn.Sequential(pb.nn.Linear(4, 8), pb.nn.ReLU(), pb.nn.Linear(8, 3))
    >>> loss = pb.nn.CrossEntropyLoss()(model(pb.randn(5, 4)), pb.tensor([0, 1, 2, 0, 1]))
    >>> loss.backward()
    >>> model[0].weight.grad.shape
    (8, 4)
"""

from plugboard.nn import functional as functional
from plugboard.nn import init as init
from plugboard.nn.modules import (
    GELU,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    CrossEntropyLoss,
    Dropout,
    Embedding,
    Flatten,
    Identity,
    IncompatibleKeys,
    LayerNorm,
    Linear,
    LogSoftmax,
    MaxPool2d,
    Module,
    ModuleDict,
    ModuleList,
    MSELoss,
    MultiheadAttention,
    ReLU,
    RMSNorm,
    Sequential,
    Sigmoid,
    SiLU,
    Softmax,
    Tanh,
)
from plugboard.nn.parameter import Buffer, Parameter

__all__ = [
    "Parameter", "Buffer", "functional", "init",
    "Module", "IncompatibleKeys", "Identity", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d",
    "BatchNorm2d", "LayerNorm", "RMSNorm", "Embedding", "Dropout", "MultiheadAttention",
    "ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Flatten",
    "Sequential", "ModuleList", "ModuleDict", "CrossEntropyLoss", "MSELoss",
]
