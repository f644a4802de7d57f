"""Devices: ``pb.device("opencl:1")``.

A device is a backend's device type plus an index. Parsing checks the syntax
and that the type belongs to an installed backend; whether the index exists is
checked when the device is used, because counting devices means loading the
backend's plugin and may touch a driver.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Final

from ._errors import DeviceError

if TYPE_CHECKING:
    from typing import TypeAlias

__all__ = ["Device", "DeviceLike", "device"]

_SPEC: Final = re.compile(r"(?P<type>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<index>[0-9]+))?")

# Backends maintained with plugboard, so an error can name the package to install.
KNOWN_DISTRIBUTIONS: Final = {
    "cpu": "plugboard-cpu",
    "opencl": "plugboard-opencl",
    "cuda": "plugboard-cuda",
    "rocm": "plugboard-rocm",
    "metal": "plugboard-metal",
}


class Device:
    """A device: a device type (the backend's name) and an index.

    ``"cpu"`` and ``"cpu:0"`` name the same device. Devices compare and hash
    by value.

    Example:
        >>> import plugboard as pb
        >>> d = pb.device("cpu")
        >>> d.type, d.index, str(d)
        ('cpu', 0, 'cpu:0')
        >>> d == pb.device("cpu:0")
        True
    """

    __slots__ = ("index", "type")

    type: str
    index: int

    def __new__(cls, spec: DeviceLike, index: int | None = None) -> Device:
        if isinstance(spec, Device):
            if index is not None and index != spec.index:
                raise DeviceError(
                    f"device {spec} already has index {spec.index}; "
                    f"pass pb.device('{spec.type}:{index}') instead"
                )
            return spec
        if not isinstance(spec, str):
            raise DeviceError(
                f"a device is given as a string such as 'cpu' or 'opencl:1', "
                f"not {type(spec).__name__} {spec!r}"
            )
        if index is None:
            cached = _CACHE.get(spec)
            if cached is not None:
                return cached
        device_type, parsed_index = _parse(spec)
        if index is not None:
            if parsed_index is not None:
                raise DeviceError(
                    f"device {spec!r} already has an index; pass either {spec!r} or "
                    f"({device_type!r}, {index}), not both"
                )
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise DeviceError(
                    f"device index must be a non-negative int, got {index!r} for {device_type!r}"
                )
            parsed_index = index
        _check_type(device_type)
        self = object.__new__(cls)
        object.__setattr__(self, "type", device_type)
        object.__setattr__(self, "index", parsed_index or 0)
        if index is None and len(_CACHE) < 1024:
            _CACHE[spec] = self
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Device is immutable")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return self.type == other.type and self.index == other.index
        if isinstance(other, str):
            try:
                return self == Device(other)
            except DeviceError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        return f"device('{self}')"

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Device, (str(self),))


DeviceLike: TypeAlias = "Device | str"

_CACHE: dict[str, Device] = {}


def device(spec: DeviceLike, index: int | None = None) -> Device:
    """Parse a device string such as ``"cpu"``, ``"opencl:1"`` or ``"cuda:0"``.

    Raises :class:`plugboard.DeviceError` for malformed strings and for device
    types that no installed backend provides.

    Example:
        >>> import plugboard as pb
        >>> pb.device("cpu:0") == pb.device("cpu")
        True
    """
    return Device(spec, index)


def forget_type(device_type: str) -> None:
    """Drop parsed devices of a type whose plugin was unloaded (their check is stale)."""
    for spec in [s for s, d in _CACHE.items() if d.type == device_type]:
        del _CACHE[spec]


def _parse(spec: str) -> tuple[str, int | None]:
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise DeviceError(_malformed_message(spec))
    index = match.group("index")
    return match.group("type"), None if index is None else int(index)


def _malformed_message(spec: str) -> str:
    if spec == "":
        why = "it is empty"
    elif spec.startswith(":"):
        why = "the device type before ':' is missing"
    elif ":" in spec:
        index = spec.split(":", 1)[1]
        if index.startswith("-"):
            why = f"the index {index} is negative"
        elif index == "":
            why = "the index after ':' is missing"
        else:
            why = f"the index {index!r} is not a non-negative integer"
    else:
        why = "a device type is a name made of letters, digits and '_'"
    return (
        f"malformed device string {spec!r}: {why}. "
        "Write a device as 'TYPE' or 'TYPE:INDEX', for example 'cpu' or 'opencl:1'"
    )


def _check_type(device_type: str) -> None:
    from ._plugins import _discover, installed_device_types, switched_off

    installed = installed_device_types()
    if device_type in installed:
        return
    off = switched_off(device_type) if device_type in _discover() else None
    if off is not None:
        raise DeviceError(
            f"the {device_type} backend is installed but switched off: {off}. "
            "Change the environment variable to use it"
        )
    message = f"unknown device type {device_type!r}"
    close = difflib.get_close_matches(device_type, installed, n=3, cutoff=0.5)
    if close:
        message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        message += "."
    message += f" Installed backends: {', '.join(sorted(installed))}."
    distribution = KNOWN_DISTRIBUTIONS.get(device_type)
    if distribution is not None:
        message += (
            f" The {device_type} backend is in the package {distribution}: "
            f"pip install {distribution}"
        )
    elif not close:
        message += " A vendor's backend is installed with its own pip package."
    raise DeviceError(message)
