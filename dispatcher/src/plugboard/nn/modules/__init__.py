"""The layers of :mod:`plugboard.nn`, one module per concern, as ``torch.nn.modules``."""

from plugboard.nn.modules.activation import GELU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh
from plugboard.nn.modules.attention import MultiheadAttention
from plugboard.nn.modules.container import ModuleDict, ModuleList, Sequential
from plugboard.nn.modules.conv import Conv2d
from plugboard.nn.modules.dropout import Dropout
from plugboard.nn.modules.flatten import Flatten
from plugboard.nn.modules.linear import Identity, Linear
from plugboard.nn.modules.loss import CrossEntropyLoss, MSELoss
from plugboard.nn.modules.module import IncompatibleKeys, Module
from plugboard.nn.modules.normalization import BatchNorm2d, LayerNorm, RMSNorm
from plugboard.nn.modules.pooling import AvgPool2d, MaxPool2d
from plugboard.nn.modules.sparse import Embedding

__all__ = [
    "Module", "IncompatibleKeys", "Identity", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d",
    "ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Flatten",
    "Sequential", "ModuleList", "ModuleDict", "CrossEntropyLoss", "MSELoss", "BatchNorm2d",
    "LayerNorm", "RMSNorm", "Embedding", "Dropout", "MultiheadAttention",
]
