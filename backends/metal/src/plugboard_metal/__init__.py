"""The plugboard metal backend, on MLX: Apple GPUs through MLX's Metal device.

It reaches plugboard only through the entry point ``plugboard.backends: metal``
and plugboard's public API, as every vendor backend does. The device is
``metal:0``. A storage is a flat uint8 MLX array; kernels are MLX operations,
queued lazily on MLX streams (``pb.Stream``), which ``pb.synchronize``
evaluates.

Where Metal is unavailable (Linux, an Intel Mac) the backend reports itself
unavailable with the reason, unless ``PLUGBOARD_METAL_EMULATION=1`` asks for
host emulation: ``metal:0`` then runs on MLX's CPU device, labelled "host
emulation on MLX's CPU device, not Metal" wherever the device shows, and
declares what an Apple GPU computes (no float64), so that its conformance
report predicts a Mac's. :func:`to_mlx` and :func:`from_mlx` move tensors to and from
MLX arrays without the host.

Example:
    >>> import plugboard as pb
    >>> "metal" in [b.device_type for b in pb.backends()]
    True
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["from_mlx", "to_mlx"]


def __getattr__(name: str) -> Any:
    # MLX is imported on first use: `import plugboard_metal` works where MLX cannot load,
    # and the backend then says why it is unavailable.
    if name in __all__:
        from . import _interop

        return getattr(_interop, name)
    raise AttributeError(f"module 'plugboard_metal' has no attribute {name!r}")
