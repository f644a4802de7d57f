"""The plugboard CPU backend: host memory that NumPy views without copies, NumPy kernels.

It reaches plugboard only through the entry point ``plugboard.backends: cpu``
and plugboard's public API, as every vendor backend does.
"""

__version__ = "0.1.0"
