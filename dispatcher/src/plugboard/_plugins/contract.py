"""Who a backend is: the identity a plugin gives in ``plugboard_backend_info``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BackendInfo"]


@dataclass(frozen=True)
class BackendInfo:
    """Who a backend is.

    Attributes:
        device_type: the name users write in device strings (``"opencl"``); it
            must equal the plugin's entry point name.
        dispatch_key: the name of the backend's dispatch key (``"OpenCL"``).
        version: the plugin's own version.
        api_version: the plugboard backend API version the plugin was built
            for, as ``(major, minor)``. It loads when the majors match and its
            minor is not newer than the core's.
        distribution: the pip package that ships the plugin.
    """

    device_type: str
    dispatch_key: str
    version: str
    api_version: tuple[int, int]
    distribution: str = ""
