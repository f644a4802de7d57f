"""Devices: ``pb.device("opencl:1")``.

A device is a backend's device type plus an index. :class:`Device` checks the
syntax only. Whether a backend of that type is installed is the plugin
registry's question (``pb.device`` asks it, and so does every use of a
device); whether the index exists is checked when the device is used, because
counting devices means loading the backend's plugin and may touch a driver.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from plugboard._core.errors import DeviceError

if TYPE_CHECKING:
    from typing import TypeAlias

__all__ = ["MAX_DEVICE_INDEX", "Device", "DeviceLike"]

_SPEC: Final = re.compile(r"(?P<type>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<index>[0-9]+))?")


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

    __slots__ = ("_hash", "index", "type")

    type: str
    index: int
    _hash: int

    def __new__(cls, spec: DeviceLike, index: int | None = None) -> Device:
        if isinstance(spec, Device):
            if index is not None and index != spec.index:
                raise DeviceError(
                    f"device {spec} already has index {spec.index}. "
                    f"Fix: pass pb.device('{spec.type}:{index}') instead"
                )
            return spec
        if not isinstance(spec, str):
            raise DeviceError(
                f"a device is given as a string such as 'cpu' or 'opencl:1', "
                f"not {type(spec).__name__} {spec!r:.60}. Fix: pass pb.device('cpu') or "
                "the string 'cpu'"
            )
        if index is None:
            cached = _CACHE.get(spec)
            if cached is not None:
                return cached
        device_type, parsed_index = _parse(spec)
        if index is not None:
            if parsed_index is not None:
                raise DeviceError(
                    f"device {spec!r} already has an index. Fix: pass either {spec!r} or "
                    f"({device_type!r}, {_shown(index)}), not both"
                )
            if isinstance(index, bool) or not isinstance(index, int) or not (
                0 <= index <= MAX_DEVICE_INDEX
            ):
                raise DeviceError(
                    f"device index must be an int from 0 to {MAX_DEVICE_INDEX}, got "
                    f"{_shown(index)} for {device_type!r}. Fix: pass the index of an existing "
                    "device, e.g. 0"
                )
            parsed_index = index
        self = object.__new__(cls)
        object.__setattr__(self, "type", device_type)
        object.__setattr__(self, "index", parsed_index or 0)
        # Devices key every call's plan: hash them once.
        object.__setattr__(self, "_hash", hash((device_type, parsed_index or 0)))
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
        return self._hash

    def __str__(self) -> str:
        return f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        return f"device('{self}')"

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Device, (str(self),))


DeviceLike: TypeAlias = "Device | str"

MAX_DEVICE_INDEX: Final = 2**31 - 1
"""The highest index a device string may name (a C ``int``, as drivers count devices)."""

_CACHE: dict[str, Device] = {}


def _shown(index: object) -> str:
    """An index for a message: repr() of an int of thousands of digits raises."""
    if isinstance(index, int) and not -(10**18) < index < 10**18:
        return "an int of more than 18 digits"
    return f"{index!r:.60}"


def _parse(spec: str) -> tuple[str, int | None]:
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise DeviceError(_malformed_message(spec))
    index = match.group("index")
    if index is None:
        return match.group("type"), None
    # Measured as text first: int() of thousands of digits is refused by Python.
    digits = index.lstrip("0") or "0"
    if len(digits) > len(str(MAX_DEVICE_INDEX)) or int(digits) > MAX_DEVICE_INDEX:
        raise DeviceError(
            f"malformed device string {spec[:60]!r}: the index is larger than "
            f"{MAX_DEVICE_INDEX}. Fix: write the index of an existing device, e.g. "
            f"'{match.group('type')}:0'"
        )
    return match.group("type"), int(digits)


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
        f"malformed device string {spec!r:.80}: {why}. "
        "Fix: write a device as 'TYPE' or 'TYPE:INDEX', for example 'cpu' or 'opencl:1'"
    )
