"""The plugboard CPU backend: host memory that NumPy views without copies, NumPy kernels.

It reaches plugboard only through the entry point ``plugboard.backends: cpu``
and plugboard's public API, as every vendor backend does.
"""

__version__ = "0.1.0"

# The CPU kernel table, for backends that start from it (plugboard new-backend does):
# KERNELS.replacing(KernelSpec(...)) gives a table with some kernels of your own.
from ._plugin import KERNELS

__all__ = ["KERNELS", "__version__"]
